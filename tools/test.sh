#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (npm
# packages from the lockfile; the Debian packages of the real node; the local
# Kubernetes cluster, its node binaries and base images, built once from the
# Go module proxy and Debian's packages and cached), then runs lint,
# typecheck, every project's tests against shared real clusters, and the app
# builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-false}"

bash tools/scripts/install.sh
bash tools/local-cluster/install-node-packages.sh >/dev/null
bash tools/local-cluster/build.sh >/dev/null
bash tools/local-cluster/build-node.sh >/dev/null
bash tools/local-cluster/build-builder.sh >/dev/null
bash tools/local-cluster/build-collector.sh >/dev/null
bash tools/local-cluster/images.sh >/dev/null
bash tools/trace-receiver/build.sh >/dev/null
exec node --import tsx tools/scripts/test-all.ts "$@"
