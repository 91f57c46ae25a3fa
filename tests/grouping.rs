//! Stream grouping and streamless tracks in real browsers, each scenario run against both faces
//! (`name::rust` drives `rtc_peer::PeerConnection`, `name::js` the npm `PeerConnection` class):
//! two connections of the face in the page, the far side observed through its remote streams and
//! the stream events its own listener API recorded. The assertions are here, in the scenario.
#![cfg(target_arch = "wasm32")]

mod common;
#[macro_use]
mod faces;

use faces::*;
use rtc_peer::{Direction, StreamlessPolicy, TrackKind, TransceiverFor};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{MediaStream, MediaStreamTrack};

wasm_bindgen_test_configure!(run_in_browser);

both_faces![
    add_track_with_zero_one_and_two_streams,
    add_transceiver_with_zero_one_and_two_streams,
    audio_and_video_in_one_stream_announce_once,
    a_track_shared_by_two_streams_is_in_both,
    streamless_tracks_share_one_stream_by_default,
    streamless_tracks_per_track_policy,
    a_mix_of_streamless_and_grouped_tracks,
    remote_remove_track_leaves_and_removes_streams,
    tracks_added_during_the_call_join_the_right_groups,
    hand_written_sdp_with_and_without_msid,
    set_sender_streams_is_recorded,
    a_call_connects_and_announces_each_stream_once,
    shared_stream_is_announced_complete_with_2_tracks,
    shared_stream_is_announced_complete_with_3_tracks,
    per_track_streams_are_each_announced_once_with_2_tracks,
    per_track_streams_are_each_announced_once_with_3_tracks,
    a_renegotiation_that_changes_nothing_announces_nothing_shared,
    a_renegotiation_that_changes_nothing_announces_nothing_per_track,
    far_side_recvonly_takes_tracks_out_of_their_groups,
    far_side_inactive_takes_tracks_out_of_their_groups,
    answering_sendonly_takes_tracks_out_of_their_groups,
    a_raw_description_during_a_face_call_is_settled_with_it,
];

// ----- helpers --------------------------------------------------------------------------------

/// The `streams` ids of each native `track` event, and the first stream object.
type TrackLog = Rc<RefCell<Vec<(Vec<String>, Option<MediaStream>)>>>;

/// Two connections of the face; `b`'s stream events and native `track` events are recorded.
struct Pair<F: Face> {
    a: F,
    b: F,
    events: Events,
    /// `b`'s native `track` events.
    track_events: TrackLog,
    _track: rtc_peer::EventListener,
}

fn pair<F: Face>(policy: Option<StreamlessPolicy>) -> Pair<F> {
    let (a, b) = (F::new(None), F::new(policy));
    let events = b.record_stream_events();
    let (track_events, _track) = record_track_events(&b);
    Pair { a, b, events, track_events, _track }
}

fn record_track_events(pc: &impl Signal) -> (TrackLog, rtc_peer::EventListener) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = Rc::clone(&log);
    let listener = rtc_peer::EventListener::new(&pc.raw(), "track", move |e| {
        let streams: Vec<MediaStream> = js_sys::Array::from(&get(e, "streams")).iter().map(JsCast::unchecked_into).collect();
        l.borrow_mut().push((streams.iter().map(|s| s.id()).collect(), streams.first().cloned()));
    });
    (log, listener)
}

/// The kinds of a stream's tracks, sorted: `"audio+video"`.
// NB: `stream.clone()` on a `MediaStream` (or a track) is web-sys's inherent method, the JS
// `clone()`: a new stream, which does not follow the original. `Clone::clone` is spelled out.
fn kinds(s: &MediaStream) -> String {
    let mut k: Vec<String> = s.get_tracks().iter().map(|t| t.unchecked_into::<MediaStreamTrack>().kind()).collect();
    k.sort();
    k.join("+")
}

fn ids(streams: &[(MediaStream, bool)]) -> Vec<String> {
    streams.iter().map(|(s, _)| s.id()).collect()
}

fn track_ids(tracks: &[MediaStreamTrack]) -> Vec<String> {
    let mut ids: Vec<String> = tracks.iter().map(|t| t.id()).collect();
    ids.sort();
    ids
}

