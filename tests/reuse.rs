//! Sender reuse in real browsers, each scenario run against both faces (`name::rust`,
//! `name::js`): the MDN cases by name, and a differential test in which the browser is the oracle
//! (random sequences of real operations; at every addTrack the face's prediction is compared with
//! what the browser did). The same sequence generator drives either face.
#![cfg(target_arch = "wasm32")]

mod common;
#[macro_use]
mod faces;

use faces::*;
use rtc_peer::{Direction, ErrorKind, SessionDescription, TrackKind, TransceiverFor};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{MediaStream, MediaStreamTrack, RtcRtpTransceiver};

wasm_bindgen_test_configure!(run_in_browser);

both_faces![
    reuse_of_a_recvonly_sender,
    reuse_of_an_unused_sendrecv_sender,
    an_inactive_reused_sender_becomes_sendonly,
    a_different_kind_sender_is_not_reused,
    a_sender_that_has_sent_is_not_reused_after_remove_track,
    a_stopped_transceiver_is_not_reused,
    history_is_kept_when_the_app_negotiates_on_the_raw_object,
    reuse_is_predicted_explained_and_recorded,
    prediction_agrees_with_the_browser_on_random_sequences,
    prediction_agrees_on_sfu_shaped_offers,
];

fn dirs(t: &RtcRtpTransceiver) -> (Option<Direction>, Option<Direction>) {
    (direction_of(t, "direction"), direction_of(t, "currentDirection"))
}

// ----- the MDN cases --------------------------------------------------------------------------

/// "recvonly → sendrecv": a transceiver the far side created for us, never sent on.
async fn reuse_of_a_recvonly_sender<F: Face>() {
    let (a, b) = (F::new(None), F::new(None));
    let t = a.add_transceiver(TransceiverFor::Kind(TrackKind::Audio), Some(Direction::SendOnly), &[]).unwrap();
    JsFuture::from(t.sender().replace_track(Some(&audio_track()))).await.expect("replaceTrack");
    negotiate(&a, &b).await;
    let t = b.transceivers()[0].clone();
    assert_eq!(dirs(&t), (Some(Direction::RecvOnly), Some(Direction::RecvOnly)), "the far side's transceiver");
    let track = audio_track();
    let p = b.predict_add_track(&track);
    assert_eq!(p.reuse.as_ref(), Some(&t), "reuse of the recvonly transceiver predicted");
    let out = b.add_track_detailed(&track, &[]).unwrap();
    assert_eq!((out.reused, out.direction_before, out.direction_after), (true, Some(Direction::RecvOnly), Some(Direction::SendRecv)), "the outcome");
    assert!(out.transceiver == t && out.sender == t.sender(), "the outcome names the very same objects");
}

async fn reuse_of_an_unused_sendrecv_sender<F: Face>() {
    let pc = F::new(None);
    let t = pc.add_transceiver(TransceiverFor::Kind(TrackKind::Video), None, &[]).unwrap();
    let out = pc.add_track_detailed(&video_track(), &[]).unwrap();
    assert_eq!((out.reused, out.direction_before, out.direction_after), (true, Some(Direction::SendRecv), Some(Direction::SendRecv)), "the outcome");
    assert_eq!(out.transceiver, t, "the unused transceiver is reused");
}

async fn an_inactive_reused_sender_becomes_sendonly<F: Face>() {
    let pc = F::new(None);
    let t = pc.add_transceiver(TransceiverFor::Kind(TrackKind::Audio), Some(Direction::Inactive), &[]).unwrap();
    let out = pc.add_track_detailed(&audio_track(), &[]).unwrap();
    assert_eq!((out.reused, out.direction_before, out.direction_after), (true, Some(Direction::Inactive), Some(Direction::SendOnly)), "the outcome");
    assert_eq!(out.transceiver, t, "the inactive transceiver is reused");
}

