//! The WebSocket handshake (RFC 6455, section 4.2) of the live stream.
//!
//! Done here rather than by axum's `WebSocketUpgrade` for one reason: the stream writes
//! its first message (a snapshot, tens of kilobytes in a large MPP) to the socket
//! before the WebSocket codec is made. The codec keeps its write buffer at the size of
//! the largest message it has sent, so a snapshot sent through it would stay with every
//! idle subscriber for as long as it is connected. The handshake itself is the same as
//! axum's: the same checks, tungstenite's accept key, hyper's upgrade.

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use super::ApiError;

/// The raw connection once upgraded.
pub type Connection = TokioIo<Upgraded>;

/// A valid request to open a WebSocket.
#[derive(Debug)]
pub struct Upgrade {
    accept: HeaderValue,
    on_upgrade: OnUpgrade,
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Upgrade, ApiError> {
        let headers = &parts.headers;
        let valid = parts.method == Method::GET
            && lists(headers, header::CONNECTION, "upgrade")
            && is(headers, header::UPGRADE, "websocket")
            && is(headers, header::SEC_WEBSOCKET_VERSION, "13");
        let key = headers.get(header::SEC_WEBSOCKET_KEY).filter(|_| valid);
        let on_upgrade = parts.extensions.remove::<OnUpgrade>();
        let (Some(key), Some(on_upgrade)) = (key, on_upgrade) else {
            return Err(ApiError::bad_request(
                "websocket_required",
                "Alamat ini hanya untuk koneksi WebSocket.",
                "This path takes WebSocket connections only.",
            ));
        };
        let accept = HeaderValue::from_str(&derive_accept_key(key.as_bytes()))
            .expect("base64 is a valid header value");
        Ok(Upgrade { accept, on_upgrade })
    }
}

impl Upgrade {
    /// The 101 answer; `serve` gets the connection once the client has it.
    pub fn on_upgrade<F, Fut>(self, serve: F) -> Response
    where
        F: FnOnce(Connection) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let on_upgrade = self.on_upgrade;
        tokio::spawn(async move {
            // A client that went away before the switch leaves nothing to serve.
            if let Ok(upgraded) = on_upgrade.await {
                serve(TokioIo::new(upgraded)).await;
            }
        });
        Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header(header::CONNECTION, "upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_ACCEPT, self.accept)
            .body(Body::empty())
            .expect("a valid response")
    }
}

/// Whether the header is `value`, in any case.
fn is(headers: &HeaderMap, name: HeaderName, value: &str) -> bool {
    headers
        .get(name)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(value.as_bytes()))
}

/// Whether the comma-separated header lists `token`, in any case.
fn lists(headers: &HeaderMap, name: HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.as_bytes()
            .split(|&b| b == b',')
            .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_tokens_are_found_in_lists_and_any_case() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, Upgrade"),
        );
        assert!(lists(&h, header::CONNECTION, "upgrade"));
        h.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, upgrades"),
        );
        assert!(!lists(&h, header::CONNECTION, "upgrade"));
    }
}
