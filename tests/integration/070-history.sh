#!/usr/bin/env bash
# 070-history: who owned that address, and since when. A task is replaced (service update
# --force) so its address is held by no live task; an instance registered with that address
# is a stale_instance whose evidence names the dead task, its service, node and end state
# (Docker's task history), and `esra explain ADDRESS` says the same in text and JSON (exit 2).
# esra's memory (state.dir): restarted `esra watch` keeps a finding's first_seen; an address
# whose owner went away from Docker altogether (its service removed) is attributed to it from
# the state file, the end time from Docker's events (a removed container's exit code too). A
# state file on a full disk is a warning and changes nothing in what is
# written to the registry. `esra explain` of the incident's extra gbs-cms address names
# ghost's VIP, its 0 live tasks and the task that lingers.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
base_setup
emu_start --quiet

# ---- a task replaced: its address held by no live task
svc_create --name billing --replicas 1 --network gbsnet esra/bb sleep 1000000
wait_for "billing: task running" 90 _count_is 1 running_tasks billing
OLD_IP=$(task_ips billing | tr -d ' ')
OLD_TASK=$(dk node1 service ps -q --filter desired-state=running billing | head -n 1)
OLD_NODE=$(dk node1 node inspect -f '{{.Description.Hostname}}' \
  "$(dk node1 inspect --type task -f '{{.NodeID}}' "$OLD_TASK")")
log "billing: task $OLD_TASK on $OLD_NODE at $OLD_IP"
dk node1 service update -d --force billing >/dev/null
old_ended() { [ "$(dk node1 inspect --type task -f '{{.Status.State}}' "$OLD_TASK")" = shutdown ]; }
wait_for "the old billing task shut down" 90 old_ended
wait_for "billing: new task running" 90 _count_is 1 running_tasks billing
NEW_IP=$(task_ips billing | tr -d ' ')
assert_ne "$OLD_IP" "$NEW_IP" "the new task has another address"
register_stale BILLING billing-old:billing:8080 "$OLD_IP" 600

STATE=$IT_TMP/state
mkdir -p "$STATE"
esra_conf "$IT_TMP/esra.conf" node1 "policy = { grace_seconds = 0; };" "state = { dir = \"$STATE\"; };"
esra_run "$IT_TMP/esra.conf" check --format json
f=$(finding stale_instance instance_id=billing-old:billing:8080)
[ "$f" != null ] || fail "no stale_instance for the dead task's address: $ESRA_OUT"
ev=$(json_get "$f" 'j.evidence.join("\n")')
assert_contains "$ev" "$OLD_IP was task billing.1 (${OLD_TASK:0:12}, $OLD_NODE, shutdown " \
  "evidence: the dead task, its node and end state"
assert_contains "$ev" ") of service billing" "evidence: its service"
h=$(json_get "$f" "JSON.stringify(j.history['$OLD_IP'][0])")
assert_eq "task billing.1 billing $OLD_NODE shutdown docker false" \
  "$(json_get "$h" '[j.kind, j.name, j.service, j.node, j.state, j.source, j.holds_now].join(" ")')" \
  "JSON history of $OLD_IP"
assert_eq true "$(json_get "$h" '/Z$/.test(j.from) && /Z$/.test(j.until)')" "history: from and until"
assert_eq true "$(json_get "$f" '/Z$/.test(j.first_seen)')" "first_seen set (state.dir given)"
[ -s "$STATE/state.json" ] || fail "no state file written"
assert_eq esra-state "$(json_get "$(cat "$STATE/state.json")" 'j.format')" "state file format"

# ---- esra explain: the same in text and JSON, exit 2 (part of a finding)
esra_run "$IT_TMP/esra.conf" explain "$OLD_IP"
assert_eq 2 "$ESRA_RC" "explain of the stale address exits 2"
assert_contains "$ESRA_OUT" "before: was task billing.1 (${OLD_TASK:0:12}, $OLD_NODE, shutdown" \
  "explain text: the dead task"
