//! Perfect negotiation: the decisions, over plain data.
//!
//! The W3C's [perfect negotiation](https://w3c.github.io/webrtc-pc/#perfect-negotiation-example)
//! pattern makes two peers renegotiate at any moment, from either side, without ever agreeing who
//! goes first: on an offer collision (glare) the *polite* peer rolls its own offer back and takes
//! the other's, the *impolite* peer ignores the other's offer and waits for the answer to its own.
//! This module decides each step; [`negotiator`](crate::negotiator) carries the steps out on the
//! browser, for both faces. What it decides:
//!
//! - whether a `negotiationneeded` starts an offer now, or is remembered and re-run once the
//!   negotiation under way is over (at most one of this side's negotiations in flight);
//! - for each remote description: ignore it (impolite, collision), or apply it, rolling back this
//!   side's offer first (polite, collision), then answer it if it is an offer;
//! - whether a candidate that fails to apply is dropped quietly (it belongs to an ignored offer);
//! - when a negotiation is over, and its [`NegotiationReport`]: who offered, how many collisions,
//!   rollbacks and ignored offers, how long it took.
//!
//! Explicit rollback: the polite side rolls back with `setLocalDescription({type: "rollback"})`
//! before `setRemoteDescription(offer)` instead of relying on the implicit rollback, which
//! Firefox 153 gets wrong after `restartIce()` during glare.

use crate::config::{IceCandidate, SessionDescription};
use crate::sdp::{section_for_mid, MediaSection};
use crate::types::{Direction, SdpType, SignalingState, StreamId};
use serde::{Deserialize, Serialize};

/// A signalling message between two negotiating peers, as it travels over any transport.
///
/// Its JSON form is the one of the W3C's example (and of the JS face):
/// `{"description": {"type": "offer", "sdp": "…"}}`, `{"candidate": {"candidate": "…",
/// "sdpMid": "0", "sdpMLineIndex": 0, "usernameFragment": "…"}}`, or `{"candidate": null}` for
/// the end of candidates.
///
/// ```
/// use rtc_peer::{SdpType, SessionDescription, Signal};
/// let s = Signal::Description(SessionDescription::new(SdpType::Offer, "v=0\r\n"));
/// let json = serde_json::to_string(&s).unwrap();
/// assert_eq!(json, r#"{"description":{"type":"offer","sdp":"v=0\r\n"}}"#);
/// assert_eq!(serde_json::from_str::<Signal>(&json).unwrap(), s);
/// assert_eq!(serde_json::from_str::<Signal>(r#"{"candidate":null}"#).unwrap(), Signal::Candidate(None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Signal {
    /// An offer or an answer (`{ description }`).
    Description(SessionDescription),
    /// An ICE candidate; `None` is the end of candidates (`{ candidate: null }`).
    Candidate(Option<IceCandidate>),
}

/// Which side made the offer of a negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Offerer {
    /// This side offered; the negotiation ended when the answer was applied.
    Local,
    /// The other side offered; the negotiation ended when this side's answer was set.
    Remote,
}

impl Offerer {
    /// `"local"` or `"remote"`, as the JS face reports it.
    pub fn as_str(self) -> &'static str {
        match self {
            Offerer::Local => "local",
            Offerer::Remote => "remote",
        }
    }
}

/// One finished negotiation (offer/answer exchange back to `stable`), as reported by
/// [`NegotiationEvent::Negotiated`](crate::NegotiationEvent) and the JS `negotiated` event.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NegotiationReport {
    /// Whose offer was answered.
    pub offerer: Offerer,
    /// Offers that collided with this side's (glare), during this negotiation.
    pub collisions: u32,
    /// This side's offers rolled back to take the other's (polite side).
    pub rollbacks: u32,
    /// The other side's offers ignored (impolite side).
    pub ignored_offers: u32,
    /// Milliseconds from the start (this side's `negotiationneeded`, or the other's offer
    /// arriving) to `stable`.
    pub duration_ms: f64,
}

/// What to do with a remote description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DescriptionPlan {
    /// Drop it: an offer that collided with this side's, on the impolite side.
    Ignore,
    /// Apply it (`setRemoteDescription`), after rolling back this side's offer if `rollback`,
    /// then answer it if `answer`.
    Apply { rollback: bool, answer: bool },
}

/// The negotiation under way.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Round {
    offerer: Offerer,
    collisions: u32,
    rollbacks: u32,
    ignored_offers: u32,
    started_ms: f64,
}

impl Round {
    fn new(offerer: Offerer, now_ms: f64) -> Round {
        Round {
            offerer,
            collisions: 0,
            rollbacks: 0,
            ignored_offers: 0,
            started_ms: now_ms,
        }
    }
}

