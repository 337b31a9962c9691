#!/usr/bin/env bash
# Private OVN + OVS stack for real-stack tests.
#
#   scripts/stack.sh up     DIR   start everything inside DIR, print env lines
#   scripts/stack.sh down   DIR   stop every daemon of DIR by its pidfile
#   scripts/stack.sh status DIR   report which daemons of DIR are alive (exit 0 iff all)
#   scripts/stack.sh env    DIR   print the env lines of a stack that is up
#   scripts/stack.sh env          print shell code that aims ovn-nbctl, ovn-sbctl, ovs-vsctl, ovs-ofctl
#                                 and ovn-appctl/ovs-appctl -t ovn-controller at the OVN + OVS the driver
#                                 of `make run` uses: eval "$(bash scripts/stack.sh env)"
#
# Everything (databases, sockets, pidfiles, control sockets, logs) lives in DIR;
# the system directories (/var/run/openvswitch, /var/run/ovn, /etc/openvswitch,
# /var/log/...) are never used: every daemon runs with OVS_*DIR / OVN_*DIR = DIR.
#
# Daemons: NB ovsdb-server, SB ovsdb-server, ovn-northd, OVS ovsdb-server,
# ovs-vswitchd (userspace datapath, bridges are datapath_type=netdev) and
# ovn-controller.
#
# Environment knobs (read by `up`):
#   STACK_NETNS    run ovs-vswitchd and ovn-controller inside this network
#                  namespace (created if missing; one created by `up` is
#                  deleted by `down`). Needed to run two stacks at once: the userspace
#                  datapath always creates a kernel tap device named
#                  "ovs-netdev" (plus one per bridge), so only ONE ovs-vswitchd
#                  with netdev bridges can live in a network namespace. Ports
#                  (veth ends) must then be moved into STACK_NETNS before they
#                  are added to the bridge. Default: the current namespace.
#   OVN_BRIDGE     integration bridge name (default br-int). Renaming it does
#                  NOT allow two stacks in one namespace (see STACK_NETNS).
#   OVN_CHASSIS    chassis name / system-id (default: harness-<random>)
#   STACK_TIMEOUT  seconds to wait for each readiness step (default 30)
#   STACK_ROOTFS   run every daemon (and ovsdb-tool, with that tree's schemas) chrooted into this rootfs:
#                  another OVS/OVN release, e.g. the Debian 13 tree of scripts/compat-rootfs.sh, mounted
#                  by scripts/compat-mounts.sh so that DIR (under /tmp) is the same path inside. The
#                  clients (ovn-nbctl, ovs-vsctl, ovs-appctl) stay this host's: OVSDB and unixctl are
#                  the same protocols across releases.
#   STACK_CENTRAL  DIR2 of another stack that is up: start a chassis only (OVS
#                  ovsdb-server, ovs-vswitchd, ovn-controller) whose
#                  ovn-controller and OVN_NB/OVN_SB are DIR2's NB/SB. `down`
#                  then also removes the chassis from DIR2's SB (ovn-controller
#                  `exit` does it; `ovn-sbctl chassis-del` if that did not).
#                  A second chassis on one machine needs STACK_NETNS too.
#   STACK_ENCAP_IP Geneve encap address of the chassis (default 127.0.0.1);
#                  ADDR/PREFIX when STACK_PHY_PORT is set.
#   STACK_PHY_PORT an interface (already in the stack's namespace) that links
#                  this chassis to the others: it goes into a netdev bridge
#                  "br-phy" that carries STACK_ENCAP_IP, as the userspace
#                  datapath needs for tunnels (OVS howto/userspace-tunneling).
#
# `up` refuses if DIR's stack is partly running, and just prints the env lines
# again if it is fully up. A failed `up` stops whatever it had started.
# `down` stops the daemons one by one (ovs-vswitchd via `exit --cleanup`, so
# its persistent tap devices go away; the others TERM, then KILL after 5 s),
# and deletes the network namespace if `up` created it. DB files and logs stay
# in DIR; the next `up` starts with fresh databases.
#
# Output of `up` / `env` on stdout (progress goes to stderr):
#   OVN_NB=unix:DIR/nb.sock
#   OVN_SB=unix:DIR/sb.sock
#   OVS_DB=unix:DIR/ovs.sock
#   OVN_CHASSIS=<name>
#   OVN_BRIDGE=<bridge>
#   STACK_NETNS=<netns or empty>
#   STACK_DIR=DIR
#   STACK_CENTRAL=<DIR2 or empty>
set -Eeuo pipefail

