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
WORKER_CONNS=8	# worker_connections of Gatehouse's main pool
CHECK_WORKERS=$(nproc)	# the check pool (check_workers = 0: one per CPU) and the ceiling's processes
CHECK_CONNS=32	# check_worker_connections, and fcgi_hello's held connections
THREADS=2
CONNS=32
DURATION=10
WARMUP=3
RUNS=2
KEEP=0
DO_BUILD=1
BENCH_PORT=""	# --port P: the stack on P..P+3, bench/run's own nginx on P+4..P+6 (else free ports)
FLUSH_LOG=1	# innodb_flush_log_at_trx_commit set on the stack's MariaDB (scripts/stack starts it with 2)

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

# port_is_free PORT: nothing listens there and it can be bound (node, when present, tries).
port_is_free() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 1; fi
    if command -v node >/dev/null 2>&1; then
        node -e '
            const s = require("net").createServer();
            s.once("error", () => process.exit(1));
            s.listen(+process.argv[1], "127.0.0.1", () => s.close(() => process.exit(0)));
        ' "$1" 2>/dev/null
    fi
}

# free_ports N: the first of N consecutive free ports on 127.0.0.1, below the ephemeral range
# (wrk's own connections take ports from it).
free_ports() {
    local n=$1 base i ok lo
    lo=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "$lo" -gt 12000 ] || lo=32768
    for _ in $(seq 200); do
        base=$((10000 + RANDOM % (lo - 10000 - n)))
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
    gcc -O2 -Wall -Wextra -D_GNU_SOURCE -I"$REPO/src" -o "$BENCH/out/bin/fcgi_hello" \
        "$BENCH/fcgi_hello.c" "$REPO/src/server/conns.c" $fcgi_libs \
        || die "cannot build bench/fcgi_hello.c"
    # shellcheck disable=SC2046
    gcc -O2 -Wall -Wextra -D_GNU_SOURCE -I"$REPO/src" -o "$BENCH/out/bin/argon2_rate" \
        "$BENCH/argon2_rate.c" "$REPO/src/auth/password.c" \
        $(pkg-config --cflags --libs libsodium libutf8proc) || die "cannot build bench/argon2_rate.c"
}

# ---------------------------------------------------------------------------------------------
# The stack

bench_stack_up() {
    local try
    for try in 1 2 3; do
        PORT=${BENCH_PORT:-$(free_ports 4)}	# the stack uses PORT to PORT+3
        say "starting a stack in $SDIR on port $PORT ($WORKERS workers x $WORKER_CONNS connections, check pool $CHECK_WORKERS x $CHECK_CONNS, --test)"
        STACK_UP=1
        if GATEHOUSE_WORKER_CONNECTIONS=$WORKER_CONNS GATEHOUSE_CHECK_WORKERS=$CHECK_WORKERS \
            GATEHOUSE_CHECK_WORKER_CONNECTIONS=$CHECK_CONNS "$STACK" up --dir "$SDIR" --port "$PORT" --workers "$WORKERS" --test --no-build \
            >"$OUT/stack-up.log" 2>&1; then
            # The stack trades durability for speed (2); measure with production's (1) unless told.
            sql -e "SET GLOBAL innodb_flush_log_at_trx_commit = $FLUSH_LOG" \
                || die "cannot set innodb_flush_log_at_trx_commit"
            return 0
        fi
        # another process may have taken the port in between: try other ports
        grep -q "is taken" "$OUT/stack-up.log" || break
    done
    tail -n 30 "$OUT/stack-up.log" >&2
    die "scripts/stack up failed"
}

