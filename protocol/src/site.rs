use serde::{Deserialize, Serialize};

/// The static description of the MPP: what `GET /api/v1/site` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    pub code: String,
    pub name: String,
    /// IANA time zone of the site (`Asia/Jakarta`, `Asia/Makassar`, `Asia/Jayapura`).
    pub timezone: String,
    pub agencies: Vec<Agency>,
    pub services: Vec<ServiceInfo>,
    pub counters: Vec<CounterInfo>,
    pub zones: Vec<Zone>,
    pub kiosks: Vec<KioskInfo>,
    pub boards: Vec<BoardInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    pub code: String,
    /// Short name people use ("Dukcapil").
    pub short: String,
    /// Full name in Bahasa Indonesia.
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceInfo {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// Ticket number prefix (letters), e.g. `A`.
    pub prefix: String,
    pub agency: String,
    /// Words people type when looking for it ("ktp", "paspor").
    #[serde(default)]
    pub keywords: Vec<String>,
    pub target_wait_s: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_quota: Option<u32>,
    /// Opening hours, local time (`08:00-15:00`).
    pub hours: String,
    /// Days it opens (`mon` … `sun`).
    pub days: Vec<String>,
    /// Last time a ticket is given out, local (`14:30`); absent: until closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ticket: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterInfo {
    pub code: String,
    pub name: String,
    /// How announcements say it ("loket tiga").
    pub spoken_name: String,
    pub zone: String,
    pub agency: String,
    pub services: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Zone {
    pub code: String,
    /// Where it is, as signs write it ("Lantai 2 — Zona B").
    pub name: String,
    /// How the hall says where it is ("lantai dua"): announced after a call to one of
    /// its counters by the boards of other zones. Absent: the place is not said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spoken_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskInfo {
    pub code: String,
    pub name: String,
    pub zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardInfo {
    pub code: String,
    pub name: String,
    /// The zone it shows; absent: the whole MPP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}
