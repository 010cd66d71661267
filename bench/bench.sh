#!/usr/bin/env bash
# bench.sh: esra's performance figures against SPEC section 6, all from loopback:
#   1. one `esra check` over a registry of 10,000 instances in 2,000 apps and a swarm of 2,000
#      services with 20,000 tasks (~1.6 KB of JSON each, as dockerd writes them), 4,000+ DNS
#      names: wall time and peak RSS (median of RUNS), and the time curl needs to fetch the
#      same payloads from the same server (esra's limit is the transfer);
#   2. 4,000 DNS names (svcN + tasks.svcN) against a loopback DNS server (esra-dnsbench);
#   3. watch steady state: bytes a delta cycle moves against a full fetch, and CPU while idle;
#   4. memory per 1,000 instances (peak RSS at 1,000 and 10,000 instances, no swarm).
# Needs a build (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build) and
# node. Usage: bench/bench.sh [BUILD_DIR] (default build). Prints a table for the README.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
esra=$build/esra
fakedns=$build/tests/harness/esra-fakedns
dnsbench=$build/tests/harness/esra-dnsbench
RUNS=${RUNS:-5}
for f in "$esra" "$fakedns" "$dnsbench"; do [ -x "$f" ] || { echo "bench: $f not built" >&2; exit 3; }; done
command -v node >/dev/null || { echo "bench: node missing (scripts/deps.sh)" >&2; exit 3; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 3; }

