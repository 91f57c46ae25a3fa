// `PeerConnection`: the browser's RTCPeerConnection, subclassed, driving the Rust core `Core`.
//
// Why a subclass: it is the only way for a wrapper to be a true drop-in. Every member it does not
// override is the browser's own (every overload, legacy callbacks, attributes, future members), at
// native speed; `pc instanceof RTCPeerConnection`, `event.target === pc` and `this` in `on*`
// handlers all hold; libraries that check the class accept it. The few members that keep books
// forward in one line each to the Rust core (src/js_face.rs), passing `arguments` untouched so
// that `f()` and `f(undefined)` stay different calls. No state lives here but the core handle.
//
// The browser's own members are those of the class's real superclass (`base`, read once here),
// never looked up by global name at call time: the page may install `PeerConnection` as
// `window.RTCPeerConnection`, or a shim, at any moment.
//
// Stack headroom: every call into the core first takes some stack here. Called from deep in a
// recursion of the page's own, the wasm could otherwise run out of stack in the middle of a step,
// and that trap unwinds past Rust: a borrow left taken, the allocator mid-update (the instance
// broken for every later call on every connection), or the browser's call done and its books not.
// Out of stack here, the engine's own RangeError (Firefox: InternalError) is thrown before
// anything happened. Measured with a call at every depth near exhaustion (tests/page/poison.test.mjs):
// 50 frames were not always enough in Firefox, 100 were in both browsers; ~1 µs per call.
export function headroom(n = 160, a = 0, b = 0, c = 0) { return n > 0 ? headroom(n - 1, b, c, a) + 1 : a + b + c; }

export function definePeerConnection(Core) {
  class PeerConnection extends RTCPeerConnection {
    #coreField;
    // Every member reaches the core through here, so through `headroom`.
    get #core() { headroom(); return this.#coreField; }

    constructor() {
      headroom();
      const core = new Core(arguments[0], base); // validates streamlessPolicy before any connection exists
      super(...arguments);
      this.#coreField = core;
      this.addEventListener('track', (e) => core.onTrack(this, e));
      // Descriptions applied on the raw object are settled a task later (the faces' own settle first).
      this.addEventListener('signalingstatechange', () => {
        if (core.onSignalingStateChange(this)) setTimeout(() => core.settle(this));
      });
    }

    addTrack(track, ...streams) { return this.#core.addTrack(this, arguments); }
    close() { return this.#core.close(this, arguments); }
    addTransceiver(trackOrKind) { return this.#core.addTransceiver(this, arguments); }
    setLocalDescription() { return PeerConnection.#describe(this, 'setLocalDescription', arguments); }
    setRemoteDescription(description) { return PeerConnection.#describe(this, 'setRemoteDescription', arguments); }
    // Through the core, which notes it for `negotiate()` (its negotiationneeded is an ICE restart).
    restartIce() { return this.#core.restartIce(this, arguments); }

    // The core's description call, then its settlement once the native promise has settled, so
    // the remote books are right before the returned promise resolves. Promise-returning as
    // natively: a wrong `this` is a rejection, not a throw.
    static #describe(pc, member, args) {
      try {
        const core = pc.#core, end = () => core.described(pc);
        return core[member](pc, args).then((v) => { end(); return v; }, (e) => { end(); throw e; });
      } catch (e) {
        return Promise.reject(e);
      }
    }

    /** addTrack, reporting `{ sender, transceiver, reused, directionBefore, directionAfter }`. */
    addTrackDetailed(track, ...streams) { return this.#core.addTrackDetailed(this, arguments); }
    /** What addTrack(track) would do: `{ reuse, throws, candidates: [{ transceiver, reusable, reason, code }] }`. */
    predictAddTrack(track) { return this.#core.predictAddTrack(this, track); }
    /** Whether the sender's transceiver has ever had currentDirection sendrecv or sendonly. */
    hasSent(senderOrTransceiver) { return this.#core.hasSent(this, senderOrTransceiver); }
    /** The stream ids the sender was associated with, in order. */
    streamIdsOf(sender) { return this.#core.streamIdsOf(sender); }
    /** `sender.setStreams(...streams)`, recorded for streamIdsOf / localStreams. */
    setSenderStreams(sender, ...streams) { return this.#core.setSenderStreams(sender, streams); }
    /** One record per local stream id: `{ id, tracks, senders }`. */
    localStreams() { return this.#core.localStreams(this); }
    /** The remote MediaStreams, grouped by stream id, in order of first arrival. */
    remoteStreams() { return this.#core.remoteStreams(); }
    /** Whether a remote stream is a group made for tracks that arrived with no stream. */
    isStreamless(stream) { return this.#core.isStreamless(stream); }
    /** `"shared"` (default) or `"per-track"`: where remote tracks with no stream go. */
    get streamlessPolicy() { return this.#core.streamlessPolicy; }
    set streamlessPolicy(value) { this.#core.streamlessPolicy = value; }
    /**
     * Perfect negotiation (the W3C pattern), done by the library: `send(message)` is called with
     * each message for the other side (`{ description }` or `{ candidate }`), which hands them to
     * its `receive(message)`. Reports each negotiation as a `negotiated` event, and failures of
     * its own steps as `negotiationerror`.
     */
    negotiate(options) {
      const core = this.#core;
      core.negotiate(this, options);
      this.addEventListener('negotiationneeded', () => core.negotiationNeeded(this));
      this.addEventListener('icecandidate', (e) => core.iceCandidate(this, e));
      const ice = () => core.iceStateChange(this);
      this.addEventListener('iceconnectionstatechange', ice);
      this.addEventListener('connectionstatechange', ice);
    }
    /** A message from the other side's `send`; resolves once handled (in order of arrival). */
    receive(message) {
      try { return this.#core.receive(this, message); } catch (e) { return Promise.reject(e); }
    }
    /** The native object: this connection is one, so it is itself. */
    get native() { return this; }
  }

  const base = Object.getPrototypeOf(PeerConnection.prototype);

  // `onstreamadded`, `onstreamremoved`, `onnegotiated`, `onnegotiationerror`, with
  // event-handler-attribute semantics.
  for (const type of ['streamadded', 'streamremoved', 'negotiated', 'negotiationerror']) {
    const handlers = new WeakMap();
    Object.defineProperty(PeerConnection.prototype, 'on' + type, {
      configurable: true,
      enumerable: true,
      get() { return handlers.get(this)?.value ?? null; },
      set(value) {
        const old = handlers.get(this);
        if (old) this.removeEventListener(type, old.listener);
        handlers.delete(this);
        if (typeof value === 'function' || (typeof value === 'object' && value !== null)) {
          const listener = (e) => (typeof value === 'function' ? value.call(this, e) : undefined);
          handlers.set(this, { value, listener });
          this.addEventListener(type, listener);
        }
      },
    });
  }

  return PeerConnection;
}
