#!/usr/bin/env bash
# 049-docker-get-only: the Docker API sees only GETs from esra, even while esra acts. esra
# reaches node1's docker socket through a pass-through proxy that logs every request
# (tests/emulator/docker-logproxy.js); on the incident, `esra check`, `esra check --apply`
# (which deregisters the stale instance in Eureka) and `esra preflight` all read Docker, and
# every request in the log is a GET. The proxy does log other methods: a POST sent through it
# by hand is in the log (and the daemon answered it). And the socket itself restricts nothing:
# through a read-only bind mount of it, a POST creates a volume.
# shellcheck source=tests/integration/common.sh disable=SC2317
source "$(dirname "$0")/common.sh"
# shellcheck source=tests/integration/lib-esra.sh
source "$(dirname "$0")/lib-esra.sh"
need_esra

swarm_up
incident_setup
emu_start --quiet
for ip in $(task_ips gbs-cms); do
  jsclient_start --app gbs-cms --ip "$ip" --instance-id "live-$ip:gbs-cms:8080" --interval 1000
done
STALE=old-gbs-cms:gbs-cms:8080
register_stale GBS-CMS "$STALE" "$(net_ip 250)" 600

PROXY=$IT_TMP/proxy.sock
PLOG=$IT_TMP/docker-requests.log
: >"$PLOG"
bg_start node "$IT_ROOT/tests/emulator/docker-logproxy.js" "$PROXY" "$SWARM_DIR/node1/docker.sock" "$PLOG" \
  >"$IT_TMP/proxy.out" 2>"$IT_TMP/proxy.err"
wait_for "docker-logproxy listening" 20 grep -q listening "$IT_TMP/proxy.out"

esra_conf "$IT_TMP/esra.conf" node1 "policy = { grace_seconds = 0; };"
sed -i "s|^docker = .*|docker = { host = \"unix://$PROXY\"; timeout_ms = 10000; };|" "$IT_TMP/esra.conf"
grep -q "unix://$PROXY" "$IT_TMP/esra.conf" || fail "the config does not point at the proxy"

esra_run "$IT_TMP/esra.conf" check --format json
assert_eq true "$(json_get "$ESRA_OUT" 'j.sources.docker.ok')" "check: Docker read through the proxy"
assert_ne null "$(finding poisoned_name name=gbs-cms)" "check: the incident is seen through the proxy"
esra_run "$IT_TMP/esra.conf" check --format json --apply
assert_eq "done" "$(json_get "$(action instance_id=$STALE)" 'j.result')" \
  "check --apply: the stale instance is deregistered"
assert_eq "DELETE /eureka/apps/GBS-CMS/$STALE 200" "$(esra_writes)" "esra's one write went to Eureka"
esra_run "$IT_TMP/esra.conf" preflight --format json gbs-cms
assert_eq true "$(json_get "$ESRA_OUT" 'j.sources.docker.ok')" "preflight: Docker read through the proxy"

log "esra's Docker requests: $(wc -l <"$PLOG")"
for p in "GET /version " "GET /v1.41/info " "GET /v1.41/tasks " "GET /v1.41/services?status=true " \
  "GET /v1.41/networks " "GET /v1.41/containers/json " "GET /v1.41/containers/gateway/json "; do
  assert_contains "$(cat "$PLOG")" "$p" "esra read ${p#GET }through the proxy"
done
assert_eq "" "$(grep -v '^GET ' "$PLOG" || true)" "every request esra sent to the Docker API is a GET"

# the proxy would have shown anything else: a POST by hand is logged, and the daemon takes it
code=$(curl -sS -o /dev/null -w '%{http_code}' --unix-socket "$PROXY" -X POST \
  http://localhost/v1.41/containers/esra-no-such-container/stop)
assert_eq 404 "$code" "a POST through the socket reaches the daemon (404: no such container)"
assert_contains "$(cat "$PLOG")" "POST /v1.41/containers/esra-no-such-container/stop 404" "the proxy logs a POST"

# what the README says: a read-only bind mount of the socket restricts nothing. The socket is
# bind-mounted read-only (what docker does for read_only: true) in a mount namespace of its own,
# and a POST through it creates a volume.
RO=$IT_TMP/ro
mkdir -p "$RO"
: >"$RO/docker.sock"
code=$(unshare -m --propagation private sh -c "
  mount --bind '$SWARM_DIR/node1/docker.sock' '$RO/docker.sock' &&
  mount -o remount,ro,bind '$RO/docker.sock' &&
  grep -q ' $RO/docker.sock ro,' /proc/self/mountinfo &&
  curl -sS -o /dev/null -w '%{http_code}' --unix-socket '$RO/docker.sock' -X POST \
    -H 'Content-Type: application/json' -d '{\"Name\":\"esra-it-ro-proof\"}' \
    http://localhost/v1.41/volumes/create") || fail "could not POST through a read-only bind mount"
assert_eq 201 "$code" "a POST through a read-only bind mount of the socket is answered 201"
assert_eq esra-it-ro-proof "$(dk node1 volume ls -q --filter name=esra-it-ro-proof)" "... and the volume exists"
dk node1 volume rm esra-it-ro-proof >/dev/null

it_finish
