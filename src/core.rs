//! The connection core: every operation of both faces, done once.
//!
//! Each method makes the native call, keeps the books and returns Rust types that belong to
//! neither face; the JS face ([`js_face`](crate)) only validates JS arguments and builds JS
//! records, the Rust face ([`PeerConnection`](crate::PeerConnection)) only converts types and
//! awaits. Native calls take the caller's argument list (an `Array`) so the JS face can pass
//! `arguments` untouched, and the members come from the prototype the core was made with (the
//! real superclass of the JS class, or the native class), never from a global looked up at call time.
//!
//! **Remote books.** The remote streams are derived from the negotiated state
//! ([`stream_grouping::received`]) and settled as a difference
//! ([`RemoteBooks::settle`](crate::stream_grouping::RemoteBooks)): during a description's `track`
//! events ([`Phase::Partial`]: announce what is complete), and once the description is applied
//! ([`Phase::Final`]: make everything equal). The faces' `setLocalDescription` /
//! `setRemoteDescription` settle before their promise resolves; a description applied on the raw
//! object is settled by the faces' `signalingstatechange` fallback, a task later.
//!
//! **Re-entrancy.** The books' `RefCell` is never borrowed across a call into user code: events
//! are dispatched after the borrow ends, and no borrow lives across an `await`. A borrow that fails
//! anyway is an [`Error`] ([`Error::reentrant`]), never a default answer.
//!
//! `Clone::clone` is spelled out for `MediaStream` and `MediaStreamTrack`: web-sys gives both an
//! inherent `clone()` that is the JS `clone()`, which makes a new stream or track.

use crate::bindings::{self, Native};
use crate::error::{Error, ErrorKind};
use crate::sdp::{self, MediaSection};
use crate::sender_reuse::{self, AddTrackFacts, Ledger, Outcome, Reason, Rules};
use crate::stream_grouping::{received, LocalRegistry, Phase, RemoteBooks, SenderKey, Step, Streams, StreamlessPolicy, TrackKey};
use crate::types::{Direction, SignalingState, StreamId};
use crate::view::{self, Connection, Fire};
use js_sys::Array;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MediaStream, MediaStreamTrack, RtcRtpSender, RtcRtpTransceiver};

/// What [`add_track_detailed`](crate::PeerConnection::add_track_detailed) did.
#[derive(Debug, Clone)]
pub struct AddTrackOutcome {
    /// The sender now carrying the track.
    pub sender: RtcRtpSender,
    /// The sender's transceiver.
    pub transceiver: RtcRtpTransceiver,
    /// Whether an existing transceiver was reused (else a new one was made).
    pub reused: bool,
    /// The transceiver's direction before the call (`None` for a new transceiver).
    pub direction_before: Option<Direction>,
    /// The transceiver's direction after the call.
    pub direction_after: Direction,
}

/// One transceiver's verdict in a [`ReusePrediction`].
#[derive(Debug, Clone)]
pub struct ReuseVerdict {
    /// The transceiver judged.
    pub transceiver: RtcRtpTransceiver,
    /// Whether `addTrack` may reuse it.
    pub reusable: bool,
    /// The first condition it fails, or the browser departure that makes it reusable.
    pub reason: Option<Reason>,
}

/// What `addTrack(track)` will do, and why, per transceiver.
#[derive(Debug, Clone)]
pub struct ReusePrediction {
    /// The transceiver that will be reused; `None` for a new one, or when it throws.
    pub reuse: Option<RtcRtpTransceiver>,
    /// The kind of exception `addTrack` will throw ([`ErrorKind::InvalidState`],
    /// [`ErrorKind::InvalidAccess`]), if it throws.
    pub throws: Option<ErrorKind>,
    /// One verdict per transceiver, in `getTransceivers()` order.
    pub candidates: Vec<ReuseVerdict>,
}

/// A local stream id and the senders associated with it.
#[derive(Debug, Clone)]
pub struct LocalStream {
    /// The stream id (what the far side sees as `MediaStream.id`).
    pub id: StreamId,
    /// The senders' current tracks.
    pub tracks: Vec<MediaStreamTrack>,
    /// The senders associated with this stream id, in order of association.
    pub senders: Vec<RtcRtpSender>,
}

