#!/usr/bin/env bash
# 002-emulator-js-client: the Eureka emulator against the real eureka-js-client. Registration,
# heartbeats, re-registration after an operator DELETE, a sticky OUT_OF_SERVICE override,
# deregistration on SIGTERM; XML and JSON payloads, apps__hashcode, delta, cache, eviction,
# the 403 window, injected faults, --auth, --legacy-json, and two independent emulators.
# Needs no swarm and no esra binary.
# shellcheck source=tests/integration/common.sh disable=SC2317,SC2016,SC2119  # helpers run through wait_for; literal $ in XML
source "$(dirname "$0")/common.sh"

ID=gbs-cms-1
inst() { emu_get "apps/GBS-CMS/$ID" -H 'Accept: application/json'; }
code() { emu_get "$@" -o /dev/null -w '%{http_code}'; }
renewed() { json_get "$(inst)" 'j.instance.leaseInfo.lastRenewalTimestamp'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ------------------------------------------------------------------ plain emulator, real client
emu_start --quiet
jsclient_start --app gbs-cms --ip 10.0.1.5 --instance-id "$ID" --interval 1000
j=$(inst)
assert_eq "UP" "$(json_get "$j" 'j.instance.status')" "js-client registered: UP"
assert_eq "10.0.1.5" "$(json_get "$j" 'j.instance.ipAddr')" "with its ipAddr"
assert_eq "8080" "$(json_get "$j" 'j.instance.port.$')" "port as {\"\$\":8080}"
assert_eq "true" "$(json_get "$j" 'j.instance.port["@enabled"]')" "port @enabled"
assert_eq "MyOwn" "$(json_get "$j" 'j.instance.dataCenterInfo.name')" "dataCenterInfo MyOwn"
assert_eq "number" "$(json_get "$j" 'typeof j.instance.leaseInfo.registrationTimestamp')" "lease timestamps are numbers"
assert_eq "string" "$(json_get "$j" 'typeof j.instance.lastDirtyTimestamp')" "lastDirtyTimestamp is a string"
assert_eq "UNKNOWN" "$(json_get "$j" 'j.instance.overriddenStatus')" "no override yet"

r1=$(renewed)
adv() { [ "$(renewed)" -gt "$r1" ]; }
wait_for "lastRenewalTimestamp advanced" 10 adv
pass "heartbeats advance lastRenewalTimestamp"

# XML (the default) and JSON views are well-formed and agree.
emu_get apps >"$IT_TMP/apps.xml"
xmllint --noout "$IT_TMP/apps.xml" || fail "apps XML is not well-formed"
pass "GET apps: XML well-formed"
assert_contains "$(cat "$IT_TMP/apps.xml")" "<ipAddr>10.0.1.5</ipAddr>" "XML holds the ipAddr"
assert_contains "$(cat "$IT_TMP/apps.xml")" '<port enabled="true">8080</port>' "XML port with enabled attribute"
emu_get "apps/GBS-CMS/$ID" | xmllint --noout - || fail "instance XML is not well-formed"
pass "GET apps/APP/ID: XML well-formed"
emu_get apps/GBS-CMS | xmllint --noout - || fail "application XML is not well-formed"
pass "GET apps/APP: XML well-formed"
j=$(emu_get apps -H 'Accept: application/json')
assert_eq "10.0.1.5" "$(json_get "$j" 'j.applications.application[0].instance[0].ipAddr')" "GET apps: JSON parses"

# apps__hashcode: every instance counted by status, statuses sorted by name.
emu_ctl POST instances '{"instances":[
  {"app":"GBS-USER","instanceId":"u1","hostName":"u1","ipAddr":"10.0.1.20","status":"UP","dataCenterInfo":{"name":"MyOwn"}},
  {"app":"GBS-USER","instanceId":"u2","hostName":"u2","ipAddr":"10.0.1.21","status":"DOWN","dataCenterInfo":{"name":"MyOwn"}},
  {"app":"GATEWAY","instanceId":"g1","hostName":"g1","ipAddr":"10.0.1.30","status":"UP","dataCenterInfo":{"name":"MyOwn"}}]}' >/dev/null
