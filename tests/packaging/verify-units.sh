#!/usr/bin/env bash
# verify-units.sh BUILD_DIR: installs the build into a scratch root (prefix /usr, as the
# Debian package does) and runs `systemd-analyze verify` on the installed esra.service and
# esra.timer there: the ExecStart binary must exist in that root, the Documentation= man
# pages must open, and systemd must print nothing at all (it only warns about some errors).
# The host's .target units are copied into the root, since the units' default dependencies
# name them.
set -euo pipefail
build=${1:?usage: verify-units.sh BUILD_DIR}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
DESTDIR=$root cmake --install "$build" --prefix /usr >/dev/null
units=$root/usr/lib/systemd/system
for t in /usr/lib/systemd/system/*.target; do
  [ -e "$units/$(basename "$t")" ] || cp "$t" "$units/"
done
grep -q "^ExecStart=/usr/bin/esra " "$units/esra.service" || { echo "ExecStart does not name /usr/bin/esra" >&2; exit 1; }
out=$(MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" "$units/esra.service" "$units/esra.timer" 2>&1) || {
  echo "$out" >&2
  exit 1
}
[ -z "$out" ] || { echo "systemd-analyze verify: $out" >&2; exit 1; }
echo "systemd-analyze verify: esra.service and esra.timer ok"
