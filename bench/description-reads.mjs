// What reading a connection costs right after each description call of a negotiation round, the
// reads a settlement makes (native connections; µs per round of each read, 60 rounds): the remote
// and local descriptions' `sdp` (first and second read) and the transceivers' facts. Run:
// node bench/description-reads.mjs (BROWSERS=firefox). Seen 2026-12-03: Firefox builds the
// description object on every read, 40-115 µs each, no faster the second time (Chromium: 1-15 µs
// the first time after a call, under 1 µs after); a round's four settlements read six of them
// (SLD offer: local; SRD offer: remote; SLD answer and SRD answer: both), about 0.44 ms of the
// wrapper's own ~1.1 ms per round in Firefox. The transceivers' facts: 16-19 µs in Firefox,
// 21-31 µs in Chromium the first time after a call.
import { probeBrowsers } from './harness.mjs';
await probeBrowsers(async (n) => {
  const { audio, video, localStream: s } = window.benchMedia;
  const acc = {}; const add = (k, v) => { acc[k] = (acc[k] ?? 0) + v; };
  // The facts readConnection (src/view.rs) takes of each transceiver.
  const facts = (pc) => {
    let k = 0;
    for (const x of pc.getTransceivers()) {
      const s = x.sender, r = x.receiver.track;
      k += (s.track ? 1 : 0) + (x.currentDirection ?? '').length + r.kind.length + x.direction.length + (r.readyState === 'ended' ? 1 : 0) + (x.mid ?? '').length;
    }
    return k;
  };
  const timed = (what, read) => { const t = performance.now(); read(); add(what, performance.now() - t); };
  const probe = (pc, tag) => {
    timed(tag + ' remote 1st', () => pc.remoteDescription?.sdp);
    timed(tag + ' local 1st', () => pc.localDescription?.sdp);
    timed(tag + ' remote 2nd', () => pc.remoteDescription?.sdp);
    timed(tag + ' transceivers', () => facts(pc));
    timed(tag + ' transceivers 2nd', () => facts(pc));
  };
  for (let i = 0; i < n; i++) {
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    a.addTrack(audio, s); a.addTrack(video, s); b.addTrack(audio, s); b.addTrack(video, s);
    await a.setLocalDescription(await a.createOffer()); probe(a, 'A SLD');
    await b.setRemoteDescription(a.localDescription); probe(b, 'B SRD');
    await b.setLocalDescription(await b.createAnswer()); probe(b, 'B SLD');
    await a.setRemoteDescription(b.localDescription); probe(a, 'A SRD');
    a.close(); b.close();
  }
  return Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, +(v * 1000 / n).toFixed(1)]));
}, 60);
