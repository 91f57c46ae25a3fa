//! Shared by the browser test files: the JS `PeerConnection` class built from this very crate.
#![allow(dead_code)]

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/peer-class.js")]
extern "C" {
    #[wasm_bindgen(js_name = definePeerConnection)]
    fn define_peer_connection(core: &JsValue) -> JsValue;
}

#[wasm_bindgen(module = "/tests/js/media.js")]
extern "C" {
    /// Stops the canvases and audio contexts the scenarios made.
    pub fn cleanup();
}

/// `PeerConnection`, as the npm package exports it, over this build's core.
pub fn peer_connection_class() -> JsValue {
    thread_local!(static CLASS: JsValue = define_peer_connection(&rtc_peer::core_class()));
    CLASS.with(|c| c.clone())
}

/// `RTCPeerConnection`.
pub fn native_class() -> JsValue {
    js_sys::Reflect::get(&js_sys::global(), &"RTCPeerConnection".into()).unwrap_or(JsValue::UNDEFINED)
}

/// The lines of a JS string array.
pub fn lines(v: &JsValue) -> Vec<String> {
    js_sys::Array::from(v).iter().map(|l| l.as_string().unwrap_or_else(|| format!("{l:?}"))).collect()
}