async fn a_different_kind_sender_is_not_reused<F: Face>() {
    let pc = F::new(None);
    let t = pc.add_transceiver(TransceiverFor::Kind(TrackKind::Video), None, &[]).unwrap();
    let track = audio_track();
    let p = pc.predict_add_track(&track);
    assert_eq!(p.reuse, None, "no reuse predicted");
    let v = p.verdict(&t).expect("a verdict for the video transceiver");
    assert_eq!((v.reusable, v.reason.as_deref(), v.code.as_deref()), (false, Some("kind video, track is audio"), Some("kind-mismatch")), "the reason");
    let out = pc.add_track_detailed(&track, &[]).unwrap();
    assert_eq!((out.reused, out.direction_before, out.direction_after), (false, None, Some(Direction::SendRecv)), "a new transceiver");
    assert_eq!(pc.transceivers().len(), 2, "two transceivers");
}

async fn a_sender_that_has_sent_is_not_reused_after_remove_track<F: Face>() {
    let (a, b) = (F::new(None), F::new(None));
    let sender = a.add_track(&audio_track(), &[]).unwrap();
    negotiate(&a, &b).await;
    let t = a.transceivers()[0].clone();
    assert_eq!(direction_of(&t, "currentDirection"), Some(Direction::SendOnly), "negotiated (the far side only receives)");
    a.remove_track(&sender).unwrap();
    negotiate(&a, &b).await;
    assert_eq!(direction_of(&t, "currentDirection"), Some(Direction::Inactive), "no longer sending");
    assert_eq!(a.has_sent(Of::Sender(&sender)).map_err(|e| e.name), Ok(true), "history kept, asked by sender");
    assert_eq!(a.has_sent(Of::Transceiver(&t)).map_err(|e| e.name), Ok(true), "history kept, asked by transceiver");
    let track = audio_track();
    let p = a.predict_add_track(&track);
    assert_eq!(p.reuse, None, "not reused");
    let v = p.verdict(&t).expect("a verdict");
    assert_eq!((v.reason.as_deref(), v.code.as_deref()), (Some("has sent before (currentDirection was sendonly)"), Some("has-sent")), "the reason names the history");
    let out = a.add_track_detailed(&track, &[]).unwrap();
    assert!(!out.reused, "a new transceiver");
}

async fn a_stopped_transceiver_is_not_reused<F: Face>() {
    let (a, b) = (F::new(None), F::new(None));
    let t = a.add_transceiver(TransceiverFor::Kind(TrackKind::Audio), Some(Direction::RecvOnly), &[]).unwrap();
    negotiate(&a, &b).await;
    call(&t, "stop", &[]).expect("stop()");
    let track = audio_track();
    let p = a.predict_add_track(&track);
    let code = p.verdict(&t).and_then(|v| v.code.clone());
    // Spec: not reused (a new transceiver). Chromium: picked, and addTrack throws. Firefox: reused,
    // direction stays "stopped". Each is a documented departure; the prediction must foresee it.
    assert!(matches!(code.as_deref(), Some("stopping" | "stopping-picked" | "stopping-reused")), "a stopping verdict, got {code:?}");
    let result = a.add_track_detailed(&audio_track(), &[]);
    assert_eq!(result.as_ref().err().map(|e| e.kind), p.throws, "the prediction foresaw whether addTrack throws");
    if let Ok(out) = &result {
        assert_eq!(out.reused.then(|| out.transceiver.clone()), p.reuse, "the prediction foresaw the reuse");
    }
    negotiate(&a, &b).await;
    let p = a.predict_add_track(&track);
    // Once stopped, a transceiver is gone from getTransceivers() or judged not reusable.
    if let Some(v) = p.verdict(&t) {
        assert!(!v.reusable && p.reuse.as_ref() != Some(&t), "a stopped transceiver is not reused");
    }
    let after = a.add_track_detailed(&track, &[]).unwrap();
    assert!(!after.reused, "a new transceiver");
}

/// The app negotiates through `RTCPeerConnection.prototype` on the face's native object,
/// bypassing the face; the books still see the history (through `signalingstatechange`).
async fn history_is_kept_when_the_app_negotiates_on_the_raw_object<F: Face>() {
    let (a, b) = (F::new(None), Native::new());
    let sender = a.add_track(&video_track(), &[]).unwrap();
    let raw = Native(a.raw());
    negotiate(&raw, &b).await;
    raw.remove_track(&sender);
    negotiate(&raw, &b).await;
    let current = direction_of(&a.transceivers()[0], "currentDirection");
    assert!(!current.is_some_and(Direction::sends), "not sending now ({current:?})");
    assert_eq!(a.has_sent(Of::Sender(&sender)).map_err(|e| e.name), Ok(true), "has sent, seen through signalingstatechange");
    b.0.close();
}

