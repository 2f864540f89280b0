use serde::{Deserialize, Serialize};

use crate::Ticket;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CounterStatus {
    Closed,
    Open,
    /// On a break (istirahat): open, but calls nobody.
    Paused,
}

impl CounterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CounterStatus::Closed => "closed",
            CounterStatus::Open => "open",
            CounterStatus::Paused => "paused",
        }
    }

    pub fn parse(s: &str) -> Option<CounterStatus> {
        [
            CounterStatus::Closed,
            CounterStatus::Open,
            CounterStatus::Paused,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// What an officer does at a counter: the last segment of
/// `POST /api/v1/counters/{code}/{action}`. The one list of counter actions: the server's
/// route, the OpenAPI document and the clients all take it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CounterAction {
    Open,
    Close,
    /// Call the next visitor as the call-next policy picks (completing the current one).
    CallNext,
    /// Call a particular ticket (`CallRequest`); out of turn it needs a reason.
    Call,
    Recall,
    Start,
    Complete,
    NoShow,
    /// Send the active ticket to another service (`TransferRequest`), keeping its place.
    Transfer,
    /// Park the active ticket here (`HoldRequest`, optional).
    Hold,
    /// Put the active ticket back in line at its place (the officer leaves the counter
    /// with a visitor called who has not been served).
    Requeue,
    /// Start a break.
    Pause,
    /// End the break, or with a ticket (`ResumeRequest`) take back a held one.
    Resume,
}

impl CounterAction {
    pub const ALL: [CounterAction; 13] = [
        CounterAction::Open,
        CounterAction::Close,
        CounterAction::CallNext,
        CounterAction::Call,
        CounterAction::Recall,
        CounterAction::Start,
        CounterAction::Complete,
        CounterAction::NoShow,
        CounterAction::Transfer,
        CounterAction::Hold,
        CounterAction::Requeue,
        CounterAction::Pause,
        CounterAction::Resume,
    ];

    /// The path segment (`call-next`).
    pub fn as_str(self) -> &'static str {
        match self {
            CounterAction::Open => "open",
            CounterAction::Close => "close",
            CounterAction::CallNext => "call-next",
            CounterAction::Call => "call",
            CounterAction::Recall => "recall",
            CounterAction::Start => "start",
            CounterAction::Complete => "complete",
            CounterAction::NoShow => "no-show",
            CounterAction::Transfer => "transfer",
            CounterAction::Hold => "hold",
            CounterAction::Requeue => "requeue",
            CounterAction::Pause => "pause",
            CounterAction::Resume => "resume",
        }
    }

    pub fn parse(s: &str) -> Option<CounterAction> {
        CounterAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// A counter's live state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterView {
    pub code: String,
    pub status: CounterStatus,
    /// Username of the officer who opened it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// The ticket being called or served here, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// Tickets parked here, to be resumed later.
    #[serde(default)]
    pub held: Vec<Ticket>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_action_names_round_trip() {
        for action in CounterAction::ALL {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
            assert_eq!(CounterAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(CounterAction::parse("call_next"), None);
    }
}
