#!/usr/bin/env bash
# swarm.sh: a real two-node Docker swarm on this machine, for esra's integration tests.
# Each node is a dockerd (20.10) in its own network, mount and UTS namespaces (hostname nodeN, with
# a private /run, so it has its own /run/docker.sock and its own containerd), with private data,
# exec and pid roots under DIR. The nodes talk over a veth pair each into a private "switch"
# namespace holding a bridge: the host's namespace gets nothing (no bridge, no veth, no iptables
# rule). node1 is the swarm manager (leader), node2 joins as a worker. A busybox image
# (esra/bb:latest, from busybox-static) is imported on both, since nothing can be pulled.
# Names of namespaces and links carry a short tag derived from DIR, so runs never collide.
#
# Usage: swarm.sh up DIR             build the swarm (DIR must not be under /run)
#        swarm.sh down DIR           tear everything down, remove DIR (safe twice, or half-built)
#        swarm.sh env DIR node1|node2   print DOCKER_HOST=unix://DIR/nodeN/docker.sock
#        swarm.sh status DIR         show both nodes; exit 1 unless both are up
#        swarm.sh crash DIR node2    kill -9 a node's dockerd (and its containers), start it again
#        swarm.sh check-host DIR     exit 1 (with a diff) if the host's iptables rules or links
#                                    changed since `up` began
#        swarm.sh debug DIR on|off   dockerd debug logging on both nodes (a reload, no restart):
#                                    every API request is logged as "Calling METHOD /path" in
#                                    DIR/nodeN/dockerd.log
#        swarm.sh promote DIR node2  make a node a manager (waits until it is one)
#        swarm.sh demote DIR node1   make a manager a worker, from the other manager (waits
#                                    until a remaining manager is the leader): with promote,
#                                    moves the leadership from node1 to node2 and back
# Needs root, dockerd/containerd/runc (docker.io), busybox-static, iproute2, util-linux.
# ESRA_SWARM_UPSTREAM_DNS=PATH (e.g. build/tests/harness/esra-fakedns) runs that DNS server on
# each node's address as the node's upstream resolver (dockerd --dns), answering NXDOMAIN for
# what swarm forwards; without it, forwarded names get no answer (no internet here).
# shellcheck disable=SC2016,SC2086  # sh -c scripts in single quotes; ID lists split on purpose
set -euo pipefail

export DOCKER_CLI_HINTS=false
STOP_WAIT=${ESRA_SWARM_STOP_WAIT:-30}   # seconds to wait for each dockerd after SIGTERM
READY_WAIT=${ESRA_SWARM_READY_WAIT:-60}