/// The tracks `pc` receives on its transceivers, in order.
fn received<F: Face>(pc: &F) -> Vec<MediaStreamTrack> {
    pc.transceivers().iter().map(|t| t.receiver().track()).collect()
}

/// Kinds of the tracks a stream's own `addtrack` / `removetrack` events carried.
fn record_stream_track_events(stream: &MediaStream, event: &'static str) -> (Rc<RefCell<Vec<String>>>, rtc_peer::EventListener) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = Rc::clone(&log);
    let listener = rtc_peer::EventListener::new(stream, event, move |e| {
        l.borrow_mut().push(get(&get(e, "track"), "kind").as_string().unwrap_or_default());
    });
    (log, listener)
}

fn set_direction(t: &web_sys::RtcRtpTransceiver, d: Direction) {
    set(t, "direction", &d.as_str().into());
}

use faces::Kind::Added;

// ----- ported from tests/js/grouping.js ---------------------------------------------------------

async fn add_track_with_zero_one_and_two_streams<F: Face>() {
    let p = pair::<F>(None);
    let (s1, s2) = (stream(), stream());
    p.a.add_track(&audio_track(), &[]).expect("addTrack, no stream");
    p.a.add_track(&video_track(), &[&s1]).expect("addTrack, one stream");
    p.a.add_track(&audio_track(), &[&s1, &s2]).expect("addTrack, two streams");
    negotiate(&p.a, &p.b).await;
    let remote = p.b.remote_streams();
    // Order of first arrival: the streamless group (first m-line), then s1, then s2.
    assert_eq!(remote.len(), 3, "three remote streams");
    assert!(remote[0].1, "the first remote stream is the shared streamless one");
    assert_eq!(ids(&remote[1..]), [s1.id(), s2.id()], "the grouped remote streams carry the far side's stream ids, in order");
    assert_eq!(kinds(&remote[1].0), "audio+video", "s1 holds the video and the audio shared with s2");
    assert_eq!(kinds(&remote[2].0), "audio", "s2 holds the shared audio");
    assert_eq!(p.events.summary(), [(Added, true), (Added, false), (Added, false)], "one streamadded per stream, the streamless one first");
    assert!(p.events.all().iter().all(|e| e.target_ok), "event.target is the connection");
}

async fn add_transceiver_with_zero_one_and_two_streams<F: Face>() {
    let p = pair::<F>(None);
    let (s1, s2) = (stream(), stream());
    p.a.add_transceiver(TransceiverFor::Track(&audio_track()), None, &[]).expect("addTransceiver(track)");
    p.a.add_transceiver(TransceiverFor::Track(&video_track()), None, &[&s1]).expect("addTransceiver(track, {streams: [s1]})");
    p.a.add_transceiver(TransceiverFor::Track(&video_track()), Some(Direction::SendOnly), &[&s1, &s2]).expect("addTransceiver, two streams, sendonly");
    negotiate(&p.a, &p.b).await;
    let remote = p.b.remote_streams();
    assert_eq!(ids(&remote[1..]), [s1.id(), s2.id()], "the grouped remote streams, after the streamless one");
    assert_eq!(kinds(&remote[1].0), "video+video", "s1 holds both videos");
    assert_eq!(kinds(&remote[2].0), "video", "s2 holds one");
    let senders = p.a.senders();
    assert_eq!(p.a.stream_ids_of(&senders[2]), [s1.id(), s2.id()], "the local record of the streams, in order");
    assert_eq!(p.a.stream_ids_of(&senders[0]), Vec::<String>::new(), "a streamless sender has no stream ids");
}

