//! The Rust face in real browsers: typed configuration, async negotiation, error kinds, listener
//! handles, stream grouping and reuse bookkeeping, all through `rtc_peer::PeerConnection`.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use rtc_peer::{
    BundlePolicy, Configuration, ConnectionState, Direction, ErrorKind, IceServer, PeerConnection, Reason, SdpType,
    SessionDescription, SignalingState, StreamId, StreamlessPolicy, TrackKind, TransceiverFor, TransceiverInit,
};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{MediaStream, MediaStreamTrack};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/media.js")]
extern "C" {
    #[wasm_bindgen(js_name = audioTrack)]
    fn audio_track() -> MediaStreamTrack;
    #[wasm_bindgen(js_name = videoTrack)]
    fn video_track() -> MediaStreamTrack;
    fn cleanup();
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

/// Trickles each side's candidates to the other; the handles keep the listeners alive.
fn connect_ice(a: &Rc<PeerConnection>, b: &Rc<PeerConnection>) -> Vec<rtc_peer::EventListener> {
    let mut handles = Vec::new();
    for (from, to) in [(a, b), (b, a)] {
        let to = Rc::clone(to);
        handles.push(from.on_ice_candidate(move |c| {
            if let Some(c) = c {
                let to = Rc::clone(&to);
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = to.add_ice_candidate(Some(&c)).await;
                });
            }
        }));
    }
    handles
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
async fn a_typed_call_connects_and_announces_each_stream_once() {
    let a = Rc::new(pc(&Configuration::default()));
    let b = Rc::new(pc(&Configuration::default()));
    let _ice = connect_ice(&a, &b);
    let announced = Rc::new(RefCell::new(Vec::new()));
    let _added = {
        let announced = Rc::clone(&announced);
        b.on_stream_added(move |s| announced.borrow_mut().push((s.stream.id(), s.stream.get_tracks().length(), s.streamless)))
    };
    let cam = MediaStream::new().unwrap();
    a.add_track(&audio_track(), &[&cam]).unwrap();
    a.add_track(&video_track(), &[&cam]).unwrap();
    a.add_track(&audio_track(), &[]).unwrap(); // streamless
    negotiate(&a, &b).await;
    assert_eq!(a.signaling_state().unwrap(), SignalingState::Stable);
    assert_eq!(*announced.borrow(), vec![(cam.id(), 2, false), (announced.borrow()[1].0.clone(), 1, true)]);
    let remote = b.remote_streams();
    assert_eq!(remote.len(), 2);
    assert_eq!(remote[0].stream.id(), cam.id());
    assert!(remote[1].streamless);
    let local = a.local_streams().unwrap();
    assert_eq!(local.len(), 1);
    assert_eq!(local[0].id, StreamId(cam.id()));
    assert_eq!(local[0].tracks.len(), 2);
    assert_eq!(a.stream_ids_of(&a.senders()[2]), Vec::<StreamId>::new());
    until(|| a.connection_state().ok() == Some(ConnectionState::Connected) && b.connection_state().ok() == Some(ConnectionState::Connected), "connected").await;
    let stats = a.stats().await.unwrap();
    assert!(stats.size() > 0);
    cleanup();
}

#[wasm_bindgen_test]
async fn errors_carry_the_exception_name_as_a_kind() {
    let a = pc(&Configuration::default());
    let track = audio_track();
    a.add_track(&track, &[]).unwrap();
    let again = a.add_track(&track, &[]).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::InvalidAccess);
    assert_eq!(again.name(), "InvalidAccessError");
    assert!(again.is_from_browser());
    assert!(again.as_js().is_some_and(|e| e.is_instance_of::<web_sys::DomException>()));

    let answer = SessionDescription::new(SdpType::Answer, "");
    assert_eq!(a.set_local_description(Some(&answer)).await.unwrap_err().kind(), ErrorKind::InvalidState);
    let bad = SessionDescription::new(SdpType::Offer, "garbage");
    assert!(a.set_remote_description(&bad).await.is_err());

    let other = pc(&Configuration::default());
    let foreign = other.add_track(&audio_track(), &[]).unwrap();
    assert_eq!(a.remove_track(&foreign).unwrap_err().kind(), ErrorKind::InvalidAccess);

    a.close();
    assert_eq!(a.signaling_state().unwrap(), SignalingState::Closed);
    assert_eq!(a.add_track(&audio_track(), &[]).unwrap_err().kind(), ErrorKind::InvalidState);
    assert_eq!(a.create_offer().await.unwrap_err().kind(), ErrorKind::InvalidState);
    assert_eq!(
        a.add_transceiver(TransceiverFor::Kind(TrackKind::Audio), TransceiverInit::default(), &[]).unwrap_err().kind(),
        ErrorKind::InvalidState
    );
    let p = a.predict_add_track(&audio_track()).unwrap();
    assert_eq!(p.throws, Some(ErrorKind::InvalidState), "the prediction foresees the throw");
    cleanup();
}

