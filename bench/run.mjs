#!/usr/bin/env node
// `npm run bench` (after bootstrap + build-pkg) or, on an already-built package, `node bench/run.mjs`.
//
// Wrapped (`PeerConnection` from pkg/web) vs native (`RTCPeerConnection`), same page, same
// browser run, interleaved; each figure is the median of --runs runs. Prints one table and
// writes bench/results/<timestamp>.json; a complete default run (no --quick / --only) also
// replaces bench/latest.json and bench/PERFORMANCE.md (the README's performance section).
//
// Options:
//   --runs N        runs per row (default 7)
//   --cycles N      memory cycles (default 1000), --warmup N memory warm-up cycles (default 100)
//   --quick         small N everywhere (development: ~30 s)
//   --only a,b      only these row groups: calls, negotiation, event, scale, startup, size, memory
//   --no-firefox    do not try Firefox
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import {
  ROOT, startServer, launchBrowser, openBenchPage, packageSizes, memoryRun, gitCommit, SIZE_BUDGET_BYTES,
} from './harness.mjs';

// ----- options ----------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const quick = flag('--quick');
const RUNS = Number(opt('--runs', quick ? 3 : 7));
const CYCLES = Number(opt('--cycles', quick ? 100 : 1000));
const WARMUP = Number(opt('--warmup', quick ? 20 : 100));
const ONLY = opt('--only', null)?.split(',');
const wants = (group) => !ONLY || ONLY.includes(group);
// Iterations per run, sized for ~50–500 ms per run on a 2-core machine.
const N = quick
  ? { addRemove: 30, getTransceivers: 5000, signalingState: 50000, negotiation: 3, eventPath: 3 }
  : { addRemove: 100, getTransceivers: 20000, signalingState: 200000, negotiation: 8, eventPath: 10 };

// SFU scale rows: feeds per subscription (Janus itself tops out at 75; past that the offers are
// synthetic), fewer runs (the 320-feed offer has 640 m-lines): past 80 feeds one run per kind and
// no warm-up pair (the smaller rows have warmed the page; the cold row is the 40-feed one).
const SCALE_FEEDS = quick ? [5, 40, 160] : [5, 10, 20, 40, 80, 160, 320];
const SCALE_RUNS = quick ? 1 : 3;
const SCALE_COLD = 40;
// Firefox's own first setRemoteDescription of a join grows faster than linearly with the m-lines
// (natively, on this machine: 80 feeds 0.7 s, 160 feeds ~7 s, 320 feeds ~34 s), so its 160 and
// 320 rows are most of the bench's scale time. SCALE_FIREFOX_MAX=80 (env) stops them earlier.
const SCALE_FIREFOX_MAX = Number(process.env.SCALE_FIREFOX_MAX ?? 320);

const command = process.env.npm_lifecycle_event === 'bench' && argv.length === 0
  ? 'npm run bench'
  : ['node bench/run.mjs', ...argv].join(' ');

// ----- helpers ----------------------------------------------------------------------------------

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 3) => {
  if (x === null || x === undefined) return '—';
  if (typeof x === 'string') return x;
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
};
const kb = (bytes) => bytes / 1024;
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

const failures = [];
/** A group that throws is reported as a row and fails the run; the other groups still run. */
function failed(what, e) {
  const msg = String(e?.message ?? e).split('\n')[0].replace(/^page\.evaluate: /, '');
  failures.push({ what, error: String(e?.stack ?? e) });
  rows.push({ group: 'error', row: `${what}: FAILED`, native: null, wrapped: null, ratio: null, unit: '', note: msg.slice(0, 160) });
  log(`  ${what} FAILED: ${msg}`);
}
let BATCHES = '?'; // batches per call-row run, read from the page
const rows = []; // { group, row, native, wrapped, ratio, unit, note, runs? }
function addRow(r) {
  const ratio = r.ratio !== undefined ? r.ratio
    : (Number.isFinite(r.native) && Number.isFinite(r.wrapped) && r.native > 0 ? r.wrapped / r.native : null);
  rows.push({ note: '', ...r, ratio });
}

/**
 * Runs `fn(kind)` for each of `kinds` (native and wrapped unless given) `runs` times after one
 * discarded warm-up each, rotating which goes first; `between()` (untimed) runs before every call.
 */
