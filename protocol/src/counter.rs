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
