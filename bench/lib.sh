# bench/lib.sh: shared by bench/run and bench/authz-scale (sourced, not run).
#
# Starts a Gatehouse stack in a temporary directory with scripts/stack, runs wrk with the Lua
# scripts in bench/, parses their "BENCH key=value ..." summary lines and cleans up on exit.
# Everything started here is stopped by its pid (or by scripts/stack down for the stack).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$REPO/bench
STACK=$REPO/scripts/stack

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

# Settings every measurement shares (overridable by options of the callers).
WORKERS=8
THREADS=2
CONNS=32
DURATION=10
WARMUP=3
KEEP=0
DO_BUILD=1

TMP=""
OUT=""
SDIR=""
PORT=""
STACK_UP=0
EXTRA_PIDFILES=()	# pid files of processes we started besides the stack (one pid a line)

# ---------------------------------------------------------------------------------------------

bench_init_out() {
    local name=$1
    OUT=$BENCH/out/$name-$(date +%Y%m%d-%H%M%S)
    mkdir -p "$OUT" "$BENCH/out/bin"
    TMP=$(mktemp -d /tmp/gh-bench.XXXXXX)
    SDIR=$TMP/stack
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

bench_cleanup() {
    local rc=$? f p pids
    for f in "${EXTRA_PIDFILES[@]}"; do
        [ -f "$f" ] || continue
        pids=()
        while read -r p || [ -n "$p" ]; do
            p=$(echo "$p" | tr -dc 0-9)
            if [ -n "$p" ] && alive "$p"; then pids+=("$p"); fi
        done <"$f"
        if [ "${#pids[@]}" -gt 0 ]; then
            kill -TERM "${pids[@]}" 2>/dev/null || true
            for _ in $(seq 50); do
                local any=0
                for p in "${pids[@]}"; do if alive "$p"; then any=1; fi; done
                [ "$any" -eq 0 ] && break
                sleep 0.1
            done
            for p in "${pids[@]}"; do if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi; done
        fi
    done
    if [ "$STACK_UP" -eq 1 ]; then
        "$STACK" down --dir "$SDIR" >/dev/null 2>&1 || say "scripts/stack down failed for $SDIR"
    fi
    if [ -n "$TMP" ] && [ -d "$TMP" ]; then
        # keep the logs with the results
        [ -d "$SDIR/log" ] && cp -r "$SDIR/log" "$OUT/stack-log" 2>/dev/null
        [ -d "$TMP/ceiling/log" ] && cp -r "$TMP/ceiling/log" "$OUT/ceiling-log" 2>/dev/null
        if [ "$KEEP" -eq 1 ]; then
            say "kept $TMP"
        else
            rm -rf "$TMP"
        fi
    fi
    exit "$rc"
}

port_is_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_ports N: the first of N consecutive free ports on 127.0.0.1.
free_ports() {
    local n=$1 base i ok
    for _ in $(seq 200); do
        base=$((20000 + RANDOM % 30000))
        ok=1
        for ((i = 0; i < n; i++)); do
            port_is_free $((base + i)) || { ok=0; break; }
        done
        if [ "$ok" -eq 1 ]; then echo "$base"; return 0; fi
    done
    die "no $n consecutive free ports found"
}

# ---------------------------------------------------------------------------------------------
# Build

bench_build() {
    "$REPO/scripts/deps"
    if [ "$DO_BUILD" -eq 1 ]; then
        say "building gatehouse (release: the normal -O2 build)"
        (
            cd "$REPO"
            [ -x ./configure ] || autoreconf -fi
            [ -f Makefile ] || ./configure
            make -j2 gatehouse
        ) >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; die "build failed (log: $OUT/build.log)"; }
    fi
    [ -x "$REPO/gatehouse" ] || die "no $REPO/gatehouse (build first)"
    if ldd "$REPO/gatehouse" 2>/dev/null | grep -Eq 'libasan|libubsan'; then
        die "$REPO/gatehouse is built with sanitizers (configure --enable-asan/--enable-ubsan); reconfigure without them to benchmark"
    fi
    local fcgi_libs
    fcgi_libs=$(pkg-config --libs fcgi 2>/dev/null || echo -lfcgi)
    # shellcheck disable=SC2086
    gcc -O2 -Wall -Wextra -o "$BENCH/out/bin/fcgi_hello" "$BENCH/fcgi_hello.c" $fcgi_libs \
        || die "cannot build bench/fcgi_hello.c"
    # shellcheck disable=SC2046
    gcc -O2 -Wall -Wextra -o "$BENCH/out/bin/argon2_rate" "$BENCH/argon2_rate.c" \
        $(pkg-config --cflags --libs libsodium) || die "cannot build bench/argon2_rate.c"
}