die() { echo "swarm.sh: $*" >&2; exit 1; }
say() { [ -n "${ESRA_SWARM_QUIET:-}" ] || echo "swarm.sh: $*" >&2; }
usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 2 ] || usage
cmd=$1
case "$2" in /*) dir=$2 ;; *) dir=$(pwd)/$2 ;; esac
dir=$(realpath -m "$dir")
case "$dir" in
  /run | /run/* | /var/run | /var/run/*) die "DIR must not be under /run (each node mounts a private /run)" ;;
  *[[:space:]]*) die "DIR must not contain white space" ;;
  /) die "DIR must not be /" ;;
esac

tag=$(printf '%s' "$dir" | md5sum | cut -c1-6)
ns_sw=esra-$tag-sw
ns_node() { echo "esra-$tag-n$1"; }
sock() { echo "$dir/node$1/docker.sock"; }
dk() { local n=$1; shift; docker -H "unix://$(sock "$n")" "$@"; }

# Host state that must not change: iptables rules (without counters) and links.
host_state() {
  {
    echo "## iptables"
    iptables-save 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]/[]/' || true
    echo "## ip6tables"
    ip6tables-save 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]/[]/' || true
    echo "## links"
    ip -br link show | awk '{print $1, $3, $4}' | sort
  }
}

ns_inode() { stat -L -c %i "$1" 2>/dev/null || true; }

# ------------------------------------------------------------------ up
start_node() {
  local n=$1 ns d
  ns=$(ns_node "$n")
  d=$dir/node$n
  mkdir -p "$d/data" "$d/exec"
  # its own config file (never the host's /etc/docker/daemon.json): `debug` flips it, SIGHUP
  [ -f "$d/daemon.json" ] || echo '{}' >"$d/daemon.json"
  # An upstream resolver for the node (every real network has one): swarm's 127.0.0.11
  # forwards the names it does not hold there, and gets a prompt NXDOMAIN instead of silence.
  local dnsopt=() upid
  if [ -n "${ESRA_SWARM_UPSTREAM_DNS:-}" ] && [ -x "$ESRA_SWARM_UPSTREAM_DNS" ]; then
    upid=$(cat "$d/upstream-dns.pid" 2>/dev/null || true)
    if [ -z "$upid" ] || ! alive "$upid"; then
      nsenter --net="/var/run/netns/$ns" "$ESRA_SWARM_UPSTREAM_DNS" -a "$(cat "$dir/subnet").$n" -p 53 \
        </dev/null >"$d/upstream-dns.log" 2>&1 &
      echo $! >"$d/upstream-dns.pid"
      disown # down kills it: no "Killed" notice from this shell
    fi
    dnsopt=(--dns "$(cat "$dir/subnet").$n")
  fi
  # nsenter (not `ip netns exec`, which remounts /sys and breaks dockerd's cgroups); the
  # private mount namespace gets a tmpfs /run, so the node has its own /run/docker.sock and
  # starts its own containerd; the copies of the host's /run/netns mounts are dropped first.
  nsenter --net="/var/run/netns/$ns" unshare -m -u --propagation private sh -c '
    d=$1 n=$2 cg=$3
    shift 3
    hostname "node$n"
    umount -l /run/netns 2>/dev/null
    mount -t tmpfs -o mode=755 tmpfs /run || exit 1
    exec dockerd --config-file "$d/daemon.json" --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/dockerd.pid" \
      -H unix:///run/docker.sock -H "unix://$d/docker.sock" --shutdown-timeout 2 \
      --cgroup-parent "$cg" --log-level "${ESRA_SWARM_LOG_LEVEL:-warn}" "$@"' sh "$d" "$n" "/$ns" \
    "${dnsopt[@]}" </dev/null >"$d/dockerd.log" 2>&1 &
  echo $! >"$d/launch.pid"
}

wait_ready() {
  local n=$1 d=$dir/node$1 t0=$SECONDS pid
  pid=$(cat "$d/launch.pid")
  until dk "$n" info >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$d/dockerd.log" >&2 || true
      die "node$n: dockerd exited (log: $d/dockerd.log)"
    fi
    [ $((SECONDS - t0)) -lt "$READY_WAIT" ] || die "node$n: dockerd not ready after ${READY_WAIT}s"
    sleep 0.2
  done
  # What down needs to find every process of this node, even if the pid file is gone.
  stat -L -c %i "/proc/$pid/ns/mnt" >"$d/mntns"
}

build_image() {
  local root=$dir/image/root a
  [ -x /bin/busybox ] || die "/bin/busybox missing (install busybox-static)"
  if ldd /bin/busybox >/dev/null 2>&1; then
    die "/bin/busybox is dynamically linked; install busybox-static"
  fi
  rm -rf "$dir/image"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/root"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -cf "$dir/image/bb.tar" .
}

do_up() {
  [ "$(id -u)" -eq 0 ] || die "needs root"
  if [ -f "$dir/state" ]; then
    die "$dir already holds a swarm (state: $(cat "$dir/state")); run: $0 down $dir"
  fi
  [ $((${#dir} + 40)) -lt 108 ] || die "DIR path too long for unix sockets: $dir"
  mkdir -p "$dir/node1" "$dir/node2"
  echo building >"$dir/state"
  echo "$tag" >"$dir/tag"
  trap 'rc=$?; if [ $rc -ne 0 ] && [ -z "${ESRA_SWARM_KEEP_ON_FAIL:-}" ]; then
          echo "swarm.sh: up failed, tearing down" >&2; do_down || true; fi' EXIT
  host_state >"$dir/host.before"

  # Pick 10.98.X.0/24 with X from the tag; skip any X the host already routes.
  local x i routes
  routes=$(ip -4 route show table all 2>/dev/null || true)
  x=$((0x$tag % 200 + 20))
  for i in $(seq 0 199); do
    case "$routes" in *"10.98.$x."*) x=$(((x - 20 + 1) % 200 + 20)) ;; *) break ;; esac
  done
  echo "10.98.$x" >"$dir/subnet"
  local net=10.98.$x t0=$SECONDS

  ip netns add "$ns_sw"
  ip -n "$ns_sw" link set lo up
  ip -n "$ns_sw" link add br0 type bridge
  ip -n "$ns_sw" link set br0 up
  for i in 1 2; do
    local ns
    ns=$(ns_node $i)
    ip netns add "$ns"
    ip -n "$ns_sw" link add "v$tag-$i" type veth peer name eth0 netns "$ns"
    ip -n "$ns_sw" link set "v$tag-$i" master br0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$net.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
  done

  start_node 1
  start_node 2
  build_image
  wait_ready 1
  wait_ready 2
  say "dockerd ready on both nodes ($((SECONDS - t0))s)"

  dk 1 swarm init --advertise-addr "$net.1" --listen-addr "$net.1:2377" >/dev/null
  local token
  token=$(dk 1 swarm join-token -q worker)
  dk 2 swarm join --token "$token" --advertise-addr "$net.2" --listen-addr "$net.2:2377" "$net.1:2377" >/dev/null
  dk 1 import --change 'CMD ["sh"]' "$dir/image/bb.tar" esra/bb:latest >/dev/null &
  local p1=$!
  dk 2 import --change 'CMD ["sh"]' "$dir/image/bb.tar" esra/bb:latest >/dev/null
  wait "$p1"
  # The worker must be seen Ready by the manager before anything is scheduled on it.
  local t1=$SECONDS
  until [ "$(dk 1 node ls --filter role=worker --format '{{.Status}}' 2>/dev/null)" = Ready ]; do
    [ $((SECONDS - t1)) -lt 60 ] || die "node2 never became Ready"
    sleep 0.3
  done
  echo up >"$dir/state"
  trap - EXIT
  say "swarm up in $((SECONDS - t0))s: node1 $net.1 (manager), node2 $net.2 (worker), dir $dir"
}

# ------------------------------------------------------------------ crash
# crash DIR node1|node2: kill -9 the node's dockerd and everything in its mount namespace
# (containerd, shims, containers), as a crashed machine loses them, then start it again with
# the same roots: swarm sees the node's tasks fail and reschedules (a crash history).
do_crash() {
  local n=$1 d=$dir/node$1 p mnt left round
  [ "$(cat "$dir/state" 2>/dev/null)" = up ] || die "$dir holds no swarm that is up"
  p=$(cat "$d/dockerd.pid" 2>/dev/null || true)
  mnt=$(cat "$d/mntns")
  [ -z "$p" ] || kill -KILL "$p" 2>/dev/null || true
  for round in 1 2 3 4 5 6 7 8 9 10; do
    left=$(ps -e -o pid=,mntns= | awk -v m="$mnt" '$2 == m { print $1 }' | tr '\n' ' ')
    [ -n "${left// /}" ] || break
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
    sleep 0.3
  done
  # what the dead daemons left behind: a pid file naming a pid that may be reused by now
  # makes the new dockerd wait for a containerd that is not there
  rm -f "$d/dockerd.pid" "$d/exec/containerd/containerd.pid" "$d/exec/containerd/"*.sock*
  say "node$n: dockerd and its containers killed; starting it again"
  start_node "$n"
  wait_ready "$n"
}

# ------------------------------------------------------------------ debug
need_up() {
  if [ ! -f "$dir/state" ] || [ "$(cat "$dir/state")" != up ]; then
    die "$dir holds no swarm that is up"
  fi
}
do_debug() {
  local on=$1 i p
  need_up
  for i in 1 2; do
    printf '{"debug": %s}\n' "$on" >"$dir/node$i/daemon.json"
    p=$(cat "$dir/node$i/dockerd.pid")
    kill -HUP "$p"
  done
  # on: wait until a request of ours is logged (what a caller then reads comes after it)
  [ "$on" = false ] || for i in 1 2; do
    local from
    from=$(($(wc -l <"$dir/node$i/dockerd.log") + 1))
    wait_until 20 "node$i logs requests" eval 'dk '"$i"' version >/dev/null 2>&1; tail -n +'"$from"' "$dir/node'"$i"'/dockerd.log" | grep -q "Calling GET /v[0-9.]*/version"'
  done
  say "dockerd debug logging $on on both nodes"
}

