//! The Rust face: [`PeerConnection`], a typed, documented `RTCPeerConnection`.
//!
//! It owns the native object, the [`Core`] that keeps the books, and the two native listeners
//! that feed the core; dropping it removes the listeners and closes the connection. Every
//! promise-returning member is an `async fn`; every exception is an [`Error`] whose
//! [`kind`](Error::kind) comes from the exception's `name`.

use crate::bindings::{self, get, get_string};
use crate::config::{Configuration, IceCandidate, SessionDescription, TransceiverInit};
use crate::core::Core;
use crate::error::{Error, Result};
use crate::sender_reuse::{Outcome, Reason};
use crate::stream_grouping::StreamlessPolicy;
use crate::types::{ConnectionState, Direction, IceConnectionState, IceGatheringState, SdpType, SignalingState, StreamId, TrackKind};
use gloo_events::EventListener;
use js_sys::Array;
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, MediaStream, MediaStreamTrack, RtcDataChannel, RtcPeerConnection, RtcRtpReceiver, RtcRtpSender, RtcRtpTransceiver};

/// What [`PeerConnection::add_track_detailed`] did.
#[derive(Debug, Clone)]
pub struct AddTrackOutcome {
    /// The sender now carrying the track (the native object).
    pub sender: RtcRtpSender,
    /// The sender's transceiver.
    pub transceiver: RtcRtpTransceiver,
    /// Whether an existing transceiver was reused (else a new one was made).
    pub reused: bool,
    /// The transceiver's direction before the call (`None` for a new transceiver).
    pub direction_before: Option<Direction>,
    /// The transceiver's direction after the call.
    pub direction_after: Option<Direction>,
}

/// One transceiver's verdict in a [`ReusePrediction`].
#[derive(Debug, Clone)]
pub struct ReuseVerdict {
    /// The transceiver judged.
    pub transceiver: RtcRtpTransceiver,
    /// Whether `addTrack` may reuse it.
    pub reusable: bool,
    /// The first condition it fails, if any.
    pub reason: Option<Reason>,
}

/// What `addTrack(track)` will do, and why, per transceiver.
#[derive(Debug, Clone)]
pub struct ReusePrediction {
    /// The transceiver that will be reused, or `None` for a new one (or a throw).
    pub reuse: Option<RtcRtpTransceiver>,
    /// The exception `addTrack` will throw (`"InvalidStateError"`, `"InvalidAccessError"`), if any.
    pub throws: Option<&'static str>,
    /// One verdict per transceiver, in `getTransceivers()` order.
    pub candidates: Vec<ReuseVerdict>,
}

/// A local stream id and the senders associated with it.
#[derive(Debug, Clone)]
pub struct LocalStream {
    /// The stream id (the far side's `MediaStream.id`).
    pub id: StreamId,
    /// The senders' current tracks.
    pub tracks: Vec<MediaStreamTrack>,
    /// The senders associated with this stream id, in order.
    pub senders: Vec<RtcRtpSender>,
}

/// A remote stream, as `streamadded` / `streamremoved` report it.
#[derive(Debug, Clone)]
pub struct RemoteStream {
    /// The stream: the browser's own for an msid group, one made here for streamless tracks.
    pub stream: MediaStream,
    /// Whether the stream groups tracks that arrived with no stream.
    pub streamless: bool,
}

/// What to add a transceiver for.
#[derive(Debug, Clone, Copy)]
pub enum TransceiverFor<'a> {
    /// A track to send.
    Track(&'a MediaStreamTrack),
    /// A kind of media, with no track yet.
    Kind(TrackKind),
}

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
#[derive(Debug)]
pub struct PeerConnection {
    raw: RtcPeerConnection,
    core: Rc<Core>,
    _listeners: [EventListener; 2],
    close_on_drop: bool,
}

fn js<T: Serialize>(value: &T) -> Result<JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value.serialize(&ser).map_err(|e| Error::new("TypeError", e.to_string()))
}

fn description_from(value: &JsValue) -> Option<SessionDescription> {
    let sdp_type = get_string(value, "type")?.parse::<SdpType>().ok()?;
    Some(SessionDescription { sdp_type, sdp: get_string(value, "sdp").unwrap_or_default() })
}

