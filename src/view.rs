//! The browser, read typed: the one module that names the JS members of connections,
//! transceivers, senders, receivers, tracks, streams and events.
//!
//! The books need the same few facts of every transceiver on every settlement, so they are read
//! in one crossing ([`read_connection`]) into plain rows, and decoded here. A value the browser
//! reports that is not one the spec defines (a misspelt or future enum string, a missing
//! attribute) is an [`Error`], never a default: a made-up `"inactive"` or `"audio"` would feed a
//! wrong decision.
//!
//! Objects are compared by a small integer key ([`key`]): the same object always has the same
//! key, and holding a key keeps nothing alive (the map is a `WeakMap` in JS).

use crate::error::Error;
use crate::sender_reuse::TransceiverFacts;
use crate::stream_grouping::{ReceiverFacts, TrackKey};
use crate::types::{Direction, SignalingState, StreamId, TrackKind};
use js_sys::{Array, Int32Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MediaStream, MediaStreamTrack, RtcRtpSender, RtcRtpTransceiver};

// The JS half: a few generic helpers in place of one wasm-bindgen import per browser member (each
// import is a JS shim plus a long hashed name in both the wasm and the glue, a measurable part of
// the size budget). Enum values travel as indices into the spec's lists below, in the order of the
// crate's enums (`Direction::ALL`, `TrackKind::ALL`, `SignalingState::ALL`); -1 is "not a value
// the spec defines", -2 is `null`.
#[wasm_bindgen(inline_js = r"
const TYPES = ['MediaStream', 'MediaStreamTrack', 'RTCRtpTransceiver', 'RTCRtpSender', 'RTCPeerConnection', 'HTMLMediaElement'];
export function isA(v, i) { const k = globalThis[TYPES[i]]; return typeof k === 'function' && v instanceof k; }

export function get(o, k) { try { return Reflect.get(o, k); } catch {} }

const KEYS = new WeakMap();
let next = 1;
export function key(o, add) {
  if (Object(o) !== o) return 0;
  let k = KEYS.get(o);
  if (k === undefined && add) { k = next; next = (next + 1) >>> 0 || 1; KEYS.set(o, k); }
  return k ?? 0;
}

const DIR = ['sendrecv', 'sendonly', 'recvonly', 'inactive', 'stopped'], KIND = ['audio', 'video'];
const SIG = ['stable', 'have-local-offer', 'have-remote-offer', 'have-local-pranswer', 'have-remote-pranswer', 'closed'];
const COLS = 8;
// `sdp` (0/1): read the descriptions too; `r0` / `l0`: the remote / local SDP strings the caller
// last parsed. An SDP equal to the one seen comes back as undefined (not copied into wasm again).
export function readConnection(pc, sdp, r0, l0) {
  // Firefox throws from getTransceivers() once closed: a closed connection then has none.
  const sig = SIG.indexOf(pc.signalingState);
  let ts; try { ts = pc.getTransceivers(); } catch (e) { if (sig !== 5) throw e; ts = []; }
  const n = ts.length, rows = new Int32Array(n * COLS), mids = new Array(n);
  const senders = new Array(n), tracks = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = ts[i], s = t.sender, r = t.receiver.track, st = s.track, cd = t.currentDirection, o = i * COLS;
    senders[i] = s; tracks[i] = r;
    rows[o] = key(t, 1); rows[o + 1] = key(s, 1); rows[o + 2] = st ? key(st, 1) : 0; rows[o + 3] = key(r, 1);
    rows[o + 4] = KIND.indexOf(r.kind); rows[o + 5] = DIR.indexOf(t.direction);
    rows[o + 6] = cd == null ? -2 : DIR.indexOf(cd); rows[o + 7] = r.readyState === 'ended' ? 1 : 0;
    mids[i] = t.mid ?? '';
  }
  const closed = sig === 5, out = [ts, senders, tracks, rows, mids.join('\n'), sig];
  if (sdp) { // 1: the remote SDP, 2: the local one (a side not read is reported unchanged)
    const r = sdp & 1 ? (closed ? '' : pc.remoteDescription?.sdp ?? '') : r0, l = sdp & 2 ? (closed ? '' : pc.localDescription?.sdp ?? '') : l0;
    out.push(r === r0 ? undefined : r, l === l0 ? undefined : l);
  }
  return out;
}