# ------------------------------------------------------------------ promote / demote
node_id() { dk "$1" info --format '{{.Swarm.NodeID}}'; }
is_manager() { [ "$(dk "$1" info --format '{{.Swarm.ControlAvailable}}' 2>/dev/null)" = true ]; }
is_leader() { # N: node N is a manager and the leader
  is_manager "$1" &&
    [ "$(dk "$1" node inspect self --format '{{if .ManagerStatus}}{{.ManagerStatus.Leader}}{{end}}' 2>/dev/null)" = true ]
}
wait_until() { # SECS DESC CMD...
  local limit=$1 desc=$2 t0=$SECONDS
  shift 2
  until "$@"; do
    [ $((SECONDS - t0)) -lt "$limit" ] || die "timed out after ${limit}s: $desc"
    sleep 0.3
  done
}
retry_until() { # SECS DESC "COMMAND" CMD...: runs COMMAND, then every 5 s until CMD holds
  local limit=$1 desc=$2 what=$3 t0=$SECONDS last=-10
  shift 3
  until "$@"; do
    [ $((SECONDS - t0)) -lt "$limit" ] || die "timed out after ${limit}s: $desc (last: $what: $(cat "$dir/retry.err" 2>/dev/null))"
    if [ $((SECONDS - last)) -ge 5 ]; then
      eval "$what" >/dev/null 2>"$dir/retry.err" || true
      last=$SECONDS
    fi
    sleep 0.3
  done
  rm -f "$dir/retry.err"
}
do_promote() {
  local n=$1 o=$((3 - $1)) id
  need_up
  is_manager "$o" || die "node$o is not a manager: it cannot promote node$n"
  id=$(node_id "$n")
  # right after a leadership change the raft store may refuse an update (DeadlineExceeded,
  # "update out of sequence"): ask again until it holds
  retry_until 60 "node$n becomes a manager" "dk $o node promote $id" is_manager "$n"
  say "node$n is a manager"
}
do_demote() {
  local n=$1 o=$((3 - $1)) id
  need_up
  is_manager "$o" || die "node$o is not a manager: demoting node$n would leave none"
  id=$(node_id "$n")
  retry_until 60 "node$n is no longer a manager" "dk $o node demote $id" eval '! is_manager '"$n"
  wait_until 60 "node$o is the leader" is_leader "$o"
  wait_until 60 "node$n is Ready again" eval '[ "$(dk '"$o"' node inspect -f "{{.Status.State}}" '"$id"' 2>/dev/null)" = ready ]'
  say "node$n is a worker; node$o leads"
}

