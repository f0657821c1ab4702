#!/usr/bin/env bash
# Webhook and health-check benchmark of a Release build of frontdesk, against a bare Beast server
# on the same machine in the same run. Loopback only; everything started here is stopped on exit.
#
#   bench/load/run.sh BUILD_DIR
#
# BUILD_DIR must hold app/frontdesk, bench/load/load_gen and bench/load/bare_beast (this script
# builds nothing). Settings (environment):
#   REPS=3            runs of each scenario (the table shows median and range)
#   DURATION=2.5      measured seconds per run (after WARMUP=0.5 unmeasured seconds)
#   RATE=5000         offered webhooks/s of the fixed-rate (open loop) scenarios on SQLite
#   PG_RATE=500       the same on PostgreSQL, whose maximum here is far below 5000/s (the
#                     latency of an overloaded server only measures the length of the run)
#   MAX_CONNS=128     connections of the max-rate webhook runs (closed loop: throughput is
#                     connections / latency, so few connections would measure the client)
#   RATE_CONNS=256    connections of the fixed-rate webhook runs (enough that a server stall
#                     is not capped by the client); HEALTH_CONNS=16 for /health
#   PG=auto           also run the webhook scenarios on PostgreSQL, drafts off (0: never)
#   BUDGET=155        seconds; runs that would start after this are skipped (each run is
#                     at most ~20 s with its catch-up, so the script stays under 3 minutes)
#   PROFILE=1         print per-thread server CPU for the first run of each max-rate scenario
set -uo pipefail  # no -e: one failed scenario must not lose the table of the others

if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
frontdesk=$build/app/frontdesk
load_gen=$build/bench/load/load_gen
bare_beast=$build/bench/load/bare_beast
for exe in "$frontdesk" "$load_gen" "$bare_beast"; do
  [[ -x $exe ]] || { echo "missing $exe (build it in $build)" >&2; exit 2; }
done

REPS=${REPS:-3}
DURATION=${DURATION:-2.5}
WARMUP=${WARMUP:-0.5}
RATE=${RATE:-5000}
PG_RATE=${PG_RATE:-500}
MAX_CONNS=${MAX_CONNS:-128}
RATE_CONNS=${RATE_CONNS:-256}
HEALTH_CONNS=${HEALTH_CONNS:-16}
PG=${PG:-auto}
BUDGET=${BUDGET:-155}
PROFILE=${PROFILE:-1}
SECRET=bench-webhook-secret-0123456789
TOKEN=bench-operator-token-0123456789
CLK_TCK=$(getconf CLK_TCK)

tmp=$(mktemp -d /tmp/frontdesk-load.XXXXXX)
results=$tmp/results.txt
: >"$results"
server_pid=""
bare_pid=""
pg_started=0

