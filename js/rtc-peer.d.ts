/**
 * rtc-peer: the browser's RTCPeerConnection (subclassed, so every native member is inherited
 * unchanged) with typed stream grouping, streamless-track handling and sender-reuse bookkeeping.
 */

/** Where remote tracks that arrive with no stream go. */
export type StreamlessPolicy = 'shared' | 'per-track';

/** RTCConfiguration plus this library's `streamlessPolicy` (the browser ignores that member). */
export interface PeerConnectionConfiguration extends RTCConfiguration {
  streamlessPolicy?: StreamlessPolicy;
}

/** What `addTrackDetailed` did. */
export interface AddTrackOutcome {
  sender: RTCRtpSender;
  transceiver: RTCRtpTransceiver;
  /** Whether an existing transceiver was reused (else a new one was made). */
  reused: boolean;
  /** The reused transceiver's direction before the call; null for a new transceiver. */
  directionBefore: RTCRtpTransceiverDirection | null;
  directionAfter: RTCRtpTransceiverDirection;
}

/**
 * Stable codes for a candidate's verdict: why it is not reusable (the first failed condition), or
 * a browser departure from the spec: `'stopping-picked'` (Chromium picks a stopping transceiver and
 * addTrack throws) and `'stopping-reused'` (Firefox reuses a stopping transceiver; reusable).
 */
export type ReuseReasonCode =
  | 'has-track' | 'kind-mismatch' | 'stopped' | 'stopping' | 'has-sent'
  | 'stopping-picked' | 'stopping-reused';

export interface ReuseCandidate {
  transceiver: RTCRtpTransceiver;
  reusable: boolean;
  /**
   * The first failed condition in plain words, e.g. "has sent before (currentDirection was
   * sendonly)"; on a reusable candidate, null or the browser departure that makes it reusable.
   */
  reason: string | null;
  code: ReuseReasonCode | null;
}

/** What `addTrack(track)` would do now. */
export interface AddTrackPrediction {
  /** The transceiver addTrack will reuse; null for a new one (or a throw). */
  reuse: RTCRtpTransceiver | null;
  /** The exception addTrack will throw, if any. */
  throws: 'InvalidStateError' | 'InvalidAccessError' | null;
  /** One per transceiver, in getTransceivers() order. */
  candidates: ReuseCandidate[];
}

/** One local stream id and the senders associated with it. */
export interface LocalStreamRecord {
  id: string;
  tracks: MediaStreamTrack[];
  senders: RTCRtpSender[];
}

/** `streamadded` / `streamremoved`: once per remote stream, not once per track. */
export interface StreamEvent extends Event {
  readonly stream: MediaStream;
  /** True for a stream made to hold tracks that arrived with no stream. */
  readonly streamless: boolean;
}

/** A message between two negotiating peers: hand what `send` gets to the other side's `receive`. */
export type SignalMessage = { description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit | null };

export interface NegotiateOptions {
  /** On glare the polite side rolls its offer back and answers; the impolite side ignores the other's offer. */
  polite: boolean;
  /** Called with each message for the other side, over any transport (keep it in order). */
  send(message: SignalMessage): void;
  /** Restart ICE when the ICE or connection state turns `failed` (default true). */
  restartIceOnFailure?: boolean;
}

/** `negotiated`: one negotiation (offer/answer back to `stable`) is over. */
export interface NegotiatedEvent extends Event {
  /** Whose offer was answered. */
  readonly offerer: 'local' | 'remote';
  /** Offers that collided with this side's during it. */
  readonly collisions: number;
  /** This side's offers rolled back (polite side). */
  readonly rollbacks: number;
  /** The other side's offers ignored (impolite side). */
  readonly ignoredOffers: number;
  /** From `negotiationneeded` (or the other's offer arriving) to `stable`. */
  readonly durationMs: number;
}

/** `negotiationerror`: a step the negotiator took on its own failed (an offer, an ICE restart, `send`). */
export interface NegotiationErrorEvent extends Event {
  readonly error: unknown;
}

export interface PeerConnectionEventMap extends RTCPeerConnectionEventMap {
  streamadded: StreamEvent;
  streamremoved: StreamEvent;
  negotiated: NegotiatedEvent;
  negotiationerror: NegotiationErrorEvent;
}

export class PeerConnection extends RTCPeerConnection {
  constructor(configuration?: PeerConnectionConfiguration);

  /** addTrack, reporting whether a transceiver was reused and how its direction changed. */
  addTrackDetailed(track: MediaStreamTrack, ...streams: MediaStream[]): AddTrackOutcome;
  /** What addTrack(track) would do, with a reason per transceiver. */
  predictAddTrack(track: MediaStreamTrack): AddTrackPrediction;
  /** Whether the transceiver's currentDirection has ever been sendrecv or sendonly. */
  hasSent(senderOrTransceiver: RTCRtpSender | RTCRtpTransceiver): boolean;
  /** The stream ids the sender was associated with, in order. */
  streamIdsOf(sender: RTCRtpSender): string[];
  /** `sender.setStreams(...streams)`, recorded for streamIdsOf / localStreams. */
  setSenderStreams(sender: RTCRtpSender, ...streams: MediaStream[]): void;
  /** One record per local stream id. */
  localStreams(): LocalStreamRecord[];
  /** The remote streams, grouped by stream id, in order of first arrival. */
  remoteStreams(): MediaStream[];
  /** Whether a remote stream is a group made for streamless tracks. */
  isStreamless(stream: MediaStream): boolean;
  streamlessPolicy: StreamlessPolicy;
  /**
   * Perfect negotiation, done by the library: offers on `negotiationneeded` (one at a time),
   * handles glare by rollback (polite) or by ignoring (impolite), queues candidates that come
   * before their description, restarts ICE on failure. Once per connection (`InvalidStateError`
   * again, or when closed); `close()` ends it.
   */
  negotiate(options: NegotiateOptions): void;
  /** A message from the other side's `send`; resolves once handled, in order of arrival. */
  receive(message: SignalMessage): Promise<void>;
  /** The native object: this connection is one. */
  readonly native: RTCPeerConnection;

  onstreamadded: ((this: PeerConnection, ev: StreamEvent) => unknown) | null;
  onstreamremoved: ((this: PeerConnection, ev: StreamEvent) => unknown) | null;
  onnegotiated: ((this: PeerConnection, ev: NegotiatedEvent) => unknown) | null;
  onnegotiationerror: ((this: PeerConnection, ev: NegotiationErrorEvent) => unknown) | null;

  addEventListener<K extends keyof PeerConnectionEventMap>(
    type: K,
    listener: (this: PeerConnection, ev: PeerConnectionEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof PeerConnectionEventMap>(
    type: K,
    listener: (this: PeerConnection, ev: PeerConnectionEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** `element.srcObject = stream` (with autoplay); safe to call repeatedly; null detaches. */
export function attachStream(element: HTMLMediaElement, stream: MediaStream | null): void;
