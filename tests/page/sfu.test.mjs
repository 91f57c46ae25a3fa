// Calls through an SFU: a real Janus 1.1.2 videoroom (tests/page/lib/janus.mjs, started and killed
// by this test, in a network namespace of its own), N native publishers (audio + video in one
// stream each) and ONE subscriber `PeerConnection` (pkg/web) receiving every feed in one connection
// (Janus 1.x multistream: it offers, the page answers). Through join, leave by each of unpublish,
// leave + unsubscribe and the publisher's connection closing, join-new on recycled m-lines, and
// all-leave, every step checks, against the SDP Janus sent (its a=msid stream ids) and the browser:
//   - remoteStreams() is exactly the receiving m-lines' tracks grouped by msid stream id;
//   - streamadded / streamremoved fired once per stream id that came / went, and for no other;
//   - a stream that stays keeps its MediaStream object;
//   - the browser's own track events gave each received track the same stream id;
//   - media arrives (inbound bytes grow, video frames decoded) on every receiving m-line, reused ones included.
// Both Janus modes: `use_msid: true` (one stream per publisher, `a=msid:<feed> <mid>`) and the
// default (`a=msid:janus janus<mid>`: every feed in one stream).
//
// Run:  node --test tests/page/sfu.test.mjs                  (N=6, both browsers, both modes)
// Long: SFU_N=40 node --test tests/page/sfu.test.mjs          (npm run sfu:long: scripts/sfu-long.sh)
//       SFU_N, SFU_DEFAULT_N (default-mode publishers), SFU_MODES=msid,default, PAGE_BROWSERS=chromium,
//       SFU_PUBLISHERS_IN=browser|page, SFU_PUBLISHER_PAGES, SFU_FPS, SFU_PUBLISHER_BROWSER (see below)
// Past 10 publishers the subscriber's page is alone in its browser and the publishers live in a
// second launch of the same browser (its own processes: their encoders do not load the subscriber's
// renderer); up to 10 everything shares one page.
import { enterNetns, startJanus } from './lib/janus.mjs';

await enterNetns(); // re-runs this file under `unshare -n` (see janus.mjs) and exits with its status

const { test, before, after } = await import('node:test');
const { default: assert } = await import('node:assert/strict');
const { existsSync } = await import('node:fs');
const path = await import('node:path');
const { BROWSERS, launch, watch } = await import('./lib/browsers.mjs');
const { serveRoot, ROOT } = await import('./lib/storm-driver.mjs');
const { Room, sections } = await import('./lib/sfu-driver.mjs');
const { webpackBuild } = await import('./lib/webpack-build.mjs');
const { serveStatic } = await import('./lib/static-server.mjs');

const N = Number(process.env.SFU_N ?? 6);
const DEFAULT_N = Number(process.env.SFU_DEFAULT_N ?? 4);
const MODES = (process.env.SFU_MODES ?? 'msid,default').split(',');
const FIGURES = process.env.SFU_FIGURES === '1';
const DEMO = process.env.SFU_DEMO !== '0'; // the demo's SFU mode (www/, webpack production build)
// Where the publishers live (SFU_PUBLISHERS_IN). 'browser': a second launch of the same browser
// (its own processes), in SFU_PUBLISHER_PAGES pages (default 1), the subscriber alone in its own
// browser. 'page': in the subscriber's page; one renderer then encodes N feeds and decodes N more
// (N=40 in Chromium passes either way: 26 s against 29 s on a quiet machine; 71 s at load ~5
// against 54 s at load 17 with the second browser). Default: 'page' up to 10 publishers (the fast
// run: a second browser per test would cost it a few seconds), 'browser' past that.
const publishersIn = (n) => process.env.SFU_PUBLISHERS_IN ?? (n > 10 ? 'browser' : 'page');
const PUBLISHER_PAGES = Number(process.env.SFU_PUBLISHER_PAGES ?? 1);
const FPS = Number(process.env.SFU_FPS ?? 10); // the publishers' canvas (64×48) frame rate

// Chromium: loopback candidates allowed, plain IPs (not mDNS names). Firefox: loopback candidates too.
const LAUNCH = {
  args: ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'],
  prefs: { 'media.peerconnection.ice.loopback': true },
};

let janus;
let server;
let demo; // www/dist, served
before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'pkg/web/index.js')), 'pkg/web is not built: run scripts/build-pkg.sh first');
  janus = await startJanus();
  server = await serveRoot();
  if (DEMO) {
    await webpackBuild({ mode: 'production' });
    demo = await serveStatic(path.join(ROOT, 'www/dist'));
  }
});
after(async () => {
  await server?.close();
  await demo?.close();
  await janus?.stop();
});

const RECEIVED = new Set(['sendonly', 'sendrecv']); // Janus's side of an m-line we receive on

