#!/usr/bin/env bash
# Builds the OpenTelemetry Collector (otelcol) that runs deploy/'s collector as
# a pod in the local cluster: upstream core and contrib components, cut down to
# the ones that config uses, from the Go module proxy at the versions pinned in
# go/otel-collector/go.mod and go.sum, once.
#
# Like build.sh, the binary lands in a cache directory keyed by a hash of the
# pinned module files, so every clone on this machine shares it and only a
# version change triggers a rebuild. Prints the binary directory on its last line.
#
#   SLUICE_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-~/.cache}/sluice)
#   SLUICE_GO_BUILD_P  go build parallelism (default: number of cores)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}"
key="$(cat "$here"/go/otel-collector/go.mod "$here"/go/otel-collector/go.sum "$here"/go/otel-collector/*.go \
  "$here"/build-collector.sh | sha256sum | cut -c1-16)"
bin="$cache_root/collector-bin/$key"
if [[ -x "$bin/otelcol" ]]; then
  echo "$bin"; exit 0
fi
command -v go >/dev/null || { echo "build-collector.sh: Go is required to build the local collector (https://go.dev/dl)" >&2; exit 1; }

otelcol_version="$(go -C "$here/go/otel-collector" list -m -f "{{.Version}}" go.opentelemetry.io/collector/otelcol)"
tmp="$bin.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
p="${SLUICE_GO_BUILD_P:-$(nproc)}"
echo "build-collector.sh: building the OpenTelemetry Collector $otelcol_version into $bin" >&2
(cd "$here/go/otel-collector" && go build -trimpath -p "$p" -ldflags "-s -w" -o "$tmp/otelcol" .)
printf '{"seconds":%d,"at":"%s"}\n' "$((SECONDS - start))" "$(date -u +%FT%TZ)" >"$tmp/build.json"
rm -rf "$bin"; mv "$tmp" "$bin"
echo "build-collector.sh: built in $((SECONDS - start)) s" >&2
echo "$bin"
