//! Typed listeners of the Rust face whose events carry more than a state: `icecandidateerror`.
//! (The state-change listeners live with the rest of [`PeerConnection`]'s events.)

use crate::peer_connection::PeerConnection;
use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::RtcPeerConnectionIceErrorEvent;

/// An [`icecandidateerror`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnectionIceErrorEvent)
/// event: a STUN or TURN server could not be used to gather a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IceCandidateError {
    /// The local address used to reach the server (`None` where the browser hides it).
    pub address: Option<String>,
    /// The local port used (`None` where the browser hides it).
    pub port: Option<u16>,
    /// The STUN or TURN server's URL.
    pub url: String,
    /// The STUN error code (300–699), or 701 when the server could not be reached at all.
    pub error_code: u16,
    /// The server's reason phrase, or the browser's explanation (Firefox 153 gives none for 701).
    pub error_text: String,
}

impl PeerConnection {
    /// `icecandidateerror`, with the event's fields. The listener lives as long as the returned
    /// handle. Chromium and Firefox both fire it (error code 701) for a server that cannot be reached.
    #[must_use = "the listener is removed when the handle is dropped"]
    pub fn on_ice_candidate_error(&self, mut f: impl FnMut(IceCandidateError) + 'static) -> EventListener {
        EventListener::new(self.as_raw(), "icecandidateerror", move |e| {
            if let Some(e) = e.dyn_ref::<RtcPeerConnectionIceErrorEvent>() {
                f(IceCandidateError { address: e.address(), port: e.port(), url: e.url(), error_code: e.error_code(), error_text: e.error_text() })
            }
        })
    }
}
