//! The site config: one TOML file describing the MPP (see `docs/configuration.md`).
//!
//! Parsing is strict (unknown keys are errors, so a typo never silently changes
//! behaviour) and validation reports every broken reference by name.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use antre_protocol as wire;
use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};

use crate::engine::{ConfigSource, Counter, Hours, Service, Site, SiteUser};
use antre_protocol::Role;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub site: SiteSection,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub zones: Vec<ZoneConfig>,
    #[serde(default)]
    pub agencies: Vec<AgencyConfig>,
    #[serde(default)]
    pub services: Vec<ServiceConfig>,
    #[serde(default)]
    pub counters: Vec<CounterConfig>,
    #[serde(default)]
    pub kiosks: Vec<DeviceConfig>,
    #[serde(default)]
    pub boards: Vec<BoardConfig>,
    #[serde(default)]
    pub users: Vec<UserConfig>,
    /// Days the MPP or some of its services are closed (`[[holidays]]`).
    #[serde(default)]
    pub holidays: Vec<wire::Holiday>,
    /// Messages to booked visitors and where they go (`[notify]`, docs/booking.md).
    #[serde(default)]
    pub notify: crate::notify::NotifyConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSection {
    pub code: String,
    pub name: String,
    pub timezone: String,
    /// Default opening hours of services, local time.
    #[serde(default = "default_hours")]
    pub hours: String,
    /// Default opening days of services.
    #[serde(default = "default_days")]
    pub days: Vec<String>,
    /// Days whose hours differ from `hours` (`fri = "08:00-11:30,13:30-16:00"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours_by_day: BTreeMap<String, String>,
    #[serde(default = "default_streak")]
    pub priority_streak_max: u32,
    #[serde(default = "default_grace")]
    pub no_show_grace_min: u32,
    /// The server's address as visitors' phones reach it (`http://192.168.1.10:8080`),
    /// for the QR code on tickets; absent: the address the kiosk uses.
    #[serde(default)]
    pub public_url: Option<String>,
    /// A line printed at the bottom of every ticket.
    #[serde(default)]
    pub ticket_footer: Option<String>,
    /// What the hall boards' running text says until a supervisor sets one.
    #[serde(default)]
    pub running_text: Option<String>,
    /// Say every call in English too, after the Indonesian.
    #[serde(default)]
    pub announce_english: bool,
}

fn default_hours() -> String {
    "08:00-16:00".into()
}
fn default_days() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .map(String::from)
        .to_vec()
}
/// Three priority calls in a row, then one normal: priority visitors still wait far
/// less, and a normal line is never stuck behind a stream of priority arrivals.
fn default_streak() -> u32 {
    3
}
/// Half an hour: long enough to come back from the toilet or the photocopy shop.
fn default_grace() -> u32 {
    30
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Tickets one client address may take per minute without a device token.
    #[serde(default = "default_rate")]
    pub tickets_per_minute_per_client: u32,
    /// Connections open at once; more wait until one closes.
    #[serde(default = "default_connections")]
    pub max_connections: usize,
    /// Password and device-token checks (Argon2, about 19 MiB each) run at once: the
    /// memory they may take is this many times 19 MiB, whatever the request rate.
    #[serde(default = "default_checks_at_once")]
    pub password_checks_at_once: usize,
    /// Checks that may wait for one of those; beyond, callers are told to retry (429).
    #[serde(default = "default_checks_waiting")]
    pub password_checks_waiting: usize,
    /// Seconds a request's headers may take, and an idle kept-alive connection may
    /// last.
    #[serde(default = "default_header_timeout")]
    pub header_timeout_s: u64,
    /// Seconds a request's body may take once its headers have come.
    #[serde(default = "default_body_timeout")]
    pub body_timeout_s: u64,
}

/// Twenty seconds. Headers are a few hundred bytes that any client, even a phone on weak
/// 3G, sends in well under a second; an idle connection costs a descriptor and memory,
/// while a browser reopens one in a round trip.
fn default_header_timeout() -> u64 {
    20
}

/// Ten seconds. A body is at most 16 KiB, a fraction of a second even over weak 3G; a
/// client that declares a body and then sends nothing holds a connection and, until
/// this ends it, keeps the server from stopping.
fn default_body_timeout() -> u64 {
    10
}

/// Two: a check takes tens of milliseconds, so two threads serve a hundred log-ins a
/// second, far above a shift change, while a flood can take at most 38 MiB.
fn default_checks_at_once() -> usize {
    2
}

