// The packed package in three throwaway apps: `npm pack` of this package, installed (offline)
// into copies of tests/apps/{webpack,vite,plain} under test-artifacts/apps/, built with webpack 5
// (asyncWebAssembly), Vite (vite-plugin-wasm) and no bundler at all (`<script type="module">`
// importing rtc-peer/web from node_modules), each served on 127.0.0.1 under the strict CSP and
// driven in headless Chromium and Firefox ESR (tests/page/lib/browsers.mjs; one subtest per app
// and browser) through a loopback call (canvas track, `streamadded`, connected,
// remote frames). Fails on console errors, uncaught exceptions and failed requests.
// Needs the built package in pkg/ (scripts/test.sh builds it before the page tests).
// Run: node --test tests/page/bundlers.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, packTarball, makeApp, installTarball, buildApp, listFiles } from './lib/bundler-apps.mjs';
import { serveStatic } from './lib/static-server.mjs';
import { BROWSERS, launch, watch } from './lib/browsers.mjs';

const NAMES = ['webpack', 'vite', 'plain'];
let packed;
const prepared = {}; // name -> Promise<{ dir, served }>

before(async () => {
  const packRoot = path.resolve(ROOT, process.env.RTC_PEER_PACK_ROOT || '.');
  assert.ok(existsSync(path.join(packRoot, 'pkg', 'rtc_peer_bg.wasm')) && existsSync(path.join(packRoot, 'pkg', 'web', 'index.js')),
    `${path.join(packRoot, 'pkg')} is not built: run scripts/build-pkg.sh first`);
  packed = await packTarball();
  // Copy + install the three apps at once; the two bundler builds run side by side.
  for (const name of NAMES) {
    prepared[name] = (async () => {
      const dir = await makeApp(name);
      await installTarball(dir, packed.tarball);
      return { dir, served: await buildApp(name, dir) };
    })();
    prepared[name].catch(() => {}); // reported by the app's own test
  }
});


test('npm pack: the tarball holds both builds and the declarations', () => {
  for (const f of ['package.json', 'pkg/rtc-peer.js', 'pkg/rtc-peer.d.ts', 'pkg/peer-class.js', 'pkg/rtc_peer.js',
    'pkg/rtc_peer_bg.js', 'pkg/rtc_peer_bg.wasm', 'pkg/web/index.js', 'pkg/web/index.js.map', 'pkg/web/index.d.ts',
    'pkg/web/rtc-peer.d.ts', 'pkg/web/rtc_peer_bg.wasm']) {
    assert.ok(packed.files.includes(f), `${f} is not in the tarball (${packed.files.join(', ')})`);
  }
  assert.ok(!packed.files.some((f) => /^(src|tests|target|www|scripts)\//.test(f)), `sources in the tarball: ${packed.files.join(', ')}`);
});

for (const browserName of BROWSERS) test(browserName, { timeout: 10 * 60_000 }, async (top) => {
  const browser = await launch(browserName);
  top.diagnostic(`${browserName}: ${browser.version}`);
  try {
    for (const name of NAMES) await top.test(`${name}: installs the tarball, builds, and makes a loopback call [${browserName}]`, async (t) => {
      const start = Date.now();
      const { dir, served } = await prepared[name];
      t.diagnostic(`${name}: installed and built in ${((Date.now() - start) / 1000).toFixed(1)} s (waited)`);
      const files = await listFiles(served);
      if (name !== 'plain') assert.ok(files.some((f) => f.endsWith('.wasm')), `${name}: no .wasm in the build: ${files.join(', ')}`);
      const server = await serveStatic(served);
      const page = await browser.newPage();
      const problems = watch(page, [], `${name} [${browserName}]`);
      try {
        await page.goto(server.url);
        await page.waitForFunction(() => window.__call, null, { timeout: 40_000 });
        const result = await page.evaluate(() => window.__call);
        t.diagnostic(`${name}: ${JSON.stringify(result)}`);
        assert.equal(result.ok, true, `${name}: the call failed: ${result.error}\n${problems.join('\n')}`);
        assert.deepEqual(result.connectionState, ['connected', 'connected']);
        assert.equal(result.streamless, false);
        assert.equal(result.reused, false);
        assert.equal(result.streamIds.length, 1);
        assert.ok(result.videoWidth > 0);
        assert.deepEqual(problems, [], `${name}: console errors or uncaught exceptions`);
        const failed = server.requests.filter((r) => r.status !== 200);
        assert.deepEqual(failed, [], `${name}: requests that did not succeed`);
        const wasm = server.requests.filter((r) => r.path.endsWith('.wasm'));
        assert.equal(wasm.length, 1, `${name}: expected one .wasm request, got ${JSON.stringify(server.requests)}`);
        if (name === 'plain') {
          assert.ok(wasm[0].path.startsWith('/node_modules/rtc-peer/pkg/web/'), `plain: wasm from ${wasm[0].path}`);
        }
      } finally {
        await page.close();
        await server.close();
      }
      void dir;
    });
  } finally {
    await browser.close();
  }
});
