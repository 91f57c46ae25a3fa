// The page half of tests/page/sfu.test.mjs (and scripts/sfu-long.sh): publishers are native
// RTCPeerConnections (an audio and a video track, one stream each: clones of one oscillator and one
// small animated canvas), the subscriber is the package's `PeerConnection` (pkg/web). The test
// process does all of Janus's signalling and hands descriptions in and out through window.sfu.
// A page plays either role or both: the test keeps the subscriber alone in its browser and puts
// the publishers in pages of a second browser process.
//
//   sfu.init({ publishers, subscriber, fps })
//                                       once: the roles this page plays (default both), the
//                                       publishers' canvas frame rate (default 10)
//   sfu.publisherOffer(i)               a new publisher: its complete offer SDP and its stream id
//   sfu.publisherAnswer(i, sdp)         Janus's answer
//   sfu.publisherConnected(i)           resolves once its ICE is connected
//   sfu.closePublisher(i)               pc.close() (the "browser closed" way of leaving)
//   sfu.subscriberApply(sdp)            Janus's offer → the subscriber's complete answer SDP
//   sfu.observe()                       the books, the browser's state, the events since the last call
//   sfu.media(mids)                     per mid: inbound bytes and (video) frames decoded
import { PeerConnection } from '/pkg/web/index.js';

const errors = [];
window.addEventListener('error', (e) => errors.push(`window.onerror: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => errors.push(`unhandledrejection: ${e.reason?.name}: ${e.reason?.message ?? e.reason}`));

let audioSource;
let videoSource;
let paint;
const publishers = new Map(); // i → { pc, stream }
let sub;
let events = []; // streamadded / streamremoved since the last observe()
const seenObjects = new Map(); // stream id → the MediaStream object last seen in remoteStreams()
const nativeStreams = new Map(); // receiver track id → stream ids of its last native `track` event

function gathered(pc, ms = 5000) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); pc.removeEventListener('icegatheringstatechange', check); resolve(); };
    const check = () => { if (pc.iceGatheringState === 'complete') done(); };
    const timer = setTimeout(done, ms);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** One oscillator and one small animated canvas: every publisher sends clones of their tracks. */
function startSources(fps) {
  const ctx = new AudioContext();
  const osc = ctx.createOscillator();
  const dest = ctx.createMediaStreamDestination();
  osc.connect(dest);
  osc.start();
  // Firefox in the namespace (no audio device) may never settle resume(): do not wait for it.
  ctx.resume().catch(() => {});
  audioSource = dest.stream.getAudioTracks()[0];
  const canvas = document.getElementById('canvas');
  const g = canvas.getContext('2d');
  let n = 0;
  paint = setInterval(() => { g.fillStyle = `hsl(${(n += 17) % 360} 80% 50%)`; g.fillRect(0, 0, canvas.width, canvas.height); }, 1000 / fps);
  videoSource = canvas.captureStream(fps).getVideoTracks()[0];
}

window.sfu = {
  async init({ streamlessPolicy = 'shared', publishers: asPublishers = true, subscriber: asSubscriber = true, fps = 10 } = {}) {
    if (asPublishers) startSources(fps);
    if (asSubscriber) {
      sub = new PeerConnection({ iceServers: [], streamlessPolicy });
      for (const type of ['streamadded', 'streamremoved']) {
        sub.addEventListener(type, (e) => events.push({ type, id: e.stream.id, streamless: e.streamless, tracks: e.stream.getTracks().map((t) => t.id) }));
      }
      sub.addEventListener('track', (e) => nativeStreams.set(e.track.id, e.streams.map((s) => s.id)));
    }
    document.getElementById('status').textContent = 'ready';
    return { userAgent: navigator.userAgent };
  },

  async publisherOffer(i) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const stream = new MediaStream([audioSource.clone(), videoSource.clone()]);
    for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
    publishers.set(i, { pc, stream });
    await pc.setLocalDescription();
    await gathered(pc);
    return { sdp: pc.localDescription.sdp, streamId: stream.id };
  },

  async publisherAnswer(i, sdp) {
    await publishers.get(i).pc.setRemoteDescription({ type: 'answer', sdp });
  },

  async publisherConnected(i, ms = 30_000) {
    const { pc } = publishers.get(i);
    const t0 = performance.now();
    while (pc.connectionState !== 'connected') {
      if (performance.now() - t0 > ms) throw new Error(`publisher ${i}: connectionState ${pc.connectionState} after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  },

  closePublisher(i) {
    const p = publishers.get(i);
    p.pc.close();
    for (const t of p.stream.getTracks()) t.stop();
    publishers.delete(i);
  },

  async subscriberApply(sdp) {
    const t0 = performance.now();
    await sub.setRemoteDescription({ type: 'offer', sdp });
    const srd = performance.now() - t0;
    await sub.setLocalDescription();
    await gathered(sub);
    return { sdp: sub.localDescription.sdp, srdMs: srd, totalMs: performance.now() - t0 };
  },

  async subscriberConnected(ms = 10_000) {
    const t0 = performance.now();
    while (!['connected', 'completed'].includes(sub.iceConnectionState)) {
      if (performance.now() - t0 > ms) throw new Error(`subscriber: ICE ${sub.iceConnectionState} after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  },

  /** What the checks need, in one crossing. `kept`: per stream id listed now, whether it is the same object as at the last observe(). */
  observe() {
    const streams = sub.remoteStreams();
    const kept = {};
    for (const s of streams) {
      if (seenObjects.has(s.id)) kept[s.id] = seenObjects.get(s.id) === s;
    }
    seenObjects.clear();
    for (const s of streams) seenObjects.set(s.id, s);
    const out = {
      events,
      remoteStreams: streams.map((s) => ({ id: s.id, streamless: sub.isStreamless(s), tracks: s.getTracks().map((t) => t.id) })),
      kept,
      transceivers: sub.getTransceivers().map((t) => ({
        mid: t.mid, direction: t.direction, currentDirection: t.currentDirection, receiverTrack: t.receiver.track.id, kind: t.receiver.track.kind,
        nativeStreams: nativeStreams.get(t.receiver.track.id) ?? null,
      })),
      remoteSdp: sub.remoteDescription?.sdp ?? '',
      signalingState: sub.signalingState,
      errors: errors.splice(0),
    };
    events = [];
    return out;
  },

  /** Per mid: { kind, bytes, frames } from its receiver's inbound-rtp (0 when none yet). */
  async media(mids) {
    const out = {};
    const byMid = new Map(sub.getTransceivers().map((t) => [t.mid, t]));
    await Promise.all(mids.map(async (mid) => {
      const t = byMid.get(mid);
      let bytes = 0;
      let frames = 0;
      for (const s of (await t.receiver.getStats()).values()) {
        if (s.type === 'inbound-rtp') { bytes += s.bytesReceived ?? 0; frames += s.framesDecoded ?? 0; }
      }
      out[mid] = { kind: t.receiver.track.kind, bytes, frames };
    }));
    return out;
  },

  close() {
    clearInterval(paint);
    for (const i of [...publishers.keys()]) window.sfu.closePublisher(i);
    sub?.close();
  },
};
