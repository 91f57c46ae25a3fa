// Conformance scenarios: each takes a connection class and returns a transcript of what happened
// (values, error names, event sequences). The Rust test runs every scenario against
// RTCPeerConnection and against PeerConnection in the same page and requires equal transcripts.
import { audioTrack, videoTrack, negotiate, connectIce, until, waitFor } from './media.js';
// Re-exported for the test binary, which then imports one module fewer at once: the test runner's
// server (tiny_http 0.12) can leave a connection of such a burst unserved, and the page never
// loads (scripts/test.sh, browser_tests).
export { cleanup } from './media.js';

/** Runs `f` and records its outcome: a value summary, or the thrown error's name. */
function attempt(log, label, f) {
  try {
    const v = f();
    if (v && typeof v.then === 'function') {
      log.push(`${label}: promise`);
      return v.then((r) => { log.push(`${label} resolved: ${summary(r)}`); return r; },
        (e) => { log.push(`${label} rejected: ${e?.name}`); });
    }
    log.push(`${label}: ${summary(v)}`);
    return v;
  } catch (e) {
    log.push(`${label} threw: ${e?.name}${e instanceof DOMException ? ' (DOMException)' : ''}`);
    return undefined;
  }
}

function summary(v) {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v !== 'object' && typeof v !== 'function') return JSON.stringify(v);
  return Object.prototype.toString.call(v);
}

const keys = (o) => Object.keys(o).sort().join(',');

