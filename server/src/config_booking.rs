//! A service's `[services.booking]` section: its sessions and the rules of booking them
//! (docs/booking.md), checked strictly and turned into the engine's
//! [`BookingRules`](crate::engine::schedule::BookingRules).

use anyhow::{Context, ensure};
use serde::{Deserialize, Serialize};

use crate::config::{day_index, parse_minute};
use crate::engine::Hours;
use crate::engine::schedule::{BookingRules, Session};

/// The longest a booking may be made ahead: the engine keeps every booking of the days
/// ahead in memory, and a quota opened months early only invites hoarding.
const DAYS_AHEAD_MAX: u32 = 60;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingConfig {
    #[serde(default = "default_days_ahead")]
    pub days_ahead: u32,
    /// Local time a day's seats are released, `07:00`.
    #[serde(default = "default_release")]
    pub release: String,
    /// Days before the booked day the seats are released (default: `days_ahead`).
    #[serde(default)]
    pub release_days_before: Option<u32>,
    #[serde(default = "default_check_in_before")]
    pub check_in_before_min: u32,
    #[serde(default = "default_check_in_after")]
    pub check_in_after_min: u32,
    #[serde(default = "default_change_until")]
    pub change_until_min: u32,
    /// Places in today's remote queue (antrian dari rumah) a day; 0: none.
    #[serde(default)]
    pub remote_quota: u32,
    #[serde(default = "default_remote_hold")]
    pub remote_hold_min: u32,
    #[serde(default)]
    pub sessions: Vec<SessionConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionConfig {
    /// Weekdays (`mon` … `sun`); default: every day the service is open.
    #[serde(default)]
    pub days: Option<Vec<String>>,
    pub start: String,
    pub end: String,
    /// Online seats per session (per slot with `slot_min`).
    pub quota: u32,
    /// Cut the session into slots of this many minutes, each with `quota` seats.
    #[serde(default)]
    pub slot_min: Option<u16>,
    /// Walk-in tickets are refused while it runs.
    #[serde(default)]
    pub online_only: bool,
}

fn default_days_ahead() -> u32 {
    7
}
fn default_release() -> String {
    "07:00".into()
}
fn default_check_in_before() -> u32 {
    30
}
fn default_check_in_after() -> u32 {
    15
}
fn default_change_until() -> u32 {
    60
}
fn default_remote_hold() -> u32 {
    120
}

impl BookingConfig {
    /// The engine's rules; `hours` (the service's week) gives sessions without `days`
    /// their days. Every problem names the session it is in.
    pub fn rules(&self, hours: &Hours) -> anyhow::Result<BookingRules> {
        ensure!(
            self.days_ahead <= DAYS_AHEAD_MAX,
            "days_ahead {} is more than {DAYS_AHEAD_MAX}",
            self.days_ahead
        );
        ensure!(
            !self.sessions.is_empty() || self.remote_quota > 0,
            "booking needs sessions, or a remote_quota for the remote queue"
        );
        ensure!(
            self.remote_quota == 0 || self.remote_hold_min > 0,
            "remote_hold_min must be more than 0"
        );
        let release_min = parse_minute(&self.release).context("release")?;
        ensure!(release_min < 1440, "release must be a time of day");
        let mut week: [Vec<Session>; 7] = Default::default();
        for (i, s) in self.sessions.iter().enumerate() {
            let at = || format!("session {} ({}-{})", i + 1, s.start, s.end);
            let start = parse_minute(&s.start).with_context(at)?;
            let end = parse_minute(&s.end).with_context(at)?;
            ensure!(start < end, "{}: it must start before it ends", at());
            ensure!(s.quota > 0, "{}: quota must be more than 0", at());
            let step = s.slot_min.unwrap_or(end - start);
            ensure!(
                step > 0 && (end - start) % step == 0,
                "{}: slot_min must divide the session into whole slots",
                at()
            );
            let days: Vec<usize> = match &s.days {
                Some(days) => days
                    .iter()
                    .map(|d| day_index(d))
                    .collect::<anyhow::Result<_>>()
                    .with_context(at)?,
                None => (0..7).filter(|&d| !hours.week[d].is_empty()).collect(),
            };
            for day in days {
                let mut slot = start;
                while slot < end {
                    week[day].push(Session {
                        start_min: slot,
                        end_min: slot + step,
                        quota: s.quota,
                        online_only: s.online_only,
                    });
                    slot += step;
                }
            }
        }
        for (day, sessions) in week.iter_mut().enumerate() {
            sessions.sort_by_key(|s| s.start_min);
            for pair in sessions.windows(2) {
                ensure!(
                    pair[0].end_min <= pair[1].start_min,
                    "sessions overlap on {} at {}",
                    crate::engine::DAY_NAMES[day],
                    crate::engine::schedule::hh_mm(pair[1].start_min)
                );
            }
        }
        Ok(BookingRules {
            days_ahead: self.days_ahead,
            release_min,
            release_days_before: self.release_days_before.unwrap_or(self.days_ahead),
            check_in_before_min: self.check_in_before_min,
            check_in_after_min: self.check_in_after_min,
            change_until_min: self.change_until_min,
            remote_quota: self.remote_quota,
            remote_hold_min: self.remote_hold_min,
            week,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml_text: &str) -> BookingConfig {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn slots_cut_a_session_and_days_default_to_the_open_ones() {
        let mut hours = Hours::always();
        hours.week[6].clear();
        let rules = config(
            r#"
            [[sessions]]
            start = "08:00"
            end = "10:00"
            quota = 4
            slot_min = 30
            "#,
        )
        .rules(&hours)
        .unwrap();
        assert_eq!(rules.week[0].len(), 4);
        assert_eq!(rules.week[0][1].start_min, 8 * 60 + 30);
        assert!(rules.week[6].is_empty());
        assert_eq!(rules.release_days_before, 7);
    }

    #[test]
    fn broken_sessions_are_named() {
        let err = |text: &str| format!("{:#}", config(text).rules(&Hours::always()).unwrap_err());
        assert!(
            err("[[sessions]]\nstart = \"10:00\"\nend = \"09:00\"\nquota = 1")
                .contains("session 1")
        );
        assert!(
            err("[[sessions]]\nstart = \"08:00\"\nend = \"09:00\"\nquota = 1\nslot_min = 25")
                .contains("slot_min")
        );
        assert!(
            err("[[sessions]]\nstart = \"08:00\"\nend = \"10:00\"\nquota = 1\n[[sessions]]\nstart = \"09:00\"\nend = \"11:00\"\nquota = 1")
                .contains("overlap")
        );
        assert!(err("days_ahead = 3").contains("remote_quota"));
        assert!(
            err("[[sessions]]\nstart = \"08:00\"\nend = \"09:00\"\nquota = 1\ndays = [\"monday\"]")
                .contains("unknown day")
        );
    }
}
