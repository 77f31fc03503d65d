-- POST /oauth2/introspect of a valid access token by a confidential client (client_secret_basic).
-- Env: BENCH_DIR, BENCH_TOKEN (the token introspected), BENCH_BASIC (the Authorization value).
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

wrk.method = "POST"
wrk.path = "/oauth2/introspect"
wrk.headers["Authorization"] = os.getenv("BENCH_BASIC")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "token=" .. os.getenv("BENCH_TOKEN") .. "&token_type_hint=access_token"

-- Every answer must say active: a 200 with {"active":false} would be a cheap wrong answer.
inactive = 0	-- a global: done() reads it with thread:get()
function response(status, headers, body)
   if status == 200 and not body:find('"active":true', 1, true) then inactive = inactive + 1 end
end

setup = bench_setup
function done(summary, latency, requests)
   local n = 0
   for _, t in ipairs(bench_threads) do n = n + (t:get("inactive") or 0) end
   bench_report(summary, latency, string.format(" inactive=%d", n))
end
