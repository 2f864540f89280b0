//! The digital channel over HTTP: the sessions a service offers, booking one (or a
//! place in today's remote queue), seeing, moving and cancelling it with its private
//! token, and checking it in at a kiosk or a counter. The rules are the engine's
//! (`engine::booking`); this file checks the form of what citizens type and keeps their
//! NIK out of everything but a keyed hash.

use antre_protocol::{
    BookableService, Booking, BookingRequest, ErrorBody, RescheduleRequest, Slot, Ticket,
};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::access::{Caller, Limited, User};
use super::body::{ApiPath, ApiQuery, JsonBody};
use super::{ApiError, Ctx};
use crate::auth::{DeviceKind, Principal, random_hex};
use crate::engine::schedule::hh_mm;
use crate::engine::{Book, Command, DomainError, Engine, Service};
use crate::writer::Reply;

/// Booking codes use letters and digits nobody misreads on paper or a phone: no 0/O,
/// 1/I/L, 2/Z, 5/S, 8/B, 6/G.
pub const CODE_ALPHABET: &[u8] = b"ACDEFHJKMNPRTUVWXY34679";
const CODE_LEN: usize = 8;
/// A clash of random codes is rare (23⁸ ≈ 78 billion); a few tries make it vanish.
const CODE_TRIES: usize = 4;
/// The most days one slots request covers: a month is what a calendar shows.
const SLOT_DAYS_MAX: i64 = 31;
const NAME_MAX: usize = 100;
/// The most bookings one list answers: more than a busy service's day.
const LIST_MAX: usize = 500;

/// The bookable services, for the booking page's search.
#[utoipa::path(get, path = "/api/v1/booking/services", tag = "booking",
    responses((status = 200, body = Vec<BookableService>)))]
pub async fn services(State(ctx): State<Ctx>) -> Result<Json<Vec<BookableService>>, ApiError> {
    let list = ctx
        .writer
        .read(|engine, _, now| {
            let site = engine.site();
            site.services
                .iter()
                .filter_map(|s| {
                    let rules = s.booking.as_deref()?;
                    let agency = site.agencies.iter().find(|a| a.code == s.agency);
                    let remote = rules.remote_quota > 0;
                    Some(BookableService {
                        code: s.code.clone(),
                        name: s.name.clone(),
                        name_en: s.name_en.clone(),
                        agency: s.agency.clone(),
                        agency_name: agency.map(|a| a.name.clone()).unwrap_or_default(),
                        agency_name_en: agency.map(|a| a.name_en.clone()).unwrap_or_default(),
                        keywords: s.keywords.clone(),
                        standard: s.standard.clone(),
                        days_ahead: rules.days_ahead,
                        sessions: rules.week.iter().any(|d| !d.is_empty()),
                        remote,
                        remote_open: remote && remote_open(engine, s, now),
                    })
                })
                .collect()
        })
        .await?;
    Ok(Json(list))
}

fn remote_open(engine: &Engine, service: &Service, now: Timestamp) -> bool {
    let local = now.to_zoned(engine.site().timezone.clone());
    engine.site().holiday(local.date(), &service.code).is_none()
        && service.hours.issuing(local.weekday(), local.time())
        && service.booking.as_deref().is_some_and(|r| {
            engine.bookings().taken(&service.code, engine.day(), None) < r.remote_quota
        })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotParams {
    pub service: String,
    /// First day, `YYYY-MM-DD` (default: today).
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub from: Option<String>,
    /// Last day (default: as far as may be booked); at most 31 days after `from`.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub to: Option<String>,
}

/// A service's sessions from one day to another, with their seats left and when they
/// are released. Days that are closed (holidays) have none.
#[utoipa::path(get, path = "/api/v1/booking/slots", tag = "booking", params(SlotParams),
    responses((status = 200, body = Vec<Slot>), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "not_bookable", body = ErrorBody)))]
pub async fn slots(
    State(ctx): State<Ctx>,
    ApiQuery(p): ApiQuery<SlotParams>,
) -> Result<Json<Vec<Slot>>, ApiError> {
    let from = p.from.as_deref().map(|d| date("from", d)).transpose()?;
    let to = p.to.as_deref().map(|d| date("to", d)).transpose()?;
    let slots = ctx
        .writer
        .read(move |engine, _, now| slots_of(engine, &p.service, from, to, now))
        .await??;
    Ok(Json(slots))
}

