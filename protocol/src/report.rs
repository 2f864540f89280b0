//! Reports: what the manager owes the ministry (docs/reports.md defines each figure).

use serde::{Deserialize, Serialize};

use crate::Event;

/// Times of a set of visits, in whole seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Durations {
    /// How many times were measured.
    pub count: u64,
    pub mean_s: Option<f64>,
    pub median_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub max_s: Option<u64>,
}

/// One group of `GET /api/v1/reports/summary` (or the whole period, `total`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryRow {
    /// The group: a service, agency or counter code, an officer's username, `walk_in`
    /// or a priority category, an hour `08`, an ISO weekday `1` (Monday) … `7`, or a
    /// day `2026-11-23`; empty for the total, `-` for visits without one (a ticket
    /// never called has no counter).
    pub key: String,
    /// The group's name for people (Indonesian).
    pub label: String,
    pub issued: u64,
    /// Issued without a priority category, not from a booking.
    pub walk_in: u64,
    /// Issued with a priority category.
    pub priority: u64,
    /// Checked in from a booking (or the remote queue).
    #[serde(default)]
    pub booked: u64,
    pub served: u64,
    pub no_show: u64,
    pub transferred_in: u64,
    pub transferred_out: u64,
    pub cancelled: u64,
    /// From entering the service's line to the first call.
    pub wait: Durations,
    /// From the call to done (or to a transfer onwards).
    pub service: Durations,
    /// Calls that came within the service's target wait.
    pub within_target: u64,
    /// `within_target` over the calls measured (`wait.count`), 0–1.
    pub within_target_share: Option<f64>,
}

/// `GET /api/v1/reports/summary`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub from: String,
    pub to: String,
    pub group: String,
    /// The agency the figures are limited to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    pub rows: Vec<SummaryRow>,
    pub total: SummaryRow,
}

/// `GET /api/v1/reports/heatmap`: tickets issued per ISO weekday (1–7) and local hour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heatmap {
    pub from: String,
    pub to: String,
    /// `cells[weekday - 1][hour]`.
    pub cells: Vec<Vec<u64>>,
    pub max: u64,
}

/// One officer of `GET /api/v1/reports/officers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficerRow {
    pub officer: String,
    pub served: u64,
    /// Time with a counter open (paused time included), in seconds.
    pub open_s: u64,
    pub paused_s: u64,
    /// Served per hour of open, unpaused time.
    pub served_per_hour: Option<f64>,
    pub service: Durations,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Officers {
    pub from: String,
    pub to: String,
    pub rows: Vec<OfficerRow>,
}

/// One row of the recap: an agency's service, served per day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecapRow {
    pub agency: String,
    pub agency_name: String,
    pub service: String,
    pub service_name: String,
    /// Visitors served on each day of `Recap::days`.
    pub days: Vec<u64>,
    pub total: u64,
}

/// `GET /api/v1/reports/recap?month=YYYY-MM`: the "Rekap Layanan" layout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recap {
    pub month: String,
    pub days: Vec<String>,
    pub rows: Vec<RecapRow>,
    /// Per day, all services.
    pub totals: Vec<u64>,
    pub total: u64,
}

/// One day of the weekly visits report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitDay {
    pub day: String,
    /// Visitors: tickets issued that day.
    pub visitors: u64,
    pub served: u64,
}

/// `GET /api/v1/reports/weekly?week=YYYY-MM-DD` (any day of the ISO week, Monday–Sunday).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyVisits {
    /// ISO week, `2026-W48`.
    pub week: String,
    pub days: Vec<VisitDay>,
    pub visitors: u64,
    pub served: u64,
    /// The day with the most and the fewest visitors.
    pub busiest: Option<String>,
    pub quietest: Option<String>,
}

/// One unsur's figure in an SKM report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsurScore {
    pub code: String,
    pub name: String,
    /// Nilai rata-rata (1–4): total of its scores ÷ respondents.
    pub nrr: f64,
    /// NRR × 1/9.
    pub weighted: f64,
    /// The NRR on the 25–100 scale, two decimals.
    pub converted: f64,
}

/// `GET /api/v1/reports/skm`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkmReport {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    pub respondents: u64,
    /// NRR per unsur, U1…U9 (empty without respondents).
    pub nrr: Vec<f64>,
    pub unsur: Vec<UnsurScore>,
    /// IKM on the 25–100 scale, two decimals; absent without respondents.
    pub ikm: Option<f64>,
    /// `A`, `B`, `C` or `D`.
    pub mutu: Option<String>,
    /// Sangat Baik, Baik, Kurang Baik, Tidak Baik.
    pub kinerja: Option<String>,
    /// The unsur with the lowest NRR (`U4`).
    pub weakest: Option<String>,
    /// Visitors served in the period and scope: the survey's population.
    pub population: u64,
    /// Krejcie & Morgan's sample for that population (95 %, ±5 %).
    pub min_sample: u64,
    /// Fewer respondents than `min_sample`.
    pub too_few: bool,
}

/// One agency's (or the whole MPP's) published IKM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicIkm {
    /// Empty for the whole MPP.
    pub agency: String,
    pub name: String,
    pub respondents: u64,
    pub ikm: Option<f64>,
    pub mutu: Option<String>,
    pub kinerja: Option<String>,
}

/// `GET /api/v1/skm`: the public page's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicSkm {
    pub site_name: String,
    pub from: String,
    pub to: String,
    pub mpp: PublicIkm,
    pub agencies: Vec<PublicIkm>,
}

/// One respondent of `GET /api/v1/reports/skm/respondents`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Respondent {
    /// 1, 2, … in the order answered.
    pub no: u64,
    pub day: String,
    pub agency: String,
    pub service: String,
    pub answers: Vec<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Respondents {
    pub from: String,
    pub to: String,
    pub rows: Vec<Respondent>,
}

/// `GET /api/v1/audit`: events newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub events: Vec<Event>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<u64>,
}

/// `GET /api/v1/audit/chain`: whether the hash chain holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainStatus {
    pub intact: bool,
    /// The last event checked (every event up to it holds).
    pub verified_seq: u64,
    pub head_seq: u64,
    /// What broke, and where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
}

/// `GET /api/v1/audit/journey?number=A001&day=YYYY-MM-DD`: one ticket's whole story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Journey {
    pub ticket: crate::Ticket,
    pub events: Vec<Event>,
}
