//! The summary: counts and times of the visits of a period, grouped one way.
//!
//! Each row of `legs` is one wait for one service (`store::projection`). Per group:
//! - issued: first legs (a ticket counts once, for the service it was taken for);
//!   walk-in and priority split them by the ticket's priority category;
//! - transferred in: later legs; transferred out, served, no-show, cancelled: legs that
//!   ended so (a no-show reinstated and then served counts as served only);
//! - wait: from the leg's start (the issue, or the transfer) to its first call, for
//!   every leg that was called; a recall does not restart it;
//! - service: from the call the visitor answered to done, or to the transfer onwards;
//! - within target: called legs whose wait was at most the service's target wait.

use std::collections::HashMap;

use antre_protocol::{Priority, Summary, SummaryRow};
use jiff::civil::Date;
use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::{Period, Scope, WEEKDAYS, durations};
use crate::engine::Site;

/// How a summary groups its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Agency,
    Service,
    Counter,
    Officer,
    Priority,
    Hour,
    Weekday,
    Day,
}

impl Group {
    pub const ALL: [Group; 8] = [
        Group::Agency,
        Group::Service,
        Group::Counter,
        Group::Officer,
        Group::Priority,
        Group::Hour,
        Group::Weekday,
        Group::Day,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Agency => "agency",
            Group::Service => "service",
            Group::Counter => "counter",
            Group::Officer => "officer",
            Group::Priority => "priority",
            Group::Hour => "hour",
            Group::Weekday => "weekday",
            Group::Day => "day",
        }
    }

    pub fn parse(s: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// One leg as the summary reads it (its group key aside).
#[derive(Debug, Clone, Copy)]
struct Leg {
    first: bool,
    priority: bool,
    booked: bool,
    entered: i64,
    target_s: Option<i64>,
    first_called: Option<i64>,
    called: Option<i64>,
    ended: Option<i64>,
    outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Open,
    Done,
    NoShow,
    Cancelled,
    Transferred,
}

impl Outcome {
    fn parse(s: Option<&str>) -> Outcome {
        match s {
            Some("done") => Outcome::Done,
            Some("no_show") => Outcome::NoShow,
            Some("cancelled") => Outcome::Cancelled,
            Some("transferred") => Outcome::Transferred,
            _ => Outcome::Open,
        }
    }
}

/// What the summary sums for one group before the times are reduced.
#[derive(Debug, Default)]
struct Tally {
    row: SummaryRow,
    waits: Vec<u64>,
    services: Vec<u64>,
}

impl Tally {
    fn add(&mut self, leg: &Leg) {
        let row = &mut self.row;
        if leg.first {
            row.issued += 1;
            if leg.booked {
                row.booked += 1;
            } else if leg.priority {
                row.priority += 1;
            } else {
                row.walk_in += 1;
            }
        } else {
            row.transferred_in += 1;
        }
        match leg.outcome {
            Outcome::Done => row.served += 1,
            Outcome::NoShow => row.no_show += 1,
            Outcome::Cancelled => row.cancelled += 1,
            Outcome::Transferred => row.transferred_out += 1,
            Outcome::Open => {}
        }
        if let Some(first) = leg.first_called {
            let wait = seconds(first - leg.entered);
            self.waits.push(wait);
            if leg.target_s.is_some_and(|t| wait <= t as u64) {
                row.within_target += 1;
            }
        }
        if let (Some(called), Some(ended), Outcome::Done | Outcome::Transferred) =
            (leg.called, leg.ended, leg.outcome)
        {
            self.services.push(seconds(ended - called));
        }
    }

    fn finish(mut self, key: String, label: String) -> SummaryRow {
        self.row.key = key;
        self.row.label = label;
        self.row.wait = durations(self.waits);
        self.row.service = durations(self.services);
        self.row.within_target_share = (self.row.wait.count > 0)
            .then(|| self.row.within_target as f64 / self.row.wait.count as f64)
            .map(|x| (x * 10_000.0).round() / 10_000.0);
        self.row
    }
}

/// Milliseconds to whole seconds (rounded down; a clock set back counts as none).
fn seconds(ms: i64) -> u64 {
    u64::try_from(ms.max(0) / 1000).unwrap_or(0)
}

/// The summary of `period` within `scope`, grouped by `group`. A year is over a million
/// legs: each row is read without copying its text, and only its group's key is kept.
pub fn summary(
    conn: &Connection,
    site: &Site,
    period: Period,
    scope: &Scope,
    group: Group,
) -> anyhow::Result<Summary> {
    let key_column = match group {
        Group::Agency => "agency",
        Group::Service => "service",
        Group::Counter => "counter",
        Group::Officer => "officer",
        Group::Priority => "priority",
        Group::Hour => "hour",
        Group::Weekday | Group::Day => "day",
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT leg, priority IS NOT NULL, entered_at_ms, target_wait_s, first_called_at_ms,
                called_at_ms, ended_at_ms, outcome, {key_column}, booked
         FROM legs WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR agency = ?3)"
    ))?;
    let mut rows = stmt.query(rusqlite::params![
        period.from.to_string(),
        period.to.to_string(),
        scope.agency
    ])?;
    let mut groups: HashMap<String, Tally> = HashMap::new();
    let mut weekdays: HashMap<String, String> = HashMap::new();
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let mut total = Tally::default();
    while let Some(r) = rows.next()? {
        let leg = Leg {
            first: r.get::<_, i64>(0)? == 0,
            priority: r.get(1)?,
            entered: r.get(2)?,
            target_s: r.get(3)?,
            first_called: r.get(4)?,
            called: r.get(5)?,
            ended: r.get(6)?,
            outcome: Outcome::parse(r.get_ref(7)?.as_str_or_null()?),
            booked: r.get(9)?,
        };
        total.add(&leg);
        let tally = match (group, r.get_ref(8)?) {
            (Group::Hour, ValueRef::Integer(h)) => {
                let hour = usize::try_from(h).ok().and_then(|h| hours.get(h));
                slot(&mut groups, hour.map_or("-", String::as_str))
            }
            (Group::Weekday, ValueRef::Text(day)) => {
                let day = std::str::from_utf8(day)?;
                let weekday = slot(&mut weekdays, day);
                if weekday.is_empty() {
                    *weekday = weekday_of(day);
                }
                slot(&mut groups, weekday)
            }
            (Group::Priority, ValueRef::Null) if leg.booked => slot(&mut groups, "booked"),
            (Group::Priority, ValueRef::Null) => slot(&mut groups, "walk_in"),
            (_, ValueRef::Text(key)) => slot(&mut groups, std::str::from_utf8(key)?),
            _ => slot(&mut groups, "-"),
        };
        tally.add(&leg);
    }
    let rows = order(site, group, groups)
        .into_iter()
        .map(|(key, tally)| {
            let label = label_of(site, group, &key);
            tally.finish(key, label)
        })
        .collect();
    Ok(Summary {
        from: period.from.to_string(),
        to: period.to.to_string(),
        group: group.as_str().to_string(),
        agency: scope.agency.clone(),
        rows,
        total: total.finish(String::new(), "Jumlah / Total".into()),
    })
}

