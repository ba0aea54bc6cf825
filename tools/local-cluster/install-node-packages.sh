#!/usr/bin/env bash
# Installs the Debian packages the real local node runs on, when any is
# missing: containerd and runc (the container runtime), the CNI plugins,
# iptables, ipset and conntrack (kube-proxy, kube-router), tini (the node's
# init), Debian's OCI registry, and umoci, skopeo, busybox-static and
# libcap2-bin's setcap (the base images). Needs root and apt; prints "ok" on its last line.
set -euo pipefail
packages=(containerd runc containernetworking-plugins iptables ipset conntrack tini docker-registry umoci skopeo busybox-static libcap2-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || { echo "install-node-packages.sh: root is needed to install: ${missing[*]}" >&2; exit 1; }
  echo "install-node-packages.sh: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
echo ok
