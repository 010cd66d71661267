# shellcheck shell=bash
# shellcheck disable=SC2086  # ID lists are split on purpose
# common.sh: the harness every integration scenario sources (tests/integration/NNN-*.sh).
# It sets `set -euo pipefail`, installs ONE `trap cleanup EXIT INT TERM` that tears down all it
# started (its own swarm unless a shared one is given in ESRA_IT_SWARM_DIR, emulators, js
# clients, background pids, scratch dir), and gives helpers:
#   swarm_up                 start a swarm (or reuse and reset ESRA_IT_SWARM_DIR)
#   dk node1|node2 ARGS...   docker CLI against a node
#   wait_for "desc" SECS CMD...    retry CMD (quietly) every 0.3 s until it succeeds
#   emu_start [--netns PATH] [emulator options]   sets EMU_PORT, EMU_URL, EMU_PID (call directly,
#                            not in $(...)); EMU_URLS/EMU_PORTS list every emulator started;
#                            with --tls-cert it is https://, and the harness's own curl
#                            calls to it use EMU_CURL_TLS (e.g. "--cacert F --cert C --key K")
#   emu_ctl [-p PORT] METHOD PATH [JSON]   the emulator's control API (/_emu/PATH)
#   emu_get [-p PORT] PATH [curl args...]  GET EMU_URL+PATH (the Eureka API), body on stdout
#   jsclient_start [js-client.js args]     sets JSCLIENT_PID (waits for its registration)
#   jsclient_stop [PID]      SIGTERM (it deregisters), wait for it
#   in_container NAME CMD... run a host command inside a container's network namespace
#   in_node node1|node2 CMD...  run a host command in a node's network namespace
#   dns_a NAME [CONTAINER]   sorted A records of NAME from 127.0.0.11 as CONTAINER sees them
#   task_ips SERVICE [NET]   IPs of SERVICE's running tasks on NET (default gbsnet), sorted
#   service_vip SERVICE [NET]  SERVICE's VIP on NET
#   esra_image_build         image esra:test from $ESRA on both nodes (contrib/Dockerfile)
#   incident_setup           the poisoned-name incident (see the function)
#   alias_collision_setup    a live container holding the alias gbs-cms
#   pass/fail/skip/assert_eq/assert_ne/assert_contains/assert_not_contains/json_get/it_finish
# Scenarios run as root, send traffic only to loopback and their own namespaces, and must end
# with `it_finish` (a script that ends otherwise, or is interrupted, fails).
set -euo pipefail

IT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$IT_ROOT"
IT_NAME=$(basename "$0" .sh)
ESRA=$(realpath -m "${ESRA_BIN:-$IT_ROOT/build/esra}")
SWARM_SH=$IT_ROOT/tests/harness/swarm.sh
# the nodes' upstream resolver (see swarm.sh): the fake DNS built with esra's tests
if [ -z "${ESRA_SWARM_UPSTREAM_DNS+x}" ] && [ -x "$(dirname "$ESRA")/tests/harness/esra-fakedns" ]; then
  ESRA_SWARM_UPSTREAM_DNS=$(dirname "$ESRA")/tests/harness/esra-fakedns
  export ESRA_SWARM_UPSTREAM_DNS
fi
EMU_JS=$IT_ROOT/tests/emulator/eureka-emu.js
JSCLIENT_JS=$IT_ROOT/tests/emulator/js-client.js
IT_TMP=$(mktemp -d "${ESRA_IT_TMPROOT:-/tmp}/esra-it-$IT_NAME.XXXXXX")
export DOCKER_CLI_HINTS=false
# esra's environment overrides its config: scenarios give everything in config files
unset DOCKER_HOST DOCKER_TLS_VERIFY DOCKER_CERT_PATH ESRA_EUREKA_URLS ESRA_DNS_SERVER ESRA_CLUSTER_SERVICE
export ESRA_SWARM_QUIET=${ESRA_SWARM_QUIET:-1}

SWARM_DIR=
IT_SWARM_OWN=
IT_BG_PIDS=()
IT_EMU_PIDS=()
IT_JS_PIDS=()
EMU_PORTS=()
EMU_URLS=()
declare -A IT_EMU_NETNS=()
declare -A IT_EMU_CURL=()
IT_FINISHED=
IT_T0=$SECONDS

