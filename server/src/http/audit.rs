//! The audit trail for supervisors and admins: the log filtered, a ticket's journey and
//! the chain's status (`crate::reports::audit`).

use antre_protocol::{AuditPage, ChainStatus, ErrorBody, EventKind, Journey};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::access::Supervisor;
use super::body::ApiQuery;
use super::reports::{period, read, scope};
use super::{ApiError, Ctx};
use crate::reports::audit::AuditFilter;

/// Events on a page unless asked otherwise.
const DEFAULT_LIMIT: u32 = 100;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// First day (YYYY-MM-DD); today by default.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub from: Option<String>,
    /// Last day, included; `from` by default.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub to: Option<String>,
    /// An event type (`ticket.called`, `site.changed`, `user.login_failed` …).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub user: Option<String>,
    pub counter: Option<String>,
    pub service: Option<String>,
    /// A ticket's number (`A001`).
    pub number: Option<String>,
    /// Only calls out of the queue's order.
    pub out_of_order: Option<bool>,
    /// Only events before this seq: `next_before` of the page before.
    pub before: Option<u64>,
    /// 1–500; 100 by default.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// The event log, newest first, filtered.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn search(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    let to = p.to.as_deref().or(p.from.as_deref());
    let period = period(&ctx, p.from.as_deref().or(to), to)?;
    let scope = scope(&ctx, &session, None)?;
    let kind = match p.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(EventKind::parse(k).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_type",
                "Jenis peristiwa tidak dikenal.",
                "Unknown event type.",
            )
        })?),
    };
    if p.before.is_some_and(|b| i64::try_from(b).is_err()) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "Nilai `before` terlalu besar.",
            "`before` is too large.",
        ));
    }
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=crate::reports::audit::MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            "Jumlah per halaman 1 sampai 500.",
            "A page holds 1 to 500 events.",
        ));
    }
    let nonempty = |v: Option<String>| v.filter(|v| !v.is_empty());
    let (from, to) = period.instants(&ctx.writer.site());
    let filter = AuditFilter {
        from: Some(from),
        to: Some(to),
        kind,
        user: nonempty(p.user),
        counter: nonempty(p.counter),
        service: nonempty(p.service),
        number: nonempty(p.number),
        out_of_order: p.out_of_order.unwrap_or(false),
        before: p.before,
        limit,
        agency: scope.agency,
    };
    let page = read(&ctx, move |conn, site| {
        crate::reports::audit::search(conn, site, &filter)
    })
    .await?;
    Ok(Json(page))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JourneyParams {
    /// The ticket's number (`A001`).
    pub number: String,
    /// Its service day (YYYY-MM-DD); today by default.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub day: Option<String>,
}

/// A ticket's whole story by its number and day: who called it, where, when, and
/// where it was sent.
#[utoipa::path(get, path = "/api/v1/audit/journey", tag = "audit", params(JourneyParams),
    security(("bearer" = [])),
    responses((status = 200, body = Journey), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn journey(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    ApiQuery(p): ApiQuery<JourneyParams>,
) -> Result<Json<Journey>, ApiError> {
    let day = period(&ctx, p.day.as_deref(), p.day.as_deref())?.from;
    let scope = scope(&ctx, &session, None)?;
    let number = p.number;
    let journey = read(&ctx, move |conn, site| {
        crate::reports::audit::journey(conn, site, &number, day, scope.agency.as_deref())
    })
    .await?;
    journey
        .map(Json)
        .ok_or_else(|| crate::engine::DomainError::TicketNotFound.into())
}

/// Whether the log's hash chain holds, checked from where the last look ended.
#[utoipa::path(get, path = "/api/v1/audit/chain", tag = "audit", security(("bearer" = [])),
    responses((status = 200, body = ChainStatus), (status = 403, body = ErrorBody)))]
pub async fn chain(
    State(ctx): State<Ctx>,
    Supervisor(_): Supervisor,
) -> Result<Json<ChainStatus>, ApiError> {
    let reports = ctx.reports.clone();
    let status = read(&ctx, move |conn, _| reports.chain.status(conn)).await?;
    Ok(Json(status))
}
