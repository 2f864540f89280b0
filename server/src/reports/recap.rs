//! What managers hand in: the month's "Rekap Layanan" (one row per agency and service,
//! one column per day, visitors served) and the week's visits (the ministry's weekly
//! figure: visitors, that is tickets issued, per day Monday to Sunday).

use std::collections::HashMap;

use antre_protocol::{Recap, RecapRow, VisitDay, WeeklyVisits};
use jiff::civil::Date;
use rusqlite::Connection;

use super::{Period, Scope};
use crate::engine::Site;

/// The month holding `day`, as a period.
pub fn month_of(day: Date) -> Period {
    Period {
        from: day.first_of_month(),
        to: day.last_of_month(),
    }
}

/// The ISO week (Monday to Sunday) holding `day`.
pub fn week_of(day: Date) -> Period {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    let monday = day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day);
    let sunday = monday
        .checked_add(jiff::Span::new().days(6))
        .unwrap_or(monday);
    Period {
        from: monday,
        to: sunday,
    }
}

pub fn recap(
    conn: &Connection,
    site: &Site,
    period: Period,
    scope: &Scope,
) -> anyhow::Result<Recap> {
    let days = period.days();
    let index: HashMap<String, usize> = days
        .iter()
        .enumerate()
        .map(|(i, d)| (d.to_string(), i))
        .collect();
    // Every service of the site in scope, in the site's order, even without visitors:
    // the recap is a form to fill, and an empty row is an answer too.
    let mut rows: Vec<RecapRow> = Vec::new();
    let mut row_of: HashMap<String, usize> = HashMap::new();
    for agency in &site.agencies {
        if scope.agency.as_ref().is_some_and(|a| a != &agency.code) {
            continue;
        }
        for service in site.services.iter().filter(|s| s.agency == agency.code) {
            row_of.insert(service.code.clone(), rows.len());
            rows.push(RecapRow {
                agency: agency.code.clone(),
                agency_name: agency.name.clone(),
                service: service.code.clone(),
                service_name: service.name.clone(),
                days: vec![0; days.len()],
                total: 0,
            });
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT day, agency, service, COUNT(*) FROM legs
         WHERE outcome = 'done' AND day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR agency = ?3)
         GROUP BY day, agency, service",
    )?;
    let mut found = stmt.query(rusqlite::params![
        period.from.to_string(),
        period.to.to_string(),
        scope.agency
    ])?;
    while let Some(r) = found.next()? {
        let day: String = r.get(0)?;
        let agency: String = r.get(1)?;
        let service: String = r.get(2)?;
        let count: u64 = r.get(3)?;
        let Some(&d) = index.get(&day) else { continue };
        // A service removed since keeps its row, after the configured ones.
        let i = *row_of.entry(service.clone()).or_insert_with(|| {
            rows.push(RecapRow {
                agency: agency.clone(),
                agency_name: agency.clone(),
                service: service.clone(),
                service_name: service.clone(),
                days: vec![0; days.len()],
                total: 0,
            });
            rows.len() - 1
        });
        rows[i].days[d] += count;
        rows[i].total += count;
    }
    let mut totals = vec![0; days.len()];
    for row in &rows {
        for (t, c) in totals.iter_mut().zip(&row.days) {
            *t += c;
        }
    }
    Ok(Recap {
        month: period.from.strftime("%Y-%m").to_string(),
        days: days.iter().map(Date::to_string).collect(),
        total: totals.iter().sum(),
        totals,
        rows,
    })
}

