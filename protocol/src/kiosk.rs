use serde::{Deserialize, Serialize};

use crate::Ticket;

/// What a kiosk's printer is doing, worst condition first: the one state a manager or
/// the kiosk screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    /// Ready to print.
    Ok,
    /// Prints, but the roll is nearly empty: change it soon.
    PaperNearEnd,
    /// Out of paper (kertas habis): tickets wait until a roll is put in.
    PaperEnd,
    /// The cover is open.
    CoverOpen,
    /// Cannot be reached, or reports itself offline (unplugged, switched off, error).
    Offline,
    /// No answer to the status query, or an answer that makes no sense; printing is
    /// still attempted.
    #[default]
    Unknown,
}

impl PrinterState {
    /// Whether a ticket may be sent now: an unknown state is tried (many cheap printers
    /// do not answer status queries), the others that stop printing are waited out.
    pub fn can_print(self) -> bool {
        matches!(
            self,
            PrinterState::Ok | PrinterState::PaperNearEnd | PrinterState::Unknown
        )
    }
}

/// The printer's health as read with DLE EOT (real-time status) or from the driver.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrinterStatus {
    pub state: PrinterState,
    /// The printer's URL with its settings (`serial:///dev/ttyUSB0?baud=9600`).
    #[serde(default)]
    pub printer: String,
    /// Why it is offline or unknown, for the technician (driver error text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Where one ticket's printout is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting its turn, or waiting for the printer to recover.
    Queued,
    /// Printed (the bytes reached the printer).
    Printed,
    /// The last attempt failed; it is tried again when the printer recovers.
    Retrying,
    /// Not printed on purpose (the ticket was no longer waiting when it came up).
    Skipped,
}

/// One ticket's print job, as a kiosk reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrintJobStatus {
    #[serde(deserialize_with = "crate::whole::id")]
    pub ticket: u64,
    pub number: String,
    pub state: JobState,
    /// Attempts made so far.
    #[serde(default)]
    pub attempts: u32,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A reprint asked for from the kiosk screen or by staff.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reprint: bool,
}

/// `POST /api/v1/kiosks/{code}/status`: a kiosk agent's report, sent when something
/// changes and as a heartbeat.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KioskStatusReport {
    pub printer: PrinterStatus,
    /// Unfinished jobs and the latest finished ones, oldest first.
    #[serde(default)]
    pub jobs: Vec<PrintJobStatus>,
    /// Jobs not printed yet.
    #[serde(default)]
    pub queued: u32,
    /// The last event `seq` whose tickets are all handled.
    #[serde(default, deserialize_with = "crate::whole::id")]
    pub handled_seq: u64,
    /// Program and version of the reporter (`antre-kiosk 0.1.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

/// The answer to a status report: work the server has for the kiosk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskStatusAnswer {
    /// Tickets (ids) to print again.
    #[serde(default)]
    pub reprint: Vec<u64>,
    /// A manager asked for a test slip (from the device page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_print: Option<TestPrint>,
}

/// A test slip: what it says, so a technician sees the printer prints, cuts, and
/// belongs to this kiosk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestPrint {
    pub site_name: String,
    pub kiosk: String,
    pub kiosk_name: String,
    /// When it was asked for, local time.
    pub at: String,
}

/// A kiosk and its printer, as `GET /api/v1/kiosks` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskStatus {
    pub code: String,
    pub name: String,
    pub zone: String,
    /// Whether its printer reported recently (within the heartbeat allowance).
    pub connected: bool,
    /// `agent` (the `antre-kiosk` program) or `server` (a printer the server drives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driven_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<String>,
    /// Absent when no printer ever reported for this kiosk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<PrinterStatus>,
    #[serde(default)]
    pub jobs: Vec<PrintJobStatus>,
    #[serde(default)]
    pub queued: u32,
    /// How far its printer has followed the event log (see
    /// [`KioskStatusReport::handled_seq`]).
    #[serde(default)]
    pub handled_seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

/// `POST /api/v1/kiosks/{code}/reprint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReprintRequest {
    #[serde(deserialize_with = "crate::whole::id")]
    pub ticket: u64,
    /// The ticket's own track token: how the kiosk page without its device token proves
    /// the ticket is the one it just gave out. Staff and the kiosk's device token need
    /// none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_token: Option<String>,
}

/// `GET /api/v1/kiosks/{code}/tickets/{id}`: everything a printed ticket shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrintJob {
    /// The MPP's name, the ticket's heading.
    pub site_name: String,
    /// The ticket with its `track_token` (the kiosk hands it to its holder on paper).
    pub ticket: Ticket,
    pub service_name: String,
    pub service_name_en: String,
    /// The agency's short name ("Dukcapil") and full name.
    pub agency_short: String,
    pub agency_name: String,
    /// Base URL phones reach the server at (`[site] public_url`); absent: the agent
    /// uses the address it reaches the server at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// The line printed at the bottom (`[site] ticket_footer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// Where the service is served: the names of the zones of its counters
    /// ("Lantai 2 — Zona B"); empty when no counter serves it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
    /// The first documents to bring (persyaratan), for the ticket's short list; the
    /// phone page has them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// A hall board as `GET /api/v1/boards` shows it: whether a screen shows it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardStatus {
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Screens (pages or agents) following the stream as this board now.
    pub screens: u32,
    /// When a screen of it last connected or went away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}
