//! Which transceiver `addTrack` will reuse, decided as a pure function over plain data, plus the
//! ledger that keeps the history the browser hides.
//!
//! [`addTrack`](https://w3c.github.io/webrtc-pc/#dom-rtcpeerconnection-addtrack) throws
//! `InvalidStateError` on a closed connection and `InvalidAccessError` for a track that is already
//! being sent; otherwise it reuses the first transceiver (in `getTransceivers()` order) whose
//! sender is reusable, or creates a new `sendrecv` transceiver. A sender is reusable when, checked
//! in this order:
//!
//! 1. the sender has no track ([`Reason::HasTrack`]);
//! 2. the receiver's track kind is the new track's kind ([`Reason::KindMismatch`]);
//! 3. the transceiver is neither stopped ([`Reason::Stopped`]) nor stopping
//!    ([`Reason::Stopping`]);
//! 4. the sender has never been used to send: the transceiver's `currentDirection` has never been
//!    `sendrecv` or `sendonly` ([`Reason::HasSent`]).
//!
//! Browsers expose only the *current* `currentDirection`, not its history, so condition 4 needs a
//! [`Ledger`] that watches every transceiver's `currentDirection` and remembers whether it ever
//! sent. [`predict`] takes a snapshot ([`AddTrackFacts`]) and the browser's departures from the
//! spec ([`Rules`]) and returns the [`Outcome`] with a [`Verdict`] per transceiver.
//!
//! Adding a departure from the spec: add a flag to [`Rules`] (with its spec value in
//! [`Rules::SPEC`]), a [`Reason`] variant (with its [`Reason::code`] and `Display` text) if it
//! changes which transceivers are reusable, and one check in `first_failure` (or `throw_on_pick`
//! if it makes the call throw).

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::types::{Direction, TrackKind};

/// What `addTrack` needs to know about one transceiver, in `getTransceivers()` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TransceiverFacts {
    /// The kind of the transceiver's receiver track (`transceiver.receiver.track.kind`).
    pub kind: TrackKind,
    /// Whether `transceiver.sender.track` is non-null.
    pub sender_has_track: bool,
    /// Whether the transceiver is stopped (`currentDirection` is `"stopped"`).
    pub stopped: bool,
    /// Whether `stop()` was called but the stop has not been negotiated yet.
    pub stopping: bool,
    /// `transceiver.direction`.
    pub direction: Direction,
    /// `transceiver.currentDirection` (`None` before the first negotiation).
    pub current_direction: Option<Direction>,
    /// The ledger's history bit: whether `currentDirection` was ever `sendrecv` or `sendonly`
    /// ([`Ledger::has_sent`]).
    pub has_sent: bool,
    /// The last sending `currentDirection` the ledger recorded ([`Ledger::sent_direction`]).
    pub sent_direction: Option<Direction>,
}

impl TransceiverFacts {
    /// Whether the sender has been used to send: the ledger says so, or the current
    /// `currentDirection` sends (the ledger may have missed it).
    pub fn sender_has_sent(&self) -> bool {
        self.has_sent
            || self.sent_direction.is_some_and(Direction::sends)
            || self.current_direction.is_some_and(Direction::sends)
    }

    /// The sending `currentDirection` to report in [`Reason::HasSent`]: the current one if it
    /// sends (it is the most recent), else the one the ledger recorded, else `sendrecv`.
    fn reported_sent_direction(&self) -> Direction {
        self.current_direction
            .filter(|d| d.sends())
            .or(self.sent_direction.filter(|d| d.sends()))
            .unwrap_or(Direction::SendRecv)
    }
}

/// A snapshot of the connection and the `addTrack(track, …)` call being predicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct AddTrackFacts<'a> {
    /// Whether the connection is closed (`signalingState` is `"closed"`).
    pub closed: bool,
    /// The kind of the track being added.
    pub track_kind: TrackKind,
    /// Whether the track already is the track of one of the connection's senders.
    pub track_already_added: bool,
    /// Every transceiver, in `getTransceivers()` order.
    pub transceivers: &'a [TransceiverFacts],
}

/// How the running browser departs from the spec's `addTrack` rule. Each flag's spec value is
/// given in brackets; [`Rules::SPEC`] (also [`Rules::default`]) has them all.
///
/// Missing fields deserialize to their spec value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// \[true\] A stopping transceiver (`stop()` called, not yet negotiated) is not reusable.
    /// When false the browser treats it as reusable (if the other conditions hold).
    pub stopping_blocks_reuse: bool,
    /// \[None\] When set, a stopping transceiver that passes the other conditions (checked
    /// first, has-sent included) is still *picked*, and `addTrack` throws this exception instead
    /// of reusing it — Chromium's behaviour ("The existing transceiver is stopping.").
    /// Only meaningful when `stopping_blocks_reuse` is false.
    pub stopping_throws: Option<ThrowName>,
}