async fn audio_and_video_in_one_stream_announce_once<F: Face>() {
    let p = pair::<F>(None);
    let cam = stream();
    for t in [audio_track(), video_track()] {
        cam.add_track(&t);
        p.a.add_track(&t, &[&cam]).expect("addTrack(t, cam)");
    }
    let applied = negotiate(&p.a, &p.b).await;
    assert_eq!(p.track_events.borrow().len(), 2, "two native track events");
    let added = p.events.added();
    assert_eq!(added.len(), 1, "one streamadded");
    assert_eq!(added[0].tracks.len(), 2, "the stream had both tracks when it was announced");
    assert!(added[0].tick < applied, "announced before setRemoteDescription resolved");
    let remote = p.b.remote_streams();
    assert_eq!(ids(&remote), [cam.id()], "one remote stream, with the sender's stream id");
    assert_eq!(kinds(&remote[0].0), "audio+video", "holding both tracks");
    assert_eq!(Some(&remote[0].0), p.track_events.borrow()[0].1.as_ref(), "it is the browser's own stream object");
    let local: Vec<(String, usize, usize)> = p.a.local_streams().iter().map(|l| (l.id.clone(), l.tracks.len(), l.senders.len())).collect();
    assert_eq!(local, [(cam.id(), 2, 2)], "localStreams: one stream, two tracks, two senders");
}

async fn a_track_shared_by_two_streams_is_in_both<F: Face>() {
    let p = pair::<F>(None);
    let (s1, s2) = (stream(), stream());
    p.a.add_track(&video_track(), &[&s1, &s2]).expect("addTrack(t, s1, s2)");
    negotiate(&p.a, &p.b).await;
    let remote = p.b.remote_streams();
    assert_eq!(ids(&remote), [s1.id(), s2.id()], "both streams arrive");
    assert_eq!(remote[0].0.get_tracks().get(0), remote[1].0.get_tracks().get(0), "the same track is in both");
}

async fn streamless_tracks_share_one_stream_by_default<F: Face>() {
    let p = pair::<F>(None);
    p.a.add_track(&audio_track(), &[]).unwrap();
    p.a.add_track(&video_track(), &[]).unwrap();
    negotiate(&p.a, &p.b).await;
    assert_eq!(p.b.streamless_policy(), StreamlessPolicy::Shared, "the default policy");
    let remote = p.b.remote_streams();
    assert_eq!(remote.len(), 1, "one shared inbound stream");
    assert_eq!(kinds(&remote[0].0), "audio+video", "holding both tracks");
    assert_eq!(p.events.summary(), [(Added, true)], "one streamadded, streamless");
    // A streamless track arriving later joins the same stream, announced by the stream's addtrack.
    let inbound = Clone::clone(&remote[0].0);
    let (joined, _l) = record_stream_track_events(&inbound, "addtrack");
    p.a.add_track(&video_track(), &[]).unwrap();
    negotiate(&p.a, &p.b).await;
    assert_eq!(*joined.borrow(), ["video"], "the shared stream's own addtrack for the late track");
    assert_eq!(p.b.remote_streams().len(), 1, "still one remote stream");
    assert_eq!(inbound.get_tracks().length(), 3, "now holding three tracks");
    assert_eq!(p.events.len(), 1, "no second streamadded");
}

async fn streamless_tracks_per_track_policy<F: Face>() {
    let p = pair::<F>(Some(StreamlessPolicy::PerTrack));
    p.a.add_track(&audio_track(), &[]).unwrap();
    p.a.add_track(&video_track(), &[]).unwrap();
    negotiate(&p.a, &p.b).await;
    assert_eq!(p.b.streamless_policy(), StreamlessPolicy::PerTrack, "the policy given at construction");
    let remote = p.b.remote_streams();
    assert_eq!(remote.iter().map(|(s, _)| kinds(s)).collect::<Vec<_>>(), ["audio", "video"], "a stream per track");
    assert_eq!(p.events.summary(), [(Added, true), (Added, true)], "two streamadded, both streamless");
    if let Some(js) = p.b.js() {
        // JS only: like a WebIDL enum attribute, an invalid value is ignored.
        set(js, "streamlessPolicy", &"bogus".into());
        assert_eq!(p.b.streamless_policy(), StreamlessPolicy::PerTrack, "an invalid policy string is ignored");
    }
    p.b.set_streamless_policy(StreamlessPolicy::Shared);
    assert_eq!(p.b.streamless_policy(), StreamlessPolicy::Shared, "the policy can be changed");
    p.a.add_track(&audio_track(), &[]).unwrap();
    p.a.add_track(&audio_track(), &[]).unwrap();
    negotiate(&p.a, &p.b).await;
    let remote = p.b.remote_streams();
    assert_eq!(remote.iter().map(|(s, _)| kinds(s)).collect::<Vec<_>>(), ["audio", "video", "audio+audio"], "the new policy applies to later tracks only");
}