# ---------------------------------------------------------------------------------------------
# The ceiling (bench/run's (a), bench/oidc's baseline): our own nginx, configured like the
# stack's (worker_processes, upstream keepalive, fastcgi_keep_conn and FastCGI parameters read
# from scripts/nginx.stack.conf.in), in front of CHECK_WORKERS pre-forked fcgi_hello processes
# holding CHECK_CONNS connections each: the shape of the stack's check pool. Listens on CPORT
# (the ceiling), CPORT+1 (login straight to the stack's socket, no limit_req) and CPORT+2 (the
# check and the ceiling without FastCGI keep-alive). Sets C (its directory) and CPORT.
bench_ceiling_up() {
    TEMPLATE=$REPO/scripts/nginx.stack.conf.in
    NGX_WORKERS=$(awk '$1 == "worker_processes" { sub(/;$/, "", $2); print $2; exit }' "$TEMPLATE")
    NGX_KEEPALIVE=$(awk '/^ *upstream gatehouse *\{/ { u = 1 } u && $1 == "keepalive" { sub(/;$/, "", $2); print $2; exit }' "$TEMPLATE")
    NGX_KEEPCONN=$(awk '/^    fastcgi_keep_conn/ { sub(/;$/, "", $2); print $2; exit }' "$TEMPLATE")
    [ -n "$NGX_WORKERS" ] && [ -n "$NGX_KEEPALIVE" ] && [ -n "$NGX_KEEPCONN" ] \
        || die "cannot read worker_processes / upstream keepalive / fastcgi_keep_conn from $TEMPLATE"

    C=$TMP/ceiling
    mkdir -p "$C"/{run,log,client_body,proxy,fastcgi,uwsgi,scgi}
    if [ -n "$BENCH_PORT" ]; then CPORT=$((BENCH_PORT + 4)); else CPORT=$(free_ports 3); fi

    EXTRA_PIDFILES+=("$C/run/hello.pid")
    # The ceiling mirrors the pool that serves (b): the stack's check pool.
    FCGI_HELLO_CONNECTIONS=$CHECK_CONNS spawn-fcgi -F "$CHECK_WORKERS" -s "$C/run/hello.sock" -M 0660 -P "$C/run/hello.pid" \
        -- "$BENCH/out/bin/fcgi_hello" >"$C/log/spawn-fcgi.log" 2>&1 \
        || { cat "$C/log/spawn-fcgi.log" >&2; die "spawn-fcgi failed"; }

    user_directive=""
    [ "$(id -u)" -eq 0 ] && user_directive="user root;"
    {
        cat <<EOF
# Written by bench/lib.sh (bench_ceiling_up): the stack's nginx settings (worker_processes $NGX_WORKERS, upstream
# keepalive $NGX_KEEPALIVE, fastcgi_keep_conn $NGX_KEEPCONN, the same FastCGI parameters, maps and
# access log) in front of fcgi_hello on a unix socket.
$user_directive
worker_processes $NGX_WORKERS;
pid $C/run/nginx.pid;
error_log $C/log/nginx-error.log notice;
events {
    worker_connections 1024;
}
http {
    default_type application/octet-stream;
    client_body_temp_path $C/client_body;
    proxy_temp_path       $C/proxy;
    fastcgi_temp_path     $C/fastcgi;
    uwsgi_temp_path       $C/uwsgi;
    scgi_temp_path        $C/scgi;

    log_format gh '\$remote_addr - [\$time_local] "\$request" \$status \$body_bytes_sent '
                  '\$request_time \$upstream_response_time rid=\$gh_rid';
    access_log $C/log/nginx-access.log gh;
    server_tokens off;
    sendfile on;
    keepalive_timeout 65;

    map \$http_x_request_id \$gh_rid {
        "~^[A-Za-z0-9._-]{1,64}\$" \$http_x_request_id;
        default                   \$request_id;
    }
    map \$request_uri \$gh_raw_path {
        "~^(?<gh_path_only>[^?]*)" \$gh_path_only;
        default                    \$request_uri;
    }

    upstream hello {
        server unix:$C/run/hello.sock;
        keepalive $NGX_KEEPALIVE;
    }

EOF
        # The stack's http-level FastCGI parameters, verbatim.
        grep -E '^    fastcgi_param ' "$TEMPLATE"
        cat <<EOF

    fastcgi_keep_conn $NGX_KEEPCONN;
    fastcgi_read_timeout 60s;

    server {
        listen 127.0.0.1:$CPORT;
        location / {
            fastcgi_pass hello;
        }
    }

    # Login straight to the stack's Gatehouse socket without the stack's limit_req (50 r/s per
    # address, below what two cores of Argon2id can do). No kept connections here: the stack's
    # nginx may hold some workers pinned, and a request must never wait behind them.
    server {
        listen 127.0.0.1:$((CPORT + 1));
        location = /api/v1/auth/login {
            fastcgi_keep_conn off;
            fastcgi_pass unix:$SDIR/run/gatehouse.sock;
        }
    }

    # For comparison only: auth/check and the ceiling without FastCGI keep-alive (one connection
    # per request, so no worker is ever pinned to an idle connection).
    server {
        listen 127.0.0.1:$((CPORT + 2));
        fastcgi_keep_conn off;
        location / {
            fastcgi_pass unix:$SDIR/run/gatehouse-check.sock;
        }
        location /hello/ {
            fastcgi_pass unix:$C/run/hello.sock;
        }
    }
}
EOF
    } >"$C/nginx.conf"

    EXTRA_PIDFILES+=("$C/run/nginx.pid")
    nginx -p "$C" -c "$C/nginx.conf" -e "$C/log/nginx-error.log" -t -q 2>>"$C/log/nginx-error.log" \
        || { tail -n 20 "$C/log/nginx-error.log" >&2; die "nginx -t failed on $C/nginx.conf"; }
    nginx -p "$C" -c "$C/nginx.conf" -e "$C/log/nginx-error.log" </dev/null >>"$C/log/nginx.out" 2>&1 \
        || { tail -n 20 "$C/log/nginx-error.log" >&2; die "nginx (ceiling) failed to start"; }
    for _ in $(seq 100); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$CPORT/")" = 200 ] && break
        sleep 0.1
    done
    expect_status 200 "http://127.0.0.1:$CPORT/"
    cp "$C/nginx.conf" "$OUT/nginx.ceiling.conf"
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