impl Rules {
    /// The rule as the spec writes it.
    pub const SPEC: Rules = Rules { stopping_blocks_reuse: true, stopping_throws: None };
}

impl Default for Rules {
    fn default() -> Self {
        Rules::SPEC
    }
}

/// Why a transceiver's sender is not reusable: the first condition that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Reason {
    /// The sender has a track.
    HasTrack,
    /// The receiver track's kind differs from the new track's kind.
    KindMismatch {
        /// The transceiver's (receiver track's) kind.
        transceiver: TrackKind,
        /// The kind of the track being added.
        track: TrackKind,
    },
    /// The transceiver is stopped.
    Stopped,
    /// `stop()` was called and the stop is not negotiated yet.
    Stopping,
    /// The sender has been used to send.
    HasSent {
        /// The sending `currentDirection` that was recorded.
        current_direction: Direction,
    },
    /// A browser departure, on a transceiver that *is* reusable: it is stopping, yet the browser
    /// reuses it, and its direction stays `stopped` (Firefox).
    StoppingReused,
    /// A browser departure: the transceiver is stopping, yet the browser picks it for reuse and
    /// `addTrack` throws instead of reusing it (Chromium: "The existing transceiver is stopping.").
    StoppingPicked {
        /// The exception `addTrack` throws.
        throws: ThrowName,
    },
}

impl Reason {
    /// Every [`code`](Self::code), in declaration order: the one list the JS types
    /// (js/rtc-peer.d.ts), the README's table and the demo are checked against (host test).
    pub const CODES: &'static [&'static str] =
        &["has-track", "kind-mismatch", "stopped", "stopping", "has-sent", "stopping-reused", "stopping-picked"];

    /// A stable machine-readable name: `"has-track"`, `"kind-mismatch"`, `"stopped"`,
    /// `"stopping"` or `"has-sent"` (also the `code` field of the serde form).
    pub const fn code(&self) -> &'static str {
        match self {
            Reason::HasTrack => "has-track",
            Reason::KindMismatch { .. } => "kind-mismatch",
            Reason::Stopped => "stopped",
            Reason::Stopping => "stopping",
            Reason::HasSent { .. } => "has-sent",
            Reason::StoppingPicked { .. } => "stopping-picked",
            Reason::StoppingReused => "stopping-reused",
        }
    }
}

impl Reason {
    /// The reason in plain words, e.g. "kind video, track is audio". Built by concatenation (no
    /// `core::fmt`), so the wasm build that only needs the words does not carry the formatter.
    pub fn describe(&self) -> String {
        match self {
            Reason::HasTrack => "has a track".into(),
            Reason::KindMismatch { transceiver, track } => {
                crate::concat(&["kind ", transceiver.as_str(), ", track is ", track.as_str()])
            }
            Reason::Stopped => "stopped".into(),
            Reason::Stopping => "stopping (stop() was called, not yet negotiated)".into(),
            Reason::HasSent { current_direction } => {
                crate::concat(&["has sent before (currentDirection was ", current_direction.as_str(), ")"])
            }
            Reason::StoppingReused => {
                "stopping; this browser still reuses it and its direction stays stopped (departs from the spec)".into()
            }
            Reason::StoppingPicked { throws } => crate::concat(&[
                "stopping; this browser still picks it and addTrack throws ",
                throws.as_str(),
                " (departs from the spec)",
            ]),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Whether one transceiver's sender is reusable, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Verdict {
    /// Whether `addTrack` may reuse this transceiver.
    pub reusable: bool,
    /// The first failed condition when not reusable; when reusable, `None`, or the browser
    /// departure that makes it reusable ([`Reason::StoppingReused`]).
    pub reason: Option<Reason>,
}

impl Verdict {
    fn new(failure: Option<Reason>, note: Option<Reason>) -> Verdict {
        Verdict { reusable: failure.is_none(), reason: failure.or(note) }
    }
}

/// On a reusable transceiver: the departure that made it so, if any.
fn departure_note(t: &TransceiverFacts, rules: &Rules) -> Option<Reason> {
    (t.stopping && !rules.stopping_blocks_reuse && rules.stopping_throws.is_none()).then_some(Reason::StoppingReused)
}

/// The name of the `DOMException` `addTrack` throws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ThrowName {
    /// `InvalidStateError`: the connection is closed (or the browser refuses a stopping
    /// transceiver, see [`Rules::stopping_throws`]).
    InvalidStateError,
    /// `InvalidAccessError`: the track is already the track of a sender.
    InvalidAccessError,
}

impl ThrowName {
    /// The exception's `name`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ThrowName::InvalidStateError => "InvalidStateError",
            ThrowName::InvalidAccessError => "InvalidAccessError",
        }
    }
}