export function trackEvent(e) {
  const streams = Array.from(e.streams ?? []);
  return [e.track, streams, streams.map((s) => s.id).join('\n')];
}
export function streamTracks(s) { const t = s.getTracks(); return [t, Int32Array.from(t, (x) => key(x, 1))]; }
export function copyInto(src, dst) { dst.set(src.subarray(0, dst.length)); }
export function trackKind(t) { return KIND.indexOf(t.kind); }
export function streamId(s) { return s.id; }
export function senderTrack(s) { return s.track; }
export function hasSetStreams(s) { return typeof s.setStreams === 'function'; }
export function initStreams(init) { const s = get(init, 'streams'); return Array.isArray(s) ? s : []; }
export function policyOption(c) { return Object(c) === c ? get(c, 'streamlessPolicy') : undefined; }

const METHODS = ['addTrack', 'removeTrack'];
export function streamCall(s, i, t) { s[METHODS[i]](t); }

const EVENTS = ['streamadded', 'streamremoved', 'addtrack', 'removetrack'];
export function fire(target, i, x, streamless) {
  try {
    target.dispatchEvent(i < 2 ? Object.assign(new Event(EVENTS[i]), { stream: x, streamless: !!streamless })
      : new MediaStreamTrackEvent(EVENTS[i], { track: x }));
  } catch {}
}

export function attach(el, s) {
  if (s === null) { el.srcObject = null; return; }
  if (el.srcObject !== s) el.srcObject = s;
  el.autoplay = true;
}

export function make(i, message, name) {
  return i === 0 ? new MediaStream() : i === 1 ? new TypeError(message) : new DOMException(message, name);
}
let UA;
export function userAgent() { return UA ??= globalThis.navigator?.userAgent; }

