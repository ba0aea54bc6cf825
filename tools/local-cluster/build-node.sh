#!/usr/bin/env bash
# Builds the node binaries that are not part of Kubernetes itself: CoreDNS
# (cluster DNS, cut down to the plugins it needs), kube-router (run only as the
# NetworkPolicy firewall) and pause (the pod sandbox's PID 1), from the Go
# module proxy at the versions pinned in go/{coredns,kube-router,pause}/go.mod
# and go.sum, once.
#
# Like build.sh, the binaries land in a cache directory keyed by a hash of the
# pinned module files, so every clone on this machine shares them and only a
# version change triggers a rebuild. Prints the binary directory on its last line.
#
#   SLUICE_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-~/.cache}/sluice)
#   SLUICE_GO_BUILD_P  go build parallelism (default: number of cores)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}"
# pause needs only the standard library, so it has no go.sum.
key="$(cat "$here"/go/coredns/go.mod "$here"/go/coredns/go.sum "$here"/go/coredns/main.go \
  "$here"/go/kube-router/go.mod "$here"/go/kube-router/go.sum "$here"/go/kube-router/main.go \
  "$here"/go/pause/go.mod "$here"/go/pause/main.go "$here"/build-node.sh | sha256sum | cut -c1-16)"
bin="$cache_root/node-bin/$key"
if [[ -x "$bin/coredns" && -x "$bin/kube-router" && -x "$bin/pause" ]]; then
  echo "$bin"; exit 0
fi
command -v go >/dev/null || { echo "build-node.sh: Go is required to build the local node binaries (https://go.dev/dl)" >&2; exit 1; }

coredns_version="$(go -C "$here/go/coredns" list -m -f "{{.Version}}" github.com/coredns/coredns)"
kr_version="$(go -C "$here/go/kube-router" list -m -f "{{.Version}}" github.com/cloudnativelabs/kube-router/v2)"
# CoreDNS's -version reads gitTag (its release number is a constant);
# kube-router's --version prints version.Version and version.BuildDate.
coredns_ldflags="-s -w -X github.com/coredns/coredns/coremain.gitTag=$coredns_version"
kr_ldflags="-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$kr_version \
 -X github.com/cloudnativelabs/kube-router/v2/pkg/version.BuildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
tmp="$bin.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
p="${SLUICE_GO_BUILD_P:-$(nproc)}"
echo "build-node.sh: building CoreDNS $coredns_version, kube-router $kr_version and pause into $bin" >&2
(cd "$here/go/pause" && go build -trimpath -p "$p" -ldflags "-s -w" -o "$tmp/pause" .)
(cd "$here/go/coredns" && go build -trimpath -p "$p" -ldflags "$coredns_ldflags" -o "$tmp/coredns" .)
(cd "$here/go/kube-router" && go build -trimpath -p "$p" -ldflags "$kr_ldflags" -o "$tmp/kube-router" .)
printf '{"seconds":%d,"at":"%s"}\n' "$((SECONDS - start))" "$(date -u +%FT%TZ)" >"$tmp/build.json"
rm -rf "$bin"; mv "$tmp" "$bin"
echo "build-node.sh: built in $((SECONDS - start)) s" >&2
echo "$bin"
