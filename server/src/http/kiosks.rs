//! Kiosks and their printers: status reports from kiosk agents, the print job of a
//! ticket, reprints, and the QR code of a ticket's phone page. The printers' state
//! itself lives in [`crate::devices`].

use antre_protocol::{
    ErrorBody, KioskStatus, KioskStatusAnswer, KioskStatusReport, PrintJob, ReprintRequest,
};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::access::{Reprinter, Supervisor, ThisKiosk};
use super::body::{ApiPath, JsonBody};
use super::{ApiError, Ctx};
use crate::engine::DomainError;

fn kiosk_info(ctx: &Ctx, code: &str) -> Result<antre_protocol::KioskInfo, ApiError> {
    ctx.writer
        .site()
        .kiosks
        .iter()
        .find(|k| k.code == code)
        .cloned()
        .ok_or_else(|| DomainError::KioskNotFound.into())
}

/// Every kiosk with its printer's status (for managers' pages).
#[utoipa::path(get, path = "/api/v1/kiosks", tag = "kiosks",
    responses((status = 200, body = [KioskStatus])))]
pub async fn list(State(ctx): State<Ctx>) -> Json<Vec<KioskStatus>> {
    let site = ctx.writer.site();
    Json(site.kiosks.iter().map(|k| ctx.devices.status(k)).collect())
}

/// One kiosk with its printer's status and its latest print jobs (the kiosk screen
/// polls it to show whether its ticket came out).
#[utoipa::path(get, path = "/api/v1/kiosks/{code}", tag = "kiosks",
    params(("code" = String, Path)),
    responses((status = 200, body = KioskStatus), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(ctx): State<Ctx>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<KioskStatus>, ApiError> {
    let kiosk = kiosk_info(&ctx, &code)?;
    Ok(Json(ctx.devices.status(&kiosk)))
}

/// A kiosk agent reports its printer and print jobs (kiosk device token); the answer
/// carries the reprints asked for since.
#[utoipa::path(post, path = "/api/v1/kiosks/{code}/status", tag = "kiosks",
    params(("code" = String, Path)), request_body = KioskStatusReport, security(("bearer" = [])),
    responses((status = 200, body = KioskStatusAnswer), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(ctx): State<Ctx>,
    ThisKiosk(code): ThisKiosk,
    JsonBody(report): JsonBody<KioskStatusReport>,
) -> Result<Json<KioskStatusAnswer>, ApiError> {
    let at = ctx
        .writer
        .read(|engine, _, now| engine.format_time(now))
        .await?;
    Ok(Json(ctx.devices.report(&code, report, "agent", at)))
}

/// Asks the kiosk's printer to print one of its tickets again: the kiosk itself (its
/// device token), staff, or the ticket's holder (the kiosk page without its token, with
/// the ticket's `track_token`; rate-limited like taking tickets). A kiosk prints only
/// its own tickets.
#[utoipa::path(post, path = "/api/v1/kiosks/{code}/reprint", tag = "kiosks",
    params(("code" = String, Path)), request_body = ReprintRequest,
    responses((status = 202, description = "queued for the kiosk's printer"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn reprint(
    State(ctx): State<Ctx>,
    ApiPath(code): ApiPath<String>,
    who: Reprinter,
    JsonBody(req): JsonBody<ReprintRequest>,
) -> Result<StatusCode, ApiError> {
    kiosk_info(&ctx, &code)?;
    if who == Reprinter::Holder && req.track_token.is_none() {
        return Err(ApiError::unauthorized());
    }
    let ticket = req.ticket;
    let (ticket_kiosk, token) = ctx
        .writer
        .read(move |engine, _, _| {
            engine
                .ticket(ticket)
                .map(|t| (t.kiosk.clone(), t.track_token.clone()))
        })
        .await?
        .ok_or(DomainError::TicketNotFound)?;
    // A kiosk prints only its own tickets (the print job carries the track token, which
    // belongs to whoever took the ticket there), and a holder only their own: a wrong
    // token gets the same answer as no such ticket.
    let holds = who == Reprinter::Trusted || req.track_token.as_deref() == Some(token.as_str());
    if ticket_kiosk.as_deref() != Some(code.as_str()) || !holds {
        return Err(DomainError::TicketNotFound.into());
    }
    if !ctx.devices.ask_reprint(&code, req.ticket) {
        return Err(ApiError::rate_limited());
    }
    Ok(StatusCode::ACCEPTED)
}

/// Everything the printed ticket shows, with the ticket's track token (kiosk device
/// token; only tickets issued at that kiosk).
#[utoipa::path(get, path = "/api/v1/kiosks/{code}/tickets/{id}", tag = "kiosks",
    params(("code" = String, Path), ("id" = u64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PrintJob), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn job(
    State(ctx): State<Ctx>,
    ThisKiosk(code): ThisKiosk,
    ApiPath((_, id)): ApiPath<(String, u64)>,
) -> Result<Json<PrintJob>, ApiError> {
    ctx.writer
        .read(move |engine, _, _| {
            engine
                .print_job(id)
                .filter(|job| job.ticket.kiosk.as_deref() == Some(code.as_str()))
        })
        .await?
        .map(Json)
        .ok_or_else(|| DomainError::TicketNotFound.into())
}

/// The QR code of a ticket's phone page, as SVG. The address is `[site] public_url`,
/// or else the one the asking screen used to reach the server.
#[utoipa::path(get, path = "/api/v1/track/{token}/qr.svg", tag = "tickets",
    params(("token" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml"), (status = 404, body = ErrorBody)))]
pub async fn qr(
    State(ctx): State<Ctx>,
    ApiPath(token): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let known = {
        let token = token.clone();
        ctx.writer
            .read(move |engine, _, _| engine.ticket_by_token(&token).is_some())
            .await?
    };
    if !known {
        return Err(DomainError::TicketNotFound.into());
    }
    let base = match ctx.writer.site().public_url.clone() {
        Some(url) => url,
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
                })
                .unwrap_or("localhost");
            format!("http://{host}")
        }
    };
    let url = antre_kiosk::layout::track_url(&base, &token);
    let svg = antre_kiosk::qr::svg(&url).ok_or_else(|| ApiError::internal("QR code too long"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        svg,
    )
        .into_response())
}

/// Asks a kiosk's printer for a test slip (from the device page): it comes out with the
/// printer's next report, within seconds, whether the kiosk's agent or the server
/// drives it.
#[utoipa::path(post, path = "/api/v1/kiosks/{code}/test-print", tag = "kiosks",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 202, description = "asked for"), (status = 404, body = ErrorBody)))]
pub async fn test_print(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    ApiPath(code): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let kiosk = kiosk_info(&ctx, &code)?;
    let site = ctx.writer.site();
    let at = ctx
        .writer
        .read(|engine, _, now| engine.format_time(now))
        .await?;
    let at = at.get(..16).unwrap_or(&at).replace('T', " ");
    tracing::info!(kiosk = %code, by = %session.username, "test print asked for");
    ctx.devices.ask_test_print(
        &code,
        antre_protocol::TestPrint {
            site_name: site.name.clone(),
            kiosk: kiosk.code,
            kiosk_name: kiosk.name,
            at,
        },
    );
    Ok(StatusCode::ACCEPTED)
}
