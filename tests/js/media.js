// Real media tracks without permissions: an oscillator for audio, a painted canvas for video.
const keep = [];

export function audioTrack() {
  const ctx = new AudioContext();
  const osc = ctx.createOscillator();
  const dest = ctx.createMediaStreamDestination();
  osc.connect(dest);
  osc.start();
  keep.push(ctx);
  return dest.stream.getAudioTracks()[0];
}

export function videoTrack(width = 160, height = 120) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  let n = 0;
  const paint = () => { g.fillStyle = `hsl(${(n += 7) % 360} 80% 50%)`; g.fillRect(0, 0, width, height); };
  paint();
  const timer = setInterval(paint, 40);
  keep.push({ close: () => clearInterval(timer) });
  return canvas.captureStream(25).getVideoTracks()[0];
}

export function track(kind) {
  return kind === 'audio' ? audioTrack() : videoTrack();
}

/** Offer/answer from `a` to `b`, with trickled candidates. */
export async function negotiate(a, b) {
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
}

export function connectIce(a, b) {
  a.addEventListener('icecandidate', (e) => e.candidate && b.signalingState !== 'closed' && b.addIceCandidate(e.candidate).catch(() => {}));
  b.addEventListener('icecandidate', (e) => e.candidate && a.signalingState !== 'closed' && a.addIceCandidate(e.candidate).catch(() => {}));
}

export function waitFor(target, type, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), ms);
    target.addEventListener(type, (e) => { clearTimeout(t); resolve(e); }, { once: true });
  });
}

export async function until(predicate, ms = 5000, what = 'condition') {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function cleanup() {
  while (keep.length) keep.pop().close();
}
