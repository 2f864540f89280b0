//! Who is asking, as extractors: a handler names the caller it needs in its signature
//! (a user, a supervisor, the kiosk of the path …) and never checks roles itself. Each
//! refusal speaks the API's error format: no token where one is needed is a 401, the
//! wrong kind of caller a 403.

use std::net::{IpAddr, SocketAddr};

use antre_protocol::Role;
use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::Ctx;
use super::error::ApiError;
use crate::auth::{DeviceKind, Principal, Session};
use crate::engine::DomainError;

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The address the request came from (`0.0.0.0` when unknown, as in unit tests).
pub fn client_ip(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip())
}

/// Whoever presented a token: a logged-in user or a device. Requests without a token
/// get `None`; a token that is not valid is a 401.
#[derive(Debug)]
pub struct Caller(pub Option<Principal>);

impl FromRequestParts<Ctx> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        let Some(token) = bearer(parts) else {
            return Ok(Caller(None));
        };
        if let Some(session) = ctx.auth.session(token, jiff::Timestamp::now()) {
            return Ok(Caller(Some(Principal::User(session))));
        }
        if let Some(device) = ctx.auth.known_device(token) {
            return Ok(Caller(Some(Principal::Device(device))));
        }
        if token.starts_with("u1.") || !ctx.auth.has_devices() {
            return Err(ApiError::unauthorized());
        }
        // A device token not seen yet: Argon2 on the bounded pool, and only so often per
        // address, which makes guessing tokens hopeless and a flood of wrong ones cheap
        // to refuse. A known device never waits for this: its token is remembered.
        let ip = client_ip(parts);
        if ctx.device_checks.check_key(&ip).is_err() {
            return Err(ApiError::rate_limited());
        }
        match ctx.auth.check_device(token).await {
            Ok(Some(device)) => Ok(Caller(Some(Principal::Device(device)))),
            Ok(None) => {
                tracing::warn!(%ip, "a device token was refused");
                Err(ApiError::unauthorized())
            }
            Err(_busy) => Err(ApiError::busy()),
        }
    }
}

/// A valid user token, also one whose user must first choose a new password: enough
/// to ask who one is, to choose that password, and to log out.
#[derive(Debug)]
pub struct SignedIn(pub Session);

impl FromRequestParts<Ctx> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        bearer(parts)
            .and_then(|token| ctx.auth.session(token, jiff::Timestamp::now()))
            .map(SignedIn)
            .ok_or_else(ApiError::unauthorized)
    }
}

/// A logged-in user (admin, supervisor or officer) who may work: anything else is a
/// 401, and a user who must first choose a new password (an admin gave it) a 403
/// `password_change_required`.
#[derive(Debug)]
pub struct User(pub Session);

impl FromRequestParts<Ctx> for User {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        let SignedIn(session) = SignedIn::from_request_parts(parts, ctx).await?;
        if ctx.auth.must_change_password(&session.username) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "Buat kata sandi baru Anda terlebih dahulu.",
                "Choose your new password first.",
            ));
        }
        Ok(User(session))
    }
}

/// A supervisor or an admin: those who run the floor.
#[derive(Debug)]
pub struct Supervisor(pub Session);

impl FromRequestParts<Ctx> for Supervisor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        let User(session) = User::from_request_parts(parts, ctx).await?;
        if !session.role.runs_the_floor() {
            return Err(ApiError::forbidden(
                "Hanya penyelia atau admin yang boleh melakukan ini.",
                "Only a supervisor or an admin may do this.",
            ));
        }
        Ok(Supervisor(session))
    }
}

/// An admin.
#[derive(Debug)]
pub struct Admin(pub Session);

impl FromRequestParts<Ctx> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        let User(session) = User::from_request_parts(parts, ctx).await?;
        if session.role != Role::Admin {
            return Err(ApiError::forbidden(
                "Hanya admin yang boleh melakukan ini.",
                "Only an admin may do this.",
            ));
        }
        Ok(Admin(session))
    }
}

/// The kiosk named by the path's `{code}`, presenting its own device token: only a
/// kiosk speaks for itself. An unknown kiosk is a 404 whoever asks.
#[derive(Debug)]
pub struct ThisKiosk(pub String);