/// One side's perfect-negotiation state. See the module docs.
#[derive(Debug, Clone)]
pub(crate) struct Perfect {
    polite: bool,
    /// This side's `setLocalDescription()` for an offer is under way.
    making_offer: bool,
    /// A remote description is being applied (and answered): an offer of this side's now would
    /// be queued behind it on the browser's operations chain and come out as an answer.
    applying: bool,
    /// The last remote offer was ignored (its candidates fail quietly).
    ignore_offer: bool,
    /// A `negotiationneeded` came while a negotiation was under way: re-run at `stable`.
    rerun: bool,
    round: Option<Round>,
}

impl Perfect {
    pub(crate) fn new(polite: bool) -> Perfect {
        Perfect {
            polite,
            making_offer: false,
            applying: false,
            ignore_offer: false,
            rerun: false,
            round: None,
        }
    }

    pub(crate) fn polite(&self) -> bool {
        self.polite
    }

    /// No offer being made, no remote description being applied.
    pub(crate) fn idle(&self) -> bool {
        !self.making_offer && !self.applying
    }

    /// `negotiationneeded`: whether to make an offer now. Otherwise it is remembered, and
    /// [`stepped`](Self::stepped) says to re-run it.
    pub(crate) fn needed(&mut self, signaling: SignalingState, now_ms: f64) -> bool {
        if signaling == SignalingState::Closed {
            return false;
        }
        if self.making_offer || self.applying || signaling != SignalingState::Stable {
            self.rerun = true;
            return false;
        }
        self.making_offer = true;
        // In stable with no offer being made, any round left open (a description that failed)
        // is over: a new one starts.
        self.round = Some(Round::new(Offerer::Local, now_ms));
        true
    }

    /// This side's offer is made (or failed): `signaling` is the state after it.
    pub(crate) fn offer_made(&mut self, signaling: SignalingState) {
        self.making_offer = false;
        // A failed or rolled-back offer that left the connection stable ends nothing yet: the
        // round stays open only while an offer is out.
        if signaling == SignalingState::Stable
            && self
                .round
                .is_some_and(|r| r.offerer == Offerer::Local && r.collisions == 0)
        {
            self.round = None;
        }
    }

    /// A remote description arrives; `signaling` is the state now.
    pub(crate) fn description(
        &mut self,
        kind: SdpType,
        signaling: SignalingState,
        now_ms: f64,
    ) -> DescriptionPlan {
        let offer = kind == SdpType::Offer;
        let collision = offer && (self.making_offer || signaling != SignalingState::Stable);
        self.ignore_offer = !self.polite && collision;
        let round = self.round.get_or_insert(Round::new(
            if offer {
                Offerer::Remote
            } else {
                Offerer::Local
            },
            now_ms,
        ));
        if collision {
            round.collisions += 1;
        }
        if self.ignore_offer {
            round.ignored_offers += 1;
            return DescriptionPlan::Ignore;
        }
        if collision {
            round.rollbacks += 1;
        }
        if offer {
            // Whatever this side had offered, the negotiation now answers the other's offer.
            round.offerer = Offerer::Remote;
        }
        self.applying = true;
        DescriptionPlan::Apply {
            rollback: collision,
            answer: offer,
        }
    }

    /// The description [`description`](Self::description) said to apply is applied (or failed).
    pub(crate) fn applied(&mut self) {
        self.applying = false;
    }

    /// Whether a candidate that failed to apply is dropped quietly: it belongs to an offer this
    /// side ignored.
    pub(crate) fn candidate_failure_expected(&self) -> bool {
        self.ignore_offer
    }

    /// After a step of the negotiation, `signaling` is the state: at `stable`, the report of the
    /// negotiation that ended, if one did, and whether a `negotiationneeded` is to be re-run now.
    pub(crate) fn stepped(
        &mut self,
        signaling: SignalingState,
        now_ms: f64,
    ) -> (Option<NegotiationReport>, bool) {
        if self.making_offer || self.applying || signaling != SignalingState::Stable {
            return (None, false);
        }
        let report = self.round.take().map(|r| NegotiationReport {
            offerer: r.offerer,
            collisions: r.collisions,
            rollbacks: r.rollbacks,
            ignored_offers: r.ignored_offers,
            duration_ms: (now_ms - r.started_ms).max(0.0),
        });
        (report, std::mem::take(&mut self.rerun))
    }
}

