//! Own bindings where web-sys cannot express the spec, and the small JS helpers the core and the
//! JS face go through.
//!
//! web-sys generates `addTrack` from Gecko's IDL: every variant needs at least one stream and none
//! catches, so `InvalidAccessError` would escape as an uncaught exception. These declarations are
//! variadic and catching, the way gloo-timers declares its own `setTimeout`.
//!
//! The JS face goes one step further: it must hand the browser the caller's arguments exactly as
//! they came (`f()` and `f(undefined)` differ natively), so it applies the native prototype
//! function to the caller's argument list ([`apply`]).
//!
//! **No `catch` import here returns a JS value as such.** When a catching import throws,
//! wasm-bindgen (0.2.130) has already given its return value, `undefined`, a slot in the externref
//! table, and the generated Rust returns the exception without ever taking ownership of that slot:
//! one slot leaks per exception. So a catching import that returns an object is declared to return
//! `Option<T>` (the glue allocates no slot for `undefined`/`null`), and reads that may meet
//! `null` use [`get`], which never throws. Imports that return nothing or a number are unaffected.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{MediaStreamTrack, RtcPeerConnection, RtcRtpSender, RtcRtpTransceiver};

#[wasm_bindgen]
extern "C" {
    /// `RTCPeerConnection`, declared here so the members below can be bound the spec's way.
    #[wasm_bindgen(extends = RtcPeerConnection, extends = web_sys::EventTarget, js_name = RTCPeerConnection)]
    #[derive(Debug, Clone)]
    pub(crate) type NativePc;

    /// `pc.addTrack(track, ...streams)`: zero or more streams, exceptions returned as `Err`.
    #[wasm_bindgen(method, catch, variadic, js_class = "RTCPeerConnection", js_name = addTrack)]
    pub(crate) fn add_track(
        this: &NativePc,
        track: &MediaStreamTrack,
        streams: &Array,
    ) -> Result<Option<RtcRtpSender>, JsValue>;

    /// `pc.removeTrack(sender)`, exceptions returned as `Err`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = removeTrack)]
    pub(crate) fn remove_track(this: &NativePc, sender: &RtcRtpSender) -> Result<(), JsValue>;

    /// `pc.addTransceiver(trackOrKind, init)`, exceptions returned as `Err`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = addTransceiver)]
    pub(crate) fn add_transceiver(
        this: &NativePc,
        track_or_kind: &JsValue,
        init: &JsValue,
    ) -> Result<Option<RtcRtpTransceiver>, JsValue>;

    /// `pc.setLocalDescription()` with no argument: the browser creates the offer or answer.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = setLocalDescription)]
    pub(crate) fn set_local_description_implicit(this: &NativePc) -> Result<Option<js_sys::Promise>, JsValue>;

    /// `pc.setLocalDescription(description)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = setLocalDescription)]
    pub(crate) fn set_local_description(this: &NativePc, description: &JsValue) -> Result<Option<js_sys::Promise>, JsValue>;

    /// `pc.setRemoteDescription(description)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = setRemoteDescription)]
    pub(crate) fn set_remote_description(this: &NativePc, description: &JsValue) -> Result<Option<js_sys::Promise>, JsValue>;

    /// `pc.addIceCandidate(candidate?)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = addIceCandidate)]
    pub(crate) fn add_ice_candidate(this: &NativePc, candidate: &JsValue) -> Result<Option<js_sys::Promise>, JsValue>;

    /// `pc.restartIce()` (missing from web-sys' Gecko IDL).
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = restartIce)]
    pub(crate) fn restart_ice(this: &NativePc) -> Result<(), JsValue>;

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

// The JS half of these bindings: a few generic helpers in place of one wasm-bindgen import per
// browser member (each import is a JS shim plus a long hashed name in both the wasm and the glue,
// a measurable part of the size budget). Classes, members and event types are picked by index
// into the lists here, so no string is copied across per call on the hot paths.
#[wasm_bindgen(inline_js = r"
const TYPES = ['MediaStream', 'MediaStreamTrack', 'RTCRtpTransceiver', 'RTCRtpSender', 'RTCPeerConnection', 'EventTarget', 'Event', 'HTMLMediaElement'];
export function isA(v, i) { const k = globalThis[TYPES[i]]; return typeof k === 'function' && v instanceof k; }

