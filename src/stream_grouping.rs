//! Grouping of media tracks into streams, as a pure model the browser glue drives.
//!
//! **Remote side.** The groups are *derived from the negotiated state*, not accumulated from
//! events: [`received`] reads, from plain facts (signaling state, the remote description's media
//! sections, each transceiver's mid / `currentDirection` / track), which remote tracks are received
//! now and in which stream ids (the far side's `a=msid`). [`RemoteBooks::settle`] makes the
//! announced streams equal to that, after every applied description (local or remote, offer,
//! answer, rollback) and during a description's `track` events, and returns the difference as
//! [`Step`]s: `streamadded` once per new stream with all its tracks, `streamremoved` once per
//! emptied stream, `addtrack` / `removetrack` on changed ones, nothing for unchanged ones. Tracks
//! with no stream ("streamless") are never dropped: by [`StreamlessPolicy`] they share one inbound
//! stream ([`GroupKey::Shared`]) or each get one ([`GroupKey::Track`]).
//!
//! **Local side.** [`LocalRegistry`] records which stream ids each local sender was associated
//! with (`addTrack(track, ...streams)`, `addTransceiver(.., {streams})`, `sender.setStreams(..)`).
//!
//! The glue gives every remote track a [`TrackKey`] and every local sender a [`SenderKey`] and maps
//! the steps onto real `MediaStream` objects. Nothing here touches web-sys: it is tested on the host.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::sdp::{section_for_mid, MediaSection};
use crate::types::{Direction, SignalingState, StreamId};

/// The glue's handle for one remote track (one `RTCRtpReceiver`'s track).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackKey(pub u32);

impl fmt::Display for TrackKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "track#{}", self.0)
    }
}

/// The glue's handle for one local `RTCRtpSender`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SenderKey(pub u32);

impl fmt::Display for SenderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sender#{}", self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Streamless policy
// ---------------------------------------------------------------------------------------------

/// Where a remote track that arrives with no stream (`event.streams` empty) is put.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum StreamlessPolicy {
    /// `"shared"` (default): every streamless track joins one shared inbound stream, created
    /// for the first such track.
    #[default]
    #[serde(rename = "shared")]
    Shared,
    /// `"per-track"`: each streamless track gets an inbound stream of its own.
    #[serde(rename = "per-track")]
    PerTrack,
}

impl StreamlessPolicy {
    /// Every value, in declaration order.
    pub const ALL: &'static [StreamlessPolicy] =
        &[StreamlessPolicy::Shared, StreamlessPolicy::PerTrack];

    /// The string form: `"shared"` or `"per-track"` (also the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            StreamlessPolicy::Shared => "shared",
            StreamlessPolicy::PerTrack => "per-track",
        }
    }
}

impl fmt::Display for StreamlessPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a [`StreamlessPolicy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPolicy {
    /// The rejected string.
    pub value: String,
}

impl fmt::Display for UnknownPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a valid streamless policy (expected \"shared\" or \"per-track\")",
            self.value
        )
    }
}

impl std::error::Error for UnknownPolicy {}

impl FromStr for StreamlessPolicy {
    type Err = UnknownPolicy;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "shared" => Ok(StreamlessPolicy::Shared),
            "per-track" => Ok(StreamlessPolicy::PerTrack),
            _ => Err(UnknownPolicy {
                value: s.to_owned(),
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Remote side
// ---------------------------------------------------------------------------------------------

/// What an inbound stream (a group of remote tracks) was made from.
///
/// Serialized as `{"kind":"stream","id":"cam"}`, `{"kind":"shared"}` or
/// `{"kind":"track","id":3}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum GroupKey {
    /// Tracks the far side sent with this stream id (msid).
    Stream(StreamId),
    /// The one shared group of streamless tracks ([`StreamlessPolicy::Shared`]).
    Shared,
    /// The group of a single streamless track ([`StreamlessPolicy::PerTrack`]).
    Track(TrackKey),
}

impl GroupKey {
    /// Whether this group holds streamless tracks (it is not made from a stream id).
    pub fn is_streamless(&self) -> bool {
        !matches!(self, GroupKey::Stream(_))
    }

    /// The stream id this group was made from, if any.
    pub fn stream_id(&self) -> Option<&StreamId> {
        match self {
            GroupKey::Stream(id) => Some(id),
            GroupKey::Shared | GroupKey::Track(_) => None,
        }
    }
}

impl fmt::Display for GroupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupKey::Stream(id) => write!(f, "stream {id:?}"),
            GroupKey::Shared => f.write_str("shared streamless group"),
            GroupKey::Track(t) => write!(f, "streamless group of {t}"),
        }
    }
}


// ---------------------------------------------------------------------------------------------
// Remote side: what the negotiated state says is received
// ---------------------------------------------------------------------------------------------

