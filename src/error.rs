//! Errors: the browser's exceptions, kept untouched ([`Error::is_from_browser`]), and this crate's
//! own failures (bad input to a member the browser does not have, a browser value the spec does
//! not define, a re-entrant call), each with the [`ErrorKind`] whose `name` the JS face throws.

use core::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// What went wrong, by the exception `name` the browser used.
///
/// The names are the spec's; see
/// [DOMException names](https://developer.mozilla.org/docs/Web/API/DOMException#error_names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `InvalidStateError`: the connection is closed, or the call is not allowed in this signaling state.
    InvalidState,
    /// `InvalidAccessError`: e.g. a track that is already added, or a sender of another connection.
    InvalidAccess,
    /// `InvalidModificationError`: e.g. a configuration change that is not allowed.
    InvalidModification,
    /// `OperationError`: the operation failed for an operation-specific reason.
    Operation,
    /// `NotSupportedError`
    NotSupported,
    /// `SyntaxError`: e.g. an unparseable ICE server URL.
    Syntax,
    /// `InvalidCharacterError`
    InvalidCharacter,
    /// `NotFoundError`
    NotFound,
    /// `NotReadableError`
    NotReadable,
    /// `AbortError`
    Abort,
    /// `RTCError` (its `errorDetail` says more).
    Rtc,
    /// `TypeError`: an argument of the wrong type or shape.
    Type,
    /// `RangeError`
    Range,
    /// Any other name.
    Other,
}

const NAMES: &[(ErrorKind, &str)] = &[
    (ErrorKind::InvalidState, "InvalidStateError"),
    (ErrorKind::InvalidAccess, "InvalidAccessError"),
    (ErrorKind::InvalidModification, "InvalidModificationError"),
    (ErrorKind::Operation, "OperationError"),
    (ErrorKind::NotSupported, "NotSupportedError"),
    (ErrorKind::Syntax, "SyntaxError"),
    (ErrorKind::InvalidCharacter, "InvalidCharacterError"),
    (ErrorKind::NotFound, "NotFoundError"),
    (ErrorKind::NotReadable, "NotReadableError"),
    (ErrorKind::Abort, "AbortError"),
    (ErrorKind::Rtc, "RTCError"),
    (ErrorKind::Type, "TypeError"),
    (ErrorKind::Range, "RangeError"),
];

impl ErrorKind {
    /// Maps an exception `name` to its kind.
    pub fn from_name(name: &str) -> ErrorKind {
        NAMES.iter().find(|(_, n)| *n == name).map_or(ErrorKind::Other, |(k, _)| *k)
    }

    /// The exception `name` of this kind (`"Error"` for [`ErrorKind::Other`]).
    pub fn name(self) -> &'static str {
        NAMES.iter().find(|(k, _)| *k == self).map_or("Error", |(_, n)| n)
    }
}

impl From<crate::sender_reuse::ThrowName> for ErrorKind {
    fn from(t: crate::sender_reuse::ThrowName) -> ErrorKind {
        ErrorKind::from_name(t.as_str())
    }
}

/// An error thrown by the browser, or made by this crate where the browser has no equivalent.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    name: String,
    message: String,
    /// The thrown value, for errors from the browser.
    raw: Option<JsValue>,
}

impl Error {
    /// Builds an error from a thrown JS value (a `DOMException`, a `TypeError`, or anything else).
    pub fn from_js(raw: JsValue) -> Error {
        let (name, message) = if let Some(e) = raw.dyn_ref::<js_sys::Error>() {
            (String::from(e.name()), String::from(e.message()))
        } else if let Some(e) = raw.dyn_ref::<web_sys::DomException>() {
            (e.name(), e.message())
        } else {
            ("Error".to_owned(), raw.as_string().unwrap_or_default())
        };
        Error { kind: ErrorKind::from_name(&name), name, message, raw: Some(raw) }
    }

    /// An error made by this crate, of this kind.
    pub(crate) fn library(kind: ErrorKind, message: &str) -> Error {
        Error { kind, name: kind.name().to_owned(), message: message.to_owned(), raw: None }
    }

    /// A call into the connection while another is under way on it (from a listener), at a point
    /// where the books cannot answer: it fails loudly rather than answer from half-kept books.
    pub(crate) fn reentrant() -> Error {
        Error::library(ErrorKind::InvalidState, "rtc-peer: the connection's books are in use by a call that is still running")
    }

    /// The kind, from the exception's `name`.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The exception's `name`, e.g. `"InvalidStateError"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the browser threw it (else this crate made it).
    pub fn is_from_browser(&self) -> bool {
        self.raw.is_some()
    }

    /// The thrown JS value, for errors from the browser.
    pub fn as_js(&self) -> Option<&JsValue> {
        self.raw.as_ref()
    }

    /// The error as a JS value: the browser's exception itself, or for this crate's errors a
    /// `TypeError` or a `DOMException` with the kind's `name`, as the JS face throws it.
    pub fn into_js(self) -> JsValue {
        match self.raw {
            Some(raw) => raw,
            None if self.kind == ErrorKind::Type => crate::view::type_error(&self.message),
            None => crate::view::dom_exception(&self.message, self.kind.name()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for Error {}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        e.into_js()
    }
}

/// The result type of this crate's fallible operations.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_kinds() {
        assert_eq!(ErrorKind::from_name("InvalidStateError"), ErrorKind::InvalidState);
        assert_eq!(ErrorKind::from_name("InvalidAccessError"), ErrorKind::InvalidAccess);
        assert_eq!(ErrorKind::from_name("TypeError"), ErrorKind::Type);
        assert_eq!(ErrorKind::from_name("OperationError"), ErrorKind::Operation);
        assert_eq!(ErrorKind::from_name("SomethingNew"), ErrorKind::Other);
        for &(kind, name) in NAMES {
            assert_eq!(ErrorKind::from_name(kind.name()), kind, "{name}");
        }
    }
}
