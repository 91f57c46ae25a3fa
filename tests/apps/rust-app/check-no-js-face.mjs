// node check-no-js-face.mjs <pkg without the face> <pkg with rtc-peer's `js` feature>
// Fails if the first build has any of the JS face (exports, imports, glue, .d.ts, or the bytes of
// the .wasm); the second must have it, so the check is known to see it. Prints both sizes.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';
import { execFileSync } from 'node:child_process';

const FACE = ['PeerConnectionCore', 'peerconnectioncore_', 'attachStream', 'attach_stream', 'core_class'];
const [plain, withJs] = process.argv.slice(2);

function files(dir) {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

function gzip9(path) {
  try {
    return execFileSync('gzip', ['-9', '-c', path]).length; // the gzip CLI, as in `gzip -9`
  } catch {
    return gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION }).length;
  }
}

function inspect(dir) {
  const wasmPath = join(dir, 'rust_app_bg.wasm');
  const bytes = readFileSync(wasmPath);
  const mod = new WebAssembly.Module(bytes);
  const exports = WebAssembly.Module.exports(mod).map((e) => e.name);
  const imports = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`);
  const places = [
    ['wasm exports', exports.join('\n')],
    ['wasm imports', imports.join('\n')],
    ['wasm bytes', bytes.toString('latin1')],
    ...files(dir).filter((f) => /\.(js|ts)$/.test(f)).map((f) => [f.slice(dir.length + 1), readFileSync(f, 'utf8')]),
  ];
  const found = [];
  for (const [where, text] of places) {
    for (const name of FACE) if (text.toLowerCase().includes(name.toLowerCase())) found.push(`${name} in ${where}`);
  }
  const glue = files(dir).filter((f) => f.endsWith('.js'));
  return {
    exports,
    found,
    wasm: { raw: bytes.length, gz: gzip9(wasmPath) },
    glue: { raw: glue.reduce((n, f) => n + statSync(f).size, 0), gz: glue.reduce((n, f) => n + gzip9(f), 0), files: glue.length },
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const a = inspect(plain);
const b = inspect(withJs);
const row = (label, r) =>
  `${label.padEnd(28)} .wasm ${String(r.wasm.raw).padStart(7)} B raw (${kb(r.wasm.raw)}), ${String(r.wasm.gz).padStart(6)} B gzip -9 (${kb(r.wasm.gz)});` +
  ` JS glue (${r.glue.files}) ${r.glue.raw} B raw, ${r.glue.gz} B gzip -9`;
console.log(row('app (rtc-peer defaults)', a));
console.log(row('app + rtc-peer "js" (before)', b));
const pct = (x, y) => `${(((y - x) / y) * 100).toFixed(1)}%`;
console.log(`without the JS face: .wasm ${b.wasm.raw - a.wasm.raw} B raw (${pct(a.wasm.raw, b.wasm.raw)}) and ${b.wasm.gz - a.wasm.gz} B gzip -9 (${pct(a.wasm.gz, b.wasm.gz)}) smaller`);
console.log(`app exports: ${a.exports.join(', ')}`);

let ok = true;
if (a.found.length) {
  ok = false;
  console.error(`FAIL: the app's build has the JS face:\n  ${a.found.join('\n  ')}`);
}
for (const name of ['peerconnectioncore_', 'attachStream']) {
  if (!b.found.some((f) => f.startsWith(`${name} in `))) {
    ok = false;
    console.error(`FAIL: the check cannot see the face: "${name}" not found in the js-feature build`);
  }
}
if (!b.exports.some((e) => e.startsWith('peerconnectioncore_'))) {
  ok = false;
  console.error('FAIL: the js-feature build exports no peerconnectioncore_* (the check would be vacuous)');
}
console.log(ok ? 'ok: no JS face in the app (and the check finds it in the js-feature build)' : 'FAILED');
process.exit(ok ? 0 : 1);
