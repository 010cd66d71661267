#!/usr/bin/env bash
# run.sh: runs every integration scenario (tests/integration/NNN-*.sh) in order on ONE shared
# two-node swarm (tests/harness/swarm.sh), started once and torn down at the end, even on
# failure or Ctrl-C. Each scenario gets a time limit; prints PASS/FAIL/SKIP lines (a failing
# scenario's log follows its line) and a summary; exits non-zero if any failed.
# Usage: tests/integration/run.sh [PATTERN...]   (run only scenarios whose name contains a PATTERN)
# Environment: ESRA_BIN (esra binary, default build/esra), ESRA_IT_TIMEOUT (seconds per
# scenario, default 300), ESRA_IT_LOGDIR (keep logs there; default a temporary folder, removed
# when everything passed). Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
limit=${ESRA_IT_TIMEOUT:-300}
export ESRA_BIN=${ESRA_BIN:-$root/build/esra}

[ "$(id -u)" -eq 0 ] || { echo "run.sh: integration tests need root" >&2; exit 1; }

scripts=()
for s in tests/integration/[0-9][0-9][0-9]-*.sh; do
  [ -e "$s" ] || continue
  if [ $# -gt 0 ]; then
    hit=
    for p in "$@"; do case "$(basename "$s")" in *"$p"*) hit=1 ;; esac; done
    [ -n "$hit" ] || continue
  fi
  scripts+=("$s")
done
[ ${#scripts[@]} -gt 0 ] || { echo "run.sh: no scenario to run" >&2; exit 1; }

if [ -n "${ESRA_IT_LOGDIR:-}" ]; then
  logdir=$ESRA_IT_LOGDIR
  mkdir -p "$logdir"
  keep_logs=1
else
  logdir=$(mktemp -d /tmp/esra-it-logs.XXXXXX)
  keep_logs=
fi
export ESRA_IT_TMPROOT=$logdir   # scenarios' scratch folders go with the logs
swarm_dir=
child=
failed=()
skipped=()
passed=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  if [ -n "$swarm_dir" ]; then
    local t0=$SECONDS
    tests/harness/swarm.sh check-host "$swarm_dir" || { echo "run.sh: the host's network state changed" >&2; rc=1; }
    ESRA_SWARM_QUIET=1 tests/harness/swarm.sh down "$swarm_dir"
    echo "== swarm down ($((SECONDS - t0))s)"
  fi
  if [ "$rc" -eq 0 ] && [ -z "$keep_logs" ]; then
    rm -rf "$logdir"
  else
    echo "logs: $logdir"
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

t_all=$SECONDS
# the nodes' upstream resolver, as common.sh sets it for a scenario's own swarm
esra_bin=$(realpath -m "${ESRA_BIN:-build/esra}")
if [ -z "${ESRA_SWARM_UPSTREAM_DNS+x}" ] && [ -x "$(dirname "$esra_bin")/tests/harness/esra-fakedns" ]; then
  ESRA_SWARM_UPSTREAM_DNS=$(dirname "$esra_bin")/tests/harness/esra-fakedns
  export ESRA_SWARM_UPSTREAM_DNS
fi
swarm_dir=$(mktemp -d /tmp/esra-sw.XXXXXX)
rmdir "$swarm_dir"
echo "== swarm up ($swarm_dir)"
t0=$SECONDS
ESRA_SWARM_QUIET=1 tests/harness/swarm.sh up "$swarm_dir"
echo "== swarm up ($((SECONDS - t0))s)"
export ESRA_IT_SWARM_DIR=$swarm_dir

for s in "${scripts[@]}"; do
  name=$(basename "$s" .sh)
  t0=$SECONDS
  rc=0
  # Own process group (timeout's), so a timeout also stops whatever the scenario left behind.
  timeout -k 20 "$limit" bash "$s" >"$logdir/$name.log" 2>&1 &
  child=$!
  wait "$child" || rc=$?
  child=
  dt=$((SECONDS - t0))
  case "$rc" in
    0) echo "PASS $name (${dt}s)"; passed+=("$name") ;;
    77) echo "SKIP $name (${dt}s): $(grep -m1 '^SKIP' "$logdir/$name.log" | sed 's/^SKIP: [^:]*: //')"; skipped+=("$name") ;;
    *)
      [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || echo "   (timed out after ${limit}s)" >>"$logdir/$name.log"
      echo "FAIL $name (${dt}s, exit $rc)"
      sed 's/^/    | /' "$logdir/$name.log" | tail -n 60
      failed+=("$name")
      ;;
  esac
done

echo "== ${#passed[@]} passed, ${#failed[@]} failed, ${#skipped[@]} skipped ($((SECONDS - t_all))s)${failed[*]:+; failed: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
