//! Kiosks and their printers: status reports from kiosk agents (and from printers the
//! server drives itself), the print job of a ticket, reprints, and the QR code of a
//! ticket's phone page.
//!
//! Printer status is live state, not history: it is kept in memory and is not part
//! of the event log. A kiosk that stops reporting shows as not connected after
//! [`STALE_AFTER`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use antre_protocol::{
    ErrorBody, KioskStatus, KioskStatusAnswer, KioskStatusReport, PrintJob, ReprintRequest,
};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::extract::{Caller, JsonBody};
use super::{ApiError, Ctx};
use crate::auth::{DeviceKind, Principal};
use crate::config::SiteConfig;
use crate::engine::{DomainError, Engine};

/// Agents report at least every 5 s; three missed reports mean the kiosk PC, its
/// agent or the network is down.
pub const STALE_AFTER: Duration = Duration::from_secs(15);

/// Reprints waiting for a kiosk; more means someone is pressing the button in a loop.
const MAX_PENDING_REPRINTS: usize = 5;

/// Status of every kiosk, and what the printed tickets need from the site config.
#[derive(Debug, Default)]
pub struct Registry {
    /// `[site] public_url`: the server's address as phones see it.
    pub public_url: Option<String>,
    /// `[site] ticket_footer`.
    pub footer: Option<String>,
    entries: Mutex<HashMap<String, Entry>>,
    /// Woken when a reprint is asked for, so printers the server drives act at once.
    pub wake: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct Entry {
    report: Option<KioskStatusReport>,
    driven_by: Option<&'static str>,
    at: Option<(Instant, String)>,
    reprint: Vec<u64>,
}

impl Registry {
    pub fn from_config(config: &SiteConfig) -> Registry {
        Registry {
            public_url: config
                .site
                .public_url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_string()),
            footer: config.site.ticket_footer.clone(),
            ..Registry::default()
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores a report and hands back the reprints asked for since the last one.
    pub fn report(
        &self,
        code: &str,
        report: KioskStatusReport,
        driven_by: &'static str,
        at: String,
    ) -> KioskStatusAnswer {
        let mut entries = self.entries();
        let entry = entries.entry(code.to_string()).or_default();
        entry.report = Some(report);
        entry.driven_by = Some(driven_by);
        entry.at = Some((Instant::now(), at));
        KioskStatusAnswer {
            reprint: std::mem::take(&mut entry.reprint),
        }
    }

    fn ask_reprint(&self, code: &str, ticket: u64) -> bool {
        let mut entries = self.entries();
        let entry = entries.entry(code.to_string()).or_default();
        if entry.reprint.len() >= MAX_PENDING_REPRINTS {
            return false;
        }
        if !entry.reprint.contains(&ticket) {
            entry.reprint.push(ticket);
        }
        drop(entries);
        self.wake.notify_waiters();
        true
    }

    fn status(&self, kiosk: &antre_protocol::KioskInfo) -> KioskStatus {
        let entries = self.entries();
        let entry = entries.get(&kiosk.code);
        let report = entry.and_then(|e| e.report.clone()).unwrap_or_default();
        let at = entry.and_then(|e| e.at.clone());
        KioskStatus {
            code: kiosk.code.clone(),
            name: kiosk.name.clone(),
            zone: kiosk.zone.clone(),
            connected: at.as_ref().is_some_and(|(i, _)| i.elapsed() < STALE_AFTER),
            driven_by: entry.and_then(|e| e.driven_by).map(str::to_string),
            reported_at: at.map(|(_, s)| s),
            printer: entry
                .and_then(|e| e.report.as_ref())
                .map(|r| r.printer.clone()),
            jobs: report.jobs,
            queued: report.queued,
            handled_seq: report.handled_seq,
            agent: report.agent,
        }
    }
}

pub fn router() -> Router<Ctx> {
    Router::new()
        .route("/kiosks", get(list))
        .route("/kiosks/{code}", get(one))
        .route("/kiosks/{code}/status", post(report))
        .route("/kiosks/{code}/reprint", post(reprint))
        .route("/kiosks/{code}/tickets/{id}", get(job))
        .route("/track/{token}/qr.svg", get(qr))
}

fn kiosk_not_found() -> ApiError {
    DomainError::KioskNotFound.into()
}

fn kiosk_info(ctx: &Ctx, code: &str) -> Result<antre_protocol::KioskInfo, ApiError> {
    ctx.queue
        .site()
        .kiosks
        .iter()
        .find(|k| k.code == code)
        .cloned()
        .ok_or_else(kiosk_not_found)
}

/// Only the kiosk itself (its device token) may speak for it.
fn this_kiosk(caller: &Option<Principal>, code: &str) -> Result<(), ApiError> {
    match caller {
        Some(Principal::Device(d)) if d.kind == DeviceKind::Kiosk && d.code == code => Ok(()),
        None => Err(ApiError::unauthorized()),
        Some(_) => Err(ApiError::forbidden(
            "Hanya kios ini yang boleh melakukan ini.",
            "Only this kiosk may do this.",
        )),
    }
}

/// Every kiosk with its printer's status (for managers' pages).
#[utoipa::path(get, path = "/api/v1/kiosks", tag = "kiosks",
    responses((status = 200, body = [KioskStatus])))]
pub async fn list(State(ctx): State<Ctx>) -> Json<Vec<KioskStatus>> {
    let site = ctx.queue.site();
    Json(site.kiosks.iter().map(|k| ctx.kiosks.status(k)).collect())
}

