#!/usr/bin/env bash
# 060-stack: the global service deployed as the README says. The image is built exactly as
# README "Deployment" and contrib/esra-stack.yml say (image-root.sh + docker build -t
# esra:0.1.0), reaches node2 by `docker save | docker load`, and `docker stack deploy` runs
# contrib/esra-stack.yml unchanged, with etc/esra.conf changed only in values as a swarm
# secret. Eureka (the emulator) runs in a container named eureka on gbsnet, so the shipped
# eureka.urls is right as it is. Asserts: one esra per node, healthy by its own healthcheck
# (`esra health`), as user 10001 with no capability on a read-only root; both serve /metrics
# (promtool accepts it, and --format prometheus) and /status; both report the incident;
# the leader's /status holds the cluster view of both nodes and `esra check --cluster` on the
# manager lists both; only the leader acts and only its audit log (on the volume) holds
# actions; the Docker API sees only GETs from esra (dockerd's debug log); after the leadership moves (promote node2, demote node1) only the
# new leader acts.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra
command -v promtool >/dev/null || fail "promtool missing (scripts/deps.sh installs prometheus)"

swarm_up
incident_setup

# ---- the image, as the README says, on both nodes
"$IT_ROOT/contrib/image-root.sh" "$ESRA" "$IT_TMP/image-root" >/dev/null
DOCKER_BUILDKIT=0 dk node1 build -q -t esra:0.1.0 -f "$IT_ROOT/contrib/Dockerfile" "$IT_TMP/image-root" \
  >/dev/null 2>"$IT_TMP/build.err" || { cat "$IT_TMP/build.err" >&2; fail "docker build as the README says"; }
dk node1 save esra:0.1.0 | dk node2 load -q >/dev/null
assert_eq "$(dk node1 image inspect -f '{{.Id}}' esra:0.1.0)" "$(dk node2 image inspect -f '{{.Id}}' esra:0.1.0)" \
  "docker save | docker load: the same image on node2"
assert_eq 10001:10001 "$(dk node1 image inspect -f '{{.Config.User}}' esra:0.1.0)" "the image runs as user esra"

# ---- Eureka: the emulator inside container `eureka` on gbsnet, port 8761
dk node1 run -d -q --name eureka --network gbsnet esra/bb sleep 1000000 >/dev/null
emu_start --netns "/proc/$(container_pid eureka)/ns/net" --host 0.0.0.0 --port 8761 --quiet
for ip in $(task_ips gbs-cms); do
  register_stale GBS-CMS "live-$ip:gbs-cms:8080" "$ip" 1
done
register_stale GBS-CMS stale-251:gbs-cms:8080 "$(net_ip 251)" 600

# ---- the configuration: etc/esra.conf with values changed, as a secret; the stack unchanged
sed -e 's|^\(  mode = \)"report";|\1"deregister";|' \
  -e 's|^\(  grace_seconds = \)120;|\10;|' \
  -e 's|^\(  confirm_cycles = \)3;|\11;|' \
  -e 's|^\(  audit_log = \)"";|\1"/var/log/esra/audit.jsonl";|' \
  -e 's|^\(  interval_seconds = \)30;|\12;|' "$IT_ROOT/etc/esra.conf" >"$IT_TMP/esra.conf"
assert_eq 5 "$(diff "$IT_ROOT/etc/esra.conf" "$IT_TMP/esra.conf" | grep -c '^>')" "five values changed in etc/esra.conf"
"$ESRA" config check -c "$IT_TMP/esra.conf" >/dev/null || fail "the edited config does not pass esra config check"
assert_contains "$(sed -n '/^# From the repository root/,/^# The whole/p' "$IT_ROOT/contrib/esra-stack.yml")" \
  "docker save esra:0.1.0 | ssh NODE docker load" "the stack's header says how the image reaches each node"
dk node1 secret create esra.conf "$IT_TMP/esra.conf" >/dev/null
DOCKER_GID=$(getent group docker | cut -d: -f3)
export DOCKER_GID
dk node1 stack deploy -c "$IT_ROOT/contrib/esra-stack.yml" esra >/dev/null 2>"$IT_TMP/deploy.err" ||
  { cat "$IT_TMP/deploy.err" >&2; fail "docker stack deploy"; }

# ---- one esra per node, healthy by its own healthcheck
esra_cont() { dk "$1" ps -q --filter label=com.docker.swarm.service.name=esra_esra --filter status=running | head -n 1; }
healthy() { [ "$(dk "$1" inspect -f '{{.State.Health.Status}}' "$(esra_cont "$1")" 2>/dev/null)" = healthy ]; }
wait_for "esra healthy on node1" 120 healthy node1
wait_for "esra healthy on node2" 120 healthy node2
assert_eq "node1 node2" "$(dk node1 service ps esra_esra --filter desired-state=running --format '{{.Node}}' | sort | xargs)" \
  "one esra task per node"