/// A shift change of thirty officers logging in within a second fits; a flood beyond
/// waits no longer than a second before being told to retry.
fn default_checks_waiting() -> usize {
    32
}

/// Phones following their tickets, pages on counters, boards and kiosks of a large MPP
/// come to about a thousand; twice that leaves room, and stays well within the
/// descriptors a service gets (docs/operations.md sets `LimitNOFILE`).
fn default_connections() -> usize {
    2048
}

/// Six a minute: a family taking tickets for several services at once fits, a script
/// emptying the day's quota does not.
fn default_rate() -> u32 {
    6
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            tickets_per_minute_per_client: default_rate(),
            max_connections: default_connections(),
            password_checks_at_once: default_checks_at_once(),
            password_checks_waiting: default_checks_waiting(),
            header_timeout_s: default_header_timeout(),
            body_timeout_s: default_body_timeout(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneConfig {
    pub code: String,
    pub name: String,
    /// How the hall says where it is ("lantai dua"); boards of other zones say it after
    /// a call to one of its counters.
    #[serde(default)]
    pub spoken_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyConfig {
    pub code: String,
    pub short: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub code: String,
    pub agency: String,
    pub prefix: String,
    pub name: String,
    pub name_en: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub target_wait_min: u32,
    pub avg_service_min: u32,
    #[serde(default)]
    pub daily_quota: Option<u32>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub days: Option<Vec<String>>,
    /// Days whose hours differ from the service's `hours`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hours_by_day: BTreeMap<String, String>,
    #[serde(default)]
    pub last_ticket: Option<String>,
    /// What a citizen must know before queuing (`[services.standard]`).
    #[serde(default)]
    pub standard: Option<wire::ServiceStandard>,
    /// Sessions the public may book, and the rules (`[services.booking]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<crate::config_booking::BookingConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterConfig {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub spoken_name: Option<String>,
    pub zone: String,
    pub agency: String,
    pub services: Vec<String>,
}

/// A kiosk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceConfig {
    pub code: String,
    pub name: String,
    pub zone: String,
    /// Argon2 hash of the device token (`antre hash-password`).
    #[serde(default)]
    pub token_hash: Option<String>,
    /// A printer the server drives itself for this kiosk (`file:///…`, `tcp://…`,
    /// `serial:///…`; see docs/deployment.md), instead of an `antre-kiosk` agent.
    #[serde(default)]
    pub printer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardConfig {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub token_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    pub role: Role,
    /// Argon2 hash of the password (`antre hash-password`).
    pub password_hash: String,
    /// Counters an officer may open; admins and supervisors may open any.
    #[serde(default)]
    pub counters: Vec<String>,
    /// A disabled user cannot log in, and their tokens stop working at once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// A supervisor of one agency: its counters and its tickets only (none: the whole
    /// MPP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Set when an admin gives the password: the user must choose their own at the
    /// next log-in before doing anything else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_change_password: bool,
}

impl SiteConfig {
    pub fn from_toml(text: &str) -> anyhow::Result<SiteConfig> {
        let config: SiteConfig = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// The configuration as a TOML file, secrets (hashes) included.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("the configuration is TOML-shaped")
    }

    /// The configuration as stored in the database.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain data")
    }

    pub fn from_json(text: &str) -> anyhow::Result<SiteConfig> {
        let config: SiteConfig = serde_json::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// SHA-256 of the stored form: equal for equal configurations, however their files
    /// are laid out.
    pub fn fingerprint(&self) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(self.to_json().as_bytes()))
    }

    pub fn load(path: &Path) -> anyhow::Result<SiteConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read site config {}", path.display()))?;
        SiteConfig::from_toml(&text)
            .with_context(|| format!("invalid site config {}", path.display()))
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        time_zone(&self.site.timezone)?;
        let problems = self.notify.problems();
        ensure!(problems.is_empty(), "notify: {}", problems.join("; "));
        if let Some(url) = &self.site.public_url {
            ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "public_url {url:?} must start with http:// or https://"
            );
        }
        let zones = unique("zone", self.zones.iter().map(|z| z.code.as_str()))?;
        let agencies = unique("agency", self.agencies.iter().map(|a| a.code.as_str()))?;
        let services = unique("service", self.services.iter().map(|s| s.code.as_str()))?;
        unique("counter", self.counters.iter().map(|c| c.code.as_str()))?;
        unique("kiosk", self.kiosks.iter().map(|k| k.code.as_str()))?;
        unique("board", self.boards.iter().map(|b| b.code.as_str()))?;
        unique("user", self.users.iter().map(|u| u.username.as_str()))?;
        // Numbering is per prefix and quotas count numbers, so each service owns its prefix.
        unique(
            "ticket prefix",
            self.services.iter().map(|s| s.prefix.as_str()),
        )?;
        let counters: HashSet<&str> = self.counters.iter().map(|c| c.code.as_str()).collect();
        for code in zones.iter().chain(&agencies).chain(&services) {
            ensure!(
                valid_code(code),
                "code {code:?} may hold only A-Z, 0-9, '-' and '_'"
            );
        }
        for s in &self.services {
            ensure!(
                agencies.contains(s.agency.as_str()),
                "service {}: unknown agency {}",
                s.code,
                s.agency
            );
            ensure!(
                (1..=3).contains(&s.prefix.len())
                    && s.prefix.chars().all(|c| c.is_ascii_uppercase()),
                "service {}: prefix {:?} must be 1 to 3 capital letters",
                s.code,
                s.prefix
            );
            ensure!(
                s.target_wait_min > 0,
                "service {}: target_wait_min must be above 0",
                s.code
            );
        }
        for c in &self.counters {
            ensure!(
                valid_code(&c.code),
                "counter code {:?} may hold only A-Z, 0-9, '-' and '_'",
                c.code
            );
            ensure!(
                zones.contains(c.zone.as_str()),
                "counter {}: unknown zone {}",
                c.code,
                c.zone
            );
            ensure!(
                agencies.contains(c.agency.as_str()),
                "counter {}: unknown agency {}",
                c.code,
                c.agency
            );
            for s in &c.services {
                ensure!(
                    services.contains(s.as_str()),
                    "counter {}: unknown service {s}",
                    c.code
                );
            }
        }
        for k in &self.kiosks {
            ensure!(
                zones.contains(k.zone.as_str()),
                "kiosk {}: unknown zone {}",
                k.code,
                k.zone
            );
            if let Some(hash) = &k.token_hash {
                hashed(&format!("kiosk {}: token_hash", k.code), hash)?;
            }
            if let Some(printer) = &k.printer {
                antre_kiosk::PrinterUrl::parse(printer)
                    .with_context(|| format!("kiosk {}", k.code))?;
            }
        }
        for b in &self.boards {
            if let Some(zone) = &b.zone {
                ensure!(
                    zones.contains(zone.as_str()),
                    "board {}: unknown zone {zone}",
                    b.code
                );
            }
            if let Some(hash) = &b.token_hash {
                hashed(&format!("board {}: token_hash", b.code), hash)?;
            }
        }
        unique("holiday", self.holidays.iter().map(|h| h.date.as_str()))?;
        for h in &self.holidays {
            ensure!(
                h.date.parse::<jiff::civil::Date>().is_ok() && h.date.len() == 10,
                "holiday {:?}: the date must look like 2026-12-25",
                h.date
            );
            ensure!(
                !h.name.trim().is_empty(),
                "holiday {}: a name is needed",
                h.date
            );
            for s in &h.services {
                ensure!(
                    services.contains(s.as_str()),
                    "holiday {}: unknown service {s}",
                    h.date
                );
            }
        }
        for u in &self.users {
            ensure!(
                !u.username.is_empty()
                    && u.username.len() <= 64
                    && u.username
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
                "user {:?}: a username is 1 to 64 of a-z, 0-9, '.', '_' and '-'",
                u.username
            );
            hashed(
                &format!("user {}: password_hash", u.username),
                &u.password_hash,
            )?;
            for c in &u.counters {
                ensure!(
                    counters.contains(c.as_str()),
                    "user {}: unknown counter {c}",
                    u.username
                );
            }
            if let Some(agency) = &u.agency {
                ensure!(
                    agencies.contains(agency.as_str()),
                    "user {}: unknown agency {agency}",
                    u.username
                );
                ensure!(
                    u.role == Role::Supervisor,
                    "user {}: only a supervisor has an agency of their own",
                    u.username
                );
            }
        }
        Ok(())
    }

    /// The engine's view of the site, as first configured.
    pub fn site(&self) -> anyhow::Result<Arc<Site>> {
        self.site_at(0, None)
    }

    /// The engine's view of the site at a stored version of the configuration, which
    /// may have been imported from a file (its fingerprint).
    pub fn site_at(&self, version: u64, from_file: Option<String>) -> anyhow::Result<Arc<Site>> {
        let timezone = time_zone(&self.site.timezone)?;
        let services = self
            .services
            .iter()
            .map(|s| {
                // A service with a schedule of its own sets its whole week; otherwise it
                // keeps the site's.
                let own = s.hours.is_some() || s.days.is_some() || !s.hours_by_day.is_empty();
                let hours = if own {
                    parse_hours(
                        s.hours.as_ref().unwrap_or(&self.site.hours),
                        s.days.as_ref().unwrap_or(&self.site.days),
                        &s.hours_by_day,
                        s.last_ticket.as_deref(),
                    )
                } else {
                    parse_hours(
                        &self.site.hours,
                        &self.site.days,
                        &self.site.hours_by_day,
                        s.last_ticket.as_deref(),
                    )
                }
                .with_context(|| format!("service {}", s.code))?;
                let booking = s
                    .booking
                    .as_ref()
                    .map(|b| b.rules(&hours).map(Arc::new))
                    .transpose()
                    .with_context(|| format!("service {}: booking", s.code))?;
                Ok(Service {
                    code: s.code.clone(),
                    name: s.name.clone(),
                    name_en: s.name_en.clone(),
                    prefix: s.prefix.clone(),
                    agency: s.agency.clone(),
                    keywords: s.keywords.clone(),
                    target_wait_s: s.target_wait_min * 60,
                    avg_service_s: s.avg_service_min.max(1) * 60,
                    daily_quota: s.daily_quota,
                    hours,
                    standard: s.standard.clone(),
                    booking,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let counters = self
            .counters
            .iter()
            .map(|c| Counter {
                code: c.code.clone(),
                name: c.name.clone(),
                spoken_name: c
                    .spoken_name
                    .clone()
                    .unwrap_or_else(|| c.name.to_lowercase()),
                zone: c.zone.clone(),
                agency: c.agency.clone(),
                services: c.services.clone(),
            })
            .collect();
        let mut site = Site::new(
            self.site.code.clone(),
            self.site.name.clone(),
            self.site.timezone.clone(),
            timezone,
            self.agencies
                .iter()
                .map(|a| wire::Agency {
                    code: a.code.clone(),
                    short: a.short.clone(),
                    name: a.name.clone(),
                    name_en: a.name_en.clone(),
                })
                .collect(),
            services,
            counters,
            self.zones
                .iter()
                .map(|z| wire::Zone {
                    code: z.code.clone(),
                    name: z.name.clone(),
                    spoken_name: z.spoken_name.clone(),
                })
                .collect(),
            self.kiosks
                .iter()
                .map(|k| wire::KioskInfo {
                    code: k.code.clone(),
                    name: k.name.clone(),
                    zone: k.zone.clone(),
                })
                .collect(),
            self.boards
                .iter()
                .map(|b| wire::BoardInfo {
                    code: b.code.clone(),
                    name: b.name.clone(),
                    zone: b.zone.clone(),
                })
                .collect(),
            self.site.priority_streak_max,
            i64::from(self.site.no_show_grace_min) * 60,
        );
        site.running_text = self.site.running_text.clone();
        site.announce_english = self.site.announce_english;
        site.public_url = self
            .site
            .public_url
            .as_ref()
            .map(|u| u.trim_end_matches('/').to_string());
        site.ticket_footer = self.site.ticket_footer.clone();
        let mut holidays = self.holidays.clone();
        holidays.sort_by(|a, b| a.date.cmp(&b.date));
        site.holidays = holidays;
        site.notices = crate::engine::Notices {
            ahead: self.notify.ahead,
            reminder_min: self.notify.reminder_min,
        };
        site.notify = Arc::new(self.notify.clone());
        site.users = self
            .users
            .iter()
            .map(|u| SiteUser {
                username: u.username.clone(),
                role: u.role,
                counters: u.counters.clone(),
                disabled: u.disabled,
                password: short_fingerprint(&u.password_hash),
            })
            .collect();
        let kiosks = self
            .kiosks
            .iter()
            .map(|k| ("kiosk", &k.code, &k.token_hash));
        let boards = self
            .boards
            .iter()
            .map(|b| ("board", &b.code, &b.token_hash));
        site.device_tokens = kiosks
            .chain(boards)
            .filter_map(|(kind, code, hash)| {
                Some((format!("{kind}:{code}"), short_fingerprint(hash.as_ref()?)))
            })
            .collect();
        site.version = version;
        site.source = Some(Arc::new(ConfigSource {
            json: self.to_json(),
            from_file,
        }));
        Ok(Arc::new(site))
    }
}

/// The IANA zone of the site. Indonesians name their zones WIB, WITA and WIT, so those
/// (and an offset such as `UTC+8`) get the name to write instead.
fn time_zone(name: &str) -> anyhow::Result<jiff::tz::TimeZone> {
    if let Ok(zone) = jiff::tz::db().get(name) {
        return Ok(zone);
    }
    let upper = name.trim().to_ascii_uppercase().replace(' ', "");
    let hint = match upper.as_str() {
        "WIB" | "UTC+7" | "GMT+7" | "+07:00" => Some("Asia/Jakarta"),
        "WITA" | "UTC+8" | "GMT+8" | "+08:00" => Some("Asia/Makassar"),
        "WIT" | "UTC+9" | "GMT+9" | "+09:00" => Some("Asia/Jayapura"),
        _ => None,
    };
    match hint {
        Some(zone) => bail!(
            "timezone {name:?} is not a time zone name: write timezone = \"{zone}\" ({name} is \
             {zone}); numbering restarts at local midnight there"
        ),
        None => bail!(
            "unknown time zone {name:?}: use an IANA name such as \"Asia/Jakarta\" (WIB), \
             \"Asia/Makassar\" (WITA) or \"Asia/Jayapura\" (WIT)"
        ),
    }
}

/// A password or token hash as `antre hash-password` makes it. A plain password here
/// would never match, and would sit readable in the file.
fn hashed(what: &str, hash: &str) -> anyhow::Result<()> {
    ensure!(
        hash.starts_with("$argon2") && argon2::password_hash::PasswordHash::new(hash).is_ok(),
        "{what} is not an Argon2 hash (a plain password?): make one with \
         `antre hash-password` and put only the hash in the config"
    );
    Ok(())
}

/// What the audit trail shows of a secret's hash: that it changed, nothing more.
fn short_fingerprint(hash: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(hash.as_bytes())[..6])
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn unique<'a>(
    what: &str,
    codes: impl Iterator<Item = &'a str>,
) -> anyhow::Result<HashSet<&'a str>> {
    let mut seen = HashSet::new();
    for code in codes {
        if !seen.insert(code) {
            bail!("{what} {code:?} appears twice");
        }
    }
    Ok(seen)
}

/// `08:00-16:00` or ranges `08:00-12:00,13:00-16:00` (closing may be `24:00`), day
/// names `mon` … `sun`, days whose ranges differ (an empty string: closed that day),
/// and an optional last-ticket time `14:30`.
pub fn parse_hours(
    ranges: &str,
    days: &[String],
    by_day: &BTreeMap<String, String>,
    last_ticket: Option<&str>,
) -> anyhow::Result<Hours> {
    let usual = parse_ranges(ranges)?;
    let mut week: [Vec<(u16, u16)>; 7] = Default::default();
    for name in days {
        week[day_index(name)?] = usual.clone();
    }
    for (name, ranges) in by_day {
        week[day_index(name)?] =
            parse_ranges(ranges).with_context(|| format!("hours_by_day.{name}"))?;
    }
    Ok(Hours {
        week,
        last_ticket_min: last_ticket.map(parse_minute).transpose()?,
    })
}

pub(crate) fn day_index(name: &str) -> anyhow::Result<usize> {
    crate::engine::DAY_NAMES
        .iter()
        .position(|d| *d == name)
        .with_context(|| format!("unknown day {name:?} (use mon, tue, wed, thu, fri, sat, sun)"))
}

/// Ranges in order, each opening before it closes and after the one before it ends.
fn parse_ranges(text: &str) -> anyhow::Result<Vec<(u16, u16)>> {
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    for range in text.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        let (open, close) = range
            .split_once('-')
            .with_context(|| format!("hours {range:?} must look like 08:00-16:00"))?;
        let (open, close) = (parse_minute(open)?, parse_minute(close)?);
        ensure!(
            open < close,
            "hours {range:?}: opening must come before closing"
        );
        if let Some(&(_, end)) = ranges.last() {
            ensure!(
                open >= end,
                "hours {text:?}: ranges must be in order and not overlap"
            );
        }
        ranges.push((open, close));
    }
    Ok(ranges)
}

