#!/usr/bin/env bash
# Builds Jaeger v2 (an OpenTelemetry Collector distribution with an in-memory
# trace store and a query API) from the Go module proxy at the version pinned
# in go/go.mod and go.sum, once.
#
# The binary lands in a cache directory keyed by a hash of the pinned module
# files and this script, so every clone on this machine shares it and only a
# version change triggers a rebuild. Prints the binary's path on its last line.
# Go's own GOMODCACHE and GOCACHE are honoured as set.
#
#   SLUICE_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-~/.cache}/sluice)
#   SLUICE_GO_BUILD_P  go build parallelism (default: number of cores)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}"
key="$(cat "$here"/go/go.mod "$here"/go/go.sum "$here"/build.sh | sha256sum | cut -c1-16)"
bin="$cache_root/trace-receiver-bin/$key"
if [[ -x "$bin/jaeger" ]]; then
  echo "$bin/jaeger"; exit 0
fi
command -v go >/dev/null || { echo "build.sh: Go is required to build the trace receiver (https://go.dev/dl)" >&2; exit 1; }

# The jaeger module's v1.x versions carry the v2 binary (v1.76.0 is Jaeger v2.13.0).
module_version="$(go -C "$here/go" list -m -f "{{.Version}}" github.com/jaegertracing/jaeger)"
ldflags="-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=$module_version"
tmp="$bin.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
p="${SLUICE_GO_BUILD_P:-$(nproc)}"
echo "build.sh: building Jaeger $module_version into $bin (cold: about 7 min on 2 cores, 2.3 GB peak)" >&2
(cd "$here/go" && go build -trimpath -p "$p" -ldflags "$ldflags" -o "$tmp/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger)
rm -rf "$bin"; mv "$tmp" "$bin"
echo "build.sh: built in $((SECONDS - start)) s" >&2
echo "$bin/jaeger"
