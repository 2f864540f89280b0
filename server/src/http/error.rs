//! The one error type of the HTTP API: every failure becomes
//! `{"error": {"code", "message"}}` with a fitting status, and internals stay hidden.

use antre_protocol::{CheckInWindow, ErrorBody, ErrorDetail};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::engine::DomainError;
use crate::writer::WriteError;

#[derive(Debug)]
pub enum ApiError {
    Write(WriteError),
    /// Status, stable code, message (Bahasa Indonesia / English).
    Other(StatusCode, &'static str, String),
    /// 429 with `Retry-After`: come back after this many seconds.
    Later(u64, &'static str, String),
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, id: &str, en: &str) -> ApiError {
        ApiError::Other(status, code, format!("{id} / {en}"))
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Silakan masuk terlebih dahulu, atau sesi Anda sudah berakhir.",
            "Please log in; your session may have expired.",
        )
    }

    pub fn forbidden(id: &str, en: &str) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", id, en)
    }

    pub fn bad_request(code: &'static str, id: &str, en: &str) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, id, en)
    }

    pub fn not_found(code: &'static str, id: &str, en: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, id, en)
    }

    /// Too many requests from one caller; it may try again in a moment.
    pub fn rate_limited() -> ApiError {
        ApiError::Later(
            10,
            "rate_limited",
            "Terlalu banyak permintaan; tunggu sebentar. / Too many requests; please wait a moment."
                .into(),
        )
    }

    /// The password checks are all busy: try again in a second.
    pub fn busy() -> ApiError {
        ApiError::Later(
            1,
            "busy",
            "Server sedang sibuk memeriksa kata sandi; coba lagi sebentar. / \
             The server is busy checking passwords; try again in a moment."
                .into(),
        )
    }

    pub fn payload_too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Isi permintaan terlalu besar.",
            "The request body is too large.",
        )
    }

    pub fn internal(error: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {error}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Terjadi kesalahan pada server.",
            "Something went wrong on the server.",
        )
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> ApiError {
        ApiError::Write(e)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> ApiError {
        ApiError::Write(WriteError::Domain(e))
    }
}

/// The status a refused command is answered with.
fn domain_status(e: &DomainError) -> StatusCode {
    use DomainError::*;
    match e {
        ServiceNotFound | CounterNotFound | TicketNotFound | KioskNotFound | BookingNotFound => {
            StatusCode::NOT_FOUND
        }
        NotYourCounter => StatusCode::FORBIDDEN,
        SameService | IdempotencyConflict | ReasonRequired | ServiceNotServed => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        QuotaFull
        | ServiceClosed { .. }
        | CounterClosed
        | CounterPaused
        | CounterInUse { .. }
        | CounterBusy
        | NoActiveTicket
        | InvalidState
        | GraceExpired
        | ServiceInUse { .. }
        | CounterOpen { .. }
        | VersionConflict { .. }
        | NotServed
        | AlreadyAnswered
        | NotBookable
        | OutsideWindow { .. }
        | ClosedDay { .. }
        | NoSession
        | NotOpenYet { .. }
        | SessionStarted
        | AlreadyBooked
        | CodeTaken
        | NotActive
        | TooLateToChange
        | AlreadyRescheduled
        | AlreadyCheckedIn
        | CheckInClosed { .. }
        | OnlineOnly => StatusCode::CONFLICT,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // A refused check-in also says when the booking may be checked in.
        let mut window = None;
        let (status, code, message) = match self {
            ApiError::Write(WriteError::Domain(e)) => {
                if let DomainError::CheckInClosed { from, until } = &e {
                    window = Some(CheckInWindow {
                        from: from.clone(),
                        until: until.clone(),
                    });
                }
                (domain_status(&e), e.code(), e.message())
            }
            ApiError::Write(WriteError::Storage(why)) => {
                tracing::error!("storage: {why}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "Penyimpanan sedang bermasalah; tidak ada yang tersimpan. Coba lagi. / \
                     Storage failed; nothing was saved. Please try again."
                        .to_string(),
                )
            }
            ApiError::Write(WriteError::Closed) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "Server sedang dimatikan; coba lagi sebentar lagi. / \
                 The server is shutting down; try again shortly."
                    .to_string(),
            ),
            ApiError::Other(status, code, message) => (status, code, message),
            ApiError::Later(seconds, code, message) => {
                let body = Json(ErrorBody {
                    error: ErrorDetail {
                        code: code.to_string(),
                        message,
                        window: None,
                    },
                });
                let after = [(axum::http::header::RETRY_AFTER, seconds.to_string())];
                return (StatusCode::TOO_MANY_REQUESTS, after, body).into_response();
            }
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message,
                window,
            },
        };
        (status, Json(body)).into_response()
    }
}
