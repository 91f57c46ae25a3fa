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
# runner then says "Failed to detect test as having been run") is retried once, saying so; a test
# that failed is never retried.
# A run that hangs outright (seen once: Chromium started, chromedriver never answered the session,
# the runner waited with no timeout of its own) is stopped after BROWSER_PART_TIMEOUT seconds
# (default 900: a cold build of the test binary included) and retried once the same way.
browser_tests() {
  local log status limit=${BROWSER_PART_TIMEOUT:-900}
  log=$(mktemp)
  timeout -k 10 "$limit" "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    echo "=== no result within $limit s (the browser or its driver hung): retrying once"
    timeout -k 10 "$limit" "$@"
    status=$?
  elif [ "$status" != 0 ] && grep -q "Failed to detect test as having been run" "$log" && ! grep -qE "^test .* FAIL" "$log"; then
    echo "=== the browser stopped answering before any result (no test failed): retrying once"
    timeout -k 10 "$limit" "$@"
    status=$?
  fi
  rm -f "$log"
  return "$status"
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
part "chrome:rust-app" env -u GECKODRIVER -C "$app" "${app_env[@]}" wasm-pack test --headless --chrome -- --test call
part "firefox:rust-app" env -u CHROMEDRIVER -C "$app" "${app_env[@]}" wasm-pack test --headless --firefox -- --test call
part "rust-app:no-js-face" bash "$app/check-no-js-face.sh"
# The example call (examples/call, its own Cargo root and target dir target/example): getUserMedia
# (fake media), the library's perfect negotiation over the app's transport, grouped and streamless
# tracks, a data channel, stats, a renegotiation; in both browsers.
example=examples/call
part "chrome:example" env -u GECKODRIVER -C "$example" "${app_env[@]}" wasm-pack test --headless --chrome -- --test call
part "firefox:example" env -u CHROMEDRIVER -C "$example" "${app_env[@]}" wasm-pack test --headless --firefox -- --test call
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
