// Real libraries on top of the package (issue #11, item 3), in Chromium and Firefox through
// tests/page/lib/browsers.mjs, each case in a fresh page (tests/page/lib/libraries.html) that loads
// the built package (pkg/web) and the libraries' own standalone builds from node_modules:
//   - simple-peer 9 (simplepeer.min.js) through its `wrtc` option, and with the package installed
//     as the global RTCPeerConnection: two simple-peer instances call each other with the fake
//     camera's audio + video both ways and a message each way, then renegotiate after connect
//     (A addStream, B addTrack of a canvas stream);
//   - webrtc-adapter 9 (out/adapter.js) loaded before the package, and after the package has been
//     installed as the global (so adapter patches the package's class): a loopback call between
//     two `new RTCPeerConnection()`, audio + video + a data channel, a renegotiation adding a
//     canvas stream, then close().
// After each call the package's books are checked against what the other side sends:
// remoteStreams() holds exactly the received tracks (by receiver), each in the streams of its
// sender's streamIdsOf (paired by mid), those are the streams the app sent, and hasSent is true for
// every sender. Run: node --test tests/page/libraries.test.mjs (PAGE_BROWSERS=chromium for one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSERS, launch, watch } from './lib/browsers.mjs';
import { serveStatic } from './lib/static-server.mjs';
import { ROOT } from './lib/webpack-build.mjs';

const PAGE = 'tests/page/lib/libraries.html';
const SIMPLE_PEER = '/node_modules/simple-peer/simplepeer.min.js';
const ADAPTER = '/node_modules/webrtc-adapter/out/adapter.js';

/**
 * What `receiver`'s books should say, from `sender`'s: for each mid the sender sends on, the stream
 * ids of its sender; and what they do say: for each mid of a track in remoteStreams(), the ids of
 * the (msid) streams that hold it.
 */
function grouping(sender, receiver) {
  const expected = Object.fromEntries(sender.sent.map((s) => [s.mid, s.streamIds]));
  const actual = {};
  for (const s of receiver.received) {
    for (const t of s.tracks) (actual[t.mid] ??= []).push(s.streamless ? '(streamless)' : s.id);
  }
  for (const k of Object.keys(actual)) actual[k].sort();
  return { expected, actual };
}

/** The checks shared by every case: `x` sent to `y`, whose books must say so. */
function assertBooks(label, x, y, streamsSent) {
  assert.equal(y.isPeerConnection, true, `${label}: the connection is the package's class`);
  const { expected, actual } = grouping(x, y);
  assert.deepEqual(actual, expected, `${label}: remoteStreams() grouping (by mid) = the far side's streamIdsOf`);
  assert.deepEqual(y.received.map((s) => s.id).sort(), [...streamsSent].sort(), `${label}: remoteStreams() ids = the streams the far side's app sent`);
  assert.deepEqual(y.received.flatMap((s) => s.tracks.map((t) => t.id)).sort(), y.receivers.map((r) => r.trackId).sort(),
    `${label}: remoteStreams() tracks = the receivers' tracks of the receiving transceivers`);
  assert.deepEqual(x.sent.map((s) => [s.mid, s.hasSent]), x.sent.map((s) => [s.mid, true]), `${label}: hasSent for every sender of the far side`);
  assert.deepEqual([...new Set(x.sent.flatMap((s) => s.streamIds))].sort(), [...streamsSent].sort(), `${label}: the far side's streamIdsOf = the streams its app added`);
}

for (const name of BROWSERS) {
  test(name, { timeout: 120_000 }, async (t) => {
    const server = await serveStatic(ROOT);
    const browser = await launch(name);
    t.diagnostic(`${name}: ${browser.version}`);
    const open = async (label) => {
      const problems = [];
      const page = await browser.newPage();
      watch(page, problems, label);
      await page.goto(server.url + PAGE);
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      return { page, problems };
    };
    const done = async ({ page, problems }) => {
      const errors = await page.evaluate(() => window.lib.errors);
      await page.close();
      assert.deepEqual([...problems, ...errors], [], 'console errors, uncaught exceptions or rejections in the page');
    };
    try {
      for (const how of ['wrtc', 'global']) {
        await t.test(`simple-peer, ${how === 'wrtc' ? 'through its wrtc option' : 'with the package installed as the global RTCPeerConnection'} [${name}]`, async () => {
          const p = await open(`simple-peer ${how}`);
          await p.page.evaluate(async (src) => { await window.lib.loadPackage(); await window.lib.script(src); }, SIMPLE_PEER);
          const r = await p.page.evaluate((h) => window.lib.simplePeerCall(h), how);
          assert.deepEqual(r.fails, [], 'simple-peer errors');
          assert.equal(r.globalIsPackage, how === 'global');
          assert.deepEqual(r.seen.A.data, ['hello from B', 'after renegotiation from B']);
          assert.deepEqual(r.seen.B.data, ['hello from A', 'after renegotiation from A']);
          assertBooks('A → B', r.books.A, r.books.B, [r.sent.A.cam, r.sent.A.screen]);
          assertBooks('B → A', r.books.B, r.books.A, [r.sent.B.cam, r.sent.B.screen]);
          // What simple-peer announced ('stream' events, with their tracks) is what the books hold.
          for (const side of ['A', 'B']) {
            const books = Object.fromEntries(r.books[side].received.map((s) => [s.id, s.tracks.map((x) => x.id).sort()]));
            const announced = Object.fromEntries(r.seen[side].streams.map((s) => [s.id, s.tracks]));
            assert.deepEqual(announced, books, `${side}: simple-peer's 'stream' events = remoteStreams()`);
            assert.deepEqual(r.books[side].received.map((s) => s.tracks.map((x) => x.kind).sort().join('+')).sort(), ['audio+video', 'video']);
          }
          assert.deepEqual(r.closed, ['closed', 'closed'], 'destroy() closes both connections');
          await done(p);
        });
      }
      for (const order of ['adapter first', 'adapter last']) {
        await t.test(`webrtc-adapter loaded ${order === 'adapter first' ? 'before the package' : 'after the package is installed as the global'} [${name}]`, async () => {
          const p = await open(order);
          await p.page.evaluate(async ([src, first]) => {
            if (first) await window.lib.script(src);
            await window.lib.loadPackage();
            window.RTCPeerConnection = window.lib.PeerConnection;
            if (!first) await window.lib.script(src);
          }, [ADAPTER, order === 'adapter first']);
          const shimmed = await p.page.evaluate(() => ({ adapter: typeof window.adapter?.browserDetails?.browser, browser: window.adapter?.browserDetails?.browser }));
          assert.equal(shimmed.adapter, 'string', 'webrtc-adapter ran');
          const r = await p.page.evaluate(() => window.lib.globalLoopbackCall());
          assert.equal(r.globalIsNative, false);
          assert.deepEqual(r.got, ['hello over the data channel']);
          assertBooks('a → b', r.books.a, r.books.b, [r.sent.cam, r.sent.screen]);
          assert.deepEqual(r.books.b.received.map((s) => s.tracks.map((x) => x.kind).sort().join('+')).sort(), ['audio+video', 'video']);
          assert.deepEqual(r.closed, ['closed', 'closed'], 'close() closes');
          await done(p);
        });
      }
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
