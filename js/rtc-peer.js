// The package entry (bundler build). See peer-class.js for the class and why it is a subclass.
import { PeerConnectionCore, attachStreamCore as attach } from './rtc_peer.js';
import { definePeerConnection, headroom } from './peer-class.js';

export const PeerConnection = definePeerConnection(PeerConnectionCore);
/** `element.srcObject = stream` (with autoplay); safe to call repeatedly; null detaches (see rtc-peer.d.ts). */
export function attachStream(element, stream) { headroom(); return attach(element, stream); }
