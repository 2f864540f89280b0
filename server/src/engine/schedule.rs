//! A service's booking calendar: which sessions a day has, when their seats are
//! released, and when a booking may be checked in, moved or cancelled. Pure arithmetic
//! on local times; the engine keeps the bookings themselves (`booking`).
//!
//! Rules:
//!
//! 1. A day may be booked from today up to `days_ahead` days after it, unless it is a
//!    holiday closing the service or the service has no sessions that weekday.
//! 2. A day's seats are released at `release` local time, `release_days_before` days
//!    before the day; before that, booking it is refused (`not_open_yet`).
//! 3. A session takes bookings until its check-in closes; a booking of it may be checked
//!    in from `check_in_before_min` before its start until `check_in_after_min` after.
//! 4. A booking may be cancelled or moved (once) until `change_until_min` before its
//!    session starts.
//! 5. The remote queue takes today's bookings while the service issues tickets; each
//!    must be checked in within `remote_hold_min` of being made.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// A service's booking rules, from its `[services.booking]` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRules {
    pub days_ahead: u32,
    /// Local minute of the day the seats are released.
    pub release_min: u16,
    pub release_days_before: u32,
    pub check_in_before_min: u32,
    pub check_in_after_min: u32,
    pub change_until_min: u32,
    /// Remote-queue bookings a day (0: no remote queue).
    pub remote_quota: u32,
    pub remote_hold_min: u32,
    /// Sessions per weekday, Monday first, in order of start, already cut into slots.
    pub week: [Vec<Session>; 7],
}

/// One bookable session (or slot) of a weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// Minutes of the day; `end_min` may be 1440 (midnight at the day's end).
    pub start_min: u16,
    pub end_min: u16,
    pub quota: u32,
    pub online_only: bool,
}

/// When a booking may be checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: Timestamp,
    pub until: Timestamp,
}

impl Window {
    pub fn contains(&self, at: Timestamp) -> bool {
        self.from <= at && at < self.until
    }
}

impl BookingRules {
    /// The sessions of a local day (rule 1's weekday part; holidays are the site's).
    pub fn sessions(&self, date: Date) -> &[Session] {
        &self.week[date.weekday().to_monday_zero_offset() as usize]
    }

    /// The session of `date` starting at `start_min`.
    pub fn session(&self, date: Date, start_min: u16) -> Option<Session> {
        self.sessions(date)
            .iter()
            .find(|s| s.start_min == start_min)
            .copied()
    }

    /// Whether `date` is within the days that may be booked from `today` (rule 1).
    pub fn within_reach(&self, today: Date, date: Date) -> bool {
        date >= today && date <= today.saturating_add(i64::from(self.days_ahead).days())
    }

    /// When the seats of `date` are released (rule 2).
    pub fn opens_at(&self, date: Date, tz: &TimeZone) -> Timestamp {
        let day = date.saturating_sub(i64::from(self.release_days_before).days());
        at_minute(day, self.release_min, tz)
    }

    /// The check-in window of a session (rule 3).
    pub fn window(&self, date: Date, session: &Session, tz: &TimeZone) -> Window {
        let start = at_minute(date, session.start_min, tz);
        Window {
            from: start - minutes(self.check_in_before_min),
            until: start + minutes(self.check_in_after_min),
        }
    }

    /// Until when a booking of the session may be cancelled or moved (rule 4).
    pub fn change_until(&self, date: Date, session: &Session, tz: &TimeZone) -> Timestamp {
        at_minute(date, session.start_min, tz) - minutes(self.change_until_min)
    }

    /// A remote-queue booking's window: from when it is made (rule 5).
    pub fn remote_window(&self, booked_at: Timestamp) -> Window {
        Window {
            from: booked_at,
            until: booked_at + minutes(self.remote_hold_min),
        }
    }

    /// Walk-ins are refused now: an online-only session of the day is running.
    pub fn online_only_at(&self, date: Date, minute: u16) -> bool {
        self.sessions(date)
            .iter()
            .any(|s| s.online_only && (s.start_min..s.end_min).contains(&minute))
    }
}

/// The instant a local minute of a day falls on (minute 1440: the next midnight). A
/// minute skipped by a clock change is taken after the gap.
pub fn at_minute(date: Date, minute: u16, tz: &TimeZone) -> Timestamp {
    let midnight = date
        .to_datetime(Time::midnight())
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    midnight + SignedDuration::from_mins(i64::from(minute))
}

/// `HH:MM` for a minute of the day (`24:00` at its end).
pub fn hh_mm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn minutes(n: u32) -> SignedDuration {
    SignedDuration::from_mins(i64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rules() -> BookingRules {
        let session = Session {
            start_min: 9 * 60,
            end_min: 10 * 60,
            quota: 5,
            online_only: false,
        };
        BookingRules {
            days_ahead: 7,
            release_min: 7 * 60,
            release_days_before: 7,
            check_in_before_min: 30,
            check_in_after_min: 15,
            change_until_min: 60,
            remote_quota: 0,
            remote_hold_min: 120,
            week: std::array::from_fn(|d| if d < 5 { vec![session] } else { vec![] }),
        }
    }

    fn wita() -> TimeZone {
        TimeZone::get("Asia/Makassar").unwrap()
    }

    fn local(text: &str) -> Timestamp {
        text.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(wita())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn rule_1_days_within_reach_from_today() {
        let r = rules();
        let today = date(2026, 12, 1);
        assert!(r.within_reach(today, today));
        assert!(r.within_reach(today, date(2026, 12, 8)));
        assert!(!r.within_reach(today, date(2026, 12, 9)));
        assert!(!r.within_reach(today, date(2026, 11, 30)));
        // Saturday 5 December has no sessions.
        assert!(r.sessions(date(2026, 12, 5)).is_empty());
        assert_eq!(r.session(date(2026, 12, 4), 540).map(|s| s.quota), Some(5));
        assert_eq!(r.session(date(2026, 12, 4), 600), None);
    }

    #[test]
    fn rule_2_seats_are_released_at_the_release_time_days_before() {
        let r = rules();
        assert_eq!(
            r.opens_at(date(2026, 12, 8), &wita()),
            local("2026-12-01T07:00")
        );
    }

    #[test]
    fn rule_3_check_in_from_before_the_start_until_after_it() {
        let r = rules();
        let day = date(2026, 12, 1);
        let w = r.window(day, &r.sessions(day)[0], &wita());
        assert_eq!(w.from, local("2026-12-01T08:30"));
        assert_eq!(w.until, local("2026-12-01T09:15"));
        assert!(w.contains(local("2026-12-01T08:30")));
        assert!(!w.contains(local("2026-12-01T09:15")));
    }

    #[test]
    fn rule_4_changes_until_before_the_start() {
        let r = rules();
        let day = date(2026, 12, 1);
        assert_eq!(
            r.change_until(day, &r.sessions(day)[0], &wita()),
            local("2026-12-01T08:00")
        );
    }

    #[test]
    fn rule_5_a_remote_booking_is_held_for_its_hold_time() {
        let r = rules();
        let w = r.remote_window(local("2026-12-01T10:00"));
        assert_eq!(w.until, local("2026-12-01T12:00"));
    }

    #[test]
    fn the_end_of_the_day_is_the_next_midnight() {
        assert_eq!(
            at_minute(date(2026, 12, 1), 1440, &wita()),
            local("2026-12-02T00:00")
        );
        assert_eq!(hh_mm(1440), "24:00");
        assert_eq!(hh_mm(545), "09:05");
    }
}
