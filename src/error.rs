//! Errors of the Rust API, mapped from the `name` of the `DOMException` (or `TypeError`) that the
//! browser threw, with the original JS value kept for callers who need it.

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

impl ErrorKind {
    /// Maps an exception `name` to its kind.
    pub fn from_name(name: &str) -> ErrorKind {
        match name {
            "InvalidStateError" => ErrorKind::InvalidState,
            "InvalidAccessError" => ErrorKind::InvalidAccess,
            "InvalidModificationError" => ErrorKind::InvalidModification,
            "OperationError" => ErrorKind::Operation,
            "NotSupportedError" => ErrorKind::NotSupported,
            "SyntaxError" => ErrorKind::Syntax,
            "InvalidCharacterError" => ErrorKind::InvalidCharacter,
            "NotFoundError" => ErrorKind::NotFound,
            "NotReadableError" => ErrorKind::NotReadable,
            "AbortError" => ErrorKind::Abort,
            "RTCError" => ErrorKind::Rtc,
            "TypeError" => ErrorKind::Type,
            "RangeError" => ErrorKind::Range,
            _ => ErrorKind::Other,
        }
    }
}

/// An error from the browser, or from this crate where the browser has no equivalent.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    name: String,
    message: String,
    raw: JsValue,
}

impl Error {
    /// Builds an error from a thrown JS value (a `DOMException`, a `TypeError`, or anything else).
    pub fn from_js(raw: JsValue) -> Error {
        let (name, message) = if let Some(e) = raw.dyn_ref::<js_sys::Error>() {
            (String::from(e.name()), String::from(e.message()))
        } else if let Some(e) = raw.dyn_ref::<web_sys::DomException>() {
            (e.name(), e.message())
        } else {
            ("Error".to_owned(), raw.as_string().unwrap_or_else(|| format!("{raw:?}")))
        };
        Error { kind: ErrorKind::from_name(&name), name, message, raw }
    }

    /// An error made by this crate (not thrown by the browser), e.g. a bad enum string.
    pub(crate) fn new(kind_name: &str, message: impl Into<String>) -> Error {
        let message = message.into();
        let raw = if kind_name == "TypeError" {
            crate::bindings::type_error(&message)
        } else {
            crate::bindings::dom_exception(&message, kind_name)
        };
        Error { kind: ErrorKind::from_name(kind_name), name: kind_name.to_owned(), message, raw }
    }

    /// The kind, from the exception's `name`.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The exception's `name`, e.g. `"InvalidStateError"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The browser's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The thrown JS value itself.
    pub fn as_js(&self) -> &JsValue {
        &self.raw
    }

    /// The thrown JS value itself, to rethrow it to JS unchanged.
    pub fn into_js(self) -> JsValue {
        self.raw
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
        e.raw
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
    }
}
