//! Own bindings where web-sys cannot express the spec, and the small JS helpers the core and the
//! JS face go through.
//!
//! web-sys generates `addTrack` from Gecko's IDL: every variant needs at least one stream and none
//! catches, so `InvalidAccessError` would escape as an uncaught exception. The members that keep
//! books (`addTrack`, `addTransceiver`, `removeTrack`, `close`, `setLocalDescription`,
//! `setRemoteDescription`, and `restartIce`, which the negotiator must know of) are applied to an
//! argument list instead ([`apply`]): catching, with zero or more streams, and with the JS caller's arguments exactly as they came (`f()` and
//! `f(undefined)` differ natively). The other members the Rust face calls are declared below,
//! catching, the way gloo-timers declares its own `setTimeout`.
//!
//! **No `catch` import here returns a JS value as such.** When a catching import throws,
//! wasm-bindgen (0.2.130) has already given its return value, `undefined`, a slot in the externref
//! table, and the generated Rust returns the exception without ever taking ownership of that slot:
//! one slot leaks per exception. So a catching import that returns an object is declared to return
//! `Option<T>` (the glue allocates no slot for `undefined`/`null`), and reads that may meet
//! `null` use `view::get`, which never throws. Imports that return nothing or a number are unaffected.

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::RtcPeerConnection;

#[wasm_bindgen]
extern "C" {
    /// `RTCPeerConnection`, declared here so the members below can be bound the spec's way.
    #[wasm_bindgen(extends = RtcPeerConnection, extends = web_sys::EventTarget, js_name = RTCPeerConnection)]
    #[derive(Debug, Clone)]
    pub(crate) type NativePc;

    /// `pc.addIceCandidate(candidate?)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = addIceCandidate)]
    pub(crate) fn add_ice_candidate(this: &NativePc, candidate: &JsValue) -> Result<Option<js_sys::Promise>, JsValue>;

    /// `pc.setConfiguration(configuration)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = setConfiguration)]
    pub(crate) fn set_configuration(this: &NativePc, configuration: &JsValue) -> Result<(), JsValue>;

    /// `pc.createDataChannel(label, init)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = createDataChannel)]
    pub(crate) fn create_data_channel(
        this: &NativePc,
        label: &str,
        init: &JsValue,
    ) -> Result<Option<web_sys::RtcDataChannel>, JsValue>;

    /// `pc.createOffer(options)` / `pc.createAnswer(options)` — promise form.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = createOffer)]
    pub(crate) fn create_offer(this: &NativePc, options: &JsValue) -> Result<Option<js_sys::Promise>, JsValue>;

    /// `pc.createAnswer(options)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = createAnswer)]
    pub(crate) fn create_answer(this: &NativePc, options: &JsValue) -> Result<Option<js_sys::Promise>, JsValue>;
}

/// The connection, seen through this module's bindings.
pub(crate) fn native(pc: &RtcPeerConnection) -> &NativePc {
    pc.unchecked_ref()
}

// The JS half: the native constructor as it was when this module loaded (a page that later
// installs `PeerConnection` as `window.RTCPeerConnection` must not make the Rust face build the
// subclass), and `apply` over the prototype of the class's real superclass, handed in by the JS
// class itself, so a member is never looked up by global name at call time.
#[wasm_bindgen(inline_js = r"
const Native = globalThis.RTCPeerConnection;
export function newPeerConnection(c) { return new Native(c); }
export function nativePrototype() { return Native?.prototype; }

