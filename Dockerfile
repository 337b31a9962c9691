# The managed plugin's rootfs (`make plugin`: build → create → export). The app is built on the host
# (`make build`); the host's node binary is copied in as build/node (it needs only glibc and libstdc++).
# BASE is a Debian 12 image; without a registry, make one offline with debootstrap + docker import.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS app
WORKDIR /opt/docker-ovn-driver
COPY package.json ./
COPY node_modules ./node_modules
COPY packages/ovsdb-client/package.json ./packages/ovsdb-client/package.json
COPY packages/ovsdb-client/dist/src ./packages/ovsdb-client/dist/src
COPY dist/src ./dist/src

FROM ${BASE}
# OVS/OVN client tools for troubleshooting inside the plugin (the driver itself speaks OVSDB).
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      iproute2 openvswitch-common openvswitch-switch ovn-common ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY build/node /usr/local/bin/node
COPY --from=app /opt/docker-ovn-driver /opt/docker-ovn-driver
WORKDIR /opt/docker-ovn-driver
ENTRYPOINT ["/usr/local/bin/node", "/opt/docker-ovn-driver/dist/src/main.js"]