impl fmt::Display for ThrowName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `addTrack` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// It throws a `DOMException` with this name.
    Throws(ThrowName),
    /// It reuses the transceiver at `index` (in `getTransceivers()` order).
    Reuse {
        /// The transceiver's position in `getTransceivers()`.
        index: usize,
        /// Its `direction` before the call.
        direction_before: Direction,
        /// Its `direction` after the call (sending added, see [`Direction::with_send`]).
        direction_after: Direction,
    },
    /// It creates a new `sendrecv` transceiver.
    New,
}

/// The predicted outcome of an `addTrack` call and the verdict for every transceiver.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Prediction {
    /// What the call does.
    pub outcome: Outcome,
    /// One verdict per transceiver, in `getTransceivers()` order; computed even when the call
    /// throws.
    pub candidates: Vec<Verdict>,
}

impl Prediction {
    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// The index of the reused transceiver, if the call reuses one.
    pub fn reuse_index(&self) -> Option<usize> {
        match self.outcome {
            Outcome::Reuse { index, .. } => Some(index),
            _ => None,
        }
    }
}

/// The first reuse condition `t` fails for a track of kind `track`, in the spec's order.
fn first_failure(t: &TransceiverFacts, track: TrackKind, rules: &Rules) -> Option<Reason> {
    if t.sender_has_track {
        return Some(Reason::HasTrack);
    }
    if t.kind != track {
        return Some(Reason::KindMismatch { transceiver: t.kind, track });
    }
    if t.stopped {
        return Some(Reason::Stopped);
    }
    if t.stopping && rules.stopping_blocks_reuse {
        return Some(Reason::Stopping);
    }
    if t.sender_has_sent() {
        return Some(Reason::HasSent { current_direction: t.reported_sent_direction() });
    }
    if t.stopping {
        if let Some(throws) = rules.stopping_throws {
            return Some(Reason::StoppingPicked { throws });
        }
    }
    None
}

/// Predicts what `pc.addTrack(track, …)` does on a connection described by `facts`, in a browser
/// that follows `rules`.
pub fn predict(facts: &AddTrackFacts<'_>, rules: &Rules) -> Prediction {
    let candidates: Vec<Verdict> = facts
        .transceivers
        .iter()
        .map(|t| Verdict::new(first_failure(t, facts.track_kind, rules), departure_note(t, rules)))
        .collect();

    let outcome = if facts.closed {
        Outcome::Throws(ThrowName::InvalidStateError)
    } else if facts.track_already_added {
        Outcome::Throws(ThrowName::InvalidAccessError)
    } else {
        // The browser picks the first transceiver that passes; under a departure rule that may
        // be one it then refuses, throwing.
        let picked = facts.transceivers.iter().zip(&candidates).enumerate().find(|(_, (_, v))| {
            v.reusable || matches!(v.reason, Some(Reason::StoppingPicked { .. }))
        });
        match picked {
            None => Outcome::New,
            Some((_, (_, Verdict { reason: Some(Reason::StoppingPicked { throws }), .. }))) => {
                Outcome::Throws(*throws)
            }
            Some((index, (t, _))) => Outcome::Reuse {
                index,
                direction_before: t.direction,
                direction_after: t.direction.with_send(),
            },
        }
    };

    Prediction { outcome, candidates }
}

/// The sending history of each transceiver, which browsers do not expose.
///
/// Feed it every transceiver's `currentDirection` whenever it may have changed (after each
/// `setLocalDescription` / `setRemoteDescription`) with [`Ledger::observe`], and drop transceivers
/// that disappeared (e.g. after a rollback) with [`Ledger::retain`]. Entries keep insertion order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Ledger<K> {
    /// `(key, last sending currentDirection seen)`, in insertion order.
    entries: Vec<(K, Option<Direction>)>,
}

impl<K> Default for Ledger<K> {
    fn default() -> Self {
        Ledger { entries: Vec::new() }
    }
}

impl<K: Copy + Eq> Ledger<K> {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    fn entry_mut(&mut self, key: K) -> Option<&mut Option<Direction>> {
        self.entries.iter_mut().find(|(k, _)| *k == key).map(|(_, sent)| sent)
    }

    /// Records the transceiver `key` (if new) with its current `currentDirection`. If that
    /// direction sends, the transceiver has sent from now on and this direction becomes its
    /// [`sent_direction`](Ledger::sent_direction); a non-sending direction never clears it.
    pub fn observe(&mut self, key: K, current_direction: Option<Direction>) {
        let sending = current_direction.filter(|d| d.sends());
        match self.entry_mut(key) {
            Some(sent) => {
                if sending.is_some() {
                    *sent = sending;
                }
            }
            None => self.entries.push((key, sending)),
        }
    }

