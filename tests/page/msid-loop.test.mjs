// Firefox's renegotiation loop (found by the storm, tests/page/storm.test.mjs, firefox-firefox),
// pinned with plain RTCPeerConnection in both browsers, so the test fails if either changes:
//
//  1. A side whose transceiver sends (direction sendrecv, a sender with a stream) answers an offer
//     that does not let it send (the far side's m-line is sendonly / inactive). Its answer says
//     recvonly / inactive: per the spec no renegotiation is needed (the answer's direction is the
//     transceiver's direction intersected with the offer's). Chromium 156 keeps `a=msid` in that
//     answer and fires nothing. Firefox 153 leaves `a=msid` out of the answer, then its
//     negotiation-needed check (the msid of the current local description against the sender's
//     stream ids) fires `negotiationneeded`.
//  2. Two Firefox peers that each have such a transceiver, negotiating with the W3C's perfect
//     negotiation: each answer fires `negotiationneeded` on the answerer, whose offer the other
//     side answers, firing it there: they renegotiate forever (about one exchange per few ms
//     here, with every offer's candidates; the storm's relay then never empties, "N relay
//     messages undelivered", and the round never settles). Chromium: one exchange, then quiet.
//
// Run: node --test tests/page/msid-loop.test.mjs   (PAGE_BROWSERS=firefox to pick one)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, BROWSERS } from './lib/browsers.mjs';

/** In the page: plain RTCPeerConnection only. */
async function nativeFacts() {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const canvas = document.createElement('canvas');
  canvas.getContext('2d').fillRect(0, 0, 2, 2);
  const track = () => canvas.captureStream(5).getVideoTracks()[0].clone();
  const videoSection = (sdp, i = 0) => sdp.split(/\r\nm=/).filter((s) => s.startsWith('video'))[i];
  const direction = (section) => section.match(/\r\na=(sendrecv|sendonly|recvonly|inactive)/)[1];
  const wire = (a, b) => {
    a.onicecandidate = (e) => b.addIceCandidate(e.candidate).catch(() => {});
    b.onicecandidate = (e) => a.addIceCandidate(e.candidate).catch(() => {});
  };

  // 1. One answer.
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  wire(a, b);
  a.addTransceiver(track(), { direction: 'sendrecv', streams: [new MediaStream()] });
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  b.getTransceivers()[0].direction = 'sendonly'; // B stops receiving A's video
  await sleep(0);
  await b.setLocalDescription();
  await sleep(200);
  let fired = 0;
  a.onnegotiationneeded = () => fired++;
  await a.setRemoteDescription(b.localDescription);
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await sleep(500);
  const answer = videoSection(a.localDescription.sdp);
  const one = {
    answerDirection: direction(answer),
    answerHasMsid: /\r\na=msid:/.test(answer),
    transceiver: `${a.getTransceivers()[0].direction}/${a.getTransceivers()[0].currentDirection}`,
    negotiationNeededAfterAnswer: fired,
  };
  a.close();
  b.close();

  // 2. Two such sides, the W3C perfect negotiation pattern verbatim (ordered, instant signalling).
  const peers = [new RTCPeerConnection(), new RTCPeerConnection()];
  wire(...peers);
  const exchanges = [0, 0];
  peers.forEach((pc, i) => {
    const other = () => peers[1 - i];
    const polite = i === 1;
    let makingOffer = false;
    let ignoreOffer = false;
    const receive = async ({ description }) => {
      const collision = description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
      ignoreOffer = !polite && collision;
      if (ignoreOffer) return;
      await pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        exchanges[i]++;
        other().receiveDescription(pc.localDescription);
      }
    };
    pc.receiveDescription = (d) => { pc.chain = (pc.chain ?? Promise.resolve()).then(() => receive({ description: d })).catch(() => {}); };
    pc.onnegotiationneeded = async () => {
      try {
        makingOffer = true;
        await pc.setLocalDescription();
        other().receiveDescription(pc.localDescription);
      } catch {} finally { makingOffer = false; }
    };
    pc.addTransceiver(track(), { direction: 'sendrecv', streams: [new MediaStream()] });
  });
  await sleep(1500);
  // Each side stops receiving the other's video: its transceiver of the other's m-line → sendonly.
  const before = [...exchanges];
  for (const pc of peers) {
    for (const t of pc.getTransceivers()) if (!t.sender.track || t.sender.track.readyState !== 'live' || t.direction === 'recvonly') t.direction = 'sendonly';
  }
  const shape = peers.map((pc) => pc.getTransceivers().map((t) => `${t.mid}:${t.direction}${t.sender.track ? '+track' : ''}`).join(' '));
  await sleep(3000);
  const answersIn3s = exchanges.map((n, i) => n - before[i]);
  const states = peers.map((pc) => pc.signalingState);
  for (const pc of peers) pc.close();
  return { one, loop: { shape, answersIn3s, states } };
}

for (const name of BROWSERS) {
  test(`${name}: an answer that cannot send, and the renegotiation it starts (plain RTCPeerConnection)`, { timeout: 60_000 }, async () => {
    const browser = await launch(name);
    try {
      const page = await browser.newPage();
      await page.goto('about:blank');
      const r = await page.evaluate(nativeFacts);
      console.log(`${name} ${browser.version}: ${JSON.stringify(r)}`);
      // The answer itself is the spec's in both: recvonly (sendrecv ∩ reverse(sendonly)).
      assert.equal(r.one.answerDirection, 'recvonly');
      assert.equal(r.one.transceiver, 'sendrecv/recvonly');
      if (name === 'firefox') {
        assert.equal(r.one.answerHasMsid, false, 'Firefox leaves a=msid out of a non-sending answer (if it keeps it now, the loop below may be gone: re-check the storm)');
        assert.ok(r.one.negotiationNeededAfterAnswer >= 1, 'Firefox fires negotiationneeded after that answer');
        assert.ok(r.loop.answersIn3s[0] + r.loop.answersIn3s[1] >= 10, `two Firefox peers renegotiate without end (${r.loop.answersIn3s} answers in 3 s)`);
      } else {
        assert.equal(r.one.answerHasMsid, true, 'Chromium keeps a=msid in the answer');
        assert.equal(r.one.negotiationNeededAfterAnswer, 0, 'no negotiationneeded after the answer (the spec)');
        assert.ok(r.loop.answersIn3s[0] + r.loop.answersIn3s[1] <= 2, `one exchange, then quiet (${r.loop.answersIn3s} answers in 3 s)`);
        assert.deepEqual(r.loop.states, ['stable', 'stable']);
      }
    } finally {
      await browser.close();
    }
  });
}
