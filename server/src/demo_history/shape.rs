//! How a day at an MPP looks: when visitors come and for what, and when officers work.
//!
//! Rules, in the site's local time:
//!
//! 1. Tickets are taken Monday to Friday from 07:30 (the kiosks open before the
//!    counters) until 15:00, on Saturday until 12:00, never on Sunday, and not for a
//!    service on one of the site's holidays that closes it.
//! 2. Arrivals peak between 09:00 and 11:00, dip over lunch and rise again a little
//!    after it. Friday's midday break is longer, for Friday prayers: no tickets from
//!    11:30 to 13:30.
//! 3. Monday is the busiest day, then the week slopes down; Saturday is light.
//! 4. A service's share of the day follows what its counters can serve (a counter's
//!    time split evenly between its services, over the service's usual time per
//!    visitor), times a popularity of its own, so every agency has visitors and the
//!    busiest services queue at the peak without queueing all day.
//! 5. Officers open between 07:50 and 08:15 (logging in a few minutes before, now and
//!    then mistyping their password first; about half work with the call key alone,
//!    the others also say when the visitor has come), pause for lunch around 12:00 for about an
//!    hour (Friday 11:30 to 13:30, Saturday none), sometimes take a short break in the
//!    morning, and close from 15:00 (Saturday 12:00) once nobody waits for their
//!    services, at the latest at 16:15 (Saturday 12:45).
//! 6. On a given day some counters stay closed (leave, training; more on Saturday), but
//!    only counters whose every service another staffed counter also serves.

use antre_protocol::Priority;
use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Timestamp};

use super::rng::{Rng, hash};
use crate::engine::Site;

/// Tickets of an ordinary Wednesday; the other days follow [`WEEKDAY_FACTOR`]. Enough
/// for every report to have figures for every agency over the 60 days, few enough that
/// the demo's first start stays quick in a debug build: each ticket is four or five
/// events through the writer, at about a third of a millisecond each unoptimised
/// (docs/performance.md).
pub const TICKETS_ON_A_WEDNESDAY: f64 = 100.0;

/// Visitors of each weekday against Wednesday, Monday first.
pub const WEEKDAY_FACTOR: [f64; 7] = [1.3, 1.1, 1.0, 0.95, 0.8, 0.4, 0.0];

/// When tickets are taken (rules 1 and 2): ranges of minutes of the local day, each
/// with its share of the day's arrivals.
pub fn arrival_ranges(weekday: Weekday) -> &'static [(u16, u16, f64)] {
    match weekday {
        Weekday::Monday | Weekday::Tuesday | Weekday::Wednesday | Weekday::Thursday => &[
            (450, 480, 3.0),
            (480, 540, 12.0),
            (540, 600, 19.0),
            (600, 660, 19.0),
            (660, 720, 13.0),
            (720, 780, 5.0),
            (780, 840, 11.0),
            (840, 900, 8.0),
        ],
        Weekday::Friday => &[
            (450, 480, 3.0),
            (480, 540, 14.0),
            (540, 600, 21.0),
            (600, 660, 19.0),
            (660, 690, 6.0),
            (810, 840, 5.0),
            (840, 900, 8.0),
        ],
        Weekday::Saturday => &[
            (450, 480, 2.0),
            (480, 540, 30.0),
            (540, 600, 34.0),
            (600, 660, 24.0),
            (660, 720, 10.0),
        ],
        Weekday::Sunday => &[],
    }
}

/// The expected share of a day's arrivals in each local hour (0–23).
pub fn hourly_share(weekday: Weekday) -> [f64; 24] {
    let ranges = arrival_ranges(weekday);
    let total: f64 = ranges.iter().map(|r| r.2).sum();
    let mut share = [0.0; 24];
    for &(start, end, weight) in ranges {
        for minute in start..end {
            share[usize::from(minute / 60)] += weight / f64::from(end - start) / total;
        }
    }
    share
}

/// A visitor taking a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    pub at: Timestamp,
    pub service: String,
    pub priority: Option<Priority>,
    /// None: taken on a phone.
    pub kiosk: Option<String>,
    /// A visitor who leaves the line after this long if not yet called.
    pub gives_up_after: Option<SignedDuration>,
}

/// An officer's day at one counter (rule 5).
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub counter: String,
    pub officer: String,
    /// Where the counter's computer logs in from.
    pub address: String,
    /// A mistyped password shortly before logging in.
    pub mistyped: bool,
    /// Works with the call key alone: records no start, and the next call completes
    /// the visitor before (as the counter page allows).
    pub one_key: bool,
    pub login: Timestamp,
    pub open: Timestamp,
    /// Breaks (start, end), in order.
    pub breaks: Vec<(Timestamp, Timestamp)>,
    /// Closes from here once nobody waits for its services …
    pub close_from: Timestamp,
    /// … and at the latest here.
    pub close_by: Timestamp,
}

/// One day's visitors and officers, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct DayPlan {
    pub date: Date,
    pub arrivals: Vec<Arrival>,
    pub shifts: Vec<Shift>,
}