tmp=$(mktemp -d /tmp/esra-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# ------------------------------------------------------------------ payloads and servers
node bench/gen.js "$tmp/data" >/dev/null
node bench/server.js "$tmp/data" >"$tmp/http.port" &
pids+=($!)
"$fakedns" -f "$tmp/data/dns.rules" >"$tmp/dns.port" &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/http.port" ] && [ -s "$tmp/dns.port" ] && break; sleep 0.1; done
hp=$(cat "$tmp/http.port")
dp=$(awk '{print $2}' "$tmp/dns.port")
cat >"$tmp/esra.conf" <<EOF
eureka = { urls = [ "http://127.0.0.1:$hp/eureka/" ]; timeout_ms = 30000; };
docker = { host = "tcp://127.0.0.1:$hp"; timeout_ms = 30000; };
dns = { server = "127.0.0.1"; port = $dp; };
EOF

# ------------------------------------------------------------------ 1. a full check
"$esra" check -c "$tmp/esra.conf" >"$tmp/report.txt" || true
head -n 1 "$tmp/report.txt" | grep -q '^ESRA OK' || { echo "bench: the check is not clean:" >&2; head -n 5 "$tmp/report.txt" >&2; exit 1; }
names=$(grep -o '[0-9]* names' "$tmp/report.txt" | head -n 1)
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f '%e %M' -o "$tmp/t" "$esra" check -c "$tmp/esra.conf" >/dev/null || true
  tail -n 1 "$tmp/t" # GNU time adds a line before it when the exit code is not 0
done >"$tmp/check.times"
wall=$(awk '{print $1}' "$tmp/check.times" | median)
rss=$(awk '{print $2}' "$tmp/check.times" | median)
# curl fetching what esra fetches, over one connection per URL as curl does
urls=(/version /v1.41/info /v1.41/nodes "/v1.41/services?status=true" /v1.41/tasks /v1.41/networks
      "/v1.41/networks/x?verbose=true" /v1.41/containers/json /eureka/apps/)
for _ in $(seq "$RUNS"); do
  t=0
  for u in "${urls[@]}"; do
    t=$(echo "$t + $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$hp$u")" | bc -l)
  done
  echo "$t"
done >"$tmp/curl.times"
curl_t=$(median <"$tmp/curl.times" | awk '{printf "%.3f", $1}')
bytes=$(for u in "${urls[@]}"; do curl -s -o /dev/null -w '%{size_download}\n' "http://127.0.0.1:$hp$u"; done | awk '{s += $1} END {printf "%.1f", s / 1048576}')

# ------------------------------------------------------------------ 2. DNS
# its own server: esra-dnsbench checks every answer against the server's generated names
"$fakedns" >"$tmp/dns2.port" &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/dns2.port" ] && break; sleep 0.1; done
"$dnsbench" -p "$(awk '{print $2}' "$tmp/dns2.port")" -n 2000 -r "$RUNS" >"$tmp/dns.out" 2>&1
grep -q ' 0 wrong answers' "$tmp/dns.out" || { cat "$tmp/dns.out" >&2; exit 1; }
dns_ms=$(awk '/^run / {print $3}' "$tmp/dns.out" | median)

# ------------------------------------------------------------------ 3. watch steady state
# The emulator keeps changes in its delta for 1 s here (a real server: 3 minutes); loading
# 10,000 instances is a change, so the watch starts once that has left the window.
node tests/emulator/eureka-emu.js --port 0 --quiet --delta-retention-ms 1000 >"$tmp/emu.port" &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/emu.port" ] && break; sleep 0.1; done
ep=$(head -n 1 "$tmp/emu.port" | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>console.log(JSON.parse(s).port))')
node -e '
  const j = JSON.parse(require("fs").readFileSync(process.argv[1]));
  const out = [];
  for (const a of j.applications.application) for (const i of a.instance) out.push(i);
  process.stdout.write(JSON.stringify({instances: out}));' "$tmp/data/apps.json" >"$tmp/instances.json"
curl -s -X PUT -H 'Content-Type: application/json' --data-binary @"$tmp/instances.json" \
  "http://127.0.0.1:$ep/_emu/instances" >/dev/null
sleep 1.5
cat >"$tmp/watch.conf" <<EOF
eureka = { urls = [ "http://127.0.0.1:$ep/eureka/" ]; timeout_ms = 30000; };
docker = { host = "tcp://127.0.0.1:$hp"; timeout_ms = 30000; };
dns = { server = "127.0.0.1"; port = $dp; };
watch = { interval_seconds = 4; listen = ""; };
log = { level = "debug"; };
EOF
"$esra" watch -c "$tmp/watch.conf" 2>"$tmp/watch.log" &
wpid=$!
pids+=("$wpid")
cpu() { awk '{print $14 + $15}' "/proc/$wpid/stat"; }
ncycles() { grep -c 'esra info: cycle:' "$tmp/watch.log" || true; }
for _ in $(seq 300); do [ "$(ncycles)" -ge 2 ] && break; sleep 0.05; done
full_bytes=$(grep -m1 'full fetch, ' "$tmp/watch.log" | sed 's/.*, \([0-9]*\) bytes/\1/')
delta_bytes=$(grep -m1 'apps/delta applied' "$tmp/watch.log" | sed 's/.*, \([0-9]*\) bytes/\1/')
# idle: the CPU esra uses between two cycles (3 s right after the second one ended)
c0=$(cpu)
sleep 3
c1=$(cpu)
hz=$(getconf CLK_TCK)
idle_cpu=$(echo "scale=2; ($c1 - $c0) * 100 / $hz / 3" | bc -l)
kill "$wpid"

# ------------------------------------------------------------------ 4. memory per 1,000 instances
mem_at() { # INSTANCES APPS: peak RSS of a check with no swarm, Eureka only
  node bench/gen.js "$tmp/m$1" --instances "$1" --apps "$2" --services 1 --tasks 1 >/dev/null
  node bench/server.js "$tmp/m$1" >"$tmp/m$1.port" &
  local p=$! port
  for _ in $(seq 50); do [ -s "$tmp/m$1.port" ] && break; sleep 0.1; done
  port=$(cat "$tmp/m$1.port")
  printf 'eureka = { urls = [ "http://127.0.0.1:%s/eureka/" ]; };\ndocker = { host = "unix://%s/none.sock"; };\n' \
    "$port" "$tmp" >"$tmp/m$1.conf"
  /usr/bin/time -f '%M' -o "$tmp/m$1.t" "$esra" check -c "$tmp/m$1.conf" >/dev/null 2>&1 || true
  kill "$p"
  tail -n 1 "$tmp/m$1.t"
}
m1=$(mem_at 1000 200)
m10=$(mem_at 10000 2000)
per1k=$(( (m10 - m1) / 9 ))

cat <<EOF
| measure (SPEC section 6) | target | measured |
|---|---|---|
| esra check: 10,000 instances / 2,000 apps, 2,000 services / 20,000 tasks, $names: wall (median of $RUNS) | < 1 s | ${wall} s |
| same: peak RSS | < 64 MiB | $((rss / 1024)) MiB |
| curl fetching the same ${bytes} MiB from the same server | esra < 1.5 x curl | ${curl_t} s (esra: $(awk -v w="$wall" -v c="$curl_t" 'BEGIN {printf "%.1f", w / c}') x) |
| 4,000 DNS names against a loopback server, 256 in flight (median) | < 1 s | ${dns_ms} ms |
| watch: bytes of a delta cycle / a full fetch (10,000 instances, no change) | < 1 % | ${delta_bytes} / ${full_bytes} B ($(awk -v d="$delta_bytes" -v f="$full_bytes" 'BEGIN {printf "%.4f", 100 * d / f}') %) |
| watch: CPU between cycles (3 s after a cycle) | ~0 | ${idle_cpu} % of a core |
| memory per 1,000 instances (peak RSS, 1,000 -> 10,000 instances) | linear, modest | ~${per1k} KiB |
EOF