pub fn weekly(conn: &Connection, week: Period, scope: &Scope) -> anyhow::Result<WeeklyVisits> {
    let mut days: Vec<VisitDay> = week
        .days()
        .iter()
        .map(|d| VisitDay {
            day: d.to_string(),
            ..VisitDay::default()
        })
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT day, SUM(leg = 0), SUM(outcome IS 'done') FROM legs
         WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR agency = ?3) GROUP BY day",
    )?;
    let mut rows = stmt.query(rusqlite::params![
        week.from.to_string(),
        week.to.to_string(),
        scope.agency
    ])?;
    while let Some(r) = rows.next()? {
        let day: String = r.get(0)?;
        if let Some(d) = days.iter_mut().find(|d| d.day == day) {
            d.visitors = r.get(1)?;
            d.served = r.get(2)?;
        }
    }
    let open: Vec<&VisitDay> = days.iter().filter(|d| d.visitors > 0).collect();
    // The first of equal days is named: Monday before Friday.
    let busiest = open
        .iter()
        .rev()
        .max_by_key(|d| d.visitors)
        .map(|d| d.day.clone());
    let quietest = open
        .iter()
        .rev()
        .min_by_key(|d| d.visitors)
        .map(|d| d.day.clone());
    let iso = week.from.iso_week_date();
    Ok(WeeklyVisits {
        week: format!("{}-W{:02}", iso.year(), iso.week()),
        visitors: days.iter().map(|d| d.visitors).sum(),
        served: days.iter().map(|d| d.served).sum(),
        busiest,
        quietest,
        days,
    })
}

/// The recap as a file: agency, service, one column per day, total; a total line.
pub fn recap_table(r: &Recap) -> super::table::Table {
    use super::table::Cell;
    let mut headers = vec![
        "No".to_string(),
        "Instansi / Agency".into(),
        "Layanan / Service".into(),
    ];
    headers.extend(r.days.iter().map(|d| d[8..].to_string()));
    headers.push("Jumlah / Total".into());
    let mut rows: Vec<Vec<Cell>> = r
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![
                Cell::from(i as u64 + 1),
                Cell::from(row.agency_name.clone()),
                Cell::from(row.service_name.clone()),
            ];
            cells.extend(row.days.iter().map(|&d| Cell::from(d)));
            cells.push(row.total.into());
            cells
        })
        .collect();
    let mut total = vec![Cell::Empty, Cell::from("Jumlah / Total"), Cell::Empty];
    total.extend(r.totals.iter().map(|&d| Cell::from(d)));
    total.push(r.total.into());
    rows.push(total);
    super::table::Table {
        name: format!("rekap-{}", r.month),
        title: vec![
            "Rekap Layanan / Services recap".into(),
            format!("Bulan / Month {}", r.month),
        ],
        headers,
        rows,
    }
}

/// The week's visits as a file.
pub fn weekly_table(w: &WeeklyVisits) -> super::table::Table {
    use super::table::Cell;
    let mut rows: Vec<Vec<Cell>> = w
        .days
        .iter()
        .map(|d| {
            vec![
                Cell::from(d.day.clone()),
                Cell::from(weekday_name(&d.day)),
                d.visitors.into(),
                d.served.into(),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::from("Jumlah / Total"),
        Cell::Empty,
        w.visitors.into(),
        w.served.into(),
    ]);
    super::table::Table {
        name: format!("kunjungan-{}", w.week),
        title: vec![
            "Laporan kunjungan mingguan / Weekly visits".into(),
            format!("Minggu / Week {}", w.week),
        ],
        headers: [
            "Tanggal / Date",
            "Hari / Day",
            "Pengunjung / Visitors",
            "Dilayani / Served",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

fn weekday_name(day: &str) -> String {
    day.parse::<Date>()
        .ok()
        .and_then(|d| {
            super::WEEKDAYS
                .get(usize::try_from(d.weekday().to_monday_zero_offset()).ok()?)
                .map(|s| s.to_string())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_week_runs_monday_to_sunday() {
        // 2026-11-29 is a Sunday; its week began on Monday 23 November.
        let w = week_of(date(2026, 11, 29));
        assert_eq!((w.from, w.to), (date(2026, 11, 23), date(2026, 11, 29)));
        let w = week_of(date(2026, 11, 23));
        assert_eq!((w.from, w.to), (date(2026, 11, 23), date(2026, 11, 29)));
    }

    #[test]
    fn a_month_has_its_days() {
        assert_eq!(month_of(date(2028, 2, 10)).days().len(), 29);
        assert_eq!(month_of(date(2026, 11, 29)).to, date(2026, 11, 30));
    }
}
