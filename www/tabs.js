// Two-tab mode: two tabs of this page (same origin, same browser) call each other, signalling
// over a BroadcastChannel; no server. Pairing: every tab announces itself with `hello`; a tab that
// is not in a call pairs with the first tab it hears and answers with a `hello` addressed to it.
// Negotiation uses the perfect-negotiation pattern (both sides add tracks whenever they like);
// the tab with the smaller id is the polite one.

const CHANNEL = 'rtc-peer-demo';

/**
 * `onSession(session | null)` is called when a call starts (with `{ sender, receiver, conn,
 * close }`, one connection for both roles) and when the other tab leaves.
 */
export function tabs({ PeerConnection, policy, log, onSession, onPeer }) {
  const id = Math.random().toString(36).slice(2, 10);
  const channel = new BroadcastChannel(CHANNEL);
  let peer = null; // the other tab's id
  let call = null;
  let inbox = Promise.resolve(); // signalling messages, applied in order

  const send = (msg) => channel.postMessage({ ...msg, from: id, to: msg.to ?? peer });
  const hello = (to) => channel.postMessage({ kind: 'hello', from: id, to: to ?? null });

  channel.onmessage = ({ data: msg }) => {
    if (!msg || msg.from === id || (msg.to && msg.to !== id)) return;
    if (msg.kind === 'hello') {
      if (peer) return; // already in a call (with this tab, or another one)
      peer = msg.from;
      hello(peer); // so the other tab pairs with us too
      onPeer?.(peer);
      log(`paired with tab ${peer} (${id < peer ? 'polite' : 'impolite'} side)`, 'ok');
      call = startCall(id < peer);
      onSession(call.session);
    } else if (msg.from !== peer) {
      // signalling from a tab we are not paired with
    } else if (msg.kind === 'bye') {
      log(`tab ${peer} left`, 'warn');
      end();
      hello();
    } else if (msg.kind === 'signal') {
      // One message at a time: a candidate must not reach addIceCandidate before the description
      // ahead of it has been applied (it would be dropped, and the call might never connect).
      const current = call;
      inbox = inbox
        .then(() => current?.signal(msg))
        .catch((err) => log(`signalling failed: ${err.name}: ${err.message}`, 'warn'));
    }
  };

  function end() {
    call?.session.close();
    call = null;
    peer = null;
    onPeer?.(null);
    onSession(null);
  }

  function startCall(polite) {
    const pc = new PeerConnection({ streamlessPolicy: policy() });
    let makingOffer = false;
    let ignoreOffer = false;
    let count = 0;

    pc.addEventListener('negotiationneeded', async () => {
      // The polite tab lets the impolite one make the first offer. An initial glare would roll
      // back the polite tab's offer, and the ICE candidates gathered for it (which the impolite
      // side ignores) are not gathered again: the call would never connect. The browser fires
      // negotiationneeded again once the first exchange is stable, so nothing is lost.
      if (polite && !pc.remoteDescription) return;
      try {
        makingOffer = true;
        await pc.setLocalDescription();
        send({ kind: 'signal', description: pc.localDescription.toJSON() });
      } catch (err) {
        if (pc.signalingState !== 'closed') log(`offer failed: ${err.name}: ${err.message}`, 'warn');
      } finally {
        makingOffer = false;
      }
    });
    pc.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate) send({ kind: 'signal', candidate: candidate.toJSON() });
    });
    pc.addEventListener('signalingstatechange', () => {
      if (pc.signalingState === 'stable' && pc.remoteDescription) {
        count += 1;
        document.body.dataset.negotiations = String(count);
      }
    });

    async function signal({ description, candidate }) {
      if (pc.signalingState === 'closed') return;
      if (description) {
        const collision = description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
        ignoreOffer = !polite && collision;
        if (ignoreOffer) {
          log('offer collision: ignoring theirs (impolite side)');
          return;
        }
        if (collision) log('offer collision: rolling back ours (polite side)');
        await pc.setRemoteDescription(description);
        if (description.type === 'offer') {
          await pc.setLocalDescription();
          send({ kind: 'signal', description: pc.localDescription.toJSON() });
        }
        log(`${description.type} received and applied`, 'ok');
      } else if (candidate) {
        try {
          await pc.addIceCandidate(candidate);
        } catch (err) {
          if (!ignoreOffer) throw err;
        }
      }
    }

    return { signal, session: { sender: pc, receiver: pc, conn: pc, close: () => pc.close() } };
  }

  addEventListener('pagehide', () => {
    if (peer) send({ kind: 'bye' });
  });
  hello();
  log(`two-tab mode: this tab is ${id}; waiting for another tab`);
  return { id };
}
