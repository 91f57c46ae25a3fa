//! The Rust face's own API in real browsers: typed configuration, listener handles that remove
//! themselves on drop, `into_raw`, data channels, typed states, descriptions and stats. What both
//! faces share (grouping, reuse, error kinds) runs against both in tests/grouping.rs,
//! tests/reuse.rs and tests/errors.rs.
#![cfg(target_arch = "wasm32")]

use futures_core::Stream;
use gloo_timers::future::TimeoutFuture;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use rtc_peer::{
    DataChannel, DataChannelInit, DataChannelState, Message,
    BundlePolicy, Configuration, ConnectionState, ErrorKind, IceServer, PeerConnection, SdpType, StreamlessPolicy, TrackKind,
    TransceiverFor, TransceiverInit,
};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::MediaStreamTrack;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/media.js")]
extern "C" {
    #[wasm_bindgen(js_name = audioTrack)]
    fn audio_track() -> MediaStreamTrack;
    #[wasm_bindgen(js_name = videoTrack)]
    fn video_track() -> MediaStreamTrack;
    fn cleanup();
}

/// The state getters: plain values on the old core (main at 294fc36), `Result`s on the new one
/// (d2be1e5: an unknown enum value is an error). Compiles against both.
trait State {
    type T;
    fn state(self) -> Self::T;
}
impl State for ConnectionState {
    type T = ConnectionState;
    fn state(self) -> ConnectionState {
        self
    }
}
impl State for rtc_peer::IceGatheringState {
    type T = rtc_peer::IceGatheringState;
    fn state(self) -> rtc_peer::IceGatheringState {
        self
    }
}
impl<T> State for rtc_peer::Result<T> {
    type T = T;
    fn state(self) -> T {
        self.unwrap_or_else(|e| panic!("a state getter failed: {e}"))
    }
}

fn pc(config: &Configuration) -> PeerConnection {
    PeerConnection::new(config).expect("a connection")
}

async fn negotiate(a: &PeerConnection, b: &PeerConnection) {
    let offer = a.create_offer().await.expect("offer");
    assert_eq!(offer.sdp_type, SdpType::Offer);
    a.set_local_description(Some(&offer)).await.expect("a local");
    b.set_remote_description(&offer).await.expect("b remote");
    b.set_local_description(None).await.expect("b implicit answer");
    let answer = b.local_description().expect("b has an answer");
    assert_eq!(answer.sdp_type, SdpType::Answer);
    a.set_remote_description(&answer).await.expect("a remote");
}

/// Trickles each side's candidates to the other; the handles keep the listeners alive. Each
/// listener captures a clone of the other side (a `PeerConnection` is a cheap handle).
fn connect_ice(a: &PeerConnection, b: &PeerConnection) -> Vec<rtc_peer::EventListener> {
    let mut handles = Vec::new();
    for (from, to) in [(a, b), (b, a)] {
        let to = to.clone();
        handles.push(from.on_ice_candidate(move |c| {
            if let Some(c) = c {
                let to = to.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = to.add_ice_candidate(Some(&c)).await;
                });
            }
        }));
    }
    handles
}

/// `fut`, or a panic naming `what` if it takes more than `ms`.
async fn within<F: Future + Unpin>(ms: u32, what: &str, mut fut: F) -> F::Output {
    let mut timeout = TimeoutFuture::new(ms);
    let out = std::future::poll_fn(|cx| match Pin::new(&mut fut).poll(cx) {
        Poll::Ready(v) => Poll::Ready(Some(v)),
        Poll::Pending => Pin::new(&mut timeout).poll(cx).map(|()| None),
    })
    .await;
    out.unwrap_or_else(|| panic!("timed out after {ms} ms waiting for {what}"))
}

/// The stream's next item (it never ends), within 10 s.
async fn next<S: Stream + Unpin>(s: &mut S, what: &str) -> S::Item {
    let item = within(10_000, what, std::future::poll_fn(|cx| Pin::new(&mut *s).poll_next(cx))).await;
    item.unwrap_or_else(|| panic!("the stream of {what} ended"))
}