# ---------------------------------------------------------------------------------------------
# The stack

bench_stack_up() {
    PORT=$(free_ports 3)
    say "starting a stack in $SDIR on port $PORT ($WORKERS workers, --test)"
    STACK_UP=1
    "$STACK" up --dir "$SDIR" --port "$PORT" --workers "$WORKERS" --test --no-build \
        >"$OUT/stack-up.log" 2>&1 || { tail -n 30 "$OUT/stack-up.log" >&2; die "scripts/stack up failed"; }
}

sql() {
    mariadb --no-defaults --socket="$SDIR/run/mysql.sock" -u "$(id -un)" -N -B gatehouse "$@"
}

rcli() {
    redis-cli -s "$SDIR/run/redis.sock" "$@"
}

URL() { echo "http://127.0.0.1:$PORT$1"; }

json_field() {	# json_field NAME < json: the first string value of "NAME"
    sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n1
}

# login USER [URL]: prints the whole JSON answer; dies unless 200.
login() {
    local user=$1 url=${2:-$(URL /api/v1/auth/login)} out code
    out=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
        --data "{\"login\":\"$user\",\"password\":\"gatehouse-dev-password\"}" "$url") || die "login $user: curl failed"
    code=${out##*$'\n'}
    [ "$code" = 200 ] || die "login $user answered $code, not 200: ${out%$'\n'*}"
    echo "${out%$'\n'*}"
}

access_token() { login "$@" | json_field access_token; }

# login_sessions N FILE: N fresh sessions of bob and carol; their refresh tokens, one a line.
login_sessions() {
    local n=$1 file=$2 i users=(bob carol)
    : >"$file"
    for ((i = 0; i < n; i++)); do
        login "${users[i % 2]}" | json_field refresh_token >>"$file"
    done
    [ "$(grep -c . "$file")" -eq "$n" ] || die "could not log in $n sessions"
}

