//! The JS face (feature `js`): what `js/peer-class.js` calls.
//!
//! In JS, `PeerConnection` is a subclass of the browser's `RTCPeerConnection` (see that file for
//! why), so every member it does not override is the browser's own, at the browser's own speed.
//! The members that keep books, and the members this library adds, forward here in one line each,
//! handing over the connection (`this`) and the caller's `arguments` untouched. Each method below
//! only checks the JS arguments, calls the one [`Core`] method, and builds the JS result.
//!
//! Errors: a native call's exception is rethrown as the very same object (same `name`, same
//! `instanceof DOMException`); bad input to an added member throws a `TypeError` with a message in
//! the browser's style; the crate's own failures throw a `DOMException` of their kind. Nothing here
//! panics on JS input.

use crate::bindings::Native;
use crate::core::{Core, ReusePrediction};
use crate::error::Error;
use crate::negotiator::{Driver, In, Out};
use crate::types::SdpType;
use crate::stream_grouping::StreamlessPolicy;
use crate::view::{self, cast_ref, is, Web};
use js_sys::{Array, Object, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{MediaStream, MediaStreamTrack, RtcRtpSender};

fn type_error(member: &str, detail: &str) -> JsValue {
    // Concatenation, not format!: keeps core::fmt out of the wasm (see the size budget).
    view::type_error(&crate::concat(&["Failed to execute '", member, "' on 'PeerConnection': ", detail]))
}

fn pc(pc: &JsValue) -> Result<&JsValue, JsValue> {
    if is(pc, Web::PeerConnection) {
        Ok(pc)
    } else {
        Err(view::type_error("Illegal invocation"))
    }
}

fn js<T>(r: Result<T, Error>) -> Result<T, JsValue> {
    r.map_err(Error::into_js)
}

fn policy_from(value: &JsValue) -> Result<Option<StreamlessPolicy>, JsValue> {
    if value.is_undefined() {
        return Ok(None);
    }
    // WebIDL would ToString a non-string; no non-string converts to a valid value, so any is invalid.
    let text = value.as_string();
    text.as_deref().and_then(|t| t.parse::<StreamlessPolicy>().ok()).map(Some).ok_or_else(|| {
        let shown = text.as_deref().unwrap_or("(not a string)");
        view::type_error(&crate::concat(&["The provided value '", shown, "' is not a valid enum value of type StreamlessPolicy."]))
    })
}

/// `{ key: value, … }` from pairs, for the plain records the JS face returns.
fn record(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        // Defining a data property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn str_or_null(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

// The books of one JS `PeerConnection` (private to the JS class; not part of the public API).
// Plain `//` comments, and `skip_jsdoc` on every member: wasm-bindgen copies `///` docs and
// generated `@param` tags into the shipped JS glue (size budget), and the public docs of the JS
// class are js/rtc-peer.d.ts.
#[wasm_bindgen(js_name = PeerConnectionCore)]
#[derive(Debug)]
pub struct JsCore {
    core: Rc<Core>,
    // `negotiate()`'s driver, until `close()`.
    negotiator: RefCell<Option<Driver>>,
}

#[wasm_bindgen(js_class = PeerConnectionCore)]
impl JsCore {
    // `configuration.streamlessPolicy` (the browser ignores the member), and the prototype of the
    // class's real superclass, whose members are the native ones.
    #[wasm_bindgen(skip_jsdoc, constructor)]
    pub fn new(configuration: JsValue, native: JsValue) -> Result<JsCore, JsValue> {
        #[cfg(feature = "panic-hook")]
        console_error_panic_hook::set_once();
        let policy = policy_from(&view::policy_option(&configuration))?;
        Ok(JsCore { core: Rc::new(Core::new(policy.unwrap_or_default(), native)), negotiator: RefCell::default() })
    }

    #[wasm_bindgen(skip_jsdoc, js_name = addTrack)]
    pub fn add_track(&self, pc: &JsValue, args: &Array) -> Result<RtcRtpSender, JsValue> {
        js(self.core.add_track(pc, args))
    }

    #[wasm_bindgen(skip_jsdoc, js_name = addTransceiver)]
    pub fn add_transceiver(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        js(self.core.add_transceiver(pc, args)).map(JsValue::from)
    }

    // `{ sender, transceiver, reused, directionBefore, directionAfter }`.
    #[wasm_bindgen(skip_jsdoc, js_name = addTrackDetailed)]
    pub fn add_track_detailed(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        let o = js(self.core.add_track_detailed(self::pc(pc)?, args))?;
        Ok(record(&[
            ("sender", o.sender.into()),
            ("transceiver", o.transceiver.into()),
            ("reused", JsValue::from_bool(o.reused)),
            ("directionBefore", str_or_null(o.direction_before.map(|d| d.as_str()))),
            ("directionAfter", JsValue::from_str(o.direction_after.as_str())),
        ])
        .into())
    }

    // `{ reuse, throws, candidates: [{ transceiver, reusable, reason, code }] }`.
    #[wasm_bindgen(skip_jsdoc, js_name = predictAddTrack)]
    pub fn predict_add_track(&self, pc: &JsValue, track: &JsValue) -> Result<JsValue, JsValue> {
        let track = cast_ref::<MediaStreamTrack>(track, Web::Track)
            .ok_or_else(|| type_error("predictAddTrack", "parameter 1 is not of type 'MediaStreamTrack'."))?;
        Ok(prediction_to_js(js(self.core.predict(self::pc(pc)?, track))?).into())
    }

    #[wasm_bindgen(skip_jsdoc, js_name = hasSent)]
    pub fn has_sent(&self, pc: &JsValue, target: &JsValue) -> Result<bool, JsValue> {
        if !is(target, Web::Sender) && !is(target, Web::Transceiver) {
            return Err(type_error("hasSent", "parameter 1 is not of type 'RTCRtpSender' or 'RTCRtpTransceiver'."));
        }
        js(self.core.has_sent(self::pc(pc)?, target))
    }

    #[wasm_bindgen(skip_jsdoc, js_name = streamIdsOf)]
    pub fn stream_ids_of(&self, sender: &JsValue) -> Result<Array, JsValue> {
        let sender = cast_ref::<RtcRtpSender>(sender, Web::Sender).ok_or_else(|| type_error("streamIdsOf", "parameter 1 is not of type 'RTCRtpSender'."))?;
        Ok(js(self.core.stream_ids_of(sender))?.into_iter().map(|id| JsValue::from_str(&id.0)).collect())
    }

    #[wasm_bindgen(skip_jsdoc, js_name = setSenderStreams)]
    pub fn set_sender_streams(&self, sender: &JsValue, streams: &Array) -> Result<(), JsValue> {
        let sender =
            cast_ref::<RtcRtpSender>(sender, Web::Sender).ok_or_else(|| type_error("setSenderStreams", "parameter 1 is not of type 'RTCRtpSender'."))?;
        js(self.core.set_sender_streams(sender, streams))
    }

    // `[{ id, tracks, senders }]`.
    #[wasm_bindgen(skip_jsdoc, js_name = localStreams)]
    pub fn local_streams(&self, pc: &JsValue) -> Result<Array, JsValue> {
        Ok(js(self.core.local_streams(self::pc(pc)?))?
            .into_iter()
            .map(|ls| {
                let tracks: Array = ls.tracks.into_iter().collect();
                let senders: Array = ls.senders.into_iter().collect();
                JsValue::from(record(&[("id", JsValue::from_str(&ls.id.0)), ("tracks", tracks.into()), ("senders", senders.into())]))
            })
            .collect())
    }

    #[wasm_bindgen(skip_jsdoc, js_name = remoteStreams)]
    pub fn remote_streams(&self) -> Result<Array, JsValue> {
        Ok(js(self.core.remote_streams())?.into_iter().map(|r| JsValue::from(r.stream)).collect())
    }

    #[wasm_bindgen(skip_jsdoc, js_name = isStreamless)]
    pub fn is_streamless(&self, stream: &JsValue) -> Result<bool, JsValue> {
        let Some(stream) = cast_ref::<MediaStream>(stream, Web::MediaStream) else { return Ok(false) };
        Ok(js(self.core.remote_streams())?.iter().any(|r| r.streamless && &r.stream == stream))
    }

    #[wasm_bindgen(skip_jsdoc, getter, js_name = streamlessPolicy)]
    pub fn streamless_policy(&self) -> Result<JsValue, JsValue> {
        // A JS string made here, not a returned `String`: no buffer to free afterwards in the glue.
        Ok(JsValue::from_str(js(self.core.policy())?.as_str()))
    }

    // Like a WebIDL enum attribute, an invalid value is ignored.
    #[wasm_bindgen(skip_jsdoc, setter, js_name = streamlessPolicy)]
    pub fn set_streamless_policy(&self, value: JsValue) -> Result<(), JsValue> {
        match policy_from(&value) {
            Ok(Some(p)) => js(self.core.set_policy(p)),
            _ => Ok(()),
        }
    }

    // Negotiation ends with the connection: the driver (and the app's `send`) are let go.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn close(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        let r = js(self.core.close(pc, args))?;
        if let Ok(mut n) = self.negotiator.try_borrow_mut() {
            *n = None;
        }
        Ok(r)
    }

    // `negotiate({ polite, send, restartIceOnFailure })`: the class then forwards the listeners.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn negotiate(&self, pc: &JsValue, options: &JsValue) -> Result<(), JsValue> {
        let pc = self::pc(pc)?;
        if !options.is_object() {
            return Err(type_error("negotiate", "parameter 1 is not an object."));
        }
        let send: js_sys::Function = view::get(options, "send")
            .dyn_into()
            .map_err(|_| type_error("negotiate", "The 'send' member is not a function."))?;
        let polite = view::get(options, "polite").is_truthy();
        let restart_ice = view::get(options, "restartIceOnFailure") != JsValue::FALSE;
        let mut slot = self
            .negotiator
            .try_borrow_mut()
            .map_err(|_| Error::reentrant().into_js())?;
        let sink = move |pc: &JsValue, out: Out| {
            let message = match out {
                Out::Description(d) => view::message(true, &d),
                Out::Candidate(c) => view::message(false, &c.unwrap_or(JsValue::NULL)),
                Out::Negotiated(r) => {
                    let fields = record(&[
                        ("offerer", JsValue::from_str(r.offerer.as_str())),
                        ("collisions", r.collisions.into()),
                        ("rollbacks", r.rollbacks.into()),
                        ("ignoredOffers", r.ignored_offers.into()),
                        ("durationMs", r.duration_ms.into()),
                    ]);
                    return view::announce(pc, view::NegotiationFire::Negotiated, &fields);
                }
                Out::Failed(e) => return failed(pc, e.into_js()),
            };
            if let Err(e) = send.call1(&JsValue::UNDEFINED, &message) {
                failed(pc, e);
            }
        };
        *slot = Some(js(Driver::new(
            self.core.clone(),
            pc,
            polite,
            restart_ice,
            Box::new(sink),
        ))?);
        Ok(())
    }

    // `receive(message)`: a promise of the message handled.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn receive(&self, pc: &JsValue, message: &JsValue) -> Promise {
        let started = self::pc(pc).and_then(|pc| {
            let driver = self.driver()?.ok_or_else(|| {
                view::dom_exception(
                    "Failed to execute 'receive' on 'PeerConnection': call negotiate() first.",
                    "InvalidStateError",
                )
            })?;
            Ok(driver.receive(pc, decode(message)?))
        });
        match started {
            Ok(handled) => wasm_bindgen_futures::future_to_promise(async move {
                match handled.await {
                    Ok(r) => js(r).map(|()| JsValue::UNDEFINED),
                    Err(_) => Err(view::dom_exception(
                        "The connection stopped negotiating.",
                        "AbortError",
                    )),
                }
            }),
            Err(e) => Promise::reject(&e),
        }
    }

    // Listener bodies of `negotiationneeded`, `icecandidate`, and ICE / connection state changes.
    #[wasm_bindgen(skip_jsdoc, js_name = negotiationNeeded)]
    pub fn negotiation_needed(&self, pc: &JsValue) -> Result<(), JsValue> {
        if let Some(d) = self.driver()? {
            d.negotiation_needed(pc);
        }
        Ok(())
    }

    #[wasm_bindgen(skip_jsdoc, js_name = iceCandidate)]
    pub fn ice_candidate(&self, pc: &JsValue, event: &JsValue) -> Result<(), JsValue> {
        if let Some(d) = self.driver()? {
            d.ice_candidate(pc, event);
        }
        Ok(())
    }

    #[wasm_bindgen(skip_jsdoc, js_name = iceStateChange)]
    pub fn ice_state_change(&self, pc: &JsValue) -> Result<(), JsValue> {
        if let Some(d) = self.driver()? {
            d.ice_state_changed(pc);
        }
        Ok(())
    }

    // The native promise; `described` once it has settled.
    #[wasm_bindgen(skip_jsdoc, js_name = setLocalDescription)]
    pub fn set_local_description(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        js(self.core.describe(pc, Native::SetLocalDescription, args))
    }

    #[wasm_bindgen(skip_jsdoc, js_name = restartIce)]
    pub fn restart_ice(&self, pc: &JsValue, args: &Array) -> Result<(), JsValue> {
        js(self.core.restart_ice(pc, args))
    }

    #[wasm_bindgen(skip_jsdoc, js_name = setRemoteDescription)]
    pub fn set_remote_description(&self, pc: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        js(self.core.describe(pc, Native::SetRemoteDescription, args))
    }

    #[wasm_bindgen(skip_jsdoc)]
    pub fn described(&self, pc: &JsValue) -> Result<(), JsValue> {
        js(self.core.described(self::pc(pc)?))
    }

    // Listener body for the native `track` event.
    #[wasm_bindgen(skip_jsdoc, js_name = onTrack)]
    pub fn on_track(&self, pc: &JsValue, event: &JsValue) -> Result<(), JsValue> {
        js(self.core.on_track(self::pc(pc)?, event))
    }

    // Listener body for the native `signalingstatechange` event: whether to call `settle` a task later.
    #[wasm_bindgen(skip_jsdoc, js_name = onSignalingStateChange)]
    pub fn on_signaling_state_change(&self, pc: &JsValue) -> Result<bool, JsValue> {
        js(self.core.on_signaling_state_change(self::pc(pc)?))
    }

    #[wasm_bindgen(skip_jsdoc)]
    pub fn settle(&self, pc: &JsValue) -> Result<(), JsValue> {
        js(self.core.settle_now(self::pc(pc)?))
    }
}

