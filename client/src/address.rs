//! The server's address as the native clients are given it: `http://HOST:PORT`.
//!
//! Only plain http. The server runs on the MPP's own LAN, and the native clients carry
//! no TLS stack so that building them needs no system libraries. An `https://` address
//! could therefore never be reached; it is refused when it is given, with a message a
//! person can act on, rather than failing again at every reconnection attempt.

use std::fmt;
use std::str::FromStr;

/// A server's base address: `http://` and a host, without a trailing `/`. Paths such as
/// `/api/v1/site` are appended to it, so a base behind a path prefix works too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    base: String,
}

/// An address the clients cannot use; the message names what was given and what is
/// expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?}: expected http://HOST:PORT (the server on the LAN; https is not supported)")]
pub struct AddressError {
    given: String,
}

impl Address {
    /// Takes `http://HOST[:PORT][/PREFIX]`, ignoring surrounding blanks and trailing `/`.
    pub fn parse(text: &str) -> Result<Address, AddressError> {
        let base = text.trim().trim_end_matches('/');
        match base.strip_prefix("http://") {
            Some(rest) if !rest.is_empty() && !rest.starts_with('/') => Ok(Address {
                base: base.to_string(),
            }),
            _ => Err(AddressError {
                given: text.to_string(),
            }),
        }
    }

    /// `http://HOST:PORT`, for HTTP requests and for links built from it.
    pub fn http(&self) -> &str {
        &self.base
    }

    /// The HTTP URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The WebSocket URL of `path` (which starts with `/`): `ws://HOST:PORT{path}`.
    pub fn ws(&self, path: &str) -> String {
        let rest = self.base.strip_prefix("http://").unwrap_or(&self.base);
        format!("ws://{rest}{path}")
    }
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(text: &str) -> Result<Address, AddressError> {
        Address::parse(text)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_http_address_gives_http_and_websocket_urls() {
        let a = Address::parse(" http://10.0.0.5:8080/ ").unwrap();
        assert_eq!(a.http(), "http://10.0.0.5:8080");
        assert_eq!(a.url("/api/v1/site"), "http://10.0.0.5:8080/api/v1/site");
        assert_eq!(a.ws("/api/v1/stream"), "ws://10.0.0.5:8080/api/v1/stream");
        let prefixed = Address::parse("http://mpp.lan/antre").unwrap();
        assert_eq!(
            prefixed.ws("/api/v1/stream"),
            "ws://mpp.lan/antre/api/v1/stream"
        );
    }

    #[test]
    fn https_and_bare_hosts_are_refused_with_what_to_give() {
        for bad in [
            "https://antre.example",
            "10.0.0.5:8080",
            "http://",
            "ws://h:1",
            "",
        ] {
            let err = Address::parse(bad).unwrap_err().to_string();
            assert!(err.contains("http://HOST:PORT"), "{bad}: {err}");
        }
        assert!(
            Address::parse("https://antre.example")
                .unwrap_err()
                .to_string()
                .contains("https is not supported")
        );
    }
}
