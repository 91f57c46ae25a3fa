//! The example's call in a real browser (`wasm-pack test --headless --chrome` / `--firefox`, fake
//! media from webdriver.json): the library's perfect negotiation between a polite and an impolite
//! side over the app's transport, then a renegotiation.
#![cfg(target_arch = "wasm32")]

use call_example::{until, Call};
use rtc_peer::{Offerer, SignalingState, TrackKind};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_call_negotiates_groups_talks_and_renegotiates() {
    let document = web_sys::window().unwrap().document().unwrap();
    let panels = ["a", "b"].map(|id| {
        let div = document.create_element("div").unwrap();
        div.set_id(id);
        document.body().unwrap().append_child(&div).unwrap();
        Some(div)
    });
    let call = Call::start(panels).await.expect("the call starts");
    let (a, b) = (&call.a, &call.b);

    // Settled: both stable and connected, the data channel said hello both ways, and each side
    // receives every track the other sends (B: A's camera pair and its streamless canvas track).
    until("settled", 20_000, || {
        call.settled()
            && a.seen.borrow().messages.len() == 1
            && b.seen.borrow().messages.len() == 1
            && a.received_groups(b) == b.sent_groups()
            && b.received_groups(a) == a.sent_groups()
    })
    .await
    .unwrap_or_else(|e| {
        let states = |s: &call_example::Side| (s.pc.signaling_state(), s.pc.connection_state(), s.pc.ice_connection_state());
        // The data channel's transport, as the browser reports it (`pc.sctp.state`, its DTLS state).
        let sctp = |s: &call_example::Side| {
            let get = |o: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or_default();
            let sctp = get(s.pc.as_raw(), "sctp");
            (get(&sctp, "state").as_string(), get(&get(&sctp, "transport"), "state").as_string())
        };
        panic!("{e}: A receives {:?} of {:?}, B receives {:?} of {:?}; A saw {:?}, B saw {:?}; states (signaling, connection, ICE): A {:?}, B {:?}; SCTP (state, DTLS): A {:?}, B {:?}",
            a.received_groups(b), b.sent_groups(), b.received_groups(a), a.sent_groups(), a.seen.borrow(), b.seen.borrow(), states(a), states(b), sctp(a), sctp(b))
    });
    assert_eq!(a.pc.signaling_state().unwrap(), SignalingState::Stable);
    assert_eq!(b.pc.signaling_state().unwrap(), SignalingState::Stable);

    // What each side sends, read from its own senders: the camera's audio and video in one stream
    // (its id), and for A the canvas track with no stream. The far side groups them the same.
    let camera = |side: &call_example::Side| {
        side.camera.get_tracks().iter().map(|t| t.unchecked_into::<web_sys::MediaStreamTrack>().id()).collect::<std::collections::BTreeSet<_>>()
    };
    use wasm_bindgen::JsCast;
    let sent_a = a.sent_groups();
    assert_eq!(sent_a.len(), 2, "A sends its camera stream and one streamless track: {sent_a:?}");
    assert_eq!(sent_a[&a.camera.id()], camera(a));
    assert_eq!(camera(a).len(), 2, "getUserMedia gave audio + video");
    assert_eq!(sent_a["-"], [call.canvas.track.id()].into_iter().collect());
    assert_eq!(b.received_groups(a), sent_a, "B's remote streams group A's tracks as A sends them");
    let sent_b = b.sent_groups();
    assert_eq!(sent_b.len(), 1, "B sends its camera stream only: {sent_b:?}");
    assert_eq!(sent_b[&b.camera.id()], camera(b));
    assert_eq!(a.received_groups(b), sent_b, "A's remote streams group B's tracks as B sends them");

    // The streamless track came in B's streamless stream, alone, as video.
    let remote_b = b.pc.remote_streams();
    let streamless: Vec<_> = remote_b.iter().filter(|s| s.streamless).collect();
    assert_eq!(streamless.len(), 1, "one streamless stream at B");
    assert_eq!(streamless[0].stream.get_video_tracks().length(), 1);
    assert_eq!(streamless[0].stream.get_audio_tracks().length(), 0);

    // The stream_added event streams drove the display: one <video> per remote stream.
    assert_eq!(b.seen.borrow().added.len(), 2, "B announced A's camera stream and the streamless one");
    assert_eq!(b.seen.borrow().shown, 2);
    assert_eq!(a.seen.borrow().added, [b.camera.id()]);
    assert_eq!(a.seen.borrow().shown, 1);
    assert_eq!(document.query_selector_all("#b video").unwrap().length(), 2);
    assert_eq!(document.query_selector_all("#a video").unwrap().length(), 1);

    // The data channel: one message each way.
    assert_eq!(a.seen.borrow().messages, ["hello from B"]);
    assert_eq!(b.seen.borrow().messages, ["hello from A"]);

    // The library negotiated, with no failure, on both sides.
    for side in [a, b] {
        let seen = side.seen.borrow();
        assert!(seen.failures.is_empty(), "{}: {:?}", side.name, seen.failures);
        assert!(!seen.negotiations.is_empty(), "{} reported its negotiations", side.name);
    }

    // Stats: media flows both ways (typed stats()).
    for side in [a, b] {
        let mut flowing = false;
        for _ in 0..100 {
            let stats = side.pc.stats().await.expect("stats");
            if stats.bytes_received(TrackKind::Video) > 0 && stats.bytes_received(TrackKind::Audio) > 0 && stats.bytes_sent(TrackKind::Video) > 0 {
                flowing = true;
                break;
            }
            gloo_timers::future::TimeoutFuture::new(50).await;
        }
        assert!(flowing, "{}: bytes flow both ways (audio and video received, video sent)", side.name);
    }

    // Renegotiation: A stops sending the streamless track. The library offers (A), B answers;
    // B's streamless stream is removed (stream_removed → its <video> goes), the rest stays.
    let negotiated_a = a.seen.borrow().negotiations.len();
    let streamless_id = streamless[0].stream.id();
    a.remove_streamless().expect("removeTrack");
    until("renegotiated", 10_000, || {
        call.settled() && a.seen.borrow().negotiations.len() > negotiated_a && b.seen.borrow().removed.len() == 1
    })
    .await
    .unwrap_or_else(|e| panic!("{e}: A saw {:?}, B saw {:?}", a.seen.borrow(), b.seen.borrow()));
    assert_eq!(a.seen.borrow().negotiations.last().unwrap().offerer, Offerer::Local, "A offered the removal");
    assert_eq!(b.seen.borrow().removed, [streamless_id]);
    assert_eq!(b.pc.remote_streams().iter().filter(|s| s.streamless).count(), 0);
    assert_eq!(b.received_groups(a), a.sent_groups());
    assert_eq!(b.received_groups(a).len(), 1, "B receives A's camera stream only");
    assert_eq!(a.received_groups(b), b.sent_groups());
    assert_eq!(b.seen.borrow().shown, 1);
    assert_eq!(document.query_selector_all("#b video").unwrap().length(), 1);
    for side in [a, b] {
        assert!(side.seen.borrow().failures.is_empty(), "{}: {:?}", side.name, side.seen.borrow().failures);
    }
    assert!(call.a.channel_listeners() > 0);
}
