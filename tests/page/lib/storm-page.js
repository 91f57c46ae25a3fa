// The page half of the renegotiation storm (tests/page/storm.test.mjs), served to both browsers:
// one `PeerConnection` (the package's class, from pkg/web) negotiating with the library's own
// perfect negotiation (`pc.negotiate` / `pc.receive`), the random operations, and an observer that reports what the node side
// checks. The node process relays the signalling (window.__stormSend out, storm.receive in).
//
//   storm.init({ side, polite, seed, streamlessPolicy })   once, before anything else
//   storm.receive(message)     a signalling message from the other side (handled in order)
//   storm.op()                 one random operation; resolves to what it did
//   storm.status()             signalling / connection state and whether anything is in flight
//   storm.observe()            the books and the browser's state, for the checks
import { PeerConnection } from '/pkg/web/index.js';

const errors = []; // { where, name, message } — anything that should not happen
window.addEventListener('error', (e) => errors.push({ where: 'window.onerror', name: e.error?.name ?? 'Error', message: String(e.message) }));
window.addEventListener('unhandledrejection', (e) => errors.push({ where: 'unhandledrejection', name: e.reason?.name ?? 'Error', message: String(e.reason?.message ?? e.reason) }));

/** mulberry32: a small seeded PRNG (the node side uses the same one). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let pc;
let generation = 0; // bumped by storm.reset(): a new connection pair after a deadlock
let side;
let polite;
let rand;
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const counters = {
  negotiationNeeded: 0, negotiations: 0, offersSent: 0, answersSent: 0, answersApplied: 0, collisions: 0,
  rollbacks: 0, ignoredOffers: 0, negotiationErrors: 0, candidatesSent: 0, candidatesIn: 0,
  candidatesHandled: 0, candidatesRejected: 0, candidatesStale: 0, messagesIn: 0, ops: 0, iceFailures: 0,
};
// receive() promises not settled yet, per connection generation: a receive() of a connection closed
// by storm.reset() that never settles must not hold every later round's quiet check.
// The same for the candidates among them (the candidate check counts those of closed connections
// apart, as stuck).
const pendingInbound = new Map();
const pendingCandidates = new Map();
const bump = (map, gen, d) => {
  const n = (map.get(gen) ?? 0) + d;
  if (n === 0) map.delete(gen); else map.set(gen, n);
};
const addPending = (gen, d, candidate) => {
  bump(pendingInbound, gen, d);
  if (candidate) bump(pendingCandidates, gen, d);
};
const closedOnes = (map) => [...map].filter(([g]) => g !== generation).reduce((a, [, n]) => a + n, 0);
let pendingOps = 0;
const events = []; // streamadded / streamremoved, in order
const predictions = []; // one per addTrack made by an op
const opLog = [];
const history = new WeakMap(); // transceiver -> what the ops did to it (for failure reports)
const note = (transceiver, what) => {
  if (!transceiver) return;
  if (!history.has(transceiver)) history.set(transceiver, []);
  history.get(transceiver).push(`op ${counters.ops}: ${what} (was ${transceiver.direction}/${transceiver.currentDirection})`);
};
const transceiverOf = (sender) => pc.getTransceivers().find((t) => t.sender === sender);

// Identity of JS objects across observations (a MediaStream that is re-made has a new serial).
const serials = new WeakMap();
let nextSerial = 1;
const serial = (o) => {
  if (!serials.has(o)) serials.set(o, nextSerial++);
  return serials.get(o);
};

// A timeline of the signalling, for the report of a round that did not settle.
const trace = [];
const t0 = performance.now();
const mark = (what) => { trace.push(`${(performance.now() - t0).toFixed(0)} ${what} [${pc?.signalingState}]`); if (trace.length > 400) trace.splice(0, 100); };
const kindOf = (m) => (m.description ? m.description.type : m.candidate ? 'candidate' : 'end-of-candidates');
const send = (message) => { mark(`send ${kindOf(message)}`); window.__stormSend(JSON.stringify({ ...message, generation })); };
const fail = (where, e) => errors.push({ where, name: e?.name ?? 'Error', message: String(e?.message ?? e) });

// ----- media without getUserMedia -----------------------------------------------------------------

let audioCtx;
let osc;
let videoSource;
const localStreams = [];
const nulled = new Map(); // sender -> the track replaceTrack(null) took off it

function setUpMedia() {
  audioCtx = new AudioContext();
  osc = audioCtx.createOscillator();
  osc.start();
  const canvas = document.getElementById('canvas');
  const g = canvas.getContext('2d');
  let hue = 0;
  setInterval(() => { g.fillStyle = `hsl(${(hue += 23) % 360} 80% 50%)`; g.fillRect(0, 0, canvas.width, canvas.height); }, 100);
  videoSource = canvas.captureStream(10).getVideoTracks()[0];
  for (let i = 0; i < 3; i++) localStreams.push(new MediaStream());
}

function newTrack(kind) {
  if (kind === 'audio') {
    const dest = audioCtx.createMediaStreamDestination();
    osc.connect(dest);
    return dest.stream.getAudioTracks()[0];
  }
  return videoSource.clone();
}

/** 0, 1 or 2 distinct streams of the pool. */
function someStreams() {
  const n = Math.floor(rand() * 3);
  const pool = [...localStreams];
  const out = [];
  for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  return out;
}

