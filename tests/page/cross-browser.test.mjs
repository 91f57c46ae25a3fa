// A real cross-browser call (issue #11, item 5): the demo (www/, built with webpack as `npm run
// build` does) in its relay mode, `?room=NAME&relay`, opened in a Chromium process and a Firefox
// process, signalling through the relay `npm start` serves (www/relay-server.mjs, the same module,
// attached here to the test's static server). Asserted, in each browser:
//   - the call connects and the remote video plays (videoWidth > 0, currentTime advancing);
//   - the stream panels (#remote-streams cards) are what that browser's connection reports:
//     remoteStreams() (ids, track counts, streamless or not), and every listed track is a receiver's;
//   - the reuse ledger (#ledger rows) is getTransceivers() (kind, direction, currentDirection) and
//     hasSent() of each;
// across a renegotiation: Chromium adds a screen-like canvas track with no stream (Firefox then
// shows a streamless group holding one video track), then removes it (the group goes).
// Run: node --test tests/page/cross-browser.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { webpackBuild, ROOT } from './lib/webpack-build.mjs';
import { serveStatic } from './lib/static-server.mjs';
import { launch, watch } from './lib/browsers.mjs';
import { STORM_CHROMIUM_ARGS, STORM_FIREFOX_PREFS } from './lib/storm-driver.mjs';
import { attachRelay } from '../../www/relay-server.mjs';

const WAIT = { timeout: 30_000 };
let server;
let relay;

before(async () => {
  await webpackBuild({ mode: 'production' });
  server = await serveStatic(path.join(ROOT, 'www/dist'));
  relay = attachRelay(server.server);
});

after(async () => {
  relay?.close();
  await server?.close();
});

/**
 * Installs `window.__readDemo()` in the page: the panels and the ledger as shown, and the same as
 * the connection reports; and `window.__demoWhen[name](r)`, the conditions waited for.
 */
function installReader() {
  window.__readDemo = () => {
    const pc = window.rtcPeerDemo.session?.conn;
    if (!pc) return null;
    const receivers = new Set(pc.getReceivers().map((r) => r.track));
    const shownStreams = [...document.querySelectorAll('#remote-streams > .card')].map((c) => ({
      id: c.dataset.streamId, streamless: c.dataset.streamless === 'true', tracks: Number(c.dataset.tracks), kinds: c.dataset.kinds,
    }));
    const kindsKey = (ts) => [...new Set(ts.map((t) => t.kind))].sort().join(',');
    const books = pc.remoteStreams().map((s) => ({ id: s.id, streamless: pc.isStreamless(s), tracks: s.getTracks().length, kinds: kindsKey(s.getTracks()) }));
    const notReceived = pc.remoteStreams().flatMap((s) => s.getTracks()).filter((t) => !receivers.has(t)).map((t) => t.id);
    const shownLedger = [...document.querySelectorAll('#ledger tbody tr[data-index]')].map((r) => ({
      kind: r.dataset.kind, direction: r.dataset.direction, currentDirection: r.dataset.currentDirection, hasSent: r.dataset.hasSent === 'true',
    }));
    const ledger = pc.getTransceivers().map((t) => ({
      kind: t.receiver.track.kind, direction: t.direction, currentDirection: t.currentDirection ?? 'null', hasSent: pc.hasSent(t),
    }));
    return { signalingState: pc.signalingState, connectionState: pc.connectionState, shownStreams, books, notReceived, shownLedger, ledger };
  };
  window.__demoWhen = {
    connected: (r) => r.books.length === 1 && r.books[0].kinds === 'audio,video' && r.ledger.length >= 2 && r.ledger.every((x) => x.hasSent),
    withScreen: (r) => r.books.some((s) => s.streamless && s.kinds === 'video' && s.tracks === 1),
    sendingScreen: (r) => r.ledger.length === 3 && r.ledger[2].hasSent,
    screenGone: (r) => !r.books.some((s) => s.streamless),
    screenRemoved: (r) => r.ledger.length === 3 && r.ledger[2].direction === 'recvonly' && ['recvonly', 'inactive'].includes(r.ledger[2].currentDirection),
  };
}

/** Waits until the page shows what its connection reports (the demo re-renders every second) and `when` holds. */
const steps = []; // [what, ms, timed out]
async function agreeing(page, when) {
  const t0 = Date.now();
  let timedOut = false;
  await page.evaluate(installReader);
  await page.waitForFunction((name) => {
    const r = window.__readDemo();
    if (!r || r.signalingState !== 'stable') return false;
    return JSON.stringify(r.shownStreams) === JSON.stringify(r.books) && JSON.stringify(r.shownLedger) === JSON.stringify(r.ledger) && window.__demoWhen[name](r);
  }, when, WAIT).catch(() => { timedOut = true; }); // the asserts below say what differs
  steps.push(`${page.browser} ${when}: ${Date.now() - t0} ms${timedOut ? ' (timed out)' : ''}`);
  return page.evaluate(() => window.__readDemo());
}

function assertAgree(label, r) {
  assert.deepEqual(r.shownStreams, r.books, `${label}: the stream panels = remoteStreams()`);
  assert.deepEqual(r.notReceived, [], `${label}: every track of remoteStreams() is a receiver's`);
  assert.deepEqual(r.shownLedger, r.ledger, `${label}: the reuse ledger = getTransceivers() + hasSent()`);
}

