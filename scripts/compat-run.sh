#!/usr/bin/env bash
# Runs a command (the compatibility tier's test files, from scripts/run-tests.sh) against Docker Engine and
# OVN/OVS from the Debian 13 rootfs of scripts/compat-rootfs.sh: DOCKER_ROOTFS makes scripts/docker-up.sh
# start that tree's containerd + dockerd, STACK_ROOTFS makes scripts/stack.sh start that tree's
# ovsdb-servers, ovn-northd, ovs-vswitchd and ovn-controller. The driver and the clients stay this host's.
#
#   scripts/compat-run.sh CMD...     (run-tests.sh holds the stack lock around it)
#
# Builds the rootfs first if the cache has none (COMPAT_CACHE, see compat-rootfs.sh). Fails, loudly, if
# the rootfs cannot be built or mounted, or if an engine not started by the test harness answers on
# /var/run/docker.sock (it would be tested instead of the rootfs's).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
log() { echo "compat-run.sh: $*" >&2; }
[[ $# -ge 1 ]] || { echo "usage: $0 CMD..." >&2; exit 2; }

ROOT=$(bash scripts/compat-rootfs.sh)
# The harness's own engine (docker-up.sh, the main tiers) goes, and so does a systemd-managed one (a fresh
# Debian machine with docker.io runs docker.service, and docker.socket would start it again on the first
# client call); both come back afterwards. Any other engine makes docker-up.sh refuse.
bash scripts/docker-up.sh down
units=()
if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  for u in docker.socket docker.service; do
    if systemctl is-active --quiet "$u"; then units+=("$u"); fi
  done
  if ((${#units[@]})); then
    log "stopping ${units[*]} for the tier (started again afterwards)"
    systemctl stop "${units[@]}"
  fi
fi
cleanup() {
  DOCKER_ROOTFS=$ROOT bash scripts/docker-up.sh down || true
  bash scripts/compat-mounts.sh down "$ROOT" || true
  if ((${#units[@]})); then systemctl start "${units[@]}" || log "could not start ${units[*]} again"; fi
}
trap cleanup EXIT
bash scripts/compat-mounts.sh up "$ROOT"
log "Docker $(chroot "$ROOT" dockerd --version | sed -E 's/^Docker version ([^ ,]+).*/\1/'), OVN $(chroot "$ROOT" ovn-northd --version | awk 'NR==1 {print $NF}'), from $ROOT"
export DOCKER_ROOTFS=$ROOT STACK_ROOTFS=$ROOT
"$@"
