//! The app's loopback call in a real browser (`wasm-pack test --headless --chrome` / `--firefox`).
#![cfg(target_arch = "wasm32")]

use rust_app::{allocations, kinds, Call};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_loopback_call_groups_the_remote_streams() {
    let call = Call::start().await.expect("the call starts");
    call.connected(10_000).await.expect("both sides connect");

    // Announced once per stream: the shared streamless stream and the caller's grouped stream.
    let announced = call.announced.borrow().clone();
    assert_eq!(announced.len(), 2, "two streamadded events: {:?}", announced.iter().map(|s| s.stream.id()).collect::<Vec<_>>());
    let streamless: Vec<_> = announced.iter().filter(|s| s.streamless).collect();
    let grouped: Vec<_> = announced.iter().filter(|s| !s.streamless).collect();
    assert_eq!(streamless.len(), 1, "one shared stream for both streamless tracks");
    assert_eq!(grouped.len(), 1, "one stream for the audio+video pair");
    assert_eq!(kinds(&streamless[0].stream), ["audio", "video"]);
    assert_ne!(streamless[0].stream.id(), call.grouped.id());
    assert_eq!(grouped[0].stream.id(), call.grouped.id(), "the far side's stream id");
    assert_eq!(kinds(&grouped[0].stream), ["audio", "video"]);

    // remote_streams() says the same, in order of first arrival (the streamless tracks went first).
    let remote = call.callee.remote_streams();
    assert_eq!(remote.len(), 2);
    assert!(remote[0].streamless);
    assert_eq!(remote[0].stream.id(), streamless[0].stream.id());
    assert_eq!(kinds(&remote[0].stream), ["audio", "video"]);
    assert!(!remote[1].streamless);
    assert_eq!(remote[1].stream.id(), call.grouped.id());
    assert_eq!(kinds(&remote[1].stream), ["audio", "video"]);

    // The caller's books: one local stream of two tracks; the first two senders streamless.
    let local = call.caller.local_streams().expect("local streams");
    assert_eq!(local.len(), 1);
    assert_eq!(local[0].id.as_str(), call.grouped.id());
    assert_eq!(local[0].tracks.len(), 2);
    let senders = call.caller.senders();
    assert!(call.caller.stream_ids_of(&senders[0]).is_empty() && call.caller.stream_ids_of(&senders[1]).is_empty());

    assert!(allocations() > 0, "the app's own allocator is the one in use");
}
