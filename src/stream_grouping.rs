//! Grouping of media tracks into streams, as a pure model the browser glue drives.
//!
//! **Remote side.** When the far side calls `pc.addTrack(track, ...streams)`, a `track` event
//! fires here with `event.streams` holding the remote `MediaStream`s whose ids (the msid) match
//! the far side's stream ids. [`RemoteGrouping`] turns those per-track events into per-stream
//! ones: one [`GroupEvent::StreamAdded`] per new stream (not one per track), a
//! [`GroupEvent::TrackJoined`] / [`GroupEvent::TrackLeft`] per membership change, and a
//! [`GroupEvent::StreamRemoved`] when a stream loses its last track. Tracks that arrive with no
//! stream at all ("streamless") are never dropped: by [`StreamlessPolicy`] they either share one
//! inbound stream ([`GroupKey::Shared`]) or each get a stream of their own
//! ([`GroupKey::Track`]).
//!
//! **Local side.** [`LocalRegistry`] records which stream ids each local sender was associated
//! with (`addTrack(track, ...streams)`, `addTransceiver(.., {streams})`, `sender.setStreams(..)`),
//! so the local streams can be listed.
//!
//! The glue gives every remote track a [`TrackKey`] and every local sender a [`SenderKey`], feeds
//! the browser's events in, and maps the output onto real `MediaStream` objects. Nothing here
//! touches web-sys, so it is tested on the host.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::types::StreamId;

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

/// One inbound stream: its key and its tracks, in order of joining.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Group {
    /// What the group was made from.
    pub key: GroupKey,
    /// The group's tracks, in order of joining. Never empty while the group exists.
    pub tracks: Vec<TrackKey>,
}

/// A change to the remote groups, for the glue to mirror on real `MediaStream`s.
///
/// Within one call the events come in this order: every `TrackLeft`, then `StreamRemoved` for
/// the groups left empty, then for each group joined: `StreamAdded` (if the group is new) and
/// `TrackJoined`. The track that creates a group is reported as `StreamAdded` immediately
/// followed by `TrackJoined` for that track, so the glue can always add the track on
/// `TrackJoined`.
///
/// Serialized internally tagged: `{"type":"streamAdded","group":{..}}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum GroupEvent {
    /// A new group exists (still empty; a `TrackJoined` for it follows).
    StreamAdded {
        /// The new group.
        group: GroupKey,
    },
    /// `track` joined `group`.
    TrackJoined {
        /// The group joined.
        group: GroupKey,
        /// The track.
        track: TrackKey,
    },
    /// `track` left `group`.
    TrackLeft {
        /// The group left.
        group: GroupKey,
        /// The track.
        track: TrackKey,
    },
    /// `group` lost its last track and no longer exists.
    StreamRemoved {
        /// The removed group.
        group: GroupKey,
    },
}

impl GroupEvent {
    /// The group the event is about.
    pub fn group(&self) -> &GroupKey {
        match self {
            GroupEvent::StreamAdded { group }
            | GroupEvent::TrackJoined { group, .. }
            | GroupEvent::TrackLeft { group, .. }
            | GroupEvent::StreamRemoved { group } => group,
        }
    }
}

/// Groups remote tracks into inbound streams and reports the changes as [`GroupEvent`]s.
///
/// Feed it every `track` event ([`track_arrived`](Self::track_arrived)) and every removal of a
/// remote track ([`track_removed`](Self::track_removed)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemoteGrouping {
    policy: StreamlessPolicy,
    /// In order of first arrival; a group is deleted as soon as it is empty.
    groups: Vec<Group>,
}

impl RemoteGrouping {
    /// An empty grouping that places streamless tracks by `policy`.
    pub fn new(policy: StreamlessPolicy) -> Self {
        RemoteGrouping {
            policy,
            groups: Vec::new(),
        }
    }

    /// The policy applied to streamless tracks that arrive from now on.
    pub fn policy(&self) -> StreamlessPolicy {
        self.policy
    }

