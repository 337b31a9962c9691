#!/usr/bin/env bash
# Mounts that let daemons chrooted into the compatibility rootfs (scripts/compat-rootfs.sh) share this
# host's view, and the undoing of them.
#
#   scripts/compat-mounts.sh up   ROOTFS   bind ROOTFS onto itself; rbind /proc /sys /dev /run /tmp into it
#   scripts/compat-mounts.sh down ROOTFS   undo `up` (each mount it made, innermost first)
#
# Why each one:
# - ROOTFS must be a mount point: dockerd remounts its root's propagation at start.
# - /run is shared both ways: dockerd, chrooted, bind-mounts each sandbox's network namespace on
#   /run/docker/netns/<id> (moby libnetwork/osl) and hands that path to network drivers as SandboxKey. A
#   driver outside the chroot opens the same path in its own view, so the mount must propagate out of the
#   chroot's /run to the host's /run. Where / is a private mount (systemd makes it shared; many
#   containers and minimal hosts do not), a plain rbind copies the mounts at bind time and nothing made
#   later crosses: the driver would find an empty file, not a network namespace. `up` therefore makes
#   /run a shared mount (binding it onto itself first if it is no mount point) before the rbind, so the
#   two are peers. Plugin sockets (/run/docker/plugins), /run/docker.sock and the OVS/OVN sockets are the
#   same files on both sides through the same mount.
# - /tmp: the test stacks keep databases and sockets under /tmp/ovn-stack-*; daemons run from the rootfs
#   open them by the same path.
# `up` records the mounts it made in ROOTFS.mounts; `down` unmounts exactly those. The host's /run stays a
# shared mount point afterwards.
set -Eeuo pipefail
[[ $# -eq 2 && ($1 == up || $1 == down) ]] || { echo "usage: $0 up|down ROOTFS" >&2; exit 2; }
CMD=$1
ROOT=$(cd -- "$2" && pwd -P)
RECORD=$ROOT.mounts
log() { echo "compat-mounts.sh: $*" >&2; }

is_mountpoint() { findmnt -rn -M "$1" >/dev/null 2>&1; }

up() {
  if [[ -s $RECORD ]]; then
    log "mounts of $ROOT are up already ($RECORD)"
    return 0
  fi
  : >"$RECORD"
  # Left as it is by `down`: unmounting /run again would hide what was mounted under it since, and a
  # shared /run is what systemd hosts have anyway. --rbind keeps what is already mounted below /run.
  if ! is_mountpoint /run; then
    mount --rbind /run /run
  fi
  if [[ $(findmnt -rn -o PROPAGATION -M /run) != shared* ]]; then
    mount --make-shared /run
  fi
  if ! is_mountpoint "$ROOT"; then
    mount --bind "$ROOT" "$ROOT"
    echo "$ROOT" >>"$RECORD"
  fi
  local d
  for d in proc sys dev run tmp; do
    mkdir -p "$ROOT/$d"
    mount --rbind "/$d" "$ROOT/$d"
    # rslave everywhere but /run: mounts made inside the chroot under /proc, /sys, /dev, /tmp must not
    # appear on the host, and unmounting the tree later must not unmount the host's.
    [[ $d == run ]] || mount --make-rslave "$ROOT/$d"
    echo "$ROOT/$d" >>"$RECORD"
  done
  log "mounted $ROOT (/run shared with the host)"
}

down() {
  [[ -f $RECORD ]] || return 0
  local lines m
  mapfile -t lines <"$RECORD"
  for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
    m=${lines[i]}
    case $m in
      "$ROOT/run")
        # A peer of the host's /run: unmounting it as it is would propagate into the host's /run and take
        # its mounts (network namespaces of `ip netns`, of running containers) with it. As a slave it
        # receives but sends nothing.
        mount --make-rslave "$m"
        umount -R "$m" 2>/dev/null || umount -R -l "$m"
        ;;
      *) umount -R "$m" 2>/dev/null || umount -R -l "$m" ;;
    esac
  done
  rm -f "$RECORD"
  log "unmounted $ROOT"
}

"$CMD"