export function rollback() { return { type: 'rollback' }; }
export function offer(sdp) { return { type: 'offer', sdp }; }
export function eventCandidate(e) { return e.candidate ?? undefined; }
export function message(i, v) { return i === 0 ? { description: v.toJSON() } : { candidate: v ? v.toJSON() : null }; }
const NEGOTIATION = ['negotiated', 'negotiationerror'];
export function announce(target, i, fields) { try { target.dispatchEvent(Object.assign(new Event(NEGOTIATION[i]), fields)); } catch {} }
")]
extern "C" {
    // Indices and flags are `i32` (not `u32`/`bool`): wasm-bindgen then imports the functions
    // above directly, with no converting shim in the JS glue (size budget).
    #[wasm_bindgen(js_name = isA)]
    fn is_a(value: &JsValue, type_index: i32) -> bool;
    /// `target[key]`, or `undefined` where `Reflect.get` would throw. For reading the caller's
    /// dictionaries and arguments, never the browser's objects (those go through the typed reads).
    #[wasm_bindgen(js_name = get)]
    pub(crate) fn get(target: &JsValue, key: &str) -> JsValue;
    #[wasm_bindgen(js_name = key)]
    fn key_js(object: &JsValue, add: i32) -> u32;
    #[wasm_bindgen(js_name = readConnection)]
    fn read_connection_js(pc: &JsValue, sdp: i32, remote_seen: &JsValue, local_seen: &JsValue) -> Array;
    #[wasm_bindgen(js_name = trackEvent)]
    fn track_event_js(event: &JsValue) -> Array;
    #[wasm_bindgen(js_name = streamTracks)]
    fn stream_tracks_js(stream: &JsValue) -> Array;
    #[wasm_bindgen(js_name = copyInto)]
    fn copy_into(src: &Int32Array, dst: &mut [i32]);
    #[wasm_bindgen(js_name = trackKind)]
    fn track_kind_js(track: &JsValue) -> i32;
    #[wasm_bindgen(js_name = streamId)]
    fn stream_id_js(stream: &JsValue) -> String;
    #[wasm_bindgen(js_name = senderTrack)]
    fn sender_track_js(sender: &JsValue) -> Option<MediaStreamTrack>;
    #[wasm_bindgen(js_name = hasSetStreams)]
    pub(crate) fn has_set_streams(sender: &JsValue) -> bool;
    /// `init.streams` of an `RTCRtpTransceiverInit`, `[]` when absent or not an array.
    #[wasm_bindgen(js_name = initStreams)]
    pub(crate) fn init_streams(init: &JsValue) -> Array;
    /// `configuration.streamlessPolicy`, `undefined` when absent.
    #[wasm_bindgen(js_name = policyOption)]
    pub(crate) fn policy_option(configuration: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = streamCall)]
    fn stream_call_js(stream: &JsValue, method: i32, track: &JsValue);
    #[wasm_bindgen(js_name = fire)]
    fn fire_js(target: &JsValue, event: i32, payload: &JsValue, streamless: i32);
    #[wasm_bindgen(js_name = attach)]
    fn attach_js(element: &JsValue, stream: &JsValue);
    #[wasm_bindgen(js_name = make)]
    fn make_js(class: i32, message: &str, name: &str) -> JsValue;
    /// Read once per page: Chromium builds the string on every read (a new core's own time was
    /// 35 µs, 16 µs with this, in a CPU profile of 600 constructions).
    #[wasm_bindgen(js_name = userAgent)]
    fn user_agent_js() -> JsValue;
    /// `{ type: "rollback" }`.
    pub(crate) fn rollback() -> JsValue;
    /// `{ type: "offer", sdp }`.
    pub(crate) fn offer(sdp: &str) -> JsValue;
    #[wasm_bindgen(js_name = eventCandidate)]
    fn event_candidate_js(event: &JsValue) -> Option<JsValue>;
    #[cfg(feature = "js")]
    #[wasm_bindgen(js_name = message)]
    fn message_js(kind: i32, value: &JsValue) -> JsValue;
    #[cfg(feature = "js")]
    #[wasm_bindgen(js_name = announce)]
    fn announce_js(target: &JsValue, event: i32, fields: &JsValue);
}

/// An `icecandidate` event's `candidate` (`None`: the end of candidates).
pub(crate) fn event_candidate(event: &JsValue) -> Option<JsValue> {
    event_candidate_js(event)
}

/// The JS face's signalling message: `{ description: d.toJSON() }`, or `{ candidate: c?.toJSON() ?? null }`.
#[cfg(feature = "js")]
pub(crate) fn message(description: bool, value: &JsValue) -> JsValue {
    message_js(if description { 0 } else { 1 }, value)
}

/// The JS face's negotiation events, dispatched on the connection with `fields` as properties.
#[cfg(feature = "js")]
#[derive(Debug, Clone, Copy)]
pub(crate) enum NegotiationFire {
    /// `negotiated`: a negotiation is over (`offerer`, `collisions`, `rollbacks`, `ignoredOffers`, `durationMs`).
    Negotiated = 0,
    /// `negotiationerror`: a step the negotiator took on its own failed (`error`).
    Error = 1,
}

/// Dispatches a negotiation event; a throwing listener is reported by the browser and stops nothing.
#[cfg(feature = "js")]
pub(crate) fn announce(target: &JsValue, event: NegotiationFire, fields: &JsValue) {
    announce_js(target, event as i32, fields);
}

/// The browser types the glue checks for, in the order of `TYPES` in the JS above.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "js"), allow(dead_code))] // the JS face checks its arguments' types
pub(crate) enum Web {
    MediaStream = 0,
    Track = 1,
    Transceiver = 2,
    Sender = 3,
    PeerConnection = 4,
    MediaElement = 5,
}

/// `value instanceof <type>`.
pub(crate) fn is(value: &JsValue, t: Web) -> bool {
    is_a(value, t as i32)
}

