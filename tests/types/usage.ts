// Type test of the package's public declarations (pkg/rtc-peer.d.ts, via the package's own
// `exports`): correct usage must compile, every line after `// @ts-expect-error` must not, and no
// member this package adds may be typed `any`. Run by tests/page/types.test.mjs:
//   node_modules/.bin/tsc --noEmit -p tests/types
import { PeerConnection, attachStream } from 'rtc-peer';
import type {
  AddTrackOutcome, AddTrackPrediction, LocalStreamRecord, PeerConnectionConfiguration, PeerConnectionEventMap,
  ReuseCandidate, ReuseReasonCode, StreamEvent, StreamlessPolicy, SignalMessage,
  NegotiateOptions, NegotiatedEvent,
} from 'rtc-peer';
import { PeerConnection as WebPeerConnection, attachStream as webAttachStream } from 'rtc-peer/web';
import { PeerConnection as ByPath } from '../../pkg/rtc-peer.js';

// ----- type-level helpers -----------------------------------------------------------------------
type IsAny<T> = 0 extends 1 & T ? true : false;
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Assert<T extends true> = T;
/** Whether any element of a parameter tuple is `any`. */
type AnyParam<P extends unknown[]> = true extends { [I in keyof P]: IsAny<P[I]> }[number] ? true : false;
/** The keys of T whose type is `any`, or a function taking or returning `any`. */
type AnyKeys<T> = {
  [K in keyof T]-?: IsAny<T[K]> extends true ? K
    : NonNullable<T[K]> extends (...args: infer A) => infer R ? (IsAny<R> extends true ? K : AnyParam<A> extends true ? K : never)
    : never;
}[keyof T];

/** The members this package adds to RTCPeerConnection. */
type Extras = Exclude<keyof PeerConnection, keyof RTCPeerConnection> | 'addEventListener' | 'removeEventListener';

type _noAnyInExtras = Assert<Equals<AnyKeys<Pick<PeerConnection, Exclude<Extras, 'addEventListener' | 'removeEventListener'>>>, never>>;
type _noAnyInRecords = Assert<Equals<
  AnyKeys<AddTrackOutcome> | AnyKeys<AddTrackPrediction> | AnyKeys<ReuseCandidate> | AnyKeys<LocalStreamRecord>
  | AnyKeys<Omit<StreamEvent, keyof Event>> | AnyKeys<PeerConnectionConfiguration>
  | AnyKeys<NegotiateOptions> | AnyKeys<Omit<NegotiatedEvent, keyof Event>>, never>>;
type _extrasAreThese = Assert<Equals<Exclude<Extras, 'addEventListener' | 'removeEventListener'>,
  'addTrackDetailed' | 'predictAddTrack' | 'hasSent' | 'streamIdsOf' | 'setSenderStreams' | 'localStreams' | 'remoteStreams'
  | 'isStreamless' | 'streamlessPolicy' | 'native' | 'onstreamadded' | 'onstreamremoved'
  | 'negotiate' | 'receive' | 'onnegotiated' | 'onnegotiationerror'>>;

// Precise signatures.
type _addTrack = Assert<Equals<PeerConnection['addTrack'], (track: MediaStreamTrack, ...streams: MediaStream[]) => RTCRtpSender>>;
type _addTrackDetailed = Assert<Equals<PeerConnection['addTrackDetailed'], (track: MediaStreamTrack, ...streams: MediaStream[]) => AddTrackOutcome>>;
type _predict = Assert<Equals<PeerConnection['predictAddTrack'], (track: MediaStreamTrack) => AddTrackPrediction>>;
type _hasSent = Assert<Equals<PeerConnection['hasSent'], (senderOrTransceiver: RTCRtpSender | RTCRtpTransceiver) => boolean>>;
type _streamIdsOf = Assert<Equals<PeerConnection['streamIdsOf'], (sender: RTCRtpSender) => string[]>>;
type _setSenderStreams = Assert<Equals<PeerConnection['setSenderStreams'], (sender: RTCRtpSender, ...streams: MediaStream[]) => void>>;
type _localStreams = Assert<Equals<ReturnType<PeerConnection['localStreams']>, LocalStreamRecord[]>>;
type _remoteStreams = Assert<Equals<ReturnType<PeerConnection['remoteStreams']>, MediaStream[]>>;
type _isStreamless = Assert<Equals<PeerConnection['isStreamless'], (stream: MediaStream) => boolean>>;
type _policy = Assert<Equals<PeerConnection['streamlessPolicy'], 'shared' | 'per-track'>>;
type _native = Assert<Equals<PeerConnection['native'], RTCPeerConnection>>;
type _outcome = Assert<Equals<AddTrackOutcome, {
  sender: RTCRtpSender; transceiver: RTCRtpTransceiver; reused: boolean;
  directionBefore: RTCRtpTransceiverDirection | null; directionAfter: RTCRtpTransceiverDirection;
}>>;
type _throws = Assert<Equals<AddTrackPrediction['throws'], 'InvalidStateError' | 'InvalidAccessError' | null>>;
type _reuse = Assert<Equals<AddTrackPrediction['reuse'], RTCRtpTransceiver | null>>;
type _code = Assert<Equals<ReuseCandidate['code'], ReuseReasonCode | null>>;
// String literals (not `string`), at least the five the spec's conditions give.
type _codesAreLiterals = Assert<Equals<string extends ReuseReasonCode ? true : false, false>>;
type _baseCodes = Assert<Equals<Extract<ReuseReasonCode, 'has-track' | 'kind-mismatch' | 'stopped' | 'stopping' | 'has-sent'>,
  'has-track' | 'kind-mismatch' | 'stopped' | 'stopping' | 'has-sent'>>;
