// No poisoning from stack exhaustion (issue #11, item 2), in Chromium and Firefox: each wrapped
// operation (addTrack, addTransceiver, removeTrack, setLocalDescription, setRemoteDescription,
// close) is called with the stack almost exhausted, sweeping the depth one frame at a time from
// "fails at once" to "succeeds" (tests/page/lib/libraries-page.js, poisonSweep). Somewhere in that
// sweep the engine's stack-overflow error (Chromium RangeError, Firefox InternalError) can strike
// after the native call took effect. Asserted, for every such attempt and at the end:
//   - the same connection's books are right: every sender with a track has streamIdsOf = the
//     stream it was added with, and localStreams() lists exactly those tracks; after
//     setRemoteDescription, remoteStreams() holds the offer's stream;
//   - no call on it throws anything but what native would (no RuntimeError), close() closes;
//   - the same connection then makes a call whose far side groups by its books, and a fresh pair
//     of connections makes a call with the right books.
// Run: node --test tests/page/poison.test.mjs (PAGE_BROWSERS=chromium for one browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSERS, launch, watch } from './lib/browsers.mjs';
import { serveStatic } from './lib/static-server.mjs';
import { ROOT } from './lib/webpack-build.mjs';

const PAGE = 'tests/page/lib/libraries.html';
const OPS = (process.env.POISON_OPS || 'addTrack,addTransceiver,removeTrack,setLocalDescription,setRemoteDescription,close').split(',');
const STACK_ERRORS = ['RangeError', 'InternalError'];
// Firefox's setRemoteDescription (its own chrome-privileged JS) rejects with a plain Error
// "too much recursion" when it overflows: the engine's stack error crossing into the page.
const isStackError = (a) => STACK_ERRORS.includes(a.name) || (a.name === 'Error' && /too much recursion/.test(a.message));

/** The local books of a connection whose every sender was added with `stream`. */
function assertLocalBooks(label, books, localStreams, stream) {
  for (const s of books.sent) assert.deepEqual(s.streamIds, [stream], `${label}: streamIdsOf(sender of mid ${s.mid}, track ${s.trackId})`);
  const tracks = books.sent.map((s) => s.trackId).sort();
  // A stream whose tracks were all removed keeps its record (tracks: []), so compare the live ones.
  assert.deepEqual(localStreams.filter((r) => r.tracks.length).map(({ id, tracks }) => ({ id, tracks })), tracks.length ? [{ id: stream, tracks }] : [], `${label}: localStreams()`);
  assert.deepEqual([...new Set(localStreams.map((r) => r.id))], localStreams.length ? [stream] : [], `${label}: localStreams() ids`);
}

for (const name of BROWSERS) {
  test(name, { timeout: 180_000 }, async (t) => {
    const server = await serveStatic(ROOT);
    const browser = await launch(name);
    t.diagnostic(`${name}: ${browser.version}`);
    // One page for all the operations, in order: each sweep's failures must not break the next
    // sweep either (a poisoned instance would fail every case after the first).
    const problems = [];
    const page = await browser.newPage();
    watch(page, problems, name);
    await page.goto(server.url + PAGE);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await page.evaluate(() => window.lib.loadPackage());
    try {
      for (const op of OPS) {
        await t.test(`${op} near stack exhaustion leaves the books right and the instance working [${name}]`, async (st) => {
          problems.length = 0;
          const r = await page.evaluate((o) => window.lib.poisonSweep(o), op);
          const pageErrors = await page.evaluate(() => window.lib.errors.splice(0));
          st.diagnostic(`${op}: ${r.tries} calls (ms: ${Object.entries(r.ms).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}); threw ${JSON.stringify(r.attempts)}; first success at k=${r.ok?.k}; threw after taking effect: ${r.effects.length}` +
            (r.effects.length ? ` (${[...new Set(r.effects.map((e) => `${e.name}: ${e.message}`))].join('; ')})` : ''));

          assert.ok(r.ok || (op === 'close' && r.final.signalingState === 'closed'), 'some call near the overflow returned normally (the sweep reached enough stack)');
          assert.ok(r.attempts.length > 0 && r.attempts[0].count > 0, 'the sweep started where the call could not even begin');
          // Anything thrown is the engine's stack error (or, for a description, the browser's own rejection).
          for (const a of r.attempts) assert.ok(isStackError(a), `attempt threw ${a.name}: ${a.message}`);

          // Atomic: a call either throws the engine's stack error before anything happened, or
          // works (the JS face takes stack headroom before entering the core, js/peer-class.js).
          // Before that, the error could strike after the native addTrack / addTransceiver took
          // effect, and the books missed the sender (streamIdsOf(sender) [] until the next
          // description); the instance could even trap mid-step and break for the page.
          assert.equal(r.effects.length, 0, `no ${op} threw after taking effect (${r.effects.map((e) => `${e.name} at k=${e.k}`).join(', ')})`);
          for (const e of r.effects) {
            const label = `after ${op} took effect yet threw ${e.name} at k=${e.k}`;
            if (op === 'close') {
              assert.equal(e.books, null);
              continue;
            }
            assertLocalBooks(label, e.books, e.localStreams, r.final.stream);
            if (op === 'setRemoteDescription') {
              assert.deepEqual(e.books.received.map((s) => s.id), [r.final.stream], `${label}: remoteStreams() holds the offer's stream`);
            }
          }

          if (op === 'close') {
            assert.equal(r.final.signalingState, 'closed', 'close() closed');
          } else {
            assertLocalBooks('at the end of the sweep', r.final.books, r.final.localStreams, r.final.stream);
            // The same connection in a call: the far side's groups are this side's books.
            const { pc, far } = r.final.call.books;
            assertLocalBooks('in the call', pc, r.final.call.localStreams, r.final.stream);
            const expected = Object.fromEntries(pc.sent.map((s) => [s.mid, s.streamIds]));
            const actual = {};
            for (const s of far.received) for (const x of s.tracks) (actual[x.mid] ??= []).push(s.id);
            assert.deepEqual(actual, expected, 'the far side groups what the swept connection sends by its streamIdsOf');
            assert.deepEqual(pc.sent.map((s) => s.hasSent), pc.sent.map(() => true), 'hasSent for every sender after the call');
          }
          assert.equal(r.final.closeError, null, 'close() on the swept connection does not throw');
          assert.equal(r.final.closedAfter, 'closed');

          // A fresh pair makes a call with the right books.
          const { a, b } = r.fresh.books;
          assert.deepEqual(b.received.map((s) => s.id), [r.fresh.stream], 'fresh call: remoteStreams() ids');
          assert.deepEqual(b.received[0].tracks.map((x) => x.kind).sort(), ['audio', 'video']);
          assert.deepEqual(a.sent.map((s) => [s.streamIds, s.hasSent]), a.sent.map(() => [[r.fresh.stream], true]), 'fresh call: streamIdsOf and hasSent');
          assert.deepEqual(r.fresh.closed, ['closed', 'closed']);
          assert.deepEqual([...problems, ...pageErrors], [], 'console errors, uncaught exceptions or rejections in the page');
        });
      }
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
