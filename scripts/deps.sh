#!/usr/bin/env bash
# deps.sh: installs every build and test dependency of esra from Debian 12 packages, and the
# Eureka emulator's npm packages (tests/emulator, from its package-lock.json).
# Idempotent and quiet when everything is present: `apt-get update` runs at most once and only
# when a package is missing; only missing packages are installed. Installing docker.io never
# starts the host's docker (a policy-rc.d returning 101 is put in place for the install when
# none exists, and removed after).
# clang (with its sanitizer and libFuzzer runtimes), clang-format, shellcheck and cppcheck are
# the bar's checkers (scripts/lint.sh, the clang UBSan build, the fuzz targets).
# dnsmasq-base (the daemon without its system service), bind9-dnsutils (dig) and jq are the
# benchmark's real components (bench/bench.sh). prometheus gives promtool, which checks
# esra's metrics and contrib/'s alerting rules (its service is never started here);
# systemd (systemd-analyze verify), man-db (which it asks for the units' man pages) and
# dpkg-dev (dpkg-shlibdeps, for the Depends of `cpack -G DEB`) for the packaging tests.
# Usage: scripts/deps.sh        (as root, or with nothing missing)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(gcc make cmake pkg-config libcurl4-openssl-dev libxml2-dev libcjson-dev libconfig-dev
  libc-ares-dev libmicrohttpd-dev libcmocka-dev libgnutls28-dev openssl docker.io busybox-static iproute2 iptables
  curl procps libxml2-utils util-linux time bc
  clang libclang-rt-14-dev clang-format shellcheck cppcheck
  dnsmasq-base bind9-dnsutils jq
  prometheus systemd dpkg-dev man-db)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
# npm ci talks https to the registry: needs the CA bundle (a mere Recommends of npm).
if [ ! -d tests/emulator/node_modules ]; then
  pkgs+=(ca-certificates)
fi

missing=()
for p in "${pkgs[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: must run as root to install packages" >&2
    exit 1
  fi
  rc_made=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# written by esra scripts/deps.sh for one install: start no service\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    rc_made=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$rc_made" ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

if [ ! -d tests/emulator/node_modules ]; then
  echo "deps: npm ci in tests/emulator"
  (cd tests/emulator && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
