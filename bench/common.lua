-- Shared by the wrk scripts of bench/run: one machine-readable summary line per run.
--   BENCH requests=N seconds=S rps=R p50_ms=A p99_ms=B non2xx=N sockerr=N
-- non2xx is wrk's status error count (responses >= 400; the endpoints measured never send 3xx).

bench_threads = {}

function bench_setup(thread)
   table.insert(bench_threads, thread)
end

-- extra: a string appended to the line (per-script counters)
function bench_report(summary, latency, extra)
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d sockerr=%d%s\n",
      summary.requests, secs, summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      e.status, e.connect + e.read + e.write + e.timeout, extra or ""))
end