// ----- perfect negotiation: the library's own (pc.negotiate / pc.receive) ---------------------------
//
// Nothing of the pattern is written here: `pc.negotiate({ polite, send, restartIceOnFailure })`
// offers, rolls back or ignores on glare, queues candidates and restarts ICE on failure; this page
// only relays its messages and counts what it reports (`negotiated`, `negotiationerror`, and the
// promise of each `receive`).

function setUpNegotiation(gen) {
  pc.addEventListener('negotiationneeded', () => { counters.negotiationNeeded++; mark('negotiationneeded'); });
  pc.addEventListener('signalingstatechange', () => mark('signalingstatechange'));
  pc.addEventListener('icegatheringstatechange', () => mark(`icegathering ${pc.iceGatheringState}`));
  pc.addEventListener('iceconnectionstatechange', () => mark(`iceconnection ${pc.iceConnectionState}`));
  pc.addEventListener('negotiated', (e) => {
    mark(`negotiated ${e.offerer}`);
    counters.negotiations++;
    if (e.offerer === 'local') counters.answersApplied++;
    counters.collisions += e.collisions;
    counters.rollbacks += e.rollbacks;
    counters.ignoredOffers += e.ignoredOffers;
  });
  // A step the negotiator took on its own that failed (making an offer, restarting ICE): an error,
  // unless the node side recognises one of the known browser departures (README).
  pc.addEventListener('negotiationerror', (e) => {
    if (gen !== generation) return;
    counters.negotiationErrors++;
    errors.push({ where: 'negotiationerror', name: e.error?.name ?? 'Error', message: String(e.error?.message ?? e.error) });
  });
  pc.addEventListener('iceconnectionstatechange', () => { if (pc.iceConnectionState === 'failed') counters.iceFailures++; });
  pc.negotiate({
    polite,
    restartIceOnFailure: true,
    send: (message) => {
      if (message.description) {
        if (message.description.type === 'offer') counters.offersSent++;
        else counters.answersSent++;
      } else {
        counters.candidatesSent++;
      }
      send(message);
    },
  });
}

/** A message from the other side, handed to the library in order; its promise says how it went. */
function handle({ generation: gen, ...message }) {
  if (message.candidate !== undefined) counters.candidatesIn++;
  if (gen !== generation) { // for a connection closed by storm.reset()
    if (message.candidate !== undefined) counters.candidatesStale++;
    return undefined;
  }
  counters.messagesIn++;
  const what = message.description ? `receive(${message.description.type})` : 'receive(candidate)';
  const candidate = message.candidate !== undefined;
  addPending(gen, 1, candidate);
  const n = counters.messagesIn;
  mark(`receive #${n} ${kindOf(message)}`);
  return pc.receive(message)
    .then(() => { mark(`received #${n}`); if (message.candidate !== undefined) counters.candidatesHandled++; })
    .catch((e) => {
      mark(`receive #${n} rejected: ${e?.name}: ${e?.message}`);
      if (message.candidate !== undefined) counters.candidatesRejected++;
      // An error to the checks (a failure, or a known browser departure), unless the connection
      // was closed by storm.reset() meanwhile.
      if (gen === generation) fail(what, e);
    })
    .finally(() => { addPending(gen, -1, candidate); });
}

// ----- the random operations ---------------------------------------------------------------------