log() { echo "# $*" >&2; }
pass() { echo "ok - $*"; }
fail() {
  echo "FAIL: $IT_NAME: $*" >&2
  exit 1
}
skip() {
  echo "SKIP: $IT_NAME: $*"
  IT_FINISHED=skip
  exit 77
}
it_finish() {
  IT_FINISHED=1
  echo "PASS: $IT_NAME ($((SECONDS - IT_T0))s)"
  exit 0
}

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  set +e
  if [ -z "$IT_FINISHED" ] && [ "$rc" -eq 0 ]; then
    echo "FAIL: $IT_NAME: interrupted, or ended without it_finish" >&2
    rc=1
  fi
  for p in "${IT_JS_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${IT_JS_PIDS[@]}"; do _wait_gone "$p" 6; done
  for p in "${IT_EMU_PIDS[@]}" "${IT_BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${IT_EMU_PIDS[@]}" "${IT_BG_PIDS[@]}"; do
    _wait_gone "$p" 3 || kill -KILL "$p" 2>/dev/null
  done
  if [ -n "$IT_SWARM_OWN" ]; then
    "$SWARM_SH" down "$SWARM_DIR" >&2
  elif [ -n "$SWARM_DIR" ]; then
    swarm_reset >&2
  fi
  if [ -n "${ESRA_IT_KEEP_TMP:-}" ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; } then
    log "scratch kept in $IT_TMP"
  else
    rm -rf "$IT_TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

_wait_gone() { # PID SECS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
    sleep 0.1
  done
  return 1
}

# ------------------------------------------------------------------ assertions and JSON
assert_eq() { # EXPECTED ACTUAL MSG
  [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
  pass "$3"
}
assert_ne() { # UNEXPECTED ACTUAL MSG
  [ "$1" != "$2" ] || fail "$3: got '$2'"
  pass "$3"
}
assert_contains() { # HAYSTACK NEEDLE MSG
  case "$1" in *"$2"*) pass "$3" ;; *) fail "$3: '$2' not in: $(printf '%.600s' "$1")" ;; esac
}
assert_not_contains() { # HAYSTACK NEEDLE MSG
  case "$1" in *"$2"*) fail "$3: '$2' found in: $(printf '%.600s' "$1")" ;; *) pass "$3" ;; esac
}
# json_get JSON EXPR: evaluates EXPR (JavaScript, the parsed document is `j`) and prints the
# result: strings as they are, anything else as JSON. JSON "-" reads stdin.
json_get() {
  local doc=$1
  [ "$doc" != - ] || doc=$(cat)
  printf '%s' "$doc" | node -e '
    let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => {
      let j; try { j = JSON.parse(s); } catch (e) { console.error("json_get: not JSON: " + s.slice(0, 300)); process.exit(2); }
      const v = eval(process.argv[1]);
      process.stdout.write(typeof v === "string" ? v : JSON.stringify(v === undefined ? null : v));
    });' "$2"
}

# wait_for "desc" TIMEOUT CMD...: runs CMD until it succeeds; fails the scenario on timeout.
wait_for() {
  local desc=$1 limit=$2 t0=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $((SECONDS - t0)) -lt "$limit" ] || fail "timed out after ${limit}s waiting for: $desc"
    sleep 0.3
  done
  log "$desc ($((SECONDS - t0))s)"
}

# ------------------------------------------------------------------ swarm
dk() { # node1|node2 ARGS...
  local n=${1#node}
  shift
  case "$n" in 1 | 2) ;; *) fail "dk: node1 or node2, not '$n'" ;; esac
  docker -H "unix://$SWARM_DIR/node$n/docker.sock" "$@"
}