    /// Whether transceiver `key`'s `currentDirection` was ever seen sending (false if unknown).
    pub fn has_sent(&self, key: K) -> bool {
        self.sent_direction(key).is_some()
    }

    /// The last sending `currentDirection` seen for transceiver `key`, if any.
    pub fn sent_direction(&self, key: K) -> Option<Direction> {
        self.entries.iter().find(|(k, _)| *k == key).and_then(|(_, sent)| *sent)
    }

    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// Whether transceiver `key` has been observed (and not dropped since).
    pub fn contains(&self, key: K) -> bool {
        self.entries.iter().any(|(k, _)| *k == key)
    }

    /// Keeps only the transceivers for which `keep` returns true, e.g. the ones still in
    /// `getTransceivers()`. A dropped transceiver observed again starts with no history.
    pub fn retain(&mut self, keep: impl Fn(K) -> bool) {
        self.entries.retain(|(k, _)| keep(*k));
    }

    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// How many transceivers are recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// Whether no transceiver is recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// Every recorded transceiver with its last sending `currentDirection`, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (K, Option<Direction>)> + '_ {
        self.entries.iter().copied()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    use Direction::{Inactive, RecvOnly, SendOnly, SendRecv};
    use TrackKind::{Audio, Video};

    /// An unused transceiver of `kind` in `direction`, never negotiated.
    fn fresh(kind: TrackKind, direction: Direction) -> TransceiverFacts {
        TransceiverFacts {
            kind,
            sender_has_track: false,
            stopped: false,
            stopping: false,
            direction,
            current_direction: None,
            has_sent: false,
            sent_direction: None,
        }
    }

