use serde::{Deserialize, Serialize};

/// Body of every error answer: `{"error": {"code": "quota_full", "message": "…"}}`.
///
/// `code` is stable and meant for programs; `message` is for people, in Bahasa Indonesia
/// with English beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// `check_in_closed`: when the booking may be checked in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<crate::CheckInWindow>,
}
