//! The JS face: what `js/rtc-peer.js` calls.
//!
//! In JS, `PeerConnection` is a subclass of the browser's `RTCPeerConnection` (see that file for
//! why), so every member it does not override is the browser's own, at the browser's own speed.
//! The members that keep books, and the members this library adds, forward here in one line each,
//! handing over the connection (`this`) and the caller's `arguments` untouched.
//!
//! Errors: a native call's exception is rethrown as the very same object (same `name`, same
//! `instanceof DOMException`); bad input to an added member throws a `TypeError` with a message in
//! the browser's style. Nothing here panics on JS input.

use crate::bindings::{self, apply, cast_ref, get, is, record, set, Native, Web};
use crate::core::Core;
use crate::sender_reuse::{Outcome, Prediction};
use crate::stream_grouping::StreamlessPolicy;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use web_sys::{EventTarget, MediaStreamTrack, RtcPeerConnection, RtcRtpTransceiver};

fn type_error(member: &str, detail: &str) -> JsValue {
    // Concatenation, not format!: keeps core::fmt out of the wasm (see the size budget).
    bindings::type_error(&crate::concat(&["Failed to execute '", member, "' on 'PeerConnection': ", detail]))
}

fn as_pc(pc: &JsValue) -> Result<&RtcPeerConnection, JsValue> {
    cast_ref::<RtcPeerConnection>(pc, Web::PeerConnection).ok_or_else(|| bindings::type_error("Illegal invocation"))
}

fn policy_from(value: &JsValue) -> Result<Option<StreamlessPolicy>, JsValue> {
    if value.is_undefined() {
        return Ok(None);
    }
    // WebIDL would ToString a non-string; no non-string converts to a valid value, so any is invalid.
    let text = value.as_string();
    text.as_deref().and_then(|t| t.parse::<StreamlessPolicy>().ok()).map(Some).ok_or_else(|| {
        let shown = text.as_deref().unwrap_or("(not a string)");
        bindings::type_error(&crate::concat(&["The provided value '", shown, "' is not a valid enum value of type StreamlessPolicy."]))
    })
}

// The books of one JS `PeerConnection` (private to the JS class; not part of the public API).
// Plain `//` comments, and `skip_jsdoc` on every member: wasm-bindgen copies `///` docs and
// generated `@param` tags into the shipped JS glue (size budget), and the public docs of the JS
// class are js/rtc-peer.d.ts.
#[wasm_bindgen(js_name = PeerConnectionCore)]
#[derive(Debug)]
pub struct JsCore {
    core: Core,
}

#[wasm_bindgen(js_class = PeerConnectionCore)]
impl JsCore {
    // Reads `streamlessPolicy` from the configuration dictionary (the browser ignores the member).
    #[wasm_bindgen(skip_jsdoc, constructor)]
    pub fn new(configuration: JsValue) -> Result<JsCore, JsValue> {
        #[cfg(feature = "panic-hook")]
        console_error_panic_hook::set_once();
        let policy = if configuration.is_object() {
            policy_from(&get(&configuration, "streamlessPolicy"))?
        } else {
            None
        };
        Ok(JsCore { core: Core::new(policy.unwrap_or_default()) })
    }

    // `addTrack(track, ...streams)`: the native call, then the stream association is recorded.
    #[wasm_bindgen(skip_jsdoc, js_name = addTrack)]
    pub fn add_track(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        let sender = apply(Native::AddTrack, pc, args)?;
        self.core.record_streams(&sender, args, 1);
        Ok(sender)
    }

    // `addTransceiver(trackOrKind, init)`: the native call, then `init.streams` is recorded.
    #[wasm_bindgen(skip_jsdoc, js_name = addTransceiver)]
    pub fn add_transceiver(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        let transceiver = apply(Native::AddTransceiver, pc, args)?;
        let streams = get(&get(args, "1"), "streams");
        let streams = streams.dyn_into::<Array>().unwrap_or_else(|_| Array::new());
        self.core.record_streams(&get(&transceiver, "sender"), &streams, 0);
        Ok(transceiver)
    }

    // `addTrackDetailed(track, ...streams)` → `{ sender, transceiver, reused, directionBefore, directionAfter }`.
    #[wasm_bindgen(skip_jsdoc, js_name = addTrackDetailed)]
    pub fn add_track_detailed(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        let rtc = as_pc(pc)?;
        let before = self.core.snapshot(rtc);
        let sender = self.add_track(pc, args)?;
        let (transceiver, direction_before) = match self.core.added_on(rtc, &before, &sender) {
            Some((t, d)) => (JsValue::from(t), d),
            None => (JsValue::NULL, None),
        };
        Ok(record(&[
            ("sender", sender),
            ("reused", JsValue::from_bool(direction_before.is_some())),
            ("directionBefore", direction_before.map(|d| JsValue::from_str(d.as_str())).unwrap_or(JsValue::NULL)),
            ("directionAfter", get(&transceiver, "direction")),
            ("transceiver", transceiver),
        ])
        .into())
    }

