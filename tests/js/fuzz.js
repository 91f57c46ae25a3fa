// Seeded fuzz / parity harness: thousands of generated calls, with wrong values, to every public JS
// member of PeerConnection, each applied to a native RTCPeerConnection and to a PeerConnection in
// the same state.
//
// - Native members (inherited or overridden): both sides must throw/reject with the same error
//   `name` (and DOMException-ness), or both succeed with equivalent results; afterwards both
//   connections of both sides must be in equivalent states.
// - Extra members with a native equivalent (`addTrackDetailed` ~ `addTrack`, `setSenderStreams` ~
//   `sender.setStreams`): the same parity, plus the shape of the extra result.
// - Extra members with no native equivalent: success with a result of the documented shape, or a
//   TypeError (or the documented DOMException); never a `RuntimeError` (a wasm trap), never a
//   non-Error throw, never a promise that does not settle.
//
// - Also: wrong receivers (`PC.prototype.m.call(junk)`), the constructor, synthetic events into the
//   wrapper's own listeners (`dispatchEvent`), re-entrant calls from inside its events, exceptions
//   that escape to the page, `predictAddTrack` against what `addTrack` then did, and string results
//   against the unions declared in js/rtc-peer.d.ts (tests/fuzz.rs passes them in).
// - Each pair of connections is retired after a while; before that, unless closed, it must still
//   negotiate (with a new track arriving through `streamadded`) wherever the native pair can. At
//   the end a fresh wrapped pair must make a connected call.
//
// Arguments are generated as symbolic references ("sender 1 of the other connection", "the last
// offer this connection created", constant 42, ...) and resolved on each side separately, so the
// generated sequence depends only on the seed. Every promise is raced against a timeout. A fixed
// prelude (negative call indices) runs first whatever the seed: cases that once exposed bugs.
// Failures are grouped (first of each kind in full, with the calls before it; the rest counted).
import { audioTrack, videoTrack, negotiate, connectIce, until, waitFor } from './media.js';
// Re-exported for the test binary, which then imports one module fewer at once: the test runner's
// server (tiny_http 0.12) can leave a connection of such a burst unserved, and the page never
// loads (scripts/test.sh, browser_tests).
export { cleanup } from './media.js';

const TIMEOUT_MS = 5000;
const RESET_EVERY = 150; // calls per pair of connections (each side) before fresh ones
const MAX_TRANSCEIVERS = 14;
const MAX_FAILURES = 30; // distinct
const MAX_TOTAL_FAILURES = 500;

// ----- PRNG (mulberry32) -----------------------------------------------------------------------

function prng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** Picks from [[weight, value], ...]. */
    weighted(list) {
      const total = list.reduce((a, [w]) => a + w, 0);
      let x = next() * total;
      for (const [w, v] of list) {
        if ((x -= w) < 0) return v;
      }
      return list[list.length - 1][1];
    },
  };
  return r;
}

// ----- shared values (the same objects on both sides) ------------------------------------------

// The string unions of the public declarations (js/rtc-peer.d.ts); tests/fuzz.rs reads them from
// that file and passes them in, so these defaults only serve a direct JS caller.
let VALID_POLICIES = ['shared', 'per-track'];
let REUSE_CODES = ['has-track', 'kind-mismatch', 'stopped', 'stopping', 'has-sent'];
let THROWS = ['InvalidStateError', 'InvalidAccessError'];

function makeConstants() {
  const throwing = {};
  Object.defineProperty(throwing, 'type', { get() { throw new RangeError('getter threw'); }, enumerable: true });
  Object.defineProperty(throwing, 'direction', { get() { throw new RangeError('getter threw'); }, enumerable: true });
  Object.defineProperty(throwing, 'streamlessPolicy', { get() { throw new RangeError('getter threw'); }, enumerable: true });
  const fnWithProps = function named() {};
  fnWithProps.type = 'offer';
  return [
    ['undefined', undefined], ['null', null], ['0', 0], ['-1', -1], ['42', 42], ['NaN', NaN], ['Infinity', Infinity],
    ['2**53', 2 ** 53], ['1000', 1000], ['1001', 1001], ['""', ''], ['"x"', 'x'], ['"audio"', 'audio'], ['"video"', 'video'], ['"sendonly"', 'sendonly'],
    ['"recvonly"', 'recvonly'], ['"inactive"', 'inactive'], ['"stopped"', 'stopped'], ['"sendrecv"', 'sendrecv'],
    ['"offer"', 'offer'], ['"answer"', 'answer'], ['"pranswer"', 'pranswer'], ['"rollback"', 'rollback'], ['"shared"', 'shared'],
    ['"per-track"', 'per-track'], ['"bogus"', 'bogus'], ['"PER-TRACK"', 'PER-TRACK'], ['long string', 'x'.repeat(70000)],
    ['true', true], ['false', false], ['{}', {}], ['[]', []], ['[1,2]', [1, 2]], ['[null]', [null]],
    ['Symbol()', Symbol('fuzz')], ['10n', 10n], ['() => {}', () => {}], ['function with props', fnWithProps],
    ['{toString: "per-track"}', { toString() { return 'per-track'; } }], ['{toString: "audio"}', { toString() { return 'audio'; } }],
    ['{valueOf: 7}', { valueOf() { return 7; } }], ['Object.create(null)', Object.create(null)], ['new Date(0)', new Date(0)],
    ['/re/', /re/], ['new Error()', new Error('e')], ['new Proxy({}, {})', new Proxy({}, {})],
    ['{throwing getters}', throwing], ['new ArrayBuffer(8)', new ArrayBuffer(8)], ['new Uint8Array(4)', new Uint8Array(4)],
    ['window', globalThis], ['document.body', document.body], ['new Event("x")', new Event('x')],
  ];
}

function makeMedia() {
  const a = [audioTrack(), audioTrack()];
  const v = [videoTrack(), videoTrack()];
  const endedA = audioTrack();
  endedA.stop();
  const endedV = videoTrack();
  endedV.stop();
  const tracks = [['audio0', a[0]], ['audio1', a[1]], ['audio0.clone', a[0].clone()], ['video0', v[0]], ['video1', v[1]],
    ['ended audio', endedA], ['ended video', endedV]];
  const streams = [['empty stream', new MediaStream()], ['stream(audio0)', new MediaStream([a[0]])],
    ['stream(video0)', new MediaStream([v[0]])], ['stream(audio1, video1)', new MediaStream([a[1], v[1]])],
    ['another empty stream', new MediaStream()]];
  return { tracks, streams };
}

/** Offers made once by a helper connection; the same SDP text is given to both sides. */
async function makeFixedSdp(media) {
  const out = [];
  const mk = async (label, setup) => {
    const pc = new RTCPeerConnection();
    setup(pc);
    const o = await pc.createOffer();
    out.push([label, o.sdp]);
    pc.close();
  };
  const [a0, a1] = [media.tracks[0][1], media.tracks[1][1]];
  const v0 = media.tracks[3][1];
  const sAV = media.streams[3][1];
  await mk('offer av in stream', (pc) => { pc.addTrack(a1, sAV); pc.addTrack(v0, sAV); });
  await mk('offer streamless audio', (pc) => { pc.addTrack(a0); });
  await mk('offer audio in two streams', (pc) => { pc.addTrack(a0, media.streams[1][1], media.streams[0][1]); });
  await mk('offer recvonly audio+video', (pc) => { pc.addTransceiver('audio', { direction: 'recvonly' }); pc.addTransceiver('video', { direction: 'recvonly' }); });
  await mk('offer datachannel', (pc) => { pc.createDataChannel('d'); });
  await mk('offer 3 tracks mixed', (pc) => { pc.addTrack(a0); pc.addTrack(a1, sAV); pc.addTransceiver(v0, { streams: [media.streams[4][1]] }); pc.createDataChannel('x'); });
  const derived = [];
  for (const [label, sdp] of out.slice(0, 2)) {
    derived.push([`${label} truncated`, sdp.slice(0, Math.floor(sdp.length / 2))]);
    derived.push([`${label} LF only`, sdp.replace(/\r\n/g, '\n')]);
    derived.push([`${label} no fingerprint`, sdp.replace(/a=fingerprint:[^\r\n]*\r\n/g, '')]);
    derived.push([`${label} m=text`, sdp.replace(/m=audio/g, 'm=text')]);
    derived.push([`${label} msid junk`, sdp.replace(/a=msid:[^\r\n]*/g, 'a=msid:{}{} ')]);
  }
  out.push(...derived, ['garbage', 'garbage'], ['v=0 only', 'v=0\r\n'], ['empty', '']);
  return out;
}

// ----- symbolic arguments ----------------------------------------------------------------------
// A ref is a plain object { k, ... }; resolve(ref, side, target) gives the value on one side.

