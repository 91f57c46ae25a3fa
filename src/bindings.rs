//! Own bindings where web-sys cannot express the spec.
//!
//! web-sys generates `addTrack` from Gecko's IDL: every variant needs at least one stream and none
//! catches, so `InvalidAccessError` would escape as an uncaught exception. These declarations are
//! variadic and catching, the way gloo-timers declares its own `setTimeout`.
//!
//! The JS face goes one step further: it must hand the browser the caller's arguments exactly as
//! they came (`f()` and `f(undefined)` differ natively), so it applies the native prototype
//! function to the caller's argument list ([`apply_native`]).

use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
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
    ) -> Result<RtcRtpSender, JsValue>;

    /// `pc.removeTrack(sender)`, exceptions returned as `Err`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = removeTrack)]
    pub(crate) fn remove_track(this: &NativePc, sender: &RtcRtpSender) -> Result<(), JsValue>;

    /// `pc.addTransceiver(trackOrKind, init)`, exceptions returned as `Err`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = addTransceiver)]
    pub(crate) fn add_transceiver(
        this: &NativePc,
        track_or_kind: &JsValue,
        init: &JsValue,
    ) -> Result<RtcRtpTransceiver, JsValue>;

    /// `pc.setLocalDescription()` with no argument: the browser creates the offer or answer.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = setLocalDescription)]
    pub(crate) fn set_local_description_implicit(this: &NativePc) -> Result<js_sys::Promise, JsValue>;

    /// `pc.setLocalDescription(description)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = setLocalDescription)]
    pub(crate) fn set_local_description(this: &NativePc, description: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `pc.setRemoteDescription(description)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = setRemoteDescription)]
    pub(crate) fn set_remote_description(this: &NativePc, description: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `pc.addIceCandidate(candidate?)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = addIceCandidate)]
    pub(crate) fn add_ice_candidate(this: &NativePc, candidate: &JsValue) -> Result<js_sys::Promise, JsValue>;

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
    ) -> Result<web_sys::RtcDataChannel, JsValue>;

    /// `pc.createOffer(options)` / `pc.createAnswer(options)` — promise form.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = createOffer)]
    pub(crate) fn create_offer(this: &NativePc, options: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `pc.createAnswer(options)`.
    #[wasm_bindgen(method, catch, js_class = "RTCPeerConnection", js_name = createAnswer)]
    pub(crate) fn create_answer(this: &NativePc, options: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

/// The connection, seen through this module's bindings.
pub(crate) fn native(pc: &RtcPeerConnection) -> &NativePc {
    pc.unchecked_ref()
}

// One import for every type check: wasm-bindgen's `dyn_into` imports a shim per type (ten here),
// each with a long hashed name in both the wasm and the JS glue — a measurable part of the size
// budget. Checks by global constructor name; a missing constructor (no WebRTC) is simply "no".
#[wasm_bindgen(inline_js = "const N = ['MediaStream', 'MediaStreamTrack', 'RTCRtpTransceiver', 'RTCRtpSender', \
    'RTCPeerConnection', 'EventTarget', 'Event', 'HTMLMediaElement'];\n\
    export function isA(v, i) { const k = globalThis[N[i]]; return typeof k === 'function' && v instanceof k; }")]
extern "C" {
    #[wasm_bindgen(js_name = isA)]
    fn is_a(value: &JsValue, type_index: u32) -> bool;
}

/// The browser types the glue checks for, in the order of the list in `isA`.
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
    is_a(value, t as u32)
}

/// `value` as `T` if it is an instance of `t` (which must be `T`'s JS class).
pub(crate) fn cast<T: JsCast>(value: JsValue, t: Web) -> Option<T> {
    is(&value, t).then(|| value.unchecked_into())
}

/// `value` as `&T` if it is an instance of `t` (which must be `T`'s JS class).
pub(crate) fn cast_ref<T: JsCast>(value: &JsValue, t: Web) -> Option<&T> {
    is(value, t).then(|| value.unchecked_ref())
}

/// The items of a browser-returned array, trusted to be of type `T` (e.g. `getTransceivers()`).
pub(crate) fn items<T: JsCast>(array: &Array) -> Vec<T> {
    array.iter().map(JsCast::unchecked_into).collect()
}

/// The native members the JS face overrides and so must reach through the prototype.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Native {
    AddTrack = 0,
    AddTransceiver = 1,
    Close = 2,
}

const NATIVE_NAMES: [&str; 3] = ["addTrack", "addTransceiver", "close"];

thread_local! {
    static NATIVE_FNS: RefCell<[Option<Function>; 3]> = const { RefCell::new([None, None, None]) };
}

/// `RTCPeerConnection.prototype[name].apply(this, args)`: the native member, never an override of
/// a subclass, with the caller's argument list passed through untouched.
pub(crate) fn apply_native(which: Native, this: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
    let f = NATIVE_FNS.with(|cell| -> Result<Function, JsValue> {
        let mut fns = cell.borrow_mut();
        let slot = fns.get_mut(which as usize).ok_or_else(|| JsValue::from_str("no such member"))?;
        if let Some(f) = slot {
            return Ok(f.clone());
        }
        let name = NATIVE_NAMES.get(which as usize).copied().unwrap_or("addTrack");
        let ctor = Reflect::get(&js_sys::global(), &JsValue::from_str("RTCPeerConnection"))?;
        let proto = Reflect::get(&ctor, &JsValue::from_str("prototype"))?;
        let f: Function = Reflect::get(&proto, &JsValue::from_str(name))?
            .dyn_into()
            .map_err(|_| js_sys::TypeError::new("RTCPeerConnection lacks this member"))?;
        *slot = Some(f.clone());
        Ok(f)
    })?;
    f.apply(this, args)
}

/// `{ key: value, … }` from pairs, for the plain records the JS face returns.
pub(crate) fn record(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        // Defining a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// Reads a string property, `None` when it is absent or not a string.
pub(crate) fn get_string(target: &JsValue, key: &str) -> Option<String> {
    Reflect::get(target, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

/// Reads a property, `undefined` when the read throws.
pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}
