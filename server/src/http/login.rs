//! Logging in and out. Every log-in, refused log-in and log-out is an event in the
//! chained log (the audit trail's "who worked when, and who tried"); refused ones are
//! also logged with the address they came from. A username or address that keeps
//! failing is locked out for a while (`crate::auth::lockout`), and a locked attempt is
//! refused before any password check is made.

use std::time::Instant;

use antre_protocol::{ErrorBody, LoginRequest, LoginResponse};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use jiff::Timestamp;

use super::access::User;
use super::body::JsonBody;
use super::{ApiError, Ctx};
use crate::engine::{Command, SessionEvent};

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

fn locked(wait: std::time::Duration) -> ApiError {
    let seconds = wait.as_secs().max(1);
    ApiError::Later(
        seconds,
        "login_locked",
        format!(
            "Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {seconds} detik. / \
             Too many failed log-ins; try again in {seconds} seconds."
        ),
    )
}

/// Exchanges a username and password for a bearer token (valid twelve hours). A wrong
/// username and a wrong password get the same answer after the same work. After
/// repeated failures a username (or an address) must wait: `429 login_locked` with
/// `Retry-After`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(ctx): State<Ctx>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let ip = addr.ip();
    if let Some(wait) = ctx.auth.lockout.wait(&req.username, ip, Instant::now()) {
        tracing::warn!(user = ?req.username, %ip, "log-in refused: locked out");
        return Err(locked(wait));
    }
    let plausible = req.password.len() <= MAX_PASSWORD && req.username.len() <= 64;
    let right = plausible
        && ctx
            .auth
            .check_password(&req.username, &req.password)
            .await
            .map_err(|_| ApiError::busy())?;
    let issued = right
        .then(|| ctx.auth.issue(&req.username, Timestamp::now()))
        .flatten();
    let Some((token, session)) = issued else {
        ctx.auth.lockout.failed(&req.username, ip, Instant::now());
        tracing::warn!(user = ?req.username, %ip, "log-in failed");
        let refused = SessionEvent::Refused {
            user: req.username.clone(),
            address: ip.to_string(),
        };
        // The refusal is answered whether or not its event could be stored.
        if let Err(e) = ctx.writer.execute(Command::Session(refused)).await {
            tracing::error!("a refused log-in was not recorded: {e}");
        }
        return Err(wrong_credentials());
    };
    ctx.auth.lockout.succeeded(&req.username);
    // The session exists once its log-in is in the log: a token is never handed out
    // for a log-in the audit trail does not show.
    ctx.writer
        .execute(Command::Session(SessionEvent::LoggedIn {
            user: session.username.clone(),
            session: session.id.clone(),
            address: ip.to_string(),
        }))
        .await?;
    tracing::info!(user = %session.username, %ip, "logged in");
    Ok(Json(response(&ctx, token, &session)))
}

/// Ends the token's session at once: the token (and any copy of it) stops working,
/// also after a restart.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "logged out"), (status = 401, body = ErrorBody)))]
pub async fn logout(State(ctx): State<Ctx>, User(session): User) -> Result<StatusCode, ApiError> {
    ctx.writer
        .execute(Command::Session(SessionEvent::LoggedOut {
            user: session.username.clone(),
            session: session.id.clone(),
        }))
        .await?;
    ctx.auth.end(&session);
    tracing::info!(user = %session.username, "logged out");
    Ok(StatusCode::NO_CONTENT)
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