    // `predictAddTrack(track)` → `{ reuse, candidates, throws }`.
    #[wasm_bindgen(skip_jsdoc, js_name = predictAddTrack)]
    pub fn predict_add_track(&self, pc: &JsValue, track: &JsValue) -> Result<JsValue, JsValue> {
        let rtc = as_pc(pc)?;
        let track = cast_ref::<MediaStreamTrack>(track, Web::Track)
            .ok_or_else(|| type_error("predictAddTrack", "parameter 1 is not of type 'MediaStreamTrack'."))?;
        let (snap, prediction) = self.core.predict(rtc, track);
        Ok(prediction_to_js(&snap.transceivers, &prediction).into())
    }

    // `hasSent(senderOrTransceiver)`.
    #[wasm_bindgen(skip_jsdoc, js_name = hasSent)]
    pub fn has_sent(&self, pc: &JsValue, target: &JsValue) -> Result<bool, JsValue> {
        let rtc = as_pc(pc)?;
        if !is(target, Web::Sender) && !is(target, Web::Transceiver) {
            return Err(type_error("hasSent", "parameter 1 is not of type 'RTCRtpSender' or 'RTCRtpTransceiver'."));
        }
        self.core.has_sent(rtc, target).ok_or_else(|| {
            bindings::dom_exception("The sender or transceiver does not belong to this connection.", "InvalidAccessError")
        })
    }

    // `streamIdsOf(sender)` → the stream ids, in order.
    #[wasm_bindgen(skip_jsdoc, js_name = streamIdsOf)]
    pub fn stream_ids_of(&self, sender: &JsValue) -> Result<Array, JsValue> {
        if !is(sender, Web::Sender) {
            return Err(type_error("streamIdsOf", "parameter 1 is not of type 'RTCRtpSender'."));
        }
        Ok(self.core.stream_ids_of(sender).into_iter().map(|id| JsValue::from_str(&id.0)).collect())
    }

    // `setSenderStreams(sender, ...streams)`: `sender.setStreams(...streams)`, recorded.
    #[wasm_bindgen(skip_jsdoc, js_name = setSenderStreams)]
    pub fn set_sender_streams(&self, sender: &JsValue, streams: &Array) -> Result<(), JsValue> {
        if !is(sender, Web::Sender) {
            return Err(type_error("setSenderStreams", "parameter 1 is not of type 'RTCRtpSender'."));
        }
        if !get(sender, "setStreams").is_function() {
            return Err(type_error("setSenderStreams", "this browser has no RTCRtpSender.setStreams."));
        }
        apply(Native::SetStreams, sender, streams)?;
        self.core.record_streams(sender, streams, 0);
        Ok(())
    }

    // `localStreams()` → `[{ id, tracks, senders }]`.
    #[wasm_bindgen(skip_jsdoc, js_name = localStreams)]
    pub fn local_streams(&self, pc: &JsValue) -> Result<Array, JsValue> {
        let rtc = as_pc(pc)?;
        Ok(self
            .core
            .local_streams(rtc)
            .into_iter()
            .map(|(id, senders)| {
                let tracks: Array = senders.iter().map(|s| get(s, "track")).filter(|t| !t.is_null() && !t.is_undefined()).collect();
                let senders: Array = senders.into_iter().collect();
                JsValue::from(record(&[("id", JsValue::from_str(&id.0)), ("tracks", tracks.into()), ("senders", senders.into())]))
            })
            .collect())
    }

    // `remoteStreams()` → the remote `MediaStream`s, in order of first arrival.
    #[wasm_bindgen(skip_jsdoc, js_name = remoteStreams)]
    pub fn remote_streams(&self) -> Array {
        self.core.remote_streams().into_iter().map(|(s, _)| JsValue::from(s)).collect()
    }

    // `isStreamless(stream)`: whether a remote stream is a group made for streamless tracks.
    #[wasm_bindgen(skip_jsdoc, js_name = isStreamless)]
    pub fn is_streamless(&self, stream: &JsValue) -> bool {
        self.core.remote_streams().iter().any(|(s, streamless)| *streamless && AsRef::<JsValue>::as_ref(s) == stream)
    }

