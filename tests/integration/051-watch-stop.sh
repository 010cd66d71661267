#!/usr/bin/env bash
# 051-watch-stop: SIGTERM ends `esra watch` promptly even mid-cycle. With gbs-cms's live tasks
# registered by the real eureka-js-client, a first cycle deregisters a stale instance (two
# audit lines); then every Eureka read of esra's is held 8 s by the
# emulator (a cycle would take that long) and a second stale instance is registered. SIGTERM
# arrives while the read is held: watch exits within 2.5 s (generous for 2 shared cores; the
# promise is 1 s), says the cycle was stopped, sends nothing more (the second instance stays),
# and the audit log holds only whole JSON lines. Then the same while DNS is asked: a DNS server
# (esra-fakedns) holding every answer 8 s.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
base_setup
emu_start --quiet
for ip in $(task_ips gbs-cms); do
  jsclient_start --app gbs-cms --ip "$ip" --instance-id "live-$ip:gbs-cms:8080" --interval 1000
done
register_stale GBS-CMS stale-250:gbs-cms:8080 "$(net_ip 250)" 600
AUDIT=$IT_TMP/audit.log
{
  echo "eureka = { urls = [ \"$EMU_URL\" ]; timeout_ms = 20000; };"
  echo "docker = { host = \"$(node_sock node1)\"; timeout_ms = 10000; };"
  echo "dns = { netns = \"container:gateway\"; timeout_ms = 1000; attempts = 2; };"
  echo "policy = { mode = \"deregister\"; grace_seconds = 0; confirm_cycles = 1; audit_log = \"$AUDIT\"; };"
  echo 'watch = { interval_seconds = 1; listen = ""; };'
  echo 'log = { level = "debug"; };'
} >"$IT_TMP/esra.conf"

"$ESRA" watch -c "$IT_TMP/esra.conf" 2>"$IT_TMP/watch.err" &
WATCH=$!
IT_BG_PIDS+=("$WATCH")
gone() { [ "$(present GBS-CMS stale-250:gbs-cms:8080)" = 404 ]; }
wait_for "the first stale instance deregistered" 30 gone
wait_for "its two audit lines" 10 _lines_is 2 cat "$AUDIT"

# hold every Eureka read of esra's for 8 s, then a second stale instance
emu_ctl POST fault '{"method":"GET","path":"/apps","headers":{"user-agent":"^esra"},"count":0,"delay_ms":8000}' >/dev/null
register_stale GBS-CMS stale-249:gbs-cms:8080 "$(net_ip 249)" 600
held() {
  json_get "$(emu_ctl GET faults)" 'j.faults.length > 0 && j.faults[0].hits > 0 ? "yes" : "no"' | grep -qx yes
}
wait_for "a cycle's read is held by the emulator" 20 held
sleep 0.5
t0=$(now_ms)
kill -TERM "$WATCH"
rc=0
wait "$WATCH" || rc=$?
dt=$(($(now_ms) - t0))
[ "$dt" -le 2500 ] || fail "SIGTERM mid-cycle took ${dt} ms"
pass "SIGTERM mid-cycle stopped watch in ${dt} ms (exit $rc)"
assert_eq 0 "$rc" "watch exits 0 on SIGTERM"
assert_contains "$(cat "$IT_TMP/watch.err")" "cycle stopped" "the log says the cycle was stopped"
assert_contains "$(tail -n 1 "$IT_TMP/watch.err")" "stopped" "the last log line is the stop"

emu_ctl DELETE fault >/dev/null
assert_eq 200 "$(present GBS-CMS stale-249:gbs-cms:8080)" "nothing was sent after the stop"
assert_eq 2 "$(grep -c . "$AUDIT")" "no audit line after the stop"
[ -z "$(tail -c 1 "$AUDIT")" ] || fail "the audit log does not end with a newline"
bad=$(node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l);
  console.log(lines.filter((l) => { try { JSON.parse(l); return false; } catch (e) { return true; } }).length);
' "$AUDIT")
assert_eq 0 "$bad" "every audit line is whole JSON"

# the same mid-DNS: a DNS server that holds every answer 8 s (the DNS loop must notice)
FAKEDNS=$(dirname "$ESRA")/tests/harness/esra-fakedns
[ -x "$FAKEDNS" ] || fail "no $FAKEDNS"
bg_start "$FAKEDNS" -d 8000 >"$IT_TMP/dns.port"
DNSPID=$BG_PID
wait_for "the slow DNS server" 10 grep -q '^port ' "$IT_TMP/dns.port"
DNSPORT=$(awk '/^port / { print $2; exit }' "$IT_TMP/dns.port")
[ -n "$DNSPORT" ] || fail "the slow DNS server has no port"
sed -e 's|^dns = .*|dns = { server = "127.0.0.1"; port = '"$DNSPORT"'; timeout_ms = 8000; attempts = 1; };|' \
  -e 's|^eureka = .*|eureka = { urls = [ "'"$EMU_URL"'" ]; timeout_ms = 5000; };|' \
  "$IT_TMP/esra.conf" >"$IT_TMP/dns.conf"
"$ESRA" watch -c "$IT_TMP/dns.conf" 2>"$IT_TMP/dnswatch.err" &
WATCH=$!
IT_BG_PIDS+=("$WATCH")
asked() { # the held server has been asked (SIGUSR1: it prints its counts)
  kill -USR1 "$DNSPID"
  sleep 0.1
  tail -n 1 "$IT_TMP/dns.port" | grep -q '^udp=[1-9]'
}
wait_for "the first cycle asks DNS" 20 asked
sleep 0.5
t0=$(now_ms)
kill -TERM "$WATCH"
rc=0
wait "$WATCH" || rc=$?
dt=$(($(now_ms) - t0))
[ "$dt" -le 2500 ] || fail "SIGTERM mid-DNS took ${dt} ms"
pass "SIGTERM mid-DNS stopped watch in ${dt} ms (exit $rc)"
assert_contains "$(cat "$IT_TMP/dnswatch.err")" "cycle stopped" "the log says the cycle was stopped"
assert_not_contains "$(cat "$IT_TMP/dnswatch.err")" "esra info: cycle:" "no cycle finished"
assert_eq 2 "$(grep -c . "$AUDIT")" "still no audit line after the stop"

it_finish
