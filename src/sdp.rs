//! Just enough SDP reading to see, per media section, whether the far side sends and with which
//! stream ids (`a=msid`). The browser applies a remote description without saying which remote
//! tracks stopped being sent; the remote description says it, so the stream grouping reads it here.

use crate::types::{Direction, StreamId};

/// One `m=` section of a session description, as far as stream grouping needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaSection {
    /// `a=mid`, if present.
    pub mid: Option<String>,
    /// The direction attribute, from the describing side's point of view (`sendrecv` when absent).
    pub direction: Direction,
    /// Whether it is an `m=application` section (data channels).
    pub application: bool,
    /// Whether the section is rejected or stopped: port 0 without `a=bundle-only` (a bundle-only
    /// section also has port 0 but carries media over the bundle; Firefox offers them).
    pub rejected: bool,
    /// The stream ids of the `a=msid` lines, in order, without the `-` placeholder for "no stream".
    pub stream_ids: Vec<StreamId>,
    /// Whether the section has `a=bundle-only`.
    pub bundle_only: bool,
    /// Whether the section has any `a=msid` line (`-`, "no stream", included).
    pub has_msid: bool,
}

impl MediaSection {
    /// Whether the side that wrote this section sends media on it.
    pub fn sends(&self) -> bool {
        (!self.rejected || self.bundle_only) && self.direction.sends()
    }
}

/// Reads the media sections of an SDP blob. Unknown or malformed lines are skipped, never fatal.
pub(crate) fn media_sections(sdp: &str) -> Vec<MediaSection> {
    // SDP is ASCII (RFC 8866): the ASCII-only string functions keep Unicode tables out of the wasm.
    // Lines are cut by hand (`lines()` and `char` patterns carry panic paths whose messages would
    // keep integer formatting in the wasm; see the size budget). Same lines as `str::lines`.
    let mut sections = Vec::new();
    let mut session_direction = Direction::SendRecv;
    let mut current: Option<MediaSection> = None;
    let mut rest = sdp;
    while !rest.is_empty() {
        let end = rest.bytes().position(|b| b == b'\n').unwrap_or(rest.len());
        let line = rest.get(..end).unwrap_or_default();
        rest = rest.get(end + 1..).unwrap_or_default();
        let line = line.strip_suffix("\r").unwrap_or(line);
        if let Some(rest) = line.strip_prefix("m=") {
            sections.extend(current.take());
            let port = rest.split_ascii_whitespace().nth(1).unwrap_or("");
            current = Some(MediaSection {
                mid: None,
                direction: session_direction,
                application: rest.starts_with("application "),
                rejected: port == "0",
                stream_ids: Vec::new(),
                bundle_only: false,
                has_msid: false,
            });
            continue;
        }
        let Some(attr) = line.strip_prefix("a=") else { continue };
        let direction = match attr {
            "sendrecv" => Some(Direction::SendRecv),
            "sendonly" => Some(Direction::SendOnly),
            "recvonly" => Some(Direction::RecvOnly),
            "inactive" => Some(Direction::Inactive),
            _ => None,
        };
        match (&mut current, direction) {
            (None, Some(d)) => session_direction = d,
            (Some(section), Some(d)) => section.direction = d,
            (Some(section), None) => {
                if attr == "bundle-only" {
                    section.bundle_only = true;
                } else if let Some(mid) = attr.strip_prefix("mid:") {
                    section.mid = Some(mid.trim_ascii().to_owned());
                } else if let Some(msid) = attr.strip_prefix("msid:") {
                    section.has_msid = true;
                    let id = msid.split_ascii_whitespace().next().unwrap_or("-");
                    let id = StreamId::from(id);
                    if id.as_str() != "-" && !section.stream_ids.contains(&id) {
                        section.stream_ids.push(id);
                    }
                }
            }
            (None, None) => {}
        }
    }
    sections.extend(current);
    sections
}

/// The section with the given mid, if any.
pub(crate) fn section_for_mid<'a>(sections: &'a [MediaSection], mid: &str) -> Option<&'a MediaSection> {
    sections.iter().find(|s| s.mid.as_deref() == Some(mid))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\n\
a=msid-semantic: WMS cam\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendrecv\r\na=msid:cam a1\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\na=msid:cam v1\r\na=msid:screen v1\r\n\
m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=sendrecv\r\na=msid:- v2\r\n";

    #[test]
    fn reads_mids_directions_and_stream_ids() {
        let s = media_sections(OFFER);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].mid.as_deref(), Some("0"));
        assert_eq!(s[0].direction, Direction::SendRecv);
        assert_eq!(s[0].stream_ids, vec![StreamId::from("cam")]);
        assert_eq!(s[1].direction, Direction::SendOnly);
        assert_eq!(s[1].stream_ids, vec![StreamId::from("cam"), StreamId::from("screen")]);
        assert!(s[2].rejected && !s[2].sends(), "port 0 never sends");
        assert!(s[2].stream_ids.is_empty(), "`-` means no stream");
    }

    #[test]
    fn session_level_direction_is_the_default_and_missing_msid_is_streamless() {
        let sdp = "v=0\na=recvonly\nm=audio 9 RTP/AVP 0\na=mid:a\nm=video 9 RTP/AVP 96\na=mid:v\na=sendonly\n";
        let s = media_sections(sdp);
        assert_eq!(s[0].direction, Direction::RecvOnly);
        assert!(!s[0].sends());
        assert!(s[1].sends());
        assert!(s[1].stream_ids.is_empty());
        assert_eq!(section_for_mid(&s, "v").map(|x| x.direction), Some(Direction::SendOnly));
        assert!(section_for_mid(&s, "zz").is_none());
    }

    #[test]
    fn bundle_only_sections_with_port_zero_still_send() {
        // Firefox's offers in the default `balanced` policy: later sections of a kind are bundle-only.
        let sdp = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 109\r\na=mid:0\r\na=sendrecv\r\n\
m=audio 0 UDP/TLS/RTP/SAVPF 109\r\na=bundle-only\r\na=mid:2\r\na=sendrecv\r\na=msid:{s1} {t}\r\n";
        let s = media_sections(sdp);
        assert!(s[1].bundle_only && s[1].sends());
        assert_eq!(s[1].stream_ids, vec![StreamId::from("{s1}")]);
    }

    #[test]
    fn garbage_does_not_panic() {
        for sdp in ["", "m=", "a=msid:", "m=audio\na=mid:\na=msid:   \n", "\u{0}\u{ffff}m= 0"] {
            let _ = media_sections(sdp);
        }
    }
}
