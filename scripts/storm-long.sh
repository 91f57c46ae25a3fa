#!/usr/bin/env bash
# A long renegotiation storm (tests/page/storm.test.mjs): many seeds, more rounds, every pair.
#   STORM_SEEDS       comma-separated seeds (default: STORM_SEED_COUNT random ones, printed)
#   STORM_SEED_COUNT  how many random seeds (default 5)
#   STORM_ROUNDS      rounds per pair and seed (default 100)
#   STORM_PAIRS       default chromium-chromium,firefox-firefox,chromium-firefox
#   STORM_DELAY_MAX   signalling delay bound in ms (default 250)
# Arguments, if any, are seeds: bash scripts/storm-long.sh 12 34 56
# Replay one pair/seed: STORM_SEED=<seed> STORM_ROUNDS=<rounds> STORM_PAIRS=<a-b> node --test tests/page/storm.test.mjs
# Builds the package first unless STORM_NO_BUILD=1.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

if [ $# -gt 0 ]; then STORM_SEEDS=$(IFS=,; echo "$*"); fi
if [ -z "${STORM_SEEDS:-}" ]; then
  seeds=()
  for _ in $(seq "${STORM_SEED_COUNT:-5}"); do seeds+=("$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"); done
  STORM_SEEDS=$(IFS=,; echo "${seeds[*]}")
fi
export STORM_SEEDS STORM_ROUNDS="${STORM_ROUNDS:-100}" STORM_DELAY_MAX="${STORM_DELAY_MAX:-250}"
unset STORM_SEED STORM_SEED_COUNT

if [ "${STORM_NO_BUILD:-}" != 1 ]; then nice bash scripts/build-pkg.sh || exit 1; fi
echo "storm-long: STORM_SEEDS=$STORM_SEEDS STORM_ROUNDS=$STORM_ROUNDS pairs ${STORM_PAIRS:-all}"
start=$SECONDS
node --test --test-reporter=spec tests/page/storm.test.mjs
status=$?
echo "storm-long: seeds $STORM_SEEDS, $STORM_ROUNDS rounds: $([ $status = 0 ] && echo passed || echo FAILED) ($((SECONDS - start)) s)"
exit $status