/// `value` as `&T` if it is an instance of `t` (which must be `T`'s JS class).
pub(crate) fn cast_ref<T: JsCast>(value: &JsValue, t: Web) -> Option<&T> {
    is(value, t).then(|| value.unchecked_ref())
}

/// The object's key (see the module docs), given one if it has none. `0` for a non-object.
pub(crate) fn key(object: &JsValue) -> u32 {
    key_js(object, 1)
}

/// The object's key if it has been given one.
pub(crate) fn known_key(object: &JsValue) -> Option<u32> {
    Some(key_js(object, 0)).filter(|k| *k != 0)
}

fn unknown(what: &str) -> Error {
    Error::library(crate::ErrorKind::Operation, &crate::concat(&["the browser reported a value of ", what, " that the spec does not define"]))
}

fn enum_at<T: Copy>(all: &[T], index: i32, what: &str) -> Result<T, Error> {
    usize::try_from(index).ok().and_then(|i| all.get(i).copied()).ok_or_else(|| unknown(what))
}

/// One transceiver, as the books see it.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) transceiver: u32,
    pub(crate) sender: u32,
    /// The sender's track's key, `0` for none.
    pub(crate) sender_track: u32,
    pub(crate) receiver: ReceiverFacts,
    pub(crate) kind: TrackKind,
    pub(crate) direction: Direction,
}

impl Row {
    /// The plain facts the sender-reuse model judges (history left for the ledger to add).
    pub(crate) fn reuse_facts(&self) -> TransceiverFacts {
        let current = self.receiver.current_direction;
        // Only the spec's signals: Chromium's legacy `stopped` is true while merely stopping.
        let stopped = current == Some(Direction::Stopped);
        TransceiverFacts {
            kind: self.kind,
            sender_has_track: self.sender_track != 0,
            stopped,
            stopping: !stopped && self.direction == Direction::Stopped,
            direction: self.direction,
            current_direction: current,
            has_sent: false,
            sent_direction: None,
        }
    }
}

/// Everything the books read of a connection, in one crossing.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    transceivers: Array,
    senders: Array,
    tracks: Array,
    pub(crate) rows: Vec<Row>,
    pub(crate) signaling: SignalingState,
    /// The remote / local description's SDP (a JS string), where asked for and not the one seen.
    pub(crate) remote_sdp: Option<JsValue>,
    pub(crate) local_sdp: Option<JsValue>,
}

impl Connection {
    /// The transceiver of row `i`.
    pub(crate) fn transceiver(&self, i: usize) -> RtcRtpTransceiver {
        self.transceivers.get(i as u32).unchecked_into()
    }

    /// The sender of row `i`.
    pub(crate) fn sender(&self, i: usize) -> RtcRtpSender {
        self.senders.get(i as u32).unchecked_into()
    }

    /// The receiver's track of row `i`.
    pub(crate) fn receiver_track(&self, i: usize) -> MediaStreamTrack {
        self.tracks.get(i as u32).unchecked_into()
    }

    /// The row whose transceiver or sender is `object`.
    pub(crate) fn row_of(&self, object: &JsValue) -> Option<usize> {
        let k = known_key(object)?;
        self.rows.iter().position(|r| r.transceiver == k || r.sender == k)
    }
}

const COLS: usize = 8;

/// The numbers of an `Int32Array`, copied by JS into wasm memory (js-sys' `to_vec` asserts the
/// lengths match, and that assertion would keep the panic formatter in the wasm: size budget).
fn ints(array: &Int32Array) -> Vec<i32> {
    let mut v = vec![0; array.length() as usize];
    copy_into(array, &mut v);
    v
}

/// The lines of a string joined with `\n` by the JS above (cut by hand: `str::split` carries a
/// panic path, see `ints`).
fn lines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let end = rest.bytes().position(|b| b == b'\n');
        out.push(end.and_then(|e| rest.get(..e)).unwrap_or(rest));
        match end.and_then(|e| rest.get(e + 1..)) {
            Some(r) => rest = r,
            None => return out,
        }
    }
}