async fn a_mix_of_streamless_and_grouped_tracks<F: Face>() {
    let p = pair::<F>(None);
    let cam = stream();
    p.a.add_track(&video_track(), &[&cam]).unwrap();
    p.a.add_track(&audio_track(), &[]).unwrap();
    p.a.add_track(&audio_track(), &[&cam]).unwrap();
    p.a.add_track(&video_track(), &[]).unwrap();
    negotiate(&p.a, &p.b).await;
    let remote = p.b.remote_streams();
    let shape: Vec<(bool, String)> = remote.iter().map(|(s, streamless)| (*streamless, kinds(s))).collect();
    assert_eq!(shape, [(false, "audio+video".to_string()), (true, "audio+video".to_string())], "the grouped stream first, then the shared one");
    assert_eq!(remote[0].0.id(), cam.id(), "the grouped stream's id");
    assert_eq!(p.events.added().len(), 2, "two streamadded");
}

async fn remote_remove_track_leaves_and_removes_streams<F: Face>() {
    let p = pair::<F>(None);
    let cam = stream();
    let sa = p.a.add_track(&audio_track(), &[&cam]).unwrap();
    let sv = p.a.add_track(&video_track(), &[&cam]).unwrap();
    let sl = p.a.add_track(&video_track(), &[]).unwrap();
    negotiate(&p.a, &p.b).await;
    let remote = p.b.remote_streams();
    assert_eq!(remote.len(), 2, "cam and the shared stream");
    let (remote_cam, shared) = (Clone::clone(&remote[0].0), Clone::clone(&remote[1].0));
    let (left, _l) = record_stream_track_events(&shared, "removetrack");
    p.a.remove_track(&sa).expect("removeTrack(audio)");
    negotiate(&p.a, &p.b).await;
    assert_eq!(kinds(&remote_cam), "video", "the audio left the cam stream");
    assert_eq!(p.events.removed().len(), 0, "no streamremoved yet");
    p.a.remove_track(&sv).unwrap();
    p.a.remove_track(&sl).unwrap();
    negotiate(&p.a, &p.b).await;
    let removed: Vec<(String, bool)> = p.events.removed().iter().map(|e| (e.stream.id(), e.streamless)).collect();
    assert_eq!(removed, [(cam.id(), false), (shared.id(), true)], "streamremoved for both streams, in order");
    assert_eq!(*left.borrow(), ["video"], "the shared stream's own removetrack");
    assert_eq!(p.b.remote_streams().len(), 0, "no remote streams left");
    // Re-adding brings a stream back, with a new streamadded.
    p.a.add_track(&audio_track(), &[&cam]).unwrap();
    negotiate(&p.a, &p.b).await;
    assert_eq!(ids(&p.b.remote_streams()), [cam.id()], "the cam stream is back");
    assert_eq!(p.events.added().len(), 3, "a third streamadded");
}

async fn tracks_added_during_the_call_join_the_right_groups<F: Face>() {
    let p = pair::<F>(None);
    let (cam, screen) = (stream(), stream());
    p.a.add_track(&audio_track(), &[&cam]).unwrap();
    negotiate(&p.a, &p.b).await;
    let remote_cam = Clone::clone(&p.b.remote_streams()[0].0);
    let (joined, _l) = record_stream_track_events(&remote_cam, "addtrack");
    p.a.add_track(&video_track(), &[&cam]).unwrap(); // joins a known stream
    p.a.add_track(&video_track(), &[&screen]).unwrap(); // a new stream
    negotiate(&p.a, &p.b).await;
    assert_eq!(ids(&p.b.remote_streams()), [cam.id(), screen.id()], "the groups");
    assert_eq!(kinds(&remote_cam), "audio+video", "the video joined the known stream");
    assert_eq!(*joined.borrow(), ["video"], "the browser's addtrack on the known stream");
    let added: Vec<String> = p.events.added().iter().map(|e| e.stream.id()).collect();
    assert_eq!(added, [cam.id(), screen.id()], "streamadded once per stream");
    // Renegotiating from the far side too.
    p.b.add_track(&video_track(), &[&stream()]).unwrap();
    negotiate(&p.b, &p.a).await;
    assert_eq!(p.a.remote_streams().len(), 1, "the other direction groups too");
}

