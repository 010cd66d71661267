#!/usr/bin/env bash
# 010-readers: esra's three readers against a real swarm. The docker reader's model (services,
# VIPs, tasks, networks with this node's verbose view, containers, node role) equals what the
# docker CLI says, on the manager and on the worker (a worker view, not an error); the DNS
# reader, asking from inside a container's network namespace, gets exactly what that
# container's 127.0.0.11 answers; and `esra check` reports all sources ok on both nodes.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra
VIEWS=$(dirname "$ESRA")/tests/harness/esra-views
[ -x "$VIEWS" ] || fail "esra-views not built next to $ESRA"

swarm_up
incident_setup
dk node2 run -d -q --name w2 --network gbsnet esra/bb sleep 1000000 >/dev/null
emu_start --quiet

# ------------------------------------------------------------------ manager
esra_conf "$IT_TMP/m.conf" node1
m=$("$VIEWS" -c "$IT_TMP/m.conf" docker) || fail "esra-views docker on node1 failed"
assert_eq true "$(json_get "$m" 'j.manager && j.leader && !j.worker_view')" "node1: manager, leader, full view"
assert_eq "$(dk node1 info -f '{{.Swarm.NodeID}}')" "$(json_get "$m" 'j.node_id')" "node1: node id"
assert_eq "$(dk node1 service ls --format '{{.Name}}' | sort | tr '\n' ' ')" \
  "$(json_get "$m" 'j.services.map(s => s.name).sort().join(" ") + " "')" "services = docker service ls"
for s in gbs-cms gbs-user ghost; do
  assert_eq "$(service_vip "$s")" "$(json_get "$m" "j.services.find(s => s.name === '$s').vips.gbsnet")" "$s: VIP on gbsnet"
done
assert_eq "gbs-cms" "$(json_get "$m" "j.services.find(s => s.name === 'ghost').aliases.join()")" "ghost carries the alias gbs-cms"
assert_eq "$(task_ips gbs-cms | tr '\n' ' ')" \
  "$(json_get "$m" "j.tasks.filter(t => t.service === 'gbs-cms' && t.live).map(t => t.addrs.gbsnet).sort((a, b) => a.localeCompare(b, undefined, {numeric: true})).join(' ') + ' '")" \
  "gbs-cms: live task addresses = docker's running tasks"
assert_eq "$(dk node1 service ps -q ghost | wc -l)" "$(json_get "$m" "j.tasks.filter(t => t.service === 'ghost').length")" "ghost: every task is read"
assert_eq "remove" "$(json_get "$m" "j.tasks.find(t => t.service === 'ghost' && t.state === 'running').desired")" \
  "ghost's lingering task: running, desired remove"
assert_eq true "$(json_get "$m" "j.networks.find(n => n.name === 'gbsnet').verbose_read")" "gbsnet: this node's verbose view read"
assert_eq "$GHOST_VIP" "$(json_get "$m" "j.networks.find(n => n.name === 'gbsnet').services.ghost.vip")" \
  "the verbose view lists ghost's VIP"
assert_eq true "$(json_get "$m" "j.networks.find(n => n.name === 'ingress').ingress")" "ingress is flagged"
assert_eq "$GATEWAY_IP" "$(json_get "$m" "j.containers.find(c => c.name === 'gateway').nets.gbsnet.ip")" "gateway container and its IP"

# ------------------------------------------------------------------ worker
esra_conf "$IT_TMP/w.conf" node2
w=$("$VIEWS" -c "$IT_TMP/w.conf" docker) || fail "esra-views docker on node2 failed (a worker must not be an error)"
assert_eq true "$(json_get "$w" '!j.manager && j.worker_view')" "node2: worker view"
assert_eq 0 "$(json_get "$w" 'j.services.length + j.tasks.length')" "a worker reads no services or tasks"
assert_eq "$(dk node2 info -f '{{.Swarm.NodeID}}')" "$(json_get "$w" 'j.node_id')" "node2: node id"
assert_eq true "$(json_get "$w" "j.networks.find(n => n.name === 'gbsnet').verbose_read")" "node2: its own view of gbsnet"
assert_contains "$(json_get "$w" 'j.containers.map(c => c.name).join(" ")')" "w2" "node2: its local containers"

# ------------------------------------------------------------------ DNS from a container's seat
names=(gbs-cms tasks.gbs-cms gbs-user ghost tasks.ghost gateway no-such-name)
d=$("$VIEWS" -c "$IT_TMP/m.conf" dns "${names[@]}") || fail "esra-views dns failed"
for n in "${names[@]}"; do
  assert_eq "$(dns_a "$n" | tr '\n' ' ')" \
    "$(json_get "$d" "j['$n'].ips.slice().sort((a, b) => a.localeCompare(b, undefined, {numeric: true})).join(' ') + (j['$n'].ips.length ? ' ' : '')")" \
    "dns $n = what gateway's 127.0.0.11 answers"
done
# swarm forwards names it does not hold upstream; here the upstream is unreachable (as in an
# air-gapped swarm), so the answer is silence, and no address
assert_eq 0 "$(json_get "$d" "j['no-such-name'].ips.length")" "an unknown name has no address"
assert_eq 2 "$(json_get "$d" "j['gbs-cms'].ips.length")" "gbs-cms: the two-answer symptom, seen by esra"
# the same reader from the host's own namespace: there is no 127.0.0.11 there
esra_conf "$IT_TMP/h.conf" node1 'dns = { netns = ""; timeout_ms = 300; attempts = 1; };' 2>/dev/null || true
sed -i '/netns = "container/d' "$IT_TMP/h.conf"
h=$("$VIEWS" -c "$IT_TMP/h.conf" dns gbs-cms) || fail "esra-views dns (host) failed"
assert_ne ok "$(json_get "$h" "j['gbs-cms'].rc")" "from the host's namespace swarm DNS does not answer"

# ------------------------------------------------------------------ esra check on both nodes
esra_run "$IT_TMP/m.conf" check --format json
assert_eq true "$(json_get "$ESRA_OUT" 'j.sources.eureka.ok && j.sources.docker.ok && j.sources.dns.ok')" "manager: every source ok"
assert_eq manager "$(json_get "$ESRA_OUT" 'j.node.view')" "manager: full view"
SEAT=w2 esra_conf "$IT_TMP/w.conf" node2
esra_run "$IT_TMP/w.conf" check --format json
assert_eq true "$(json_get "$ESRA_OUT" 'j.sources.eureka.ok && j.sources.docker.ok && j.sources.dns.ok')" "worker: every source ok"
assert_eq worker "$(json_get "$ESRA_OUT" 'j.node.view')" "worker: says it is a worker view"
assert_eq 0 "$(json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === 'source_error').length")" "worker: no source_error for what it cannot read"
assert_contains "$(json_get "$ESRA_OUT" 'j.notes.join(" ")')" "worker view" "worker: the report says what it could not judge"

it_finish
