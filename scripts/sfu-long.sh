#!/usr/bin/env bash
# The SFU scenarios of tests/page/sfu.test.mjs at scale: SFU_N publishers (default 40; Janus 1.1.x
# tops out at 75 audio+video feeds per subscription, its SDP lines are cut at 511 characters),
# use_msid mode, each browser of PAGE_BROWSERS in turn (default chromium,firefox), figures printed.
# The subscriber's page is alone in one browser; the N publishers share a page of a second launch
# of the same browser (its own processes), each sending a 64x48 canvas at 10 fps and a tone (the
# fast run, up to 10 publishers, keeps everything in one page). Knobs (tests/page/sfu.test.mjs):
# SFU_PUBLISHER_PAGES (spread the publishers over that many pages), SFU_FPS, SFU_PUBLISHERS_IN=page
# (everything in one page: one renderer encoding 40 feeds and decoding 40; it passes N=40 too,
# as fast on a quiet machine, slower under load).
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