/// One transceiver's receiving side, as plain facts read from the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReceiverFacts {
    /// The receiver's track.
    pub(crate) track: TrackKey,
    /// `transceiver.mid`.
    pub(crate) mid: Option<String>,
    /// `transceiver.currentDirection`.
    pub(crate) current_direction: Option<Direction>,
    /// `transceiver.direction`: what this side will answer.
    pub(crate) direction: Direction,
    /// The receiver's track has ended (`readyState` `"ended"`).
    pub(crate) ended: bool,
}

/// A remote track that the negotiated state says is received, with the stream ids the far side
/// sends it in (empty: streamless).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Received {
    pub(crate) track: TrackKey,
    pub(crate) stream_ids: Vec<StreamId>,
}

/// Which remote tracks are received now, in transceiver order: a pure function of the signaling
/// state, the remote description's media sections and the transceivers.
///
/// - With a remote offer pending (`have-remote-offer`), a transceiver receives what the offer
///   sends on its mid, if its own `direction` will answer receiving: the browser has fired `track`
///   for it though nothing is answered yet. (The spec re-adds a track to its streams on every
///   such offer even where this side answers `sendonly`, and takes it out again on the answer; an
///   application would see `streamremoved` / `streamadded` on every renegotiation. The answer is
///   known from `direction`, so the books do not flap.)
/// - Otherwise it receives when its `currentDirection` (the last completed negotiation) is
///   `sendrecv` or `recvonly`. So an answer of ours that says `sendonly` or `inactive` takes the
///   track out, as does a rollback to a state in which it was not received.
/// - Never: with no mid, a stopped transceiver, an ended track, or a closed connection.
///
/// The stream ids are the section's `a=msid` ids (`-` is no stream): the far side's own ids, the
/// same in every browser. (Firefox files msid-less tracks in a stream of a random id of its own;
/// the SDP says they have none, so they are streamless here too.)
pub(crate) fn received(signaling: SignalingState, remote: &[MediaSection], transceivers: &[ReceiverFacts]) -> Vec<Received> {
    if signaling == SignalingState::Closed {
        return Vec::new();
    }
    transceivers
        .iter()
        .filter(|t| !t.ended && t.current_direction != Some(Direction::Stopped))
        .filter_map(|t| {
            let section = t.mid.as_deref().and_then(|mid| section_for_mid(remote, mid));
            let receiving = match signaling {
                SignalingState::HaveRemoteOffer => t.direction.receives() && section.is_some_and(MediaSection::sends),
                _ => t.mid.is_some() && t.current_direction.is_some_and(Direction::receives),
            };
            receiving.then(|| Received { track: t.track, stream_ids: section.map(|s| s.stream_ids.clone()).unwrap_or_default() })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Remote side: the announced groups, kept equal to what is received
// ---------------------------------------------------------------------------------------------

/// One announced remote stream: its key, its stream object and its tracks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Announced<S> {
    pub(crate) key: GroupKey,
    pub(crate) stream: S,
    pub(crate) tracks: Vec<TrackKey>,
}

/// What the glue does to the stream objects, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step<S> {
    /// `stream.removeTrack(track)`, then `removetrack` on the stream if `event`.
    RemoveTrack { stream: S, track: TrackKey, event: bool },
    /// `streamremoved` for the stream.
    Removed { stream: S, streamless: bool },
    /// `stream.addTrack(track)`, then `addtrack` on the stream if `event`.
    AddTrack { stream: S, track: TrackKey, event: bool },
    /// `streamadded` for the stream, which holds all its tracks by now.
    Added { stream: S, streamless: bool },
}

/// When a settlement runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// During a description's `track` events: the browser may still be filling its own streams,
    /// so they are only announced (once complete), never edited.
    Partial,
    /// After a description is applied (or rolled back): everything is made equal to what is received.
    Final,
}

/// The stream objects, as the glue sees them.
pub(crate) trait Streams<S> {
    /// The tracks `stream` holds now.
    fn tracks_of(&mut self, stream: &S) -> Vec<TrackKey>;
    /// The browser's newest stream object for this id, if a `track` event has shown one.
    fn native(&self, id: &StreamId) -> Option<S>;
    /// A new empty stream, for a streamless group.
    fn make(&mut self) -> S;
}

/// The remote streams announced so far, kept equal to what is received.
///
/// [`settle`](Self::settle) derives the groups from [`received`] and returns the difference from
/// what is announced as [`Step`]s: new groups are announced once, complete; emptied ones are
/// removed once; changed ones get `addtrack` / `removetrack`; unchanged ones get nothing, so a
/// negotiation that changes nothing announces nothing. A stream id whose browser object was
/// replaced (Chromium makes a new `MediaStream` for an id whose stream emptied) moves to the new
/// object: the old one is removed, the new one announced.
#[derive(Debug, Clone)]
pub(crate) struct RemoteBooks<S> {
    policy: StreamlessPolicy,
    /// In order of announcement.
    groups: Vec<Announced<S>>,
}

