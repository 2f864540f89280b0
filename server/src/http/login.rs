//! Logging in.

use antre_protocol::{ErrorBody, LoginRequest, LoginResponse};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;

use super::access::User;
use super::body::JsonBody;
use super::{ApiError, Ctx};

/// Longest password accepted: Argon2 handles any length, but hashing megabytes on
/// every try would be a cheap way to load the server.
const MAX_PASSWORD: usize = 256;

fn wrong_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "Nama pengguna atau kata sandi salah.",
        "Wrong username or password.",
    )
}

/// Exchanges a username and password for a bearer token (valid twelve hours). A wrong
/// username and a wrong password get the same answer.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody)))]
pub async fn login(
    State(ctx): State<Ctx>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    if req.password.len() > MAX_PASSWORD || req.username.len() > 64 {
        return Err(wrong_credentials());
    }
    let auth = ctx.auth.clone();
    let now = Timestamp::now();
    let username = req.username.clone();
    let (token, session) =
        tokio::task::spawn_blocking(move || auth.login(&req.username, &req.password, now))
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(wrong_credentials)?;
    tracing::info!(user = %username, "logged in");
    Ok(Json(response(&ctx, token, &session)))
}

fn response(ctx: &Ctx, token: String, session: &crate::auth::Session) -> LoginResponse {
    let expires = Timestamp::from_second(session.expires).unwrap_or(Timestamp::MAX);
    let site = ctx.writer.site();
    let offset = site.timezone.to_offset(expires);
    LoginResponse {
        token,
        expires_at: expires.display_with_offset(offset).to_string(),
        username: session.username.clone(),
        role: session.role,
        counters: ctx.auth.counters_of(&session.username, &site),
    }
}

/// Who the token belongs to (the token itself is not repeated).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody)))]
pub async fn me(State(ctx): State<Ctx>, User(session): User) -> Json<LoginResponse> {
    Json(response(&ctx, String::new(), &session))
}
