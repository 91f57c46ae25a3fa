//! Typed data channels: [`DataChannelInit`], [`PeerConnection::create_data_channel`],
//! [`PeerConnection::on_data_channel`], and [`DataChannel`], a small handle over web-sys's
//! [`RtcDataChannel`] with typed state, messages and errors.
//!
//! A wrapper rather than web-sys's type alone: web-sys (Gecko's IDL) has no `protocol`,
//! `ordered` or `negotiated` getters, its `send_*` exceptions are bare `JsValue`s, its handlers
//! are `on*` properties taking raw `Function`s, and a message's `data` is a `Blob` or an
//! `ArrayBuffer` depending on the browser's default `binaryType`. [`DataChannel::as_raw`] is
//! there for everything else.

use crate::bindings;
use crate::error::{Error, Result};
#[cfg(doc)]
use crate::error::ErrorKind;
use crate::events::EventStream;
use crate::peer_connection::PeerConnection;
use crate::types::DataChannelState;
use crate::view;
use gloo_events::EventListener;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, RtcDataChannel, RtcDataChannelEvent, RtcDataChannelType};

/// [`RTCDataChannelInit`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/createDataChannel#options):
/// how a data channel delivers. `None` fields take the browser's defaults (ordered, reliable,
/// no sub-protocol, negotiated in-band).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataChannelInit {
    /// Whether messages arrive in the order they were sent (`true` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered: Option<bool>,
    /// How many times an unacknowledged message is retransmitted (unlimited by default). Not with
    /// `max_packet_life_time` (the browser throws a `TypeError`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retransmits: Option<u16>,
    /// For how many milliseconds an unacknowledged message is retransmitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_packet_life_time: Option<u16>,
    /// The sub-protocol name (empty by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `true`: the application opens the channel on both sides with the same `id` (no
    /// `datachannel` event); `false` (default): the far side is told in-band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiated: Option<bool>,
    /// The SCTP stream id (required with `negotiated: Some(true)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u16>,
}

/// A message received on a [`DataChannel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Sent as a string.
    Text(String),
    /// Sent as bytes.
    Binary(Vec<u8>),
}

/// A data channel of a connection: a cheap handle (clones are the same channel).
///
/// Dropping it neither closes the channel nor removes anything: the connection owns the channel
/// (close it with [`close`](Self::close) or by closing the connection). The listeners it gives
/// are handles of their own, removed when dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataChannel {
    raw: RtcDataChannel,
}

impl DataChannel {
    /// Wraps a channel. Sets its `binaryType` to `"arraybuffer"`, so binary messages arrive as
    /// [`Message::Binary`] in every browser (Firefox's default is `"blob"`).
    pub fn from_raw(raw: RtcDataChannel) -> DataChannel {
        raw.set_binary_type(RtcDataChannelType::Arraybuffer);
        DataChannel { raw }
    }

    /// The web-sys channel.
    pub fn as_raw(&self) -> &RtcDataChannel {
        &self.raw
    }

    /// The web-sys channel.
    pub fn into_raw(self) -> RtcDataChannel {
        self.raw
    }

    /// [`label`](https://developer.mozilla.org/docs/Web/API/RTCDataChannel/label).
    pub fn label(&self) -> String {
        self.raw.label()
    }

    /// [`id`](https://developer.mozilla.org/docs/Web/API/RTCDataChannel/id) (`None` until the
    /// transport has chosen one).
    pub fn id(&self) -> Option<u16> {
        self.raw.id()
    }

    /// How the channel delivers, read back from the browser: every field is `Some`, except
    /// `max_retransmits` / `max_packet_life_time` when not set and `id` until chosen.
    pub fn options(&self) -> DataChannelInit {
        let (ordered, protocol, negotiated) = view::data_channel_options(&self.raw);
        DataChannelInit {
            ordered,
            max_retransmits: self.raw.max_retransmits(),
            max_packet_life_time: self.raw.max_packet_life_time(),
            protocol,
            negotiated,
            id: self.raw.id(),
        }
    }