    /// Changes the policy. Only tracks that arrive later are affected; existing groups (and
    /// streamless tracks that arrive streamless again) stay as they are.
    pub fn set_policy(&mut self, policy: StreamlessPolicy) {
        self.policy = policy;
    }

    /// A remote track arrived (a `track` event) with the ids of `event.streams`.
    ///
    /// Duplicate ids count once. With ids, the track joins the group of each id, creating
    /// missing groups in the order given. Without ids the track is streamless: it joins the
    /// [`GroupKey::Shared`] group or a new [`GroupKey::Track`] group, by the current policy —
    /// unless it is already a streamless track, in which case it stays where it is.
    ///
    /// Idempotent: a track already in exactly those groups produces no events (browsers re-fire
    /// `track` on renegotiation). A known track arriving with a different set first leaves the
    /// groups not in the new set (`TrackLeft`, then `StreamRemoved` for groups left empty) and
    /// then joins the new ones.
    pub fn track_arrived(&mut self, track: TrackKey, stream_ids: &[StreamId]) -> Vec<GroupEvent> {
        let current = self.groups_of(track);
        let target: Vec<GroupKey> = if stream_ids.is_empty() {
            if !current.is_empty() && current.iter().all(GroupKey::is_streamless) {
                // Streamless before, streamless now: stay put whatever the policy is now.
                return Vec::new();
            }
            vec![match self.policy {
                StreamlessPolicy::Shared => GroupKey::Shared,
                StreamlessPolicy::PerTrack => GroupKey::Track(track),
            }]
        } else {
            let mut keys: Vec<GroupKey> = Vec::with_capacity(stream_ids.len());
            for id in stream_ids {
                let key = GroupKey::Stream(id.clone());
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            keys
        };

        let leaving: Vec<GroupKey> = current
            .iter()
            .filter(|k| !target.contains(k))
            .cloned()
            .collect();
        let mut events = self.leave(track, &leaving);
        for key in target {
            if current.contains(&key) {
                continue;
            }
            match self.groups.iter_mut().find(|g| g.key == key) {
                Some(group) => group.tracks.push(track),
                None => {
                    events.push(GroupEvent::StreamAdded { group: key.clone() });
                    self.groups.push(Group {
                        key: key.clone(),
                        tracks: vec![track],
                    });
                }
            }
            events.push(GroupEvent::TrackJoined { group: key, track });
        }
        events
    }

    /// A remote track went away (its transceiver stopped, or the far side removed it and
    /// renegotiated): it leaves every group (`TrackLeft` each), then `StreamRemoved` for each
    /// group now empty. An empty group is deleted; a later track with the same stream id creates
    /// it again (with a new `StreamAdded`). An unknown track produces no events.
    pub fn track_removed(&mut self, track: TrackKey) -> Vec<GroupEvent> {
        let current = self.groups_of(track);
        self.leave(track, &current)
    }

    /// Takes `track` out of the groups `keys`: `TrackLeft` for each, then `StreamRemoved` for
    /// each group left empty (which is deleted).
    fn leave(&mut self, track: TrackKey, keys: &[GroupKey]) -> Vec<GroupEvent> {
        let mut events = Vec::new();
        let mut emptied = Vec::new();
        for key in keys {
            if let Some(group) = self.groups.iter_mut().find(|g| &g.key == key) {
                let before = group.tracks.len();
                group.tracks.retain(|t| *t != track);
                if group.tracks.len() != before {
                    events.push(GroupEvent::TrackLeft {
                        group: key.clone(),
                        track,
                    });
                    if group.tracks.is_empty() {
                        emptied.push(key.clone());
                    }
                }
            }
        }
        self.groups.retain(|g| !g.tracks.is_empty());
        events.extend(
            emptied
                .into_iter()
                .map(|group| GroupEvent::StreamRemoved { group }),
        );
        events
    }

    /// The current groups, in order of first arrival (a re-created group comes last).
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The group with this key, if it exists.
    pub fn group(&self, key: &GroupKey) -> Option<&Group> {
        self.groups.iter().find(|g| &g.key == key)
    }

    /// The keys of the groups `track` is in, in the order of [`groups`](Self::groups); empty
    /// for an unknown track.
    pub fn groups_of(&self, track: TrackKey) -> Vec<GroupKey> {
        self.groups
            .iter()
            .filter(|g| g.tracks.contains(&track))
            .map(|g| g.key.clone())
            .collect()
    }

    /// Whether `track` is known (it is in at least one group).
    pub fn contains_track(&self, track: TrackKey) -> bool {
        self.groups.iter().any(|g| g.tracks.contains(&track))
    }

    /// Whether there are no groups (and so no tracks).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
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

    /// Whether `sender` is known (even if streamless).
    pub fn contains(&self, sender: SenderKey) -> bool {
        self.senders.iter().any(|e| e.sender == sender)
    }

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

    /// The known senders (streamless ones included), in order of first registration.
    pub fn senders(&self) -> impl Iterator<Item = SenderKey> + '_ {
        self.senders.iter().map(|e| e.sender)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn ids(names: &[&str]) -> Vec<StreamId> {
        names.iter().map(|n| StreamId::from(*n)).collect()
    }

    fn s(name: &str) -> GroupKey {
        GroupKey::Stream(StreamId::from(name))
    }

    const A: TrackKey = TrackKey(1);
    const V: TrackKey = TrackKey(2);
    const T3: TrackKey = TrackKey(3);

    fn added(group: GroupKey) -> GroupEvent {
        GroupEvent::StreamAdded { group }
    }
    fn joined(group: GroupKey, track: TrackKey) -> GroupEvent {
        GroupEvent::TrackJoined { group, track }
    }
    fn left(group: GroupKey, track: TrackKey) -> GroupEvent {
        GroupEvent::TrackLeft { group, track }
    }
    fn removed(group: GroupKey) -> GroupEvent {
        GroupEvent::StreamRemoved { group }
    }

    #[test]
    fn audio_and_video_in_one_stream_fire_one_stream_added() {
        let mut g = RemoteGrouping::default();
        let cam = ids(&["cam"]);
        assert_eq!(
            g.track_arrived(A, &cam),
            vec![added(s("cam")), joined(s("cam"), A)]
        );
        assert_eq!(g.track_arrived(V, &cam), vec![joined(s("cam"), V)]);
        assert_eq!(
            g.groups(),
            &[Group {
                key: s("cam"),
                tracks: vec![A, V]
            }]
        );
    }

    #[test]
    fn track_added_with_two_streams_is_in_both_groups() {
        let mut g = RemoteGrouping::default();
        let ev = g.track_arrived(A, &ids(&["s1", "s2"]));
        assert_eq!(
            ev,
            vec![
                added(s("s1")),
                joined(s("s1"), A),
                added(s("s2")),
                joined(s("s2"), A)
            ]
        );
        assert_eq!(g.groups_of(A), vec![s("s1"), s("s2")]);
        assert_eq!(g.group(&s("s1")).map(|g| g.tracks.clone()), Some(vec![A]));
        assert_eq!(g.group(&s("s2")).map(|g| g.tracks.clone()), Some(vec![A]));
    }

    #[test]
    fn zero_one_and_two_streams() {
        let mut g = RemoteGrouping::default();
        g.track_arrived(TrackKey(0), &[]);
        g.track_arrived(TrackKey(1), &ids(&["x"]));
        g.track_arrived(TrackKey(2), &ids(&["y", "z"]));
        assert_eq!(g.groups_of(TrackKey(0)), vec![GroupKey::Shared]);
        assert_eq!(g.groups_of(TrackKey(1)), vec![s("x")]);
        assert_eq!(g.groups_of(TrackKey(2)), vec![s("y"), s("z")]);
        let keys: Vec<_> = g.groups().iter().map(|g| g.key.clone()).collect();
        assert_eq!(keys, vec![GroupKey::Shared, s("x"), s("y"), s("z")]);
    }

    #[test]
    fn duplicate_stream_ids_count_once() {
        let mut g = RemoteGrouping::default();
        let ev = g.track_arrived(A, &ids(&["cam", "cam"]));
        assert_eq!(ev, vec![added(s("cam")), joined(s("cam"), A)]);
        assert!(g.track_arrived(A, &ids(&["cam"])).is_empty());
    }

    #[test]
    fn streamless_tracks_share_one_stream_by_default() {
        let mut g = RemoteGrouping::default();
        assert_eq!(g.policy(), StreamlessPolicy::Shared);
        assert_eq!(
            g.track_arrived(A, &[]),
            vec![added(GroupKey::Shared), joined(GroupKey::Shared, A)]
        );
        assert_eq!(g.track_arrived(V, &[]), vec![joined(GroupKey::Shared, V)]);
        assert_eq!(
            g.groups(),
            &[Group {
                key: GroupKey::Shared,
                tracks: vec![A, V]
            }]
        );
        assert!(g.groups().iter().all(|gr| gr.key.is_streamless()));
    }

    #[test]
    fn streamless_tracks_get_a_stream_each_per_track() {
        let mut g = RemoteGrouping::new(StreamlessPolicy::PerTrack);
        let ta = GroupKey::Track(A);
        let tv = GroupKey::Track(V);
        assert_eq!(
            g.track_arrived(A, &[]),
            vec![added(ta.clone()), joined(ta.clone(), A)]
        );
        assert_eq!(
            g.track_arrived(V, &[]),
            vec![added(tv.clone()), joined(tv.clone(), V)]
        );
        assert_eq!(g.groups().len(), 2);
        assert_eq!(g.groups_of(A), vec![ta]);
        assert_eq!(g.groups_of(V), vec![tv]);
    }

    #[test]
    fn streamless_and_grouped_tracks_mix() {
        let mut g = RemoteGrouping::default();
        g.track_arrived(A, &ids(&["cam"]));
        g.track_arrived(V, &[]);
        g.track_arrived(T3, &ids(&["cam"]));
        assert_eq!(
            g.group(&s("cam")).map(|g| g.tracks.clone()),
            Some(vec![A, T3])
        );
        assert_eq!(
            g.group(&GroupKey::Shared).map(|g| g.tracks.clone()),
            Some(vec![V])
        );
        assert!(!s("cam").is_streamless());
        assert!(GroupKey::Shared.is_streamless() && GroupKey::Track(A).is_streamless());
    }

    #[test]
    fn removing_one_track_keeps_the_stream_removing_the_last_removes_it() {
        let mut g = RemoteGrouping::default();
        g.track_arrived(A, &ids(&["cam"]));
        g.track_arrived(V, &ids(&["cam"]));
        assert_eq!(g.track_removed(A), vec![left(s("cam"), A)]);
        assert!(!g.contains_track(A));
        assert_eq!(
            g.track_removed(V),
            vec![left(s("cam"), V), removed(s("cam"))]
        );
        assert!(g.is_empty());
        assert!(g.track_removed(V).is_empty(), "unknown track: no events");
        // The same id later creates the stream again.
        assert_eq!(
            g.track_arrived(T3, &ids(&["cam"])),
            vec![added(s("cam")), joined(s("cam"), T3)]
        );
    }

    #[test]
    fn removing_a_track_in_two_streams_leaves_both() {
        let mut g = RemoteGrouping::default();
        g.track_arrived(A, &ids(&["s1", "s2"]));
        g.track_arrived(V, &ids(&["s2"]));
        assert_eq!(
            g.track_removed(A),
            vec![left(s("s1"), A), left(s("s2"), A), removed(s("s1"))]
        );
        assert_eq!(g.groups_of(V), vec![s("s2")]);
    }

    #[test]
    fn emptied_shared_group_is_recreated_by_a_new_streamless_track() {
        let mut g = RemoteGrouping::default();
        g.track_arrived(V, &ids(&["cam"]));
        g.track_arrived(A, &[]);
        assert_eq!(
            g.track_removed(A),
            vec![left(GroupKey::Shared, A), removed(GroupKey::Shared)]
        );
        assert_eq!(
            g.track_arrived(T3, &[]),
            vec![added(GroupKey::Shared), joined(GroupKey::Shared, T3)]
        );
        let keys: Vec<_> = g.groups().iter().map(|g| g.key.clone()).collect();
        assert_eq!(
            keys,
            vec![s("cam"), GroupKey::Shared],
            "a re-created group goes last"
        );
    }

    #[test]
    fn refired_track_event_is_idempotent() {
        let mut g = RemoteGrouping::default();
        g.track_arrived(A, &ids(&["s1", "s2"]));
        g.track_arrived(V, &[]);
        let before = g.clone();
        assert!(g.track_arrived(A, &ids(&["s1", "s2"])).is_empty());
        assert!(
            g.track_arrived(A, &ids(&["s2", "s1"])).is_empty(),
            "order does not matter"
        );
        assert!(g.track_arrived(V, &[]).is_empty());
        assert_eq!(g, before);
    }

    #[test]
    fn track_moves_between_stream_sets() {
        let mut g = RemoteGrouping::default();
        g.track_arrived(A, &ids(&["s1", "s2"]));
        g.track_arrived(V, &ids(&["s2"]));
        // setStreams(s2, s3) on the far side.
        assert_eq!(
            g.track_arrived(A, &ids(&["s2", "s3"])),
            vec![
                left(s("s1"), A),
                removed(s("s1")),
                added(s("s3")),
                joined(s("s3"), A)
            ]
        );
        assert_eq!(g.groups_of(A), vec![s("s2"), s("s3")]);
        // Streamless now: leaves everything, joins the shared group.
        assert_eq!(
            g.track_arrived(A, &[]),
            vec![
                left(s("s2"), A),
                left(s("s3"), A),
                removed(s("s3")),
                added(GroupKey::Shared),
                joined(GroupKey::Shared, A)
            ]
        );
        // And gets an id again.
        assert_eq!(
            g.track_arrived(A, &ids(&["s2"])),
            vec![
                left(GroupKey::Shared, A),
                removed(GroupKey::Shared),
                joined(s("s2"), A)
            ]
        );
        assert_eq!(
            g.group(&s("s2")).map(|g| g.tracks.clone()),
            Some(vec![V, A])
        );
    }

    #[test]
    fn policy_change_affects_only_later_tracks() {
        let mut g = RemoteGrouping::default();
        g.track_arrived(A, &[]);
        g.set_policy(StreamlessPolicy::PerTrack);
        assert_eq!(g.policy(), StreamlessPolicy::PerTrack);
        assert!(
            g.track_arrived(A, &[]).is_empty(),
            "streamless again: stays in Shared"
        );
        assert_eq!(g.groups_of(A), vec![GroupKey::Shared]);
        g.track_arrived(V, &[]);
        assert_eq!(g.groups_of(V), vec![GroupKey::Track(V)]);
        g.set_policy(StreamlessPolicy::Shared);
        assert!(g.track_arrived(V, &[]).is_empty());
        assert_eq!(g.groups_of(V), vec![GroupKey::Track(V)]);
        g.track_arrived(T3, &[]);
        assert_eq!(
            g.group(&GroupKey::Shared).map(|g| g.tracks.clone()),
            Some(vec![A, T3])
        );
    }

    #[test]
    fn policy_strings_and_serde() {
        for &p in StreamlessPolicy::ALL {
            assert_eq!(p.as_str().parse::<StreamlessPolicy>(), Ok(p));
            assert_eq!(
                serde_json::to_string(&p).ok(),
                Some(format!("\"{}\"", p.as_str()))
            );
        }
        assert_eq!(StreamlessPolicy::PerTrack.to_string(), "per-track");
        let err = "pertrack".parse::<StreamlessPolicy>().err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("\"pertrack\"") && msg.contains("shared") && msg.contains("per-track")
        );
    }

