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
    /// Days the MPP or some of its services are closed (national holidays, cuti
    /// bersama, local closures), in date order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Holiday>,
}

/// A day the MPP, or some of its services, is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// `2026-12-25`.
    pub date: String,
    /// "Hari Raya Natal", "Cuti Bersama Idulfitri", "Penutupan lokal".
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// The services closed; none: the whole MPP.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
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
    /// Opening hours of its usual day, local time (`08:00-12:00,13:00-16:00`).
    pub hours: String,
    /// Days it opens (`mon` … `sun`).
    pub days: Vec<String>,
    /// Open days whose hours differ from `hours` (`fri`: `08:00-11:30,13:30-16:00`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub hours_by_day: std::collections::BTreeMap<String, String>,
    /// Last time a ticket is given out, local (`14:30`); absent: until closing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ticket: Option<String>,
    /// What a citizen must know before queuing (standar pelayanan); absent when the
    /// site has not written it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<ServiceStandard>,
}

/// A service's standard (standar pelayanan), as the MPP publishes it: the documents to
/// bring (persyaratan), the procedure, how long it takes, what it costs and what the
/// citizen gets, each in Bahasa Indonesia with English beside.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceStandard {
    /// Persyaratan: one document or condition per entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements_en: Vec<String>,
    /// Prosedur: how the service goes, in a few sentences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_en: Option<String>,
    /// Jangka waktu penyelesaian ("1 hari kerja").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_en: Option<String>,
    /// Biaya/tarif ("Gratis").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_en: Option<String>,
    /// Produk layanan ("KTP-el").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_en: Option<String>,
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