async function paired(runs, fn, between = async () => {}, { warmup = true, kinds = ['native', 'wrapped'] } = {}) {
  const out = Object.fromEntries(kinds.map((k) => [k, []]));
  if (warmup) for (const kind of kinds) { await between(); await fn(kind); }
  for (let r = 0; r < runs; r++) {
    for (const kind of kinds.map((_, i) => kinds[(i + r) % kinds.length])) {
      await between();
      out[kind].push(await fn(kind));
    }
  }
  return out;
}

// ----- the groups -------------------------------------------------------------------------------

/**
 * The in-page rows. Each group gets a fresh page (so connections one group leaves behind cannot
 * weigh on the next), and a forced GC (untimed) before every run: Chromium refuses new connections
 * while 500 uncollected ones exist in a renderer, closed or not, and would otherwise GC mid-run.
 */
async function pageRows(browser, baseUrl, label) {
  const suffix = label ? ` [${label}]` : '';
  const errors = [];
  const group = async (name, body) => {
    if (!wants(name)) return;
    const t0 = Date.now();
    const { context, page, errors: pageErrors } = await openBenchPage(browser, baseUrl);
    try {
      await body(page);
    } catch (e) {
      failed(`${name}${suffix}`, e);
    } finally {
      errors.push(...pageErrors);
      await context.close();
      log(`  ${name}${suffix}: ${Math.round((Date.now() - t0) / 1000)} s`);
    }
  };
  // `floor`: a plain JS subclass of RTCPeerConnection runs too, interleaved, and the note says
  // what the wrapped figure is against it (what the wrapper adds beyond being a subclass at all).
  const rowOf = async (page, group, row, name, n, unit, note = '', { floor = false } = {}) => {
    log(`  ${row}${suffix} …`);
    const call = (kind) => page.evaluate(([name, kind, n]) => window.bench[name](kind, n), [name, kind, n]);
    const gc = () => page.evaluate(() => window.bench.fullGc());
    const runs = await paired(RUNS, call, gc, floor ? { kinds: ['native', 'subclass', 'wrapped'] } : {});
    const [native, wrapped, subclass] = [median(runs.native), median(runs.wrapped), floor ? median(runs.subclass) : null];
    const vsSub = floor ? `; plain subclass ${fmt(subclass)} (${fmt(subclass / native)}× native), wrapped ${fmt(wrapped / subclass)}× of it` : '';
    addRow({ group, row: row + suffix, native, wrapped, subclass, unit, note: note + vsSub, runs });
  };
  await group('calls', async (page) => {
    await rowOf(page, 'calls', 'addTrack+removeTrack', 'addRemove', N.addRemove, 'µs/pair', `best of ${BATCHES}×${N.addRemove} per run, 1 connection`, { floor: true });
    await rowOf(page, 'calls', 'getTransceivers() (20)', 'getTransceivers', N.getTransceivers, 'µs/call', `best of ${BATCHES}×${N.getTransceivers} per run`);
    await rowOf(page, 'calls', 'signalingState read', 'signalingState', N.signalingState, 'ns/read', `best of ${BATCHES}×${N.signalingState} per run`);
  });
  await group('negotiation', (page) => rowOf(page, 'negotiation', 'negotiation round (a+v both ways)', 'negotiation', N.negotiation, 'ms/round',
    `mean of ${N.negotiation} per run; create 2, addTrack×4, offer/answer, close`, { floor: true }));
  await group('event', (page) => rowOf(page, 'event', 'SRD → first callback', 'eventPath', N.eventPath, 'ms',
    `median of ${N.eventPath} per run; native ontrack vs wrapped streamadded`, { floor: true }));
  await group('scale', async (page) => {
    // Cold: the page's first wrapped description (fresh page: nothing compiled or warmed yet).
    log(`  sfu scale: cold first join (${SCALE_COLD} feeds)${suffix} …`);
    const scale = (kind, feeds) => page.evaluate(([kind, feeds]) => window.bench.sfuScale(kind, feeds), [kind, feeds]);
    const cold = { wrapped: await scale('wrapped', SCALE_COLD), native: await scale('native', SCALE_COLD) };
    for (const feeds of SCALE_FEEDS.filter((f) => !label || f <= SCALE_FIREFOX_MAX)) {
      log(`  sfu scale: ${feeds} feeds${suffix} …`);
      const f0 = Date.now();
      const big = feeds > 80;
      const runs = await paired(big ? 1 : SCALE_RUNS, (kind) => scale(kind, feeds), () => page.evaluate(() => window.bench.fullGc()), { warmup: !big });
      const m = (kind, k) => median(runs[kind].map((r) => r[k]));
      const row = (what, k, unit, note = '') => addRow({ group: 'scale', row: `sfu ${feeds} feeds: ${what}${suffix}`, native: m('native', k), wrapped: m('wrapped', k), unit, note });
      row('join, per track event', 'perTrack', 'µs', `join offer ${fmt(m('native', 'join'))} / ${fmt(m('wrapped', 'join'))} ms, ${2 * feeds} m-lines; ${big ? '1 run' : `${SCALE_RUNS} runs`}, ${fmt((Date.now() - f0) / 1000)} s`);
      row('join, the wrapper\'s own work per track event', 'ownPerTrack', 'µs', 'time in the core outside the native call: track listener, settlement (reads the transceivers, announces the streams)');
      row('leave offer (1 feed inactive)', 'leave', 'ms');
      row('recycle offer (new feed, same mids)', 'recycle', 'ms');
      row('read groups', 'read', 'µs/call', `wrapped remoteStreams() (${fmt(m('wrapped', 'read') / feeds)} µs per stream) vs native getReceivers()`);
      if (feeds === SCALE_COLD) {
        addRow({ group: 'scale', row: `sfu ${feeds} feeds: cold first join, per track event${suffix}`, native: cold.native.perTrack, wrapped: cold.wrapped.perTrack, unit: 'µs',
          note: `the page's first description (wrapped first); warm is ${fmt(m('wrapped', 'perTrack'))} µs` });
      }
    }
  });
  return errors;
}