impl<S: Clone + PartialEq> RemoteBooks<S> {
    pub(crate) fn new(policy: StreamlessPolicy) -> Self {
        RemoteBooks { policy, groups: Vec::new() }
    }

    /// Where streamless tracks that are not yet in a group go.
    pub(crate) fn policy(&self) -> StreamlessPolicy {
        self.policy
    }

    /// Changes the policy for streamless tracks not yet grouped; grouped ones stay where they are.
    pub(crate) fn set_policy(&mut self, policy: StreamlessPolicy) {
        self.policy = policy;
    }

    /// The announced groups, in order of announcement.
    pub(crate) fn groups(&self) -> &[Announced<S>] {
        &self.groups
    }

    /// Forgets every group (after `close()`), keeping the policy.
    pub(crate) fn clear(&mut self) {
        self.groups = Vec::new();
    }

    /// The groups `received` asks for, in order of first appearance: a track with stream ids in
    /// the group of each id; a streamless one in the streamless group it is already in, else the
    /// shared group or one of its own by the policy.
    fn desired(&self, received: &[Received]) -> Vec<(GroupKey, Vec<TrackKey>)> {
        let mut out: Vec<(GroupKey, Vec<TrackKey>)> = Vec::new();
        for r in received {
            let keys: Vec<GroupKey> = if r.stream_ids.is_empty() {
                let home = self.groups.iter().find(|g| g.key.is_streamless() && g.tracks.contains(&r.track)).map(|g| g.key.clone());
                vec![home.unwrap_or(match self.policy {
                    StreamlessPolicy::Shared => GroupKey::Shared,
                    StreamlessPolicy::PerTrack => GroupKey::Track(r.track),
                })]
            } else {
                r.stream_ids.iter().cloned().map(GroupKey::Stream).collect()
            };
            for key in keys {
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, tracks)) => {
                        if !tracks.contains(&r.track) {
                            tracks.push(r.track);
                        }
                    }
                    None => out.push((key, vec![r.track])),
                }
            }
        }
        out
    }

    /// Makes the announced groups equal to `received`; returns the steps for the glue.
    pub(crate) fn settle(&mut self, received: &[Received], phase: Phase, streams: &mut impl Streams<S>) -> Vec<Step<S>> {
        let desired = self.desired(received);
        let want_of = |key: &GroupKey| desired.iter().find(|(k, _)| k == key).map(|(_, t)| t.as_slice()).unwrap_or(&[]);
        let (mut removes, mut removed, mut adds) = (Vec::new(), Vec::new(), Vec::new());
        let mut kept = Vec::with_capacity(self.groups.len());
        for mut g in core::mem::take(&mut self.groups) {
            let streamless = g.key.is_streamless();
            if phase == Phase::Partial && !streamless {
                kept.push(g);
                continue;
            }
            let replaced = g.key.stream_id().and_then(|id| streams.native(id)).is_some_and(|n| n != g.stream);
            let want = want_of(&g.key);
            let actual = streams.tracks_of(&g.stream);
            if want.is_empty() || replaced {
                removes.extend(actual.into_iter().map(|track| Step::RemoveTrack { stream: g.stream.clone(), track, event: true }));
                removed.push(Step::Removed { stream: g.stream, streamless });
                continue;
            }
            removes.extend(actual.iter().filter(|t| !want.contains(t)).map(|&track| Step::RemoveTrack { stream: g.stream.clone(), track, event: true }));
            adds.extend(want.iter().filter(|t| !actual.contains(t)).map(|&track| Step::AddTrack { stream: g.stream.clone(), track, event: true }));
            g.tracks = want.to_vec();
            kept.push(g);
        }
        self.groups = kept;

        let mut steps = removes;
        steps.append(&mut removed);
        steps.append(&mut adds);
        for (key, want) in &desired {
            if self.groups.iter().any(|g| g.key == *key) {
                continue;
            }
            let streamless = key.is_streamless();
            let stream = match key.stream_id() {
                None => None,
                Some(id) => match streams.native(id) {
                    // Announced complete: during the track events, only once the browser's own
                    // stream holds every track the description brings to it.
                    Some(s) if phase == Phase::Final || complete(streams.tracks_of(&s), want) => Some(s),
                    _ if phase == Phase::Partial => break, // later groups wait, so announcements keep m-line order
                    _ => continue,                          // no object for this id: nothing to announce
                },
            };
            let stream = stream.unwrap_or_else(|| streams.make());
            let actual = streams.tracks_of(&stream);
            steps.extend(actual.iter().filter(|t| !want.contains(t)).map(|&track| Step::RemoveTrack { stream: stream.clone(), track, event: false }));
            steps.extend(want.iter().filter(|t| !actual.contains(t)).map(|&track| Step::AddTrack { stream: stream.clone(), track, event: false }));
            steps.push(Step::Added { stream: stream.clone(), streamless });
            self.groups.push(Announced { key: key.clone(), stream, tracks: want.clone() });
        }
        steps
    }
}

