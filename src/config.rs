//! Typed dictionaries of the Rust API: configuration, session descriptions, ICE candidates and
//! transceiver options. Each serializes (serde, camelCase) to exactly the dictionary the browser
//! takes, so `serde-wasm-bindgen` does the conversion and the field names are checked once, here.

use crate::stream_grouping::StreamlessPolicy;
use crate::types::{Direction, SdpType};
use serde::{Deserialize, Serialize};

/// [`RTCIceServer`](https://developer.mozilla.org/docs/Web/API/RTCIceServer).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IceServer {
    /// `stun:` / `turn:` URLs.
    #[serde(deserialize_with = "one_or_many")]
    pub urls: Vec<String>,
    /// TURN user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// TURN credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// [`RTCIceTransportPolicy`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/RTCPeerConnection#icetransportpolicy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IceTransportPolicy {
    /// Only relay (TURN) candidates.
    Relay,
    /// All candidates.
    All,
}

/// [`RTCBundlePolicy`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/RTCPeerConnection#bundlepolicy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BundlePolicy {
    /// `"balanced"`
    Balanced,
    /// `"max-compat"`
    MaxCompat,
    /// `"max-bundle"`
    MaxBundle,
}

/// [`RTCConfiguration`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/RTCPeerConnection#configuration),
/// plus this crate's `streamlessPolicy`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    /// STUN and TURN servers.
    #[serde(default)]
    pub ice_servers: Vec<IceServer>,
    /// Which candidates may be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ice_transport_policy: Option<IceTransportPolicy>,
    /// How media is bundled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_policy: Option<BundlePolicy>,
    /// Candidates to gather before they are needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ice_candidate_pool_size: Option<u8>,
    /// Where remote tracks that arrive with no stream go (not part of `RTCConfiguration`; the
    /// browser ignores it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streamless_policy: Option<StreamlessPolicy>,
}

/// [`RTCSessionDescriptionInit`](https://developer.mozilla.org/docs/Web/API/RTCSessionDescription):
/// an offer, answer, provisional answer or rollback, with its SDP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDescription {
    /// The description's type.
    #[serde(rename = "type")]
    pub sdp_type: SdpType,
    /// The SDP text (empty for a rollback).
    #[serde(default)]
    pub sdp: String,
}

impl SessionDescription {
    /// A description of the given type and SDP.
    pub fn new(sdp_type: SdpType, sdp: impl Into<String>) -> Self {
        SessionDescription { sdp_type, sdp: sdp.into() }
    }

    /// `{ type: "rollback" }`.
    pub fn rollback() -> Self {
        SessionDescription { sdp_type: SdpType::Rollback, sdp: String::new() }
    }
}

/// [`RTCIceCandidateInit`](https://developer.mozilla.org/docs/Web/API/RTCIceCandidate/RTCIceCandidate):
/// a candidate as it travels over signaling.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IceCandidate {
    /// The `candidate:` attribute line (empty: end of candidates).
    #[serde(default)]
    pub candidate: String,
    /// The media section's mid.
    #[serde(default)]
    pub sdp_mid: Option<String>,
    /// The media section's index.
    #[serde(default)]
    pub sdp_m_line_index: Option<u16>,
    /// The ICE username fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_fragment: Option<String>,
}

/// [`RTCRtpTransceiverInit`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/addTransceiver#init):
/// the direction, the streams the track is sent in, and the encodings (simulcast layers).
///
/// ```no_run
/// # fn f(pc: &rtc_peer::PeerConnection, camera: &web_sys::MediaStream) -> rtc_peer::Result<()> {
/// use rtc_peer::{Direction, SendEncoding, TrackKind, TransceiverFor, TransceiverInit};
/// let layer = |rid: &str, down: f64, bitrate: u32| SendEncoding {
///     rid: Some(rid.into()), scale_resolution_down_by: Some(down), max_bitrate: Some(bitrate), ..Default::default()
/// };
/// let init = TransceiverInit {
///     direction: Some(Direction::SendOnly),
///     streams: vec![Clone::clone(camera)], // not `camera.clone()`: that is JS `MediaStream.clone()`
///     send_encodings: vec![layer("q", 4.0, 150_000), layer("h", 2.0, 500_000), layer("f", 1.0, 1_500_000)],
/// };
/// let transceiver = pc.add_transceiver(TransceiverFor::Kind(TrackKind::Video), init, &[])?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransceiverInit {
    /// The initial direction (`sendrecv` when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The streams the sender's track is sent in (the far side groups by their ids); none: a
    /// streamless track. Passed to the browser as the objects themselves. (Copy a handle with
    /// `Clone::clone(&stream)`: web-sys's inherent `stream.clone()` is JS `clone()`, a new stream.)
    #[serde(skip)]
    pub streams: Vec<web_sys::MediaStream>,
    /// One entry per encoding to send: several, with distinct `rid`s, for simulcast. Empty: the
    /// browser's single default encoding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub send_encodings: Vec<SendEncoding>,
}

