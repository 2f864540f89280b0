use serde::{Deserialize, Serialize};

/// The hall boards' running text: the body of `PUT /api/v1/running-text` and the
/// answer of `GET` and `PUT`. Empty: no running text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunningText {
    /// At most 500 characters (`text_too_long`).
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub text: String,
}