/** The groups the SDP and the browser say: msid stream id → receiver track ids (sorted), receiving m-lines only. */
function groupsOf(obs) {
  const byMid = new Map(obs.transceivers.map((t) => [t.mid, t]));
  const groups = new Map();
  for (const s of sections(obs.remoteSdp)) {
    if (s.port === 0 || !RECEIVED.has(s.dir)) continue;
    const t = byMid.get(s.mid);
    assert.ok(t, `no transceiver for mid ${s.mid}`);
    assert.ok(s.stream, `receiving m-line ${s.mid} has no a=msid`);
    groups.set(s.stream, [...(groups.get(s.stream) ?? []), t.receiverTrack].sort());
  }
  return groups;
}
const plain = (m) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

for (const browserName of BROWSERS) {
  for (const mode of MODES) {
    const useMsid = mode === 'msid';
    const n = useMsid ? N : DEFAULT_N;
    test(`${browserName}: ${n} publishers through Janus, ${useMsid ? 'use_msid (a stream per publisher)' : 'default msid (one stream "janus")'}`, { timeout: 60_000 + n * 15_000 }, async () => {
      const separate = publishersIn(n) === 'browser';
      // The subscriber's browser and the publishers' (a second process), launched side by side.
      // SFU_PUBLISHER_BROWSER: another browser for the publishers (to tell a sender's limit from a receiver's).
      const pubName = process.env.SFU_PUBLISHER_BROWSER ?? browserName;
      const [browser, pubBrowser] = await Promise.all([launch(browserName, LAUNCH), separate ? launch(pubName, LAUNCH) : null]);
      const problems = [];
      const pubPages = [];
      let page;
      let room;
      const figures = [];
      // The long run prints each figure as it comes (stderr reaches the terminal at once).
      figures.push = function (...xs) {
        if (FIGURES) for (const x of xs) process.stderr.write(`[sfu ${browserName} N=${n}] ${x}\n`);
        return Array.prototype.push.apply(this, xs);
      };
      try {
        page = await browser.newPage();
        watch(page, problems, browserName);
        for (let j = 0; separate && j < PUBLISHER_PAGES; j++) {
          const p = await pubBrowser.newPage();
          watch(p, problems, `${browserName} publishers ${j}`);
          pubPages.push(p);
        }
        room = new Room(page, janus.url, { useMsid, publisherPages: separate ? pubPages : [page] });
        const ready = async (p, roles) => {
          await p.goto(`${server.url}tests/page/lib/sfu.html`);
          await p.waitForFunction(() => !!window.sfu);
          await p.evaluate((o) => window.sfu.init(o), { ...roles, fps: FPS });
        };
        await Promise.all([
          ready(page, { subscriber: true, publishers: !separate }),
          ...pubPages.map((p) => ready(p, { subscriber: false, publishers: true })),
        ]);
        await room.open(n * 2 + 10);
        figures.push(separate
          ? `subscriber alone in its browser; ${n} publishers in ${pubPages.length} page(s) of a second ${pubName} process (${pubBrowser.version}), canvas at ${FPS} fps`
          : `subscriber and ${n} publishers in one page, canvas at ${FPS} fps`);

        let prev = new Map(); // the groups after the last step
        const feedsOf = (is) => is.map((i) => room.publishers.get(i).feed);
        /** The ids Janus's msid must give the feeds `feeds` in this mode. */
        const idsFor = (feeds) => (useMsid ? feeds.map(String) : feeds.length ? ['janus'] : []);

        // One step's checks, against the SDP Janus sent and the browser's own state.
        const check = async (label, activeFeeds, { media = true } = {}) => {
          const t0 = Date.now();
          const obs = await page.evaluate(() => window.sfu.observe());
          assert.deepEqual(obs.errors, [], `${label}: page errors`);
          assert.equal(obs.signalingState, 'stable', `${label}: signaling state`);
          const groups = groupsOf(obs);
          // Janus did what this step asked: the receiving m-lines carry exactly these feeds' stream ids.
          assert.deepEqual([...groups.keys()].sort(), idsFor(activeFeeds).sort(), `${label}: stream ids in Janus's SDP`);
          if (useMsid) for (const tracks of groups.values()) assert.equal(tracks.length, 2, `${label}: audio + video per publisher`);
          // remoteStreams() is exactly what is received, grouped by msid.
          const books = new Map(obs.remoteStreams.map((s) => [s.id, [...s.tracks].sort()]));
          assert.equal(books.size, obs.remoteStreams.length, `${label}: a stream id listed twice`);
          assert.deepEqual(plain(books), plain(groups), `${label}: remoteStreams() vs the SDP's groups`);
          assert.ok(obs.remoteStreams.every((s) => !s.streamless), `${label}: no streamless group (every m-line has an msid)`);
          // The browser's own track events put each received track in the same stream id.
          const byTrack = new Map(obs.transceivers.map((t) => [t.receiverTrack, t]));
          for (const [id, tracks] of groups) {
            for (const tr of tracks) assert.deepEqual(byTrack.get(tr).nativeStreams, [id], `${label}: native track event streams of ${tr}`);
          }
          // Events: once per stream id that came or went, none for the others.
          const came = [...groups.keys()].filter((id) => !prev.has(id)).sort();
          const went = [...prev.keys()].filter((id) => !groups.has(id)).sort();
          const added = obs.events.filter((e) => e.type === 'streamadded');
          const removed = obs.events.filter((e) => e.type === 'streamremoved');
          assert.deepEqual(added.map((e) => e.id).sort(), came, `${label}: streamadded`);
          assert.deepEqual(removed.map((e) => e.id).sort(), went, `${label}: streamremoved`);
          for (const e of added) assert.deepEqual([...e.tracks].sort(), groups.get(e.id), `${label}: streamadded ${e.id} announced complete`);
          // A stream that stays keeps its object.
          for (const id of groups.keys()) if (prev.has(id)) assert.equal(obs.kept[id], true, `${label}: stream ${id} kept its MediaStream`);
          // Media on every receiving m-line (reused ones included).
          const mids = sections(obs.remoteSdp).filter((s) => s.port !== 0 && RECEIVED.has(s.dir)).map((s) => s.mid);
          if (media && mids.length) {
            const first = await page.evaluate((m) => window.sfu.media(m), mids);
            let last;
            const deadline = Date.now() + 8000 + n * 500; // decoders catch up slower with many feeds on 2 cores
            for (;;) {
              await new Promise((r) => setTimeout(r, 250));
              last = await page.evaluate((m) => window.sfu.media(m), mids);
              const lagging = mids.filter((m) => !(last[m].bytes > first[m].bytes && (last[m].kind !== 'video' || last[m].frames > first[m].frames)));
              if (!lagging.length) break;
              if (Date.now() > deadline) assert.fail(`${label}: no media growth on mids ${lagging.join(',')}: ${JSON.stringify(lagging.map((m) => [first[m], last[m]]))}`);
            }
          }
          figures.push(`${label}: ${groups.size} streams, ${mids.length} receiving m-lines of ${obs.transceivers.length}, checked in ${Date.now() - t0} ms`);
          prev = groups;
          return obs;
        };

        const all = Array.from({ length: n }, (_, i) => i);
        const half = Math.ceil(n / 2);
        const k = Math.max(1, Math.floor(n / 6));

        // 1. join: half subscribed at once (Janus's first offer), the rest by one `subscribe`.
        let t = Date.now();
        for (const i of all) await room.publish(i);
        figures.push(`${n} publishers connected in ${Date.now() - t} ms`);
        t = Date.now();
        await room.subscribe(all.slice(0, half));
        await room.settle();
        figures.push(`first offer (${half} feeds) applied in ${Date.now() - t} ms`);
        await check('join', feedsOf(all.slice(0, half)));
        t = Date.now();
        await room.subscribe(all.slice(half));
        await room.settle();
        figures.push(`subscribe (${n - half} more feeds) applied in ${Date.now() - t} ms`);
        await check('join more', feedsOf(all));
        const mLines = (await page.evaluate(() => window.sfu.observe())).transceivers.length;
        assert.equal(mLines, n * 2, 'one audio and one video m-line per feed');

        // 2. unpublish: Janus re-offers on its own; the feeds' m-lines go inactive.
        const unpublished = all.slice(0, k);
        let before = room.offersApplied;
        for (const i of unpublished) await room.depart(i, 'unpublish');
        await room.settle({ atLeast: before + 1 });
        for (const i of unpublished) room.forget(i);
        let obs = await check('unpublish', feedsOf(all.slice(k)), { media: false });
        const inactive = sections(obs.remoteSdp).filter((s) => s.dir === 'inactive');
        assert.equal(inactive.length, 2 * k, 'unpublish: the feeds\' m-lines are inactive');
        assert.ok(inactive.every((s) => s.stream === null && s.port !== 0), 'unpublish: inactive m-lines have no msid and are not rejected');

        // 3. leave: Janus 1.1.2 does not re-offer (the books keep following the SDP, which still
        // sends them); the subscriber unsubscribes the feeds' mids (the feeds are gone by then).
        const leavers = all.slice(k, 2 * k);
        before = room.offersApplied;
        for (const i of leavers) await room.depart(i, 'leave');
        await new Promise((r) => setTimeout(r, 1000));
        assert.equal(room.offersApplied, before, 'leave: Janus 1.1.2 sent no offer of its own');
        // So the books still list the leavers: the SDP in force still says their m-lines send.
        const during = await page.evaluate(() => window.sfu.observe());
        assert.deepEqual(during.events, [], 'leave: no stream event before the unsubscribe');
        for (const id of idsFor(feedsOf(leavers))) {
          assert.ok(during.remoteStreams.some((s) => s.id === id), `leave: stream ${id} stays in remoteStreams() until the unsubscribe`);
        }
        const mids = room.midsOf(feedsOf(leavers)); // the subscription's mids, from Janus's own stream list
        assert.equal(mids.length, 2 * k, 'leave: two mids per leaver');
        await room.unsubscribe(leavers, { mids });
        await room.settle({ atLeast: before + 1 });
        for (const i of leavers) room.forget(i);
        await check('leave + unsubscribe', feedsOf(all.slice(2 * k)), { media: false });

        // 4. a publisher's connection closes (its browser went away): Janus re-offers on its own.
        const closers = all.slice(2 * k, 3 * k);
        before = room.offersApplied;
        for (const i of closers) await room.depart(i, 'close');
        await room.settle({ atLeast: before + 1, timeoutMs: 40_000 });
        for (const i of closers) room.forget(i);
        obs = await check('publisher closed', feedsOf(all.slice(3 * k)));
        const freed = sections(obs.remoteSdp).filter((s) => s.dir === 'inactive').map((s) => s.mid).sort();
        assert.equal(freed.length, 6 * k, 'six m-lines per departed trio are inactive');

        // 5. join-new: new publishers land on the freed m-lines (same mids, new stream ids), media flows on them.
        const newcomers = Array.from({ length: 3 * k }, (_, j) => n + j);
        for (const i of newcomers) await room.publish(i);
        await room.subscribe(newcomers);
        await room.settle();
        obs = await check('join-new on recycled m-lines', feedsOf([...all.slice(3 * k), ...newcomers]));
        const now = sections(obs.remoteSdp);
        assert.equal(now.length, n * 2, 'join-new: no m-line added (all recycled)');
        const newMids = now.filter((s) => RECEIVED.has(s.dir) && idsFor(feedsOf(newcomers)).includes(s.stream)).map((s) => s.mid).sort();
        if (useMsid) assert.deepEqual(newMids, freed, 'join-new: the newcomers\' mids are the freed ones');

        // 6. all leave (unpublish): no stream left.
        const rest = [...room.publishers.keys()];
        before = room.offersApplied;
        for (const i of rest) await room.depart(i, 'unpublish');
        await room.settle({ atLeast: before + 1 });
        for (const i of rest) room.forget(i);
        obs = await check('all left', []);
        assert.deepEqual(obs.remoteStreams, [], 'all left: remoteStreams() is empty');
        assert.deepEqual(problems, [], 'no console error or uncaught exception');
      } finally {
        if (FIGURES || process.env.SFU_N) console.log(`[sfu] ${browserName} ${mode} N=${n} (${browser.version}):\n  ${figures.join('\n  ')}`);
        for (const p of [page, ...pubPages].filter(Boolean)) await p.evaluate(() => window.sfu?.close()).catch(() => {});
        await room?.close();
        await Promise.all([browser.close(), pubBrowser?.close()]);
      }
    });
  }
}

