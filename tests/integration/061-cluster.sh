#!/usr/bin/env bash
# 061-cluster: the cluster view on the real two-node swarm. esra runs as a global service
# (image esra:test as user esra with no capability on a read-only root, as the stack runs it;
# `esra watch` serving /status on 0.0.0.0:9477 on gbsnet, the node's docker
# socket mounted) against the Eureka emulator, in the incident scene. The leader's /status holds
# a `cluster` object listing node1 and node2, both answered, gbs-cms poisoned on both; `esra
# check --cluster` on the manager's host lists both nodes. dockerd 20.10 cannot be made to hold
# a stale record on one node only here, so node2's esra is pointed (ESRA_DNS_SERVER, templated
# per node) at esra-fakedns in its own network namespace, answering as swarm does for every
# name except gbs-cms, which gets one more address: the leader's view and check --cluster give
# dns_divergence for gbs-cms naming exactly node2. Before the service exists, check --cluster
# says no global service runs and judges this node alone, with the same exit code as check.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra
FAKEDNS=$(dirname "$ESRA")/tests/harness/esra-fakedns
[ -x "$FAKEDNS" ] || skip "esra-fakedns not built ($FAKEDNS)"

swarm_up
incident_setup
esra_image_build
# the emulator lives in the gateway's namespace, reachable on gbsnet at the gateway's address
emu_start --netns "/proc/$(container_pid gateway)/ns/net" --host 0.0.0.0 --quiet
for ip in $(task_ips gbs-cms); do
  register_stale GBS-CMS "live-$ip:gbs-cms:8080" "$ip" 0
done
EXTRA=10.0.1.250 # the address only node2's DNS gives gbs-cms

# esra on the manager's host, seated in the gateway's network namespace (where the emulator
# and 127.0.0.11 are), with node1's docker socket: as esra_run does it
host_run() { # ARGS...
  set +e
  in_container gateway "$ESRA" "$@" -c "$IT_TMP/host.conf" >"$IT_TMP/esra.out" 2>"$IT_TMP/esra.err"
  ESRA_RC=$?
  set -e
  ESRA_OUT=$(cat "$IT_TMP/esra.out")
  log "esra $* (host, gateway's network) -> exit $ESRA_RC"
}
esra_conf "$IT_TMP/host.conf" node1

# no global service yet: check --cluster judges this node and says so
host_run check
plain_rc=$ESRA_RC
host_run check --cluster
assert_eq 2 "$plain_rc" "a plain check: exit 2 (the poisoned name)"
assert_eq "$plain_rc" "$ESRA_RC" "no global service: the exit code of a plain check"
assert_contains "$ESRA_OUT" "no global esra service runs here" "no global service: it says so"
assert_not_contains "$ESRA_OUT" "cluster esra" "no global service: no cluster view"

# esra as a global service: one task per node, node2's DNS from 127.0.0.1:5353 in its task
cat >"$IT_TMP/svc.conf" <<EOF
eureka = { urls = [ "http://$GATEWAY_IP:$EMU_PORT/eureka/" ]; timeout_ms = 3000; };
dns = { timeout_ms = 500; attempts = 2; };
watch = { interval_seconds = 2; listen = "0.0.0.0:9477"; };
cluster = { timeout_ms = 2000; };
log = { level = "debug"; };
EOF
dk node1 config create esra-cluster.conf "$IT_TMP/svc.conf" >/dev/null
# as the stack file runs it: user esra with the group of the nodes' docker socket
svc_create --name esra --mode global --network gbsnet \
  --user "10001:$(getent group docker | cut -d: -f3)" --cap-drop ALL --read-only \
  --mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock \
  --config src=esra-cluster.conf,target=/etc/esra/esra.conf \
  --env 'ESRA_DNS_SERVER={{if eq .Node.Hostname "node2"}}127.0.0.1:5353{{end}}' \
  esra:test watch -c /etc/esra/esra.conf