fn complete(held: Vec<TrackKey>, want: &[TrackKey]) -> bool {
    want.iter().all(|t| held.contains(t))
}

// ---------------------------------------------------------------------------------------------
// Local side
// ---------------------------------------------------------------------------------------------

/// A local stream id and the senders associated with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocalStream {
    /// The stream id (what the far side sees as the msid).
    pub id: StreamId,
    /// The senders associated with `id`, in order of association. Never empty.
    pub senders: Vec<SenderKey>,
}

/// One known sender and its stream ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct SenderEntry {
    sender: SenderKey,
    stream_ids: Vec<StreamId>,
}

/// Which stream ids each local sender is associated with.
///
/// Fed from `addTrack(track, ...streams)`, `addTransceiver(.., {streams})` and
/// `sender.setStreams(...)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LocalRegistry {
    /// Known senders, in order of first registration.
    senders: Vec<SenderEntry>,
    /// Stream ids with at least one sender, in order of first association (an id that lost all
    /// its senders is dropped; associated again later, it comes last).
    streams: Vec<LocalStream>,
}

impl LocalRegistry {
    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the stream ids of `sender`, replacing earlier ones. Duplicates collapse, keeping
    /// the first occurrence. An empty list is allowed: the sender is then streamless but still
    /// known. The sender keeps its place among the senders of ids it already had.
    pub fn set_streams(&mut self, sender: SenderKey, ids: &[StreamId]) {
        let mut new_ids: Vec<StreamId> = Vec::with_capacity(ids.len());
        for id in ids {
            if !new_ids.contains(id) {
                new_ids.push(id.clone());
            }
        }

        let old_ids: Vec<StreamId> = self.stream_ids_of(sender).to_vec();
        for stream in self.streams.iter_mut() {
            if old_ids.contains(&stream.id) && !new_ids.contains(&stream.id) {
                stream.senders.retain(|s| *s != sender);
            }
        }
        self.streams.retain(|s| !s.senders.is_empty());
        for id in &new_ids {
            if old_ids.contains(id) {
                continue;
            }
            match self.streams.iter_mut().find(|s| &s.id == id) {
                Some(stream) => stream.senders.push(sender),
                None => self.streams.push(LocalStream {
                    id: id.clone(),
                    senders: vec![sender],
                }),
            }
        }

        match self.senders.iter_mut().find(|e| e.sender == sender) {
            Some(entry) => entry.stream_ids = new_ids,
            None => self.senders.push(SenderEntry {
                sender,
                stream_ids: new_ids,
            }),
        }
    }

    /// The stream ids of `sender` (deduplicated, in the order given); empty for an unknown or
    /// streamless sender.
    pub fn stream_ids_of(&self, sender: SenderKey) -> &[StreamId] {
        self.senders
            .iter()
            .find(|e| e.sender == sender)
            .map_or(&[], |e| e.stream_ids.as_slice())
    }

    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// Whether `sender` is known (even if streamless).
    pub fn contains(&self, sender: SenderKey) -> bool {
        self.senders.iter().any(|e| e.sender == sender)
    }

    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// Forgets `sender` (removed with `removeTrack` or its transceiver stopped). Stream ids left
    /// with no sender disappear. Unknown senders are ignored.
    pub fn forget(&mut self, sender: SenderKey) {
        self.senders.retain(|e| e.sender != sender);
        for stream in self.streams.iter_mut() {
            stream.senders.retain(|s| *s != sender);
        }
        self.streams.retain(|s| !s.senders.is_empty());
    }

    /// One entry per distinct stream id with at least one sender, in order of the id's first
    /// association; each with its senders in order of association.
    pub fn streams(&self) -> Vec<LocalStream> {
        self.streams.clone()
    }

    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// The known senders (streamless ones included), in order of first registration.
    pub fn senders(&self) -> impl Iterator<Item = SenderKey> + '_ {
        self.senders.iter().map(|e| e.sender)
    }
}


