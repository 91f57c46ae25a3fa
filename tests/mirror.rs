//! The JS mirror as a conformance suite: every scenario of tests/js/mirror.js runs against the
//! native RTCPeerConnection and against PeerConnection in the same page, and the transcripts
//! (values, error names, event sequences) must be equal. Each test also pins a few native facts,
//! so a scenario that broke for both could not pass.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{lines, native_class, peer_connection_class};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/mirror.js")]
extern "C" {
    /// `media.js`'s, re-exported: imported from here, media.js is fetched after this module, not
    /// beside it (see `cleanup` in tests/js/mirror.js).
    fn cleanup();
    #[wasm_bindgen(catch)]
    async fn run(name: &str, native: JsValue, wrapped: JsValue) -> Result<JsValue, JsValue>;
}

async fn mirror(name: &str) -> Vec<String> {
    let result = run(name, native_class(), peer_connection_class())
        .await
        .unwrap_or_else(|e| panic!("scenario {name} threw: {e:?}"));
    cleanup();
    let native = lines(&js_sys::Reflect::get(&result, &"native".into()).unwrap());
    let wrapped = lines(&js_sys::Reflect::get(&result, &"wrapped".into()).unwrap());
    if native != wrapped {
        let diff: Vec<String> = native
            .iter()
            .zip(wrapped.iter().chain(std::iter::repeat(&String::from("<missing>"))))
            .filter(|(n, w)| n != w)
            .map(|(n, w)| format!("  native:  {n}\n  wrapped: {w}"))
            .collect();
        panic!("{name}: transcripts differ ({} vs {} lines)\n{}", native.len(), wrapped.len(), diff.join("\n"));
    }
    native
}

fn has(log: &[String], needle: &str) {
    assert!(log.iter().any(|l| l.contains(needle)), "expected a line containing {needle:?} in\n{}", log.join("\n"));
}

#[wasm_bindgen_test]
async fn constructor() {
    let log = mirror("constructor").await;
    has(&log, "new (): [object RTCPeerConnection]");
    has(&log, "new bad bundlePolicy threw: TypeError");
    has(&log, "new bad ice url threw: SyntaxError (DOMException)");
    has(&log, "length 0");
}

#[wasm_bindgen_test]
async fn add_track() {
    let log = mirror("addTrack").await;
    has(&log, "identity true true");
    has(&log, "addTrack(a) again threw: InvalidAccessError (DOMException)");
    has(&log, "addTrack() threw: TypeError");
    has(&log, "addTrack(track, \"x\") threw: TypeError");
    has(&log, "closed addTrack threw: InvalidStateError (DOMException)");
    has(&log, "length 1");
}

#[wasm_bindgen_test]
async fn remove_track() {
    let log = mirror("removeTrack").await;
    has(&log, "removeTrack(foreign) threw: InvalidAccessError (DOMException)");
    has(&log, "removeTrack(null) threw: TypeError");
    has(&log, "after: track null");
    has(&log, "closed removeTrack threw: InvalidStateError (DOMException)");
}

#[wasm_bindgen_test]
async fn add_transceiver() {
    let log = mirror("addTransceiver").await;
    has(&log, "addTransceiver(\"bogus\") threw: TypeError");
    has(&log, "addTransceiver() threw: TypeError");
    has(&log, "video recvonly null sender.track null same true");
    has(&log, "closed addTransceiver threw: InvalidStateError (DOMException)");
    has(&log, "length 1");
}

#[wasm_bindgen_test]
async fn negotiation() {
    let log = mirror("negotiation").await;
    has(&log, "a have-local-offer");
    has(&log, "b stable");
    has(&log, "connected connected connected true");
    has(&log, "stats instanceof RTCStatsReport true has outbound-rtp true");
    has(&log, "closed closed closed closed");
}

#[wasm_bindgen_test]
async fn description_errors() {
    let log = mirror("descriptionErrors").await;
    has(&log, "setLocalDescription({type:\"answer\"}) in stable rejected: InvalidStateError");
    has(&log, "closed createOffer rejected: InvalidStateError");
    has(&log, "state stable");
}

#[wasm_bindgen_test]
async fn legacy_callbacks() {
    let log = mirror("legacyCallbacks").await;
    has(&log, "success offer");
    has(&log, "sld success");
    has(&log, "srd success");
    has(&log, "answer answer");
}

#[wasm_bindgen_test]
async fn configuration() {
    let log = mirror("configuration").await;
    has(&log, "setConfiguration(bundle change) threw: InvalidModificationError (DOMException)");
    has(&log, "setConfiguration(bad url) threw: SyntaxError (DOMException)");
    has(&log, "closed setConfiguration threw: InvalidStateError (DOMException)");
}

#[wasm_bindgen_test]
async fn data_channel() {
    let log = mirror("dataChannel").await;
    has(&log, "label chat ordered true state connecting instanceof true");
    has(&log, "datachannel chat target===b true");
    has(&log, "message hello viaProperty>0 true");
    has(&log, "closed createDataChannel threw: InvalidStateError (DOMException)");
}

#[wasm_bindgen_test]
async fn events() {
    let log = mirror("events").await;
    has(&log, "prop this===pc true target===pc true type negotiationneeded");
    has(&log, "counts 1 1 0");
    has(&log, "set 42 -> null");
    has(&log, "candidates>0 true");
    has(&log, "closed restartIce: undefined"); // the spec: a no-op once closed
}

#[wasm_bindgen_test]
async fn restart_ice() {
    let log = mirror("restartIce").await;
    has(&log, "negotiationneeded after restartIce");
    has(&log, "ufrag changed true");
}

#[wasm_bindgen_test]
async fn remove_and_renegotiate() {
    let log = mirror("removeAndRenegotiate").await;
    has(&log, "track audio streams 1 same id true");
    has(&log, "direction after removeTrack recvonly");
    has(&log, "remote stream tracks 0 removetrack 1");
}