async fn hand_written_sdp_with_and_without_msid<F: Face>() {
    for with_msid in [true, false] {
        let native = Native::new();
        let cam = stream();
        native.add_track(&audio_track(), &[&cam]);
        native.add_track(&video_track(), &[&cam]);
        let mut offer = native.create_offer().await.expect("native offer");
        if !with_msid {
            offer.sdp = offer.sdp.split("\r\n").filter(|l| !l.starts_with("a=msid") && !l.starts_with("a=ssrc")).collect::<Vec<_>>().join("\r\n");
        }
        let b = F::new(None);
        let events = b.record_stream_events();
        let (track_events, _l) = record_track_events(&b);
        b.set_remote(&offer).await.expect("setRemoteDescription(hand-written offer)");
        let native_streams: Vec<Vec<String>> = track_events.borrow().iter().map(|(ids, _)| ids.clone()).collect();
        assert_eq!(native_streams.len(), 2, "two native track events (msid: {with_msid})");
        let remote = b.remote_streams();
        if with_msid {
            assert_eq!(ids(&remote), [cam.id()], "msid → the sender's stream");
            assert_eq!(events.summary(), [(Added, false)], "one grouped streamadded");
        } else {
            // No msid: the SDP says the tracks have no stream. The spec's track events then have
            // streams []; Chromium invents a stream of a random id, Firefox one too. The books
            // follow the SDP, so every browser gives the same answer: one shared stream.
            assert_eq!(remote.len(), 1, "no msid → one shared stream (browser's own streams: {native_streams:?})");
            assert_eq!(events.summary(), [(Added, true)], "one streamless streamadded");
            assert_eq!(kinds(&remote[0].0), "audio+video", "both tracks kept");
        }
        native.0.close();
        b.close();
    }
}

async fn set_sender_streams_is_recorded<F: Face>() {
    let p = pair::<F>(None);
    let (s1, s2) = (stream(), stream());
    let sender = p.a.add_track(&video_track(), &[&s1]).unwrap();
    p.a.set_sender_streams(&sender, &[&s2, &s1]).expect("setSenderStreams");
    assert_eq!(p.a.stream_ids_of(&sender), [s2.id(), s1.id()], "the new streams, recorded in order");
    let local: Vec<String> = p.a.local_streams().iter().map(|l| l.id.clone()).collect();
    assert_eq!(local, [s1.id(), s2.id()], "local streams in order of first association");
    negotiate(&p.a, &p.b).await;
    let mut remote = ids(&p.b.remote_streams());
    remote.sort();
    let mut want = vec![s1.id(), s2.id()];
    want.sort();
    assert_eq!(remote, want, "the far side sees both streams");
}

/// Folded from tests/rust_api.rs: a real call (ICE relayed) connects, and each stream is
/// announced once with its tracks.
async fn a_call_connects_and_announces_each_stream_once<F: Face>() {
    let p = pair::<F>(None);
    let _ice = relay_ice(&p.a.raw(), &p.b.raw());
    let cam = stream();
    p.a.add_track(&audio_track(), &[&cam]).unwrap();
    p.a.add_track(&video_track(), &[&cam]).unwrap();
    p.a.add_track(&audio_track(), &[]).unwrap(); // streamless
    negotiate(&p.a, &p.b).await;
    assert_eq!(p.a.raw().signaling_state(), web_sys::RtcSignalingState::Stable, "stable after the answer");
    let announced: Vec<(bool, usize)> = p.events.added().iter().map(|e| (e.streamless, e.tracks.len())).collect();
    assert_eq!(announced, [(false, 2), (true, 1)], "cam announced with both tracks, then the shared stream with one");
    assert_eq!(p.events.added()[0].stream.id(), cam.id(), "cam first");
    let remote = p.b.remote_streams();
    assert_eq!(remote.len(), 2, "two remote streams");
    assert_eq!(remote[0].0.id(), cam.id(), "cam is the first remote stream");
    assert!(remote[1].1, "the second is the shared streamless stream");
    let local = p.a.local_streams();
    assert_eq!(local.len(), 1, "one local stream");
    assert_eq!((local[0].id.clone(), local[0].tracks.len()), (cam.id(), 2), "cam, with its two tracks");
    assert_eq!(p.a.stream_ids_of(&p.a.senders()[2]), Vec::<String>::new(), "the streamless sender");
    let (ra, rb) = (p.a.raw(), p.b.raw());
    until(
        || ra.connection_state() == web_sys::RtcPeerConnectionState::Connected && rb.connection_state() == web_sys::RtcPeerConnectionState::Connected,
        "both connected",
    )
    .await;
}