for n in node1 node2; do
  c=$(esra_cont $n)
  assert_contains "$(dk $n inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' "$c")" "esra health: http://127.0.0.1:9477/healthz: ok" \
    "$n: the healthcheck is esra health"
  assert_eq "10001:$DOCKER_GID [\"ALL\"] true" \
    "$(dk $n inspect -f '{{.Config.User}} {{json .HostConfig.CapDrop}} {{.HostConfig.ReadonlyRootfs}}' "$c")" \
    "$n: user esra with the socket's group, no capability, read-only root"
done

addr() { if [ "$1" = node1 ]; then echo "$NODE1_ADDR"; else echo "$NODE2_ADDR"; fi; }
get() { in_node "$1" curl -sS --max-time 5 "http://$(addr "$1"):9477$2"; }
status_has_gbs_cms() {
  json_get "$(get "$1" /status)" "j.findings.some(f => f.kind === 'poisoned_name' && f.name === 'gbs-cms')" | grep -qx true
}
for n in node1 node2; do
  wait_for "$n: /status reports the poisoned gbs-cms" 60 status_has_gbs_cms $n
  s=$(get $n /status)
  assert_eq "$n" "$(json_get "$s" 'j.node.hostname')" "$n: /status is its own node's"
  assert_eq critical "$(json_get "$s" 'j.status')" "$n: the incident is critical"
  get $n /metrics >"$IT_TMP/metrics.$n"
  assert_contains "$(cat "$IT_TMP/metrics.$n")" 'esra_findings{kind="poisoned_name",severity="critical"} 1' "$n: /metrics counts it"
  promtool check metrics <"$IT_TMP/metrics.$n" >"$IT_TMP/promtool.$n" 2>&1 || { cat "$IT_TMP/promtool.$n" >&2; fail "$n: promtool check metrics"; }
  assert_eq "" "$(cat "$IT_TMP/promtool.$n")" "$n: promtool check metrics accepts /metrics (no lint)"
done
# esra's memory on each node's esra-state volume (state.dir /var/lib/esra in the image)
for n in node1 node2; do
  state_file=$SWARM_DIR/$n/data/volumes/esra_esra-state/_data/state.json
  wait_for "$n: esra keeps its memory on the esra-state volume" 30 test -s "$state_file"
  assert_eq esra-state "$(json_get "$(cat "$state_file")" 'j.format')" "$n: the state file is esra's"
done
assert_contains "$(cat "$IT_TMP/metrics.node1")" 'esra_is_leader 1' "node1 leads"
assert_contains "$(cat "$IT_TMP/metrics.node2")" 'esra_is_leader 0' "node2 does not"

# ---- from the manager's host (seated in container eureka's network, node1's socket):
# `esra check --cluster` lists both nodes of the stack's service; --format prometheus of the
# same scene passes promtool
esra_conf "$IT_TMP/host.conf" node1
host_run() { # ARGS...
  set +e
  in_container eureka "$ESRA" "$@" -c "$IT_TMP/host.conf" >"$IT_TMP/host.out" 2>"$IT_TMP/host.err"
  ESRA_RC=$?
  set -e
  ESRA_OUT=$(cat "$IT_TMP/host.out")
  log "esra $* (host, eureka's network) -> exit $ESRA_RC"
}
both_answer() { host_run check --cluster; case "$ESRA_OUT" in *"2 nodes, 2 answered"*) ;; *) return 1 ;; esac; }
wait_for "check --cluster: both nodes answer" 30 both_answer
assert_eq 2 "$ESRA_RC" "check --cluster on the manager: exit 2 (the poisoned name)"
assert_contains "$ESRA_OUT" "cluster esra_esra: 2 nodes, 2 answered" "check --cluster lists the stack's two nodes"
assert_contains "$ESRA_OUT" "gbs-cms is poisoned on node1, node2" "and where gbs-cms is poisoned"
host_run check --cluster --format json
assert_eq "node1 node2" "$(json_get "$ESRA_OUT" 'j.cluster.nodes.filter(n => n.answered).map(n => n.hostname).sort().join(" ")')"   "check --cluster --format json: node1 and node2 answered"
host_run check --format prometheus
assert_eq 2 "$ESRA_RC" "check --format prometheus: exit 2"
assert_contains "$ESRA_OUT" 'esra_findings{kind="poisoned_name",severity="critical"} 1' "--format prometheus: the poisoned name"
promtool check metrics <"$IT_TMP/host.out" >"$IT_TMP/promtool.host" 2>&1 || { cat "$IT_TMP/promtool.host" >&2; fail "promtool check metrics on --format prometheus"; }
assert_eq "" "$(cat "$IT_TMP/promtool.host")" "promtool check metrics accepts --format prometheus (no lint)"

# ---- the leader's /status holds the cluster view of both nodes
in_view() {
  json_get "$(get node1 /status)" \
    'j.cluster ? j.cluster.nodes.filter(n => n.answered).map(n => n.hostname).sort().join(" ") : ""' | grep -qx "node1 node2"
}
wait_for "the leader's cluster view: node1 and node2 answered" 30 in_view
assert_eq "node1 node2" "$(json_get "$(get node1 /status)" 'j.cluster.poisoned["gbs-cms"].slice().sort().join(" ")')" \
  "the leader: gbs-cms poisoned on node1 and node2"

