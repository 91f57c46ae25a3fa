// The page half of tests/page/libraries.test.mjs (and tests/page/poison.test.mjs): helpers the node
// side drives through `window.lib`, in a page served from the repository root. Nothing is loaded
// up front, so each test decides the order: `lib.script(src)` adds a classic script (the
// libraries' own standalone builds: simple-peer's simplepeer.min.js, webrtc-adapter's
// out/adapter.js), `lib.loadPackage()` imports the built package (pkg/web) as the other page tests do.
//
// The helpers only drive and observe; every check is the node side's, on what `books()` returns.
const errors = [];
window.addEventListener('error', (e) => errors.push(`window.onerror: ${e.error?.name ?? 'Error'}: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => errors.push(`unhandledrejection: ${e.reason?.name ?? 'Error'}: ${e.reason?.message ?? e.reason}`));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (what, fn, ms = 15_000) => {
  const t0 = performance.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
};

/** A canvas video track that keeps drawing (a "screen"), in a stream of its own unless `streamless`. */
function canvasTrack(label) {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 90;
  const g = canvas.getContext('2d');
  let n = 0;
  const draw = () => {
    g.fillStyle = `hsl(${(n += 7) % 360} 60% 50%)`;
    g.fillRect(0, 0, 160, 90);
    g.fillStyle = '#fff';
    g.fillText(`${label} ${n}`, 8, 48);
  };
  draw();
  const timer = setInterval(draw, 40);
  const track = canvas.captureStream(25).getVideoTracks()[0];
  track.addEventListener('ended', () => clearInterval(timer));
  return track;
}

window.lib = {
  errors,
  PeerConnection: null,
  nativeClass: window.RTCPeerConnection,

  /** Adds a classic `<script src>` and resolves once it ran. */
  script(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(s);
    });
  },

  /** Imports the built package (pkg/web instantiates its wasm itself). */
  async loadPackage() {
    const mod = await import('/pkg/web/index.js');
    this.PeerConnection = mod.PeerConnection;
    return true;
  },

  /** Fake camera + microphone (the browsers' fake devices), one stream. */
  async camera() {
    return navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  },

  canvasTrack,
  sleep,
  until,

  /**
   * The package's books of `pc` and what the browser reports, plain data:
   * sent:     per transceiver with a sender track: { mid, trackId, streamIds (streamIdsOf), hasSent }
   * received: remoteStreams() as [{ id, tracks: [{ id, kind, mid (of the transceiver whose receiver has it) }] }]
   * receivers: per transceiver that receives (currentDirection recvonly/sendrecv): { mid, trackId, kind }
   */
  books(pc) {
    const ts = pc.getTransceivers();
    const midOf = (track) => ts.find((t) => t.receiver.track === track)?.mid ?? null;
    return {
      isPeerConnection: pc instanceof this.PeerConnection,
      signalingState: pc.signalingState,
      connectionState: pc.connectionState,
      sent: ts.filter((t) => t.sender.track).map((t) => ({
        mid: t.mid,
        kind: t.sender.track.kind,
        trackId: t.sender.track.id,
        streamIds: [...pc.streamIdsOf(t.sender)].sort(),
        hasSent: pc.hasSent(t.sender),
      })),
      received: pc.remoteStreams().map((s) => ({
        id: s.id,
        streamless: pc.isStreamless(s),
        tracks: s.getTracks().map((t) => ({ id: t.id, kind: t.kind, mid: midOf(t) })).sort((a, b) => String(a.mid).localeCompare(String(b.mid))),
      })).sort((a, b) => a.id.localeCompare(b.id)),
      receivers: ts.filter((t) => t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv')
        .map((t) => ({ mid: t.mid, kind: t.receiver.track.kind, trackId: t.receiver.track.id })),
    };
  },

  /**
   * simple-peer: two peers in this page (A initiator), signalling handed over in the page, audio +
   * video from the fake camera on both sides, a message each way, then a renegotiation: A adds a
   * canvas stream with addStream, B adds one with addTrack. `how`: 'wrtc' (the package's classes
   * through simple-peer's `wrtc` option) or 'global' (the package installed as the global
   * RTCPeerConnection before simple-peer constructs anything).
   */
  async simplePeerCall(how) {
    const SimplePeer = window.SimplePeer;
    const PeerConnection = this.PeerConnection;
    let wrtc;
    if (how === 'wrtc') {
      wrtc = { RTCPeerConnection: PeerConnection, RTCSessionDescription, RTCIceCandidate };
    } else {
      window.RTCPeerConnection = PeerConnection;
    }
    const camA = await this.camera();
    const camB = await this.camera();
    const seen = { A: { streams: [], data: [] }, B: { streams: [], data: [] } };
    const opts = (initiator, stream) => ({ initiator, stream, config: { iceServers: [] }, ...(wrtc ? { wrtc } : {}) });
    const A = new SimplePeer(opts(true, camA));
    const B = new SimplePeer(opts(false, camB));
    const fails = [];
    for (const [name, me, other] of [['A', A, B], ['B', B, A]]) {
      me.on('signal', (d) => { if (!other.destroyed) other.signal(d); });
      me.on('stream', (s) => seen[name].streams.push({ id: s.id, tracks: s.getTracks().map((t) => t.id).sort() }));
      me.on('data', (d) => seen[name].data.push(new TextDecoder().decode(d)));
      me.on('error', (e) => fails.push(`${name}: ${e.code ?? e.name}: ${e.message}`));
    }
    const wait = (what, fn, ms) => until(what, () => {
      if (fails.length || A.destroyed || B.destroyed) throw new Error(`simple-peer failed while waiting for ${what}: ${fails.join('; ') || 'a peer was destroyed'}`);
      return fn();
    }, ms);
    let connected = 0;
    A.once('connect', () => connected++);
    B.once('connect', () => connected++);
    await wait('connect', () => connected === 2);
    A.send('hello from A');
    B.send('hello from B');
    await wait('the first streams and both messages', () =>
      seen.A.streams.length >= 1 && seen.B.streams.length >= 1 && seen.A.data.length && seen.B.data.length);

    // Renegotiation after connect, from both sides (simple-peer asks the initiator to offer for B).
    const screenA = new MediaStream([canvasTrack('A screen')]);
    A.addStream(screenA);
    await wait('A\'s second stream at B', () => seen.B.streams.some((s) => s.id === screenA.id), 15_000);
    const screenB = new MediaStream([canvasTrack('B screen')]);
    B.addTrack(screenB.getVideoTracks()[0], screenB);
    await wait('B\'s second stream at A', () => seen.A.streams.some((s) => s.id === screenB.id), 15_000);
    await wait('both stable', () => A._pc.signalingState === 'stable' && B._pc.signalingState === 'stable');
    A.send('after renegotiation from A');
    B.send('after renegotiation from B');
    await wait('the messages after renegotiation', () => seen.A.data.length >= 2 && seen.B.data.length >= 2);
    // hasSent needs a currentDirection that sent: the last answer is applied on both sides by now.
    const result = {
      how,
      globalIsPackage: window.RTCPeerConnection === PeerConnection,
      sent: { A: { cam: camA.id, screen: screenA.id }, B: { cam: camB.id, screen: screenB.id } },
      seen,
      books: { A: this.books(A._pc), B: this.books(B._pc) },
      fails,
    };
    const pcs = [A._pc, B._pc]; // destroy() drops simple-peer's reference
    A.destroy();
    B.destroy();
    await until('both closed', () => pcs.every((pc) => pc.signalingState === 'closed'), 5_000);
    result.closed = pcs.map((pc) => pc.signalingState);
    return result;
  },

  /**
   * A loopback call between two connections made with `new RTCPeerConnection()` (whatever the
   * global is now: the package installed, possibly shimmed by webrtc-adapter), audio + video + a
   * data channel, then a renegotiation adding a canvas stream; close() at the end.
   */
  async globalLoopbackCall() {
    const Global = window.RTCPeerConnection;
    const a = new Global();
    const b = new Global();
    const wire = (from, to) => from.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate && to.signalingState !== 'closed') to.addIceCandidate(candidate).catch((e) => errors.push(`addIceCandidate: ${e.name}: ${e.message}`));
    });
    wire(a, b);
    wire(b, a);
    const negotiate = async () => {
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription);
    };
    const cam = await this.camera();
    for (const t of cam.getTracks()) a.addTrack(t, cam);
    const chat = a.createDataChannel('chat');
    const got = [];
    b.addEventListener('datachannel', ({ channel }) => { channel.onmessage = ({ data }) => got.push(data); });
    await negotiate();
    // Bounded, and the failure says where each side's connection stands.
    const states = () => [a, b].map((pc, i) => `${'AB'[i]}: connection ${pc.connectionState}, ice ${pc.iceConnectionState}, gathering ${pc.iceGatheringState}`).join('; ');
    try {
      await until('the data channel to open', () => chat.readyState === 'open', 15_000);
    } catch (e) {
      throw new Error(`${e.message} (channel ${chat.readyState}; ${states()}; ${errors.join('; ') || 'no page errors'})`);
    }
    chat.send('hello over the data channel');
    const screen = new MediaStream([canvasTrack('screen')]);
    a.addTrack(screen.getVideoTracks()[0], screen);
    await negotiate();
    await until('connected', () => a.connectionState === 'connected' && b.connectionState === 'connected');
    await until('the message', () => got.length >= 1);
    const result = {
      globalIsPackage: Global === this.PeerConnection,
      globalIsNative: Global === this.nativeClass,
      sent: { cam: cam.id, screen: screen.id },
      got,
      books: { a: this.books(a), b: this.books(b) },
    };
    a.close();
    b.close();
    result.closed = [a.signalingState, b.signalingState];
    return result;
  },
};

/**
 * Calls `fn` with the stack almost exhausted: recurses until the engine throws its stack-overflow
 * error (RangeError in Chromium, InternalError "too much recursion" in Firefox), unwinds `k`
 * frames, and calls `fn` there. Resolves to `{ ok, value }` or `{ ok: false, name, message }`.
 */
function nearOverflow(k, fn) {
  let unwound = 0;
  let outcome = null;
  const down = () => {
    try {
      down();
    } catch (e) {
      if (outcome) throw e;
      if (unwound++ < k) throw e; // keep unwinding, towards more stack
      try {
        outcome = { ok: true, value: fn() };
      } catch (err) {
        outcome = { ok: false, name: err?.name ?? typeof err, message: String(err?.message ?? err) };
      }
    }
  };
  down();
  return outcome;
}

/** A loopback call between two fresh connections of the package's class: audio + video. */
async function freshCall(PeerConnection, cam) {
  const a = new PeerConnection();
  const b = new PeerConnection();
  for (const [x, y] of [[a, b], [b, a]]) x.addEventListener('icecandidate', ({ candidate }) => { if (candidate) y.addIceCandidate(candidate).catch(() => {}); });
  for (const t of cam.getTracks()) a.addTrack(t, cam);
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  await until('the fresh call connects', () => a.connectionState === 'connected' && b.connectionState === 'connected');
  const r = { books: { a: window.lib.books(a), b: window.lib.books(b) }, stream: cam.id };
  a.close();
  b.close();
  r.closed = [a.signalingState, b.signalingState];
  return r;
}

/**
 * Stack exhaustion around one operation (issue #11, item 2). Sweeps `k` (frames unwound from the
 * overflow) upwards, one frame at a time, calling the operation near the overflow until a call
 * returns normally. An attempt whose call threw is "took effect" when the browser's state shows
 * the native call happened anyway. After each attempt that took effect, and at the end, the
 * same connection's books are read (the node side checks them), then a fresh connection makes a call.
 */
async function poisonSweep(op, maxK = 4000) {
  const PeerConnection = window.lib.PeerConnection;
  const cam = await window.lib.camera();
  const video = cam.getVideoTracks()[0];
  const stream = new MediaStream();
  const pc = new PeerConnection();
  const far = new PeerConnection();
  const attempts = []; // the attempts that threw, compressed: { name, count, tookEffect }
  const effects = []; // attempts that threw after the native call took effect: { k, name, message, books }
  const note = (o) => {
    const last = attempts[attempts.length - 1];
    if (last && last.name === o.name && last.tookEffect === o.tookEffect) last.count += 1;
    else attempts.push({ name: o.name, message: o.message, tookEffect: o.tookEffect, count: 1, firstK: o.k });
  };
  const offer = async () => { const o = new PeerConnection(); o.addTrack(video.clone(), stream); const d = await o.createOffer(); o.close(); return d; };

  // What each operation does, and how to tell that the native call happened.
  let sender = null;
  let desc = null;
  const ops = {
    addTrack: {
      prepare: () => { sender = null; return video.clone(); },
      call: (track) => pc.addTrack(track, stream),
      effect: (track) => pc.getSenders().some((s) => s.track === track),
    },
    addTransceiver: {
      prepare: () => video.clone(),
      call: (track) => pc.addTransceiver(track, { direction: 'sendrecv', streams: [stream] }),
      effect: (track) => pc.getSenders().some((s) => s.track === track),
    },
    removeTrack: {
      prepare: () => { if (!sender || !sender.track) sender = pc.addTrack(video.clone(), stream); return sender; },
      call: (s) => pc.removeTrack(s),
      effect: (s) => s.track === null,
    },
    setLocalDescription: {
      async prepare() { await rollback(pc); if (!pc.getSenders().length) pc.addTrack(video.clone(), stream); },
      call: () => pc.setLocalDescription(),
      effect: () => pc.signalingState === 'have-local-offer',
      async: true,
    },
    setRemoteDescription: {
      async prepare() { await rollback(pc); desc ??= await offer(); return desc; },
      call: (d) => pc.setRemoteDescription(d),
      effect: () => pc.signalingState === 'have-remote-offer',
      async: true,
    },
    close: {
      prepare() { if (!pc.getSenders().length) pc.addTrack(video.clone(), stream); },
      call: () => pc.close(),
      effect: () => pc.signalingState === 'closed',
    },
  }[op];

  // One attempt: `k` frames above the overflow, less `pad` words of arguments (a finer step
  // than one frame). Resolves to whether the call returned normally.
  let ok = null;
  let tries = 0;
  const attempt = async (k, pad) => {
    tries += 1;
    const arg = await ops.prepare();
    const o = nearOverflow(k, pad ? () => padded(pad, () => ops.call(arg)) : () => ops.call(arg));
    let result = o;
    if (o.ok && ops.async) {
      // The synchronous part survived; the promise settles at a normal depth.
      result = await o.value.then(() => ({ ok: true }), (e) => ({ ok: false, name: e?.name, message: String(e?.message ?? e), async: true }));
    }
    if (ops.async) await sleep(0);
    const tookEffect = ops.effect(arg);
    if (result.ok) return { ok: true, tookEffect };
    note({ k, name: result.name, message: result.message, tookEffect });
    if (tookEffect) {
      await sleep(50); // a description applied on the raw object is settled a task later
      effects.push({ k, pad, name: result.name, message: result.message, async: !!result.async, books: pc.signalingState === 'closed' ? null : window.lib.books(pc), localStreams: localStreams(pc) });
    }
    return { ok: false, tookEffect };
  };
  // The recursion's frames must keep one size through the sweep: warm it up to the engine's
  // optimising tier first (its frames shrink when it gets there).
  for (let i = 0; i < 30; i++) nearOverflow(0, () => 0);
  // So must the operations: the engines compile wasm and JS lazily and re-tier hot code, each
  // tier with frames of its own size. Run every wrapped operation until it is hot.
  const ms = { start: performance.now() };
  if (!warmedUp) await warmUp(PeerConnection, video, stream); // once per page
  warmedUp = true;
  ms.warmUp = performance.now() - ms.start;
  // Coarse: the smallest k at which a call returns normally (binary search, then one frame at a
  // time over the 25 frames below it, where the overflow moves through the operation).
  let lo = 0;
  let hi = maxK;
  if (op === 'close') hi = 0; // one-shot: sweep from the start
  while (lo < hi && pc.signalingState !== 'closed') {
    const mid = (lo + hi) >> 1;
    if ((await attempt(mid, 0)).ok) hi = mid;
    else lo = mid + 1;
  }
  if (op !== 'close' || pc.signalingState !== 'closed') {
    for (let k = Math.max(0, lo - 25); k <= maxK && !ok; k++) {
      const a = await attempt(k, 0);
      if (a.ok) ok = { k, tookEffect: a.tookEffect };
      else if (op === 'close' && pc.signalingState === 'closed') break; // nothing left to close
    }
  }
  // Fine: from one frame below kOk upwards, each frame less PAD..0 argument words (an 8-byte
  // step), until a call returns normally: the overflow may strike after the native call here.
  if (ok && pc.signalingState !== 'closed') {
    outer: for (let k = Math.max(0, ok.k - 1); k <= ok.k; k++) {
      for (let pad = PAD; pad >= 0; pad -= 1) {
        const a = await attempt(k, pad);
        if (a.ok) { ok.fine = { k, pad }; break outer; }
        if (op === 'close' && pc.signalingState === 'closed') break outer;
      }
    }
  }
  ms.sweep = performance.now() - ms.start - ms.warmUp;
  await sleep(50);
  const final = {
    signalingState: pc.signalingState,
    books: pc.signalingState === 'closed' ? null : window.lib.books(pc),
    localStreams: localStreams(pc),
    remoteStreams: pc.remoteStreams().map((s) => ({ id: s.id, tracks: s.getTracks().map((t) => t.id) })),
    stream: stream.id,
    offerStream: null,
  };
  // The same connection in a call (unless the sweep closed it): the far side groups by its books.
  if (pc.signalingState !== 'closed') {
    await rollback(pc);
    for (const [x, y] of [[pc, far], [far, pc]]) x.addEventListener('icecandidate', ({ candidate }) => { if (candidate) y.addIceCandidate(candidate).catch(() => {}); });
    if (!pc.getSenders().some((s) => s.track)) pc.addTrack(video.clone(), stream);
    await pc.setLocalDescription();
    await far.setRemoteDescription(pc.localDescription);
    await far.setLocalDescription();
    await pc.setRemoteDescription(far.localDescription);
    await until('the swept connection connects', () => pc.connectionState === 'connected');
    final.call = { books: { pc: window.lib.books(pc), far: window.lib.books(far) }, localStreams: localStreams(pc) };
  }
  let closeError = null;
  try { pc.close(); } catch (e) { closeError = `${e.name}: ${e.message}`; }
  final.closedAfter = pc.signalingState;
  final.closeError = closeError;
  far.close();
  ms.call = performance.now() - ms.start - ms.warmUp - ms.sweep;
  const fresh = await freshCall(PeerConnection, cam);
  ms.fresh = performance.now() - ms.start - ms.warmUp - ms.sweep - ms.call;
  delete ms.start;
  for (const t of cam.getTracks()) t.stop();
  return { op, ok, tries, attempts, effects, final, fresh, ms };
}

/** Back to stable (Firefox rolls a remote offer back only with setRemoteDescription). */
async function rollback(pc) {
  if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
  else if (pc.signalingState === 'have-remote-offer') await pc.setRemoteDescription({ type: 'rollback' });
}

let warmedUp = false;
async function warmUp(PeerConnection, video, stream) {
  const scratch = new PeerConnection();
  for (let i = 0; i < 60; i++) {
    const t = video.clone();
    scratch.removeTrack(i % 2 ? scratch.addTrack(t, stream) : scratch.addTransceiver(t, { streams: [stream] }).sender);
    t.stop();
  }
  const o = new PeerConnection();
  o.addTrack(video.clone(), stream);
  const offer = await o.createOffer();
  for (let i = 0; i < 6; i++) {
    await scratch.setLocalDescription();
    await scratch.setLocalDescription({ type: 'rollback' });
    await scratch.setRemoteDescription(offer);
    await rollback(scratch);
  }
  scratch.close();
  o.close();
  for (let i = 0; i < 15; i++) {
    const pc = new PeerConnection();
    pc.addTrack(video.clone(), stream);
    pc.close();
  }
  for (let i = 0; i < 200; i++) padded(i % 48, () => 0);
}

const PAD = 24; // words of arguments: about a frame of the sweep's recursion
/** Calls `fn` from a frame holding `n` extra argument words. */
function padded(n, fn) {
  return padFrame.apply(null, [fn, ...new Array(n).fill(0)]);
}
function padFrame(fn) {
  return fn();
}

function localStreams(pc) {
  try {
    return pc.localStreams().map((r) => ({ id: r.id, tracks: r.tracks.map((t) => t.id).sort(), senders: r.senders.length }));
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}
window.lib.poisonSweep = poisonSweep;
window.lib.nearOverflow = nearOverflow;

document.getElementById('status').textContent = 'ready';
document.body.dataset.ready = 'true';
