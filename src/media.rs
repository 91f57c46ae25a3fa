//! Media elements: [`attach_stream`], the typed counterpart of the JS face's `attachStream`
//! (same helper underneath, no feature needed).

use crate::view;
use web_sys::{HtmlMediaElement, MediaStream};

/// Shows `stream` in a `<video>` or `<audio>` element (`element.srcObject = stream`, with
/// `autoplay`); `None` detaches (`srcObject = null`).
///
/// Safe to call repeatedly, e.g. from every [`on_stream_added`](crate::PeerConnection::on_stream_added):
/// assigning the stream the element already shows is skipped, so playback does not restart.
///
/// ```no_run
/// # fn f(pc: &rtc_peer::PeerConnection, video: web_sys::HtmlMediaElement) -> rtc_peer::EventListener {
/// pc.on_stream_added(move |remote| rtc_peer::attach_stream(&video, Some(&remote.stream)))
/// # }
/// ```
pub fn attach_stream(element: &HtmlMediaElement, stream: Option<&MediaStream>) {
    view::attach(element, stream);
}
