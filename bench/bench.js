// The in-page half of the benchmarks (bench/run.mjs drives it through `window.bench`).
// Every row runs the same code on the browser's `RTCPeerConnection` ("native") and on the
// package's `PeerConnection` ("wrapped"), in the same page.
import { wasmExports } from './wasm-exports.js'; // first: it sees the package's instance made
import { PeerConnection } from '/pkg/web/index.js';

// The same instance's exports, which include the linear `memory` and the `__wbindgen_externrefs` table.
const wasm = wasmExports();

// "subclass": a plain `class extends RTCPeerConnection {}`, the floor of any drop-in subclass
// (Firefox's own calls are slower on a subclass instance than on a native one).
const CLASSES = { native: RTCPeerConnection, subclass: class Subclass extends RTCPeerConnection {}, wrapped: PeerConnection };
const cls = (kind) => {
  const C = CLASSES[kind];
  if (!C) throw new Error(`unknown kind ${kind}`);
  return C;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ----- media: no getUserMedia --------------------------------------------------------------------

const audioCtx = new AudioContext();
const osc = audioCtx.createOscillator();
const dest = audioCtx.createMediaStreamDestination();
osc.connect(dest);
osc.start();
const audio = dest.stream.getAudioTracks()[0];

const canvas = document.createElement('canvas');
canvas.width = 160;
canvas.height = 120;
const g = canvas.getContext('2d');
let hue = 0;
const paint = () => { g.fillStyle = `hsl(${(hue += 7) % 360} 80% 50%)`; g.fillRect(0, 0, 160, 120); };
paint();
setInterval(paint, 40);
const video = canvas.captureStream(25).getVideoTracks()[0];

const localStream = new MediaStream([audio, video]);
// For the probe scripts (harness.mjs probeBrowsers): the media, and the median the rows use.
window.benchMedia = { audio, video, localStream, median };

async function negotiate(a, b) {
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
}

// ----- call overhead ----------------------------------------------------------------------------
// Each call row returns the best of `BATCHES` (10) timed batches of n iterations (one connection set up
// once, untimed): on a shared machine noise only ever adds time, so the minimum is the estimate
// least disturbed by other processes. bench/run.mjs then takes the median over runs.
const BATCHES = 10;

function bestOf(batch) {
  let best = Infinity;
  for (let b = 0; b < BATCHES; b++) {
    const t0 = performance.now();
    batch();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** µs per (addTrack + removeTrack) pair, on one connection. */
function addRemove(kind, n) {
  const pc = new (cls(kind))();
  try {
    const t = bestOf(() => {
      for (let i = 0; i < n; i++) {
        const s = pc.addTrack(audio, localStream);
        pc.removeTrack(s);
      }
    });
    if (pc.getTransceivers().length !== 1) throw new Error(`addRemove: ${pc.getTransceivers().length} transceivers (expected reuse of 1)`);
    return (t * 1000) / n;
  } finally {
    pc.close();
  }
}

/** µs per getTransceivers() call on a connection with 20 transceivers. */
function getTransceivers(kind, n) {
  const pc = new (cls(kind))();
  try {
    for (let i = 0; i < 10; i++) { pc.addTransceiver('audio'); pc.addTransceiver('video'); }
    let sink = 0;
    const t = bestOf(() => { for (let i = 0; i < n; i++) sink += pc.getTransceivers().length; });
    if (sink !== 20 * n * BATCHES) throw new Error(`getTransceivers: sink ${sink}`);
    return (t * 1000) / n;
  } finally {
    pc.close();
  }
}

/** ns per read of signalingState. */
function signalingState(kind, n) {
  const pc = new (cls(kind))();
  try {
    let sink = 0;
    const t = bestOf(() => { for (let i = 0; i < n; i++) if (pc.signalingState === 'stable') sink++; });
    if (sink !== n * BATCHES) throw new Error(`signalingState: sink ${sink}`);
    return (t * 1e6) / n;
  } finally {
    pc.close();
  }
}

// ----- negotiation and the event path -----------------------------------------------------------

/** ms per full round: two connections, audio + video both ways, offer/answer, close. */
async function negotiation(kind, n) {
  const C = cls(kind);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const a = new C();
    const b = new C();
    a.addTrack(audio, localStream);
    a.addTrack(video, localStream);
    b.addTrack(audio, localStream);
    b.addTrack(video, localStream);
    await negotiate(a, b);
    a.close();
    b.close();
  }
  return (performance.now() - t0) / n;
}

/**
 * ms from the far side's setRemoteDescription(offer) call to the user's first callback:
 * native `ontrack`, wrapped `onstreamadded` (one stream holding audio + video). Median of n.
 */
async function eventPath(kind, n) {
  const C = cls(kind);
  const times = [];
  for (let i = 0; i < n; i++) {
    const a = new C();
    const b = new C();
    a.addTrack(audio, localStream);
    a.addTrack(video, localStream);
    await a.setLocalDescription(await a.createOffer());
    let t1 = null;
    let calls = 0;
    const cb = () => { calls++; t1 ??= performance.now(); };
    if (kind === 'wrapped') b.onstreamadded = cb;
    else b.ontrack = cb;
    const t0 = performance.now();
    await b.setRemoteDescription(a.localDescription);
    if (t1 === null) throw new Error(`eventPath(${kind}): no callback by the time setRemoteDescription resolved`);
    const want = kind === 'wrapped' ? 1 : 2; // one stream vs one event per track
    if (calls !== want) throw new Error(`eventPath(${kind}): ${calls} callbacks, expected ${want}`);
    times.push(t1 - t0);
    a.close();
    b.close();
  }
  return median(times);
}

// ----- SFU scale --------------------------------------------------------------------------------
// One subscriber connection receiving `feeds` publishers, audio + video in one stream each, as an
// SFU offers it (Janus with use_msid: one a=msid stream per feed, sendonly m-lines, all bundled).
// The offers come from a native "server" connection, so native and wrapped apply the same SDP.
// Both sides use max-bundle, as an SFU's subscribers do in effect: with the default policy
// Chromium's own cost grows with the square of the m-lines (a 160-feed answer takes ~50 s).
const SFU_CONFIG = { bundlePolicy: 'max-bundle' };

/**
 * Times the wrapper's own work during `fn()`: its calls into the core that do not wrap a native
 * call (the settlement after a description, which reads the transceivers and announces the
 * streams; the track and signaling-state listeners). The description call itself is left out: it
 * only counts and calls the native member. Installed only around `fn` (the other rows run the core
 * untouched). Resolves to [fn's result, ms].
 */
async function coreTime(fn) {
  const names = ['described', 'onTrack', 'onSignalingStateChange', 'settle'].map((k) => `peerconnectioncore_${k}`);
  const saved = names.map((k) => wasm[k]);
  let ms = 0;
  names.forEach((k, i) => {
    const f = saved[i];
    wasm[k] = (...a) => { const t = performance.now(); try { return f(...a); } finally { ms += performance.now() - t; } };
  });
  try {
    return [await fn(), ms];
  } finally {
    names.forEach((k, i) => { wasm[k] = saved[i]; });
  }
}

/** A native connection shaped like an SFU's side of one subscription (no tracks: msid only). */
function sfuServer(feeds) {
  const server = new RTCPeerConnection(SFU_CONFIG);
  for (let f = 0; f < feeds; f++) {
    const s = new MediaStream();
    server.addTransceiver('audio', { direction: 'sendonly', streams: [s] });
    server.addTransceiver('video', { direction: 'sendonly', streams: [s] });
  }
  return server;
}

/**
 * Subscribes to `feeds` feeds, then one feed leaves (its m-lines re-offered inactive, as Janus
 * does) and a new one joins on the freed m-lines (recycled mids, new stream id). Returns ms per
 * offer applied (setRemoteDescription), µs per track event of the join, the leave's and the
 * recycle's offers, and µs per read of the remote groups (wrapped `remoteStreams()`, native
 * `getReceivers()`, the nearest native read: the browser keeps no groups).
 */
async function sfuScale(kind, feeds) {
  const server = sfuServer(feeds);
  const pc = new (cls(kind))(SFU_CONFIG);
  try {
    let events = 0;
    pc.addEventListener(kind === 'wrapped' ? 'streamadded' : 'track', () => events++);
    await server.setLocalDescription();
    let t0 = performance.now();
    // The wrapper's own work (outside the native call), wrapped only.
    let own = null;
    if (kind === 'wrapped') own = (await coreTime(() => pc.setRemoteDescription(server.localDescription)))[1];
    else await pc.setRemoteDescription(server.localDescription);
    const join = performance.now() - t0;
    const want = kind === 'wrapped' ? feeds : 2 * feeds;
    if (events !== want) throw new Error(`sfuScale(${kind}, ${feeds}): ${events} events on join, expected ${want}`);
    await pc.setLocalDescription();
    await server.setRemoteDescription(pc.localDescription);

    // At least 5 reads and 20 ms (Firefox's clock is coarse for a page that is not cross-origin isolated).
    let reads = 0;
    let sink = 0;
    t0 = performance.now();
    while (reads < 5 || performance.now() - t0 < 20) {
      sink += kind === 'wrapped' ? pc.remoteStreams().length : pc.getReceivers().length;
      reads++;
    }
    const read = ((performance.now() - t0) * 1000) / reads;
    if (sink !== reads * (kind === 'wrapped' ? feeds : 2 * feeds)) throw new Error(`sfuScale(${kind}, ${feeds}): read ${sink / reads} groups`);

    // Feed 0 leaves: its two m-lines go inactive.
    const [ta, tv] = server.getTransceivers();
    ta.direction = 'inactive';
    tv.direction = 'inactive';
    await server.setLocalDescription();
    t0 = performance.now();
    await pc.setRemoteDescription(server.localDescription);
    const leave = performance.now() - t0;
    await pc.setLocalDescription();
    await server.setRemoteDescription(pc.localDescription);
    if (kind === 'wrapped' && pc.remoteStreams().length !== feeds - 1) throw new Error(`sfuScale: ${pc.remoteStreams().length} groups after a leave`);

    // A new feed on the freed m-lines (same mids, a new stream id).
    const s = new MediaStream();
    ta.direction = 'sendonly';
    tv.direction = 'sendonly';
    ta.sender.setStreams(s);
    tv.sender.setStreams(s);
    await server.setLocalDescription();
    t0 = performance.now();
    await pc.setRemoteDescription(server.localDescription);
    const recycle = performance.now() - t0;
    await pc.setLocalDescription();
    if (kind === 'wrapped' && pc.remoteStreams().length !== feeds) throw new Error(`sfuScale: ${pc.remoteStreams().length} groups after a recycle`);
    return { join, perTrack: (join * 1000) / (2 * feeds), ownPerTrack: own === null ? null : (own * 1000) / (2 * feeds), read, leave, recycle };
  } finally {
    pc.close();
    server.close();
  }
}

// ----- memory -----------------------------------------------------------------------------------

async function fullGc() {
  if (typeof gc !== 'function') return pressureGc();
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(25); // let FinalizationRegistry callbacks (which free the Rust cores) run
  }
  return true;
}

/**
 * No gc() (Firefox exposes none to pages): allocate garbage until an old object, reachable only
 * through a WeakRef, has been collected — proof that a full (major) collection ran — twice, so
 * what the first one freed (FinalizationRegistry callbacks, then the cores) is gone too.
 * Returns false if no full collection came within the allocation bound.
 */
async function pressureGc() {
  for (let pass = 0; pass < 2; pass++) {
    let canary = { payload: new Array(256).fill(pass) };
    const keep = [];
    // Survive a few minor collections while strongly held, so the canary is tenured.
    for (let i = 0; i < 20; i++) { keep.push(new Array(4096).fill(i)); }
    await sleep(0);
    const ref = new WeakRef(canary);
    canary = null;
    keep.length = 0;
    await sleep(0); // a WeakRef target is kept until the end of the job that made it
    // deref() keeps its target alive until the end of the job, so it is only called in a job of
    // its own, never in one that allocates.
    const alive = async () => { await sleep(0); const a = ref.deref() !== undefined; await sleep(0); return a; };
    let n = 0;
    while (await alive()) {
      if (++n > 200) return false;
      let junk = [];
      for (let i = 0; i < 40000; i++) junk.push({ i, a: new Array(16) });
      junk = null;
    }
    await sleep(25);
  }
  return true;
}

/** Slots of the externref table holding a value for wasm (freed slots are reset to null). */
function liveExternrefs() {
  const t = wasm.__wbindgen_externrefs;
  let live = 0;
  for (let i = 1028; i < t.length; i++) if (t.get(i) !== null) live++;
  return live;
}

function snapshot() {
  return {
    wasmMemoryBytes: wasm.memory.buffer.byteLength,
    externrefTableLength: wasm.__wbindgen_externrefs.length,
    liveExternrefs: liveExternrefs(),
    jsHeapUsedBytes: performance.memory?.usedJSHeapSize ?? null,
  };
}

// No ICE servers and policy 'relay': no candidates are gathered. Chromium keeps, forever, a share
// (10–40 %) of connections closed while ICE gathering is still running, natively too; without
// gathering that artefact shrinks to a few %, so the figures show what the wrapper itself keeps.
const MEMORY_CONFIG = { iceTransportPolicy: 'relay' };

async function memCycle(C) {
  const a = new C(MEMORY_CONFIG);
  const b = new C(MEMORY_CONFIG);
  a.addTrack(audio, localStream);
  a.addTrack(video, localStream);
  await negotiate(a, b);
  a.close();
  b.close();
  return [a, b];
}

let memState = null;

async function memoryStart(kind, warmup) {
  const C = cls(kind);
  for (let i = 0; i < warmup; i++) await memCycle(C);
  const gcOk = await fullGc();
  memState = { kind, warmup, gcOk, before: snapshot(), lastClosed: null };
  return memState.before;
}

/**
 * `cycles` cycles, with a forced GC every `gcEvery` (as an application's own GCs would do over
 * time: Chromium refuses new connections while 500 uncollected ones exist, closed or not).
 */
async function memoryCycles(kind, cycles, gcEvery = 100) {
  const C = cls(kind);
  const refs = [];
  const failures = [];
  let completed = 0;
  let gcMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < cycles; i++) {
    try {
      for (const pc of await memCycle(C)) refs.push(new WeakRef(pc));
      completed++;
    } catch (e) {
      failures.push({ cycle: i, error: String(e) });
      if (failures.length >= 5) break;
    }
    if (gcEvery && (i + 1) % gcEvery === 0 && i + 1 < cycles) {
      const g0 = performance.now();
      await fullGc();
      gcMs += performance.now() - g0;
    }
  }
  const ms = performance.now() - t0 - gcMs;
  const beforeGc = snapshot();
  await fullGc();
  if (typeof gc !== 'function') {
    // Firefox frees a closed connection's native half in the cycle collector, which runs on its
    // own timers after GCs: give it time (bounded) until no more connections go.
    let last = Infinity;
    for (let i = 0, still = 0; i < 20 && still < 3; i++) {
      await sleep(500);
      await pressureGc();
      const n = await (async () => { await sleep(0); return refs.filter((r) => r.deref() !== undefined).length; })();
      still = n >= last ? still + 1 : 0;
      last = Math.min(last, n);
      if (n === 0) break;
    }
  }
  const after = snapshot();
  await sleep(0);
  const alive = refs.filter((r) => r.deref() !== undefined).length;
  // One more cycle, kept alive, for the runner to inspect the listeners left on a closed connection.
  memState.lastClosed = (await memCycle(C))[1];
  return {
    gcOk: memState.gcOk,
    completed,
    msPerCycle: ms / Math.max(1, completed),
    before: memState.before,
    afterNoGc: beforeGc,
    after,
    connections: refs.length,
    connectionsAlive: alive,
    failures,
  };
}

function memoryEnd() {
  memState = null;
}

/** Objects that outlive every connection: a listener left on one of them would be a leak. */
function benchProbes() {
  return { window, document, audioTrack: audio, videoTrack: video, localStream, audioContext: audioCtx };
}

window.bench = {
  addRemove, getTransceivers, signalingState, negotiation, eventPath, sfuScale,
  memoryStart, memoryCycles, memoryEnd, lastClosed: () => memState?.lastClosed ?? null,
  snapshot, fullGc,
  info: () => ({ batches: BATCHES, userAgent: navigator.userAgent, crossOriginIsolated, gc: typeof gc === 'function' ? 'gc()' : 'allocation pressure', preciseMemory: !!performance.memory }),
};
window.benchProbes = benchProbes;
window.benchReady = true;
document.getElementById('status').textContent = 'ready';
