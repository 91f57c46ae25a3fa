// Where addTrack + removeTrack spends its time, per browser (issue 10's addTrack row): native, a
// plain JS subclass, a subclass that only takes the face's stack headroom, the native method called
// on a PeerConnection directly (bypassing the face), and the wrapped call; µs per pair, best of 10
// batches, order rotated each round. Run: node bench/addtrack-gap.mjs (BROWSERS=firefox, N=200).
import { probeBrowsers } from './harness.mjs';

await probeBrowsers(async (n) => {
  const { PeerConnection } = await import('/pkg/web/index.js');
  const { headroom } = await import('/js/peer-class.js'); // the source of the one bundled into pkg/web
  const { audio, localStream: s } = window.benchMedia;
  class Headroom extends RTCPeerConnection { addTrack(t, ...ss) { headroom(); return super.addTrack(t, ...ss); } }
  const make = {
    native: () => new RTCPeerConnection(),
    sub: () => new (class extends RTCPeerConnection {})(),
    headroom: () => new Headroom(),
    rawcall: () => new PeerConnection(),
    wrapped: () => new PeerConnection(),
  };
  const kinds = Object.keys(make);
  const out = Object.fromEntries(kinds.map((k) => [k, Infinity]));
  const add = RTCPeerConnection.prototype.addTrack;
  for (let round = 0; round < 10; round++) {
    for (let j = 0; j < kinds.length; j++) {
      const kind = kinds[(j + round) % kinds.length];
      const pc = make[kind]();
      const t0 = performance.now();
      if (kind === 'rawcall') for (let i = 0; i < n; i++) pc.removeTrack(add.call(pc, audio, s));
      else for (let i = 0; i < n; i++) pc.removeTrack(pc.addTrack(audio, s));
      out[kind] = Math.min(out[kind], ((performance.now() - t0) * 1000) / n);
      pc.close();
    }
  }
  let t0 = performance.now(); for (let i = 0; i < 1e5; i++) headroom(); const h = ((performance.now() - t0) * 1000) / 1e5;
  return { ...Object.fromEntries(Object.entries(out).map(([k, v]) => [k, +v.toFixed(2)])), headroomAlone: +h.toFixed(3) };
}, Number(process.env.N ?? 200));
