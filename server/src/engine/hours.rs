//! Opening hours as MPPs keep them, in local time.
//!
//! Rules:
//!
//! 1. A day has any number of opening ranges (`08:00-12:00,13:00-16:00`: the midday
//!    break) and may differ from the others (the longer Friday break, a short
//!    Saturday). A day without ranges is closed.
//! 2. Tickets are given out inside a range, and not after the last-ticket time.
//! 3. A closed service says when it opens next: the next range today (after the midday
//!    break, "buka pukul 13:00"), otherwise the first of its next open day.

use jiff::civil::{Time, Weekday};

/// Day names as the configuration writes them, Monday first.
pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    /// Opening ranges (start, end) in minutes of the day, per weekday, Monday first.
    pub week: [Vec<(u16, u16)>; 7],
    /// Minute after which no ticket is issued, if earlier than closing.
    pub last_ticket_min: Option<u16>,
}

fn minute_of(time: Time) -> u16 {
    u16::try_from(time.hour()).unwrap_or(0) * 60 + u16::try_from(time.minute()).unwrap_or(0)
}

fn day(weekday: Weekday) -> usize {
    weekday.to_monday_zero_offset() as usize
}

impl Hours {
    /// Always open: every day, all day.
    pub fn always() -> Hours {
        Hours {
            week: std::array::from_fn(|_| vec![(0, 1440)]),
            last_ticket_min: None,
        }
    }

    /// Whether a ticket may be issued at this local weekday and time (rules 1 and 2).
    pub fn issuing(&self, weekday: Weekday, time: Time) -> bool {
        let minute = minute_of(time);
        self.last_ticket_min.is_none_or(|last| minute < last)
            && self.week[day(weekday)]
                .iter()
                .any(|&(start, end)| (start..end).contains(&minute))
    }

    /// When a ticket may be issued next, as `08:00` (rule 3); none when never.
    pub fn opens_next(&self, weekday: Weekday, time: Time) -> Option<String> {
        let minute = minute_of(time);
        let today = day(weekday);
        let later_today = self.week[today]
            .iter()
            .map(|&(start, _)| start)
            .find(|&start| start > minute && self.last_ticket_min.is_none_or(|l| start < l));
        later_today
            .or_else(|| {
                (1..=7)
                    .map(|ahead| &self.week[(today + ahead) % 7])
                    .find_map(|ranges| ranges.first().map(|&(start, _)| start))
            })
            .map(Hours::format_min)
    }

    pub fn format_min(minute: u16) -> String {
        format!("{:02}:{:02}", minute / 60, minute % 60)
    }

    /// A day's ranges as written: `08:00-12:00,13:00-16:00`, or empty when closed.
    pub fn ranges_of(ranges: &[(u16, u16)]) -> String {
        ranges
            .iter()
            .map(|&(start, end)| format!("{}-{}", Hours::format_min(start), Hours::format_min(end)))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The usual day's ranges: those of the most open days (Monday's, on a tie).
    pub fn range(&self) -> String {
        Hours::ranges_of(self.usual())
    }

    fn usual(&self) -> &[(u16, u16)] {
        let open = self.week.iter().filter(|r| !r.is_empty());
        open.clone()
            .max_by_key(|r| {
                let same = self.week.iter().filter(|o| o == r).count();
                // Ties go to the earliest day.
                (
                    same,
                    std::cmp::Reverse(self.week.iter().position(|o| o == *r)),
                )
            })
            .map_or(&[], Vec::as_slice)
    }

    /// Days open at all.
    pub fn day_names(&self) -> Vec<String> {
        DAY_NAMES
            .iter()
            .zip(&self.week)
            .filter(|(_, ranges)| !ranges.is_empty())
            .map(|(n, _)| n.to_string())
            .collect()
    }

    /// Open days whose ranges differ from the usual ones, by name.
    pub fn other_days(&self) -> Vec<(String, String)> {
        let usual = self.usual();
        DAY_NAMES
            .iter()
            .zip(&self.week)
            .filter(|(_, ranges)| !ranges.is_empty() && ranges.as_slice() != usual)
            .map(|(n, ranges)| (n.to_string(), Hours::ranges_of(ranges)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::time;

    use super::*;

    /// Weekdays 08:00-12:00 and 13:00-16:00; Friday's break is longer; no Saturday.
    fn mpp() -> Hours {
        let weekday = vec![(480, 720), (780, 960)];
        let friday = vec![(480, 690), (810, 960)];
        Hours {
            week: [
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday,
                friday,
                Vec::new(),
                Vec::new(),
            ],
            last_ticket_min: Some(930),
        }
    }

    #[test]
    fn rule_1_a_day_has_its_own_ranges_and_a_day_without_is_closed() {
        let h = mpp();
        assert!(h.issuing(Weekday::Monday, time(11, 59, 0, 0)));
        assert!(!h.issuing(Weekday::Monday, time(12, 30, 0, 0)));
        assert!(!h.issuing(Weekday::Thursday, time(12, 45, 0, 0)));
        assert!(!h.issuing(Weekday::Friday, time(11, 45, 0, 0)));
        assert!(h.issuing(Weekday::Friday, time(13, 30, 0, 0)));
        assert!(!h.issuing(Weekday::Saturday, time(9, 0, 0, 0)));
        assert_eq!(h.range(), "08:00-12:00,13:00-16:00");
        assert_eq!(h.day_names(), ["mon", "tue", "wed", "thu", "fri"]);
        assert_eq!(
            h.other_days(),
            [("fri".to_string(), "08:00-11:30,13:30-16:00".to_string())]
        );
    }

    #[test]
    fn rule_2_no_ticket_after_the_last_ticket_time() {
        let h = mpp();
        assert!(h.issuing(Weekday::Monday, time(15, 29, 0, 0)));
        assert!(!h.issuing(Weekday::Monday, time(15, 30, 0, 0)));
    }

    #[test]
    fn rule_3_a_closed_service_says_when_it_opens_next() {
        let h = mpp();
        assert_eq!(
            h.opens_next(Weekday::Monday, time(12, 10, 0, 0)).as_deref(),
            Some("13:00")
        );
        assert_eq!(
            h.opens_next(Weekday::Friday, time(11, 40, 0, 0)).as_deref(),
            Some("13:30")
        );
        assert_eq!(
            h.opens_next(Weekday::Monday, time(7, 0, 0, 0)).as_deref(),
            Some("08:00")
        );
        // After the last ticket and on the weekend: the next open day's first range.
        assert_eq!(
            h.opens_next(Weekday::Monday, time(15, 45, 0, 0)).as_deref(),
            Some("08:00")
        );
        assert_eq!(
            h.opens_next(Weekday::Saturday, time(9, 0, 0, 0)).as_deref(),
            Some("08:00")
        );
        let never = Hours {
            week: Default::default(),
            last_ticket_min: None,
        };
        assert_eq!(never.opens_next(Weekday::Monday, time(9, 0, 0, 0)), None);
    }
}