assert_contains "$ESRA_OUT" "now: no service, task or container holds it" "explain text: nothing holds it now"
assert_contains "$ESRA_OUT" "eureka: BILLING/billing-old:billing:8080" "explain text: the instance using it"
assert_contains "$ESRA_OUT" "finding: critical stale_instance" "explain text: the finding"
esra_run "$IT_TMP/esra.conf" explain --format json "$OLD_IP"
assert_eq 2 "$ESRA_RC" "explain --format json exits 2"
assert_eq "task billing.1 billing $OLD_NODE shutdown" \
  "$(json_get "$ESRA_OUT" 'const h = j.subjects[0].history[0]; [h.kind, h.name, h.service, h.node, h.state].join(" ")')" \
  "explain JSON: the dead task"
assert_eq "0 true" "$(json_get "$ESRA_OUT" '[j.subjects[0].holders_now.length, j.subjects[0].in_finding].join(" ")')" \
  "explain JSON: no holder now, in a finding"
# a live address is known and clean: exit 0
esra_run "$IT_TMP/esra.conf" explain --format json "$NEW_IP"
assert_eq 0 "$ESRA_RC" "explain of a live task's address exits 0"
assert_eq "task billing.1 true" \
  "$(json_get "$ESRA_OUT" 'const h = j.subjects[0].holders_now[0]; [h.kind, h.name, h.holds_now].join(" ")')" \
  "explain JSON: the live task holds it"
# a name: its answers and their holders
esra_run "$IT_TMP/esra.conf" explain billing
assert_contains "$ESRA_OUT" "swarm: service billing" "explain NAME: the service"
assert_contains "$ESRA_OUT" "dns tasks.billing on node1: ok $NEW_IP" "explain NAME: tasks.billing answers the new task"
assert_eq 2 "$ESRA_RC" "explain billing: its app has a stale instance"

# ---- watch with the same state dir: first_seen survives a restart
first=$(json_get "$f" 'j.first_seen')
svc_create --name vanish --replicas 1 --network gbsnet esra/bb sleep 1000000
wait_for "vanish: task running" 90 _count_is 1 running_tasks vanish
VANISH_IP=$(task_ips vanish | tr -d ' ')
VANISH_VIP=$(service_vip vanish)
dk node1 run -d -q --name tmpc --network gbsnet esra/bb sleep 1000000 >/dev/null
TMPC_IP=$(dk node1 inspect -f '{{(index .NetworkSettings.Networks "gbsnet").IPAddress}}' tmpc)
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PORT=$(free_port)
esra_conf "$IT_TMP/watch.conf" node1 "policy = { grace_seconds = 0; };" "state = { dir = \"$STATE\"; };" \
  "watch = { interval_seconds = 1; listen = \"127.0.0.1:$PORT\"; };"
get() { curl -sS --max-time 5 "http://127.0.0.1:$PORT$1"; }
remembered() { grep -q "\"$VANISH_IP\"" "$STATE/state.json" && grep -q "\"$TMPC_IP\"" "$STATE/state.json"; }
watch_run() {
  "$ESRA" watch -c "$IT_TMP/watch.conf" 2>>"$IT_TMP/watch.err" &
  WATCH=$!
  IT_BG_PIDS+=("$WATCH")
}
watch_stop() { kill -TERM "$WATCH"; wait "$WATCH" || true; }
watch_run
wait_for "watch remembers vanish's task" 30 remembered
s=$(get /status)
assert_eq "$first" "$(json_get "$s" "j.findings.filter(f => f.instance_id === 'billing-old:billing:8080')[0].first_seen")" \
  "watch: the finding keeps its first_seen from the check before"
watch_stop

