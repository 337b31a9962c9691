#!/usr/bin/env bash
# Builds (once per package list) the Debian 13 (trixie) rootfs the compatibility tier runs Docker Engine 26.1
# and OVN 25.03 from: their binaries need trixie's glibc, so they run chrooted, not on the Debian 12 host
# (docs/COMPAT.md). Prints the rootfs path on stdout; progress goes to stderr.
#
#   scripts/compat-rootfs.sh            build if missing or if PACKAGES changed, print the path
#
# Environment:
#   COMPAT_CACHE   cache directory (default /var/cache/docker-ovn-driver)
#   COMPAT_MIRROR  Debian mirror (default: the first URIs of apt's own sources)
#
# The rootfs is built next to the old one and renamed into place, so an interrupted build never leaves a
# half-made tree where a later run would use it. The OVN .ovsschema files are copied to
# $COMPAT_CACHE/trixie-schemas/ for tools that want the 25.03 schemas without a chroot.
set -Eeuo pipefail

# Everything the tier runs from the rootfs. ovn-central brings ovsdb-server (openvswitch-switch) and
# ovn-northd; ovn-host brings ovn-controller. OVS itself (ovs-vswitchd) stays the host's: ovn-controller
# talks to it over OVSDB, whose protocol does not depend on the version.
PACKAGES=docker.io,containerd,runc,iproute2,ca-certificates,ovn-central,ovn-host,busybox-static,docker-compose
CACHE=${COMPAT_CACHE:-/var/cache/docker-ovn-driver}
ROOT=$CACHE/trixie
STAMP=$ROOT.packages

log() { echo "compat-rootfs.sh: $*" >&2; }

mirror() {
  [[ -n ${COMPAT_MIRROR:-} ]] && { echo "$COMPAT_MIRROR"; return; }
  local m
  m=$(grep -h -m1 -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}') || true
  [[ -n $m ]] || m=$(grep -h -m1 -E '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}') || true
  echo "${m:-http://deb.debian.org/debian}"
}

# Daemons a package's maintainer script started inside the new tree (invoke-rc.d in a chroot normally
# refuses, but a stray would hold the tree busy): stop them by pid.
stop_strays() { # dir
  local p root
  for p in /proc/[0-9]*; do
    root=$(readlink "$p/root" 2>/dev/null) || continue
    [[ $root == "$1" || $root == "$1"/* ]] || continue
    log "stopping ${p#/proc/} ($(cat "$p/comm" 2>/dev/null)) left running in $1"
    kill "${p#/proc/}" 2>/dev/null || true
  done
}

mkdir -p "$CACHE"
exec 9>"$CACHE/trixie.lock"
flock 9
if [[ -x $ROOT/usr/sbin/dockerd && -f $STAMP && $(cat "$STAMP") == "$PACKAGES" ]]; then
  echo "$ROOT"
  exit 0
fi
command -v debootstrap >/dev/null || {
  log "installing debootstrap"
  apt-get install -y -qq debootstrap >/dev/null
}
NEW=$ROOT.new
# A leftover from an interrupted build may still have proc mounted by debootstrap.
if [[ -d $NEW ]]; then
  umount -R "$NEW/proc" "$NEW/sys" 2>/dev/null || true
  rm -rf --one-file-system "$NEW"
fi
MIRROR=$(mirror)
log "debootstrap trixie from $MIRROR into $NEW (about two minutes)"
start=$SECONDS
if ! debootstrap --variant=minbase --include="$PACKAGES" trixie "$NEW" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1; then
  stop_strays "$NEW"
  log "debootstrap failed; last lines of $CACHE/debootstrap.log:"
  tail -20 "$CACHE/debootstrap.log" >&2
  exit 1
fi
stop_strays "$NEW"
# chroot'ed tools resolve names through these.
cp /etc/resolv.conf "$NEW/etc/resolv.conf"
if [[ -d $ROOT ]]; then rm -rf --one-file-system "$ROOT"; fi
mv "$NEW" "$ROOT"
rm -rf "$CACHE/trixie-schemas"
mkdir -p "$CACHE/trixie-schemas"
cp "$ROOT"/usr/share/ovn/*.ovsschema "$ROOT"/usr/share/openvswitch/vswitch.ovsschema "$CACHE/trixie-schemas/" 2>/dev/null || true
echo "$PACKAGES" >"$STAMP"
log "rootfs ready in $((SECONDS - start))s"
echo "$ROOT"
