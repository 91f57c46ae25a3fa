//! The Rust face: [`PeerConnection`], a typed, documented `RTCPeerConnection`.
//!
//! It is a handle (cheap to clone) to the native object, the core that keeps the books, and the two
//! native listeners that feed the core; dropping the last handle removes the listeners and closes
//! the connection. Every operation
//! that keeps books is one call into the core, which both faces share: this file only converts
//! Rust types to argument lists and back, and awaits. Every promise-returning member is an
//! `async fn`; every exception is an [`Error`].
//!
//! Calls made on [`as_raw`](PeerConnection::as_raw) are mostly seen by the books (they observe
//! the native `track` and `signalingstatechange` events and read the negotiated state); the
//! method's docs list what is not.

use crate::bindings::{self, Native};
use crate::config::{Configuration, IceCandidate, SessionDescription, TransceiverInit};
use crate::core::{AddTrackOutcome, Core, LocalStream, RemoteStream, ReusePrediction};
use crate::error::{Error, ErrorKind, Result};
use crate::events::Waiting;
use crate::stream_grouping::StreamlessPolicy;
use crate::types::{ConnectionState, IceConnectionState, IceGatheringState, SdpType, SignalingState, StreamId, TrackKind, UnknownValue};
use crate::view;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::Array;
use serde::Serialize;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, MediaStream, MediaStreamTrack, RtcPeerConnection, RtcRtpReceiver, RtcRtpSender, RtcRtpTransceiver};

/// What to add a transceiver for.
#[derive(Debug, Clone, Copy)]
pub enum TransceiverFor<'a> {
    /// A track to send.
    Track(&'a MediaStreamTrack),
    /// A kind of media, with no track yet.
    Kind(TrackKind),
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for web_sys::RtcRtpSender {}
    impl Sealed for web_sys::RtcRtpTransceiver {}
}

/// An `RTCRtpSender` or an `RTCRtpTransceiver`: what [`PeerConnection::has_sent`] takes.
pub trait SenderOrTransceiver: sealed::Sealed + AsRef<JsValue> {}
impl SenderOrTransceiver for RtcRtpSender {}
impl SenderOrTransceiver for RtcRtpTransceiver {}

/// A typed `RTCPeerConnection` with stream grouping and sender-reuse bookkeeping.
///
/// ```no_run
/// # async fn call() -> Result<(), rtc_peer::Error> {
/// use rtc_peer::{PeerConnection, Configuration};
/// let caller = PeerConnection::new(&Configuration::default())?;
/// let callee = PeerConnection::new(&Configuration::default())?;
/// let _streams = callee.on_stream_added(|s| web_sys::console::log_1(&s.stream.id().into()));
/// # let track: web_sys::MediaStreamTrack = unimplemented!();
/// caller.add_track(&track, &[])?; // streamless: lands in the callee's shared inbound stream
/// let offer = caller.create_offer().await?;
/// caller.set_local_description(Some(&offer)).await?;
/// callee.set_remote_description(&offer).await?;
/// let answer = callee.create_answer().await?;
/// callee.set_local_description(Some(&answer)).await?;
/// caller.set_remote_description(&answer).await?;
/// # Ok(()) }
/// ```
///
/// **A handle, cheap to clone.** Every clone is the same connection with the same books (an `Rc`
/// inside), so a listener can capture a clone (`let pc = pc.clone(); pc_b.on_ice_candidate(move |c|
/// …pc.add_ice_candidate…)`). The connection is closed, and the books' two native listeners are
/// removed, when the last handle drops — including the clones captured by listener closures: a
/// listener handle that holds a clone keeps the connection open until that listener handle drops
/// too. (So don't store a listener handle inside its own closure's captures.)
/// [`into_raw`](Self::into_raw) hands the connection over open: after it, no handle closes it.
#[derive(Debug, Clone)]
pub struct PeerConnection {
    inner: Rc<Inner>,
}

/// What every clone of a [`PeerConnection`] shares.
#[derive(Debug)]
struct Inner {
    raw: RtcPeerConnection,
    core: Rc<Core>,
    _listeners: [EventListener; 2],
    close_on_drop: Cell<bool>,
    /// The milestone futures to fail when this face closes the connection (`close()` fires no event).
    waiting: Waiting,
}

pub(crate) fn js<T: Serialize>(value: &T) -> Result<JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&ser).map_err(|e| Error::library(ErrorKind::Type, &e.to_string()))
}

