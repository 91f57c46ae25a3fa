// Renegotiation storm: two browser processes, one `PeerConnection` (pkg/web) in each page, the
// library's own perfect negotiation (`pc.negotiate({ polite, send, restartIceOnFailure })` and
// `pc.receive(message)`; A impolite, B polite; no negotiation code in the page),
// signalling relayed through this process with seeded random delays, and in every round random
// operations on both sides at random moments (addTrack with 0–2 streams, removeTrack,
// replaceTrack(null) and back, direction changes, addTransceiver, restartIce). After each round,
// once quiet, each side's books are checked against what the OTHER side sends (paired by mid):
// remote stream grouping, streamless tracks, streamadded / streamremoved, and every
// predictAddTrack made during the ops against what addTrack then did. Page: tests/page/lib/storm-page.js;
// driver: tests/page/lib/storm-driver.mjs; the checks are here, each where it is made.
//
// Run:    node --test tests/page/storm.test.mjs             (fixed seed, 30 rounds per pair)
// Replay: STORM_SEED=123 STORM_ROUNDS=100 node --test tests/page/storm.test.mjs
// More:   STORM_SEEDS=1,2,3 | STORM_SEED_COUNT=10, STORM_PAIRS=chromium-firefox,firefox-firefox,
//         STORM_DELAY_MAX (ms, default 100; storm-long: 250), STORM_FAILURES (details printed per pair, default 16), STORM_MAX_TRANSCEIVERS (per side, default 12),
//         STORM_TRACE=N (a round that does not settle prints both sides' transceivers and their last N
//         signalling events: sends, receives, negotiationneeded, state changes)
//         — scripts/storm-long.sh (npm run storm:long) runs many seeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runPair, serveRoot, ROOT } from './lib/storm-driver.mjs';

const env = process.env;
const FIXED_SEED = 20240611;
const ROUNDS = Number(env.STORM_ROUNDS ?? 30);
// The fast run (npm test) draws signalling delays from 0–100 ms to keep the file within budget on
// 2 cores; scripts/storm-long.sh uses the full 0–250 ms.
const DELAY_MAX = Number(env.STORM_DELAY_MAX ?? 100);
const SHOW = Number(env.STORM_FAILURES ?? 16);
// m-lines per side (every sending track is also encoded on this 2-core machine)
const MAX_TRANSCEIVERS = Number(env.STORM_MAX_TRANSCEIVERS ?? 12);
const SEEDS = env.STORM_SEEDS
  ? env.STORM_SEEDS.split(',').map(Number)
  : env.STORM_SEED
    ? [Number(env.STORM_SEED)]
    : env.STORM_SEED_COUNT
      ? Array.from({ length: Number(env.STORM_SEED_COUNT) }, () => (Math.random() * 2 ** 32) >>> 0)
      : [FIXED_SEED];
const PAIRS = (env.STORM_PAIRS ?? 'chromium-chromium,firefox-firefox,chromium-firefox').split(',').map((p) => p.trim().split('-'));

let server;
before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'pkg/web/index.js')), 'pkg/web is not built: run scripts/build-pkg.sh first');
  server = await serveRoot();
});
after(() => server?.close());

const RECEIVING = new Set(['sendrecv', 'recvonly']);
const sameSet = (a, b) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/** Pass/fail tallies and the first failures of one pair. */
function tally() {
  return { passed: 0, failed: 0, browserBug: 0, departures: {}, transportLost: 0, byKind: {}, first: [] };
}

/**
 * The checks of one side (`me`) of one settled round, against the other side's observation.
 * `memory` carries what the event / prediction / error checks have already seen of this side.
 */