/// The value kept under `key`, made when missing; the key is copied only then.
fn slot<'a, V: Default>(map: &'a mut HashMap<String, V>, key: &str) -> &'a mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("made above")
}

/// The ISO weekday (1 Monday … 7 Sunday) of a day, `-` if it is not one.
fn weekday_of(day: &str) -> String {
    day.parse::<Date>()
        .map(|d| d.weekday().to_monday_one_offset().to_string())
        .unwrap_or_else(|_| "-".into())
}

/// Rows in the order people read them: agencies, services and counters as the site
/// lists them (then any no longer configured), everything else by its key.
fn order(site: &Site, group: Group, groups: HashMap<String, Tally>) -> Vec<(String, Tally)> {
    let position = |key: &str| -> usize {
        match group {
            Group::Agency => site.agencies.iter().position(|a| a.code == key),
            Group::Service => site.services.iter().position(|s| s.code == key),
            Group::Counter => site.counters.iter().position(|c| c.code == key),
            _ => None,
        }
        .unwrap_or(usize::MAX)
    };
    let mut rows: Vec<(String, Tally)> = groups.into_iter().collect();
    rows.sort_by(|(a, _), (b, _)| position(a).cmp(&position(b)).then_with(|| a.cmp(b)));
    rows
}

/// The group's name for people.
pub fn label_of(site: &Site, group: Group, key: &str) -> String {
    let named = match group {
        Group::Agency => site
            .agencies
            .iter()
            .find(|a| a.code == key)
            .map(|a| a.name.clone()),
        Group::Service => site.service(key).map(|s| s.name.clone()),
        Group::Counter => site.counter(key).map(|c| c.name.clone()),
        Group::Priority => Some(match Priority::parse(key) {
            Some(Priority::Lansia) => "Lansia".into(),
            Some(Priority::Disabilitas) => "Disabilitas".into(),
            Some(Priority::IbuHamil) => "Ibu hamil".into(),
            Some(Priority::Anak) => "Anak".into(),
            None if key == "booked" => "Booking".into(),
            None => "Umum / Walk-in".into(),
        }),
        Group::Hour => key
            .parse::<u8>()
            .ok()
            .map(|h| format!("{h:02}.00–{h:02}.59")),
        Group::Weekday => key
            .parse::<usize>()
            .ok()
            .and_then(|d| WEEKDAYS.get(d.wrapping_sub(1)))
            .map(|d| d.to_string()),
        Group::Officer | Group::Day => None,
    };
    match named {
        Some(name) => name,
        None if key == "-" => "Belum dipanggil / Not called".into(),
        None => key.to_string(),
    }
}

