//! The digital channel: sessions to book, bookings and their check-in.

use serde::{Deserialize, Serialize};

use crate::ServiceStandard;

/// A bookable session (or slot) of one day, with its seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    /// The local day (`2026-12-01`).
    pub date: String,
    /// Local start and end, `HH:MM` (`24:00` for midnight at the end of the day).
    pub start: String,
    pub end: String,
    /// Online seats.
    pub quota: u32,
    /// Seats not yet booked.
    pub left: u32,
    /// When its seats are released for booking.
    pub opens_at: String,
    /// It can be booked now: released, and its check-in not yet closed.
    pub open: bool,
    /// Walk-in tickets for the service are refused while it runs.
    #[serde(default)]
    pub online_only: bool,
    /// The check-in window at the kiosk or counter.
    pub check_in_from: String,
    pub check_in_until: String,
}

/// A service the public may book, as the booking page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookableService {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub agency: String,
    pub agency_name: String,
    pub agency_name_en: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<ServiceStandard>,
    /// How many days after today may be booked.
    pub days_ahead: u32,
    /// Sessions may be booked (the service has sessions).
    pub sessions: bool,
    /// The remote queue (antrian dari rumah) is offered for the service.
    pub remote: bool,
    /// Today's remote queue can be joined now.
    pub remote_open: bool,
}

/// `POST /api/v1/bookings`: a seat in a session, or (`remote`) a place in today's line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingRequest {
    pub service: String,
    /// The local day, `YYYY-MM-DD` (today for the remote queue; may be left out then).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: Option<String>,
    /// The session's start, `HH:MM`; none for the remote queue.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")
    )]
    pub start: Option<String>,
    /// Today's remote queue instead of a session.
    #[serde(default)]
    pub remote: bool,
    /// Nomor Induk Kependudukan: 16 digits (province 11–94, a birth day 1–31 or 41–71,
    /// a month 1–12, a serial not 0000). Kept only as a keyed hash and its last four.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^(1[1-9]|[2-8][0-9]|9[0-4])[0-9]{4}(0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])(0[1-9]|1[0-2])[0-9]{2}([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])$"
        )
    )]
    pub nik: String,
    /// 2 to 100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub name: String,
    /// WhatsApp or phone number (`08…`, `+62…`, `62…`).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(\\+62|62|0)[1-9][0-9]{7,11}$")
    )]
    pub phone: String,
}

/// `PATCH /api/v1/bookings/{code}`: move the booking to another session, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RescheduleRequest {
    pub date: String,
    pub start: String,
}

/// Where a booking is in its life: `booked → checked_in`, or `cancelled`, or `no_show`
/// when the check-in window closed without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Booked,
    CheckedIn,
    Cancelled,
    NoShow,
}

impl BookingStatus {
    pub const ALL: [BookingStatus; 4] = [
        BookingStatus::Booked,
        BookingStatus::CheckedIn,
        BookingStatus::Cancelled,
        BookingStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::CheckedIn => "checked_in",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::NoShow => "no_show",
        }
    }

    pub fn parse(s: &str) -> Option<BookingStatus> {
        BookingStatus::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// A booking as its holder (and the staff) see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    /// The booking code, `XXXX-XXXX`.
    pub code: String,
    /// The secret that sees, cancels or moves the booking: only in the answer that made
    /// it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manage_token: Option<String>,
    pub service: String,
    pub service_name: String,
    pub service_name_en: String,
    pub agency: String,
    pub date: String,
    /// The session; none for the remote queue.
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub remote: bool,
    pub status: BookingStatus,
    pub name: String,
    pub nik_last4: String,
    /// Masked: `0812****7890`.
    pub phone: String,
    pub booked_at: String,
    pub check_in_from: String,
    pub check_in_until: String,
    /// Cancel or move until then.
    pub change_until: String,
    /// Already moved once.
    #[serde(default)]
    pub rescheduled: bool,
    /// The ticket it became at check-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<BookingTicket>,
    /// Remote queue, before check-in: people in line ahead of its place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ahead: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingTicket {
    pub number: String,
    pub status: crate::TicketStatus,
    /// For the phone page `/t/{track_token}`: only to the booking's holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_token: Option<String>,
}

/// A booking as the event log keeps it: no name, no phone, no NIK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingRecord {
    pub code: String,
    pub service: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remote: bool,
    pub nik_last4: String,
    /// A move: the session it left (`2026-12-01 08:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<String>,
}

/// When a booking may be checked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInWindow {
    pub from: String,
    pub until: String,
}

/// One day's session in the manager's bookings report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingDayRow {
    pub date: String,
    pub service: String,
    /// Session start and end; `null` for the remote queue.
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    pub quota: u32,
    /// Bookings made for it, whatever became of them.
    pub booked: u32,
    pub checked_in: u32,
    pub no_show: u32,
    pub cancelled: u32,
    /// Still waiting for check-in.
    pub pending: u32,
    pub left: u32,
}

/// The manager's bookings report: per day and session, and the period's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingsReport {
    pub from: String,
    pub to: String,
    /// Sessions that were booked at least once, by day, service and start.
    pub rows: Vec<BookingDayRow>,
    pub booked: u32,
    pub checked_in: u32,
    pub no_show: u32,
    pub cancelled: u32,
}
