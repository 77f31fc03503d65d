-- GET /api/v1/me (or BENCH_PATH: bench/oidc sends /oauth2/userinfo) with a Bearer token.
-- Env: BENCH_DIR, BENCH_TOKEN, BENCH_PATH (optional).
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH") or "/api/v1/me"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

setup = bench_setup
function done(summary, latency, requests)
   bench_report(summary, latency)
end
