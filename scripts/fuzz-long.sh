#!/usr/bin/env bash
# A long randomized run of the fuzz / parity test (tests/fuzz.rs + tests/js/fuzz.js).
#   FUZZ_SEED   the seed (default: random; printed so a failure can be replayed)
#   FUZZ_COUNT  generated calls (default 50000)
#   FUZZ_BROWSER chrome (default), firefox, or both
# Replay a failure: FUZZ_SEED=<seed> FUZZ_COUNT=<count> bash scripts/fuzz-long.sh
# The seed and count are compiled into the test (option_env!), so each new pair rebuilds it.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export GECKODRIVER="${GECKODRIVER:-$(command -v geckodriver)}"

seed="${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
count="${FUZZ_COUNT:-50000}"
browser="${FUZZ_BROWSER:-chrome}"
# About 5 ms per call in Chrome, 8 ms in Firefox on a busy 2-core machine; generous margin.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-$((120 + count / 40))}"
export FUZZ_SEED="$seed" FUZZ_COUNT="$count"

# Chrome allows 500 RTCPeerConnections per page, closed ones included until collected; a long run
# makes thousands, so the harness calls gc() now and then: launch Chrome with --expose-gc (the
# project's webdriver.json plus that flag, written under test-artifacts/).
if [ -z "${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-}" ]; then
  mkdir -p test-artifacts
  node -e '
    const fs = require("fs");
    const caps = fs.existsSync("webdriver.json") ? JSON.parse(fs.readFileSync("webdriver.json", "utf8")) : {};
    const chrome = caps["goog:chromeOptions"] ??= {};
    chrome.args = [...(chrome.args ?? []), "--js-flags=--expose-gc"];
    fs.writeFileSync("test-artifacts/webdriver-fuzz.json", JSON.stringify(caps, null, 2));
  '
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/test-artifacts/webdriver-fuzz.json"
fi

echo "fuzz-long: FUZZ_SEED=$seed FUZZ_COUNT=$count browser $browser (timeout ${WASM_BINDGEN_TEST_TIMEOUT} s)"
status=0
run() {
  local name=$1; shift
  local start=$SECONDS
  if "$@" wasm-pack test --headless "--$name" -- --features js --test fuzz -- --nocapture; then
    echo "fuzz-long: $name ok ($((SECONDS - start)) s)"
  else
    echo "fuzz-long: $name FAILED ($((SECONDS - start)) s); replay with FUZZ_SEED=$seed FUZZ_COUNT=$count FUZZ_BROWSER=$name bash scripts/fuzz-long.sh"
    status=1
  fi
}
case "$browser" in
  chrome) run chrome env -u GECKODRIVER ;;
  firefox) run firefox env -u CHROMEDRIVER ;;
  both) run chrome env -u GECKODRIVER; run firefox env -u CHROMEDRIVER ;;
  *) echo "fuzz-long: FUZZ_BROWSER must be chrome, firefox or both" >&2; exit 2 ;;
esac
echo "fuzz-long: seed $seed count $count: $([ $status = 0 ] && echo passed || echo FAILED)"
exit $status