/// [`RTCRtpEncodingParameters`](https://developer.mozilla.org/docs/Web/API/RTCRtpSender/setParameters#encodings):
/// one encoding (a simulcast layer) a sender sends. `None` fields take the browser's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendEncoding {
    /// The RTP stream id naming this layer (required when there are several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rid: Option<String>,
    /// Whether the layer is sent (`true` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The most bits per second to spend on the layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bitrate: Option<u32>,
    /// For video, the factor (≥ 1) the track's resolution is divided by in each dimension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_resolution_down_by: Option<f64>,
}

/// The part of `RTCRtpSendParameters` read back by [`Sender::send_encodings`](crate::Sender::send_encodings).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SendParameters {
    #[serde(default)]
    pub(crate) encodings: Vec<SendEncoding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_serializes_to_the_browser_dictionary() {
        let c = Configuration {
            ice_servers: vec![IceServer { urls: vec!["stun:127.0.0.1:3478".into()], ..Default::default() }],
            bundle_policy: Some(BundlePolicy::MaxBundle),
            streamless_policy: Some(StreamlessPolicy::PerTrack),
            ..Default::default()
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"iceServers":[{"urls":["stun:127.0.0.1:3478"]}],"bundlePolicy":"max-bundle","streamlessPolicy":"per-track"}"#
        );
    }

    #[test]
    fn configuration_reads_what_get_configuration_returns() {
        let json = r#"{"iceServers":[{"urls":"stun:a"}],"iceTransportPolicy":"all","bundlePolicy":"balanced",
            "rtcpMuxPolicy":"require","iceCandidatePoolSize":0,"certificates":[]}"#;
        let c: Configuration = serde_json::from_str(json).unwrap();
        assert_eq!(c.ice_servers[0].urls, vec!["stun:a".to_string()]);
        assert_eq!(c.ice_transport_policy, Some(IceTransportPolicy::All));
        assert_eq!(c.ice_candidate_pool_size, Some(0));
    }

    #[test]
    fn transceiver_init_serializes_its_encodings_not_its_streams() {
        let init = TransceiverInit {
            direction: Some(Direction::SendOnly),
            send_encodings: vec![
                SendEncoding { rid: Some("h".into()), max_bitrate: Some(500_000), scale_resolution_down_by: Some(2.0), ..Default::default() },
                SendEncoding { rid: Some("f".into()), active: Some(false), ..Default::default() },
            ],
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&init).unwrap(),
            r#"{"direction":"sendonly","sendEncodings":[{"rid":"h","maxBitrate":500000,"scaleResolutionDownBy":2.0},{"rid":"f","active":false}]}"#
        );
        assert_eq!(serde_json::to_string(&TransceiverInit::default()).unwrap(), "{}");
        let p: SendParameters =
            serde_json::from_str(r#"{"transactionId":"1","encodings":[{"rid":"h","active":true,"maxBitrate":500000,"networkPriority":"low"}]}"#).unwrap();
        assert_eq!(p.encodings, vec![SendEncoding { rid: Some("h".into()), active: Some(true), max_bitrate: Some(500_000), ..Default::default() }]);
    }

    #[test]
    fn descriptions_and_candidates_use_the_wire_names() {
        let d = SessionDescription::new(SdpType::Offer, "v=0");
        assert_eq!(serde_json::to_string(&d).unwrap(), r#"{"type":"offer","sdp":"v=0"}"#);
        let r: SessionDescription = serde_json::from_str(r#"{"type":"rollback"}"#).unwrap();
        assert_eq!(r, SessionDescription::rollback());
        let c: IceCandidate =
            serde_json::from_str(r#"{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}"#).unwrap();
        assert_eq!(c.sdp_mid.as_deref(), Some("0"));
        assert_eq!(c.sdp_m_line_index, Some(0));
    }
}
