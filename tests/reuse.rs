//! Sender reuse in real browsers (issue: sender-reuse bookkeeping): the MDN cases by name, and a
//! differential test in which the browser is the oracle. tests/js/reuse.js holds the scenarios.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{cleanup, peer_connection_class};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/reuse.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = runMdn)]
    async fn run_mdn(name: &str, pc: JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn differential(pc: JsValue, first_seed: u32, sequences: u32, steps: u32) -> Result<JsValue, JsValue>;
}

fn message(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

async fn mdn_case(name: &str) {
    let result = run_mdn(name, peer_connection_class()).await;
    cleanup();
    if let Err(e) = result {
        panic!("{name}: {}", message(&e));
    }
}

#[wasm_bindgen_test]
async fn reuse_of_a_recvonly_sender() { mdn_case("reuseOfARecvonlySender").await }
#[wasm_bindgen_test]
async fn reuse_of_an_unused_sendrecv_sender() { mdn_case("reuseOfAnUnusedSendrecvSender").await }
#[wasm_bindgen_test]
async fn an_inactive_reused_sender_becomes_sendonly() { mdn_case("anInactiveReusedSenderBecomesSendonly").await }
#[wasm_bindgen_test]
async fn a_different_kind_sender_is_not_reused() { mdn_case("aDifferentKindSenderIsNotReused").await }
#[wasm_bindgen_test]
async fn a_sender_that_has_sent_is_not_reused_after_remove_track() { mdn_case("aSenderThatHasSentIsNotReusedAfterRemoveTrack").await }
#[wasm_bindgen_test]
async fn a_stopped_transceiver_is_not_reused() { mdn_case("aStoppedTransceiverIsNotReused").await }
#[wasm_bindgen_test]
async fn history_is_kept_when_the_app_negotiates_on_the_raw_object() { mdn_case("historyIsKeptWhenTheAppNegotiatesOnTheRawObject").await }

/// The fixed seed of the suite; `npm run differential:long` runs many more from a random one.
const SEED: u32 = match option_env!("REUSE_SEED") {
    Some(s) => parse(s),
    None => 20261121,
};
const SEQUENCES: u32 = match option_env!("REUSE_SEQUENCES") {
    Some(s) => parse(s),
    None => 40,
};
const STEPS: u32 = 30;

const fn parse(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n: u32 = 0;
    while i < b.len() {
        n = n * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    n
}

#[wasm_bindgen_test]
async fn prediction_agrees_with_the_browser_on_random_sequences() {
    web_sys::console::log_1(&format!("differential: seed {SEED}, {SEQUENCES} sequences × {STEPS} steps").into());
    let result = differential(peer_connection_class(), SEED, SEQUENCES, STEPS).await;
    cleanup();
    match result {
        Ok(checks) => {
            let checks = checks.as_f64().unwrap_or(0.0);
            web_sys::console::log_1(&format!("differential: {checks} addTrack predictions, all agreed").into());
            assert!(checks > f64::from(SEQUENCES), "too few addTrack calls were checked ({checks})");
        }
        Err(e) => panic!("{}", message(&e)),
    }
}