/// A remote stream, as `streamadded` / `streamremoved` report it.
#[derive(Debug, Clone)]
pub struct RemoteStream {
    /// The stream: the browser's own for a stream id, one made here for streamless tracks.
    pub stream: MediaStream,
    /// Whether the stream groups tracks that arrived with no stream.
    pub streamless: bool,
}

#[derive(Debug)]
struct State {
    registry: LocalRegistry,
    books: RemoteBooks<MediaStream>,
    ledger: Ledger<u32>,
    rules: Rules,
    /// Each sender's transceiver (keys), so history is found when the browser no longer lists it.
    senders: Vec<(u32, u32)>,
    /// The browser's newest stream object per id, as `track` events show them.
    natives: Vec<(StreamId, MediaStream)>,
    /// Description calls of the faces under way (each settles itself when it resolves).
    describing: u32,
    /// The descriptions those calls may change, so the settlement reads only their SDP.
    touched: view::Sides,
    /// `restartIce()` was called through either face (or the negotiator) since this side last
    /// made an offer: the negotiator's skip of Firefox's msid loop must not take its
    /// `negotiationneeded` (see [`Core::restart_ice`]).
    ice_restart: bool,
    /// A negotiator drives this connection (one at most).
    negotiating: bool,
    /// The sections of the last remote SDP parsed.
    sdp: Vec<MediaSection>,
    /// The sections of the last local SDP parsed.
    local_sdp: Vec<MediaSection>,
    /// The [remote, local] SDP strings last parsed (JS strings): an unchanged description is
    /// neither copied into wasm nor parsed again.
    seen: (JsValue, JsValue),
}

/// An event to dispatch once the borrow is released.
enum Dispatch {
    Stream(Fire, MediaStream, bool),
    Track(Fire, MediaStream, MediaStreamTrack),
}

/// The books kept on one connection. See the module docs.
#[derive(Debug)]
pub(crate) struct Core {
    /// The prototype whose members are the native ones.
    proto: JsValue,
    state: RefCell<State>,
}

impl Core {
    /// A core calling the members of `proto` (`RTCPeerConnection.prototype`, or the real
    /// superclass's prototype of the JS class).
    pub(crate) fn new(policy: StreamlessPolicy, proto: JsValue) -> Core {
        let ua = view::user_agent().unwrap_or_default();
        Core {
            proto,
            state: RefCell::new(State {
                registry: LocalRegistry::default(),
                books: RemoteBooks::new(policy),
                ledger: Ledger::new(),
                rules: crate::engine::Engine::from_user_agent(&ua).rules(),
                senders: Vec::new(),
                natives: Vec::new(),
                describing: 0,
                touched: view::Sides::NONE,
                ice_restart: false,
                negotiating: false,
                sdp: Vec::new(),
                local_sdp: Vec::new(),
                seen: (JsValue::UNDEFINED, JsValue::UNDEFINED),
            }),
        }
    }

    fn read<R>(&self, f: impl FnOnce(&State) -> R) -> Result<R, Error> {
        self.state.try_borrow().map(|st| f(&st)).map_err(|_| Error::reentrant())
    }

    fn write<R>(&self, f: impl FnOnce(&mut State) -> R) -> Result<R, Error> {
        self.state.try_borrow_mut().map(|mut st| f(&mut st)).map_err(|_| Error::reentrant())
    }

    fn call(&self, member: Native, pc: &JsValue, args: &Array) -> Result<JsValue, Error> {
        bindings::apply(&self.proto, member, pc, args).map_err(Error::from_js)
    }

    /// Reads the connection and adds what it shows to the history (so history is kept even
    /// where an event was missed).
    fn observe(&self, pc: &JsValue) -> Result<Connection, Error> {
        self.observe_with(pc, view::Sides::NONE)
    }