# CPU accounting: CPU_GROUPS[name]="pid ..." (set before each run) names the processes whose
# CPU time (utime + stime from /proc/PID/stat) is charged to the requests of the run; wrk's own
# CPU comes from bash's `time`.
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

# Results of single runs, keyed "NAME:RUN" (RUN = warmup, run1, run2).
declare -A X_OK X_RPS X_P50 X_P99 X_NON2XX X_SOCKERR X_EXTRA X_CPU

# wrk_run NAME RUN CONNS SCRIPT URL: one wrk run (WARMUP seconds for RUN=warmup, else
# DURATION) into $OUT/NAME.RUN.txt, results in X_*[NAME:RUN]. X_OK counts 2xx per second.
wrk_run() {
    local name=$1 run=$2 conns=$3 script=$4 url=$5 f d=$DURATION g cpu wrk_cpu k=$1:$2
    local -A t0
    f=$OUT/$name.$run.txt
    [ "$run" = warmup ] && d=$WARMUP
    for g in "${!CPU_GROUPS[@]}"; do
        # shellcheck disable=SC2086
        t0[$g]=$(group_ticks ${CPU_GROUPS[$g]})
    done
    wrk_cpu=$( { TIMEFORMAT='%U %S'; time BENCH_DIR=$BENCH wrk -t"$THREADS" -c"$conns" -d"${d}s" \
        --latency -s "$BENCH/$script" "$url" >"$f" 2>&1; } 2>&1 ) \
        || { cat "$f" >&2; die "wrk failed for $name ($run)"; }
    parse_bench "$f"
    cpu=$(awk -v t="$wrk_cpu" -v n="$B_requests" 'BEGIN { split(t, a, " "); printf "wrk=%.1f", n ? (a[1] + a[2]) * 1e6 / n : 0 }')
    for g in $(printf '%s\n' "${!CPU_GROUPS[@]}" | sort); do
        # shellcheck disable=SC2086
        cpu="$cpu $g=$(awk -v a="${t0[$g]}" -v b="$(group_ticks ${CPU_GROUPS[$g]})" -v n="$B_requests" -v hz="$CLK_TCK" \
            'BEGIN { printf "%.1f", n ? (b - a) * 1e6 / hz / n : 0 }')"
    done
    echo "CPU_US_PER_REQUEST $cpu" >>"$f"
    X_OK[$k]=$(awk -v r="$B_requests" -v n="$B_non2xx" -v s="$B_seconds" 'BEGIN { printf "%.1f", (r - n) / s }')
    X_RPS[$k]=$B_rps
    X_P50[$k]=$B_p50_ms
    X_P99[$k]=$B_p99_ms
    X_NON2XX[$k]=$B_non2xx
    X_SOCKERR[$k]=$B_sockerr
    X_EXTRA[$k]="parked connections $B_parked, untokened requests $B_untokened"
    X_CPU[$k]=$cpu
}

