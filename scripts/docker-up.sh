#!/usr/bin/env bash
# Make sure a Docker engine answers, and that the image busybox:local exists.
#
#   scripts/docker-up.sh [up] [DIR]   start containerd + dockerd if `docker info`
#                                     fails; logs/pids under DIR
#                                     (default /var/run/docker-ovn-driver-harness)
#   scripts/docker-up.sh down [DIR]   stop only what `up` started in DIR (by pid); with DOCKERD_ONLY=1
#                                     dockerd alone, as `systemctl restart docker` does (containerd and
#                                     the containers of a live-restore engine keep running)
#
# `up` prints STARTED=1 if it started dockerd, STARTED=0 if one already answered,
# then IMAGE=busybox:local. Progress goes to stderr.
#
# dockerd runs with --iptables=false --ip-masq=false --bridge=none (see
# docs/REAL-STACK.md); it uses the normal /var/lib/docker and /run/docker so
# that legacy plugin sockets in /run/docker/plugins are discovered as usual.
#
# Environment:
#   DOCKERD_ARGS   more dockerd arguments for `up`, space-separated (e.g. --live-restore)
#   DOCKER         docker client to use (default /usr/bin/docker if present:
#                  Debian's 20.10 client matching dockerd; else `docker`)
#   DOCKER_TIMEOUT seconds to wait for the engine (default 60)
#   IMAGE          image to ensure (default busybox:local)
#   DOCKER_ROOTFS  run containerd and dockerd from this rootfs, in a mount namespace whose root it is
#                  (another engine release, e.g. the Debian 13 tree of scripts/compat-rootfs.sh, mounted
#                  by scripts/compat-mounts.sh):
#                  their own state under /var/lib/*-compat and /run/containerd-compat in it; `up` then
#                  refuses an engine of another version that already answers on /var/run/docker.sock.
set -Eeuo pipefail

CMD=up
if [[ ${1:-} == up || ${1:-} == down ]]; then
  CMD=$1
  shift
