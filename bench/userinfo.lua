-- GET /oauth2/userinfo with an access token of the code flow (openid scope).
-- Env: BENCH_DIR, BENCH_TOKEN.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

wrk.method = "GET"
wrk.path = "/oauth2/userinfo"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

setup = bench_setup
function done(summary, latency, requests)
   bench_report(summary, latency)
end
