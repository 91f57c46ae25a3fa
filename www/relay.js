// Relay mode (`?room=NAME&relay`): two browsers (say Chromium and Firefox) call each other through
// the signalling relay `npm start` serves (www/relay-server.mjs, a WebSocket on the dev server),
// with the package's built-in perfect negotiation: `pc.negotiate({ polite, send })` and
// `pc.receive(message)`. The relay says who is polite (the second peer in the room).

/**
 * `onSession(session | null)` is called when a call starts (`{ sender, receiver, conn, close,
 * polite }`, one connection for both roles) and when the other peer leaves.
 */
export function relay({ PeerConnection, room, policy, log, onSession }) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/relay?room=${encodeURIComponent(room)}`;
  const ws = new WebSocket(url);
  let pc = null;

  const end = () => {
    pc?.close();
    pc = null;
    onSession(null);
  };

  ws.onmessage = ({ data }) => {
    const frame = JSON.parse(data);
    if (frame.type === 'joined') {
      log(`relay: joined room "${room}" as the ${frame.polite ? 'polite' : 'impolite'} peer; waiting for the other browser`);
    } else if (frame.type === 'full') {
      log(`relay: room "${room}" already has two peers`, 'warn');
    } else if (frame.type === 'peer') {
      end();
      pc = new PeerConnection({ streamlessPolicy: policy() });
      const polite = frame.polite;
      pc.negotiate({ polite, send: (message) => ws.send(JSON.stringify({ type: 'signal', message })) });
      let count = 0;
      pc.addEventListener('negotiated', (e) => {
        count += 1;
        document.body.dataset.negotiations = String(count);
        log(`negotiation #${count} (${e.offerer} offer, ${Math.round(e.durationMs)} ms)`, 'ok');
      });
      pc.addEventListener('negotiationerror', (e) => log(`negotiation failed: ${e.error?.name}: ${e.error?.message}`, 'warn'));
      log(`relay: the other peer is here; calling (${polite ? 'polite' : 'impolite'} side)`, 'ok');
      const conn = pc;
      onSession({ sender: conn, receiver: conn, conn, polite, close: () => conn.close() });
    } else if (frame.type === 'signal') {
      pc?.receive(frame.message).catch((err) => log(`signal failed: ${err.name}: ${err.message}`, 'warn'));
    } else if (frame.type === 'left') {
      log('relay: the other peer left', 'warn');
      end();
    }
  };
  ws.onclose = () => log('relay: connection to the relay closed', 'warn');
  ws.onerror = () => log(`relay: cannot reach ${url}`, 'warn');
  return { room };
}
