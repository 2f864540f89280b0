//! What the engine is asked to do, and what it answers.

use std::sync::Arc;

use antre_protocol::{CounterAction, EventDetail, EventKind, Priority, SurveyRecord};

use super::site::Site;
use super::ticket::TicketId;

/// A request to change the queue.
#[derive(Debug, Clone)]
pub enum Command {
    Issue(Issue),
    Counter {
        counter: String,
        by: Actor,
        command: CounterCommand,
    },
    /// Put a no-show ticket back in line (within the grace period).
    Reinstate {
        ticket: TicketId,
        by: String,
    },
    /// Set the hall boards' running text (empty: none).
    SetRunningText {
        text: String,
        by: String,
    },
    /// Withdraw a waiting, held or no-show ticket.
    Cancel {
        ticket: TicketId,
        reason: Option<String>,
        by: Option<String>,
    },
    /// Replace the site's description (agencies, services, counters …) while the
    /// server runs; refused when the change would strand tickets (see
    /// `Engine::replace_site`).
    ReplaceSite {
        site: Arc<Site>,
        by: Option<String>,
        /// The version the change was made against (`If-Match`); refused when the site
        /// has changed since. The new site gets the next version.
        expected_version: Option<u64>,
    },
    /// A log-in, refused log-in or log-out, for the log.
    Session(super::SessionEvent),
    /// A visitor's SKM answers about the finished ticket holding `track_token`.
    Answer {
        track_token: String,
        survey: SurveyRecord,
    },
    /// A seat in a session, or a place in today's remote queue.
    Book(super::Book),
    /// By its holder (`by` none), within the cut-off, or by staff.
    CancelBooking {
        code: String,
        by: Option<String>,
    },
    /// Move a booking to another session, once.
    Reschedule {
        code: String,
        date: jiff::civil::Date,
        start_min: u16,
    },
    /// A booking's holder is here: at a kiosk, or at a counter (`by` the officer).
    CheckIn {
        code: String,
        kiosk: Option<String>,
        by: Option<String>,
        /// Random, made by the caller, for the ticket it becomes.
        track_token: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub service: String,
    pub priority: Option<Priority>,
    pub kiosk: Option<String>,
    /// Scoped by the caller (per kiosk or client), so two kiosks never collide.
    pub idempotency_key: Option<String>,
    /// Random, made by the caller: the engine has no randomness of its own.
    pub track_token: String,
}

/// Who gives a counter command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    /// Admins and supervisors may act on any counter, whoever opened it.
    pub any_counter: bool,
}

/// A counter action with what it needs.
#[derive(Debug, Clone, PartialEq)]
pub enum CounterCommand {
    /// Open the counter; `take_over` takes it from the officer who has it open.
    Open {
        take_over: bool,
    },
    Close,
    Pause,
    /// Back from a break, or (with a ticket) take back a ticket held here.
    Resume {
        ticket: Option<TicketId>,
    },
    CallNext,
    /// Call a particular waiting ticket, out of turn when the policy would pick another.
    Call {
        ticket: TicketId,
        reason: String,
    },
    Recall,
    Start,
    Complete,
    NoShow,
    Transfer {
        service: String,
        note: Option<String>,
    },
    Hold {
        note: Option<String>,
    },
    /// Put the active ticket back in line at its place.
    Requeue,
}

impl CounterCommand {
    /// Its name on the wire.
    pub fn action(&self) -> CounterAction {
        match self {
            CounterCommand::Open { .. } => CounterAction::Open,
            CounterCommand::Close => CounterAction::Close,
            CounterCommand::Pause => CounterAction::Pause,
            CounterCommand::Resume { .. } => CounterAction::Resume,
            CounterCommand::CallNext => CounterAction::CallNext,
            CounterCommand::Call { .. } => CounterAction::Call,
            CounterCommand::Recall => CounterAction::Recall,
            CounterCommand::Start => CounterAction::Start,
            CounterCommand::Complete => CounterAction::Complete,
            CounterCommand::NoShow => CounterAction::NoShow,
            CounterCommand::Transfer { .. } => CounterAction::Transfer,
            CounterCommand::Hold { .. } => CounterAction::Hold,
            CounterCommand::Requeue => CounterAction::Requeue,
        }
    }
}

/// One change the engine made; the writer stores it as one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: EventKind,
    pub ticket: Option<TicketId>,
    pub counter: Option<String>,
    pub detail: EventDetail,
}

impl Change {
    /// A change of a ticket, at a counter or not.
    pub fn ticket(kind: EventKind, id: TicketId, counter: Option<&str>) -> Change {
        Change {
            kind,
            ticket: Some(id),
            counter: counter.map(str::to_string),
            detail: EventDetail::default(),
        }
    }

    /// A change of a counter's state, by a user (empty: nobody in particular).
    pub fn counter(kind: EventKind, code: &str, by: &str) -> Change {
        Change {
            kind,
            ticket: None,
            counter: Some(code.to_string()),
            detail: EventDetail {
                by: (!by.is_empty()).then(|| by.to_string()),
                ..EventDetail::default()
            },
        }
    }

    pub fn with(mut self, detail: EventDetail) -> Change {
        self.detail = detail;
        self
    }
}

/// What a command did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub changes: Vec<Change>,
    pub affected: Affected,
}

/// What a command concerned: the caller is answered with its state after the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affected {
    Ticket(TicketId),
    Counter(String),
    /// A booking, by its code.
    Booking(String),
    /// Call-next with nobody waiting, or a command about no ticket or counter.
    Nothing,
}

/// What every handler of the engine returns; its changes go to the `changes` it is
/// given, and a refusal leaves the engine as it was.
pub type Handled = Result<Affected, super::DomainError>;
