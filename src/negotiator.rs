//! Perfect negotiation, carried out on the browser: one implementation for both faces.
//!
//! [`Driver`] takes the steps that [`negotiation::Perfect`](crate::negotiation) decides, through
//! the connection's [`Core`] (so every description applied settles the remote books before the
//! next step) and hands what comes out ([`Out`]: messages to send, reports, failures) to its face.
//! The faces only convert: the JS face between JS message objects and events, the Rust face
//! between [`Signal`](crate::Signal)s and [`NegotiationEvent`](crate::NegotiationEvent)s.
//!
//! The driver holds no browser object: the connection is handed in on every call, as to the
//! core, so a JS connection that negotiates is collected like any other once closed and dropped.
//! The faces wire the listeners (`negotiationneeded`, `icecandidate`, ICE / connection state
//! changes) and own them.
//!
//! Remote messages are handled one at a time, in the order [`receive`](Driver::receive) was
//! called, whatever each one awaits; candidates that arrive before any remote description are
//! queued and applied after the next one.

use crate::bindings::{self, Native};
use crate::core::Core;
use crate::error::Error;
use crate::negotiation::{self, DescriptionPlan, NegotiationReport, Perfect};
use crate::sdp;
use crate::types::{SdpType, SignalingState};
use crate::view::{self, signaling};
use futures_channel::oneshot;
use js_sys::Array;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::RtcPeerConnection;

/// What the driver hands to its face.
pub(crate) enum Out {
    /// Send this side's description (an `RTCSessionDescription`) to the other side.
    Description(JsValue),
    /// Send a candidate (an `RTCIceCandidate`; `None`: the end of candidates).
    Candidate(Option<JsValue>),
    /// A negotiation is over.
    Negotiated(NegotiationReport),
    /// A step taken on this side's own initiative failed (making an offer, restarting ICE);
    /// failures of a received message go to its [`receive`](Driver::receive) result instead.
    Failed(Error),
}

/// A message from the other side, as the faces decode it.
pub(crate) enum In {
    /// A description: its type, and a value `setRemoteDescription` takes.
    Description(SdpType, JsValue),
    /// A candidate `addIceCandidate` takes (`undefined`: the end of candidates).
    Candidate(JsValue),
}

/// The face's end: gets the connection and what came out.
pub(crate) type Sink = Box<dyn Fn(&JsValue, Out)>;

/// One connection's perfect negotiation. Cheap to clone (one `Rc`).
#[derive(Clone)]
pub(crate) struct Driver {
    inner: Rc<Inner>,
}

struct Inner {
    core: Rc<Core>,
    restart_ice: bool,
    sink: Sink,
    state: RefCell<State>,
}

struct State {
    model: Perfect,
    /// Resolved (dropped) when the last message received so far has been handled.
    tail: Option<oneshot::Receiver<()>>,
    /// Candidates that came before any remote description.
    queued: Vec<JsValue>,
    /// While a skipped `negotiationneeded` left Firefox's negotiation-needed flag set (see
    /// [`Driver::watch`]): the re-check, every 250 ms.
    watch: Option<gloo_timers::callback::Interval>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.core.release_negotiation();
    }
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field(
                "polite",
                &self.inner.state.try_borrow().map(|s| s.model.polite()).ok(),
            )
            .finish_non_exhaustive()
    }
}

