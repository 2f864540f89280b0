use serde::{Deserialize, Serialize};

use crate::{Priority, Role};

/// `POST /api/v1/tickets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    pub service: String,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The kiosk it was taken at; a kiosk presenting its device token is taken at its own.
    #[serde(default)]
    pub kiosk: Option<String>,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    pub expires_at: String,
    pub username: String,
    pub role: Role,
    /// Counters this user may open (every counter for admins and supervisors; a
    /// supervisor of one agency, its counters).
    pub counters: Vec<String>,
    /// The user must choose a new password (`POST /api/v1/auth/password`) before
    /// anything else: an admin gave this one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_change_password: bool,
    /// The agency a supervisor's work is limited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

/// `POST /api/v1/auth/password`: a user chooses their own new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    /// 10 to 128 characters, other than the current one.
    pub new: String,
}

/// `POST /api/v1/counters/{code}/open` (body optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    /// Take the counter over from the officer who has it open (an officer assigned to
    /// it, at the change of shift); without it, such an open is refused with
    /// `counter_in_use` naming that officer.
    #[serde(default)]
    pub take_over: bool,
}

/// `POST /api/v1/counters/{code}/call`: call a particular ticket out of turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CallRequest {
    #[serde(deserialize_with = "crate::whole::id")]
    pub ticket: u64,
    /// Why the queue's order is broken; required, and reported.
    pub reason: String,
}

/// `POST /api/v1/counters/{code}/transfer`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub service: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/counters/{code}/hold` (body optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HoldRequest {
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/counters/{code}/resume` (body optional): without `ticket` the counter
/// comes back from its break; with `ticket` a ticket held here becomes active again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResumeRequest {
    #[serde(default, deserialize_with = "crate::whole::optional_id")]
    pub ticket: Option<u64>,
}

/// `POST /api/v1/tickets/{id}/cancel` (body optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    #[serde(default)]
    pub reason: Option<String>,
}
