# docker-ovn-driver — see README.md. Every target runs as root on Debian 12.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DEB_PACKAGES := openvswitch-switch ovn-central ovn-host docker.io busybox-static iproute2 openssl
PLUGIN_NAME ?= forward53/docker-ovn-driver

.PHONY: help deps build lint typecheck test test-unit test-contract test-integration test-e2e run openapi bench

help:
	@echo "make run    install what is missing, bring up OVN+OVS if none is configured, run the driver as plugin 'ovn'"
	@echo "make test   lint, typecheck and every test tier (unit, contract, integration, e2e)"
	@echo "make bench  benchmarks (writes bench/results.json)"

# Debian packages only when one is missing; npm dependencies only when the lock file changed.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi

build: deps
	npx tsc -b tsconfig.json

lint: deps
	npx eslint .

typecheck: build

test: build
	bash scripts/run-tests.sh lint unit contract ovsdb-client integration e2e

test-unit test-contract test-integration test-e2e: build
	bash scripts/run-tests.sh $(subst test-,,$@)

run: build
	bash scripts/run-local.sh

openapi: build
	node dist/scripts/openapi.js