/** Waits until the first remote video plays: frames decoded and the clock advancing. */
async function assertPlays(page, label) {
  await page.waitForFunction(() => [...document.querySelectorAll('.tile.remote video')].some((v) => v.videoWidth > 0), null, WAIT);
  const t0 = await page.evaluate(() => Math.max(...[...document.querySelectorAll('.tile.remote video')].map((v) => v.currentTime)));
  await page.waitForFunction((t) => [...document.querySelectorAll('.tile.remote video')].some((v) => v.videoWidth > 0 && v.currentTime > t + 0.3), t0, WAIT);
  const w = await page.evaluate(() => Math.max(...[...document.querySelectorAll('.tile.remote video')].map((v) => v.videoWidth)));
  assert.ok(w > 0, `${label}: remote video has frames`);
}

const T0 = Date.now();
test('Chromium ↔ Firefox through the relay: video both ways, panels and ledger agree, across a streamless renegotiation', { timeout: 120_000 }, async (t) => {
  t.diagnostic(`built and serving after ${Date.now() - T0} ms`);
  const chromium = await launch('chromium', { args: STORM_CHROMIUM_ARGS });
  const firefox = await launch('firefox', { prefs: STORM_FIREFOX_PREFS });
  const problems = [];
  try {
    t.diagnostic(`${chromium.version} ↔ ${firefox.version}, launched after ${Date.now() - T0} ms`);
    const room = `test-${Date.now()}`;
    const url = `${server.url}?room=${room}&relay`;
    const c = await chromium.newPage({ viewport: { width: 1280, height: 900 } });
    const f = await firefox.newPage({ viewport: { width: 1280, height: 900 } });
    watch(c, problems, 'chromium');
    watch(f, problems, 'firefox');
    steps.push(`pages at ${Date.now() - T0} ms`);
    await c.goto(url); // first in the room: impolite
    await c.waitForFunction(() => document.body.dataset.state === 'waiting', null, WAIT);
    steps.push(`chromium waiting at ${Date.now() - T0} ms`);
    await f.goto(url);
    steps.push(`firefox loaded at ${Date.now() - T0} ms`);
    for (const [p, label] of [[c, 'chromium'], [f, 'firefox']]) {
      const t0 = Date.now();
      await p.waitForFunction(() => document.body.dataset.state === 'connected', null, WAIT);
      await assertPlays(p, label);
      steps.push(`${label} connected and playing: ${Date.now() - t0} ms`);
    }
    // Both sides send the camera's audio + video in one stream: each shows one msid stream.
    for (const [p, label] of [[c, 'chromium'], [f, 'firefox']]) {
      const r = await agreeing(p, 'connected');
      assertAgree(`${label}, after connecting`, r);
      assert.deepEqual(r.books.map((s) => [s.streamless, s.kinds, s.tracks]), [[false, 'audio,video', 2]], `${label}: one remote stream, audio + video`);
      assert.deepEqual(r.ledger.map((x) => x.hasSent), r.ledger.map(() => true), `${label}: every transceiver has sent`);
    }

    // Renegotiation: Chromium adds a screen-like canvas track with no stream.
    await c.click('#btn-screen');
    const fs = await agreeing(f, 'withScreen');
    assertAgree('firefox, with the streamless track', fs);
    assert.deepEqual(fs.books.map((s) => [s.streamless, s.kinds, s.tracks]).sort(), [[false, 'audio,video', 2], [true, 'video', 1]],
      'firefox: the camera stream and a streamless group with the screen track');
    const cs = await agreeing(c, 'sendingScreen');
    assertAgree('chromium, sending the streamless track', cs);
    assert.deepEqual(cs.ledger.map((x) => x.kind), ['audio', 'video', 'video'], 'chromium: a third transceiver for the screen track');

    // …and removes it: the streamless group goes from Firefox's panels.
    await c.click('#btn-screen');
    const fr = await agreeing(f, 'screenGone');
    assertAgree('firefox, after the removal', fr);
    assert.deepEqual(fr.books.map((s) => [s.streamless, s.kinds, s.tracks]), [[false, 'audio,video', 2]], 'firefox: the streamless group is gone');
    const cr = await agreeing(c, 'screenRemoved');
    assertAgree('chromium, after the removal', cr);
    assert.equal(cr.ledger[2].direction, 'recvonly', 'chromium: removeTrack left the screen transceiver recvonly');
    assert.equal(cr.ledger[2].hasSent, true, 'chromium: the screen transceiver has sent (it cannot be reused by addTrack)');
    await assertPlays(f, 'firefox, after the renegotiations');
    await assertPlays(c, 'chromium, after the renegotiations');
    steps.push(`played after the renegotiations at ${Date.now() - T0} ms`);
    assert.deepEqual(problems, [], 'console errors or uncaught exceptions');
  } finally {
    t.diagnostic(steps.join('; '));
    const t0 = Date.now();
    await chromium.close();
    await firefox.close();
    t.diagnostic(`browsers closed in ${Date.now() - t0} ms`);
  }
});