    #[test]
    fn serde_forms_of_keys_and_events() {
        fn json<T: Serialize>(v: &T) -> String {
            serde_json::to_string(v).unwrap_or_default()
        }
        assert_eq!(json(&s("cam")), r#"{"kind":"stream","id":"cam"}"#);
        assert_eq!(json(&GroupKey::Shared), r#"{"kind":"shared"}"#);
        assert_eq!(
            json(&GroupKey::Track(TrackKey(3))),
            r#"{"kind":"track","id":3}"#
        );
        assert_eq!(
            json(&joined(GroupKey::Shared, TrackKey(1))),
            r#"{"type":"trackJoined","group":{"kind":"shared"},"track":1}"#
        );
        let back: Option<GroupKey> = serde_json::from_str(r#"{"kind":"track","id":3}"#).ok();
        assert_eq!(back, Some(GroupKey::Track(TrackKey(3))));
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

    // -----------------------------------------------------------------------------------------
    // Property test against a simple reference model.
    // -----------------------------------------------------------------------------------------

    #[derive(Debug, Clone)]
    enum Op {
        Arrive(u32, u8),
        Remove(u32),
        Policy(StreamlessPolicy),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0u32..8, 0u8..8).prop_map(|(t, m)| Op::Arrive(t, m)),
            2 => (0u32..8).prop_map(Op::Remove),
            1 => prop_oneof![Just(StreamlessPolicy::Shared), Just(StreamlessPolicy::PerTrack)]
                .prop_map(Op::Policy),
        ]
    }

    const NAMES: [&str; 3] = ["a", "b", "c"];

    fn ids_of_mask(mask: u8) -> Vec<StreamId> {
        NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, n)| StreamId::from(*n))
            .collect()
    }