/// `pc.signalingState`, typed: a value the spec does not define is an error, never a made-up state.
pub(crate) fn signaling(pc: &JsValue) -> Result<SignalingState, Error> {
    SignalingState::try_from(pc.unchecked_ref::<web_sys::RtcPeerConnection>().signaling_state()).map_err(crate::peer_connection::unknown)
}

/// Reads every transceiver of `pc` (`getTransceivers()` order) and its signaling state.
pub(crate) fn read_connection(pc: &JsValue) -> Result<Connection, Error> {
    read_connection_sdp(pc, &(JsValue::UNDEFINED, JsValue::UNDEFINED), Sides::NONE)
}

/// Which descriptions' SDP a read takes ([`read_connection_sdp`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sides(i32);

impl Sides {
    pub(crate) const NONE: Sides = Sides(0);
    pub(crate) const REMOTE: Sides = Sides(1);
    pub(crate) const LOCAL: Sides = Sides(2);
    pub(crate) const BOTH: Sides = Sides(3);

    pub(crate) fn with(self, other: Sides) -> Sides {
        Sides(self.0 | other.0)
    }

    /// What a description call may change, from the signaling state it starts in (`None`:
    /// unreadable): its own side's description (`local`: `setLocalDescription`), and the other
    /// side's too where that side's offer or pranswer is pending (a rollback, explicit or an
    /// offer's implicit one, then takes it away).
    pub(crate) fn of_call(local: bool, before: Option<SignalingState>) -> Sides {
        use SignalingState::*;
        match (local, before) {
            (_, None) => Sides::BOTH,
            (true, Some(HaveRemoteOffer | HaveRemotePranswer)) | (false, Some(HaveLocalOffer | HaveLocalPranswer)) => Sides::BOTH,
            (true, Some(_)) => Sides::LOCAL,
            (false, Some(_)) => Sides::REMOTE,
        }
    }

    /// What may have changed when the signaling state became `now`, whoever made the call (the
    /// faces, or the app on the raw object): a local offer or pranswer pending, the local side; a
    /// remote one, the remote side; `stable` (an answer or a rollback), `closed` or unreadable, both.
    pub(crate) fn of_change(now: Option<SignalingState>) -> Sides {
        use SignalingState::*;
        match now {
            Some(HaveLocalOffer | HaveLocalPranswer) => Sides::LOCAL,
            Some(HaveRemoteOffer | HaveRemotePranswer) => Sides::REMOTE,
            Some(Stable | Closed) | None => Sides::BOTH,
        }
    }
}

/// [`read_connection`], and the SDP of the descriptions in `sides` where they are not the
/// strings `seen` (`[remote, local]`, as last parsed): a description is copied into wasm once,
/// not on every read, and one that the caller knows is unchanged is not read at all (Firefox
/// makes a new description object on each read of `remoteDescription` / `localDescription`).
pub(crate) fn read_connection_sdp(pc: &JsValue, (r, l): &(JsValue, JsValue), sides: Sides) -> Result<Connection, Error> {
    let parts = read_connection_js(pc, sides.0, r, l);
    let nums = ints(parts.get(3).unchecked_ref());
    let mids = parts.get(4).as_string().unwrap_or_default();
    let mut mids = lines(&mids).into_iter();
    let mut rows = Vec::with_capacity(nums.len() / COLS);
    for r in nums.chunks_exact(COLS) {
        let &[transceiver, sender, sender_track, receiver, kind, direction, current, ended] = r else { continue };
        let mid = mids.next().filter(|m| !m.is_empty()).map(str::to_owned);
        let current_direction =
            if current == -2 { None } else { Some(enum_at(Direction::ALL, current, "RTCRtpTransceiver.currentDirection")?) };
        let direction = enum_at(Direction::ALL, direction, "RTCRtpTransceiver.direction")?;
        rows.push(Row {
            transceiver: transceiver as u32,
            sender: sender as u32,
            sender_track: sender_track as u32,
            receiver: ReceiverFacts { track: TrackKey(receiver as u32), mid, current_direction, direction, ended: ended != 0 },
            kind: enum_at(TrackKind::ALL, kind, "MediaStreamTrack.kind")?,
            direction,
        });
    }
    let signaling = enum_at(SignalingState::ALL, parts.get(5).as_f64().map_or(-1, |n| n as i32), "RTCPeerConnection.signalingState")?;
    Ok(Connection {
        transceivers: parts.get(0).unchecked_into(),
        senders: parts.get(1).unchecked_into(),
        tracks: parts.get(2).unchecked_into(),
        rows,
        signaling,
        remote_sdp: Some(parts.get(6)).filter(JsValue::is_string),
        local_sdp: Some(parts.get(7)).filter(JsValue::is_string),
    })
}