const CANDIDATES = [
  { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 9 typ host', sdpMid: '0' },
  { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 9 typ host', sdpMLineIndex: 0 },
  { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 9 typ host', sdpMid: '999' },
  { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 9 typ host', sdpMLineIndex: 99 },
  { candidate: '', sdpMid: '0' },
  { candidate: 'garbage', sdpMid: '0' },
  { candidate: 'x', sdpMid: null, sdpMLineIndex: null },
  { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 9 typ host', sdpMid: '0', usernameFragment: 'nope' },
];

const OTHER = (t) => 1 - t;

function resolve(ref, side, t) {
  const pcOf = (sel) => side.pcs[sel === 'self' ? t : OTHER(t)];
  const nth = (list, i) => (list.length ? list[i % list.length] : undefined);
  switch (ref.k) {
    case 'c': return side.shared.constants[ref.i][1];
    case 'track': return side.shared.media.tracks[ref.i][1];
    case 'stream': return side.shared.media.streams[ref.i][1];
    case 'remoteTrack': return nth(pcOf(ref.pc).getReceivers().map((r) => r.track), ref.i);
    case 'remoteStream': return nth(side.seenStreams[ref.pc === 'self' ? t : OTHER(t)], ref.i);
    case 'sender': return nth(pcOf(ref.pc).getSenders(), ref.i);
    case 'transceiver': return nth(pcOf(ref.pc).getTransceivers(), ref.i);
    case 'receiver': return nth(pcOf(ref.pc).getReceivers(), ref.i);
    case 'pc': return pcOf(ref.pc);
    case 'closedPc': return side.closedPc;
    case 'otherClassPc': return side.otherClassPc;
    case 'lastCreated': return side.lastCreated[ref.pc === 'self' ? t : OTHER(t)] ?? undefined;
    // The current descriptions without candidate lines: those depend on how far gathering got.
    case 'localDesc': return withoutCandidates(safe(() => pcOf(ref.pc).localDescription, null));
    case 'remoteDesc': return withoutCandidates(safe(() => pcOf(ref.pc).remoteDescription, null));
    case 'munged': {
      const d = side.lastCreated[ref.pc === 'self' ? t : OTHER(t)];
      if (!d) return { type: ref.type, sdp: '' };
      return { type: ref.type ?? d.type, sdp: MUNGES[ref.m][1](d.sdp) };
    }
    case 'fixedSdp': return side.shared.fixedSdp[ref.i][1];
    case 'candidate': return CANDIDATES[ref.i];
    case 'eventTypeName': return ref.name;
    case 'iceCandidateObj': return new RTCIceCandidate(CANDIDATES[0]);
    case 'sessionDescObj': return new RTCSessionDescription({ type: 'offer', sdp: side.shared.fixedSdp[ref.i][1] });
    case 'legacyCb': return side.callback(ref.name);
    case 'handler': return side.handler(ref.name, ref.reentrant);
    case 'handleEventObj': return { handleEvent() {} };
    case 'event': {
      // A synthetic event; for `track`, optionally with the members of a real RTCTrackEvent.
      const e = new Event(ref.type);
      for (const [key, r] of ref.fields ?? []) Object.defineProperty(e, key, { value: resolve(r, side, t), enumerable: true });
      return e;
    }
    case 'dict': {
      const o = {};
      for (const [key, r] of ref.entries) o[key] = resolve(r, side, t);
      return o;
    }
    case 'array': return ref.items.map((r) => resolve(r, side, t));
    default: throw new Error(`unknown ref ${ref.k}`);
  }
}

function withoutCandidates(d) {
  if (!d) return d;
  return { type: d.type, sdp: d.sdp.replace(/^a=(candidate|end-of-candidates)[^\r\n]*\r\n/gm, '') };
}

const MUNGES = [
  ['drop fingerprint', (s) => s.replace(/a=fingerprint:[^\r\n]*\r\n/g, '')],
  ['mid 0 -> 7', (s) => s.replace(/a=mid:0/g, 'a=mid:7')],
  ['drop setup', (s) => s.replace(/a=setup:[^\r\n]*\r\n/g, '')],
  ['ufrag changed', (s) => s.replace(/a=ice-ufrag:[^\r\n]*/g, 'a=ice-ufrag:abcd')],
  ['msid removed', (s) => s.replace(/a=msid:[^\r\n]*\r\n/g, '')],
  ['sendrecv -> inactive', (s) => s.replace(/a=sendrecv/g, 'a=inactive')],
  ['first 60% of the lines', (s) => { const l = s.split('\r\n'); return l.slice(0, Math.floor(l.length * 0.6)).join('\r\n'); }],
  ['unchanged', (s) => s],
];

function describe(ref, shared) {
  switch (ref.k) {
    case 'c': return shared.constants[ref.i][0];
    case 'track': return `track(${shared.media.tracks[ref.i][0]})`;
    case 'stream': return shared.media.streams[ref.i][0];
    case 'remoteTrack': return `${ref.pc}.receivers[${ref.i}].track`;
    case 'remoteStream': return `${ref.pc}.remoteStream[${ref.i}]`;
    case 'sender': case 'transceiver': case 'receiver': return `${ref.pc}.${ref.k}s[${ref.i}]`;
    case 'pc': return `${ref.pc} (connection)`;
    case 'closedPc': return 'a closed connection';
    case 'otherClassPc': return 'a connection of the other class';
    case 'lastCreated': return `${ref.pc}.lastCreated`;
    case 'localDesc': return `${ref.pc}.localDescription (no candidates)`;
    case 'remoteDesc': return `${ref.pc}.remoteDescription (no candidates)`;
    case 'munged': return `{type:${ref.type ?? `${ref.pc}.lastCreated.type`}, sdp: ${ref.pc}.lastCreated.sdp (${MUNGES[ref.m][0]})}`;
    case 'fixedSdp': return `sdp(${shared.fixedSdp[ref.i][0]})`;
    case 'candidate': return JSON.stringify(CANDIDATES[ref.i]);
    case 'eventTypeName': return JSON.stringify(ref.name);
    case 'iceCandidateObj': return 'new RTCIceCandidate(host)';
    case 'sessionDescObj': return `new RTCSessionDescription(offer ${shared.fixedSdp[ref.i][0]})`;
    case 'legacyCb': return `callback(${ref.name})`;
    case 'handler': return `handler(${ref.name}${ref.reentrant ? ', re-entrant' : ''})`;
    case 'handleEventObj': return '{handleEvent}';
    case 'event': return `new Event(${JSON.stringify(ref.type)}${ref.fields?.length ? ` + {${ref.fields.map(([k, r]) => `${k}: ${describe(r, shared)}`).join(', ')}}` : ''})`;
    case 'protoOnly': return 'Object.create(PC.prototype)';
    case 'dict': return `{${ref.entries.map(([k, r]) => `${k}: ${describe(r, shared)}`).join(', ')}}`;
    case 'array': return `[${ref.items.map((r) => describe(r, shared)).join(', ')}]`;
    default: return `?${ref.k}`;
  }
}

// ----- generators ------------------------------------------------------------------------------

function generators(rng, shared) {
  const nConst = shared.constants.length;
  const constIdx = (label) => {
    const i = shared.constants.findIndex(([l]) => l === label);
    if (i < 0) throw new Error(`fuzz.js: no constant ${label}`);
    return i;
  };
  const C = (label) => ({ k: 'c', i: constIdx(label) });
  const sel = () => (rng.chance(0.75) ? 'self' : 'other');
  const g = { C };
  g.junk = () => ({ k: 'c', i: rng.int(nConst) });
  g.track = () => rng.weighted([
    [8, { k: 'track', i: rng.int(shared.media.tracks.length) }],
    [1, { k: 'remoteTrack', pc: sel(), i: rng.int(4) }],
  ]);
  g.stream = () => rng.weighted([
    [8, { k: 'stream', i: rng.int(shared.media.streams.length) }],
    [2, { k: 'remoteStream', pc: sel(), i: rng.int(3) }],
  ]);
  g.sender = () => ({ k: 'sender', pc: sel(), i: rng.int(5) });
  g.transceiver = () => ({ k: 'transceiver', pc: sel(), i: rng.int(5) });
  // Descriptions for setLocalDescription (owner 'self') or setRemoteDescription (owner 'other').
  // Never a connection's own description as its remote one, nor another's as its local one:
  // Chrome's WebRTC hits a CHECK (media_session.cc "IsMediaContentOfType(offer_content, ...)") and
  // the tab crashes on some such sequences; that is the browser's bug, out of this library's reach.
  g.desc = (owner = 'self') => rng.weighted([
    [6, { k: 'lastCreated', pc: owner }],
    [2, { k: 'localDesc', pc: owner }],
    [2, { k: 'remoteDesc', pc: owner === 'self' ? 'other' : 'self' }],
    [3, { k: 'munged', pc: owner, m: rng.int(MUNGES.length), type: rng.pick([undefined, 'offer', 'answer', 'pranswer']) }],
    [1, { k: 'dict', entries: [['type', C('"pranswer"')], ['sdp', { k: 'lastCreated', pc: owner }]] }],
    [6, g.fixedDesc()],
  ]);
  /** A description from the fixed SDP texts (made by a helper connection; fine for either side). */
  g.fixedDesc = () => rng.weighted([
    [4, { k: 'dict', entries: [['type', C(rng.pick(['"offer"', '"answer"', '"rollback"', '"bogus"', '""']))], ['sdp', { k: 'fixedSdp', i: rng.int(shared.fixedSdp.length) }]] }],
    [1, { k: 'dict', entries: [['type', C('"rollback"')]] }],
    [1, { k: 'dict', entries: [['sdp', { k: 'fixedSdp', i: rng.int(shared.fixedSdp.length) }]] }],
    [1, { k: 'sessionDescObj', i: rng.int(6) }],
  ]);
  g.config = () => {
    const entries = [];
    const n = rng.int(3);
    for (let i = 0; i < n; i++) {
      entries.push(rng.pick([
        () => ['bundlePolicy', C(rng.pick(['"bogus"', '"x"']))],
        () => ['bundlePolicy', { k: 'c', i: constIdx(rng.pick(['"shared"', 'undefined'])) }],
        () => ['iceServers', { k: 'array', items: [{ k: 'dict', entries: [['urls', C(rng.pick(['"x"', '[]', '42', 'undefined']))]] }] }],
        () => ['iceServers', { k: 'c', i: constIdx(rng.pick(['[]', '{}', '42', 'null'])) }],
        () => ['iceTransportPolicy', C(rng.pick(['"bogus"', 'undefined']))],
        () => ['rtcpMuxPolicy', C(rng.pick(['"bogus"', 'undefined']))],
        () => ['iceCandidatePoolSize', C(rng.pick(['0', '-1', 'NaN', '42', '2**53']))],
        () => ['certificates', g.junk()],
        () => ['streamlessPolicy', rng.chance(0.5) ? C(rng.pick(['"shared"', '"per-track"'])) : g.junk()],
        () => [rng.pick(['bundlePolicy', 'iceServers', 'streamlessPolicy', 'sdpSemantics']), g.junk()],
      ])());
    }
    if (rng.chance(0.15)) entries.push(['iceServers', { k: 'array', items: [{ k: 'dict', entries: [['urls', C('"x"')]] }] }]);
    return rng.weighted([[8, { k: 'dict', entries }], [2, g.junk()], [1, { k: 'c', i: constIdx('{throwing getters}') }]]);
  };
  g.any = () => rng.weighted([
    [6, g.junk()], [3, g.track()], [3, g.stream()], [2, g.sender()], [2, g.transceiver()],
    [1, { k: 'receiver', pc: sel(), i: rng.int(4) }], [1, { k: 'pc', pc: sel() }], [1, { k: 'closedPc' }],
    [1, { k: 'otherClassPc' }], [1, g.fixedDesc()], [1, { k: 'candidate', i: rng.int(CANDIDATES.length) }],
    [1, { k: 'legacyCb', name: rng.pick(['a', 'b']) }], [1, { k: 'array', items: [g.stream()] }],
  ]);
  /** An argument list: each parameter plausible with probability p, sometimes missing or extra ones. */
  g.args = (params, p = 0.7) => {
    let n = params.length;
    const r = rng.next();
    if (r < 0.12) n = rng.int(n + 1); // missing arguments
    else if (r < 0.2) n += 1 + rng.int(2); // extra arguments
    const out = [];
    for (let i = 0; i < n; i++) {
      const f = params[i];
      out.push(f && rng.chance(p) ? f() : g.any());
    }
    return out;
  };
  g.streams = () => {
    const n = rng.weighted([[3, 0], [4, 1], [2, 2], [1, 3]]);
    return Array.from({ length: n }, () => (rng.chance(0.8) ? g.stream() : g.any()));
  };
  g.transceiverInit = () => {
    const entries = [];
    if (rng.chance(0.6)) entries.push(['direction', rng.chance(0.7) ? C(rng.pick(['"sendonly"', '"recvonly"', '"inactive"', '"sendrecv"', '"stopped"', '"bogus"'])) : g.junk()]);
    if (rng.chance(0.5)) entries.push(['streams', rng.weighted([[5, { k: 'array', items: g.streams() }], [1, g.stream()], [1, { k: 'array', items: [g.track()] }], [1, g.junk()]])]);
    if (rng.chance(0.2)) entries.push(['sendEncodings', rng.pick([
      { k: 'array', items: [{ k: 'dict', entries: [['rid', C('"x"')]] }, { k: 'dict', entries: [['rid', C('"x"')]] }] },
      { k: 'array', items: [{ k: 'dict', entries: [['active', C('false')]] }] },
      { k: 'array', items: [{ k: 'dict', entries: [['scaleResolutionDownBy', C('-1')]] }] },
      g.junk(),
    ])]);
    return rng.weighted([[8, { k: 'dict', entries }], [1, g.junk()], [1, { k: 'c', i: constIdx('{throwing getters}') }]]);
  };
  g.offerOptions = () => rng.weighted([
    [3, { k: 'dict', entries: [] }],
    [2, { k: 'dict', entries: [['iceRestart', C(rng.pick(['true', 'false', '42']))]] }],
    [1, { k: 'dict', entries: [['offerToReceiveAudio', C(rng.pick(['true', '0', '42']))], ['offerToReceiveVideo', g.junk()]] }],
    [1, { k: 'dict', entries: [['voiceActivityDetection', g.junk()]] }],
    [2, { k: 'legacyCb', name: 'success' }],
    [2, g.junk()],
  ]);
  g.dcInit = () => rng.weighted([
    [3, { k: 'dict', entries: [] }],
    [1, { k: 'dict', entries: [['ordered', g.junk()]] }],
    [1, { k: 'dict', entries: [['id', C(rng.pick(['1000', '-1', 'NaN', '2**53']))]] }],
    [1, { k: 'dict', entries: [['negotiated', C('true')]] }],
    // (ids far above the ones the browser allocates, which depend on when the DTLS role is known)
    [1, { k: 'dict', entries: [['negotiated', C('true')], ['id', C(rng.pick(['1000', '1001']))]] }],
    [1, { k: 'dict', entries: [['maxRetransmits', C('0')], ['maxPacketLifeTime', C('42')]] }],
    [1, { k: 'dict', entries: [['protocol', C(rng.pick(['long string', '"x"']))]] }],
    [2, g.junk()],
  ]);
  g.kind = () => C(rng.pick(['"audio"', '"video"', '"audio"', '"video"', '"x"', '""']));
  g.policy = () => C(rng.pick(['"shared"', '"per-track"', '"bogus"', '"PER-TRACK"', '""']));
  g.eventType = () => rng.weighted([
    [4, C(rng.pick(['"x"', '""']))], [2, { k: 'c', i: constIdx('"audio"') }],
    [4, { k: 'eventTypeName', name: rng.pick(['track', 'signalingstatechange', 'streamadded', 'streamremoved', 'negotiationneeded']) }],
    [1, g.junk()],
  ]);
  g.listener = () => rng.weighted([
    [4, { k: 'handler', name: rng.pick(['h1', 'h2']), reentrant: rng.chance(0.5) }], [1, { k: 'handleEventObj' }],
    [2, C(rng.pick(['null', 'undefined', '42', '"x"', 'true', 'Symbol()']))],
  ]);
  g.event = () => {
    const type = rng.pick(['track', 'track', 'track', 'signalingstatechange', 'signalingstatechange', 'negotiationneeded', 'x']);
    const fields = [];
    if (type === 'track' && rng.chance(0.7)) {
      if (rng.chance(0.8)) fields.push(['track', rng.chance(0.8) ? g.track() : g.any()]);
      if (rng.chance(0.8)) fields.push(['transceiver', rng.chance(0.8) ? g.transceiver() : g.any()]);
      if (rng.chance(0.6)) fields.push(['streams', rng.chance(0.7) ? { k: 'array', items: g.streams() } : g.any()]);
    }
    return { k: 'event', type, fields };
  };
  g.label = () => rng.weighted([[5, C('"x"')], [1, C('long string')], [3, g.junk()]]);
  g.iceCandidate = () => rng.weighted([
    [5, { k: 'candidate', i: rng.int(CANDIDATES.length) }], [1, { k: 'iceCandidateObj' }], [2, g.junk()],
  ]);
  g.handlerValue = () => rng.weighted([
    [4, { k: 'handler', name: rng.pick(['h1', 'h2']), reentrant: rng.chance(0.5) }], [1, { k: 'handleEventObj' }],
    [2, C('null')], [3, g.junk()],
  ]);
  g.receiver = () => rng.weighted([
    [2, C('undefined')], [1, C('null')], [1, C('42')], [1, C('{}')], [1, { k: 'otherClassPc' }],
    [1, { k: 'protoOnly' }],
  ]);
  return g;
}

// ----- the call table --------------------------------------------------------------------------

const NATIVE_HANDLERS = ['onnegotiationneeded', 'onicecandidate', 'onicecandidateerror', 'onsignalingstatechange',
  'oniceconnectionstatechange', 'onicegatheringstatechange', 'onconnectionstatechange', 'ontrack', 'ondatachannel'];
const EXTRA_METHODS = ['addTrackDetailed', 'predictAddTrack', 'hasSent', 'streamIdsOf', 'setSenderStreams', 'localStreams',
  'remoteStreams', 'isStreamless'];
const NATIVE_METHODS = ['addTrack', 'addTransceiver', 'removeTrack', 'createOffer', 'createAnswer', 'setLocalDescription',
  'setRemoteDescription', 'addIceCandidate', 'getStats', 'createDataChannel', 'setConfiguration', 'getConfiguration',
  'restartIce', 'close', 'getSenders', 'getReceivers', 'getTransceivers'];

/** Generates one call: { kind, method, t, args, ... } (no browser object involved). */
function generateCall(rng, g) {
  const t = rng.int(2);
  const kind = rng.weighted([
    [30, 'native'], [14, 'paired'], [16, 'extra'], [7, 'setter'], [4, 'receiver'], [3, 'ctor'], [3, 'negotiate'],
  ]);
  const call = { kind, t };
  switch (kind) {
    case 'native': {
      call.method = rng.weighted([
        [12, 'addTrack'], [9, 'addTransceiver'], [6, 'removeTrack'], [5, 'createOffer'], [4, 'createAnswer'],
        [6, 'setLocalDescription'], [6, 'setRemoteDescription'], [4, 'addIceCandidate'], [2, 'getStats'],
        [3, 'createDataChannel'], [3, 'setConfiguration'], [1, 'getConfiguration'], [1, 'restartIce'], [0.5, 'close'],
        [1, 'getSenders'], [1, 'getReceivers'], [1, 'getTransceivers'], [2, 'dispatchEvent'], [1, 'addEventListener'],
        [1, 'removeEventListener'],
      ]);
      const m = call.method;
      if (m === 'addTrack') call.args = rng.chance(0.8) ? [rng.chance(0.8) ? g.track() : g.any(), ...g.streams()] : g.args([g.track, g.stream]);
      else if (m === 'addTransceiver') call.args = g.args([() => (rng.chance(0.5) ? g.track() : rng.chance(0.8) ? g.kind() : g.junk()), g.transceiverInit]);
      else if (m === 'removeTrack') call.args = g.args([g.sender], 0.8);
      else if (m === 'createOffer' || m === 'createAnswer') call.args = rng.chance(0.15)
        ? [{ k: 'legacyCb', name: 'success' }, rng.chance(0.7) ? { k: 'legacyCb', name: 'failure' } : g.junk(), ...(rng.chance(0.3) ? [g.offerOptions()] : [])]
        : g.args([g.offerOptions]);
      else if (m === 'setLocalDescription' || m === 'setRemoteDescription') {
        const desc = () => g.desc(m === 'setLocalDescription' ? 'self' : 'other');
        call.args = rng.chance(0.1)
          ? [desc(), { k: 'legacyCb', name: 'success' }, rng.chance(0.7) ? { k: 'legacyCb', name: 'failure' } : g.junk()]
          : g.args([desc], 0.85);
      }
      else if (m === 'addIceCandidate') call.args = g.args([g.iceCandidate]);
      else if (m === 'getStats') call.args = g.args([() => (rng.chance(0.5) ? g.track() : C0())], 0.5).slice(0, 2);
      else if (m === 'createDataChannel') call.args = g.args([g.label, g.dcInit]);
      else if (m === 'setConfiguration') call.args = g.args([g.config], 0.85);
      else if (m === 'dispatchEvent') call.args = g.args([g.event], 0.85);
      // (never an object without handleEvent as a listener: the browser would rightly report a
      // TypeError each time the event fires, on both sides)
      else if (m === 'addEventListener' || m === 'removeEventListener') call.args = [g.eventType(), g.listener(), ...(rng.chance(0.5) ? [g.junk()] : [])].slice(0, rng.int(4));
      else call.args = g.args([], 0.5);
      break;
    }
    case 'paired': {
      call.method = rng.weighted([[3, 'addTrackDetailed'], [1, 'setSenderStreams']]);
      call.args = call.method === 'addTrackDetailed'
        ? (rng.chance(0.8) ? [rng.chance(0.85) ? g.track() : g.any(), ...g.streams()] : g.args([g.track, g.stream]))
        : (rng.chance(0.8) ? [rng.chance(0.85) ? g.sender() : g.any(), ...g.streams()] : g.args([g.sender, g.stream]));
      break;
    }
    case 'extra': {
      call.method = rng.weighted([
        [4, 'predictAddTrack'], [3, 'hasSent'], [3, 'streamIdsOf'], [2, 'localStreams'], [2, 'remoteStreams'],
        [3, 'isStreamless'], [2, 'get streamlessPolicy'], [2, 'get native'], [1, 'get onstreamadded'],
      ]);
      const m = call.method;
      if (m === 'predictAddTrack') call.args = g.args([g.track], 0.8);
      else if (m === 'hasSent') call.args = g.args([() => (rng.chance(0.5) ? g.sender() : g.transceiver())], 0.8);
      else if (m === 'streamIdsOf') call.args = g.args([g.sender], 0.8);
      else if (m === 'isStreamless') call.args = g.args([g.stream], 0.8);
      else call.args = rng.chance(0.2) ? [g.any()] : [];
      break;
    }
    case 'setter': {
      call.method = rng.weighted([
        [3, 'streamlessPolicy'], [3, 'onstreamadded'], [2, 'onstreamremoved'], [1, 'native'],
        [4, rng.pick(NATIVE_HANDLERS)], [1, rng.pick(['signalingState', 'localDescription', 'connectionState'])],
      ]);
      const m = call.method;
      if (m === 'streamlessPolicy') call.args = [rng.chance(0.4) ? g.policy() : g.junk()];
      else if (m.startsWith('on')) call.args = [g.handlerValue()];
      else call.args = [g.junk()];
      break;
    }
    case 'receiver': {
      call.method = rng.pick([...NATIVE_METHODS, ...EXTRA_METHODS, 'get streamlessPolicy', 'set streamlessPolicy',
        'get native', 'get onstreamadded', 'set onstreamadded', 'get onnegotiationneeded', 'set onnegotiationneeded']);
      call.receiver = g.receiver();
      call.args = g.args([g.any, g.any], 0.5);
      break;
    }
    case 'ctor': {
      call.method = rng.chance(0.9) ? 'new' : 'call without new';
      call.args = g.args([g.config], 0.85);
      break;
    }
    case 'negotiate': {
      call.method = 'negotiate';
      call.args = [];
      call.rollbackFirst = rng.chance(0.3);
      break;
    }
    default: break;
  }
  return call;

  function C0() { return { k: 'c', i: 0 }; }
}

/**
 * Calls made before the generated ones, whatever the seed: each once exposed a bug (or a case the
 * generator reaches only rarely), so the fixed-seed test keeps covering them. Negative indices.
 */
function makePrelude(g, shared) {
  const { C } = g;
  const track = (label) => ({ k: 'track', i: shared.media.tracks.findIndex(([l]) => l === label) });
  const dict = (entries) => ({ k: 'dict', entries });
  return [
    // The policy setter and the configuration member with values that are not strings.
    { kind: 'setter', t: 0, method: 'streamlessPolicy', args: [C('42')] },
    { kind: 'setter', t: 0, method: 'streamlessPolicy', args: [C('{toString: "per-track"}')] },
    { kind: 'setter', t: 0, method: 'streamlessPolicy', args: [C('Symbol()')] },
    { kind: 'setter', t: 0, method: 'streamlessPolicy', args: [C('null')] },
    { kind: 'ctor', t: 0, method: 'new', args: [dict([['streamlessPolicy', C('42')]])] },
    { kind: 'ctor', t: 0, method: 'new', args: [dict([['streamlessPolicy', C('"bogus"')]])] },
    { kind: 'ctor', t: 0, method: 'new', args: [dict([['streamlessPolicy', C('{toString: "per-track"}')]])] },
    // A transceiver made with direction "stopped" (Chrome: TypeError; Firefox: made, and reused).
    { kind: 'native', t: 0, method: 'addTransceiver', args: [C('"audio"'), dict([['direction', C('"stopped"')]])] },
    { kind: 'extra', t: 0, method: 'predictAddTrack', args: [track('audio1')] },
    { kind: 'paired', t: 0, method: 'addTrackDetailed', args: [track('audio1')] },
    // Synthetic events into the wrapper's own listeners, on an open and on a closed connection.
    { kind: 'native', t: 0, method: 'dispatchEvent', args: [{ k: 'event', type: 'track', fields: [['track', C('42')]] }] },
    { kind: 'native', t: 0, method: 'dispatchEvent', args: [{ k: 'event', type: 'track', fields: [['track', track('video1')], ['transceiver', { k: 'transceiver', pc: 'self', i: 0 }], ['streams', { k: 'array', items: [{ k: 'stream', i: 1 }] }]] }] },
    { kind: 'native', t: 0, method: 'dispatchEvent', args: [{ k: 'event', type: 'signalingstatechange', fields: [] }] },
    { kind: 'native', t: 1, method: 'close', args: [] },
    { kind: 'native', t: 1, method: 'dispatchEvent', args: [{ k: 'event', type: 'signalingstatechange', fields: [] }] },
    { kind: 'native', t: 1, method: 'dispatchEvent', args: [{ k: 'event', type: 'track', fields: [['track', track('audio0')], ['transceiver', { k: 'transceiver', pc: 'other', i: 0 }]] }] },
    { kind: 'extra', t: 1, method: 'remoteStreams', args: [] },
    { kind: 'extra', t: 1, method: 'localStreams', args: [] },
    { kind: 'paired', t: 1, method: 'addTrackDetailed', args: [track('audio0')] },
  ];
}

function describeCall(call, shared) {
  const args = call.args.map((r) => describe(r, shared)).join(', ');
  const who = call.t === 0 ? 'A' : 'B';
  switch (call.kind) {
    case 'setter': return `${who}.${call.method} = ${args}`;
    case 'receiver': return `PC.prototype.${call.method}.call(${describe(call.receiver, shared)}, ${args})`;
    case 'ctor': return `${call.method === 'new' ? 'new ' : ''}PC(${args})`;
    case 'after': return `${call.method} (after call #${call.index ?? '?'})`;
    case 'negotiate': return `negotiate ${who} -> ${call.t === 0 ? 'B' : 'A'}${call.rollbackFirst ? ' (rollback first)' : ''}`;
    case 'paired': return `${who}.${call.method}(${args})  [native: ${call.method === 'addTrackDetailed' ? `addTrack(${args})` : 'sender.setStreams(...)'}]`;
    default: return call.method.startsWith('get ') ? `${who}.${call.method.slice(4)}${args ? ` [${args}]` : ''}` : `${who}.${call.method}(${args})`;
  }
}

// ----- outcomes and summaries ------------------------------------------------------------------

function isError(e) {
  return e instanceof Error || e instanceof DOMException;
}

function errName(e) {
  if (!isError(e)) return `non-Error(${typeof e}: ${String(e)?.slice?.(0, 60)})`;
  return `${e.name}${e instanceof DOMException ? ' (DOMException)' : ''}`;
}

function timeout(ms) {
  let timer;
  const p = new Promise((resolve) => { timer = setTimeout(() => resolve({ kind: 'timeout' }), ms); });
  p.cancel = () => clearTimeout(timer);
  return p;
}

/** Runs f and returns { kind: 'ok'|'throw'|'resolve'|'reject'|'timeout', value?, error? }. */
async function outcome(f) {
  let v;
  try {
    v = f();
  } catch (e) {
    return { kind: 'throw', error: e };
  }
  if (v && typeof v.then === 'function') {
    const to = timeout(TIMEOUT_MS);
    const r = await Promise.race([
      Promise.resolve(v).then((value) => ({ kind: 'resolve', value }), (error) => ({ kind: 'reject', error })),
      to,
    ]);
    to.cancel();
    return r;
  }
  return { kind: 'ok', value: v };
}

function summary(v, pc, side) {
  try {
    return summaryOf(v, pc, side);
  } catch (e) {
    return `(unsummarizable: ${errName(e)})`; // e.g. an object whose getters throw
  }
}

function summaryOf(v, pc, side) {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 40 ? `string(${v.length})` : JSON.stringify(v);
  if (typeof v === 'symbol' || typeof v === 'bigint') return typeof v;
  if (typeof v !== 'object' && typeof v !== 'function') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => summary(x, pc, side)).join(', ')}]`;
  if (v instanceof RTCRtpSender) {
    const i = pc ? pc.getSenders().indexOf(v) : -2;
    return `sender#${i}(track ${trackLabel(v.track, side)})`;
  }
  if (v instanceof RTCRtpReceiver) return `receiver#${pc ? pc.getReceivers().indexOf(v) : -2}(${v.track.kind})`;
  if (v instanceof RTCRtpTransceiver) {
    const i = pc ? pc.getTransceivers().indexOf(v) : -2;
    return `transceiver#${i}(${v.mid}/${v.direction}/${v.currentDirection}/${v.receiver.track.kind})`;
  }
  if (v instanceof RTCSessionDescription || (typeof v.type === 'string' && 'sdp' in v)) {
    const m = typeof v.sdp === 'string' ? (v.sdp.match(/^m=\w+/gm) ?? []).join(' ') : '';
    return `desc(${v.type}: ${m})`;
  }
  if (v instanceof RTCDataChannel) return `datachannel(label ${v.label.length} ordered ${v.ordered} negotiated ${v.negotiated} protocol ${v.protocol.length} ${v.readyState})`;
  if (v instanceof RTCStatsReport) return 'RTCStatsReport';
  if (v instanceof RTCCertificate) return 'RTCCertificate';
  if (typeof v === 'function') return 'function';
  if ('iceServers' in v && 'bundlePolicy' in v) {
    return `config(${Object.keys(v).sort().join(',')}; ${v.bundlePolicy} ${v.rtcpMuxPolicy} ${v.iceTransportPolicy} pool ${v.iceCandidatePoolSize} ice ${JSON.stringify(v.iceServers)} certs ${v.certificates?.length})`;
  }
  return Object.prototype.toString.call(v);
}

function outcomeSummary(o, pc, side) {
  switch (o.kind) {
    case 'ok': return `returned ${summary(o.value, pc, side)}`;
    case 'resolve': return `resolved ${summary(o.value, pc, side)}`;
    case 'throw': return `threw ${errName(o.error)}`;
    case 'reject': return `rejected ${errName(o.error)}`;
    default: return 'did not settle';
  }
}

/** A track's name that is the same on both sides: shared tracks by label, remote ones by position. */
function trackLabel(track, side) {
  if (!track) return '-';
  const shared = side?.shared.media.tracks.find(([, t]) => t === track);
  if (shared) return shared[0];
  for (const [i, pc] of (side?.pcs ?? []).entries()) {
    const j = pc.getReceivers().findIndex((r) => r.track === track);
    if (j >= 0) return `${'AB'[i]}.receivers[${j}].track`;
  }
  return `other ${track.kind} track`;
}

/** f(), or a description of what it threw (Firefox throws from some getters once closed). */
function safe(f, fallback) {
  try {
    return f();
  } catch (e) {
    return fallback === undefined ? `(threw ${errName(e)})` : fallback;
  }
}

/** What must be equal between the native and the wrapped connection after every call. */
function stateSummary(pc, side, t) {
  const ts = pc.getTransceivers().map((x) => `${x.mid}/${x.direction}/${x.currentDirection}/${trackLabel(x.sender.track, side)}/${x.receiver.track.kind}`);
  const type = (attr) => safe(() => pc[attr]?.type ?? '-');
  return `${pc.signalingState} local ${type('localDescription')} remote ${type('remoteDescription')} `
    + `pendingL ${type('pendingLocalDescription')} pendingR ${type('pendingRemoteDescription')} `
    + `trickle ${safe(() => pc.canTrickleIceCandidates)} sctp ${safe(() => (pc.sctp ? 'yes' : 'no'))} `
    + `senders ${pc.getSenders().length} receivers ${pc.getReceivers().length} track events ${side.trackEvents[t]} `
    + `handlers ${NATIVE_HANDLERS.map((h) => (pc[h] === null ? '-' : typeof pc[h])).join('')} `
    + `transceivers [${ts.join(' ')}] callbacks [${side.cbLog.join(' ')}]`;
}

// ----- connection budget -----------------------------------------------------------------------
// Chrome refuses more than 500 RTCPeerConnections per page ("Cannot create so many
// PeerConnections"), closed ones included until they are garbage-collected. Long runs make
// thousands, so every so often the harness asks for a collection: `gc()` when the page has it
// (scripts/fuzz-long.sh launches Chrome with --expose-gc), else allocation pressure.

let pcsMade = 0;
let pcsAtLastRelief = 0;

async function relievePcPressure() {
  pcsAtLastRelief = pcsMade;
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
  } else {
    for (let round = 0; round < 3; round++) {
      let junk = [];
      for (let k = 0; k < 40; k++) junk.push(new Array(250000).fill(k));
      junk = null;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  await new Promise((r) => setTimeout(r, 20));
}

async function newConnection(PC) {
  for (let attempt = 0; ; attempt++) {
    try {
      const pc = new PC();
      pcsMade++;
      return pc;
    } catch (e) {
      if (!/so many/i.test(e?.message ?? '')) throw e;
      if (attempt >= 20) {
        throw new Error(`${e.message} (${pcsMade} made, all but a few closed and unreferenced, `
          + `${typeof globalThis.gc === 'function' ? 'after gc()' : 'after allocation pressure (no gc() in this page)'}: `
          + 'closed connections are not being collected, e.g. something keeps them alive)');
      }
      await relievePcPressure();
      await new Promise((r) => setTimeout(r, 100 + 20 * attempt));
    }
  }
}

// ----- one side (native or wrapped) -----------------------------------------------------------

function makeSide(name, PC, OtherPC, shared) {
  const side = {
    name, PC, shared, pcs: [], lastCreated: [null, null], seenStreams: [[], []], trackEvents: [0, 0], cbLog: [],
    anomalies: [],
  };
  side.closedPc = new PC();
  side.closedPc.close();
  side.otherClassPc = new OtherPC();
  side.callback = (cbName) => function legacyCallback(arg) { side.cbLog.push(`${cbName}:${isError(arg) ? errName(arg) : summary(arg)}`); };
  side.handler = (hName, reentrant) => function handler(e) {
    if (!reentrant || typeof this?.remoteStreams !== 'function') return;
    // Calls straight back into the wrapper from inside its own events: must neither throw nor trap.
    try {
      const streams = this.remoteStreams();
      this.localStreams();
      if (e?.type === 'track' && e.track instanceof MediaStreamTrack) this.predictAddTrack(e.track);
      if (e?.type === 'streamadded' && e.stream instanceof MediaStream) {
        if (!streams.includes(e.stream)) side.anomalies.push(`streamadded: e.stream not in remoteStreams() (${hName})`);
        if (this.isStreamless(e.stream) !== e.streamless) side.anomalies.push(`streamadded: isStreamless(e.stream) !== e.streamless`);
      }
    } catch (err) {
      side.anomalies.push(`re-entrant call from a ${e?.type} handler threw ${errName(err)}: ${err?.message}`);
    }
  };
  side.reset = async () => {
    for (const pc of side.pcs) pc.close();
    side.pcs = [await newConnection(PC), await newConnection(PC)];
    side.lastCreated = [null, null];
    side.seenStreams = [[], []];
    side.trackEvents = [0, 0];
    side.cbLog = [];
    side.pcs.forEach((pc, i) => pc.addEventListener('track', (e) => {
      side.trackEvents[i]++;
      if (!e.isTrusted) return; // synthetic events dispatched by the fuzz
      for (const s of e.streams) if (!side.seenStreams[i].includes(s)) side.seenStreams[i].push(s);
    }));
  };
  side.close = () => {
    for (const pc of side.pcs) pc.close();
    side.closedPc.close();
    side.otherClassPc.close();
  };
  return side;
}

function remember(side, t, o) {
  if ((o.kind === 'resolve' || o.kind === 'ok') && o.value && typeof o.value === 'object' && typeof o.value.sdp === 'string'
    && (o.value.type === 'offer' || o.value.type === 'answer')) {
    side.lastCreated[t] = o.value;
  }
}

/** Applies a native-member call on one side. */
async function applyNative(side, call, args) {
  const pc = side.pcs[call.t];
  const o = await outcome(() => pc[call.method](...args));
  // The legacy callback forms: Chrome resolves the returned promise at once and runs the operation
  // later, so the next call would race it. A createOffer() queues behind it on the operations
  // chain; waiting for that keeps the two sides in step.
  const legacyAt = { createOffer: 0, createAnswer: 0, setLocalDescription: 1, setRemoteDescription: 1 }[call.method];
  if (legacyAt !== undefined && o.kind === 'resolve' && args.slice(legacyAt, legacyAt + 2).some((a) => typeof a === 'function')) {
    const to = timeout(TIMEOUT_MS);
    await Promise.race([pc.createOffer().catch(() => {}), to]);
    to.cancel();
    await new Promise((r) => setTimeout(r, 0));
  }
  return o;
}

async function negotiateOnSide(side, call) {
  const a = side.pcs[call.t], b = side.pcs[OTHER(call.t)];
  const steps = [];
  const step = async (label, f) => {
    const o = await outcome(f);
    steps.push(`${label}: ${outcomeSummary(o)}`);
    return o;
  };
  if (call.rollbackFirst) {
    for (const pc of [a, b]) {
      if (pc.signalingState === 'have-local-offer' || pc.signalingState === 'have-remote-offer') {
        await step('rollback', () => pc.setLocalDescription({ type: 'rollback' }));
      }
    }
  }
  const offer = await step('createOffer', () => a.createOffer());
  if (offer.kind !== 'resolve') return steps.join('; ');
  if ((await step('a.sld', () => a.setLocalDescription(offer.value))).kind !== 'resolve') return steps.join('; ');
  if ((await step('b.srd', () => b.setRemoteDescription(offer.value))).kind !== 'resolve') return steps.join('; ');
  const answer = await step('createAnswer', () => b.createAnswer());
  if (answer.kind !== 'resolve') return steps.join('; ');
  if ((await step('b.sld', () => b.setLocalDescription(answer.value))).kind !== 'resolve') return steps.join('; ');
  await step('a.srd', () => a.setRemoteDescription(answer.value));
  side.lastCreated[call.t] = offer.value;
  side.lastCreated[OTHER(call.t)] = answer.value;
  return steps.join('; ');
}

// ----- checks of the extra members ------------------------------------------------------------

const DOCUMENTED = {
  hasSent: ['InvalidAccessError'],
  // addTrackDetailed / setSenderStreams: whatever the native call throws (checked by parity).
};

function isArrayOf(v, pred) {
  return Array.isArray(v) && v.every(pred);
}

/** Returns a problem string, or null, for an extra member's outcome. */
function checkExtra(method, o, pc, args) {
  if (o.kind === 'timeout') return 'a promise that did not settle';
  if (o.kind === 'resolve' || o.kind === 'reject') return 'returned a promise (a synchronous member)';
  if (o.kind === 'throw') {
    const e = o.error;
    if (e instanceof WebAssembly.RuntimeError) return `RuntimeError (wasm trap): ${e.message}`;
    if (!isError(e)) return `threw a non-Error: ${String(e)}`;
    if (e.name === 'TypeError' && !(e instanceof DOMException)) return null;
    if (e instanceof DOMException && (DOCUMENTED[method] ?? []).includes(e.name)) return null;
    return `threw ${errName(e)} (${e.message})`;
  }
  const v = o.value;
  switch (method) {
    case 'predictAddTrack': {
      if (!v || typeof v !== 'object') return `returned ${summary(v)}`;
      if (!(v.reuse === null || v.reuse instanceof RTCRtpTransceiver)) return `reuse is ${summary(v.reuse)}`;
      if (!(v.throws === null || THROWS.includes(v.throws))) return `throws is ${summary(v.throws)}, not one of the declared ${THROWS.join(' | ')} | null`;
      if (!Array.isArray(v.candidates) || v.candidates.length !== pc.getTransceivers().length) return `candidates ${summary(v.candidates)}`;
      for (const [i, c] of v.candidates.entries()) {
        const show = () => JSON.stringify({ ...c, transceiver: summary(c.transceiver, pc) });
        if (c.transceiver !== pc.getTransceivers()[i] || typeof c.reusable !== 'boolean'
          || !(c.reason === null || typeof c.reason === 'string')) return `candidate ${i} malformed: ${show()}`;
        if (!(c.code === null || REUSE_CODES.includes(c.code))) return `candidate ${i} has code ${JSON.stringify(c.code)}, not one of the declared ReuseReasonCode ${REUSE_CODES.join(' | ')}: ${show()}`;
        if (!c.reusable && (c.code === null || c.reason === null)) return `candidate ${i} is not reusable but gives no reason: ${show()}`;
        if ((c.code === null) !== (c.reason === null)) return `candidate ${i}: code and reason disagree: ${show()}`;
      }
      return null;
    }
    case 'hasSent': case 'isStreamless': return typeof v === 'boolean' ? null : `returned ${summary(v)}`;
    case 'streamIdsOf': return isArrayOf(v, (x) => typeof x === 'string') ? null : `returned ${summary(v)}`;
    case 'remoteStreams': return isArrayOf(v, (x) => x instanceof MediaStream) ? null : `returned ${summary(v)}`;
    case 'localStreams': return isArrayOf(v, (r) => r && typeof r.id === 'string' && isArrayOf(r.tracks, (x) => x instanceof MediaStreamTrack)
      && isArrayOf(r.senders, (x) => x instanceof RTCRtpSender)) ? null : `returned ${summary(v)}`;
    case 'get streamlessPolicy': return VALID_POLICIES.includes(v) ? null : `returned ${summary(v)}`;
    case 'get native': return v === pc ? null : `returned ${summary(v)}, not the connection itself`;
    case 'get onstreamadded': return v === null || typeof v === 'function' || typeof v === 'object' ? null : `returned ${summary(v)}`;
    default: return null;
  }
}

function callExtra(pc, method, args) {
  if (method.startsWith('get ')) return outcome(() => pc[method.slice(4)]);
  return outcome(() => pc[method](...args));
}

// ----- the run ---------------------------------------------------------------------------------

/**
 * Runs `count` generated calls (after the prelude) from `seed`. `declared` (optional): the unions of
 * js/rtc-peer.d.ts (`policies`, `reuseCodes`, `throws`), `progress(i, label)` called before each
 * call (with the call itself, plain data), `replay` (an array of such calls to run instead of
 * generated ones, e.g. to minimize a failure), `maxFailures` (distinct failures before stopping;
 * default 30). Resolves with
 * `{ ok, lines, failures }`.
 */
export async function fuzz(Native, Wrapped, seed, count, declared = {}) {
  const started = performance.now();
  if (declared.policies?.length) VALID_POLICIES = declared.policies;
  if (declared.reuseCodes?.length) REUSE_CODES = declared.reuseCodes;
  if (declared.throws?.length) THROWS = declared.throws;
  const rng = prng(seed);
  const constants = makeConstants();
  const media = makeMedia();
  const shared = { constants, media, fixedSdp: await makeFixedSdp(media) };
  const g = generators(rng, shared);


  const native = makeSide('native', Native, Wrapped, shared);
  const wrapped = makeSide('wrapped', Wrapped, Native, shared);
  const protoOnly = { native: Object.create(Native.prototype), wrapped: Object.create(Wrapped.prototype) };
  await native.reset();
  await wrapped.reset();

  // Exceptions that escape to the page (a listener of the wrapper's that threw, a rejection no one
  // handles) are failures of the call that was running.
  const uncaught = [];
  const onError = (e) => uncaught.push(`uncaught ${errName(e.error)}: ${e.message}`);
  const onRejection = (e) => uncaught.push(`unhandled rejection ${errName(e.reason)}: ${e.reason?.message ?? String(e.reason)}`);
  globalThis.addEventListener('error', onError);
  globalThis.addEventListener('unhandledrejection', onRejection);

  const failures = [];
  const stats = { calls: 0, byKind: {}, byMethod: {}, outcomes: {}, resets: 1, collections: 0, pairsChecked: 0, pairsClosed: 0, pairsNeitherNegotiates: 0, parityChecks: 0, extraChecks: 0, predictionChecks: 0 };
  const recent = [];
  let sinceReset = 0;
  const tally = (map, key) => { map[key] = (map[key] ?? 0) + 1; };

  // Failures are grouped by kind of call, member and problem; the first of each group is kept
  // in full, the rest counted. The run stops early only when failing on a massive scale.
  const seen = new Map();
  let totalFailures = 0;
  const fail = (call, i, what, nativeOut, wrappedOut) => {
    totalFailures++;
    const key = `${call.kind} ${call.method}: ${what.slice(0, 80)}`;
    const known = seen.get(key);
    if (known) { known.repeats++; return; }
    const f = { index: i, call: describeCall(call, shared), what, native: nativeOut, wrapped: wrappedOut, before: recent.slice(-8), repeats: 0 };
    seen.set(key, f);
    failures.push(f);
  };
  const maxGroups = declared.maxFailures ?? MAX_FAILURES;
  const maxTotal = declared.maxFailures === undefined ? MAX_TOTAL_FAILURES : Infinity;
  const tooMany = () => failures.length >= maxGroups || totalFailures >= maxTotal;

  const checkStillWorks = async (call, i) => {
    if (wrapped.pcs.some((pc) => pc.signalingState === 'closed')) { stats.pairsClosed++; return; }
    const n = await postNegotiation(native, false);
    const w = await postNegotiation(wrapped, true);
    stats.pairsChecked++;
    if (!n.ok) stats.pairsNeitherNegotiates += w.ok ? 0 : 1;
    if (n.ok && !w.ok) fail({ ...call, kind: 'after', method: 'negotiation on the fuzzed pair' }, i, 'the fuzzed wrapper pair cannot negotiate (the native pair can)', n.summary, w.summary);
    else if (!n.ok && w.ok) fail({ ...call, kind: 'after', method: 'negotiation on the fuzzed pair' }, i, 'the fuzzed wrapper pair negotiates where the native pair cannot', n.summary, w.summary);
  };

  const resolveArgs = (side, call) => call.args.map((r) => (r.k === 'protoOnly' ? protoOnly[side.name] : resolve(r, side, call.t)));

  // `declared.replay`: run exactly these calls (as `progress` reported them), for minimizing.
  const replay = Array.isArray(declared.replay) ? declared.replay : null;
  const prelude = replay ? [] : makePrelude(g, shared);
  if (replay) count = replay.length;
  for (let j = 0; j < prelude.length + count && !tooMany(); j++) {
    const i = j - prelude.length; // negative: the fixed prelude
    const call = replay ? structuredClone(replay[j]) : i < 0 ? prelude[j] : generateCall(rng, g);
    if (pcsMade - pcsAtLastRelief > 150) { await relievePcPressure(); stats.collections++; }
    stats.calls++;
    tally(stats.byKind, call.kind);
    tally(stats.byMethod, call.method);
    const label = describeCall(call, shared);
    declared.progress?.(i, label, call);
    recent.push(`#${i} ${label}`);
    if (recent.length > 16) recent.shift();
    let stateOk = true;

    try {
      switch (call.kind) {
        case 'native': {
          const n = await applyNative(native, call, resolveArgs(native, call));
          const w = await applyNative(wrapped, call, resolveArgs(wrapped, call));
          remember(native, call.t, n);
          remember(wrapped, call.t, w);
          tally(stats.outcomes, `${call.method}: ${outcomeSummary(n).replace(/ .*/, '')} ${n.error ? errName(n.error) : ''}`.trim());
          const ns = outcomeSummary(n, native.pcs[call.t], native);
          const ws = outcomeSummary(w, wrapped.pcs[call.t], wrapped);
          stats.parityChecks++;
          if (w.error instanceof WebAssembly.RuntimeError) fail(call, i, 'wasm trap', ns, `${ws}: ${w.error.message}`);
          else if (ns !== ws) fail(call, i, 'outcomes differ', ns, ws);
          else if (n.kind === 'timeout') fail(call, i, 'native promise did not settle (harness)', ns, ws);
          break;
        }
        case 'paired': {
          const nArgs = resolveArgs(native, call);
          const wArgs = resolveArgs(wrapped, call);
          const wpc = wrapped.pcs[call.t];
          let n, w;
          if (call.method === 'addTrackDetailed') {
            let prediction = null;
            if (wArgs[0] instanceof MediaStreamTrack) {
              const p = await outcome(() => wpc.predictAddTrack(wArgs[0]));
              const problem = checkExtra('predictAddTrack', p, wpc, wArgs);
              if (problem) fail(call, i, `predictAddTrack before the call: ${problem}`, '-', outcomeSummary(p, wpc));
              else prediction = p.value;
            }
            const tBefore = wpc.getTransceivers();
            n = await outcome(() => native.pcs[call.t].addTrack(...nArgs));
            w = await outcome(() => wpc.addTrackDetailed(...wArgs));
            const problem = w.kind === 'ok' ? checkOutcomeRecord(w.value, wpc, tBefore) : null;
            if (problem) fail(call, i, `addTrackDetailed result: ${problem}`, outcomeSummary(n, native.pcs[call.t]), summaryOfRecord(w.value, wpc));
            if (prediction) {
              stats.predictionChecks++;
              const actual = w.kind === 'ok' ? { throws: null, reuse: w.value.reused ? w.value.transceiver : null }
                : w.kind === 'throw' && w.error?.name !== 'TypeError' ? { throws: w.error?.name, reuse: null } : null;
              if (actual && (actual.throws !== prediction.throws || actual.reuse !== prediction.reuse)) {
                fail(call, i, 'predictAddTrack disagrees with what addTrack did',
                  `native addTrack ${outcomeSummary(n, native.pcs[call.t])}`,
                  `predicted throws ${prediction.throws} reuse ${summary(prediction.reuse, wpc)}; addTrackDetailed ${w.kind === 'ok' ? summaryOfRecord(w.value, wpc) : outcomeSummary(w)}`);
              }
            }
            if (w.kind === 'ok') w = { kind: 'ok', value: w.value.sender };
          } else {
            // setSenderStreams(sender, ...streams) ~ sender.setStreams(...streams)
            w = await outcome(() => wpc.setSenderStreams(...wArgs));
            if (wArgs[0] instanceof RTCRtpSender) {
              n = await outcome(() => nArgs[0].setStreams(...nArgs.slice(1)));
            } else {
              n = null;
              const problem = checkExtra('setSenderStreams', w, wpc, wArgs);
              stats.extraChecks++;
              if (problem) fail(call, i, `setSenderStreams: ${problem}`, '-', outcomeSummary(w, wpc));
              else if (w.kind === 'ok') fail(call, i, 'setSenderStreams accepted a non-sender', '-', outcomeSummary(w, wpc));
            }
          }
          if (n) {
            const ns = outcomeSummary(n, native.pcs[call.t], native);
            const ws = outcomeSummary(w, wpc, wrapped);
            stats.parityChecks++;
            tally(stats.outcomes, `${call.method}: ${ns.replace(/^(\w+).*/, '$1')} ${n.error ? errName(n.error) : ''}`.trim());
            if (w.error instanceof WebAssembly.RuntimeError) fail(call, i, 'wasm trap', ns, `${ws}: ${w.error.message}`);
            else if (ns !== ws) fail(call, i, 'outcomes differ', ns, ws);
          }
          break;
        }
        case 'extra': {
          const wpc = wrapped.pcs[call.t];
          const args = resolveArgs(wrapped, call);
          const w = await callExtra(wpc, call.method, args);
          stats.extraChecks++;
          tally(stats.outcomes, `${call.method}: ${outcomeSummary(w).replace(/^(\w+).*/, '$1')} ${w.error ? errName(w.error) : ''}`.trim());
          const problem = checkExtra(call.method, w, wpc, args);
          if (problem) fail(call, i, problem, '(no native equivalent)', outcomeSummary(w, wpc));
          break;
        }
        case 'setter': {
          const [nv] = resolveArgs(native, call);
          const [wv] = resolveArgs(wrapped, call);
          const m = call.method;
          const wpc = wrapped.pcs[call.t];
          const npc = native.pcs[call.t];
          if (m in RTCPeerConnection.prototype) {
            // A native attribute: the same on both sides.
            const n = await outcome(() => { npc[m] = nv; return npc[m] === nv ? 'same' : summary(npc[m]); });
            const w = await outcome(() => { wpc[m] = wv; return wpc[m] === wv ? 'same' : summary(wpc[m]); });
            const ns = outcomeSummary(n), ws = outcomeSummary(w);
            stats.parityChecks++;
            if (ns !== ws) fail(call, i, 'setter outcomes differ', ns, ws);
          } else {
            const before = wpc[m];
            const w = await outcome(() => { wpc[m] = wv; });
            stats.extraChecks++;
            tally(stats.outcomes, `set ${m}: ${w.kind} ${w.error ? errName(w.error) : ''}`.trim());
            const problem = checkSetter(m, w, wpc, wv, before);
            if (problem) fail(call, i, problem, '(no native equivalent)', `${outcomeSummary(w)}; now ${summary(wpc[m])}`);
          }
          break;
        }
        case 'receiver': {
          const recv = (side) => (call.receiver.k === 'protoOnly' ? protoOnly[side.name] : resolve(call.receiver, side, call.t));
          const member = (Cls, name) => {
            const [op, prop] = name.includes(' ') ? name.split(' ') : ['call', name];
            const d = Object.getOwnPropertyDescriptor(Cls.prototype, prop)
              ?? Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, prop);
            if (!d) return null;
            if (op === 'get') return (self) => d.get.call(self);
            if (op === 'set') return (self, args) => d.set.call(self, args[0]);
            return (self, args) => d.value.call(self, ...args);
          };
          const wf = member(Wrapped, call.method);
          const w = await outcome(() => wf(recv(wrapped), resolveArgs(wrapped, call)));
          const isExtra = !(call.method.replace(/^(get|set) /, '') in RTCPeerConnection.prototype);
          if (isExtra) {
            stats.extraChecks++;
            const problem = w.kind === 'throw' ? checkExtra(call.method, w, null, []) : null;
            if (problem) fail(call, i, `wrong receiver: ${problem}`, '(no native equivalent)', outcomeSummary(w));
            else if (w.kind !== 'throw' && !/^(get|set) onstream/.test(call.method)
              && !(call.method === 'get native' && w.value === recv(wrapped))) {
              // (`native` is documented as "this connection is itself": a plain `return this`.)
              fail(call, i, 'wrong receiver accepted', '(no native equivalent)', outcomeSummary(w));
            }
          } else {
            const nf = member(Native, call.method);
            const n = await outcome(() => nf(recv(native), resolveArgs(native, call)));
            const ns = outcomeSummary(n), ws = outcomeSummary(w);
            stats.parityChecks++;
            if (w.error instanceof WebAssembly.RuntimeError) fail(call, i, 'wasm trap', ns, `${ws}: ${w.error.message}`);
            else if (call.receiver.k === 'otherClassPc') {
              // A wrapper's own method on a plain native connection: fine either way, never a trap.
              if (w.kind === 'throw' && !isError(w.error)) fail(call, i, 'non-Error throw', ns, ws);
            } else if (ns !== ws) fail(call, i, 'wrong-receiver outcomes differ', ns, ws);
          }
          break;
        }
        case 'ctor': {
          const nArgs = resolveArgs(native, call);
          const wArgs = resolveArgs(wrapped, call);
          const make = (PC, args) => outcome(() => (call.method === 'new' ? new PC(...args) : PC(...args)));
          const n = await make(Native, nArgs);
          const w = await make(Wrapped, wArgs);
          const npc = n.kind === 'ok' ? n.value : null, wpc = w.kind === 'ok' ? w.value : null;
          pcsMade += (npc ? 1 : 0) + (wpc ? 1 : 0);
          const ns = npc ? `constructed ${npc.signalingState} ${summary(npc.getConfiguration())}` : outcomeSummary(n);
          const ws = wpc ? `constructed ${wpc.signalingState} ${summary(wpc.getConfiguration())}` : outcomeSummary(w);
          const cfg = wArgs[0];
          let policyRaw;
          try { policyRaw = cfg !== null && typeof cfg === 'object' || typeof cfg === 'function' ? cfg.streamlessPolicy : undefined; } catch { policyRaw = undefined; }
          // WebIDL: a dictionary member of an enum type is converted with ToString, then must be valid.
          let policyText = null;
          try { policyText = policyRaw === undefined ? undefined : String(policyRaw); } catch { policyText = null; }
          const goodPolicy = typeof policyText === 'string' && VALID_POLICIES.includes(policyText);
          const badPolicy = call.method === 'new' && policyRaw !== undefined && !goodPolicy;
          // A non-string whose ToString is valid: WebIDL takes it; rejecting non-strings is fine too.
          const eitherPolicy = call.method === 'new' && goodPolicy && typeof policyRaw !== 'string';
          tally(stats.outcomes, `constructor: ${ns.replace(/^(\w+).*/, '$1')} ${n.error ? errName(n.error) : ''}`.trim());
          stats.parityChecks++;
          if (w.error instanceof WebAssembly.RuntimeError) fail(call, i, 'wasm trap', ns, ws);
          else if (badPolicy) {
            // Documented: the wrapper rejects an invalid streamlessPolicy with a TypeError before
            // the connection exists (the browser ignores the member).
            if (!(w.kind === 'throw' && w.error?.name === 'TypeError' && !(w.error instanceof DOMException))) {
              fail(call, i, 'invalid streamlessPolicy: expected a TypeError', ns, ws);
            }
          } else if (ns !== ws && !(eitherPolicy && w.kind === 'throw' && w.error?.name === 'TypeError')) {
            fail(call, i, 'constructor outcomes differ', ns, ws);
          }
          if (wpc && call.method === 'new' && goodPolicy && wpc.streamlessPolicy !== policyText) {
            fail(call, i, 'streamlessPolicy from the configuration not applied', ns, `policy ${wpc.streamlessPolicy}`);
          }
          npc?.close();
          wpc?.close();
          break;
        }
        case 'negotiate': {
          const n = await negotiateOnSide(native, call);
          const w = await negotiateOnSide(wrapped, call);
          stats.parityChecks++;
          if (n !== w) fail(call, i, 'negotiation transcripts differ', n, w);
          break;
        }
        default: break;
      }
    } catch (e) {
      fail(call, i, 'harness error', '-', `${errName(e)}: ${e?.message}\n${e?.stack}`);
    }

    // Both connections of both sides must still be in equivalent states.
    for (const t of [0, 1]) {
      const ns = stateSummary(native.pcs[t], native, t);
      const ws = stateSummary(wrapped.pcs[t], wrapped, t);
      if (ns !== ws) {
        stateOk = false;
        fail(call, i, `state of ${t === 0 ? 'A' : 'B'} differs after the call`, ns, ws);
        break;
      }
    }
    for (const a of wrapped.anomalies.splice(0)) fail(call, i, `from a handler: ${a}`, '-', a);
    if (uncaught.length) {
      await new Promise((r) => setTimeout(r, 0));
      for (const u of uncaught.splice(0)) fail(call, i, u.slice(0, 120), '-', u);
    }
    native.anomalies.length = 0;

    sinceReset++;
    const bothClosed = native.pcs.every((pc) => pc.signalingState === 'closed');
    const big = native.pcs.some((pc) => pc.getTransceivers().length > MAX_TRANSCEIVERS);
    if (!stateOk || sinceReset >= RESET_EVERY || bothClosed || big) {
      // The pair used since the last reset, unless closed, must still negotiate wherever the
      // native pair in the same state can.
      if (stateOk && !tooMany()) await checkStillWorks(call, i);
      try {
        await native.reset();
        await wrapped.reset();
      } catch (e) {
        fail({ kind: 'after', method: 'new connection pair' }, i, `cannot make new connections: ${e?.message}`, '-', errName(e));
        break;
      }
      stats.resets++;
      sinceReset = 0;
      declared.progress?.(i, '(new connection pairs)');
    }
  }
  const fuzzMs = performance.now() - started;

  // After the run: the wrapper still works.
  const after = [];
  const afterStart = performance.now();
  if (!tooMany()) {
    // 1. The pair used last (like every pair before each reset), if not closed: a full
    //    negotiation with a new track in a new stream, on both sides.
    await checkStillWorks({ kind: 'after', t: 0, args: [], method: 'end of run' }, count);
    after.push(`fuzzed pairs after their calls: ${stats.pairsChecked} negotiated again (native and wrapped alike; `
      + `${stats.pairsNeitherNegotiates} where neither side could), ${stats.pairsClosed} closed and skipped`);
    // 2. A fresh wrapped pair: full negotiation, remote track via streamadded, connected.
    const fresh = await freshCall(Wrapped);
    after.push(`fresh wrapped pair: ${fresh.summary}`);
    if (!fresh.ok) fail({ kind: 'negotiate', t: 0, args: [], method: 'fresh call (after the run)' }, count, 'fresh wrapper pair cannot make a call', '-', fresh.summary);
  }
  globalThis.removeEventListener('error', onError);
  globalThis.removeEventListener('unhandledrejection', onRejection);
  native.close();
  wrapped.close();

  const lines = [
    `seed ${seed} count ${count}: ${stats.calls} calls in ${(fuzzMs / 1000).toFixed(1)} s, ${stats.parityChecks} parity checks, `
      + `${stats.extraChecks} extra-member checks, ${stats.predictionChecks} prediction checks, ${stats.resets} connection pairs per side (${pcsMade} connections, ${stats.collections} GC requests), `
      + `${totalFailures} failure(s) in ${failures.length} group(s)`,
    `by kind: ${JSON.stringify(stats.byKind)}`,
    `by method: ${JSON.stringify(stats.byMethod)}`,
    `outcomes: ${JSON.stringify(stats.outcomes)}`,
    ...after,
    `after-run checks ${((performance.now() - afterStart) / 1000).toFixed(1)} s`,
  ];
  return {
    ok: failures.length === 0,
    lines,
    failures: failures.map((f) => `#${f.index} ${f.call}\n    ${f.what}${f.repeats ? ` (and ${f.repeats} more like it)` : ''}\n    native:  ${f.native}\n    wrapped: ${f.wrapped}\n    preceding calls:\n      ${f.before.join('\n      ')}`),
  };
}

function checkOutcomeRecord(r, pc, transceiversBefore) {
  if (!r || typeof r !== 'object') return `not an object: ${summary(r)}`;
  if (!(r.sender instanceof RTCRtpSender) || !pc.getSenders().includes(r.sender)) return 'sender is not one of getSenders()';
  if (!(r.transceiver instanceof RTCRtpTransceiver) || r.transceiver.sender !== r.sender) return 'transceiver is not the sender\'s';
  if (typeof r.reused !== 'boolean') return 'reused is not a boolean';
  if (r.reused !== transceiversBefore.includes(r.transceiver)) return `reused ${r.reused} but the transceiver ${transceiversBefore.includes(r.transceiver) ? 'existed' : 'is new'}`;
  if (r.reused ? typeof r.directionBefore !== 'string' : r.directionBefore !== null) return `directionBefore ${summary(r.directionBefore)} with reused ${r.reused}`;
  if (r.directionAfter !== r.transceiver.direction) return `directionAfter ${r.directionAfter} but the transceiver says ${r.transceiver.direction}`;
  return null;
}

function summaryOfRecord(r, pc) {
  if (!r || typeof r !== 'object') return summary(r);
  return `{sender ${summary(r.sender, pc)}, transceiver ${summary(r.transceiver, pc)}, reused ${r.reused}, ${r.directionBefore} -> ${r.directionAfter}}`;
}

function checkSetter(m, w, pc, value, before) {
  if (w.kind === 'throw') {
    const e = w.error;
    if (e instanceof WebAssembly.RuntimeError) return `RuntimeError (wasm trap): ${e.message}`;
    if (!isError(e)) return `threw a non-Error: ${String(e)}`;
    if (m === 'native' && e.name === 'TypeError') return null; // read-only accessor, strict mode
    if (m === 'streamlessPolicy' && e.name === 'TypeError' && !(e instanceof DOMException)) {
      // WebIDL: ToString(value) first, which throws a TypeError for a Symbol or an object with no
      // usable toString/valueOf.
      try { String(value); } catch { return null; }
    }
    return `threw ${errName(e)} (${e.message})`;
  }
  if (m === 'streamlessPolicy') {
    let text;
    try { text = String(value); } catch { text = null; }
    const expected = text !== null && VALID_POLICIES.includes(text) ? text : before;
    // Like a WebIDL enum attribute: a valid value is set, an invalid one is ignored. A non-string
    // whose ToString is valid (`{ toString() { return 'per-track'; } }`) may be either.
    const now = pc.streamlessPolicy;
    if (now === expected || (typeof value !== 'string' && now === before)) return null;
    return `streamlessPolicy is ${summary(now)}, expected ${expected} (was ${before})`;
  }
  if (m === 'onstreamadded' || m === 'onstreamremoved') {
    const expected = typeof value === 'function' || (typeof value === 'object' && value !== null) ? value : null;
    if (pc[m] !== expected) return `${m} reads back ${summary(pc[m])}, expected ${summary(expected)}`;
    return null;
  }
  if (m === 'native') return pc.native === pc ? null : 'native is no longer the connection';
  return null;
}

/** A full negotiation on a side's current pair with a new track in a new stream. */
async function postNegotiation(side, isWrapped) {
  const [a, b] = side.pcs;
  try {
    for (const pc of [a, b]) {
      if (pc.signalingState !== 'stable') await pc.setLocalDescription({ type: 'rollback' });
    }
    const stream = new MediaStream();
    const track = side.shared.media.tracks[3][1].clone(); // a clone of the canvas track: no new canvas
    stream.addTrack(track);
    const gotTrack = new Promise((resolve) => b.addEventListener('track', (e) => { if (e.streams[0]?.id === stream.id) resolve(true); }));
    const gotStream = isWrapped
      ? new Promise((resolve) => b.addEventListener('streamadded', (e) => { if (e.stream.id === stream.id) resolve(true); }))
      : Promise.resolve(true);
    a.addTrack(track, stream);
    await withTimeout(negotiate(a, b), 'negotiation');
    await withTimeout(gotTrack, 'track event');
    await withTimeout(gotStream, 'streamadded');
    if (isWrapped && !b.remoteStreams().some((s) => s.id === stream.id)) {
      return { ok: false, summary: `remoteStreams() [${b.remoteStreams().map((s) => s.id)}] lacks the new stream ${stream.id}` };
    }
    return { ok: true, summary: `ok (${a.signalingState}/${b.signalingState}, ${a.getTransceivers().length} transceivers)` };
  } catch (e) {
    return { ok: false, summary: `${errName(e)}: ${e?.message}` };
  }
}

async function freshCall(PC) {
  const a = new PC(), b = new PC();
  try {
    connectIce(a, b);
    const stream = new MediaStream([videoTrack()]);
    const added = waitFor(b, 'streamadded', 8000);
    a.addTrack(stream.getVideoTracks()[0], stream);
    await withTimeout(negotiate(a, b), 'negotiation');
    const e = await added;
    if (e.stream.id !== stream.id) return { ok: false, summary: `streamadded with stream ${e.stream.id}, expected ${stream.id}` };
    const remote = b.remoteStreams();
    if (remote.length !== 1 || remote[0] !== e.stream) {
      return { ok: false, summary: `remoteStreams() is [${remote.map((s) => s.id)}], expected the streamadded stream ${e.stream.id} alone` };
    }
    await until(() => a.connectionState === 'connected' && b.connectionState === 'connected', 10000, 'connected');
    return { ok: true, summary: `ok (streamadded ${e.stream.getTracks().length} track(s), ${a.connectionState}/${b.connectionState})` };
  } catch (e) {
    return { ok: false, summary: `${errName(e)}: ${e?.message}` };
  } finally {
    a.close();
    b.close();
  }
}

function withTimeout(p, what, ms = 8000) {
  let timer;
  return Promise.race([p, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); })])
    .finally(() => clearTimeout(timer));
}

