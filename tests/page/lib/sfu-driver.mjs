// The test process's side of the SFU scenarios (tests/page/sfu.test.mjs): a Janus videoroom, the
// page's publishers joining / leaving it, and the subscriber's one connection kept answered.
// It only carries out steps and hands back what happened; the checks are in the test file.
import { JanusSession } from '../../../www/janus-client.js';

/** The parts of one m-section the checks read. */
export function sections(sdp) {
  return sdp.split(/\r?\nm=/).slice(1).map((block) => {
    const lines = block.split(/\r?\n/);
    const [kind, port] = lines[0].split(' ');
    const attr = (name) => lines.find((l) => l.startsWith(`a=${name}`))?.slice(name.length + 2);
    const dir = ['sendrecv', 'sendonly', 'recvonly', 'inactive'].find((d) => lines.includes(`a=${d}`)) ?? 'sendrecv';
    const msid = attr('msid:')?.split(' ');
    return { kind, port: Number(port), mid: attr('mid:'), dir, stream: msid?.[0] ?? null, track: msid?.[1] ?? null, bundleOnly: lines.includes('a=bundle-only') };
  });
}

export class Room {
  /**
   * `page`: the subscriber's page of sfu.html (after sfu.init()). `publisherPages`: the pages the
   * publishers live in (publisher i in page i mod their number; default the subscriber's page).
   * `useMsid`: Janus's subscriber option.
   */
  constructor(page, janusUrl, { useMsid, publisherPages = [page] }) {
    this.page = page;
    this.publisherPages = publisherPages;
    this.url = janusUrl;
    this.useMsid = useMsid;
    this.room = 1000 + Math.floor(Math.random() * 1e6);
    this.publishers = new Map(); // i → { handle, feed, streamId }
    this.offersApplied = 0;
    this.chain = Promise.resolve();
    this.log = [];
  }

  async open(capacity) {
    this.session = await JanusSession.create(this.url);
    this.admin = await this.session.attach();
    await this.admin.request({ request: 'create', room: this.room, publishers: capacity, audiocodec: 'opus', videocodec: 'vp8', bitrate: 64000, fir_freq: 2 });
  }

  /** The page publisher i lives in. */
  pageOf(i) {
    return this.publisherPages[i % this.publisherPages.length];
  }

  /** Publisher i joins and publishes its stream; resolves once its ICE is connected. */
  async publish(i) {
    const page = this.pageOf(i);
    const handle = await this.session.attach();
    const feed = 100 + i;
    await handle.message({ request: 'join', ptype: 'publisher', room: this.room, id: feed, display: `p${i}` });
    const offer = await page.evaluate((i) => window.sfu.publisherOffer(i), i);
    const { jsep } = await handle.message({ request: 'publish' }, { type: 'offer', sdp: offer.sdp });
    await page.evaluate(([i, sdp]) => window.sfu.publisherAnswer(i, sdp), [i, jsep.sdp]);
    await page.evaluate((i) => window.sfu.publisherConnected(i), i);
    // Janus takes the feed as published once its media is up (a subscription before says "No such feed").
    for (const t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 50))) {
      const { participants } = await this.admin.request({ request: 'listparticipants', room: this.room });
      if (participants.some((p) => p.id === feed && p.publisher)) break;
      if (Date.now() - t0 > 10_000) throw new Error(`feed ${feed} not published after 10 s`);
    }
    this.publishers.set(i, { handle, feed, streamId: offer.streamId });
    return feed;
  }

  /** Keeps Janus's latest list of the subscription's streams (mid, feed_id, active). */
  note(data) {
    if (Array.isArray(data?.streams)) this.streams = data.streams;
  }

  /** The subscription's mids that carry feeds `feeds`, by Janus's latest stream list. */
  midsOf(feeds) {
    return (this.streams ?? []).filter((s) => feeds.includes(s.feed_id)).map((s) => s.mid);
  }

  /** Answers one offer of Janus's on the subscriber, in order with every other. */
  answer(jsep) {
    const step = this.chain.then(async () => {
      const { sdp } = await this.page.evaluate((sdp) => window.sfu.subscriberApply(sdp), jsep.sdp);
      this.offersApplied++;
      await this.subscriber.message({ request: 'start' }, { type: 'answer', sdp });
    });
    this.chain = step.catch(() => {});
    return step;
  }

  /** The subscriber joins with the feeds of publishers `is` (one connection, Janus offers). */
  async subscribe(is) {
    const streams = is.map((i) => ({ feed: this.publishers.get(i).feed }));
    if (!this.subscriber) {
      this.subscriber = await this.session.attach();
      this.subscriber.onevent = (ev) => {
        this.log.push(ev.plugindata?.data);
        this.note(ev.plugindata?.data);
        if (ev.jsep?.type === 'offer') this.answer(ev.jsep).catch((e) => { this.failure = e; });
      };
      const { jsep, data } = await this.subscriber.message({ request: 'join', ptype: 'subscriber', room: this.room, streams, use_msid: this.useMsid });
      this.note(data);
      await this.answer(jsep);
      await this.page.evaluate(() => window.sfu.subscriberConnected());
    } else {
      const { jsep, data } = await this.subscriber.message({ request: 'subscribe', streams });
      this.note(data);
      if (jsep) await this.answer(jsep);
    }
  }

  /** Unsubscribes by feed, or by the subscription's mids (`{ mids }`: after `leave` the feed is gone). */
  async unsubscribe(is, { mids } = {}) {
    const streams = mids ? mids.map((sub_mid) => ({ sub_mid })) : is.map((i) => ({ feed: this.publishers.get(i).feed }));
    const { jsep, data } = await this.subscriber.message({ request: 'unsubscribe', streams });
    this.note(data);
    if (jsep) await this.answer(jsep);
  }

  /** Publisher i goes: 'unpublish', 'leave' (the subscriber unsubscribes itself, after) or 'close' (its pc.close()). */
  async depart(i, how) {
    const p = this.publishers.get(i);
    if (how === 'unpublish') await p.handle.message({ request: 'unpublish' });
    else if (how === 'leave') await p.handle.message({ request: 'leave' });
    else if (how !== 'close') throw new Error(`unknown departure ${how}`);
    // The publisher's page closes its connection in every case (after unpublish / leave, Janus has
    // hung it up: left open, Firefox reports "ICE failed" on it a while later).
    await this.pageOf(i).evaluate((i) => window.sfu.closePublisher(i), i);
  }

  forget(i) {
    const p = this.publishers.get(i);
    this.publishers.delete(i);
    p.handle.detach().catch(() => {});
  }

  /** Resolves once `offersApplied` has reached `n` and no offer came for `quietMs`. */
  async settle({ atLeast = this.offersApplied, quietMs = 300, timeoutMs = 20_000 } = {}) {
    const t0 = Date.now();
    let last = this.offersApplied;
    let since = Date.now();
    for (;;) {
      if (this.failure) throw this.failure;
      await this.chain;
      if (this.offersApplied !== last) { last = this.offersApplied; since = Date.now(); }
      if (this.offersApplied >= atLeast && Date.now() - since >= quietMs) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`no Janus offer after ${timeoutMs} ms (applied ${this.offersApplied}, wanted ${atLeast})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close() {
    await this.session?.destroy();
  }
}
