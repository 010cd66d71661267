#!/usr/bin/env bash
# fuzz.sh: builds the libFuzzer targets (tests/fuzz, clang 14 with ASan + UBSan) in
# build-fuzz/, makes their seed corpora from the fixtures (tests/fixtures, etc/esra.conf;
# nothing is copied into the repository) and runs each target for SECONDS, two at a time.
# A crash, a leak (tests/fuzz/lsan.supp lists those in a library), a failed property or a
# hang (over 10 s on one input) fails the run; the input is kept as
# build-fuzz/artifacts/TARGET-crash-* (replay: build-fuzz/tests/fuzz/TARGET FILE). New inputs
# found are kept in build-fuzz/corpus/TARGET for the next run.
# Usage: scripts/fuzz.sh [SECONDS [TARGET...]]   (default 30 s, every target; scripts/test.sh
#        runs it so). For hours on one target: scripts/fuzz.sh 14400 fuzz_eureka
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
shift || true
out=build-fuzz
fx=tests/fixtures
jobs=$(nproc 2>/dev/null || echo 2)

CC=clang cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESRA_FUZZ=ON \
  -DESRA_BUILD_TESTS=OFF >/dev/null
cmake --build "$out" --target fuzz -j"$jobs" >/dev/null

# ---------------------------------------------------------------- seed corpora
seeds=$out/seeds
rm -rf "$seeds"
seed() { # TARGET FILE...: the files that exist
  local t=$1 f
  shift
  mkdir -p "$seeds/$t"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$seeds/$t/"
  done
  return 0
}
shopt -s nullglob
seed fuzz_eureka "$fx"/eureka/*.json "$fx"/eureka/*.xml "$fx"/eureka/bad/*.json \
  "$fx"/eureka/bad/*.xml "$fx"/eureka/bad/*.bin "$fx"/eureka/bad/*.txt
seed fuzz_jstream "$fx"/eureka/*.json "$fx"/eureka/bad/*.json "$fx"/docker/*.json \
  "$fx"/docker/*/*.json
seed fuzz_cfg etc/esra.conf "$fx"/config/*.conf "$fx"/config/*/*.conf
seed fuzz_docker_version "$fx"/docker/testbed/*-version.json "$fx"/docker/bad/version-*.json
seed fuzz_docker_info "$fx"/docker/testbed/*-info.json "$fx"/docker/swagger-info.json \
  "$fx"/docker/bad/info-*.json
seed fuzz_docker_nodes "$fx"/docker/testbed/*-nodes.json "$fx"/docker/swagger-node.json \
  "$fx"/docker/bad/nodes-*.json
seed fuzz_docker_services "$fx"/docker/testbed/*-services.json "$fx"/docker/swagger-service.json \
  "$fx"/docker/bad/services-*.json
seed fuzz_docker_tasks "$fx"/docker/testbed/*-tasks.json "$fx"/docker/swagger-tasks.json \
  "$fx"/docker/bad/tasks-*.json
seed fuzz_docker_networks "$fx"/docker/testbed/*-networks.json "$fx"/docker/swagger-networks.json \
  "$fx"/docker/bad/networks-*.json
seed fuzz_docker_network_verbose "$fx"/docker/testbed/*-verbose.json \
  "$fx"/docker/swagger-network.json "$fx"/docker/bad/network-verbose-*.json
seed fuzz_docker_containers "$fx"/docker/testbed/*-containers.json "$fx"/docker/bad/containers-*.json
seed fuzz_docker_inspect "$fx"/docker/synthetic/inspect-*.json
shopt -u nullglob

# DNS: the answers the testbed's 127.0.0.11 gave (dns-answers.txt: "node name: ip...") as the
# messages on the wire (header, question, one A record per address, each naming the question)
byte() { printf '%b' "\\0$(printf '%03o' "$1")"; }
dns_message() { # NAME IP...
  local name=$1 label ip o
  shift
  byte 0x12; byte 0x34; byte 0x81; byte 0x80 # id, response + RD + RA, NOERROR
  byte 0; byte 1; byte 0; byte $#; byte 0; byte 0; byte 0; byte 0
  local IFS=.
  for label in $name; do
    byte ${#label}
    printf '%s' "$label"
  done
  byte 0; byte 0; byte 1; byte 0; byte 1 # end of name, type A, class IN
  for ip in "$@"; do
    byte 0xc0; byte 12; byte 0; byte 1; byte 0; byte 1 # name: the question's; A; IN
    byte 0; byte 0; byte 2; byte 0x58; byte 0; byte 4  # TTL 600; 4 bytes
    for o in $ip; do byte "$o"; done
  done
}
mkdir -p "$seeds/fuzz_dns"
i=0
while read -r _node name ips; do
  # shellcheck disable=SC2086 # the addresses are words
  dns_message "${name%:}" $ips >"$seeds/fuzz_dns/answer-$i"
  i=$((i + 1))
done <"$fx/docker/testbed/dns-answers.txt"

# ---------------------------------------------------------------- runs
mapfile -t targets < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else
  find "$out/tests/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x -printf '%f\n' | sort
fi)
mkdir -p "$out/artifacts" "$out/logs"
run() { # TARGET: 0 when it found nothing in secs
  local t=$1
  mkdir -p "$out/corpus/$t"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp \
    "$out/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" \
    "$out/corpus/$t" "$seeds/$t" >"$out/logs/$t.log" 2>&1
}
failed=()
pids=()
names=()
t0=$SECONDS
reap() { # wait for the oldest run
  if ! wait "${pids[0]}"; then failed+=("${names[0]}"); fi
  echo "fuzz: ${names[0]}: $(grep -m1 -oE 'stat::number_of_executed_units: *[0-9]+' \
    "$out/logs/${names[0]}.log" | grep -oE '[0-9]+$' || echo '?') inputs"
  pids=("${pids[@]:1}")
  names=("${names[@]:1}")
}
for t in "${targets[@]}"; do
  [ -x "$out/tests/fuzz/$t" ] || { echo "fuzz: no target $t" >&2; exit 2; }
  run "$t" &
  pids+=($!)
  names+=("$t")
  [ ${#pids[@]} -lt "$jobs" ] || reap
done
while [ ${#pids[@]} -gt 0 ]; do reap; done
echo "fuzz: ${#targets[@]} targets, ${secs} s each, $((SECONDS - t0)) s"
if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo "fuzz: $t FAILED ($out/logs/$t.log):" >&2
    grep -E -A30 '^==[0-9]+==|^fuzz: |runtime error|SUMMARY|deadly signal|Test unit written' \
      "$out/logs/$t.log" | head -60 >&2
  done
  exit 1
fi
