// Sender reuse: the MDN cases by name, and a differential test in which the browser is the oracle.
import { audioTrack, videoTrack, track, negotiate } from './media.js';

function assert(cond, msg) { if (!cond) throw new Error(`assertion failed: ${msg}`); }
function eq(a, b, msg) { if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`); }

/** The candidate verdict for `t`. */
const verdict = (p, t) => p.candidates.find((c) => c.transceiver === t);

export const mdn = {
  // "recvonly → sendrecv": a transceiver the far side created for us, never sent on.
  async reuseOfARecvonlySender(PC) {
    const a = new PC(), b = new PC();
    a.addTransceiver('audio', { direction: 'sendonly' }).sender.replaceTrack(audioTrack());
    await negotiate(a, b);
    const t = b.getTransceivers()[0];
    eq([t.direction, t.currentDirection], ['recvonly', 'recvonly'], 'far side transceiver');
    const track = audioTrack();
    const p = b.predictAddTrack(track);
    assert(p.reuse === t, 'predicted reuse');
    const out = b.addTrackDetailed(track);
    eq([out.reused, out.directionBefore, out.directionAfter], [true, 'recvonly', 'sendrecv'], 'outcome');
    assert(out.transceiver === t && out.sender === t.sender, 'the same objects');
    a.close(); b.close();
  },

  async reuseOfAnUnusedSendrecvSender(PC) {
    const pc = new PC();
    const t = pc.addTransceiver('video');
    const out = pc.addTrackDetailed(videoTrack());
    eq([out.reused, out.directionBefore, out.directionAfter], [true, 'sendrecv', 'sendrecv'], 'outcome');
    assert(out.transceiver === t, 'reused');
    pc.close();
  },

  async anInactiveReusedSenderBecomesSendonly(PC) {
    const pc = new PC();
    const t = pc.addTransceiver('audio', { direction: 'inactive' });
    const out = pc.addTrackDetailed(audioTrack());
    eq([out.reused, out.directionBefore, out.directionAfter], [true, 'inactive', 'sendonly'], 'outcome');
    assert(out.transceiver === t, 'reused');
    pc.close();
  },

  async aDifferentKindSenderIsNotReused(PC) {
    const pc = new PC();
    const t = pc.addTransceiver('video');
    const track = audioTrack();
    const p = pc.predictAddTrack(track);
    eq(p.reuse, null, 'no reuse');
    eq([verdict(p, t).reusable, verdict(p, t).reason, verdict(p, t).code], [false, 'kind video, track is audio', 'kind-mismatch'], 'reason');
    const out = pc.addTrackDetailed(track);
    eq([out.reused, out.directionBefore, out.directionAfter], [false, null, 'sendrecv'], 'new transceiver');
    eq(pc.getTransceivers().length, 2, 'two transceivers');
    pc.close();
  },

  async aSenderThatHasSentIsNotReusedAfterRemoveTrack(PC) {
    const a = new PC(), b = new PC();
    const sender = a.addTrack(audioTrack());
    await negotiate(a, b);
    const t = a.getTransceivers()[0];
    eq(t.currentDirection, 'sendonly', 'negotiated (the far side only receives)');
    a.removeTrack(sender);
    await negotiate(a, b);
    eq(t.currentDirection, 'inactive', 'no longer sending');
    assert(a.hasSent(sender) && a.hasSent(t), 'history kept');
    const track = audioTrack();
    const p = a.predictAddTrack(track);
    eq(p.reuse, null, 'not reused');
    eq(verdict(p, t).reason, 'has sent before (currentDirection was sendonly)', 'reason names the history');
    const out = a.addTrackDetailed(track);
    eq(out.reused, false, 'a new transceiver');
    a.close(); b.close();
  },

  async aStoppedTransceiverIsNotReused(PC) {
    const a = new PC(), b = new PC();
    const t = a.addTransceiver('audio', { direction: 'recvonly' });
    await negotiate(a, b);
    t.stop();
    const track = audioTrack();
    let p = a.predictAddTrack(track);
    const code = verdict(p, t).code;
    // Spec: not reused (a new transceiver). Chromium: picked, and addTrack throws. Firefox: reused,
    // direction stays "stopped". Each is a documented departure; the prediction must foresee it.
    assert(['stopping', 'stopping-picked', 'stopping-reused'].includes(code), `stopping verdict, got ${code}`);
    let threw = null, out = null;
    try { out = a.addTrackDetailed(audioTrack()); } catch (e) { threw = e.name; }
    eq(threw, p.throws, 'the prediction foresaw whether addTrack throws');
    if (out) assert((out.reused ? out.transceiver : null) === p.reuse, 'the prediction foresaw the reuse');
    await negotiate(a, b);
    p = a.predictAddTrack(track);
    // Once stopped, a transceiver is gone from getTransceivers() or judged not reusable.
    if (verdict(p, t)) assert(!verdict(p, t).reusable && p.reuse !== t, 'stopped is not reused');
    const after = a.addTrackDetailed(track);
    eq(after.reused, false, 'new transceiver');
    a.close(); b.close();
  },

  async historyIsKeptWhenTheAppNegotiatesOnTheRawObject(PC) {
    const a = new PC(), b = new RTCPeerConnection();
    const sender = a.addTrack(videoTrack());
    // Negotiate through the native prototype members, bypassing every override of the wrapper.
    const native = RTCPeerConnection.prototype;
    await native.setLocalDescription.call(a, await native.createOffer.call(a));
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await native.setRemoteDescription.call(a, b.localDescription);
    native.removeTrack.call(a, sender);
    await native.setLocalDescription.call(a, await native.createOffer.call(a));
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await native.setRemoteDescription.call(a, b.localDescription);
    assert(!['sendrecv', 'sendonly'].includes(a.getTransceivers()[0].currentDirection), 'not sending now');
    assert(a.hasSent(sender), 'has sent, seen through signalingstatechange');
    a.close(); b.close();
  },
};

// ------------------------------------------------------------------------------------------------
// The differential test.

/** mulberry32: small, fast, good enough to drive a test. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

async function settle(p) { try { await p; return 'ok'; } catch (e) { return e?.name ?? 'error'; } }

async function rollbackAll(...pcs) {
  for (const pc of pcs) {
    if (pc.signalingState === 'have-local-offer' || pc.signalingState === 'have-remote-offer') {
      await settle(pc.setLocalDescription({ type: 'rollback' }));
    }
  }
}

/**
 * One random sequence of `steps` operations on a connected pair. Returns { checks, log } or
 * throws an Error whose message holds the seed, the sequence so far and the disagreement.
 */
export async function sequence(PC, seed, steps) {
  const rnd = prng(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const pcs = [new PC(), new PC()];
  const log = [];
  let checks = 0;
  const fail = (msg) => { throw new Error(`seed ${seed}: ${msg}\nsequence:\n  ${log.join('\n  ')}`); };
  const describe = (pc) => pc.getTransceivers().map((t, i) => `#${i}(${t.receiver.track.kind} ${t.direction}/${t.currentDirection} track:${t.sender.track ? 'y' : 'n'} sent:${pc.hasSent(t)})`).join(' ');
  try {
    for (let step = 0; step < steps; step++) {
      const side = rnd() < 0.5 ? 0 : 1;
      const pc = pcs[side], other = pcs[1 - side];
      const name = side ? 'b' : 'a';
      const ts = pc.getTransceivers();
      const r = rnd();
      if (r < 0.3) {
        const kind = pick(['audio', 'video']);
        const t = track(kind);
        const streams = Array.from({ length: Math.floor(rnd() * 3) }, () => new MediaStream());
        const reuseExisting = rnd() < 0.1 && pc.getSenders().some((s) => s.track);
        const theTrack = reuseExisting ? pc.getSenders().find((s) => s.track).track : t;
        const p = pc.predictAddTrack(theTrack);
        const state = describe(pc);
        let out, threw = null;
        try { out = pc.addTrackDetailed(theTrack, ...streams); } catch (e) { threw = e.name; }
        log.push(`${name}.addTrack(${theTrack.kind}${reuseExisting ? ', already added' : ''}, ${streams.length} streams) on [${state}] → ${threw ?? (out.reused ? `reused #${pc.getTransceivers().indexOf(out.transceiver)}` : 'new')}`);
        checks++;
        if (p.throws || threw) {
          if (p.throws !== threw) fail(`predicted ${p.throws ?? 'no throw'}, browser ${threw ?? 'did not throw'}`);
        } else {
          const predicted = p.reuse ? `#${ts.indexOf(p.reuse)}` : 'new';
          const actual = out.reused ? `#${ts.indexOf(out.transceiver)}` : 'new';
          if (predicted !== actual) {
            fail(`predicted ${predicted}, browser ${actual}; candidates: ${p.candidates.map((c, i) => `#${i} ${c.reusable ? 'reusable' : c.reason}`).join('; ')}`);
          }
        }
      } else if (r < 0.42) {
        const kind = pick(['audio', 'video']), direction = pick(DIRECTIONS);
        const withTrack = rnd() < 0.3;
        log.push(`${name}.addTransceiver(${withTrack ? `${kind} track` : kind}, ${direction})`);
        try { pc.addTransceiver(withTrack ? track(kind) : kind, { direction }); } catch (e) { log.push(`  threw ${e.name}`); }
      } else if (r < 0.5) {
        const senders = pc.getSenders().filter((s) => s.track);
        if (senders.length) {
          const s = pick(senders);
          log.push(`${name}.removeTrack(#${pc.getTransceivers().findIndex((t) => t.sender === s)})`);
          try { pc.removeTrack(s); } catch (e) { log.push(`  threw ${e.name}`); }
        }
      } else if (r < 0.56) {
        const senders = pc.getSenders().filter((s) => s.track);
        if (senders.length) {
          const s = pick(senders);
          log.push(`${name}.replaceTrack(#${pc.getTransceivers().findIndex((t) => t.sender === s)}, null)`);
          log.push(`  → ${await settle(s.replaceTrack(null))}`);
        }
      } else if (r < 0.66) {
        const live = ts.filter((t) => t.direction !== 'stopped' && t.currentDirection !== 'stopped');
        if (live.length) {
          const t = pick(live), d = pick(DIRECTIONS);
          log.push(`${name}.#${ts.indexOf(t)}.direction = ${d}`);
          try { t.direction = d; } catch (e) { log.push(`  threw ${e.name}`); }
        }
      } else if (r < 0.7) {
        const live = ts.filter((t) => t.direction !== 'stopped' && t.currentDirection !== 'stopped');
        if (live.length) {
          const t = pick(live);
          log.push(`${name}.#${ts.indexOf(t)}.stop()`);
          try { t.stop(); } catch (e) { log.push(`  threw ${e.name}`); }
        }
      } else if (r < 0.92) {
        log.push(`negotiate ${name}→${side ? 'a' : 'b'}`);
        try {
          await negotiate(pc, other);
        } catch (e) {
          log.push(`  failed ${e.name}: ${e.message}`);
          await rollbackAll(pc, other);
        }
      } else {
        // Rollback: an offer applied on one or both sides, then rolled back.
        const remoteToo = rnd() < 0.5;
        log.push(`${name} offers${remoteToo ? ', far side applies it,' : ''} then both roll back`);
        try {
          await pc.setLocalDescription(await pc.createOffer());
          if (remoteToo) await other.setRemoteDescription(pc.localDescription);
        } catch (e) { log.push(`  failed ${e.name}`); }
        await rollbackAll(pc, other);
      }
    }
    // The history bit, checked against a full negotiation: a closed connection throws.
    const last = pcs[0];
    last.close();
    const p = last.predictAddTrack(audioTrack());
    let threw = null;
    try { last.addTrack(audioTrack()); } catch (e) { threw = e.name; }
    checks++;
    if (p.throws !== threw) fail(`closed: predicted ${p.throws}, browser ${threw}`);
  } finally {
    pcs.forEach((pc) => pc.close());
  }
  return { checks, steps: log.length };
}

export async function differential(PC, firstSeed, sequences, steps) {
  let checks = 0;
  for (let i = 0; i < sequences; i++) {
    const r = await sequence(PC, firstSeed + i, steps);
    checks += r.checks;
  }
  return checks;
}

export async function runMdn(name, PC) {
  const f = mdn[name];
  if (!f) throw new Error(`no case ${name}`);
  await f(PC);
}