assert_eq "DOWN_1_UP_3_" "$(json_get "$(emu_get apps -H 'Accept: application/json')" 'j.applications.apps__hashcode')" "apps__hashcode DOWN_1_UP_3_ (JSON)"
emu_get apps >"$IT_TMP/apps.xml"
assert_eq "DOWN_1_UP_3_" "$(xmllint --xpath 'string(/applications/apps__hashcode)' "$IT_TMP/apps.xml")" "apps__hashcode in XML"
assert_eq "3" "$(xmllint --xpath 'count(/applications/application)' "$IT_TMP/apps.xml")" "three applications in XML"

# An operator DELETE of a live instance does not stick: the client re-registers on the 404.
emu_ctl DELETE requests >/dev/null
assert_eq "200" "$(emu_get "apps/GBS-CMS/$ID" -X DELETE -o /dev/null -w '%{http_code}')" "operator DELETE: 200"
back() { [ "$(code "apps/GBS-CMS/$ID")" = 200 ]; }
wait_for "the client re-registered" 10 back
log_j=$(emu_ctl GET requests)
seq=$(json_get "$log_j" 'j.requests.filter(r => r.method === "PUT" && r.status === 404).length')
[ "$seq" -ge 1 ] || fail "no heartbeat got 404: $log_j"
pass "the next heartbeat got 404"
assert_eq "204" "$(json_get "$log_j" '(() => { const i = j.requests.findIndex(r => r.method === "PUT" && r.status === 404); return j.requests.slice(i).find(r => r.method === "POST").status; })()')" \
  "then the client registered again (POST 204)"

# An OUT_OF_SERVICE override sticks across heartbeats (and its re-registrations).
assert_eq "200" "$(emu_get "apps/GBS-CMS/$ID/status?value=OUT_OF_SERVICE" -X PUT -o /dev/null -w '%{http_code}')" "override OUT_OF_SERVICE: 200"
r1=$(renewed)
wait_for "a heartbeat after the override" 10 adv
r1=$(renewed)
wait_for "a second heartbeat after the override" 10 adv
j=$(inst)
assert_eq "OUT_OF_SERVICE" "$(json_get "$j" 'j.instance.status')" "status stays OUT_OF_SERVICE across heartbeats"
assert_eq "OUT_OF_SERVICE" "$(json_get "$j" 'j.instance.overriddenStatus')" "overriddenStatus OUT_OF_SERVICE"
assert_contains "$(emu_get "apps/GBS-CMS/$ID")" "<overriddenstatus>OUT_OF_SERVICE</overriddenstatus>" "XML overriddenstatus"
assert_eq "404" "$(emu_get "apps/GBS-CMS/nope/status?value=OUT_OF_SERVICE" -X PUT -o /dev/null -w '%{http_code}')" "override of an unknown instance: 404"
assert_eq "200" "$(emu_get "apps/GBS-CMS/$ID/status" -X DELETE -o /dev/null -w '%{http_code}')" "remove the override: 200"
assert_eq "UP" "$(json_get "$(inst)" 'j.instance.status')" "UP again without the override"

# The delta lists the recent changes, and the full registry's hashcode.
j=$(emu_get apps/delta -H 'Accept: application/json')
acts=$(json_get "$j" 'j.applications.application.find(a => a.name === "GBS-CMS").instance.map(i => i.actionType).join(",")')
assert_contains "$acts" "ADDED" "delta: ADDED"
assert_contains "$acts" "DELETED" "delta: DELETED (the operator's cancel)"
assert_contains "$acts" "MODIFIED" "delta: MODIFIED (the override)"
assert_eq "$(json_get "$(emu_get apps -H 'Accept: application/json')" 'j.applications.apps__hashcode')" \
  "$(json_get "$j" 'j.applications.apps__hashcode')" "delta carries the full registry's hashcode"
