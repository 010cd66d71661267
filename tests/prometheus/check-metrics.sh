#!/usr/bin/env bash
# check-metrics.sh ESRA CONF: `esra check -c CONF --format prometheus` must exit with a status
# (0-3) and write metrics that `promtool check metrics` accepts (its lint included).
set -euo pipefail
esra=${1:?usage: check-metrics.sh ESRA CONF}
conf=${2:?usage: check-metrics.sh ESRA CONF}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
"$esra" check -c "$conf" --format prometheus >"$out" 2>/dev/null || rc=$?
[ "$rc" -le 3 ] || { echo "esra check exited $rc" >&2; exit 1; }
grep -q '^esra_source_up{source="eureka"} 0$' "$out" || { echo "no esra_source_up in the report" >&2; exit 1; }
lint=$(promtool check metrics <"$out" 2>&1) || { echo "$lint" >&2; exit 1; }
[ -z "$lint" ] || { echo "promtool: $lint" >&2; exit 1; }
echo "promtool check metrics: ok ($(grep -c '^esra_' "$out") samples)"