fn raw(pc: &JsValue) -> &RtcPeerConnection {
    pc.unchecked_ref()
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl Driver {
    /// A driver for the connection `pc`, whose books `core` keeps; `InvalidStateError` if it is
    /// closed or already has one. The connection is let go when the last clone is dropped.
    pub(crate) fn new(
        core: Rc<Core>,
        pc: &JsValue,
        polite: bool,
        restart_ice: bool,
        sink: Sink,
    ) -> Result<Driver, Error> {
        core.claim_negotiation(pc)?;
        Ok(Driver {
            inner: Rc::new(Inner {
                core,
                restart_ice,
                sink,
                state: RefCell::new(State {
                    model: Perfect::new(polite),
                    tail: None,
                    queued: Vec::new(),
                    watch: None,
                }),
            }),
        })
    }

    fn model<R>(&self, f: impl FnOnce(&mut Perfect) -> R) -> Result<R, Error> {
        self.inner
            .state
            .try_borrow_mut()
            .map(|mut st| f(&mut st.model))
            .map_err(|_| Error::reentrant())
    }

    fn emit(&self, pc: &JsValue, out: Out) {
        (self.inner.sink)(pc, out);
    }

    /// A description call through the core (the books settle before it returns).
    async fn describe(&self, pc: &JsValue, member: Native, args: &Array) -> Result<(), Error> {
        self.inner.core.apply_description(pc, member, args).await
    }

    /// `negotiationneeded`: make an offer and send it, unless a negotiation is under way (then
    /// once it is over).
    pub(crate) fn negotiation_needed(&self, pc: &JsValue) {
        if self.departure_only(pc) {
            return self.watch(pc);
        }
        self.unwatch();
        let start = signaling(pc).and_then(|s| self.model(|m| m.needed(s, now())));
        match start {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => return self.emit(pc, Out::Failed(e)),
        }
        let (this, pc) = (self.clone(), Clone::clone(pc));
        spawn_local(async move {
            // Once more with a renumbered offer if the browser refused its own (see
            // `offer_renumbered`): one call site of the description step, whatever the retry.
            let (mut args, mut retry) = (Array::new(), true);
            let made = loop {
                let made = this.describe(&pc, Native::SetLocalDescription, &args).await;
                if let Err(e) = &made {
                    if retry && negotiation::extension_collision(e.name(), e.message()) {
                        retry = false;
                        match this.offer_renumbered(&pc).await {
                            Some(Some(offer)) => {
                                args = Array::of1(&offer);
                                continue;
                            }
                            Some(None) => break Ok(()),
                            None => {}
                        }
                    }
                }
                break made;
            };
            let after = signaling(&pc).unwrap_or(SignalingState::Closed);
            let _ = this.model(|m| m.offer_made(after));
            this.inner.core.offer_made();
            match made {
                // A polite side's offer may have been rolled back by a colliding one meanwhile:
                // send only an offer that is still the pending local description.
                Ok(()) => {
                    if let (SignalingState::HaveLocalOffer, Some(d)) =
                        (after, raw(&pc).local_description())
                    {
                        if d.type_() == web_sys::RtcSdpType::Offer {
                            this.emit(&pc, Out::Description(d.into()));
                        }
                    }
                }
                Err(e) => this.emit(&pc, Out::Failed(e)),
            }
            this.after_step(&pc);
        });
    }

    /// The offer again, its colliding header-extension ids moved (see
    /// [`negotiation::extension_collision`]), to set: `None` if it cannot be made (the first
    /// error stands), `Some(None)` at a state other than `stable` (a remote offer was applied
    /// meanwhile: there is no offer to make, the browser fires `negotiationneeded` again once
    /// that negotiation is over).
    async fn offer_renumbered(&self, pc: &JsValue) -> Option<Option<JsValue>> {
        let stable = || signaling(pc).ok() == Some(SignalingState::Stable);
        if !stable() {
            return Some(None);
        }
        let made = bindings::native(raw(pc)).create_offer(&JsValue::UNDEFINED).ok()??;
        let offer = wasm_bindgen_futures::JsFuture::from(made).await.ok()?;
        let renumbered = sdp::renumber_extmaps(&view::description(&offer)?.1)?;
        Some(stable().then(|| view::offer(&renumbered)))
    }

    /// Whether this `negotiationneeded` is only Firefox's reading of this side's own answer
    /// ([`needed_only_by_unsent_msid`](crate::negotiation::needed_only_by_unsent_msid)): then no
    /// offer is made, which ends the loop two Firefox peers would otherwise renegotiate in. Only
    /// when [`quiet_answerer`](Self::quiet_answerer), with no ICE restart asked for (invisible to
    /// the check) and a data channel section negotiated.
    fn departure_only(&self, pc: &JsValue) -> bool {
        self.quiet_answerer(pc) && !self.inner.core.ice_restart_pending() && self.inner.core.only_unsent_msid(pc)
    }

    /// Idle and stable, the current local description an answer.
    fn quiet_answerer(&self, pc: &JsValue) -> bool {
        let idle = self.inner.state.try_borrow().map(|st| st.model.idle()).unwrap_or(false);
        idle && matches!(signaling(pc), Ok(SignalingState::Stable))
            && raw(pc).local_description().is_some_and(|d| d.type_() == web_sys::RtcSdpType::Answer)
    }

    /// After a skipped `negotiationneeded`: Firefox's negotiation-needed flag stays set (its own
    /// check keeps saying "needed"), so it fires no event for what changes next (a track added, a
    /// direction, `restartIce()`). Until this side offers, the check is re-run every 250 ms while
    /// it is a quiet answerer; once it finds more than the departure, that is negotiated as if the
    /// event had fired. The timer holds the driver weakly; it ends with the driver, or closed.
    fn watch(&self, pc: &JsValue) {
        let Ok(mut st) = self.inner.state.try_borrow_mut() else { return };
        if st.watch.is_some() {
            return;
        }
        let (inner, pc) = (Rc::downgrade(&self.inner), Clone::clone(pc));
        st.watch = Some(gloo_timers::callback::Interval::new(250, move || {
            let Some(inner) = inner.upgrade() else { return };
            let this = Driver { inner };
            if matches!(signaling(&pc), Ok(SignalingState::Closed)) {
                return this.unwatch();
            }
            if this.quiet_answerer(&pc) && !this.departure_only(&pc) {
                this.negotiation_needed(&pc);
            }
        }));
    }

    /// Ends the [`watch`](Self::watch). The timer is dropped in a later task, never inside its own
    /// callback.
    fn unwatch(&self) {
        let watch = self.inner.state.try_borrow_mut().ok().and_then(|mut st| st.watch.take());
        if watch.is_some() {
            spawn_local(async move { drop(watch) });
        }
    }

    /// `icecandidate`: the event's candidate, to send.
    pub(crate) fn ice_candidate(&self, pc: &JsValue, event: &JsValue) {
        self.emit(pc, Out::Candidate(view::event_candidate(event)));
    }

    /// ICE or connection state changed: restarts ICE on `failed`, if asked to.
    pub(crate) fn ice_state_changed(&self, pc: &JsValue) {
        let failed = raw(pc).ice_connection_state() == web_sys::RtcIceConnectionState::Failed
            || raw(pc).connection_state() == web_sys::RtcPeerConnectionState::Failed;
        if self.inner.restart_ice && failed {
            if let Err(e) = self.inner.core.restart_ice(pc, &Array::new()) {
                self.emit(pc, Out::Failed(e));
            }
        }
    }

    /// Handles a message from the other side, after every message received before it. The
    /// handling runs whether or not the result is awaited.
    pub(crate) fn receive(
        &self,
        pc: &JsValue,
        message: In,
    ) -> oneshot::Receiver<Result<(), Error>> {
        let (result, answer) = oneshot::channel();
        let (done, next) = oneshot::channel::<()>();
        let previous = match self.inner.state.try_borrow_mut() {
            Ok(mut st) => st.tail.replace(next),
            Err(_) => {
                let _ = result.send(Err(Error::reentrant()));
                return answer;
            }
        };
        let (this, pc) = (self.clone(), Clone::clone(pc));
        spawn_local(async move {
            if let Some(previous) = previous {
                let _ = previous.await; // handled (its sender dropped), whatever its outcome
            }
            let r = this.handle(&pc, message).await;
            drop(done);
            let _ = result.send(r);
        });
        answer
    }

    async fn handle(&self, pc: &JsValue, message: In) -> Result<(), Error> {
        match message {
            In::Description(kind, description) => {
                let plan = self.model(|m| {
                    m.description(kind, signaling(pc).unwrap_or(SignalingState::Closed), now())
                })?;
                let DescriptionPlan::Apply { rollback, answer } = plan else {
                    return Ok(());
                };
                let r = self.apply(pc, rollback, answer, &description).await;
                self.model(Perfect::applied)?;
                self.after_step(pc);
                r
            }
            In::Candidate(candidate) => {
                // Over an ordered transport, what follows an ignored offer is its candidates.
                if self.model(|m| m.candidate_failure_expected())? {
                    return Ok(());
                }
                if raw(pc).remote_description().is_none() {
                    return self
                        .inner
                        .state
                        .try_borrow_mut()
                        .map(|mut st| st.queued.push(candidate))
                        .map_err(|_| Error::reentrant());
                }
                self.add_candidate(pc, &candidate).await
            }
        }
    }

    async fn apply(
        &self,
        pc: &JsValue,
        rollback: bool,
        answer: bool,
        description: &JsValue,
    ) -> Result<(), Error> {
        if rollback {
            // Explicit rollback (see the negotiation module's docs). An offer still being made is
            // already on the operations chain, so the rollback lands after it.
            self.describe(
                pc,
                Native::SetLocalDescription,
                &Array::of1(&view::rollback()),
            )
            .await?;
        }
        self.describe(pc, Native::SetRemoteDescription, &Array::of1(description))
            .await?;
        let queued = self
            .inner
            .state
            .try_borrow_mut()
            .map(|mut st| std::mem::take(&mut st.queued))
            .map_err(|_| Error::reentrant())?;
        for c in queued {
            self.add_candidate(pc, &c).await?;
        }
        if answer {
            self.describe(pc, Native::SetLocalDescription, &Array::new())
                .await?;
            if let Some(d) = raw(pc).local_description() {
                self.emit(pc, Out::Description(d.into()));
            }
        }
        Ok(())
    }

    async fn add_candidate(&self, pc: &JsValue, candidate: &JsValue) -> Result<(), Error> {
        let added = match bindings::native(raw(pc)).add_ice_candidate(candidate) {
            Ok(Some(p)) => wasm_bindgen_futures::JsFuture::from(p).await.map(drop),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        match added {
            Ok(()) => Ok(()),
            // A candidate of an offer this side ignored.
            Err(_) if self.model(|m| m.candidate_failure_expected())? => Ok(()),
            Err(e) => Err(Error::from_js(e)),
        }
    }

    /// After a step: at `stable`, report the negotiation that ended and re-run a
    /// `negotiationneeded` that came meanwhile.
    fn after_step(&self, pc: &JsValue) {
        let now_in = signaling(pc).unwrap_or(SignalingState::Closed);
        match self.model(|m| m.stepped(now_in, now())) {
            Ok((report, rerun)) => {
                if let Some(r) = report {
                    self.emit(pc, Out::Negotiated(r));
                }
                if rerun {
                    self.negotiation_needed(pc);
                }
            }
            Err(e) => self.emit(pc, Out::Failed(e)),
        }
    }
}