/// Priority visitors among all, and how they divide (UU 25/2009 pasal 29).
const PRIORITY_SHARE: f64 = 0.06;
const PRIORITIES: [(Priority, f64); 4] = [
    (Priority::Lansia, 0.5),
    (Priority::IbuHamil, 0.2),
    (Priority::Disabilitas, 0.12),
    (Priority::Anak, 0.18),
];

/// Tickets taken on a phone rather than at a kiosk.
const PHONE_SHARE: f64 = 0.15;

/// Visitors who leave the line (a supervisor cancels their ticket), if not yet called.
const GIVE_UP_SHARE: f64 = 0.02;

/// Counters unstaffed on a day, where rule 6 allows: weekdays, Saturday.
const UNSTAFFED: [f64; 2] = [0.3, 0.6];

/// The plan of one day; the same date gives the same plan.
pub fn plan(site: &Site, date: Date, rng: &mut Rng) -> anyhow::Result<DayPlan> {
    let weekday = date.weekday();
    let ranges = arrival_ranges(weekday);
    if ranges.is_empty() {
        return Ok(DayPlan {
            date,
            arrivals: Vec::new(),
            shifts: Vec::new(),
        });
    }
    let at = |minute: f64| local(site, date, minute);
    let shifts = shifts(site, date, rng)?;

    let weights = service_weights(site);
    let range_weights: Vec<f64> = ranges.iter().map(|r| r.2).collect();
    let day_factor = WEEKDAY_FACTOR[weekday.to_monday_zero_offset() as usize];
    let count = (TICKETS_ON_A_WEDNESDAY * day_factor * rng.between(0.9, 1.1)).round() as usize;
    let mut arrivals = Vec::with_capacity(count);
    for _ in 0..count {
        let (start, end, _) = ranges[rng.weighted(&range_weights)];
        let minute = rng.between(f64::from(start), f64::from(end));
        let service = &site.services[rng.weighted(&weights)];
        let when = at(minute)?;
        let local_time = when.to_zoned(site.timezone.clone());
        if site.holiday(date, &service.code).is_some()
            || !service.hours.issuing(weekday, local_time.time())
        {
            continue;
        }
        let priority = rng.chance(PRIORITY_SHARE).then(|| {
            let shares: Vec<f64> = PRIORITIES.iter().map(|p| p.1).collect();
            PRIORITIES[rng.weighted(&shares)].0
        });
        let kiosk = if rng.chance(PHONE_SHARE) {
            None
        } else {
            let zones = site.service_zones(&service.code);
            site.kiosks
                .iter()
                .find(|k| zones.contains(&k.zone))
                .or(site.kiosks.first())
                .map(|k| k.code.clone())
        };
        let gives_up_after = rng
            .chance(GIVE_UP_SHARE)
            .then(|| SignedDuration::from_secs(rng.secs(5 * 60, 40 * 60)));
        arrivals.push(Arrival {
            at: when,
            service: service.code.clone(),
            priority,
            kiosk,
            gives_up_after,
        });
    }
    arrivals.sort_by_key(|a| a.at);
    Ok(DayPlan {
        date,
        arrivals,
        shifts,
    })
}

/// Each service's weight in the day's arrivals (rule 4).
fn service_weights(site: &Site) -> Vec<f64> {
    site.services
        .iter()
        .map(|service| {
            let share: f64 = site
                .counters
                .iter()
                .filter(|c| c.services.contains(&service.code))
                .map(|c| 1.0 / c.services.len() as f64)
                .sum();
            let popularity = 0.6 + 0.8 * (hash(&service.code) % 1000) as f64 / 1000.0;
            share / f64::from(service.avg_service_s.max(60)) * popularity
        })
        .collect()
}

/// Who works where today, and when (rules 5 and 6).
fn shifts(site: &Site, date: Date, rng: &mut Rng) -> anyhow::Result<Vec<Shift>> {
    let weekday = date.weekday();
    let saturday = weekday == Weekday::Saturday;
    let at = |minute: f64| local(site, date, minute);
    let mut staffed: Vec<bool> = vec![true; site.counters.len()];
    let unstaffed = UNSTAFFED[usize::from(saturday)];
    for i in 0..site.counters.len() {
        let covered = site.counters[i].services.iter().all(|s| {
            site.counters
                .iter()
                .enumerate()
                .any(|(j, c)| j != i && staffed[j] && c.services.contains(s))
        });
        if covered && rng.chance(unstaffed) {
            staffed[i] = false;
        }
    }
    let mut shifts = Vec::new();
    for (i, counter) in site.counters.iter().enumerate() {
        if !staffed[i] {
            continue;
        }
        let open_min = 470.0 + rng.between(0.0, 25.0);
        let open = at(open_min)?;
        let login = open - SignedDuration::from_secs(rng.secs(60, 240));
        let mut breaks = Vec::new();
        if !saturday && rng.chance(0.25) {
            let start = rng.between(600.0, 660.0);
            breaks.push((at(start)?, at(start + rng.between(8.0, 20.0))?));
        }
        match weekday {
            Weekday::Friday => breaks.push((
                at(690.0 + rng.between(0.0, 10.0))?,
                at(810.0 + rng.between(0.0, 10.0))?,
            )),
            Weekday::Saturday => {}
            _ => {
                let start = 720.0 + rng.between(-10.0, 10.0);
                breaks.push((at(start)?, at(start + rng.between(50.0, 70.0))?));
            }
        }
        let (close_from, close_by) = if saturday {
            (at(720.0 + rng.between(0.0, 15.0))?, at(765.0)?)
        } else {
            (at(900.0 + rng.between(0.0, 20.0))?, at(975.0)?)
        };
        shifts.push(Shift {
            counter: counter.code.clone(),
            officer: crate::demo::officer_of(&counter.code),
            address: format!("192.168.10.{}", 21 + i % 200),
            mistyped: rng.chance(0.03),
            one_key: rng.chance(0.5),
            login,
            open,
            breaks,
            close_from,
            close_by,
        });
    }
    Ok(shifts)
}