export function get(o, k) { try { return Reflect.get(o, k); } catch {} }

const KEYS = new WeakMap();
let next = 1;
export function key(o, add) {
  if (Object(o) !== o) return 0;
  let k = KEYS.get(o);
  if (k === undefined && add) { k = next; next = (next + 1) >>> 0 || 1; KEYS.set(o, k); }
  return k ?? 0;
}

const METHODS = ['getTransceivers', 'getSenders', 'addTrack', 'removeTrack'];
export function call(o, i, a) { return o[METHODS[i]](a); }

const NATIVE = ['addTrack', 'addTransceiver', 'close', 'setStreams'], natives = [];
export function apply(t, i, a) {
  const f = i < 3 ? (natives[i] ??= globalThis.RTCPeerConnection?.prototype[NATIVE[i]]) : t[NATIVE[i]];
  if (typeof f !== 'function') throw new TypeError('RTCPeerConnection lacks this member');
  return f.apply(t, a);
}

const EVENTS = ['streamadded', 'streamremoved', 'addtrack', 'removetrack'];
export function fire(target, i, x, streamless) {
  try {
    target.dispatchEvent(i < 2 ? Object.assign(new Event(EVENTS[i]), { stream: x, streamless: !!streamless })
      : new MediaStreamTrackEvent(EVENTS[i], { track: x }));
  } catch {}
}

export function make(i, message, name) {
  return i === 0 ? new MediaStream() : i === 1 ? new TypeError(message) : new DOMException(message, name);
}

export function userAgent() { return globalThis.navigator?.userAgent; }

export function newPeerConnection(c) { return new RTCPeerConnection(c); }
")]
extern "C" {
    // Indices and flags are `i32` (not `u32`/`bool`) in these declarations: wasm-bindgen then
    // imports the functions above directly, with no converting shim in the JS glue (size budget).
    #[wasm_bindgen(js_name = isA)]
    fn is_a(value: &JsValue, type_index: i32) -> bool;

    /// `target[key]`, or `undefined` where `Reflect.get` would throw (`null`, `undefined`, a
    /// primitive, a throwing getter): reading through a missing object is not an error here.
    #[wasm_bindgen(js_name = get)]
    pub(crate) fn get(target: &JsValue, key: &str) -> JsValue;

    #[wasm_bindgen(js_name = key)]
    fn key_js(object: &JsValue, add: i32) -> u32;

    #[wasm_bindgen(js_name = call)]
    fn call_js(object: &JsValue, method: i32, arg: &JsValue) -> JsValue;

    #[wasm_bindgen(catch, js_name = apply)]
    fn apply_js(this: &JsValue, member: i32, args: &Array) -> Result<Option<JsValue>, JsValue>;

    #[wasm_bindgen(js_name = fire)]
    fn fire_js(target: &JsValue, event: i32, payload: &JsValue, streamless: i32);

    #[wasm_bindgen(js_name = make)]
    fn make_js(class: i32, message: &str, name: &str) -> JsValue;

    /// `new RTCPeerConnection(configuration)`, exceptions returned as `Err`.
    #[wasm_bindgen(catch, js_name = newPeerConnection)]
    pub(crate) fn new_native(configuration: &JsValue) -> Result<Option<RtcPeerConnection>, JsValue>;

    /// `navigator.userAgent` (`undefined` outside a browser).
    #[wasm_bindgen(js_name = userAgent)]
    pub(crate) fn user_agent() -> JsValue;
}

/// The browser types the glue checks for, in the order of `TYPES` in the JS above.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Web {
    MediaStream = 0,
    Track = 1,
    Transceiver = 2,
    Sender = 3,
    PeerConnection = 4,
    EventTarget = 5,
    Event = 6,
    MediaElement = 7,
}

/// `value instanceof <type>`.
pub(crate) fn is(value: &JsValue, t: Web) -> bool {
    is_a(value, t as i32)
}

/// `value` as `T` if it is an instance of `t` (which must be `T`'s JS class).
pub(crate) fn cast<T: JsCast>(value: JsValue, t: Web) -> Option<T> {
    is(&value, t).then(|| value.unchecked_into())
}

