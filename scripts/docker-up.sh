#!/usr/bin/env bash
# Make sure a Docker engine answers, and that the image busybox:local exists.
#
#   scripts/docker-up.sh [up] [DIR]   start containerd + dockerd if `docker info`
#                                     fails; logs/pids under DIR
#                                     (default /var/run/docker-ovn-driver-harness)
#   scripts/docker-up.sh down [DIR]   stop only what `up` started in DIR (by pid)
#
# `up` prints STARTED=1 if it started dockerd, STARTED=0 if one already answered,
# then IMAGE=busybox:local. Progress goes to stderr.
#
# dockerd runs with --iptables=false --ip-masq=false --bridge=none (see
# docs/REAL-STACK.md); it uses the normal /var/lib/docker and /run/docker so
# that legacy plugin sockets in /run/docker/plugins are discovered as usual.
#
# Environment:
#   DOCKER         docker client to use (default /usr/bin/docker if present:
#                  Debian's 20.10 client matching dockerd; else `docker`)
#   DOCKER_TIMEOUT seconds to wait for the engine (default 60)
#   IMAGE          image to ensure (default busybox:local)
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

log() { echo "docker-up.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

docker_ok() { timeout 10 "$DOCKER" info >/dev/null 2>&1; }
containerd_ok() { [[ -S $CONTAINERD_SOCK ]] && timeout 5 ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1; }

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
  bb=$(command -v busybox || true)
  [[ -x /bin/busybox ]] && bb=/bin/busybox
  [[ -n $bb ]] || die "busybox not found (install busybox-static)"
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
    log "docker already answers"
  else
    if alive_pid dockerd dockerd >/dev/null; then
      log "dockerd started earlier from $DIR is still starting; waiting"
    else
      if ! containerd_ok; then
        if ! alive_pid containerd containerd >/dev/null; then
          log "starting containerd (log $DIR/containerd.log)"
          start_bg containerd "$DIR/containerd.log" containerd
        fi
        wait_for "$TIMEOUT" "containerd" containerd_ok
      fi
      log "starting dockerd (log $DIR/dockerd.log)"
      rm -f -- "$DIR/dockerd.pid"
      start_bg dockerd "$DIR/dockerd.log" dockerd --iptables=false --ip-masq=false --bridge=none \
        --containerd="$CONTAINERD_SOCK"
    fi
    if ! wait_for "$TIMEOUT" "docker info" docker_ok; then
      tail -n 20 "$DIR/dockerd.log" >&2 || true
      die "dockerd did not come up"
    fi
    started=1
  fi
  ensure_image
  echo "STARTED=$started"
  echo "IMAGE=$IMAGE"
}

do_down() {
  stop_one dockerd dockerd
  stop_one containerd containerd
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