emu_get apps/delta | xmllint --noout - || fail "delta XML is not well-formed"
pass "delta XML well-formed"

# Unknown instances: renew and cancel answer 404.
assert_eq "404" "$(emu_get apps/GBS-CMS/nope -X PUT -o /dev/null -w '%{http_code}')" "renew unknown: 404"
assert_eq "404" "$(emu_get apps/GBS-CMS/nope -X DELETE -o /dev/null -w '%{http_code}')" "cancel unknown: 404"

# Registration with an XML body; replication header logged.
assert_eq "204" "$(emu_get apps/GBS-CMS -X POST -H 'Content-Type: application/xml' -H 'x-netflix-discovery-replication: true' \
  --data-binary '<instance><instanceId>x1</instanceId><hostName>x1</hostName><app>GBS-CMS</app><ipAddr>10.0.1.40</ipAddr><status>UP</status><port enabled="true">8080</port><dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"><name>MyOwn</name></dataCenterInfo></instance>' \
  -o /dev/null -w '%{http_code}')" "register with an XML body: 204"
assert_eq "10.0.1.40" "$(json_get "$(emu_get apps/GBS-CMS/x1 -H 'Accept: application/json')" 'j.instance.ipAddr')" "XML-registered instance is served"
assert_eq "true" "$(json_get "$(emu_ctl GET requests)" 'j.requests.filter(r => r.method === "POST").pop().headers["x-netflix-discovery-replication"]')" \
  "request log keeps x-netflix-discovery-replication"

# The 403 window: list reads refused, the uncached instance read still served.
emu_ctl POST not-ready '{"ms":1500}' >/dev/null
assert_eq "403" "$(code apps)" "not ready: GET apps 403"
assert_eq "403" "$(code apps/delta)" "not ready: GET apps/delta 403"
assert_eq "200" "$(code "apps/GBS-CMS/$ID")" "not ready: GET apps/APP/ID still 200"
ready() { [ "$(code apps)" = 200 ]; }
wait_for "the 403 window ends" 10 ready

# Injected faults: a 500 once, a closed connection, a delay (only for curl: the js-client
# still polls GET apps/ meanwhile).
emu_ctl POST fault '{"method":"GET","path":"/apps/?$","headers":{"user-agent":"^curl"},"count":1,"status":500}' >/dev/null
assert_eq "500" "$(code apps)" "injected 500 observed"
assert_eq "200" "$(code apps)" "the fault was used up (count 1)"
emu_ctl POST fault '{"path":"/apps/delta$","headers":{"user-agent":"^curl"},"status":"close"}' >/dev/null
rc=0
emu_get apps/delta -o /dev/null 2>/dev/null || rc=$?
assert_eq "52" "$rc" "injected close: curl gets an empty reply"
emu_ctl POST fault '{"path":"/apps/?$","headers":{"user-agent":"^curl"},"delay_ms":700}' >/dev/null
t0=$(now_ms)
assert_eq "200" "$(code apps)" "delayed answer still 200"
[ $(($(now_ms) - t0)) -ge 650 ] || fail "delay_ms not applied"
pass "injected delay observed"
assert_eq "1" "$(json_get "$(emu_ctl GET requests)" 'j.requests.filter(r => r.status === 500).length')" "the 500 is in the request log"

# SIGTERM: the client deregisters.
jsclient_stop || fail "js-client exited non-zero"
assert_eq "404" "$(code "apps/GBS-CMS/$ID")" "SIGTERM deregistered the instance"
assert_contains "$(cat "$JSCLIENT_LOG")" '"event":"deregistered"' "the client saw its deregistration"

# Leases: without --evict a stale lease stays; with it, it goes.
old=$(($(now_ms) - 600000))
stale='{"instances":[{"app":"GBS-CMS","instanceId":"stale","hostName":"stale","ipAddr":"10.0.1.99","status":"UP","dataCenterInfo":{"name":"MyOwn"},
  "leaseInfo":{"durationInSecs":90,"registrationTimestamp":'$old',"lastRenewalTimestamp":'$old'}}]}'