/// `value` as `&T` if it is an instance of `t` (which must be `T`'s JS class).
pub(crate) fn cast_ref<T: JsCast>(value: &JsValue, t: Web) -> Option<&T> {
    is(value, t).then(|| value.unchecked_ref())
}

/// Reads a string property, `None` when it is absent or not a string.
pub(crate) fn get_string(target: &JsValue, key: &str) -> Option<String> {
    get(target, key).as_string()
}

/// A small integer for a JS object, by identity: the same object always gets the same key, and no
/// object is kept alive by having one (the map is a `WeakMap` in JS, so wasm holds no JS object
/// for it either). `0` for a non-object.
pub(crate) fn key(object: &JsValue) -> u32 {
    key_js(object, 1)
}

/// The object's key if it has been given one.
pub(crate) fn known_key(object: &JsValue) -> Option<u32> {
    Some(key_js(object, 0)).filter(|k| *k != 0)
}

/// Browser methods called through [`call`], in the order of `METHODS` in the JS above.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Method {
    /// `pc.getTransceivers()`
    GetTransceivers = 0,
    /// `pc.getSenders()`
    GetSenders = 1,
    /// `stream.addTrack(track)`
    AddTrack = 2,
    /// `stream.removeTrack(track)`
    RemoveTrack = 3,
}

/// `object[method](arg)`, for members that do not throw on the objects they are called on here.
pub(crate) fn call(object: &JsValue, method: Method, arg: &JsValue) -> JsValue {
    call_js(object, method as i32, arg)
}

/// The items of a browser-returned array, trusted to be of type `T` (e.g. `getTransceivers()`).
pub(crate) fn items<T: JsCast>(array: JsValue) -> Vec<T> {
    array.unchecked_into::<Array>().iter().map(JsCast::unchecked_into).collect()
}

/// The members applied to a caller's argument list, in the order of `NATIVE` in the JS above.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Native {
    /// `RTCPeerConnection.prototype.addTrack`
    AddTrack = 0,
    /// `RTCPeerConnection.prototype.addTransceiver`
    AddTransceiver = 1,
    /// `RTCPeerConnection.prototype.close`
    Close = 2,
    /// The sender's own `setStreams`.
    SetStreams = 3,
}

/// `member.apply(this, args)`, the exception as `Err`. The connection's members are
/// `RTCPeerConnection.prototype`'s (read once), never an override of a subclass; the caller's
/// argument list passes through untouched. A `null` result reads as `undefined` (see the module
/// docs; none of these members returns `null`).
pub(crate) fn apply(member: Native, this: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
    Ok(apply_js(this, member as i32, args)?.unwrap_or(JsValue::UNDEFINED))
}

/// The events the core dispatches, in the order of `EVENTS` in the JS above.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fire {
    /// `streamadded` on the connection, with `stream` and `streamless`.
    StreamAdded = 0,
    /// `streamremoved` on the connection, with `stream` and `streamless`.
    StreamRemoved = 1,
    /// A `MediaStreamTrackEvent` `addtrack` on a stream, with `track`.
    AddTrack = 2,
    /// A `MediaStreamTrackEvent` `removetrack` on a stream, with `track`.
    RemoveTrack = 3,
}

/// Dispatches the event; a throwing listener is reported by the browser and stops nothing.
pub(crate) fn fire(target: &JsValue, event: Fire, payload: &JsValue, streamless: bool) {
    fire_js(target, event as i32, payload, streamless as i32);
}

/// `new MediaStream()`.
pub(crate) fn new_stream() -> web_sys::MediaStream {
    make_js(0, "", "").unchecked_into()
}

/// `new TypeError(message)`.
pub(crate) fn type_error(message: &str) -> JsValue {
    make_js(1, message, "")
}

/// `new DOMException(message, name)`.
pub(crate) fn dom_exception(message: &str, name: &str) -> JsValue {
    make_js(2, message, name)
}

/// `target[key] = value`; a set the object refuses is ignored.
pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// `{ key: value, … }` from pairs, for the plain records the JS face returns.
pub(crate) fn record(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        // Defining a data property on a fresh plain object cannot fail.
        set(&o, k, v);
    }
    o
}