/// Folded from tests/rust_api.rs: reuse predicted, explained, recorded; foreign objects refused.
async fn reuse_is_predicted_explained_and_recorded<F: Face>() {
    let (a, b) = (F::new(None), F::new(None));
    // The far side offers to send audio: our side gets a recvonly transceiver that never sent.
    let t = b.add_transceiver(TransceiverFor::Track(&audio_track()), Some(Direction::SendOnly), &[]).unwrap();
    assert_eq!(direction_of(&t, "direction"), Some(Direction::SendOnly), "sendonly as asked");
    negotiate(&b, &a).await;
    let ours = a.transceivers();
    assert_eq!(ours.len(), 1, "one transceiver made by the offer");
    let video = a.predict_add_track(&video_track());
    assert!(video.reuse.is_none(), "a video track cannot reuse an audio transceiver");
    assert_eq!(
        (video.candidates[0].code.as_deref(), video.candidates[0].reason.as_deref()),
        (Some("kind-mismatch"), Some("kind audio, track is video")),
        "the kind mismatch, explained"
    );
    let audio = audio_track();
    assert_eq!(a.predict_add_track(&audio).reuse.as_ref(), Some(&ours[0]), "the audio track will reuse it");
    let out = a.add_track_detailed(&audio, &[]).unwrap();
    assert!(out.reused, "reused");
    assert_eq!((out.direction_before, out.direction_after), (Some(Direction::RecvOnly), Some(Direction::SendRecv)), "recvonly → sendrecv");
    assert_eq!(a.has_sent(Of::Transceiver(&ours[0])).map_err(|e| e.name), Ok(false), "not sent yet");
    set(&t, "direction", &"sendrecv".into()); // so that the far side receives
    negotiate(&a, &b).await;
    assert_eq!(a.has_sent(Of::Transceiver(&ours[0])).map_err(|e| e.name), Ok(true), "sent once negotiated");
    a.remove_track(&out.sender).unwrap();
    negotiate(&a, &b).await;
    let later = a.predict_add_track(&audio_track());
    assert!(later.reuse.is_none(), "a transceiver that has sent is not reused");
    assert_eq!(later.candidates[0].code.as_deref(), Some("has-sent"), "because it has sent");
    let foreign = F::new(None).add_transceiver(TransceiverFor::Kind(TrackKind::Audio), None, &[]).unwrap();
    assert_eq!(a.has_sent(Of::Transceiver(&foreign)).map_err(|e| e.kind), Err(ErrorKind::InvalidAccess), "a foreign transceiver is refused");
}

// ----- the differential test ------------------------------------------------------------------

/// The fixed seed of the suite; `npm run differential:long` runs many more from a random one.
const SEED: u32 = match option_env!("REUSE_SEED") {
    Some(s) => parse(s),
    None => 20261121,
};
/// Per face (and so twice per browser).
const SEQUENCES: u32 = match option_env!("REUSE_SEQUENCES") {
    Some(s) => parse(s),
    None => 20,
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

/// mulberry32, as tests/js/reuse.js had it: the same seed gives the same sequence.
struct Prng(u32);

impl Prng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next() * xs.len() as f64) as usize]
    }
    fn index(&mut self, len: usize) -> usize {
        (self.next() * len as f64) as usize
    }
}

const DIRECTIONS: [Direction; 4] = [Direction::SendRecv, Direction::SendOnly, Direction::RecvOnly, Direction::Inactive];

async fn settle(p: js_sys::Promise) -> String {
    match JsFuture::from(p).await {
        Ok(_) => "ok".into(),
        Err(e) => Failure::from_js(e).name,
    }
}