emu_ctl PUT instances "$stale" >/dev/null
assert_eq "$old" "$(json_get "$(emu_get apps/GBS-CMS/stale -H 'Accept: application/json')" 'j.instance.leaseInfo.lastRenewalTimestamp')" \
  "PUT /_emu/instances keeps an explicit (aged) lease"
sleep 1.2
assert_eq "200" "$(code apps/GBS-CMS/stale)" "without --evict a stale lease stays"
assert_eq "404" "$(code apps/GATEWAY)" "PUT /_emu/instances replaced the registry"
p_plain=$EMU_PORT

emu_start --quiet --evict
emu_ctl PUT instances "$stale" >/dev/null
gone() { [ "$(code apps/GBS-CMS/stale)" = 404 ]; }
wait_for "--evict expires the stale lease" 5 gone
assert_contains "$(emu_get apps/delta -H 'Accept: application/json')" '"actionType":"DELETED"' "eviction shows in the delta"

# --cache-ms: list endpoints may be stale, the instance read is not.
emu_start --quiet --cache-ms 4000
assert_eq "" "$(json_get "$(emu_get apps -H 'Accept: application/json')" 'j.applications.apps__hashcode')" "empty registry"
JSCLIENT_NOWAIT=1 jsclient_start --app gbs-cms --ip 10.0.1.6 --instance-id c1 --interval 1000
reg() { [ "$(code apps/GBS-CMS/c1)" = 200 ]; }
wait_for "registered (uncached read)" 10 reg
assert_eq "" "$(json_get "$(emu_get apps -H 'Accept: application/json')" 'j.applications.apps__hashcode')" "GET apps still served from the cache"
fresh() { [ "$(json_get "$(emu_get apps -H 'Accept: application/json')" 'j.applications.apps__hashcode')" = UP_1_ ]; }
wait_for "the cache expires" 8 fresh
jsclient_stop

# Two emulators are independent.
assert_eq "404" "$(code -p "$p_plain" apps/GBS-CMS/c1)" "an instance on one emulator is not on another"

# --auth: 401 without credentials; the real client authenticates.
emu_start --quiet --auth esra:s3cret
assert_eq "401" "$(code apps)" "--auth: 401 without credentials"
assert_eq "401" "$(code apps -u esra:wrong)" "--auth: 401 with a wrong password"
assert_eq "200" "$(code apps -u esra:s3cret)" "--auth: 200 with them"
jsclient_start --app gbs-auth --ip 10.0.1.7 --interval 1000 --user esra --password s3cret
assert_eq "200" "$(code apps/GBS-AUTH/10.0.1.7:gbs-auth:8080 -u esra:s3cret)" "js-client registered through basic auth"
jsclient_stop

# --legacy-json: one-element arrays collapsed, numbers as strings; the real client copes.
emu_start --quiet --legacy-json
jsclient_start --app gbs-old --ip 10.0.1.8 --instance-id o1 --interval 1000
wait_for "js-client read the legacy registry" 10 grep -q '"event":"registry","apps":\["GBS-OLD"\],"instances":1' "$JSCLIENT_LOG"
j=$(emu_get apps -H 'Accept: application/json')
assert_eq "false" "$(json_get "$j" 'Array.isArray(j.applications.application)')" "legacy: application collapsed to an object"
assert_eq "false" "$(json_get "$j" 'Array.isArray(j.applications.application.instance)')" "legacy: instance collapsed to an object"
assert_eq "string" "$(json_get "$j" 'typeof j.applications.application.instance.port.$')" "legacy: port as a string"
assert_eq "string" "$(json_get "$j" 'typeof j.applications.application.instance.leaseInfo.durationInSecs')" "legacy: numbers as strings"
assert_eq "UNKNOWN" "$(json_get "$j" 'j.applications.application.instance.overriddenstatus')" "legacy: lower-case overriddenstatus"
jsclient_stop

it_finish