/// A call's argument list.
fn args(items: &[&JsValue]) -> Array {
    items.iter().copied().collect()
}

/// `[track, ...streams]`.
fn track_args(track: &MediaStreamTrack, streams: &[&MediaStream]) -> Array {
    let list = Array::of1(track);
    for s in streams {
        list.push(s);
    }
    list
}

/// An answer of the books that cannot fail but for a broken invariant: that fails loudly (a JS
/// exception with the crate's message), never as a made-up answer.
fn loud<T>(r: Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => wasm_bindgen::throw_val(e.into_js()),
    }
}

pub(crate) fn unknown(e: UnknownValue) -> Error {
    Error::library(ErrorKind::Operation, &crate::concat(&["the browser reported a ", e.type_name, " the spec does not define"]))
}

pub(crate) fn description_from(value: &JsValue) -> Option<SessionDescription> {
    let (sdp_type, sdp) = view::description(value)?;
    Some(SessionDescription { sdp_type: sdp_type.parse::<SdpType>().ok()?, sdp })
}

fn description(d: Option<web_sys::RtcSessionDescription>) -> Option<SessionDescription> {
    d.and_then(|d| description_from(&d))
}

/// The travelling form of a browser candidate.
pub(crate) fn candidate_from(c: &web_sys::RtcIceCandidate) -> IceCandidate {
    IceCandidate { candidate: c.candidate(), sdp_mid: c.sdp_mid(), sdp_m_line_index: c.sdp_m_line_index(), username_fragment: view::username_fragment(c) }
}

/// Awaits a promise-returning call's result (a call that threw synchronously is an `Err`).
async fn settle(promise: std::result::Result<Option<js_sys::Promise>, JsValue>) -> Result<JsValue> {
    match promise.map_err(Error::from_js)? {
        Some(p) => JsFuture::from(p).await.map_err(Error::from_js),
        None => Ok(JsValue::UNDEFINED),
    }
}

/// The object a catching binding returned (see the bindings' module docs for why it is an `Option`).
pub(crate) fn returned<T>(value: std::result::Result<Option<T>, JsValue>, member: &str) -> Result<T> {
    value.map_err(Error::from_js)?.ok_or_else(|| Error::library(ErrorKind::Operation, &crate::concat(&[member, " returned nothing"])))
}

impl PeerConnection {
    /// `new RTCPeerConnection(configuration)`.
    pub fn new(configuration: &Configuration) -> Result<PeerConnection> {
        let dict = js(configuration)?;
        let raw = returned(bindings::new_native(&dict), "RTCPeerConnection")?;
        Ok(Self::attach(raw, configuration.streamless_policy.unwrap_or_default()))
    }

    /// Takes over an existing native connection (its history before this call is read from its
    /// current transceivers).
    pub fn from_raw(raw: RtcPeerConnection) -> PeerConnection {
        let pc = Self::attach(raw, StreamlessPolicy::default());
        loud(pc.inner.core.adopt(&pc.inner.raw));
        pc
    }

    fn attach(raw: RtcPeerConnection, policy: StreamlessPolicy) -> PeerConnection {
        #[cfg(feature = "panic-hook")]
        console_error_panic_hook::set_once();
        let core = Rc::new(Core::new(policy, bindings::native_prototype()));
        let on_track = {
            let (core, target) = (core.clone(), raw.clone());
            EventListener::new(&raw, "track", move |e| loud(core.on_track(&target, e)))
        };
        let on_signaling = {
            // A description applied on the raw object is settled a task later; the timer is owned
            // by this listener and cancelled with it.
            let (core, target) = (core.clone(), raw.clone());
            let pending: Rc<RefCell<Option<Timeout>>> = Rc::default();
            EventListener::new(&raw, "signalingstatechange", move |_| {
                if loud(core.on_signaling_state_change(&target)) {
                    let (core, target) = (core.clone(), target.clone());
                    *pending.borrow_mut() = Some(Timeout::new(0, move || loud(core.settle_now(&target))));
                }
            })
        };
        PeerConnection { inner: Rc::new(Inner { raw, core, _listeners: [on_track, on_signaling], close_on_drop: Cell::new(true), waiting: Waiting::default() }) }
    }

