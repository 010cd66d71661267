#!/usr/bin/env bash
# bench.sh: esra's performance figures with real components, all on loopback.
#   1. At each world size (instances/apps/services/tasks, dockerd-sized tasks with their full
#      Spec; bench/gen.js), served by bench/server.js, with dnsmasq answering DNS from the
#      world's hosts file: one `esra check` with Eureka JSON and one with Eureka XML, curl
#      fetching the same bytes in one process (the transfer limit), and bench/operator.sh
#      (curl + jq + dig, checking only name vs VIP and ipAddr vs live task). Wall, CPU
#      (user + system) and peak RSS, medians of RUNS runs taken in turn, ratios to curl.
#      Every esra run's findings and the operator's are checked against what gen.js planted.
#   2. watch steady state at the first size of 10,000 instances or more (else the largest):
#      bytes a delta cycle moves against a full fetch, and CPU while idle.
# Needs a build (cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build),
# node, dnsmasq, dig, jq, curl and GNU time (scripts/deps.sh installs them).
# Usage: bench/bench.sh [BUILD_DIR]   (default build)
#   SIZES="I:A:S:T ..." worlds (default 1000:200:200:2000 10000:2000:2000:20000
#                      30000:6000:6000:60000 100000:20000:20000:200000)
#   RUNS=N             runs per measure (default 5)      WATCH=0   skip part 2
# Prints Markdown tables for the README. The full default run is heavy: run it nice'd.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
esra=$build/esra
RUNS=${RUNS:-5}
SIZES=${SIZES:-1000:200:200:2000 10000:2000:2000:20000 30000:6000:6000:60000 100000:20000:20000:200000}
WATCH=${WATCH:-1}
[ -x "$esra" ] || { echo "bench: $esra not built" >&2; exit 3; }
for c in node dnsmasq dig jq curl; do
  command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || { echo "bench: $c missing (scripts/deps.sh)" >&2; exit 3; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (scripts/deps.sh)" >&2; exit 3; }
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)

tmp=$(mktemp -d /tmp/esra-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "bench: $2 did not start" >&2; exit 1; }

# dnsmasq on 127.0.0.1 at a free port, answering only from HOSTS (bare names it does not
# hold: NXDOMAIN). Sets dns_port and dns_pid.
start_dnsmasq() {
  local hosts=$1 p
  for _ in $(seq 20); do
    p=$((20000 + RANDOM % 30000))
    "$dnsmasq" -k --no-resolv --no-hosts --addn-hosts="$hosts" --listen-address=127.0.0.1 \
      --bind-interfaces --port="$p" --pid-file= --user=root --group=root --domain-needed \
      --local-ttl=600 --cache-size=10000 2>"$tmp/dnsmasq.log" &
    dns_pid=$!
    for _ in $(seq 100); do
      dig @127.0.0.1 -p "$p" +short +tries=1 +time=1 svc0 >/dev/null 2>&1 && { dns_port=$p; pids+=("$dns_pid"); return 0; }
      kill -0 "$dns_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$dns_pid" 2>/dev/null || true
  done
  echo "bench: dnsmasq did not start: $(cat "$tmp/dnsmasq.log")" >&2
  exit 1
}

# run NAME CMD...: one timed run, appends "wall cpu rss_kib" to $tmp/NAME.t
run() {
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f '%U %S %M' -o "$tmp/t" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || true
  t1=$(date +%s%N)
  # GNU time's wall clock has 10 ms steps: the wall is taken around it (ns)
  tail -n 1 "$tmp/t" | awk -v ns=$((t1 - t0)) '{printf "%.3f %.2f %s\n", ns / 1e9, $1 + $2, $3}' >>"$tmp/$name.t"
}
# same_findings NAME FILE: the finding ids in FILE equal what gen.js planted
same_findings() {
  if ! diff -q "$2" "$tmp/w/expected.txt" >/dev/null; then
    echo "bench: $1 found something else than what was planted:" >&2
    diff "$2" "$tmp/w/expected.txt" | head -n 10 >&2
    exit 1
  fi
}
esra_ids() { jq -r '.findings[].id' "$1" | sort; }
th() { awk -v n="$1" 'BEGIN {while (n ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", n); print n}'; }
med() { awk -v c="$2" '{print $c}' "$tmp/$1.t" | median; }

