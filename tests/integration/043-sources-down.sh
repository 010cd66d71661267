#!/usr/bin/env bash
# 043-sources-down: with any source failed or incomplete in the cycle, nothing is written,
# though the stale instance is still found and reported: DNS not answering, a second Eureka
# peer unreachable or not ready (403), Docker unreadable, the audit log unwritable. Each refused
# action says why. The live instances are never touched.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
base_setup
emu_start --quiet
MAIN_PORT=$EMU_PORT
for ip in $(task_ips gbs-cms); do
  jsclient_start --app gbs-cms --ip "$ip" --instance-id "live-$ip:gbs-cms:8080" --interval 1000
done
register_stale GBS-CMS stale-250:gbs-cms:8080 "$(net_ip 250)" 600
untouched() { # after every fault
  assert_eq "" "$(esra_writes -p "$MAIN_PORT")" "$1: nothing written"
  assert_eq 200 "$(present -p "$MAIN_PORT" GBS-CMS stale-250:gbs-cms:8080)" "$1: the stale instance is still there"
  for ip in $(task_ips gbs-cms); do
    assert_eq UP "$(inst_status -p "$MAIN_PORT" GBS-CMS "live-$ip:gbs-cms:8080")" "$1: live instance $ip untouched"
  done
}
skipped_because() { # CASE REASON
  local a
  a=$(action instance_id=stale-250:gbs-cms:8080)
  [ "$a" != null ] || fail "$1: no action reported: $ESRA_OUT"
  assert_eq skipped "$(json_get "$a" 'j.result')" "$1: skipped"
  assert_contains "$(json_get "$a" 'j.reason')" "$2" "$1: says why"
}
base=("policy = { grace_seconds = 0; };")

# DNS that does not answer
esra_conf "$IT_TMP/dns.conf" node1 "${base[@]}"
sed -i 's|dns = { netns|dns = { server = "127.0.0.12"; netns|; s|timeout_ms = 1000; attempts = 2|timeout_ms = 200; attempts = 1|' "$IT_TMP/dns.conf"
esra_run "$IT_TMP/dns.conf" check --format json --apply
assert_ne null "$(finding stale_instance)" "DNS down: the stale instance is still reported"
skipped_because "DNS down" "sources incomplete this cycle (dns"
untouched "DNS down"

# a second Eureka peer that cannot be read
EMU_URLS+=("http://127.0.0.1:1/eureka/")
esra_conf "$IT_TMP/peer.conf" node1 "${base[@]}"
esra_run "$IT_TMP/peer.conf" check --format json --apply
skipped_because "peer down" "sources incomplete this cycle (eureka"
assert_contains "$(finding source_error source=eureka)" "127.0.0.1:1" "peer down: reported as a source error"
untouched "peer down"

# a second peer that is not ready (403)
unset 'EMU_URLS[-1]'
emu_start --quiet --not-ready-ms 600000
esra_conf "$IT_TMP/403.conf" node1 "${base[@]}"
esra_run "$IT_TMP/403.conf" check --format json --apply
skipped_because "peer 403" "not ready"
untouched "peer 403"
unset 'EMU_URLS[-1]'

# Docker unreadable: nothing can be judged stale, so nothing is planned
esra_conf "$IT_TMP/docker.conf" node1 "${base[@]}"
sed -i "s|host = \"unix://[^\"]*\"|host = \"unix://$IT_TMP/no.sock\"|" "$IT_TMP/docker.conf"
esra_run "$IT_TMP/docker.conf" check --format json --apply
assert_eq 3 "$ESRA_RC" "Docker down: exit 3"
assert_eq 0 "$(json_get "$ESRA_OUT" 'j.actions.length')" "Docker down: no action"
untouched "Docker down"

# an audit log that cannot be written stops every action
esra_conf "$IT_TMP/audit.conf" node1 "policy = { grace_seconds = 0; audit_log = \"$IT_TMP/no/such/dir/audit.log\"; };"
esra_run "$IT_TMP/audit.conf" check --format json --apply
skipped_because "audit log" "audit log $IT_TMP/no/such/dir/audit.log cannot be written"
untouched "audit log"

it_finish
