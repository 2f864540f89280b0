//! Taking tickets, following them, and the staff's ticket actions.

use antre_protocol::{CancelRequest, ErrorBody, IssueRequest, Ticket};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::extract::{Caller, JsonBody, OptionalJsonBody, User, idempotency_key};
use super::{ApiError, Ctx};
use crate::auth::{DeviceKind, Principal, Role, random_hex};
use crate::engine::{Command, Issue};
use crate::writer::Answered;

pub fn router() -> Router<Ctx> {
    Router::new()
        .route("/tickets", post(issue))
        .route("/tickets/{id}", get(ticket))
        .route("/tickets/{id}/cancel", post(cancel))
        .route("/tickets/{id}/reinstate", post(reinstate))
        .route("/track/{token}", get(track))
        .route("/track/{token}/cancel", post(cancel_own))
        .route("/services/{code}/waiting", get(waiting))
}

pub fn rate_limited() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "Terlalu banyak permintaan tiket; tunggu sebentar.",
        "Too many ticket requests; please wait a moment.",
    )
}

fn ticket_answer(answer: Answered) -> Result<Json<Ticket>, ApiError> {
    match answer {
        Answered::Ticket(t) => Ok(Json(t)),
        other => Err(ApiError::internal(format!(
            "expected a ticket, got {other:?}"
        ))),
    }
}

/// Takes a ticket. Open to kiosks and phones; anonymous callers are rate-limited per
/// address, kiosks presenting their device token and logged-in staff are not. The same
/// `Idempotency-Key` from the same caller gives back the same ticket.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = IssueRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "retry-safe key, at most 128 characters")),
    responses(
        (status = 201, body = Ticket),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "quota_full or service_closed", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn issue(
    State(ctx): State<Ctx>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    Caller(caller): Caller,
    headers: HeaderMap,
    JsonBody(req): JsonBody<IssueRequest>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let (scope, kiosk) = match &caller {
        Some(Principal::Device(d)) if d.kind == DeviceKind::Kiosk => {
            (format!("kiosk:{}", d.code), Some(d.code.clone()))
        }
        Some(Principal::Device(_)) => {
            return Err(ApiError::forbidden(
                "Perangkat ini tidak boleh mengambil tiket.",
                "This device may not take tickets.",
            ));
        }
        Some(Principal::User(s)) => (format!("user:{}", s.username), req.kiosk.clone()),
        None => {
            if ctx.limiter.check_key(&addr.ip()).is_err() {
                return Err(rate_limited());
            }
            (format!("ip:{}", addr.ip()), req.kiosk.clone())
        }
    };
    let key = idempotency_key(&headers)?.map(|k| format!("{scope}:{k}"));
    let command = Command::Issue(Issue {
        service: req.service,
        priority: req.priority,
        kiosk,
        idempotency_key: key,
        track_token: random_hex(16),
    });
    let ticket = ticket_answer(ctx.queue.execute(command).await?)?;
    Ok((StatusCode::CREATED, ticket))
}

/// A ticket's live status and position, for the phone page the printed QR code opens.
#[utoipa::path(get, path = "/api/v1/track/{token}", tag = "tickets",
    params(("token" = String, Path)),
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody)))]
pub async fn track(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
) -> Result<Json<Ticket>, ApiError> {
    ctx.queue
        .read(move |engine, _, _| {
            engine
                .ticket_by_token(&token)
                .map(|t| engine.ticket_view_for_holder(t))
        })
        .await?
        .map(Json)
        .ok_or_else(|| crate::engine::DomainError::TicketNotFound.into())
}

/// The holder gives up their own ticket (from the phone page).
#[utoipa::path(post, path = "/api/v1/track/{token}/cancel", tag = "tickets",
    params(("token" = String, Path)),
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel_own(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
) -> Result<Json<Ticket>, ApiError> {
    let id = ctx
        .queue
        .read(move |engine, _, _| engine.ticket_by_token(&token).map(|t| t.id))
        .await?
        .ok_or(crate::engine::DomainError::TicketNotFound)?;
    let command = Command::Cancel {
        ticket: id,
        reason: Some("cancelled_by_visitor".into()),
        by: None,
    };
    ticket_answer(ctx.queue.execute(command).await?)
}

/// A ticket by id (staff).
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = u64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Ticket), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ticket(
    State(ctx): State<Ctx>,
    _user: User,
    Path(id): Path<u64>,
) -> Result<Json<Ticket>, ApiError> {
    ctx.queue
        .read(move |engine, _, _| engine.ticket_view_by_id(id))
        .await?
        .map(Json)
        .ok_or_else(|| crate::engine::DomainError::TicketNotFound.into())
}

fn supervisor(user: &User) -> Result<(), ApiError> {
    if user.0.role == Role::Officer {
        return Err(ApiError::forbidden(
            "Hanya penyelia atau admin yang boleh melakukan ini.",
            "Only a supervisor or an admin may do this.",
        ));
    }
    Ok(())
}

/// Withdraws a waiting, held or no-show ticket (supervisor).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/cancel", tag = "tickets",
    params(("id" = u64, Path)), request_body = Option<CancelRequest>, security(("bearer" = [])),
    responses((status = 200, body = Ticket), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(ctx): State<Ctx>,
    user: User,
    Path(id): Path<u64>,
    OptionalJsonBody(req): OptionalJsonBody<CancelRequest>,
) -> Result<Json<Ticket>, ApiError> {
    supervisor(&user)?;
    let command = Command::Cancel {
        ticket: id,
        reason: req.reason,
        by: Some(user.0.username),
    };
    ticket_answer(ctx.queue.execute(command).await?)
}

/// Puts a no-show ticket back in line within the grace period, keeping its place.
/// Any officer may: the visitor comes back to whichever counter is nearest.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/reinstate", tag = "tickets",
    params(("id" = u64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Ticket), (status = 409, description = "grace_expired or invalid_state", body = ErrorBody)))]
pub async fn reinstate(
    State(ctx): State<Ctx>,
    user: User,
    Path(id): Path<u64>,
) -> Result<Json<Ticket>, ApiError> {
    let command = Command::Reinstate {
        ticket: id,
        by: user.0.username,
    };
    ticket_answer(ctx.queue.execute(command).await?)
}

/// The waiting tickets of a service in line order (staff).
#[utoipa::path(get, path = "/api/v1/services/{code}/waiting", tag = "tickets",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = [Ticket]), (status = 404, body = ErrorBody)))]
pub async fn waiting(
    State(ctx): State<Ctx>,
    _user: User,
    Path(code): Path<String>,
) -> Result<Json<Vec<Ticket>>, ApiError> {
    if ctx.queue.site().service(&code).is_none() {
        return Err(crate::engine::DomainError::ServiceNotFound.into());
    }
    Ok(Json(
        ctx.queue
            .read(move |engine, _, _| engine.waiting(&code))
            .await?,
    ))
}