/// A `track` event: the track, and the event's streams with their ids.
pub(crate) fn track_event(event: &JsValue) -> (MediaStreamTrack, Vec<(StreamId, MediaStream)>) {
    let parts = track_event_js(event);
    let streams = parts.get(1).unchecked_into::<Array>();
    let ids = parts.get(2).as_string().unwrap_or_default();
    let list = if streams.length() == 0 {
        Vec::new()
    } else {
        lines(&ids).into_iter().zip(streams.iter()).map(|(id, s)| (StreamId::from(id), s.unchecked_into())).collect()
    };
    (parts.get(0).unchecked_into(), list)
}

/// `stream.getTracks()`, and their keys.
pub(crate) fn stream_tracks(stream: &MediaStream) -> (Vec<MediaStreamTrack>, Vec<TrackKey>) {
    let parts = stream_tracks_js(stream);
    let tracks = parts.get(0).unchecked_into::<Array>().iter().map(JsCast::unchecked_into).collect();
    let keys = ints(parts.get(1).unchecked_ref()).into_iter().map(|k| TrackKey(k as u32)).collect();
    (tracks, keys)
}

/// `track.kind`.
pub(crate) fn track_kind(track: &MediaStreamTrack) -> Result<TrackKind, Error> {
    enum_at(TrackKind::ALL, track_kind_js(track), "MediaStreamTrack.kind")
}

/// `stream.id`.
pub(crate) fn stream_id(stream: &MediaStream) -> StreamId {
    StreamId(stream_id_js(stream))
}

/// `sender.track`.
pub(crate) fn sender_track(sender: &RtcRtpSender) -> Option<MediaStreamTrack> {
    sender_track_js(sender)
}

/// `stream.addTrack(track)` / `stream.removeTrack(track)`.
pub(crate) fn stream_add(stream: &MediaStream, track: &MediaStreamTrack, add: bool) {
    stream_call_js(stream, if add { 0 } else { 1 }, track);
}

/// The events the core dispatches, in the order of `EVENTS` in the JS above.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fire {
    /// `streamadded` on the connection, with `stream` and `streamless`.
    StreamAdded = 0,
    /// `streamremoved` on the connection, with `stream` and `streamless`.
    StreamRemoved = 1,
    /// A `MediaStreamTrackEvent` `addtrack` on a stream, with `track`.
    AddTrack = 2,
    /// A `MediaStreamTrackEvent` `removetrack` on a stream, with `track`.
    RemoveTrack = 3,
}

/// Dispatches the event; a throwing listener is reported by the browser and stops nothing.
pub(crate) fn fire(target: &JsValue, event: Fire, payload: &JsValue, streamless: bool) {
    fire_js(target, event as i32, payload, streamless as i32);
}

/// The event's `stream` and `streamless`, for the Rust face's listeners.
pub(crate) fn stream_event(event: &JsValue) -> Option<(MediaStream, bool)> {
    let stream = get(event, "stream");
    is(&stream, Web::MediaStream).then(|| (stream.unchecked_into(), get(event, "streamless").is_truthy()))
}

