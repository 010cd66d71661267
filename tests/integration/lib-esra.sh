# shellcheck shell=bash
# lib-esra.sh: helpers for scenarios that run esra itself; source it after common.sh.
#   esra_conf FILE NODE [libconfig lines...]  a config: the last emulator (EMU_URLS), NODE's
#                            docker socket, DNS from container SEAT (default gateway)
#   esra_run CONF ARGS...    runs "$ESRA ARGS -c CONF"; sets ESRA_RC, ESRA_OUT, ESRA_ERR_OUT
#   finding KIND [KEY=VALUE] the first finding of KIND (matching KEY) in ESRA_OUT, as JSON
#   register_stale [-p PORT] APP ID IP [RENEWED_SECONDS_AGO]  an aged instance (control API)
#   now_ms                   epoch milliseconds
#   net_ip HOST [NET]        the address ending in HOST in NET's /24 (default gbsnet)

now_ms() { echo $(($(date +%s%N) / 1000000)); }

node_sock() { echo "unix://$SWARM_DIR/$1/docker.sock"; }

esra_conf() { # FILE NODE [lines...]
  local f=$1 node=$2 urls='' u
  shift 2
  for u in "${EMU_URLS[@]}"; do urls+="${urls:+, }\"$u\""; done
  [ -n "$urls" ] || urls='"http://127.0.0.1:1/eureka/"'
  {
    echo "eureka = { urls = [ $urls ]; timeout_ms = 3000; };"
    echo "docker = { host = \"$(node_sock "$node")\"; timeout_ms = 10000; };"
    echo "dns = { netns = \"container:${SEAT:-gateway}\"; timeout_ms = 1000; attempts = 2; };"
    printf '%s\n' "$@"
  } >"$f"
}

esra_run() { # CONF ARGS...
  local conf=$1
  shift
  set +e
  "$ESRA" "$@" -c "$conf" >"$IT_TMP/esra.out" 2>"$IT_TMP/esra.err"
  ESRA_RC=$?
  set -e
  ESRA_OUT=$(cat "$IT_TMP/esra.out")
  # shellcheck disable=SC2034 # read by the scenarios that source this file
  ESRA_ERR_OUT=$(cat "$IT_TMP/esra.err")
  log "esra $* -> exit $ESRA_RC"
}

# finding KIND [FIELD=VALUE]: prints the first matching finding of the last JSON report.
finding() {
  local kind=$1 arg=${2:-} field value
  field=${arg%%=*}
  value=${arg#*=}
  json_get "$ESRA_OUT" "j.findings.filter(f => f.kind === '$kind' && ('$field' === '' || f['$field'] === '$value'))[0]"
}

# register_stale APP ID IP [RENEWED_S_AGO]: an instance registered an hour ago whose lease was
# last renewed RENEWED_S_AGO seconds ago (default 600: expired), added beside what is there.
# -p PORT first aims it at another emulator.
register_stale() {
  local ctl=()
  if [ "$1" = -p ]; then ctl=(-p "$2"); shift 2; fi
  local app=$1 id=$2 ip=$3 ago=${4:-600} now
  now=$(now_ms)
  emu_ctl "${ctl[@]}" POST instances "$(cat <<JSON
{"instances": [{"app": "$app", "instanceId": "$id", "hostName": "$ip", "ipAddr": "$ip",
 "status": "UP", "port": {"\$": 8080, "@enabled": "true"}, "vipAddress": "${app,,}",
 "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo\$DefaultDataCenterInfo", "name": "MyOwn"},
 "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90,
   "registrationTimestamp": $((now - 3600000)), "lastRenewalTimestamp": $((now - ago * 1000)),
   "serviceUpTimestamp": $((now - 3600000)), "evictionTimestamp": 0}}]}
JSON
)" >/dev/null
}

# esra_writes [-p PORT]: esra's writes the emulator received (method path status, a line each).
esra_writes() {
  local args=()
  [ "${1:-}" != -p ] || args=(-p "$2")
  emu_ctl "${args[@]}" GET requests | json_get - \
    "j.requests.filter(r => r.method !== 'GET' && /^esra\\//.test(r.headers['user-agent'] || '')).map(r => r.method + ' ' + decodeURIComponent(r.path) + ' ' + r.status).join('\\n')"
}
# present [-p PORT] APP ID: 200 when the instance is in the registry (uncached GET), else 404.
present() {
  local args=()
  if [ "$1" = -p ]; then args=(-p "$2"); shift 2; fi
  emu_get "${args[@]}" "apps/$1/$2" -o /dev/null -w '%{http_code}'
}
# inst_status [-p PORT] APP ID: the instance's status (UP, OUT_OF_SERVICE, ...).
inst_status() {
  local args=()
  if [ "$1" = -p ]; then args=(-p "$2"); shift 2; fi
  emu_get "${args[@]}" "apps/$1/$2" -H 'Accept: application/json' | json_get - 'j.instance.status'
}
# action FIELD=VALUE: the first action of the last JSON report matching it.
action() {
  json_get "$ESRA_OUT" "j.actions.filter(a => a['${1%%=*}'] === '${1#*=}')[0]"
}
# net_ip HOST [NET]: the address ending in HOST in NET's (default gbsnet) /24 IPAM subnet. A
# shared swarm re-creates gbsnet in each scenario, each time in another /24 of the pool, and an
# instance is this swarm's only inside a subnet of its networks.
net_ip() {
  local s
  s=$(dk node1 network inspect -f '{{(index .IPAM.Config 0).Subnet}}' "${2:-gbsnet}")
  echo "${s%.*}.$1"
}
