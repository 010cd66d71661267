#!/usr/bin/env bash
# 042-caps: four stale instances of one app lose at most one per cycle
# (max(1, floor(4 x 0.34)) = 1), and the last UP instance of the app is never taken
# (policy.allow_empty_app false): after three cycles one remains, and stays. Each refused
# action is reported as skipped with the rule that refused it.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
base_setup
emu_start --quiet
for i in 1 2 3 4; do register_stale ORDERS "dead$i:orders:8080" "$(net_ip 24$i)" 600; done
# ORDERS is gbs-user's app (names.map): without a service of this swarm it would be foreign
esra_conf "$IT_TMP/esra.conf" node1 "policy = { grace_seconds = 0; max_fraction_registry = 1.0; };" \
  "names = { map = ( (\"ORDERS\", \"gbs-user\") ); };"
count() { emu_get apps/ORDERS -H 'Accept: application/json' | json_get - '[].concat(j.application.instance || []).length'; }
for cycle in 1 2 3; do
  esra_run "$IT_TMP/esra.conf" check --format json --apply
  assert_eq 1 "$(json_get "$ESRA_OUT" "j.actions.filter(a => a.result === 'done').length")" "cycle $cycle: one done"
  assert_eq $((4 - cycle)) "$(count)" "cycle $cycle: $((4 - cycle)) left"
  assert_eq $((4 - cycle)) "$(json_get "$ESRA_OUT" "j.actions.filter(a => a.result === 'skipped').length")" "cycle $cycle: the others skipped"
  if [ "$cycle" -lt 3 ]; then
    assert_contains "$(json_get "$ESRA_OUT" "j.actions.filter(a => a.result === 'skipped')[0].reason")" \
      "policy.max_fraction_per_app" "cycle $cycle: skipped by the per-app cap"
  fi
done
esra_run "$IT_TMP/esra.conf" check --format json --apply
assert_eq 1 "$(count)" "cycle 4: the last one stays"
assert_contains "$(json_get "$ESRA_OUT" "j.actions[0].result + ': ' + j.actions[0].reason")" \
  "skipped: last UP instance of ORDERS (policy.allow_empty_app)" "cycle 4: refused as the last UP instance"
# the skipped reason is in the text report too
esra_run "$IT_TMP/esra.conf" check --apply
assert_contains "$ESRA_OUT" "last UP instance of ORDERS" "the text report says why"

it_finish