    /// [`observe`](Self::observe), with the SDP of the descriptions in `sides` where it changed.
    fn observe_with(&self, pc: &JsValue, sides: view::Sides) -> Result<Connection, Error> {
        let conn = if sides == view::Sides::NONE {
            view::read_connection(pc)?
        } else {
            view::read_connection_sdp(pc, &self.read(|st| st.seen.clone())?, sides)?
        };
        self.write(|st| {
            // Transceivers gone from the list (rolled back away) have no history to keep; a closed
            // connection's list may be empty (Firefox), and its history stays true.
            if conn.signaling != SignalingState::Closed {
                st.ledger.retain(|k| conn.rows.iter().any(|r| r.transceiver == k));
                st.senders.retain(|(_, t)| conn.rows.iter().any(|r| r.transceiver == *t));
            }
            for r in &conn.rows {
                st.ledger.observe(r.transceiver, r.receiver.current_direction);
                if !st.senders.iter().any(|(s, _)| *s == r.sender) {
                    st.senders.push((r.sender, r.transceiver));
                }
            }
        })?;
        Ok(conn)
    }

    /// Records the history of a connection taken over as it is.
    pub(crate) fn adopt(&self, pc: &JsValue) -> Result<(), Error> {
        self.observe(pc).map(drop)
    }

    // ----- local side -------------------------------------------------------------------------

    /// Records the streams a sender was associated with: the `MediaStream` items of `streams`
    /// after the first `skip` (an `arguments` list or an array).
    fn record_streams(&self, sender: &JsValue, streams: &Array, skip: u32) -> Result<(), Error> {
        let ids: Vec<StreamId> = streams
            .iter()
            .skip(skip as usize)
            .filter_map(|s| view::cast_ref::<MediaStream>(&s, view::Web::MediaStream).map(view::stream_id))
            .collect();
        let key = SenderKey(view::key(sender));
        self.write(|st| st.registry.set_streams(key, &ids))
    }

    /// `addTrack(track, ...streams)` with the caller's argument list.
    pub(crate) fn add_track(&self, pc: &JsValue, args: &Array) -> Result<RtcRtpSender, Error> {
        let sender = self.call(Native::AddTrack, pc, args)?;
        self.record_streams(&sender, args, 1)?;
        Ok(sender.unchecked_into())
    }

    /// `addTrack`, reporting whether a transceiver was reused and how its direction changed.
    pub(crate) fn add_track_detailed(&self, pc: &JsValue, args: &Array) -> Result<AddTrackOutcome, Error> {
        let before = self.observe(pc)?;
        let sender = self.add_track(pc, args)?;
        let after = view::read_connection(pc)?;
        let i = after.row_of(&sender).ok_or_else(|| Error::library(ErrorKind::Operation, "rtc-peer: the new sender has no transceiver"))?;
        let row = after.rows.get(i).ok_or_else(Error::reentrant)?;
        let direction_before = before.rows.iter().find(|r| r.transceiver == row.transceiver).map(|r| r.direction);
        Ok(AddTrackOutcome {
            sender,
            transceiver: after.transceiver(i),
            reused: direction_before.is_some(),
            direction_before,
            direction_after: row.direction,
        })
    }

    /// `addTransceiver(trackOrKind, init)` with the caller's argument list; `init.streams` is recorded.
    pub(crate) fn add_transceiver(&self, pc: &JsValue, args: &Array) -> Result<RtcRtpTransceiver, Error> {
        let transceiver: RtcRtpTransceiver = self.call(Native::AddTransceiver, pc, args)?.unchecked_into();
        self.record_streams(&transceiver.sender(), &view::init_streams(&args.get(1)), 0)?;
        Ok(transceiver)
    }

    /// `removeTrack(sender)` with the caller's argument list.
    pub(crate) fn remove_track(&self, pc: &JsValue, args: &Array) -> Result<(), Error> {
        self.call(Native::RemoveTrack, pc, args).map(drop)
    }

    /// `sender.setStreams(...streams)`, recorded.
    pub(crate) fn set_sender_streams(&self, sender: &RtcRtpSender, streams: &Array) -> Result<(), Error> {
        if !view::has_set_streams(sender) {
            return Err(Error::library(ErrorKind::NotSupported, "rtc-peer: this browser has no RTCRtpSender.setStreams"));
        }
        bindings::set_streams(sender, streams).map_err(Error::from_js)?;
        self.record_streams(sender, streams, 0)
    }

