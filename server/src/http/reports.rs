//! Reports for supervisors and admins (a supervisor of one agency gets that agency's
//! figures only), the SKM questions and the public IKM. Every report runs on a
//! read-only connection of its own, one at a time, so the queue never waits for one.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use antre_protocol::{
    BookingsReport, ErrorBody, Heatmap, Officers, PublicSkm, Recap, Respondents, Role, SkmReport,
    Summary, UNSUR, WeeklyVisits,
};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::access::Supervisor;
use super::body::ApiQuery;
use super::{ApiError, Ctx};
use crate::auth::Session;
use crate::engine::{Site, local_day};
use crate::reports::chain::ChainWatch;
use crate::reports::skm::SkmFilter;
use crate::reports::summary::Group;
use crate::reports::table::{FileFormat, Table};
use crate::reports::{self, Period, PeriodError, Scope};
use crate::store;

/// How long a report waits for the one before it before the caller is told to retry.
const QUEUE_WAIT: Duration = Duration::from_secs(30);

/// How long the public IKM is answered from memory: the page is open to anyone, and
/// the figure moves slowly.
const PUBLIC_FRESH: Duration = Duration::from_secs(60);

/// What the report routes share.
#[derive(Debug)]
pub struct Reports {
    /// One report at a time: on a small server a second would take the cores the
    /// writer needs.
    running: Semaphore,
    pub chain: ChainWatch,
    public: Mutex<Option<(Instant, PublicSkm)>>,
}

impl Default for Reports {
    fn default() -> Reports {
        Reports {
            running: Semaphore::new(1),
            chain: ChainWatch::default(),
            public: Mutex::new(None),
        }
    }
}

/// Runs `read` on a read-only connection beside the writer, after the reports before it.
pub async fn read<T: Send + 'static>(
    ctx: &Ctx,
    read: impl FnOnce(&Connection, &Site) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let _turn = tokio::time::timeout(QUEUE_WAIT, ctx.reports.running.acquire())
        .await
        .map_err(|_| ApiError::busy())?
        .map_err(|_| ApiError::busy())?;
    let db = ctx.db.clone();
    let site = ctx.writer.site();
    tokio::task::spawn_blocking(move || {
        let conn = store::open_reader(&db)?;
        read(&conn, &site)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}

/// The agency a caller's reports are limited to: a supervisor of one agency always
/// gets theirs (asking for another is refused); others get what they ask for.
pub fn scope(ctx: &Ctx, session: &Session, asked: Option<String>) -> Result<Scope, ApiError> {
    let own = (session.role == Role::Supervisor)
        .then(|| ctx.auth.agency_of(&session.username))
        .flatten();
    let asked = asked.filter(|a| !a.is_empty());
    match (own, asked) {
        (Some(own), Some(asked)) if own != asked => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "agency_forbidden",
            "Anda hanya dapat melihat laporan instansi Anda.",
            "You may only see your own agency's reports.",
        )),
        (Some(own), _) => Ok(Scope { agency: Some(own) }),
        (None, Some(asked)) => {
            if !ctx.writer.site().agencies.iter().any(|a| a.code == asked) {
                return Err(ApiError::not_found(
                    "agency_not_found",
                    "Instansi tidak ditemukan.",
                    "No such agency.",
                ));
            }
            Ok(Scope {
                agency: Some(asked),
            })
        }
        (None, None) => Ok(Scope::default()),
    }
}

fn bad_date(what: &str) -> ApiError {
    ApiError::bad_request(
        "invalid_period",
        &format!("Tanggal {what} tidak sah (YYYY-MM-DD)."),
        &format!("The {what} date is not valid (YYYY-MM-DD)."),
    )
}

fn date(value: Option<&str>, what: &str) -> Result<Option<Date>, ApiError> {
    value
        .filter(|v| !v.is_empty())
        .map(|v| v.parse::<Date>().map_err(|_| bad_date(what)))
        .transpose()
}

/// The period asked for; by default from the first of this month to today.
pub fn period(ctx: &Ctx, from: Option<&str>, to: Option<&str>) -> Result<Period, ApiError> {
    let site = ctx.writer.site();
    let today = local_day(&site, jiff::Timestamp::now());
    let to = date(to, "to")?.unwrap_or(today);
    let from = date(from, "from")?.unwrap_or_else(|| to.first_of_month());
    Period::new(from, to).map_err(|e| match e {
        PeriodError::Reversed => ApiError::bad_request(
            "invalid_period",
            "Tanggal akhir sebelum tanggal awal.",
            "The period ends before it starts.",
        ),
        PeriodError::TooLong => ApiError::bad_request(
            "period_too_long",
            &format!("Periode paling lama {} hari.", reports::MAX_DAYS),
            &format!("A period is at most {} days.", reports::MAX_DAYS),
        ),
    })
}

