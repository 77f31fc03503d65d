-- GET /api/v1/auth/check as nginx's auth_request would send it: a Bearer token and the original
-- method and URI; the path is the URL's. Env: BENCH_DIR, BENCH_TOKEN, BENCH_ORIG_METHOD, BENCH_ORIG_URI.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["X-Original-Method"] = os.getenv("BENCH_ORIG_METHOD") or "GET"
wrk.headers["X-Original-URI"] = os.getenv("BENCH_ORIG_URI") or "/bench/items/42"

setup = bench_setup
function done(summary, latency, requests)
   bench_report(summary, latency)
end