    /// The stream ids the sender was associated with, in order.
    pub(crate) fn stream_ids_of(&self, sender: &RtcRtpSender) -> Result<Vec<StreamId>, Error> {
        match view::known_key(sender) {
            Some(k) => self.read(|st| st.registry.stream_ids_of(SenderKey(k)).to_vec()),
            None => Ok(Vec::new()),
        }
    }

    /// One record per local stream id with a sender of this connection.
    pub(crate) fn local_streams(&self, pc: &JsValue) -> Result<Vec<LocalStream>, Error> {
        let conn = view::read_connection(pc)?;
        let streams = self.read(|st| st.registry.streams())?;
        Ok(streams
            .into_iter()
            .filter_map(|ls| {
                let senders: Vec<RtcRtpSender> =
                    ls.senders.iter().filter_map(|k| conn.rows.iter().position(|r| r.sender == k.0)).map(|i| conn.sender(i)).collect();
                let tracks = senders.iter().filter_map(view::sender_track).collect();
                (!senders.is_empty()).then_some(LocalStream { id: ls.id, tracks, senders })
            })
            .collect())
    }

    // ----- sender reuse -----------------------------------------------------------------------

    /// What `addTrack(track)` would do now.
    pub(crate) fn predict(&self, pc: &JsValue, track: &MediaStreamTrack) -> Result<ReusePrediction, Error> {
        let conn = self.observe(pc)?;
        let track_kind = view::track_kind(track)?;
        let track_key = view::known_key(track);
        let (facts, rules) = self.read(|st| {
            let facts: Vec<_> = conn
                .rows
                .iter()
                .map(|r| {
                    let mut f = r.reuse_facts();
                    f.has_sent = st.ledger.has_sent(r.transceiver);
                    f.sent_direction = st.ledger.sent_direction(r.transceiver);
                    f
                })
                .collect();
            (facts, st.rules)
        })?;
        let prediction = sender_reuse::predict(
            &AddTrackFacts {
                closed: conn.signaling == SignalingState::Closed,
                track_kind,
                track_already_added: track_key.is_some_and(|k| conn.rows.iter().any(|r| r.sender_track == k)),
                transceivers: &facts,
            },
            &rules,
        );
        let (reuse, throws) = match prediction.outcome {
            Outcome::Reuse { index, .. } => (Some(conn.transceiver(index)), None),
            Outcome::New => (None, None),
            Outcome::Throws(name) => (None, Some(ErrorKind::from(name))),
        };
        let candidates = prediction
            .candidates
            .iter()
            .enumerate()
            .map(|(i, v)| ReuseVerdict { transceiver: conn.transceiver(i), reusable: v.reusable, reason: v.reason })
            .collect();
        Ok(ReusePrediction { reuse, throws, candidates })
    }

    /// Whether the transceiver (or the sender's transceiver) has ever had `currentDirection`
    /// `sendrecv` or `sendonly`; an `InvalidAccess` error if it is not one of this connection's.
    pub(crate) fn has_sent(&self, pc: &JsValue, sender_or_transceiver: &JsValue) -> Result<bool, Error> {
        let conn = self.observe(pc)?;
        let foreign = || Error::library(ErrorKind::InvalidAccess, "rtc-peer: the sender or transceiver does not belong to this connection");
        if let Some(row) = conn.row_of(sender_or_transceiver).and_then(|i| conn.rows.get(i)) {
            let sending_now = row.receiver.current_direction.is_some_and(Direction::sends);
            return Ok(sending_now || self.read(|st| st.ledger.has_sent(row.transceiver))?);
        }
        // Not listed (a closed connection in Firefox lists none): the history still answers.
        let k = view::known_key(sender_or_transceiver).ok_or_else(foreign)?;
        self.read(|st| {
            let t = st.senders.iter().find(|(s, t)| *s == k || *t == k).map(|(_, t)| *t)?;
            Some(st.ledger.has_sent(t))
        })?
        .ok_or_else(foreign)
    }

    // ----- remote side ------------------------------------------------------------------------

    pub(crate) fn policy(&self) -> Result<StreamlessPolicy, Error> {
        self.read(|st| st.books.policy())
    }

    pub(crate) fn set_policy(&self, policy: StreamlessPolicy) -> Result<(), Error> {
        self.write(|st| st.books.set_policy(policy))
    }