/// The file a report was asked as: `format=csv|xlsx`, or an `Accept` naming one.
fn file_format(format: Option<&str>, headers: &HeaderMap) -> Result<Option<FileFormat>, ApiError> {
    match format.filter(|f| !f.is_empty()) {
        Some("csv") => return Ok(Some(FileFormat::Csv)),
        Some("xlsx") => return Ok(Some(FileFormat::Xlsx)),
        Some("json") => return Ok(None),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_format",
                "Format berkas: csv atau xlsx.",
                "The file format is csv or xlsx.",
            ));
        }
        None => {}
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(if accept.contains("text/csv") {
        Some(FileFormat::Csv)
    } else if accept.contains(XLSX) {
        Some(FileFormat::Xlsx)
    } else {
        None
    })
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The report as JSON, or as the file asked for.
fn answer<T: Serialize>(
    report: T,
    format: Option<FileFormat>,
    table: impl FnOnce(&T) -> Table,
) -> Result<Response, ApiError> {
    let Some(format) = format else {
        return Ok(Json(report).into_response());
    };
    let table = table(&report);
    let (body, kind, ext) = match format {
        FileFormat::Csv => (
            table.to_csv().into_bytes(),
            "text/csv; charset=utf-8",
            "csv",
        ),
        FileFormat::Xlsx => (table.to_xlsx().map_err(ApiError::internal)?, XLSX, "xlsx"),
    };
    let name: String = table
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{ext}\""))
        .map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// A report that is also a file: computed within the caller's scope on a read
/// connection, answered as JSON or as the file asked for.
async fn file_report<T: Serialize + Send + 'static>(
    ctx: &Ctx,
    (session, headers): (&Session, &HeaderMap),
    (agency, format): (Option<String>, Option<&str>),
    compute: impl FnOnce(&Connection, &Site, &Scope) -> anyhow::Result<T> + Send + 'static,
    table: fn(&T) -> Table,
) -> Result<Response, ApiError> {
    let scope = scope(ctx, session, agency)?;
    let format = file_format(format, headers)?;
    let report = read(ctx, move |conn, site| compute(conn, site, &scope)).await?;
    answer(report, format, table)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// First day (YYYY-MM-DD); the first of the month of `to` by default.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub from: Option<String>,
    /// Last day, included; today by default.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub to: Option<String>,
    /// agency, service, counter, officer, priority, hour, weekday or day.
    #[param(pattern = "^(agency|service|counter|officer|priority|hour|weekday|day)?$")]
    pub group: Option<String>,
    pub agency: Option<String>,
    /// `csv` or `xlsx` for a file (or `Accept: text/csv`).
    #[param(pattern = "^(csv|xlsx|json)?$")]
    pub format: Option<String>,
}