/// One kiosk with its printer's status and its latest print jobs (the kiosk screen
/// polls it to show whether its ticket came out).
#[utoipa::path(get, path = "/api/v1/kiosks/{code}", tag = "kiosks",
    params(("code" = String, Path)),
    responses((status = 200, body = KioskStatus), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(ctx): State<Ctx>,
    Path(code): Path<String>,
) -> Result<Json<KioskStatus>, ApiError> {
    let kiosk = kiosk_info(&ctx, &code)?;
    Ok(Json(ctx.kiosks.status(&kiosk)))
}

/// A kiosk agent reports its printer and print jobs (kiosk device token); the answer
/// carries the reprints asked for since.
#[utoipa::path(post, path = "/api/v1/kiosks/{code}/status", tag = "kiosks",
    params(("code" = String, Path)), request_body = KioskStatusReport, security(("bearer" = [])),
    responses((status = 200, body = KioskStatusAnswer), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(ctx): State<Ctx>,
    Path(code): Path<String>,
    Caller(caller): Caller,
    JsonBody(report): JsonBody<KioskStatusReport>,
) -> Result<Json<KioskStatusAnswer>, ApiError> {
    kiosk_info(&ctx, &code)?;
    this_kiosk(&caller, &code)?;
    let at = ctx
        .queue
        .read(|engine, _, now| engine.format_time(now))
        .await?;
    Ok(Json(ctx.kiosks.report(&code, report, "agent", at)))
}

/// Asks the kiosk's printer to print one of its tickets again: the kiosk itself, staff,
/// or the kiosk page without a token (rate-limited like taking tickets).
#[utoipa::path(post, path = "/api/v1/kiosks/{code}/reprint", tag = "kiosks",
    params(("code" = String, Path)), request_body = ReprintRequest,
    responses((status = 202, description = "queued for the kiosk's printer"),
              (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn reprint(
    State(ctx): State<Ctx>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    Path(code): Path<String>,
    Caller(caller): Caller,
    JsonBody(req): JsonBody<ReprintRequest>,
) -> Result<StatusCode, ApiError> {
    kiosk_info(&ctx, &code)?;
    let ticket_kiosk = ctx
        .queue
        .read(move |engine, _, _| engine.ticket(req.ticket).map(|t| t.kiosk.clone()))
        .await?
        .ok_or(DomainError::TicketNotFound)?;
    // A kiosk prints only its own tickets: the print job carries the track token,
    // which belongs to whoever took the ticket there.
    if ticket_kiosk.as_deref() != Some(code.as_str()) {
        return Err(DomainError::TicketNotFound.into());
    }
    match &caller {
        Some(Principal::User(_)) => {}
        Some(Principal::Device(d)) if d.kind == DeviceKind::Kiosk && d.code == code => {}
        Some(Principal::Device(_)) => {
            return Err(ApiError::forbidden(
                "Hanya kios ini yang boleh melakukan ini.",
                "Only this kiosk may do this.",
            ));
        }
        None => {
            if ctx.limiter.check_key(&addr.ip()).is_err() {
                return Err(super::tickets::rate_limited());
            }
        }
    }
    if !ctx.kiosks.ask_reprint(&code, req.ticket) {
        return Err(super::tickets::rate_limited());
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
    Path((code, id)): Path<(String, u64)>,
    Caller(caller): Caller,
) -> Result<Json<PrintJob>, ApiError> {
    kiosk_info(&ctx, &code)?;
    this_kiosk(&caller, &code)?;
    let public_url = ctx.kiosks.public_url.clone();
    let footer = ctx.kiosks.footer.clone();
    ctx.queue
        .read(move |engine, _, _| {
            print_job(engine, id, public_url, footer)
                .filter(|job| job.ticket.kiosk.as_deref() == Some(code.as_str()))
        })
        .await?
        .map(Json)
        .ok_or_else(|| DomainError::TicketNotFound.into())
}

/// What a printed ticket shows, read from the engine.
pub fn print_job(
    engine: &Engine,
    id: u64,
    public_url: Option<String>,
    footer: Option<String>,
) -> Option<PrintJob> {
    let ticket = engine.ticket(id)?;
    let view = engine.ticket_view_for_holder(ticket);
    let site = engine.site();
    let service = site.service(&view.service)?;
    let agency = site.agencies.iter().find(|a| a.code == service.agency)?;
    Some(PrintJob {
        site_name: site.name.clone(),
        service_name: service.name.clone(),
        service_name_en: service.name_en.clone(),
        agency_short: agency.short.clone(),
        agency_name: agency.name.clone(),
        ticket: view,
        public_url,
        footer,
    })
}

/// The QR code of a ticket's phone page, as SVG. The address is `[site] public_url`,
/// or else the one the asking screen used to reach the server.
#[utoipa::path(get, path = "/api/v1/track/{token}/qr.svg", tag = "tickets",
    params(("token" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml"), (status = 404, body = ErrorBody)))]
pub async fn qr(
    State(ctx): State<Ctx>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let known = {
        let token = token.clone();
        ctx.queue
            .read(move |engine, _, _| engine.ticket_by_token(&token).is_some())
            .await?
    };
    if !known {
        return Err(DomainError::TicketNotFound.into());
    }
    let base = match &ctx.kiosks.public_url {
        Some(url) => url.clone(),
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
