//! The connection core: the books both faces keep on one `RTCPeerConnection`.
//!
//! The Rust [`PeerConnection`](crate::PeerConnection) and the JS `PeerConnection` class call into
//! the same [`Core`], so the bookkeeping sees every call whichever side made it, and it observes
//! the native `track` and `signalingstatechange` events for what the application did on the raw
//! object. The decisions are the pure models ([`stream_grouping`](crate::stream_grouping),
//! [`sender_reuse`](crate::sender_reuse)); this module only reads the browser's objects into them
//! and maps their answers back onto `MediaStream`s and events.
//!
//! The core holds no reference to the connection: every entry point is handed it. So the JS face,
//! whose listeners live in JS, leaves nothing in wasm that would keep a connection alive.
//!
//! `Clone::clone` is spelled out for `MediaStream` and `MediaStreamTrack`: web-sys gives both an
//! inherent `clone()` that is the JS `clone()`, which makes a new stream or track.
//!
//! Re-entrancy: `RefCell` borrows are released before any event is dispatched (a listener may
//! call straight back into the core) and no borrow lives across an `await`.

use crate::bindings::{self, call, cast, get, get_string, items, key, known_key, Fire, Method, Web};
use crate::sdp;
use crate::sender_reuse::{self, AddTrackFacts, Ledger, Prediction, Rules, TransceiverFacts};
use crate::stream_grouping::{GroupEvent, GroupKey, LocalRegistry, RemoteGrouping, SenderKey, StreamlessPolicy, TrackKey};
use crate::types::{Direction, StreamId, TrackKind};
use js_sys::Array;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, EventTarget, MediaStream, MediaStreamTrack, RtcPeerConnection, RtcRtpSender, RtcRtpTransceiver};

/// A remote track the grouping knows about, with the transceiver it arrived on.
#[derive(Debug)]
struct RemoteTrack {
    key: TrackKey,
    track: MediaStreamTrack,
    transceiver: RtcRtpTransceiver,
}

#[derive(Debug)]
struct State {
    registry: LocalRegistry,
    grouping: RemoteGrouping,
    ledger: Ledger<u32>,
    remote_tracks: Vec<RemoteTrack>,
    /// The `MediaStream` behind each current group.
    streams: Vec<(GroupKey, MediaStream)>,
    rules: Rules,
}

/// An event the core will dispatch once its borrow is released.
enum Dispatch {
    Added { stream: MediaStream, streamless: bool },
    Removed { stream: MediaStream, streamless: bool },
    /// `addtrack` / `removetrack` on a stream the core made (the browser fires these itself on its own streams).
    TrackEvent { stream: MediaStream, kind: Fire, track: MediaStreamTrack },
}

/// Which side of the books [`Core::snapshot`] is taken for.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub(crate) transceivers: Vec<RtcRtpTransceiver>,
    pub(crate) facts: Vec<TransceiverFacts>,
    pub(crate) closed: bool,
}

/// The books kept on one connection. See the module docs.
#[derive(Debug)]
pub(crate) struct Core {
    state: RefCell<State>,
}

impl Core {
    pub(crate) fn new(policy: StreamlessPolicy) -> Core {
        Core {
            state: RefCell::new(State {
                registry: LocalRegistry::default(),
                grouping: RemoteGrouping::new(policy),
                ledger: Ledger::new(),
                remote_tracks: Vec::new(),
                streams: Vec::new(),
                rules: crate::browser::rules(),
            }),
        }
    }

    // The books, borrowed. `try_borrow`: no borrow ever overlaps another (see the module docs),
    // and the panicking `borrow` would keep core::fmt in the wasm for its message (size budget).
    fn read<R: Default>(&self, f: impl FnOnce(&State) -> R) -> R {
        self.state.try_borrow().map(|st| f(&st)).unwrap_or_default()
    }

