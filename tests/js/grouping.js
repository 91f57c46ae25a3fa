// Stream grouping and streamless tracks, end to end: two connections in the page, the far side
// observed through remoteStreams() and the streamadded / streamremoved events.
import { audioTrack, videoTrack, negotiate, until } from './media.js';

function assert(cond, msg) { if (!cond) throw new Error(`assertion failed: ${msg}`); }
function eq(a, b, msg) { if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`); }

/** A pair, with the far side's stream events recorded. */
function pair(PC, options = {}) {
  const a = new PC(), b = new PC(options);
  const events = [];
  b.addEventListener('streamadded', (e) => events.push({ type: 'added', stream: e.stream, streamless: e.streamless, target: e.target === b, tracks: e.stream.getTracks().length }));
  b.onstreamremoved = (e) => events.push({ type: 'removed', stream: e.stream, streamless: e.streamless });
  const trackEvents = [];
  b.addEventListener('track', (e) => trackEvents.push(e));
  return { a, b, events, trackEvents, close() { a.close(); b.close(); } };
}

const ids = (b) => b.remoteStreams().map((s) => s.id);
const kinds = (s) => s.getTracks().map((t) => t.kind).sort().join('+');

export const scenarios = {
  async addTrackZeroOneTwoStreams(PC) {
    const { a, b, events, trackEvents, close } = pair(PC);
    const s1 = new MediaStream(), s2 = new MediaStream();
    a.addTrack(audioTrack());                 // 0 streams
    a.addTrack(videoTrack(), s1);             // 1 stream
    a.addTrack(audioTrack(), s1, s2);         // 2 streams
    await negotiate(a, b);
    const remote = b.remoteStreams();
    // Order of first arrival: the streamless group (first m-line), then s1, then s2.
    eq(remote.length, 3, 'three remote streams');
    assert(b.isStreamless(remote[0]), 'first is the shared streamless stream');
    eq(remote.slice(1).map((s) => s.id), [s1.id, s2.id], 'stream ids match the far side');
    eq(kinds(remote[1]), 'audio+video', 's1 has the video and the shared audio');
    eq(kinds(remote[2]), 'audio', 's2 has the shared audio');
    eq(events.map((e) => [e.type, e.streamless]), [['added', true], ['added', false], ['added', false]], 'one streamadded per stream');
    assert(events.every((e) => e.target), 'event.target is the connection');
    close();
  },

  async addTransceiverZeroOneTwoStreams(PC) {
    const { a, b, close } = pair(PC);
    const s1 = new MediaStream(), s2 = new MediaStream();
    a.addTransceiver(audioTrack());
    a.addTransceiver(videoTrack(), { streams: [s1] });
    a.addTransceiver(videoTrack(), { streams: [s1, s2], direction: 'sendonly' });
    await negotiate(a, b);
    eq(ids(b).slice(1), [s1.id, s2.id], 'ids');
    eq(kinds(b.remoteStreams()[1]), 'video+video', 's1 holds both videos');
    eq(kinds(b.remoteStreams()[2]), 'video', 's2 holds one');
    eq(a.streamIdsOf(a.getSenders()[2]), [s1.id, s2.id], 'local record, in order');
    eq(a.streamIdsOf(a.getSenders()[0]), [], 'streamless sender');
    close();
  },

  async audioAndVideoInOneStream(PC) {
    const { a, b, events, trackEvents, close } = pair(PC);
    const cam = new MediaStream([audioTrack(), videoTrack()]);
    for (const t of cam.getTracks()) a.addTrack(t, cam);
    await negotiate(a, b);
    eq(trackEvents.length, 2, 'two native track events');
    eq(events.length, 1, 'one streamadded');
    eq(events[0].tracks, 2, 'the stream had both tracks when announced');
    eq(ids(b), [cam.id], 'one stream, same id');
    eq(kinds(b.remoteStreams()[0]), 'audio+video', 'both tracks');
    assert(b.remoteStreams()[0] === trackEvents[0].streams[0], "it is the browser's own stream object");
    const local = a.localStreams();
    eq(local.map((l) => [l.id, l.tracks.length, l.senders.length]), [[cam.id, 2, 2]], 'localStreams');
    close();
  },

  async trackSharedByTwoStreams(PC) {
    const { a, b, close } = pair(PC);
    const s1 = new MediaStream(), s2 = new MediaStream();
    a.addTrack(videoTrack(), s1, s2);
    await negotiate(a, b);
    const [r1, r2] = b.remoteStreams();
    eq([r1.id, r2.id], [s1.id, s2.id], 'both streams');
    assert(r1.getTracks()[0] === r2.getTracks()[0], 'the same track is in both');
    close();
  },

  async streamlessShared(PC) {
    const { a, b, events, close } = pair(PC);
    a.addTrack(audioTrack());
    a.addTrack(videoTrack());
    await negotiate(a, b);
    eq(b.streamlessPolicy, 'shared', 'default policy');
    eq(b.remoteStreams().length, 1, 'one shared inbound stream');
    eq(kinds(b.remoteStreams()[0]), 'audio+video', 'holding both tracks');
    eq(events.map((e) => [e.type, e.streamless]), [['added', true]], 'one streamadded, streamless');
    // A streamless track arriving later joins the same stream and shows as the stream's addtrack.
    const inbound = b.remoteStreams()[0];
    const joined = [];
    inbound.addEventListener('addtrack', (e) => joined.push(e.track.kind));
    a.addTrack(videoTrack());
    await negotiate(a, b);
    eq(joined, ['video'], "the stream's own addtrack");
    eq(b.remoteStreams().length, 1, 'still one stream');
    eq(inbound.getTracks().length, 3, 'now three tracks');
    eq(events.length, 1, 'no second streamadded');
    close();
  },

  async streamlessPerTrack(PC) {
    const { a, b, events, close } = pair(PC, { streamlessPolicy: 'per-track' });
    a.addTrack(audioTrack());
    a.addTrack(videoTrack());
    await negotiate(a, b);
    eq(b.streamlessPolicy, 'per-track', 'constructor option');
    eq(b.remoteStreams().map(kinds), ['audio', 'video'], 'a stream per track');
    eq(events.map((e) => e.streamless), [true, true], 'two streamadded, both streamless');
    b.streamlessPolicy = 'bogus';
    eq(b.streamlessPolicy, 'per-track', 'an invalid value is ignored, like a WebIDL enum attribute');
    b.streamlessPolicy = 'shared';
    a.addTrack(audioTrack());
    a.addTrack(audioTrack());
    await negotiate(a, b);
    eq(b.remoteStreams().map(kinds), ['audio', 'video', 'audio+audio'], 'policy change applies to later tracks');
    close();
  },

  async mixOfStreamlessAndGrouped(PC) {
    const { a, b, events, close } = pair(PC);
    const cam = new MediaStream();
    a.addTrack(videoTrack(), cam);
    a.addTrack(audioTrack());
    a.addTrack(audioTrack(), cam);
    a.addTrack(videoTrack());
    await negotiate(a, b);
    const remote = b.remoteStreams();
    eq(remote.map((s) => [b.isStreamless(s), kinds(s)]), [[false, 'audio+video'], [true, 'audio+video']], 'grouped first, then shared');
    eq(remote[0].id, cam.id, 'grouped id');
    eq(events.length, 2, 'two streamadded');
    close();
  },

  async removeTrackAndRenegotiate(PC) {
    const { a, b, events, close } = pair(PC);
    const cam = new MediaStream();
    const sa = a.addTrack(audioTrack(), cam);
    const sv = a.addTrack(videoTrack(), cam);
    const sl = a.addTrack(videoTrack()); // streamless
    await negotiate(a, b);
    eq(b.remoteStreams().length, 2, 'cam + shared');
    const [remoteCam, shared] = b.remoteStreams();
    const left = [];
    shared.addEventListener('removetrack', (e) => left.push(e.track.kind));
    a.removeTrack(sa);
    await negotiate(a, b);
    eq(kinds(remoteCam), 'video', 'audio left the stream');
    eq(events.filter((e) => e.type === 'removed').length, 0, 'no streamremoved yet');
    a.removeTrack(sv);
    a.removeTrack(sl);
    await negotiate(a, b);
    const removed = events.filter((e) => e.type === 'removed');
    eq(removed.map((e) => [e.stream.id, e.streamless]), [[cam.id, false], [shared.id, true]], 'streamremoved for both, in order');
    eq(left, ['video'], "the shared stream's own removetrack");
    eq(b.remoteStreams().length, 0, 'no remote streams left');
    // Re-adding brings a stream back with a new streamadded.
    a.addTrack(audioTrack(), cam);
    await negotiate(a, b);
    eq(ids(b), [cam.id], 'back');
    eq(events.filter((e) => e.type === 'added').length, 3, 'a third streamadded');
    close();
  },

  async tracksAddedDuringTheCall(PC) {
    const { a, b, events, close } = pair(PC);
    const cam = new MediaStream(), screen = new MediaStream();
    a.addTrack(audioTrack(), cam);
    await negotiate(a, b);
    const remoteCam = b.remoteStreams()[0];
    const joined = [];
    remoteCam.addEventListener('addtrack', (e) => joined.push(e.track.kind));
    a.addTrack(videoTrack(), cam);     // joins a known stream
    a.addTrack(videoTrack(), screen);  // a new stream
    await negotiate(a, b);
    eq(ids(b), [cam.id, screen.id], 'groups');
    eq(kinds(remoteCam), 'audio+video', 'joined the known stream');
    eq(joined, ['video'], "the browser's addtrack on the known stream");
    eq(events.map((e) => e.stream.id), [cam.id, screen.id], 'streamadded once each');
    // Renegotiating from the far side too.
    b.addTrack(videoTrack(), new MediaStream());
    await negotiate(b, a);
    eq(a.remoteStreams().length, 1, 'the other direction groups too');
    close();
  },

  async handWrittenSdpWithAndWithoutMsid(PC) {
    for (const withMsid of [true, false]) {
      const native = new RTCPeerConnection();
      const cam = new MediaStream();
      native.addTrack(audioTrack(), cam);
      native.addTrack(videoTrack(), cam);
      const offer = await native.createOffer();
      let sdp = offer.sdp;
      if (!withMsid) sdp = sdp.split('\r\n').filter((l) => !l.startsWith('a=msid') && !l.startsWith('a=ssrc') ).join('\r\n');
      const b = new PC();
      const events = [];
      const native_streams = [];
      b.onstreamadded = (e) => events.push(e);
      b.addEventListener('track', (e) => native_streams.push(e.streams.map((s) => s.id)));
      await b.setRemoteDescription({ type: 'offer', sdp });
      eq(native_streams.length, 2, 'two track events');
      if (withMsid) {
        eq(ids(b), [cam.id], 'msid → the sender stream');
        eq(events.map((e) => e.streamless), [false], 'one grouped streamadded');
      } else if (native_streams.every((s) => s.length === 0)) {
        // The spec (and Firefox): no msid → track events with streams [] → our shared stream.
        eq(b.remoteStreams().length, 1, 'no msid → one shared stream');
        eq(events.map((e) => e.streamless), [true], 'streamless');
        eq(kinds(b.remoteStreams()[0]), 'audio+video', 'both tracks kept');
      } else {
        // Chromium invents a stream for msid-less media sections; the grouping follows the browser.
        const invented = [...new Set(native_streams.flat())];
        eq(ids(b), invented, 'grouped as the browser reported');
        eq(events.every((e) => !e.streamless), true, 'not streamless');
        eq(b.remoteStreams().flatMap((s) => s.getTracks()).length >= 2, true, 'both tracks kept');
      }
      native.close(); b.close();
    }
  },

  async setSenderStreamsIsRecorded(PC) {
    const { a, b, close } = pair(PC);
    const s1 = new MediaStream(), s2 = new MediaStream();
    const sender = a.addTrack(videoTrack(), s1);
    a.setSenderStreams(sender, s2, s1);
    eq(a.streamIdsOf(sender), [s2.id, s1.id], 'recorded in order');
    eq(a.localStreams().map((l) => l.id), [s1.id, s2.id], 'local streams in order of first association');
    await negotiate(a, b);
    eq(ids(b).sort(), [s1.id, s2.id].sort(), 'far side sees both');
    close();
  },

  async attachStreamIsIdempotent(PC, attachStream) {
    const { a, b, close } = pair(PC);
    const cam = new MediaStream();
    a.addTrack(videoTrack(), cam);
    await negotiate(a, b);
    const video = document.createElement('video');
    video.muted = true;
    const stream = b.remoteStreams()[0];
    attachStream(video, stream);
    const first = video.srcObject;
    attachStream(video, stream);
    assert(video.srcObject === first && first === stream, 'same stream attached once');
    assert(video.autoplay, 'autoplay set');
    let threw = null;
    try { attachStream(video, 'nope'); } catch (e) { threw = e.name; }
    eq(threw, 'TypeError', 'bad stream');
    attachStream(video, null);
    eq(video.srcObject, null, 'detached');
    close();
  },
};

export async function run(name, PC, attachStream) {
  const scenario = scenarios[name];
  if (!scenario) throw new Error(`no scenario ${name}`);
  await scenario(PC, attachStream);
}
