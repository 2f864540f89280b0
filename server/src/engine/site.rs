//! The MPP as the engine knows it: agencies, services, counters, zones, devices.
//!
//! Built and validated from the TOML site config (see `crate::config`). A `Site` never
//! changes; the engine's site is replaced whole (`Command::ReplaceSite`).

use std::collections::HashMap;
use std::sync::Arc;

use antre_protocol as wire;

use super::Hours;
use super::schedule::BookingRules;
use jiff::tz::TimeZone;

#[derive(Debug, Clone)]
pub struct Site {
    pub code: String,
    pub name: String,
    /// IANA name, e.g. `Asia/Makassar`.
    pub timezone_name: String,
    pub timezone: TimeZone,
    pub agencies: Vec<wire::Agency>,
    pub services: Vec<Service>,
    pub counters: Vec<Counter>,
    pub zones: Vec<wire::Zone>,
    pub kiosks: Vec<wire::KioskInfo>,
    pub boards: Vec<wire::BoardInfo>,
    /// At most this many priority tickets are called in a row at one counter while
    /// normal tickets wait for it; then one normal ticket goes first.
    pub priority_streak_max: u32,
    /// How long after a no-show the ticket may still be reinstated, in seconds.
    pub no_show_grace_s: i64,
    /// The boards' running text until a supervisor sets one (`[site] running_text`).
    pub running_text: Option<String>,
    /// Calls are said in English too, after the Indonesian (`[site] announce_english`).
    pub announce_english: bool,
    /// The server's address as visitors' phones reach it, for the QR code on tickets
    /// (`[site] public_url`, without a trailing `/`).
    pub public_url: Option<String>,
    /// A line printed at the bottom of every ticket (`[site] ticket_footer`).
    pub ticket_footer: Option<String>,
    /// Counts the changes made to the site since it was first configured; an edit made
    /// against an older version is refused (`site_change`).
    pub version: u64,
    /// Users as the audit trail shows them (no secrets).
    pub users: Vec<SiteUser>,
    /// Fingerprints of the devices' token hashes by `kiosk:K1` / `board:B1`, so a
    /// rotated token shows in the audit trail.
    pub device_tokens: HashMap<String, String>,
    /// Days the MPP or some services are closed, in date order.
    pub holidays: Vec<wire::Holiday>,
    /// When booked visitors are told things (`[notify]`).
    pub notices: Notices,
    /// The messages' channels and texts (`[notify]`): the writer's and the sender's,
    /// never the engine's.
    pub notify: Arc<crate::notify::NotifyConfig>,
    /// The configuration this site was made from, as the writer stores it with the
    /// change. The engine never reads it.
    pub source: Option<Arc<ConfigSource>>,
    service_index: HashMap<String, usize>,
    counter_index: HashMap<String, usize>,
    service_zones: HashMap<String, Vec<String>>,
}

/// A user as the site's description shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SiteUser {
    pub username: String,
    pub role: wire::Role,
    pub counters: Vec<String>,
    pub disabled: bool,
    /// A fingerprint of the password hash: shows that it changed, nothing more.
    pub password: String,
}

/// The stored form of the configuration a site was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    /// The configuration as JSON, secrets (hashes) included.
    pub json: String,
    /// The fingerprint of the configuration file it was imported from, if it was.
    pub from_file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub prefix: String,
    pub agency: String,
    pub keywords: Vec<String>,
    /// The wait the MPP aims for; call-next weighs waits against it.
    pub target_wait_s: u32,
    /// Starting guess of the time at the counter per visitor, before real ones are seen.
    pub avg_service_s: u32,
    pub daily_quota: Option<u32>,
    pub hours: Hours,
    pub standard: Option<wire::ServiceStandard>,
    /// Its booking rules, when it may be booked (`[services.booking]`).
    pub booking: Option<Arc<BookingRules>>,
}

/// When the engine tells booked visitors things (the messages themselves are the
/// notifier's). Zero: never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notices {
    /// Say "your turn is near" when this many are ahead of a checked-in booking.
    pub ahead: u32,
    /// Remind the holder this long before the session.
    pub reminder_min: u32,
}

