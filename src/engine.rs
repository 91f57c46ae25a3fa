//! Which browser engine is running, so that reuse predictions follow the engine's actual rule
//! where it departs from the spec (see the README's "Browser departures" section).

use crate::sender_reuse::{Rules, ThrowName};

/// A browser engine family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    /// Chrome, Chromium, Edge, Opera (libwebrtc).
    Chromium,
    /// Firefox (Gecko).
    Gecko,
    /// Safari (WebKit).
    WebKit,
    /// Anything else, or no browser (host tests).
    Other,
}

impl Engine {
    /// Classifies a `navigator.userAgent` string.
    pub(crate) fn from_user_agent(ua: &str) -> Engine {
        // A byte-window search: `str::contains` brings a 2 KB two-way searcher into the wasm.
        let has = |needle: &str| ua.as_bytes().windows(needle.len()).any(|w| w == needle.as_bytes());
        if has("Firefox/") {
            Engine::Gecko
        } else if has("Chrome/") || has("Chromium/") {
            Engine::Chromium
        } else if has("AppleWebKit/") {
            Engine::WebKit
        } else {
            Engine::Other
        }
    }

    /// The sender-reuse rules this engine actually applies (each departure is measured by the
    /// differential test in tests/reuse.rs and listed in the README).
    pub(crate) fn rules(self) -> Rules {
        match self {
            // libwebrtc's FindFirstTransceiverForAddedTrack skips only *stopped* transceivers, and
            // Blink then refuses a stopping one: "The existing transceiver is stopping."
            Engine::Chromium => Rules { stopping_blocks_reuse: false, stopping_throws: Some(ThrowName::InvalidAccessError) },
            // Gecko reuses a stopping transceiver; its direction stays "stopped".
            Engine::Gecko => Rules { stopping_blocks_reuse: false, stopping_throws: None },
            Engine::WebKit | Engine::Other => Rules::SPEC,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_classify() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
        assert_eq!(Engine::from_user_agent(chrome), Engine::Chromium);
        assert_eq!(Engine::from_user_agent(firefox), Engine::Gecko);
        assert_eq!(Engine::from_user_agent(safari), Engine::WebKit);
        assert_eq!(Engine::from_user_agent(""), Engine::Other);
    }
}
