// Shared by bench/run.mjs and tests/page/{size,memory}.test.mjs: a tiny static server over the
// repository, the browsers (Chromium and Firefox, through tests/page/lib/browsers.mjs), the
// package-size figures, and the memory run.
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync, constants as zc } from 'node:zlib';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.map': 'application/json',
};

/**
 * Serves `root` on 127.0.0.1 (random port). No caching, and cross-origin-isolation headers so
 * pages get the fine `performance.now()` resolution (5 µs instead of 100 µs in Chromium).
 */
export async function startServer(root = ROOT) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/favicon.ico') { res.writeHead(204).end(); return; }
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) { res.writeHead(403).end(); return; }
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      res.writeHead(200, {
        'content-type': MIME[extname(path)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  // gc() for the memory rows, and unquantised performance.memory figures.
  '--js-flags=--expose-gc', '--enable-precise-memory-info',
  // A headless bench page must not be throttled as a background tab.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
];

/**
 * The bench's browsers through the page tests' launch layer (tests/page/lib/browsers.mjs):
 * 'chromium' (playwright-core, the flags above) or 'firefox' (puppeteer-core over WebDriver BiDi).
 * Resolves to the layer's Browser ({ name, version, newContext, newPage, close, raw }).
 */
export async function launchBrowser(name) {
  const { launch } = await import('../tests/page/lib/browsers.mjs');
  if (name === 'chromium') return launch('chromium', { args: CHROMIUM_ARGS.filter((a) => !/^--(no-sandbox|disable-gpu|disable-quic|no-first-run|disable-background-networking|disable-component-update|disable-sync|use-fake)/.test(a)) });
  return launch(name);
}

export function launchChromium() {
  return launchBrowser('chromium');
}

/**
 * A probe script's loop: for each browser in BROWSERS (env, default "firefox,chromium"), opens the
 * bench page, runs `inPage(arg)` there (the page's media are `window.benchMedia`) and prints
 * `<browser> <JSON of its result>`; then exits.
 */
export async function probeBrowsers(inPage, arg) {
  const server = await startServer();
  for (const name of (process.env.BROWSERS ?? 'firefox,chromium').split(',')) {
    const browser = await launchBrowser(name);
    const { page } = await openBenchPage(browser, server.url);
    console.log(name, JSON.stringify(await page.evaluate(inPage, arg)));
    await browser.close();
  }
  await server.close?.();
  process.exit(0);
}

/** Opens the bench page in a fresh context and waits for its ready signal. */
export async function openBenchPage(browser, baseUrl, path = '/bench/index.html') {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.onPageError((e) => errors.push(String(e)));
  page.onConsole((type, text) => { if (type === 'error') errors.push(text); });
  await page.goto(baseUrl + path);
  await page.waitForFunction(() => window.benchReady === true || window.benchError, null, { timeout: 30000 });
  const err = await page.evaluate(() => window.benchError ?? null);
  if (err) throw new Error(`bench page failed: ${err}`);
  return { context, page, errors };
}

// ----- size -------------------------------------------------------------------------------------

// The package as a browser downloads it with no bundler: the `--target web` build's .wasm plus
// every JS file in pkg/web (one since the entry is bundled: scripts/bundle-web.mjs), each gzip -9. Issue 10 asked for 20 KB when the package was 29.8 KB, before the features later issues
// asked for (below); the budget is the measured size with a small margin, lowered when it shrinks,
// raised only with the reason written here. The core that derives the remote books from the
// negotiated state brought it from 29.8 to 34.8 KB.
// 48 KB (KiB) gzipped: 35 KB before perfect negotiation, which costs 12.8 KB (its async driver and
// wasm-bindgen-futures's task queue; see the README's performance section). 49 KB: +0.85 KB for
// the JS face's stack headroom (no poisoning near stack exhaustion) and for reading each
// description's SDP once (per-event cost flat in the number of m-lines). 51 KB: +1.9 KB for the
// negotiator's renumbered retry of an offer Chromium 156 refuses after a glare (README, browser
// departures; measured 39.5 → 41.5 KB wasm gzipped, with the panic and `str::contains` paths kept out).
// 52 KB: +0.55 KB for the negotiator's skip of Firefox 153's msid-less-answer renegotiation loop
// (README, browser departures): both together measured 51.00 KB.
// 49 KB: the no-bundler build's JS bundled into one file and minified, with a source map beside it
// (scripts/bundle-web.mjs): the JS went from 9.88 KB in 6 files to 6.33 KB in 1, the total from
// 51.78 to 48.23 KB.
export const SIZE_BUDGET_BYTES = 49 * 1024;
export const WASM_FILE = 'pkg/web/rtc_peer_bg.wasm';
const jsUnder = (dir) => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? jsUnder(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []);
export const GLUE_FILES = existsSync(join(ROOT, 'pkg/web')) ? jsUnder('pkg/web').sort() : ['pkg/web/index.js'];

function gz(buf) {
  return gzipSync(buf, { level: 9 }).length;
}

/** Raw and gzip -9 sizes (each file compressed on its own, as a server sends it). */
export function packageSizes(root = ROOT) {
  const one = (f) => { const b = readFileSync(join(root, f)); return { file: f, raw: b.length, gzip: gz(b) }; };
  const wasm = one(WASM_FILE);
  const glueFiles = GLUE_FILES.map(one);
  const glue = { files: glueFiles, raw: glueFiles.reduce((s, f) => s + f.raw, 0), gzip: glueFiles.reduce((s, f) => s + f.gzip, 0) };
  const total = { raw: wasm.raw + glue.raw, gzip: wasm.gzip + glue.gzip };
  return { wasm, glue, total, budget: SIZE_BUDGET_BYTES, withinBudget: total.gzip <= SIZE_BUDGET_BYTES };
}

// ----- memory -----------------------------------------------------------------------------------

/**
 * Live event listeners (Chromium DevTools protocol) on the objects the page names in
 * `window.benchProbes()` — everything a connection could hang a listener on that outlives it.
 */
async function listenerCounts(page, cdp) {
  if (!cdp) return null;
  const names = await page.evaluate(() => Object.keys(window.benchProbes()));
  const out = {};
  for (const name of names) {
    const { result } = await cdp.send('Runtime.evaluate', { expression: `window.benchProbes()[${JSON.stringify(name)}]` });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId, depth: 0 });
    out[name] = listeners.length;
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
  }
  return out;
}

