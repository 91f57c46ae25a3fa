//! Typed senders and transceivers: [`Sender`] and [`Transceiver`], cheap handles over web-sys's
//! [`RtcRtpSender`] and [`RtcRtpTransceiver`] (the objects [`PeerConnection`](crate::PeerConnection)
//! returns; wrap one with `Transceiver::from(t)`), each operation returning an [`Error`] whose
//! [`kind`](Error::kind) maps the browser's exception `name`.
//!
//! Wrappers, not extension traits on the web-sys types: web-sys already has inherent
//! `direction`, `set_direction`, `stop`, `current_direction`, `mid` and `replace_track`, and an
//! inherent method always wins over a trait's of the same name; and web-sys's setter, `stop()`
//! and `replaceTrack` do not catch (an `InvalidStateError` would be uncaught), so these go through
//! the crate's own catching bindings. `as_raw()` reaches everything else.
//!
//! Nothing here keeps books: the core reads senders' tracks and transceivers' directions from the
//! browser whenever it judges, so a direction set or a track replaced here is seen as if made on
//! the raw object.

use crate::bindings;
use crate::config::{SendEncoding, SendParameters};
use crate::error::{Error, ErrorKind, Result};
use crate::types::Direction;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStreamTrack, RtcRtpReceiver, RtcRtpSender, RtcRtpTransceiver};

/// An [`RTCRtpSender`](https://developer.mozilla.org/docs/Web/API/RTCRtpSender), typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    raw: RtcRtpSender,
}

impl From<RtcRtpSender> for Sender {
    fn from(raw: RtcRtpSender) -> Sender {
        Sender { raw }
    }
}

impl Sender {
    /// Wraps a sender.
    pub fn from_raw(raw: RtcRtpSender) -> Sender {
        Sender { raw }
    }

    /// The web-sys sender.
    pub fn as_raw(&self) -> &RtcRtpSender {
        &self.raw
    }

    /// The web-sys sender.
    pub fn into_raw(self) -> RtcRtpSender {
        self.raw
    }

    /// [`track`](https://developer.mozilla.org/docs/Web/API/RTCRtpSender/track) (`None`: sends nothing).
    pub fn track(&self) -> Option<MediaStreamTrack> {
        self.raw.track()
    }

    /// [`replaceTrack(track)`](https://developer.mozilla.org/docs/Web/API/RTCRtpSender/replaceTrack):
    /// sends `track` (or nothing) from now on, with no renegotiation. [`ErrorKind::Type`] for a
    /// track of the other kind, [`ErrorKind::InvalidState`] once the connection or the
    /// transceiver is closed or stopped.
    pub async fn replace_track(&self, track: Option<&MediaStreamTrack>) -> Result<()> {
        match self.raw.unchecked_ref::<bindings::NativeSender>().replace_track(track).map_err(Error::from_js)? {
            Some(p) => JsFuture::from(p).await.map(drop).map_err(Error::from_js),
            None => Ok(()),
        }
    }

    /// The sender's encodings, from
    /// [`getParameters()`](https://developer.mozilla.org/docs/Web/API/RTCRtpSender/getParameters)`.encodings`:
    /// what the browser made of [`TransceiverInit::send_encodings`](crate::TransceiverInit::send_encodings)
    /// (and, once negotiated, of the far side's answer: an answer without simulcast leaves one).
    pub fn send_encodings(&self) -> Result<Vec<SendEncoding>> {
        let parameters: JsValue = self.raw.get_parameters().into();
        let p: SendParameters =
            serde_wasm_bindgen::from_value(parameters).map_err(|e| Error::library(ErrorKind::Type, &e.to_string()))?;
        Ok(p.encodings)
    }
}

/// An [`RTCRtpTransceiver`](https://developer.mozilla.org/docs/Web/API/RTCRtpTransceiver), typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transceiver {
    raw: RtcRtpTransceiver,
}

impl From<RtcRtpTransceiver> for Transceiver {
    fn from(raw: RtcRtpTransceiver) -> Transceiver {
        Transceiver { raw }
    }
}

impl Transceiver {
    /// Wraps a transceiver.
    pub fn from_raw(raw: RtcRtpTransceiver) -> Transceiver {
        Transceiver { raw }
    }

    /// The web-sys transceiver.
    pub fn as_raw(&self) -> &RtcRtpTransceiver {
        &self.raw
    }

    /// The web-sys transceiver.
    pub fn into_raw(self) -> RtcRtpTransceiver {
        self.raw
    }

    /// Its sender.
    pub fn sender(&self) -> Sender {
        Sender { raw: self.raw.sender() }
    }

    /// Its receiver.
    pub fn receiver(&self) -> RtcRtpReceiver {
        self.raw.receiver()
    }

    /// [`mid`](https://developer.mozilla.org/docs/Web/API/RTCRtpTransceiver/mid): `None` until
    /// negotiated (and, in Firefox, for a rejected m-section).
    pub fn mid(&self) -> Option<String> {
        self.raw.mid()
    }

    /// [`direction`](https://developer.mozilla.org/docs/Web/API/RTCRtpTransceiver/direction): the
    /// preferred direction (`Stopped` from [`stop`](Self::stop) on).
    pub fn direction(&self) -> Result<Direction> {
        Direction::try_from(self.raw.direction()).map_err(crate::peer_connection::unknown)
    }

    /// Sets the preferred direction (takes effect at the next negotiation):
    /// [`ErrorKind::InvalidState`] once stopped or stopping, [`ErrorKind::Type`] for
    /// [`Direction::Stopped`] (use [`stop`](Self::stop)).
    pub fn set_direction(&self, direction: Direction) -> Result<()> {
        self.raw.unchecked_ref::<bindings::NativeTransceiver>().set_direction(direction.as_str()).map_err(Error::from_js)
    }

    /// [`currentDirection`](https://developer.mozilla.org/docs/Web/API/RTCRtpTransceiver/currentDirection):
    /// the negotiated direction, `None` until negotiated.
    pub fn current_direction(&self) -> Result<Option<Direction>> {
        self.raw.current_direction().map(Direction::try_from).transpose().map_err(crate::peer_connection::unknown)
    }

    /// [`stop()`](https://developer.mozilla.org/docs/Web/API/RTCRtpTransceiver/stop): stops
    /// sending and receiving now; the m-section is rejected at the next negotiation.
    /// [`ErrorKind::InvalidState`] on a closed connection.
    pub fn stop(&self) -> Result<()> {
        self.raw.unchecked_ref::<bindings::NativeTransceiver>().stop().map_err(Error::from_js)
    }
}