/** First import + first construction, each in a fresh context (cold HTTP and code caches). */
async function startupRows(browser, baseUrl, label) {
  const suffix = label ? ` [${label}]` : '';
  log(`  start-up${suffix} …`);
  const once = async (kind) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(baseUrl + '/bench/startup.html');
      await page.waitForFunction(() => window.benchReady === true);
      return await page.evaluate(async (kind) => {
        const t0 = performance.now();
        if (kind === 'native') {
          const pc = new RTCPeerConnection();
          const t1 = performance.now();
          pc.close();
          return { total: t1 - t0, import: 0, construct: t1 - t0 };
        }
        const m = await import('/pkg/web/index.js');
        const t1 = performance.now();
        const pc = new m.PeerConnection();
        const t2 = performance.now();
        pc.close();
        // Resource timing: when the last byte of the last file (the .wasm, fetched by init) arrived.
        const resources = performance.getEntriesByType('resource');
        const wasmEntry = resources.find((e) => e.name.endsWith('.wasm'));
        const fetched = wasmEntry ? wasmEntry.responseEnd - t0 : null;
        const files = resources.filter((e) => e.name.includes('/pkg/web/')).length;
        return { total: t2 - t0, import: t1 - t0, construct: t2 - t1, fetched, afterFetch: fetched === null ? null : t1 - t0 - fetched, files };
      }, kind);
    } finally {
      await context.close();
    }
  };
  const runs = await paired(RUNS, once);
  const total = (k) => median(runs[k].map((r) => r.total));
  const imp = median(runs.wrapped.map((r) => r.import));
  const fetched = median(runs.wrapped.map((r) => r.fetched));
  const afterFetch = median(runs.wrapped.map((r) => r.afterFetch));
  const con = median(runs.wrapped.map((r) => r.construct));
  addRow({
    group: 'startup', row: 'start-up: first connection' + suffix, native: total('native'), wrapped: total('wrapped'), unit: 'ms',
    note: `fresh context each; wrapped = import ${fmt(imp)} (${median(runs.wrapped.map((r) => r.files))} files fetched by ${fmt(fetched)}, then compile/instantiate ${fmt(afterFetch)}) + construct ${fmt(con)}`, runs,
  });
}

