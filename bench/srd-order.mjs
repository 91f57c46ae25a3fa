// When could a settlement run before setRemoteDescription's promise resolves? Native connections
// only: a description with three tracks (two streams); in the first `track` listener a
// MessageChannel message, a setTimeout(0) and a microtask are queued, and the order of the track
// events, those three and the promise's continuation is tallied over 30 descriptions per browser.
// Run: node bench/srd-order.mjs (BROWSERS=firefox). Seen 2026-12-03 in Chromium 156 and Firefox
// ESR: the microtask runs between track events (so a microtask is no "after the last track"), and
// the continuation always precedes both tasks, so a task queued at a track event runs after the
// resolution: the only earlier point is the description's last track event.
import { probeBrowsers } from './harness.mjs';

await probeBrowsers(async (n) => {
  const { audio, video, localStream: s, median } = window.benchMedia; const s2 = new MediaStream([audio.clone()]);
  const seqs = {};
  const med = (xs) => +median(xs).toFixed(3);
  const gaps = { mcAfterLastTrack: [], resolveAfterMc: [] };
  for (let i = 0; i < n; i++) {
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    a.addTrack(audio, s); a.addTrack(video, s); a.addTrack(s2.getTracks()[0], s2);
    await a.setLocalDescription(await a.createOffer());
    const seq = []; let tLast = 0, tMc = 0;
    const mc = new MessageChannel(); mc.port1.onmessage = () => { seq.push('mc'); tMc = performance.now(); };
    let posted = false;
    b.ontrack = (e) => { seq.push('track'); tLast = performance.now(); if (!posted) { posted = true; mc.port2.postMessage(0); setTimeout(() => seq.push('timeout')); queueMicrotask(() => seq.push('micro')); } };
    await b.setRemoteDescription(a.localDescription);
    const tRes = performance.now(); seq.push('resolve');
    await new Promise((r) => setTimeout(r, 20));
    const k = seq.join(','); seqs[k] = (seqs[k] ?? 0) + 1;
    if (tMc) { gaps.mcAfterLastTrack.push(tMc - tLast); gaps.resolveAfterMc.push(tRes - tMc); }
    a.close(); b.close(); mc.port1.close();
  }
  return { seqs, mcAfterLastTrack: med(gaps.mcAfterLastTrack), resolveAfterMc: med(gaps.resolveAfterMc) };
}, 30);
