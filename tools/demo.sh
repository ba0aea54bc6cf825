#!/usr/bin/env bash
# The demo, from a fresh clone: installs what it needs (npm packages from the
# lockfile; the local Kubernetes control plane and the trace receiver, built
# once from the Go module proxy and cached), then pushes four versions of a
# sample app through Sluice on a local control plane and checks what happened.
# Exit code 0 only if everything behaved as expected. See tools/demo/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash tools/scripts/install.sh
bash tools/local-cluster/build.sh >/dev/null
if [[ -f tools/trace-receiver/build.sh ]]; then bash tools/trace-receiver/build.sh >/dev/null; fi
exec node --import tsx tools/demo/src/main.ts "$@"
