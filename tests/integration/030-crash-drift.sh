#!/usr/bin/env bash
# 030-crash-drift: kill -9 of the worker's dockerd (its containers die with it) and a restart
# with the same roots: swarm records the lost task as failed and runs a new one elsewhere, the
# crash history of the incident. esra reports replica_drift for the service, with the failed
# task counted, from the manager; and nothing is judged as stale for it.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
base_setup
on_node2() { dk node1 service ps gbs-cms --filter desired-state=running --format '{{.Node}}' | grep -q node2; }
if ! on_node2; then
  # make sure one gbs-cms task runs on the worker
  dk node1 service update -d -q --constraint-add node.role==worker gbs-cms >/dev/null
  wait_for "a gbs-cms task on node2" 60 on_node2
  dk node1 service update -d -q --constraint-rm node.role==worker gbs-cms >/dev/null
fi
emu_start --quiet
esra_conf "$IT_TMP/esra.conf" node1
esra_run "$IT_TMP/esra.conf" check --format json
assert_eq null "$(finding replica_drift service=gbs-cms)" "before the crash: no drift"

"$SWARM_SH" crash "$SWARM_DIR" node2 || fail "swarm.sh crash failed"
failed() { dk node1 service ps gbs-cms --format '{{.CurrentState}}' | grep -q '^Failed'; }
wait_for "swarm records the lost task as failed" 90 failed
wait_for "gbs-cms: 2 tasks running again" 90 _count_is 2 running_tasks gbs-cms
esra_run "$IT_TMP/esra.conf" check --format json
d=$(finding replica_drift service=gbs-cms)
[ "$d" != null ] || fail "no replica_drift after the crash: $ESRA_OUT"
assert_eq warning "$(json_get "$d" 'j.severity')" "replica_drift is a warning"
assert_eq true "$(json_get "$d" 'j.failed_recent >= 1')" "the failed task is counted"
assert_eq 2 "$(json_get "$d" 'j.desired')" "desired 2"
assert_contains "$(json_get "$d" 'j.remedy')" "docker service ps gbs-cms" "what to do"
assert_ne 0 "$ESRA_RC" "exit code is not ok"

it_finish