    /// The remote streams, in order of announcement.
    pub(crate) fn remote_streams(&self) -> Result<Vec<RemoteStream>, Error> {
        self.read(|st| {
            st.books.groups().iter().map(|g| RemoteStream { stream: Clone::clone(&g.stream), streamless: g.key.is_streamless() }).collect()
        })
    }

    /// `setLocalDescription` / `setRemoteDescription` with the caller's argument list: the native
    /// call, whose promise the face awaits and then reports with [`described`](Self::described),
    /// so the remote books are settled before the face's own promise resolves.
    pub(crate) fn describe(&self, pc: &JsValue, member: Native, args: &Array) -> Result<JsValue, Error> {
        let sides = view::Sides::of_call(matches!(member, Native::SetLocalDescription), view::signaling(pc).ok());
        self.write(|st| {
            st.describing += 1;
            st.touched = st.touched.with(sides);
        })?;
        self.call(member, pc, args).inspect_err(|_| {
            let _ = self.write(|st| st.describing -= 1);
        })
    }

    /// The promise of [`describe`](Self::describe) has settled (fulfilled or rejected: a failed
    /// description can still have rolled back): the remote books are settled.
    pub(crate) fn described(&self, pc: &JsValue) -> Result<(), Error> {
        let sides = self.write(|st| {
            st.describing = st.describing.saturating_sub(1);
            let sides = st.touched;
            if st.describing == 0 {
                st.touched = view::Sides::NONE;
            }
            sides
        })?;
        self.settle(pc, Phase::Final, Vec::new(), sides)
    }