fn slots_of(
    engine: &Engine,
    service: &str,
    from: Option<Date>,
    to: Option<Date>,
    now: Timestamp,
) -> Result<Vec<Slot>, ApiError> {
    let site = engine.site();
    let service = site.service(service).ok_or(DomainError::ServiceNotFound)?;
    let rules = service.booking.as_deref().ok_or(DomainError::NotBookable)?;
    let today = engine.day();
    let from = from.unwrap_or(today).max(today);
    let last = today.saturating_add(i64::from(rules.days_ahead).days());
    let to = to.unwrap_or(last).min(last);
    if to.since(from).map_or(0, |s| i64::from(s.get_days())) > SLOT_DAYS_MAX {
        return Err(ApiError::bad_request(
            "invalid_date",
            "Rentang tanggal paling lama 31 hari (to).",
            "The dates may span at most 31 days (to).",
        ));
    }
    let tz = &site.timezone;
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        if site.holiday(day, &service.code).is_none() {
            let opens_at = rules.opens_at(day, tz);
            for session in rules.sessions(day) {
                let window = rules.window(day, session, tz);
                let taken = engine
                    .bookings()
                    .taken(&service.code, day, Some(session.start_min));
                out.push(Slot {
                    date: day.to_string(),
                    start: hh_mm(session.start_min),
                    end: hh_mm(session.end_min),
                    quota: session.quota,
                    left: session.quota.saturating_sub(taken),
                    opens_at: engine.format_time(opens_at),
                    open: now >= opens_at && now < window.until,
                    online_only: session.online_only,
                    check_in_from: engine.format_time(window.from),
                    check_in_until: engine.format_time(window.until),
                });
            }
        }
        day = day.tomorrow().map_err(ApiError::internal)?;
    }
    Ok(out)
}

/// Books a seat in a session, or (`remote`) a place in today's line. Anonymous, within
/// the per-address limit of anonymous tickets. The answer holds the booking's private
/// `manage_token`, the only way to see, move or cancel it.
#[utoipa::path(post, path = "/api/v1/bookings", tag = "booking", request_body = BookingRequest,
    responses((status = 201, body = Booking),
        (status = 400, description = "invalid_nik, invalid_name, invalid_phone, invalid_date or invalid_start", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "quota_full, already_booked, not_open_yet, closed_day, outside_window, no_session, session_started, not_bookable, service_closed", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create(
    State(ctx): State<Ctx>,
    _: Limited,
    JsonBody(req): JsonBody<BookingRequest>,
) -> Result<(StatusCode, Json<Booking>), ApiError> {
    let nik = nik(&req.nik)?;
    let name = name(&req.name)?;
    let phone = phone(&req.phone)?;
    let (date, start_min) = if req.remote {
        let today = ctx.writer.read(|engine, _, _| engine.day()).await?;
        let date = req.date.as_deref().map(|d| date("date", d)).transpose()?;
        (date.unwrap_or(today), None)
    } else {
        let Some(d) = req.date.as_deref() else {
            return Err(missing("date"));
        };
        let Some(s) = req.start.as_deref() else {
            return Err(missing("start"));
        };
        (date("date", d)?, Some(start(s)?))
    };
    // The rush at a release: once a session is full, the late thousands are told so at
    // once. The writer still decides every booking it is sent.
    if let Some(start) = start_min
        && ctx.writer.session_full(&req.service, date, start)
    {
        return Err(DomainError::QuotaFull.into());
    }
    let nik_hash = nik_hash(&ctx.nik_key, &nik);
    let nik_last4 = nik[12..].to_string();
    for _ in 0..CODE_TRIES {
        let token = random_hex(16);
        let command = Command::Book(Book {
            code: new_code(),
            manage_digest: digest(&token),
            service: req.service.clone(),
            date,
            start_min,
            nik_hash: nik_hash.clone(),
            nik_last4: nik_last4.clone(),
            name: name.clone(),
            phone: phone.clone(),
        });
        match ctx.writer.execute(command).await {
            Ok(Reply::Booking(mut b)) => {
                b.manage_token = Some(token);
                return Ok((StatusCode::CREATED, Json(b)));
            }
            Err(crate::writer::WriteError::Domain(DomainError::CodeTaken)) => continue,
            Ok(other) => return Err(ApiError::internal(format!("expected a booking: {other:?}"))),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal("no free booking code"))
}

/// A booking, for the holder of its manage token. Anything wrong is a 404: whether a
/// code exists is nobody else's business.
#[utoipa::path(get, path = "/api/v1/bookings/{code}", tag = "booking",
    params(("code" = String, Path)), security(("manage_token" = [])),
    responses((status = 200, body = Booking), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn one(
    State(ctx): State<Ctx>,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<Booking>, ApiError> {
    let code = held(&ctx, &code, &headers).await?;
    let view = ctx
        .writer
        .read(move |engine, _, _| engine.booking(&code).map(|b| engine.booking_view(b, true)))
        .await?
        .ok_or(DomainError::BookingNotFound)?;
    Ok(Json(view))
}

/// Cancels a booking, by the holder of its manage token, until the change cut-off.
#[utoipa::path(delete, path = "/api/v1/bookings/{code}", tag = "booking",
    params(("code" = String, Path)), security(("manage_token" = [])),
    responses((status = 200, body = Booking), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "too_late_to_change or not_active", body = ErrorBody)))]
pub async fn cancel(
    State(ctx): State<Ctx>,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<Booking>, ApiError> {
    let code = held(&ctx, &code, &headers).await?;
    booking_answer(
        ctx.writer
            .execute(Command::CancelBooking { code, by: None })
            .await?,
    )
}

/// Moves a booking to another session, once, until the change cut-off.
#[utoipa::path(patch, path = "/api/v1/bookings/{code}", tag = "booking",
    params(("code" = String, Path)), security(("manage_token" = [])),
    request_body = RescheduleRequest,
    responses((status = 200, body = Booking), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "already_rescheduled, too_late_to_change, quota_full, not_active …", body = ErrorBody),
        (status = 413, body = ErrorBody)))]
