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
    await new Promise((resolve, reject) => { chat.onopen = resolve; chat.onerror = reject; });
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
document.getElementById('status').textContent = 'ready';
document.body.dataset.ready = 'true';
