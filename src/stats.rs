//! Typed stats: [`PeerConnection::stats`] reads
//! [`getStats()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getStats) into
//! [`Stats`], the entries most apps look at (RTP sent and received, the candidate pairs), with the
//! whole report kept in [`Stats::report`] for the rest.
//!
//! The entries are read with serde from the browser's dictionaries (field names checked once,
//! here, as in `config.rs`); an optional field a browser does not report is `None`, never a
//! made-up 0. Counters are the browser's totals since the stream began.

use crate::error::{Error, ErrorKind, Result};
use crate::peer_connection::PeerConnection;
use crate::types::TrackKind;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::RtcStatsReport;

/// An [`inbound-rtp`](https://developer.mozilla.org/docs/Web/API/RTCInboundRtpStreamStats) entry:
/// one RTP stream received.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundRtp {
    /// The entry's id in the report.
    pub id: String,
    /// Audio or video.
    pub kind: TrackKind,
    /// The transceiver's mid.
    #[serde(default)]
    pub mid: Option<String>,
    /// The receiving track's id.
    #[serde(default)]
    pub track_identifier: Option<String>,
    /// Payload bytes received.
    #[serde(default)]
    pub bytes_received: u64,
    /// RTP packets received.
    #[serde(default)]
    pub packets_received: u64,
    /// Packets lost (may be negative: duplicates are counted as received).
    #[serde(default)]
    pub packets_lost: i64,
    /// Packet jitter, in seconds.
    #[serde(default)]
    pub jitter: Option<f64>,
    /// Video frames decoded (`None` for audio).
    #[serde(default)]
    pub frames_decoded: Option<u64>,
}

/// An [`outbound-rtp`](https://developer.mozilla.org/docs/Web/API/RTCOutboundRtpStreamStats)
/// entry: one RTP stream sent (one per simulcast layer).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboundRtp {
    /// The entry's id in the report.
    pub id: String,
    /// Audio or video.
    pub kind: TrackKind,
    /// The transceiver's mid.
    #[serde(default)]
    pub mid: Option<String>,
    /// The simulcast layer's rid.
    #[serde(default)]
    pub rid: Option<String>,
    /// Payload bytes sent.
    #[serde(default)]
    pub bytes_sent: u64,
    /// RTP packets sent.
    #[serde(default)]
    pub packets_sent: u64,
    /// Video frames encoded (`None` for audio).
    #[serde(default)]
    pub frames_encoded: Option<u64>,
}

/// A [`candidate-pair`](https://developer.mozilla.org/docs/Web/API/RTCIceCandidatePairStats) entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidatePair {
    /// The entry's id in the report.
    pub id: String,
    /// `"frozen"`, `"waiting"`, `"in-progress"`, `"failed"` or `"succeeded"`.
    #[serde(default)]
    pub state: String,
    /// Whether ICE nominated the pair.
    #[serde(default)]
    pub nominated: bool,
    /// The latest STUN round trip, in seconds.
    #[serde(default)]
    pub current_round_trip_time: Option<f64>,
    /// The sum of every STUN round trip, in seconds; with `responses_received`, the mean.
    #[serde(default)]
    pub total_round_trip_time: Option<f64>,
    /// STUN responses received.
    #[serde(default)]
    pub responses_received: Option<u64>,
    /// Bytes sent on the pair.
    #[serde(default)]
    pub bytes_sent: Option<u64>,
    /// Bytes received on the pair.
    #[serde(default)]
    pub bytes_received: Option<u64>,
    /// Whether the transport uses this pair now (Chromium names it in its `transport` entry,
    /// Firefox flags the pair).
    #[serde(default)]
    pub selected: bool,
}

impl CandidatePair {
    /// The latest round trip if the browser reports it, else the mean over the responses.
    pub fn round_trip_time(&self) -> Option<f64> {
        self.current_round_trip_time.or_else(|| match (self.total_round_trip_time, self.responses_received) {
            (Some(total), Some(n)) if n > 0 => Some(total / n as f64),
            _ => None,
        })
    }
}

/// The common entries of a stats report, in report order.
#[derive(Debug, Clone)]
pub struct Stats {
    /// What is received, one entry per RTP stream.
    pub inbound: Vec<InboundRtp>,
    /// What is sent, one entry per RTP stream (per simulcast layer).
    pub outbound: Vec<OutboundRtp>,
    /// The ICE candidate pairs.
    pub candidate_pairs: Vec<CandidatePair>,
    /// The browser's whole report.
    pub report: RtcStatsReport,
}

impl Stats {
    /// The candidate pair the transport uses now.
    pub fn selected_pair(&self) -> Option<&CandidatePair> {
        self.candidate_pairs.iter().find(|p| p.selected)
    }

    /// Bytes received over every RTP stream of this kind.
    pub fn bytes_received(&self, kind: TrackKind) -> u64 {
        self.inbound.iter().filter(|e| e.kind == kind).map(|e| e.bytes_received).sum()
    }

    /// Bytes sent over every RTP stream (every layer) of this kind.
    pub fn bytes_sent(&self, kind: TrackKind) -> u64 {
        self.outbound.iter().filter(|e| e.kind == kind).map(|e| e.bytes_sent).sum()
    }
}

/// What every entry has; `transport` entries name the selected pair.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Common {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    selected_candidate_pair_id: Option<String>,
}

fn read<T: for<'de> Deserialize<'de>>(entry: JsValue) -> Result<T> {
    serde_wasm_bindgen::from_value(entry).map_err(|e| Error::library(ErrorKind::Operation, &crate::concat(&["rtc-peer: a stats entry: ", &e.to_string()])))
}

impl PeerConnection {
    /// [`getStats()`](https://developer.mozilla.org/docs/Web/API/RTCPeerConnection/getStats),
    /// typed: RTP sent and received, and the candidate pairs. An entry of a known type that does
    /// not read as the spec says is an [`ErrorKind::Operation`] error.
    pub async fn stats(&self) -> Result<Stats> {
        let v = JsFuture::from(self.as_raw().get_stats()).await.map_err(Error::from_js)?;
        let report: RtcStatsReport = v.dyn_into().map_err(|_| Error::library(ErrorKind::Operation, "getStats gave no report"))?;
        let mut stats = Stats { inbound: Vec::new(), outbound: Vec::new(), candidate_pairs: Vec::new(), report: Clone::clone(&report) };
        let mut selected = Vec::new();
        for entry in report.values() {
            let entry = entry.map_err(Error::from_js)?;
            let common: Common = read(entry.clone())?;
            match common.kind.as_str() {
                "inbound-rtp" => stats.inbound.push(read(entry)?),
                "outbound-rtp" => stats.outbound.push(read(entry)?),
                "candidate-pair" => stats.candidate_pairs.push(read(entry)?),
                "transport" => selected.extend(common.selected_candidate_pair_id),
                _ => {}
            }
        }
        for pair in &mut stats.candidate_pairs {
            pair.selected |= selected.contains(&pair.id);
        }
        Ok(stats)
    }
}
