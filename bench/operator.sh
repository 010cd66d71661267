#!/usr/bin/env bash
# operator.sh: what an operator scripts instead of esra, with curl, jq and dig, doing less:
# only "does a service name answer more than its VIP" and "does an instance's ipAddr belong
# to a live task". Prints finding ids as esra does (poisoned_name:NAME,
# stale_instance:APP/ID), sorted. The bench runs it next to esra on the same world.
# Usage: bench/operator.sh HTTP_BASE DNS_SERVER DNS_PORT   (e.g. http://127.0.0.1:8080 127.0.0.1 53)
set -euo pipefail
base=$1 server=$2 port=$3
tmp=$(mktemp -d /tmp/esra-operator.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
curl -sf "$base/v1.41/services" |
  jq -r '.[] | .Spec.Name + " " + ((.Endpoint.VirtualIPs // [])[0].Addr // "" | split("/")[0])' >"$tmp/vips"
curl -sf "$base/v1.41/tasks" |
  jq -r '.[] | select(.Status.State == "running" and .DesiredState == "running")
         | .NetworksAttachments[]?.Addresses[]? | split("/")[0]' >"$tmp/live"
curl -sf -H 'Accept: application/json' "$base/eureka/apps/" |
  jq -r '.applications.application[].instance[] | .app + "/" + .instanceId + " " + .ipAddr' >"$tmp/inst"
awk '{print $1}' "$tmp/vips" >"$tmp/names"
dig @"$server" -p "$port" +noall +answer +tries=2 +time=2 -f "$tmp/names" >"$tmp/answers" || true
{
  # a name answering an address that is not its VIP
  awk 'FNR == NR {vip[$1] = $2; next}
       $4 == "A" {n = $1; sub(/\.$/, "", n); if ($5 != vip[n]) print "poisoned_name:" n}' \
    "$tmp/vips" "$tmp/answers" | sort -u
  # an instance whose ipAddr no live task has
  awk 'FNR == NR {live[$1] = 1; next} !($2 in live) {print "stale_instance:" $1}' "$tmp/live" "$tmp/inst"
} | sort