const TRANSPORT_LOSSES_TOLERATED = 2;
const FIREFOX_ICE_RESTART_BUG = 'Remote description indicates ICE restart but offer did not request ICE restart';
const isFirefoxIceRestartBug = (e) => String(e?.message ?? e).includes(FIREFOX_ICE_RESTART_BUG);
// The known browser departures (README), each reproduced on native connections with no library
// code by tests/page/departures.test.mjs (which fails once the browser is fixed): an error that is
// one of them is tallied apart, under the rule's name; any other error, `negotiationerror`
// included, is a failure.
//  - Firefox 153 rejects an ICE-restart offer after a rollback (then refuses its candidates);
//  - Chromium 156 keeps the header-extension bindings of the polite side's rolled-back offer:
//    - after a first-negotiation glare of different kinds, the polite side's next offer fails
//      setLocalDescription ("A BUNDLE group contains a codec collision for header extension id=…"):
//      the negotiator works around it (renumbered offer), so the rule only catches a failed retry;
//    - when the winning offer's new section takes the mid of the rolled-back one with another
//      kind (both at mid 1 after a data channel, say), the polite side cannot apply it, nor then
//      make an offer of its own: "RTP extension ID reassignment not supported (collision on
//      active MID …)", from setRemoteDescription (InvalidAccessError) and setLocalDescription
//      (OperationError). The pair is wedged; a new connection pair follows.
const DEPARTURES = [
  ['firefox-ice-restart-after-rollback', (e) => isFirefoxIceRestartBug(e)],
  ['chromium-bundle-header-extension-collision', (e) => e.name === 'InvalidAccessError' && /BUNDLE group contains a codec collision for header extension/.test(e.message ?? '')],
  ['chromium-rollback-keeps-mid-header-extensions', (e) => ['InvalidAccessError', 'OperationError'].includes(e.name) && /RTP extension ID reassignment not supported \(collision on active MID/.test(e.message ?? '')],
];
const departureOf = (e) => DEPARTURES.find(([, is]) => is(e))?.[0] ?? null;
/** The rule of a page's last-error line ("where: Name: message"), if it is a known departure. */
const wedgedBy = (line) => departureOf({ name: /^[^:]+: (\w+): /.exec(line)?.[1], message: line });
const departed = (t, rule) => { t.browserBug++; t.departures[rule] = (t.departures[rule] ?? 0) + 1; };

function checkSide(t, round, me, other, memory) {
  const check = (ok, kind, detail) => {
    if (ok) { t.passed++; return; }
    t.failed++;
    t.byKind[kind] = (t.byKind[kind] ?? 0) + 1;
    if (t.first.length < SHOW && t.first.filter((f) => f.kind === kind).length < 3) t.first.push({ round, side: me.side, kind, ...detail });
  };
  const farByMid = new Map(other.transceivers.filter((x) => x.mid !== null).map((x) => [x.mid, x]));
  const listing = (trackId) => me.remoteStreams.filter((s) => s.tracks.includes(trackId));
  const shown = (streams) => streams.map((s) => `${s.id}${s.streamless ? ' (streamless)' : ''} #${s.serial}`);

  // 1–2. Every transceiver's receiver track: grouped exactly as the far side sends it, or nowhere.
  for (const x of me.transceivers) {
    const received = RECEIVING.has(x.currentDirection);
    const listedIn = listing(x.receiverTrack);
    const far = x.mid === null ? undefined : farByMid.get(x.mid);
    const detail = {
      track: `${x.kind} ${x.receiverTrack}`, mid: x.mid, currentDirection: x.currentDirection, direction: x.direction,
      expected: far ? far.streamIds : null, listed: shown(listedIn),
      farSender: far ? { track: far.senderTrack, direction: far.direction, currentDirection: far.currentDirection, sdpMsid: other.localSdp[x.mid]?.msid, history: far.history } : null,
      remoteSdp: me.remoteSdp[x.mid] ?? null,
      history: x.history,
    };
    if (received) {
      check(far !== undefined, 'a received m-line has a transceiver on the other side', detail);
      if (!far) continue;
      if (far.streamIds.length > 0) {
        check(sameSet(listedIn.map((s) => s.id), far.streamIds) && listedIn.every((s) => !s.streamless),
          "a received track is in exactly the remote streams of the sender's stream ids", detail);
      } else {
        check(listedIn.length === 1 && listedIn[0].streamless,
          'a received track sent with no stream is in one streamless stream', detail);
      }
    } else {
      check(listedIn.length === 0, 'a track not received (currentDirection sendonly/inactive/stopped/null) is in no remote stream', detail);
    }
  }

  // 2b. What this side puts on the wire for each m-line it sends: the msid stream ids of its
  //     current local description are its own streamIdsOf(sender) ('-' = no stream). The
  //     grouping checks of the far side take streamIdsOf as the truth, so a mismatch here is
  //     the library's local books (or a browser departure they do not model), not grouping.
  for (const x of me.transceivers) {
    const section = x.mid === null ? undefined : me.localSdp[x.mid];
    if (!section || !['sendrecv', 'sendonly'].includes(section.direction) || section.port === 0) continue;
    const onWire = section.msid.filter((id) => id !== '-');
    check(sameSet(onWire, x.streamIds), "streamIdsOf(sender) is the msid this side's SDP sends",
      { mid: x.mid, track: `${x.kind} ${x.senderTrack}`, streamIdsOf: x.streamIds, sdpMsid: section.msid, history: x.history });
  }

  // 3. The listing itself: only current receiver tracks, unique ids, no empty stream.
  const receiverTracks = new Set(me.transceivers.map((x) => x.receiverTrack));
  for (const s of me.remoteStreams) {
    const strays = s.tracks.filter((id) => !receiverTracks.has(id));
    check(strays.length === 0, "a listed stream holds only current transceivers' receiver tracks", { stream: shown([s]), strays });
    check(s.tracks.length > 0, 'no empty stream listed', { stream: shown([s]) });
  }
  const ids = me.remoteStreams.map((s) => s.id);
  check(new Set(ids).size === ids.length, 'no two listed streams have the same id', { listed: shown(me.remoteStreams) });

  // 4. Events, in order since the last round: streamadded only for a stream not announced (by
  //    object and by id), streamremoved only for an announced one, and at quiet the announced set
  //    is exactly remoteStreams().
  for (const e of me.events.slice(memory.events).filter((x) => x.generation === memory.generation)) {
    const detail = { event: e.type, stream: `${e.id} #${e.serial}`, tracks: e.tracks, atOp: e.op, announced: [...memory.announced].map(([s, id]) => `${id} #${s}`) };
    if (e.type === 'streamadded') {
      check(!memory.announced.has(e.serial) && ![...memory.announced.values()].includes(e.id),
        'streamadded only for a stream not already announced', detail);
      check(e.tracks.length > 0, 'streamadded for a stream that holds its track(s)', detail);
      memory.announced.set(e.serial, e.id);
    } else {
      check(memory.announced.has(e.serial), 'streamremoved only for an announced stream', detail);
      memory.announced.delete(e.serial);
    }
  }
  memory.events = me.events.length;
  const listedSerials = new Set(me.remoteStreams.map((s) => s.serial));
  for (const s of me.remoteStreams) {
    check(memory.announced.has(s.serial), 'every listed stream got exactly one streamadded (and no streamremoved)', { stream: shown([s]) });
  }
  for (const [serial, id] of memory.announced) {
    check(listedSerials.has(serial), 'every announced stream no longer listed got a streamremoved', { stream: `${id} #${serial}`, listed: shown(me.remoteStreams) });
  }

  // 5. Every prediction made by this round's ops against what the browser's addTrack did.
  for (const p of me.predictions.slice(memory.predictions)) {
    t.predictions = (t.predictions ?? 0) + 1;
    const detail = { op: p.op, why: p.why, kind: p.kind, predicted: p.predicted, actual: p.actual, candidates: p.candidates, transceiversBefore: p.transceiversBefore };
    check(JSON.stringify(p.predicted) === JSON.stringify(p.actual), 'predictAddTrack agrees with what addTrack then did', detail);
    if (!p.actual.throws) check(p.reportedReused === p.actual.reused >= 0, "addTrackDetailed's `reused` is what the browser did", detail);
  }
  memory.predictions = me.predictions.length;

  // 6. Nothing went wrong in the page: no unhandled rejection, no uncaught error, no
  //    `negotiationerror`, no `receive()` that rejected, no failed op — except the known browser
  //    departures above (each reproduced with plain RTCPeerConnection), tallied apart by rule.
  const fresh = me.errors.slice(memory.errors);
  // After that Firefox rejection the remote description stays the previous one, so the rejected
  // offer's candidates that follow it are refused: "Unknown ufrag" (its new credentials), "No
  // such transceiver" for a section only that offer had, or "Index <n> out of range" for one past
  // the previous description's sections (seed 234291033, Firefox ↔ Firefox, round 4: all three in
  // turn after one rejection). Only those after the rejection count.
  const firefoxBugAt = fresh.findIndex(isFirefoxIceRestartBug);
  const refusedAfterBug = (e, i) => firefoxBugAt >= 0 && i > firefoxBugAt && e.where === 'receive(candidate)'
    && /Unknown ufrag|Cannot set ICE candidate for level=\d+ mid=\S+: No such transceiver|^Index \d+ out of range$/.test(e.message ?? '');
  let unexplained = 0;
  for (const [i, e] of fresh.entries()) {
    const rule = departureOf(e) ?? (refusedAfterBug(e, i) ? 'firefox-ice-restart-after-rollback' : null);
    if (rule) departed(t, rule);
    else { unexplained++; check(false, `no page error, unhandled rejection, negotiationerror or failed receive (${e.where})`, e); }
  }
  check(unexplained === 0, 'a round without page errors (other than the known departures)', { errors: unexplained });

  // 7. No candidate lost: every candidate the other side's negotiator sent reached this side's
  //    receive(), and every receive() of one settled: resolved, or rejected (then it is an error
  //    of check 6: a failure, or a known departure's refused candidates). Stale: sent by a
  //    connection closed by a reset (after a round that did not settle), for the connection
  //    that followed it. Stuck: received by a connection that a reset then closed, its receive()
  //    still pending (a closed connection's operations never settle, as the spec says).
  const c = me.counters;
  check(c.candidatesIn === other.counters.candidatesSent
      && c.candidatesHandled + c.candidatesRejected + c.candidatesStale + c.candidatesStuck === c.candidatesIn,
    "every candidate the other side sent was received and its receive() settled",
    { sent: other.counters.candidatesSent, received: c.candidatesIn, handled: c.candidatesHandled, rejected: c.candidatesRejected, stale: c.candidatesStale, stuck: c.candidatesStuck });
  memory.errors = me.errors.length;
}

for (const [a, b] of PAIRS) {
  for (const seed of SEEDS) {
    test(`storm ${a} ↔ ${b}, seed ${seed}, ${ROUNDS} rounds`, { timeout: 30 * 60_000 }, async (tc) => {
      const t = tally();
      const memory = { A: { events: 0, predictions: 0, errors: 0, announced: new Map(), generation: 0 }, B: { events: 0, predictions: 0, errors: 0, announced: new Map(), generation: 0 } };
      const started = Date.now();
      let lastOps = [];
      const result = await runPair({
        browsers: [a, b], seed, rounds: ROUNDS, delayMax: DELAY_MAX, maxTransceivers: MAX_TRANSCEIVERS, serverUrl: server.url,
        log: (l) => tc.diagnostic(l),
        // After a round that could not settle (itself a failure) the driver starts a new
        // connection pair: the books of the old one are no longer checked.
        onReset: () => {
          for (const s of ['A', 'B']) Object.assign(memory[s], { announced: new Map(), generation: memory[s].generation + 1 });
        },
        onRound: (round, r) => {
          lastOps = r.ops;
          // A round must settle (quiet, or a stable instant inside a renegotiation loop).
          const settled = r.kind !== 'failed';
          const lastErrors = Object.values(r.lastErrors ?? {}).flat();
          if (settled) t.passed++;
          else if (lastErrors.some(isFirefoxIceRestartBug)) {
            departed(t, 'firefox-ice-restart-after-rollback'); // wedged by the Firefox bug above: a new pair follows
            return;
          } else if (lastErrors.some((x) => wedgedBy(x) === 'chromium-rollback-keeps-mid-header-extensions')) {
            // Wedged by that Chromium departure (its errors are tallied by rule in check 6 of the
            // next settled round): a new pair follows.
            departed(t, 'chromium-rollback-keeps-mid-header-extensions');
            return;
          } else if (lastErrors.length === 0 && Object.values(r.statuses ?? {}).some((st) => st.connectionState === 'failed')
            && ++t.transportLost <= TRANSPORT_LOSSES_TOLERATED) {
            // The transport failed (seen between Chromium and Firefox after restartIce(), ICE
            // restarted on failure did not recover it) with no error in either page: the round's
            // books cannot be checked, a new pair follows. A few per pair are tolerated, more fail.
            return;
          } else {
            t.failed++;
            t.byKind['the round settles (stable, connected, nothing in flight)'] = (t.byKind['the round settles (stable, connected, nothing in flight)'] ?? 0) + 1;
            if (t.first.length < SHOW) t.first.push({ round, kind: 'the round settles (stable, connected, nothing in flight)', statuses: r.statuses, relay: r.relay, lastErrors: r.lastErrors, ops: r.ops });
            return;
          }
          for (const e of r.relayErrors) { t.failed++; t.first.length < SHOW && t.first.push({ round, kind: 'signalling delivery', error: e }); }
          checkSide(t, round, r.A, r.B, memory.A);
          checkSide(t, round, r.B, r.A, memory.B);
        },
      });
      // Page errors seen by the driver's hooks (console.error, uncaught) fail the pair too.
      // Firefox's own "ICE failed" error follows its ICE-restart-after-rollback bug (the wedged
      // connection's candidates are refused, its ICE fails): tallied with that rule only in a run
      // where the bug was seen; anywhere else it fails like any other page error.
      for (const p of result.problems) {
        if (/WebRTC: ICE failed/.test(p) && t.departures['firefox-ice-restart-after-rollback']) { departed(t, 'firefox-ice-restart-after-rollback'); continue; }
        t.failed++;
        t.byKind['no console error / uncaught exception'] = (t.byKind['no console error / uncaught exception'] ?? 0) + 1;
      }

      const c = result.counters;
      const sum = (k) => c.A[k] + c.B[k];
      const summary = `pair ${a}↔${b} (A ${result.versions.A}, B ${result.versions.B}): seed ${seed}, rounds ${ROUNDS} ` +
        `(settled quiet ${result.settle.quiet}, in a renegotiation loop ${result.settle.loop} [${result.settle.loopNegotiations} negotiationneeded while waiting], not settled ${result.settle.failed}${result.settle.resets ? ` → ${result.settle.resets} new connection pair(s)` : ''}), ` +
        `ops ${sum('ops')}, collisions ${sum('collisions')} (rollbacks ${sum('rollbacks')}, ignored offers ${sum('ignoredOffers')}), ` +
        `negotiations ${sum('answersApplied')} (offers sent ${sum('offersSent')}, negotiationneeded ${sum('negotiationNeeded')}, negotiationerror ${sum('negotiationErrors')}), ` +
        `candidates ${sum('candidatesSent')}, ` +
        `predictions checked ${t.predictions ?? 0}, checks passed ${t.passed} / failed ${t.failed}` +
        `${t.browserBug ? ` (+ ${t.browserBug} error(s) or stuck round(s) from known browser departures, not counted: ${Object.entries(t.departures).map(([r, n]) => `${r} ×${n}`).join(', ')})` : ''}` +
        `${t.transportLost ? ` (+ ${t.transportLost} round(s) whose transport failed with no page error, ${TRANSPORT_LOSSES_TOLERATED} tolerated)` : ''}, ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(ops ${(result.settle.opsMs / 1000).toFixed(1)} s, settling ${(result.settle.settleMs / 1000).toFixed(1)} s)`;
      console.log(summary);
      for (const [kind, n] of Object.entries(t.byKind)) console.log(`  FAILED ×${n}: ${kind}`);
      for (const p of new Set(result.problems)) console.log(`  page problem: ${p.slice(0, 600)}`);
      for (const f of t.first) console.log(`  first failures: ${JSON.stringify(f)}`);
      if (t.failed) console.log(`  replay: STORM_SEED=${seed} STORM_ROUNDS=${ROUNDS} STORM_PAIRS=${a}-${b} node --test tests/page/storm.test.mjs`);
      void lastOps;
      assert.equal(t.failed, 0, `${t.failed} storm check(s) failed: ${summary}`);
      assert.ok(t.passed > 0, 'no check ran');
    });
  }
}
