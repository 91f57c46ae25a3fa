//! Typed operations on senders and transceivers, as extension traits on web-sys's
//! [`RtcRtpSender`] and [`RtcRtpTransceiver`] (the objects [`PeerConnection`](crate::PeerConnection)
//! returns), so nothing has to be wrapped or unwrapped: `use rtc_peer::{SenderExt, TransceiverExt};`.
//!
//! Each operation returns an [`Error`] whose [`kind`](Error::kind) maps the browser's exception
//! `name` (web-sys's own setters and `stop()` do not catch: an exception there is uncaught).

use crate::config::{SendEncoding, SendParameters};
use crate::error::{Error, ErrorKind, Result};
use wasm_bindgen::JsValue;
use web_sys::RtcRtpSender;

mod sealed {
    pub trait Sealed {}
    impl Sealed for web_sys::RtcRtpSender {}
    impl Sealed for web_sys::RtcRtpTransceiver {}
}

/// Typed operations on an [`RtcRtpSender`].
pub trait SenderExt: sealed::Sealed {
    /// The sender's encodings, from
    /// [`getParameters()`](https://developer.mozilla.org/docs/Web/API/RTCRtpSender/getParameters)`.encodings`:
    /// what the browser made of [`TransceiverInit::send_encodings`](crate::TransceiverInit::send_encodings)
    /// (and, once negotiated, of the far side's answer: an answer without simulcast leaves one).
    fn send_encodings(&self) -> Result<Vec<SendEncoding>>;
}

impl SenderExt for RtcRtpSender {
    fn send_encodings(&self) -> Result<Vec<SendEncoding>> {
        let parameters: JsValue = self.get_parameters().into();
        let p: SendParameters =
            serde_wasm_bindgen::from_value(parameters).map_err(|e| Error::library(ErrorKind::Type, &e.to_string()))?;
        Ok(p.encodings)
    }
}