# ---- only the leader acts; only its audit log holds actions
audit_file() { echo "$SWARM_DIR/$1/data/volumes/esra_esra-audit/_data/audit.jsonl"; }
acted() { # NODE ID: the node's audit log has a done line for instance ID
  [ -f "$(audit_file "$1")" ] && grep '"phase":"after"' "$(audit_file "$1")" | grep '"result":"done"' | grep -q "\"$2\""
}
gone() { [ "$(present GBS-CMS "$1")" = 404 ]; }
wait_for "deregistered by the leader" 60 gone stale-251:gbs-cms:8080
wait_for "node1's audit log: the deregistration" 10 acted node1 stale-251:gbs-cms:8080
acted node2 stale-251:gbs-cms:8080 && fail "node2 acted too"
if [ -f "$(audit_file node2)" ]; then
  assert_eq 0 "$(grep -c '"result":"\(done\|planned\|failed\)"' "$(audit_file node2)" || true)" "node2's audit log holds no action"
else
  pass "node2's audit log holds no action (none written)"
fi
leader_ip=$(dk node1 inspect -f '{{(index .NetworkSettings.Networks "gbsnet").IPAddress}}' "$(esra_cont node1)")
assert_eq "DELETE /eureka/apps/GBS-CMS/stale-251:gbs-cms:8080 200 $leader_ip" \
  "$(emu_ctl GET requests | json_get - "j.requests.filter(r => r.method !== 'GET' && /^esra\\//.test(r.headers['user-agent'] || '')).map(r => r.method + ' ' + decodeURIComponent(r.path) + ' ' + r.status + ' ' + String(r.remote).replace(/^::ffff:/, '')).join('\\n')")" \
  "one write, from node1's esra"
for ip in $(task_ips gbs-cms); do
  assert_eq 200 "$(present GBS-CMS "live-$ip:gbs-cms:8080")" "live instance $ip untouched"
done

# ---- the Docker API sees only GETs from esra (dockerd's debug log, no docker CLI meanwhile)
"$SWARM_SH" debug "$SWARM_DIR" on
l1=$(($(wc -l <"$SWARM_DIR/node1/dockerd.log") + 1))
l2=$(($(wc -l <"$SWARM_DIR/node2/dockerd.log") + 1))
sleep 7 # three cycles of each esra
calls() { head -n "$3" "$SWARM_DIR/$1/dockerd.log" | tail -n +"$2" | grep -o 'Calling [A-Z]* [^"]*' || true; }
e1=$(wc -l <"$SWARM_DIR/node1/dockerd.log")
e2=$(wc -l <"$SWARM_DIR/node2/dockerd.log")
"$SWARM_SH" debug "$SWARM_DIR" off
c1=$(calls node1 "$l1" "$e1")
c2=$(calls node2 "$l2" "$e2")
assert_contains "$c1" "Calling GET /v1.41/tasks" "node1: esra's reads are logged"
assert_contains "$c2" "Calling GET /v1.41/containers/json" "node2: esra's reads are logged"
assert_eq "" "$(printf '%s\n%s\n' "$c1" "$c2" | grep -v '^Calling GET ' | grep . || true)" "the Docker API saw only GET"

# ---- the leadership moves: promote node2, demote node1; only node2 acts now
"$SWARM_SH" promote "$SWARM_DIR" node2
"$SWARM_SH" demote "$SWARM_DIR" node1
leads() { get "$1" /metrics | grep -qx 'esra_is_leader 1'; }
wait_for "node2's esra sees itself lead" 30 leads node2
assert_contains "$(get node1 /metrics)" 'esra_is_leader 0' "node1's esra no longer leads"
register_stale GBS-CMS stale-252:gbs-cms:8080 "$(net_ip 252)" 600
wait_for "deregistered by the new leader" 60 gone stale-252:gbs-cms:8080
wait_for "node2's audit log: the deregistration" 10 acted node2 stale-252:gbs-cms:8080
acted node1 stale-252:gbs-cms:8080 && fail "node1 acted after losing the leadership"
assert_eq 1 "$(grep -c '"result":"done"' "$(audit_file node1)")" "node1's audit log: still its one action"
new_ip=$(dk node2 inspect -f '{{(index .NetworkSettings.Networks "gbsnet").IPAddress}}' "$(esra_cont node2)")
assert_eq "DELETE /eureka/apps/GBS-CMS/stale-252:gbs-cms:8080 200 $new_ip" \
  "$(emu_ctl GET requests | json_get - "j.requests.filter(r => r.method !== 'GET' && /^esra\\//.test(r.headers['user-agent'] || '') && /stale-252/.test(r.path)).map(r => r.method + ' ' + decodeURIComponent(r.path) + ' ' + r.status + ' ' + String(r.remote).replace(/^::ffff:/, '')).join('\\n')")" \
  "one write, from node2's esra"

# ---- back as it was: node1 leads; the stack goes
"$SWARM_SH" promote "$SWARM_DIR" node1
"$SWARM_SH" demote "$SWARM_DIR" node2
dk node1 stack rm esra >/dev/null
it_finish