/// `attachStream`, the JS face's export (the Rust face's typed `attach_stream` is in tests/rust_api.rs).
#[wasm_bindgen_test]
async fn attach_stream_is_idempotent() {
    let p = pair::<JsFace>(None);
    let cam = stream();
    p.a.add_track(&video_track(), &[&cam]).unwrap();
    negotiate(&p.a, &p.b).await;
    let video = web_sys::window().unwrap().document().unwrap().create_element("video").unwrap();
    set(&video, "muted", &true.into());
    let remote: wasm_bindgen::JsValue = Clone::clone(&p.b.remote_streams()[0].0).into();
    rtc_peer::attach_stream_js(&video, &remote).expect("attach");
    let first = get(&video, "srcObject");
    rtc_peer::attach_stream_js(&video, &remote).expect("attach again");
    assert!(get(&video, "srcObject") == first && first == remote, "the same stream attached once");
    assert_eq!(get(&video, "autoplay").as_bool(), Some(true), "autoplay set");
    let bad = rtc_peer::attach_stream_js(&video, &"nope".into()).map_err(Failure::from_js);
    assert_eq!(bad.err().map(|f| f.name), Some("TypeError".to_string()), "a non-stream is a TypeError");
    rtc_peer::attach_stream_js(&video, &wasm_bindgen::JsValue::NULL).expect("detach");
    assert!(get(&video, "srcObject").is_null(), "detached");
    common::cleanup();
}

// ----- new: the shared streamless stream is announced complete ---------------------------------

const KINDS: [TrackKind; 3] = [TrackKind::Audio, TrackKind::Video, TrackKind::Audio];

/// One description brings `n` streamless tracks. Shared: one `streamadded` whose stream already
/// holds all `n`. Per-track: `n` streams, each announced once with its one track. Either way,
/// every announcement comes before `setRemoteDescription` resolves.
async fn streamless_announced_complete<F: Face>(policy: StreamlessPolicy, n: usize) {
    let p = pair::<F>(Some(policy));
    for k in &KINDS[..n] {
        p.a.add_track(&track(*k), &[]).unwrap();
    }
    let applied = negotiate(&p.a, &p.b).await;
    let all = track_ids(&received(&p.b));
    assert_eq!(all.len(), n, "{n} tracks received");
    let added = p.events.added();
    match policy {
        StreamlessPolicy::Shared => {
            assert_eq!(added.len(), 1, "one streamadded for the shared stream");
            assert!(added[0].streamless, "announced as streamless");
            assert_eq!(track_ids(&added[0].tracks), all, "the shared stream held all {n} streamless tracks when it was announced");
            assert!(added[0].tick < applied, "announced before setRemoteDescription resolved");
            assert_eq!(track_ids(&p.b.remote_streams()[0].0.get_tracks().iter().map(JsCast::unchecked_into).collect::<Vec<_>>()), all, "and holds them after");
        }
        StreamlessPolicy::PerTrack => {
            assert_eq!(added.len(), n, "one streamadded per streamless track");
            assert!(added.iter().all(|e| e.streamless && e.tracks.len() == 1), "each streamless, each with its one track when announced");
            assert!(added.iter().all(|e| e.tick < applied), "all announced before setRemoteDescription resolved");
            let mut distinct: Vec<String> = added.iter().map(|e| e.stream.id()).collect();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), n, "{n} different streams");
            let announced: Vec<MediaStreamTrack> = added.iter().flat_map(|e| e.tracks.clone()).collect();
            assert_eq!(track_ids(&announced), all, "every received track announced once");
        }
    }
    assert_eq!(p.events.len(), added.len(), "no streamremoved");
    assert_eq!(p.b.remote_streams().len(), added.len(), "remoteStreams agrees with the announcements");
}

