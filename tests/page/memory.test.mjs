// Memory budget (issue 6), short form of the bench's memory rows, in headless Chromium and Firefox
// ESR (one subtest per check and browser, through tests/page/lib/browsers.mjs):
// WARMUP (100) cycles then CYCLES (200) cycles of create → addTrack ×2 → negotiate → close (two
// connections per cycle, both of the measured class; see memCycle in bench/bench.js), with forced
// GCs (Chromium: gc(); Firefox, which exposes none: allocation until a tenured WeakRef clears); the same run on the native class gives the baseline. Asserts, for the wrapper:
//  - no growth of wasm linear memory after warm-up;
//  - no externref slots (JS objects kept by the Rust side) held for connections that are gone;
//  - no listener left on anything that outlives a connection (window, document, the local tracks
//    and stream, the AudioContext), read through the DevTools protocol (Chromium only: Firefox has
//    no such protocol for pages, so that subtest is skipped there and says so);
//  - closed connections are garbage-collected as often as native ones (a WeakRef per connection);
//  - no closure is leaked on purpose: the library never calls `Closure::forget` (the closures the
//    glue has are wasm-bindgen-futures', for the negotiator, each owned by its promise until it settles).
// Run: node --test tests/page/memory.test.mjs   (MEMORY_CYCLES / MEMORY_WARMUP override the counts)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, launchBrowser, memoryRun } from '../../bench/harness.mjs';
import { BROWSERS } from './lib/browsers.mjs';

const CYCLES = Number(process.env.MEMORY_CYCLES ?? 200);
const WARMUP = Number(process.env.MEMORY_WARMUP ?? 100); // wasm memory settles within ~100 cycles

test('no closure is leaked on purpose: no Closure::forget / into_js_value in src/', () => {
  const hits = readdirSync(join(ROOT, 'src')).filter((f) => f.endsWith('.rs'))
    .flatMap((f) => readFileSync(join(ROOT, 'src', f), 'utf8').split('\n').map((l, i) => [f, i + 1, l]))
    .filter(([, , l]) => /\.forget\(\)|into_js_value\(\)|Closure::forget/.test(l) && !/^\s*\/\//.test(l));
  assert.deepEqual(hits, []);
});

for (const name of BROWSERS) {
  test(name, { timeout: 10 * 60_000 }, async (t) => {
    const server = await startServer();
    const browser = await launchBrowser(name);
    let native;
    let wrapped;
    try {
      t.diagnostic(`${name}: ${browser.version}`);
      native = await memoryRun(browser, server.url, { kind: 'native', cycles: CYCLES, warmup: WARMUP });
      wrapped = await memoryRun(browser, server.url, { kind: 'wrapped', cycles: CYCLES, warmup: WARMUP });
    } finally {
      await browser.close();
      await server.close();
    }
    for (const r of [native, wrapped]) {
      console.log(`${name} ${r.kind}: ${r.completed}/${r.cycles} cycles after ${r.warmup} warm-up, ${r.msPerCycle.toFixed(1)} ms/cycle; ` +
        `wasm memory ${r.before.wasmMemoryBytes} → ${r.after.wasmMemoryBytes} B; ` +
        `live externrefs ${r.before.liveExternrefs} → ${r.after.liveExternrefs} (table ${r.after.externrefTableLength}); ` +
        `JS heap ${r.before.jsHeapUsedBytes} → ${r.after.jsHeapUsedBytes} B; ` +
        `connections alive after GC ${r.connectionsAlive}/${r.connections}; ` +
        `listeners on shared objects ${JSON.stringify(r.listenersBefore)} → ${JSON.stringify(r.listenersAfter)}; ` +
        `on a closed connection: [${r.listenersOnClosedConnection}]` +
        (r.failures.length ? `; FAILED cycles: ${r.failures.length}, first: ${r.failures[0].error}` : ''));
    }
    const check = (what, fn, options = {}) => t.test(`${what} [${name}]`, options, fn);

    await check('a full GC can be forced (Chromium: --js-flags=--expose-gc; Firefox: allocation pressure)', () => {
      assert.ok(wrapped.gcOk && native.gcOk);
    });

    await check('every cycle completes', () => {
      assert.deepEqual(native.failures, [], 'native cycles failed');
      assert.deepEqual(wrapped.failures, [], 'wrapped cycles failed');
    });

    await check('no growth of wasm linear memory after warm-up, but for the cores of connections the browser keeps', () => {
      // A closed connection that the browser never frees (Firefox keeps every one: natively 400 of
      // 400 stay alive) keeps its core, whose books after close() are only the plain-data history
      // (stream ids, has-sent): at most 512 B each, rounded up to wasm's 64 KiB pages (measured:
      // 196,608 B for 400 in Firefox 153). Connections that are gone keep nothing.
      const growth = wrapped.after.wasmMemoryBytes - wrapped.before.wasmMemoryBytes;
      const allowed = Math.ceil((wrapped.connectionsAlive * 512) / 65536) * 65536;
      assert.ok(growth <= allowed,
        `wasm memory grew ${growth} B over ${wrapped.completed} cycles ` +
        `(${wrapped.connectionsAlive} of ${wrapped.connections} connections still alive: ${allowed} B allowed)`);
    });

    await check('no JS objects held by wasm for closed connections (externref slots) after GC', () => {
      // A core that is still alive because the browser itself still holds its closed connection may
      // keep a handle or two (its WeakMap of keys); anything beyond that is held for a dead connection.
      const growth = wrapped.after.liveExternrefs - wrapped.before.liveExternrefs;
      assert.ok(growth <= 2 * wrapped.connectionsAlive,
        `wasm holds ${growth} more externref slots after ${wrapped.completed} cycles ` +
        `(${wrapped.connectionsAlive} of ${wrapped.connections} connections still alive)`);
    });

    await check('no listener left on objects that outlive the connections', () => {
      assert.deepEqual(wrapped.listenersAfter, wrapped.listenersBefore);
    }, name === 'chromium' ? {} : { skip: 'listener counts need the DevTools protocol (Chromium only)' });

    await check('closed connections are collected (no more retained than native)', () => {
      // The browser itself keeps a few closed native connections (a varying few %); allow for that noise.
      const allowed = Math.max(2 * native.connectionsAlive, native.connectionsAlive + Math.ceil(0.05 * wrapped.connections));
      assert.ok(wrapped.connectionsAlive <= allowed,
        `${wrapped.connectionsAlive} of ${wrapped.connections} closed wrapped connections still alive after GC (native: ${native.connectionsAlive} of ${native.connections})`);
    });
  });
}
