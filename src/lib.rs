//! # rtc-peer
//!
//! The browser's [`RTCPeerConnection`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection),
//! for Rust and for JS, with the hard parts of sending media made typed and visible:
//!
//! 1. **Stream grouping**: which tracks travel together. Remote tracks are
//!    grouped into the right `MediaStream`s and announced once per stream
//!    ([`PeerConnection::on_stream_added`]), not once per track.
//! 2. **Streamless tracks**: a remote track that arrives with no stream is never dropped; it lands
//!    in one shared inbound stream or in a stream of its own ([`StreamlessPolicy`]).
//! 3. **Sender reuse**: which transceiver `addTrack` will reuse and why
//!    ([`PeerConnection::predict_add_track`]), including the history the browser does not expose
//!    ([`PeerConnection::has_sent`]).
//!
//! The remote streams are derived from the negotiated state after every description (offer,
//! answer, rollback, on either side), so they stay right through renegotiation and glare: a track
//! that stops being received leaves its stream, an emptied stream is removed once, a negotiation
//! that changes nothing announces nothing.
//!
//! The decisions are pure Rust over plain data (host-tested); the web-sys glue around them is thin.
//! From JS, the npm package's `PeerConnection` is a subclass of the native `RTCPeerConnection`
//! driving the same core (cargo feature `js`, which the npm build turns on).
//!
//! ## Features
//!
//! - `js`: the JS face (`PeerConnectionCore`, `attachStreamCore`) for the npm package. Off by default:
//!   a Rust app gets none of its exports.
//! - `small-alloc`: installs talc as the global allocator (smaller than dlmalloc). Off by default:
//!   a library does not choose the allocator of the program that uses it.
//! - `panic-hook`: installs `console_error_panic_hook` on first use.
//!
//! ```no_run
//! use rtc_peer::{Configuration, PeerConnection, StreamlessPolicy};
//!
//! async fn answer_calls(offer: rtc_peer::SessionDescription) -> Result<(), rtc_peer::Error> {
//!     let pc = PeerConnection::new(&Configuration {
//!         streamless_policy: Some(StreamlessPolicy::Shared),
//!         ..Default::default()
//!     })?;
//!     // Once per remote stream, with all its tracks; streamless tracks share one stream.
//!     let _on_stream = pc.on_stream_added(|remote| {
//!         web_sys::console::log_2(&"remote stream".into(), &remote.stream.id().into());
//!     });
//!     pc.set_remote_description(&offer).await?;
//!     let answer = pc.create_answer().await?;
//!     pc.set_local_description(Some(&answer)).await?;
//!     // … send `answer` back over signaling; keep `pc` and `_on_stream` alive for the call.
//!     Ok(())
//! }
//! ```
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

/// The npm package's allocator (feature `small-alloc`): talc, made for wasm, in place of dlmalloc.
/// Single-threaded wasm is what this crate targets, which is what `new_global` requires.
#[cfg(all(target_arch = "wasm32", feature = "small-alloc"))]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

mod bindings;
mod config;
mod core;
mod data_channel;
mod engine;
mod error;
mod events;
#[cfg(feature = "js")]
mod js_face;
mod listeners;
mod media;
mod negotiate;
mod negotiation;
mod negotiator;
mod peer_connection;
mod sdp;
mod sender_reuse;
mod stats;
mod stream_grouping;
mod transceiver;
mod types;
mod view;

pub use crate::core::{AddTrackOutcome, LocalStream, RemoteStream, ReusePrediction, ReuseVerdict};
pub use config::{BundlePolicy, Configuration, IceCandidate, IceServer, IceTransportPolicy, SendEncoding, SessionDescription, TransceiverInit};
pub use data_channel::{DataChannel, DataChannelInit, Message};
pub use error::{Error, ErrorKind, Result};
pub use events::{Connected, EventStream, IceGatheringComplete};
pub use gloo_events::EventListener;
pub use listeners::IceCandidateError;
/// The JS face's `attachStream` (JS arguments, JS errors), for test harnesses; Rust code uses
/// [`attach_stream`].
#[cfg(feature = "js")]
#[doc(hidden)]
pub use js_face::attach_stream_js;
#[cfg(feature = "js")]
pub use js_face::core_class;
pub use media::attach_stream;
pub use peer_connection::{DescriptionSlot, PeerConnection, SenderOrTransceiver, TransceiverFor};
pub use negotiate::{NegotiationEvent, NegotiationOptions, Negotiator};
pub use negotiation::{NegotiationReport, Offerer, Signal};
pub use sender_reuse::Reason;
pub use transceiver::{Sender, Transceiver};
pub use stats::{CandidatePair, InboundRtp, OutboundRtp, Stats};
pub use stream_grouping::{StreamlessPolicy, UnknownPolicy};
pub use types::{ConnectionState, DataChannelState, Direction, IceConnectionState, IceGatheringState, SdpType, SignalingState, StreamId, TrackKind, UnknownValue};

/// `parts.concat()`, for messages: std's `concat` has an overflow `expect` whose panic message
/// formatting would keep core::fmt in the wasm (see the size budget).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut s = String::new();
    for p in parts {
        s.push_str(p);
    }
    s
}