OVN_SCHEMA_DIR=${OVN_SCHEMA_DIR:-/usr/share/ovn}
OVS_SCHEMA_DIR=${OVS_SCHEMA_DIR:-/usr/share/openvswitch}
# Prefix of every daemon command: empty, or chroot into STACK_ROOTFS (schema paths are then the rootfs's).
DAEMON=()
if [[ -n ${STACK_ROOTFS:-} ]]; then
  DAEMON=(chroot "$STACK_ROOTFS")
fi
TIMEOUT=${STACK_TIMEOUT:-30}

# name:pidfile-stem:process-name   (stop order = this order)
CHASSIS_DAEMONS=(
  "ovn-controller:ovn-controller:ovn-controller"
  "ovs-vswitchd:vswitchd:ovs-vswitchd"
  "ovsdb-server(ovs):ovsdb:ovsdb-server"
)
CENTRAL_DAEMONS=(
  "ovn-northd:northd:ovn-northd"
  "ovsdb-server(sb):sb:ovsdb-server"
  "ovsdb-server(nb):nb:ovsdb-server"
)
PHY_BRIDGE=br-phy

log() { echo "stack.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  echo "usage: $0 up|down|status|env DIR, or $0 env" >&2
  exit 2
}

# `env` without DIR: the stack `make run` (scripts/run-local.sh) picks, in the same order: OVN_DRIVER_NB, else
# the local Open vSwitch's external_ids:ovn-nb, else the embedded stack in STACK_DIR.
tools_env() {
  local system_ovs=${SYSTEM_OVS:-unix:/var/run/openvswitch/db.sock} dir=${STACK_DIR:-/run/docker-ovn-driver/stack} nb sb
  if [[ -n ${OVN_DRIVER_NB:-} ]]; then
    echo "export OVN_NB_DB=$OVN_DRIVER_NB"
  elif [[ -S ${system_ovs#unix:} ]] && nb=$(ovs-vsctl --db="$system_ovs" --timeout=5 get Open_vSwitch . external_ids:ovn-nb 2>/dev/null | tr -d '"') && [[ -n $nb ]]; then
    sb=$(ovs-vsctl --db="$system_ovs" --timeout=5 get Open_vSwitch . external_ids:ovn-remote 2>/dev/null | tr -d '"') || sb=
    echo "export OVN_NB_DB=$nb${sb:+ OVN_SB_DB=$sb}"
  elif [[ -d $dir ]] && bash "$0" status "$dir" >/dev/null 2>&1; then
    dir=$(cd -- "$dir" && pwd -P)
    # The embedded daemons keep their sockets and pidfiles in DIR; the OVS DB socket is ovs.sock, not db.sock.
    echo "export OVN_NB_DB=unix:$dir/nb.sock OVN_SB_DB=unix:$dir/sb.sock OVS_RUNDIR=$dir OVN_RUNDIR=$dir"
    echo "ovs-vsctl() { command ovs-vsctl --db=unix:$dir/ovs.sock \"\$@\"; }"
    return 0
  else
    die "no OVN found: neither OVN_DRIVER_NB, nor external_ids:ovn-nb in $system_ovs, nor a stack up in $dir (make run starts one)"
  fi
  # The system's own daemons: the tools' defaults, whatever an earlier eval set.
  echo "unset OVS_RUNDIR OVN_RUNDIR; unset -f ovs-vsctl 2>/dev/null || true"
}

if [[ $# -eq 1 && $1 == env ]]; then
  tools_env
  exit 0
fi

[[ $# -eq 2 ]] || usage
CMD=$1
[[ -n $2 ]] || usage
case $CMD in
  up) mkdir -p -- "$2" ;;
  down | status | env) [[ -d $2 ]] || { [[ $CMD == down ]] && exit 0; die "no such directory: $2"; } ;;
  *) usage ;;
esac
DIR=$(cd -- "$2" && pwd -P)

# Every daemon and client gets these: nothing may fall back to system dirs.
export OVS_RUNDIR=$DIR OVS_LOGDIR=$DIR OVS_DBDIR=$DIR OVS_SYSCONFDIR=$DIR
export OVN_RUNDIR=$DIR OVN_LOGDIR=$DIR OVN_DBDIR=$DIR OVN_SYSCONFDIR=$DIR
unset OVN_NB_DAEMON OVN_SB_DAEMON 2>/dev/null || true

# A chassis-only stack (STACK_CENTRAL) uses another stack's NB/SB; `up` takes the
# central from the environment, the other commands from DIR/central.
if [[ $CMD == up ]]; then
  CENTRAL=${STACK_CENTRAL:-}
  if [[ -n $CENTRAL ]]; then
    [[ -d $CENTRAL ]] || die "STACK_CENTRAL: no such directory: $CENTRAL"
    CENTRAL=$(cd -- "$CENTRAL" && pwd -P)
    [[ $CENTRAL != "$DIR" ]] || die "STACK_CENTRAL must be another stack's directory"
  fi
else
  CENTRAL=$(cat "$DIR/central" 2>/dev/null || true)
fi
if [[ -n $CENTRAL ]]; then
  DAEMONS=("${CHASSIS_DAEMONS[@]}")
  NB=unix:$CENTRAL/nb.sock
  SB=unix:$CENTRAL/sb.sock
else
  DAEMONS=("${CHASSIS_DAEMONS[@]}" "${CENTRAL_DAEMONS[@]}")
  NB=unix:$DIR/nb.sock
  SB=unix:$DIR/sb.sock
fi
OVS=unix:$DIR/ovs.sock

# pid of a daemon if its pidfile names a live process with the expected name.
alive_pid() { # stem procname
  local f=$DIR/$1.pid pid comm
  [[ -f $f ]] || return 1
  pid=$({ tr -dc '0-9' <"$f"; } 2>/dev/null) || return 1
  [[ -n $pid ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  # /proc/PID/comm is truncated to 15 characters
  [[ $comm == "${2:0:15}" ]] || return 1
  # a zombie (not yet reaped by init) is not alive
  local stat
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]] || return 1
  echo "$pid"
}

wait_for() { # description cmd...
  local desc=$1
  shift
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${TIMEOUT}s waiting for: $desc"
      return 1
    fi
    sleep 0.1
  done
}

print_env() {
  echo "OVN_NB=$NB"
  echo "OVN_SB=$SB"
  echo "OVS_DB=$OVS"
  echo "OVN_CHASSIS=$(cat "$DIR/chassis")"
  echo "OVN_BRIDGE=$(cat "$DIR/bridge")"
  echo "STACK_NETNS=$(cat "$DIR/netns" 2>/dev/null || true)"
  echo "STACK_DIR=$DIR"
  echo "STACK_CENTRAL=$CENTRAL"
}

# run a command in the stack's network namespace (or here if it has none)
in_ns() {
  local ns
  ns=$(cat "$DIR/netns" 2>/dev/null || true)
  if [[ -n $ns ]]; then
    ip netns exec "$ns" "$@"
  else
    "$@"
  fi
}

delete_own_netns() {
  local ns
  ns=$(cat "$DIR/netns" 2>/dev/null || true)
  if [[ -n $ns && -f $DIR/netns.created ]]; then
    log "deleting network namespace $ns"
    ip netns del "$ns" 2>/dev/null || true
  fi
  rm -f -- "$DIR/netns.created"
}

count_alive() {
  local n=0 entry stem proc
  for entry in "${DAEMONS[@]}"; do
    IFS=: read -r _ stem proc <<<"$entry"
    if alive_pid "$stem" "$proc" >/dev/null; then n=$((n + 1)); fi
  done
  echo "$n"
}

ctl_of_controller() {
  local pid
  pid=$(alive_pid ovn-controller ovn-controller) || return 1
  [[ -S $DIR/ovn-controller.$pid.ctl ]] || return 1
  echo "$DIR/ovn-controller.$pid.ctl"
}

controller_connected() {
  local ctl
  ctl=$(ctl_of_controller) || return 1
  [[ $(ovs-appctl -t "$ctl" connection-status 2>/dev/null) == connected ]]
}

chassis_registered() {
  local ch
  ch=$(cat "$DIR/chassis")
  [[ -n $(ovn-sbctl --db="$SB" --timeout=5 --bare --columns=_uuid find Chassis "name=\"$ch\"" 2>/dev/null) ]]
}

bridge_ready() { # the integration bridge (or bridge $1) exists and vswitchd realized it (mgmt socket + ofport)
  local br=${1:-} ofport
  [[ -n $br ]] || br=$(cat "$DIR/bridge")
  [[ -S $DIR/$br.mgmt ]] || return 1
  ofport=$(ovs-vsctl --db="$OVS" --timeout=5 get Interface "$br" ofport 2>/dev/null) || return 1
  [[ $ofport == 65534 ]]
}

bridge_ready_or_failed() { bridge_ready || vswitchd_failed; }

all_ready() {
  [[ $(count_alive) -eq ${#DAEMONS[@]} ]] &&
    ovn-nbctl --db="$NB" --timeout=5 --no-leader-only show >/dev/null 2>&1 &&
    ovn-sbctl --db="$SB" --timeout=5 --no-leader-only show >/dev/null 2>&1 &&
    bridge_ready && controller_connected && chassis_registered
}

wait_gone() { # stem procname seconds -> 0 if the daemon is gone
  local deadline=$((SECONDS + $3))
  while alive_pid "$1" "$2" >/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# Kernel devices the stack's userspace datapath created: the datapath's own
# "ovs-netdev" tap plus one tap per bridge. OVS makes them persistent, so a
# plain TERM leaves them behind; `exit --cleanup` removes them.
datapath_devices() {
  echo ovs-netdev
  cat "$DIR/bridge" 2>/dev/null || true
  if alive_pid ovsdb ovsdb-server >/dev/null; then
    ovs-vsctl --db="$OVS" --timeout=3 list-br 2>/dev/null || true
  fi
}

# Is tap DEV (in the stack's namespace) held open by some live ovs-vswitchd?
tap_attached() {
  local dev=$1 ns p
  ns=$(in_ns readlink /proc/self/ns/net) || return 1
  for p in $(pgrep -x ovs-vswitchd || true); do
    [[ $(readlink "/proc/$p/ns/net" 2>/dev/null) == "$ns" ]] || continue
    if grep -qsx "iff:[[:space:]]*$dev" /proc/"$p"/fdinfo/* 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

stop_all() {
  local entry name stem proc pid pids=() devs=() dev
  if [[ -f $DIR/datapath.owned ]]; then
    mapfile -t devs < <(datapath_devices | sort -u)
  fi
  for entry in "${DAEMONS[@]}"; do
    IFS=: read -r name stem proc <<<"$entry"
    pid=$(alive_pid "$stem" "$proc") || continue
    log "stopping $name (pid $pid)"
    pids+=("$pid:$stem:$proc:$name")
    if [[ $stem == vswitchd ]]; then
      # removes the datapath and its tap devices, then exits
      ovs-appctl --timeout=5 -t "$DIR/vswitchd.ctl" exit --cleanup >/dev/null 2>&1 || true
      wait_gone "$stem" "$proc" 5 && continue
    fi
    if [[ $stem == ovn-controller && -n $CENTRAL ]]; then
      # the central outlives this chassis: `exit` (without --restart) removes the chassis from its SB
      local ctl
      if ctl=$(ctl_of_controller); then
        ovs-appctl --timeout=5 -t "$ctl" exit >/dev/null 2>&1 || true
        wait_gone "$stem" "$proc" 5 && continue
      fi
    fi
    kill -TERM "$pid" 2>/dev/null || true
    # one at a time, so that each sees its peers disconnect cleanly
    wait_gone "$stem" "$proc" 5 || true
  done
  for entry in "${pids[@]+"${pids[@]}"}"; do
    IFS=: read -r pid stem proc name <<<"$entry"
    if alive_pid "$stem" "$proc" >/dev/null; then
      log "$name (pid $pid) ignored TERM, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for entry in "${pids[@]+"${pids[@]}"}"; do
    IFS=: read -r pid stem proc name <<<"$entry"
    wait_gone "$stem" "$proc" 5 || die "$name (pid $pid) survived KILL"
    rm -f -- "$DIR/$stem.pid"
  done
  if [[ -n $CENTRAL && -S $CENTRAL/sb.sock && -s $DIR/chassis ]]; then
    # in case ovn-controller could not say goodbye (killed, or SB unreachable then)
    ovn-sbctl --db="$SB" --timeout=5 --no-leader-only --if-exists chassis-del "$(cat "$DIR/chassis")" >/dev/null 2>&1 ||
      log "could not remove chassis $(cat "$DIR/chassis") from $SB"
  fi
  # Fallback if vswitchd died without cleaning up: remove leftover taps, but
  # only if this stack's vswitchd really owned the datapath (otherwise they
  # belong to another ovs-vswitchd in the same namespace).
  if [[ -f $DIR/datapath.owned ]]; then
    for dev in "${devs[@]+"${devs[@]}"}"; do
      if in_ns ip -d link show dev "$dev" 2>/dev/null | grep -q 'tun type tap' &&
        ! tap_attached "$dev"; then
        log "removing leftover tap device $dev"
        in_ns ip link del dev "$dev" 2>/dev/null || true
      fi
    done
  fi
  rm -f -- "$DIR/datapath.owned" "$DIR"/*.sock "$DIR"/*.ctl "$DIR"/*.mgmt "$DIR"/*.snoop
  delete_own_netns
}

# vswitchd logged that it cannot create its datapath/bridge: no point waiting.
vswitchd_failed() {
  grep -qE 'failed to (open datapath|create bridge)' "$DIR/vswitchd.log" 2>/dev/null
}

on_up_error() {
  local rc=$?
  trap - ERR
  log "up failed (rc=$rc); stopping what was started; logs in $DIR"
  stop_all || true
  exit "$rc"
}

do_up() {
  local n tool
  for tool in ovs-vsctl ovs-appctl ovn-nbctl ovn-sbctl ip; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install openvswitch-switch ovn-central ovn-host iproute2)"
  done
  for tool in ovsdb-tool ovsdb-server ovs-vswitchd ovn-northd ovn-controller; do
    "${DAEMON[@]}" sh -c "command -v $tool" >/dev/null || die "$tool not found${STACK_ROOTFS:+ in $STACK_ROOTFS} (apt-get install openvswitch-switch ovn-central ovn-host)"
  done
  if [[ -n ${STACK_ROOTFS:-} ]]; then
    [[ -d $STACK_ROOTFS$DIR ]] || die "$DIR is not visible inside STACK_ROOTFS=$STACK_ROOTFS (scripts/compat-mounts.sh up $STACK_ROOTFS)"
  fi
  local prev entry stem proc
  prev=$(cat "$DIR/central" 2>/dev/null || true)
  if [[ $prev != "$CENTRAL" ]]; then
    for entry in "${CHASSIS_DAEMONS[@]}" "${CENTRAL_DAEMONS[@]}"; do
      IFS=: read -r _ stem proc <<<"$entry"
      ! alive_pid "$stem" "$proc" >/dev/null || die "stack in $DIR runs with STACK_CENTRAL='$prev'; run '$0 down $DIR' first"
    done
  fi
  local encap=${STACK_ENCAP_IP:-127.0.0.1} phy=${STACK_PHY_PORT:-}
  if [[ -n $phy ]]; then
    [[ $phy =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || die "STACK_PHY_PORT must be an interface name: $phy"
    [[ $encap == */* ]] || die "STACK_ENCAP_IP must be ADDR/PREFIX when STACK_PHY_PORT is set: $encap"
  fi
  n=$(count_alive)
  if ((n == ${#DAEMONS[@]})); then
    if all_ready; then
      log "stack in $DIR is already up; reusing it"
      print_env
      return 0
    fi
    die "stack in $DIR is running but not healthy; run '$0 down $DIR' first"
  elif ((n > 0)); then
    die "stack in $DIR is partially running ($n/${#DAEMONS[@]} daemons); run '$0 down $DIR' first"
  fi

  local bridge=${OVN_BRIDGE:-br-int}
  local chassis=${OVN_CHASSIS:-harness-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')}
  [[ $bridge =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || die "OVN_BRIDGE must be a valid interface name (<=15 chars): $bridge"
  local netns=${STACK_NETNS:-}
  echo "$bridge" >"$DIR/bridge"
  echo "$chassis" >"$DIR/chassis"
  echo "$netns" >"$DIR/netns"
  echo "$CENTRAL" >"$DIR/central"
  rm -f -- "$DIR/netns.created"
  if [[ -n $CENTRAL ]]; then
    ovn-sbctl --db="$SB" --timeout=5 --no-leader-only show >/dev/null 2>&1 || die "the central stack in $CENTRAL does not answer on $SB"
  fi
  if [[ -n $phy ]]; then
    in_ns ip link show dev "$phy" >/dev/null 2>&1 || die "STACK_PHY_PORT $phy is not in the stack's network namespace (${netns:-the current one})"
    in_ns ip link set "$phy" up
  fi
  if [[ -n $netns ]]; then
    if ! ip netns list | awk '{print $1}' | grep -qxF -- "$netns"; then
      ip netns add "$netns"
      touch "$DIR/netns.created"
    fi
    ip netns exec "$netns" ip link set lo up
  fi

  # Fresh databases on every start.
  rm -f -- "$DIR"/nb.db "$DIR"/sb.db "$DIR"/ovs.db "$DIR"/.*.db.~lock~ "$DIR"/*.sock "$DIR"/*.ctl "$DIR"/*.mgmt "$DIR"/*.snoop
  [[ -n $CENTRAL ]] || "${DAEMON[@]}" ovsdb-tool create "$DIR/nb.db" "$OVN_SCHEMA_DIR/ovn-nb.ovsschema"
  [[ -n $CENTRAL ]] || "${DAEMON[@]}" ovsdb-tool create "$DIR/sb.db" "$OVN_SCHEMA_DIR/ovn-sb.ovsschema"
  "${DAEMON[@]}" ovsdb-tool create "$DIR/ovs.db" "$OVS_SCHEMA_DIR/vswitch.ovsschema"

  # If anything below fails, do not leave half a stack behind.
  trap on_up_error ERR

  if [[ -z $CENTRAL ]]; then
    log "starting NB and SB ovsdb-servers"
    local db
    for db in nb sb; do
      "${DAEMON[@]}" ovsdb-server "$DIR/$db.db" --remote="punix:$DIR/$db.sock" \
        --pidfile="$DIR/$db.pid" --unixctl="$DIR/$db.ctl" --log-file="$DIR/$db.log" --detach -vconsole:warn
    done

    log "starting ovn-northd"
    "${DAEMON[@]}" ovn-northd --ovnnb-db="$NB" --ovnsb-db="$SB" \
      --pidfile="$DIR/northd.pid" --unixctl="$DIR/northd.ctl" --log-file="$DIR/northd.log" --detach -vconsole:warn
  fi

  log "starting OVS ovsdb-server"
  "${DAEMON[@]}" ovsdb-server "$DIR/ovs.db" --remote="punix:$DIR/ovs.sock" \
    --pidfile="$DIR/ovsdb.pid" --unixctl="$DIR/ovsdb.ctl" --log-file="$DIR/ovsdb.log" --detach -vconsole:warn
  ovs-vsctl --db="$OVS" --no-wait init
  ovs-vsctl --db="$OVS" --no-wait set Open_vSwitch . \
    "external_ids:system-id=$chassis" \
    "external_ids:hostname=$chassis" \
    "external_ids:ovn-remote=$SB" \
    external_ids:ovn-encap-type=geneve \
    "external_ids:ovn-encap-ip=${encap%%/*}" \
    "external_ids:ovn-nb=$NB" \
    external_ids:ovn-bridge-datapath-type=netdev \
    "external_ids:ovn-bridge=$bridge"
  ovs-vsctl --db="$OVS" --no-wait --may-exist add-br "$bridge" -- \
    set Bridge "$bridge" datapath_type=netdev fail-mode=secure other-config:disable-in-band=true
  if [[ -n $phy ]]; then
    ovs-vsctl --db="$OVS" --no-wait --may-exist add-br "$PHY_BRIDGE" -- set Bridge "$PHY_BRIDGE" datapath_type=netdev -- \
      --may-exist add-port "$PHY_BRIDGE" "$phy"
  fi

  log "starting ovs-vswitchd"
  rm -f -- "$DIR/vswitchd.log"
  in_ns "${DAEMON[@]}" ovs-vswitchd "$OVS" --pidfile="$DIR/vswitchd.pid" --unixctl="$DIR/vswitchd.ctl" \
    --log-file="$DIR/vswitchd.log" --detach -vconsole:warn
  wait_for "bridge $bridge realized by ovs-vswitchd" bridge_ready_or_failed
  if ! bridge_ready; then
    grep -E 'WARN|ERR' "$DIR/vswitchd.log" >&2 || true
    if grep -q 'creating tap device failed: Device or resource busy' "$DIR/vswitchd.log"; then
      log "another ovs-vswitchd with a netdev datapath (another stack?) owns the 'ovs-netdev' tap in ${netns:-this} network namespace; use STACK_NETNS=<name> to give this stack its own namespace"
    fi
    false # -> ERR trap
  fi
  touch "$DIR/datapath.owned"
  if [[ -n $phy ]]; then
    wait_for "bridge $PHY_BRIDGE realized by ovs-vswitchd" bridge_ready "$PHY_BRIDGE"
    log "Geneve endpoint $encap on $PHY_BRIDGE (port $phy)"
    in_ns ip addr replace "$encap" dev "$PHY_BRIDGE"
    in_ns ip link set "$PHY_BRIDGE" up
  fi

  log "starting ovn-controller (chassis $chassis)"
  in_ns "${DAEMON[@]}" ovn-controller "$OVS" -n "$chassis" --pidfile="$DIR/ovn-controller.pid" \
    --log-file="$DIR/ovn-controller.log" --detach -vconsole:warn

  wait_for "NB answers" ovn-nbctl --db="$NB" --timeout=5 --no-leader-only show
  wait_for "SB answers" ovn-sbctl --db="$SB" --timeout=5 --no-leader-only show
  wait_for "ovn-controller connected to SB" controller_connected
  wait_for "chassis $chassis registered in SB" chassis_registered
  wait_for "all daemons alive" test "$(count_alive)" -eq "${#DAEMONS[@]}"
  trap - ERR
  log "stack up in $DIR"
  print_env
}

do_status() {
  local entry name stem proc pid n=0
  for entry in "${DAEMONS[@]}"; do
    IFS=: read -r name stem proc <<<"$entry"
    if pid=$(alive_pid "$stem" "$proc"); then
      echo "$name: running (pid $pid)"
      n=$((n + 1))
    else
      echo "$name: stopped"
    fi
  done
  if ((n == ${#DAEMONS[@]})); then
    if controller_connected && chassis_registered; then
      echo "chassis $(cat "$DIR/chassis"): registered"
    else
      echo "chassis $(cat "$DIR/chassis" 2>/dev/null || echo '?'): not registered"
      return 1
    fi
    return 0
  fi
  return 1
}

case $CMD in
  up) do_up ;;
  down) stop_all ;;
  status) do_status ;;
  env)
    [[ $(count_alive) -eq ${#DAEMONS[@]} ]] || die "stack in $DIR is not up"
    print_env
    ;;
esac