/// Whether this side's own offer was refused by a Chromium 156 departure that
/// [`sdp::renumber_extmaps`](crate::sdp::renumber_extmaps) works around: after a glare whose
/// rolled-back offer had a section of another kind than the winning one, `setLocalDescription()`
/// rejects the offer the browser itself made, InvalidAccessError "A BUNDLE group contains a codec
/// collision for header extension id=…" (reproduced on native connections by
/// tests/page/departures.test.mjs). The negotiator then makes the offer again, with the colliding
/// ids moved, once.
pub(crate) fn extension_collision(name: &str, message: &str) -> bool {
    // A window compare, not `str::contains`: its two-way searcher is kilobytes of the size budget.
    const NEEDLE: &[u8] = b"BUNDLE group contains a codec collision for header extension";
    name == "InvalidAccessError" && message.as_bytes().windows(NEEDLE.len()).any(|w| w == NEEDLE)
}

/// One transceiver, as [`needed_only_by_unsent_msid`] reads it.
#[derive(Debug, Clone)]
pub(crate) struct Sending<'a> {
    pub(crate) mid: Option<&'a str>,
    pub(crate) direction: Direction,
    pub(crate) current_direction: Option<Direction>,
    /// The stream ids the sender is associated with.
    pub(crate) stream_ids: &'a [StreamId],
}

