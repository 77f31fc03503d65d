-- POST /oauth2/token grant_type=client_credentials by a service account's client
-- (client_secret_basic). Env: BENCH_DIR, BENCH_BASIC.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

wrk.method = "POST"
wrk.path = "/oauth2/token"
wrk.headers["Authorization"] = os.getenv("BENCH_BASIC")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials"

setup = bench_setup
function done(summary, latency, requests)
   bench_report(summary, latency)
end
