//! Request bodies and headers whose failures speak the API's error format: JSON
//! bodies, the body limit, the `Idempotency-Key` header.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::Ctx;
use super::error::ApiError;

/// Longest accepted `Idempotency-Key`: a UUID is 36 characters; 128 leaves room for
/// any scheme a client might use without letting keys become storage.
const MAX_IDEMPOTENCY_KEY: usize = 128;

/// The `Idempotency-Key` header, if given: 1 to 128 visible ASCII characters.
pub fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| {
            !k.is_empty()
                && k.len() <= MAX_IDEMPOTENCY_KEY
                && k.chars().all(|c| c.is_ascii_graphic())
        })
        .map(|k| Some(k.to_string()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key harus 1–128 karakter ASCII yang terlihat.",
                "Idempotency-Key must be 1 to 128 visible ASCII characters.",
            )
        })
}

/// Most a request body may hold. Every request of this API fits in a few hundred bytes;
/// 16 KiB leaves room for long notes and refuses junk early.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Most a whole configuration may hold (`PUT /api/v1/admin/config`, admins only): 300
/// services with their standards come to about 300 KB.
pub const LARGE_BODY_LIMIT: usize = 1024 * 1024;

/// The routes that take a body up to [`LARGE_BODY_LIMIT`] (method, path).
pub const LARGE_BODIES: &[(&str, &str)] = &[("PUT", "/api/v1/admin/config")];

/// A JSON body. Malformed JSON is a 400 `malformed_json`, valid JSON of the wrong shape
/// a 400 `invalid_body`, an oversized body a 413.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// A JSON body up to [`LARGE_BODY_LIMIT`], for the routes in [`LARGE_BODIES`].
#[derive(Debug)]
pub struct LargeJsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Ctx> for LargeJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Ctx) -> Result<Self, ApiError> {
        let read = axum::body::to_bytes(req.into_body(), LARGE_BODY_LIMIT);
        let Ok(read) = tokio::time::timeout(state.body_timeout, read).await else {
            return Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "Isi permintaan tidak datang tepat waktu.",
                "The request body did not arrive in time.",
            ));
        };
        let bytes = read.map_err(|_| ApiError::payload_too_large())?;
        parse_json(&bytes).map(LargeJsonBody)
    }
}

/// A JSON body that may be left out (an empty body gives `T::default()`).
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub T);

async fn body_bytes(req: Request, state: &Ctx) -> Result<Bytes, ApiError> {
    // A body must arrive within `[limits] body_timeout_s` once its headers have.
    let read = tokio::time::timeout(state.body_timeout, Bytes::from_request(req, state));
    let Ok(read) = read.await else {
        return Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            "Isi permintaan tidak datang tepat waktu.",
            "The request body did not arrive in time.",
        ));
    };
    read.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large()
        } else {
            ApiError::bad_request(
                "unreadable_body",
                "Isi permintaan tidak terbaca.",
                "The request body could not be read.",
            )
        }
    })
}

/// Path parameters; a value that does not fit (a letter where a number belongs) is a
/// 400 `invalid_path` in the API's error format.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Ctx> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, ctx)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|e| {
                ApiError::Other(
                    StatusCode::BAD_REQUEST,
                    "invalid_path",
                    format!(
                        "Alamat tidak sesuai. / The path does not fit: {}",
                        e.body_text()
                    ),
                )
            })
    }
}

/// Query parameters; a value that does not fit is a 400 `invalid_query` in the API's
/// error format.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Ctx> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, ctx)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|e| {
                ApiError::Other(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    format!(
                        "Parameter tidak sesuai. / The query parameters do not fit: {}",
                        e.body_text()
                    ),
                )
            })
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ApiError::Other(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("Isi permintaan tidak sesuai. / The request body does not fit: {e}"),
        ),
        _ => ApiError::bad_request(
            "malformed_json",
            "Isi permintaan bukan JSON yang sah.",
            "The request body is not valid JSON.",
        ),
    })
}

impl<T: DeserializeOwned> FromRequest<Ctx> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Ctx) -> Result<Self, ApiError> {
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// An empty body gives `T::default()`.
pub fn parse_optional_json<T: DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    // No body, or JSON's `null`, is the same as an empty one.
    if bytes.iter().all(u8::is_ascii_whitespace) || bytes.trim_ascii() == b"null" {
        Ok(T::default())
    } else {
        parse_json(bytes)
    }
}

impl<T: DeserializeOwned + Default> FromRequest<Ctx> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Ctx) -> Result<Self, ApiError> {
        let bytes = body_bytes(req, state).await?;
        parse_optional_json(&bytes).map(OptionalJsonBody)
    }
}

/// The body as bytes, for handlers whose body shape depends on the path.
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl FromRequest<Ctx> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Ctx) -> Result<Self, ApiError> {
        body_bytes(req, state).await.map(RawBody)
    }
}
