#!/usr/bin/env bash
# Builds the npm package into pkg/: the bundler build (webpack 5, Vite with a wasm plugin) at the
# root and a plain-ES-module build (`--target web`, no bundler) in pkg/web, each with the JS entry
# from js/. `--dev` skips optimisation (faster, bigger). Extra args go to cargo (e.g. --features panic-hook).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
profile=--release
if [ "${1:-}" = "--dev" ]; then profile=--dev; shift; fi

wasm-pack --quiet build $profile --target bundler --out-dir pkg --out-name rtc_peer --no-pack . --features js,small-alloc "$@" 2>&1 | grep -v 'failed to get wasm-pack version' >&2 || true
[ -f pkg/rtc_peer_bg.wasm ] || { echo "build-pkg: wasm-pack build failed" >&2; exit 1; }
wasm-pack --quiet build $profile --target web --out-dir pkg/web --out-name rtc_peer --no-pack . --features js,small-alloc "$@" 2>&1 | grep -v 'failed to get wasm-pack version' >&2 || true
[ -f pkg/web/rtc_peer_bg.wasm ] || { echo "build-pkg: wasm-pack web build failed" >&2; exit 1; }

# wasm-pack's own package.json / README / .gitignore (which says `*`, hiding files from npm pack) go.
rm -f pkg/.gitignore pkg/package.json pkg/README.md pkg/web/.gitignore pkg/web/package.json pkg/web/README.md
cp js/rtc-peer.js js/rtc-peer.d.ts pkg/
cp js/rtc-peer.js js/rtc-peer.d.ts pkg/web/
# The bundler build's class ships without its comment lines (the .d.ts is its documentation):
# smaller download. pkg/web bundles the source as written, so its source map shows the comments.
node -e 'const fs = require("fs"); const src = fs.readFileSync("js/peer-class.js", "utf8");
  const out = src.split("\n").filter((l) => !/^\s*\/\//.test(l) && !/^\s*\/\*\*.*\*\/\s*$/.test(l)).join("\n");
  fs.writeFileSync("pkg/peer-class.js", out);'
cp js/peer-class.js pkg/web/
cp js/web-index.js pkg/web/index.js
cp js/web-index.d.ts pkg/web/index.d.ts
# The no-bundler build is what a page downloads as is: one file, minified, with a source map (scripts/bundle-web.mjs).
node scripts/bundle-web.mjs pkg/web
