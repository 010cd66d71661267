#!/usr/bin/env bash
# image-root.sh: stage the build context of contrib/Dockerfile: esra, its shared libraries
# and the dynamic loader (as ldd lists them), CA certificates, an unprivileged user `esra`
# (uid/gid 10001), /etc/esra, /var/log/esra (the audit log's folder) and /var/lib/esra
# (state.dir, esra's memory), both volumes in contrib/esra-stack.yml. Nothing else: no shell, no curl (`esra health` is the healthcheck).
# Usage: contrib/image-root.sh path/to/esra OUTDIR
set -euo pipefail
bin=${1:?usage: image-root.sh ESRA_BINARY OUTDIR}
out=${2:?usage: image-root.sh ESRA_BINARY OUTDIR}
[ -x "$bin" ] || { echo "image-root.sh: $bin is not an executable" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/usr/bin" "$out/etc/esra" "$out/tmp" "$out/var/log/esra" "$out/var/lib/esra"
chmod 1777 "$out/tmp"
cp "$bin" "$out/usr/bin/esra"
# every library ldd resolves, plus the loader itself
ldd "$bin" | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}' | sort -u | while read -r lib; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$out/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/"
fi
printf 'root:x:0:0:root:/:/usr/bin/esra\nesra:x:10001:10001:esra:/var/log/esra:/usr/bin/esra\n' >"$out/etc/passwd"
printf 'root:x:0:\nesra:x:10001:\n' >"$out/etc/group"
echo "staged $(du -sh "$out" | cut -f1) in $out"