// The demo's SFU mode (www/sfu.js, `npm run demo:sfu`), served from its production build in this
// namespace: its in-page publishers join the room and the stream panel follows them.
for (const browserName of DEMO ? BROWSERS : []) {
  test(`${browserName}: the demo's SFU mode shows one group per publisher, live`, { timeout: 90_000 }, async () => {
    const browser = await launch(browserName, LAUNCH);
    const problems = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      watch(page, problems, `${browserName} demo`);
      await page.goto(`${demo.url}?mode=sfu&media=synthetic&publishers=2&janus=${encodeURIComponent(janus.url)}`);
      const cards = () => page.evalAll('#remote-streams > .card', (els) => els.map((e) => ({ id: e.dataset.streamId, kinds: e.dataset.kinds })));
      const until = (n) => page.waitForFunction((n) => document.querySelector('#remote-streams')?.dataset.count === String(n), n, { timeout: 30_000 });
      await until(2);
      let shown = await cards();
      assert.deepEqual(shown.map((c) => c.kinds), ['audio,video', 'audio,video'], 'two publishers, audio + video each');
      assert.deepEqual(shown.map((c) => c.id), ['1001', '1002'], 'one card per feed (use_msid: the feed ids)');
      await page.click('#btn-add-publisher');
      await until(3);
      assert.deepEqual((await cards()).map((c) => c.id), ['1001', '1002', '1003'], 'a third publisher joins: its group appears');
      await page.click('#btn-remove-publisher'); // the first leaves (by unpublish)
      await until(2);
      assert.deepEqual((await cards()).map((c) => c.id), ['1002', '1003'], 'the first publisher left: its group went');
      assert.deepEqual(problems, [], 'no console error or uncaught exception');
    } finally {
      await browser.close();
    }
  });
}