# The mapping every check measurement uses: GET /bench/** needs self.read (member has it).
bench_mapping() {
    sql -e "INSERT IGNORE INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
            SELECT id, '/bench/**', 'GET', 'bench/run' FROM permissions WHERE name = 'self.read'" \
        || die "cannot insert the /bench/** mapping"
    rcli INCR authz:gen >/dev/null || die "redis INCR authz:gen failed"
}

# expect_status CODE CURL-ARGS...: dies unless the request answers CODE.
expect_status() {
    local want=$1 code; shift
    code=$(curl -s -o "$TMP/expect.body" -w '%{http_code}' "$@") || true
    [ "$code" = "$want" ] || die "expected $want from curl $*, got $code: $(head -c 300 "$TMP/expect.body")"
}

# ---------------------------------------------------------------------------------------------
# wrk

declare -A R_RPS R_OK R_P50 R_P99 R_NON2XX R_SOCKERR R_RUNS R_EXTRA

# parse_bench FILE: sets B_* from the file's BENCH line.
parse_bench() {
    local line kv
    line=$(sed -n 's/^BENCH //p' "$1" | tail -n1)
    [ -n "$line" ] || { cat "$1" >&2; die "no BENCH line in $1"; }
    B_requests=0 B_seconds=0 B_rps=0 B_p50_ms=0 B_p99_ms=0 B_non2xx=0 B_sockerr=0 B_parked=0 B_untokened=0
    for kv in $line; do
        printf -v "B_${kv%%=*}" '%s' "${kv#*=}"
    done
}

# CPU accounting: CPU_GROUPS[name]="pid ..." (set by the caller before measure) names the
# processes whose CPU time (utime + stime, /proc/PID/stat) is charged to each request of a run.
# wrk's own CPU comes from bash's `time`.
declare -A CPU_GROUPS R_CPU
CLK_TCK=$(getconf CLK_TCK)

group_ticks() {	# group_ticks PID...: summed utime + stime
    local p t=0 v
    for p in "$@"; do
        v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || v=0
        t=$((t + ${v:-0}))
    done
    echo "$t"
}

# measure NAME CONNS SCRIPT URL [PRE-RUN-FUNCTION]: a warm-up, then two runs; keeps the better
# (higher 2xx/s) in R_*[NAME]. The raw wrk output of each run lands in $OUT/NAME.*.txt.
# PRE-RUN-FUNCTION (optional) is called before each wrk run with the run's label.
# R_CPU[NAME]: CPU microseconds per request of the kept run, per group of CPU_GROUPS and wrk.
measure() {
    local name=$1 conns=$2 script=$3 url=$4 pre=${5:-} run f ok best=-1 runs="" g cpu wrk_cpu
    local -A t0
    for run in warmup run1 run2; do
        [ -n "$pre" ] && "$pre" "$run"
        f=$OUT/$name.$run.txt
        local d=$DURATION
        [ "$run" = warmup ] && d=$WARMUP
        for g in "${!CPU_GROUPS[@]}"; do
            # shellcheck disable=SC2086
            t0[$g]=$(group_ticks ${CPU_GROUPS[$g]})
        done
        wrk_cpu=$( { TIMEFORMAT='%U %S'; time BENCH_DIR=$BENCH wrk -t"$THREADS" -c"$conns" -d"${d}s" \
            --latency -s "$BENCH/$script" "$url" >"$f" 2>&1; } 2>&1 ) \
            || { cat "$f" >&2; die "wrk failed for $name ($run)"; }
        [ "$run" = warmup ] && continue
        parse_bench "$f"
        cpu=$(awk -v t="$wrk_cpu" -v n="$B_requests" 'BEGIN { split(t, a, " "); printf "wrk=%.1f", (a[1] + a[2]) * 1e6 / n }')
        for g in $(printf '%s\n' "${!CPU_GROUPS[@]}" | sort); do
            # shellcheck disable=SC2086
            cpu="$cpu $g=$(awk -v a="${t0[$g]}" -v b="$(group_ticks ${CPU_GROUPS[$g]})" -v n="$B_requests" -v hz="$CLK_TCK" \
                'BEGIN { printf "%.1f", (b - a) * 1e6 / hz / n }')"
        done
        echo "CPU_US_PER_REQUEST $cpu" >>"$f"
        ok=$(awk -v r="$B_requests" -v n="$B_non2xx" -v s="$B_seconds" 'BEGIN { printf "%.1f", (r - n) / s }')
        runs="$runs${runs:+ / }$ok"
        if awk -v a="$ok" -v b="$best" 'BEGIN { exit !(a > b) }'; then
            best=$ok
            R_RPS[$name]=$B_rps
            R_OK[$name]=$ok
            R_P50[$name]=$B_p50_ms
            R_P99[$name]=$B_p99_ms
            R_NON2XX[$name]=$B_non2xx
            R_SOCKERR[$name]=$B_sockerr
            R_EXTRA[$name]="parked connections $B_parked, untokened requests $B_untokened"
            R_CPU[$name]=$cpu
        fi
    done
    R_RUNS[$name]=$runs
    say "$(printf '%-14s 2xx/s %10s (runs: %s)  p50 %s ms  p99 %s ms  non-2xx %s  CPU us/req: %s' \
        "$name" "${R_OK[$name]}" "$runs" "${R_P50[$name]}" "${R_P99[$name]}" "${R_NON2XX[$name]}" "${R_CPU[$name]}")"
}

# The stack's processes as CPU groups: nginx workers, gatehouse workers (app), redis, mariadb.
stack_cpu_groups() {
    local m
    CPU_GROUPS=()
    m=$(head -n1 "$SDIR/run/nginx.pid" | tr -dc 0-9)
    CPU_GROUPS[nginx]=$(children_of "$m" | tr '\n' ' ')
    m=$(head -n1 "$SDIR/run/gatehouse.pid" | tr -dc 0-9)
    CPU_GROUPS[app]=$(children_of "$m" | tr '\n' ' ')
    CPU_GROUPS[redis]=$(head -n1 "$SDIR/run/redis.pid" | tr -dc 0-9)
    CPU_GROUPS[mariadb]=$(head -n1 "$SDIR/run/mysql.pid" | tr -dc 0-9)
}

# rss_of PID: VmRSS in kB.
rss_of() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo "?"
}

children_of() {
    local parent=$1 p
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        if [ "$(awk '{ sub(/^.*\) /, ""); print $2 }' "/proc/$p/stat" 2>/dev/null)" = "$parent" ]; then
            echo "$p"
        fi
    done
    return 0
}

machine_line() {
    local cpu
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
}
