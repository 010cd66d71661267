#!/usr/bin/env bash
# 041-flag: a stale instance that still heartbeats (the real eureka-js-client renewing for an
# IP no task has) is flagged OUT_OF_SERVICE, not deleted (a delete would not stick: the client
# re-registers on its next 404), and stays flagged across its heartbeats. A second --apply
# skips it as already flagged. policy.mode "flag" never deletes, even an expired lease.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
base_setup
emu_start --quiet
for ip in $(task_ips gbs-cms); do
  jsclient_start --app gbs-cms --ip "$ip" --instance-id "live-$ip:gbs-cms:8080" --interval 1000
done
jsclient_start --app gbs-cms --ip "$(net_ip 251)" --instance-id "zombie:gbs-cms:8080" --interval 1000
esra_conf "$IT_TMP/esra.conf" node1 "policy = { grace_seconds = 0; };"

esra_run "$IT_TMP/esra.conf" check --format json --apply
s=$(finding stale_instance instance_id=zombie:gbs-cms:8080)
[ "$s" != null ] || fail "the heartbeating stale instance was not found: $ESRA_OUT"
assert_eq flag "$(json_get "$s" 'j.suggested_action')" "suggested: flag (its lease is renewed)"
a=$(action instance_id=zombie:gbs-cms:8080)
assert_eq "flag done" "$(json_get "$a" 'j.action + " " + j.result')" "flagged"
assert_eq OUT_OF_SERVICE "$(inst_status GBS-CMS zombie:gbs-cms:8080)" "OUT_OF_SERVICE"
assert_contains "$(esra_writes)" "PUT /eureka/apps/GBS-CMS/zombie:gbs-cms:8080/status 200" "the write was the status override"
assert_not_contains "$(esra_writes)" "DELETE" "nothing was deleted"
# across heartbeats
renewed() { emu_get apps/GBS-CMS/zombie:gbs-cms:8080 -H 'Accept: application/json' | json_get - 'j.instance.leaseInfo.lastRenewalTimestamp'; }
r0=$(renewed)
adv() { [ "$(renewed)" -gt "$r0" ]; }
wait_for "two more heartbeats" 10 adv
r0=$(renewed)
wait_for "two more heartbeats" 10 adv
assert_eq OUT_OF_SERVICE "$(inst_status GBS-CMS zombie:gbs-cms:8080)" "still OUT_OF_SERVICE after its heartbeats"
for ip in $(task_ips gbs-cms); do
  assert_eq UP "$(inst_status GBS-CMS "live-$ip:gbs-cms:8080")" "live instance $ip untouched"
done
esra_run "$IT_TMP/esra.conf" check --format json --apply
assert_contains "$(json_get "$(action instance_id=zombie:gbs-cms:8080)" 'j.result + ": " + j.reason')" \
  "skipped: already OUT_OF_SERVICE" "a second run skips it"

# mode flag: an expired lease is flagged too, never deleted
register_stale GBS-CMS stale-250:gbs-cms:8080 "$(net_ip 250)" 600
esra_conf "$IT_TMP/flag.conf" node1 "policy = { mode = \"flag\"; grace_seconds = 0; };"
esra_run "$IT_TMP/flag.conf" check --format json
assert_eq "flag done" "$(json_get "$(action instance_id=stale-250:gbs-cms:8080)" 'j.action + " " + j.result')" "mode flag: flagged"
assert_eq 200 "$(present GBS-CMS stale-250:gbs-cms:8080)" "mode flag: still registered"
assert_not_contains "$(esra_writes)" "DELETE" "mode flag: nothing deleted"

it_finish
