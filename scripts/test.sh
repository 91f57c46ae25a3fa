#!/usr/bin/env bash
# Every test, in order of speed: host (pure logic), Chrome, Firefox, then page tests against the
# built package. Each part runs even if an earlier one failed; the exit code says if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export GECKODRIVER="${GECKODRIVER:-$(command -v geckodriver)}"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

failed=()
passed=()
part() {
  local name=$1; shift
  echo "=== $name: $*"
  local start=$SECONDS
  if "$@"; then passed+=("$name"); echo "=== $name: ok ($((SECONDS - start)) s)"
  else failed+=("$name"); echo "=== $name: FAILED ($((SECONDS - start)) s)"; fi
}

part host cargo test --quiet
# A Rust app builds the crate with default features: no warning may reach it.
part "wasm:default-features" env RUSTFLAGS="-D warnings" CARGO_TARGET_DIR=target/check cargo check --quiet --target wasm32-unknown-unknown
# One wasm-pack run per test binary: cargo stops at the first failing binary otherwise, and
# wasm-pack forwards extra arguments (like --no-fail-fast) to `cargo build` too, which rejects them.
# A browser that stops answering its driver ("Timed out receiving message from renderer": the
# runner then says "Failed to detect test as having been run") is retried, saying so; a test
# that failed is never retried.
# The runner's own webdriver session sometimes never starts: wasm-bindgen-test-runner 0.2.130
# stops right after it reads webdriver.json and waits with no timeout of its own (7 of about 30
# runs on this 2-core machine, the same with only the fake-media flags; seen with chromedriver
# and with geckodriver, so it is the runner's session set-up, not one browser). No test has run then, so an attempt is stopped once no test has started
# BROWSER_START_TIMEOUT seconds (default 30; a normal start takes under 5) after the runner said
# it is starting the browser, and the part is run again, up to BROWSER_ATTEMPTS times (default
# 6). BROWSER_PART_TIMEOUT (default 900 s, a cold build of the test binary included) bounds every
# attempt.
browser_tests() {
  local log status pid began attempt hung
  local limit=${BROWSER_PART_TIMEOUT:-900} start_limit=${BROWSER_START_TIMEOUT:-30}
  local attempts=${BROWSER_ATTEMPTS:-6}
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    log=$(mktemp)
    setsid timeout -k 10 "$limit" "$@" > "$log" 2>&1 &
    pid=$!
    tail -n +1 -f --pid="$pid" "$log" &
    began=
    hung=
    while kill -0 "$pid" 2>/dev/null; do
      sleep 1
      if [ -z "$began" ]; then
        grep -q "^Running headless tests" "$log" && began=$SECONDS
      elif ! grep -qE "^running [0-9]+ tests?" "$log" && [ $((SECONDS - began)) -gt "$start_limit" ]; then
        hung=1
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
        sleep 2
        kill -KILL -- "-$pid" 2>/dev/null
        break
      fi
    done
    wait "$pid"
    status=$?
    wait
    if [ -n "$hung" ]; then
      echo "=== attempt $attempt: no test started within $start_limit s of starting the browser (its webdriver session hung)"
    elif [ "$status" = 124 ] || [ "$status" = 137 ]; then
      echo "=== attempt $attempt: no result within $limit s (the browser or its driver hung)"
    elif [ "$status" != 0 ] && grep -q "Failed to detect test as having been run" "$log" && ! grep -qE "^test .* FAIL" "$log"; then
      echo "=== attempt $attempt: the browser stopped answering before any result (no test failed)"
    else
      rm -f "$log"
      return "$status"
    fi
    rm -f "$log"
    [ "$attempt" -lt "$attempts" ] && echo "=== retrying"
  done
  return 1
}
for t in tests/*.rs; do
  name=$(basename "$t" .rs)
  part "chrome:$name" browser_tests env -u GECKODRIVER wasm-pack test --headless --chrome -- --features js --test "$name"
  part "firefox:$name" browser_tests env -u CHROMEDRIVER wasm-pack test --headless --firefox -- --features js --test "$name"
done
# A Rust app using rtc-peer as a plain dependency (default features: no JS face, its own
# allocator), in its own Cargo root and target dir (target/rust-app): its loopback call in both
# browsers, then its release build checked for none of the JS face, with sizes.
app=tests/apps/rust-app
app_env=(WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/webdriver.json")
part "chrome:rust-app" browser_tests env -u GECKODRIVER -C "$app" "${app_env[@]}" wasm-pack test --headless --chrome -- --test call
part "firefox:rust-app" browser_tests env -u CHROMEDRIVER -C "$app" "${app_env[@]}" wasm-pack test --headless --firefox -- --test call
part "rust-app:no-js-face" bash "$app/check-no-js-face.sh"
# The example call (examples/call, its own Cargo root and target dir target/example): getUserMedia
# (fake media), the library's perfect negotiation over the app's transport, grouped and streamless
# tracks, a data channel, stats, a renegotiation; in both browsers.
example=examples/call
part "chrome:example" browser_tests env -u GECKODRIVER -C "$example" "${app_env[@]}" wasm-pack test --headless --chrome -- --test call
part "firefox:example" browser_tests env -u CHROMEDRIVER -C "$example" "${app_env[@]}" wasm-pack test --headless --firefox -- --test call
if [ -d tests/page ]; then
  part package bash scripts/build-pkg.sh
  for t in tests/page/*.test.mjs; do
    [ -e "$t" ] || continue
    part "page:$(basename "$t" .test.mjs)" node --test "$t"
  done
fi

echo
echo "parts: ${#passed[@]} passed, ${#failed[@]} failed${failed:+ (${failed[*]})}"
[ ${#failed[@]} -eq 0 ]
