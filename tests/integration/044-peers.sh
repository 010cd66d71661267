#!/usr/bin/env bash
# 044-peers: two Eureka peers (emulators; they do not replicate). An instance only one of them
# holds is a registry_divergence and is never acted on. A stale instance both hold is deleted
# on the first peer and verified on both: the report says the peers do not agree afterwards.
# When the first peer dies for writes mid-cycle (every DELETE cut off), the write fails over
# to the second: it lands there once, nothing is written twice, nothing is lost.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
base_setup
emu_start --quiet
A=$EMU_PORT
emu_start --quiet
B=$EMU_PORT
both() { # APP ID IP AGO
  register_stale -p "$A" "$@"
  register_stale -p "$B" "$@"
}
for ip in $(task_ips gbs-cms); do both GBS-CMS "live-$ip:gbs-cms:8080" "$ip" 5; done
both GBS-CMS stale1:gbs-cms:8080 "$(net_ip 250)" 600
register_stale -p "$B" GBS-CMS onlyb:gbs-cms:8080 "$(net_ip 251)" 600
esra_conf "$IT_TMP/esra.conf" node1 "policy = { grace_seconds = 0; max_fraction_per_app = 1.0; max_fraction_registry = 1.0; allow_empty_app = true; };"

esra_run "$IT_TMP/esra.conf" check --format json --apply
d=$(finding registry_divergence instance_id=onlyb:gbs-cms:8080)
[ "$d" != null ] || fail "no registry_divergence: $ESRA_OUT"
assert_contains "$(json_get "$d" 'j.message')" "missing on http://127.0.0.1:$A/eureka/" "divergence names the peer that lacks it"
assert_eq 200 "$(present -p "$B" GBS-CMS onlyb:gbs-cms:8080)" "the divergent instance is untouched"
assert_not_contains "$(esra_writes -p "$B")" "onlyb" "no write for it"
a=$(action instance_id=stale1:gbs-cms:8080)
assert_eq "deregister done" "$(json_get "$a" 'j.action + " " + j.result')" "the shared stale instance is deleted"
assert_eq false "$(json_get "$a" 'j.peers_agree')" "peers do not agree afterwards (no replication)"
assert_contains "$(json_get "$a" 'j.reason')" "the peers do not agree yet" "the report says so"
assert_eq 404 "$(present -p "$A" GBS-CMS stale1:gbs-cms:8080)" "gone from the first peer"
assert_eq 1 "$(esra_writes -p "$A" | grep -c 'DELETE .* 200')" "one write, on the first peer"
assert_eq "" "$(esra_writes -p "$B")" "none on the second"
for ip in $(task_ips gbs-cms); do
  assert_eq UP "$(inst_status -p "$A" GBS-CMS "live-$ip:gbs-cms:8080")" "live $ip untouched on A"
  assert_eq UP "$(inst_status -p "$B" GBS-CMS "live-$ip:gbs-cms:8080")" "live $ip untouched on B"
done

# the first peer dies for writes in the middle of the cycle
emu_ctl -p "$A" DELETE requests >/dev/null
emu_ctl -p "$B" DELETE requests >/dev/null
register_stale -p "$A" GBS-CMS stale2:gbs-cms:8080 "$(net_ip 252)" 600
register_stale -p "$B" GBS-CMS stale2:gbs-cms:8080 "$(net_ip 252)" 600
register_stale -p "$B" GBS-CMS stale1:gbs-cms:8080 "$(net_ip 250)" 600 >/dev/null
register_stale -p "$A" GBS-CMS stale1:gbs-cms:8080 "$(net_ip 250)" 600 >/dev/null
register_stale -p "$A" GBS-CMS onlyb:gbs-cms:8080 "$(net_ip 251)" 600 >/dev/null
emu_ctl -p "$A" POST fault '{"method": "DELETE", "path": "stale2", "count": 100, "close": true}' >/dev/null
esra_run "$IT_TMP/esra.conf" check --format json --apply
a=$(action instance_id=stale2:gbs-cms:8080)
assert_eq "deregister done" "$(json_get "$a" 'j.action + " " + j.result')" "failover: done"
assert_contains "$(json_get "$a" 'j.reason')" "127.0.0.1:$B" "verified on the second peer"
assert_eq 404 "$(present -p "$B" GBS-CMS stale2:gbs-cms:8080)" "failover: the write landed on the second peer"
assert_eq 1 "$(esra_writes -p "$B" | grep -c 'DELETE /eureka/apps/GBS-CMS/stale2:gbs-cms:8080 200')" "exactly once there"
assert_eq 0 "$(esra_writes -p "$A" | grep -c 'stale2.* 200')" "and never applied on the first"
assert_eq 200 "$(present -p "$A" GBS-CMS stale2:gbs-cms:8080)" "the first peer (unreplicated) still holds it"
assert_eq false "$(json_get "$a" 'j.peers_agree')" "the report says the peers disagree"

it_finish