function sizeRows() {
  const s = packageSizes();
  const over = s.total.gzip - SIZE_BUDGET_BYTES;
  addRow({ group: 'size', row: 'size: .wasm', native: null, wrapped: kb(s.wasm.gzip), unit: 'KB gz', note: `raw ${fmt(kb(s.wasm.raw))} KB` });
  addRow({ group: 'size', row: `size: JS glue (${s.glue.files.length} file${s.glue.files.length === 1 ? "" : "s"})`, native: null, wrapped: kb(s.glue.gzip), unit: 'KB gz', note: `raw ${fmt(kb(s.glue.raw))} KB` });
  addRow({
    group: 'size', row: 'size: total', native: null, wrapped: kb(s.total.gzip), unit: 'KB gz',
    note: `budget ${fmt(kb(SIZE_BUDGET_BYTES))} KB: ${over > 0 ? `OVER by ${fmt(kb(over))} KB` : 'within'}`,
  });
  return s;
}

function glueClosureShims() {
  // wasm-bindgen emits `Closure` support (makeMutClosure / closure wrappers / CLOSURE_DTORS) only
  // when the crate passes Rust closures to JS. None in the glue means none can be left behind.
  const glue = readFileSync(join(ROOT, 'pkg/rtc_peer_bg.js'), 'utf8'); // the bundler build's glue, as wasm-bindgen wrote it (pkg/web's is minified)
  return (glue.match(/makeMutClosure|makeClosure|CLOSURE_DTORS|closure_wrapper/g) ?? []).length;
}

async function memoryRows(browser, baseUrl) {
  log(`  memory: ${CYCLES} cycles after ${WARMUP} warm-up, native …`);
  const native = await memoryRun(browser, baseUrl, { kind: 'native', cycles: CYCLES, warmup: WARMUP });
  log(`  memory: ${CYCLES} cycles after ${WARMUP} warm-up, wrapped …`);
  const wrapped = await memoryRun(browser, baseUrl, { kind: 'wrapped', cycles: CYCLES, warmup: WARMUP });
  const heap = (r) => (r.gcOk && r.after.jsHeapUsedBytes !== null ? kb(r.after.jsHeapUsedBytes - r.before.jsHeapUsedBytes) : null);
  const c = `${CYCLES} cycles`;
  const firstError = (r) => (r.failures.length ? `${r.kind}: ${r.failures[0].error.replace(/^.*?: /, '')} at cycle ${r.failures[0].cycle}` : null);
  addRow({ group: 'memory', row: 'memory: cycles completed', native: native.completed, wrapped: wrapped.completed, unit: `of ${CYCLES}`,
    note: [firstError(native), firstError(wrapped)].filter(Boolean).join('; ') || `create → addTrack×2 → negotiate → close; GC every ${wrapped.gcEvery}` });
  addRow({ group: 'memory', row: 'memory: JS heap growth (after GC)', native: heap(native), wrapped: heap(wrapped), unit: 'KB',
    note: `${c}; ${fmt(kb(wrapped.before.jsHeapUsedBytes))} → ${fmt(kb(wrapped.after.jsHeapUsedBytes))} KB wrapped` });
  addRow({ group: 'memory', row: 'memory: wasm linear memory growth', native: null,
    wrapped: kb(wrapped.after.wasmMemoryBytes - wrapped.before.wasmMemoryBytes), unit: 'KB', ratio: null,
    note: `${c} after warm-up; ${fmt(kb(wrapped.before.wasmMemoryBytes))} → ${fmt(kb(wrapped.after.wasmMemoryBytes))} KB` });
  addRow({ group: 'memory', row: 'memory: externref slots held by wasm', native: null,
    wrapped: wrapped.after.liveExternrefs - wrapped.before.liveExternrefs, unit: 'slots', ratio: null,
    note: `growth after GC; ${wrapped.before.liveExternrefs} → ${wrapped.after.liveExternrefs}, table ${wrapped.before.externrefTableLength} → ${wrapped.after.externrefTableLength}` });
  addRow({ group: 'memory', row: 'memory: closed connections not collected', native: native.connectionsAlive, wrapped: wrapped.connectionsAlive,
    unit: 'conns', note: `of ${native.connections} native / ${wrapped.connections} wrapped made; WeakRef alive after close + forced GC` });
  const leftOn = (r) => Object.keys(r.listenersAfter).reduce((s, k) => s + Math.max(0, r.listenersAfter[k] - (r.listenersBefore[k] ?? 0)), 0);
  addRow({ group: 'memory', row: 'memory: listeners left on shared objects', native: leftOn(native), wrapped: leftOn(wrapped), unit: 'listeners', ratio: null,
    note: `window, document, tracks, stream, AudioContext; on a closed connection itself: ${wrapped.listenersOnClosedConnection?.join(', ') || 'none'} (wrapped), ${native.listenersOnClosedConnection?.join(', ') || 'none'} (native)` });
  addRow({ group: 'memory', row: 'memory: wasm-bindgen closures', native: null, wrapped: glueClosureShims(), unit: 'shims', ratio: null,
    note: "static: Closure support in the glue (wasm-bindgen-futures' promise callbacks, each owned by its promise; src/ never forgets a closure: tests/page/memory.test.mjs)" });
  for (const r of [native, wrapped]) if (r.failures.length) log(`  memory ${r.kind}: ${r.failures.length} failed cycles, first: ${r.failures[0].error}`);
  return { native, wrapped };
}