impl Default for Notices {
    fn default() -> Notices {
        Notices {
            ahead: 3,
            reminder_min: 60,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Counter {
    pub code: String,
    pub name: String,
    pub spoken_name: String,
    pub zone: String,
    pub agency: String,
    pub services: Vec<String>,
}

impl Site {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        code: String,
        name: String,
        timezone_name: String,
        timezone: TimeZone,
        agencies: Vec<wire::Agency>,
        services: Vec<Service>,
        counters: Vec<Counter>,
        zones: Vec<wire::Zone>,
        kiosks: Vec<wire::KioskInfo>,
        boards: Vec<wire::BoardInfo>,
        priority_streak_max: u32,
        no_show_grace_s: i64,
    ) -> Site {
        let service_index = services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), i))
            .collect();
        let counter_index = counters
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        let mut service_zones: HashMap<String, Vec<String>> = HashMap::new();
        for counter in &counters {
            for service in &counter.services {
                let zones = service_zones.entry(service.clone()).or_default();
                if !zones.contains(&counter.zone) {
                    zones.push(counter.zone.clone());
                }
            }
        }
        Site {
            code,
            name,
            timezone_name,
            timezone,
            agencies,
            services,
            counters,
            zones,
            kiosks,
            boards,
            priority_streak_max,
            no_show_grace_s,
            running_text: None,
            announce_english: false,
            public_url: None,
            ticket_footer: None,
            version: 0,
            holidays: Vec::new(),
            notices: Notices::default(),
            notify: Arc::default(),
            users: Vec::new(),
            device_tokens: HashMap::new(),
            source: None,
            service_index,
            counter_index,
            service_zones,
        }
    }

    /// The holiday that closes a service on a local day, if one does.
    pub fn holiday(&self, day: jiff::civil::Date, service: &str) -> Option<&wire::Holiday> {
        let day = day.to_string();
        self.holidays.iter().find(|h| {
            h.date == day && (h.services.is_empty() || h.services.iter().any(|s| s == service))
        })
    }

    /// The fingerprint of a device's token hash (`kind` is `kiosk` or `board`).
    pub fn device_token(&self, kind: &str, code: &str) -> Option<&str> {
        self.device_tokens
            .get(&format!("{kind}:{code}"))
            .map(String::as_str)
    }

    pub fn service(&self, code: &str) -> Option<&Service> {
        self.service_index.get(code).map(|&i| &self.services[i])
    }

    pub fn counter(&self, code: &str) -> Option<&Counter> {
        self.counter_index.get(code).map(|&i| &self.counters[i])
    }

    /// Zones whose counters serve this service.
    pub fn service_zones(&self, service: &str) -> &[String] {
        self.service_zones.get(service).map_or(&[], Vec::as_slice)
    }

    /// Where a service is served, by the names of its counters' zones ("Lantai 2 —
    /// Zona B"), for the ticket and the kiosk screen.
    pub fn places(&self, service: &str) -> Vec<String> {
        self.service_zones(service)
            .iter()
            .filter_map(|code| self.zones.iter().find(|z| &z.code == code))
            .map(|z| z.name.clone())
            .collect()
    }

    pub fn info(&self) -> wire::SiteInfo {
        wire::SiteInfo {
            code: self.code.clone(),
            name: self.name.clone(),
            timezone: self.timezone_name.clone(),
            agencies: self.agencies.clone(),
            services: self
                .services
                .iter()
                .map(|s| wire::ServiceInfo {
                    code: s.code.clone(),
                    name: s.name.clone(),
                    name_en: s.name_en.clone(),
                    prefix: s.prefix.clone(),
                    agency: s.agency.clone(),
                    keywords: s.keywords.clone(),
                    target_wait_s: s.target_wait_s,
                    daily_quota: s.daily_quota,
                    hours: s.hours.range(),
                    days: s.hours.day_names(),
                    hours_by_day: s.hours.other_days().into_iter().collect(),
                    last_ticket: s.hours.last_ticket_min.map(Hours::format_min),
                    standard: s.standard.clone(),
                })
                .collect(),
            counters: self
                .counters
                .iter()
                .map(|c| wire::CounterInfo {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    spoken_name: c.spoken_name.clone(),
                    zone: c.zone.clone(),
                    agency: c.agency.clone(),
                    services: c.services.clone(),
                })
                .collect(),
            zones: self.zones.clone(),
            kiosks: self.kiosks.clone(),
            holidays: self.holidays.clone(),
            boards: self.boards.clone(),
        }
    }
}