type _event = Assert<Equals<PeerConnectionEventMap['streamadded'], StreamEvent>>;
type _eventStream = Assert<Equals<StreamEvent['stream'], MediaStream>>;
type _config = Assert<Equals<PeerConnectionConfiguration['streamlessPolicy'], StreamlessPolicy | undefined>>;
type _ctor = Assert<Equals<ConstructorParameters<typeof PeerConnection>, [configuration?: PeerConnectionConfiguration]>>;
type _attach = Assert<Equals<typeof attachStream, (element: HTMLMediaElement, stream: MediaStream | null) => void>>;
// The three ways in give the same class.
type _web = Assert<Equals<typeof WebPeerConnection, typeof PeerConnection>>;
type _webAttach = Assert<Equals<typeof webAttachStream, typeof attachStream>>;
type _path = Assert<Equals<typeof ByPath, typeof PeerConnection>>;

// ----- correct usage compiles --------------------------------------------------------------------
declare const track: MediaStreamTrack;
declare const stream: MediaStream;
declare const video: HTMLVideoElement;
declare const div: HTMLDivElement;

export async function correct(): Promise<void> {
  const pc = new PeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1' }], streamlessPolicy: 'per-track' });
  const plain: RTCPeerConnection = pc; // a drop-in
  const none = new PeerConnection();
  none.close();
  const sender: RTCRtpSender = pc.addTrack(track, stream, stream);
  pc.addTrack(track);
  const t: RTCRtpTransceiver = pc.addTransceiver('audio', { direction: 'recvonly', streams: [stream] });
  const outcome = pc.addTrackDetailed(track, stream);
  const reused: boolean = outcome.reused;
  const before: RTCRtpTransceiverDirection | null = outcome.directionBefore;
  const prediction = pc.predictAddTrack(track);
  if (prediction.throws === 'InvalidAccessError' || prediction.reuse === t) {
    for (const c of prediction.candidates) {
      const why: string | null = c.reason;
      if (c.code === 'has-sent' && c.reusable === false && why !== null) c.transceiver.stop();
    }
  }
  const sent: boolean = pc.hasSent(sender) || pc.hasSent(t);
  const ids: string[] = pc.streamIdsOf(sender);
  pc.setSenderStreams(sender, stream);
  pc.setSenderStreams(sender);
  for (const record of pc.localStreams()) {
    const id: string = record.id;
    const tracks: MediaStreamTrack[] = record.tracks;
    const senders: RTCRtpSender[] = record.senders;
    void [id, tracks, senders];
  }
  const remote: MediaStream[] = pc.remoteStreams();
  const streamless: boolean = pc.isStreamless(remote[0]!);
  const policy: StreamlessPolicy = pc.streamlessPolicy;
  pc.streamlessPolicy = policy === 'shared' ? 'per-track' : 'shared';
  const native: RTCPeerConnection = pc.native;
  pc.onstreamadded = function (e) {
    const self: PeerConnection = this;
    const s: MediaStream = e.stream;
    const flag: boolean = e.streamless;
    attachStream(video, s);
    void [self, flag];
  };
  pc.onstreamremoved = null;
  pc.addEventListener('streamadded', (e) => { const s: MediaStream = e.stream; void s; });
  pc.addEventListener('streamremoved', (e) => { const b: boolean = e.streamless; void b; }, { once: true });
  pc.addEventListener('track', (e) => { const r: RTCRtpReceiver = e.receiver; void r; });
  pc.addEventListener('custom-event', (e: Event) => { void e; });
  pc.ontrack = (e) => { const streams: readonly MediaStream[] = e.streams; void streams; };
  attachStream(video, null);
  await pc.setLocalDescription(await pc.createOffer());
  const stats: RTCStatsReport = await pc.getStats();
  const web = new WebPeerConnection({ streamlessPolicy: 'shared' });
  const sameClass: PeerConnection = web;
  void [plain, reused, before, sent, ids, streamless, native, stats, sameClass];
}