swarm_up() {
  [ "$(id -u)" -eq 0 ] || skip "integration tests need root"
  if [ -n "${ESRA_IT_SWARM_DIR:-}" ]; then
    SWARM_DIR=$ESRA_IT_SWARM_DIR
    "$SWARM_SH" status "$SWARM_DIR" >/dev/null 2>&1 || fail "shared swarm $SWARM_DIR is not up"
    swarm_reset
  else
    SWARM_DIR=$(mktemp -d /tmp/esra-sw.XXXXXX)
    IT_SWARM_OWN=1
    local t0=$SECONDS
    rmdir "$SWARM_DIR"
    "$SWARM_SH" up "$SWARM_DIR" || fail "swarm up failed"
    log "swarm up ($((SECONDS - t0))s) in $SWARM_DIR"
  fi
  NODE1_HOST=unix://$SWARM_DIR/node1/docker.sock
  NODE2_HOST=unix://$SWARM_DIR/node2/docker.sock
  NODE1_ADDR=$(cat "$SWARM_DIR/subnet").1
  NODE2_ADDR=$(cat "$SWARM_DIR/subnet").2
  export SWARM_DIR NODE1_HOST NODE2_HOST NODE1_ADDR NODE2_ADDR
}

# Removes every service, container, secret, config, volume and user network from the swarm,
# so the next scenario starts clean (the images stay); node1 leads again if a scenario moved
# the leadership (swarm.sh promote/demote), and dockerd's debug logging is off.
swarm_reset() {
  local ids n t0=$SECONDS
  if [ "$(dk node1 info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null)" != true ]; then
    "$SWARM_SH" promote "$SWARM_DIR" node1 || true
  fi
  if [ "$(dk node2 info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null)" = true ]; then
    "$SWARM_SH" demote "$SWARM_DIR" node2 || true
  fi
  ! grep -q true "$SWARM_DIR/node1/daemon.json" 2>/dev/null || "$SWARM_SH" debug "$SWARM_DIR" off || true
  ids=$(dk node1 service ls -q 2>/dev/null || true)
  [ -z "$ids" ] || dk node1 service rm $ids >/dev/null 2>&1 || true
  ids=$(dk node1 secret ls -q 2>/dev/null || true)
  [ -z "$ids" ] || dk node1 secret rm $ids >/dev/null 2>&1 || true
  ids=$(dk node1 config ls -q 2>/dev/null || true)
  [ -z "$ids" ] || dk node1 config rm $ids >/dev/null 2>&1 || true
  for n in node1 node2; do
    ids=$(dk $n ps -aq 2>/dev/null || true)
    [ -z "$ids" ] || dk $n rm -f $ids >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 60); do
    local left=
    for n in node1 node2; do
      ids=$(dk $n ps -aq 2>/dev/null || true)
      [ -z "$ids" ] || { dk $n rm -f $ids >/dev/null 2>&1 || true; left=1; }
      ids=$(dk $n network ls -q --filter type=custom 2>/dev/null || true)
      for i in $ids; do
        [ "$(dk $n network inspect -f '{{.Name}}' "$i" 2>/dev/null)" != ingress ] || continue
        [ "$(dk $n network inspect -f '{{.Name}}' "$i" 2>/dev/null)" != docker_gwbridge ] || continue
        dk $n network rm "$i" >/dev/null 2>&1 || true
        left=1
      done
    done
    [ -n "$left" ] || break
    sleep 0.5
  done
  ids=$(dk node1 config ls -q 2>/dev/null || true)
  [ -z "$ids" ] || dk node1 config rm $ids >/dev/null 2>&1 || true
  for n in node1 node2; do
    ids=$(dk $n volume ls -q 2>/dev/null || true)
    [ -z "$ids" ] || dk $n volume rm -f $ids >/dev/null 2>&1 || true
  done
  [ $((SECONDS - t0)) -lt 2 ] || log "swarm reset ($((SECONDS - t0))s)"
}

