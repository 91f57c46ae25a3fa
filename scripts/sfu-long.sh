#!/usr/bin/env bash
# The SFU scenarios of tests/page/sfu.test.mjs at scale: SFU_N publishers (default 40; Janus 1.1.x
# tops out at 75 audio+video feeds per subscription, its SDP lines are cut at 511 characters),
# use_msid mode, each browser of PAGE_BROWSERS in turn (default chromium,firefox), figures printed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
[ -f pkg/web/index.js ] || bash scripts/build-pkg.sh
export SFU_N="${SFU_N:-40}" SFU_MODES="${SFU_MODES:-msid}" SFU_FIGURES=1 SFU_DEMO=0
status=0
browsers=${PAGE_BROWSERS:-chromium,firefox}
for b in ${browsers//,/ }; do
  echo "=== sfu:long $b, N=$SFU_N"
  start=$SECONDS
  # run directly, not under `node --test`: the figures print as they come
  PAGE_BROWSERS=$b node tests/page/sfu.test.mjs 2>&1 | grep --line-buffered -v '^\[WARN\]' || status=1
  echo "=== sfu:long $b: $((SECONDS - start)) s"
done
exit $status