    /// The native object, for what this type does not cover.
    ///
    /// The books read the browser's state (transceivers, directions, tracks, SDP) every time they
    /// judge, and listen to the native `track` and `signalingstatechange` events, so most calls
    /// made here are seen. Exactly what is not, or later:
    ///
    /// - **Stream ids given to `addTrack`, `addTransceiver` (`init.streams`) or
    ///   `sender.setStreams`** are not recorded: [`stream_ids_of`](Self::stream_ids_of) and
    ///   [`local_streams`](Self::local_streams) miss them until a local description that sends
    ///   them is applied (its `a=msid` is read then).
    /// - **A description applied here** (`setLocalDescription` / `setRemoteDescription`): a new
    ///   remote stream that a `track` event completes is announced during it, as through this
    ///   type, but the rest of the settlement (removed streams, tracks leaving or joining a stream,
    ///   local stream ids from the SDP) runs a task after its promise resolves, not before.
    /// - **`close()`** fires no event: the futures of [`connected`](Self::connected) and
    ///   [`ice_gathering_complete`](Self::ice_gathering_complete) are not failed, and the books keep
    ///   their browser objects until this type's [`close`](Self::close) or the last handle drops.
    ///
    /// The sender-reuse history ([`has_sent`](Self::has_sent)) is observed from `currentDirection`,
    /// whoever negotiated, so it is kept for transceivers added here too. Listeners added here
    /// (`addEventListener`, `on*` properties) are the caller's to remove.
    pub fn as_raw(&self) -> &RtcPeerConnection {
        &self.inner.raw
    }

    /// The connection's books.
    pub(crate) fn core(&self) -> &Rc<Core> {
        &self.inner.core
    }

    /// The native object, handed over open: from now on no handle closes the connection (not
    /// this one, not its clones). The books are kept while other clones of this handle live, and
    /// end (their listeners removed) when the last one drops; with no other clone, they end now.
    pub fn into_raw(self) -> RtcPeerConnection {
        self.inner.close_on_drop.set(false);
        self.inner.raw.clone()
    }

