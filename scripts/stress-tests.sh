#!/usr/bin/env bash
# Runs the browser and end-to-end test files again and again while every core
# is kept busy, to find tests that depend on how fast the machine is. A tool
# for developers, not part of .ci/run.
#
#   scripts/stress-tests.sh [RUNS] [FILTER...]
#
# RUNS defaults to 5; FILTERs (substrings of test file paths, as for
# scripts/test.mjs) default to the browser and e2e files but the release ones. Each run prints its
# summary; the script stops at the first failing run (its output is kept under
# $TMPDIR) and exits non-zero. The CPU hogs, one per core, are plain Node busy
# loops started and stopped here.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-5}"
shift || true
filters=("$@")
# The release tests (e2e/release/) are left out by default: they pack and npm-install every
# package (minutes of compiling, little timing to shake out); name e2e/release to include them.
[ ${#filters[@]} -gt 0 ] || filters=(e2e/*.test.ts packages/web-sdk/test/browser apps/companion/test apps/demo/test)

hogs=()
stop_hogs() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${hogs[@]}" 2>/dev/null || true
}
trap stop_hogs EXIT

cores=$(nproc)
for _ in $(seq "$cores"); do
  node -e 'for (;;) {}' &
  hogs+=($!)
done
echo "stress: ${#hogs[@]} CPU hogs on $cores cores; $runs runs of: ${filters[*]}"

# The web SDK bundle and the companion are built once, as the tests would on first use.
npm run build -w @scanlogin/web-sdk -w @scanlogin/companion --silent

passed=0
for run in $(seq "$runs"); do
  log=$(mktemp "${TMPDIR:-/tmp}/stress-run-$run.XXXXXX")
  start=$(date +%s)
  if node scripts/test.mjs "${filters[@]}" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "run $run/$runs: pass ($(grep -E '^ℹ (tests|pass|fail)' "$log" | tr '\n' ' ')) in $(( $(date +%s) - start )) s"
    rm -f "$log"
  else
    echo "run $run/$runs: FAIL in $(( $(date +%s) - start )) s; output kept in $log"
    grep -E '^ℹ (tests|pass|fail)|✖' "$log" | head -20
    echo "stress: $passed of $run runs passed"
    exit 1
  fi
done
echo "stress: $passed of $runs runs passed with every core busy"
