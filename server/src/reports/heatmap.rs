//! The busiest hours: tickets issued per weekday and local hour of the period.

use antre_protocol::Heatmap;
use jiff::civil::Date;
use rusqlite::Connection;

use super::{Period, Scope};

pub fn heatmap(conn: &Connection, period: Period, scope: &Scope) -> anyhow::Result<Heatmap> {
    let mut cells = vec![vec![0u64; 24]; 7];
    let mut stmt = conn.prepare_cached(
        "SELECT day, hour, COUNT(*) FROM legs
         WHERE leg = 0 AND day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR agency = ?3)
         GROUP BY day, hour",
    )?;
    let mut rows = stmt.query(rusqlite::params![
        period.from.to_string(),
        period.to.to_string(),
        scope.agency
    ])?;
    while let Some(r) = rows.next()? {
        let day: String = r.get(0)?;
        let hour: usize = r.get(1)?;
        let count: u64 = r.get(2)?;
        let Ok(day) = day.parse::<Date>() else {
            continue;
        };
        let weekday = usize::try_from(day.weekday().to_monday_zero_offset()).unwrap_or(0);
        if let Some(cell) = cells.get_mut(weekday).and_then(|w| w.get_mut(hour)) {
            *cell += count;
        }
    }
    let max = cells.iter().flatten().copied().max().unwrap_or(0);
    Ok(Heatmap {
        from: period.from.to_string(),
        to: period.to.to_string(),
        cells,
        max,
    })
}