/// The instant of a local time on `date`, in minutes of the day.
pub fn local(site: &Site, date: Date, minute: f64) -> anyhow::Result<Timestamp> {
    let since_midnight = SignedDuration::from_secs_f64(minute * 60.0);
    let local = date.to_datetime(jiff::civil::Time::midnight()) + since_midnight;
    Ok(site
        .timezone
        .to_ambiguous_zoned(local)
        .compatible()?
        .timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAYS: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    #[test]
    fn rule_1_and_2_arrivals_peak_mid_morning_with_a_smaller_bump_after_lunch() {
        for day in &DAYS[..4] {
            let share = hourly_share(*day);
            let peak = (0..24)
                .max_by(|a, b| share[*a].total_cmp(&share[*b]))
                .unwrap();
            assert!((9..=10).contains(&peak), "{day:?} peaks at {peak}");
            assert!(
                share[13] > share[12],
                "{day:?}: after lunch busier than lunch"
            );
            assert!(
                share[13] < share[9],
                "{day:?}: the afternoon bump is smaller"
            );
            assert_eq!(share[6] + share[15] + share[16], 0.0, "{day:?}: closed");
            assert!((share.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        let friday = hourly_share(Weekday::Friday);
        assert_eq!(friday[12], 0.0, "Friday prayers");
        let saturday = hourly_share(Weekday::Saturday);
        assert_eq!(
            saturday[12..].iter().sum::<f64>(),
            0.0,
            "Saturday mornings only"
        );
        assert_eq!(hourly_share(Weekday::Sunday).iter().sum::<f64>(), 0.0);
    }

    #[test]
    fn rule_3_monday_is_busiest_saturday_light_sunday_closed() {
        for pair in WEEKDAY_FACTOR.windows(2) {
            assert!(pair[0] >= pair[1], "the week slopes down: {pair:?}");
        }
        const { assert!(WEEKDAY_FACTOR[5] < 0.5 * WEEKDAY_FACTOR[2]) };
        const { assert!(WEEKDAY_FACTOR[6] == 0.0) };
    }

    fn site() -> std::sync::Arc<Site> {
        crate::config::SiteConfig::from_toml(crate::demo::SITE_TOML)
            .unwrap()
            .site()
            .unwrap()
    }

    #[test]
    fn rule_4_and_6_every_agency_has_visitors_and_every_service_a_counter() {
        let site = site();
        // Monday 2 March 2026 to Saturday 7 March.
        let monday = jiff::civil::date(2026, 3, 2);
        let mut agencies = std::collections::BTreeSet::new();
        let mut counts = Vec::new();
        for offset in 0..7 {
            let date = monday + jiff::Span::new().days(offset);
            let plan = plan(&site, date, &mut Rng::new(7)).unwrap();
            counts.push(plan.arrivals.len());
            let open: Vec<&str> = plan.shifts.iter().map(|s| s.counter.as_str()).collect();
            for arrival in &plan.arrivals {
                let service = site.service(&arrival.service).unwrap();
                agencies.insert(service.agency.clone());
                assert!(
                    site.counters
                        .iter()
                        .any(|c| open.contains(&c.code.as_str())
                            && c.services.contains(&service.code)),
                    "{date}: nobody serves {}",
                    service.code
                );
            }
            assert!(plan.arrivals.windows(2).all(|w| w[0].at <= w[1].at));
        }
        assert_eq!(
            agencies.len(),
            site.agencies.len(),
            "every agency has visitors"
        );
        assert!(counts[0] > counts[2] && counts[2] > counts[5], "{counts:?}");
        assert_eq!(counts[6], 0, "Sunday");
        assert!((100..=200).contains(&counts[0]), "Monday: {counts:?}");
    }

    #[test]
    fn the_same_date_makes_the_same_day() {
        let site = site();
        let date = jiff::civil::date(2026, 3, 4);
        assert_eq!(
            plan(&site, date, &mut Rng::new(1)).unwrap(),
            plan(&site, date, &mut Rng::new(1)).unwrap()
        );
    }
}
