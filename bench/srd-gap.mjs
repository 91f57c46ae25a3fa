// Where setRemoteDescription → streamadded spends its time, per browser (issue 10's SRD row):
// native, a plain JS subclass, the native method called directly on a PeerConnection (bypassing
// the face), and the wrapped call; medians of the first own 'track' listener, of 'streamadded'
// and of the promise's resolution, in ms from the call. Run: node bench/srd-gap.mjs (BROWSERS=firefox, N=40).
import { probeBrowsers } from './harness.mjs';

await probeBrowsers(async (n) => {
  const { PeerConnection } = await import('/pkg/web/index.js');
  const { audio, video, localStream: s, median } = window.benchMedia;
  const med = (xs) => +median(xs).toFixed(3);
  const out = {}; for (const k of ['native','sub','rawcall','wrapped']) out[k] = { track: [], resolve: [], event: [] };
  for (let i = 0; i < n; i++) {
    for (const kind of ['native', 'sub', 'rawcall', 'wrapped']) {
      const a = new RTCPeerConnection(); const b = kind === 'native' ? new RTCPeerConnection() : kind === 'sub' ? new (class extends RTCPeerConnection {})() : new PeerConnection();
      a.addTrack(audio, s); a.addTrack(video, s);
      await a.setLocalDescription(await a.createOffer());
      let first = null, firstTrack = null; let t0;
      b.addEventListener('track', () => { firstTrack ??= performance.now() - t0; });
      if (kind === 'wrapped') b.addEventListener('streamadded', () => { first ??= performance.now() - t0; });
      t0 = performance.now();
      await (kind === 'rawcall' ? RTCPeerConnection.prototype.setRemoteDescription.call(b, a.localDescription) : b.setRemoteDescription(a.localDescription));
      const res = performance.now() - t0;
      out[kind].track.push(firstTrack); out[kind].resolve.push(res); out[kind].event.push(first ?? 0);
      a.close(); b.close();
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { track: med(v.track), event: med(v.event), resolve: med(v.resolve) }]));
}, Number(process.env.N ?? 40));