const live = (t) => t.currentDirection !== 'stopped' && t.direction !== 'stopped';
const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** addTrack, with its prediction recorded against what the browser then did. */
function addTrackPredicted(track, streams, why) {
  const before = pc.getTransceivers();
  const prediction = pc.predictAddTrack(track);
  let outcome = null;
  let thrown = null;
  try {
    outcome = pc.addTrackDetailed(track, ...streams);
  } catch (e) {
    thrown = e?.name ?? String(e);
  }
  // What the browser did, read from the browser (not from the library's own report).
  const transceiver = outcome && pc.getTransceivers().find((t) => t.sender === outcome.sender);
  note(transceiver, `addTrack(${track.kind}${streams.map((s) => `, ${s.id}`).join('')}) ${before.includes(transceiver) ? 'reused it' : 'made it'}`);
  const actual = thrown ? { throws: thrown } : { reused: before.indexOf(transceiver) };
  const predicted = prediction.throws ? { throws: prediction.throws } : { reused: prediction.reuse ? before.indexOf(prediction.reuse) : -1 };
  predictions.push({
    op: counters.ops,
    why,
    kind: track.kind,
    streams: streams.map((s) => s.id),
    predicted,
    actual,
    reportedReused: outcome ? outcome.reused : null,
    candidates: prediction.candidates.map((c) => ({
      index: before.indexOf(c.transceiver), reusable: c.reusable, code: c.code,
    })),
    transceiversBefore: before.map((t) => ({ mid: t.mid, kind: t.receiver.track.kind, direction: t.direction, currentDirection: t.currentDirection, hasTrack: !!t.sender.track })),
  });
  return { outcome, thrown };
}

const OPS = [
  ['addTrack', 26, () => {
    const kind = pick(['audio', 'video']);
    const streams = someStreams();
    const { outcome, thrown } = addTrackPredicted(newTrack(kind), streams, 'new track');
    return { kind, streams: streams.map((s) => s.id), mid: outcome?.transceiver.mid ?? null, reused: outcome?.reused ?? null, thrown };
  }],
  ['addTrack (a track already sent)', 3, () => {
    const senders = pc.getSenders().filter((s) => s.track);
    if (!senders.length) return null;
    const { thrown } = addTrackPredicted(pick(senders).track, someStreams(), 'track already on a sender');
    return { thrown };
  }],
  ['addTransceiver', 12, () => {
    const kind = pick(['audio', 'video']);
    const withTrack = rand() < 0.6;
    const init = { direction: pick(DIRECTIONS), streams: someStreams() };
    const t = pc.addTransceiver(withTrack ? newTrack(kind) : kind, init);
    note(t, `addTransceiver(${withTrack ? 'track' : `'${kind}'`}, ${init.direction}, [${init.streams.map((x) => x.id)}])`);
    return { kind, withTrack, direction: init.direction, streams: init.streams.map((s) => s.id), index: pc.getTransceivers().indexOf(t) };
  }],
  ['removeTrack', 16, () => {
    const senders = pc.getTransceivers().filter((t) => live(t) && t.sender.track).map((t) => t.sender);
    if (!senders.length) return null;
    const s = pick(senders);
    const id = s.track.id;
    note(transceiverOf(s), 'removeTrack');
    pc.removeTrack(s);
    return { track: id };
  }],
  ['replaceTrack(null)', 10, async () => {
    const senders = pc.getTransceivers().filter((t) => live(t) && t.sender.track).map((t) => t.sender);
    if (!senders.length) return null;
    const s = pick(senders);
    const track = s.track;
    nulled.set(s, track);
    note(transceiverOf(s), 'replaceTrack(null)');
    await s.replaceTrack(null);
    return { track: track.id };
  }],
  ['replaceTrack(back)', 8, async () => {
    const ready = pc.getTransceivers().filter((t) => live(t) && !t.sender.track && nulled.has(t.sender));
    if (!ready.length) return null;
    const t = pick(ready);
    const track = nulled.get(t.sender);
    nulled.delete(t.sender);
    if (pc.getSenders().some((s) => s.track === track)) return null; // it went elsewhere meanwhile
    note(t, 'replaceTrack(back)');
    await t.sender.replaceTrack(track);
    return { track: track.id, mid: t.mid };
  }],
  ['direction', 15, () => {
    const ts = pc.getTransceivers().filter(live);
    if (!ts.length) return null;
    const t = pick(ts);
    const to = pick(DIRECTIONS.filter((d) => d !== t.direction));
    const from = t.direction;
    note(t, `direction = ${to}`);
    t.direction = to;
    return { mid: t.mid, from, to };
  }],
  ['restartIce', 4, () => {
    pc.restartIce();
    return {};
  }],
];
const TOTAL_WEIGHT = OPS.reduce((s, [, w]) => s + w, 0);

let maxTransceivers = 16;

