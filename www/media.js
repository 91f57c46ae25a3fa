// Local media: the camera and microphone, and synthetic tracks painted on a canvas (no
// permission needed) for the second video track, streamless tracks and the no-camera fallback.

/** getUserMedia for camera + microphone. Rejects with the browser's DOMException. */
export function camera() {
  return navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } },
  });
}

/** What to tell the user about a getUserMedia failure: `{ state, title, text }`. */
export function describeMediaError(err) {
  const name = err?.name || 'Error';
  switch (name) {
    case 'NotFoundError':
    case 'OverconstrainedError':
      return {
        state: 'no-camera',
        title: 'No camera or microphone found',
        text: `The browser reports no camera/microphone it can use (${name}). Plug one in and try again, or run the demo with synthetic media (a painted canvas and a tone).`,
      };
    case 'NotAllowedError':
    case 'SecurityError':
      return {
        state: 'denied',
        title: 'Camera permission denied',
        text: `Access to the camera and microphone was blocked (${name}). Allow them for this site (the camera icon in the address bar or the site settings), then try again, or use synthetic media instead.`,
      };
    case 'NotReadableError':
    case 'AbortError':
      return {
        state: 'media-error',
        title: 'The camera could not be started',
        text: `The device is present but could not be opened (${name}); another application may be using it. Close it and try again, or use synthetic media.`,
      };
    default:
      return {
        state: 'media-error',
        title: 'Camera and microphone unavailable',
        text: `getUserMedia failed: ${name}${err?.message ? `: ${err.message}` : ''}.`,
      };
  }
}

const cleanups = new WeakMap(); // synthetic track -> stops its painter / audio graph

/** `track.stop()`, plus stopping whatever paints a synthetic track. */
export function stopTrack(track) {
  cleanups.get(track)?.();
  cleanups.delete(track);
  track.stop();
}

/**
 * A synthetic video track: a canvas painted ~15 times a second with a label, a moving sweep and
 * a clock, captured with `canvas.captureStream()`. Stop it with `stopTrack` so the painting stops too.
 */
export function syntheticVideo(label, hue = 210, width = 320, height = 180) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  const t0 = performance.now();
  const paint = () => {
    const t = (performance.now() - t0) / 1000;
    const bg = g.createLinearGradient(0, 0, width, height);
    bg.addColorStop(0, `hsl(${hue} 70% 22%)`);
    bg.addColorStop(1, `hsl(${(hue + 40) % 360} 70% 12%)`);
    g.fillStyle = bg;
    g.fillRect(0, 0, width, height);
    // a window-like frame with a live bar chart: "screen-like" content
    g.fillStyle = 'rgba(255,255,255,0.08)';
    g.fillRect(16, 16, width - 32, height - 32);
    g.fillStyle = 'rgba(255,255,255,0.14)';
    g.fillRect(16, 16, width - 32, 18);
    for (let i = 0; i < 12; i++) {
      const v = 0.5 + 0.45 * Math.sin(t * 2 + i * 0.7);
      g.fillStyle = `hsl(${(hue + i * 12) % 360} 80% 62%)`;
      const bw = (width - 64) / 12;
      g.fillRect(32 + i * bw, height - 28 - v * (height - 90), bw - 4, v * (height - 90));
    }
    const x = ((t * 80) % (width + 60)) - 30;
    g.fillStyle = 'rgba(255,255,255,0.5)';
    g.fillRect(x, 16, 3, height - 32);
    g.fillStyle = '#fff';
    g.font = '600 14px system-ui, sans-serif';
    g.fillText(label, 24, 30);
    g.font = '12px ui-monospace, monospace';
    g.fillText(`${t.toFixed(1)} s`, width - 70, 30);
  };
  paint();
  const timer = setInterval(paint, 66);
  const track = canvas.captureStream(15).getVideoTracks()[0];
  cleanups.set(track, () => clearInterval(timer));
  return track;
}

/** A synthetic audio track: a soft 440 Hz beep once a second (an oscillator, no microphone). */
export function syntheticAudio() {
  const ctx = new AudioContext();
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  const dest = ctx.createMediaStreamDestination();
  gain.gain.value = 0;
  osc.frequency.value = 440;
  osc.connect(gain).connect(dest);
  osc.start();
  const timer = setInterval(() => {
    const now = ctx.currentTime;
    gain.gain.setValueAtTime(0.15, now);
    gain.gain.setValueAtTime(0, now + 0.15);
  }, 1000);
  const track = dest.stream.getAudioTracks()[0];
  cleanups.set(track, () => { clearInterval(timer); ctx.close(); });
  return track;
}

/** Camera-like media without a camera: synthetic video + audio in one stream. */
export function syntheticCamera() {
  return new MediaStream([syntheticAudio(), syntheticVideo('synthetic camera', 150, 640, 360)]);
}
