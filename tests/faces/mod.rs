//! Both faces of the library behind one trait, so that one scenario runs against each.
//!
//! - [`RustFace`] wraps `rtc_peer::PeerConnection`.
//! - [`JsFace`] wraps an instance of the npm `PeerConnection` class (`common::peer_connection_class()`),
//!   calling its JS members through `js_sys::Reflect` and converting the results into the same
//!   Rust types.
//!
//! A scenario is `async fn name<F: Face>()`; [`both_faces!`] turns a list of them into one
//! `#[wasm_bindgen_test]` per (scenario, face): `name::rust` and `name::js`. The list is made of
//! paths to the scenario functions, so a misspelt name does not compile.
//!
//! Everything a face returns is plain data or the browser's own objects (senders, transceivers,
//! streams), so an `assert_eq!` in the scenario body reads the same for both faces. Errors are a
//! [`Failure`] with the exception's kind and name.

#![allow(dead_code)]

use crate::common::peer_connection_class;
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Function, Object, Reflect};
use rtc_peer::{Configuration, Direction, ErrorKind, EventListener, PeerConnection, SdpType, SessionDescription, StreamlessPolicy, TrackKind, TransceiverFor, TransceiverInit};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamTrack, RtcPeerConnection, RtcRtpSender, RtcRtpTransceiver};

#[wasm_bindgen(module = "/tests/js/media.js")]
extern "C" {
    /// A live audio track (an oscillator; no permission needed).
    #[wasm_bindgen(js_name = audioTrack)]
    pub fn audio_track() -> MediaStreamTrack;
    /// A live video track (a painted canvas; no permission needed).
    #[wasm_bindgen(js_name = videoTrack)]
    fn video_track_sized(width: u32, height: u32) -> MediaStreamTrack;
}

/// A live video track.
pub fn video_track() -> MediaStreamTrack {
    video_track_sized(160, 120)
}

/// A live track of `kind`.
pub fn track(kind: TrackKind) -> MediaStreamTrack {
    match kind {
        TrackKind::Audio => audio_track(),
        TrackKind::Video => video_track(),
    }
}

/// `new MediaStream()`.
pub fn stream() -> MediaStream {
    MediaStream::new().expect("new MediaStream()")
}

// ----- errors -------------------------------------------------------------------------------------

/// A failed call, the same shape for both faces.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The kind, from the exception name.
    pub kind: ErrorKind,
    /// The exception name (`"InvalidAccessError"`).
    pub name: String,
    /// The message, for failure reports only (browsers word them differently).
    pub message: String,
    /// Whether the thrown value is a `DOMException`.
    pub dom_exception: bool,
}

impl Failure {
    /// From a value thrown in JS.
    pub fn from_js(e: JsValue) -> Failure {
        let name = get(&e, "name").as_string().unwrap_or_else(|| "Error".into());
        let message = get(&e, "message").as_string().unwrap_or_else(|| format!("{e:?}"));
        Failure { kind: ErrorKind::from_name(&name), name, message, dom_exception: e.is_instance_of::<web_sys::DomException>() }
    }

    /// From the Rust face's error.
    pub fn from_rust(e: rtc_peer::Error) -> Failure {
        Failure {
            kind: e.kind(),
            name: e.name().to_owned(),
            message: e.message().to_owned(),
            // A crate-made error is thrown to JS as a DOMException of its kind (TypeError aside).
            dom_exception: e.as_js().map_or(e.kind() != ErrorKind::Type, |v| v.is_instance_of::<web_sys::DomException>()),
        }
    }

    /// (kind, name): what the parity tests compare.
    pub fn id(&self) -> (ErrorKind, &str) {
        (self.kind, self.name.as_str())
    }
}

/// Result of a face call.
pub type R<T> = Result<T, Failure>;

// ----- what the faces return ------------------------------------------------------------------

