use serde::{Deserialize, Serialize};

/// Whether a service takes new tickets right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QueueState {
    Open,
    /// Outside opening hours or past the last-ticket time.
    Closed,
    /// Today's quota is used up ("kuota hari ini habis").
    Full,
}

/// One service's queue, as the kiosk, boards and counters show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueInfo {
    pub service: String,
    pub state: QueueState,
    /// Tickets waiting (not yet called), priority ones included.
    pub waiting: u32,
    pub priority_waiting: u32,
    /// Estimated wait for a ticket taken now, in seconds.
    pub estimated_wait_s: u32,
    /// Arrival time of the ticket that has waited longest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_waiting_since: Option<String>,
    pub issued_today: u32,
    /// Tickets left in today's quota; absent when the service has no quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_left: Option<u32>,
    /// Counters open now that serve this service.
    pub counters_open: u32,
    /// When a closed service opens next (local time, `08:00`), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    /// The holiday it is closed for today ("Hari Raya Natal"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holiday: Option<String>,
}
