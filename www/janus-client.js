// A minimal client of Janus's HTTP API and its videoroom plugin (1.x multistream), over `fetch`
// only, so the same module runs in node (the SFU tests drive Janus from the test process) and in a
// page (the demo's SFU mode). No trickle: descriptions are sent complete (the pages wait for ICE
// gathering), and Janus puts its candidates in its own SDP.
//
//   const session = await JanusSession.create(url);           // long-polls its events
//   const h = await session.attach();                          // a videoroom handle
//   await h.request({ request: 'create', room: 1, publishers: 100 });
//   const { data, jsep } = await h.message({ request: 'join', … }, jsep?, 'joined');
//   session.destroy();
let counter = 0;
const transaction = () => `t${Date.now().toString(36)}${(counter++).toString(36)}`;

async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`janus: HTTP ${r.status} from ${url}`);
  const reply = await r.json();
  if (reply.janus === 'error') throw new Error(`janus: ${reply.error?.code} ${reply.error?.reason}`);
  return reply;
}

export class JanusSession {
  static async create(url) {
    const reply = await post(url, { janus: 'create', transaction: transaction() });
    return new JanusSession(url, reply.data.id);
  }

  constructor(url, id) {
    this.url = `${url}/${id}`;
    this.id = id;
    this.handles = new Map();
    this.pending = new Map(); // transaction → { resolve, reject, want }
    this.closed = false;
    this.events = []; // every event received, in order: { handle, plugindata, jsep, janus }
    this.poll();
  }

  async poll() {
    while (!this.closed) {
      let batch;
      try {
        const r = await fetch(`${this.url}?maxev=20&rid=${Date.now()}`);
        batch = await r.json();
      } catch (e) {
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      for (const ev of Array.isArray(batch) ? batch : [batch]) this.dispatch(ev);
    }
  }

  dispatch(ev) {
    if (ev.janus === 'keepalive' || ev.janus === 'ack') return;
    this.events.push(ev);
    const waiter = ev.transaction && this.pending.get(ev.transaction);
    if (waiter && (ev.janus === 'event' || ev.janus === 'success' || ev.janus === 'error')) {
      this.pending.delete(ev.transaction);
      const data = ev.plugindata?.data;
      if (ev.janus === 'error') waiter.reject(new Error(`janus: ${ev.error?.code} ${ev.error?.reason}`));
      else if (data?.error) waiter.reject(Object.assign(new Error(`videoroom: ${data.error_code} ${data.error}`), { code: data.error_code }));
      else waiter.resolve({ data, jsep: ev.jsep, event: ev });
      return;
    }
    const handle = this.handles.get(ev.sender);
    handle?.onevent?.(ev);
  }

  async attach(plugin = 'janus.plugin.videoroom') {
    const reply = await post(this.url, { janus: 'attach', plugin, transaction: transaction() });
    const handle = new JanusHandle(this, reply.data.id);
    this.handles.set(handle.id, handle);
    return handle;
  }

  async destroy() {
    this.closed = true;
    try { await post(this.url, { janus: 'destroy', transaction: transaction() }); } catch { /* already gone */ }
  }
}

export class JanusHandle {
  constructor(session, id) {
    this.session = session;
    this.id = id;
    this.url = `${session.url}/${id}`;
    this.onevent = null; // asynchronous events not tied to a request (publishers joining, leaving, …)
  }

  /** A synchronous plugin request (create, exists, list, listparticipants…): resolves to its data. */
  async request(body) {
    const reply = await post(this.url, { janus: 'message', body, transaction: transaction() });
    const data = reply.plugindata?.data;
    if (data?.error) throw Object.assign(new Error(`videoroom: ${data.error_code} ${data.error}`), { code: data.error_code });
    return data;
  }

  /** An asynchronous plugin request (join, publish, subscribe, start…): resolves to `{ data, jsep }` of its event. */
  message(body, jsep) {
    const tx = transaction();
    const done = new Promise((resolve, reject) => this.session.pending.set(tx, { resolve, reject }));
    return post(this.url, { janus: 'message', body, transaction: tx, ...(jsep ? { jsep } : {}) }).then(
      (reply) => (reply.janus === 'success' ? (this.session.pending.delete(tx), { data: reply.plugindata?.data, jsep: reply.jsep }) : done),
    );
  }

  async detach() {
    this.session.handles.delete(this.id);
    try { await post(this.url, { janus: 'detach', transaction: transaction() }); } catch { /* already gone */ }
  }
}