wait_for "esra: a task on each node" 90 _count_is 2 running_tasks esra
task_on() { dk "$1" ps -q --filter label=com.docker.swarm.service.name=esra | head -n 1; }
E1=$(task_on node1)
E2=$(task_on node2)
if [ -z "$E1" ] || [ -z "$E2" ]; then fail "no esra container on node1 ($E1) or node2 ($E2)"; fi
status_of() { in_container "$1" curl -sS --max-time 5 http://127.0.0.1:9477/status; }
leader_status() { status_of "$E1"; }
both_answered() {
  local s
  s=$(leader_status) || return 1
  [ "$(json_get "$s" 'j.cluster ? j.cluster.nodes.filter(n => n.answered).length : 0')" = 2 ]
}
wait_for "the leader's cluster view: both nodes answered" 60 both_answered
s=$(leader_status)
assert_eq true "$(json_get "$s" 'j.node.leader')" "node1's esra is the leader"
assert_eq esra "$(json_get "$s" 'j.cluster.service')" "the service found from esra's own container"
assert_eq "node1 node2" "$(json_get "$s" 'j.cluster.nodes.map(n => n.hostname).sort().join(" ")')" \
  "the cluster object lists node1 and node2"
assert_eq "$(dk node1 node inspect -f '{{.ID}}' node2)" \
  "$(json_get "$s" 'j.cluster.nodes.find(n => n.hostname === "node2").id')" "node2 by its id"
assert_eq "DNS tasks.esra" "$(json_get "$s" 'j.cluster.peers_from')" "peers found by DNS"
assert_eq false "$(json_get "$(status_of "$E2")" "'cluster' in j")" "node2 (not the leader) holds no cluster view"
assert_contains "$(json_get "$s" 'j.cluster.poisoned["gbs-cms"]')" node1 "gbs-cms poisoned on node1"
assert_contains "$(in_container "$E1" curl -sS --max-time 5 http://127.0.0.1:9477/metrics)" \
  'esra_cluster_nodes{answered="true"} 2' "the leader's /metrics: 2 nodes answered"

# node2's resolver: swarm's answers (as the leader's /status gives them) plus EXTRA for gbs-cms
json_get "$s" "Object.entries(j.dns_answers).map(([n, a]) => n + ' ' + \
  (n === 'gbs-cms' ? 'A ' + a.concat(['$EXTRA']).join(' ') : a.length ? 'A ' + a.join(' ') : 'NXDOMAIN')).join('\\n')" \
  >"$IT_TMP/node2.rules"
grep -q "^gbs-cms A .*$EXTRA" "$IT_TMP/node2.rules" || fail "no gbs-cms rule in: $(cat "$IT_TMP/node2.rules")"
bg_start nsenter --net="/proc/$(container_pid "$E2")/ns/net" "$FAKEDNS" -a 127.0.0.1 -p 5353 \
  -f "$IT_TMP/node2.rules" >"$IT_TMP/fakedns.out" 2>&1
node2_sees_extra() {
  json_get "$(status_of "$E2")" "(j.dns_answers['gbs-cms'] || []).includes('$EXTRA')" | grep -qx true
}
wait_for "node2's esra sees $EXTRA for gbs-cms" 30 node2_sees_extra
diverged() {
  json_get "$(leader_status)" "j.findings.some(f => f.kind === 'dns_divergence')" | grep -qx true
}
wait_for "the leader reports dns_divergence" 30 diverged
s=$(leader_status)
d=$(json_get "$s" "j.findings.filter(f => f.kind === 'dns_divergence')")
assert_eq 1 "$(json_get "$d" 'j.length')" "one dns_divergence (only gbs-cms differs)"
assert_eq gbs-cms "$(json_get "$d" 'j[0].name')" "dns_divergence: gbs-cms"
assert_eq '["node2"]' "$(json_get "$d" 'JSON.stringify(j[0].nodes)')" "it names exactly node2"
assert_eq "$EXTRA" "$(json_get "$d" 'j[0].stale_ips.join()')" "the extra address"
assert_contains "$(json_get "$d" 'j[0].remedy')" "on node2 only" "the remedy names node2"
assert_not_contains "$(json_get "$d" 'j[0].remedy')" "node1" "the remedy does not name node1"
assert_eq "node1 node2" "$(json_get "$s" 'j.cluster.poisoned["gbs-cms"].slice().sort().join(" ")')" \
  "gbs-cms poisoned on node1 and node2"

# esra check --cluster on the manager's host: the service's tasks from Docker, asked from the
# network of node1's esra task
host_run check --cluster
assert_eq 2 "$ESRA_RC" "check --cluster: exit 2 (critical)"
assert_contains "$ESRA_OUT" "cluster esra: 2 nodes, 2 answered (peers from Docker tasks of esra)" \
  "check --cluster lists both nodes, both answered"
assert_contains "$ESRA_OUT" "gbs-cms is poisoned on node1, node2" "the text says where gbs-cms is poisoned"
assert_contains "$ESRA_OUT" "CRITICAL dns_divergence gbs-cms" "check --cluster: dns_divergence"
assert_contains "$ESRA_OUT" "eureka ok" "check --cluster: Eureka read"
cp "$IT_TMP/esra.out" "$IT_TMP/cluster.txt" # kept with ESRA_IT_KEEP_TMP
host_run check --cluster --format json
d=$(json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === 'dns_divergence')")
assert_eq '[["node2"]]' "$(json_get "$d" 'JSON.stringify(j.map(f => f.nodes))')" \
  "check --cluster: one dns_divergence, naming exactly node2"
assert_eq "node1 node2" "$(json_get "$ESRA_OUT" 'j.cluster.nodes.map(n => n.hostname).sort().join(" ")')" \
  "check --cluster: both nodes in JSON"
assert_eq true "$(json_get "$ESRA_OUT" 'j.cluster.nodes.find(n => n.hostname === "node1").self')" \
  "check --cluster: node1 is this node"

# a peer that does not answer is named, not waited on: node2's esra frozen (its kernel still
# accepts the connection, nothing answers)
dk node2 pause "$E2" >/dev/null
silent() {
  json_get "$(leader_status)" \
    'j.cluster.nodes.some(n => !n.answered && /no answer within 2000 ms/.test(n.error || ""))' | grep -qx true
}
wait_for "the leader names the peer that does not answer" 30 silent
s=$(leader_status)
assert_eq node2 "$(json_get "$s" 'j.cluster.nodes.find(n => !n.answered).hostname')" \
  "the silent peer is named node2 (from the Docker tasks)"
assert_eq 1 "$(json_get "$s" 'j.cluster.answered')" "one node answered"
assert_contains "$(in_container "$E1" curl -sS --max-time 5 http://127.0.0.1:9477/metrics)" \
  'esra_cluster_nodes{answered="false"} 1' "the leader's /metrics: 1 node silent"
assert_contains "$(json_get "$s" 'j.notes.join("\n")')" "cluster: node2 did not answer" "a note names it"
json_get "$s" 'j.duration_seconds < 6' | grep -qx true ||
  fail "the leader's cycle took $(json_get "$s" 'j.duration_seconds') s with a silent peer"
pass "the leader's cycle took $(json_get "$s" 'j.duration_seconds') s with a silent peer (bound 2 s)"
dk node2 unpause "$E2" >/dev/null
it_finish