    /// A description call awaited: the native promise, then the settlement, then its outcome.
    pub(crate) async fn apply_description(&self, pc: &JsValue, member: Native, args: &Array) -> Result<(), Error> {
        let p = self.describe(pc, member, args)?;
        let result = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&p)).await.map_err(Error::from_js);
        self.described(pc)?;
        result.map(drop)
    }

    /// The native `track` event.
    ///
    /// During a description call of the faces, which settles once it is applied (still before its
    /// promise resolves), the event only records the browser's stream objects: settling on each
    /// of a large description's events would read every transceiver once per track.
    pub(crate) fn on_track(&self, pc: &JsValue, event: &JsValue) -> Result<(), Error> {
        let (_, streams) = view::track_event(event);
        if self.read(|st| st.describing > 0)? {
            return self.write(|st| note_natives(&mut st.natives, streams));
        }
        self.settle(pc, Phase::Partial, streams, view::Sides::BOTH)
    }

    /// The native `signalingstatechange` event: whether the face should settle a task later
    /// (no description call of the faces is under way to do it, the raw object was used).
    /// During a face's description call, what the change may have touched joins what that call
    /// settles (a description the app applied on the raw object meanwhile is read with it).
    pub(crate) fn on_signaling_state_change(&self, pc: &JsValue) -> Result<bool, Error> {
        let now = view::signaling(pc).ok();
        self.write(|st| {
            if st.describing > 0 {
                st.touched = st.touched.with(view::Sides::of_change(now));
            }
            st.describing == 0
        })
    }

    /// `restartIce()`, noted first: its `negotiationneeded` is an ICE restart to offer, whatever
    /// else the current descriptions say ([`only_unsent_msid`](Self::only_unsent_msid)).
    pub(crate) fn restart_ice(&self, pc: &JsValue, args: &Array) -> Result<(), Error> {
        self.write(|st| st.ice_restart = true)?;
        self.call(Native::RestartIce, pc, args).map(drop)
    }

    /// Whether `restartIce()` was called since the last [`offer_made`](Self::offer_made).
    pub(crate) fn ice_restart_pending(&self) -> bool {
        self.read(|st| st.ice_restart).unwrap_or(true)
    }

    /// This side made an offer (any ICE restart asked for is in it).
    pub(crate) fn offer_made(&self) {
        let _ = self.write(|st| st.ice_restart = false);
    }

    /// Whether a `negotiationneeded` now is only Firefox's reading of this side's own answer
    /// ([`needed_only_by_unsent_msid`](crate::negotiation::needed_only_by_unsent_msid)), over the
    /// descriptions last settled (the current ones, at `stable`) and a data channel section there.
    pub(crate) fn only_unsent_msid(&self, pc: &JsValue) -> bool {
        let Ok(conn) = view::read_connection(pc) else { return false };
        self.read(|st| {
            let rows = conn.rows.iter().map(|r| crate::negotiation::Sending {
                mid: r.receiver.mid.as_deref(),
                direction: r.direction,
                current_direction: r.receiver.current_direction,
                stream_ids: st.registry.stream_ids_of(SenderKey(r.sender)),
            });
            st.local_sdp.iter().any(|s| s.application) && crate::negotiation::needed_only_by_unsent_msid(&st.local_sdp, &st.sdp, rows)
        })
        .unwrap_or(false)
    }

    /// Settles the remote books now, as after an applied description.
    pub(crate) fn settle_now(&self, pc: &JsValue) -> Result<(), Error> {
        self.settle(pc, Phase::Final, Vec::new(), view::Sides::BOTH)
    }

    /// Settles the remote books over the connection as it is now; `sides`: the descriptions
    /// whose SDP may have changed since the last settlement.
    fn settle(&self, pc: &JsValue, phase: Phase, seen: Vec<(StreamId, MediaStream)>, sides: view::Sides) -> Result<(), Error> {
        let conn = self.observe_with(pc, sides)?;
        let dispatch = self.write(|st| {
            if let Some(remote) = &conn.remote_sdp {
                st.sdp = sdp::media_sections(&remote.as_string().unwrap_or_default());
                st.seen.0 = remote.clone();
            }
            note_natives(&mut st.natives, seen);
            let facts: Vec<_> = conn.rows.iter().map(|r| r.receiver.clone()).collect();
            let received = received(conn.signaling, &st.sdp, &facts);
            let mut glue = Glue { natives: &st.natives, tracks: Vec::new() };
            let steps = st.books.settle(&received, phase, &mut glue);
            let tracks = glue.tracks;
            if phase == Phase::Final {
                local_ids_from_sdp(st, &conn);
                // The browser's stream objects are kept while the remote description names their
                // id: a track received later in that stream may come with no new `track` event.
                // Ids first: comparing the objects is a call into JS.
                let (books, sections) = (&st.books, &st.sdp);
                st.natives.retain(|(id, s)| {
                    sections.iter().any(|m| m.stream_ids.contains(id)) || books.groups().iter().any(|g| g.key.stream_id() == Some(id) && &g.stream == s)
                });
            }
            apply(steps, &tracks, &conn)
        })?;
        for d in dispatch {
            match d {
                Dispatch::Stream(kind, stream, streamless) => view::fire(pc, kind, &stream, streamless),
                Dispatch::Track(kind, stream, track) => view::fire(&stream, kind, &track, false),
            }
        }
        Ok(())
    }

    /// A negotiator takes the connection: `InvalidStateError` if it is closed or has one.
    pub(crate) fn claim_negotiation(&self, pc: &JsValue) -> Result<(), Error> {
        if view::read_connection(pc)?.signaling == SignalingState::Closed {
            return Err(Error::library(ErrorKind::InvalidState, "rtc-peer: the connection is closed"));
        }
        if self.write(|st| std::mem::replace(&mut st.negotiating, true))? {
            return Err(Error::library(ErrorKind::InvalidState, "rtc-peer: the connection is already negotiating"));
        }
        Ok(())
    }

    /// The negotiator let go of the connection.
    pub(crate) fn release_negotiation(&self) {
        let _ = self.write(|st| st.negotiating = false);
    }

    /// `close()` with the caller's argument list, then the books let go of every browser object
    /// they hold: kept in wasm's externref table, they would keep the closed connection reachable
    /// (a transceiver refers to its connection) and so never collected. Plain-data history (the
    /// ledger, stream ids) stays: it is still true after close.
    pub(crate) fn close(&self, pc: &JsValue, args: &Array) -> Result<JsValue, Error> {
        let result = self.call(Native::Close, pc, args)?;
        self.write(|st| {
            st.books.clear();
            st.natives = Vec::new();
            st.sdp = Vec::new();
            st.local_sdp = Vec::new();
            st.seen = (JsValue::UNDEFINED, JsValue::UNDEFINED);
        })?;
        Ok(result)
    }
}

