//! A ticket's data and the numbers printed on it.

use antre_protocol::{Priority, TicketStatus};
use jiff::Timestamp;
use jiff::civil::Date;

pub type TicketId = u64;

#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: TicketId,
    /// Local service day the number belongs to.
    pub day: Date,
    pub prefix: String,
    pub number: u32,
    pub service: String,
    pub priority: Option<Priority>,
    pub status: TicketStatus,
    /// Arrival: kept across transfers and reinstatement, so the ticket keeps its place.
    pub issued_at: Timestamp,
    /// The counter that has it, or last had it.
    pub counter: Option<String>,
    pub called_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub recalls: u32,
    pub transfers: u32,
    pub kiosk: Option<String>,
    pub track_token: String,
    pub idempotency_key: Option<String>,
    pub note: Option<String>,
    /// The visitor answered the SKM survey about this visit.
    pub surveyed: bool,
    /// The booking it was checked in from.
    pub booking: Option<String>,
    /// A booked ticket's place in line, when not its arrival (the policy's rule 7).
    pub line_at: Option<Timestamp>,
}

impl Ticket {
    /// Where it stands in its service's line: its arrival, or a booking's place.
    pub fn place(&self) -> Timestamp {
        self.line_at.unwrap_or(self.issued_at)
    }

    /// The printed and announced number: prefix plus at least three digits (`A007`).
    pub fn label(&self) -> String {
        format_number(&self.prefix, self.number)
    }
}

pub fn format_number(prefix: &str, number: u32) -> String {
    format!("{prefix}{number:03}")
}
