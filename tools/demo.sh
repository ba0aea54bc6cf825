#!/usr/bin/env bash
# The demo, from a fresh clone: installs what it needs (npm packages from the
# lockfile; the node's Debian packages; the local Kubernetes cluster, its base
# images and the trace receiver, built once from the Go module proxy and
# cached; the four services' bundles), then installs Sluice on a local cluster
# with a real node, pushes four versions of a sample app through it and checks
# what happened.
# Exit code 0 only if everything behaved as expected. See tools/demo/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash tools/scripts/install.sh
bash tools/local-cluster/install-node-packages.sh >/dev/null
bash tools/local-cluster/build.sh >/dev/null
bash tools/local-cluster/images.sh >/dev/null
bash tools/trace-receiver/build.sh >/dev/null
# The four services' bundles, which their images are built from.
NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false npx nx run-many -t build -p @sluice/webhook-gateway @sluice/test-runner @sluice/deployer @sluice/notifier --output-style=static >/dev/null
exec node --import tsx tools/demo/src/main.ts "$@"
