//! Reports: the figures a manager owes the ministry, read from the report tables the
//! writer keeps (`store::projection`) on connections of their own, so a report never
//! holds the writer. docs/reports.md defines every figure. Each report is a file of
//! its own with its file layout (`table`); the integration tests check every figure
//! against a hand computation.

pub mod audit;
pub mod bookings;
pub mod chain;
pub mod heatmap;
pub mod officers;
pub mod recap;
pub mod skm;
pub mod summary;
pub mod table;

use antre_protocol::Durations;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::engine::Site;

/// The longest period one report covers: a little over a year, so "this year" and
/// "the last twelve months" always fit while a careless request cannot make the
/// server read the whole history.
pub const MAX_DAYS: i32 = 400;

/// A report's days, both ends included, in the site's local calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed);
        }
        if (to - from).get_days() >= MAX_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(Period { from, to })
    }

    /// The first instant of `from` and the first instant after `to`, at the site.
    pub fn instants(&self, site: &Site) -> (Timestamp, Timestamp) {
        let start = self
            .from
            .to_zoned(site.timezone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN);
        let end = self
            .to
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned(site.timezone.clone()).ok())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX);
        (start, end)
    }

    /// Every day of the period, in order.
    pub fn days(&self) -> Vec<Date> {
        let mut days = Vec::new();
        let mut day = self.from;
        while day <= self.to {
            days.push(day);
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        days
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("the period ends before it starts")]
    Reversed,
    #[error("the period is longer than {MAX_DAYS} days")]
    TooLong,
}

/// Which visits a report covers: the whole MPP, or one agency's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    pub agency: Option<String>,
}

/// Mean, median, 90th percentile and maximum of whole seconds. The median of an even
/// count is the mean of the two middle values; the 90th percentile is the nearest-rank
/// one (the smallest value at least 90 % of the values are at or below).
pub fn durations(mut values: Vec<u64>) -> Durations {
    if values.is_empty() {
        return Durations::default();
    }
    values.sort_unstable();
    let n = values.len();
    let sum: u64 = values.iter().sum();
    let median = if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
    };
    // Nearest rank: ceil(0.9 n), counted from 1.
    let rank = (9 * n).div_ceil(10);
    Durations {
        count: n as u64,
        mean_s: Some(round1(sum as f64 / n as f64)),
        median_s: Some(median),
        p90_s: Some(values[rank - 1] as f64),
        max_s: values.last().copied(),
    }
}

/// One decimal: seconds are what the log measures; more digits would only be noise.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Indonesian names of ISO weekdays 1 (Monday) to 7.
pub const WEEKDAYS: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let d = durations(vec![40, 10, 30, 20]);
        assert_eq!(d.median_s, Some(25.0));
        assert_eq!(d.mean_s, Some(25.0));
        assert_eq!(d.max_s, Some(40));
    }

    #[test]
    fn p90_is_the_nearest_rank() {
        // Ten values 1..=10: ceil(0.9 × 10) = 9th → 9. Eleven: ceil(9.9) = 10th → 10.
        assert_eq!(durations((1..=10).collect()).p90_s, Some(9.0));
        assert_eq!(durations((1..=11).collect()).p90_s, Some(10.0));
        assert_eq!(durations(vec![7]).p90_s, Some(7.0));
    }

    #[test]
    fn no_values_no_figures() {
        assert_eq!(durations(Vec::new()), Durations::default());
    }

    #[test]
    fn a_period_is_ordered_and_bounded() {
        assert_eq!(
            Period::new(date(2026, 2, 1), date(2026, 1, 1)),
            Err(PeriodError::Reversed)
        );
        assert!(Period::new(date(2025, 1, 1), date(2026, 1, 1)).is_ok());
        assert_eq!(
            Period::new(date(2024, 1, 1), date(2026, 1, 1)),
            Err(PeriodError::TooLong)
        );
        let p = Period::new(date(2026, 2, 27), date(2026, 3, 2)).unwrap();
        assert_eq!(p.days().len(), 4);
    }
}
