#!/usr/bin/env bash
# Installs, only when missing, every tool the build and the tests need on a fresh machine
# (Debian 12, root; see ../shared/TOOLCHAIN.md). A warm machine pays a few `command -v` checks.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
say() { printf '[bootstrap] %s\n' "$*" >&2; }

# 1. Rust target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. Browsers and their drivers from Debian (never a browser download of a test tool's own).
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || command -v firefox >/dev/null 2>&1 || need_apt+=(firefox-esr)
# The SFU tests and the demo's SFU mode: Janus 1.1.2 (videoroom, HTTP transport), and `ip` for the
# network namespace they run it in (tests/page/lib/janus.mjs).
command -v janus >/dev/null 2>&1 || need_apt+=(janus)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)
command -v unshare >/dev/null 2>&1 || need_apt+=(util-linux)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# 3. wasm-bindgen CLI at exactly the version in Cargo.lock (the test runner must match the crate).
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "cargo install wasm-bindgen-cli $wb_version"
  # Not --locked: its lockfile pins a crate version this registry lacks.
  cargo install -q wasm-bindgen-cli --version "$wb_version" --force
fi

# 4. wasm-pack and geckodriver from crates.io (their npm/GitHub installers cannot work here).
command -v wasm-pack >/dev/null 2>&1 || { say "cargo install wasm-pack"; cargo install -q wasm-pack --locked; }
command -v geckodriver >/dev/null 2>&1 || { say "cargo install geckodriver"; cargo install -q geckodriver --locked; }

# 5. npm dependencies (binaryen's modern wasm-opt among them; never Debian's v108).
stamp=node_modules/.bootstrap-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  say "npm install"
  # `npm install`, not `npm ci`: it follows the lock, but tolerates what `npm ci` refuses here — the
  # registry has no metadata for rollup's other-platform binaries, so no lockfile can list them.
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
if ! node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q 'version 1[2-9][0-9]'; then
  echo "[bootstrap] node_modules/.bin/wasm-opt is missing or too old" >&2; exit 1
fi
