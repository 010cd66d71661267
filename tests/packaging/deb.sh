#!/usr/bin/env bash
# deb.sh BUILD_DIR: builds the Debian package with CPack (`cpack -G DEB`) and checks what it
# holds: the binary, esra(8) and esra.conf(5), the example config, the systemd units and the
# bash completion; its Depends come from dpkg-shlibdeps; the packaged binary runs.
set -euo pipefail
build=$(realpath "${1:?usage: deb.sh BUILD_DIR}")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$out" && cpack -G DEB --config "$build/CPackConfig.cmake" >cpack.log 2>&1) || { cat "$out/cpack.log" >&2; exit 1; }
deb=$(ls "$out"/*.deb)
list=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/esra ./usr/share/man/man8/esra.8 ./usr/share/man/man5/esra.conf.5 \
  ./usr/share/doc/esra/examples/esra.conf ./usr/lib/systemd/system/esra.service \
  ./usr/lib/systemd/system/esra.timer ./usr/share/bash-completion/completions/esra \
  ./usr/share/doc/esra/examples/esra-stack.yml ./usr/share/doc/esra/examples/esra-alerts.yml; do
  grep -qx "$f" <<<"$list" || { echo "$(basename "$deb") lacks $f" >&2; exit 1; }
done
[ "$(dpkg-deb -f "$deb" Package)" = esra ] || { echo "package name" >&2; exit 1; }
deps=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl libcjson libconfig libc-ares libmicrohttpd libxml2; do
  grep -q "$lib" <<<"$deps" || { echo "Depends lacks $lib: $deps" >&2; exit 1; }
done
dpkg-deb -x "$deb" "$out/root"
v=$("$out/root/usr/bin/esra" version)
[ "$v" = "esra $(dpkg-deb -f "$deb" Version)" ] || { echo "packaged esra says '$v'" >&2; exit 1; }
cmp -s "$out/root/usr/share/doc/esra/examples/esra.conf" "$(dirname "$0")/../../etc/esra.conf" ||
  { echo "the packaged example config is not etc/esra.conf" >&2; exit 1; }
echo "$(basename "$deb"): $(grep -c . <<<"$list") entries, Depends: $deps"
