#!/usr/bin/env bash
# Builds the app as a page would ship it (wasm-pack --target web, release, wasm-opt) and asserts
# that none of rtc-peer's JS face is in it; prints its wasm size, and the size of the same app
# with rtc-peer's `js` feature on (what every Rust app paid before the feature existed).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../../.. && pwd)
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
out="$root/target/rust-app"
build() { # out-dir, extra cargo args…
  local dir=$1; shift
  # The log is shown only on failure (rtc-peer's dead-code warnings without `js` are in it).
  if ! nice wasm-pack --quiet build --target web --release --no-pack --out-dir "$dir" . "$@" >"$dir.log" 2>&1 ||
    [ ! -f "$dir/rust_app_bg.wasm" ]; then
    cat "$dir.log" >&2; echo "build failed: wasm-pack build $*" >&2; return 1
  fi
  echo "built $(basename "$dir") ($(grep -c '^warning' "$dir.log" || true) warning lines in $dir.log)"
}
start=$SECONDS
rm -rf "$out/pkg" "$out/pkg-js"; mkdir -p "$out"
build "$out/pkg"
build "$out/pkg-js" --features js-face
cp index.html "$out/index.html"   # `python3 -m http.server -d target/rust-app` serves the page
echo "built both in $((SECONDS - start)) s"
node check-no-js-face.mjs "$out/pkg" "$out/pkg-js"