impl JsCore {
    fn driver(&self) -> Result<Option<Driver>, JsValue> {
        self.negotiator
            .try_borrow()
            .map(|d| d.clone())
            .map_err(|_| Error::reentrant().into_js())
    }
}

fn failed(pc: &JsValue, error: JsValue) {
    view::announce(
        pc,
        view::NegotiationFire::Error,
        &record(&[("error", error)]),
    );
}

/// `{ description }` or `{ candidate }` (`null`: the end of candidates).
fn decode(message: &JsValue) -> Result<In, JsValue> {
    let bad = || {
        type_error(
            "receive",
            "parameter 1 is not a signalling message ({ description } or { candidate }).",
        )
    };
    if !message.is_object() {
        return Err(bad());
    }
    let description = view::get(message, "description");
    if description.is_object() {
        let kind = view::get(&description, "type")
            .as_string()
            .and_then(|t| t.parse::<SdpType>().ok())
            .ok_or_else(|| {
                type_error(
                    "receive",
                    "The description's 'type' is not a valid enum value of type RTCSdpType.",
                )
            })?;
        return Ok(In::Description(kind, description));
    }
    match view::get(message, "candidate") {
        c if c.is_null() => Ok(In::Candidate(JsValue::UNDEFINED)),
        c if c.is_undefined() => Err(bad()),
        c => Ok(In::Candidate(c)),
    }
}