async fn shared_stream_is_announced_complete_with_2_tracks<F: Face>() {
    streamless_announced_complete::<F>(StreamlessPolicy::Shared, 2).await
}
async fn shared_stream_is_announced_complete_with_3_tracks<F: Face>() {
    streamless_announced_complete::<F>(StreamlessPolicy::Shared, 3).await
}
async fn per_track_streams_are_each_announced_once_with_2_tracks<F: Face>() {
    streamless_announced_complete::<F>(StreamlessPolicy::PerTrack, 2).await
}
async fn per_track_streams_are_each_announced_once_with_3_tracks<F: Face>() {
    streamless_announced_complete::<F>(StreamlessPolicy::PerTrack, 3).await
}

// ----- new: a renegotiation that changes nothing announces nothing --------------------------------

async fn nothing_changes<F: Face>(policy: StreamlessPolicy) {
    let p = pair::<F>(Some(policy));
    let cam = stream();
    p.a.add_track(&audio_track(), &[&cam]).unwrap();
    p.a.add_track(&video_track(), &[&cam]).unwrap();
    p.a.add_track(&audio_track(), &[]).unwrap();
    p.a.add_track(&video_track(), &[]).unwrap();
    negotiate(&p.a, &p.b).await;
    let before = p.events.summary();
    let expected = match policy {
        StreamlessPolicy::Shared => vec![(Added, false), (Added, true)],
        StreamlessPolicy::PerTrack => vec![(Added, false), (Added, true), (Added, true)],
    };
    assert_eq!(before, expected, "the first negotiation announces each stream once");
    let streams = p.b.remote_streams();
    negotiate(&p.a, &p.b).await; // the same offer again, from the sender
    negotiate(&p.b, &p.a).await; // and from the receiver
    assert_eq!(p.events.summary(), expected, "renegotiations that change nothing announce nothing");
    assert_eq!(p.b.remote_streams(), streams, "the same remote stream objects, in the same order");
}

async fn a_renegotiation_that_changes_nothing_announces_nothing_shared<F: Face>() {
    nothing_changes::<F>(StreamlessPolicy::Shared).await
}
async fn a_renegotiation_that_changes_nothing_announces_nothing_per_track<F: Face>() {
    nothing_changes::<F>(StreamlessPolicy::PerTrack).await
}

// ----- new: a transceiver that stops receiving takes its track out of its group ----------------

/// Who stops the receiving, and how.
#[derive(Clone, Copy, Debug)]
enum Stop {
    /// The far side (the sender) sets its transceiver to this direction and offers.
    FarSide(Direction),
    /// This side (the receiver) sets its transceiver to `sendonly` and answers the next offer.
    AnswerSendonly,
}