    /// Whether `self` and `other` are handles of the same connection and books (clones of one
    /// another). Two [`from_raw`](Self::from_raw) of one native object are not.
    pub fn ptr_eq(&self, other: &PeerConnection) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }

    // ----- media ------------------------------------------------------------------------------

    /// [`addTrack(track, ...streams)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/addTrack);
    /// `streams` may be empty (a streamless track).
    pub fn add_track(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> Result<RtcRtpSender> {
        self.inner.core.add_track(&self.inner.raw, &track_args(track, streams))
    }

    /// `addTrack`, reporting whether a transceiver was reused and how its direction changed.
    pub fn add_track_detailed(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> Result<AddTrackOutcome> {
        self.inner.core.add_track_detailed(&self.inner.raw, &track_args(track, streams))
    }

    /// What `add_track(track, …)` would do now, with a verdict per transceiver.
    pub fn predict_add_track(&self, track: &MediaStreamTrack) -> Result<ReusePrediction> {
        self.inner.core.predict(&self.inner.raw, track)
    }

    /// Whether this transceiver (or this sender's transceiver) has ever had `currentDirection`
    /// `sendrecv` or `sendonly`: the history the browser does not expose. An
    /// [`ErrorKind::InvalidAccess`] error if it is not one of this connection's.
    pub fn has_sent(&self, of: &impl SenderOrTransceiver) -> Result<bool> {
        self.inner.core.has_sent(&self.inner.raw, of.as_ref())
    }

    /// [`removeTrack(sender)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/removeTrack).
    pub fn remove_track(&self, sender: &RtcRtpSender) -> Result<()> {
        self.inner.core.remove_track(&self.inner.raw, &args(&[sender]))
    }

    /// [`addTransceiver(trackOrKind, init)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/addTransceiver):
    /// the browser's `init.streams` is `init.streams` followed by `streams` (either may be empty;
    /// both are recorded for [`stream_ids_of`](Self::stream_ids_of)). `init.send_encodings` with
    /// several `rid`s asks for simulcast; read what the browser made of it with
    /// [`Sender::send_encodings`](crate::Sender::send_encodings).
    pub fn add_transceiver(&self, what: TransceiverFor<'_>, init: TransceiverInit, streams: &[&MediaStream]) -> Result<RtcRtpTransceiver> {
        let target: JsValue = match what {
            TransceiverFor::Track(t) => t.into(),
            TransceiverFor::Kind(k) => k.as_str().into(),
        };
        let dict = js(&init)?;
        let list: Array = init.streams.iter().chain(streams.iter().copied()).map(JsValue::from).collect();
        let _ = js_sys::Reflect::set(&dict, &"streams".into(), &list);
        self.inner.core.add_transceiver(&self.inner.raw, &args(&[&target, &dict]))
    }

    /// [`getTransceivers()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getTransceivers).
    pub fn transceivers(&self) -> Vec<RtcRtpTransceiver> {
        self.inner.raw.get_transceivers().iter().map(JsCast::unchecked_into).collect()
    }

    /// [`getSenders()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getSenders).
    pub fn senders(&self) -> Vec<RtcRtpSender> {
        self.inner.raw.get_senders().iter().map(JsCast::unchecked_into).collect()
    }

    /// [`getReceivers()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getReceivers).
    pub fn receivers(&self) -> Vec<RtcRtpReceiver> {
        self.inner.raw.get_receivers().iter().map(JsCast::unchecked_into).collect()
    }

    // ----- stream grouping --------------------------------------------------------------------

    /// The stream ids `sender` was associated with, in order (empty for a streamless sender).
    pub fn stream_ids_of(&self, sender: &RtcRtpSender) -> Vec<StreamId> {
        loud(self.inner.core.stream_ids_of(sender))
    }

    /// `sender.setStreams(...streams)`, recorded. [`ErrorKind::NotSupported`] where the browser
    /// has no `setStreams`.
    pub fn set_sender_streams(&self, sender: &RtcRtpSender, streams: &[&MediaStream]) -> Result<()> {
        let list: Array = streams.iter().map(|s| JsValue::from(*s)).collect();
        self.inner.core.set_sender_streams(sender, &list)
    }

    /// One record per local stream id.
    pub fn local_streams(&self) -> Result<Vec<LocalStream>> {
        self.inner.core.local_streams(&self.inner.raw)
    }

    /// The remote streams, in order of announcement: exactly the tracks received now, grouped by
    /// the far side's stream ids, streamless ones by the [`StreamlessPolicy`].
    pub fn remote_streams(&self) -> Vec<RemoteStream> {
        loud(self.inner.core.remote_streams())
    }

    /// Where remote tracks with no stream go.
    pub fn streamless_policy(&self) -> StreamlessPolicy {
        loud(self.inner.core.policy())
    }

    /// Sets where streamless tracks not yet grouped go; grouped ones stay where they are.
    pub fn set_streamless_policy(&self, policy: StreamlessPolicy) {
        loud(self.inner.core.set_policy(policy))
    }

    /// Calls `f` once per new remote stream, with all the tracks the description brings to it,
    /// before the description's `set_*_description` resolves. The listener lives as long as the
    /// returned handle.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_stream_added(&self, f: impl FnMut(RemoteStream) + 'static) -> EventListener {
        self.on_stream_event("streamadded", f)
    }

    /// Calls `f` once when a remote stream no longer has a track that is received.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_stream_removed(&self, f: impl FnMut(RemoteStream) + 'static) -> EventListener {
        self.on_stream_event("streamremoved", f)
    }

    fn on_stream_event(&self, kind: &'static str, mut f: impl FnMut(RemoteStream) + 'static) -> EventListener {
        EventListener::new(&self.inner.raw, kind, move |e| {
            if let Some((stream, streamless)) = view::stream_event(e) {
                f(RemoteStream { stream, streamless });
            }
        })
    }

    // ----- negotiation ------------------------------------------------------------------------

    /// [`createOffer()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/createOffer).
    pub async fn create_offer(&self) -> Result<SessionDescription> {
        let v = settle(bindings::native(&self.inner.raw).create_offer(&JsValue::UNDEFINED)).await?;
        description_from(&v).ok_or_else(|| Error::library(ErrorKind::Operation, "createOffer gave no description"))
    }

    /// `createOffer({ iceRestart: true })`.
    pub async fn create_offer_ice_restart(&self) -> Result<SessionDescription> {
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"iceRestart".into(), &JsValue::TRUE);
        let v = settle(bindings::native(&self.inner.raw).create_offer(&opts)).await?;
        description_from(&v).ok_or_else(|| Error::library(ErrorKind::Operation, "createOffer gave no description"))
    }

    /// [`createAnswer()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/createAnswer).
    pub async fn create_answer(&self) -> Result<SessionDescription> {
        let v = settle(bindings::native(&self.inner.raw).create_answer(&JsValue::UNDEFINED)).await?;
        description_from(&v).ok_or_else(|| Error::library(ErrorKind::Operation, "createAnswer gave no description"))
    }

    /// [`setLocalDescription(description?)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/setLocalDescription);
    /// `None` lets the browser create the offer or answer. The remote streams are settled before it resolves.
    pub async fn set_local_description(&self, description: Option<&SessionDescription>) -> Result<()> {
        let list = match description {
            None => Array::new(),
            Some(d) => args(&[&js(d)?]),
        };
        self.describe(Native::SetLocalDescription, &list).await
    }

    /// [`setRemoteDescription(description)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/setRemoteDescription).
    /// The remote streams are settled (new ones announced complete) before it resolves.
    pub async fn set_remote_description(&self, description: &SessionDescription) -> Result<()> {
        self.describe(Native::SetRemoteDescription, &args(&[&js(description)?])).await
    }

    async fn describe(&self, member: Native, list: &Array) -> Result<()> {
        self.inner.core.apply_description(&self.inner.raw, member, list).await
    }

    /// [`addIceCandidate(candidate)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/addIceCandidate);
    /// `None` signals the end of candidates.
    pub async fn add_ice_candidate(&self, candidate: Option<&IceCandidate>) -> Result<()> {
        let c = match candidate {
            Some(c) => js(c)?,
            None => JsValue::UNDEFINED,
        };
        settle(bindings::native(&self.inner.raw).add_ice_candidate(&c)).await.map(drop)
    }

    /// [`restartIce()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/restartIce).
    /// Through the core, which notes it for [`negotiate`](Self::negotiate): its
    /// `negotiationneeded` is then always offered (`as_raw().restartIce()` is not seen).
    pub fn restart_ice(&self) -> Result<()> {
        self.inner.core.restart_ice(&self.inner.raw, &Array::new())
    }

    /// [`getConfiguration()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getConfiguration).
    pub fn configuration(&self) -> Result<Configuration> {
        let mut c: Configuration = serde_wasm_bindgen::from_value(self.inner.raw.get_configuration().into())
            .map_err(|e| Error::library(ErrorKind::Type, &e.to_string()))?;
        c.streamless_policy = Some(self.streamless_policy());
        Ok(c)
    }

    /// [`setConfiguration(configuration)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/setConfiguration).
    pub fn set_configuration(&self, configuration: &Configuration) -> Result<()> {
        bindings::native(&self.inner.raw).set_configuration(&js(configuration)?).map_err(Error::from_js)?;
        if let Some(p) = configuration.streamless_policy {
            self.set_streamless_policy(p);
        }
        Ok(())
    }

    /// [`close()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/close).
    pub fn close(&self) {
        loud(self.inner.core.close(&self.inner.raw, &Array::new()).map(drop));
        self.inner.waiting.close();
    }

    /// The futures waiting for a milestone of this connection.
    pub(crate) fn waiting(&self) -> &Waiting {
        &self.inner.waiting
    }

    // ----- state ------------------------------------------------------------------------------

    /// [`signalingState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/signalingState).
    pub fn signaling_state(&self) -> Result<SignalingState> {
        view::signaling(&self.inner.raw)
    }

    /// [`connectionState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/connectionState).
    pub fn connection_state(&self) -> Result<ConnectionState> {
        ConnectionState::try_from(self.inner.raw.connection_state()).map_err(unknown)
    }

    /// [`iceConnectionState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/iceConnectionState).
    pub fn ice_connection_state(&self) -> Result<IceConnectionState> {
        IceConnectionState::try_from(self.inner.raw.ice_connection_state()).map_err(unknown)
    }

    /// [`iceGatheringState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/iceGatheringState).
    pub fn ice_gathering_state(&self) -> Result<IceGatheringState> {
        IceGatheringState::try_from(self.inner.raw.ice_gathering_state()).map_err(unknown)
    }

    /// [`localDescription`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/localDescription)
    /// (pending if there is one, else current).
    pub fn local_description(&self) -> Option<SessionDescription> {
        description(self.inner.raw.local_description())
    }

    /// [`remoteDescription`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/remoteDescription).
    pub fn remote_description(&self) -> Option<SessionDescription> {
        description(self.inner.raw.remote_description())
    }

    /// `currentLocalDescription`, `pendingLocalDescription`, `currentRemoteDescription` or
    /// `pendingRemoteDescription`.
    pub fn description(&self, which: DescriptionSlot) -> Option<SessionDescription> {
        description(match which {
            DescriptionSlot::CurrentLocal => self.inner.raw.current_local_description(),
            DescriptionSlot::PendingLocal => self.inner.raw.pending_local_description(),
            DescriptionSlot::CurrentRemote => self.inner.raw.current_remote_description(),
            DescriptionSlot::PendingRemote => self.inner.raw.pending_remote_description(),
        })
    }

    /// [`canTrickleIceCandidates`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/canTrickleIceCandidates)
    /// (`None` until a remote description is set).
    pub fn can_trickle_ice_candidates(&self) -> Option<bool> {
        self.inner.raw.can_trickle_ice_candidates()
    }

    // ----- events -----------------------------------------------------------------------------

    /// Listens for any event of the connection (`"track"`, `"icecandidate"`, …), by name, as
    /// gloo-events does: a `&'static str` is kept as it is, a `String` (a name made at run time) is
    /// moved in; a borrowed `&str` is passed as `name.to_owned()`. The listener lives as long as
    /// the returned handle.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on(&self, event_type: impl Into<Cow<'static, str>>, f: impl FnMut(&Event) + 'static) -> EventListener {
        EventListener::new(&self.inner.raw, event_type, f)
    }

    /// `icecandidate`: `f(Some(candidate))` per gathered candidate, `f(None)` at the end.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_ice_candidate(&self, mut f: impl FnMut(Option<IceCandidate>) + 'static) -> EventListener {
        EventListener::new(&self.inner.raw, "icecandidate", move |e| {
            let c = e.dyn_ref::<web_sys::RtcPeerConnectionIceEvent>().and_then(|e| e.candidate());
            f(c.as_ref().map(candidate_from))
        })
    }

    /// `track`: the native event, once per remote track (see [`on_stream_added`](Self::on_stream_added)
    /// for once per stream).
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_track(&self, mut f: impl FnMut(web_sys::RtcTrackEvent) + 'static) -> EventListener {
        EventListener::new(&self.inner.raw, "track", move |e| {
            if let Some(e) = e.dyn_ref::<web_sys::RtcTrackEvent>() {
                f(e.clone());
            }
        })
    }

    /// `connectionstatechange`, with the new state.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_connection_state_change(&self, mut f: impl FnMut(Result<ConnectionState>) + 'static) -> EventListener {
        let raw = self.inner.raw.clone();
        EventListener::new(&self.inner.raw, "connectionstatechange", move |_| f(ConnectionState::try_from(raw.connection_state()).map_err(unknown)))
    }

    /// [`iceconnectionstatechange`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/iceconnectionstatechange_event),
    /// with the new state.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_ice_connection_state_change(&self, mut f: impl FnMut(Result<IceConnectionState>) + 'static) -> EventListener {
        let raw = self.inner.raw.clone();
        EventListener::new(&self.inner.raw, "iceconnectionstatechange", move |_| {
            f(IceConnectionState::try_from(raw.ice_connection_state()).map_err(unknown))
        })
    }

    /// [`icegatheringstatechange`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/icegatheringstatechange_event),
    /// with the new state.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_ice_gathering_state_change(&self, mut f: impl FnMut(Result<IceGatheringState>) + 'static) -> EventListener {
        let raw = self.inner.raw.clone();
        EventListener::new(&self.inner.raw, "icegatheringstatechange", move |_| {
            f(IceGatheringState::try_from(raw.ice_gathering_state()).map_err(unknown))
        })
    }

    /// `signalingstatechange`, with the new state.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_signaling_state_change(&self, mut f: impl FnMut(Result<SignalingState>) + 'static) -> EventListener {
        let raw = self.inner.raw.clone();
        EventListener::new(&self.inner.raw, "signalingstatechange", move |_| f(view::signaling(&raw)))
    }

    /// `negotiationneeded`.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_negotiation_needed(&self, mut f: impl FnMut() + 'static) -> EventListener {
        EventListener::new(&self.inner.raw, "negotiationneeded", move |_| f())
    }
}

impl Drop for Inner {
    /// The last handle dropped: closes the connection (unless handed over by `into_raw`); the
    /// listeners are removed as the fields drop.
    fn drop(&mut self) {
        if self.close_on_drop.get() {
            self.raw.close();
            self.waiting.close();
        }
    }
}

/// Which of the four description attributes to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescriptionSlot {
    /// `currentLocalDescription`
    CurrentLocal,
    /// `pendingLocalDescription`
    PendingLocal,
    /// `currentRemoteDescription`
    CurrentRemote,
    /// `pendingRemoteDescription`
    PendingRemote,
}