pub(crate) fn parse_minute(text: &str) -> anyhow::Result<u16> {
    let text = text.trim();
    let (h, m) = text
        .split_once(':')
        .with_context(|| format!("time {text:?} must look like 08:00"))?;
    let (h, m): (u16, u16) = (
        h.parse().with_context(|| format!("time {text:?}"))?,
        m.parse().with_context(|| format!("time {text:?}"))?,
    );
    ensure!(
        m < 60 && (h < 24 || (h == 24 && m == 0)),
        "time {text:?} is not a time of day"
    );
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_accept_the_end_of_the_day() {
        let h = parse_hours("00:00-24:00", &default_days(), &BTreeMap::new(), None).unwrap();
        assert_eq!(h.week[0], [(0, 1440)]);
        assert!(h.week[5].is_empty() && h.week[6].is_empty());
    }

    #[test]
    fn hours_have_breaks_and_days_of_their_own() {
        let by_day = BTreeMap::from([
            ("fri".to_string(), "08:00-11:30,13:30-16:00".to_string()),
            ("sat".to_string(), "08:00-12:00".to_string()),
            ("wed".to_string(), String::new()),
        ]);
        let h = parse_hours("08:00-12:00,13:00-16:00", &default_days(), &by_day, None).unwrap();
        assert_eq!(h.week[0], [(480, 720), (780, 960)]);
        assert_eq!(h.week[4], [(480, 690), (810, 960)]);
        assert_eq!(h.week[5], [(480, 720)]);
        assert!(h.week[2].is_empty(), "an empty day is closed");
    }

    #[test]
    fn bad_hours_are_refused() {
        let none = BTreeMap::new();
        assert!(parse_hours("16:00-08:00", &default_days(), &none, None).is_err());
        assert!(parse_hours("8-16", &default_days(), &none, None).is_err());
        assert!(parse_hours("08:00-24:30", &default_days(), &none, None).is_err());
        assert!(parse_hours("08:00-16:00", &["monday".into()], &none, None).is_err());
        assert!(parse_hours("08:00-12:00,11:00-16:00", &default_days(), &none, None).is_err());
        let typo = BTreeMap::from([("jumat".to_string(), "08:00-11:00".to_string())]);
        assert!(parse_hours("08:00-16:00", &default_days(), &typo, None).is_err());
    }

    #[test]
    fn the_demo_site_is_valid() {
        let config = SiteConfig::from_toml(crate::demo::SITE_TOML).unwrap();
        let site = config.site().unwrap();
        assert!(site.agencies.len() >= 8);
        assert!(site.services.len() >= 40);
        assert!(site.counters.len() >= 20);
        assert!(site.zones.len() >= 2);
        assert!(site.services.iter().any(|s| s.daily_quota.is_none()));
        assert!(site.services.iter().all(|s| s.hours == Hours::always()));
    }

    #[test]
    fn a_time_zone_abbreviation_gets_the_name_to_write() {
        let text = crate::demo::SITE_TOML.replace("\"Asia/Makassar\"", "\"WITA\"");
        let err = SiteConfig::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("Asia/Makassar"), "{err}");
        assert!(err.contains("WITA"), "{err}");
        let text = crate::demo::SITE_TOML.replace("\"Asia/Makassar\"", "\"Asia/Makasar\"");
        let err = SiteConfig::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("Asia/Jakarta"), "{err}");
    }

    #[test]
    fn a_plain_password_where_a_hash_belongs_says_to_hash_it() {
        let text = format!(
            "{}\n[[users]]\nusername = \"siti\"\nrole = \"officer\"\npassword_hash = \"rahasia123\"\n",
            crate::demo::SITE_TOML
        );
        let err = SiteConfig::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("user siti: password_hash"), "{err}");
        assert!(err.contains("antre hash-password"), "{err}");
        let text = crate::demo::SITE_TOML.replacen(
            "code = \"K1\"",
            "code = \"K1\"\ntoken_hash = \"token-kios-1\"",
            1,
        );
        let err = SiteConfig::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("kiosk K1: token_hash"), "{err}");
        assert!(err.contains("antre hash-password"), "{err}");
    }

    #[test]
    fn broken_references_are_named() {
        let text = crate::demo::SITE_TOML.replacen("zone = \"A\"", "zone = \"NOPE\"", 1);
        let err = SiteConfig::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("NOPE"), "{err}");
        let typo = format!("{}\n[site2]\nx = 1\n", crate::demo::SITE_TOML);
        assert!(SiteConfig::from_toml(&typo).is_err());
    }
}
