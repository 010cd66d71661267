#!/usr/bin/env bash
# test.sh: the project's test command. Installs what is missing (scripts/deps.sh), checks
# format, shell scripts and static analysis (scripts/lint.sh), builds esra three times
# (optimised with gcc; Debug with AddressSanitizer + UndefinedBehaviorSanitizer with gcc and
# with clang), runs every unit test in each build (ctest; among them test_allocfail, which
# fails each of esra's allocations on the fixture paths once), the benchmark once at a small
# size (it checks its own findings: bench/bench.sh), each fuzz target for ESRA_FUZZ_SECONDS
# (default 30; scripts/fuzz.sh), then (needs root) the DNS benchmark once at a small size
# (bench/dns.sh: dnsmasq and the test swarm's 127.0.0.11, every answer checked) and the
# integration tests on a real two-node swarm with the Eureka emulator (tests/integration/run.sh).
# Usage: scripts/test.sh [--unit-only]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

scripts/deps.sh
t0=$SECONDS
scripts/lint.sh
echo "== lint: $((SECONDS - t0)) s"

echo "== build (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== unit tests"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== build (AddressSanitizer + UndefinedBehaviorSanitizer)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DESRA_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j"$jobs"
echo "== unit tests under ASan + UBSan"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")

echo "== build (clang: AddressSanitizer + UndefinedBehaviorSanitizer)"
t0=$SECONDS
CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Debug -DESRA_SANITIZE=address,undefined >/dev/null
cmake --build build-clang -j"$jobs"
echo "== unit tests under clang's ASan + UBSan"
(cd build-clang && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")
echo "== clang build and unit tests: $((SECONDS - t0)) s"
echo "== benchmark, once at a small size (real components: dnsmasq, curl, jq, dig)"
SIZES=1000:200:200:2000 RUNS=1 bench/bench.sh build

echo "== fuzzing: every libFuzzer target for ${ESRA_FUZZ_SECONDS:-30} s (scripts/fuzz.sh)"
t0=$SECONDS
scripts/fuzz.sh "${ESRA_FUZZ_SECONDS:-30}"
echo "== fuzzing: $((SECONDS - t0)) s"

if [ "${1:-}" = "--unit-only" ]; then
  exit 0
fi
echo "== DNS benchmark, once at a small size (dnsmasq; the real swarm's 127.0.0.11)"
COUNT=200 SWARM_NAMES=200 RUNS=1 bench/dns.sh build
echo "== integration tests (real swarm)"
# the ASan+UBSan build of esra, so memory errors anywhere on the real paths fail the suite
ESRA_BIN="$root/build-asan/esra" ASAN_OPTIONS=detect_leaks=1 tests/integration/run.sh
