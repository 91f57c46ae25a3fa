// Bootstrap: check for WebRTC before anything loads the wasm (the package subclasses
// RTCPeerConnection when it is evaluated, so it cannot even load without it), then load the app.
import './style.css';
import { showNotice, setState } from './ui.js';

if (typeof RTCPeerConnection === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
  const webrtc = typeof RTCPeerConnection !== 'undefined';
  setState(webrtc ? 'no-media' : 'no-webrtc');
  showNotice(
    webrtc ? 'This page cannot use the camera' : 'This browser lacks WebRTC',
    webrtc
      ? 'navigator.mediaDevices is missing. Browsers expose it only on secure origins: open the demo from http://127.0.0.1 / http://localhost or over https.'
      : 'RTCPeerConnection is not available here. Open the demo in a current Chrome, Edge, Firefox or Safari (and check that no extension or policy disables WebRTC).',
  );
} else {
  import('./app.js')
    .then(({ start }) => start())
    .catch((err) => {
      setState('error');
      showNotice('The demo failed to load', String(err?.stack || err));
      throw err;
    });
}