# vanish and tmpc go away from Docker altogether; an instance registered on vanish's old
# task address
dk node1 service rm vanish >/dev/null
dk node1 rm -f tmpc >/dev/null
no_task() { ! curl -s --unix-socket "$SWARM_DIR/node1/docker.sock" http://d/tasks | grep -q "\"$VANISH_IP/"; }
wait_for "Docker no longer shows vanish's task" 60 no_task
register_stale GBS-USER vanish-old:gbs-user:8080 "$VANISH_IP" 600
watch_run
has_vanish() { get /status | grep -q 'vanish-old'; }
wait_for "watch reports the instance on vanish's address" 30 has_vanish
s=$(get /status)
v=$(json_get "$s" "JSON.stringify(j.findings.filter(f => f.instance_id === 'vanish-old:gbs-user:8080')[0])")
assert_eq stale_instance "$(json_get "$v" 'j.kind')" "the instance on a vanished address is stale"
assert_contains "$(json_get "$v" 'j.evidence.join("\n")')" "$VANISH_IP was task vanish.1 (" \
  "evidence from the state file names the vanished task"
assert_contains "$(json_get "$v" 'j.evidence.join("\n")')" "when the service was removed (seen by esra; the end from Docker's events)" \
  "the holder from esra's memory, its end from Docker's events"
assert_eq "task vanish.1 vanish state" \
  "$(json_get "$v" "const h = j.history['$VANISH_IP'][0]; [h.kind, h.name, h.service, h.source].join(' ')")" \
  "JSON history: source state"
assert_eq "$first" "$(json_get "$s" "j.findings.filter(f => f.instance_id === 'billing-old:billing:8080')[0].first_seen")" \
  "restarted watch: first_seen kept"
assert_eq events "$(json_get "$v" "j.history['$VANISH_IP'][0].until_from")" "JSON history: the end from events"
m=$(get /metrics)
assert_contains "$m" "esra_finding_first_seen_timestamp_seconds{id=\"stale_instance:BILLING/billing-old:billing:8080\",kind=\"stale_instance\"}" \
  "/metrics: the finding's first_seen"
watch_stop

# explain: a removed service's VIP and a removed container, from memory and events
esra_run "$IT_TMP/esra.conf" explain "$VANISH_VIP" "$TMPC_IP"
assert_contains "$ESRA_OUT" "before: was the VIP of service vanish until " "explain: the removed service's VIP"
assert_contains "$ESRA_OUT" "before: was container tmpc (" "explain: the removed container"
assert_contains "$ESRA_OUT" "exit code 137) until " "explain: the container's exit code (its die event)"
assert_eq 0 "$ESRA_RC" "explain of two clean addresses: exit 0"

# ---- a corrupt state file: a warning and a fresh start, never a failure
printf '{"format": "esra-state", "version": 1, "owners": [ {"ip": "10.0.' >"$STATE/state.json"
esra_run "$IT_TMP/esra.conf" check --format json
assert_eq 2 "$ESRA_RC" "a corrupt state file: the check still runs (critical as before)"
assert_contains "$(json_get "$ESRA_OUT" 'j.warnings.join()')" "is not valid JSON (corrupt or truncated): starting with no memory" \
  "a corrupt state file is a warning"

# ---- a full disk for the state file: a warning; the registry sees the same writes
AUDIT=$IT_TMP/audit.log
esra_conf "$IT_TMP/full.conf" node1 "policy = { mode = \"deregister\"; grace_seconds = 0; max_fraction_per_app = 1.0; max_fraction_registry = 1.0; allow_empty_app = true; audit_log = \"$AUDIT\"; };" \
  "state = { dir = \"$IT_TMP/full\"; };"
mkdir -p "$IT_TMP/full"
emu_ctl DELETE requests >/dev/null
set +e
# shellcheck disable=SC2016 # the inner script expands its own arguments
unshare -m --propagation private sh -c '
  mount -t tmpfs -o size=4k tmpfs "$1" && dd if=/dev/zero of="$1/fill" bs=1k count=16 2>/dev/null
  exec "$2" check --apply --format json -c "$3"' sh "$IT_TMP/full" "$ESRA" "$IT_TMP/full.conf" \
  >"$IT_TMP/full.out" 2>"$IT_TMP/full.err"
set -e
out=$(cat "$IT_TMP/full.out")
assert_contains "$(json_get "$out" 'j.warnings.join()')" "No space left on device" "full disk: a warning"
writes=$(esra_writes | sort)
assert_eq "$(printf 'DELETE /eureka/apps/BILLING/billing-old:billing:8080 200\nDELETE /eureka/apps/GBS-USER/vanish-old:gbs-user:8080 200')" \
  "$writes" "full disk: exactly the stale instances deregistered, nothing else"

# ---- the seed's question: what is the extra address of gbs-cms?
incident_setup
esra_run "$IT_TMP/esra.conf" explain "$GHOST_VIP"
assert_eq 2 "$ESRA_RC" "explain of ghost's VIP: part of the poisoned name"
assert_contains "$ESRA_OUT" "now: is the VIP of service ghost, 0 live tasks behind it" "explain: the VIP's owner"
assert_contains "$ESRA_OUT" "still runs while swarm wants it" "explain: the lingering task behind it"
assert_contains "$ESRA_OUT" "resolves from gbs-cms on node node1" "explain: the name it poisons"

it_finish
