//! Bookings per day and session: how many were made, checked in, missed (no-show) and
//! cancelled, and the seats left. A session's quota is the one it has now; sessions no
//! one booked are left out (their seats are all left).

use antre_protocol::{BookingDayRow, BookingStatus, BookingsReport};
use jiff::civil::Date;
use rusqlite::Connection;

use super::table::{Cell, Table};
use super::{Period, Scope};
use crate::engine::Site;
use crate::engine::schedule::hh_mm;

pub fn bookings(
    conn: &Connection,
    site: &Site,
    period: Period,
    scope: &Scope,
) -> anyhow::Result<BookingsReport> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, service, start_min, end_min, status, COUNT(*) FROM bookings
         WHERE day BETWEEN ?1 AND ?2
         GROUP BY day, service, start_min, status
         ORDER BY day, service, start_min IS NOT NULL, start_min",
    )?;
    let mut rows: Vec<BookingDayRow> = Vec::new();
    let mut keys: Vec<(String, String, Option<u16>)> = Vec::new();
    let mut found = stmt.query(rusqlite::params![
        period.from.to_string(),
        period.to.to_string()
    ])?;
    while let Some(r) = found.next()? {
        let (day, service): (String, String) = (r.get(0)?, r.get(1)?);
        let (start, end): (Option<u16>, Option<u16>) = (r.get(2)?, r.get(3)?);
        let status: String = r.get(4)?;
        let count: u32 = r.get(5)?;
        let agency = site.service(&service).map(|s| s.agency.as_str());
        if scope.agency.is_some() && scope.agency.as_deref() != agency {
            continue;
        }
        let key = (day.clone(), service.clone(), start);
        if keys.last() != Some(&key) {
            let quota = quota(site, &service, &day, start);
            keys.push(key);
            rows.push(BookingDayRow {
                date: day,
                service,
                start: start.map(hh_mm),
                end: end.map(hh_mm),
                quota,
                booked: 0,
                checked_in: 0,
                no_show: 0,
                cancelled: 0,
                pending: 0,
                left: quota,
            });
        }
        let row = rows.last_mut().expect("pushed above");
        row.booked += count;
        match BookingStatus::parse(&status) {
            Some(BookingStatus::Booked) => row.pending += count,
            Some(BookingStatus::CheckedIn) => row.checked_in += count,
            Some(BookingStatus::NoShow) => row.no_show += count,
            Some(BookingStatus::Cancelled) => row.cancelled += count,
            None => {}
        }
        row.left = row
            .quota
            .saturating_sub(row.booked.saturating_sub(row.cancelled));
    }
    let sum = |f: fn(&BookingDayRow) -> u32| rows.iter().map(f).sum();
    Ok(BookingsReport {
        from: period.from.to_string(),
        to: period.to.to_string(),
        booked: sum(|r| r.booked),
        checked_in: sum(|r| r.checked_in),
        no_show: sum(|r| r.no_show),
        cancelled: sum(|r| r.cancelled),
        rows,
    })
}

/// The session's seats as the rules say now; the remote queue's day (no start).
fn quota(site: &Site, service: &str, day: &str, start: Option<u16>) -> u32 {
    let Some(rules) = site.service(service).and_then(|s| s.booking.as_deref()) else {
        return 0;
    };
    match (start, day.parse::<Date>()) {
        (None, _) => rules.remote_quota,
        (Some(start), Ok(day)) => rules.session(day, start).map_or(0, |s| s.quota),
        (Some(_), Err(_)) => 0,
    }
}

pub fn table(r: &BookingsReport) -> Table {
    Table {
        name: "booking".into(),
        title: vec![
            "Booking per sesi / Bookings per session".into(),
            format!("{} s.d. {}", r.from, r.to),
        ],
        headers: [
            "Tanggal / Date",
            "Layanan / Service",
            "Sesi / Session",
            "Kuota / Quota",
            "Dipesan / Booked",
            "Check-in",
            "Tidak hadir / No-show",
            "Batal / Cancelled",
            "Menunggu / Pending",
            "Sisa / Left",
        ]
        .map(String::from)
        .to_vec(),
        rows: r
            .rows
            .iter()
            .map(|row| {
                let session = match (&row.start, &row.end) {
                    (Some(s), Some(e)) => format!("{s}-{e}"),
                    _ => "Antre dari rumah / Remote queue".into(),
                };
                vec![
                    Cell::from(row.date.clone()),
                    Cell::from(row.service.clone()),
                    Cell::from(session),
                    u64::from(row.quota).into(),
                    u64::from(row.booked).into(),
                    u64::from(row.checked_in).into(),
                    u64::from(row.no_show).into(),
                    u64::from(row.cancelled).into(),
                    u64::from(row.pending).into(),
                    u64::from(row.left).into(),
                ]
            })
            .collect(),
    }
}
