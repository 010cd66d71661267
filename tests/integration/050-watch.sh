#!/usr/bin/env bash
# 050-watch: `esra watch` on the manager serves /metrics, /healthz and /status; it acts only on
# a finding confirmed in policy.confirm_cycles consecutive cycles; in steady state it follows
# the registry with GET apps/delta (the apps hashcode matching) instead of full fetches; SIGHUP
# reloads the config; SIGTERM stops it within a second. The same watch on the worker never
# acts (policy.leader_only): it says it is not the leader.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
incident_setup
dk node2 run -d -q --name w2 --network gbsnet esra/bb sleep 1000000 >/dev/null
emu_start --quiet
for ip in $(task_ips gbs-cms); do
  jsclient_start --app gbs-cms --ip "$ip" --instance-id "live-$ip:gbs-cms:8080" --interval 1000
done
register_stale GBS-CMS stale-250:gbs-cms:8080 "$(net_ip 250)" 600
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PORT=$(free_port)
esra_conf "$IT_TMP/esra.conf" node1 "policy = { mode = \"deregister\"; grace_seconds = 0; confirm_cycles = 3; };" \
  "watch = { interval_seconds = 1; listen = \"127.0.0.1:$PORT\"; };" 'log = { level = "debug"; };'
get() { curl -sS --max-time 5 "http://127.0.0.1:$PORT$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT$1"; }

"$ESRA" watch -c "$IT_TMP/esra.conf" 2>"$IT_TMP/watch.err" &
WATCH=$!
IT_BG_PIDS+=("$WATCH")
wait_for "/healthz answers 200" 20 _count_is 200 code /healthz
cycles() { grep -c 'esra info: cycle:' "$IT_TMP/watch.err" || true; }

# cycles 1 and 2: the stale instance is reported, not acted on
wait_for "two cycles" 20 _count_is 2 cycles
assert_eq 200 "$(present GBS-CMS stale-250:gbs-cms:8080)" "not acted on before confirm_cycles"
s=$(get /status)
assert_eq critical "$(json_get "$s" 'j.status')" "/status: the last report"
assert_contains "$(json_get "$s" "j.actions.map(a => a.result + ': ' + a.reason).join()")" \
  "consecutive cycles (policy.confirm_cycles)" "/status: why it waits"
m=$(get /metrics)
assert_contains "$m" 'esra_findings{kind="poisoned_name",severity="critical"} 1' "/metrics: the poisoned name"
assert_contains "$m" 'esra_is_leader 1' "/metrics: leader"
assert_contains "$m" 'esra_source_up{source="eureka"} 1' "/metrics: sources"

# by the third cycle it is confirmed and deregistered
gone() { [ "$(present GBS-CMS stale-250:gbs-cms:8080)" = 404 ]; }
wait_for "deregistered once confirmed" 20 gone
assert_ge3() { [ "$(cycles)" -ge 3 ]; }
assert_ge3 || fail "deregistered before the third cycle"
pass "deregistered in cycle $(cycles)"
wait_for "the metric counts it" 10 grep -q 'esra_actions_total{action="deregister",result="done"} 1' <(get /metrics)
for ip in $(task_ips gbs-cms); do
  assert_eq UP "$(inst_status GBS-CMS "live-$ip:gbs-cms:8080")" "live instance $ip untouched"
done

# steady state: apps/delta, not full fetches
emu_ctl DELETE requests >/dev/null
n=$(cycles)
more() { [ "$(cycles)" -ge $((n + 3)) ]; }
wait_for "three more cycles" 20 more
reqs=$(emu_ctl GET requests)
full=$(json_get "$reqs" "j.requests.filter(r => /^esra/.test(r.headers['user-agent'] || '') && r.method === 'GET' && /\\/apps\\/?\$/.test(r.path)).length")
delta=$(json_get "$reqs" "j.requests.filter(r => /^esra/.test(r.headers['user-agent'] || '') && /\\/apps\\/delta\$/.test(r.path)).length")
[ "$delta" -ge 3 ] || fail "steady state: $delta delta fetches in 3 cycles"
assert_eq 0 "$full" "steady state: no full fetch while the hashcode matches"

# SIGHUP reloads, SIGTERM stops within a second
kill -HUP "$WATCH"
wait_for "reloaded" 10 grep -q 'configuration reloaded' "$IT_TMP/watch.err"
t0=$(now_ms)
kill -TERM "$WATCH"
wait "$WATCH" || true
dt=$(($(now_ms) - t0))
[ "$dt" -le 1500 ] || fail "SIGTERM took ${dt} ms"
pass "SIGTERM stopped it in ${dt} ms"

# the worker never acts
register_stale GBS-CMS stale-249:gbs-cms:8080 "$(net_ip 249)" 600
PORT=$(free_port)
SEAT=w2 esra_conf "$IT_TMP/w.conf" node2 "policy = { mode = \"deregister\"; grace_seconds = 0; confirm_cycles = 1; };" \
  "watch = { interval_seconds = 1; listen = \"127.0.0.1:$PORT\"; };" 'log = { level = "debug"; };'
esra_run "$IT_TMP/w.conf" check --format json
assert_eq worker "$(json_get "$ESRA_OUT" 'j.node.view')" "node2 is a worker"
"$ESRA" watch -c "$IT_TMP/w.conf" 2>"$IT_TMP/wwatch.err" &
W2=$!
IT_BG_PIDS+=("$W2")
wait_for "worker /healthz" 20 _count_is 200 code /healthz
sleep 2.5
assert_eq 200 "$(present GBS-CMS stale-249:gbs-cms:8080)" "the worker did not act"
assert_contains "$(get /metrics)" 'esra_is_leader 0' "worker: not the leader"
kill -TERM "$W2"
wait "$W2" || true

it_finish
