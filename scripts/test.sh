#!/usr/bin/env bash
# `npm test`: the type check, Biome, the unit tests, then the interop tests on the real peers.
# The unit tests run as two processes side by side (the machine has two cores): the browser
# journeys (project e2e) and the rest (project node), each one file at a time; the node run's
# output is held in test-results/node.log and printed after, so the log reads file by file.
# The last lines list every failed test of every run (scripts/test-summary.ts).
set -uo pipefail
cd "$(dirname "$0")/.."
tsx scripts/ensure-tools.ts && tsc -p tsconfig.json --noEmit && biome ci . || exit 1
mkdir -p test-results
rm -f test-results/node.json test-results/e2e.json test-results/interop.json test-results/node.log

json() { echo "--reporter=default --reporter=json --outputFile.json=test-results/$1.json"; }
# shellcheck disable=SC2046
vitest run --project node --maxWorkers=1 $(json node) >test-results/node.log 2>&1 &
node_pid=$!
# shellcheck disable=SC2046
vitest run --project e2e --maxWorkers=1 $(json e2e)
e2e=$?
wait "$node_pid"
node=$?
echo "---- the node project's run (test-results/node.log) ----"
cat test-results/node.log
# shellcheck disable=SC2046
vitest run -c vitest.interop.config.ts $(json interop)
interop=$?
tsx scripts/test-summary.ts test-results/node.json test-results/e2e.json test-results/interop.json
[ "$node" = 0 ] && [ "$e2e" = 0 ] && [ "$interop" = 0 ]
