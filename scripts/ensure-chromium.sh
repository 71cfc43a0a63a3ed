#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright never downloads one).
set -euo pipefail
if command -v chromium >/dev/null; then exit 0; fi
echo "Installing Debian's Chromium for the browser tests…"
"$(dirname "$0")/apt-install.sh" chromium fonts-thai-tlwg
