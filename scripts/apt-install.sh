#!/usr/bin/env bash
# Installs Debian packages when running as root; otherwise says what to install.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: $*. Install them (sudo apt-get install $*) and run again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