#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sdp::media_sections;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn ids(names: &[&str]) -> Vec<StreamId> {
        names.iter().map(|n| StreamId::from(*n)).collect()
    }

    fn rx(track: u32, streams: &[&str]) -> Received {
        Received { track: TrackKey(track), stream_ids: ids(streams) }
    }

    /// Stream objects as a browser keeps them: numbered objects, each with an id (None for the
    /// ones the glue makes) and its tracks.
    #[derive(Debug, Default)]
    struct Browser {
        objects: Vec<(Option<StreamId>, Vec<TrackKey>)>,
        latest: BTreeMap<StreamId, usize>,
    }

    impl Streams<usize> for Browser {
        fn tracks_of(&mut self, s: &usize) -> Vec<TrackKey> {
            self.objects[*s].1.clone()
        }
        fn native(&self, id: &StreamId) -> Option<usize> {
            self.latest.get(id).copied()
        }
        fn make(&mut self) -> usize {
            self.objects.push((None, Vec::new()));
            self.objects.len() - 1
        }
    }

    impl Browser {
        /// What the browser does to its own streams when a description applies `received`.
        /// `keeps_stale`: Firefox leaves tracks that are no longer received in its streams.
        /// A stream that lost all its tracks is replaced by a new object (Chromium).
        fn apply_description(&mut self, received: &[Received], keeps_stale: bool) {
            let mut by_id: BTreeMap<StreamId, Vec<TrackKey>> = BTreeMap::new();
            for r in received {
                for id in &r.stream_ids {
                    by_id.entry(id.clone()).or_default().push(r.track);
                }
            }
            if !keeps_stale {
                for (id, &o) in &self.latest {
                    let want = by_id.get(id).cloned().unwrap_or_default();
                    self.objects[o].1.retain(|t| want.contains(t));
                }
            }
            for (id, tracks) in by_id {
                let o = match self.latest.get(&id) {
                    Some(&o) if !self.objects[o].1.is_empty() => o,
                    _ => {
                        self.objects.push((Some(id.clone()), Vec::new()));
                        self.latest.insert(id, self.objects.len() - 1);
                        self.objects.len() - 1
                    }
                };
                for t in tracks {
                    if !self.objects[o].1.contains(&t) {
                        self.objects[o].1.push(t);
                    }
                }
            }
        }

        /// Carries the steps out; returns the announcements, checking each is legal.
        fn run(&mut self, steps: &[Step<usize>], announced: &mut BTreeSet<usize>) -> Vec<String> {
            let mut log = Vec::new();
            for step in steps {
                match step {
                    Step::RemoveTrack { stream, track, .. } => {
                        assert!(self.objects[*stream].1.contains(track), "removes a track the stream lacks: {step:?}");
                        self.objects[*stream].1.retain(|t| t != track);
                    }
                    Step::AddTrack { stream, track, .. } => {
                        assert!(!self.objects[*stream].1.contains(track), "adds a track twice: {step:?}");
                        self.objects[*stream].1.push(*track);
                    }
                    Step::Added { stream, .. } => {
                        assert!(announced.insert(*stream), "stream {stream} announced twice");
                        log.push(format!("added {stream} with {:?}", self.objects[*stream].1));
                    }
                    Step::Removed { stream, .. } => {
                        assert!(announced.remove(stream), "stream {stream} removed without being announced");
                        log.push(format!("removed {stream}"));
                    }
                }
            }
            log
        }
    }

    fn settle(books: &mut RemoteBooks<usize>, b: &mut Browser, received: &[Received], phase: Phase, announced: &mut BTreeSet<usize>) -> Vec<String> {
        let steps = books.settle(received, phase, b);
        b.run(&steps, announced)
    }

    #[test]
    fn two_and_three_streamless_tracks_are_announced_together() {
        for n in [2u32, 3] {
            let mut books = RemoteBooks::new(StreamlessPolicy::Shared);
            let mut b = Browser::default();
            let received: Vec<Received> = (1..=n).map(|t| rx(t, &[])).collect();
            let mut announced = BTreeSet::new();
            // The first track event of the description already sees every streamless track.
            let log = settle(&mut books, &mut b, &received, Phase::Partial, &mut announced);
            let all: Vec<TrackKey> = (1..=n).map(TrackKey).collect();
            assert_eq!(log, vec![format!("added 0 with {all:?}")], "one shared stream, announced with all {n} tracks");
            assert!(settle(&mut books, &mut b, &received, Phase::Final, &mut announced).is_empty(), "nothing more when applied");
        }
    }

    #[test]
    fn per_track_policy_gives_each_streamless_track_its_stream() {
        let mut books = RemoteBooks::new(StreamlessPolicy::PerTrack);
        let mut b = Browser::default();
        let mut announced = BTreeSet::new();
        let log = settle(&mut books, &mut b, &[rx(1, &[]), rx(2, &[])], Phase::Final, &mut announced);
        assert_eq!(log, vec!["added 0 with [TrackKey(1)]", "added 1 with [TrackKey(2)]"]);
        assert_eq!(books.groups().iter().map(|g| g.key.clone()).collect::<Vec<_>>(), vec![GroupKey::Track(TrackKey(1)), GroupKey::Track(TrackKey(2))]);
    }

    #[test]
    fn browser_streams_wait_for_their_object_and_keep_m_line_order() {
        let mut books = RemoteBooks::new(StreamlessPolicy::Shared);
        let mut b = Browser::default();
        let mut announced = BTreeSet::new();
        let received = [rx(1, &["cam"]), rx(2, &["screen"]), rx(3, &[])];
        // First track event: the browser has filled its streams, but only `cam`'s object has
        // been seen in an event so far.
        b.apply_description(&received, false);
        let screen = b.latest.remove(&StreamId::from("screen"));
        let log = settle(&mut books, &mut b, &received, Phase::Partial, &mut announced);
        assert_eq!(log, vec!["added 0 with [TrackKey(1)]"], "screen is not known yet, the streamless group waits behind it");
        b.latest.insert(StreamId::from("screen"), screen.unwrap_or_default());
        let log = settle(&mut books, &mut b, &received, Phase::Partial, &mut announced);
        assert_eq!(log, vec!["added 1 with [TrackKey(2)]", "added 2 with [TrackKey(3)]"]);
        assert!(settle(&mut books, &mut b, &received, Phase::Final, &mut announced).is_empty());
    }

    #[test]
    fn a_renegotiation_that_changes_nothing_announces_nothing() {
        let mut books = RemoteBooks::new(StreamlessPolicy::Shared);
        let mut b = Browser::default();
        let mut announced = BTreeSet::new();
        let received = [rx(1, &["cam"]), rx(2, &["cam"]), rx(3, &[])];
        b.apply_description(&received, false);
        assert_eq!(settle(&mut books, &mut b, &received, Phase::Final, &mut announced).len(), 2);
        for _ in 0..3 {
            b.apply_description(&received, false);
            assert!(settle(&mut books, &mut b, &received, Phase::Partial, &mut announced).is_empty());
            assert!(settle(&mut books, &mut b, &received, Phase::Final, &mut announced).is_empty());
        }
    }

    #[test]
    fn a_track_no_longer_received_leaves_the_browsers_stream_too() {
        // Firefox keeps it in its own stream; the books take it out and say so.
        let mut books = RemoteBooks::new(StreamlessPolicy::Shared);
        let mut b = Browser::default();
        let mut announced = BTreeSet::new();
        let both = [rx(1, &["cam"]), rx(2, &["cam"])];
        b.apply_description(&both, true);
        settle(&mut books, &mut b, &both, Phase::Final, &mut announced);
        let one = [rx(1, &["cam"])];
        b.apply_description(&one, true);
        let steps = books.settle(&one, Phase::Final, &mut b);
        assert_eq!(steps, vec![Step::RemoveTrack { stream: 0, track: TrackKey(2), event: true }]);
        b.run(&steps, &mut announced);
        let steps = books.settle(&[], Phase::Final, &mut b);
        assert_eq!(steps, vec![Step::RemoveTrack { stream: 0, track: TrackKey(1), event: true }, Step::Removed { stream: 0, streamless: false }]);
    }

    #[test]
    fn a_replaced_stream_object_moves_the_group() {
        let mut books = RemoteBooks::new(StreamlessPolicy::Shared);
        let mut b = Browser::default();
        let mut announced = BTreeSet::new();
        let first = [rx(1, &["cam"])];
        b.apply_description(&first, false);
        settle(&mut books, &mut b, &first, Phase::Final, &mut announced);
        // The track leaves and another joins the same id in one description: Chromium empties
        // the old object and makes a new one.
        let second = [rx(2, &["cam"])];
        b.apply_description(&second, false);
        let log = settle(&mut books, &mut b, &second, Phase::Final, &mut announced);
        assert_eq!(log, vec!["removed 0", "added 1 with [TrackKey(2)]"]);
        assert_eq!(books.groups().len(), 1);
        assert_eq!(books.groups()[0].stream, 1);
    }

    #[test]
    fn streamless_tracks_stay_in_their_group_when_the_policy_changes() {
        let mut books = RemoteBooks::new(StreamlessPolicy::Shared);
        let mut b = Browser::default();
        let mut announced = BTreeSet::new();
        settle(&mut books, &mut b, &[rx(1, &[])], Phase::Final, &mut announced);
        books.set_policy(StreamlessPolicy::PerTrack);
        let log = settle(&mut books, &mut b, &[rx(1, &[]), rx(2, &[])], Phase::Final, &mut announced);
        assert_eq!(log, vec!["added 1 with [TrackKey(2)]"], "track 1 stays in the shared stream, track 2 gets its own");
    }

    // ----- received(): the negotiated state read as plain facts -------------------------------

    const OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2 3\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=sendrecv\r\na=msid:cam a1\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\na=msid:cam v1\r\na=msid:screen v1\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=recvonly\r\na=msid:- v2\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:3\r\na=sendrecv\r\n";

    fn t(track: u32, mid: Option<&str>, current: Option<Direction>) -> ReceiverFacts {
        ReceiverFacts { track: TrackKey(track), mid: mid.map(str::to_owned), current_direction: current, direction: Direction::RecvOnly, ended: false }
    }

    #[test]
    fn a_pending_remote_offer_is_received_as_it_sends() {
        let sections = media_sections(OFFER);
        let ts = [t(1, Some("0"), None), t(2, Some("1"), None), t(3, Some("2"), None), t(4, Some("3"), None), t(5, None, None)];
        let got = received(SignalingState::HaveRemoteOffer, &sections, &ts);
        assert_eq!(got, vec![rx(1, &["cam"]), rx(2, &["cam", "screen"]), rx(4, &[])], "mid 2 does not send; no msid is streamless; no mid is nothing");
        // This side will answer sendonly on mid 0: not received, though the offer sends.
        let mut sendonly = t(1, Some("0"), Some(Direction::SendRecv));
        sendonly.direction = Direction::SendOnly;
        assert_eq!(received(SignalingState::HaveRemoteOffer, &sections, &[sendonly]), vec![]);
    }

    #[test]
    fn after_the_answer_current_direction_decides() {
        let sections = media_sections(OFFER);
        // Our answer said sendonly on mid 0 (issue: such a track stayed grouped), recvonly on mid 1.
        let ts = [t(1, Some("0"), Some(Direction::SendOnly)), t(2, Some("1"), Some(Direction::RecvOnly)), t(4, Some("3"), Some(Direction::Inactive))];
        assert_eq!(received(SignalingState::Stable, &sections, &ts), vec![rx(2, &["cam", "screen"])]);
        // A rollback to stable before any answer: currentDirection is still null, nothing received.
        let ts = [t(1, Some("0"), None), t(2, Some("1"), None)];
        assert_eq!(received(SignalingState::Stable, &sections, &ts), vec![]);
        // Our own offer pending: the last completed negotiation still holds.
        let ts = [t(1, Some("0"), Some(Direction::SendRecv))];
        assert_eq!(received(SignalingState::HaveLocalOffer, &sections, &ts), vec![rx(1, &["cam"])]);
    }

    #[test]
    fn stopped_ended_and_closed_receive_nothing() {
        let sections = media_sections(OFFER);
        let mut ended = t(1, Some("0"), Some(Direction::SendRecv));
        ended.ended = true;
        let ts = [ended, t(2, Some("1"), Some(Direction::Stopped))];
        assert_eq!(received(SignalingState::Stable, &sections, &ts), vec![]);
        assert_eq!(received(SignalingState::Closed, &sections, &[t(3, Some("0"), Some(Direction::SendRecv))]), vec![]);
        // A rejected section in a pending offer does not send.
        let rejected = OFFER.replace("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0", "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\na=mid:0");
        assert_eq!(received(SignalingState::HaveRemoteOffer, &media_sections(&rejected), &[t(1, Some("0"), None)]), vec![]);
    }

    #[test]
    fn policy_strings_and_serde() {
        for &p in StreamlessPolicy::ALL {
            assert_eq!(p.as_str().parse::<StreamlessPolicy>(), Ok(p));
            assert_eq!(serde_json::to_string(&p).ok(), Some(format!("\"{}\"", p.as_str())));
        }
        assert_eq!(StreamlessPolicy::PerTrack.to_string(), "per-track");
        let msg = "pertrack".parse::<StreamlessPolicy>().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("\"pertrack\"") && msg.contains("shared") && msg.contains("per-track"));
    }

    #[test]
    fn local_registry_order_and_replacement() {
        let (s1, s2, s3) = (SenderKey(1), SenderKey(2), SenderKey(3));
        let mut r = LocalRegistry::new();
        r.set_streams(s1, &ids(&["cam", "cam", "screen"]));
        r.set_streams(s2, &ids(&["cam"]));
        r.set_streams(s3, &[]);
        assert_eq!(r.stream_ids_of(s1), ids(&["cam", "screen"]).as_slice());
        assert!(r.stream_ids_of(s3).is_empty() && r.contains(s3));
        assert!(r.stream_ids_of(SenderKey(9)).is_empty() && !r.contains(SenderKey(9)));
        assert_eq!(r.senders().collect::<Vec<_>>(), vec![s1, s2, s3]);
        let st = r.streams();
        assert_eq!(
            st,
            vec![
                LocalStream {
                    id: "cam".into(),
                    senders: vec![s1, s2]
                },
                LocalStream {
                    id: "screen".into(),
                    senders: vec![s1]
                },
            ]
        );

        // setStreams replaces; s1 keeps its place in "cam", leaves "screen" (which disappears).
        r.set_streams(s1, &ids(&["mic", "cam"]));
        r.set_streams(s3, &ids(&["screen"]));
        assert_eq!(
            r.streams(),
            vec![
                LocalStream {
                    id: "cam".into(),
                    senders: vec![s1, s2]
                },
                LocalStream {
                    id: "mic".into(),
                    senders: vec![s1]
                },
                LocalStream {
                    id: "screen".into(),
                    senders: vec![s3]
                },
            ]
        );
        assert_eq!(
            r.senders().collect::<Vec<_>>(),
            vec![s1, s2, s3],
            "sender order unchanged"
        );

        // Leaving and re-joining an id puts the sender last in it.
        r.set_streams(s1, &ids(&["mic"]));
        r.set_streams(s1, &ids(&["mic", "cam"]));
        assert_eq!(
            r.streams().first().map(|x| x.senders.clone()),
            Some(vec![s2, s1])
        );

        r.forget(s2);
        r.forget(s1);
        assert_eq!(
            r.streams(),
            vec![LocalStream {
                id: "screen".into(),
                senders: vec![s3]
            }]
        );
        assert_eq!(r.senders().collect::<Vec<_>>(), vec![s3]);
        r.forget(SenderKey(42));
        r.set_streams(s3, &[]);
        assert!(r.streams().is_empty());
        assert!(r.contains(s3));
    }

    // ----- random histories, rollbacks included -----------------------------------------------

    #[derive(Debug, Clone)]
    enum Op {
        /// A description after which these tracks (0..6) are received, each with a mask of ids.
        Describe(Vec<(u32, u8)>, bool),
        /// A rollback: the received set of an earlier step comes back.
        Rollback(usize),
        Policy(StreamlessPolicy),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (proptest::collection::vec((0u32..6, 0u8..8), 0..6), any::<bool>()).prop_map(|(v, p)| Op::Describe(v, p)),
            2 => (0usize..16).prop_map(Op::Rollback),
            1 => prop_oneof![Just(StreamlessPolicy::Shared), Just(StreamlessPolicy::PerTrack)].prop_map(Op::Policy),
        ]
    }

    const NAMES: [&str; 3] = ["a", "b", "c"];

    fn to_received(v: &[(u32, u8)]) -> Vec<Received> {
        let mut out: Vec<Received> = Vec::new();
        for &(t, mask) in v {
            if out.iter().any(|r| r.track == TrackKey(t)) {
                continue;
            }
            let names: Vec<&str> = NAMES.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect();
            out.push(rx(t, &names));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn random_histories_keep_the_books_equal_to_what_is_received(
            initial in prop_oneof![Just(StreamlessPolicy::Shared), Just(StreamlessPolicy::PerTrack)],
            keeps_stale in any::<bool>(),
            ops in proptest::collection::vec(op(), 0..30),
        ) {
            let mut books = RemoteBooks::new(initial);
            let mut b = Browser::default();
            let mut announced = BTreeSet::new();
            let mut history: Vec<Vec<Received>> = vec![Vec::new()];
            for op in ops {
                let (received, partial) = match op {
                    Op::Describe(v, partial) => (to_received(&v), partial),
                    Op::Rollback(i) => (history[i % history.len()].clone(), false),
                    Op::Policy(p) => { books.set_policy(p); continue; }
                };
                b.apply_description(&received, keeps_stale);
                if partial {
                    settle(&mut books, &mut b, &received, Phase::Partial, &mut announced);
                }
                settle(&mut books, &mut b, &received, Phase::Final, &mut announced);
                history.push(received.clone());

                // Every received track is in the group of each of its ids, or in exactly one
                // streamless group; every group holds exactly the tracks it should, none is empty.
                for r in &received {
                    let homes: Vec<&GroupKey> = books.groups().iter().filter(|g| g.tracks.contains(&r.track)).map(|g| &g.key).collect();
                    if r.stream_ids.is_empty() {
                        prop_assert!(homes.len() == 1 && homes[0].is_streamless(), "streamless {:?} in {:?}", r.track, homes);
                    } else {
                        let want: Vec<GroupKey> = r.stream_ids.iter().cloned().map(GroupKey::Stream).collect();
                        prop_assert_eq!(homes.into_iter().cloned().collect::<BTreeSet<_>>(), want.into_iter().collect::<BTreeSet<_>>());
                    }
                }
                let mut keys = BTreeSet::new();
                for g in books.groups() {
                    prop_assert!(keys.insert(g.key.clone()), "two groups for {:?}", g.key);
                    prop_assert!(!g.tracks.is_empty(), "empty group {:?}", g.key);
                    let held: BTreeSet<TrackKey> = b.tracks_of(&g.stream).into_iter().collect();
                    prop_assert_eq!(&held, &g.tracks.iter().copied().collect::<BTreeSet<_>>(), "the stream object holds its group's tracks");
                }
                // What is announced is exactly what is listed.
                prop_assert_eq!(&announced, &books.groups().iter().map(|g| g.stream).collect::<BTreeSet<_>>());
                // Settling again changes nothing: no re-announcement on a no-op negotiation.
                prop_assert!(books.settle(&received, Phase::Final, &mut b).is_empty());
            }
        }
    }
}