impl FromRequestParts<Ctx> for ThisKiosk {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        let code = path_code(parts, ctx).await?;
        if !ctx.writer.site().kiosks.iter().any(|k| k.code == code) {
            return Err(DomainError::KioskNotFound.into());
        }
        match Caller::from_request_parts(parts, ctx).await?.0 {
            Some(Principal::Device(d)) if d.kind == DeviceKind::Kiosk && d.code == code => {
                Ok(ThisKiosk(code))
            }
            None => Err(ApiError::unauthorized()),
            Some(_) => Err(ApiError::forbidden(
                "Hanya kios ini yang boleh melakukan ini.",
                "Only this kiosk may do this.",
            )),
        }
    }
}

async fn path_code(parts: &mut Parts, ctx: &Ctx) -> Result<String, ApiError> {
    let params = RawPathParams::from_request_parts(parts, ctx)
        .await
        .map_err(|_| ApiError::internal("a route without path parameters"))?;
    params
        .iter()
        .find(|(name, _)| *name == "code")
        .map(|(_, value)| value.to_string())
        .ok_or_else(|| ApiError::internal("a route without {code}"))
}

/// Who takes a ticket, and under which name its `Idempotency-Key` is kept: a kiosk with
/// its device token (the ticket is its own), a logged-in user, or anyone else within
/// the per-address limit (phones, a kiosk page without its token). Boards may not.
#[derive(Debug)]
pub struct Taker {
    /// Keys of different callers never meet (`kiosk:K1`, `user:budi`, `ip:10.0.0.9`).
    pub scope: String,
    /// The kiosk a device token proves; otherwise the body's claim is taken.
    pub kiosk: Option<String>,
}

impl FromRequestParts<Ctx> for Taker {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, ctx).await?.0 {
            Some(Principal::Device(d)) if d.kind == DeviceKind::Kiosk => Ok(Taker {
                scope: format!("kiosk:{}", d.code),
                kiosk: Some(d.code),
            }),
            Some(Principal::Device(_)) => Err(ApiError::forbidden(
                "Perangkat ini tidak boleh mengambil tiket.",
                "This device may not take tickets.",
            )),
            Some(Principal::User(s)) => Ok(Taker {
                scope: format!("user:{}", s.username),
                kiosk: None,
            }),
            None => {
                let ip = client_ip(parts);
                if ctx.limiter.check_key(&ip).is_err() {
                    return Err(ApiError::rate_limited());
                }
                Ok(Taker {
                    scope: format!("ip:{ip}"),
                    kiosk: None,
                })
            }
        }
    }
}

/// A caller who may write something small without an account (a phone answering the
/// survey): staff and devices freely, anyone else within the per-address limit shared
/// with anonymous tickets, so no address can flood the writer.
#[derive(Debug)]
pub struct Limited;

impl FromRequestParts<Ctx> for Limited {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        if Caller::from_request_parts(parts, ctx).await?.0.is_none()
            && ctx.limiter.check_key(&client_ip(parts)).is_err()
        {
            return Err(ApiError::rate_limited());
        }
        Ok(Limited)
    }
}

/// Who asks a kiosk to print a ticket again: staff, the kiosk itself, or — within the
/// per-address limit — whoever holds the ticket (the kiosk page without its token shows
/// the ticket it just gave out, and proves it with the ticket's track token). Other
/// devices may not.
#[derive(Debug, PartialEq, Eq)]
pub enum Reprinter {
    /// Staff or the kiosk itself.
    Trusted,
    /// Anyone else: must hold the ticket's track token.
    Holder,
}

impl FromRequestParts<Ctx> for Reprinter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, ApiError> {
        let code = path_code(parts, ctx).await?;
        match Caller::from_request_parts(parts, ctx).await?.0 {
            Some(Principal::User(_)) => Ok(Reprinter::Trusted),
            Some(Principal::Device(d)) if d.kind == DeviceKind::Kiosk && d.code == code => {
                Ok(Reprinter::Trusted)
            }
            Some(Principal::Device(_)) => Err(ApiError::forbidden(
                "Hanya kios ini yang boleh melakukan ini.",
                "Only this kiosk may do this.",
            )),
            None => {
                if ctx.limiter.check_key(&client_ip(parts)).is_err() {
                    return Err(ApiError::rate_limited());
                }
                Ok(Reprinter::Holder)
            }
        }
    }
}