#[wasm_bindgen_test]
async fn reuse_is_predicted_explained_and_recorded() {
    let a = pc(&Configuration::default());
    let b = pc(&Configuration::default());
    // The far side offers to send audio: our side gets a recvonly transceiver that never sent.
    let t = b.add_transceiver(TransceiverFor::Track(&audio_track()), TransceiverInit { direction: Some(Direction::SendOnly) }, &[]).unwrap();
    assert_eq!(t.direction(), web_sys::RtcRtpTransceiverDirection::Sendonly);
    negotiate(&b, &a).await;
    let ours = a.transceivers();
    assert_eq!(ours.len(), 1);
    let video = a.predict_add_track(&video_track()).unwrap();
    assert!(video.reuse.is_none());
    assert_eq!(video.candidates[0].reason, Some(Reason::KindMismatch { transceiver: TrackKind::Audio, track: TrackKind::Video }));
    let audio = audio_track();
    let p = a.predict_add_track(&audio).unwrap();
    assert!(p.reuse.as_ref() == Some(&ours[0]));
    let out = a.add_track_detailed(&audio, &[]).unwrap();
    assert!(out.reused);
    assert_eq!((out.direction_before, out.direction_after), (Some(Direction::RecvOnly), Direction::SendRecv));
    assert_eq!(a.has_sent(&ours[0]).unwrap(), false);
    assert_eq!(a.has_sent(&out.sender).unwrap(), false, "the same answer for its sender");
    t.set_direction(web_sys::RtcRtpTransceiverDirection::Sendrecv); // so that the far side receives
    negotiate(&a, &b).await;
    assert_eq!(a.has_sent(&ours[0]).unwrap(), true);
    a.remove_track(&out.sender).unwrap();
    negotiate(&a, &b).await;
    let later = a.predict_add_track(&audio_track()).unwrap();
    assert!(later.reuse.is_none());
    assert!(matches!(later.candidates[0].reason, Some(Reason::HasSent { .. })), "{:?}", later.candidates[0].reason);
    let foreign = pc(&Configuration::default()).add_transceiver(TransceiverFor::Kind(TrackKind::Audio), TransceiverInit::default(), &[]).unwrap();
    let err = a.has_sent(&foreign).unwrap_err();
    assert_eq!((err.kind(), err.is_from_browser()), (ErrorKind::InvalidAccess, false), "not this connection's: a crate-made InvalidAccess");
    cleanup();
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
    let a = Rc::new(pc(&Configuration::default()));
    let b = Rc::new(pc(&Configuration::default()));
    let _ice = connect_ice(&a, &b);
    let channel = a.create_data_channel("chat").unwrap();
    assert_eq!(channel.label(), "chat");
    assert_eq!(a.can_trickle_ice_candidates(), None);
    negotiate(&a, &b).await;
    assert_eq!(b.can_trickle_ice_candidates(), Some(true));
    assert!(a.description(rtc_peer::DescriptionSlot::CurrentLocal).is_some());
    assert!(a.description(rtc_peer::DescriptionSlot::PendingLocal).is_none());
    until(|| channel.ready_state() == web_sys::RtcDataChannelState::Open, "channel open").await;
    until(|| a.ice_gathering_state().ok() == Some(rtc_peer::IceGatheringState::Complete), "gathering complete").await;
}
