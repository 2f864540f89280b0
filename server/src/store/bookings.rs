//! Bookings as stored: the engine's [`Booking`]s, saved with the event that changed
//! them and loaded back at start.

use antre_protocol::BookingStatus;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, params};

use super::Batch;
use crate::engine::Booking;
use crate::engine::schedule::Window;

const COLUMNS: &str = "code, service, day, start_min, end_min, status, nik_hash, nik_last4, \
     name, phone, manage_digest, booked_at_ms, check_in_from_ms, check_in_until_ms, \
     change_until_ms, remind_at_ms, rescheduled, checked_in_at_ms, ticket_id, ended_at_ms";

impl Batch<'_> {
    pub fn save_booking(&mut self, b: &Booking) -> anyhow::Result<()> {
        self.tx
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO bookings ({COLUMNS}) VALUES
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                  ?18, ?19, ?20)"
            ))?
            .execute(params![
                b.code,
                b.service,
                b.day.to_string(),
                b.start_min,
                b.end_min,
                b.status.as_str(),
                b.nik_hash,
                b.nik_last4,
                b.name,
                b.phone,
                b.manage_digest,
                b.booked_at.as_millisecond(),
                b.window.from.as_millisecond(),
                b.window.until.as_millisecond(),
                b.change_until.as_millisecond(),
                b.remind_at.map(|t| t.as_millisecond()),
                b.rescheduled,
                b.checked_in_at.map(|t| t.as_millisecond()),
                b.ticket.map(i64::try_from).transpose()?,
                b.ended_at.map(|t| t.as_millisecond()),
            ])?;
        Ok(())
    }
}

/// The bookings the engine keeps: of `today` and later, and any still waiting for
/// check-in from before.
pub fn live_bookings(conn: &Connection, today: Date) -> anyhow::Result<Vec<Booking>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM bookings WHERE day >= ?1
         UNION
         SELECT {COLUMNS} FROM bookings WHERE status = 'booked'"
    ))?;
    let rows = stmt
        .query_map([today.to_string()], read_booking)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn read_booking(r: &rusqlite::Row<'_>) -> rusqlite::Result<Booking> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            what.to_string().into(),
        )
    };
    let ts = |i: usize| -> rusqlite::Result<Option<Timestamp>> {
        r.get::<_, Option<i64>>(i)?
            .map(|ms| Timestamp::from_millisecond(ms).map_err(|_| bad(i, "bad time")))
            .transpose()
    };
    let day: String = r.get(2)?;
    let status: String = r.get(5)?;
    Ok(Booking {
        code: r.get(0)?,
        service: r.get(1)?,
        day: day.parse().map_err(|_| bad(2, "bad day"))?,
        start_min: r.get(3)?,
        end_min: r.get(4)?,
        status: BookingStatus::parse(&status).ok_or_else(|| bad(5, "bad status"))?,
        nik_hash: r.get(6)?,
        nik_last4: r.get(7)?,
        name: r.get(8)?,
        phone: r.get(9)?,
        manage_digest: r.get(10)?,
        booked_at: ts(11)?.ok_or_else(|| bad(11, "missing time"))?,
        window: Window {
            from: ts(12)?.ok_or_else(|| bad(12, "missing time"))?,
            until: ts(13)?.ok_or_else(|| bad(13, "missing time"))?,
        },
        change_until: ts(14)?.ok_or_else(|| bad(14, "missing time"))?,
        remind_at: ts(15)?,
        rescheduled: r.get(16)?,
        checked_in_at: ts(17)?,
        ticket: r
            .get::<_, Option<i64>>(18)?
            .map(|id| u64::try_from(id).map_err(|_| bad(18, "negative id")))
            .transpose()?,
        ended_at: ts(19)?,
    })
}