/// cam (audio + video, one stream) and a streamless audio arrive; then, one transceiver at a time,
/// the receiving stops: the track leaves its group, a stream that still has tracks stays, and an
/// emptied stream gets exactly one `streamremoved`.
async fn stops_receiving<F: Face>(how: Stop) {
    let p = pair::<F>(None);
    let cam = stream();
    p.a.add_track(&audio_track(), &[&cam]).unwrap();
    p.a.add_track(&video_track(), &[&cam]).unwrap();
    p.a.add_track(&audio_track(), &[]).unwrap();
    negotiate(&p.a, &p.b).await;
    assert_eq!(p.events.summary(), [(Added, false), (Added, true)], "cam and the shared stream announced");
    let remote = p.b.remote_streams();
    let (remote_cam, shared) = (Clone::clone(&remote[0].0), Clone::clone(&remote[1].0));
    let stop = |i: usize| match how {
        Stop::FarSide(d) => set_direction(&p.a.transceivers()[i], d),
        Stop::AnswerSendonly => set_direction(&p.b.transceivers()[i], Direction::SendOnly),
    };

    stop(1); // cam's video
    negotiate(&p.a, &p.b).await;
    match (how, kinds(&remote_cam).as_str()) {
        // Firefox departs from the spec here: setting a local answer with direction sendonly
        // does not "process the removal of a remote track", so its own stream keeps the track.
        // What the library must still do is asserted below: streamremoved once cam has no
        // received track left.
        (Stop::AnswerSendonly, "audio+video") => {
            web_sys::console::log_1(&"browser departure: a sendonly local answer left the track in its stream".into())
        }
        (_, k) => assert_eq!(k, "audio", "{how:?}: the video left cam"),
    }
    assert_eq!(p.events.removed().len(), 0, "{how:?}: cam still has its audio: no streamremoved");
    assert_eq!(ids(&p.b.remote_streams()), [cam.id(), shared.id()], "{how:?}: both streams still listed");

    stop(0); // cam's audio: cam is empty
    negotiate(&p.a, &p.b).await;
    let removed: Vec<(String, bool)> = p.events.removed().iter().map(|e| (e.stream.id(), e.streamless)).collect();
    let trail: Vec<String> = p.events.all().iter().map(|e| format!("{:?} {} {}", e.kind, &e.stream.id()[..4], e.tracks.len())).collect();
    assert_eq!(removed, [(cam.id(), false)], "{how:?}: one streamremoved for the emptied cam; events {trail:?}");
    assert_eq!(ids(&p.b.remote_streams()), [shared.id()], "{how:?}: only the shared stream left");

    stop(2); // the streamless audio: the shared stream is empty
    negotiate(&p.a, &p.b).await;
    let removed: Vec<(String, bool)> = p.events.removed().iter().map(|e| (e.stream.id(), e.streamless)).collect();
    assert_eq!(removed, [(cam.id(), false), (shared.id(), true)], "{how:?}: one streamremoved for the emptied shared stream");
    assert_eq!(shared.get_tracks().length(), 0, "{how:?}: the shared stream holds no track");
    assert!(p.b.remote_streams().is_empty(), "{how:?}: no remote stream left");

    negotiate(&p.a, &p.b).await;
    assert_eq!(p.events.len(), 4, "{how:?}: nothing more once everything has left (exactly one streamremoved each)");
}

async fn far_side_recvonly_takes_tracks_out_of_their_groups<F: Face>() {
    stops_receiving::<F>(Stop::FarSide(Direction::RecvOnly)).await
}
async fn far_side_inactive_takes_tracks_out_of_their_groups<F: Face>() {
    stops_receiving::<F>(Stop::FarSide(Direction::Inactive)).await
}
async fn answering_sendonly_takes_tracks_out_of_their_groups<F: Face>() {
    stops_receiving::<F>(Stop::AnswerSendonly).await
}

/// `b` applies the offer on its native object (bypassing the face) and, before that has resolved,
/// answers through the face: the face's call settles the books, and the remote description the
/// raw call brought must be read then (its `signalingstatechange` came while the face's call was
/// under way, so no later settlement follows).
async fn a_raw_description_during_a_face_call_is_settled_with_it<F: Face>() {
    let p = pair::<F>(None);
    let cam = stream();
    for t in [audio_track(), video_track()] {
        cam.add_track(&t);
        p.a.add_track(&t, &[&cam]).expect("addTrack(t, cam)");
    }
    let offer = p.a.create_offer().await.expect("createOffer");
    p.a.set_local(Some(&offer)).await.expect("a: setLocalDescription(offer)");
    let raw = call_native(&p.b.raw(), "setRemoteDescription", &[&description_to_js(&offer)]).expect("raw setRemoteDescription");
    assert_eq!(p.b.raw().signaling_state(), web_sys::RtcSignalingState::Stable, "the raw call is not applied yet");
    p.b.set_local(None).await.expect("b: setLocalDescription() through the face (an answer)");
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&raw)).await.expect("the raw setRemoteDescription resolved");
    assert_eq!(p.b.raw().signaling_state(), web_sys::RtcSignalingState::Stable, "b answered");
    let remote = p.b.remote_streams();
    assert_eq!(ids(&remote), [cam.id()], "the stream of the raw remote description is in the books when the face's call resolves");
    assert_eq!(kinds(&remote[0].0), "audio+video", "with both tracks");
    let added = p.events.added();
    assert_eq!(added.len(), 1, "one streamadded");
    assert_eq!(added[0].tracks.len(), 2, "announced with both tracks");
}
