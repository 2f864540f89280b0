//! Officers' work: visitors served, time with a counter open, time paused, and served
//! per hour of open, unpaused time.
//!
//! Open time runs from `counter.opened` to `counter.closed` (or to the takeover of the
//! counter by someone else, or to the end of the period or now, whichever is first);
//! paused time from `counter.paused` to `counter.resumed` (or the close). A counter
//! already open when the period begins counts from the period's first instant.

use std::collections::BTreeMap;

use antre_protocol::{Event, EventKind, OfficerRow, Officers};
use jiff::Timestamp;
use rusqlite::Connection;

use super::{Period, Scope, durations};
use crate::engine::Site;

#[derive(Debug, Default)]
struct Shift {
    open_ms: i64,
    paused_ms: i64,
}

/// Who has each counter open since when, and paused since when.
#[derive(Debug, Clone)]
struct Open {
    officer: String,
    since: i64,
    paused_since: Option<i64>,
}

pub fn officers(
    conn: &Connection,
    site: &Site,
    period: Period,
    scope: &Scope,
    now: Timestamp,
) -> anyhow::Result<Officers> {
    let (start, end) = period.instants(site);
    let start = start.as_millisecond();
    let end = end.as_millisecond().min(now.as_millisecond());
    let in_scope = |counter: &str| match &scope.agency {
        None => true,
        Some(agency) => site.counter(counter).is_some_and(|c| &c.agency == agency),
    };
    let mut shifts: BTreeMap<String, Shift> = BTreeMap::new();
    let mut open: BTreeMap<String, Open> = BTreeMap::new();
    // Each counter's state as the period begins: its last counter event before it.
    let mut before = conn.prepare_cached(
        "SELECT payload FROM events WHERE seq = (
             SELECT MAX(seq) FROM events INDEXED BY events_counter
             WHERE counter = ?1 AND seq <= COALESCE(
                 (SELECT MAX(seq) FROM events WHERE at_ms < ?2), 0)
               AND kind IN ('counter.opened', 'counter.closed', 'counter.paused', 'counter.resumed'))",
    )?;
    for counter in &site.counters {
        let payload: Option<String> = before
            .query_row(rusqlite::params![counter.code, start], |r| r.get(0))
            .ok();
        let Some(event) = payload.and_then(|p| serde_json::from_str::<Event>(&p).ok()) else {
            continue;
        };
        if let Some(view) = &event.counter
            && event.kind != EventKind::CounterClosed
            && let Some(officer) = &view.officer
        {
            open.insert(
                counter.code.clone(),
                Open {
                    officer: officer.clone(),
                    since: start,
                    paused_since: (event.kind == EventKind::CounterPaused).then_some(start),
                },
            );
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT at_ms, kind, counter, payload FROM events
         WHERE at_ms >= ?1 AND at_ms < ?2 AND kind IN
             ('counter.opened', 'counter.closed', 'counter.paused', 'counter.resumed')
         ORDER BY seq",
    )?;
    let mut rows = stmt.query(rusqlite::params![start, end])?;
    let close = |shifts: &mut BTreeMap<String, Shift>, o: Open, at: i64| {
        let shift = shifts.entry(o.officer).or_default();
        shift.open_ms += at - o.since;
        if let Some(p) = o.paused_since {
            shift.paused_ms += at - p;
        }
    };
    while let Some(r) = rows.next()? {
        let at: i64 = r.get(0)?;
        let kind: String = r.get(1)?;
        let counter: String = r.get(2)?;
        if !in_scope(&counter) {
            continue;
        }
        match kind.as_str() {
            "counter.opened" => {
                if let Some(o) = open.remove(&counter) {
                    close(&mut shifts, o, at);
                }
                let payload: String = r.get(3)?;
                let event: Event = serde_json::from_str(&payload)?;
                if let Some(officer) = event.counter.and_then(|c| c.officer) {
                    open.insert(
                        counter,
                        Open {
                            officer,
                            since: at,
                            paused_since: None,
                        },
                    );
                }
            }
            "counter.closed" => {
                if let Some(o) = open.remove(&counter) {
                    close(&mut shifts, o, at);
                }
            }
            "counter.paused" => {
                if let Some(o) = open.get_mut(&counter) {
                    o.paused_since.get_or_insert(at);
                }
            }
            "counter.resumed" => {
                if let Some(o) = open.get_mut(&counter)
                    && let Some(p) = o.paused_since.take()
                {
                    shifts.entry(o.officer.clone()).or_default().paused_ms += at - p;
                }
            }
            _ => {}
        }
    }
    for (_, o) in std::mem::take(&mut open) {
        close(&mut shifts, o, end);
    }
    // Visitors served and their service times, per officer.
    let mut served: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT officer, called_at_ms, ended_at_ms FROM legs
         WHERE outcome = 'done' AND officer IS NOT NULL AND day BETWEEN ?1 AND ?2
           AND (?3 IS NULL OR agency = ?3)",
    )?;
    let mut rows = stmt.query(rusqlite::params![
        period.from.to_string(),
        period.to.to_string(),
        scope.agency
    ])?;
    while let Some(r) = rows.next()? {
        let officer: String = r.get(0)?;
        let called: Option<i64> = r.get(1)?;
        let ended: Option<i64> = r.get(2)?;
        let times = served.entry(officer).or_default();
        if let (Some(c), Some(e)) = (called, ended) {
            times.push(u64::try_from((e - c).max(0) / 1000).unwrap_or(0));
        }
    }
    let names: std::collections::BTreeSet<String> =
        shifts.keys().chain(served.keys()).cloned().collect();
    let rows = names
        .into_iter()
        .map(|officer| {
            let shift = shifts.remove(&officer).unwrap_or_default();
            let times = served.remove(&officer).unwrap_or_default();
            let open_s = u64::try_from(shift.open_ms.max(0) / 1000).unwrap_or(0);
            let paused_s = u64::try_from(shift.paused_ms.max(0) / 1000).unwrap_or(0);
            let working_s = open_s.saturating_sub(paused_s);
            let count = times.len() as u64;
            OfficerRow {
                officer,
                served: count,
                open_s,
                paused_s,
                served_per_hour: (working_s > 0)
                    .then(|| super::round1(count as f64 * 3600.0 / working_s as f64)),
                service: durations(times),
            }
        })
        .collect();
    Ok(Officers {
        from: period.from.to_string(),
        to: period.to.to_string(),
        rows,
    })
}

/// The officers' figures as a file.
pub fn table(o: &Officers) -> super::table::Table {
    use super::table::Cell;
    super::table::Table {
        name: "petugas".into(),
        title: vec![
            "Kinerja petugas / Officers".into(),
            format!("{} s.d. {}", o.from, o.to),
        ],
        headers: [
            "Petugas / Officer",
            "Dilayani / Served",
            "Jam buka / Open (s)",
            "Istirahat / Paused (s)",
            "Dilayani per jam / Served per hour",
            "Layanan rata-rata / Mean service (s)",
            "Layanan median / Median service (s)",
        ]
        .map(String::from)
        .to_vec(),
        rows: o
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.officer.clone()),
                    r.served.into(),
                    r.open_s.into(),
                    r.paused_s.into(),
                    r.served_per_hour.into(),
                    r.service.mean_s.into(),
                    r.service.median_s.into(),
                ]
            })
            .collect(),
    }
}