cleanup() {
  set +e
  for pid in $server_pid $bare_pid; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in $server_pid $bare_pid; do
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [[ $pg_started == 1 ]]; then pg_throwaway_stop; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

over_budget() { ((SECONDS >= BUDGET)); }
# Waiting for the catch-up never pushes the script past 172 s.
settle_cap() { local left=$((172 - SECONDS)); echo $((left < 1 ? 1 : (left > 12 ? 12 : left))); }

free_port() {
  local port
  for port in $(shuf -i 20000-45000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

wait_http() {  # url, seconds
  for _ in $(seq $(($2 * 20))); do
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

cpu_ticks() {  # pid -> utime+stime of the whole process
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# Waits until the server has worked off what the last run queued (triage, drafts, outbox):
# its CPU use stays under 10 % of one core for half a second. Prints the seconds it took.
settle() {  # pid, max seconds
  local pid=$1 max=$2 start=$SECONDS quiet=0 a b
  a=$(cpu_ticks "$pid")
  while ((SECONDS - start < max)); do
    sleep 0.25
    b=$(cpu_ticks "$pid")
    if (((b - a) * 100 / CLK_TCK <= 2)); then
      quiet=$((quiet + 1))
      ((quiet >= 2)) && break
    else
      quiet=0
    fi
    a=$b
  done
  echo $((SECONDS - start))
}

thread_cpu() {  # pid -> "tid name ticks" per thread
  local t
  for t in /proc/"$1"/task/*; do
    awk -v tid="${t##*/}" '{ name = $0; sub(/^[^(]*\(/, "", name); sub(/\).*$/, "", name);
      gsub(/ /, "_", name); rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ");
      print tid, name, f[12] + f[13] }' "$t/stat" 2>/dev/null
  done
}

print_thread_cpu() {  # before-file after-file seconds
  echo "    server threads, % of one core during the run (tid name):"
  join <(sort "$1") <(sort "$2") | awk -v hz="$CLK_TCK" -v s="$3" \
    '{ d = ($5 - $3) * 100 / hz / s; if (d >= 1) printf "      %6.1f %%  %s %s\n", d, $1, $2 }' |
    sort -rn | awk 'NR <= 12'
}

print_thread_cost() {  # before-file after-file requests: CPU per request by thread name
  [[ -n $3 && $3 -gt 0 ]] || return 0
  echo "    server CPU per request, run + catch-up, by thread name (us):"
  join <(sort "$1") <(sort "$2") | awk -v hz="$CLK_TCK" -v n="$3" \
    '{ c[$2] += ($5 - $3) * 1e6 / hz / n; t += ($5 - $3) * 1e6 / hz / n }
     END { for (k in c) if (c[k] >= 1) printf "      %7.0f  %s\n", c[k], k; printf "      %7.0f  total\n", t }' |
    sort -rn
}

start_frontdesk() {  # name db drafts
  local name=$1 db=$2 drafts=$3
  server_port=$(free_port)
  cat >"$tmp/bench.toml" <<EOF
# The load generator sends far more messages per conversation than a person could; the per-contact
# limit would answer 429 and hide the cost being measured.
[workflow]
rate_limit_per_minute = 100000
EOF
  (
    cd "$tmp" || exit 1
    exec env FRONTDESK_LISTEN="127.0.0.1:$server_port" FRONTDESK_DB="$db" \
      CHATWOOT_WEBHOOK_SECRET="$SECRET" FRONTDESK_OPERATOR_TOKENS="$TOKEN:bench:admin" \
      FRONTDESK_KB_DIR="$repo/kb" FRONTDESK_LOG_LEVEL=warn AI_DRAFTS_ENABLED="$drafts" \
      "$frontdesk" serve --config "$tmp/bench.toml"
  ) >"$tmp/$name.log" 2>&1 &
  server_pid=$!
  if ! wait_http "http://127.0.0.1:$server_port/health" 15; then
    echo "frontdesk ($name) did not start:" >&2
    tail -20 "$tmp/$name.log" >&2
    exit 1
  fi
}

# A graceful stop gets 3 s: with tens of thousands of live conversations it can take far longer
# (the registry handles each conversation's exit by scanning all live ones), and everything
# acknowledged is already committed.
stop_frontdesk() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

conversation_base=1000000
# label, then load_gen arguments. Appends the RESULT line to $results and shows the summary.
run_gen() {
  local label=$1
  shift
  local limit
  limit=$(awk -v d="$DURATION" -v w="$WARMUP" 'BEGIN { print int(d + w + 12) }')
  local out
  out=$(timeout "$limit" "$load_gen" --label "$label" --duration "$DURATION" --warmup "$WARMUP" \
    --drain 3 "$@") || true
  echo "$out" | grep -v '^RESULT' | sed 's/^/    /'
  last_result=$(echo "$out" | grep '^RESULT' || echo "RESULT label=$label failed=1")
}

# Appends the last RESULT line with the server's CPU per request (ticks since $1, over sent).
record_result() {  # ticks-before pid
  local sent ticks
  sent=$(echo "$last_result" | sed -n 's/.* sent=\([0-9]*\).*/\1/p')
  ticks=$(($(cpu_ticks "$2") - $1))
  if [[ -n $sent && $sent -gt 0 ]]; then
    echo "$last_result srv_us=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$sent" 'BEGIN { printf "%.0f", t * 1e6 / hz / n }')" >>"$results"
  else
    echo "$last_result" >>"$results"
  fi
}

webhook_scenarios() {  # prefix pid rate
  local prefix=$1 pid=$2 rate=$3 rep s t0
  for rep in $(seq "$REPS"); do
    over_budget && { echo "  (budget reached; skipping the rest of $prefix)"; return 0; }
    conversation_base=$((conversation_base + 100000))
    [[ $PROFILE == 1 && $rep == 1 ]] && thread_cpu "$pid" >"$tmp/before"
    t0=$(cpu_ticks "$pid")
    echo "  [$prefix max rep $rep]"
    run_gen "$prefix webhooks max" --webhooks "http://127.0.0.1:$server_port/webhooks/chatwoot" \
      --secret "$SECRET" --connections "$MAX_CONNS" --conversation-base "$conversation_base"
    if [[ $PROFILE == 1 && $rep == 1 ]]; then
      thread_cpu "$pid" >"$tmp/after"
      print_thread_cpu "$tmp/before" "$tmp/after" "$(awk -v d="$DURATION" -v w="$WARMUP" 'BEGIN { print d + w + 0.3 }')"
    fi
    s=$(settle "$pid" "$(settle_cap)")
    echo "    (server busy ${s}s after the run)"
    if [[ $PROFILE == 1 && $rep == 1 ]]; then
      thread_cpu "$pid" >"$tmp/settled"
      print_thread_cost "$tmp/before" "$tmp/settled" "$(echo "$last_result" | sed -n 's/.* sent=\([0-9]*\).*/\1/p')"
    fi
    record_result "$t0" "$pid"
    over_budget && { echo "  (budget reached; skipping the rest of $prefix)"; return 0; }
    conversation_base=$((conversation_base + 100000))
    t0=$(cpu_ticks "$pid")
    echo "  [$prefix fixed $rate/s rep $rep]"
    run_gen "$prefix webhooks @${rate}/s" --webhooks "http://127.0.0.1:$server_port/webhooks/chatwoot" \
      --secret "$SECRET" --connections "$RATE_CONNS" --rate "$rate" \
      --conversation-base "$conversation_base"
    s=$(settle "$pid" "$(settle_cap)")
    echo "    (server busy ${s}s after the run)"
    record_result "$t0" "$pid"
  done
}

show_metrics() {
  curl -fsS --max-time 2 "http://127.0.0.1:$server_port/metrics" 2>/dev/null |
    grep -E '^frontdesk_webhooks_total|webhook_commit.*(_sum|_count)|^frontdesk_(store|outbox|draft)[a-z_]*(_count|_sum|_total)?[{ ]' |
    head -20 | sed 's/^/    metrics: /' || true
}

echo "frontdesk load bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), build $build"
echo "  $REPS reps x (${WARMUP}s warm-up + ${DURATION}s), webhooks on $MAX_CONNS (max) / $RATE_CONNS (fixed rate) connections, health on $HEALTH_CONNS"

# --- 1. GET /health: frontdesk vs bare Beast, interleaved ---
bare_port=$(free_port)
"$bare_beast" --listen "127.0.0.1:$bare_port" --threads 2 >"$tmp/bare.log" 2>&1 &
bare_pid=$!
start_frontdesk health "sqlite:$tmp/db-health.sqlite" true
wait_http "http://127.0.0.1:$bare_port/health" 10 || { echo "bare_beast did not start" >&2; exit 1; }
echo "== GET /health (closed loop)"
for rep in $(seq "$REPS"); do
  echo "  [frontdesk rep $rep]"
  t0=$(cpu_ticks "$server_pid")
  run_gen "health frontdesk" --health "http://127.0.0.1:$server_port/health" --connections "$HEALTH_CONNS"
  record_result "$t0" "$server_pid"
  echo "  [bare beast rep $rep]"
  t0=$(cpu_ticks "$bare_pid")
  run_gen "health bare_beast" --health "http://127.0.0.1:$bare_port/health" --connections "$HEALTH_CONNS"
  record_result "$t0" "$bare_pid"
done
kill -TERM "$bare_pid" 2>/dev/null || true
wait "$bare_pid" 2>/dev/null || true
bare_pid=""
stop_frontdesk

# --- 2. webhooks on SQLite, drafts disabled ---
if ! over_budget; then
  echo "== webhooks, SQLite, AI_DRAFTS_ENABLED=false"
  start_frontdesk sqlite-nodrafts "sqlite:$tmp/db-nodrafts.sqlite" false
  webhook_scenarios "sqlite drafts-off" "$server_pid" "$RATE"
  show_metrics
  stop_frontdesk
fi

# --- 3. webhooks on PostgreSQL, drafts disabled (the store path alone; drafts cost the same) ---
if [[ $PG != 0 ]] && ! over_budget; then
  # shellcheck source=/dev/null
  source "$repo/scripts/pg-throwaway"
  pg_started=1  # pg_throwaway_stop is safe after a failed start too
  if pg_throwaway_start >/dev/null 2>"$tmp/pg.log"; then
    echo "== webhooks, PostgreSQL (fsync on), AI_DRAFTS_ENABLED=false"
    start_frontdesk pg-nodrafts "$FRONTDESK_TEST_PG" false
    webhook_scenarios "pg drafts-off" "$server_pid" "$PG_RATE"
    show_metrics
    stop_frontdesk
    pg_throwaway_stop
    pg_started=0
  else
    echo "== PostgreSQL skipped (could not start: $(head -c 200 "$tmp/pg.log"))"
  fi
fi

# --- 4. webhooks on SQLite, drafts enabled (the default). Last: its catch-up is the longest ---
if ! over_budget; then
  echo "== webhooks, SQLite, AI drafts enabled (built-in drafter; triage + draft per message)"
  start_frontdesk sqlite-drafts "sqlite:$tmp/db-drafts.sqlite" true
  webhook_scenarios "sqlite drafts-on" "$server_pid" "$RATE"
  show_metrics
  stop_frontdesk
fi

# --- table: median and range over the reps ---
echo
echo "== results (median [min-max] over reps; latency in ms; rps = 200 answers per second, for"
echo "   webhooks only {\"accepted\":true}; fixed-rate latency counts from the intended send time;"
echo "   srv us = server CPU microseconds per request sent, median, including the catch-up after the run)"
printf '%-36s %4s %22s %20s %20s %20s %6s %7s\n' scenario runs "req/s" p50 p99 p99.9 errors "srv us"
awk '
  function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } return "" }
  /^RESULT/ {
    line = $0; sub(/^RESULT label=/, "", line); label = line; sub(/ mode=.*$/, "", label)
    if (field("failed") != "") { failed[label]++; if (!(label in seen)) { seen[label] = 1; order[n++] = label } next }
    if (!(label in seen)) { seen[label] = 1; order[n++] = label }
    k = ++count[label]
    rps[label, k] = field("rps"); p50[label, k] = field("p50_ms"); p99[label, k] = field("p99_ms")
    p999[label, k] = field("p999_ms"); errs[label] += field("errors"); srv[label, k] = field("srv_us")
  }
  function med(arr, label, c,   i, j, t, v) {
    for (i = 1; i <= c; i++) v[i] = arr[label, i] + 0
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    if (c == 0) return "-"
    return sprintf("%s [%s-%s]", fmt(v[int((c + 1) / 2)]), fmt(v[1]), fmt(v[c]))
  }
  function med1(arr, label, c,   i, j, t, v) {
    for (i = 1; i <= c; i++) v[i] = arr[label, i] + 0
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return c == 0 ? "-" : v[int((c + 1) / 2)]
  }
  function fmt(x) { return x >= 100 ? sprintf("%d", x) : sprintf("%.2f", x) }
  END {
    for (i = 0; i < n; i++) {
      l = order[i]; c = count[l] + 0
      printf "%-36s %4s %22s %20s %20s %20s %6s %7s\n", l, c (failed[l] ? "+" failed[l] "!" : ""), med(rps, l, c), med(p50, l, c), med(p99, l, c), med(p999, l, c), errs[l] + 0, med1(srv, l, c)
    }
  }' "$results"
awk '
  function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } return "" }
  /^RESULT/ { line = $0; sub(/^RESULT label=/, "", line); sub(/ mode=.*$/, "", line); v[line] = v[line] " " field("rps") }
  END {
    split(v["health frontdesk"], a, " "); split(v["health bare_beast"], b, " ")
    for (i = 1; i in a && i in b; i++) r = r sprintf(" %.0f%%", 100 * a[i] / b[i])
    if (r != "") print "health: frontdesk / bare_beast per interleaved rep:" r
  }' "$results"
echo "total ${SECONDS}s; load average now $(cut -d" " -f1-3 /proc/loadavg) (other work on this machine shares its cores)"
