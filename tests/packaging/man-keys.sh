#!/usr/bin/env bash
# man-keys.sh ESRA MANPAGE: every configuration key esra knows (`esra config show` of the
# defaults: group.key) is described in MANPAGE (doc/esra.conf.5) as a bold .BR/.B term, and
# the page names no key esra does not know.
set -euo pipefail
esra=${1:?usage: man-keys.sh ESRA MANPAGE}
man=${2:?usage: man-keys.sh ESRA MANPAGE}
keys=$(env -u DOCKER_HOST -u ESRA_EUREKA_URLS -u ESRA_DNS_SERVER -u ESRA_CLUSTER_SERVICE \
  "$esra" config show -c /dev/null | awk '
  /^[a-z_]+ = \{/ { g = $1; next }
  /^  [a-z_]+ = / { print g "." $1 }')
[ -n "$keys" ] || { echo "esra config show printed no key" >&2; exit 1; }
documented=$(grep -E '^\.BR? ' "$man" | sed 's/"[^"]*"/ /g' | grep -oE '\b[a-z]+\.[a-z_]+\b' | sort -u)
missing=$(comm -23 <(sort -u <<<"$keys") <(cat <<<"$documented"))
unknown=$(comm -13 <(sort -u <<<"$keys") <(grep -E '^(eureka|docker|dns|swarm|names|probe|policy|watch|cluster|log)\.' <<<"$documented"))
[ -z "$missing" ] || { echo "$man does not describe: $missing" >&2; exit 1; }
[ -z "$unknown" ] || { echo "$man describes keys esra does not know: $unknown" >&2; exit 1; }
echo "$man describes all $(grep -c . <<<"$keys") keys"