/**
 * create → addTrack ×2 → negotiate → close, `cycles` times after `warmup` cycles, in a fresh page.
 * `kind` is 'wrapped' or 'native'. Returns the page's figures plus listener counts from the protocol.
 */
export async function memoryRun(browser, baseUrl, { kind = 'wrapped', cycles = 1000, warmup = 100, gcEvery = 100 } = {}) {
  const { context, page, errors } = await openBenchPage(browser, baseUrl);
  try {
    // Listener counts need the DevTools protocol: Chromium only (null in Firefox).
    const cdp = browser.name === 'chromium' ? await context.raw.newCDPSession(page.raw) : null;
    await page.evaluate(({ kind, warmup }) => window.bench.memoryStart(kind, warmup), { kind, warmup });
    const listenersBefore = await listenerCounts(page, cdp);
    const result = await page.evaluate(({ kind, cycles, gcEvery }) => window.bench.memoryCycles(kind, cycles, gcEvery), { kind, cycles, gcEvery });
    const listenersAfter = await listenerCounts(page, cdp);
    // Listeners still attached to the closed connections themselves (sampled: the last one).
    const last = cdp ? (await cdp.send('Runtime.evaluate', { expression: 'window.bench.lastClosed()' })).result : {};
    let onClosed = null;
    if (last.objectId) {
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: last.objectId, depth: 0 });
      onClosed = listeners.map((l) => l.type).sort();
      await cdp.send('Runtime.releaseObject', { objectId: last.objectId });
    }
    await page.evaluate(() => window.bench.memoryEnd());
    return { kind, cycles, warmup, gcEvery, ...result, listenersBefore, listenersAfter, listenersOnClosedConnection: onClosed, pageErrors: errors };
  } finally {
    await context.close();
  }
}

export function gitCommit(root = ROOT) {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}
