#!/usr/bin/env bash
# Builds the image builder the build stage runs: BuildKit (buildkitd, buildctl)
# and RootlessKit (the user namespace buildkitd runs in, unprivileged), from
# the Go module proxy at the versions pinned in go/buildkit/go.mod and go.sum,
# once. Also copies upstream's buildctl-daemonless.sh (the build Job's entry
# point: an ephemeral buildkitd under rootlesskit, then buildctl) out of the
# BuildKit module.
#
# Like build-node.sh, the output lands in a cache directory keyed by a hash of
# the pinned module files, so every clone on this machine shares it. Prints the
# directory on its last line.
#
#   SLUICE_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-~/.cache}/sluice)
#   SLUICE_GO_BUILD_P  go build parallelism (default: number of cores)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}"
key="$(cat "$here"/go/buildkit/go.mod "$here"/go/buildkit/go.sum "$here"/go/buildkit/tools.go "$here"/build-builder.sh \
  | sha256sum | cut -c1-16)"
bin="$cache_root/builder-bin/$key"
if [[ -x "$bin/buildkitd" && -x "$bin/buildctl" && -x "$bin/rootlesskit" && -f "$bin/buildctl-daemonless.sh" ]]; then
  echo "$bin"; exit 0
fi
command -v go >/dev/null || { echo "build-builder.sh: Go is required to build BuildKit (https://go.dev/dl)" >&2; exit 1; }

mod="$here/go/buildkit"
bk_version="$(go -C "$mod" list -m -f "{{.Version}}" github.com/moby/buildkit)"
rk_version="$(go -C "$mod" list -m -f "{{.Version}}" github.com/rootless-containers/rootlesskit/v2)"
bk_ldflags="-s -w -X github.com/moby/buildkit/version.Version=$bk_version -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit"
tmp="$bin.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
p="${SLUICE_GO_BUILD_P:-$(nproc)}"
echo "build-builder.sh: building BuildKit $bk_version and RootlessKit $rk_version into $bin" >&2
(cd "$mod" && go build -trimpath -p "$p" -ldflags "$bk_ldflags" -o "$tmp/buildkitd" github.com/moby/buildkit/cmd/buildkitd)
(cd "$mod" && go build -trimpath -p "$p" -ldflags "$bk_ldflags" -o "$tmp/buildctl" github.com/moby/buildkit/cmd/buildctl)
(cd "$mod" && go build -trimpath -p "$p" -ldflags "-s -w" -o "$tmp/rootlesskit" github.com/rootless-containers/rootlesskit/v2/cmd/rootlesskit)
install -m 0755 "$(go -C "$mod" list -m -f "{{.Dir}}" github.com/moby/buildkit)/examples/buildctl-daemonless/buildctl-daemonless.sh" "$tmp/"
printf '{"seconds":%d,"at":"%s"}\n' "$((SECONDS - start))" "$(date -u +%FT%TZ)" >"$tmp/build.json"
rm -rf "$bin"; mv "$tmp" "$bin"
echo "build-builder.sh: built in $((SECONDS - start)) s" >&2
echo "$bin"