/// After a new local description: each sender's stream ids are what it sends (its
/// `a=msid`, `-` for none), whatever the calls said. Engines depart from the spec here (Chromium
/// keeps a reused sender's old ids in some cases, ignores the given ones in others), and the SDP
/// is what the far side groups by.
/// Only when the local description is new: calls made since it was set are not undone.
fn local_ids_from_sdp(st: &mut State, conn: &Connection) {
    let Some(local) = &conn.local_sdp else { return };
    st.local_sdp = sdp::media_sections(&local.as_string().unwrap_or_default());
    st.seen.1 = local.clone();
    for r in &conn.rows {
        let Some(section) = r.receiver.mid.as_deref().and_then(|mid| sdp::section_for_mid(&st.local_sdp, mid)) else { continue };
        if section.has_msid && section.sends() {
            let key = SenderKey(r.sender);
            if st.registry.stream_ids_of(key) != section.stream_ids.as_slice() {
                st.registry.set_streams(key, &section.stream_ids);
            }
        }
    }
}

/// Records the browser's stream objects a `track` event showed, the newest per id. (A linear
/// search, newest first: a description's events come in m-line order, a stream's tracks together.)
fn note_natives(natives: &mut Vec<(StreamId, MediaStream)>, seen: Vec<(StreamId, MediaStream)>) {
    for (id, stream) in seen {
        match natives.iter_mut().rev().find(|(i, _)| *i == id) {
            Some(slot) => slot.1 = stream,
            None => natives.push((id, stream)),
        }
    }
}

/// The stream objects, for the books: the browser's own (from `track` events) and the tracks
/// they hold, read as the settlement asks.
struct Glue<'a> {
    natives: &'a [(StreamId, MediaStream)],
    /// Every track object seen on the way, by key, to carry out the steps.
    tracks: Vec<(TrackKey, MediaStreamTrack)>,
}

impl Streams<MediaStream> for Glue<'_> {
    fn tracks_of(&mut self, stream: &MediaStream) -> Vec<TrackKey> {
        let (objects, keys) = view::stream_tracks(stream);
        for (k, t) in keys.iter().zip(objects) {
            if !self.tracks.iter().any(|(key, _)| key == k) {
                self.tracks.push((*k, t));
            }
        }
        keys
    }

    fn native(&self, id: &StreamId) -> Option<MediaStream> {
        self.natives.iter().rev().find(|(i, _)| i == id).map(|(_, s)| Clone::clone(s))
    }

    fn make(&mut self) -> MediaStream {
        view::new_stream()
    }
}

/// Carries out the books' steps on the stream objects; returns the events to dispatch.
// Not generic: one copy (size budget).
fn apply(steps: Vec<Step<MediaStream>>, tracks: &[(TrackKey, MediaStreamTrack)], conn: &Connection) -> Vec<Dispatch> {
    // A track is found in the streams that held it, or among the receivers.
    let track = |k: TrackKey| {
        tracks.iter().find(|(key, _)| *key == k).map(|(_, t)| Clone::clone(t)).or_else(|| {
            conn.rows.iter().position(|r| r.receiver.track == k).map(|i| conn.receiver_track(i))
        })
    };
    let mut out = Vec::new();
    for step in steps {
        match step {
            Step::RemoveTrack { stream, track: k, event } => {
                if let Some(t) = track(k) {
                    view::stream_add(&stream, &t, false);
                    if event {
                        out.push(Dispatch::Track(Fire::RemoveTrack, stream, t));
                    }
                }
            }
            Step::AddTrack { stream, track: k, event } => {
                if let Some(t) = track(k) {
                    view::stream_add(&stream, &t, true);
                    if event {
                        out.push(Dispatch::Track(Fire::AddTrack, stream, t));
                    }
                }
            }
            Step::Removed { stream, streamless } => out.push(Dispatch::Stream(Fire::StreamRemoved, stream, streamless)),
            Step::Added { stream, streamless } => out.push(Dispatch::Stream(Fire::StreamAdded, stream, streamless)),
        }
    }
    out
}