// ----- table ------------------------------------------------------------------------------------

const HEAD = ['row', 'native', 'wrapped', 'ratio', 'unit', 'note'];
const cells = (r) => [r.row, fmt(r.native), fmt(r.wrapped), r.ratio === null ? '—' : r.ratio.toFixed(2) + '×', r.unit, r.note];

function textTable() {
  const body = rows.map(cells);
  const w = HEAD.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = [false, true, true, true, false, false];
  const line = (c) => c.map((x, i) => (right[i] ? x.padStart(w[i]) : x.padEnd(w[i]))).join('  ').trimEnd();
  return [line(HEAD), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n');
}

/** The in-page rows once per browser: Chromium's and Firefox's columns side by side. */
function sideBySide() {
  const ff = new Map(rows.filter((r) => r.row.endsWith(' [firefox]')).map((r) => [r.row.slice(0, -' [firefox]'.length), r]));
  const ratio = (r) => (r?.ratio == null ? '—' : r.ratio.toFixed(2) + '×');
  const head = ['row', 'Chromium native', 'wrapped', 'ratio', 'Firefox native', 'wrapped', 'ratio', 'unit'];
  const body = rows.filter((r) => ff.has(r.row)).map((r) => {
    const f = ff.get(r.row);
    return [r.row, fmt(r.native), fmt(r.wrapped), ratio(r), fmt(f.native), fmt(f.wrapped), ratio(f), r.unit];
  });
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c) => c.map((x, i) => (i > 0 && i < 7 ? x.padStart(w[i]) : x.padEnd(w[i]))).join('  ').trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n');
}