    /// [`readyState`](https://developer.mozilla.org/docs/Web/API/RTCDataChannel/readyState).
    pub fn ready_state(&self) -> Result<DataChannelState> {
        DataChannelState::try_from(self.raw.ready_state()).map_err(crate::peer_connection::unknown)
    }

    /// [`bufferedAmount`](https://developer.mozilla.org/docs/Web/API/RTCDataChannel/bufferedAmount):
    /// bytes queued, not yet sent.
    pub fn buffered_amount(&self) -> u32 {
        self.raw.buffered_amount()
    }

    /// [`send(string)`](https://developer.mozilla.org/docs/Web/API/RTCDataChannel/send):
    /// [`ErrorKind::InvalidState`] unless the channel is open (Firefox 153 throws it only while
    /// `connecting`: on a closed channel it drops the message), [`ErrorKind::Operation`] when its
    /// buffer is full.
    pub fn send_text(&self, text: &str) -> Result<()> {
        self.raw.send_with_str(text).map_err(Error::from_js)
    }

    /// `send(bytes)`, with the errors of [`send_text`](Self::send_text).
    pub fn send_bytes(&self, bytes: &[u8]) -> Result<()> {
        self.raw.send_with_u8_array(bytes).map_err(Error::from_js)
    }

    /// [`close()`](https://developer.mozilla.org/docs/Web/API/RTCDataChannel/close).
    pub fn close(&self) {
        self.raw.close()
    }

    /// `message`: each message received. The listener lives as long as the returned handle.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_message(&self, mut f: impl FnMut(Message) + 'static) -> EventListener {
        EventListener::new(&self.raw, "message", move |e| {
            if let Some(m) = e.dyn_ref::<MessageEvent>().and_then(|e| message(e.data())) {
                f(m);
            }
        })
    }

    /// `message` as a `Stream` of messages; dropping it removes its listener.
    pub fn messages(&self) -> EventStream<Message> {
        EventStream::new(|f| self.on_message(f))
    }

    /// `open`: the channel can send.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_open(&self, mut f: impl FnMut() + 'static) -> EventListener {
        EventListener::new(&self.raw, "open", move |_| f())
    }

    /// `close`: the channel is closed (by either side, or with its connection).
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_close(&self, mut f: impl FnMut() + 'static) -> EventListener {
        EventListener::new(&self.raw, "close", move |_| f())
    }

    /// `error`: the event's `RTCError` (e.g. [`ErrorKind::Operation`] when the far side aborts the
    /// transport; kind [`ErrorKind::Other`] for an event without one).
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_error(&self, mut f: impl FnMut(Error) + 'static) -> EventListener {
        EventListener::new(&self.raw, "error", move |e| f(Error::from_js(view::error_of_event(e))))
    }
}

/// A message's `data`: a string, or an `ArrayBuffer` (the wrapper sets `binaryType`).
fn message(data: JsValue) -> Option<Message> {
    if let Some(text) = data.as_string() {
        return Some(Message::Text(text));
    }
    let buffer = data.dyn_into::<js_sys::ArrayBuffer>().ok()?;
    Some(Message::Binary(js_sys::Uint8Array::new(&buffer).to_vec()))
}

impl PeerConnection {
    /// [`createDataChannel(label, init)`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/createDataChannel):
    /// [`ErrorKind::Type`] for `max_retransmits` with `max_packet_life_time`, or `negotiated`
    /// without `id`; [`ErrorKind::InvalidState`] on a closed connection.
    pub fn create_data_channel(&self, label: &str, init: &DataChannelInit) -> Result<DataChannel> {
        let dict = crate::peer_connection::js(init)?;
        let raw = crate::peer_connection::returned(bindings::native(self.as_raw()).create_data_channel(label, &dict), "createDataChannel")?;
        Ok(DataChannel::from_raw(raw))
    }

    /// `datachannel`: a channel the far side opened in-band (not for `negotiated` channels).
    /// The listener lives as long as the returned handle.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_data_channel(&self, mut f: impl FnMut(DataChannel) + 'static) -> EventListener {
        EventListener::new(self.as_raw(), "datachannel", move |e| {
            if let Some(e) = e.dyn_ref::<RtcDataChannelEvent>() {
                f(DataChannel::from_raw(e.channel()));
            }
        })
    }
}