/// The summary as a file: one line per group, then the total.
pub fn table(s: &Summary) -> super::table::Table {
    use super::table::Cell;
    let mut headers: Vec<String> = [
        "Kelompok / Group",
        "Nama / Name",
        "Diterbitkan / Issued",
        "Umum / Walk-in",
        "Prioritas / Priority",
        "Booking / Booked",
        "Dilayani / Served",
        "Tidak hadir / No-show",
        "Alihan masuk / Transferred in",
        "Alihan keluar / Transferred out",
        "Batal / Cancelled",
    ]
    .map(String::from)
    .to_vec();
    for what in ["Tunggu / Wait", "Layanan / Service"] {
        for stat in [
            "rata-rata / mean (s)",
            "median (s)",
            "p90 (s)",
            "maks / max (s)",
        ] {
            headers.push(format!("{what} {stat}"));
        }
    }
    headers.push("Sesuai target / Within target".into());
    headers.push("% sesuai target / % within target".into());
    let line = |r: &SummaryRow| -> Vec<Cell> {
        let mut cells = vec![
            Cell::from(r.key.clone()),
            Cell::from(r.label.clone()),
            r.issued.into(),
            r.walk_in.into(),
            r.priority.into(),
            r.booked.into(),
            r.served.into(),
            r.no_show.into(),
            r.transferred_in.into(),
            r.transferred_out.into(),
            r.cancelled.into(),
        ];
        for d in [&r.wait, &r.service] {
            cells.extend([
                d.mean_s.into(),
                d.median_s.into(),
                d.p90_s.into(),
                d.max_s.into(),
            ]);
        }
        cells.push(r.within_target.into());
        cells.push(
            r.within_target_share
                .map(|x| super::round1(x * 100.0))
                .into(),
        );
        cells
    };
    let mut rows: Vec<Vec<Cell>> = s.rows.iter().map(line).collect();
    rows.push(line(&s.total));
    super::table::Table {
        name: format!("ringkasan-{}", s.group),
        title: vec![
            format!("Ringkasan layanan / Summary by {}", s.group),
            format!("{} s.d. {}", s.from, s.to),
        ],
        headers,
        rows,
    }
}
