// The package entry (bundler build). See peer-class.js for the class and why it is a subclass.
import { PeerConnectionCore, attachStream } from './rtc_peer.js';
import { definePeerConnection } from './peer-class.js';

export const PeerConnection = definePeerConnection(PeerConnectionCore);
export { attachStream };
