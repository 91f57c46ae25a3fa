//! The Rust face of perfect negotiation: [`PeerConnection::negotiate`] and its [`Negotiator`].
//!
//! Only conversions: [`Signal`]s to and from what the core's driver
//! ([`negotiator`](crate::negotiator)) takes and gives, its reports and failures as
//! [`NegotiationEvent`]s. The listeners it needs are owned by the [`Negotiator`]; dropping it
//! stops negotiating.

use crate::error::{Error, ErrorKind, Result};
use crate::negotiation::{NegotiationReport, Signal};
use crate::negotiator::{Driver, In, Out};
use crate::peer_connection::{candidate_from, description_from, js, PeerConnection};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::future::Future;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::RtcPeerConnection;

/// How [`PeerConnection::negotiate`] negotiates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NegotiationOptions {
    /// On an offer collision, the polite side rolls its own offer back and answers the other's;
    /// the impolite side ignores the other's. Exactly one of the two peers must be polite.
    pub polite: bool,
    /// Restart ICE (`restartIce()`, which renegotiates) when the ICE or connection state turns
    /// `failed`. On by default, as in the W3C pattern.
    pub restart_ice_on_failure: bool,
}

impl NegotiationOptions {
    /// The polite side.
    pub fn polite() -> Self {
        NegotiationOptions {
            polite: true,
            restart_ice_on_failure: true,
        }
    }

    /// The impolite side.
    pub fn impolite() -> Self {
        NegotiationOptions {
            polite: false,
            restart_ice_on_failure: true,
        }
    }
}

/// What a [`Negotiator`] reports to the application.
#[derive(Debug, Clone)]
pub enum NegotiationEvent {
    /// A message to send to the other side, which hands it to its [`Negotiator::receive`].
    Signal(Signal),
    /// A negotiation is over, back to `stable`.
    Negotiated(NegotiationReport),
    /// A step the negotiator took on its own failed (making an offer, restarting ICE, decoding
    /// what the browser gave). A received message's failure is its [`receive`](Negotiator::receive) result.
    Failed(Error),
}

/// A connection negotiating by itself; see [`PeerConnection::negotiate`]. Dropping it stops
/// negotiating (its listeners are removed); the connection stays as it is.
#[derive(Debug)]
#[must_use = "negotiation stops when the Negotiator is dropped"]
pub struct Negotiator {
    driver: Driver,
    raw: RtcPeerConnection,
    _listeners: [EventListener; 4],
}

impl Negotiator {
    /// Handles a message from the other side, after every message received before it. It is
    /// handled whether or not the returned future is awaited; the future tells how it went
    /// (a description the browser rejected, a candidate that failed to apply).
    pub fn receive(&self, signal: Signal) -> impl Future<Output = Result<()>> + 'static {
        let handled = decode(signal).map(|message| self.driver.receive(&self.raw, message));
        async move {
            match handled?.await {
                Ok(r) => r,
                Err(_) => Err(Error::library(
                    ErrorKind::Abort,
                    "rtc-peer: the negotiator stopped",
                )),
            }
        }
    }
}

fn decode(signal: Signal) -> Result<In> {
    Ok(match signal {
        Signal::Description(d) => In::Description(d.sdp_type, js(&d)?),
        Signal::Candidate(Some(c)) => In::Candidate(js(&c)?),
        Signal::Candidate(None) => In::Candidate(JsValue::UNDEFINED),
    })
}

fn event(out: Out) -> NegotiationEvent {
    match out {
        Out::Description(d) => match description_from(&d) {
            Some(d) => NegotiationEvent::Signal(Signal::Description(d)),
            None => NegotiationEvent::Failed(Error::library(
                ErrorKind::Operation,
                "rtc-peer: the browser gave an unreadable description",
            )),
        },
        Out::Candidate(c) => NegotiationEvent::Signal(Signal::Candidate(
            c.map(|c| candidate_from(c.unchecked_ref())),
        )),
        Out::Negotiated(r) => NegotiationEvent::Negotiated(r),
        Out::Failed(e) => NegotiationEvent::Failed(e),
    }
}