/// `{ type, sdp }` of an `RTCSessionDescription` or a description dictionary.
pub(crate) fn description(value: &JsValue) -> Option<(String, String)> {
    Some((get(value, "type").as_string()?, get(value, "sdp").as_string().unwrap_or_default()))
}

/// `candidate.usernameFragment` (missing from web-sys' Gecko IDL).
pub(crate) fn username_fragment(candidate: &JsValue) -> Option<String> {
    get(candidate, "usernameFragment").as_string()
}

/// `channel.ordered`, `channel.protocol` and `channel.negotiated` (missing from web-sys' Gecko
/// IDL), `None` where the browser has no such attribute.
pub(crate) fn data_channel_options(channel: &JsValue) -> (Option<bool>, Option<String>, Option<bool>) {
    (get(channel, "ordered").as_bool(), get(channel, "protocol").as_string(), get(channel, "negotiated").as_bool())
}

/// `event.error` of an `RTCErrorEvent` (`undefined` for another event).
pub(crate) fn error_of_event(event: &JsValue) -> JsValue {
    get(event, "error")
}

/// `element.srcObject = stream` (kept if it is already the one) with `autoplay`; `None` detaches.
pub(crate) fn attach(element: &JsValue, stream: Option<&MediaStream>) {
    attach_js(element, stream.map_or(&JsValue::NULL, |s| s.as_ref()));
}

/// `new MediaStream()`.
pub(crate) fn new_stream() -> MediaStream {
    make_js(0, "", "").unchecked_into()
}

/// `new TypeError(message)`.
pub(crate) fn type_error(message: &str) -> JsValue {
    make_js(1, message, "")
}

/// `new DOMException(message, name)`.
pub(crate) fn dom_exception(message: &str, name: &str) -> JsValue {
    make_js(2, message, name)
}

/// `navigator.userAgent` (`None` outside a browser).
pub(crate) fn user_agent() -> Option<String> {
    user_agent_js().as_string()
}

#[cfg(test)]
mod tests {
    use super::Sides;
    use crate::types::SignalingState::{self, *};

    /// Each face call, in each state it can start in: what its settlement reads.
    #[test]
    fn a_description_call_reads_its_side_and_what_a_rollback_takes_away() {
        let cases: [(bool, Option<SignalingState>, Sides); 8] = [
            (true, Some(Stable), Sides::LOCAL),                  // an offer
            (true, Some(HaveLocalOffer), Sides::LOCAL),          // an offer again, or a rollback of it
            (true, Some(HaveRemoteOffer), Sides::BOTH),          // an answer, or a rollback of the remote offer
            (true, Some(HaveRemotePranswer), Sides::BOTH),
            (false, Some(Stable), Sides::REMOTE),                // an offer
            (false, Some(HaveRemoteOffer), Sides::REMOTE),       // an offer again
            (false, Some(HaveLocalOffer), Sides::BOTH),          // an answer, or an offer rolling the local one back
            (false, None, Sides::BOTH),                          // unreadable: read everything
        ];
        for (local, before, want) in cases {
            assert_eq!(Sides::of_call(local, before), want, "local {local}, from {before:?}");
        }
    }

    /// A signaling change, whoever made it: a pending description is on one side; `stable`
    /// (an answer, a rollback, an implicit rollback's way through) can be either.
    #[test]
    fn a_signaling_change_reads_the_side_it_shows() {
        assert_eq!(Sides::of_change(Some(HaveLocalOffer)), Sides::LOCAL);
        assert_eq!(Sides::of_change(Some(HaveLocalPranswer)), Sides::LOCAL);
        assert_eq!(Sides::of_change(Some(HaveRemoteOffer)), Sides::REMOTE);
        assert_eq!(Sides::of_change(Some(HaveRemotePranswer)), Sides::REMOTE);
        assert_eq!(Sides::of_change(Some(Stable)), Sides::BOTH);
        assert_eq!(Sides::of_change(Some(Closed)), Sides::BOTH);
        assert_eq!(Sides::of_change(None), Sides::BOTH);
    }
}