/// `addTrackDetailed` / `add_track_detailed`.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub sender: RtcRtpSender,
    pub transceiver: RtcRtpTransceiver,
    pub reused: bool,
    pub direction_before: Option<Direction>,
    pub direction_after: Option<Direction>,
}

/// One candidate of a [`Prediction`].
#[derive(Debug, Clone)]
pub struct Verdict {
    pub transceiver: RtcRtpTransceiver,
    pub reusable: bool,
    /// `Reason::code()` / JS `code`.
    pub code: Option<String>,
    /// `Reason::describe()` / JS `reason`.
    pub reason: Option<String>,
}

/// `predictAddTrack` / `predict_add_track`.
#[derive(Debug, Clone)]
pub struct Prediction {
    pub reuse: Option<RtcRtpTransceiver>,
    pub throws: Option<ErrorKind>,
    pub candidates: Vec<Verdict>,
}

impl Prediction {
    /// The verdict for `t`.
    pub fn verdict(&self, t: &RtcRtpTransceiver) -> Option<&Verdict> {
        self.candidates.iter().find(|c| &c.transceiver == t)
    }
}

/// `localStreams()` / `local_streams()` entry.
#[derive(Debug, Clone)]
pub struct Local {
    pub id: String,
    pub tracks: Vec<MediaStreamTrack>,
    pub senders: Vec<RtcRtpSender>,
}

/// A sender or a transceiver, for `has_sent`.
#[derive(Debug, Clone, Copy)]
pub enum Of<'a> {
    Sender(&'a RtcRtpSender),
    Transceiver(&'a RtcRtpTransceiver),
}

/// `streamadded` or `streamremoved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Removed,
}

/// One stream event, as the face's listener saw it when it was dispatched.
#[derive(Debug, Clone)]
pub struct StreamEvent {
    pub kind: Kind,
    pub stream: MediaStream,
    pub streamless: bool,
    /// `stream.getTracks()` at announcement time.
    pub tracks: Vec<MediaStreamTrack>,
    /// [`tick`] at announcement time.
    pub tick: u64,
    /// `event.target` is the connection (always true for the Rust face, which has no event object).
    pub target_ok: bool,
}

/// The stream events a face heard, in order.
#[derive(Debug, Clone, Default)]
pub struct Events(Rc<RefCell<Vec<StreamEvent>>>);

impl Events {
    pub fn all(&self) -> Vec<StreamEvent> {
        self.0.borrow().clone()
    }
    pub fn of(&self, kind: Kind) -> Vec<StreamEvent> {
        self.0.borrow().iter().filter(|e| e.kind == kind).cloned().collect()
    }
    pub fn added(&self) -> Vec<StreamEvent> {
        self.of(Kind::Added)
    }
    pub fn removed(&self) -> Vec<StreamEvent> {
        self.of(Kind::Removed)
    }
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }
    /// `(kind, streamless)` per event.
    pub fn summary(&self) -> Vec<(Kind, bool)> {
        self.0.borrow().iter().map(|e| (e.kind, e.streamless)).collect()
    }
    fn push(&self, kind: Kind, stream: MediaStream, streamless: bool, target_ok: bool) {
        let tracks = stream.get_tracks().iter().map(JsCast::unchecked_into).collect();
        self.0.borrow_mut().push(StreamEvent { kind, stream, streamless, tracks, tick: tick(), target_ok });
    }
}

thread_local!(static TICK: Cell<u64> = const { Cell::new(0) });

/// A counter that only goes up: events and awaited calls record it, so a scenario can tell which
/// happened first.
pub fn tick() -> u64 {
    TICK.with(|t| {
        t.set(t.get() + 1);
        t.get()
    })
}

// ----- the traits -----------------------------------------------------------------------------

