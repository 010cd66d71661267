#!/usr/bin/env bash
# 045-ownership: a registry shared with things this swarm does not own, beside the incident.
# Heartbeating through the real eureka-js-client: LEGACY-BILLING (3 instances at
# 192.168.77.5-7, outside every subnet of the swarm), another cluster's gbs-cms (instanceIds
# and hostNames deadbeef0123/deadbeef0124, container IDs this swarm never ran, at addresses
# inside gbsnet's subnet), and a gbs-cms instance registered with a live task's
# docker_gwbridge address. Ours and stale: GBS-CMS at .250 of gbsnet (its app is ours) and
# GBS-USER-OLD (a renamed service: its instanceId names the container of a gbs-user task that
# swarm keeps in its history). `esra check --plan` writes nothing; then five cycles of
# `esra check --apply` in mode deregister with every cap lifted: not one write to the first
# three, the gwbridge one is wrong_network, each stale instance of ours is deregistered
# exactly once. A swarm.networks naming no network of this swarm is exit 3 naming the key and
# the networks that exist, with nothing judged and nothing written.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
incident_setup

# a gbs-user task in swarm's history: force a new task, the old one is shut down
old_task=$(dk node1 service ps -q --filter desired-state=running gbs-user)
dk node1 service update -d -q --force gbs-user >/dev/null
_old_down() { [ "$(dk node1 inspect --type task -f '{{.Status.State}}' "$old_task")" = shutdown ]; }
wait_for "gbs-user's old task shut down" 90 _old_down
wait_for "gbs-user: 1 task running" 90 _count_is 1 running_tasks gbs-user
OLD_CID=$(dk node1 inspect --type task -f '{{.Status.ContainerStatus.ContainerID}}' "$old_task" | cut -c1-12)
[ ${#OLD_CID} = 12 ] || fail "no container ID in the old task: $OLD_CID"

# a live gbs-cms task on node1 (the node esra reads) and its docker_gwbridge address
_cms_here() { [ -n "$(dk node1 ps -q --filter label=com.docker.swarm.service.name=gbs-cms | head -n 1)" ]; }
wait_for "a gbs-cms task on node1" 30 _cms_here
CMS_CID=$(dk node1 ps -q --no-trunc --filter label=com.docker.swarm.service.name=gbs-cms | head -n 1)
# shellcheck disable=SC2016 # a Go template, not shell
GW_IP=$(dk node1 network inspect -f '{{range $id, $c := .Containers}}{{if eq $id "'"$CMS_CID"'"}}{{$c.IPv4Address}}{{end}}{{end}}' docker_gwbridge | sed 's|/.*||')
[ -n "$GW_IP" ] || fail "no docker_gwbridge address for container $CMS_CID"
GW_ID=${CMS_CID:0:12}:gbs-cms:8080
log "old gbs-user container $OLD_CID, gbs-cms container ${CMS_CID:0:12} at $GW_IP on docker_gwbridge"

emu_start --quiet
for ip in $(task_ips gbs-cms); do
  jsclient_start --app gbs-cms --ip "$ip" --instance-id "live-$ip:gbs-cms:8080" --interval 1000
done
for i in 5 6 7; do
  jsclient_start --app legacy-billing --ip "192.168.77.$i" --instance-id "vm-billing-$((i - 4))" --interval 1000
done
for n in 3 4; do
  jsclient_start --app gbs-cms --ip "$(net_ip 20$n)" --hostname "deadbeef012$n" \
    --instance-id "deadbeef012$n:gbs-cms:8080" --interval 1000
done
jsclient_start --app gbs-cms --ip "$GW_IP" --hostname "${CMS_CID:0:12}" --instance-id "$GW_ID" --interval 1000
register_stale GBS-CMS stale-250:gbs-cms:8080 "$(net_ip 250)" 600
register_stale GBS-USER-OLD "$OLD_CID:gbs-user:8080" "$(net_ip 251)" 600

AUDIT=$IT_TMP/audit.log
lifted="max_fraction_per_app = 1.0; max_fraction_registry = 1.0; max_actions_per_run = 100; allow_empty_app = true;"
esra_conf "$IT_TMP/esra.conf" node1 \
  "policy = { mode = \"deregister\"; grace_seconds = 0; $lifted audit_log = \"$AUDIT\"; };"
foreign_writes() { # any write that touched something not ours
  esra_writes | grep -E 'LEGACY-BILLING|deadbeef|'"${CMS_CID:0:12}" || true
}

# --plan: what --apply would do, nothing written
esra_run "$IT_TMP/esra.conf" check --plan --format json
assert_eq "" "$(esra_writes)" "--plan: no write reached Eureka"
[ ! -s "$AUDIT" ] || fail "--plan wrote to the audit log"
assert_eq planned "$(json_get "$(action instance_id=stale-250:gbs-cms:8080)" 'j.result')" "--plan: ours is planned"
assert_eq planned "$(json_get "$(action instance_id="$OLD_CID:gbs-user:8080")" 'j.result')" "--plan: the renamed service's is planned"
a=$(action instance_id=deadbeef0123:gbs-cms:8080)
assert_eq "skipped owned" "$(json_get "$a" 'j.result + " " + j.rule')" "--plan: another cluster's is refused by ownership"
assert_contains "$(json_get "$a" 'j.reason')" "a container that no task of this swarm" "--plan: says why"
assert_eq 0 "$(json_get "$ESRA_OUT" "j.actions.filter(a => /LEGACY|${CMS_CID:0:12}/.test(a.instance_id + a.app)).length")" \
  "--plan: no action is even planned for foreign or wrong_network instances"

# five cycles, mode deregister, caps lifted
for cycle in 1 2 3 4 5; do
  esra_run "$IT_TMP/esra.conf" check --format json
  assert_eq "" "$(foreign_writes)" "cycle $cycle: not one write to what is not ours"
  if [ "$cycle" = 1 ]; then
    assert_eq 3 "$(json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === 'foreign_instance' && f.app === 'LEGACY-BILLING' && f.severity === 'info').length")" \
      "the legacy app's 3 instances are foreign_instance (info)"
    assert_contains "$(json_get "$(finding foreign_instance instance_id=vm-billing-1)" 'j.not_ours')" \
      "192.168.77.5 is in no subnet of this swarm's networks" "foreign: says why"
    for n in 3 4; do
      s=$(finding stale_instance instance_id="deadbeef012$n:gbs-cms:8080")
      assert_eq "warning none" "$(json_get "$s" 'j.severity + " " + j.suggested_action')" \
        "another cluster's deadbeef012$n: stale, warning, suggested_action none"
    done
    w=$(finding wrong_network instance_id="$GW_ID")
    [ "$w" != null ] || fail "no wrong_network for the gwbridge registration: $ESRA_OUT"
    assert_eq docker_gwbridge "$(json_get "$w" 'j.network')" "wrong_network on docker_gwbridge"
    assert_contains "$(json_get "$w" 'j.message')" "registered its docker_gwbridge address $GW_IP" "wrong_network: says so"
    assert_eq null "$(finding stale_instance instance_id="$GW_ID")" "the gwbridge one is never stale"
    assert_eq "done" "$(json_get "$(action instance_id=stale-250:gbs-cms:8080)" 'j.result')" "cycle 1: ours deregistered"
    assert_eq "done" "$(json_get "$(action instance_id="$OLD_CID:gbs-user:8080")" 'j.result')" "cycle 1: the renamed service's deregistered"
  fi
done
assert_eq "DELETE /eureka/apps/GBS-CMS/stale-250:gbs-cms:8080 200
DELETE /eureka/apps/GBS-USER-OLD/$OLD_CID:gbs-user:8080 200" "$(esra_writes | sort)" \
  "five cycles: exactly one delete per stale instance of ours, nothing else"
for id in vm-billing-1 vm-billing-2 vm-billing-3; do
  assert_eq UP "$(inst_status LEGACY-BILLING "$id")" "$id untouched"
done
for id in deadbeef0123:gbs-cms:8080 deadbeef0124:gbs-cms:8080 "$GW_ID"; do
  assert_eq UP "$(inst_status GBS-CMS "$id")" "$id untouched"
done

# the text report sums the foreign ones up
esra_run "$IT_TMP/esra.conf" check --plan
assert_contains "$ESRA_OUT" "foreign: 3 instances of 1 app are outside this swarm: not judged" "text: one line for the foreign"
assert_contains "$ESRA_OUT" "(LEGACY-BILLING)" "text: the foreign app named"
assert_not_contains "$ESRA_OUT" "OK foreign_instance" "text: no block per foreign instance"

# a wrong scope: an error naming the key and the networks, nothing judged, nothing written
before=$(esra_writes | grep -c . || true)
esra_conf "$IT_TMP/typo.conf" node1 "swarm = { networks = [ \"appnet-typo\" ]; };" \
  "policy = { mode = \"deregister\"; grace_seconds = 0; $lifted };"
register_stale GBS-CMS stale-252:gbs-cms:8080 "$(net_ip 252)" 600
esra_run "$IT_TMP/typo.conf" check --format json
assert_eq 3 "$ESRA_RC" "wrong scope: exit 3"
e=$(finding source_error source=config)
assert_contains "$(json_get "$e" 'j.message')" 'swarm.networks: this swarm has no network "appnet-typo"' "wrong scope: names the key"
assert_contains "$(json_get "$e" 'j.message')" "gbsnet" "wrong scope: names the networks that exist"
assert_eq 0 "$(json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === 'wrong_network' || f.kind === 'stale_instance').length")" \
  "wrong scope: no instance judged"
assert_eq "$before" "$(esra_writes | grep -c . || true)" "wrong scope: nothing written"

it_finish