const NATIVE = ['addTrack', 'addTransceiver', 'close', 'setLocalDescription', 'setRemoteDescription', 'removeTrack', 'restartIce'];
export function apply(proto, t, i, a) {
  const f = proto?.[NATIVE[i]];
  if (typeof f !== 'function') throw new TypeError('RTCPeerConnection lacks this member');
  return f.apply(t, a);
}
export function setStreams(s, a) { return s.setStreams(...a); }
")]
extern "C" {
    #[wasm_bindgen(catch, js_name = apply)]
    fn apply_js(proto: &JsValue, this: &JsValue, member: i32, args: &Array) -> Result<Option<JsValue>, JsValue>;

    #[wasm_bindgen(catch, js_name = setStreams)]
    fn set_streams_js(sender: &JsValue, streams: &Array) -> Result<(), JsValue>;

    /// `new RTCPeerConnection(configuration)` of the native class, exceptions returned as `Err`.
    #[wasm_bindgen(catch, js_name = newPeerConnection)]
    pub(crate) fn new_native(configuration: &JsValue) -> Result<Option<RtcPeerConnection>, JsValue>;

    /// `RTCPeerConnection.prototype` as it was when the package loaded.
    #[wasm_bindgen(js_name = nativePrototype)]
    pub(crate) fn native_prototype() -> JsValue;
}

/// The members applied to a caller's argument list, in the order of `NATIVE` in the JS above.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Native {
    /// `addTrack(track, ...streams)`
    AddTrack = 0,
    /// `addTransceiver(trackOrKind, init)`
    AddTransceiver = 1,
    /// `close()`
    Close = 2,
    /// `setLocalDescription(description?)`
    SetLocalDescription = 3,
    /// `setRemoteDescription(description)`
    SetRemoteDescription = 4,
    /// `removeTrack(sender)`
    RemoveTrack = 5,
    /// `restartIce()`
    RestartIce = 6,
}

/// `proto[member].apply(this, args)`, the exception as `Err`: the caller's argument list passes
/// through untouched (natively `f()` and `f(undefined)` differ). `proto` is the prototype of the
/// real superclass (JS face) or of the native class (Rust face). A `null` result reads as
/// `undefined` (see the module docs; none of these members returns `null`).
pub(crate) fn apply(proto: &JsValue, member: Native, this: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
    Ok(apply_js(proto, this, member as i32, args)?.unwrap_or(JsValue::UNDEFINED))
}

/// `sender.setStreams(...streams)`.
pub(crate) fn set_streams(sender: &JsValue, streams: &Array) -> Result<(), JsValue> {
    set_streams_js(sender, streams)
}

// Transceiver and sender members whose web-sys bindings do not catch (the Rust face's
// `Transceiver` and `Sender`, src/transceiver.rs): an exception there would be uncaught.
#[wasm_bindgen]
extern "C" {
    /// `RTCRtpTransceiver`, declared here so the members below can be bound catching.
    #[wasm_bindgen(extends = web_sys::RtcRtpTransceiver, js_name = RTCRtpTransceiver)]
    #[derive(Debug, Clone)]
    pub(crate) type NativeTransceiver;

    /// `transceiver.direction = direction` (throws `InvalidStateError` once stopped, `TypeError` for `"stopped"`).
    #[wasm_bindgen(method, setter = direction, catch, js_class = "RTCRtpTransceiver")]
    pub(crate) fn set_direction(this: &NativeTransceiver, direction: &str) -> Result<(), JsValue>;

    /// `transceiver.stop()`.
    #[wasm_bindgen(method, catch, js_class = "RTCRtpTransceiver")]
    pub(crate) fn stop(this: &NativeTransceiver) -> Result<(), JsValue>;

    /// `RTCRtpSender`, declared here so `replaceTrack` can be bound catching.
    #[wasm_bindgen(extends = web_sys::RtcRtpSender, js_name = RTCRtpSender)]
    #[derive(Debug, Clone)]
    pub(crate) type NativeSender;

    /// `sender.replaceTrack(track)`.
    #[wasm_bindgen(method, catch, js_class = "RTCRtpSender", js_name = replaceTrack)]
    pub(crate) fn replace_track(this: &NativeSender, track: Option<&web_sys::MediaStreamTrack>) -> Result<Option<js_sys::Promise>, JsValue>;
}
