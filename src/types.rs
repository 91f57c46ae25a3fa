//! The WebRTC vocabulary as plain Rust types: kinds, directions, states and stream ids.
//!
//! Nothing here touches web-sys, so the pure decisions built on these types (stream grouping,
//! sender reuse) compile and test on the host. Each type converts to and from the spec's string
//! form (`"sendrecv"`, `"have-local-offer"`, …), which is also its serde form.

use core::fmt;
use core::str::FromStr;
use serde::{Deserialize, Serialize};

/// The string was not one of the values the spec defines for this enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The enum that was being parsed, e.g. `"Direction"`.
    pub type_name: &'static str,
    /// The rejected string.
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a valid {}", self.value, self.type_name)
    }
}

impl std::error::Error for UnknownValue {}

macro_rules! spec_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every value, in the spec's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spec's string for this value.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue { type_name: stringify!($name), value: s.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spec_enum! {
    /// A media track's kind ([`MediaStreamTrack.kind`](https://developer.mozilla.org/docs/Web/API/MediaStreamTrack/kind)).
    TrackKind {
        /// `"audio"`
        Audio = "audio",
        /// `"video"`
        Video = "video",
    }
}

spec_enum! {
    /// A transceiver's direction ([`RTCRtpTransceiverDirection`](https://developer.mozilla.org/docs/Web/API/RTCRtpTransceiver/direction)).
    Direction {
        /// `"sendrecv"`: sends and receives.
        SendRecv = "sendrecv",
        /// `"sendonly"`: sends, does not receive.
        SendOnly = "sendonly",
        /// `"recvonly"`: receives, does not send.
        RecvOnly = "recvonly",
        /// `"inactive"`: neither sends nor receives.
        Inactive = "inactive",
        /// `"stopped"`: the transceiver has been stopped.
        Stopped = "stopped",
    }
}

impl Direction {
    /// Whether this direction includes sending (`sendrecv` or `sendonly`).
    pub const fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    /// Whether this direction includes receiving (`sendrecv` or `recvonly`).
    pub const fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    /// The direction after `addTrack` reuses a transceiver in this direction: sending is added
    /// (`recvonly` → `sendrecv`, `inactive` → `sendonly`); other values are unchanged.
    pub const fn with_send(self) -> Direction {
        match self {
            Direction::RecvOnly => Direction::SendRecv,
            Direction::Inactive => Direction::SendOnly,
            other => other,
        }
    }
}

spec_enum! {
    /// [`RTCPeerConnection.signalingState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/signalingState).
    SignalingState {
        /// `"stable"`
        Stable = "stable",
        /// `"have-local-offer"`
        HaveLocalOffer = "have-local-offer",
        /// `"have-remote-offer"`
        HaveRemoteOffer = "have-remote-offer",
        /// `"have-local-pranswer"`
        HaveLocalPranswer = "have-local-pranswer",
        /// `"have-remote-pranswer"`
        HaveRemotePranswer = "have-remote-pranswer",
        /// `"closed"`
        Closed = "closed",
    }
}

spec_enum! {
    /// [`RTCPeerConnection.connectionState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/connectionState).
    ConnectionState {
        /// `"new"`
        New = "new",
        /// `"connecting"`
        Connecting = "connecting",
        /// `"connected"`
        Connected = "connected",
        /// `"disconnected"`
        Disconnected = "disconnected",
        /// `"failed"`
        Failed = "failed",
        /// `"closed"`
        Closed = "closed",
    }
}

spec_enum! {
    /// [`RTCPeerConnection.iceConnectionState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/iceConnectionState).
    IceConnectionState {
        /// `"new"`
        New = "new",
        /// `"checking"`
        Checking = "checking",
        /// `"connected"`
        Connected = "connected",
        /// `"completed"`
        Completed = "completed",
        /// `"disconnected"`
        Disconnected = "disconnected",
        /// `"failed"`
        Failed = "failed",
        /// `"closed"`
        Closed = "closed",
    }
}

spec_enum! {
    /// [`RTCPeerConnection.iceGatheringState`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/iceGatheringState).
    IceGatheringState {
        /// `"new"`
        New = "new",
        /// `"gathering"`
        Gathering = "gathering",
        /// `"complete"`
        Complete = "complete",
    }
}

spec_enum! {
    /// [`RTCSessionDescription.type`](https://developer.mozilla.org/docs/Web/API/RTCSessionDescription/type).
    SdpType {
        /// `"offer"`
        Offer = "offer",
        /// `"pranswer"`
        Pranswer = "pranswer",
        /// `"answer"`
        Answer = "answer",
        /// `"rollback"`
        Rollback = "rollback",
    }
}

spec_enum! {
    /// [`RTCDataChannel.readyState`](https://developer.mozilla.org/docs/Web/API/RTCDataChannel/readyState).
    DataChannelState {
        /// `"connecting"`
        Connecting = "connecting",
        /// `"open"`
        Open = "open",
        /// `"closing"`
        Closing = "closing",
        /// `"closed"`
        Closed = "closed",
    }
}

/// The id of a `MediaStream` — on the wire, the first field of an `a=msid` line.
///
/// Tracks sent with the same stream id arrive in one `MediaStream` on the far side.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StreamId(pub String);

impl StreamId {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for StreamId {
    fn from(s: String) -> Self {
        StreamId(s)
    }
}

impl From<&str> for StreamId {
    fn from(s: &str) -> Self {
        StreamId(s.to_owned())
    }
}

/// `From` both ways between the crate's enums and web-sys's, variant by variant (web-sys's enums
/// are also non-exhaustive in practice: a value it does not know has no variant, so that
/// direction is `TryFrom`, failing with [`UnknownValue`]).
macro_rules! web_sys_conversions {
    ($ours:ident <=> $theirs:ident { $($a:ident <=> $b:ident),+ $(,)? }) => {
        impl From<$ours> for web_sys::$theirs {
            fn from(v: $ours) -> Self {
                match v { $($ours::$a => web_sys::$theirs::$b),+ }
            }
        }

        impl TryFrom<web_sys::$theirs> for $ours {
            type Error = UnknownValue;
            fn try_from(v: web_sys::$theirs) -> Result<Self, UnknownValue> {
                match v {
                    $(web_sys::$theirs::$b => Ok($ours::$a),)+
                    #[allow(unreachable_patterns)]
                    _ => Err(UnknownValue { type_name: stringify!($ours), value: String::new() }),
                }
            }
        }
    };
}

web_sys_conversions!(Direction <=> RtcRtpTransceiverDirection {
    SendRecv <=> Sendrecv, SendOnly <=> Sendonly, RecvOnly <=> Recvonly, Inactive <=> Inactive, Stopped <=> Stopped,
});
web_sys_conversions!(SignalingState <=> RtcSignalingState {
    Stable <=> Stable, HaveLocalOffer <=> HaveLocalOffer, HaveRemoteOffer <=> HaveRemoteOffer,
    HaveLocalPranswer <=> HaveLocalPranswer, HaveRemotePranswer <=> HaveRemotePranswer, Closed <=> Closed,
});
web_sys_conversions!(ConnectionState <=> RtcPeerConnectionState {
    New <=> New, Connecting <=> Connecting, Connected <=> Connected, Disconnected <=> Disconnected, Failed <=> Failed, Closed <=> Closed,
});
web_sys_conversions!(IceConnectionState <=> RtcIceConnectionState {
    New <=> New, Checking <=> Checking, Connected <=> Connected, Completed <=> Completed,
    Disconnected <=> Disconnected, Failed <=> Failed, Closed <=> Closed,
});
web_sys_conversions!(IceGatheringState <=> RtcIceGatheringState { New <=> New, Gathering <=> Gathering, Complete <=> Complete });
web_sys_conversions!(DataChannelState <=> RtcDataChannelState {
    Connecting <=> Connecting, Open <=> Open, Closing <=> Closing, Closed <=> Closed,
});
web_sys_conversions!(SdpType <=> RtcSdpType { Offer <=> Offer, Pranswer <=> Pranswer, Answer <=> Answer, Rollback <=> Rollback });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_round_trips_through_its_spec_string() {
        fn check<T: Copy + PartialEq + core::fmt::Debug + FromStr + fmt::Display>(all: &[T]) {
            for &v in all {
                let parsed: T = v.to_string().parse().ok().expect("round trip");
                assert_eq!(parsed, v);
            }
        }
        check(TrackKind::ALL);
        check(Direction::ALL);
        check(SignalingState::ALL);
        check(ConnectionState::ALL);
        check(IceConnectionState::ALL);
        check(IceGatheringState::ALL);
        for &d in Direction::ALL {
            let theirs = web_sys::RtcRtpTransceiverDirection::from(d);
            assert_eq!(Direction::try_from(theirs), Ok(d));
        }
        for &s in SignalingState::ALL {
            assert_eq!(SignalingState::try_from(web_sys::RtcSignalingState::from(s)), Ok(s));
        }
        check(SdpType::ALL);
    }

    #[test]
    fn unknown_strings_are_rejected_with_the_type_name() {
        let err = "sideways".parse::<Direction>().unwrap_err();
        assert_eq!(err.type_name, "Direction");
        assert_eq!(err.to_string(), "\"sideways\" is not a valid Direction");
        assert!("Audio".parse::<TrackKind>().is_err(), "kinds are case-sensitive like the spec");
    }

    #[test]
    fn serde_uses_the_spec_strings() {
        assert_eq!(serde_json::to_string(&Direction::SendRecv).unwrap(), "\"sendrecv\"");
        assert_eq!(serde_json::to_string(&SignalingState::HaveLocalOffer).unwrap(), "\"have-local-offer\"");
        let id: StreamId = serde_json::from_str("\"cam\"").unwrap();
        assert_eq!(id, StreamId::from("cam"));
    }

    #[test]
    fn reuse_adds_sending_to_the_direction() {
        assert_eq!(Direction::RecvOnly.with_send(), Direction::SendRecv);
        assert_eq!(Direction::Inactive.with_send(), Direction::SendOnly);
        assert_eq!(Direction::SendRecv.with_send(), Direction::SendRecv);
        assert_eq!(Direction::SendOnly.with_send(), Direction::SendOnly);
        assert!(Direction::SendOnly.sends() && !Direction::SendOnly.receives());
        assert!(Direction::RecvOnly.receives() && !Direction::RecvOnly.sends());
        assert!(!Direction::Stopped.sends() && !Direction::Stopped.receives());
    }
}
