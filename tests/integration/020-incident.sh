#!/usr/bin/env bash
# 020-incident: the gbs-cms incident on a real two-node swarm. gbs-cms resolves to its VIP and
# to ghost's VIP (ghost carries the alias gbs-cms, scaled to 0, its task lingering); Eureka holds
# live gbs-cms instances (registered and renewed by the real eureka-js-client) and a stale one.
# `esra check` from the gateway's seat names the poisoned name, the stale IP, its owner, the
# node, the proposal gbs-cms-new and what to do, within 2 s, exit 2; the stale instance is
# found, the live ones are not. The three formats agree; --output writes atomically.
# `esra preflight` says gbs-cms is poisoned (exit 2, proposal printed) and a fresh name is free.
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
jsclient_start --app gbs-user --ip "$(task_ips gbs-user)" --instance-id "live:gbs-user:8080" --interval 1000
register_stale GBS-CMS stale-250:gbs-cms:8080 "$(net_ip 250)" 600
# grace 0: judge the just-registered live instances too (they must be found backed)
esra_conf "$IT_TMP/esra.conf" node1 'policy = { grace_seconds = 0; };'

t0=$(now_ms)
esra_run "$IT_TMP/esra.conf" check --format json
dt=$(($(now_ms) - t0))
assert_eq 2 "$ESRA_RC" "exit 2 (critical)"
[ "$dt" -lt 2000 ] || fail "the check took ${dt} ms (want < 2 s)"
pass "the check took ${dt} ms"
assert_eq critical "$(json_get "$ESRA_OUT" 'j.status')" "status critical"
p=$(finding poisoned_name name=gbs-cms)
[ "$p" != null ] || fail "no poisoned_name for gbs-cms in: $ESRA_OUT"
assert_eq "$GHOST_VIP" "$(json_get "$p" 'j.stale_ips.join()')" "the stale IP is ghost's VIP"
assert_eq "service:ghost" "$(json_get "$p" "j.owners['$GHOST_VIP']")" "its owner: service ghost"
assert_eq 0 "$(json_get "$p" "j.backends['$GHOST_VIP']")" "with no live task behind it"
assert_eq "$GBS_CMS_VIP" "$(json_get "$p" 'j.expected_ips.join()')" "expected: gbs-cms's VIP"
assert_eq gbs-cms-new "$(json_get "$p" 'j.proposal')" "proposal gbs-cms-new"
assert_eq node1 "$(json_get "$p" 'j.node')" "the node it was seen on"
assert_eq gbsnet "$(json_get "$p" 'j.network')" "the network"
assert_contains "$(json_get "$p" 'j.remedy')" "service ghost carries the alias gbs-cms" "what to do: the alias"
assert_contains "$(json_get "$p" 'j.remedy')" "gbs-cms-new" "what to do: the clean name"
s=$(finding stale_instance instance_id=stale-250:gbs-cms:8080)
[ "$s" != null ] || fail "the stale instance was not found"
assert_eq deregister "$(json_get "$s" 'j.suggested_action')" "its lease expired: deregister"
assert_eq "$(net_ip 250)" "$(json_get "$s" 'j.ip')" "stale instance ip"
assert_eq gbs-cms "$(json_get "$s" 'j.service')" "stale instance mapped to service gbs-cms"
assert_eq 1 "$(json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === 'stale_instance').length")" "only the stale instance (the live ones are backed)"
assert_eq 0 "$(json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === 'source_error').length")" "no source error"
assert_eq 4 "$(json_get "$ESRA_OUT" 'j.sources.eureka.instances')" "all of Eureka was read"

# the text report: first line per the monitoring-plugins convention, then the details
esra_run "$IT_TMP/esra.conf" check
assert_eq 2 "$ESRA_RC" "text: exit 2"
first=$(head -n 1 <<<"$ESRA_OUT")
assert_contains "$first" "ESRA CRITICAL - " "first line: status"
assert_contains "$first" "poisoned name" "first line: poisoned name"
assert_contains "$first" "(gbs-cms" "first line: which name"
assert_contains "$first" "1 stale instance" "first line: the stale instance"
assert_contains "$first" "| poisoned_name=" "first line: perfdata"
for s in "node node1 (manager, leader)" "$GHOST_VIP: VIP of service ghost, 0 live tasks" "proposal: gbs-cms-new" "do: service ghost carries the alias" "stale-250:gbs-cms:8080"; do
  assert_contains "$ESRA_OUT" "$s" "text report: $s"
done
cp "$IT_TMP/esra.out" "$IT_TMP/report.txt"
log "text report:"; sed 's/^/#   /' "$IT_TMP/report.txt" >&2

# Prometheus into a textfile collector file, atomically
esra_run "$IT_TMP/esra.conf" check --format prometheus --output "$IT_TMP/esra.prom"
assert_eq 2 "$ESRA_RC" "prometheus: exit 2"
assert_contains "$(cat "$IT_TMP/esra.prom")" 'esra_findings{kind="poisoned_name",severity="critical"} ' "prom: findings"
assert_contains "$(cat "$IT_TMP/esra.prom")" 'esra_source_up{source="dns"} 1' "prom: sources"
[ -z "$(find "$IT_TMP" -name 'esra.prom.tmp.*')" ] || fail "a temporary file was left beside the output"
pass "--output leaves no temporary file"

# preflight: the poisoned name and a fresh one
esra_run "$IT_TMP/esra.conf" preflight gbs-cms
assert_eq 2 "$ESRA_RC" "preflight gbs-cms: exit 2"
assert_contains "$ESRA_OUT" "gbs-cms: poisoned, use gbs-cms-new" "preflight prints the verdict and the proposal"
esra_run "$IT_TMP/esra.conf" preflight --format json gbs-fresh gbs-user
assert_eq 0 "$ESRA_RC" "preflight of a fresh name and a clean service: exit 0"
assert_eq "free clean" "$(json_get "$ESRA_OUT" "j.names.map(n => n.state).join(' ')")" "gbs-fresh is free, gbs-user clean"
esra_run "$IT_TMP/esra.conf" preflight gateway
assert_eq 2 "$ESRA_RC" "preflight of a name a container holds: exit 2"
assert_contains "$ESRA_OUT" "gateway: taken" "it is taken"

it_finish
