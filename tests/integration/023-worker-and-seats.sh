#!/usr/bin/env bash
# 023-worker-and-seats: the incident seen from the worker (what a worker can judge: the
# poisoned name, from its own network view; no error for /services, /tasks, /nodes it cannot
# read), and the three ways of choosing DNS's seat: container:NAME, /proc/PID/ns/net, and
# esra's own namespace (no 127.0.0.11 there: a clear DNS source error, exit 3, with the hint).
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
incident_setup
dk node2 run -d -q --name w2 --network gbsnet esra/bb sleep 1000000 >/dev/null
wait_for "w2: gbs-cms resolves to 2 addresses" 60 _lines_is 2 dns_a gbs-cms w2
emu_start --quiet
register_stale GBS-CMS gone:gbs-cms:8080 "$(net_ip 250)" 600

# ------------------------------------------------------------------ the worker
SEAT=w2 esra_conf "$IT_TMP/w.conf" node2
esra_run "$IT_TMP/w.conf" check --format json
assert_eq 2 "$ESRA_RC" "worker: exit 2 (the poisoned name is visible there too)"
assert_eq worker "$(json_get "$ESRA_OUT" 'j.node.view')" "worker view"
assert_eq node2 "$(json_get "$ESRA_OUT" 'j.node.hostname')" "the report names node2"
p=$(finding poisoned_name name=gbs-cms)
[ "$p" != null ] || fail "worker: no poisoned_name: $ESRA_OUT"
assert_eq "$GHOST_VIP" "$(json_get "$p" 'j.stale_ips.join()')" "worker: ghost's VIP is the stale IP"
assert_eq "service:ghost" "$(json_get "$p" "j.owners['$GHOST_VIP']")" "worker: owner from its network view"
assert_eq node2 "$(json_get "$p" 'j.node')" "worker: seen on node2"
assert_eq 0 "$(json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === 'source_error').length")" "worker: no source error"
assert_eq null "$(finding stale_instance)" "worker: stale instances are judged on a manager"
esra_run "$IT_TMP/w.conf" preflight gbs-cms
assert_eq 2 "$ESRA_RC" "worker: preflight gbs-cms is refused too"

# ------------------------------------------------------------------ seats
pid=$(container_pid gateway)
esra_conf "$IT_TMP/p.conf" node1
sed -i "s|container:gateway|/proc/$pid/ns/net|" "$IT_TMP/p.conf"
esra_run "$IT_TMP/p.conf" check --format json
assert_eq "/proc/$pid/ns/net" "$(json_get "$ESRA_OUT" 'j.sources.dns.netns')" "seat by /proc/PID/ns/net"
assert_ne null "$(finding poisoned_name name=gbs-cms)" "same verdict from /proc/PID/ns/net"
esra_conf "$IT_TMP/n.conf" node1
sed -i 's|container:gateway|container:no-such-container|' "$IT_TMP/n.conf"
esra_run "$IT_TMP/n.conf" check --format json
assert_eq 2 "$ESRA_RC" "a missing seat: still critical (the stale instance), DNS unknown"
assert_contains "$(finding source_error source=dns)" "No such container: no-such-container" "a missing container is named"
esra_conf "$IT_TMP/h.conf" node1 'log = { level = "warn"; };'
sed -i 's|netns = "container:gateway"; timeout_ms = 1000|netns = ""; timeout_ms = 300|' "$IT_TMP/h.conf"
esra_run "$IT_TMP/h.conf" check --format json
assert_contains "$(finding source_error source=dns)" "no definite answer for any" "from the host: no swarm DNS"
assert_contains "$(json_get "$(finding source_error source=dns)" 'j.remedy')" "dns.netns" "with the hint to use dns.netns"
assert_eq null "$(finding poisoned_name)" "and no name is judged without DNS"

it_finish