// ----- wrong usage does not ----------------------------------------------------------------------
export function wrong(pc: PeerConnection, sender: RTCRtpSender, t: RTCRtpTransceiver): void {
  // @ts-expect-error a string is not a track
  pc.addTrack('x');
  // @ts-expect-error a string is not a stream
  pc.addTrack(track, 'x');
  // @ts-expect-error a track is not a stream
  pc.addTrack(track, track);
  // @ts-expect-error a stream is not a track
  pc.addTrack(stream);
  // @ts-expect-error the track is required
  pc.addTrack();
  // @ts-expect-error a number is neither a track nor a kind
  pc.addTransceiver(42);
  // @ts-expect-error not a StreamlessPolicy
  pc.streamlessPolicy = 'bogus';
  // @ts-expect-error not a StreamlessPolicy
  new PeerConnection({ streamlessPolicy: 'bogus' });
  // @ts-expect-error a stream is not a track
  pc.predictAddTrack(stream);
  // @ts-expect-error a stream is not a track
  pc.addTrackDetailed(stream);
  // @ts-expect-error a string is not a stream
  pc.addTrackDetailed(track, 'x');
  // @ts-expect-error a track is neither a sender nor a transceiver
  pc.hasSent(track);
  // @ts-expect-error a transceiver is not a sender
  pc.streamIdsOf(t);
  // @ts-expect-error a track is not a stream
  pc.setSenderStreams(sender, track);
  // @ts-expect-error a track is not a stream
  pc.isStreamless(track);
  // @ts-expect-error read-only
  pc.native = new RTCPeerConnection();
  // @ts-expect-error StreamEvent has no such member
  pc.onstreamadded = (e) => e.nonexistent;
  // @ts-expect-error StreamEvent has no track (that is the native track event)
  pc.addEventListener('streamadded', (e) => e.track);
  // @ts-expect-error reused is a boolean
  const s: string = pc.addTrackDetailed(track).reused;
  // @ts-expect-error a remote stream is not a track
  const tr: MediaStreamTrack = pc.remoteStreams()[0]!;
  // @ts-expect-error ids are strings
  const n: number[] = pc.streamIdsOf(sender);
  // @ts-expect-error addTrack's exceptions are InvalidStateError or InvalidAccessError
  if (pc.predictAddTrack(track).throws === 'TypeError') return;
  // @ts-expect-error not a ReuseReasonCode
  if (pc.predictAddTrack(track).candidates[0]?.code === 'bogus') return;
  // @ts-expect-error a div is not a media element
  attachStream(div, stream);
  // @ts-expect-error a track is not a stream
  attachStream(video, track);
  // @ts-expect-error hasSent returns a boolean
  pc.hasSent(sender).length;
  // @ts-expect-error negotiate needs send
  pc.negotiate({ polite: true });
  // @ts-expect-error a message is a description or a candidate
  void pc.receive({ sdp: 'v=0' });
  // @ts-expect-error offerer is 'local' or 'remote'
  pc.onnegotiated = (e) => e.offerer === 'both';
  void [s, tr, n];
}

/** Perfect negotiation over any transport: a WebSocket here. */
export function negotiateOver(pc: PeerConnection, socket: WebSocket, polite: boolean): void {
  pc.negotiate({ polite, send: (message) => socket.send(JSON.stringify(message)) });
  socket.onmessage = ({ data }) => void pc.receive(JSON.parse(String(data)) as SignalMessage).catch(console.error);
  pc.addEventListener('negotiated', (e) => console.log(e.offerer, e.collisions, e.rollbacks, e.ignoredOffers, e.durationMs));
  pc.onnegotiationerror = (e) => console.error(e.error);
}