fn prediction_to_js(p: ReusePrediction) -> Object {
    let candidates: Array = p
        .candidates
        .into_iter()
        .map(|v| {
            JsValue::from(record(&[
                ("transceiver", v.transceiver.into()),
                ("reusable", JsValue::from_bool(v.reusable)),
                ("reason", v.reason.as_ref().map_or(JsValue::NULL, |r| JsValue::from_str(&r.describe()))),
                ("code", str_or_null(v.reason.as_ref().map(|r| r.code()))),
            ]))
        })
        .collect();
    record(&[
        ("reuse", p.reuse.map_or(JsValue::NULL, JsValue::from)),
        ("candidates", candidates.into()),
        ("throws", str_or_null(p.throws.map(|k| k.name()))),
    ])
}

/// Attaches a stream to a media element (`element.srcObject = stream`, with `autoplay`).
///
/// Safe to call repeatedly: assigning the stream the element already shows is a no-op, so playback
/// does not restart. `stream` may be `null` to detach.
// (Rust name `attach_stream_js`: the crate's `attach_stream` is the typed one, for every feature set.
// JS name `attachStreamCore`: the package's `attachStream` (js/rtc-peer.js) wraps it, and bundled
// into one module with it (pkg/web) keeps its own name, not a renamed `attachStream2`.)
#[wasm_bindgen(skip_jsdoc, js_name = attachStreamCore)]
pub fn attach_stream_js(element: &JsValue, stream: &JsValue) -> Result<(), JsValue> {
    if !is(element, Web::MediaElement) {
        return Err(view::type_error("attachStream: parameter 1 is not of type 'HTMLMediaElement'."));
    }
    if stream.is_null() || stream.is_undefined() {
        view::attach(element, None);
        return Ok(());
    }
    let stream = cast_ref::<MediaStream>(stream, Web::MediaStream)
        .ok_or_else(|| view::type_error("attachStream: parameter 2 is not of type 'MediaStream'."))?;
    view::attach(element, Some(stream));
    Ok(())
}

/// The JS class of the core, for test harnesses that build the `PeerConnection` class themselves
/// (`definePeerConnection(coreClass())` from `js/peer-class.js`). Not part of the stable API.
#[doc(hidden)]
pub fn core_class() -> JsValue {
    match JsCore::new(JsValue::UNDEFINED, crate::bindings::native_prototype()) {
        Ok(core) => view::get(&JsValue::from(core), "constructor"),
        Err(e) => e,
    }
}