async fn rollback_all(pcs: [&impl Signal; 2]) {
    for pc in pcs {
        let state = pc.raw().signaling_state();
        if matches!(state, web_sys::RtcSignalingState::HaveLocalOffer | web_sys::RtcSignalingState::HaveRemoteOffer) {
            let _ = pc.set_local(Some(&SessionDescription::rollback())).await;
        }
    }
}

fn describe<F: Face>(pc: &F) -> String {
    pc.transceivers()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = |d: Option<Direction>| d.map_or("null", Direction::as_str);
            let sent = pc.has_sent(Of::Transceiver(t)).map_or_else(|e| e.name, |b| b.to_string());
            format!(
                "#{i}({} {}/{} track:{} sent:{sent})",
                t.receiver().track().kind(),
                name(direction_of(t, "direction")),
                name(direction_of(t, "currentDirection")),
                if t.sender().track().is_some() { "y" } else { "n" },
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn index_of(ts: &[RtcRtpTransceiver], t: &RtcRtpTransceiver) -> String {
    ts.iter().position(|x| x == t).map_or_else(|| "?".into(), |i| format!("#{i}"))
}

/// One random sequence of `steps` operations on a pair of the face. Ok: the transcript and the
/// number of checked addTrack calls; Err: the seed, the sequence so far and the disagreement.
async fn sequence<F: Face>(seed: u32, steps: u32) -> Result<(Vec<String>, u32), String> {
    let mut rnd = Prng(seed);
    let pcs = [F::new(None), F::new(None)];
    let mut log: Vec<String> = Vec::new();
    let mut checks = 0;
    let fail = |log: &[String], msg: String| Err(format!("{} face, seed {seed}: {msg}\nsequence:\n  {}", F::NAME, log.join("\n  ")));
    for _ in 0..steps {
        let side = usize::from(rnd.next() >= 0.5);
        let (pc, other) = (&pcs[side], &pcs[1 - side]);
        let name = if side == 1 { "b" } else { "a" };
        let ts = pc.transceivers();
        let r = rnd.next();
        if r < 0.3 {
            let kind = rnd.pick(&[TrackKind::Audio, TrackKind::Video]);
            let t = track(kind);
            let streams: Vec<MediaStream> = (0..rnd.index(3)).map(|_| stream()).collect();
            let with_track: Vec<MediaStreamTrack> = pc.senders().iter().filter_map(|s| s.track()).collect();
            let reuse_existing = rnd.next() < 0.1 && !with_track.is_empty();
            let the_track = if reuse_existing { Clone::clone(&with_track[0]) } else { t };
            let p = pc.predict_add_track(&the_track);
            let state = describe(pc);
            let refs: Vec<&MediaStream> = streams.iter().collect();
            let result = pc.add_track_detailed(&the_track, &refs);
            let shown = match &result {
                Err(e) => e.name.clone(),
                Ok(out) if out.reused => format!("reused {}", index_of(&pc.transceivers(), &out.transceiver)),
                Ok(_) => "new".into(),
            };
            log.push(format!(
                "{name}.addTrack({}{}, {} streams) on [{state}] → {shown}",
                the_track.kind(),
                if reuse_existing { ", already added" } else { "" },
                streams.len()
            ));
            checks += 1;
            let threw = result.as_ref().err().map(|e| e.kind);
            if p.throws.is_some() || threw.is_some() {
                if p.throws != threw {
                    return fail(&log, format!("predicted {:?}, browser {:?}", p.throws, threw));
                }
            } else {
                let predicted = p.reuse.as_ref().map_or_else(|| "new".into(), |t| index_of(&ts, t));
                let out = result.as_ref().expect("no throw");
                let actual = if out.reused { index_of(&ts, &out.transceiver) } else { "new".into() };
                if predicted != actual {
                    let candidates: Vec<String> = p
                        .candidates
                        .iter()
                        .enumerate()
                        .map(|(i, c)| format!("#{i} {}", if c.reusable { "reusable".into() } else { c.reason.clone().unwrap_or_default() }))
                        .collect();
                    return fail(&log, format!("predicted {predicted}, browser {actual}; candidates: {}", candidates.join("; ")));
                }
            }
        } else if r < 0.42 {
            let kind = rnd.pick(&[TrackKind::Audio, TrackKind::Video]);
            let direction = rnd.pick(&DIRECTIONS);
            let with_track = rnd.next() < 0.3;
            log.push(format!("{name}.addTransceiver({}{}, {direction})", kind.as_str(), if with_track { " track" } else { "" }));
            let t = with_track.then(|| track(kind));
            let what = match &t {
                Some(t) => TransceiverFor::Track(t),
                None => TransceiverFor::Kind(kind),
            };
            if let Err(e) = pc.add_transceiver(what, Some(direction), &[]) {
                log.push(format!("  threw {}", e.name));
            }
        } else if r < 0.5 {
            let senders: Vec<_> = pc.senders().into_iter().filter(|s| s.track().is_some()).collect();
            if !senders.is_empty() {
                let s = &senders[rnd.index(senders.len())];
                let i = ts.iter().position(|t| &t.sender() == s).map_or(-1, |i| i as i64);
                log.push(format!("{name}.removeTrack(#{i})"));
                if let Err(e) = pc.remove_track(s) {
                    log.push(format!("  threw {}", e.name));
                }
            }
        } else if r < 0.56 {
            let senders: Vec<_> = pc.senders().into_iter().filter(|s| s.track().is_some()).collect();
            if !senders.is_empty() {
                let s = &senders[rnd.index(senders.len())];
                let i = ts.iter().position(|t| &t.sender() == s).map_or(-1, |i| i as i64);
                log.push(format!("{name}.replaceTrack(#{i}, null)"));
                let outcome = settle(s.replace_track(None)).await;
                log.push(format!("  → {outcome}"));
            }
        } else if r < 0.66 {
            let live: Vec<_> = ts.iter().filter(|t| direction_of(t, "direction") != Some(Direction::Stopped) && direction_of(t, "currentDirection") != Some(Direction::Stopped)).collect();
            if !live.is_empty() {
                let t = live[rnd.index(live.len())];
                let d = rnd.pick(&DIRECTIONS);
                log.push(format!("{name}.{}.direction = {d}", index_of(&ts, t)));
                if let Err(e) = js_sys::Reflect::set(t, &"direction".into(), &d.as_str().into()) {
                    log.push(format!("  threw {}", Failure::from_js(e).name));
                }
            }
        } else if r < 0.7 {
            let live: Vec<_> = ts.iter().filter(|t| direction_of(t, "direction") != Some(Direction::Stopped) && direction_of(t, "currentDirection") != Some(Direction::Stopped)).collect();
            if !live.is_empty() {
                let t = live[rnd.index(live.len())];
                log.push(format!("{name}.{}.stop()", index_of(&ts, t)));
                if let Err(e) = call(t, "stop", &[]) {
                    log.push(format!("  threw {}", e.name));
                }
            }
        } else if r < 0.92 {
            log.push(format!("negotiate {name}→{}", if side == 1 { "a" } else { "b" }));
            if let Err(e) = try_negotiate(pc, other).await {
                log.push(format!("  failed {}: {}", e.name, e.message));
                rollback_all([pc, other]).await;
            }
        } else {
            // Rollback: an offer applied on one or both sides, then rolled back.
            let remote_too = rnd.next() < 0.5;
            log.push(format!("{name} offers{} then both roll back", if remote_too { ", far side applies it," } else { "" }));
            let applied = async {
                let offer = pc.create_offer().await?;
                pc.set_local(Some(&offer)).await?;
                if remote_too {
                    other.set_remote(&offer).await?;
                }
                Ok::<(), Failure>(())
            };
            if let Err(e) = applied.await {
                log.push(format!("  failed {}", e.name));
            }
            rollback_all([pc, other]).await;
        }
    }
    // A closed connection throws, and the prediction says so.
    let last = &pcs[0];
    last.close();
    let p = last.predict_add_track(&audio_track());
    let threw = last.add_track(&audio_track(), &[]).err().map(|e| e.kind);
    checks += 1;
    if p.throws != threw {
        return fail(&log, format!("closed: predicted {:?}, browser {threw:?}", p.throws));
    }
    pcs[1].close();
    Ok((log, checks))
}

async fn prediction_agrees_with_the_browser_on_random_sequences<F: Face>() {
    web_sys::console::log_1(&format!("differential ({} face): seed {SEED}, {SEQUENCES} sequences × {STEPS} steps", F::NAME).into());
    let mut checks = 0;
    for i in 0..SEQUENCES {
        match sequence::<F>(SEED.wrapping_add(i), STEPS).await {
            Ok((_, n)) => checks += n,
            Err(e) => panic!("{e}"),
        }
        common::cleanup();
    }
    web_sys::console::log_1(&format!("differential ({} face): {checks} addTrack predictions, all agreed", F::NAME).into());
    assert!(checks > SEQUENCES, "too few addTrack calls were checked ({checks})");
}

/// The same sequences on both faces give the same transcript (operations, outcomes, has-sent
/// bits): a behaviour changed in one face only shows here even where the browser agrees.
#[wasm_bindgen_test]
async fn both_faces_give_the_same_transcript_on_random_sequences() {
    for i in 0..5 {
        let seed = SEED.wrapping_add(1000 + i);
        let rust = sequence::<RustFace>(seed, STEPS).await.unwrap_or_else(|e| panic!("{e}"));
        common::cleanup();
        let js = sequence::<JsFace>(seed, STEPS).await.unwrap_or_else(|e| panic!("{e}"));
        common::cleanup();
        assert_eq!(rust.0, js.0, "seed {seed}: the Rust and JS faces' transcripts");
    }
}

// ----- SFU-shaped remote offers (issue #13, part 3) -------------------------------------------
//
// Hand-written variants of a real offer (so ICE, DTLS and codecs are the browser's own), in the
// shapes an SFU sends: a rejected m-section (port 0), a data-only offer, a recycled m-line (same
// mid, inactive, then a new stream id), a bundle-only section, and the `m=text` section of the
// README's old gap. On each, the prediction is compared with what `addTrack` then does.

/// The session part and each m-section's lines.
fn split_sdp(sdp: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head = Vec::new();
    let mut secs: Vec<Vec<String>> = Vec::new();
    for line in sdp.split("\r\n").filter(|l| !l.is_empty()) {
        if line.starts_with("m=") {
            secs.push(vec![line.to_string()]);
        } else if let Some(sec) = secs.last_mut() {
            sec.push(line.to_string());
        } else {
            head.push(line.to_string());
        }
    }
    (head, secs)
}

fn join_sdp(head: &[String], secs: &[Vec<String>]) -> String {
    let mut out: Vec<&str> = head.iter().map(String::as_str).collect();
    for s in secs {
        out.extend(s.iter().map(String::as_str));
    }
    out.join("\r\n") + "\r\n"
}

fn mid_of(sec: &[String]) -> String {
    sec.iter().find_map(|l| l.strip_prefix("a=mid:")).unwrap_or_default().to_string()
}

/// Port 0 on the m-line: the section is rejected (or bundle-only, with `a=bundle-only`).
fn with_port_zero(sec: &mut [String]) {
    let mut parts: Vec<String> = sec[0].split(' ').map(String::from).collect();
    parts[1] = "0".into();
    sec[0] = parts.join(" ");
}

fn without_lines(sec: &mut Vec<String>, prefixes: &[&str]) {
    sec.retain(|l| !prefixes.iter().any(|p| l.starts_with(p)));
}

fn set_direction(sec: &mut [String], dir: &str) {
    for l in sec.iter_mut() {
        if ["a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive"].contains(&l.as_str()) {
            *l = format!("a={dir}");
        }
    }
}

/// The BUNDLE group without `mid`.
fn unbundle(head: &mut [String], mid: &str) {
    for l in head.iter_mut().filter(|l| l.starts_with("a=group:BUNDLE")) {
        *l = l.split(' ').filter(|m| *m != mid).collect::<Vec<_>>().join(" ");
    }
}

fn offer_of(sdp: String) -> SessionDescription {
    SessionDescription { sdp_type: rtc_peer::SdpType::Offer, sdp }
}

/// setRemoteDescription(offer) + the implicit answer; Err: the browser's error name.
async fn answer<F: Face>(pc: &F, sdp: String) -> Result<(), String> {
    pc.set_remote(&offer_of(sdp)).await.map_err(|e| e.name.clone())?;
    pc.set_local(None).await.map_err(|e| e.name.clone())
}

/// One prediction against the browser: `predictAddTrack(track)`, then `addTrack(track)`, the two
/// compared. Returns the transceiver addTrack reused (None: a new one), so the scenario can pin it.
fn predicted_and_done<F: Face>(pc: &F, kind: TrackKind, label: &str) -> Option<RtcRtpTransceiver> {
    let t = track(kind);
    let p = pc.predict_add_track(&t);
    let before = pc.transceivers();
    let state = describe(pc);
    let out = pc.add_track_detailed(&t, &[]);
    assert_eq!(p.throws, out.as_ref().err().map(|e| e.kind), "{label} ({} face, on [{state}]): predicted vs browser: throws", F::NAME);
    let out = out.expect("addTrack");
    let done = out.reused.then(|| out.transceiver.clone());
    assert_eq!(
        p.reuse.as_ref().map(|r| index_of(&before, r)),
        done.as_ref().map(|r| index_of(&before, r)),
        "{label} ({} face, on [{state}]): predicted vs what addTrack({kind:?}) reused",
        F::NAME
    );
    if !out.reused {
        assert!(!before.contains(&out.transceiver), "{label}: a new transceiver is new");
    }
    done
}

async fn prediction_agrees_on_sfu_shaped_offers<F: Face>() {
    let firefox = get(&get(&js_sys::global(), "navigator"), "userAgent").as_string().unwrap_or_default().contains("Firefox");
    // A real audio+video offer to edit.
    let far = Native::new();
    let cam = stream();
    far.add_track(&audio_track(), &[&cam]);
    far.add_track(&video_track(), &[&cam]);
    let template = far.create_offer().await.expect("native offer").sdp;
    let (head, secs) = split_sdp(&template);
    assert_eq!(secs.len(), 2, "audio + video");

    // 1. A rejected audio section (port 0, out of BUNDLE), video received.
    {
        let (mut h, mut s) = (head.clone(), secs.clone());
        with_port_zero(&mut s[0]);
        unbundle(&mut h, &mid_of(&s[0]));
        let pc = F::new(None);
        answer(&pc, join_sdp(&h, &s)).await.expect("a rejected section is accepted");
        let mids: Vec<Option<String>> = pc.transceivers().iter().map(RtcRtpTransceiver::mid).collect();
        // Chromium 156 and Firefox 153 both drop the rejected (stopped) section's transceiver from
        // getTransceivers() once answered, as the spec says.
        assert_eq!(mids, [Some(mid_of(&s[1]))], "the transceivers' mids after a rejected section");
        assert_eq!(predicted_and_done(&pc, TrackKind::Audio, "rejected audio"), None, "a rejected (stopped) transceiver is not reused");
        let video = predicted_and_done(&pc, TrackKind::Video, "rejected audio, then video");
        assert_eq!(video.and_then(|t| t.mid()), Some(mid_of(&s[1])), "the received video's transceiver is");
        pc.close();
    }

    // 2. Data only: no media section at all.
    {
        let native = Native::new();
        let dc = native.0.create_data_channel("d");
        let offer = native.create_offer().await.expect("data offer").sdp;
        let pc = F::new(None);
        answer(&pc, offer).await.expect("a data-only offer");
        assert!(pc.transceivers().is_empty(), "no transceiver from a data section");
        assert_eq!(predicted_and_done(&pc, TrackKind::Audio, "data only"), None, "nothing to reuse");
        dc.close();
        native.0.close();
        pc.close();
    }

    // 3. A recycled m-line: sendonly (stream A), inactive without msid (the publisher left), then
    //    sendonly again with another stream id (someone new on the same mid), as Janus does.
    {
        let pc = F::new(None);
        answer(&pc, template.clone()).await.expect("first offer");
        let (h, mut s) = (head.clone(), secs.clone());
        for sec in &mut s {
            set_direction(sec, "inactive");
            without_lines(sec, &["a=msid", "a=ssrc"]);
        }
        answer(&pc, join_sdp(&h, &s)).await.expect("the m-lines go inactive");
        assert!(pc.remote_streams().is_empty(), "nothing received while inactive");
        let video = predicted_and_done(&pc, TrackKind::Video, "inactive m-lines");
        assert_eq!(video.and_then(|t| t.mid()), Some(mid_of(&secs[1])), "an inactive, never-sent transceiver is reused");
        let (h, mut s) = (head.clone(), secs.clone());
        let new_id = "recycled-stream";
        for sec in &mut s {
            for l in sec.iter_mut().filter(|l| l.starts_with("a=msid:")) {
                *l = format!("a=msid:{new_id} {}", l.split(' ').nth(1).unwrap_or("t"));
            }
            without_lines(sec, &["a=ssrc"]);
        }
        answer(&pc, join_sdp(&h, &s)).await.expect("recycled m-lines");
        let remote: Vec<String> = pc.remote_streams().iter().map(|(m, _)| m.id()).collect();
        assert_eq!(remote, [new_id], "the recycled m-lines in the new stream");
        let audio = predicted_and_done(&pc, TrackKind::Audio, "recycled m-lines");
        assert_eq!(audio.and_then(|t| t.mid()), Some(mid_of(&secs[0])), "the recycled audio transceiver");
        pc.close();
    }

    // 4. A bundle-only video section (port 0 + a=bundle-only, in the BUNDLE group): not rejected.
    {
        let (h, mut s) = (head.clone(), secs.clone());
        with_port_zero(&mut s[1]);
        s[1].insert(1, "a=bundle-only".into());
        let pc = F::new(None);
        answer(&pc, join_sdp(&h, &s)).await.expect("a bundle-only section");
        let ts = pc.transceivers();
        assert_eq!(ts[1].mid(), Some(mid_of(&s[1])), "the bundle-only section keeps its mid");
        let video = predicted_and_done(&pc, TrackKind::Video, "bundle-only video");
        assert_eq!(video.and_then(|t| t.mid()), Some(mid_of(&s[1])), "its transceiver is reused");
        pc.close();
    }

    // 5. The README's old gap: m=text (unsupported, rejected) first, video second, then
    //    addTransceiver('audio', {direction: 'recvonly'}) and addTrack(audio).
    {
        let (mut h, s) = (head.clone(), secs.clone());
        // The text section takes the audio section's place and mid, with port 0 (rejected by the
        // offerer) and out of the BUNDLE group.
        let text_mid = mid_of(&s[0]);
        let text = vec![
            "m=text 0 UDP/TLS/RTP/SAVPF 100".to_string(),
            "c=IN IP4 0.0.0.0".into(),
            "a=rtpmap:100 t140/1000".into(),
            format!("a=mid:{text_mid}"),
            "a=sendrecv".into(),
        ];
        unbundle(&mut h, &text_mid);
        let offer = join_sdp(&h, &[text, s[1].clone()].concat_sections());
        // Both moments: answered (stable), and with the offer still pending (have-remote-offer).
        for answered in [true, false] {
            let pc = F::new(None);
            let applied = if answered { answer(&pc, offer.clone()).await } else { pc.set_remote(&offer_of(offer.clone())).await.map_err(|e| e.name.clone()) };
            if firefox {
                // Firefox refuses an offer with an m=text section outright.
                assert!(applied.is_err(), "Firefox takes m=text (answered: {answered})");
            } else {
                applied.unwrap_or_else(|e| panic!("Chromium takes m=text (answered: {answered}): {e}"));
                let t = pc.add_transceiver(TransceiverFor::Kind(TrackKind::Audio), Some(Direction::RecvOnly), &[]).unwrap();
                let label = format!("m=text, then recvonly audio (answered: {answered})");
                let reused = predicted_and_done(&pc, TrackKind::Audio, &label);
                assert_eq!(reused.as_ref(), Some(&t), "{label}: the recvonly audio transceiver is reused");
            }
            pc.close();
        }
    }
    far.0.close();
}

trait ConcatSections {
    fn concat_sections(self) -> Vec<Vec<String>>;
}
impl<const N: usize> ConcatSections for [Vec<String>; N] {
    fn concat_sections(self) -> Vec<Vec<String>> {
        self.into_iter().collect()
    }
}
