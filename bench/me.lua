-- GET /api/v1/me with a Bearer token.  Env: BENCH_DIR, BENCH_TOKEN.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/api/v1/me"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

setup = bench_setup
function done(summary, latency, requests)
   bench_report(summary, latency)
end
