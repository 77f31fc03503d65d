-- POST /api/v1/auth/refresh with chained single-use refresh tokens.
--
-- Every refresh token works once, so each request must carry the token that the previous
-- response of its session returned.  wrk keeps a Lua state per thread and, for one connection,
-- calls delay(), then request(), then response(); so a per-thread queue of tokens suffices: a
-- thread starts with its share of the sessions logged in beforehand (BENCH_TOKENS_FILE, one
-- refresh token a line, at least one per connection plus spares), request() takes a token and
-- response() puts the new one back.  A refusal ends a session; once the spares are gone,
-- delay() parks a connection that would find no token (it sends nothing more) rather than let
-- it send requests that cannot succeed.
-- Env: BENCH_DIR, BENCH_TOKENS_FILE, BENCH_THREADS (wrk -t).
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local queue, head, tail = {}, 1, 0
local reserved = 0
-- globals: done() reads them with thread:get()
parked = 0
untokened = 0

function bench_refresh_setup(thread)
   bench_setup(thread)
   thread:set("tid", #bench_threads)
end
setup = bench_refresh_setup

function init(args)
   local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
   local i = 0
   for line in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
      if line ~= "" then
         -- thread k takes every nthreads-th token
         if i % nthreads == tid - 1 then
            tail = tail + 1
            queue[tail] = line
         end
         i = i + 1
      end
   end
end

function delay()
   if tail - head + 1 - reserved > 0 then
      reserved = reserved + 1
      return 0
   end
   parked = parked + 1
   return 86400000
end

function request()
   local tok
   if reserved > 0 then
      reserved = reserved - 1
   end
   if head <= tail then
      tok = queue[head]
      queue[head] = nil
      head = head + 1
   else
      -- only after a reconnect, which skips delay()
      untokened = untokened + 1
      tok = "none"
   end
   return wrk.format("POST", "/api/v1/auth/refresh",
      { ["Content-Type"] = "application/json" },
      '{"refresh_token":"' .. tok .. '"}')
end

function response(status, headers, body)
   if status == 200 then
      local tok = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
      if tok then
         tail = tail + 1
         queue[tail] = tok
      end
   end
end

function done(summary, latency, requests)
   local p, u = 0, 0
   for _, t in ipairs(bench_threads) do
      p = p + (t:get("parked") or 0)
      u = u + (t:get("untokened") or 0)
   end
   bench_report(summary, latency, string.format(" parked=%d untokened=%d", p, u))
end