    fn add(kind: TrackKind, ts: &[TransceiverFacts]) -> AddTrackFacts<'_> {
        AddTrackFacts {
            closed: false,
            track_kind: kind,
            track_already_added: false,
            transceivers: ts,
        }
    }

    fn reason_text(p: &Prediction, i: usize) -> String {
        p.candidates.get(i).and_then(|v| v.reason).map(|r| r.to_string()).unwrap_or_default()
    }

    #[test]
    fn rules_default_is_spec() {
        assert_eq!(Rules::default(), Rules::SPEC);
        assert_eq!(Rules::SPEC, Rules { stopping_blocks_reuse: true, stopping_throws: None });
        let parsed: Rules = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, Rules::SPEC, "missing flags take their spec value");
    }

    #[test]
    fn recvonly_sender_is_reused_and_becomes_sendrecv() {
        let mut t = fresh(Audio, RecvOnly);
        t.current_direction = Some(RecvOnly);
        let p = predict(&add(Audio, &[t]), &Rules::SPEC);
        assert_eq!(
            p.outcome,
            Outcome::Reuse { index: 0, direction_before: RecvOnly, direction_after: SendRecv }
        );
        assert_eq!(p.candidates, vec![Verdict { reusable: true, reason: None }]);
    }

    #[test]
    fn unused_sendrecv_sender_is_reused_and_stays_sendrecv() {
        let p = predict(&add(Video, &[fresh(Video, SendRecv)]), &Rules::SPEC);
        assert_eq!(
            p.outcome,
            Outcome::Reuse { index: 0, direction_before: SendRecv, direction_after: SendRecv }
        );
    }

    #[test]
    fn inactive_sender_is_reused_and_becomes_sendonly() {
        let mut t = fresh(Audio, Inactive);
        t.current_direction = Some(Inactive);
        let p = predict(&add(Audio, &[t]), &Rules::SPEC);
        assert_eq!(
            p.outcome,
            Outcome::Reuse { index: 0, direction_before: Inactive, direction_after: SendOnly }
        );
    }

    #[test]
    fn different_kind_sender_is_not_reused() {
        let p = predict(&add(Audio, &[fresh(Video, RecvOnly)]), &Rules::SPEC);
        assert_eq!(p.outcome, Outcome::New);
        assert_eq!(
            p.candidates[0].reason,
            Some(Reason::KindMismatch { transceiver: Video, track: Audio })
        );
        assert_eq!(reason_text(&p, 0), "kind video, track is audio");
        assert_eq!(p.candidates[0].reason.map(|r| r.code()), Some("kind-mismatch"));
    }

    #[test]
    fn sender_that_has_sent_is_not_reused_after_its_track_was_removed() {
        // The track was sent (currentDirection sendrecv), then removeTrack + renegotiation left
        // currentDirection recvonly: the browser no longer shows it, the ledger remembers.
        let mut ledger = Ledger::<u32>::new();
        ledger.observe(7, None);
        ledger.observe(7, Some(SendRecv));
        ledger.observe(7, Some(RecvOnly));
        let mut t = fresh(Audio, RecvOnly);
        t.current_direction = Some(RecvOnly);
        t.has_sent = ledger.has_sent(7);
        t.sent_direction = ledger.sent_direction(7);
        let p = predict(&add(Audio, &[t]), &Rules::SPEC);
        assert_eq!(p.outcome, Outcome::New);
        assert_eq!(p.candidates[0].reason, Some(Reason::HasSent { current_direction: SendRecv }));
        assert_eq!(reason_text(&p, 0), "has sent before (currentDirection was sendrecv)");
    }

    #[test]
    fn current_sending_direction_counts_as_sent_even_if_the_ledger_missed_it() {
        let mut t = fresh(Video, SendOnly);
        t.current_direction = Some(SendOnly);
        let p = predict(&add(Video, &[t]), &Rules::SPEC);
        assert_eq!(p.outcome, Outcome::New);
        assert_eq!(reason_text(&p, 0), "has sent before (currentDirection was sendonly)");
    }

    #[test]
    fn stopped_transceiver_is_not_reused() {
        let mut t = fresh(Audio, Direction::Stopped);
        t.stopped = true;
        t.current_direction = Some(Direction::Stopped);
        for rules in [Rules::SPEC, Rules { stopping_blocks_reuse: false, ..Rules::SPEC }] {
            let p = predict(&add(Audio, &[t]), &rules);
            assert_eq!(p.outcome, Outcome::New);
            assert_eq!(p.candidates[0].reason, Some(Reason::Stopped));
            assert_eq!(reason_text(&p, 0), "stopped");
        }
    }

    #[test]
    fn stopping_transceiver_is_reused_only_when_the_browser_allows_it() {
        let mut t = fresh(Audio, Direction::Stopped);
        t.stopping = true;
        t.current_direction = Some(RecvOnly);
        let ts = [t];

        let spec = predict(&add(Audio, &ts), &Rules::SPEC);
        assert_eq!(spec.outcome, Outcome::New);
        assert_eq!(spec.candidates[0].reason, Some(Reason::Stopping));
        assert_eq!(reason_text(&spec, 0), "stopping (stop() was called, not yet negotiated)");

        let lax = Rules { stopping_blocks_reuse: false, ..Rules::SPEC };
        let p = predict(&add(Audio, &ts), &lax);
        assert_eq!(p.reuse_index(), Some(0));
        assert!(p.candidates[0].reusable);

        // Chromium: picked anyway, and addTrack throws; the verdict names the departure.
        let chromium = Rules { stopping_blocks_reuse: false, stopping_throws: Some(ThrowName::InvalidAccessError) };
        let p = predict(&add(Audio, &ts), &chromium);
        assert_eq!(p.outcome, Outcome::Throws(ThrowName::InvalidAccessError));
        assert_eq!(p.reuse_index(), None);
        assert_eq!(p.candidates[0].reason.map(|r| r.code()), Some("stopping-picked"));
        assert_eq!(
            reason_text(&p, 0),
            "stopping; this browser still picks it and addTrack throws InvalidAccessError (departs from the spec)"
        );

        // Firefox: reused, direction stays stopped; the verdict notes the departure.
        let firefox = Rules { stopping_blocks_reuse: false, stopping_throws: None };
        let p = predict(&add(Audio, &ts), &firefox);
        assert_eq!(p.reuse_index(), Some(0));
        assert_eq!(p.candidates[0], Verdict { reusable: true, reason: Some(Reason::StoppingReused) });
        assert!(matches!(p.outcome, Outcome::Reuse { direction_after: Direction::Stopped, .. }));

        // A stopping transceiver that has sent is skipped, not picked: has-sent is checked first.
        let sent = [TransceiverFacts { has_sent: true, ..ts[0] }];
        let p = predict(&add(Audio, &sent), &chromium);
        assert_eq!(p.outcome, Outcome::New);
        assert_eq!(p.candidates[0].reason.map(|r| r.code()), Some("has-sent"));

        // stopping_throws alone changes nothing: stopping transceivers are never picked.
        let p = predict(&add(Audio, &ts), &Rules { stopping_throws: Some(ThrowName::InvalidAccessError), ..Rules::SPEC });
        assert_eq!(p, spec);
    }

    #[test]
    fn closed_connection_throws_invalid_state_error() {
        let ts = [fresh(Audio, RecvOnly)];
        let facts = AddTrackFacts { closed: true, track_already_added: true, ..add(Audio, &ts) };
        let p = predict(&facts, &Rules::SPEC);
        assert_eq!(p.outcome, Outcome::Throws(ThrowName::InvalidStateError));
        assert_eq!(ThrowName::InvalidStateError.as_str(), "InvalidStateError");
        assert_eq!(p.candidates, vec![Verdict { reusable: true, reason: None }], "still computed");
    }

    #[test]
    fn already_added_track_throws_invalid_access_error() {
        let mut t = fresh(Audio, SendRecv);
        t.sender_has_track = true;
        let ts = [t];
        let facts = AddTrackFacts { track_already_added: true, ..add(Audio, &ts) };
        let p = predict(&facts, &Rules::SPEC);
        assert_eq!(p.outcome, Outcome::Throws(ThrowName::InvalidAccessError));
        assert_eq!(ThrowName::InvalidAccessError.to_string(), "InvalidAccessError");
        assert_eq!(p.candidates[0].reason, Some(Reason::HasTrack));
        assert_eq!(reason_text(&p, 0), "has a track");
    }

    #[test]
    fn first_reusable_transceiver_wins() {
        let mut busy = fresh(Audio, SendRecv);
        busy.sender_has_track = true;
        let ts = [busy, fresh(Video, RecvOnly), fresh(Audio, Inactive), fresh(Audio, RecvOnly)];
        let p = predict(&add(Audio, &ts), &Rules::SPEC);
        assert_eq!(
            p.outcome,
            Outcome::Reuse { index: 2, direction_before: Inactive, direction_after: SendOnly }
        );
        let reusable: Vec<bool> = p.candidates.iter().map(|v| v.reusable).collect();
        assert_eq!(reusable, [false, false, true, true]);
    }

    #[test]
    fn reason_is_the_first_failed_condition() {
        let all_fail = TransceiverFacts {
            kind: Video,
            sender_has_track: true,
            stopped: true,
            stopping: true,
            direction: Direction::Stopped,
            current_direction: Some(SendOnly),
            has_sent: true,
            sent_direction: Some(SendOnly),
        };
        let no_track = TransceiverFacts { sender_has_track: false, ..all_fail };
        let same_kind = TransceiverFacts { kind: Audio, ..no_track };
        let not_stopped = TransceiverFacts { stopped: false, ..same_kind };
        let not_stopping = TransceiverFacts { stopping: false, ..not_stopped };
        let ts = [all_fail, no_track, same_kind, not_stopped, not_stopping];
        let p = predict(&add(Audio, &ts), &Rules::SPEC);
        let codes: Vec<&str> =
            p.candidates.iter().filter_map(|v| v.reason).map(|r| r.code()).collect();
        assert_eq!(codes, ["has-track", "kind-mismatch", "stopped", "stopping", "has-sent"]);
        assert_eq!(reason_text(&p, 4), "has sent before (currentDirection was sendonly)");
        assert_eq!(p.outcome, Outcome::New);
    }

    #[test]
    fn serde_forms() {
        let r = Reason::KindMismatch { transceiver: Video, track: Audio };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"code":"kind-mismatch","transceiver":"video","track":"audio"}"#
        );
        for r in [
            Reason::HasTrack,
            Reason::Stopped,
            Reason::Stopping,
            Reason::HasSent { current_direction: SendOnly },
        ] {
            let v = serde_json::to_value(r).unwrap();
            assert_eq!(v["code"], r.code());
            assert_eq!(serde_json::from_value::<Reason>(v).unwrap(), r);
        }
        let p = predict(&add(Audio, &[fresh(Audio, RecvOnly)]), &Rules::SPEC);
        assert_eq!(
            serde_json::to_string(&p.outcome).unwrap(),
            r#"{"reuse":{"index":0,"direction_before":"recvonly","direction_after":"sendrecv"}}"#
        );
        let throws = Outcome::Throws(ThrowName::InvalidAccessError);
        assert_eq!(serde_json::to_string(&throws).unwrap(), r#"{"throws":"InvalidAccessError"}"#);
        assert_eq!(serde_json::to_string(&Outcome::New).unwrap(), r#""new""#);
    }

    #[test]
    fn ledger_basics() {
        let mut l = Ledger::<u32>::default();
        assert!(l.is_empty());
        l.observe(1, None);
        l.observe(2, Some(SendOnly));
        l.observe(1, Some(RecvOnly));
        assert_eq!(l.len(), 2);
        assert!(!l.has_sent(1) && l.contains(1));
        assert_eq!(l.sent_direction(2), Some(SendOnly));
        l.observe(2, Some(SendRecv));
        l.observe(2, Some(Inactive));
        l.observe(2, Some(Direction::Stopped));
        assert_eq!(l.sent_direction(2), Some(SendRecv), "last sending one, never cleared");
        assert_eq!(l.iter().collect::<Vec<_>>(), [(1, None), (2, Some(SendRecv))]);
        l.retain(|k| k != 2);
        assert!(!l.has_sent(2) && !l.contains(2));
        assert!(!l.has_sent(99));
    }

    // ---- property tests ----

    fn direction() -> impl Strategy<Value = Direction> {
        proptest::sample::select(Direction::ALL)
    }

    fn kind() -> impl Strategy<Value = TrackKind> {
        proptest::sample::select(TrackKind::ALL)
    }

    prop_compose! {
        fn transceiver()(
            kind in kind(),
            // Each failing condition is unlikely, so a good share of the cases reuse something.
            sender_has_track in proptest::bool::weighted(0.25),
            stopped in proptest::bool::weighted(0.25),
            stopping in proptest::bool::weighted(0.25),
            has_sent in proptest::bool::weighted(0.25),
            direction in direction(),
            current_direction in proptest::option::weighted(0.5, direction()),
            sent_direction in proptest::option::weighted(0.5, direction()),
        ) -> TransceiverFacts {
            TransceiverFacts {
                kind, sender_has_track, stopped, stopping, direction,
                current_direction, has_sent, sent_direction,
            }
        }
    }

    fn rules() -> impl Strategy<Value = Rules> {
        any::<(bool, u8)>().prop_map(|(stopping_blocks_reuse, t)| Rules {
            stopping_blocks_reuse,
            stopping_throws: match t % 3 {
                0 => None,
                1 => Some(ThrowName::InvalidStateError),
                _ => Some(ThrowName::InvalidAccessError),
            },
        })
    }

    /// A deliberately naive reference: one boolean per condition, then a linear scan.
    fn reference(
        closed: bool,
        already: bool,
        track: TrackKind,
        ts: &[TransceiverFacts],
        rules: &Rules,
    ) -> (Option<&'static str>, Option<usize>, Vec<Option<&'static str>>) {
        let sends = |d: Option<Direction>| d == Some(SendRecv) || d == Some(SendOnly);
        let mut codes = Vec::new();
        for t in ts {
            let a = !t.sender_has_track;
            let b = t.kind == track;
            let c1 = !t.stopped;
            let c2 = !(t.stopping && rules.stopping_blocks_reuse);
            let d = !(t.has_sent || sends(t.current_direction) || sends(t.sent_direction));
            let code = if !a {
                Some("has-track")
            } else if !b {
                Some("kind-mismatch")
            } else if !c1 {
                Some("stopped")
            } else if !c2 {
                Some("stopping")
            } else if !d {
                Some("has-sent")
            } else if t.stopping && rules.stopping_throws.is_some() {
                Some("stopping-picked")
            } else if t.stopping && !rules.stopping_blocks_reuse {
                Some("stopping-reused")
            } else {
                None
            };
            codes.push(code);
        }
        let mut first = None;
        for (i, c) in codes.iter().enumerate() {
            if c.is_none() || *c == Some("stopping-picked") || *c == Some("stopping-reused") {
                first = Some(i);
                break;
            }
        }
        let throw = if closed {
            Some("InvalidStateError")
        } else if already {
            Some("InvalidAccessError")
        } else {
            match first {
                Some(i) if codes[i] == Some("stopping-picked") => rules.stopping_throws.map(|n| n.as_str()),
                _ => None,
            }
        };
        let reuse = if throw.is_none() { first } else { None };
        (throw, reuse, codes)
    }

    proptest! {
        #[test]
        fn predict_matches_naive_reference(
            ts in proptest::collection::vec(transceiver(), 0..8),
            closed in proptest::bool::weighted(0.2),
            already in proptest::bool::weighted(0.2),
            track in kind(),
            rules in rules(),
        ) {
            let facts = AddTrackFacts { closed, track_kind: track, track_already_added: already, transceivers: &ts };
            let p = predict(&facts, &rules);
            let (throw, reuse, codes) = reference(closed, already, track, &ts, &rules);

            prop_assert_eq!(p.candidates.len(), ts.len());
            for v in &p.candidates {
                prop_assert_eq!(v.reusable, v.reason.is_none() || v.reason == Some(Reason::StoppingReused));
            }
            let got_codes: Vec<Option<&str>> = p.candidates.iter().map(|v| v.reason.map(|r| r.code())).collect();
            prop_assert_eq!(got_codes, codes);

            let got_throw = match p.outcome { Outcome::Throws(n) => Some(n.as_str()), _ => None };
            prop_assert_eq!(got_throw, throw);
            prop_assert_eq!(p.reuse_index(), reuse);
            if throw.is_none() && reuse.is_none() {
                prop_assert_eq!(p.outcome, Outcome::New);
            }
            if let Outcome::Reuse { index, direction_before, direction_after } = p.outcome {
                prop_assert_eq!(Some(index), p.candidates.iter().position(|v| v.reusable));
                prop_assert_eq!(direction_before, ts[index].direction);
                prop_assert_eq!(direction_after, ts[index].direction.with_send());
            }
            for (t, v) in ts.iter().zip(&p.candidates) {
                if let Some(Reason::KindMismatch { transceiver, track: k }) = v.reason {
                    prop_assert_eq!((transceiver, k), (t.kind, track));
                }
                if let Some(Reason::HasSent { current_direction }) = v.reason {
                    prop_assert!(current_direction.sends());
                    let expected = if sends_opt(t.current_direction) {
                        t.current_direction
                    } else if sends_opt(t.sent_direction) {
                        t.sent_direction
                    } else {
                        Some(SendRecv)
                    };
                    prop_assert_eq!(Some(current_direction), expected);
                }
            }
        }

        #[test]
        fn ledger_matches_history_model(
            ops in proptest::collection::vec(
                prop_oneof![
                    4 => (0u32..6, proptest::option::of(direction())).prop_map(|(k, d)| Op::Observe(k, d)),
                    1 => any::<u8>().prop_map(Op::Retain),
                ],
                0..40,
            ),
        ) {
            let mut ledger = Ledger::<u32>::new();
            // Model: per present key, every direction observed since it was (re)inserted; plus order.
            let mut history: HashMap<u32, Vec<Option<Direction>>> = HashMap::new();
            let mut order: Vec<u32> = Vec::new();
            for op in ops {
                let before: Vec<bool> = (0..6).map(|k| ledger.has_sent(k)).collect();
                match op {
                    Op::Observe(k, d) => {
                        ledger.observe(k, d);
                        if !history.contains_key(&k) {
                            order.push(k);
                        }
                        history.entry(k).or_default().push(d);
                    }
                    Op::Retain(mask) => {
                        let keep = |k: u32| mask & (1 << k) != 0;
                        ledger.retain(keep);
                        history.retain(|k, _| keep(*k));
                        order.retain(|k| keep(*k));
                    }
                }
                for k in 0..6u32 {
                    let seen = history.get(&k);
                    let last_sending = seen.and_then(|h| h.iter().rev().find(|d| sends_opt(**d)).copied().flatten());
                    prop_assert_eq!(ledger.has_sent(k), last_sending.is_some());
                    prop_assert_eq!(ledger.sent_direction(k), last_sending);
                    prop_assert_eq!(ledger.contains(k), seen.is_some());
                    if let Op::Observe(..) = op {
                        prop_assert!(!before[k as usize] || ledger.has_sent(k), "history bit went back to false");
                    }
                }
                prop_assert_eq!(ledger.len(), order.len());
                prop_assert_eq!(ledger.is_empty(), order.is_empty());
                let keys: Vec<u32> = ledger.iter().map(|(k, _)| k).collect();
                prop_assert_eq!(&keys, &order);
                for (k, sent) in ledger.iter() {
                    prop_assert_eq!(sent, ledger.sent_direction(k));
                }
            }
        }
    }

    fn sends_opt(d: Option<Direction>) -> bool {
        matches!(d, Some(SendRecv) | Some(SendOnly))
    }

    #[derive(Debug, Clone, Copy)]
    enum Op {
        Observe(u32, Option<Direction>),
        Retain(u8),
    }

    #[test]
    fn reason_codes_have_one_source_that_the_types_the_readme_and_the_demo_agree_with() {
        let every = [
            Reason::HasTrack,
            Reason::KindMismatch { transceiver: TrackKind::Audio, track: TrackKind::Video },
            Reason::Stopped,
            Reason::Stopping,
            Reason::HasSent { current_direction: Direction::SendRecv },
            Reason::StoppingReused,
            Reason::StoppingPicked { throws: ThrowName::InvalidAccessError },
        ];
        assert_eq!(every.iter().map(Reason::code).collect::<Vec<_>>(), Reason::CODES, "CODES lists every code, in order");
        let dts = include_str!("../js/rtc-peer.d.ts");
        let readme = include_str!("../README.md");
        let demo = include_str!("../www/app.js");
        let demo_readme = include_str!("../www/README.md");
        for code in Reason::CODES {
            assert!(dts.contains(&format!("'{code}'")), "js/rtc-peer.d.ts: ReuseReasonCode lacks '{code}'");
            assert!(readme.contains(&format!("| `{code}` |")), "README.md: the reason-code table lacks `{code}`");
            assert!(demo.contains(&format!("'{code}':")), "www/app.js: SHORT_REASON lacks '{code}'");
            assert!(demo_readme.contains(&format!("`{code}`")), "www/README.md lacks `{code}`");
        }
    }
}