    fn write<R: Default>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        self.state.try_borrow_mut().map(|mut st| f(&mut st)).unwrap_or_default()
    }

    // ----- local side -------------------------------------------------------------------------

    /// Records the streams a sender was associated with by a successful call: the items of
    /// `streams` after the first `skip` (an `arguments` list or an array; not generic, so one copy).
    pub(crate) fn record_streams(&self, sender: &JsValue, streams: &Array, skip: usize) {
        let ids: Vec<StreamId> = streams
            .iter()
            .skip(skip)
            .filter(|s| crate::bindings::is(s, Web::MediaStream))
            .map(|s| StreamId(get_string(&s, "id").unwrap_or_default()))
            .collect();
        let key = SenderKey(key(sender));
        self.write(|st| st.registry.set_streams(key, &ids));
    }

    /// The stream ids a sender of this connection was associated with, in order.
    pub(crate) fn stream_ids_of(&self, sender: &JsValue) -> Vec<StreamId> {
        match known_key(sender) {
            Some(k) => self.read(|st| st.registry.stream_ids_of(SenderKey(k)).to_vec()),
            None => Vec::new(),
        }
    }

    /// One record per local stream id: the senders associated with it, in order.
    pub(crate) fn local_streams(&self, pc: &RtcPeerConnection) -> Vec<(StreamId, Vec<RtcRtpSender>)> {
        let senders: Vec<RtcRtpSender> = items(call(pc, Method::GetSenders, &JsValue::UNDEFINED));
        let keyed: Vec<(u32, &RtcRtpSender)> = senders.iter().map(|s| (key(s), s)).collect();
        let streams = self.read(|st| st.registry.streams());
        streams
            .into_iter()
            .map(|ls| {
                let members = ls
                    .senders
                    .iter()
                    .filter_map(|k| keyed.iter().find(|(key, _)| *key == k.0).map(|(_, s)| (*s).clone()))
                    .collect();
                (ls.id, members)
            })
            .filter(|(_, members): &(StreamId, Vec<RtcRtpSender>)| !members.is_empty())
            .collect()
    }

    // ----- sender reuse -----------------------------------------------------------------------

    /// Reads every transceiver into plain facts, refreshing the ledger on the way (so history is
    /// kept even if an event was missed).
    pub(crate) fn snapshot(&self, pc: &RtcPeerConnection) -> Snapshot {
        let transceivers: Vec<RtcRtpTransceiver> = items(call(pc, Method::GetTransceivers, &JsValue::UNDEFINED));
        let closed = get_string(pc, "signalingState").as_deref() == Some("closed");
        // The browser is read first, with no borrow held (its getters are calls into JS); the
        // borrow then only adds the history.
        let keys: Vec<u32> = transceivers.iter().map(|t| key(t)).collect();
        let mut facts: Vec<TransceiverFacts> = transceivers
            .iter()
            .map(|t| {
                let current = direction_of(t, "currentDirection");
                let direction = direction_of(t, "direction").unwrap_or(Direction::Inactive);
                // Only the spec's signals: Chromium's legacy `stopped` attribute is already true while
                // the transceiver is merely stopping.
                let stopped = current == Some(Direction::Stopped);
                let receiver_kind = get_string(&get(&get(t, "receiver"), "track"), "kind")
                    .and_then(|k| k.parse::<TrackKind>().ok())
                    .unwrap_or(TrackKind::Audio);
                TransceiverFacts {
                    kind: receiver_kind,
                    sender_has_track: !get(&get(t, "sender"), "track").is_null(),
                    stopped,
                    stopping: !stopped && direction == Direction::Stopped,
                    direction,
                    current_direction: current,
                    has_sent: false,
                    sent_direction: None,
                }
            })
            .collect();
        self.write(|st| {
            for (f, &k) in facts.iter_mut().zip(&keys) {
                st.ledger.observe(k, f.current_direction);
                f.has_sent = st.ledger.has_sent(k);
                f.sent_direction = st.ledger.sent_direction(k);
            }
        });
        Snapshot { transceivers, facts, closed }
    }

    /// What `addTrack(track)` would do now.
    pub(crate) fn predict(&self, pc: &RtcPeerConnection, track: &MediaStreamTrack) -> (Snapshot, Prediction) {
        let snap = self.snapshot(pc);
        let track_kind = get_string(track, "kind").and_then(|k| k.parse::<TrackKind>().ok()).unwrap_or(TrackKind::Audio);
        let track_js: &JsValue = track.as_ref();
        let already = snap.transceivers.iter().any(|t| &get(&get(t, "sender"), "track") == track_js);
        let facts = AddTrackFacts {
            closed: snap.closed,
            track_kind,
            track_already_added: already,
            transceivers: &snap.facts,
        };
        let prediction = sender_reuse::predict(&facts, &self.read(|st| st.rules));
        (snap, prediction)
    }

    /// After a successful `addTrack`: the sender's transceiver, and its direction before the call
    /// if it already existed in `before` (reused), `None` if it is new. Both faces' `addTrackDetailed`.
    pub(crate) fn added_on(&self, pc: &RtcPeerConnection, before: &Snapshot, sender: &JsValue) -> Option<(RtcRtpTransceiver, Option<Direction>)> {
        let now: Vec<RtcRtpTransceiver> = items(call(pc, Method::GetTransceivers, &JsValue::UNDEFINED));
        let transceiver = now.into_iter().find(|t| &get(t, "sender") == sender)?;
        // Compared as plain JS values (`===`): the typed `==` is `Object.is`, one more import.
        let t: &JsValue = transceiver.as_ref();
        let index = before.transceivers.iter().position(|b| AsRef::<JsValue>::as_ref(b) == t);
        let direction_before = index.and_then(|i| before.facts.get(i)).map(|f| f.direction);
        Some((transceiver, direction_before))
    }

    /// Whether the transceiver (or the sender's transceiver) has ever sent.
    pub(crate) fn has_sent(&self, pc: &RtcPeerConnection, sender_or_transceiver: &JsValue) -> Option<bool> {
        let snap = self.snapshot(pc);
        let index = snap.transceivers.iter().position(|t| {
            let t: &JsValue = t.as_ref();
            t == sender_or_transceiver || &get(t, "sender") == sender_or_transceiver
        })?;
        snap.facts.get(index).map(|f| f.has_sent || f.current_direction.is_some_and(Direction::sends))
    }

    // ----- remote side ------------------------------------------------------------------------

    pub(crate) fn policy(&self) -> StreamlessPolicy {
        self.read(|st| st.grouping.policy())
    }

    pub(crate) fn set_policy(&self, policy: StreamlessPolicy) {
        self.write(|st| st.grouping.set_policy(policy));
    }

    /// The remote streams, in order of first arrival.
    pub(crate) fn remote_streams(&self) -> Vec<(MediaStream, bool)> {
        self.read(|st| {
            st.grouping
                .groups()
                .iter()
                .filter_map(|g| {
                    st.streams.iter().find(|(k, _)| *k == g.key).map(|(_, s)| (Clone::clone(s), g.key.is_streamless()))
                })
                .collect()
        })
    }

    /// The native `track` event.
    pub(crate) fn on_track(&self, target: &EventTarget, event: &Event) {
        let Some(track) = cast::<MediaStreamTrack>(get(event, "track"), Web::Track) else { return };
        let Some(transceiver) = cast::<RtcRtpTransceiver>(get(event, "transceiver"), Web::Transceiver) else { return };
        let event_streams: Vec<MediaStream> = get(event, "streams")
            .dyn_into::<Array>()
            .map(|a| a.iter().filter_map(|s| cast(s, Web::MediaStream)).collect())
            .unwrap_or_default();
        let ids: Vec<StreamId> = event_streams.iter().map(|s| StreamId(get_string(s, "id").unwrap_or_default())).collect();
        let key = TrackKey(key(&track));

        let dispatch = self.write(|st| {
            if !st.remote_tracks.iter().any(|r| r.key == key) {
                st.remote_tracks.push(RemoteTrack { key, track: Clone::clone(&track), transceiver });
            }
            let events = st.grouping.track_arrived(key, &ids);
            apply_group_events(st, events, &event_streams, &ids)
        });
        self.dispatch(target, dispatch);
    }

    /// The native `signalingstatechange` event: a description was applied (or rolled back, or the
    /// connection closed). Updates the sender history and removes remote tracks the far side no
    /// longer sends.
    pub(crate) fn on_signaling_state_change(&self, pc: &RtcPeerConnection) {
        let snap = self.snapshot(pc);
        let present: Vec<u32> = snap.transceivers.iter().map(|t| key(t)).collect();
        let sections = get_string(&get(pc, "remoteDescription"), "sdp").map(|s| sdp::media_sections(&s)).unwrap_or_default();
        // Which remote tracks the far side no longer sends, read from the browser with no borrow held.
        let tracked: Vec<(TrackKey, MediaStreamTrack, RtcRtpTransceiver)> = self.read(|st| {
            st.remote_tracks.iter().map(|r| (r.key, Clone::clone(&r.track), r.transceiver.clone())).collect()
        });
        let gone: Vec<TrackKey> = tracked
            .iter()
            .filter(|(_, track, transceiver)| {
                let t_key = key(transceiver);
                if !present.contains(&t_key) {
                    return true; // rolled back away
                }
                if direction_of(transceiver, "currentDirection") == Some(Direction::Stopped)
                    || get_string(track, "readyState").as_deref() == Some("ended")
                {
                    return true;
                }
                match get_string(transceiver, "mid") {
                    Some(mid) => sdp::section_for_mid(&sections, &mid).is_some_and(|s| !s.sends()),
                    None => false,
                }
            })
            .map(|(k, _, _)| *k)
            .collect();
        let dispatch = self.write(|st| {
            st.ledger.retain(|k| present.contains(&k));
            let mut out = Vec::new();
            for key in gone {
                let events = st.grouping.track_removed(key);
                out.extend(apply_group_events(st, events, &[], &[]));
                // After the events: a leaving track is still needed to take it out of its stream.
                st.remote_tracks.retain(|r| r.key != key);
            }
            out
        });
        self.dispatch(pc, dispatch);
    }

    /// After `close()`: drops every browser object the books hold (remote tracks, their
    /// transceivers, the remote streams). Held in wasm's externref table, they would keep the
    /// closed connection reachable (a transceiver refers to its connection) and so never
    /// collected. `close()` fires no event, so the faces call this themselves. Plain-data
    /// history (the ledger, stream ids) is kept: it stays true after close.
    pub(crate) fn release(&self) {
        self.write(|st| {
            st.remote_tracks = Vec::new();
            st.streams = Vec::new();
            st.grouping = RemoteGrouping::new(st.grouping.policy());
        });
    }

    fn dispatch(&self, target: &EventTarget, dispatch: Vec<Dispatch>) {
        for d in dispatch {
            match d {
                Dispatch::Added { stream, streamless } => bindings::fire(target, Fire::StreamAdded, &stream, streamless),
                Dispatch::Removed { stream, streamless } => bindings::fire(target, Fire::StreamRemoved, &stream, streamless),
                Dispatch::TrackEvent { stream, kind, track } => bindings::fire(&stream, kind, &track, false),
            }
        }
    }
}