impl PeerConnection {
    /// Negotiates by itself, with the W3C's perfect negotiation pattern, over any transport:
    /// `on_event` gets each [`NegotiationEvent::Signal`] to send to the other side (which hands it
    /// to its own [`Negotiator::receive`]), a report per negotiation and failures.
    ///
    /// It makes an offer on each `negotiationneeded` (at most one negotiation in flight; one that
    /// came meanwhile is re-run), handles glare by rollback (polite) or by ignoring the other's
    /// offer (impolite), queues candidates that arrive before their description, and restarts ICE
    /// on failure unless told not to. The remote streams and the reuse books stay right through it
    /// (every description goes through the books). One negotiator per connection;
    /// `InvalidStateError` on a closed one.
    ///
    /// One side of a call, complete but for the transport (`send` is, say, a WebSocket's; the
    /// other side hands what arrives to its `on_message`). `examples/call` is a whole app built
    /// this way, both sides in one page.
    ///
    /// ```no_run
    /// use rtc_peer::{Configuration, NegotiationEvent, NegotiationOptions, Negotiator, PeerConnection, Signal};
    /// use web_sys::{console, MediaStream, MediaStreamTrack};
    ///
    /// pub struct Side {
    ///     pub pc: PeerConnection,
    ///     negotiator: Negotiator,
    /// }
    ///
    /// impl Side {
    ///     /// Exactly one of the two sides is polite.
    ///     pub fn new(polite: bool, send: impl Fn(String) + 'static) -> Result<Side, rtc_peer::Error> {
    ///         let pc = PeerConnection::new(&Configuration::default())?;
    ///         let options = if polite { NegotiationOptions::polite() } else { NegotiationOptions::impolite() };
    ///         let negotiator = pc.negotiate(options, move |event| match event {
    ///             NegotiationEvent::Signal(signal) => send(serde_json::to_string(&signal).unwrap_or_default()),
    ///             NegotiationEvent::Negotiated(report) => console::log_1(&format!("{report:?}").into()),
    ///             NegotiationEvent::Failed(e) => console::error_1(&e.to_string().into()),
    ///         })?;
    ///         Ok(Side { pc, negotiator })
    ///     }
    ///
    ///     /// Each message from the transport, in the order it came.
    ///     pub fn on_message(&self, text: &str) -> Result<(), serde_json::Error> {
    ///         let handled = self.negotiator.receive(serde_json::from_str::<Signal>(text)?);
    ///         wasm_bindgen_futures::spawn_local(async move {
    ///             if let Err(e) = handled.await {
    ///                 console::error_1(&e.to_string().into());
    ///             }
    ///         });
    ///         Ok(())
    ///     }
    ///
    ///     /// Media added whenever, on either side: the negotiator offers it (glare included).
    ///     pub fn send(&self, track: &MediaStreamTrack, stream: &MediaStream) -> Result<(), rtc_peer::Error> {
    ///         self.pc.add_track(track, &[stream]).map(drop)
    ///     }
    /// }
    /// ```
    pub fn negotiate(
        &self,
        options: NegotiationOptions,
        on_event: impl FnMut(NegotiationEvent) + 'static,
    ) -> Result<Negotiator> {
        let on_event = RefCell::new(on_event);
        let sink = move |_: &JsValue, out: Out| {
            // Re-entered only if `on_event` itself made the driver report synchronously, which
            // it never does (every report comes from a listener or a task).
            if let Ok(mut f) = on_event.try_borrow_mut() {
                f(event(out));
            }
        };
        let raw = self.as_raw().clone();
        let driver = Driver::new(
            self.core().clone(),
            &raw,
            options.polite,
            options.restart_ice_on_failure,
            Box::new(sink),
        )?;
        let listen = |event_type: &'static str, f: fn(&Driver, &JsValue, &web_sys::Event)| {
            let (driver, pc) = (driver.clone(), JsValue::from(raw.clone()));
            EventListener::new(&raw, event_type, move |e| f(&driver, &pc, e))
        };
        let listeners = [
            listen("negotiationneeded", |d, pc, _| d.negotiation_needed(pc)),
            listen("icecandidate", |d, pc, e| d.ice_candidate(pc, e)),
            listen("iceconnectionstatechange", |d, pc, _| {
                d.ice_state_changed(pc)
            }),
            listen("connectionstatechange", |d, pc, _| d.ice_state_changed(pc)),
        ];
        Ok(Negotiator {
            driver,
            raw,
            _listeners: listeners,
        })
    }
}
