#!/usr/bin/env bash
# 021-alias-collision: a live container holding the network alias gbs-cms (docker run
# --network-alias) adds its IP to gbs-cms's DNS answer. esra reports the poisoned name with
# the container as the owner of the extra IP (a live owner, one backend) and tells to remove the
# alias; `preflight gbs-cms` says taken... by its own service, but poisoned by the collider.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
alias_collision_setup node2
emu_start --quiet
esra_conf "$IT_TMP/esra.conf" node1
esra_run "$IT_TMP/esra.conf" check --format json
assert_eq 2 "$ESRA_RC" "exit 2"
p=$(finding poisoned_name name=gbs-cms)
[ "$p" != null ] || fail "no poisoned_name for gbs-cms: $ESRA_OUT"
assert_eq "$COLLIDER_IP" "$(json_get "$p" 'j.stale_ips.join()')" "the extra IP is the collider's"
assert_eq "container:collider" "$(json_get "$p" "j.owners['$COLLIDER_IP']")" "owner names the container"
assert_eq 1 "$(json_get "$p" "j.backends['$COLLIDER_IP']")" "a live owner"
assert_contains "$(json_get "$p" 'j.remedy')" "collider" "what to do names the container"
assert_eq gbs-cms-new "$(json_get "$p" 'j.proposal')" "a clean name is proposed"
# the collider runs on node2: node1 knows it only from its network view, and still names it
esra_run "$IT_TMP/esra.conf" preflight gbs-cms
assert_eq 2 "$ESRA_RC" "preflight gbs-cms: exit 2"
assert_contains "$ESRA_OUT" "gbs-cms-new" "preflight proposes gbs-cms-new"
# once the collider is gone, the name is clean again
dk node2 rm -f collider >/dev/null
wait_for "gbs-cms back to one answer" 60 _lines_is 1 dns_a gbs-cms
esra_run "$IT_TMP/esra.conf" check --format json
assert_eq null "$(finding poisoned_name name=gbs-cms)" "no poisoned name without the collider"
esra_run "$IT_TMP/esra.conf" preflight gbs-cms
assert_eq 0 "$ESRA_RC" "preflight gbs-cms: clean again (exit 0)"

it_finish