function markdownTable() {
  const esc = (s) => s.replace(/\|/g, '\\|');
  return [
    `| ${HEAD.join(' | ')} |`,
    '|---|--:|--:|--:|---|---|',
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}

// ----- main -------------------------------------------------------------------------------------

const started = Date.now();
const server = await startServer();
const browser = await launchBrowser('chromium');
const result = {
  date: new Date().toISOString(),
  command,
  commit: gitCommit(),
  node: process.version,
  machine: { cpus: cpus().length, loadavgAtStart: loadavg().map((x) => +x.toFixed(2)) },
  browsers: { chromium: { version: browser.version, executable: process.env.CHROMIUM ?? '/usr/bin/chromium' } },
  options: { runs: RUNS, quick, memoryCycles: CYCLES, memoryWarmup: WARMUP, n: N, only: ONLY },
};
let exitCode = 0;
try {
  const { context, page } = await openBenchPage(browser, server.url);
  result.browsers.chromium.page = await page.evaluate(() => window.bench.info());
  BATCHES = result.browsers.chromium.page.batches;
  result.options.callRowBatchesPerRun = BATCHES;
  await context.close();
  log(`Chromium ${browser.version} (runs=${RUNS})`);
  const errors = await pageRows(browser, server.url, null);
  if (errors.length) result.pageErrors = errors;
  if (wants('startup')) await startupRows(browser, server.url, null).catch((e) => failed('start-up', e));

  if (!flag('--no-firefox') && (!ONLY || wants('calls') || wants('negotiation') || wants('event') || wants('scale') || wants('startup'))) {
    const ff = await launchBrowser('firefox').then((b) => ({ browser: b }), (e) => ({ error: String(e?.message ?? e).split('\n')[0] }));
    if (ff.browser) {
      result.browsers.firefox = { version: ff.browser.version, executable: '/usr/bin/firefox-esr' };
      try {
        log(`${ff.browser.version}`);
        await pageRows(ff.browser, server.url, 'firefox');
        if (wants('startup')) await startupRows(ff.browser, server.url, 'firefox');
      } finally {
        await ff.browser.close();
      }
    } else {
      result.browsers.firefox = { skipped: true, reason: ff.error };
      console.log(`Firefox skipped: ${ff.error}`);
    }
  }

  if (wants('size')) result.size = sizeRows();
  if (wants('memory')) result.memory = await memoryRows(browser, server.url).catch((e) => failed('memory', e));
} catch (e) {
  exitCode = 1;
  console.error(e);
} finally {
  await browser.close();
  await server.close();
}

result.seconds = Math.round((Date.now() - started) / 1000);
result.machine.loadavgAtEnd = loadavg().map((x) => +x.toFixed(2));
const load = `load ${result.machine.loadavgAtStart[0]}→${result.machine.loadavgAtEnd[0]} on ${result.machine.cpus} cores`;
if (failures.length) { result.failures = failures; exitCode = 1; }
result.rows = rows; // each with its per-run figures in `runs` where it has several

const title = `rtc-peer bench — Chromium ${browser.version}, ${result.date.slice(0, 10)}${result.commit ? `, ${result.commit}` : ''}; ` +
  `median of ${RUNS} runs (memory: ${CYCLES} cycles after ${WARMUP} warm-up)`;
console.log(title);
console.log(textTable());
if (rows.some((r) => r.row.endsWith(' [firefox]'))) {
  console.log('');
  console.log('side by side (native / wrapped / ratio per browser):');
  console.log(sideBySide());
}
console.log(`(${result.seconds} s; ${load})`);

const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const stamp = result.date.replace(/[:.]/g, '-');
const json = JSON.stringify(result, null, 2) + '\n';
writeFileSync(join(dir, `${stamp}.json`), json);
// The committed figures are only replaced by a complete, default-sized run that did not fail.
const complete = exitCode === 0 && !quick && !ONLY;
if (!complete) {
  log(`wrote bench/results/${stamp}.json (${exitCode ? 'failed' : 'partial'} run: bench/latest.json and bench/PERFORMANCE.md left as they were)`);
} else {
  writeFileSync(join(ROOT, 'bench', 'latest.json'), json);
  writeFileSync(join(ROOT, 'bench', 'PERFORMANCE.md'), [
    '## Performance',
    '',
    `Wrapped \`PeerConnection\` vs the browser's \`RTCPeerConnection\`, same page, same run, interleaved; each figure is the ` +
    `median of ${RUNS} runs (a call-row run is the best of ${BATCHES} batches). Ratio = wrapped / native. ` +
    `Start-up: fresh browser context, \`import()\` of \`pkg/web\` + first \`new PeerConnection()\` vs first \`new RTCPeerConnection()\`. ` +
    `Sizes: the npm package's .wasm and JS glue, gzip -9 per file, 1 KB = 1024 bytes. ` +
    `Memory: ${CYCLES} cycles (after ${WARMUP} warm-up) of create two connections → addTrack ×2 → offer/answer → close ` +
    `(iceTransportPolicy "relay", no servers: no ICE gathering, which would make Chromium keep some closed native connections), ` +
    `forced GC every 100 and at the end; listeners read through the DevTools protocol.`,
    '',
    `Produced by \`${command}\` on ${result.date.slice(0, 10)} (Chromium ${browser.version}, headless, ${load}` +
    `${result.commit ? `, commit ${result.commit}` : ''}). Full figures: \`bench/latest.json\`.`,
    '',
    markdownTable(),
    '',
    result.browsers.firefox?.skipped ? `Firefox: skipped (${result.browsers.firefox.reason}).\n` : '',
  ].join('\n'));
  log(`wrote bench/results/${stamp}.json, bench/latest.json, bench/PERFORMANCE.md`);
}
process.exitCode = exitCode;
