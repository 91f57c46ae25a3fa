// Loopback mode: two PeerConnections in this page call each other. `sender` gets the local tracks
// (addTrack); `receiver` only answers, so its remote streams are what the far side would see.
// Negotiation is driven by `negotiationneeded` on the sender: every addTrack / removeTrack
// renegotiates by itself.

export function loopback({ PeerConnection, policy, log }) {
  const sender = new PeerConnection();
  const receiver = new PeerConnection({ streamlessPolicy: policy });
  relayIce(sender, receiver, log);
  relayIce(receiver, sender, log);

  let chain = Promise.resolve();
  let count = 0;
  sender.addEventListener('negotiationneeded', () => {
    chain = chain
      .then(async () => {
        if (sender.signalingState !== 'stable') return; // fires again once stable
        await sender.setLocalDescription();
        await receiver.setRemoteDescription(sender.localDescription);
        await receiver.setLocalDescription();
        await sender.setRemoteDescription(receiver.localDescription);
        count += 1;
        document.body.dataset.negotiations = String(count);
        log(`negotiation #${count}: offer → answer applied`, 'ok');
      })
      .catch((err) => {
        if (sender.signalingState !== 'closed') log(`negotiation failed: ${err.name}: ${err.message}`, 'warn');
      });
  });

  return {
    sender,
    receiver,
    conn: sender,
    close() {
      sender.close();
      receiver.close();
    },
  };
}

// The candidate is added after the description it belongs to: addIceCandidate is queued on the
// connection's operations chain behind the setRemoteDescription the negotiation started first.
function relayIce(from, to, log) {
  from.addEventListener('icecandidate', ({ candidate }) => {
    if (!candidate || to.signalingState === 'closed') return;
    to.addIceCandidate(candidate).catch((err) => {
      if (to.signalingState !== 'closed') log(`addIceCandidate failed: ${err.name}`, 'warn');
    });
  });
}
