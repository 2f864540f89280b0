//! Taking tickets, following them, and the staff's ticket actions.

use antre_protocol::{CancelRequest, ErrorBody, IssueRequest, Ticket};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use super::access::{Supervisor, Taker, User};
use super::body::{ApiPath, JsonBody, OptionalJsonBody, idempotency_key};
use super::{ApiError, Ctx};
use crate::auth::random_hex;
use crate::engine::{Command, DomainError, Issue};
use crate::writer::Reply;

fn ticket_answer(answer: Reply) -> Result<Json<Ticket>, ApiError> {
    match answer {
        Reply::Ticket(t) => Ok(Json(t)),
        other => Err(ApiError::internal(format!(
            "expected a ticket, got {other:?}"
        ))),
    }
}

/// Takes a ticket. Open to kiosks and phones; anonymous callers are rate-limited per
/// address, kiosks presenting their device token and logged-in staff are not. The same
/// `Idempotency-Key` from the same caller gives back the same ticket.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = IssueRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$",
        description = "retry-safe key: 1 to 128 visible ASCII characters")),
    responses(
        (status = 201, body = Ticket),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 401, description = "a token that is not valid", body = ErrorBody),
        (status = 403, description = "a board's token: boards take no tickets", body = ErrorBody),
        (status = 409, description = "quota_full or service_closed", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "idempotency_conflict: the key was used for another request", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn issue(
    State(ctx): State<Ctx>,
    taker: Taker,
    headers: HeaderMap,
    JsonBody(req): JsonBody<IssueRequest>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let key = idempotency_key(&headers)?.map(|k| format!("{}:{k}", taker.scope));
    let command = Command::Issue(Issue {
        service: req.service,
        priority: req.priority,
        kiosk: taker.kiosk.or(req.kiosk),
        idempotency_key: key,
        track_token: random_hex(16),
    });
    let ticket = ticket_answer(ctx.writer.execute(command).await?)?;
    Ok((StatusCode::CREATED, ticket))
}

/// A ticket's live status and position, for the phone page the printed QR code opens.
#[utoipa::path(get, path = "/api/v1/track/{token}", tag = "tickets",
    params(("token" = String, Path)),
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody)))]
pub async fn track(
    State(ctx): State<Ctx>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Ticket>, ApiError> {
    ctx.writer
        .read(move |engine, _, _| {
            engine
                .ticket_by_token(&token)
                .map(|t| engine.ticket_view_for_holder(t))
        })
        .await?
        .map(Json)
        .ok_or_else(|| DomainError::TicketNotFound.into())
}

/// The holder gives up their own ticket (from the phone page).
#[utoipa::path(post, path = "/api/v1/track/{token}/cancel", tag = "tickets",
    params(("token" = String, Path)),
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel_own(
    State(ctx): State<Ctx>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<Ticket>, ApiError> {
    let id = ctx
        .writer
        .read(move |engine, _, _| engine.ticket_by_token(&token).map(|t| t.id))
        .await?
        .ok_or(DomainError::TicketNotFound)?;
    let command = Command::Cancel {
        ticket: id,
        reason: Some("cancelled_by_visitor".into()),
        by: None,
    };
    ticket_answer(ctx.writer.execute(command).await?)
}

/// A ticket by id (staff).
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = u64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Ticket), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ticket(
    State(ctx): State<Ctx>,
    _user: User,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Ticket>, ApiError> {
    ctx.writer
        .read(move |engine, _, _| engine.ticket_view_by_id(id))
        .await?
        .map(Json)
        .ok_or_else(|| DomainError::TicketNotFound.into())
}

/// Today's ticket with this number, e.g. `A012` (staff: to reinstate a no-show or call
/// a visitor who shows their ticket).
#[utoipa::path(get, path = "/api/v1/tickets/by-number/{number}", tag = "tickets",
    params(("number" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Ticket), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn by_number(
    State(ctx): State<Ctx>,
    _user: User,
    ApiPath(number): ApiPath<String>,
) -> Result<Json<Ticket>, ApiError> {
    let number = number.trim().to_ascii_uppercase();
    ctx.writer
        .read(move |engine, _, _| engine.ticket_view_by_number(&number))
        .await?
        .map(Json)
        .ok_or_else(|| DomainError::TicketNotFound.into())
}

/// Withdraws a waiting, held or no-show ticket (supervisor).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/cancel", tag = "tickets",
    params(("id" = u64, Path)), request_body = Option<CancelRequest>, security(("bearer" = [])),
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(ctx): State<Ctx>,
    Supervisor(user): Supervisor,
    ApiPath(id): ApiPath<u64>,
    OptionalJsonBody(req): OptionalJsonBody<CancelRequest>,
) -> Result<Json<Ticket>, ApiError> {
    // A supervisor of one agency cancels that agency's tickets only.
    if let Some(agency) = ctx.auth.agency_of(&user.username) {
        let of = ctx
            .writer
            .read(move |engine, _, _| {
                let ticket = engine.ticket(id)?;
                engine
                    .site()
                    .service(&ticket.service)
                    .map(|s| s.agency.clone())
            })
            .await?;
        if of.is_some_and(|of| of != agency) {
            return Err(ApiError::forbidden(
                "Tiket ini milik instansi lain.",
                "This ticket belongs to another agency.",
            ));
        }
    }
    let command = Command::Cancel {
        ticket: id,
        reason: req.reason,
        by: Some(user.username),
    };
    ticket_answer(ctx.writer.execute(command).await?)
}

/// Puts a no-show ticket back in line within the grace period, keeping its place.
/// Any officer may: the visitor comes back to whichever counter is nearest.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/reinstate", tag = "tickets",
    params(("id" = u64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody),
        (status = 409, description = "grace_expired or invalid_state", body = ErrorBody)))]
pub async fn reinstate(
    State(ctx): State<Ctx>,
    user: User,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Ticket>, ApiError> {
    let command = Command::Reinstate {
        ticket: id,
        by: user.0.username,
    };
    ticket_answer(ctx.writer.execute(command).await?)
}

/// The waiting tickets of a service in line order (staff).
#[utoipa::path(get, path = "/api/v1/services/{code}/waiting", tag = "tickets",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = [Ticket]), (status = 404, body = ErrorBody)))]
pub async fn waiting(
    State(ctx): State<Ctx>,
    _user: User,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<Ticket>>, ApiError> {
    if ctx.writer.site().service(&code).is_none() {
        return Err(DomainError::ServiceNotFound.into());
    }
    Ok(Json(
        ctx.writer
            .read(move |engine, _, _| engine.waiting(&code))
            .await?,
    ))
}