fi
[[ $# -le 1 ]] || {
  echo "usage: $0 [up|down] [DIR]" >&2
  exit 2
}
DIR=${1:-/var/run/docker-ovn-driver-harness}
TIMEOUT=${DOCKER_TIMEOUT:-60}
IMAGE=${IMAGE:-busybox:local}
if [[ -z ${DOCKER:-} ]]; then
  if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi
CONTAINERD_SOCK=/run/containerd/containerd.sock
ROOTFS=${DOCKER_ROOTFS:-}
CHROOT=()
if [[ -n $ROOTFS ]]; then
  [[ -x $ROOTFS/usr/sbin/dockerd ]] || { echo "docker-up.sh: error: no dockerd in DOCKER_ROOTFS=$ROOTFS" >&2; exit 1; }
  [[ -d $ROOTFS/proc/self ]] || { echo "docker-up.sh: error: $ROOTFS is not mounted (scripts/compat-mounts.sh up $ROOTFS)" >&2; exit 1; }
  CHROOT=(chroot "$ROOTFS")
  # The rootfs's own containerd: the host's cannot see overlay mounts made inside the chroot.
  CONTAINERD_SOCK=/run/containerd-compat/containerd.sock
fi

# containerd from the rootfs, in a mount namespace of its own whose root *is* the rootfs (pivot_root), not
# a chroot: runc enters a container for `docker exec` with setns(2), which sets the root to the topmost
# mount on the namespace's "/"; under a plain chroot that is the host's root, and the exec'd program is
# looked up there ("executable file not found"). Mounts keep propagating: the namespace is made with
# --propagation unchanged, and only / and the rootfs (never /run) are made private, as pivot_root requires.
# /.oldroot (the host's tree) stays mounted: unmounting it would propagate into the host's shared /run.
ROOTFS_NS_ENTER='mount --make-private / && mount --make-private "$0" && cd "$0" && mkdir -p .oldroot && pivot_root . .oldroot && exec chroot . "$@"'

log() { echo "docker-up.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

docker_ok() { timeout 10 "$DOCKER" info >/dev/null 2>&1; }
containerd_ok() { [[ -S $CONTAINERD_SOCK ]] && timeout 5 "${CHROOT[@]}" ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1; }

# With DOCKER_ROOTFS: the version of its dockerd, and whether the engine that answers is that one.
rootfs_version() { "${CHROOT[@]}" dockerd --version | sed -E 's/^Docker version ([^ ,+]+).*/\1/'; }
right_engine() {
  [[ -n $ROOTFS ]] || return 0
  local want have
  want=$(rootfs_version)
  have=$(timeout 10 "$DOCKER" version -f '{{.Server.Version}}' 2>/dev/null) || return 1
  [[ ${have%%+*} == "$want" ]] || die "a Docker engine $have already answers on /var/run/docker.sock, not $want of $ROOTFS: stop it first"
}

# pid from DIR/NAME.pid if that process is alive (not a zombie) and named PROC
alive_pid() { # name proc
  local f=$DIR/$1.pid pid comm stat
  [[ -f $f ]] || return 1
  pid=$({ tr -dc '0-9' <"$f"; } 2>/dev/null) || return 1
  [[ -n $pid ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "${2:0:15}" ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]] || return 1
  echo "$pid"
}

wait_for() { # seconds description cmd...
  local secs=$1 deadline=$((SECONDS + $1)) desc=$2
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || {
      log "timed out after ${secs}s waiting for $desc"
      return 1
    }
    sleep 0.2
  done
}

gone() { ! alive_pid "$1" "$2" >/dev/null; }

stop_one() { # name proc
  local pid
  pid=$(alive_pid "$1" "$2") || {
    rm -f -- "$DIR/$1.pid"
    return 0
  }
  log "stopping $1 (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for 30 "$1 to exit" gone "$1" "$2"; then
    log "$1 (pid $pid) ignored TERM, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 10 "$1 to die" gone "$1" "$2" || die "$1 (pid $pid) survived KILL"
  fi
  rm -f -- "$DIR/$1.pid"
}

start_bg() { # name logfile cmd...   -> pid in DIR/name.pid
  local name=$1 logf=$2
  shift 2
  # fully detached: new session, no inherited stdio (callers may read our
  # stdout through a pipe and must see EOF when this script exits)
  setsid "$@" </dev/null >>"$logf" 2>&1 9>&- &
  echo $! >"$DIR/$name.pid"
}

ensure_image() {
  if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
    return 0
  fi
  local bb tmp applet
  # The image has no libc: a dynamic busybox (Debian's busybox) would fail every command in it. ldd fails
  # on a static binary.
  for bb in /bin/busybox "$(command -v busybox || true)" /var/cache/docker-ovn-driver/busybox ""; do
    [[ -n $bb && -x $bb ]] && ! ldd "$bb" >/dev/null 2>&1 && break
  done
  [[ -n $bb ]] || die "no static busybox: install busybox-static, or run scripts/deps.sh, which fetches its binary beside a dynamic busybox"
  log "creating image $IMAGE from $bb"
  tmp=$(mktemp -d)
  mkdir -p "$tmp/bin" "$tmp/etc" "$tmp/tmp" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/root"
  chmod 1777 "$tmp/tmp"
  cp "$bb" "$tmp/bin/busybox"
  for applet in $("$tmp/bin/busybox" --list) sh ping ip sleep nc cat ifconfig route wget echo; do
    [[ $applet == busybox ]] && continue
    ln -sf busybox "$tmp/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/etc/passwd"
  echo 'root:x:0:' >"$tmp/etc/group"
  tar -C "$tmp" -c . | "$DOCKER" import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - "$IMAGE" >/dev/null
  rm -rf -- "$tmp"
}

do_up() {
  mkdir -p -- "$DIR"
  local started=0
  if docker_ok; then
    right_engine
    log "docker already answers"
  else
    if alive_pid dockerd dockerd >/dev/null; then
      log "dockerd started earlier from $DIR is still starting; waiting"
    else
      if ! containerd_ok; then
        if ! alive_pid containerd containerd >/dev/null; then
          log "starting containerd (log $DIR/containerd.log)"
          if [[ -n $ROOTFS ]]; then
            start_bg containerd "$DIR/containerd.log" unshare --mount --propagation unchanged -- \
              bash -c "$ROOTFS_NS_ENTER" "$ROOTFS" containerd --address "$CONTAINERD_SOCK" \
              --root /var/lib/containerd-compat --state /run/containerd-compat
          else
            start_bg containerd "$DIR/containerd.log" containerd
          fi
        fi
        wait_for "$TIMEOUT" "containerd" containerd_ok
      fi
      log "starting dockerd (log $DIR/dockerd.log)"
      rm -f -- "$DIR/dockerd.pid"
      local extra=() enter=()
      if [[ -n $ROOTFS ]]; then
        # dockerd shares containerd's mount namespace: containerd mounts what dockerd prepared.
        local cpid
        cpid=$(alive_pid containerd containerd) || die "a containerd not started from $DIR answers on $CONTAINERD_SOCK"
        enter=(nsenter -t "$cpid" -m --)
        extra=(--data-root /var/lib/docker-compat)
      fi
      local args=()
      read -r -a args <<<"${DOCKERD_ARGS:-}"
      start_bg dockerd "$DIR/dockerd.log" "${enter[@]+"${enter[@]}"}" dockerd --iptables=false --ip-masq=false --bridge=none \
        --containerd="$CONTAINERD_SOCK" "${extra[@]+"${extra[@]}"}" "${args[@]+"${args[@]}"}"
    fi
    if ! wait_for "$TIMEOUT" "docker info" docker_ok; then
      tail -n 20 "$DIR/dockerd.log" >&2 || true
      die "dockerd did not come up"
    fi
    started=1
    right_engine
  fi
  ensure_image
  echo "STARTED=$started"
  echo "IMAGE=$IMAGE"
}

do_down() {
  stop_one dockerd dockerd
  [[ ${DOCKERD_ONLY:-0} == 1 ]] || stop_one containerd containerd
}

if [[ $CMD == down && ! -d $DIR ]]; then exit 0; fi
mkdir -p -- "$DIR"
# serialize concurrent callers (e.g. test files running in parallel)
exec 9>"$DIR/lock"
flock -w "$((TIMEOUT + 30))" 9 || die "could not lock $DIR/lock"

case $CMD in
  up) do_up ;;
  down) do_down ;;
esac
