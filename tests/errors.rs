//! Error parity: the same bad calls on both faces (`name::rust`, `name::js`) give the same error
//! kind and name — the browser's own where a native connection makes the same call (it is run
//! alongside as the oracle) — and the connection keeps working for the next call.
#![cfg(target_arch = "wasm32")]

mod common;
#[macro_use]
mod faces;

use faces::*;
use rtc_peer::{ErrorKind, SdpType, SessionDescription, TrackKind, TransceiverFor};
use wasm_bindgen_test::*;
use web_sys::RtcRtpSender;

wasm_bindgen_test_configure!(run_in_browser);

both_faces![
    adding_an_added_track_is_invalid_access,
    calls_on_a_closed_connection_are_invalid_state,
    has_sent_of_a_foreign_sender_or_transceiver_is_invalid_access,
    removing_a_foreign_sender_is_invalid_access,
    set_sender_streams_on_a_closed_connection_is_invalid_state,
    bad_descriptions_fail_like_native,
    after_every_bad_call_the_connection_still_negotiates,
];

/// The error of a call that must fail.
fn err<T: std::fmt::Debug>(r: R<T>, what: &str) -> Failure {
    match r {
        Err(e) => e,
        Ok(v) => panic!("{what}: expected an error, got {v:?}"),
    }
}

fn id(f: &Failure) -> (ErrorKind, String) {
    (f.kind, f.name.clone())
}

fn invalid_access() -> (ErrorKind, String) {
    (ErrorKind::InvalidAccess, "InvalidAccessError".into())
}

fn invalid_state() -> (ErrorKind, String) {
    (ErrorKind::InvalidState, "InvalidStateError".into())
}

/// A native connection's error for the same call: the oracle.
fn native_add_track_error(native: &Native, track: &web_sys::MediaStreamTrack) -> (ErrorKind, String) {
    let e = err(call_native(&native.0, "addTrack", &[track]), "native addTrack");
    assert!(e.dom_exception, "native throws a DOMException");
    id(&e)
}

async fn adding_an_added_track_is_invalid_access<F: Face>() {
    let pc = F::new(None);
    let native = Native::new();
    let track = audio_track();
    pc.add_track(&track, &[]).expect("the first addTrack");
    native.add_track(&track, &[]);
    assert_eq!(pc.predict_add_track(&track).throws, Some(ErrorKind::InvalidAccess), "the prediction foresees the throw");
    let again = err(pc.add_track(&track, &[]), "addTrack of an added track");
    assert_eq!(id(&again), invalid_access(), "addTrack of an added track");
    assert_eq!(id(&again), native_add_track_error(&native, &track), "the same as native");
    assert!(again.dom_exception, "a DOMException, like native");
    let detailed = err(pc.add_track_detailed(&track, &[&stream()]), "addTrackDetailed of an added track");
    assert_eq!(id(&detailed), invalid_access(), "addTrackDetailed of an added track");
    assert_eq!(pc.transceivers().len(), 1, "nothing was added");
    // The next call works, and the failed calls left no record.
    let s = stream();
    let sender = pc.add_track(&video_track(), &[&s]).expect("the next addTrack works");
    assert_eq!(pc.stream_ids_of(&sender), [s.id()], "and is recorded");
    assert_eq!(pc.local_streams().len(), 1, "the failed addTrackDetailed's stream was not recorded");
    native.0.close();
}

