#!/usr/bin/env bash
# 040-apply: `esra check --apply` on the incident deregisters exactly the stale instance (its
# lease expired), verified with the uncached GET on the peer, and nothing else: the live
# instances, renewed by the real eureka-js-client, are untouched. The audit log holds a
# "before" and an "after" JSON line for the action; no write carries the peer replication
# header. Without --apply (mode report) nothing is written at all.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
incident_setup
emu_start --quiet
for ip in $(task_ips gbs-cms); do
  jsclient_start --app gbs-cms --ip "$ip" --instance-id "live-$ip:gbs-cms:8080" --interval 1000
done
register_stale GBS-CMS stale-250:gbs-cms:8080 "$(net_ip 250)" 600
AUDIT=$IT_TMP/audit.log
esra_conf "$IT_TMP/esra.conf" node1 "policy = { grace_seconds = 0; audit_log = \"$AUDIT\"; };"

# report mode: nothing written
esra_run "$IT_TMP/esra.conf" check --format json
assert_eq 0 "$(json_get "$ESRA_OUT" 'j.actions.length')" "report mode: no action"
assert_eq "" "$(esra_writes)" "report mode: no write reached Eureka"
[ ! -s "$AUDIT" ] || fail "report mode wrote to the audit log"

# --apply
esra_run "$IT_TMP/esra.conf" check --format json --apply
a=$(action instance_id=stale-250:gbs-cms:8080)
[ "$a" != null ] || fail "no action for the stale instance: $ESRA_OUT"
assert_eq deregister "$(json_get "$a" 'j.action')" "action: deregister"
assert_eq "done" "$(json_get "$a" 'j.result')" "result: done"
assert_eq true "$(json_get "$a" 'j.peers_agree')" "the (only) peer agrees"
assert_eq 1 "$(json_get "$ESRA_OUT" 'j.actions.length')" "exactly one action"
assert_eq 404 "$(present GBS-CMS stale-250:gbs-cms:8080)" "the stale instance is gone"
for ip in $(task_ips gbs-cms); do
  assert_eq UP "$(inst_status GBS-CMS "live-$ip:gbs-cms:8080")" "live instance $ip untouched"
done
assert_eq "DELETE /eureka/apps/GBS-CMS/stale-250:gbs-cms:8080 200" "$(esra_writes)" "the one write esra sent"
assert_eq 0 "$(emu_ctl GET requests | json_get - "j.requests.filter(r => r.headers['x-netflix-discovery-replication']).length")" \
  "no write carries the peer replication header"

# the audit log: a before and an after line, JSON each
assert_eq 2 "$(grep -c . "$AUDIT")" "two audit lines"
l1=$(sed -n 1p "$AUDIT")
l2=$(sed -n 2p "$AUDIT")
assert_eq "before planned deregister stale-250:gbs-cms:8080" \
  "$(json_get "$l1" '[j.phase, j.result, j.action, j.instance_id].join(" ")')" "audit: before"
assert_eq "after done 200 node1 GBS-CMS" \
  "$(json_get "$l2" '[j.phase, j.result, j.http_status, j.node, j.app].join(" ")')" "audit: after"
assert_eq true "$(json_get "$l1" 'Array.isArray(j.evidence) && j.evidence.length > 0 && /Z$/.test(j.time)')" "audit: evidence and time"

# a second run finds nothing left to do
esra_run "$IT_TMP/esra.conf" check --format json --apply
assert_eq 0 "$(json_get "$ESRA_OUT" 'j.actions.length')" "second run: nothing to do"
assert_eq null "$(finding stale_instance)" "second run: no stale instance"

it_finish
