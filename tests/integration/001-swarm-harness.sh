#!/usr/bin/env bash
# 001-swarm-harness: the test bed itself. node1 is the manager and leader, node2 a worker;
# incident_setup reproduces the poisoned name (gbs-cms answers with its VIP and ghost's, while
# tasks.gbs-cms gives exactly its two task IPs); the host's iptables and links are untouched.
# shellcheck source=tests/integration/common.sh disable=SC2317  # helpers run through wait_for
source "$(dirname "$0")/common.sh"

swarm_up

assert_eq "Leader" "$(dk node1 node ls --filter role=manager --format '{{.ManagerStatus}}')" "node1 is the swarm leader"
assert_eq "true" "$(dk node1 info --format '{{.Swarm.ControlAvailable}}')" "node1 is a manager"
assert_eq "false" "$(dk node2 info --format '{{.Swarm.ControlAvailable}}')" "node2 is not a manager"
assert_eq "active" "$(dk node2 info --format '{{.Swarm.LocalNodeState}}')" "node2 is in the swarm"
assert_eq "2" "$(dk node1 node ls -q | grep -c .)" "the swarm has two nodes"
assert_contains "$(dk node2 service ls 2>&1 || true)" "not a swarm manager" "a worker refuses /services"
assert_ne "$(dk node1 info --format '{{.Name}}')" "$(dk node2 info --format '{{.Name}}')" "nodes have their own hostnames"
assert_eq "esra/bb:latest" "$(dk node2 image ls --format '{{.Repository}}:{{.Tag}}' esra/bb)" "the busybox image is on node2"

incident_setup

answers=$(dns_a gbs-cms)
assert_eq "2" "$(printf '%s\n' "$answers" | grep -c .)" "gateway: gbs-cms resolves to two addresses"
assert_contains "$answers" "$GBS_CMS_VIP" "one answer is gbs-cms's VIP"
assert_contains "$answers" "$GHOST_VIP" "the other is ghost's VIP (the poisoned record)"
assert_eq "1" "$(dk node1 service ps --filter desired-state=shutdown --filter desired-state=remove --format '{{.CurrentState}}' ghost | grep -c '^Running')" \
  "ghost's task still runs with desired state shutdown/remove"

tasks=$(task_ips gbs-cms)
assert_eq "2" "$(printf '%s\n' "$tasks" | grep -c .)" "gbs-cms has two running task IPs"
ghost_task=$(task_ips ghost gbsnet any)
assert_eq "1" "$(printf '%s\n' "$ghost_task" | grep -c .)" "ghost's lingering task has one IP"
# ghost's alias also puts its lingering task under tasks.gbs-cms (seen on dockerd 20.10).
# shellcheck disable=SC2086
assert_eq "$(printf '%s\n' $tasks $ghost_task | sort -V)" "$(dns_a tasks.gbs-cms)" \
  "tasks.gbs-cms answers gbs-cms's task IPs plus ghost's task IP"
assert_eq "1" "$(dns_a gbs-user | grep -c .)" "gbs-user resolves to one address"
assert_eq "$(service_vip gbs-user)" "$(dns_a gbs-user)" "gbs-user resolves to its VIP"

# TCP to a task IP works from the gateway's namespace (no IPVS here, so not to a VIP).
task=$(dk node1 service ps -q --filter desired-state=running gbs-cms | head -n 1)
tip=$(dk node1 inspect --type task -f '{{range .NetworksAttachments}}{{if eq .Network.Spec.Name "gbsnet"}}{{range .Addresses}}{{.}}{{end}}{{end}}{{end}}' "$task" | sed 's|/.*||')
tnode=$(dk node1 inspect --type task -f '{{.NodeID}}' "$task")
tcont=$(dk node1 inspect --type task -f '{{.Status.ContainerStatus.ContainerID}}' "$task")
for n in node1 node2; do
  if [ "$(dk $n info --format '{{.Swarm.NodeID}}')" = "$tnode" ]; then
    dk $n exec -d "$tcont" sh -c 'while true; do echo esra-hello | nc -l -p 8080; done'
  fi
done
got=
for _ in $(seq 1 30); do
  got=$(in_container gateway busybox nc -w 2 "$tip" 8080 </dev/null 2>/dev/null || true)
  [ -z "$got" ] || break
  sleep 0.3
done
assert_eq "esra-hello" "$got" "TCP from the gateway's namespace to a task IP answers"

# An emulator can live inside a container's namespace (for an esra run there, nsenter'd).
emu_start --netns "/proc/$(container_pid gateway)/ns/net" --quiet
assert_eq "200" "$(emu_get apps -o /dev/null -w '%{http_code}')" "an emulator inside the gateway's namespace answers there"
rc=0
curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$EMU_PORT/eureka/apps" || rc=$?
assert_ne "0" "$rc" "and is not reachable from the host"

assert_eq "DOCKER_HOST=unix://$SWARM_DIR/node2/docker.sock" "$("$SWARM_SH" env "$SWARM_DIR" node2)" "swarm.sh env"
"$SWARM_SH" check-host "$SWARM_DIR" || fail "the host's iptables or links changed"
pass "the host's iptables-save and ip link are as before swarm up"
it_finish