async fn calls_on_a_closed_connection_are_invalid_state<F: Face>() {
    let pc = F::new(None);
    let sender = pc.add_track(&audio_track(), &[]).unwrap();
    pc.close();
    assert_eq!(pc.raw().signaling_state(), web_sys::RtcSignalingState::Closed, "closed");
    let native = Native::new();
    let native_sender = native.add_track(&audio_track(), &[]);
    native.0.close();
    let track = audio_track();
    assert_eq!(pc.predict_add_track(&track).throws, Some(ErrorKind::InvalidState), "the prediction foresees the throw");
    let e = err(pc.add_track(&track, &[]), "addTrack on a closed connection");
    assert_eq!(id(&e), invalid_state(), "addTrack on a closed connection");
    assert_eq!(id(&e), native_add_track_error(&native, &track), "the same as native");
    assert_eq!(id(&err(pc.add_track_detailed(&track, &[]), "addTrackDetailed")), invalid_state(), "addTrackDetailed on a closed connection");
    assert_eq!(
        id(&err(pc.add_transceiver(TransceiverFor::Kind(TrackKind::Audio), None, &[]), "addTransceiver")),
        invalid_state(),
        "addTransceiver on a closed connection"
    );
    let native_remove = err(call_native(&native.0, "removeTrack", &[&native_sender]), "native removeTrack");
    assert_eq!(id(&err(pc.remove_track(&sender), "removeTrack")), id(&native_remove), "removeTrack on a closed connection, as native");
    assert_eq!(id(&err(pc.create_offer().await, "createOffer")), invalid_state(), "createOffer on a closed connection");
    // The books still answer (nothing is poisoned by the failed calls or the close).
    assert_eq!(pc.has_sent(Of::Sender(&sender)).map_err(|e| e.name), Ok(false), "hasSent still answers");
    assert_eq!(pc.stream_ids_of(&sender), Vec::<String>::new(), "streamIdsOf still answers");
    assert!(pc.remote_streams().is_empty(), "remoteStreams still answers");
    assert_eq!(pc.predict_add_track(&audio_track()).throws, Some(ErrorKind::InvalidState), "and the prediction still foresees the throw");
}

async fn has_sent_of_a_foreign_sender_or_transceiver_is_invalid_access<F: Face>() {
    let pc = F::new(None);
    let other = F::new(None);
    let own = pc.add_track(&audio_track(), &[]).unwrap();
    let foreign = other.add_track(&audio_track(), &[]).unwrap();
    let by_sender = err(pc.has_sent(Of::Sender(&foreign)), "hasSent(foreign sender)");
    assert_eq!(id(&by_sender), invalid_access(), "hasSent of a foreign sender");
    assert!(by_sender.dom_exception, "a DOMException");
    let foreign_t = other.transceivers()[0].clone();
    assert_eq!(id(&err(pc.has_sent(Of::Transceiver(&foreign_t)), "hasSent(foreign transceiver)")), invalid_access(), "hasSent of a foreign transceiver");
    // The next calls work.
    assert_eq!(pc.has_sent(Of::Sender(&own)).map_err(|e| e.name), Ok(false), "hasSent of an own sender");
    assert_eq!(other.has_sent(Of::Sender(&foreign)).map_err(|e| e.name), Ok(false), "the other connection answers for its own");
    negotiate(&pc, &other).await;
    assert_eq!(pc.has_sent(Of::Sender(&own)).map_err(|e| e.name), Ok(true), "history still kept");
}

async fn removing_a_foreign_sender_is_invalid_access<F: Face>() {
    let pc = F::new(None);
    let other = F::new(None);
    let native = Native::new();
    let own = pc.add_track(&audio_track(), &[]).unwrap();
    let foreign: RtcRtpSender = other.add_track(&audio_track(), &[]).unwrap();
    let e = err(pc.remove_track(&foreign), "removeTrack(foreign)");
    let native_e = err(call_native(&native.0, "removeTrack", &[&foreign]), "native removeTrack(foreign)");
    assert_eq!(id(&e), invalid_access(), "removeTrack of a foreign sender");
    assert_eq!(id(&e), id(&native_e), "the same as native");
    assert!(e.dom_exception, "a DOMException");
    assert!(other.senders()[0].track().is_some(), "the foreign sender keeps its track");
    pc.remove_track(&own).expect("removeTrack of an own sender works next");
    assert!(own.track().is_none(), "and takes the track off");
    native.0.close();
}

