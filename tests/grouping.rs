//! Stream grouping and streamless tracks in real browsers (issue: typed stream grouping): two
//! connections in the page; tests/js/grouping.js holds the scenarios and their assertions.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{cleanup, peer_connection_class};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/grouping.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn run(name: &str, pc: JsValue, attach_stream: JsValue) -> Result<JsValue, JsValue>;
}

async fn scenario(name: &str) {
    // Owned here and dropped after the scenario: the scenario's only way to call the Rust export.
    let attach = Closure::<dyn Fn(JsValue, JsValue) -> Result<(), JsValue>>::new(|e: JsValue, s: JsValue| {
        rtc_peer::attach_stream(&e, &s)
    });
    let result = run(name, peer_connection_class(), attach.as_ref().clone()).await;
    cleanup();
    if let Err(e) = result {
        let message = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string());
        panic!("{name}: {}", message.unwrap_or_else(|| format!("{e:?}")));
    }
}

#[wasm_bindgen_test]
async fn add_track_with_zero_one_and_two_streams() { scenario("addTrackZeroOneTwoStreams").await }
#[wasm_bindgen_test]
async fn add_transceiver_with_zero_one_and_two_streams() { scenario("addTransceiverZeroOneTwoStreams").await }
#[wasm_bindgen_test]
async fn audio_and_video_in_one_stream_announce_once() { scenario("audioAndVideoInOneStream").await }
#[wasm_bindgen_test]
async fn a_track_shared_by_two_streams_is_in_both() { scenario("trackSharedByTwoStreams").await }
#[wasm_bindgen_test]
async fn streamless_tracks_share_one_stream_by_default() { scenario("streamlessShared").await }
#[wasm_bindgen_test]
async fn streamless_tracks_per_track_policy() { scenario("streamlessPerTrack").await }
#[wasm_bindgen_test]
async fn a_mix_of_streamless_and_grouped_tracks() { scenario("mixOfStreamlessAndGrouped").await }
#[wasm_bindgen_test]
async fn remote_remove_track_leaves_and_removes_streams() { scenario("removeTrackAndRenegotiate").await }
#[wasm_bindgen_test]
async fn tracks_added_during_the_call_join_the_right_groups() { scenario("tracksAddedDuringTheCall").await }
#[wasm_bindgen_test]
async fn hand_written_sdp_with_and_without_msid() { scenario("handWrittenSdpWithAndWithoutMsid").await }
#[wasm_bindgen_test]
async fn set_sender_streams_is_recorded() { scenario("setSenderStreamsIsRecorded").await }
#[wasm_bindgen_test]
async fn attach_stream_is_idempotent() { scenario("attachStreamIsIdempotent").await }
