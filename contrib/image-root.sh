#!/usr/bin/env bash
# image-root.sh: stage a root folder for contrib/Dockerfile: esra, its shared libraries and
# the dynamic loader (as ldd lists them), CA certificates and /etc/esra.
# Usage: contrib/image-root.sh path/to/esra OUTDIR
set -euo pipefail
bin=${1:?usage: image-root.sh ESRA_BINARY OUTDIR}
out=${2:?usage: image-root.sh ESRA_BINARY OUTDIR}
rm -rf "$out"
mkdir -p "$out/usr/bin" "$out/etc/esra" "$out/tmp"
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
printf 'root:x:0:0:root:/:/usr/bin/esra\n' >"$out/etc/passwd"
echo "staged $(du -sh "$out" | cut -f1) in $out"
