#!/usr/bin/env bash
# install-deps.sh — installs every Debian package jobd's build and tests need.
# Idempotent and quiet: when everything is present it only checks and exits.
set -euo pipefail

PKGS=(
  build-essential pkg-config clang
  libjansson-dev libsqlite3-dev libmicrohttpd-dev libcurl4-openssl-dev libyaml-dev libssl-dev
  python3 curl procps
  chromium nodejs fonts-wqy-microhei
  crun runc conmon busybox-static
  docker-registry skopeo umoci apache2-utils zstd gzip pigz isal openssl
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v kubectl >/dev/null 2>&1; then
  echo "install-deps: kubectl (v1.32) is expected on this machine but was not found" >&2
  exit 1
fi

# The console's end-to-end tests drive Debian's chromium with playwright-core and check
# pages with axe-core (npm, pinned by tests/console/package-lock.json).  Only run npm
# when node_modules is absent or older than the lock file, so a second run stays quiet
# and offline.
cd "$(dirname "$0")/.."
if [ -f tests/console/package-lock.json ] && command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/console/node_modules/playwright-core ] ||
     [ tests/console/package-lock.json -nt tests/console/node_modules/.package-lock.json ]; then
    echo "install-deps: npm ci in tests/console"
    (cd tests/console && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
