//! The global does not matter: `PeerConnection` installed as `window.RTCPeerConnection` (after
//! the class is defined, at any moment), swapped back, or replaced by a wrapping shim, in Chrome and
//! Firefox. The browser's members come from the class's real superclass, never from the global
//! at call time (before, `new RTCPeerConnection().addTrack(...)` with the global installed before
//! the first call recursed until the stack overflowed, and every later call trapped).
#![cfg(target_arch = "wasm32")]

mod common;

use common::peer_connection_class;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r"
const saved = globalThis.RTCPeerConnection;
export function install(v) { globalThis.RTCPeerConnection = v; }
export function restore() { globalThis.RTCPeerConnection = saved; }
// A shim in the style of webrtc-adapter: a subclass of whatever the global is, installed over it.
export function shim() {
  const Base = globalThis.RTCPeerConnection;
  globalThis.RTCPeerConnection = class Shimmed extends Base {
    addTrack(...a) { this.shimmed = (this.shimmed ?? 0) + 1; return super.addTrack(...a); }
  };
}
export function construct() { return new RTCPeerConnection(); }
export function audio() {
  const ctx = new AudioContext(), dest = ctx.createMediaStreamDestination();
  ctx.createOscillator().connect(dest);
  return dest.stream.getAudioTracks()[0];
}
export async function negotiate(a, b) {
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
}
")]
extern "C" {
    fn install(class: &JsValue);
    fn restore();
    fn shim();
    fn construct() -> JsValue;
    fn audio() -> JsValue;
    #[wasm_bindgen(catch)]
    async fn negotiate(a: &JsValue, b: &JsValue) -> Result<JsValue, JsValue>;
}

fn call(this: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(this, &name.into())?.dyn_into()?;
    f.apply(this, &args.iter().copied().collect::<Array>())
}

fn remote_ids(pc: &JsValue) -> Vec<String> {
    let list: Array = call(pc, "remoteStreams", &[]).unwrap_or_default().unchecked_into();
    list.iter().map(|s| Reflect::get(&s, &"id".into()).ok().and_then(|i| i.as_string()).unwrap_or_default()).collect()
}

/// A call through whatever `RTCPeerConnection` is now: addTrack with a stream, addTransceiver,
/// negotiate, the far side's books, a failing call, and close.
async fn a_call_through_the_global(what: &str) {
    let (a, b) = (construct(), construct());
    assert!(a.is_instance_of::<web_sys::RtcPeerConnection>(), "{what}: a connection");
    let stream = web_sys::MediaStream::new().unwrap();
    let track = audio();
    let sender = call(&a, "addTrack", &[&track, &stream]);
    assert!(sender.is_ok(), "{what}: addTrack works: {sender:?}");
    let again = call(&a, "addTrack", &[&track, &stream]).unwrap_err();
    assert_eq!(Reflect::get(&again, &"name".into()).unwrap().as_string().as_deref(), Some("InvalidAccessError"), "{what}: the native error");
    assert!(call(&a, "addTransceiver", &[&"video".into()]).is_ok(), "{what}: addTransceiver works after a failed call");
    negotiate(&a, &b).await.unwrap_or_else(|e| panic!("{what}: negotiation: {e:?}"));
    if Reflect::has(&b, &"remoteStreams".into()).unwrap_or(false) {
        // The audio in its stream, the transceiver's video streamless.
        let ids = remote_ids(&b);
        assert_eq!(ids.len(), 2, "{what}: the far side's books: {ids:?}");
        assert_eq!(ids[0], stream.id(), "{what}: the far side's books: the audio's stream");
    }
    call(&a, "close", &[]).unwrap();
    call(&b, "close", &[]).unwrap();
    let state = Reflect::get(&a, &"signalingState".into()).unwrap().as_string();
    assert_eq!(state.as_deref(), Some("closed"), "{what}: close() closes");
}

#[wasm_bindgen_test]
async fn installed_as_the_global_and_swapped_back_and_shimmed() {
    let class = peer_connection_class();
    // Installed before any member of the class was ever called.
    install(&class);
    a_call_through_the_global("installed").await;
    // The Rust face builds the native class, whatever the global is.
    let rust = rtc_peer::PeerConnection::new(&Default::default()).unwrap();
    let proto = Reflect::get_prototype_of(rust.as_raw()).unwrap();
    assert!(!Reflect::has(&proto, &"remoteStreams".into()).unwrap(), "the Rust face's raw object is a native RTCPeerConnection");
    // A shim over the installed class, then back to native, then installed again.
    shim();
    a_call_through_the_global("a shim over the installed class").await;
    restore();
    a_call_through_the_global("the native class restored").await;
    install(&class);
    a_call_through_the_global("installed again").await;
    restore();
    // And the class used directly still works: nothing was poisoned on the way.
    let pc = Reflect::construct(class.unchecked_ref::<Function>(), &Array::new()).unwrap();
    assert!(call(&pc, "addTrack", &[&audio()]).is_ok(), "the class still works");
    call(&pc, "close", &[]).unwrap();
}
