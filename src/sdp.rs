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
    for (line, _) in lines(sdp) {
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

/// The lines of an SDP blob, each with its end ("\r\n", "\n", or none for the last): the same
/// lines as `str::lines`, cut by hand (see `media_sections`).
fn lines(sdp: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = sdp;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.bytes().position(|b| b == b'\n').map_or(rest.len(), |i| i + 1);
        let whole = rest.get(..end).unwrap_or_default();
        rest = rest.get(end..).unwrap_or_default();
        let body = whole.strip_suffix("\n").unwrap_or(whole);
        let body = body.strip_suffix("\r").unwrap_or(body);
        Some((body, whole.get(body.len()..).unwrap_or_default()))
    })
}

/// The section with the given mid, if any.
pub(crate) fn section_for_mid<'a>(sections: &'a [MediaSection], mid: &str) -> Option<&'a MediaSection> {
    sections.iter().find(|s| s.mid.as_deref() == Some(mid))
}

/// An offer with every `a=extmap` id bound to one URI across its sections, or `None` when it
/// already is (or cannot be: no free id left).
///
/// For a Chromium 156 departure ([`negotiation::extension_collision`](crate::negotiation::extension_collision)):
/// after the polite side's rolled-back offer, its next `createOffer()` binds in a new section an id
/// that an earlier section binds to another URI, and `setLocalDescription` rejects its own offer.
/// Here a later section's binding moves: to the id its URI already has, else to the lowest id
/// that the description does not use (1–14, the one-byte header form; up to 255 with
/// `a=extmap-allow-mixed`). Every other line is kept byte for byte.
pub(crate) fn renumber_extmaps(sdp: &str) -> Option<String> {
    fn extmap(line: &str) -> Option<(u16, &str, &str)> {
        // "a=extmap:<id>[/<direction>] <uri>[ <attributes>]" → (id, "[/<direction>] <uri>…", uri)
        let rest = line.strip_prefix("a=extmap:")?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 3 {
            return None;
        }
        let id = rest.bytes().take(digits).fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        let tail = rest.get(digits..)?;
        let after_direction = if tail.as_bytes().first() == Some(&b'/') { tail.get(tail.bytes().position(|b| b == b' ')?..)? } else { tail };
        let uri = after_direction.split_ascii_whitespace().next()?;
        Some((id, tail, uri))
    }
    // (`get_mut`, not indexing: a bounds check would bring panic formatting into the wasm.)
    let mark = |used: &mut [bool; 256], id: u16| {
        if let Some(u) = used.get_mut(usize::from(id)) {
            *u = true;
        }
    };
    let mut used = [false; 256];
    let mut mixed = false;
    for (l, _) in lines(sdp) {
        mixed |= l == "a=extmap-allow-mixed";
        if let Some((id, ..)) = extmap(l) {
            mark(&mut used, id);
        }
    }
    let max = if mixed { 255 } else { 14 };
    let mut bound: Vec<(u16, &str)> = Vec::new();
    let mut out = String::with_capacity(sdp.len());
    let mut changed = false;
    for (l, end) in lines(sdp) {
        let Some((id, tail, uri)) = extmap(l) else {
            out.push_str(l);
            out.push_str(end);
            continue;
        };
        let new = match (bound.iter().find(|b| b.1 == uri), bound.iter().find(|b| b.0 == id)) {
            (Some(&(same, _)), _) => same,
            (None, Some(_)) => {
                let free = (1..=max).find(|&i| used.get(usize::from(i)) == Some(&false))?;
                mark(&mut used, free);
                free
            }
            (None, None) => id,
        };
        if !bound.iter().any(|b| b.0 == new) {
            bound.push((new, uri));
        }
        changed |= new != id;
        out.push_str("a=extmap:");
        let digits = [(new / 100) as u8, (new / 10 % 10) as u8, (new % 10) as u8];
        let skip = if new >= 100 { 0 } else if new >= 10 { 1 } else { 2 };
        for &d in digits.iter().skip(skip) {
            out.push_str("0123456789".get(usize::from(d)..usize::from(d) + 1).unwrap_or_default());
        }
        out.push_str(tail);
        out.push_str(end);
    }
    changed.then_some(out)
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

    const COLLIDING: &str = "v=0\r\na=group:BUNDLE 0 1\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n\
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\na=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=extmap:1 urn:ietf:params:rtp-hdrext:toffset\r\n\
a=extmap:3/sendonly urn:3gpp:video-orientation\r\na=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n\
a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid\r\na=rtpmap:96 VP8/90000\r\n";

    /// id → URI pairs of every extmap line, in order.
    fn bindings(sdp: &str) -> Vec<(String, String)> {
        sdp.lines()
            .filter_map(|l| l.strip_prefix("a=extmap:"))
            .map(|r| {
                let mut w = r.split(' ');
                let id = w.next().unwrap().split('/').next().unwrap().to_owned();
                (id, w.next().unwrap().to_owned())
            })
            .collect()
    }

    #[test]
    fn renumbering_gives_each_id_one_uri_and_each_uri_its_first_id() {
        let out = renumber_extmaps(COLLIDING).expect("the offer collides");
        let b = bindings(&out);
        // The audio section is untouched; toffset and video-orientation move to free ids (2, 5:
        // 1, 3, 4 and 9 are taken), transport-cc and mid take the ids the audio section gave them.
        assert_eq!(b[..3], bindings(COLLIDING)[..3]);
        assert_eq!(
            b[3..],
            [
                ("2".into(), "urn:ietf:params:rtp-hdrext:toffset".into()),
                ("5".into(), "urn:3gpp:video-orientation".into()),
                ("3".into(), "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01".into()),
                ("4".into(), "urn:ietf:params:rtp-hdrext:sdes:mid".into()),
            ]
        );
        // Nothing else changed: the direction suffix, the other lines, the line ends.
        assert!(out.contains("a=extmap:5/sendonly urn:3gpp:video-orientation\r\n"));
        assert_eq!(out.lines().count(), COLLIDING.lines().count());
        assert_eq!(out.replace(|c: char| c.is_ascii_digit(), ""), COLLIDING.replace(|c: char| c.is_ascii_digit(), ""));
        assert_eq!(renumber_extmaps(&out), None, "renumbered once is consistent");
    }

    #[test]
    fn a_consistent_offer_is_left_alone_and_a_full_id_space_gives_up() {
        assert_eq!(renumber_extmaps(OFFER), None);
        let consistent = COLLIDING.replace("a=mid:1\r\na=extmap:1 urn:ietf:params:rtp-hdrext:toffset", "a=mid:1\r\na=extmap:11 urn:ietf:params:rtp-hdrext:toffset")
            .replace("a=extmap:3/sendonly", "a=extmap:12/sendonly")
            .replace("a=extmap:4 http", "a=extmap:3 http")
            .replace("a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid", "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid");
        assert_eq!(renumber_extmaps(&consistent), None);
        // 14 ids used by the audio section: the colliding video line has nowhere to go (one-byte form) …
        let full: String = (1..=14).map(|i| format!("a=extmap:{i} urn:x:{i}\r\n")).collect();
        let sdp = format!("v=0\r\nm=audio 9 X 0\r\n{full}m=video 9 X 96\r\na=extmap:1 urn:y\r\n");
        assert_eq!(renumber_extmaps(&sdp), None);
        // … and with a=extmap-allow-mixed it goes to 15.
        let mixed = sdp.replace("v=0\r\n", "v=0\r\na=extmap-allow-mixed\r\n");
        assert!(renumber_extmaps(&mixed).unwrap().contains("a=extmap:15 urn:y\r\n"));
    }

    #[test]
    fn renumbering_garbage_does_not_panic() {
        for s in ["", "a=extmap:", "a=extmap:x y", "a=extmap:1", "a=extmap:99999 u", "a=extmap:1 a\na=extmap:1 b", "\r\n\r\na=extmap:1 a\r"] {
            let _ = renumber_extmaps(s);
        }
        assert!(renumber_extmaps("a=extmap:1 a\na=extmap:1 b").unwrap().ends_with("a=extmap:2 b"));
    }
}