    /// What the reference remembers of a track's last arrival.
    #[derive(Debug, Clone, PartialEq)]
    enum Last {
        Ids(BTreeSet<StreamId>),
        Streamless(StreamlessPolicy),
    }

    fn expected_groups(model: &BTreeMap<TrackKey, Last>) -> BTreeMap<GroupKey, BTreeSet<TrackKey>> {
        let mut out: BTreeMap<GroupKey, BTreeSet<TrackKey>> = BTreeMap::new();
        for (&t, last) in model {
            let keys: Vec<GroupKey> = match last {
                Last::Ids(set) => set.iter().cloned().map(GroupKey::Stream).collect(),
                Last::Streamless(StreamlessPolicy::Shared) => vec![GroupKey::Shared],
                Last::Streamless(StreamlessPolicy::PerTrack) => vec![GroupKey::Track(t)],
            };
            for k in keys {
                out.entry(k).or_default().insert(t);
            }
        }
        out
    }

    /// Applies events to a replayed copy of the groups, checking each is legal.
    fn replay(
        state: &mut Vec<(GroupKey, Vec<TrackKey>)>,
        ev: &GroupEvent,
    ) -> Result<(), TestCaseError> {
        let pos = state.iter().position(|(k, _)| k == ev.group());
        match (ev, pos) {
            (GroupEvent::StreamAdded { group }, None) => state.push((group.clone(), Vec::new())),
            (GroupEvent::TrackJoined { track, .. }, Some(i)) => {
                let tracks = &mut state[i].1;
                prop_assert!(!tracks.contains(track), "joined twice: {:?}", ev);
                tracks.push(*track);
            }
            (GroupEvent::TrackLeft { track, .. }, Some(i)) => {
                let tracks = &mut state[i].1;
                prop_assert!(tracks.contains(track), "left without joining: {:?}", ev);
                tracks.retain(|t| t != track);
            }
            (GroupEvent::StreamRemoved { .. }, Some(i)) => {
                prop_assert!(state[i].1.is_empty(), "removed non-empty: {:?}", ev);
                state.remove(i);
            }
            _ => prop_assert!(false, "illegal event {:?} for state {:?}", ev, state),
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn random_sequences_keep_the_invariants(
            initial in prop_oneof![Just(StreamlessPolicy::Shared), Just(StreamlessPolicy::PerTrack)],
            ops in proptest::collection::vec(op(), 0..40),
        ) {
            let mut g = RemoteGrouping::new(initial);
            let mut policy = initial;
            let mut model: BTreeMap<TrackKey, Last> = BTreeMap::new();
            let mut replayed: Vec<(GroupKey, Vec<TrackKey>)> = Vec::new();
            let mut stream_added = 0usize;
            let mut created = 0usize;

            for op in ops {
                let before: BTreeSet<GroupKey> = expected_groups(&model).into_keys().collect();
                let events = match op {
                    Op::Arrive(t, mask) => {
                        let t = TrackKey(t);
                        let list = ids_of_mask(mask);
                        // Repeat some ids to exercise deduplication.
                        let mut given = list.clone();
                        given.extend(list.iter().rev().cloned());
                        let next = if list.is_empty() {
                            match model.get(&t) {
                                Some(Last::Streamless(p)) => Last::Streamless(*p),
                                _ => Last::Streamless(policy),
                            }
                        } else {
                            Last::Ids(list.iter().cloned().collect())
                        };
                        model.insert(t, next);
                        let ev = g.track_arrived(t, &given);
                        let snapshot = g.clone();
                        prop_assert!(g.track_arrived(t, &list).is_empty(), "re-fire not idempotent");
                        prop_assert_eq!(&g, &snapshot);
                        ev
                    }
                    Op::Remove(t) => {
                        let known = model.remove(&TrackKey(t)).is_some();
                        let ev = g.track_removed(TrackKey(t));
                        prop_assert_eq!(known, !ev.is_empty());
                        ev
                    }
                    Op::Policy(p) => {
                        policy = p;
                        g.set_policy(p);
                        Vec::new()
                    }
                };
                let after = expected_groups(&model);
                created += after.keys().filter(|k| !before.contains(*k)).count();

                // Shape of one call's events: leaves, removals, then (added, joined) pairs.
                for (i, ev) in events.iter().enumerate() {
                    if let GroupEvent::StreamAdded { group } = ev {
                        stream_added += 1;
                        let next_is_join = matches!(
                            events.get(i + 1),
                            Some(GroupEvent::TrackJoined { group: g2, .. }) if g2 == group
                        );
                        prop_assert!(next_is_join, "StreamAdded not followed by its TrackJoined");
                    }
                    replay(&mut replayed, ev)?;
                }

                // Matches the reference exactly.
                let actual: BTreeMap<GroupKey, BTreeSet<TrackKey>> = g
                    .groups()
                    .iter()
                    .map(|gr| (gr.key.clone(), gr.tracks.iter().copied().collect()))
                    .collect();
                prop_assert_eq!(&actual, &after);

                // Invariants.
                prop_assert_eq!(actual.len(), g.groups().len(), "a group key appears twice");
                prop_assert!(g.groups().iter().all(|gr| !gr.tracks.is_empty()), "empty group");
                for gr in g.groups() {
                    let distinct: BTreeSet<_> = gr.tracks.iter().collect();
                    prop_assert_eq!(distinct.len(), gr.tracks.len());
                }
                for (&t, last) in &model {
                    prop_assert!(g.contains_track(t));
                    let of = g.groups_of(t);
                    prop_assert!(!of.is_empty());
                    match last {
                        Last::Streamless(_) => {
                            prop_assert_eq!(of.len(), 1);
                            prop_assert!(of.iter().all(GroupKey::is_streamless));
                        }
                        Last::Ids(set) => {
                            for k in &of {
                                prop_assert!(k.stream_id().is_some_and(|id| set.contains(id)));
                            }
                        }
                    }
                }
                for t in 0..8 {
                    prop_assert_eq!(g.contains_track(TrackKey(t)), model.contains_key(&TrackKey(t)));
                }
                prop_assert_eq!(stream_added, created);

                // Replaying every event so far gives exactly the current groups, in order.
                let current: Vec<(GroupKey, Vec<TrackKey>)> = g
                    .groups()
                    .iter()
                    .map(|gr| (gr.key.clone(), gr.tracks.clone()))
                    .collect();
                prop_assert_eq!(&replayed, &current);
            }
        }
    }
}
