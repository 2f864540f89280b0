//! What every request must be before any handler sees it: a body it declares no larger
//! than the limit (refused at once, before a byte of it is read), and a body that
//! changes state sent as JSON. A form or `text/plain` post from another web site (which
//! a browser sends without asking) therefore never acts.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::body::{BODY_LIMIT, LARGE_BODIES, LARGE_BODY_LIMIT};

/// Bodies other than JSON a route takes, by path prefix: none yet.
const OTHER_BODIES: &[(&str, &str)] = &[];

pub async fn gate(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let large = LARGE_BODIES.iter().any(|(method, path)| {
        request.method().as_str() == *method && request.uri().path() == *path
    });
    let limit = if large { LARGE_BODY_LIMIT } else { BODY_LIMIT };
    if declared.is_some_and(|len| len > limit as u64) {
        // Answer without reading the body, and close the connection rather than read
        // (or wait for) what the client declared.
        let mut response = ApiError::payload_too_large().into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, "close".parse().expect("valid"));
        return response;
    }
    let has_body = declared.is_some_and(|len| len > 0)
        || request.headers().contains_key(header::TRANSFER_ENCODING);
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if has_body && changes_state && !acceptable_type(&request) {
        return ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
            "Send the request body as JSON (Content-Type: application/json).",
        )
        .into_response();
    }
    next.run(request).await
}

fn acceptable_type(request: &Request<Body>) -> bool {
    let Some(kind) = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = kind
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || OTHER_BODIES
            .iter()
            .any(|(path, t)| request.uri().path().starts_with(path) && essence == *t)
}
