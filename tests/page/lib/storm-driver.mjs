// The node half of the renegotiation storm (tests/page/storm.test.mjs): two browser processes, one
// page each (tests/page/lib/storm.html + storm-page.js), the signalling relayed through this
// process with seeded random delays (in order per direction, like a socket), random operations
// at random moments, and a bounded wait for quiet after each round. The checks are the caller's:
// `onRound(round, observations)` gets both sides' observations of a settled round.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, watch } from './browsers.mjs';
import { serveStatic } from './static-server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** mulberry32, as in the page. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed for one purpose of one run (FNV-1a over "seed/purpose"). */
export function subSeed(seed, purpose) {
  let h = 0x811c9dc5;
  for (const c of `${seed}/${purpose}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** Errors, each distinct one once, with how many times it came. */
const distinct = (errors) => {
  const m = new Map();
  for (const e of errors) { const k = `${e.where}: ${e.name}: ${e.message}`; m.set(k, (m.get(k) ?? 0) + 1); }
  return [...m].map(([k, n]) => (n > 1 ? `${k} (×${n})` : k));
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Flags / prefs for two browser processes on one host: plain host candidates (no mDNS names). */
export const STORM_CHROMIUM_ARGS = ['--disable-features=WebRtcHideLocalIpsWithMdns', '--allow-loopback-in-peer-connection'];
export const STORM_FIREFOX_PREFS = { 'media.peerconnection.ice.obfuscate_host_addresses': false, 'media.peerconnection.ice.loopback': true };

export function serveRoot() {
  return serveStatic(ROOT);
}

/**
 * Runs one pair. Options:
 *   browsers: [nameA, nameB]  A is impolite, B polite
 *   seed, rounds, delayMax (ms, signalling delay 0..delayMax), opsMax (ops per side per round,
 *   1..opsMax), opWindow (ms over which a round's ops are spread), quietMs (no signalling for
 *   this long = quiet), settleTimeout (ms; past it a stable instant is taken, see below),
 *   maxTransceivers (per side), serverUrl, onRound(round, { A, B, settle }), log(line)
 * Returns { seed, rounds, settle: { quiet, loop, failed }, counters: { A, B }, problems, versions }.
 */
export async function runPair(options) {
  const {
    browsers, seed, rounds, delayMax = 250, opsMax = 3, opWindow = 500, quietMs = 250, settleTimeout = 10_000,
    maxTransceivers = 16, serverUrl, onRound, onReset, log = () => {},
  } = options;
  const sides = ['A', 'B'];
  const opRand = prng(subSeed(seed, 'schedule'));
  const delayRand = prng(subSeed(seed, 'delays'));
  const problems = []; // page errors / console errors, from the driver's hooks
  const launched = [];
  const page = {};
  const versions = {};
  const relay = {
    sent: 0, delivered: 0, lastActivity: Date.now(),
    chain: { A: Promise.resolve(), B: Promise.resolve() }, // deliveries to A / to B, in order
    lastAt: { A: 0, B: 0 },
    errors: [],
    inFlight: { A: [], B: [] }, // per destination: { type, sentAt, at, state } not yet delivered
  };
  const typeOf = (json) => { const m = JSON.parse(json); return m.description ? m.description.type : m.candidate ? 'candidate' : 'end-of-candidates'; };
  const inFlightNow = () => Object.fromEntries(sides.map((s) => [`to ${s}`, relay.inFlight[s].map((f) => ({ type: f.type, gen: f.gen, ageMs: Date.now() - f.sentAt, dueInMs: f.at - Date.now(), state: f.state }))]));
  const other = { A: 'B', B: 'A' };

  function relayFrom(from, json) {
    const to = other[from];
    relay.sent++;
    relay.lastActivity = Date.now();
    const at = Math.max(relay.lastAt[to], Date.now() + Math.floor(delayRand() * (delayMax + 1)));
    relay.lastAt[to] = at;
    const entry = { type: typeOf(json), gen: JSON.parse(json).generation, sentAt: Date.now(), at, state: 'queued' };
    relay.inFlight[to].push(entry);
    relay.chain[to] = relay.chain[to].then(async () => {
      entry.state = 'waiting';
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
      entry.state = 'evaluating';
      try {
        await page[to].evaluate((m) => window.storm.receive(JSON.parse(m)), json);
      } catch (e) {
        relay.errors.push(`delivery to ${to}: ${e.message.split('\n')[0]}`);
      }
      relay.delivered++;
      relay.inFlight[to].splice(relay.inFlight[to].indexOf(entry), 1);
      relay.lastActivity = Date.now();
    });
  }

  try {
    // Two browser processes, started side by side.
    await Promise.all(sides.map(async (s, i) => {
      const name = browsers[i];
      const b = await launch(name, name === 'chromium' ? { args: STORM_CHROMIUM_ARGS } : { prefs: STORM_FIREFOX_PREFS });
      launched.push(b);
      versions[s] = b.version;
      const p = await b.newPage();
      watch(p, problems, `${s} (${name})`);
      await p.exposeFunction('__stormSend', (json) => relayFrom(s, json));
      await p.goto(`${serverUrl}tests/page/lib/storm.html`);
      await p.waitForFunction(() => window.stormReady === true, null, { timeout: 30_000 });
      page[s] = p;
    }));
    for (const s of sides) {
      await page[s].evaluate((c) => window.storm.init(c), {
        side: s, polite: s === 'B', seed: subSeed(seed, `ops ${s}`), maxTransceivers, streamlessPolicy: 'shared',
      });
    }

    const settle = { quiet: 0, loop: 0, failed: 0, loopNegotiations: 0, opsMs: 0, settleMs: 0 };
    const statuses = async () => ({ A: await page.A.evaluate(() => window.storm.status()), B: await page.B.evaluate(() => window.storm.status()) });
    const stableNow = (st) => sides.every((s) => st[s].signalingState === 'stable' && st[s].pendingInbound === 0 && st[s].pendingOps === 0)
      && relay.sent === relay.delivered;
    const connected = (st) => sides.every((s) => st[s].connectionState === 'connected');

    /**
     * (An offer the library is still making is not visible to the page: the quiet period, and
     * the observation taken only if no message was sent and no negotiationneeded came meanwhile,
     * stand for it.)
     * Waits for quiet: both stable, nothing in flight, connected, and no signalling for quietMs.
     * Past settleTimeout (a renegotiation loop never goes quiet, e.g. Firefox re-offering after
     * every answer), the first stable instant is taken instead (counted as `loop`). Returns the
     * observations, taken with nothing in flight before and after, or null if neither came.
     */
    let tracedErrors = 0;
    /** STORM_TRACE=N: both sides' transceivers, descriptions and last N signalling events. */
    async function printTrace(why) {
      console.log(`--- trace (${why}) ---`);
      for (const s of sides) {
        const o = await page[s].evaluate(() => window.storm.observe());
        console.log(`transceivers ${s}: ${o.transceivers.map((x) => `${x.mid}:${x.kind[0]} ${x.direction}/${x.currentDirection}${x.senderTrack ? '+track' : ''}`).join(', ')}`);
        console.log(`local sdp ${s}: ${JSON.stringify(Object.fromEntries(Object.entries(o.localSdp).map(([m, v]) => [m, `${v.direction}${v.port === 0 ? ' port0' : ''}`])))}`);
        console.log(`remote sdp ${s}: ${JSON.stringify(Object.fromEntries(Object.entries(o.remoteSdp).map(([m, v]) => [m, `${v.direction}${v.port === 0 ? ' port0' : ''}`])))}`);
      }
      for (const s of sides) console.log(`trace ${s}:\n  ${(await page[s].evaluate(() => window.storm.trace())).slice(-Number(process.env.STORM_TRACE)).join('\n  ')}`);
    }

    async function settleAndObserve() {
      const start = Date.now();
      const offersAtStart = (await statuses());
      let kind = null;
      while (Date.now() - start < settleTimeout * 2) {
        const st = await statuses();
        const late = Date.now() - start > settleTimeout;
        if (stableNow(st) && connected(st) && (late || Date.now() - relay.lastActivity >= quietMs)) {
          const sentBefore = relay.sent;
          const A = await page.A.evaluate(() => window.storm.observe());
          const B = await page.B.evaluate(() => window.storm.observe());
          const after = await statuses();
          if (relay.sent === sentBefore && stableNow(after) && after.A.negotiationNeeded === st.A.negotiationNeeded && after.B.negotiationNeeded === st.B.negotiationNeeded) {
            kind = late ? 'loop' : 'quiet';
            if (process.env.STORM_TRACE && A.errors.length + B.errors.length > tracedErrors) {
              tracedErrors = A.errors.length + B.errors.length;
              await printTrace('a settled round with page errors');
            }
            const nn = sides.reduce((n, s) => n + after[s].negotiationNeeded - offersAtStart[s].negotiationNeeded, 0);
            return { kind, A, B, waitedMs: Date.now() - start, negotiationNeededDuringWait: nn, statuses: after };
          }
        }
        // Stuck: nothing in flight, no signalling for a while, and a side still waits for an
        // answer that will not come (e.g. its offer failed on the other side) — no use waiting on.
        if (!late && relay.sent === relay.delivered && Date.now() - relay.lastActivity > 2000
          && sides.every((s) => st[s].pendingInbound === 0 && st[s].pendingOps === 0)
          && sides.some((s) => st[s].signalingState !== 'stable')) break;
        await sleep(late ? 10 : 50);
      }
      const errors = {
        A: distinct((await page.A.evaluate(() => window.storm.observe())).errors),
        B: distinct((await page.B.evaluate(() => window.storm.observe())).errors),
      };
      if (process.env.STORM_TRACE) await printTrace('a round that did not settle');
      return { kind: 'failed', waitedMs: Date.now() - start, statuses: await statuses(), relay: { sent: relay.sent, delivered: relay.delivered, inFlight: inFlightNow() }, lastErrors: errors };
    }

    for (let round = 1; round <= rounds; round++) {
      // Both sides, random operations at random moments of the round's window.
      const work = [];
      const ops = [];
      for (const s of sides) {
        const n = 1 + Math.floor(opRand() * opsMax);
        for (let i = 0; i < n; i++) {
          const at = Math.floor(opRand() * opWindow);
          work.push(sleep(at).then(() => page[s].evaluate(() => window.storm.op())).then((r) => ops.push({ side: s, ...r })));
        }
      }
      const t0 = Date.now();
      await Promise.all(work);
      const t1 = Date.now();
      const result = await settleAndObserve();
      settle.opsMs += t1 - t0;
      settle.settleMs += Date.now() - t1;
      if (result.kind === 'quiet') settle.quiet++;
      else if (result.kind === 'loop') { settle.loop++; settle.loopNegotiations += result.negotiationNeededDuringWait; }
      else settle.failed++;
      await onRound(round, { ...result, ops, relayErrors: relay.errors.splice(0) });
      if (result.kind === 'failed') {
        // A new connection pair in the same pages, so the remaining rounds still measure.
        await Promise.all([relay.chain.A, relay.chain.B]);
        for (const s of sides) await page[s].evaluate(() => window.storm.reset());
        settle.resets = (settle.resets ?? 0) + 1;
        await onReset?.(round);
        log(`round ${round} did not settle: new connection pair (reset ${settle.resets})`);
      }
    }
    const final = {
      A: await page.A.evaluate(() => window.storm.observe()),
      B: await page.B.evaluate(() => window.storm.observe()),
    };
    return { seed, rounds, settle, counters: { A: final.A.counters, B: final.B.counters }, problems, versions, relay: { sent: relay.sent, delivered: relay.delivered } };
  } finally {
    await Promise.all(launched.map((b) => b.close().catch(() => {})));
  }
}