pub async fn reschedule(
    State(ctx): State<Ctx>,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<RescheduleRequest>,
) -> Result<Json<Booking>, ApiError> {
    let code = held(&ctx, &code, &headers).await?;
    let date = date("date", &req.date)?;
    let start_min = start(&req.start)?;
    booking_answer(
        ctx.writer
            .execute(Command::Reschedule {
                code,
                date,
                start_min,
            })
            .await?,
    )
}

/// The QR code of a booking code, as SVG, for the booking page to show and a kiosk's
/// scanner to read. Any well-formed code has one: this looks nothing up.
#[utoipa::path(get, path = "/api/v1/bookings/{code}/qr.svg", tag = "booking",
    params(("code" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml"), (status = 404, body = ErrorBody)))]
pub async fn qr(ApiPath(code): ApiPath<String>) -> Result<Response, ApiError> {
    let code = normal_code(&code).ok_or(DomainError::BookingNotFound)?;
    let svg = antre_kiosk::qr::svg(&crate::engine::display_code(&code))
        .ok_or_else(|| ApiError::internal("QR code too long"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        svg,
    )
        .into_response())
}

/// Checks a booking in: the kiosk the holder stands at (its device token), or an
/// officer at the counter. The ticket it becomes is printed at that kiosk as any other.
#[utoipa::path(post, path = "/api/v1/bookings/{code}/check-in", tag = "booking",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = Ticket), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "check_in_closed (with `error.window`), already_checked_in or not_active", body = ErrorBody)))]
pub async fn check_in(
    State(ctx): State<Ctx>,
    Caller(caller): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let (kiosk, by) = match caller {
        Some(Principal::Device(d)) if d.kind == DeviceKind::Kiosk => (Some(d.code), None),
        Some(Principal::User(s)) => (None, Some(s.username)),
        Some(Principal::Device(_)) => {
            return Err(ApiError::forbidden(
                "Perangkat ini tidak dapat melakukan check-in.",
                "This device cannot check bookings in.",
            ));
        }
        None => return Err(ApiError::unauthorized()),
    };
    let code = normal_code(&code).ok_or(DomainError::BookingNotFound)?;
    let command = Command::CheckIn {
        code,
        kiosk,
        by,
        track_token: random_hex(16),
    };
    match ctx.writer.execute(command).await? {
        Reply::Ticket(t) => Ok((StatusCode::CREATED, Json(t))),
        other => Err(ApiError::internal(format!("expected a ticket: {other:?}"))),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The day, `YYYY-MM-DD` (default: today); today and later days only.
    #[param(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$")]
    pub date: Option<String>,
    pub service: Option<String>,
    /// Part of the code, the name or the NIK's last four digits.
    pub q: Option<String>,
}

/// A day's bookings, for the counter and the manager: who is expected, who came. The
/// most recent 500 that match, by session.
#[utoipa::path(get, path = "/api/v1/bookings", tag = "booking", params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Booking>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(ctx): State<Ctx>,
    User(_session): User,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<Vec<Booking>>, ApiError> {
    let date = p.date.as_deref().map(|d| date("date", d)).transpose()?;
    let q =
        p.q.map(|q| q.trim().to_lowercase().replace('-', ""))
            .filter(|q| !q.is_empty());
    let list = ctx
        .writer
        .read(move |engine, _, _| {
            let day = date.unwrap_or(engine.day());
            let mut found: Vec<_> = engine
                .bookings()
                .iter()
                .filter(|b| b.day == day)
                .filter(|b| p.service.as_deref().is_none_or(|s| b.service == s))
                .filter(|b| {
                    q.as_deref().is_none_or(|q| {
                        b.code.to_lowercase().contains(q)
                            || b.name.to_lowercase().contains(q)
                            || b.nik_last4 == q
                    })
                })
                .collect();
            found.sort_by_key(|b| (b.start_min, b.booked_at));
            found
                .into_iter()
                .take(LIST_MAX)
                .map(|b| engine.booking_view(b, false))
                .collect::<Vec<_>>()
        })
        .await?;
    Ok(Json(list))
}

fn booking_answer(reply: Reply) -> Result<Json<Booking>, ApiError> {
    match reply {
        Reply::Booking(b) => Ok(Json(b)),
        other => Err(ApiError::internal(format!("expected a booking: {other:?}"))),
    }
}

/// The code of the path, when the request holds its manage token: none is a 401, a
/// wrong one (or an unknown code) a 404.
async fn held(ctx: &Ctx, code: &str, headers: &HeaderMap) -> Result<String, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(ApiError::unauthorized)?;
    let code = normal_code(code).ok_or(DomainError::BookingNotFound)?;
    let presented = digest(token);
    let lookup = code.clone();
    let matches = ctx
        .writer
        .read(move |engine, _, _| {
            engine.booking(&lookup).is_some_and(|b| {
                // Compared in constant time: the digest of a guess says nothing early.
                let (a, b) = (presented.as_bytes(), b.manage_digest.as_bytes());
                a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
            })
        })
        .await?;
    if matches {
        Ok(code)
    } else {
        Err(DomainError::BookingNotFound.into())
    }
}

/// A new random booking code.
fn new_code() -> String {
    let mut code = String::with_capacity(CODE_LEN);
    let mut buf = [0u8; 32];
    // Bytes past the largest multiple of the alphabet's size are dropped, so every
    // character is equally likely.
    let limit = 256 - 256 % CODE_ALPHABET.len();
    while code.len() < CODE_LEN {
        getrandom::fill(&mut buf).expect("the OS has randomness");
        for &b in &buf {
            if usize::from(b) < limit && code.len() < CODE_LEN {
                code.push(char::from(
                    CODE_ALPHABET[usize::from(b) % CODE_ALPHABET.len()],
                ));
            }
        }
    }
    code
}

/// A code as people type it (any case, a dash or spaces) in its stored form.
pub fn normal_code(text: &str) -> Option<String> {
    let code: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// SHA-256, hex: how a manage token is kept.
fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The NIK as the engine and the database know it: HMAC-SHA256 under the server's own
/// key (`nik.key`), so the same person is recognised without the number being kept, and
/// a stolen database cannot be searched by trying the few billion possible NIKs.
pub fn nik_hash(key: &[u8; 32], nik: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(nik.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A NIK of the right form: 16 digits; a province code (11–94); a birth date whose
/// day is 1–31, or 41–71 for women, and month 1–12; a serial that is not 0000.
pub fn nik(text: &str) -> Result<String, ApiError> {
    let nik: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |r: std::ops::Range<usize>| nik.get(r).and_then(|d| d.parse::<u32>().ok());
    let valid = nik.len() == 16
        && nik.bytes().all(|b| b.is_ascii_digit())
        && digits(0..2).is_some_and(|p| (11..=94).contains(&p))
        && digits(6..8).is_some_and(|d| (1..=31).contains(&d) || (41..=71).contains(&d))
        && digits(8..10).is_some_and(|m| (1..=12).contains(&m))
        && digits(12..16).is_some_and(|s| s > 0);
    if valid {
        Ok(nik)
    } else {
        Err(ApiError::bad_request(
            "invalid_nik",
            "NIK tidak sah (nik): 16 angka sesuai KTP.",
            "The NIK is not valid (nik): the 16 digits on the identity card.",
        ))
    }
}

fn name(text: &str) -> Result<String, ApiError> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = name.chars().count();
    if (2..=NAME_MAX).contains(&n) && !name.chars().any(char::is_control) {
        Ok(name)
    } else {
        Err(ApiError::bad_request(
            "invalid_name",
            "Nama wajib diisi, 2 sampai 100 huruf (name).",
            "The name is required, 2 to 100 characters (name).",
        ))
    }
}

/// An Indonesian phone number as `62…` (what WhatsApp and SMS gateways take).
pub fn phone(text: &str) -> Result<String, ApiError> {
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let rest = plain
        .strip_prefix("+62")
        .or_else(|| plain.strip_prefix("62"))
        .or_else(|| plain.strip_prefix('0'));
    match rest {
        Some(rest)
            if (8..=12).contains(&rest.len())
                && rest.bytes().all(|b| b.is_ascii_digit())
                && !rest.starts_with('0') =>
        {
            Ok(format!("62{rest}"))
        }
        _ => Err(ApiError::bad_request(
            "invalid_phone",
            "Nomor WhatsApp/HP tidak sah (phone), contoh 0812 3456 7890.",
            "The WhatsApp/phone number is not valid (phone), e.g. 0812 3456 7890.",
        )),
    }
}

fn date(field: &str, text: &str) -> Result<Date, ApiError> {
    text.parse::<Date>().map_err(|_| {
        ApiError::Other(
            StatusCode::BAD_REQUEST,
            "invalid_date",
            format!(
                "Tanggal tidak sah ({field}), gunakan YYYY-MM-DD. / \
                 The date is not valid ({field}); use YYYY-MM-DD."
            ),
        )
    })
}

fn start(text: &str) -> Result<u16, ApiError> {
    crate::config::parse_minute(text)
        .ok()
        .filter(|&m| m < 1440)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_start",
                "Jam sesi tidak sah (start), gunakan HH:MM.",
                "The session time is not valid (start); use HH:MM.",
            )
        })
}

fn missing(field: &'static str) -> ApiError {
    let code = if field == "date" {
        "invalid_date"
    } else {
        "invalid_start"
    };
    ApiError::Other(
        StatusCode::BAD_REQUEST,
        code,
        format!("Wajib diisi ({field}). / Required ({field})."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nik_has_the_form_of_the_identity_card() {
        // Province 73, regency 71, district 05, born 12 August 1985, serial 0003.
        assert_eq!(nik("7371 0512 0885 0003").unwrap(), "7371051208850003");
        // A woman's birth day is 40 more.
        assert!(nik("7371055208850003").is_ok());
        assert!(nik("737105120885000").is_err(), "15 digits");
        assert!(nik("0971051208850003").is_err(), "no province 09");
        assert!(nik("7371053208850003").is_err(), "day 32");
        assert!(nik("7371051213850003").is_err(), "month 13");
        assert!(nik("7371051208850000").is_err(), "serial 0000");
        assert!(nik("73710512088500a3").is_err());
    }

    #[test]
    fn phones_become_62_numbers() {
        assert_eq!(phone("0812-3456-7890").unwrap(), "6281234567890");
        assert_eq!(phone("+62 812 3456 7890").unwrap(), "6281234567890");
        assert_eq!(phone("6281234567890").unwrap(), "6281234567890");
        assert!(phone("0812").is_err());
        assert!(phone("00812345678").is_err());
        assert!(phone("0812345678901234").is_err());
        assert!(phone("hello").is_err());
    }

    #[test]
    fn codes_are_read_in_any_case_with_or_without_the_dash() {
        let code = new_code();
        assert_eq!(code.len(), 8);
        assert_eq!(normal_code(&code), Some(code.clone()));
        let shown = crate::engine::display_code(&code);
        assert_eq!(normal_code(&shown.to_lowercase()), Some(code));
        assert_eq!(normal_code("ACDE-FHJ0"), None, "0 is not in the alphabet");
        assert_eq!(normal_code("ACDE-FHJ"), None);
    }

    #[test]
    fn the_nik_is_kept_only_as_a_keyed_hash() {
        let a = nik_hash(&[1; 32], "7371051285010003");
        assert_eq!(a.len(), 64);
        assert!(!a.contains("7371051285010003"));
        assert_ne!(a, nik_hash(&[2; 32], "7371051285010003"));
        assert_eq!(a, nik_hash(&[1; 32], "7371051285010003"));
    }
}
