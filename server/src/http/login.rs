//! Logging in and out. Every log-in, refused log-in and log-out is an event in the
//! chained log (the audit trail's "who worked when, and who tried"); refused ones are
//! also logged with the address they came from. A username or address that keeps
//! failing is locked out for a while (`crate::auth::lockout`), and a locked attempt is
//! refused before any password check is made.

use std::time::Instant;

use antre_protocol::{ErrorBody, LoginRequest, LoginResponse, PasswordChange};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use jiff::Timestamp;

use super::access::SignedIn;
use super::body::JsonBody;
use super::{ApiError, Ctx};
use crate::config_edit::{MAX_PASSWORD as MAX_NEW_PASSWORD, MIN_PASSWORD};
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
pub async fn logout(
    State(ctx): State<Ctx>,
    SignedIn(session): SignedIn,
) -> Result<StatusCode, ApiError> {
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
        must_change_password: ctx.auth.must_change_password(&session.username),
        agency: ctx.auth.agency_of(&session.username),
    }
}

/// A user chooses their own new password (required after an admin gave one): the
/// current one, then the new one (10 to 128 characters). Every token issued before
/// stops working; the answer holds a new one, so the page stays logged in. Recorded
/// as a configuration change by the user (the password itself only as a
/// fingerprint).
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    security(("bearer" = [])),
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(ctx): State<Ctx>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    SignedIn(session): SignedIn,
    JsonBody(req): JsonBody<PasswordChange>,
) -> Result<Json<LoginResponse>, ApiError> {
    let length = req.new.chars().count();
    if !(MIN_PASSWORD..=MAX_NEW_PASSWORD).contains(&length) || req.new == req.current {
        return Err(ApiError::Other(
            StatusCode::UNPROCESSABLE_ENTITY,
            "password_length",
            format!(
                "Kata sandi baru harus {MIN_PASSWORD} sampai {MAX_NEW_PASSWORD} karakter dan \
                 berbeda dari yang lama. / The new password has {MIN_PASSWORD} to \
                 {MAX_NEW_PASSWORD} characters and differs from the current one."
            ),
        ));
    }
    let right = req.current.len() <= MAX_PASSWORD
        && ctx
            .auth
            .check_password(&session.username, &req.current)
            .await
            .map_err(|_| ApiError::busy())?;
    if !right {
        ctx.auth
            .lockout
            .failed(&session.username, addr.ip(), Instant::now());
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_password",
            "Kata sandi saat ini salah.",
            "The current password is wrong.",
        ));
    }
    let new = req.new;
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&new))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let site = ctx.writer.site();
    let config = crate::config_source::in_use(&site).map_err(ApiError::internal)?;
    let changed = crate::config_edit::own_password(&config, &session.username, hash)
        .map_err(|_| ApiError::unauthorized())?;
    let changed_site = changed.site().map_err(ApiError::internal)?;
    crate::config_source::apply(
        &ctx.writer,
        &ctx.auth,
        &changed,
        changed_site,
        Some(session.username.clone()),
        Some(site.version),
    )
    .await?;
    let (token, fresh) = ctx
        .auth
        .issue(&session.username, Timestamp::now())
        .ok_or_else(ApiError::unauthorized)?;
    ctx.writer
        .execute(Command::Session(SessionEvent::LoggedIn {
            user: fresh.username.clone(),
            session: fresh.id.clone(),
            address: addr.ip().to_string(),
        }))
        .await?;
    tracing::info!(user = %fresh.username, "password changed");
    Ok(Json(response(&ctx, token, &fresh)))
}

/// Who the token belongs to (the token itself is not repeated).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody)))]
pub async fn me(State(ctx): State<Ctx>, SignedIn(session): SignedIn) -> Json<LoginResponse> {
    Json(response(&ctx, String::new(), &session))
}
