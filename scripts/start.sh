#!/usr/bin/env bash
# `npm start`: bootstrap, build the package, serve the demo on 127.0.0.1 and print its URL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build-pkg.sh
export PATH="$PWD/node_modules/.bin:$PATH"
exec webpack serve --mode development
