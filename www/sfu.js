// SFU mode (`npm run demo:sfu`, `?mode=sfu&janus=<Janus HTTP API URL>`): a Janus videoroom on this
// machine, in-page publishers (native RTCPeerConnections, each a synthetic camera: a labelled
// canvas and a silent oscillator, in one stream) and ONE subscriber `PeerConnection` receiving every
// feed in one connection (Janus 1.x multistream, `use_msid: true`: one stream per publisher). The
// stream panel shows the subscriber's `remoteStreams()`, regrouped live as publishers join and
// leave. Publishers leave in turn by each of Janus's ways: unpublish (Janus re-offers), leave (it
// does not re-offer: the subscriber unsubscribes their mids) and closing the connection.
import { JanusSession } from './janus-client.js';
import { syntheticVideo, syntheticAudio, stopTrack } from './media.js';

const gathered = (pc) =>
  pc.iceGatheringState === 'complete'
    ? Promise.resolve()
    : new Promise((resolve) => {
        const done = () => { clearTimeout(timer); pc.removeEventListener('icegatheringstatechange', check); resolve(); };
        const check = () => { if (pc.iceGatheringState === 'complete') done(); };
        const timer = setTimeout(done, 3000);
        pc.addEventListener('icegatheringstatechange', check);
      });

const DEPARTURES = ['unpublish', 'leave', 'close'];

export async function sfu({ PeerConnection, policy, log, janusUrl, onChange }) {
  const session = await JanusSession.create(janusUrl);
  const admin = await session.attach();
  const room = 1 + Math.floor(Math.random() * 1e6);
  await admin.request({ request: 'create', room, publishers: 32, audiocodec: 'opus', videocodec: 'vp8', bitrate: 256000, fir_freq: 2 });
  log(`Janus room ${room} created (${janusUrl})`, 'ok');

  const sub = new PeerConnection({ streamlessPolicy: policy });
  let subscriber = null; // the Janus handle, once the first feed is subscribed
  let streams = []; // Janus's list of the subscription's streams (mid, feed_id)
  const publishers = []; // { n, pc, handle, feed, tracks }
  let next = 1;
  let departures = 0;
  let chain = Promise.resolve();
  let negotiations = 0;
  const note = (data) => { if (Array.isArray(data?.streams)) streams = data.streams; };

  const answer = (jsep) => {
    chain = chain.then(async () => {
      await sub.setRemoteDescription(jsep);
      await sub.setLocalDescription();
      await gathered(sub);
      await subscriber.message({ request: 'start' }, { type: 'answer', sdp: sub.localDescription.sdp });
      negotiations += 1;
      document.body.dataset.negotiations = String(negotiations);
      log(`Janus offer #${negotiations} answered (${sub.getTransceivers().length} m-lines)`, 'ok');
      onChange();
    }).catch((err) => log(`answering Janus failed: ${err.name}: ${err.message}`, 'warn'));
    return chain;
  };

  async function subscribe(feed) {
    if (!subscriber) {
      subscriber = await session.attach();
      subscriber.onevent = (ev) => {
        note(ev.plugindata?.data);
        if (ev.jsep?.type === 'offer') answer(ev.jsep);
      };
      const { data, jsep } = await subscriber.message({ request: 'join', ptype: 'subscriber', room, use_msid: true, streams: [{ feed }] });
      note(data);
      await answer(jsep);
    } else {
      const { data, jsep } = await subscriber.message({ request: 'subscribe', streams: [{ feed }] });
      note(data);
      if (jsep) await answer(jsep);
    }
  }

  async function addPublisher() {
    const n = next++;
    const feed = 1000 + n;
    const tracks = [syntheticAudio(), syntheticVideo(`publisher ${n}`, (n * 67) % 360)];
    const stream = new MediaStream(tracks);
    const pc = new RTCPeerConnection();
    for (const t of tracks) pc.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
    const handle = await session.attach();
    const p = { n, pc, handle, feed, tracks };
    publishers.push(p);
    await handle.message({ request: 'join', ptype: 'publisher', room, id: feed, display: `publisher ${n}` });
    await pc.setLocalDescription();
    await gathered(pc);
    const { jsep } = await handle.message({ request: 'publish' }, { type: 'offer', sdp: pc.localDescription.sdp });
    await pc.setRemoteDescription(jsep);
    log(`publisher ${n} (feed ${feed}) publishes stream ${stream.id.slice(0, 8)}`);
    // Janus lists the feed once its media is up; subscribing earlier says "No such feed".
    for (let i = 0; i < 100; i++) {
      const { participants } = await admin.request({ request: 'listparticipants', room });
      if (participants.some((x) => x.id === feed && x.publisher)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await subscribe(feed);
    onChange();
  }

  async function removePublisher() {
    const p = publishers.shift();
    if (!p) return;
    const how = DEPARTURES[departures++ % DEPARTURES.length];
    log(`publisher ${p.n} leaves by ${how === 'close' ? 'closing its connection' : how}`);
    if (how === 'unpublish') await p.handle.message({ request: 'unpublish' });
    if (how === 'leave') {
      const mids = streams.filter((s) => s.feed_id === p.feed).map((s) => s.mid);
      await p.handle.message({ request: 'leave' });
      // Janus 1.1.2 does not re-offer after `leave`; the feed is gone, so unsubscribe by mid.
      const { data, jsep } = await subscriber.message({ request: 'unsubscribe', streams: mids.map((sub_mid) => ({ sub_mid })) });
      note(data);
      if (jsep) await answer(jsep);
    }
    p.pc.close();
    for (const t of p.tracks) stopTrack(t);
    p.handle.detach();
    onChange();
  }

  return {
    sender: sub, // the ledger shows the subscriber's transceivers: recycled m-lines, what addTrack would reuse
    receiver: sub,
    conn: sub,
    sfu: { addPublisher, removePublisher, get publishers() { return publishers.length; }, room },
    close() {
      for (const p of publishers) p.pc.close();
      sub.close();
      session.destroy();
    },
  };
}