export const scenarios = {
  async constructor(PC) {
    const log = [];
    for (const [label, args] of [['()', []], ['(undefined)', [undefined]], ['(null)', [null]], ['({})', [{}]],
      ['(42)', [42]], ['("x")', ['x']], ['bad bundlePolicy', [{ bundlePolicy: 'nope' }]],
      ['bad ice url', [{ iceServers: [{ urls: 'http://x' }] }]], ['ice urls not array/string', [{ iceServers: [{ urls: 5 }] }]],
      ['turn without credential', [{ iceServers: [{ urls: 'turn:127.0.0.1' }] }]],
      ['certificates not array', [{ certificates: 1 }]], ['iceCandidatePoolSize 300', [{ iceCandidatePoolSize: 300 }]]]) {
      const pc = attempt(log, `new ${label}`, () => new PC(...args));
      if (pc) {
        log.push(`  state ${pc.signalingState}/${pc.connectionState}/${pc.iceConnectionState}/${pc.iceGatheringState}`);
        log.push(`  config keys ${keys(pc.getConfiguration())}`);
        pc.close();
      }
    }
    log.push(`length ${PC.length}`);
    log.push(`instanceof EventTarget ${new PC() instanceof EventTarget}`);
    log.push(`generateCertificate ${typeof PC.generateCertificate}`);
    return log;
  },

  async addTrack(PC) {
    const log = [];
    const pc = new PC();
    const other = new PC();
    const a = audioTrack(), v = videoTrack();
    const s1 = new MediaStream(), s2 = new MediaStream([v]);
    const sender = attempt(log, 'addTrack(a)', () => pc.addTrack(a));
    log.push(`identity ${pc.getSenders()[0] === sender} ${pc.getTransceivers()[0].sender === sender}`);
    log.push(`sender.track === a ${sender.track === a}`);
    attempt(log, 'addTrack(a) again', () => pc.addTrack(a));
    attempt(log, 'addTrack(a, s1) again', () => pc.addTrack(a, s1));
    attempt(log, 'addTrack(v, s1, s2)', () => pc.addTrack(v, s1, s2));
    attempt(log, 'addTrack()', () => pc.addTrack());
    attempt(log, 'addTrack(undefined)', () => pc.addTrack(undefined));
    attempt(log, 'addTrack(null)', () => pc.addTrack(null));
    attempt(log, 'addTrack(stream)', () => pc.addTrack(s1));
    attempt(log, 'addTrack(track, "x")', () => pc.addTrack(videoTrack(), 'x'));
    attempt(log, 'addTrack(track, null)', () => pc.addTrack(videoTrack(), null));
    attempt(log, 'addTrack(track, undefined)', () => pc.addTrack(videoTrack(), undefined));
    attempt(log, 'addTrack(track, {})', () => pc.addTrack(videoTrack(), {}));
    log.push(`transceivers ${pc.getTransceivers().length} senders ${pc.getSenders().length}`);
    attempt(log, 'other.addTrack(a) (same track, other pc)', () => other.addTrack(a));
    log.push(`length ${pc.addTrack.length}`);
    pc.close();
    attempt(log, 'closed addTrack', () => pc.addTrack(videoTrack()));
    attempt(log, 'closed addTrack(garbage)', () => pc.addTrack(42));
    other.close();
    return log;
  },

  async removeTrack(PC) {
    const log = [];
    const pc = new PC(), other = new PC();
    const sender = pc.addTrack(audioTrack());
    const foreign = other.addTrack(audioTrack());
    attempt(log, 'removeTrack(foreign)', () => pc.removeTrack(foreign));
    attempt(log, 'removeTrack()', () => pc.removeTrack());
    attempt(log, 'removeTrack(null)', () => pc.removeTrack(null));
    attempt(log, 'removeTrack(track)', () => pc.removeTrack(audioTrack()));
    attempt(log, 'removeTrack(sender)', () => pc.removeTrack(sender));
    log.push(`after: track ${sender.track} senders ${pc.getSenders().length} dir ${pc.getTransceivers()[0].direction}`);
    attempt(log, 'removeTrack(sender) twice', () => pc.removeTrack(sender));
    pc.close();
    attempt(log, 'closed removeTrack', () => pc.removeTrack(sender));
    other.close();
    return log;
  },

  async addTransceiver(PC) {
    const log = [];
    const pc = new PC();
    const s = new MediaStream();
    for (const [label, args] of [['("audio")', ['audio']], ['("video", {direction:"recvonly"})', ['video', { direction: 'recvonly' }]],
      ['("audio", undefined)', ['audio', undefined]], ['("audio", null)', ['audio', null]], ['()', []],
      ['("bogus")', ['bogus']], ['(42)', [42]], ['("audio", {direction:"bogus"})', ['audio', { direction: 'bogus' }]],
      ['("audio", {direction:"stopped"})', ['audio', { direction: 'stopped' }]], ['(track, {streams:[s]})', [videoTrack(), { streams: [s] }]],
      ['("audio", {streams:[1]})', ['audio', { streams: [1] }]], ['("audio", {sendEncodings:[{rid:"a"},{rid:"a"}]})', ['audio', { sendEncodings: [{ rid: 'a' }, { rid: 'a' }] }]]]) {
      const t = attempt(log, `addTransceiver${label}`, () => pc.addTransceiver(...args));
      if (t) log.push(`  ${t.receiver.track.kind} ${t.direction} ${t.currentDirection} sender.track ${t.sender.track?.kind ?? null} same ${pc.getTransceivers().at(-1) === t}`);
    }
    log.push(`length ${pc.addTransceiver.length}`);
    pc.close();
    attempt(log, 'closed addTransceiver', () => pc.addTransceiver('audio'));
    return log;
  },

  async negotiation(PC) {
    const log = [];
    const a = new PC(), b = new PC();
    const seq = (pc, name) => pc.addEventListener('signalingstatechange', () => log.push(`${name} ${pc.signalingState}`));
    seq(a, 'a'); seq(b, 'b');
    connectIce(a, b);
    a.addTrack(audioTrack());
    a.addTrack(videoTrack());
    const offer = await attempt(log, 'createOffer', () => a.createOffer());
    log.push(`offer ${offer.type} has m=audio ${offer.sdp.includes('m=audio')} has m=video ${offer.sdp.includes('m=video')}`);
    log.push(`descs ${a.localDescription} ${a.currentLocalDescription} ${a.pendingLocalDescription}`);
    await attempt(log, 'a.setLocalDescription()', () => a.setLocalDescription());
    log.push(`a local ${a.localDescription?.type} pending ${a.pendingLocalDescription?.type} current ${a.currentLocalDescription}`);
    log.push(`instanceof RTCSessionDescription ${a.localDescription instanceof RTCSessionDescription}`);
    await attempt(log, 'b.setRemoteDescription', () => b.setRemoteDescription(a.localDescription));
    log.push(`b canTrickle ${b.canTrickleIceCandidates}`);
    await attempt(log, 'b.setLocalDescription(undefined)', () => b.setLocalDescription(undefined));
    await attempt(log, 'a.setRemoteDescription', () => a.setRemoteDescription(b.localDescription));
    log.push(`a current ${a.currentLocalDescription?.type}/${a.currentRemoteDescription?.type} pending ${a.pendingLocalDescription}/${a.pendingRemoteDescription}`);
    log.push(`dirs ${a.getTransceivers().map((t) => `${t.direction}/${t.currentDirection}`)} | ${b.getTransceivers().map((t) => `${t.direction}/${t.currentDirection}`)}`);
    await until(() => a.connectionState === 'connected' && b.connectionState === 'connected', 8000, 'connected');
    log.push(`connected ${a.connectionState} ${b.connectionState} ${a.iceConnectionState === 'connected' || a.iceConnectionState === 'completed'}`);
    log.push(`sctp ${a.sctp}`);
    const stats = await attempt(log, 'getStats()', () => a.getStats());
    log.push(`stats instanceof RTCStatsReport ${stats instanceof RTCStatsReport} has outbound-rtp ${[...stats.values()].some((s) => s.type === 'outbound-rtp')}`);
    const track = a.getSenders()[0].track;
    await attempt(log, 'getStats(track)', () => a.getStats(track));
    await attempt(log, 'getStats(unknown track)', () => a.getStats(audioTrack()));
    await attempt(log, 'getStats(42)', () => a.getStats(42));
    a.close(); b.close();
    log.push(`closed ${a.signalingState} ${a.connectionState} ${a.iceConnectionState}`);
    return log;
  },

  async descriptionErrors(PC) {
    const log = [];
    const pc = new PC();
    pc.addTransceiver('audio');
    await attempt(log, 'setLocalDescription({type:"answer"}) in stable', () => pc.setLocalDescription({ type: 'answer', sdp: '' }));
    await attempt(log, 'setRemoteDescription({type:"answer", sdp:"v=0"}) in stable', () => pc.setRemoteDescription({ type: 'answer', sdp: 'v=0\r\n' }));
    await attempt(log, 'setRemoteDescription(garbage offer)', () => pc.setRemoteDescription({ type: 'offer', sdp: 'garbage' }));
    await attempt(log, 'setRemoteDescription({type:"bogus"})', () => pc.setRemoteDescription({ type: 'bogus', sdp: '' }));
    await attempt(log, 'setRemoteDescription()', () => pc.setRemoteDescription());
    await attempt(log, 'setRemoteDescription({})', () => pc.setRemoteDescription({}));
    await attempt(log, 'rollback in stable', () => pc.setLocalDescription({ type: 'rollback' }));
    await attempt(log, 'addIceCandidate before remote', () => pc.addIceCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' }));
    await attempt(log, 'addIceCandidate({})', () => pc.addIceCandidate({}));
    await attempt(log, 'addIceCandidate({sdpMid:null, sdpMLineIndex:null, candidate:"x"})', () => pc.addIceCandidate({ candidate: 'x', sdpMid: null, sdpMLineIndex: null }));
    await attempt(log, 'createAnswer in stable', () => pc.createAnswer());
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await attempt(log, 'rollback from have-local-offer', () => pc.setLocalDescription({ type: 'rollback' }));
    log.push(`state ${pc.signalingState}`);
    pc.close();
    for (const [label, f] of [['createOffer', () => pc.createOffer()], ['createAnswer', () => pc.createAnswer()],
      ['setLocalDescription', () => pc.setLocalDescription(offer)], ['setRemoteDescription', () => pc.setRemoteDescription(offer)],
      ['addIceCandidate', () => pc.addIceCandidate({ candidate: '', sdpMid: '0' })], ['getStats', () => pc.getStats()]]) {
      await attempt(log, `closed ${label}`, f);
    }
    return log;
  },

  async legacyCallbacks(PC) {
    const log = [];
    const a = new PC(), b = new PC();
    a.addTransceiver('audio');
    const offer = await new Promise((resolve) => {
      const r = a.createOffer((d) => { log.push(`success ${d.type}`); resolve(d); }, (e) => log.push(`failure ${e.name}`));
      log.push(`createOffer(cb, cb) returns ${summary(r)}`);
    });
    await new Promise((resolve) => a.setLocalDescription(offer, () => { log.push('sld success'); resolve(); }, (e) => { log.push(`sld failure ${e.name}`); resolve(); }));
    await new Promise((resolve) => b.setRemoteDescription(offer, () => { log.push('srd success'); resolve(); }, (e) => { log.push(`srd failure ${e.name}`); resolve(); }));
    await new Promise((resolve) => b.createAnswer((d) => { log.push(`answer ${d.type}`); resolve(); }, (e) => { log.push(`answer failure ${e.name}`); resolve(); }));
    await new Promise((resolve) => a.setRemoteDescription({ type: 'answer', sdp: 'bad' }, () => { log.push('bad srd success'); resolve(); }, (e) => { log.push(`bad srd failure ${e.name}`); resolve(); }));
    await attempt(log, 'createOffer(non-function, cb)', () => a.createOffer(1, () => {}));
    a.close(); b.close();
    return log;
  },

  async configuration(PC) {
    const log = [];
    const pc = new PC({ iceServers: [{ urls: 'stun:127.0.0.1:3478' }], bundlePolicy: 'max-bundle' });
    const c = pc.getConfiguration();
    log.push(`config ${JSON.stringify({ ice: c.iceServers, bundle: c.bundlePolicy, mux: c.rtcpMuxPolicy, pol: c.iceTransportPolicy })}`);
    attempt(log, 'setConfiguration(same)', () => pc.setConfiguration({ iceServers: [{ urls: 'stun:127.0.0.1:3479' }], bundlePolicy: 'max-bundle' }));
    log.push(`ice now ${JSON.stringify(pc.getConfiguration().iceServers)}`);
    attempt(log, 'setConfiguration(bundle change)', () => pc.setConfiguration({ bundlePolicy: 'balanced' }));
    attempt(log, 'setConfiguration(bad url)', () => pc.setConfiguration({ iceServers: [{ urls: 'foo:bar' }], bundlePolicy: 'max-bundle' }));
    attempt(log, 'setConfiguration(42)', () => pc.setConfiguration(42));
    attempt(log, 'setConfiguration()', () => pc.setConfiguration());
    pc.close();
    attempt(log, 'closed setConfiguration', () => pc.setConfiguration({}));
    attempt(log, 'closed getConfiguration', () => keys(pc.getConfiguration()));
    return log;
  },

  async dataChannel(PC) {
    const log = [];
    const a = new PC(), b = new PC();
    connectIce(a, b);
    const ch = attempt(log, 'createDataChannel("chat")', () => a.createDataChannel('chat'));
    log.push(`label ${ch.label} ordered ${ch.ordered} state ${ch.readyState} instanceof ${ch instanceof RTCDataChannel}`);
    attempt(log, 'createDataChannel()', () => a.createDataChannel());
    attempt(log, 'createDataChannel(undefined) label', () => a.createDataChannel(undefined).label);
    attempt(log, 'createDataChannel("x", {id: 70000})', () => a.createDataChannel('x', { id: 70000 }));
    attempt(log, 'createDataChannel("x", {maxRetransmits:1, maxPacketLifeTime:1})', () => a.createDataChannel('x', { maxRetransmits: 1, maxPacketLifeTime: 1 }));
    attempt(log, 'createDataChannel(long label)', () => a.createDataChannel('x'.repeat(70000)));
    const got = waitFor(b, 'datachannel');
    let viaProperty = 0;
    b.ondatachannel = () => viaProperty++;
    await negotiate(a, b);
    const e = await got;
    log.push(`datachannel ${e.channel.label} target===b ${e.target === b} property ${typeof b.ondatachannel}`);
    await until(() => ch.readyState === 'open', 8000, 'channel open');
    const msg = waitFor(e.channel, 'message');
    ch.send('hello');
    log.push(`message ${(await msg).data} viaProperty>0 ${viaProperty > 0}`);
    log.push(`sctp ${summary(a.sctp)} ${a.sctp instanceof RTCSctpTransport}`);
    a.close(); b.close();
    attempt(log, 'closed createDataChannel', () => a.createDataChannel('y'));
    return log;
  },

  async events(PC) {
    const log = [];
    const pc = new PC();
    let prop = 0, listener = 0, removed = 0;
    pc.onnegotiationneeded = function (e) { prop++; log.push(`prop this===pc ${this === pc} target===pc ${e.target === pc} type ${e.type}`); };
    const l = () => listener++;
    const r = () => removed++;
    pc.addEventListener('negotiationneeded', l);
    pc.addEventListener('negotiationneeded', r);
    pc.removeEventListener('negotiationneeded', r);
    pc.addTransceiver('audio');
    await until(() => prop > 0, 3000, 'negotiationneeded');
    log.push(`counts ${prop} ${listener} ${removed}`);
    log.push(`handler props ${['onnegotiationneeded', 'onicecandidate', 'onicecandidateerror', 'onsignalingstatechange', 'oniceconnectionstatechange', 'onicegatheringstatechange', 'onconnectionstatechange', 'ontrack', 'ondatachannel'].map((k) => `${k}:${k in pc}:${pc[k] === null || typeof pc[k]}`).join(' ')}`);
    pc.onnegotiationneeded = 42;
    log.push(`set 42 -> ${pc.onnegotiationneeded}`);
    pc.onnegotiationneeded = null;
    const gathering = [];
    pc.onicegatheringstatechange = () => gathering.push(pc.iceGatheringState);
    let candidates = 0, endOfCandidates = false;
    pc.onicecandidate = (e) => { if (e.candidate) candidates++; else endOfCandidates = true; };
    await pc.setLocalDescription();
    await until(() => endOfCandidates, 8000, 'end of candidates');
    log.push(`gathering ${gathering.join(',')} candidates>0 ${candidates > 0}`);
    pc.restartIce();
    log.push(`restartIce ok`);
    pc.close();
    attempt(log, 'closed restartIce', () => pc.restartIce());
    return log;
  },

  async restartIce(PC) {
    const log = [];
    const a = new PC(), b = new PC();
    a.addTransceiver('audio');
    await negotiate(a, b);
    const ufrag = (d) => /a=ice-ufrag:(\S+)/.exec(d.sdp)?.[1];
    const before = ufrag(a.localDescription);
    const nn = waitFor(a, 'negotiationneeded');
    a.restartIce();
    await nn;
    log.push('negotiationneeded after restartIce');
    await a.setLocalDescription();
    log.push(`ufrag changed ${ufrag(a.localDescription) !== before}`);
    a.close(); b.close();
    return log;
  },

  async removeAndRenegotiate(PC) {
    const log = [];
    const a = new PC(), b = new PC();
    connectIce(a, b);
    const stream = new MediaStream();
    const sender = a.addTrack(audioTrack(), stream);
    const tracks = [];
    b.ontrack = (e) => { tracks.push(e); log.push(`track ${e.track.kind} streams ${e.streams.length} same id ${e.streams[0]?.id === stream.id}`); };
    await negotiate(a, b);
    const remoteStream = tracks[0].streams[0];
    let removedEvents = 0;
    remoteStream.onremovetrack = () => removedEvents++;
    a.removeTrack(sender);
    log.push(`direction after removeTrack ${a.getTransceivers()[0].direction}`);
    await negotiate(a, b);
    log.push(`remote stream tracks ${remoteStream.getTracks().length} removetrack ${removedEvents}`);
    log.push(`b currentDirection ${b.getTransceivers()[0].currentDirection}`);
    a.close(); b.close();
    return log;
  },
};

export async function run(name, Native, Wrapped) {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`no scenario ${name}`);
  const native = await scenario(Native);
  const wrapped = await scenario(Wrapped);
  return { native, wrapped };
}
