-- POST /api/v1/auth/login, alternating between dev users so concurrent logins do not queue on
-- one user's row lock.  Env: BENCH_DIR, BENCH_USERS (comma separated; default bob,carol),
-- BENCH_PASSWORD (default the dev password).
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local users = {}
for u in string.gmatch(os.getenv("BENCH_USERS") or "bob,carol", "[^,]+") do
   table.insert(users, u)
end
local password = os.getenv("BENCH_PASSWORD") or "gatehouse-dev-password"
local bodies = {}
for i, u in ipairs(users) do
   bodies[i] = string.format('{"login":"%s","password":"%s"}', u, password)
end
local n = 0

function request()
   n = n + 1
   return wrk.format("POST", "/api/v1/auth/login",
      { ["Content-Type"] = "application/json" }, bodies[(n % #bodies) + 1])
end

setup = bench_setup
function done(summary, latency, requests)
   bench_report(summary, latency)
end