declare -a rows
mem_sizes=()
watch_done=
for size in $SIZES; do
  IFS=: read -r ni na ns nt <<<"$size"
  rm -rf "$tmp/w" "$tmp"/*.t
  nice node bench/gen.js "$tmp/w" --instances "$ni" --apps "$na" --services "$ns" --tasks "$nt" >/dev/null
  npoisoned=$(grep -c '^poisoned_name' "$tmp/w/expected.txt" || true)
  nstale=$(grep -c '^stale_instance' "$tmp/w/expected.txt" || true)
  : >"$tmp/http.port"
  node bench/server.js "$tmp/w" >"$tmp/http.port" &
  http_pid=$!
  pids+=("$http_pid")
  wait_file "$tmp/http.port" "bench/server.js"
  hp=$(cat "$tmp/http.port")
  start_dnsmasq "$tmp/w/hosts"
  for fmt in json xml; do
    cat >"$tmp/esra-$fmt.conf" <<EOF
eureka = { urls = [ "http://127.0.0.1:$hp/eureka/" ]; timeout_ms = 60000; format = "$fmt"; };
docker = { host = "tcp://127.0.0.1:$hp"; timeout_ms = 60000; };
dns = { server = "127.0.0.1"; port = $dns_port; };
EOF
  done
  base=http://127.0.0.1:$hp
  durls=(/version /v1.41/info /v1.41/nodes "/v1.41/services?status=true" /v1.41/tasks /v1.41/networks
    "/v1.41/networks/benchnet0000000000000000a?verbose=true" /v1.41/containers/json)
  curl_args() { # FORMAT: one curl process fetching what esra fetches, in order, one connection
    local a=(-s -f)
    for u in "${durls[@]}"; do a+=(-o /dev/null "$base$u"); done
    a+=(-H "Accept: application/$1" -o /dev/null "$base/eureka/apps/")
    printf '%s\n' "${a[@]}"
  }
  mapfile -t cj < <(curl_args json)
  mapfile -t cx < <(curl_args xml)
  bytes() { curl "$@" -w '%{size_download}\n' | awk '{s += $1} END {printf "%.1f", s / 1048576}'; }
  bj=$(bytes "${cj[@]}")
  bx=$(bytes "${cx[@]}")
  for _ in $(seq "$RUNS"); do
    run curl-json curl "${cj[@]}"
    run esra-json "$esra" check -c "$tmp/esra-json.conf" -f json
    esra_ids "$tmp/esra-json.out" >"$tmp/ids"
    same_findings "esra check (JSON)" "$tmp/ids"
    run curl-xml curl "${cx[@]}"
    run esra-xml "$esra" check -c "$tmp/esra-xml.conf" -f json
    esra_ids "$tmp/esra-xml.out" >"$tmp/ids"
    same_findings "esra check (XML)" "$tmp/ids"
    run operator bench/operator.sh "$base" 127.0.0.1 "$dns_port"
    same_findings "bench/operator.sh" "$tmp/operator.out"
  done
  world="$(th "$ni") instances in $(th "$na") apps, $(th "$ns") services, $(th "$nt") tasks ($npoisoned poisoned names, $nstale stale instances planted)"
  cj_w=$(med curl-json 1)
  cx_w=$(med curl-xml 1)
  row() { # LABEL NAME BYTES LIMIT_WALL
    local w c m
    w=$(med "$2" 1)
    c=$(med "$2" 2)
    m=$(med "$2" 3)
    rows+=("| $world | $1 | $3 MiB | $w s | $c s | $((m / 1024)) MiB | $(awk -v w="$w" -v l="$4" 'BEGIN {printf "%.1f", w / (l > 0 ? l : 0.01)}') x |")
  }
  row "curl, the same bytes (the limit)" curl-json "$bj" "$cj_w"
  world=""
  row "**esra check, Eureka JSON**" esra-json "$bj" "$cj_w"
  row "curl, the same bytes, Eureka XML" curl-xml "$bx" "$cx_w"
  row "**esra check, Eureka XML**" esra-xml "$bx" "$cx_w"
  row "operator script (curl + jq + dig, does less)" operator "$bj" "$cj_w"
  mem_sizes+=("$ni:$(med esra-json 3)")

  # ---------------------------------------------------------------- 2. watch steady state
  if [ "$WATCH" = 1 ] && [ -z "$watch_done" ] && { [ "$ni" -ge 10000 ] || [ "$size" = "${SIZES##* }" ]; }; then
    watch_done=$ni
    node tests/emulator/eureka-emu.js --port 0 --quiet --delta-retention-ms 1000 >"$tmp/emu.port" &
    emu_pid=$!
    pids+=("$emu_pid")
    wait_file "$tmp/emu.port" "the Eureka emulator"
    ep=$(head -n 1 "$tmp/emu.port" | jq -r .port)
    jq -c '{instances: [.applications.application[].instance[]]}' "$tmp/w/apps.json" >"$tmp/instances.json"
    curl -sf -X PUT -H 'Content-Type: application/json' --data-binary @"$tmp/instances.json" \
      "http://127.0.0.1:$ep/_emu/instances" >/dev/null
    sleep 1.5 # loading is a change: the watch starts once it has left the delta window
    cat >"$tmp/watch.conf" <<EOF
eureka = { urls = [ "http://127.0.0.1:$ep/eureka/" ]; timeout_ms = 60000; };
docker = { host = "tcp://127.0.0.1:$hp"; timeout_ms = 60000; };
dns = { server = "127.0.0.1"; port = $dns_port; };
watch = { interval_seconds = 10; listen = ""; };
log = { level = "debug"; };
EOF
    "$esra" watch -c "$tmp/watch.conf" 2>"$tmp/watch.log" &
    wpid=$!
    pids+=("$wpid")
    ncycles() { grep -c 'esra info: cycle:' "$tmp/watch.log" || true; }
    for _ in $(seq 900); do [ "$(ncycles)" -ge 2 ] && break; sleep 0.05; done
    [ "$(ncycles)" -ge 2 ] || { echo "bench: watch did not run two cycles:" >&2; tail -n 5 "$tmp/watch.log" >&2; exit 1; }
    full_bytes=$(grep -m1 'full fetch, ' "$tmp/watch.log" | sed 's/.*, \([0-9]*\) bytes/\1/')
    delta_bytes=$(grep -m1 'apps/delta applied' "$tmp/watch.log" | sed 's/.*, \([0-9]*\) bytes/\1/')
    cpu() { awk '{print $14 + $15}' "/proc/$wpid/stat"; }
    c0=$(cpu)
    sleep 3
    c1=$(cpu)
    idle_cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b - a) * 100 / hz / 3}')
    kill "$wpid" "$emu_pid" 2>/dev/null || true
    wait "$wpid" "$emu_pid" 2>/dev/null || true
  fi
  kill "$http_pid" "$dns_pid" 2>/dev/null || true
  wait "$http_pid" "$dns_pid" 2>/dev/null || true
done

echo "| world | what | bytes | wall | CPU | peak RSS | wall / curl's |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Medians of $RUNS runs each; findings of every esra and operator run equal what the generator planted."
if [ ${#mem_sizes[@]} -ge 2 ]; then
  first=${mem_sizes[0]}
  last=${mem_sizes[${#mem_sizes[@]} - 1]}
  awk -v a="$first" -v b="$last" 'BEGIN {split(a, x, ":"); split(b, y, ":");
    printf "esra check memory: %d MiB at %d instances, %d MiB at %d: %.0f KiB per 1,000 instances (with 2 tasks each).\n",
      x[2] / 1024, x[1], y[2] / 1024, y[1], (y[2] - x[2]) / ((y[1] - x[1]) / 1000)}'
fi
if [ -n "$watch_done" ]; then
  echo
  echo "| watch, $(th "$watch_done") instances, no change | measured |"
  echo "|---|---|"
  echo "| bytes of a delta cycle / a full fetch | ${delta_bytes} / ${full_bytes} B ($(awk -v d="$delta_bytes" -v f="$full_bytes" 'BEGIN {printf "%.4f", 100 * d / f}') %) |"
  echo "| CPU between cycles (3 s after a cycle) | ${idle_cpu} % of a core |"
fi
