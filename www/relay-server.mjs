// The demo's signalling relay: a WebSocket endpoint (`/relay?room=NAME`) on the same HTTP server as
// the page (`npm start` mounts it on webpack's dev server; tests/page/cross-browser.test.mjs on its
// static server). Rooms by name, two peers each: the first to join is the impolite peer, the
// second the polite one (perfect negotiation). Messages from one peer go to the other untouched,
// in order. Frames to a client:
//   { type: 'joined', polite }        on joining
//   { type: 'peer', polite }          the other peer is here: start the call (sent to both)
//   { type: 'signal', message }       a message of the other peer's `send`
//   { type: 'left' }                  the other peer went (the room waits for a new one)
//   { type: 'full' }                  the room has two peers already (the socket is then closed)
import { WebSocketServer } from 'ws';

export const RELAY_PATH = '/relay';

/** Attaches the relay to `server` (a node http.Server). Returns `{ rooms, close() }`. */
export function attachRelay(server, { log = () => {} } = {}) {
  const wss = new WebSocketServer({ noServer: true });
  const rooms = new Map(); // name -> [socket, socket?] (index 0 is the impolite peer)
  const onUpgrade = (req, socket, head) => {
    const url = new URL(req.url, 'http://relay');
    if (url.pathname !== RELAY_PATH) return; // someone else's upgrade (webpack's live reload)
    const room = url.searchParams.get('room') || 'default';
    wss.handleUpgrade(req, socket, head, (ws) => join(ws, room));
  };
  server.on('upgrade', onUpgrade);

  function join(ws, name) {
    const peers = rooms.get(name) ?? [];
    if (peers.length >= 2) {
      ws.send(JSON.stringify({ type: 'full' }));
      ws.close();
      return;
    }
    peers.push(ws);
    rooms.set(name, peers);
    const polite = () => peers.indexOf(ws) === 1;
    ws.send(JSON.stringify({ type: 'joined', polite: polite() }));
    log(`room ${name}: ${peers.length} peer(s)`);
    if (peers.length === 2) for (const p of peers) p.send(JSON.stringify({ type: 'peer', polite: peers.indexOf(p) === 1 }));
    ws.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      const other = peers.find((p) => p !== ws);
      if (frame?.type === 'signal' && other) other.send(JSON.stringify({ type: 'signal', message: frame.message }));
    });
    ws.on('close', () => {
      const i = peers.indexOf(ws);
      if (i >= 0) peers.splice(i, 1);
      if (!peers.length) rooms.delete(name);
      // The one left is now the first in the room: impolite towards whoever joins next.
      for (const p of peers) p.send(JSON.stringify({ type: 'left' }));
      log(`room ${name}: ${peers.length} peer(s)`);
    });
  }

  return {
    rooms,
    close() {
      server.off('upgrade', onUpgrade);
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}
