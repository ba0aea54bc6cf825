#!/usr/bin/env bash
# Installs the npm workspace from the lockfile, unless node_modules already
# matches it (a stamp of the lockfile's hash), so repeated runs are instant.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v node >/dev/null || { echo "install.sh: Node.js 20.19+ is required" >&2; exit 1; }
command -v go >/dev/null || { echo "install.sh: Go 1.26+ is required (it builds the local Kubernetes control plane)" >&2; exit 1; }
stamp=node_modules/.sluice-lockfile.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "install.sh: installing npm packages from package-lock.json" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

# Debian's Chromium, for the run pages' browser test (playwright-core drives it; no browser is downloaded).
if [[ ! -x /usr/bin/chromium ]]; then
  echo "install.sh: installing Debian's chromium (browser tests)" >&2
  if [[ $(id -u) -ne 0 ]]; then echo "install.sh: run as root, or: sudo apt-get install chromium" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
fi