# in_node node1|node2 CMD...: runs a host command in a node's network namespace (its address
# NODE1_ADDR / NODE2_ADDR, where host-mode published ports listen).
in_node() {
  local n=${1#node}
  shift
  nsenter --net="/var/run/netns/esra-$(cat "$SWARM_DIR/tag")-n$n" "$@"
}

# Runs a host command inside the network namespace of a container (on node1, else node2).
container_pid() {
  local pid
  pid=$(dk node1 inspect -f '{{.State.Pid}}' "$1" 2>/dev/null) ||
    pid=$(dk node2 inspect -f '{{.State.Pid}}' "$1" 2>/dev/null) || fail "no container $1"
  [ "$pid" -gt 0 ] 2>/dev/null || fail "container $1 is not running"
  echo "$pid"
}
in_container() { # NAME CMD...
  local pid
  pid=$(container_pid "$1")
  shift
  nsenter --net="/proc/$pid/ns/net" "$@"
}

# dns_a NAME [CONTAINER]: the A records the swarm's embedded DNS gives NAME, sorted, one a line.
dns_a() {
  local out
  out=$(in_container "${2:-gateway}" busybox nslookup -type=a "$1" 127.0.0.11 2>/dev/null || true)
  printf '%s\n' "$out" | awk '/^Name:/ { n = 1; next } n && /^Address:/ { print $2 }' | sort -V
}

# task_ips SERVICE [NET] [any]: addresses (no prefix length) of SERVICE's running tasks on NET;
# only tasks whose desired state is running too, unless the third argument is "any".
task_ips() {
  local svc=$1 net=${2:-gbsnet} t filter=(--filter desired-state=running)
  [ "${3:-}" != any ] || filter=()
  for t in $(dk node1 service ps -q "${filter[@]}" "$svc" 2>/dev/null); do
    dk node1 inspect --type task -f \
      '{{if eq .Status.State "running"}}{{range .NetworksAttachments}}{{if eq .Network.Spec.Name "'"$net"'"}}{{range .Addresses}}{{.}} {{end}}{{end}}{{end}}{{end}}' \
      "$t" 2>/dev/null || true
  done | tr ' ' '\n' | sed 's|/.*||' | grep -v '^$' | sort -V || true
}
service_vip() { # SERVICE [NET]
  local netid
  netid=$(dk node1 network inspect -f '{{.ID}}' "${2:-gbsnet}")
  dk node1 service inspect -f '{{range .Endpoint.VirtualIPs}}{{if eq .NetworkID "'"$netid"'"}}{{.Addr}}{{end}}{{end}}' "$1" | sed 's|/.*||'
}
running_tasks() { # SERVICE: number of tasks both desired and actually running
  dk node1 service ps --filter desired-state=running --format '{{.CurrentState}}' "$1" 2>/dev/null |
    grep -c '^Running' || true
}
_count_is() { [ "$("${@:2}")" = "$1" ]; }
_lines_is() { [ "$("${@:2}" | grep -c . || true)" = "$1" ]; }

svc_create() { # docker service create, detached, no registry lookups
  dk node1 service create -d -q --no-resolve-image "$@" >/dev/null
}

# The base scene: attachable overlay gbsnet, gbs-cms (2 replicas), gbs-user (1), and a plain
# container `gateway` on node1 to look at DNS from.
base_setup() {
  if ! dk node1 network inspect gbsnet >/dev/null 2>&1; then
    dk node1 network create -d overlay --attachable gbsnet >/dev/null
  fi
  dk node1 service inspect gbs-cms >/dev/null 2>&1 ||
    svc_create --name gbs-cms --replicas 2 --network gbsnet esra/bb sleep 1000000
  dk node1 service inspect gbs-user >/dev/null 2>&1 ||
    svc_create --name gbs-user --replicas 1 --network gbsnet esra/bb sleep 1000000
  dk node1 inspect gateway >/dev/null 2>&1 ||
    dk node1 run -d -q --name gateway --network gbsnet esra/bb sleep 1000000 >/dev/null
  wait_for "gbs-cms: 2 tasks running" 90 _count_is 2 running_tasks gbs-cms
  wait_for "gbs-user: 1 task running" 90 _count_is 1 running_tasks gbs-user
}

# incident_setup: the poisoned name. Service ghost (stop grace 1 h) carries the alias gbs-cms on
# gbsnet; once its task runs it is scaled to 0, and since PID 1 `sleep` ignores SIGTERM its task
# stays running (desired state shutdown/remove) for the whole grace period, so `gbs-cms`
# resolves to its own VIP AND ghost's VIP. Exports GBS_CMS_VIP, GHOST_VIP, GATEWAY_IP.
incident_setup() {
  base_setup
  svc_create --name ghost --stop-grace-period 1h --network name=gbsnet,alias=gbs-cms \
    esra/bb sleep 1000000
  wait_for "ghost: task running" 90 _count_is 1 running_tasks ghost
  GHOST_VIP=$(service_vip ghost)
  dk node1 service scale -d ghost=0 >/dev/null
  GBS_CMS_VIP=$(service_vip gbs-cms)
  GATEWAY_IP=$(dk node1 inspect -f '{{(index .NetworkSettings.Networks "gbsnet").IPAddress}}' gateway)
  wait_for "gateway: gbs-cms resolves to 2 addresses" 60 _lines_is 2 dns_a gbs-cms
  export GHOST_VIP GBS_CMS_VIP GATEWAY_IP
  log "incident: gbs-cms VIP $GBS_CMS_VIP, ghost VIP $GHOST_VIP, gateway $GATEWAY_IP"
}

# alias_collision_setup [node1|node2]: the base scene plus a running container `collider` on
# gbsnet with the network alias gbs-cms, whose IP joins gbs-cms's answers. Exports COLLIDER_IP.
alias_collision_setup() {
  local node=${1:-node1} before
  base_setup
  before=$(dns_a gbs-cms | grep -c . || true)
  dk "$node" run -d -q --name collider --network gbsnet --network-alias gbs-cms esra/bb \
    sleep 1000000 >/dev/null
  COLLIDER_IP=$(dk "$node" inspect -f '{{(index .NetworkSettings.Networks "gbsnet").IPAddress}}' collider)
  GBS_CMS_VIP=$(service_vip gbs-cms)
  wait_for "gateway: gbs-cms resolves to the collider too" 60 _dns_has gbs-cms "$COLLIDER_IP"
  export COLLIDER_IP GBS_CMS_VIP
  log "alias collision: collider $COLLIDER_IP on $node (gbs-cms had $before answers)"
}
_dns_has() { dns_a "$1" | grep -qx "$2"; }

# ------------------------------------------------------------------ Eureka emulator and client
# emu_start [--netns PATH] [eureka-emu.js options]: starts an emulator on a free port of
# 127.0.0.1 (inside netns PATH if given) and waits until it listens.
emu_start() {
  local netns='' prefix=/eureka/ a i pre=() log scheme=http
  if [ "${1:-}" = --netns ]; then
    netns=$2
    shift 2
    pre=(nsenter --net="$netns")
  fi
  for ((i = 1; i <= $#; i++)); do
    a=${!i}
    case "$a" in
      --prefix) i=$((i + 1)); prefix=${!i} ;;
      --prefix=*) prefix=${a#--prefix=} ;;
      --tls-cert | --tls-cert=*) scheme=https ;;
    esac
  done
  case "$prefix" in /*) ;; *) prefix=/$prefix ;; esac
  case "$prefix" in */) ;; *) prefix=$prefix/ ;; esac
  log=$IT_TMP/emu.${#IT_EMU_PIDS[@]}
  "${pre[@]}" node "$EMU_JS" --port 0 "$@" >"$log.out" 2>"$log.err" &
  EMU_PID=$!
  IT_EMU_PIDS+=("$EMU_PID")
  for ((i = 0; i < 100; i++)); do
    [ -s "$log.out" ] && break
    kill -0 "$EMU_PID" 2>/dev/null || { cat "$log.err" >&2; fail "emulator exited at start"; }
    sleep 0.1
  done
  EMU_PORT=$(head -n 1 "$log.out" | json_get - 'j.port') || fail "emulator did not start"
  EMU_URL=$scheme://127.0.0.1:$EMU_PORT$prefix
  if [ "$scheme" = https ]; then IT_EMU_CURL[$EMU_PORT]="${EMU_CURL_TLS:---insecure}"; fi
  EMU_PORTS+=("$EMU_PORT")
  EMU_URLS+=("$EMU_URL")
  IT_EMU_NETNS[$EMU_PORT]=$netns
  export EMU_PORT EMU_URL EMU_PID
  log "emulator $EMU_PID on $EMU_URL ${netns:+(netns $netns) }$*"
}
_emu_curl() { # PORT curl-args...
  local port=$1 netns tls
  shift
  netns=${IT_EMU_NETNS[$port]:-}
  tls=${IT_EMU_CURL[$port]:-}
  if [ -n "$netns" ]; then
    nsenter --net="$netns" curl -sS --max-time 20 $tls "$@"
  else
    curl -sS --max-time 20 $tls "$@"
  fi
}
# emu_ctl [-p PORT] METHOD PATH [JSON]: prints the control API's answer; fails on HTTP >= 400.
emu_ctl() {
  local port=$EMU_PORT
  if [ "$1" = -p ]; then port=$2; shift 2; fi
  local m=$1 path=$2 body=${3:-}
  local args=(-X "$m" -H 'Content-Type: application/json' --fail-with-body)
  [ -z "$body" ] || args+=(--data-binary "$body")
  local scheme=http
  [ -z "${IT_EMU_CURL[$port]:-}" ] || scheme=https
  _emu_curl "$port" "${args[@]}" "$scheme://127.0.0.1:$port/_emu/${path#/}" || fail "emu_ctl $m $path failed"
}
# emu_get [-p PORT] PATH [curl args...]: GET on the Eureka API (PATH relative to the prefix,
# e.g. apps/GBS-CMS); prints the body. Add -w '%{http_code}' etc. as needed.
emu_get() {
  local port=$EMU_PORT url=$EMU_URL
  if [ "$1" = -p ]; then
    port=$2
    shift 2
    local k
    for k in "${!EMU_PORTS[@]}"; do [ "${EMU_PORTS[$k]}" != "$port" ] || url=${EMU_URLS[$k]}; done
  fi
  local path=$1
  shift
  _emu_curl "$port" "$@" "$url${path#/}"
}