/// Firefox 153's renegotiation loop (tests/page/msid-loop.test.mjs): after this side *answered*,
/// whether a `negotiationneeded` can only come from Firefox's reading of its own answer. A
/// transceiver that sends (`sendrecv`/`sendonly`, with stream ids) answering an offer that does
/// not let it send gets a section without `a=msid`; Firefox then compares that missing msid with
/// the sender's stream ids and fires `negotiationneeded`, though per the spec's check (the answer's
/// direction is the transceiver's intersected with the offer's) nothing is to negotiate. Two such
/// Firefox peers renegotiate without end.
///
/// True only when the spec's check, over everything it reads that is visible here, finds nothing
/// to negotiate, *and* such a section is there (so the event is the departure's). The check:
/// every transceiver not stopped is associated (a mid), not stopping, has its sections in both
/// descriptions, answered in `direction ∩ reverse(offered)`, and where the answer sends, its msid
/// stream ids are the sender's. What it cannot see (an ICE restart asked for, a first data
/// channel) the caller excludes: the local description must have an `m=application` section and
/// no restart be pending.
pub(crate) fn needed_only_by_unsent_msid<'a>(local_answer: &[MediaSection], remote_offer: &[MediaSection], rows: impl IntoIterator<Item = Sending<'a>>) -> bool {
    let mut departures = 0;
    for r in rows {
        if r.current_direction == Some(Direction::Stopped) {
            continue;
        }
        let (Some(mid), false) = (r.mid, r.direction == Direction::Stopped) else { return false };
        let (Some(local), Some(remote)) = (section_for_mid(local_answer, mid), section_for_mid(remote_offer, mid)) else {
            return false;
        };
        let send = r.direction.sends() && remote.direction.receives();
        let receive = r.direction.receives() && remote.direction.sends();
        let answered = match (send, receive) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        };
        // (A rejected section of a transceiver not stopped says inactive where it is not expected.)
        if local.direction != answered {
            return false;
        }
        if r.direction.sends() {
            if local.direction.sends() {
                // The msid, in the order the streams were given (another order: negotiated).
                if !local.has_msid || local.stream_ids != r.stream_ids {
                    return false;
                }
            } else if !local.has_msid && !r.stream_ids.is_empty() {
                departures += 1;
            }
        }
    }
    departures > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use SignalingState::{HaveLocalOffer, HaveRemoteOffer, Stable};

    #[test]
    fn a_local_offer_is_one_negotiation_reported_when_the_answer_lands() {
        let mut p = Perfect::new(false);
        assert!(p.needed(Stable, 0.0));
        p.offer_made(HaveLocalOffer);
        assert_eq!(
            p.description(SdpType::Answer, HaveLocalOffer, 5.0),
            DescriptionPlan::Apply {
                rollback: false,
                answer: false
            }
        );
        p.applied();
        let (report, rerun) = p.stepped(Stable, 12.5);
        assert_eq!(
            report,
            Some(NegotiationReport {
                offerer: Offerer::Local,
                collisions: 0,
                rollbacks: 0,
                ignored_offers: 0,
                duration_ms: 12.5
            })
        );
        assert!(!rerun);
    }

    #[test]
    fn a_remote_offer_is_answered_and_reported_as_remote() {
        let mut p = Perfect::new(true);
        assert_eq!(
            p.description(SdpType::Offer, Stable, 1.0),
            DescriptionPlan::Apply {
                rollback: false,
                answer: true
            }
        );
        p.applied();
        let (report, _) = p.stepped(Stable, 4.0);
        assert_eq!(
            report.map(|r| (r.offerer, r.collisions, r.duration_ms)),
            Some((Offerer::Remote, 0, 3.0))
        );
    }

    #[test]
    fn glare_polite_rolls_back_and_answers() {
        let mut p = Perfect::new(true);
        assert!(p.needed(Stable, 0.0));
        p.offer_made(HaveLocalOffer);
        assert_eq!(
            p.description(SdpType::Offer, HaveLocalOffer, 1.0),
            DescriptionPlan::Apply {
                rollback: true,
                answer: true
            }
        );
        assert!(!p.candidate_failure_expected());
        p.applied();
        let (report, _) = p.stepped(Stable, 2.0);
        let r = report.expect("a report");
        assert_eq!(
            (r.offerer, r.collisions, r.rollbacks, r.ignored_offers),
            (Offerer::Remote, 1, 1, 0)
        );
    }

    #[test]
    fn glare_impolite_ignores_then_its_own_offer_is_answered() {
        let mut p = Perfect::new(false);
        assert!(p.needed(Stable, 0.0));
        p.offer_made(HaveLocalOffer);
        assert_eq!(
            p.description(SdpType::Offer, HaveLocalOffer, 1.0),
            DescriptionPlan::Ignore
        );
        assert!(
            p.candidate_failure_expected(),
            "the ignored offer's candidates fail quietly"
        );
        assert_eq!(
            p.description(SdpType::Answer, HaveLocalOffer, 2.0),
            DescriptionPlan::Apply {
                rollback: false,
                answer: false
            }
        );
        assert!(
            !p.candidate_failure_expected(),
            "an answer ends the ignoring"
        );
        p.applied();
        let r = p.stepped(Stable, 3.0).0.expect("a report");
        assert_eq!(
            (r.offerer, r.collisions, r.rollbacks, r.ignored_offers),
            (Offerer::Local, 1, 0, 1)
        );
    }

    #[test]
    fn an_offer_while_making_one_collides_even_in_stable() {
        // setLocalDescription() is still on the operations chain: signaling still says stable.
        let mut p = Perfect::new(true);
        assert!(p.needed(Stable, 0.0));
        assert_eq!(
            p.description(SdpType::Offer, Stable, 1.0),
            DescriptionPlan::Apply {
                rollback: true,
                answer: true
            }
        );
        let mut q = Perfect::new(false);
        assert!(q.needed(Stable, 0.0));
        assert_eq!(
            q.description(SdpType::Offer, Stable, 1.0),
            DescriptionPlan::Ignore
        );
    }

    #[test]
    fn negotiation_needed_during_a_negotiation_is_rerun_once_at_stable() {
        let mut p = Perfect::new(false);
        assert!(p.needed(Stable, 0.0));
        assert!(!p.needed(Stable, 0.5), "at most one negotiation in flight");
        p.offer_made(HaveLocalOffer);
        assert!(!p.needed(HaveLocalOffer, 0.7));
        assert_eq!(
            p.stepped(HaveLocalOffer, 1.0),
            (None, false),
            "not while the answer is awaited"
        );
        let _ = p.description(SdpType::Answer, HaveLocalOffer, 2.0);
        p.applied();
        let (report, rerun) = p.stepped(Stable, 3.0);
        assert!(report.is_some());
        assert!(rerun, "re-run once");
        assert_eq!(p.stepped(Stable, 4.0), (None, false), "and only once");
        assert!(p.needed(Stable, 5.0));
    }

    #[test]
    fn negotiation_needed_while_answering_is_rerun() {
        let mut p = Perfect::new(true);
        let _ = p.description(SdpType::Offer, Stable, 0.0);
        assert!(!p.needed(HaveRemoteOffer, 0.1));
        p.applied();
        let (report, rerun) = p.stepped(Stable, 1.0);
        assert_eq!(report.map(|r| r.offerer), Some(Offerer::Remote));
        assert!(rerun);
    }

    #[test]
    fn no_offer_starts_while_a_remote_description_is_applied() {
        // The remote offer's setRemoteDescription is on the chain but the state still says stable:
        // an offer started now would come out as an answer.
        let mut p = Perfect::new(false);
        assert_eq!(
            p.description(SdpType::Offer, Stable, 0.0),
            DescriptionPlan::Apply {
                rollback: false,
                answer: true
            }
        );
        assert!(!p.needed(Stable, 0.1), "deferred");
        assert_eq!(
            p.stepped(Stable, 0.2),
            (None, false),
            "nothing ends while applying"
        );
        p.applied();
        let (report, rerun) = p.stepped(Stable, 0.3);
        assert_eq!(report.map(|r| r.offerer), Some(Offerer::Remote));
        assert!(rerun, "and then run");
        assert!(p.needed(Stable, 0.4));
    }

    #[test]
    fn a_failed_offer_closes_its_round_and_a_closed_connection_never_offers() {
        let mut p = Perfect::new(true);
        assert!(p.needed(Stable, 0.0));
        p.offer_made(Stable); // setLocalDescription() rejected
        assert!(p.needed(Stable, 1.0), "a new negotiation can start");
        let mut q = Perfect::new(true);
        assert!(!q.needed(SignalingState::Closed, 0.0));
        assert_eq!(q.stepped(Stable, 1.0), (None, false));
    }

    #[test]
    fn signal_json_is_the_w3c_example_shape() {
        let c = Signal::Candidate(Some(IceCandidate {
            candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host".into(),
            sdp_mid: Some("0".into()),
            sdp_m_line_index: Some(0),
            username_fragment: None,
        }));
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"candidate":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}}"#
        );
        assert_eq!(serde_json::from_str::<Signal>(&json).unwrap(), c);
        assert_eq!(
            serde_json::to_string(&Signal::Candidate(None)).unwrap(),
            r#"{"candidate":null}"#
        );
    }

    fn section(mid: &str, direction: Direction, msid: &[&str]) -> MediaSection {
        MediaSection {
            mid: Some(mid.into()),
            direction,
            application: false,
            rejected: false,
            stream_ids: msid.iter().map(|&m| StreamId::from(m)).collect(),
            bundle_only: false,
            has_msid: !msid.is_empty(),
        }
    }

    #[test]
    fn firefox_answer_without_msid_is_the_only_reason_to_renegotiate() {
        use Direction::{Inactive, RecvOnly, SendOnly, SendRecv};
        let s = [StreamId::from("s")];
        // This side sends on mid 0 (stream s), the far side offered it sendonly: answered recvonly,
        // with no a=msid (Firefox). Mid 1 is the far side's, received.
        let offer = [section("0", SendOnly, &["-"]), section("1", SendRecv, &["t"])];
        let answer = [section("0", RecvOnly, &[]), section("1", RecvOnly, &[])];
        fn rows(d0: Direction, ids: &[StreamId]) -> Vec<Sending<'_>> {
            vec![
                Sending { mid: Some("0"), direction: d0, current_direction: Some(RecvOnly), stream_ids: ids },
                Sending { mid: Some("1"), direction: RecvOnly, current_direction: Some(RecvOnly), stream_ids: &[] },
            ]
        }
        let s = &s[..];
        assert!(needed_only_by_unsent_msid(&answer, &offer, rows(SendRecv, s)), "the departure alone");
        assert!(!needed_only_by_unsent_msid(&answer, &offer, rows(SendRecv, &[])), "no stream: Firefox fires nothing, nothing to skip");
        assert!(!needed_only_by_unsent_msid(&answer, &offer, rows(RecvOnly, s)), "not sending: no departure");
        // A genuine change as well: the direction no longer matches what was answered.
        let mut changed = rows(SendRecv, s);
        changed[1].direction = Inactive;
        assert!(!needed_only_by_unsent_msid(&answer, &offer, changed.clone()), "a direction change is negotiated");
        // A new transceiver (no mid), a stopping one, a section missing: negotiated.
        let mut new = rows(SendRecv, s);
        new.push(Sending { mid: None, direction: SendRecv, current_direction: None, stream_ids: &[] });
        assert!(!needed_only_by_unsent_msid(&answer, &offer, new));
        let mut stopping = rows(SendRecv, s);
        stopping[1].direction = Direction::Stopped;
        assert!(!needed_only_by_unsent_msid(&answer, &offer, stopping));
        assert!(!needed_only_by_unsent_msid(&answer[..1], &offer, rows(SendRecv, s)));
        // Where the answer sends, its msid must be the sender's stream ids.
        let offer2 = [section("0", SendRecv, &["-"]), section("1", SendRecv, &["t"])];
        let answer2 = [section("0", SendRecv, &["old"]), section("1", RecvOnly, &[])];
        assert!(!needed_only_by_unsent_msid(&answer2, &offer2, rows(SendRecv, s)), "streams changed: negotiated");
        let answer3 = [section("0", SendRecv, &["s"]), section("1", RecvOnly, &[])];
        assert!(!needed_only_by_unsent_msid(&answer3, &offer2, rows(SendRecv, s)), "all matches, no departure: nothing to skip");
    }
}