async fn set_sender_streams_on_a_closed_connection_is_invalid_state<F: Face>() {
    let pc = F::new(None);
    let s1 = stream();
    let sender = pc.add_track(&video_track(), &[&s1]).unwrap();
    let native = Native::new();
    let native_sender = native.add_track(&video_track(), &[]);
    native.0.close();
    pc.close();
    let native_e = call(&native_sender, "setStreams", &[&stream()]).err();
    let e = pc.set_sender_streams(&sender, &[&stream()]).err();
    assert_eq!(e.as_ref().map(id), native_e.as_ref().map(id), "setSenderStreams on a closed connection, as native setStreams");
    assert_eq!(e.as_ref().map(id), Some(invalid_state()), "InvalidStateError");
    assert_eq!(pc.stream_ids_of(&sender), [s1.id()], "the failed call recorded nothing");
}

async fn bad_descriptions_fail_like_native<F: Face>() {
    let pc = F::new(None);
    let native = Native::new();
    let answer = SessionDescription::new(SdpType::Answer, "");
    let e = err(pc.set_local(Some(&answer)).await, "setLocalDescription(answer) in stable");
    let native_e = err(native.set_local(Some(&answer)).await, "native");
    assert_eq!(id(&e), id(&native_e), "setLocalDescription(answer) in stable, as native");
    assert_eq!(e.kind, ErrorKind::InvalidState, "InvalidStateError");
    let garbage = SessionDescription::new(SdpType::Offer, "garbage");
    let e = err(pc.set_remote(&garbage).await, "setRemoteDescription(garbage)");
    let native_e = err(native.set_remote(&garbage).await, "native");
    assert_eq!(id(&e), id(&native_e), "setRemoteDescription(garbage), as native");
    // The next negotiation works and the books follow it.
    let far = F::new(None);
    let events = pc.record_stream_events();
    far.add_track(&audio_track(), &[&stream()]).unwrap();
    negotiate(&far, &pc).await;
    assert_eq!(events.added().len(), 1, "a stream arrives after the failed calls");
    native.0.close();
}

/// Every bad call above, one after another on one live pair, then a normal call: negotiation,
/// grouping and reuse bookkeeping still work.
async fn after_every_bad_call_the_connection_still_negotiates<F: Face>() {
    let (a, b) = (F::new(None), F::new(None));
    let events = b.record_stream_events();
    let cam = stream();
    let track = audio_track();
    let sender = a.add_track(&track, &[&cam]).unwrap();
    let foreign_pc = F::new(None);
    let foreign = foreign_pc.add_track(&audio_track(), &[]).unwrap();
    assert_eq!(id(&err(a.add_track(&track, &[]), "again")), invalid_access(), "addTrack again");
    assert_eq!(id(&err(a.add_track_detailed(&track, &[]), "again, detailed")), invalid_access(), "addTrackDetailed again");
    assert_eq!(id(&err(a.has_sent(Of::Sender(&foreign)), "hasSent(foreign)")), invalid_access(), "hasSent(foreign)");
    assert_eq!(id(&err(a.remove_track(&foreign), "removeTrack(foreign)")), invalid_access(), "removeTrack(foreign)");
    assert!(a.set_local(Some(&SessionDescription::new(SdpType::Answer, ""))).await.is_err(), "setLocalDescription(answer) in stable");
    a.add_track(&video_track(), &[&cam]).expect("addTrack works next");
    negotiate(&a, &b).await;
    let added = events.added();
    assert_eq!(added.len(), 1, "one stream announced");
    assert_eq!((added[0].stream.id(), added[0].tracks.len()), (cam.id(), 2), "cam, with both tracks");
    assert_eq!(a.has_sent(Of::Sender(&sender)).map_err(|e| e.name), Ok(true), "the history is recorded");
    assert_eq!(a.stream_ids_of(&sender), [cam.id()], "the stream association is recorded");
}