/// Maps the model's group events onto `MediaStream`s: native ones for msid groups (the `track`
/// event's `streams`, with their `ids`), ones the core makes for streamless groups. Returns what
/// to dispatch once the borrow is released.
// Not generic and not inlined into its two callers: one copy (size budget).
#[inline(never)]
fn apply_group_events(st: &mut State, events: Vec<GroupEvent>, streams: &[MediaStream], ids: &[StreamId]) -> Vec<Dispatch> {
    let native_stream = |id: &StreamId| ids.iter().position(|i| i == id).and_then(|p| streams.get(p)).cloned();
    let mut out = Vec::new();
    let mut pending_added: Vec<(GroupKey, Dispatch)> = Vec::new();
    for ev in events {
        match ev {
            GroupEvent::StreamAdded { group } => {
                let stream = match &group {
                    GroupKey::Stream(id) => native_stream(id),
                    GroupKey::Shared | GroupKey::Track(_) => Some(bindings::new_stream()),
                };
                if let Some(stream) = stream {
                    st.streams.retain(|(k, _)| *k != group);
                    st.streams.push((group.clone(), Clone::clone(&stream)));
                    pending_added.push((group.clone(), Dispatch::Added { stream, streamless: group.is_streamless() }));
                }
            }
            GroupEvent::TrackJoined { group, track } => {
                let Some(stream) = stream_of(st, &group) else { continue };
                let fresh = pending_added.iter().any(|(k, _)| *k == group);
                if group.is_streamless() {
                    if let Some(t) = track_of(st, track) {
                        call(&stream, Method::AddTrack, &t);
                        if !fresh {
                            out.push(Dispatch::TrackEvent { stream, kind: Fire::AddTrack, track: t });
                        }
                    }
                }
            }
            GroupEvent::TrackLeft { group, track } => {
                if !group.is_streamless() {
                    continue; // the browser removes tracks from its own streams and fires removetrack
                }
                if let (Some(stream), Some(t)) = (stream_of(st, &group), track_of(st, track)) {
                    call(&stream, Method::RemoveTrack, &t);
                    out.push(Dispatch::TrackEvent { stream, kind: Fire::RemoveTrack, track: t });
                }
            }
            GroupEvent::StreamRemoved { group } => {
                // `retain`, not `remove(position)`: no index, so no panic path (size budget).
                let mut removed = None;
                st.streams.retain(|(k, s)| {
                    let hit = removed.is_none() && *k == group;
                    if hit {
                        removed = Some(Clone::clone(s));
                    }
                    !hit
                });
                if let Some(stream) = removed {
                    out.push(Dispatch::Removed { stream, streamless: group.is_streamless() });
                }
            }
        }
    }
    // `streamadded` goes out after the stream holds its first track(s).
    let mut all: Vec<Dispatch> = pending_added.into_iter().map(|(_, d)| d).collect();
    all.extend(out);
    all
}

fn stream_of(st: &State, group: &GroupKey) -> Option<MediaStream> {
    st.streams.iter().find(|(k, _)| k == group).map(|(_, s)| Clone::clone(s))
}

fn track_of(st: &State, key: TrackKey) -> Option<MediaStreamTrack> {
    st.remote_tracks.iter().find(|r| r.key == key).map(|r| Clone::clone(&r.track))
}

fn direction_of(transceiver: &JsValue, attribute: &str) -> Option<Direction> {
    get_string(transceiver, attribute).and_then(|d| d.parse().ok())
}