# ------------------------------------------------------------------ down
# Every process of this swarm: whatever runs in a node's network or mount namespace, or names
# DIR on its command line, and all their descendants. Never this script, its ancestors or its
# own children.
swarm_pids() {
  local nets=() mnts=() self_net self_mnt i v
  self_net=$(ns_inode /proc/self/ns/net)
  self_mnt=$(ns_inode /proc/self/ns/mnt)
  for i in 1 2; do
    v=$(ns_inode "/var/run/netns/$(ns_node $i)")
    [ -n "$v" ] && [ "$v" != "$self_net" ] && nets+=("$v")
    v=$(cat "$dir/node$i/mntns" 2>/dev/null || true)
    [ -n "$v" ] && [ "$v" != "$self_mnt" ] && mnts+=("$v")
  done
  v=$(ns_inode "/var/run/netns/$ns_sw")
  [ -n "$v" ] && [ "$v" != "$self_net" ] && nets+=("$v")
  local keep=" $$ " p=$$
  while [ "$p" -gt 1 ] 2>/dev/null; do
    p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null || echo 1)
    keep+="$p "
  done
  {
    echo "NETS ${nets[*]:-}"
    echo "MNTS ${mnts[*]:-}"
    echo "DIR $dir/"
    echo "KEEP $keep"
    ps -e -o pid=,ppid=,netns=,mntns=,args= | sed 's/^ */P /'
  } | awk '
    $1 == "NETS" { for (i = 2; i <= NF; i++) net[$i] = 1; next }
    $1 == "MNTS" { for (i = 2; i <= NF; i++) mnt[$i] = 1; next }
    $1 == "DIR"  { d = $2; next }
    $1 == "KEEP" { for (i = 2; i <= NF; i++) keep[$i] = 1; mine[$2] = 1; next }
    $1 == "P" {
      pid = $2; parent[pid] = $3
      if (($4 in net) || ($5 in mnt) || index($0, d) > 0) hit[pid] = 1
    }
    END {
      changed = 1
      while (changed) {
        changed = 0
        for (p in parent) if (!(p in hit) && (parent[p] in hit)) { hit[p] = 1; changed = 1 }
      }
      changed = 1
      while (changed) {
        changed = 0
        for (p in parent) if (!(p in keep) && (parent[p] in mine)) { keep[p] = 1; mine[p] = 1; changed = 1 }
      }
      for (p in hit) if (!(p in keep)) print p
    }'
}