    // The streamless policy, `"shared"` or `"per-track"`.
    #[wasm_bindgen(skip_jsdoc, getter, js_name = streamlessPolicy)]
    pub fn streamless_policy(&self) -> JsValue {
        // A JS string made here, not a returned `String`: no buffer to free afterwards in the glue.
        JsValue::from_str(self.core.policy().as_str())
    }

    // Sets the policy; like a WebIDL enum attribute, an invalid value is ignored.
    #[wasm_bindgen(skip_jsdoc, setter, js_name = streamlessPolicy)]
    pub fn set_streamless_policy(&self, value: JsValue) {
        if let Ok(Some(p)) = policy_from(&value) {
            self.core.set_policy(p);
        }
    }

    // `close()`: the native close, then the books let go of every browser object they hold.
    // Through the prototype: a structural `pc.close()` would re-enter the subclass's override.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn close(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        let result = apply(Native::Close, pc, args)?;
        self.core.release();
        Ok(result)
    }

    // Listener body for the native `track` event.
    #[wasm_bindgen(skip_jsdoc, js_name = onTrack)]
    pub fn on_track(&self, pc: &JsValue, event: &JsValue) {
        if let (Some(target), Some(event)) = (cast_ref::<EventTarget>(pc, Web::EventTarget), cast_ref::<web_sys::Event>(event, Web::Event)) {
            self.core.on_track(target, event);
        }
    }

    // Listener body for the native `signalingstatechange` event.
    #[wasm_bindgen(skip_jsdoc, js_name = onSignalingStateChange)]
    pub fn on_signaling_state_change(&self, pc: &JsValue) {
        if let Some(rtc) = cast_ref::<RtcPeerConnection>(pc, Web::PeerConnection) {
            self.core.on_signaling_state_change(rtc);
        }
    }
}

pub(crate) fn prediction_to_js(transceivers: &[RtcRtpTransceiver], p: &Prediction) -> Object {
    let candidates: Array = p
        .candidates
        .iter()
        .zip(transceivers)
        .map(|(v, t)| {
            JsValue::from(record(&[
                ("transceiver", t.clone().into()),
                ("reusable", JsValue::from_bool(v.reusable)),
                ("reason", v.reason.as_ref().map(|r| JsValue::from_str(&r.describe())).unwrap_or(JsValue::NULL)),
                ("code", v.reason.as_ref().map(|r| JsValue::from_str(r.code())).unwrap_or(JsValue::NULL)),
            ]))
        })
        .collect();
    let (reuse, throws) = match &p.outcome {
        Outcome::Reuse { index, .. } => (transceivers.get(*index).map(JsValue::from).unwrap_or(JsValue::NULL), JsValue::NULL),
        Outcome::New => (JsValue::NULL, JsValue::NULL),
        Outcome::Throws(name) => (JsValue::NULL, JsValue::from_str(name.as_str())),
    };
    record(&[("reuse", reuse), ("candidates", candidates.into()), ("throws", throws)])
}

/// Attaches a stream to a media element (`element.srcObject = stream`, with `autoplay`).
///
/// Safe to call repeatedly: assigning the stream the element already shows is a no-op, so playback
/// does not restart. `stream` may be `null` to detach.
#[wasm_bindgen(skip_jsdoc, js_name = attachStream)]
pub fn attach_stream(element: &JsValue, stream: &JsValue) -> Result<(), JsValue> {
    // Plain property sets (no web-sys setters): one import fewer each (size budget).
    if !is(element, Web::MediaElement) {
        return Err(bindings::type_error("attachStream: parameter 1 is not of type 'HTMLMediaElement'."));
    }
    if stream.is_null() || stream.is_undefined() {
        set(element, "srcObject", &JsValue::NULL);
        return Ok(());
    }
    if !is(stream, Web::MediaStream) {
        return Err(bindings::type_error("attachStream: parameter 2 is not of type 'MediaStream'."));
    }
    if &get(element, "srcObject") != stream {
        set(element, "srcObject", stream);
    }
    // Playback starts by itself when the element may autoplay; no promise is left to reject.
    set(element, "autoplay", &JsValue::TRUE);
    Ok(())
}

/// The JS class of the core, for test harnesses that build the `PeerConnection` class themselves
/// (`definePeerConnection(coreClass())` from `js/peer-class.js`). Not part of the stable API.
#[doc(hidden)]
pub fn core_class() -> JsValue {
    match JsCore::new(JsValue::UNDEFINED) {
        Ok(core) => get(&JsValue::from(core), "constructor"),
        Err(e) => e,
    }
}
