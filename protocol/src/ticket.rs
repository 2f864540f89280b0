use serde::{Deserialize, Serialize};

/// Priority categories of UU 25/2009 pasal 29: visitors who are served first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Elderly visitor (lanjut usia).
    Lansia,
    /// Visitor with a disability (penyandang disabilitas).
    Disabilitas,
    /// Pregnant woman (ibu hamil).
    IbuHamil,
    /// Child (anak).
    Anak,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Lansia,
        Priority::Disabilitas,
        Priority::IbuHamil,
        Priority::Anak,
    ];

    /// The wire name, as used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Lansia => "lansia",
            Priority::Disabilitas => "disabilitas",
            Priority::IbuHamil => "ibu_hamil",
            Priority::Anak => "anak",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Where a ticket is in its life.
///
/// `waiting → called → serving → done`, with the side roads `no_show` (reinstatable
/// within a grace period), `held` (parked at a counter and resumed later) and
/// `cancelled`. A transfer puts the ticket back to `waiting` in another service, keeping
/// its original arrival time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Waiting,
    Called,
    Serving,
    Held,
    Done,
    NoShow,
    Cancelled,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 7] = [
        TicketStatus::Waiting,
        TicketStatus::Called,
        TicketStatus::Serving,
        TicketStatus::Held,
        TicketStatus::Done,
        TicketStatus::NoShow,
        TicketStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Serving => "serving",
            TicketStatus::Held => "held",
            TicketStatus::Done => "done",
            TicketStatus::NoShow => "no_show",
            TicketStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Whether the ticket still takes part in today's queue.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            TicketStatus::Waiting
                | TicketStatus::Called
                | TicketStatus::Serving
                | TicketStatus::Held
        )
    }
}

/// A ticket as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: u64,
    /// Prefix plus at least three digits, e.g. `A001`; unique within its service day.
    pub number: String,
    /// Code of the service the ticket waits for now (changes on transfer).
    pub service: String,
    pub status: TicketStatus,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// People ahead in its service while waiting (0: next); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    /// Estimated seconds until called, while waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_wait_s: Option<u32>,
    /// Secret for the phone page `/t/{track_token}`; only given to the ticket's holder
    /// (the issue answer and the track answer), never on the shared stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_token: Option<String>,
    /// Arrival time; kept across transfers, so it is also the ticket's place in line.
    pub issued_at: String,
    /// The local service day the number belongs to (`2026-11-23`).
    pub day: String,
    /// The counter that has it (called, serving, held) or last had it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// How often it was called again after the first call.
    #[serde(default)]
    pub recalls: u32,
    /// How often it was sent on to another service.
    #[serde(default)]
    pub transfers: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk: Option<String>,
    /// The officer's note from the last transfer or hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The booking it was checked in from (`XXXX-XXXX`): printed and shown as booked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<String>,
    /// A booked ticket's place in line, when not its arrival: its session's start, or
    /// when its place in the remote queue was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_at: Option<String>,
}