async function op() {
  counters.ops++;
  mark(`op ${counters.ops}`);
  pendingOps++;
  try {
    for (let attempt = 0; attempt < 8; attempt++) {
      let r = rand() * TOTAL_WEIGHT;
      let chosen = OPS[OPS.length - 1];
      for (const o of OPS) { if ((r -= o[1]) < 0) { chosen = o; break; } }
      const [name] = chosen;
      // Bounded m-lines (every sending track is also encoded on this 2-core machine).
      if ((name === 'addTrack' || name === 'addTransceiver') && pc.getTransceivers().length >= maxTransceivers) continue;
      try {
        const detail = await chosen[2]();
        if (detail === null) continue; // nothing to do it on: pick another
        const entry = { n: counters.ops, op: name, ...detail };
        opLog.push(entry);
        return entry;
      } catch (e) {
        fail(`op ${name}`, e);
        return { n: counters.ops, op: name, error: `${e?.name}: ${e?.message}` };
      }
    }
    return { n: counters.ops, op: 'none' };
  } finally {
    pendingOps--;
  }
}

// ----- observation -------------------------------------------------------------------------------

/** `a=msid:` stream ids per mid in an SDP (what the browser actually put on the wire). */
function msidByMid(sdp) {
  const out = {};
  if (!sdp) return out;
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const mid = section.match(/\r?\na=mid:(\S+)/)?.[1];
    if (mid === undefined) continue;
    const ids = [...section.matchAll(/\r?\na=msid:(\S+)/g)].map((m) => m[1]);
    const dir = section.match(/\r?\na=(sendrecv|sendonly|recvonly|inactive)/)?.[1] ?? null;
    const port = section.match(/^\S+ (\d+)/)?.[1];
    out[mid] = { msid: ids, direction: dir, port: port === undefined ? null : Number(port) };
  }
  return out;
}

function observe() {
  return {
    side,
    signalingState: pc.signalingState,
    connectionState: pc.connectionState,
    transceivers: pc.getTransceivers().map((t, index) => ({
      index,
      mid: t.mid,
      kind: t.receiver.track.kind,
      direction: t.direction,
      currentDirection: t.currentDirection,
      senderTrack: t.sender.track?.id ?? null,
      streamIds: pc.streamIdsOf(t.sender),
      receiverTrack: t.receiver.track.id,
      receiverTrackState: t.receiver.track.readyState,
      history: history.get(t) ?? [],
    })),
    remoteStreams: pc.remoteStreams().map((s) => ({
      serial: serial(s), id: s.id, streamless: pc.isStreamless(s), tracks: s.getTracks().map((t) => t.id),
    })),
    localSdp: msidByMid(pc.currentLocalDescription?.sdp),
    remoteSdp: msidByMid(pc.currentRemoteDescription?.sdp),
    events: events.slice(),
    predictions: predictions.slice(),
    errors: errors.slice(),
    counters: { ...counters, candidatesStuck: closedOnes(pendingCandidates) },
  };
}

function status() {
  return {
    signalingState: pc.signalingState,
    connectionState: pc.connectionState,
    iceConnectionState: pc.iceConnectionState,
    generation,
    pendingInbound: pendingInbound.get(generation) ?? 0,
    // receive() promises of closed connections that never settled (reported, not waited for)
    stuckInbound: closedOnes(pendingInbound),
    pendingOps,
    negotiationNeeded: counters.negotiationNeeded,
    errors: errors.length,
  };
}

let policy;
function connect() {
  pc = new PeerConnection({ iceServers: [], streamlessPolicy: policy });
  const gen = generation;
  for (const type of ['streamadded', 'streamremoved']) {
    pc.addEventListener(type, (e) => {
      events.push({ type, serial: serial(e.stream), id: e.stream.id, streamless: e.streamless, tracks: e.stream.getTracks().map((t) => t.id), op: counters.ops, generation: gen });
    });
  }
  setUpNegotiation(gen);
  // The impolite side opens a data channel: the connection then connects before any media op.
  if (!polite) pc.createDataChannel('storm');
}

window.storm = {
  init(config) {
    side = config.side;
    polite = config.polite;
    rand = prng(config.seed);
    if (config.maxTransceivers) maxTransceivers = config.maxTransceivers;
    policy = config.streamlessPolicy ?? 'shared';
    setUpMedia();
    connect();
    document.getElementById('status').textContent = `side ${side} (${polite ? 'polite' : 'impolite'})`;
    return { userAgent: navigator.userAgent };
  },
  /** Closes the connection and starts a new one (after a round that could not settle). */
  reset() {
    pc.close();
    generation++;
    nulled.clear();
    connect();
    return generation;
  },
  // Handed to the library at once: it handles messages in order of arrival.
  receive(message) { handle(message); },
  op,
  status,
  observe,
  opLog: () => opLog.slice(),
  trace: () => trace.slice(),
};
window.stormReady = true;
document.getElementById('status').textContent = 'ready';