# pick NAME [RUN]: R_*[NAME] from RUN, by default the best (most 2xx/s) of run1..runRUNS;
# R_RUNS[NAME] lists every run's 2xx/s.
pick() {
    local name=$1 best=${2:-} i list=""
    for ((i = 1; i <= RUNS; i++)); do
        list="$list${list:+ / }${X_OK[$name:run$i]}"
        if [ $# -lt 2 ] && { [ -z "$best" ] || awk -v a="${X_OK[$name:run$i]}" -v b="${X_OK[$name:$best]}" 'BEGIN { exit !(a > b) }'; }; then
            best=run$i
        fi
    done
    local k=$name:$best
    R_OK[$name]=${X_OK[$k]}
    R_RPS[$name]=${X_RPS[$k]}
    R_P50[$name]=${X_P50[$k]}
    R_P99[$name]=${X_P99[$k]}
    R_NON2XX[$name]=${X_NON2XX[$k]}
    R_SOCKERR[$name]=${X_SOCKERR[$k]}
    R_EXTRA[$name]=${X_EXTRA[$k]}
    R_CPU[$name]=${X_CPU[$k]}
    R_BEST[$name]=$best
    R_RUNS[$name]=$list
    say "$(printf '%-12s %10s/s (runs: %s)  p50 %s ms  p99 %s ms  non-2xx %s  CPU us/req: %s' \
        "$name" "${R_OK[$name]}" "${R_RUNS[$name]}" "${R_P50[$name]}" "${R_P99[$name]}" \
        "${R_NON2XX[$name]}" "${R_CPU[$name]}")"
}
declare -A R_BEST

# measure NAME: the function m_NAME RUN does one run; a warm-up, RUNS runs, then pick.
measure() {
    local i
    "m_$1" warmup
    for ((i = 1; i <= RUNS; i++)); do "m_$1" "run$i"; done
    pick "$1"
}

# measure_pair BASE NAME: BASE and NAME alternately (warm-ups, then BASE run1, NAME run1, BASE
# run2, NAME run2, ...), so that each run of NAME has a run of BASE beside it on a shared, noisy
# machine, and each ratio NAME/BASE is taken within a pair.
# PAIR_RATIO[NAME]: every pair's ratio; PAIR_MEDIAN[NAME]: their median (the mean of the middle
# two for an even count). The R_* rows of both come from the pair whose ratio is nearest the
# median (the first such pair).
declare -A PAIR_RATIO PAIR_MEDIAN
measure_pair() {
    local base=$1 name=$2 i list="" r med best="" bestd=""
    local -a ratios=()
    "m_$base" warmup
    "m_$name" warmup
    for ((i = 1; i <= RUNS; i++)); do
        "m_$base" "run$i"
        "m_$name" "run$i"
        r=$(awk -v a="${X_OK[$name:run$i]}" -v b="${X_OK[$base:run$i]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        ratios+=("$r")
        list="$list${list:+ / }$r"
    done
    med=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }')
    for ((i = 1; i <= RUNS; i++)); do
        r=$(awk -v a="${ratios[i - 1]}" -v m="$med" 'BEGIN { d = a - m; printf "%.4f", (d < 0 ? -d : d) }')
        if [ -z "$best" ] || awk -v a="$r" -v b="$bestd" 'BEGIN { exit !(a < b) }'; then
            best=run$i
            bestd=$r
        fi
    done
    PAIR_RATIO[$name]=$list
    PAIR_MEDIAN[$name]=$med
    pick "$base" "$best"
    pick "$name" "$best"
    say "$name/$base per pair: $list; median $med (rows from $best)"
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

# pss_of PID: "Pss Pss_Anon Pss_File Pss_Shmem" in kB from /proc/PID/smaps_rollup (each shared
# page counted once over all the processes that map it, so the figures of several processes add
# up); "? ? ? ?" when the process is gone.
pss_of() {
    awk '/^Pss:/ { p = $2 } /^Pss_Anon:/ { a = $2 } /^Pss_File:/ { f = $2 } /^Pss_Shmem:/ { s = $2 }
         END { if (p == "") print "? ? ? ?"; else printf "%d %d %d %d\n", p, a, f, s }' \
        "/proc/$1/smaps_rollup" 2>/dev/null || echo "? ? ? ?"
}

# pss_table PID...: one line per process (comm, pid, PSS and its parts) and a total line. The
# shared part (Pss_Shmem) is the metrics area and the hashing slots' pages, split among the
# processes that touched them.
pss_table() {
    local p comm
    for p in "$@"; do
        comm=$(cat "/proc/$p/comm" 2>/dev/null || echo gone)
        # shellcheck disable=SC2046
        printf '%s %s %s\n' "$comm" "$p" "$(pss_of "$p")"
    done | awk '{ printf "  %-16s %7s  PSS %6d kB (anon %6d, file %5d, shared memory %6d)\n", $1, $2, $3, $4, $5, $6;
                  t += $3; a += $4; f += $5; s += $6; n++ }
                END { printf "  %-16s %7s  PSS %6d kB (anon %6d, file %5d, shared memory %6d) = %.1f MB\n", "total", n " procs", t, a, f, s, t / 1024 }'
}

# gatehouse_pids: the master, then its children (workers and check workers).
gatehouse_pids() {
    local m
    m=$(head -n1 "$SDIR/run/gatehouse.pid" 2>/dev/null | tr -dc 0-9)
    [ -n "$m" ] && alive "$m" || return 0
    echo "$m"
    children_of "$m"
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
