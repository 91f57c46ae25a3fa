#!/usr/bin/env bash
# `npm run example`: builds the example (wasm-pack --target web) into target/example/www with its
# page, and serves it on 127.0.0.1 (EXAMPLE_PORT, default 8080). Open the printed URL; allow the
# camera and microphone.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
www="$root/target/example/www"
mkdir -p "$www"
wasm-pack --quiet build --target web --dev --no-pack --out-dir "$www/pkg" .
cp index.html main.js "$www/"
[ "${EXAMPLE_BUILD_ONLY:-}" = 1 ] && { echo "built $www"; exit 0; }
exec node --input-type=module -e "
  import { serveStatic } from '$root/tests/page/lib/static-server.mjs';
  const s = await serveStatic('$www', { port: Number(process.env.EXAMPLE_PORT ?? 8080) });
  console.log('the example call: ' + s.url + 'index.html (Ctrl-C stops)');
"