/// Whether the future is ready at its first poll.
// `Waker::noop` is Rust 1.85, newer than the crate's rust-version (1.80): the library keeps to
// 1.80, its tests build with the toolchain the bootstrap installs.
#[allow(clippy::incompatible_msrv)]
fn ready_now<F: Future + Unpin>(f: &mut F) -> Option<F::Output> {
    let waker = std::task::Waker::noop();
    match Pin::new(f).poll(&mut std::task::Context::from_waker(waker)) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

async fn until(mut done: impl FnMut() -> bool, what: &str) {
    for _ in 0..400 {
        if done() {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn configuration_is_typed_both_ways() {
    let config = Configuration {
        ice_servers: vec![IceServer { urls: vec!["stun:127.0.0.1:3478".into()], ..Default::default() }],
        bundle_policy: Some(BundlePolicy::MaxBundle),
        streamless_policy: Some(StreamlessPolicy::PerTrack),
        ..Default::default()
    };
    let a = pc(&config);
    let read = a.configuration().unwrap();
    assert_eq!(read.ice_servers[0].urls, vec!["stun:127.0.0.1:3478".to_string()]);
    assert_eq!(read.bundle_policy, Some(BundlePolicy::MaxBundle));
    assert_eq!(read.streamless_policy, Some(StreamlessPolicy::PerTrack));
    let change = Configuration { bundle_policy: Some(BundlePolicy::Balanced), ..config.clone() };
    assert_eq!(a.set_configuration(&change).unwrap_err().kind(), ErrorKind::InvalidModification);
    let bad_url = Configuration { ice_servers: vec![IceServer { urls: vec!["http://x".into()], ..Default::default() }], ..Default::default() };
    assert_eq!(PeerConnection::new(&bad_url).unwrap_err().kind(), ErrorKind::Syntax);
}

#[wasm_bindgen_test]
async fn listener_handles_remove_their_listener_on_drop_and_drop_closes() {
    let a = pc(&Configuration::default());
    let count = Rc::new(RefCell::new(0));
    let handle = {
        let count = Rc::clone(&count);
        a.on_negotiation_needed(move || *count.borrow_mut() += 1)
    };
    a.add_transceiver(TransceiverFor::Kind(TrackKind::Audio), TransceiverInit::default(), &[]).unwrap();
    until(|| *count.borrow() == 1, "negotiationneeded").await;
    drop(handle);
    a.restart_ice().unwrap();
    a.add_transceiver(TransceiverFor::Kind(TrackKind::Video), TransceiverInit::default(), &[]).unwrap();
    TimeoutFuture::new(200).await;
    assert_eq!(*count.borrow(), 1, "a dropped handle hears nothing");

    let raw = a.as_raw().clone();
    drop(a);
    assert_eq!(raw.signaling_state(), web_sys::RtcSignalingState::Closed, "dropping the PeerConnection closes it");

    let b = pc(&Configuration::default());
    let raw = b.into_raw();
    assert_ne!(raw.signaling_state(), web_sys::RtcSignalingState::Closed, "into_raw hands the connection over open");
    raw.close();
}

#[wasm_bindgen_test]
async fn data_channels_and_states() {
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    let _ice = connect_ice(&a, &b);
    let channel = a.create_data_channel("chat", &DataChannelInit::default()).unwrap();
    assert_eq!(channel.label(), "chat");
    assert_eq!(a.can_trickle_ice_candidates(), None);
    negotiate(&a, &b).await;
    assert_eq!(b.can_trickle_ice_candidates(), Some(true));
    assert!(a.description(rtc_peer::DescriptionSlot::CurrentLocal).is_some());
    assert!(a.description(rtc_peer::DescriptionSlot::PendingLocal).is_none());
    until(|| channel.ready_state().unwrap() == DataChannelState::Open, "channel open").await;
    until(|| a.ice_gathering_state().state() == rtc_peer::IceGatheringState::Complete, "gathering complete").await;
    until(|| a.connection_state().state() == ConnectionState::Connected && b.connection_state().state() == ConnectionState::Connected, "connected").await;
    let stats = a.stats().await.unwrap();
    assert!(stats.report.size() > 0, "a connected connection has stats");
    assert!(stats.selected_pair().is_some(), "a connected connection uses a candidate pair");
}

#[wasm_bindgen_test]
async fn a_connection_is_a_cheap_handle_closed_when_the_last_clone_drops() {
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    let (raw_a, raw_b) = (a.as_raw().clone(), b.as_raw().clone());
    let open = |raw: &web_sys::RtcPeerConnection| raw.signaling_state() != web_sys::RtcSignalingState::Closed;

    // Clones are one connection with one set of books.
    let a2 = a.clone();
    assert!(a2.ptr_eq(&a) && !a2.ptr_eq(&b));
    assert!(a2.as_raw() == a.as_raw());
    a2.add_track(&audio_track(), &[]).unwrap();
    assert_eq!(a.senders().len(), 1);
    assert!(a.local_streams().unwrap().is_empty(), "a streamless sender has no local stream");
    // Two takeovers of one native object are not clones.
    let other = PeerConnection::from_raw(a.as_raw().clone());
    assert!(!other.ptr_eq(&a));
    let _ = other.into_raw(); // hands it back open, closing nothing

    // A listener that captures a clone: a call, trickling, grouping seen through the clone.
    let ice = connect_ice(&a, &b);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let on_stream = {
        let (seen, b2) = (Rc::clone(&seen), b.clone());
        b.on_stream_added(move |s| seen.borrow_mut().push((s.streamless, b2.remote_streams().len())))
    };
    negotiate(&a2, &b).await;
    assert_eq!(*seen.borrow(), vec![(true, 1)], "one streamless stream, already in the books when announced");
    until(|| a.connection_state().state() == ConnectionState::Connected, "connected").await;

    // Dropping handles: open while any is left, listeners' captured clones included.
    drop(a);
    assert!(open(&raw_a), "a clone is still alive");
    drop(a2);
    assert!(open(&raw_a), "the ICE listener on b holds a clone of a");
    drop(ice);
    assert!(!open(&raw_a), "the last handle of a dropped: closed");
    drop(b);
    assert!(open(&raw_b), "b's on_stream_added listener holds a clone of b");
    drop(on_stream);
    assert!(!open(&raw_b), "closed with its last handle");

    // into_raw on one clone: the other keeps the books, and no handle closes the connection.
    let c = pc(&Configuration::default());
    let c2 = c.clone();
    let raw = c.into_raw();
    let t = c2.add_track(&video_track(), &[]).unwrap();
    assert!(!c2.has_sent(&t).unwrap(), "the books still answer through the other clone");
    drop(c2);
    assert!(open(&raw), "into_raw handed it over open");
    raw.close();
    cleanup();
}

#[wasm_bindgen_test]
async fn events_as_streams_and_milestones_as_futures() {
    use rtc_peer::{IceConnectionState, SignalingState};
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    // Made before anything happens: each stream buffers from its creation on.
    let mut signaling = a.signaling_state_changes();
    let mut states = a.connection_state_changes();
    let mut ice_states = b.ice_connection_state_changes();
    let (mut added, mut removed) = (b.stream_added(), b.stream_removed());
    let (mut candidates_a, mut candidates_b) = (a.ice_candidates(), b.ice_candidates());
    let mut connected = a.connected();
    let mut gathered = a.ice_gathering_complete();
    assert!(ready_now(&mut connected).is_none(), "a new connection is not connected yet");
    assert!(ready_now(&mut gathered).is_none(), "no local description yet: gathering has not started");

    let cam = web_sys::MediaStream::new().unwrap();
    let sender = a.add_track(&audio_track(), &[&cam]).unwrap();
    negotiate(&a, &b).await;
    let stream = next(&mut added, "streamadded").await;
    assert_eq!((stream.stream.id(), stream.streamless, stream.stream.get_tracks().length()), (cam.id(), false, 1));
    assert_eq!(next(&mut signaling, "signaling state").await.unwrap(), SignalingState::HaveLocalOffer);
    assert_eq!(next(&mut signaling, "signaling state").await.unwrap(), SignalingState::Stable);

    // No trickling: each side's candidates, read from its stream once gathering is complete.
    within(10_000, "a's gathering", gathered).await.unwrap();
    within(10_000, "b's gathering", b.ice_gathering_complete()).await.unwrap();
    for (candidates, to) in [(&mut candidates_a, &b), (&mut candidates_b, &a)] {
        let mut n = 0;
        while let Some(c) = next(candidates, "a candidate").await {
            if !c.candidate.is_empty() {
                to.add_ice_candidate(Some(&c)).await.unwrap();
                n += 1;
            }
        }
        assert!(n > 0, "some candidates, then the end of candidates");
    }
    within(10_000, "connected", &mut connected).await.unwrap();
    assert_eq!(next(&mut states, "connection state").await.unwrap(), ConnectionState::Connecting);
    assert_eq!(next(&mut states, "connection state").await.unwrap(), ConnectionState::Connected);
    assert_eq!(next(&mut ice_states, "ICE state").await.unwrap(), IceConnectionState::Checking);
    assert_eq!(next(&mut ice_states, "ICE state").await.unwrap(), IceConnectionState::Connected);
    assert!(matches!(ready_now(&mut a.connected()), Some(Ok(()))), "already connected: ready at once");
    assert!(matches!(ready_now(&mut a.ice_gathering_complete()), Some(Ok(()))));

    a.remove_track(&sender).unwrap();
    negotiate(&a, &b).await;
    let gone = next(&mut removed, "streamremoved").await;
    assert!(gone.stream == stream.stream, "the stream that was added is the one removed");

    // close() fires no event: the futures waiting are failed by the face; a closed connection fails at once.
    let c = pc(&Configuration::default());
    let (mut waiting, mut gathering) = (c.connected(), c.ice_gathering_complete());
    assert!(ready_now(&mut waiting).is_none());
    c.close();
    assert_eq!(ready_now(&mut waiting).unwrap().unwrap_err().kind(), ErrorKind::InvalidState);
    assert_eq!(ready_now(&mut gathering).unwrap().unwrap_err().kind(), ErrorKind::InvalidState);
    assert_eq!(ready_now(&mut c.connected()).unwrap().unwrap_err().kind(), ErrorKind::InvalidState);
    // … and so does the last handle dropping (which closes the connection).
    let d = pc(&Configuration::default());
    let mut waiting = d.connected();
    drop(d);
    assert_eq!(ready_now(&mut waiting).unwrap().unwrap_err().kind(), ErrorKind::InvalidState);
    cleanup();
}

#[wasm_bindgen_test]
async fn typed_listeners_for_gathering_and_candidate_errors_and_any_event_by_name() {
    use rtc_peer::IceGatheringState;
    // A STUN server whose name does not resolve: gathering reports an error for it, then completes.
    let url = "stun:rtc-peer-test.invalid:3478";
    let a = pc(&Configuration { ice_servers: vec![IceServer { urls: vec![url.into()], ..Default::default() }], ..Default::default() });
    let gathering = Rc::new(RefCell::new(Vec::new()));
    let _gathering = {
        let gathering = Rc::clone(&gathering);
        a.on_ice_gathering_state_change(move |s| gathering.borrow_mut().push(s.unwrap()))
    };
    let errors = Rc::new(RefCell::new(Vec::new()));
    let _errors = {
        let errors = Rc::clone(&errors);
        a.on_ice_candidate_error(move |e| errors.borrow_mut().push(e))
    };
    // `on` with a name made at run time (a `String`) and with a static one.
    let by_name = Rc::new(RefCell::new((0, 0)));
    let kind = ["ice", "gathering", "statechange"].concat();
    let _by_string = {
        let by_name = Rc::clone(&by_name);
        a.on(kind, move |e| {
            assert_eq!(e.type_(), "icegatheringstatechange");
            by_name.borrow_mut().0 += 1;
        })
    };
    let _by_static = {
        let by_name = Rc::clone(&by_name);
        a.on("icegatheringstatechange", move |_| by_name.borrow_mut().1 += 1)
    };
    let borrowed = String::from("icegatheringstatechange");
    let dropped = a.on(borrowed.as_str().to_owned(), |_| panic!("a dropped `on` handle must hear nothing"));
    drop(dropped);

    let _channel = a.create_data_channel("gather", &DataChannelInit::default()).unwrap();
    let offer = a.create_offer().await.unwrap();
    a.set_local_description(Some(&offer)).await.unwrap();
    within(20_000, "gathering complete", a.ice_gathering_complete()).await.unwrap();
    assert_eq!(*gathering.borrow(), vec![IceGatheringState::Gathering, IceGatheringState::Complete]);
    assert_eq!(*by_name.borrow(), (2, 2), "`on` by String and by &'static str hear every change");

    let errors = errors.borrow();
    let e = errors.first().expect("an icecandidateerror for the unresolvable STUN server (Chromium and Firefox)");
    assert_eq!((e.url.as_str(), e.error_code), (url, 701), "{e:?}");
    // The reason phrase is the browser's: Chromium's "STUN host lookup received error.", Firefox's empty.
}

#[wasm_bindgen_test]
async fn typed_data_channels_carry_text_and_bytes_with_their_options() {
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    let _ice = connect_ice(&a, &b);
    let arrived: Rc<RefCell<Vec<DataChannel>>> = Rc::default();
    let _on_channel = {
        let arrived = Rc::clone(&arrived);
        b.on_data_channel(move |c| arrived.borrow_mut().push(c))
    };
    let init = DataChannelInit { ordered: Some(false), max_retransmits: Some(0), protocol: Some("json".into()), ..Default::default() };
    let chat = a.create_data_channel("chat", &init).unwrap();
    // Out of band: both sides open it with the same id; no datachannel event for it.
    let side = DataChannelInit { negotiated: Some(true), id: Some(7), ..Default::default() };
    let (side_a, side_b) = (a.create_data_channel("side", &side).unwrap(), b.create_data_channel("side", &side).unwrap());
    assert_eq!(chat.ready_state().unwrap(), DataChannelState::Connecting);
    let opened = Rc::new(RefCell::new(0));
    let _open = {
        let opened = Rc::clone(&opened);
        chat.on_open(move || *opened.borrow_mut() += 1)
    };
    // The browser's own checks, typed.
    let both = DataChannelInit { max_retransmits: Some(1), max_packet_life_time: Some(100), ..Default::default() };
    assert_eq!(a.create_data_channel("x", &both).unwrap_err().kind(), ErrorKind::Type);
    assert_eq!(chat.send_text("too early").unwrap_err().kind(), ErrorKind::InvalidState);

    negotiate(&a, &b).await;
    until(|| arrived.borrow().len() == 1, "datachannel").await;
    let chat_b = arrived.borrow()[0].clone();
    until(|| chat_b.ready_state().unwrap() == DataChannelState::Open, "open on b").await;
    until(|| *opened.borrow() == 1, "open on a").await;
    assert_eq!(chat_b.label(), "chat");
    let o = chat_b.options();
    assert_eq!((o.ordered, o.max_retransmits, o.max_packet_life_time, o.protocol.as_deref(), o.negotiated), (Some(false), Some(0), None, Some("json"), Some(false)));
    assert_eq!(o.id, chat.id(), "one SCTP stream, one id on both sides");
    assert_eq!(side_a.options().negotiated, Some(true));
    assert_eq!(side_b.id(), Some(7));

    let (mut on_b, mut on_a) = (chat_b.messages(), chat.messages());
    chat.send_text("hello").unwrap();
    chat.send_bytes(&[1, 2, 3]).unwrap();
    assert_eq!(next(&mut on_b, "text").await, Message::Text("hello".into()));
    assert_eq!(next(&mut on_b, "bytes").await, Message::Binary(vec![1, 2, 3]), "bytes arrive as bytes in every browser");
    chat_b.send_bytes(&[]).unwrap();
    assert_eq!(next(&mut on_a, "empty bytes").await, Message::Binary(vec![]));
    let mut side_messages = side_b.messages();
    until(|| side_a.ready_state().unwrap() == DataChannelState::Open, "negotiated channel open").await;
    side_a.send_text("out of band").unwrap();
    assert_eq!(next(&mut side_messages, "negotiated message").await, Message::Text("out of band".into()));
    assert_eq!(arrived.borrow().len(), 1, "a negotiated channel fires no datachannel event");

    let closed = Rc::new(RefCell::new(false));
    let _close = {
        let closed = Rc::clone(&closed);
        chat_b.on_close(move || *closed.borrow_mut() = true)
    };
    chat.close();
    until(|| *closed.borrow(), "close on the far side").await;
    assert_eq!(chat_b.ready_state().unwrap(), DataChannelState::Closed);
    // The spec says InvalidStateError; Firefox 153 drops the message without throwing.
    let firefox = web_sys::window().unwrap().navigator().user_agent().unwrap().contains("Firefox");
    let late = chat_b.send_text("late");
    if firefox {
        assert!(late.is_ok(), "{late:?}");
    } else {
        assert_eq!(late.unwrap_err().kind(), ErrorKind::InvalidState);
    }
}

#[wasm_bindgen_test]
async fn transceiver_init_sends_encodings_and_streams() {
    use rtc_peer::{Direction, SendEncoding, Sender};
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    let cam = web_sys::MediaStream::new().unwrap();
    let layer = |rid: &str, down: f64, bitrate: u32, active: bool| SendEncoding {
        rid: Some(rid.into()),
        active: Some(active),
        max_bitrate: Some(bitrate),
        scale_resolution_down_by: Some(down),
    };
    let layers = vec![layer("q", 4.0, 150_000, true), layer("h", 2.0, 500_000, false), layer("f", 1.0, 1_500_000, true)];
    let init = TransceiverInit { direction: Some(Direction::SendOnly), streams: vec![Clone::clone(&cam)], send_encodings: layers.clone() };
    let t = a.add_transceiver(TransceiverFor::Track(&video_track()), init, &[]).unwrap();
    assert_eq!(t.direction(), web_sys::RtcRtpTransceiverDirection::Sendonly);
    assert_eq!(Sender::from(t.sender()).send_encodings().unwrap(), layers, "getParameters().encodings reflects the three layers");
    assert_eq!(a.stream_ids_of(&t.sender()), vec![rtc_peer::StreamId(cam.id())], "init.streams is recorded");

    // A plain init: the browser's one default encoding; streams given apart are joined to init.streams.
    let other = web_sys::MediaStream::new().unwrap();
    let audio = a.add_transceiver(TransceiverFor::Track(&audio_track()), TransceiverInit { streams: vec![Clone::clone(&cam)], ..Default::default() }, &[&other]).unwrap();
    assert_eq!(Sender::from(audio.sender()).send_encodings().unwrap().len(), 1);
    assert_eq!(a.stream_ids_of(&audio.sender()), vec![rtc_peer::StreamId(cam.id()), rtc_peer::StreamId(other.id())]);

    // The browser's checks, typed: a layer may not be scaled up. (On a connection of its own:
    // Firefox 153 throws, yet an offer made afterwards has an m-section for the failed call.)
    let c = pc(&Configuration::default());
    let up = SendEncoding { scale_resolution_down_by: Some(0.5), ..Default::default() };
    let e = c.add_transceiver(TransceiverFor::Kind(TrackKind::Video), TransceiverInit { send_encodings: vec![up], ..Default::default() }, &[]).unwrap_err();
    assert!(e.is_from_browser() && e.kind() == ErrorKind::Range, "{e}");
    assert_eq!(c.transceivers().len(), 0, "nothing listed");
    let offer = c.create_offer().await.unwrap();
    let firefox = web_sys::window().unwrap().navigator().user_agent().unwrap().contains("Firefox");
    assert_eq!((offer.sdp.matches("m=video").count(), c.transceivers().len()), (usize::from(firefox), 0), "Firefox's phantom m-section");

    // The far side groups by init.streams.
    let added: Rc<RefCell<Vec<(String, u32)>>> = Rc::default();
    let _added = {
        let added = Rc::clone(&added);
        b.on_stream_added(move |s| added.borrow_mut().push((s.stream.id(), s.stream.get_tracks().length())))
    };
    negotiate(&a, &b).await;
    assert_eq!(*added.borrow(), vec![(cam.id(), 2), (other.id(), 1)]);
    cleanup();
}

#[wasm_bindgen_test]
async fn typed_transceiver_operations_with_browser_errors_mapped() {
    use rtc_peer::{Direction, Transceiver};
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    let _ice = connect_ice(&a, &b);
    let mic = audio_track();
    a.add_track(&mic, &[]).unwrap();
    let t = Transceiver::from(a.transceivers()[0].clone());
    assert_eq!((t.mid(), t.direction().unwrap(), t.current_direction().unwrap()), (None, Direction::SendRecv, None));
    negotiate(&a, &b).await;
    // b has nothing to send: it answers recvonly, so a sends only.
    assert_eq!((t.mid().as_deref(), t.current_direction().unwrap()), (Some("0"), Some(Direction::SendOnly)));

    // replaceTrack: no renegotiation; the browser's checks typed.
    let sender = t.sender();
    assert!(sender.track().as_ref() == Some(&mic));
    let other = audio_track();
    sender.replace_track(Some(&other)).await.unwrap();
    assert!(sender.track().as_ref() == Some(&other));
    assert_eq!(sender.replace_track(Some(&video_track())).await.unwrap_err().kind(), ErrorKind::Type, "a track of the other kind");
    sender.replace_track(None).await.unwrap();
    assert!(sender.track().is_none());
    assert_eq!(a.signaling_state().unwrap(), rtc_peer::SignalingState::Stable, "nothing to negotiate");

    // direction: set, negotiated, read back.
    t.set_direction(Direction::RecvOnly).unwrap();
    assert_eq!(t.direction().unwrap(), Direction::RecvOnly);
    negotiate(&a, &b).await;
    assert_eq!(t.current_direction().unwrap(), Some(Direction::Inactive), "a recvonly, b recvonly: inactive");
    assert_eq!(t.set_direction(Direction::Stopped).unwrap_err().kind(), ErrorKind::Type, "stopped is set by stop()");

    // stop: the direction becomes stopped at once, the m-section is rejected at the next negotiation.
    t.stop().unwrap();
    assert_eq!(t.direction().unwrap(), Direction::Stopped);
    assert_eq!(t.set_direction(Direction::SendRecv).unwrap_err().kind(), ErrorKind::InvalidState);
    negotiate(&a, &b).await;
    assert_eq!(t.current_direction().unwrap(), Some(Direction::Stopped));
    assert_eq!(t.sender().replace_track(Some(&audio_track())).await.unwrap_err().kind(), ErrorKind::InvalidState, "a stopped sender");

    // On a closed connection.
    let late = Transceiver::from(a.add_transceiver(TransceiverFor::Kind(TrackKind::Video), TransceiverInit::default(), &[]).unwrap());
    a.close();
    let e = late.stop().unwrap_err();
    assert!(e.is_from_browser() && e.kind() == ErrorKind::InvalidState, "{e}");
    assert_eq!(late.set_direction(Direction::SendOnly).unwrap_err().kind(), ErrorKind::InvalidState);
    cleanup();
}

#[wasm_bindgen_test]
async fn typed_stats_count_what_a_real_call_sends_and_receives() {
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    let _ice = connect_ice(&a, &b);
    // The fake microphone (webdriver.json): headless Chromium starts an AudioContext suspended,
    // so the oscillator track would send no packet at all.
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::TRUE);
    let devices = web_sys::window().unwrap().navigator().media_devices().unwrap();
    let mic: web_sys::MediaStream = wasm_bindgen_futures::JsFuture::from(devices.get_user_media_with_constraints(&constraints).unwrap())
        .await
        .unwrap()
        .unchecked_into();
    let mic = mic.get_audio_tracks().get(0).unchecked_into::<MediaStreamTrack>();
    a.add_track(&mic, &[]).unwrap();
    a.add_track(&video_track(), &[]).unwrap();
    negotiate(&a, &b).await;
    within(10_000, "connected", a.connected()).await.unwrap();
    within(10_000, "connected", b.connected()).await.unwrap();
    let before = (a.stats().await.unwrap(), b.stats().await.unwrap());
    TimeoutFuture::new(1200).await;
    let (sent, received) = (a.stats().await.unwrap(), b.stats().await.unwrap());

    for kind in [TrackKind::Audio, TrackKind::Video] {
        assert!(sent.bytes_sent(kind) > before.0.bytes_sent(kind), "{kind} bytes sent grow: {:?}", sent.outbound);
        assert!(received.bytes_received(kind) > before.1.bytes_received(kind), "{kind} bytes received grow: {:?}", received.inbound);
    }
    assert_eq!(sent.outbound.len(), 2, "one RTP stream per track: {:?}", sent.outbound);
    assert!(sent.inbound.is_empty() && received.outbound.is_empty(), "a call one way");
    let video_in = received.inbound.iter().find(|e| e.kind == TrackKind::Video).unwrap();
    let audio_in = received.inbound.iter().find(|e| e.kind == TrackKind::Audio).unwrap();
    assert!(video_in.packets_received > 0 && video_in.frames_decoded.unwrap() > 0, "{video_in:?}");
    assert!(audio_in.frames_decoded.is_none() && audio_in.jitter.unwrap() >= 0.0 && audio_in.packets_lost >= 0, "{audio_in:?}");
    let video_out = sent.outbound.iter().find(|e| e.kind == TrackKind::Video).unwrap();
    assert!(video_out.packets_sent > 0 && video_out.frames_encoded.unwrap() > 0, "{video_out:?}");
    // Connected with a pair still "in-progress" happens in Chromium (seen once in a full run): the
    // selected pair is read until its checks have succeeded (5 s at most), then asserted.
    let mut again = None;
    for _ in 0..20 {
        if again.as_ref().unwrap_or(&received).selected_pair().is_some_and(|p| p.state == "succeeded") {
            break;
        }
        TimeoutFuture::new(250).await;
        again = Some(b.stats().await.unwrap());
    }
    let pair = again.as_ref().unwrap_or(&received).selected_pair().expect("a selected candidate pair");
    assert_eq!(pair.state, "succeeded");
    let rtt = pair.round_trip_time().expect("a round trip time");
    assert!((0.0..1.0).contains(&rtt), "loopback: {rtt} s");
    web_sys::console::log_1(&format!("stats: {video_in:?} {audio_in:?} {video_out:?} {pair:?}").into());
    mic.stop();
    cleanup();
}

#[wasm_bindgen_test]
async fn attach_stream_is_typed_and_idempotent() {
    use wasm_bindgen::JsCast;
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    let cam = web_sys::MediaStream::new().unwrap();
    a.add_track(&video_track(), &[&cam]).unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let video: web_sys::HtmlVideoElement = document.create_element("video").unwrap().unchecked_into();
    video.set_muted(true);
    let _attach = {
        let video = Clone::clone(&video);
        b.on_stream_added(move |s| rtc_peer::attach_stream(&video, Some(&s.stream)))
    };
    negotiate(&a, &b).await;
    let remote = b.remote_streams().remove(0).stream;
    let shown = video.src_object().expect("attached on streamadded");
    assert!(shown == remote && video.autoplay());
    rtc_peer::attach_stream(&video, Some(&remote));
    assert!(video.src_object().unwrap() == shown, "the same stream attached again: kept");
    rtc_peer::attach_stream(&video, None);
    assert!(video.src_object().is_none(), "detached");
    cleanup();
}

/// What `as_raw()` bypasses, each claim of its docs checked.
#[wasm_bindgen_test]
async fn as_raw_calls_are_seen_by_the_books_except_where_documented() {
    use rtc_peer::SessionDescription;
    use web_sys::{RtcSdpType, RtcSessionDescriptionInit};
    async fn raw_describe(pc: &web_sys::RtcPeerConnection, d: &SessionDescription, local: bool) {
        let init = RtcSessionDescriptionInit::new(if d.sdp_type == SdpType::Offer { RtcSdpType::Offer } else { RtcSdpType::Answer });
        init.set_sdp(&d.sdp);
        let p = if local { pc.set_local_description(&init) } else { pc.set_remote_description(&init) };
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    }
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    let _ice = connect_ice(&a, &b);
    let cam = web_sys::MediaStream::new().unwrap();
    let streams = Rc::new(RefCell::new((0, 0)));
    let _added = {
        let streams = Rc::clone(&streams);
        b.on_stream_added(move |_| streams.borrow_mut().0 += 1)
    };
    let _removed = {
        let streams = Rc::clone(&streams);
        b.on_stream_removed(move |_| streams.borrow_mut().1 += 1)
    };

    // addTrack on the raw object: the stream ids it was given are not recorded…
    let sender = a.as_raw().add_track_0(&video_track(), &cam);
    assert!(a.stream_ids_of(&sender).is_empty() && a.local_streams().unwrap().is_empty());

    // … a description applied on the raw object: a stream a `track` event completes is announced
    // during it, as with the face; the rest of the settlement comes a task after its promise resolves.
    let offer = a.create_offer().await.unwrap();
    raw_describe(a.as_raw(), &offer, true).await;
    assert!(a.stream_ids_of(&sender).is_empty(), "not yet read from the local description");
    raw_describe(b.as_raw(), &offer, false).await;
    assert_eq!((*streams.borrow(), b.remote_streams().len()), ((1, 0), 1), "announced by the track event, before the promise resolved");
    let answer = b.create_answer().await.unwrap();
    raw_describe(b.as_raw(), &answer, true).await;
    raw_describe(a.as_raw(), &answer, false).await;
    // … and the stream ids come back from the local description's a=msid; the history is observed.
    until(|| a.stream_ids_of(&sender) == vec![rtc_peer::StreamId(cam.id())], "a's books settled from its local description").await;
    assert_eq!(a.local_streams().unwrap().len(), 1);
    assert!(a.has_sent(&sender).unwrap(), "currentDirection sendrecv, observed when the answer was applied");

    // A removal has no track event: it is settled a task later.
    a.as_raw().remove_track(&sender);
    let offer = a.create_offer().await.unwrap();
    raw_describe(a.as_raw(), &offer, true).await;
    raw_describe(b.as_raw(), &offer, false).await;
    assert_eq!((*streams.borrow(), b.remote_streams().len()), ((1, 0), 1), "not yet at the promise's resolution");
    until(|| *streams.borrow() == (1, 1), "streamremoved a task later").await;
    assert!(b.remote_streams().is_empty());
    let answer = b.create_answer().await.unwrap();
    raw_describe(b.as_raw(), &answer, true).await;
    raw_describe(a.as_raw(), &answer, false).await;

    // close() on the raw object: the face's futures are not told, and the books keep their
    // browser objects until the last handle drops.
    let c = pc(&Configuration::default());
    let mut waiting = c.connected();
    c.as_raw().close();
    assert!(ready_now(&mut waiting).is_none(), "still pending after a raw close()");
    c.close();
    assert_eq!(ready_now(&mut waiting).unwrap().unwrap_err().kind(), ErrorKind::InvalidState, "PeerConnection::close tells them");
    cleanup();
}
