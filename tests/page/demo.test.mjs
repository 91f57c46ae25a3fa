// The demo page (www/) in real browsers: builds it with webpack (production), serves www/dist
// under the strict CSP, and drives Debian's Chromium and Firefox ESR (tests/page/lib/browsers.mjs)
// with fake camera/microphone through the page's own state signals (`body[data-state]`, the
// panels' `data-*` attributes). Each test is written once and runs as one subtest per browser.
// Run: node --test tests/page/demo.test.mjs (npm test runs it after building the package);
// PAGE_BROWSERS=chromium (or firefox) for one browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { webpackBuild, ROOT } from './lib/webpack-build.mjs';
import { serveStatic } from './lib/static-server.mjs';
import { BROWSERS, launch, watch } from './lib/browsers.mjs';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
// Generous: `npm test` runs this beside other browser work on 2 cores, where the two-tab call has
// taken over 15 s to connect; a standalone run connects in about 2 s.
const WAIT = { timeout: 45_000 };

let server;
let browser; // the browser of the run in progress (tests/page/lib/browsers.mjs)
let page; // the loopback page, shared by the loopback tests (they run in order)
let problems = [];
const scenarios = [];
/** One scenario, written once: run in each browser as a subtest of that browser's test. */
const scenario = (name, fn) => scenarios.push({ name, fn });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  await webpackBuild({ mode: 'production' });
  server = await serveStatic(path.join(ROOT, 'www/dist'));
});

after(async () => {
  await server?.close();
});

function noProblems() {
  assert.deepEqual(problems, [], 'console errors or uncaught exceptions');
  const failed = server.requests.filter((r) => r.status !== 200);
  assert.deepEqual(failed, [], 'requests that did not succeed');
}

