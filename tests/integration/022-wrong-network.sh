#!/usr/bin/env bash
# 022-wrong-network: a service with a published port has a second address on the ingress
# network; an instance that registers that address is reachable by no gateway on gbsnet.
# esra reports wrong_network (not stale_instance) naming ingress; the same service's gbsnet
# address is fine.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
base_setup
svc_create --name pub --replicas 1 --network gbsnet --publish published=18080,target=8080 \
  esra/bb sleep 1000000
wait_for "pub: 1 task running" 90 _count_is 1 running_tasks pub
ingress_ip=$(task_ips pub ingress)
gbsnet_ip=$(task_ips pub gbsnet)
{ [ -n "$ingress_ip" ] && [ -n "$gbsnet_ip" ]; } || fail "pub has no ingress ($ingress_ip) or gbsnet ($gbsnet_ip) address"
log "pub: ingress $ingress_ip, gbsnet $gbsnet_ip"
emu_start --quiet
jsclient_start --app pub --ip "$ingress_ip" --instance-id "wrong:pub:8080" --interval 1000
jsclient_start --app pub --ip "$gbsnet_ip" --instance-id "right:pub:8080" --interval 1000
esra_conf "$IT_TMP/esra.conf" node1 'policy = { grace_seconds = 0; };'
esra_run "$IT_TMP/esra.conf" check --format json
w=$(finding wrong_network instance_id=wrong:pub:8080)
[ "$w" != null ] || fail "no wrong_network: $ESRA_OUT"
assert_eq ingress "$(json_get "$w" 'j.network')" "it names the ingress network"
assert_eq "$ingress_ip" "$(json_get "$w" 'j.ip')" "and the registered address"
assert_eq critical "$(json_get "$w" 'j.severity')" "critical"
assert_eq null "$(finding stale_instance instance_id=wrong:pub:8080)" "not a stale instance"
assert_eq null "$(finding wrong_network instance_id=right:pub:8080)" "the gbsnet registration is fine"
assert_eq null "$(finding stale_instance instance_id=right:pub:8080)" "and backed"

it_finish
