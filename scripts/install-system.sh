#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real: Chromium (the browser
# test), HAProxy (the load-balancer test), redis-server (pub/sub across
# servers). A machine that has them all is left alone. CI runs this; on a
# developer's machine without them those tests skip with a one-line reason.
set -euo pipefail
declare -A COMMAND_OF=([chromium]=chromium [haproxy]=haproxy [redis-server]=redis-server)
missing=()
for package in "${!COMMAND_OF[@]}"; do
  command -v "${COMMAND_OF[$package]}" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-system: ${missing[*]} missing and installing needs root: run 'sudo $0'" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${missing[@]}"
fi
for package in "${!COMMAND_OF[@]}"; do
  echo "$package: $(command -v "${COMMAND_OF[$package]}")"
done