/// The signalling members, which a plain native connection has too.
#[allow(async_fn_in_trait)]
pub trait Signal {
    /// The native `RTCPeerConnection` (for a [`JsFace`], the subclass instance itself).
    fn raw(&self) -> RtcPeerConnection;
    async fn create_offer(&self) -> R<SessionDescription>;
    async fn create_answer(&self) -> R<SessionDescription>;
    /// `None`: the implicit form `setLocalDescription()`.
    async fn set_local(&self, description: Option<&SessionDescription>) -> R<()>;
    async fn set_remote(&self, description: &SessionDescription) -> R<()>;
}

/// A connection with the library's books: one of the two faces.
pub trait Face: Signal + Sized + 'static {
    /// `"rust"` or `"js"`, for messages.
    const NAME: &'static str;
    /// A connection with this streamless policy (`None`: the default, not passed at all).
    fn new(policy: Option<StreamlessPolicy>) -> Self;
    fn add_track(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> R<RtcRtpSender>;
    /// `direction: None` and no streams: the one-argument form `addTransceiver(trackOrKind)` in JS.
    fn add_transceiver(&self, what: TransceiverFor<'_>, direction: Option<Direction>, streams: &[&MediaStream]) -> R<RtcRtpTransceiver>;
    fn remove_track(&self, sender: &RtcRtpSender) -> R<()>;
    fn add_track_detailed(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> R<Outcome>;
    fn predict_add_track(&self, track: &MediaStreamTrack) -> Prediction;
    fn has_sent(&self, of: Of<'_>) -> R<bool>;
    fn stream_ids_of(&self, sender: &RtcRtpSender) -> Vec<String>;
    fn set_sender_streams(&self, sender: &RtcRtpSender, streams: &[&MediaStream]) -> R<()>;
    fn local_streams(&self) -> Vec<Local>;
    /// `(stream, streamless)`, in order of first arrival.
    fn remote_streams(&self) -> Vec<(MediaStream, bool)>;
    fn streamless_policy(&self) -> StreamlessPolicy;
    fn set_streamless_policy(&self, policy: StreamlessPolicy);
    /// Starts recording `streamadded` / `streamremoved` through the face's own listener API; the
    /// listeners live as long as the face.
    fn record_stream_events(&self) -> Events;
    fn close(&self);
    /// `restartIce()` through the face (what the negotiator must see to offer the restart).
    fn restart_ice(&self) -> R<()>;
    /// The JS object, for the few JS-only checks (e.g. an invalid `streamlessPolicy` string).
    fn js(&self) -> Option<&JsValue> {
        None
    }

    // Conveniences over the raw object.
    fn transceivers(&self) -> Vec<RtcRtpTransceiver> {
        self.raw().get_transceivers().iter().map(JsCast::unchecked_into).collect()
    }
    fn senders(&self) -> Vec<RtcRtpSender> {
        self.raw().get_senders().iter().map(JsCast::unchecked_into).collect()
    }
}

// ----- JS helpers -----------------------------------------------------------------------------

/// `target[key]`, `undefined` if absent (never throws on null).
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if target.is_null() || target.is_undefined() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn get_str(target: &JsValue, key: &str) -> Option<String> {
    get(target, key).as_string()
}

/// `target[key] = value`.
pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(target, &key.into(), value).expect("Reflect.set");
}

/// `this[name](...args)`, the exception as a [`Failure`].
pub fn call(this: &JsValue, name: &str, args: &[&JsValue]) -> R<JsValue> {
    let f: Function = get(this, name).dyn_into().map_err(|_| Failure::from_js(js_sys::TypeError::new(&format!("no member {name}")).into()))?;
    let list: Array = args.iter().map(|a| (*a).clone()).collect();
    Reflect::apply(&f, this, &list).map_err(Failure::from_js)
}

/// `await this[name](...args)`.
pub async fn call_async(this: &JsValue, name: &str, args: &[&JsValue]) -> R<JsValue> {
    let p = call(this, name, args)?;
    JsFuture::from(js_sys::Promise::resolve(&p)).await.map_err(Failure::from_js)
}

/// `RTCPeerConnection.prototype[name].call(this, ...args)`, bypassing any subclass override.
pub fn call_native(this: &JsValue, name: &str, args: &[&JsValue]) -> R<JsValue> {
    let proto = get(&crate::common::native_class(), "prototype");
    let f: Function = get(&proto, name).dyn_into().expect("a native member");
    let list: Array = args.iter().map(|a| (*a).clone()).collect();
    Reflect::apply(&f, this, &list).map_err(Failure::from_js)
}

async fn call_native_async(this: &JsValue, name: &str, args: &[&JsValue]) -> R<JsValue> {
    let p = call_native(this, name, args)?;
    JsFuture::from(js_sys::Promise::resolve(&p)).await.map_err(Failure::from_js)
}

pub fn description_to_js(d: &SessionDescription) -> JsValue {
    let o = Object::new();
    set(&o, "type", &d.sdp_type.as_str().into());
    set(&o, "sdp", &d.sdp.as_str().into());
    o.into()
}

pub fn description_from_js(v: &JsValue) -> SessionDescription {
    let sdp_type: SdpType = get_str(v, "type").and_then(|t| t.parse().ok()).expect("a description type");
    SessionDescription::new(sdp_type, get_str(v, "sdp").unwrap_or_default())
}

fn direction(v: &JsValue) -> Option<Direction> {
    v.as_string().and_then(|d| d.parse().ok())
}

/// A transceiver's `direction` / `currentDirection`, typed.
pub fn direction_of(t: &RtcRtpTransceiver, attribute: &str) -> Option<Direction> {
    direction(&get(t, attribute))
}

fn items<T: JsCast>(v: &JsValue) -> Vec<T> {
    Array::from(v).iter().map(JsCast::unchecked_into).collect()
}

fn stream_list(streams: &[&MediaStream]) -> Vec<JsValue> {
    streams.iter().map(|s| JsValue::from(*s)).collect()
}

// ----- the Rust face --------------------------------------------------------------------------

/// `rtc_peer::PeerConnection`.
#[derive(Debug)]
pub struct RustFace {
    pub pc: PeerConnection,
    listeners: RefCell<Vec<EventListener>>,
}

impl Signal for RustFace {
    fn raw(&self) -> RtcPeerConnection {
        self.pc.as_raw().clone()
    }
    async fn create_offer(&self) -> R<SessionDescription> {
        self.pc.create_offer().await.map_err(Failure::from_rust)
    }
    async fn create_answer(&self) -> R<SessionDescription> {
        self.pc.create_answer().await.map_err(Failure::from_rust)
    }
    async fn set_local(&self, description: Option<&SessionDescription>) -> R<()> {
        self.pc.set_local_description(description).await.map_err(Failure::from_rust)
    }
    async fn set_remote(&self, description: &SessionDescription) -> R<()> {
        self.pc.set_remote_description(description).await.map_err(Failure::from_rust)
    }
}

impl Face for RustFace {
    const NAME: &'static str = "rust";

    fn new(policy: Option<StreamlessPolicy>) -> Self {
        let pc = PeerConnection::new(&Configuration { streamless_policy: policy, ..Default::default() }).expect("PeerConnection::new");
        RustFace { pc, listeners: RefCell::new(Vec::new()) }
    }

    fn add_track(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> R<RtcRtpSender> {
        self.pc.add_track(track, streams).map_err(Failure::from_rust)
    }

    fn add_transceiver(&self, what: TransceiverFor<'_>, direction: Option<Direction>, streams: &[&MediaStream]) -> R<RtcRtpTransceiver> {
        #[allow(clippy::needless_update)] // the new TransceiverInit has more fields
        let init = TransceiverInit { direction, ..Default::default() };
        self.pc.add_transceiver(what, init, streams).map_err(Failure::from_rust)
    }

    fn remove_track(&self, sender: &RtcRtpSender) -> R<()> {
        self.pc.remove_track(sender).map_err(Failure::from_rust)
    }

    fn add_track_detailed(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> R<Outcome> {
        let o = self.pc.add_track_detailed(track, streams).map_err(Failure::from_rust)?;
        Ok(Outcome {
            sender: o.sender,
            transceiver: o.transceiver,
            reused: o.reused,
            direction_before: o.direction_before,
            direction_after: Some(o.direction_after),
        })
    }

    fn predict_add_track(&self, track: &MediaStreamTrack) -> Prediction {
        let p = self.pc.predict_add_track(track).unwrap_or_else(|e| panic!("predict_add_track failed: {e}"));
        Prediction {
            reuse: p.reuse,
            throws: p.throws,
            candidates: p
                .candidates
                .into_iter()
                .map(|v| Verdict {
                    transceiver: v.transceiver,
                    reusable: v.reusable,
                    code: v.reason.as_ref().map(|r| r.code().to_owned()),
                    reason: v.reason.as_ref().map(|r| r.describe()),
                })
                .collect(),
        }
    }

    fn has_sent(&self, of: Of<'_>) -> R<bool> {
        match of {
            Of::Transceiver(t) => self.pc.has_sent(t).map_err(Failure::from_rust),
            Of::Sender(s) => self.pc.has_sent(s).map_err(Failure::from_rust),
        }
    }

    fn stream_ids_of(&self, sender: &RtcRtpSender) -> Vec<String> {
        self.pc.stream_ids_of(sender).into_iter().map(|id| id.0).collect()
    }

    fn set_sender_streams(&self, sender: &RtcRtpSender, streams: &[&MediaStream]) -> R<()> {
        self.pc.set_sender_streams(sender, streams).map_err(Failure::from_rust)
    }

    fn local_streams(&self) -> Vec<Local> {
        self.pc.local_streams().unwrap_or_else(|e| panic!("local_streams failed: {e}")).into_iter().map(|l| Local { id: l.id.0, tracks: l.tracks, senders: l.senders }).collect()
    }

    fn remote_streams(&self) -> Vec<(MediaStream, bool)> {
        self.pc.remote_streams().into_iter().map(|r| (r.stream, r.streamless)).collect()
    }

    fn streamless_policy(&self) -> StreamlessPolicy {
        self.pc.streamless_policy()
    }

    fn set_streamless_policy(&self, policy: StreamlessPolicy) {
        self.pc.set_streamless_policy(policy)
    }

    fn record_stream_events(&self) -> Events {
        let events = Events::default();
        let (a, r) = (events.clone(), events.clone());
        let added = self.pc.on_stream_added(move |s| a.push(Kind::Added, s.stream, s.streamless, true));
        let removed = self.pc.on_stream_removed(move |s| r.push(Kind::Removed, s.stream, s.streamless, true));
        self.listeners.borrow_mut().extend([added, removed]);
        events
    }

    fn close(&self) {
        self.pc.close()
    }
    fn restart_ice(&self) -> R<()> {
        self.pc.restart_ice().map_err(Failure::from_rust)
    }
}

// ----- the JS face ----------------------------------------------------------------------------

/// An instance of the npm `PeerConnection` class, driven through its JS members.
#[derive(Debug)]
pub struct JsFace {
    pub obj: JsValue,
    listeners: RefCell<Vec<EventListener>>,
}

impl JsFace {
    fn call(&self, name: &str, args: &[&JsValue]) -> R<JsValue> {
        call(&self.obj, name, args)
    }
    fn call_list(&self, name: &str, first: &JsValue, rest: &[JsValue]) -> R<JsValue> {
        let mut args: Vec<&JsValue> = vec![first];
        args.extend(rest.iter());
        self.call(name, &args)
    }
}

impl Signal for JsFace {
    fn raw(&self) -> RtcPeerConnection {
        self.obj.clone().dyn_into().expect("a PeerConnection is an RTCPeerConnection")
    }
    async fn create_offer(&self) -> R<SessionDescription> {
        call_async(&self.obj, "createOffer", &[]).await.map(|d| description_from_js(&d))
    }
    async fn create_answer(&self) -> R<SessionDescription> {
        call_async(&self.obj, "createAnswer", &[]).await.map(|d| description_from_js(&d))
    }
    async fn set_local(&self, description: Option<&SessionDescription>) -> R<()> {
        match description {
            Some(d) => call_async(&self.obj, "setLocalDescription", &[&description_to_js(d)]).await.map(drop),
            None => call_async(&self.obj, "setLocalDescription", &[]).await.map(drop),
        }
    }
    async fn set_remote(&self, description: &SessionDescription) -> R<()> {
        call_async(&self.obj, "setRemoteDescription", &[&description_to_js(description)]).await.map(drop)
    }
}

impl Face for JsFace {
    const NAME: &'static str = "js";

    fn new(policy: Option<StreamlessPolicy>) -> Self {
        let class: Function = peer_connection_class().dyn_into().expect("the PeerConnection class");
        let args = Array::new();
        if let Some(p) = policy {
            let config = Object::new();
            set(&config, "streamlessPolicy", &p.as_str().into());
            args.push(&config);
        }
        let obj = Reflect::construct(&class, &args).expect("new PeerConnection()");
        JsFace { obj, listeners: RefCell::new(Vec::new()) }
    }

    fn add_track(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> R<RtcRtpSender> {
        self.call_list("addTrack", track, &stream_list(streams)).map(JsCast::unchecked_into)
    }

    fn add_transceiver(&self, what: TransceiverFor<'_>, direction: Option<Direction>, streams: &[&MediaStream]) -> R<RtcRtpTransceiver> {
        let target: JsValue = match what {
            TransceiverFor::Track(t) => t.into(),
            TransceiverFor::Kind(k) => k.as_str().into(),
        };
        if direction.is_none() && streams.is_empty() {
            return self.call("addTransceiver", &[&target]).map(JsCast::unchecked_into);
        }
        let init = Object::new();
        if let Some(d) = direction {
            set(&init, "direction", &d.as_str().into());
        }
        if !streams.is_empty() {
            set(&init, "streams", &stream_list(streams).into_iter().collect::<Array>());
        }
        self.call("addTransceiver", &[&target, &init]).map(JsCast::unchecked_into)
    }

    fn remove_track(&self, sender: &RtcRtpSender) -> R<()> {
        self.call("removeTrack", &[sender]).map(drop)
    }

    fn add_track_detailed(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> R<Outcome> {
        let o = self.call_list("addTrackDetailed", track, &stream_list(streams))?;
        Ok(Outcome {
            sender: get(&o, "sender").unchecked_into(),
            transceiver: get(&o, "transceiver").unchecked_into(),
            reused: get(&o, "reused").as_bool().expect("reused is a boolean"),
            direction_before: direction(&get(&o, "directionBefore")),
            direction_after: direction(&get(&o, "directionAfter")),
        })
    }

    fn predict_add_track(&self, track: &MediaStreamTrack) -> Prediction {
        let p = self.call("predictAddTrack", &[track]).expect("predictAddTrack does not throw on a track");
        let reuse = get(&p, "reuse");
        let throws = get(&p, "throws");
        Prediction {
            reuse: (!reuse.is_null()).then(|| reuse.unchecked_into()),
            throws: throws.as_string().map(|n| ErrorKind::from_name(&n)),
            candidates: Array::from(&get(&p, "candidates"))
                .iter()
                .map(|c| Verdict {
                    transceiver: get(&c, "transceiver").unchecked_into(),
                    reusable: get(&c, "reusable").as_bool().expect("reusable is a boolean"),
                    code: get_str(&c, "code"),
                    reason: get_str(&c, "reason"),
                })
                .collect(),
        }
    }

    fn has_sent(&self, of: Of<'_>) -> R<bool> {
        let target: &JsValue = match of {
            Of::Sender(s) => s,
            Of::Transceiver(t) => t,
        };
        self.call("hasSent", &[target]).map(|v| v.as_bool().expect("hasSent returns a boolean"))
    }

    fn stream_ids_of(&self, sender: &RtcRtpSender) -> Vec<String> {
        let ids = self.call("streamIdsOf", &[sender]).expect("streamIdsOf a sender");
        Array::from(&ids).iter().map(|i| i.as_string().expect("a stream id string")).collect()
    }

    fn set_sender_streams(&self, sender: &RtcRtpSender, streams: &[&MediaStream]) -> R<()> {
        self.call_list("setSenderStreams", sender, &stream_list(streams)).map(drop)
    }

    fn local_streams(&self) -> Vec<Local> {
        let list = self.call("localStreams", &[]).expect("localStreams()");
        Array::from(&list)
            .iter()
            .map(|l| Local { id: get_str(&l, "id").expect("an id"), tracks: items(&get(&l, "tracks")), senders: items(&get(&l, "senders")) })
            .collect()
    }

    fn remote_streams(&self) -> Vec<(MediaStream, bool)> {
        let list = self.call("remoteStreams", &[]).expect("remoteStreams()");
        Array::from(&list)
            .iter()
            .map(|s| {
                let streamless = self.call("isStreamless", &[&s]).expect("isStreamless").as_bool().expect("a boolean");
                (s.unchecked_into(), streamless)
            })
            .collect()
    }

    fn streamless_policy(&self) -> StreamlessPolicy {
        get_str(&self.obj, "streamlessPolicy").and_then(|p| p.parse().ok()).expect("a streamlessPolicy string")
    }

    fn set_streamless_policy(&self, policy: StreamlessPolicy) {
        set(&self.obj, "streamlessPolicy", &policy.as_str().into());
    }

    fn record_stream_events(&self) -> Events {
        let events = Events::default();
        let target: &web_sys::EventTarget = self.obj.unchecked_ref();
        let mut handles = Vec::new();
        for (name, kind) in [("streamadded", Kind::Added), ("streamremoved", Kind::Removed)] {
            let (events, me) = (events.clone(), self.obj.clone());
            handles.push(EventListener::new(target, name, move |e| {
                let stream: MediaStream = get(e, "stream").dyn_into().expect("event.stream is a MediaStream");
                let streamless = get(e, "streamless").as_bool().expect("event.streamless is a boolean");
                events.push(kind, stream, streamless, get(e, "target") == me);
            }));
        }
        self.listeners.borrow_mut().extend(handles);
        events
    }

    fn close(&self) {
        self.call("close", &[]).expect("close()");
    }
    fn restart_ice(&self) -> R<()> {
        self.call("restartIce", &[]).map(drop)
    }

    fn js(&self) -> Option<&JsValue> {
        Some(&self.obj)
    }
}

impl Drop for JsFace {
    fn drop(&mut self) {
        let _ = call(&self.obj, "close", &[]);
    }
}

// ----- a plain native connection (a far side, or a face's object bypassed) ----------------------

/// A native `RTCPeerConnection` driven through `RTCPeerConnection.prototype` (so, for a face's
/// object, bypassing every override).
#[derive(Debug, Clone)]
pub struct Native(pub RtcPeerConnection);

impl Native {
    pub fn new() -> Native {
        Native(RtcPeerConnection::new().expect("new RTCPeerConnection()"))
    }
    pub fn add_track(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> RtcRtpSender {
        let mut args: Vec<&JsValue> = vec![track];
        let list = stream_list(streams);
        args.extend(list.iter());
        call_native(&self.0, "addTrack", &args).expect("native addTrack").unchecked_into()
    }
    pub fn remove_track(&self, sender: &RtcRtpSender) {
        call_native(&self.0, "removeTrack", &[sender]).expect("native removeTrack");
    }
}

impl Signal for Native {
    fn raw(&self) -> RtcPeerConnection {
        self.0.clone()
    }
    async fn create_offer(&self) -> R<SessionDescription> {
        call_native_async(&self.0, "createOffer", &[]).await.map(|d| description_from_js(&d))
    }
    async fn create_answer(&self) -> R<SessionDescription> {
        call_native_async(&self.0, "createAnswer", &[]).await.map(|d| description_from_js(&d))
    }
    async fn set_local(&self, description: Option<&SessionDescription>) -> R<()> {
        match description {
            Some(d) => call_native_async(&self.0, "setLocalDescription", &[&description_to_js(d)]).await.map(drop),
            None => call_native_async(&self.0, "setLocalDescription", &[]).await.map(drop),
        }
    }
    async fn set_remote(&self, description: &SessionDescription) -> R<()> {
        call_native_async(&self.0, "setRemoteDescription", &[&description_to_js(description)]).await.map(drop)
    }
}

// ----- negotiation ----------------------------------------------------------------------------

/// Offer from `a`, answer from `b`. Returns the [`tick`] taken as soon as `b`'s
/// `setRemoteDescription(offer)` resolved.
pub async fn try_negotiate(a: &impl Signal, b: &impl Signal) -> R<u64> {
    let offer = a.create_offer().await?;
    a.set_local(Some(&offer)).await?;
    b.set_remote(&offer).await?;
    let applied = tick();
    let answer = b.create_answer().await?;
    b.set_local(Some(&answer)).await?;
    a.set_remote(&answer).await?;
    Ok(applied)
}

/// [`try_negotiate`], which must succeed.
pub async fn negotiate(a: &impl Signal, b: &impl Signal) -> u64 {
    match try_negotiate(a, b).await {
        Ok(t) => t,
        Err(e) => panic!("negotiation failed: {}: {}", e.name, e.message),
    }
}

/// Trickles each side's ICE candidates to the other (for scenarios where media must flow); the
/// handles keep the listeners alive.
pub fn relay_ice(a: &RtcPeerConnection, b: &RtcPeerConnection) -> Vec<EventListener> {
    let mut handles = Vec::new();
    for (from, to) in [(a, b), (b, a)] {
        let to = to.clone();
        handles.push(EventListener::new(from, "icecandidate", move |e| {
            let c = get(e, "candidate");
            if c.is_null() || c.is_undefined() || to.signaling_state() == web_sys::RtcSignalingState::Closed {
                return;
            }
            if let Ok(p) = call_native(&to, "addIceCandidate", &[&c]) {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = JsFuture::from(js_sys::Promise::resolve(&p)).await;
                });
            }
        }));
    }
    handles
}

/// Polls `done` every 20 ms for up to 8 s.
pub async fn until(mut done: impl FnMut() -> bool, what: &str) {
    for _ in 0..400 {
        if done() {
            return;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("timed out waiting for {what}");
}

// ----- the test generator ---------------------------------------------------------------------

/// Runs one scenario, then stops the tracks it made.
pub async fn run(scenario: impl std::future::Future<Output = ()>) {
    scenario.await;
    crate::common::cleanup();
}

/// One `#[wasm_bindgen_test]` per (scenario, face) from one list of `async fn name<F: Face>()`:
/// `name::rust` and `name::js`. The names are paths to the functions, so they are checked by the
/// compiler.
macro_rules! both_faces {
    ($($scenario:ident),+ $(,)?) => {$(
        mod $scenario {
            #[wasm_bindgen_test::wasm_bindgen_test]
            async fn rust() {
                crate::faces::run(super::$scenario::<crate::faces::RustFace>()).await
            }
            #[wasm_bindgen_test::wasm_bindgen_test]
            async fn js() {
                crate::faces::run(super::$scenario::<crate::faces::JsFace>()).await
            }
        }
    )+};
}