alive() { kill -0 "$1" 2>/dev/null; }

do_down() {
  local i pids=() killers=() t0=$SECONDS
  [ "$(id -u)" -eq 0 ] || die "needs root"
  # 1. Kill the containers first (task containers run `sleep`, which ignores SIGTERM; ghost's
  #    1 h grace period would hold dockerd's shutdown for the whole wait).
  for i in 1 2; do
    if [ -S "$(sock $i)" ]; then
      (
        ids=$(timeout 10 docker -H "unix://$(sock $i)" ps -q 2>/dev/null || true)
        [ -z "$ids" ] || timeout 15 docker -H "unix://$(sock $i)" kill $ids >/dev/null 2>&1 || true
      ) &
      killers+=($!)
    fi
  done
  for i in "${killers[@]}"; do wait "$i" || true; done
  # The nodes' upstream resolvers.
  for i in 1 2; do
    local u
    u=$(cat "$dir/node$i/upstream-dns.pid" 2>/dev/null || true)
    [ -z "$u" ] || kill -KILL "$u" 2>/dev/null || true
  done
  # 2. SIGTERM each dockerd, wait, then SIGKILL.
  for i in 1 2; do
    local p
    p=$(cat "$dir/node$i/dockerd.pid" 2>/dev/null || cat "$dir/node$i/launch.pid" 2>/dev/null || true)
    if [ -n "$p" ] && alive "$p" && grep -q dockerd "/proc/$p/cmdline" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      pids+=("$p")
    fi
  done
  local waited=0
  for p in "${pids[@]}"; do
    while alive "$p" && [ "$waited" -lt $((STOP_WAIT * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if alive "$p"; then
      say "dockerd $p still running after ${STOP_WAIT}s: SIGKILL"
      kill -KILL "$p" 2>/dev/null || true
    fi
  done
  # 3. Leftovers: containerd, shims, container processes.
  local round left
  for round in 1 2 3 4 5 6 7 8 9 10; do
    left=$(swarm_pids | tr '\n' ' ')
    [ -n "${left// /}" ] || break
    [ "$round" -gt 1 ] || say "killing leftover processes: $left"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
    sleep 0.3
  done
  # Containers' cgroups (each node has its own cgroup parent, named like its netns).
  local cg
  for i in 1 2; do
    for cg in /sys/fs/cgroup/*/"$(ns_node $i)" /sys/fs/cgroup/"$(ns_node $i)"; do
      [ -d "$cg" ] || continue
      # shellcheck disable=SC2046
      kill -KILL $(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null) 2>/dev/null || true
      find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [ ! -d "$cg" ] || { sleep 0.5; find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || say "could not remove cgroup $cg"; }
    done
  done
  # 4. Mounts under DIR seen by the host (a node's own mounts die with its mount namespace).
  local m
  for round in 1 2 3; do
    m=$( (grep -F " $dir/" /proc/mounts || true) | awk '{print $2}' | sort -r)
    [ -n "$m" ] || break
    for i in $m; do umount -l "$i" 2>/dev/null || true; done
  done
  # 5. Namespaces (with them the bridge and the veths).
  for i in "$(ns_node 1)" "$(ns_node 2)" "$ns_sw"; do
    if [ -e "/var/run/netns/$i" ]; then
      ip netns del "$i" 2>/dev/null || say "could not delete netns $i"
    fi
  done
  # 6. The host must look exactly as before.
  if [ -f "$dir/host.before" ]; then
    if ! host_state | diff -u "$dir/host.before" - >&2; then
      say "WARNING: host iptables/links differ from before swarm up (diff above)"
    fi
  fi
  # 7. DIR.
  if [ -d "$dir" ]; then
    for round in 1 2 3 4 5; do
      rm -rf "$dir" 2>/dev/null && break
      sleep 0.5
    done
    [ ! -e "$dir" ] || say "could not remove $dir completely"
  fi
  say "down in $((SECONDS - t0))s"
}

# ------------------------------------------------------------------ status
do_status() {
  local rc=0 i
  echo "dir $dir tag $tag subnet $(cat "$dir/subnet" 2>/dev/null || echo '?').0/24 state $(cat "$dir/state" 2>/dev/null || echo none)"
  for i in 1 2; do
    local p s
    p=$(cat "$dir/node$i/dockerd.pid" 2>/dev/null || true)
    s=$(dk "$i" info --format '{{.Swarm.LocalNodeState}} manager={{.Swarm.ControlAvailable}} id={{.Swarm.NodeID}}' 2>/dev/null) || { s=down; rc=1; }
    echo "node$i netns $(ns_node $i) dockerd ${p:-none} $s"
  done
  dk 1 node ls 2>/dev/null || rc=1
  return $rc
}

case "$cmd" in
  up) do_up ;;
  down) do_down ;;
  env)
    case "${3:-}" in
      node1) echo "DOCKER_HOST=unix://$dir/node1/docker.sock" ;;
      node2) echo "DOCKER_HOST=unix://$dir/node2/docker.sock" ;;
      *) usage ;;
    esac
    ;;
  status) do_status ;;
  crash)
    case "${3:-}" in
      node1) do_crash 1 ;;
      node2) do_crash 2 ;;
      *) usage ;;
    esac
    ;;
  debug)
    case "${3:-}" in
      on) do_debug true ;;
      off) do_debug false ;;
      *) usage ;;
    esac
    ;;
  promote | demote)
    case "${3:-}" in
      node1) "do_$cmd" 1 ;;
      node2) "do_$cmd" 2 ;;
      *) usage ;;
    esac
    ;;
  check-host)
    [ -f "$dir/host.before" ] || die "no host snapshot in $dir"
    host_state | diff -u "$dir/host.before" - >&2 || die "host iptables/links changed since up"
    ;;
  *) usage ;;
esac
