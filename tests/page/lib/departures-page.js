// Glare sequences of the perfect-negotiation pattern on two NATIVE connections in one page (no
// library code is loaded): A impolite, B polite. Used by tests/page/departures.test.mjs.
function track(kind) {
  if (kind === 'audio') {
    const ac = new AudioContext();
    const o = ac.createOscillator();
    const d = ac.createMediaStreamDestination();
    o.connect(d);
    o.start();
    return d.stream.getAudioTracks()[0];
  }
  const c = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
  const g = c.getContext('2d');
  g.fillRect(0, 0, 64, 48);
  return c.captureStream(10).getVideoTracks()[0];
}
const extmaps = (sdp) => sdp.split('\r\n').filter((l) => l.startsWith('a=extmap:')).length;
async function exchange(offerer, answerer) {
  await offerer.setLocalDescription();
  await answerer.setRemoteDescription(offerer.localDescription);
  await answerer.setLocalDescription();
  await offerer.setRemoteDescription(answerer.localDescription);
}
/**
 * { dataChannelFirst, aKind, bKind, rollback: 'implicit' | 'explicit' }: optionally a data channel
 * negotiated first (A offers); then A adds an `aKind` track and B a `bKind` track at once and both
 * set their offers (glare); B rolls back and applies A's offer, answers; then B offers its own
 * section. Returns every step's outcome: 'ok', or the error's name and message.
 */
window.glare = async ({ dataChannelFirst, aKind, bKind, rollback }) => {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  const steps = {};
  const step = async (name, f) => {
    try { await f(); steps[name] = 'ok'; return true; } catch (e) { steps[name] = { name: e.name, message: e.message }; return false; }
  };
  try {
    if (dataChannelFirst) {
      a.createDataChannel('chat');
      await exchange(a, b);
    }
    const stream = new MediaStream();
    a.addTrack(track(aKind), stream);
    b.addTrack(track(bKind), stream);
    await a.setLocalDescription();
    await b.setLocalDescription();
    steps.offers = { a: extmaps(a.localDescription.sdp), b: extmaps(b.localDescription.sdp) };
    if (rollback === 'explicit' && !(await step('B rolls back', () => b.setLocalDescription({ type: 'rollback' })))) return steps;
    if (!(await step("B applies A's offer", () => b.setRemoteDescription(a.localDescription)))) return steps;
    if (!(await step('B answers', async () => { await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription); }))) return steps;
    if (!(await step('B offers its own section', () => exchange(b, a)))) return steps;
    steps.final = { a: a.signalingState, b: b.signalingState, aReceives: a.getTransceivers().filter((t) => /recv/.test(t.currentDirection ?? '')).map((t) => t.receiver.track.kind).sort() };
    return steps;
  } finally {
    a.close();
    b.close();
  }
};
document.body.dataset.ready = 'true';