# jsclient_start [js-client.js args]: one instance with the real eureka-js-client against the
# last emulator started (override with --port/--host). Waits until it has registered, unless
# JSCLIENT_NOWAIT is set. Its events (JSON lines) go to $JSCLIENT_LOG.
jsclient_start() {
  JSCLIENT_LOG=$IT_TMP/jsclient.${#IT_JS_PIDS[@]}.out
  node "$JSCLIENT_JS" --port "$EMU_PORT" "$@" >"$JSCLIENT_LOG" 2>"${JSCLIENT_LOG%.out}.err" &
  JSCLIENT_PID=$!
  IT_JS_PIDS+=("$JSCLIENT_PID")
  export JSCLIENT_PID JSCLIENT_LOG
  if [ -z "${JSCLIENT_NOWAIT:-}" ]; then
    wait_for "js-client $JSCLIENT_PID registered" 20 grep -q '"event":"registered"' "$JSCLIENT_LOG"
  fi
}
# jsclient_stop [PID]: SIGTERM (the client deregisters), then waits; returns its exit status.
jsclient_stop() {
  local p=${1:-$JSCLIENT_PID} rc=0
  kill -TERM "$p" 2>/dev/null || return 0
  _wait_gone "$p" 10 || { kill -KILL "$p" 2>/dev/null; fail "js-client $p did not stop"; }
  wait "$p" 2>/dev/null || rc=$?
  return $rc
}

# Starts a background command that cleanup will stop: bg_start CMD... (sets BG_PID).
bg_start() {
  "$@" &
  BG_PID=$!
  IT_BG_PIDS+=("$BG_PID")
}

need_esra() {
  [ -x "$ESRA" ] || skip "esra binary not built ($ESRA)"
}

# esra_image_build: builds image esra:test (contrib/Dockerfile, FROM scratch, the binary and
# the libraries ldd lists) from $ESRA on both nodes, for `docker service create` / stacks.
# The image runs as user esra (uid 10001): a service that mounts the docker socket needs
# `--group "$DOCKER_GID"` (the socket's group, exported here), as the stack file gives it.
esra_image_build() {
  need_esra
  local n
  "$IT_ROOT/contrib/image-root.sh" "$ESRA" "$IT_TMP/image-root" >/dev/null
  for n in node1 node2; do
    DOCKER_BUILDKIT=0 dk "$n" build -q -t esra:test -f "$IT_ROOT/contrib/Dockerfile" \
      "$IT_TMP/image-root" >/dev/null || fail "docker build of esra:test on $n failed"
  done
  ESRA_IMAGE=esra:test
  DOCKER_GID=$(getent group docker | cut -d: -f3)
  export ESRA_IMAGE DOCKER_GID
}
