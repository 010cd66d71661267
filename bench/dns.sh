#!/usr/bin/env bash
# dns.sh: esra's DNS figures with real DNS servers, through esra-dnsbench (dns_resolve: the
# congestion window, measured retransmits, every answer checked).
#   1. dnsmasq on loopback serving 2 x COUNT names from a generated hosts file (svcN: one A
#      record, tasks.svcN: two, TTL 600): esra's adaptive window (ceiling 256) and a fixed
#      window of 64 for comparison.
#   2. The real swarm's embedded DNS (127.0.0.11) on the test swarm (tests/harness/swarm.sh,
#      root only), asked from a container's network namespace: SWARM_NAMES names, half held
#      by swarm (network aliases of the container, answered with its address), half forwarded
#      upstream (swarm caps the queries it forwards at once; the nodes' upstream is
#      esra-fakedns, which answers svcN), counting what was lost.
# Prints one Markdown table: names, in-flight window, wall ms (median of RUNS), queries, lost
# (sends with no answer within the retransmit timeout; a late answer may still have come),
# retransmits, unanswered (no answer, or a wrong one). Exit 1 when any name was left unanswered or answered wrong.
# Needs a build (tests/harness/esra-dnsbench, esra-fakedns), dnsmasq and dig; part 2 needs
# root and what swarm.sh needs (scripts/deps.sh installs all of it).
# Usage: bench/dns.sh [BUILD_DIR]   (default build)
#   COUNT=N (default 2000)  SWARM_NAMES=N (default 2000; 0 skips part 2)  RUNS=N (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
COUNT=${COUNT:-2000}
SWARM_NAMES=${SWARM_NAMES:-2000}
RUNS=${RUNS:-5}
bench=$build/tests/harness/esra-dnsbench
fakedns=$build/tests/harness/esra-fakedns
for f in "$bench" "$fakedns"; do [ -x "$f" ] || { echo "dns.sh: $f not built" >&2; exit 3; }; done
dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ ! -x "$dnsmasq" ] || ! command -v dig >/dev/null; then
  echo "dns.sh: dnsmasq or dig missing (scripts/deps.sh)" >&2
  exit 3
fi
bench=$(realpath "$bench")
fakedns=$(realpath "$fakedns")

tmp=$(mktemp -d /tmp/esra-dnsbench.XXXXXX)
dns_pid=
swarm_dir=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
  [ -z "$dns_pid" ] || kill "$dns_pid" 2>/dev/null || true
  [ -z "$swarm_dir" ] || ESRA_SWARM_QUIET=1 tests/harness/swarm.sh down "$swarm_dir" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

rows=()
status=0
# row LABEL WINDOW-LABEL OUTFILE: one table row from esra-dnsbench's result line
row() {
  local r
  r=$(grep '^result ' "$3" || true)
  if [ -z "$r" ]; then
    echo "dns.sh: $1: no result" >&2
    cat "$3" >&2
    status=1
    return
  fi
  # result names=N window=S->E max=M wall_ms=W queries=Q retransmits=R lost=L unanswered=U wrong=X
  rows+=("$(awk -v label="$1" -v win="$2" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "| %s | %s | %s (%s) | %s | %s | %s | %s | %s |", label, v["names"], win, v["window"],
      v["wall_ms"], v["queries"], v["lost"], v["retransmits"], v["unanswered"] + v["wrong"]
  }' <<<"$r")")
  awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    exit !(v["unanswered"] == 0 && v["wrong"] == 0) }' <<<"$r" || status=1
}

# ------------------------------------------------------------------ 1. dnsmasq
awk -v n="$COUNT" 'BEGIN {
  for (i = 0; i < n; i++) {
    h = int(i / 256); l = i % 256
    printf "10.1.%d.%d svc%d\n10.3.%d.%d tasks.svc%d\n10.2.%d.%d tasks.svc%d\n", h, l, i, h, l, i, h, l, i
  } }' >"$tmp/hosts"
for _ in $(seq 20); do
  port=$((20000 + RANDOM % 30000))
  "$dnsmasq" -k --conf-file=/dev/null --no-resolv --no-hosts --addn-hosts="$tmp/hosts" \
    --listen-address=127.0.0.1 --bind-interfaces --port="$port" --pid-file= --user=root \
    --group=root --local-ttl=600 2>"$tmp/dnsmasq.log" &
  dns_pid=$!
  for _ in $(seq 50); do
    dig @127.0.0.1 -p "$port" +short +tries=1 +time=1 svc0 2>/dev/null | grep -q . && break 2
    kill -0 "$dns_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$dns_pid" 2>/dev/null || true
  dns_pid=
done
[ -n "$dns_pid" ] || { echo "dns.sh: dnsmasq did not start: $(cat "$tmp/dnsmasq.log")" >&2; exit 1; }
"$bench" -p "$port" -n "$COUNT" -r "$RUNS" >"$tmp/adaptive.out" 2>&1 || true
row "dnsmasq, loopback" "adaptive, ceiling 256" "$tmp/adaptive.out"
"$bench" -p "$port" -n "$COUNT" -r "$RUNS" -i 64 >"$tmp/fixed.out" 2>&1 || true
row "dnsmasq, loopback" "ceiling 64" "$tmp/fixed.out"
kill "$dns_pid" 2>/dev/null || true
wait "$dns_pid" 2>/dev/null || true
dns_pid=

# ------------------------------------------------------------------ 2. swarm's 127.0.0.11
if [ "$SWARM_NAMES" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "dns.sh: part 2 (the swarm) needs root; SWARM_NAMES=0 skips it" >&2; exit 3; }
  swarm_dir=$tmp/swarm
  ESRA_SWARM_QUIET=1 ESRA_SWARM_UPSTREAM_DNS=$fakedns tests/harness/swarm.sh up "$swarm_dir" >"$tmp/swarm.log" 2>&1 ||
    { echo "dns.sh: swarm up failed" >&2; cat "$tmp/swarm.log" >&2; exit 1; }
  dk() { docker -H "unix://$swarm_dir/node1/docker.sock" "$@"; }
  held=$((SWARM_NAMES / 2))
  aliases=()
  for i in $(seq 0 $((held - 1))); do aliases+=(--network-alias "held$i"); done
  dk network create -d overlay --attachable benchnet >/dev/null
  dk run -d -q --name seat --network benchnet "${aliases[@]}" esra/bb sleep 1000000 >/dev/null
  pid=$(dk inspect -f '{{.State.Pid}}' seat)
  ip=$(dk inspect -f '{{(index .NetworkSettings.Networks "benchnet").IPAddress}}' seat)
  {
    for i in $(seq 0 $((held - 1))); do echo "held$i $ip"; done
    for i in $(seq 0 $((SWARM_NAMES - held - 1))); do
      echo "svc$i 10.1.$((i / 256)).$((i % 256))"
    done
  } >"$tmp/swarm.names"
  "$bench" -s 127.0.0.11 -p 53 --netns "/proc/$pid/ns/net" -f "$tmp/swarm.names" -r "$RUNS" \
    >"$tmp/swarm.out" 2>&1 || true
  row "swarm 127.0.0.11 ($held held, $((SWARM_NAMES - held)) forwarded)" "adaptive, ceiling 256" "$tmp/swarm.out"
fi

echo "| server | names | in-flight window (start->end) | wall ms | queries | lost | retransmits | unanswered |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$status"
