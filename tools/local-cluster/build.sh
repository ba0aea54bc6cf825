#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet,
# kube-proxy and kubectl from the Go module
# proxy at the versions pinned in go/*/go.mod and go.sum, once.
#
# The binaries land in a cache directory keyed by a hash of the pinned module
# files, so every clone on this machine shares them and only a version change
# triggers a rebuild. Prints the binary directory on its last line.
#
#   SLUICE_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-~/.cache}/sluice)
#   SLUICE_GO_BUILD_P  go build parallelism (default: number of cores)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}"
key="$(cat "$here"/go/kube/go.mod "$here"/go/kube/go.sum "$here"/go/etcd/go.mod "$here"/go/etcd/go.sum \
  "$here"/go/kube/cmd/*/main.go "$here"/go/etcd/main.go "$here"/build.sh | sha256sum | cut -c1-16)"
bin="$cache_root/kube-bin/$key"
if [[ -x "$bin/etcd" && -x "$bin/kube-apiserver" && -x "$bin/kube-controller-manager" && -x "$bin/kubectl" \
  && -x "$bin/kubelet" && -x "$bin/kube-proxy" && -x "$bin/kube-scheduler" ]]; then
  echo "$bin"; exit 0
fi
command -v go >/dev/null || { echo "build.sh: Go is required to build the local control plane (https://go.dev/dl)" >&2; exit 1; }

k8s_version="$(go -C "$here/go/kube" list -m -f "{{.Version}}" k8s.io/kubernetes)"
minor="$(echo "$k8s_version" | cut -d. -f2)"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version \
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
 -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$k8s_version"
tmp="$bin.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
p="${SLUICE_GO_BUILD_P:-$(nproc)}"
echo "build.sh: building Kubernetes $k8s_version and etcd into $bin (cold: about 8 min on 2 cores)" >&2
(cd "$here/go/etcd" && go build -trimpath -p "$p" -ldflags "-s -w" -o "$tmp/etcd" .)
(cd "$here/go/kube" && go build -trimpath -p "$p" -ldflags "$ldflags" -o "$tmp/" ./cmd/kube-apiserver ./cmd/kube-controller-manager ./cmd/kube-scheduler \
  ./cmd/kubelet ./cmd/kube-proxy ./cmd/kubectl)
printf '{"seconds":%d,"at":"%s"}\n' "$((SECONDS - start))" "$(date -u +%FT%TZ)" >"$tmp/build.json"
rm -rf "$bin"; mv "$tmp" "$bin"
echo "build.sh: built in $((SECONDS - start)) s" >&2
echo "$bin"
