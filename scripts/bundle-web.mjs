// Makes the no-bundler build (pkg/web) one file: `index.js`, the entry with wasm-bindgen's glue,
// its snippets and the JS class bundled in (esbuild), minified (terser), with a source map beside
// it that carries the sources, for the devtools. A page without a bundler downloads pkg/web as it
// is, and each level of imports is one more round trip before the .wasm is even asked for: the
// entry was 6 modules in 3 levels, and a fresh page's first connection took about half as long
// once it was one (`node bench/run.mjs --only startup`; README, performance). Class and function names
// are kept, so stack traces and `PeerConnection.name` read as in the source. The bundler build
// (pkg/) stays as written: the app's bundler bundles and minifies it with the app.
// Run by scripts/build-pkg.sh: node scripts/bundle-web.mjs pkg/web
import { build } from 'esbuild';
import { minify } from 'terser';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'pkg/web';
const entry = join(dir, 'index.js');
const bundled = await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  write: false,
  sourcemap: 'external',
  outfile: entry,
  logLevel: 'warning',
  // wasm-bindgen's glue names one snippet module under the same key once per import it takes
  // from it; every key is the same module's namespace.
  logOverride: { 'duplicate-object-key': 'silent' },
});
const js = bundled.outputFiles.find((f) => f.path.endsWith('.js')).text;
const map = bundled.outputFiles.find((f) => f.path.endsWith('.map')).text;
const out = await minify({ 'index.js': js }, {
  module: true,
  compress: { passes: 2 },
  mangle: true,
  keep_classnames: true,
  keep_fnames: true,
  sourceMap: { content: map, filename: 'index.js', url: 'index.js.map', includeSources: true },
});

// Everything bundled in goes: the modules, and the generated declarations of the glue module.
for (const e of readdirSync(dir, { withFileTypes: true })) {
  const keep = e.name === 'rtc_peer_bg.wasm' || e.name === 'index.d.ts' || e.name === 'rtc-peer.d.ts';
  if (!keep) rmSync(join(dir, e.name), { recursive: true });
}
writeFileSync(entry, out.code);
writeFileSync(`${entry}.map`, out.map);
