// A loopback call between two PeerConnections in one page, with a painted-canvas video track.
// Succeeds when the remote stream arrives through `streamadded` (with the sender's stream id),
// both connections are `connected` and the remote video shows frames. Reports on `window.__call`.
export async function loopbackCall({ PeerConnection, attachStream }, how) {
  const log = (m) => { document.querySelector('#log').textContent += `${m}\n`; };
  const a = new PeerConnection();
  const b = new PeerConnection({ streamlessPolicy: 'per-track' });
  try {
    if (!(a instanceof RTCPeerConnection)) throw new Error('PeerConnection is not an RTCPeerConnection');
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);

    const canvas = document.querySelector('canvas');
    const g = canvas.getContext('2d');
    let n = 0;
    setInterval(() => { g.fillStyle = `hsl(${(n += 9) % 360} 80% 50%)`; g.fillRect(0, 0, canvas.width, canvas.height); }, 40);
    const local = canvas.captureStream(25);

    const added = new Promise((resolve) => { b.onstreamadded = (e) => resolve(e); });
    const outcome = a.addTrackDetailed(local.getVideoTracks()[0], local);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    const e = await within(added, 8000, 'streamadded');
    if (e.stream.id !== local.id) throw new Error(`streamadded with stream ${e.stream.id}, expected ${local.id}`);
    if (b.remoteStreams()[0] !== e.stream) throw new Error('remoteStreams() does not hold the added stream');
    const video = document.querySelector('video');
    video.muted = true;
    attachStream(video, e.stream);
    await within(until(() => a.connectionState === 'connected' && b.connectionState === 'connected'), 10000, 'connected');
    await within(until(() => video.videoWidth > 0), 10000, 'remote video frames');
    const result = {
      ok: true,
      how,
      connectionState: [a.connectionState, b.connectionState],
      streamless: e.streamless,
      reused: outcome.reused,
      streamIds: a.streamIdsOf(outcome.sender),
      videoWidth: video.videoWidth,
    };
    log(JSON.stringify(result));
    window.__call = result;
  } catch (err) {
    log(`failed: ${err?.stack ?? err}`);
    window.__call = { ok: false, how, error: String(err?.stack ?? err) };
  }
}

function within(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

async function until(predicate) {
  while (!predicate()) await new Promise((r) => setTimeout(r, 25));
}