const data = (sel, attr) => page.evalOn(sel, (el, a) => el.dataset[a], attr);
const cards = (p, sel) => p.evalAll(`${sel} > .card`, (els) => els.map((e) => ({ ...e.dataset })));
const visible = (p, sel) => p.evaluate((s) => { const el = document.querySelector(s); return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'; }, sel);
const until = (p, fn, arg) => p.waitForFunction(fn, arg, WAIT);

/** Waits until the video plays: frames decoded and the clock advancing. */
async function assertPlays(p, selector) {
  const t0 = await p.evalOn(selector, (v) => v.currentTime);
  await until(p, ([sel, t]) => {
    const v = document.querySelector(sel);
    return v && v.videoWidth > 0 && v.currentTime > t + 0.3;
  }, [selector, t0]);
}

scenario('loopback: the call connects and the remote video plays', async () => {
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  watch(page, problems, 'loopback');
  await page.goto(server.url);
  await page.waitForSelector('body[data-state="connected"]', WAIT);
  assert.equal(await data('body', 'mode'), 'loopback');

  const camId = await data('#local-tile', 'streamId');
  assert.ok(camId, 'the local tile shows the camera stream');
  await page.waitForSelector(`#remote-tiles .tile[data-stream-id="${camId}"]`, WAIT);
  await assertPlays(page, `#remote-tiles .tile[data-stream-id="${camId}"] video`);
  noProblems();
});

scenario('loopback: panels show one remote stream with audio + video, and the ledger', async () => {
  const camId = await data('#local-tile', 'streamId');
  // the camera's stream arrives as one group, under the sender's stream id
  await until(page, () => document.querySelector('#remote-streams').dataset.count === '1');
  const [remote] = await cards(page, '#remote-streams');
  assert.deepEqual({ id: remote.streamId, kinds: remote.kinds, streamless: remote.streamless }, { id: camId, kinds: 'audio,video', streamless: 'false' });
  const [sent] = await cards(page, '#local-streams');
  assert.deepEqual({ id: sent.streamId, kinds: sent.kinds }, { id: camId, kinds: 'audio,video' });

  // one transceiver per camera track, sending, and the ledger knows they have sent
  await until(page, () => [...document.querySelectorAll('#ledger tbody tr')].filter((r) => r.dataset.hasSent === 'true').length === 2);
  const rows = await page.evalAll('#ledger tbody tr', (trs) => trs.map((r) => ({ ...r.dataset })));
  assert.deepEqual(
    rows.map((r) => [r.kind, r.direction, r.currentDirection, r.hasSent, r.audio, r.video]),
    [
      ['audio', 'sendrecv', 'sendonly', 'true', 'has-track', 'has-track'],
      ['video', 'sendrecv', 'sendonly', 'true', 'has-track', 'has-track'],
    ],
  );
  const verdicts = await page.evalAll('#predictions li', (lis) => lis.map((l) => [l.dataset.kind, l.dataset.verdict]));
  assert.deepEqual(verdicts, [['audio', 'new'], ['video', 'new']]);
  noProblems();
});

scenario('loopback: a second video track arrives as a second remote stream', async () => {
  const camId = await data('#local-tile', 'streamId');
  await page.click('#btn-second');
  await until(page, () => document.querySelector('#remote-streams').dataset.count === '2');
  const sent = await cards(page, '#local-streams');
  assert.equal(sent.length, 2);
  const secondId = sent.find((c) => c.streamId !== camId)?.streamId;
  const remote = await cards(page, '#remote-streams');
  assert.deepEqual(
    remote.map((c) => [c.streamId, c.kinds, c.streamless]),
    [[camId, 'audio,video', 'false'], [secondId, 'video', 'false']],
  );
  await assertPlays(page, `#remote-tiles .tile[data-stream-id="${secondId}"] video`);
  noProblems();
});

scenario('loopback: streamless tracks follow the streamless policy', async () => {
  const streamless = async () => (await cards(page, '#remote-streams')).filter((c) => c.streamless === 'true');
  // 'shared' (the default): two streamless tracks, one group
  await page.click('#btn-streamless');
  await until(page, () => document.querySelector('#remote-streams').dataset.count === '3');
  await page.click('#btn-streamless');
  await until(page, () => document.querySelector('#remote-streams .card[data-streamless="true"]')?.dataset.tracks === '2');
  assert.equal((await streamless()).length, 1);
  // 'per-track': the next one gets a group of its own
  await page.click('label:has(input[name="policy"][value="per-track"])');
  await until(page, () => document.querySelector('input[name="policy"][value="per-track"]').checked);
  await page.click('#btn-streamless');
  await until(page, () => document.querySelector('#remote-streams').dataset.count === '4');
  assert.deepEqual((await streamless()).map((c) => [c.kinds, c.tracks]), [['video', '2'], ['video', '1']]);
  await page.waitForSelector('#remote-tiles .tile[data-streamless="true"]', WAIT);
  noProblems();
});

scenario('loopback: stop camera frees its transceivers, which have sent, so addTrack will not reuse them', async () => {
  const camId = await data('#local-tile', 'streamId');
  await page.click('#btn-camera');
  await until(page, (id) => !document.querySelector(`#remote-streams .card[data-stream-id="${id}"]`), camId);
  await until(page, () => document.querySelector('#ledger tbody tr[data-index="0"]')?.dataset.currentDirection === 'inactive');
  const rows = await page.evalAll('#ledger tbody tr', (trs) => trs.slice(0, 2).map((r) => ({ ...r.dataset })));
  assert.deepEqual(
    rows.map((r) => [r.kind, r.direction, r.hasSent, r.audio, r.video]),
    [
      ['audio', 'recvonly', 'true', 'has-sent', 'kind-mismatch'],
      ['video', 'recvonly', 'true', 'kind-mismatch', 'has-sent'],
    ],
  );
  // the camera comes back on new transceivers, as the ledger predicted
  await page.click('#btn-camera');
  await until(page, () => document.querySelector('#remote-streams').dataset.count === '4' && !!document.querySelector('#local-tile').dataset.streamId);
  const newCam = await data('#local-tile', 'streamId');
  await page.waitForSelector(`#remote-streams .card[data-stream-id="${newCam}"][data-kinds="audio,video"]`, WAIT);
  assert.equal(await data('#ledger', 'count'), '8');
  assert.equal(await data('body', 'mismatches'), undefined, 'every addTrack did what predictAddTrack said');
  await assertPlays(page, `#remote-tiles .tile[data-stream-id="${newCam}"] video`);

  await fs.mkdir(ARTIFACTS, { recursive: true });
  await sleep(300); // let the level meters and log settle for the picture
  await page.screenshot({ path: path.join(ARTIFACTS, `demo-${browser.name}.png`), fullPage: true });
  noProblems();
  await page.close();
});

scenario('two-tab mode: two tabs call each other over BroadcastChannel', async () => {
  if (page && !page.isClosed()) await page.close(); // a failed loopback test leaves it open
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  try {
    const a = await context.newPage();
    watch(a, problems, 'tab A');
    await a.goto(`${server.url}?mode=tabs`);
    await a.waitForSelector('body[data-state="waiting"]', WAIT);
    const b = await context.newPage();
    watch(b, problems, 'tab B');
    await b.goto(`${server.url}?mode=tabs`);
    for (const [p, other] of [[a, b], [b, a]]) {
      await p.waitForSelector('body[data-state="connected"]', WAIT);
      const theirCam = await other.evalOn('#local-tile', (el) => el.dataset.streamId);
      await p.waitForSelector(`#remote-streams .card[data-stream-id="${theirCam}"][data-kinds="audio,video"]`, WAIT);
      await assertPlays(p, `#remote-tiles .tile[data-stream-id="${theirCam}"] video`);
      assert.equal(await p.evalOn('#ledger', (el) => el.dataset.count), '2');
    }
    noProblems();
  } finally {
    await context.close();
  }
});

scenario('clear messages: no WebRTC, no camera, permission denied', async () => {
  const context = await browser.newContext();
  try {
    const cases = [
      ['no-webrtc', 'delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection;'],
      ['no-camera', `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));`],
      ['denied', `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`],
    ];
    for (const [state, script] of cases) {
      const p = await context.newPage();
      watch(p, problems, state);
      await p.addInitScript(script);
      await p.goto(server.url);
      await p.waitForSelector(`body[data-state="${state}"]`, WAIT);
      assert.ok(await visible(p, '#notice'), `${state}: the notice is shown`);
      const title = await p.evalOn('#notice-title', (el) => el.textContent);
      assert.match(title, { 'no-webrtc': /WebRTC/, 'no-camera': /No camera/, denied: /denied/ }[state]);
      if (state === 'no-camera') {
        // the way out: synthetic media, and the call works without a camera
        await p.evaluate(() => [...document.querySelectorAll('#notice-actions button')].find((b) => /synthetic/.test(b.textContent)).click());
        await p.waitForSelector('body[data-state="connected"]', WAIT);
        assert.ok(!(await visible(p, '#notice')));
      }
      await p.close();
    }
    noProblems();
  } finally {
    await context.close();
  }
});

for (const name of BROWSERS) {
  test(name, { timeout: 10 * 60_000 }, async (t) => {
    browser = await launch(name);
    problems = [];
    page = undefined;
    t.diagnostic(`${name}: ${browser.version}`);
    try {
      for (const { name: what, fn } of scenarios) await t.test(`${what} [${name}]`, fn);
    } finally {
      await browser.close();
    }
  });
}
