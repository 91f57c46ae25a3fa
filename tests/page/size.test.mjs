// Size budget: the npm package as a browser downloads it (pkg/web: .wasm + every JS file) must
// stay within the budget in bench/harness.mjs (1 KB = 1024 bytes; gzip -9, each file on its own).
// Run after the package is built (scripts/test.sh builds it first): node --test tests/page/size.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WASM_FILE, GLUE_FILES, SIZE_BUDGET_BYTES, packageSizes } from '../../bench/harness.mjs';

const kb = (b) => `${(b / 1024).toFixed(2)} KB`;

test('the built package is there', () => {
  for (const f of [WASM_FILE, ...GLUE_FILES]) assert.ok(existsSync(join(ROOT, f)), `${f} missing: build the package first (scripts/build-pkg.sh)`);
});

test(`gzipped .wasm + JS glue ≤ ${SIZE_BUDGET_BYTES / 1024} KB`, (t) => {
  const s = packageSizes();
  const lines = [
    `${s.wasm.file}: raw ${s.wasm.raw} B, gzip ${s.wasm.gzip} B (${kb(s.wasm.gzip)})`,
    ...s.glue.files.map((f) => `${f.file}: raw ${f.raw} B, gzip ${f.gzip} B`),
    `JS glue: raw ${s.glue.raw} B, gzip ${s.glue.gzip} B (${kb(s.glue.gzip)})`,
    `total: raw ${s.total.raw} B, gzip ${s.total.gzip} B (${kb(s.total.gzip)}); budget ${SIZE_BUDGET_BYTES} B (${kb(SIZE_BUDGET_BYTES)})`,
  ];
  for (const l of lines) t.diagnostic(l);
  assert.ok(s.total.gzip <= SIZE_BUDGET_BYTES,
    `gzipped package is ${kb(s.total.gzip)}, over the ${kb(SIZE_BUDGET_BYTES)} budget by ${kb(s.total.gzip - SIZE_BUDGET_BYTES)}`);
});

test('the no-bundler entry is one file: it imports no other module', () => {
  // Each module the entry imported would be one more round trip before the .wasm is asked for.
  const entry = readFileSync(join(ROOT, 'pkg/web/index.js'), 'utf8');
  const imports = entry.match(/\b(from|import)\s*\(?\s*["'][^"']*["']/g) ?? [];
  assert.deepEqual(imports, [], 'pkg/web/index.js imports other modules');
  assert.ok(entry.includes('rtc_peer_bg.wasm'), 'pkg/web/index.js does not name the .wasm beside it');
});
