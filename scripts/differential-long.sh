#!/usr/bin/env bash
# A long differential run of the sender-reuse prediction against the browser (both engines).
# REUSE_SEED (default: random) and REUSE_SEQUENCES (default 400 per face, × 30 steps each; both
# faces run them) are baked in at compile time by tests/reuse.rs; the seed is printed so a failure can be replayed with it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export REUSE_SEED="${REUSE_SEED:-$(( (RANDOM << 15 | RANDOM) % 2000000000 ))}"
export REUSE_SEQUENCES="${REUSE_SEQUENCES:-400}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-1800}"
echo "differential: seed $REUSE_SEED, $REUSE_SEQUENCES sequences × 30 steps (replay: REUSE_SEED=$REUSE_SEED REUSE_SEQUENCES=$REUSE_SEQUENCES npm run differential:long)"
CHROMEDRIVER="$(command -v chromedriver)" env -u GECKODRIVER wasm-pack test --headless --chrome -- --features js --test reuse -- prediction_agrees
GECKODRIVER="$(command -v geckodriver)" env -u CHROMEDRIVER wasm-pack test --headless --firefox -- --features js --test reuse -- prediction_agrees
