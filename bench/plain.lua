-- A plain GET of the URL given to wrk (the ceiling).  Env: BENCH_DIR.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

setup = bench_setup
function done(summary, latency, requests)
   bench_report(summary, latency)
end
