//! Wire types shared by the Antre server and its clients.
//!
//! Everything here is plain data with serde derives: the JSON that crosses the network
//! between the server, the kiosk, hall boards, counter clients and phones. The server
//! builds these from its engine; clients only ever read and send them.
//!
//! Timestamps are RFC 3339 strings carrying the site's UTC offset
//! (`2026-11-23T08:05:12+08:00`), so a client can show local time without a time-zone
//! database of its own.

mod board;
mod booking;
mod counter;
mod error;
mod event;
mod kiosk;
mod queue;
mod report;
mod request;
mod site;
mod survey;
mod ticket;
mod user;
mod whole;

pub use board::RunningText;
pub use booking::{
    BookableService, Booking, BookingDayRow, BookingRecord, BookingRequest, BookingStatus,
    BookingTicket, BookingsReport, CheckInWindow, RescheduleRequest, Slot,
};
pub use counter::{CounterAction, CounterStatus, CounterView};
pub use error::{ErrorBody, ErrorDetail};
pub use event::{
    Announcement, Event, EventDetail, EventKind, ItemChange, Place, Snapshot, SnapshotTag,
    StreamMessage, SurveyRecord,
};
pub use kiosk::{
    BoardStatus, JobState, KioskStatus, KioskStatusAnswer, KioskStatusReport, PrintJob,
    PrintJobStatus, PrinterState, PrinterStatus, ReprintRequest, TestPrint,
};
pub use queue::{QueueInfo, QueueState};
pub use report::{
    AuditPage, ChainStatus, Durations, Heatmap, Journey, OfficerRow, Officers, PublicIkm,
    PublicSkm, Recap, RecapRow, Respondent, Respondents, SkmReport, Summary, SummaryRow,
    UnsurScore, VisitDay, WeeklyVisits,
};
pub use request::{
    CallRequest, CancelRequest, HoldRequest, IssueRequest, LoginRequest, LoginResponse,
    OpenRequest, PasswordChange, ResumeRequest, TransferRequest,
};
pub use site::{
    Agency, BoardInfo, CounterInfo, Holiday, KioskInfo, ServiceInfo, ServiceStandard, SiteInfo,
    Zone,
};
pub use survey::{SurveyAccepted, SurveyProfile, SurveyRequest, UNSUR, UNSUR_COUNT, Unsur};
pub use ticket::{Priority, Ticket, TicketStatus};
pub use user::Role;

/// Path prefix of every versioned API route.
pub const API_PREFIX: &str = "/api/v1";
