#!/usr/bin/env bash
# demo.sh: the README's first command. Installs what is missing (scripts/deps.sh), builds esra,
# then either
#   - (no argument) reproduces the gbs-cms incident on a throwaway two-node swarm on this
#     machine: service ghost holds the alias gbs-cms with no live task behind its VIP, Eureka
#     (the project's emulator) holds live gbs-cms instances registered by the real
#     eureka-js-client and one stale instance; runs `esra check` from the gateway container's
#     seat (dns.netns = container:gateway), then `esra preflight gbs-cms gbs-cms-new` and
#     `esra explain` of the stale address, prints them, and tears everything down (root needed: it runs its own dockerd instances in
#     their own network namespaces; the host's network is not touched);
#   - (-c FILE) runs `esra check -c FILE` against your own swarm and Eureka.
# Usage (as root): scripts/demo.sh [-c FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

config=
if [ "${1:-}" = -c ]; then
  config=${2:?usage: scripts/demo.sh [-c FILE]}
elif [ $# -gt 0 ]; then
  echo "usage: scripts/demo.sh [-c FILE]" >&2
  exit 3
fi

scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

if [ -n "$config" ]; then
  exec build/esra check -c "$config"
fi

[ "$(id -u)" -eq 0 ] || { echo "demo.sh: the demo swarm needs root" >&2; exit 3; }
export ESRA_BIN=$PWD/build/esra
export ESRA_SWARM_QUIET=1
# the integration harness builds the scene and tears it down, whatever happens
# shellcheck source=tests/integration/common.sh
source tests/integration/common.sh
# shellcheck source=tests/integration/lib-esra.sh
source tests/integration/lib-esra.sh

echo "== a throwaway two-node swarm (node1 manager, node2 worker) and the incident"
swarm_up
incident_setup
echo "   gbs-cms's VIP is $GBS_CMS_VIP; ghost (scaled to 0, alias gbs-cms) holds $GHOST_VIP"
echo "   inside the gateway container: gbs-cms -> $(dns_a gbs-cms | tr '\n' ' ')"
echo "== Eureka: live gbs-cms instances (eureka-js-client) and a stale one"
emu_start --quiet
for ip in $(task_ips gbs-cms); do
  jsclient_start --app gbs-cms --ip "$ip" --instance-id "$ip:gbs-cms:8080" --interval 5000
done
register_stale GBS-CMS "$(net_ip 250):gbs-cms:8080" "$(net_ip 250)" 600
esra_conf "$IT_TMP/esra.conf" node1
echo "== esra check (from the gateway's seat: dns.netns = container:gateway)"
echo "   config: $(tr '\n' ' ' <"$IT_TMP/esra.conf")"
echo
set +e
"$ESRA" check -c "$IT_TMP/esra.conf"
echo "(exit $?)"
echo
echo "== esra preflight gbs-cms gbs-cms-new"
"$ESRA" preflight -c "$IT_TMP/esra.conf" gbs-cms gbs-cms-new
echo "(exit $?)"
echo
echo "== esra explain $GHOST_VIP (what is that address?)"
"$ESRA" explain -c "$IT_TMP/esra.conf" "$GHOST_VIP"
echo "(exit $?)"
set -e
echo
echo "== tearing down"
it_finish >/dev/null