/// Counts and times of the period's visits, one row per group (docs/reports.md).
#[utoipa::path(get, path = "/api/v1/reports/summary", tag = "reports", params(SummaryParams),
    security(("bearer" = [])),
    responses((status = 200, description = "JSON, or CSV/XLSX when asked", content((Summary = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn summary(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<SummaryParams>,
) -> Result<Response, ApiError> {
    let group = match p.group.as_deref().filter(|g| !g.is_empty()) {
        None => Group::Service,
        Some(g) => Group::parse(g).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_group",
                "Pengelompokan: agency, service, counter, officer, priority, hour, weekday atau day.",
                "Group by agency, service, counter, officer, priority, hour, weekday or day.",
            )
        })?,
    };
    let period = period(&ctx, p.from.as_deref(), p.to.as_deref())?;
    file_report(
        &ctx,
        (&session, &headers),
        (p.agency, p.format.as_deref()),
        move |conn, site, scope| reports::summary::summary(conn, site, period, scope, group),
        reports::summary::table,
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub from: Option<String>,
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub to: Option<String>,
    pub agency: Option<String>,
    /// `csv` or `xlsx` for a file, where the report has one.
    #[param(pattern = "^(csv|xlsx|json)?$")]
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub from: Option<String>,
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub to: Option<String>,
    pub agency: Option<String>,
}

/// Tickets issued per weekday and hour: the busiest hours.
#[utoipa::path(get, path = "/api/v1/reports/heatmap", tag = "reports", params(PeriodParams),
    security(("bearer" = [])),
    responses((status = 200, body = Heatmap), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn heatmap(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> Result<Json<Heatmap>, ApiError> {
    let period = period(&ctx, p.from.as_deref(), p.to.as_deref())?;
    let scope = scope(&ctx, &session, p.agency)?;
    let report = read(&ctx, move |conn, _| {
        reports::heatmap::heatmap(conn, period, &scope)
    })
    .await?;
    Ok(Json(report))
}

/// Officers: served, open and paused time, served per hour.
#[utoipa::path(get, path = "/api/v1/reports/officers", tag = "reports", params(RangeParams),
    security(("bearer" = [])),
    responses((status = 200, description = "JSON, or CSV/XLSX when asked", content((Officers = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn officers(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<RangeParams>,
) -> Result<Response, ApiError> {
    let period = period(&ctx, p.from.as_deref(), p.to.as_deref())?;
    let now = jiff::Timestamp::now();
    file_report(
        &ctx,
        (&session, &headers),
        (p.agency, p.format.as_deref()),
        move |conn, site, scope| reports::officers::officers(conn, site, period, scope, now),
        reports::officers::table,
    )
    .await
}

/// Bookings per day and session: booked, checked in, no-show, cancelled, seats left.
#[utoipa::path(get, path = "/api/v1/reports/bookings", tag = "reports", params(RangeParams),
    security(("bearer" = [])),
    responses((status = 200, description = "JSON, or CSV/XLSX when asked", content((BookingsReport = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn bookings(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<RangeParams>,
) -> Result<Response, ApiError> {
    let period = period(&ctx, p.from.as_deref(), p.to.as_deref())?;
    file_report(
        &ctx,
        (&session, &headers),
        (p.agency, p.format.as_deref()),
        move |conn, site, scope| reports::bookings::bookings(conn, site, period, scope),
        reports::bookings::table,
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecapParams {
    /// YYYY-MM; this month by default.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2})?$")]
    pub month: Option<String>,
    pub agency: Option<String>,
    #[param(pattern = "^(csv|xlsx|json)?$")]
    pub format: Option<String>,
}

/// The month's "Rekap Layanan": visitors served per agency's service and day.
#[utoipa::path(get, path = "/api/v1/reports/recap", tag = "reports", params(RecapParams),
    security(("bearer" = [])),
    responses((status = 200, description = "JSON, or CSV/XLSX when asked", content((Recap = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn recap(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<RecapParams>,
) -> Result<Response, ApiError> {
    let month = match p.month.as_deref().filter(|m| !m.is_empty()) {
        None => local_day(&ctx.writer.site(), jiff::Timestamp::now()),
        // The first of the month: a date only when the month is one (2026-13 is not).
        Some(m) => format!("{m}-01").parse::<Date>().map_err(|_| {
            ApiError::bad_request(
                "invalid_period",
                "Bulan tidak sah (YYYY-MM).",
                "The month is not valid (YYYY-MM).",
            )
        })?,
    };
    let month = reports::recap::month_of(month);
    file_report(
        &ctx,
        (&session, &headers),
        (p.agency, p.format.as_deref()),
        move |conn, site, scope| reports::recap::recap(conn, site, month, scope),
        reports::recap::recap_table,
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekParams {
    /// Any day of the week (YYYY-MM-DD); this week by default.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub week: Option<String>,
    pub agency: Option<String>,
    #[param(pattern = "^(csv|xlsx|json)?$")]
    pub format: Option<String>,
}

/// The week's visits, Monday to Sunday: the ministry's weekly figure.
#[utoipa::path(get, path = "/api/v1/reports/weekly", tag = "reports", params(WeekParams),
    security(("bearer" = [])),
    responses((status = 200, description = "JSON, or CSV/XLSX when asked", content((WeeklyVisits = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn weekly(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<WeekParams>,
) -> Result<Response, ApiError> {
    let day = match date(p.week.as_deref(), "week")? {
        Some(day) => day,
        None => local_day(&ctx.writer.site(), jiff::Timestamp::now()),
    };
    let week = reports::recap::week_of(day);
    file_report(
        &ctx,
        (&session, &headers),
        (p.agency, p.format.as_deref()),
        move |conn, _, scope| reports::recap::weekly(conn, week, scope),
        reports::recap::weekly_table,
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SkmParams {
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub from: Option<String>,
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub to: Option<String>,
    pub agency: Option<String>,
    pub service: Option<String>,
    pub counter: Option<String>,
    pub officer: Option<String>,
}

/// The IKM of the period (Permenpan RB 14/2017), for the MPP or one agency, service,
/// counter or officer.
#[utoipa::path(get, path = "/api/v1/reports/skm", tag = "reports", params(SkmParams),
    security(("bearer" = [])),
    responses((status = 200, body = SkmReport), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn skm(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    ApiQuery(p): ApiQuery<SkmParams>,
) -> Result<Json<SkmReport>, ApiError> {
    let period = period(&ctx, p.from.as_deref(), p.to.as_deref())?;
    let scope = scope(&ctx, &session, p.agency)?;
    let site = ctx.writer.site();
    let nonempty = |v: Option<String>| v.filter(|v| !v.is_empty());
    let filter = SkmFilter {
        agency: scope.agency,
        service: nonempty(p.service),
        counter: nonempty(p.counter),
        officer: nonempty(p.officer),
    };
    if let Some(service) = &filter.service
        && site.service(service).is_none()
    {
        return Err(crate::engine::DomainError::ServiceNotFound.into());
    }
    if let Some(counter) = &filter.counter
        && site.counter(counter).is_none()
    {
        return Err(crate::engine::DomainError::CounterNotFound.into());
    }
    let report = read(&ctx, move |conn, _| {
        reports::skm::report(conn, period, &filter)
    })
    .await?;
    Ok(Json(report))
}

/// Every respondent's answers (U1–U9), profile and suggestion: the rows SKM reports
/// are computed from. Anonymous: nothing ties a row to a visitor.
#[utoipa::path(get, path = "/api/v1/reports/skm/respondents", tag = "reports", params(RangeParams),
    security(("bearer" = [])),
    responses((status = 200, description = "JSON, or CSV/XLSX when asked", content((Respondents = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn respondents(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<RangeParams>,
) -> Result<Response, ApiError> {
    let period = period(&ctx, p.from.as_deref(), p.to.as_deref())?;
    file_report(
        &ctx,
        (&session, &headers),
        (p.agency, p.format.as_deref()),
        move |conn, _, scope| reports::skm::respondents(conn, period, scope),
        reports::skm::respondents_table,
    )
    .await
}

/// The published IKM: the MPP's and each agency's over the current half-year (January
/// to June, July to December), or the previous one while the current has no answers.
#[utoipa::path(get, path = "/api/v1/skm", tag = "surveys",
    responses((status = 200, body = PublicSkm)))]
pub async fn public_skm(State(ctx): State<Ctx>) -> Result<Json<PublicSkm>, ApiError> {
    if let Some((at, skm)) = ctx.reports.public.lock().expect("not poisoned").as_ref()
        && at.elapsed() < PUBLIC_FRESH
    {
        return Ok(Json(skm.clone()));
    }
    let today = local_day(&ctx.writer.site(), jiff::Timestamp::now());
    let skm = read(&ctx, move |conn, site| {
        let current = half_year(today);
        let skm = reports::skm::public(conn, site, current)?;
        if skm.mpp.respondents > 0 {
            return Ok(skm);
        }
        let before = current.from.yesterday()?;
        reports::skm::public(conn, site, half_year(before))
    })
    .await?;
    *ctx.reports.public.lock().expect("not poisoned") = Some((Instant::now(), skm.clone()));
    Ok(Json(skm))
}

/// The half-year holding `day`, up to `day`.
fn half_year(day: Date) -> Period {
    let first_month = if day.month() <= 6 { 1 } else { 7 };
    let from = Date::new(day.year(), first_month, 1).expect("a valid month");
    let end = Date::new(day.year(), first_month + 5, 1)
        .expect("a valid month")
        .last_of_month();
    Period {
        from,
        to: end.min(day).max(from),
    }
}

/// One unsur as the questionnaire asks it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Question {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub question: &'static str,
    pub question_en: &'static str,
    pub labels: [&'static str; 4],
    pub labels_en: [&'static str; 4],
}

/// The nine unsur with the regulation's questions and answer labels (scores 1–4).
#[utoipa::path(get, path = "/api/v1/surveys/questions", tag = "surveys",
    responses((status = 200, body = [Question])))]
pub async fn questions() -> Json<Vec<Question>> {
    Json(
        UNSUR
            .iter()
            .map(|u| Question {
                code: u.code,
                name: u.name,
                name_en: u.name_en,
                question: u.question,
                question_en: u.question_en,
                labels: u.labels,
                labels_en: u.labels_en,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_published_period_is_the_half_year_so_far() {
        let p = half_year(date(2026, 11, 29));
        assert_eq!((p.from, p.to), (date(2026, 7, 1), date(2026, 11, 29)));
        let p = half_year(date(2026, 6, 30));
        assert_eq!((p.from, p.to), (date(2026, 1, 1), date(2026, 6, 30)));
    }
}