/// Awaits a promise-returning call's result (a call that threw synchronously is an `Err`).
async fn settle(promise: std::result::Result<Option<js_sys::Promise>, JsValue>) -> Result<JsValue> {
    match promise.map_err(Error::from_js)? {
        Some(p) => JsFuture::from(p).await.map_err(Error::from_js),
        None => Ok(JsValue::UNDEFINED),
    }
}

/// The object a catching binding returned (see the bindings' module docs for why it is an `Option`).
fn returned<T>(value: std::result::Result<Option<T>, JsValue>, member: &str) -> Result<T> {
    value.map_err(Error::from_js)?.ok_or_else(|| Error::new("OperationError", crate::concat(&[member, " returned nothing"])))
}

fn state<T: core::str::FromStr>(raw: &RtcPeerConnection, attribute: &str, fallback: T) -> T {
    get_string(raw, attribute).and_then(|s| s.parse().ok()).unwrap_or(fallback)
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
        Self::attach(raw, StreamlessPolicy::default())
    }

    fn attach(raw: RtcPeerConnection, policy: StreamlessPolicy) -> PeerConnection {
        #[cfg(feature = "panic-hook")]
        console_error_panic_hook::set_once();
        let core = Rc::new(Core::new(policy));
        let on_track = {
            let (core, target) = (core.clone(), raw.clone());
            EventListener::new(&raw, "track", move |e| core.on_track(&target, e))
        };
        let on_signaling = {
            let (core, target) = (core.clone(), raw.clone());
            EventListener::new(&raw, "signalingstatechange", move |_| core.on_signaling_state_change(&target))
        };
        core.snapshot(&raw);
        PeerConnection { raw, core, _listeners: [on_track, on_signaling], close_on_drop: true }
    }

    /// The native object.
    pub fn as_raw(&self) -> &RtcPeerConnection {
        &self.raw
    }

    /// The native object, ending the bookkeeping. The connection stays open.
    pub fn into_raw(mut self) -> RtcPeerConnection {
        self.close_on_drop = false;
        self.raw.clone()
    }

    // ----- media ------------------------------------------------------------------------------

    /// [`addTrack(track, ...streams)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/addTrack);
    /// `streams` may be empty (a streamless track).
    pub fn add_track(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> Result<RtcRtpSender> {
        let list: Array = streams.iter().map(|s| JsValue::from(*s)).collect();
        let sender = returned(bindings::native(&self.raw).add_track(track, &list), "addTrack")?;
        self.core.record_streams(&sender, &list, 0);
        Ok(sender)
    }

    /// `addTrack`, reporting whether a transceiver was reused and how its direction changed.
    pub fn add_track_detailed(&self, track: &MediaStreamTrack, streams: &[&MediaStream]) -> Result<AddTrackOutcome> {
        let before = self.core.snapshot(&self.raw);
        let sender = self.add_track(track, streams)?;
        let (transceiver, direction_before) = self
            .core
            .added_on(&self.raw, &before, &sender)
            .ok_or_else(|| Error::new("OperationError", "the new sender has no transceiver"))?;
        Ok(AddTrackOutcome {
            reused: direction_before.is_some(),
            direction_before,
            direction_after: get_string(&transceiver, "direction").and_then(|d| d.parse().ok()),
            sender,
            transceiver,
        })
    }

    /// What `add_track(track, …)` would do now, with a reason per transceiver.
    pub fn predict_add_track(&self, track: &MediaStreamTrack) -> ReusePrediction {
        let (snap, p) = self.core.predict(&self.raw, track);
        let (reuse, throws) = match &p.outcome {
            Outcome::Reuse { index, .. } => (snap.transceivers.get(*index).cloned(), None),
            Outcome::New => (None, None),
            Outcome::Throws(name) => (None, Some(name.as_str())),
        };
        let candidates = p
            .candidates
            .into_iter()
            .zip(snap.transceivers)
            .map(|(v, transceiver)| ReuseVerdict { transceiver, reusable: v.reusable, reason: v.reason })
            .collect();
        ReusePrediction { reuse, throws, candidates }
    }

    /// Whether this transceiver's currentDirection has ever been `sendrecv` or `sendonly` — the
    /// history the browser does not expose. `None` if it is not one of this connection's.
    pub fn has_sent(&self, transceiver: &RtcRtpTransceiver) -> Option<bool> {
        self.core.has_sent(&self.raw, transceiver)
    }

    /// [`removeTrack(sender)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/removeTrack).
    pub fn remove_track(&self, sender: &RtcRtpSender) -> Result<()> {
        bindings::native(&self.raw).remove_track(sender).map_err(Error::from_js)
    }

    /// [`addTransceiver(trackOrKind, init)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/addTransceiver).
    pub fn add_transceiver(&self, what: TransceiverFor<'_>, init: TransceiverInit, streams: &[&MediaStream]) -> Result<RtcRtpTransceiver> {
        let target: JsValue = match what {
            TransceiverFor::Track(t) => t.into(),
            TransceiverFor::Kind(k) => k.as_str().into(),
        };
        let dict = js(&init)?;
        let list: Array = streams.iter().map(|s| JsValue::from(*s)).collect();
        let _ = js_sys::Reflect::set(&dict, &"streams".into(), &list);
        let t = returned(bindings::native(&self.raw).add_transceiver(&target, &dict), "addTransceiver")?;
        self.core.record_streams(&t.sender(), &list, 0);
        Ok(t)
    }

    /// [`getTransceivers()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getTransceivers).
    pub fn transceivers(&self) -> Vec<RtcRtpTransceiver> {
        self.raw.get_transceivers().iter().filter_map(|t| t.dyn_into().ok()).collect()
    }

    /// [`getSenders()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getSenders).
    pub fn senders(&self) -> Vec<RtcRtpSender> {
        self.raw.get_senders().iter().filter_map(|t| t.dyn_into().ok()).collect()
    }

    /// [`getReceivers()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getReceivers).
    pub fn receivers(&self) -> Vec<RtcRtpReceiver> {
        self.raw.get_receivers().iter().filter_map(|t| t.dyn_into().ok()).collect()
    }

    // ----- stream grouping --------------------------------------------------------------------

    /// The stream ids `sender` was associated with, in order (empty for a streamless sender).
    pub fn stream_ids_of(&self, sender: &RtcRtpSender) -> Vec<StreamId> {
        self.core.stream_ids_of(sender)
    }

    /// `sender.setStreams(...streams)`, recorded.
    pub fn set_sender_streams(&self, sender: &RtcRtpSender, streams: &[&MediaStream]) -> Result<()> {
        let list: Array = streams.iter().map(|s| JsValue::from(*s)).collect();
        if !get(sender, "setStreams").is_function() {
            return Err(Error::new("NotSupportedError", "RTCRtpSender.setStreams is not available"));
        }
        bindings::apply(bindings::Native::SetStreams, sender, &list).map_err(Error::from_js)?;
        self.core.record_streams(sender, &list, 0);
        Ok(())
    }

    /// One record per local stream id.
    pub fn local_streams(&self) -> Vec<LocalStream> {
        self.core
            .local_streams(&self.raw)
            .into_iter()
            .map(|(id, senders)| LocalStream { id, tracks: senders.iter().filter_map(|s| s.track()).collect(), senders })
            .collect()
    }

    /// The remote streams currently known, grouped by stream id, in order of first arrival.
    pub fn remote_streams(&self) -> Vec<RemoteStream> {
        self.core.remote_streams().into_iter().map(|(stream, streamless)| RemoteStream { stream, streamless }).collect()
    }

    /// Where remote tracks with no stream go.
    pub fn streamless_policy(&self) -> StreamlessPolicy {
        self.core.policy()
    }

    /// Sets where later streamless tracks go.
    pub fn set_streamless_policy(&self, policy: StreamlessPolicy) {
        self.core.set_policy(policy);
    }

    /// Calls `f` once per new remote stream. The listener lives as long as the returned handle.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_stream_added(&self, f: impl FnMut(RemoteStream) + 'static) -> EventListener {
        self.on_stream_event("streamadded", f)
    }

    /// Calls `f` when a remote stream has lost all its tracks.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_stream_removed(&self, f: impl FnMut(RemoteStream) + 'static) -> EventListener {
        self.on_stream_event("streamremoved", f)
    }

    fn on_stream_event(&self, kind: &'static str, mut f: impl FnMut(RemoteStream) + 'static) -> EventListener {
        EventListener::new(&self.raw, kind, move |e| {
            if let Ok(stream) = get(e, "stream").dyn_into::<MediaStream>() {
                f(RemoteStream { stream, streamless: get(e, "streamless").as_bool().unwrap_or(false) });
            }
        })
    }

    // ----- negotiation ------------------------------------------------------------------------

    /// [`createOffer()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/createOffer).
    pub async fn create_offer(&self) -> Result<SessionDescription> {
        let v = settle(bindings::native(&self.raw).create_offer(&JsValue::UNDEFINED)).await?;
        description_from(&v).ok_or_else(|| Error::new("OperationError", "createOffer gave no description"))
    }

    /// `createOffer({ iceRestart: true })`.
    pub async fn create_offer_ice_restart(&self) -> Result<SessionDescription> {
        let opts = bindings::record(&[("iceRestart", JsValue::TRUE)]);
        let v = settle(bindings::native(&self.raw).create_offer(&opts)).await?;
        description_from(&v).ok_or_else(|| Error::new("OperationError", "createOffer gave no description"))
    }

    /// [`createAnswer()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/createAnswer).
    pub async fn create_answer(&self) -> Result<SessionDescription> {
        let v = settle(bindings::native(&self.raw).create_answer(&JsValue::UNDEFINED)).await?;
        description_from(&v).ok_or_else(|| Error::new("OperationError", "createAnswer gave no description"))
    }

    /// [`setLocalDescription(description?)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/setLocalDescription);
    /// `None` lets the browser create the offer or answer.
    pub async fn set_local_description(&self, description: Option<&SessionDescription>) -> Result<()> {
        let p = match description {
            None => bindings::native(&self.raw).set_local_description_implicit(),
            Some(d) => bindings::native(&self.raw).set_local_description(&js(d)?),
        };
        settle(p).await.map(drop)
    }

    /// [`setRemoteDescription(description)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/setRemoteDescription).
    pub async fn set_remote_description(&self, description: &SessionDescription) -> Result<()> {
        settle(bindings::native(&self.raw).set_remote_description(&js(description)?)).await.map(drop)
    }

    /// [`addIceCandidate(candidate)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/addIceCandidate);
    /// `None` signals the end of candidates.
    pub async fn add_ice_candidate(&self, candidate: Option<&IceCandidate>) -> Result<()> {
        let c = match candidate {
            Some(c) => js(c)?,
            None => JsValue::UNDEFINED,
        };
        settle(bindings::native(&self.raw).add_ice_candidate(&c)).await.map(drop)
    }

    /// [`restartIce()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/restartIce).
    pub fn restart_ice(&self) -> Result<()> {
        bindings::native(&self.raw).restart_ice().map_err(Error::from_js)
    }

    /// [`getConfiguration()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getConfiguration).
    pub fn configuration(&self) -> Result<Configuration> {
        let mut c: Configuration = serde_wasm_bindgen::from_value(self.raw.get_configuration().into())
            .map_err(|e| Error::new("TypeError", e.to_string()))?;
        c.streamless_policy = Some(self.core.policy());
        Ok(c)
    }

    /// [`setConfiguration(configuration)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/setConfiguration).
    pub fn set_configuration(&self, configuration: &Configuration) -> Result<()> {
        bindings::native(&self.raw).set_configuration(&js(configuration)?).map_err(Error::from_js)?;
        if let Some(p) = configuration.streamless_policy {
            self.core.set_policy(p);
        }
        Ok(())
    }

    /// [`createDataChannel(label)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/createDataChannel).
    pub fn create_data_channel(&self, label: &str) -> Result<RtcDataChannel> {
        returned(bindings::native(&self.raw).create_data_channel(label, &JsValue::UNDEFINED), "createDataChannel")
    }

    /// [`getStats()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getStats).
    pub async fn stats(&self) -> Result<web_sys::RtcStatsReport> {
        let v = JsFuture::from(self.raw.get_stats()).await.map_err(Error::from_js)?;
        v.dyn_into().map_err(|_| Error::new("OperationError", "getStats gave no report"))
    }

    /// [`close()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/close).
    pub fn close(&self) {
        self.raw.close();
        self.core.release();
    }

    // ----- state ------------------------------------------------------------------------------

    /// [`signalingState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/signalingState).
    pub fn signaling_state(&self) -> SignalingState {
        state(&self.raw, "signalingState", SignalingState::Closed)
    }

    /// [`connectionState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/connectionState).
    pub fn connection_state(&self) -> ConnectionState {
        state(&self.raw, "connectionState", ConnectionState::Closed)
    }

    /// [`iceConnectionState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/iceConnectionState).
    pub fn ice_connection_state(&self) -> IceConnectionState {
        state(&self.raw, "iceConnectionState", IceConnectionState::Closed)
    }

    /// [`iceGatheringState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/iceGatheringState).
    pub fn ice_gathering_state(&self) -> IceGatheringState {
        state(&self.raw, "iceGatheringState", IceGatheringState::New)
    }

    /// [`localDescription`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/localDescription)
    /// (pending if there is one, else current).
    pub fn local_description(&self) -> Option<SessionDescription> {
        description_from(&get(&self.raw, "localDescription"))
    }

    /// [`remoteDescription`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/remoteDescription).
    pub fn remote_description(&self) -> Option<SessionDescription> {
        description_from(&get(&self.raw, "remoteDescription"))
    }

    /// `currentLocalDescription`, `pendingLocalDescription`, `currentRemoteDescription`,
    /// `pendingRemoteDescription` by name.
    pub fn description(&self, which: DescriptionSlot) -> Option<SessionDescription> {
        description_from(&get(&self.raw, which.attribute()))
    }

    /// [`canTrickleIceCandidates`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/canTrickleIceCandidates)
    /// (`None` until a remote description is set).
    pub fn can_trickle_ice_candidates(&self) -> Option<bool> {
        get(&self.raw, "canTrickleIceCandidates").as_bool()
    }

    // ----- events -----------------------------------------------------------------------------

    /// Listens for any event of the connection (`"track"`, `"icecandidate"`, …). The listener lives
    /// as long as the returned handle.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on(&self, event_type: &'static str, f: impl FnMut(&Event) + 'static) -> EventListener {
        EventListener::new(&self.raw, event_type, f)
    }

    /// `icecandidate`: `f(Some(candidate))` per gathered candidate, `f(None)` at the end.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_ice_candidate(&self, mut f: impl FnMut(Option<IceCandidate>) + 'static) -> EventListener {
        EventListener::new(&self.raw, "icecandidate", move |e| {
            let c = get(e, "candidate");
            if c.is_null() || c.is_undefined() {
                return f(None);
            }
            f(Some(IceCandidate {
                candidate: get_string(&c, "candidate").unwrap_or_default(),
                sdp_mid: get_string(&c, "sdpMid"),
                sdp_m_line_index: get(&c, "sdpMLineIndex").as_f64().map(|n| n as u16),
                username_fragment: get_string(&c, "usernameFragment"),
            }))
        })
    }

    /// `track`: the native event, once per remote track (see [`on_stream_added`](Self::on_stream_added)
    /// for once per stream).
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_track(&self, mut f: impl FnMut(web_sys::RtcTrackEvent) + 'static) -> EventListener {
        EventListener::new(&self.raw, "track", move |e| {
            if let Some(e) = e.dyn_ref::<web_sys::RtcTrackEvent>() {
                f(e.clone());
            }
        })
    }

    /// `connectionstatechange`, with the new state.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_connection_state_change(&self, mut f: impl FnMut(ConnectionState) + 'static) -> EventListener {
        let raw = self.raw.clone();
        EventListener::new(&self.raw, "connectionstatechange", move |_| f(state(&raw, "connectionState", ConnectionState::Closed)))
    }

    /// `signalingstatechange`, with the new state.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_signaling_state_change(&self, mut f: impl FnMut(SignalingState) + 'static) -> EventListener {
        let raw = self.raw.clone();
        EventListener::new(&self.raw, "signalingstatechange", move |_| f(state(&raw, "signalingState", SignalingState::Closed)))
    }

    /// `negotiationneeded`.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_negotiation_needed(&self, mut f: impl FnMut() + 'static) -> EventListener {
        EventListener::new(&self.raw, "negotiationneeded", move |_| f())
    }
}

impl Drop for PeerConnection {
    /// Closes the connection; the listeners are removed as the fields drop.
    fn drop(&mut self) {
        if self.close_on_drop {
            self.raw.close();
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

impl DescriptionSlot {
    fn attribute(self) -> &'static str {
        match self {
            DescriptionSlot::CurrentLocal => "currentLocalDescription",
            DescriptionSlot::PendingLocal => "pendingLocalDescription",
            DescriptionSlot::CurrentRemote => "currentRemoteDescription",
            DescriptionSlot::PendingRemote => "pendingRemoteDescription",
        }
    }
}
