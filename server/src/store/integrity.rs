//! Whether the database can be trusted: the event log's hash chain holds, and the
//! tables the server starts from (tickets, counters) say what the log says.
//!
//! The tables are a projection of the log, written in the same transaction; a row
//! changed behind the server's back (a ticket moved forward by hand, a status edited)
//! no longer matches its last event. `antre verify` checks everything; at start-up the
//! server checks the chain from the last point verified before (a checkpoint kept in
//! the database, whose own row must still hash the same) and the rows it loads — the
//! whole history would take too long on a site with years of it.

use std::collections::HashMap;

use antre_protocol as wire;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::chain::{GENESIS, Verified, verify_from};
use super::{TICKET_COLUMNS, read_ticket};
use crate::engine::{StoredCounter, Ticket};

/// What a check found wrong, one line each; empty when all is well.
pub type Findings = Vec<String>;

/// Compares stored tickets with the ticket as their last event shows it.
pub fn check_tickets(conn: &Connection, tickets: &[Ticket]) -> anyhow::Result<Findings> {
    let mut stmt = conn.prepare_cached(
        "SELECT payload FROM events INDEXED BY events_ticket
         WHERE ticket_id = ?1 ORDER BY seq DESC LIMIT 1",
    )?;
    let mut found = Vec::new();
    for ticket in tickets {
        let payload: Option<String> = stmt
            .query_row([i64::try_from(ticket.id)?], |r| r.get(0))
            .optional()?;
        let Some(payload) = payload else {
            found.push(format!(
                "ticket {} ({}) has no event",
                ticket.id,
                ticket.label()
            ));
            continue;
        };
        let event: wire::Event = serde_json::from_str(&payload)?;
        match event.ticket {
            Some(view) => {
                for field in differences(ticket, &view) {
                    found.push(format!(
                        "ticket {} ({}): {field} differs from event {}",
                        ticket.id,
                        ticket.label(),
                        event.seq
                    ));
                }
            }
            None => found.push(format!(
                "event {} names ticket {} but holds none",
                event.seq, ticket.id
            )),
        }
    }
    Ok(found)
}

/// The fields of a stored ticket that its last event does not show the same way.
fn differences(row: &Ticket, view: &wire::Ticket) -> Vec<&'static str> {
    let same_time = |stored: Option<Timestamp>, shown: &Option<String>| {
        stored.map(|t| t.as_millisecond())
            == shown
                .as_deref()
                .and_then(|s| s.parse::<Timestamp>().ok())
                .map(|t| t.as_millisecond())
    };
    let mut out = Vec::new();
    let checks: [(&'static str, bool); 14] = [
        ("number", row.label() == view.number),
        ("service", row.service == view.service),
        ("status", row.status == view.status),
        ("priority", row.priority == view.priority),
        ("day", row.day.to_string() == view.day),
        ("counter", row.counter == view.counter),
        (
            "issued_at",
            same_time(Some(row.issued_at), &Some(view.issued_at.clone())),
        ),
        ("called_at", same_time(row.called_at, &view.called_at)),
        ("started_at", same_time(row.started_at, &view.started_at)),
        ("finished_at", same_time(row.finished_at, &view.finished_at)),
        ("recalls", row.recalls == view.recalls),
        ("transfers", row.transfers == view.transfers),
        ("kiosk", row.kiosk == view.kiosk),
        (
            "booking",
            row.booking.as_deref().map(crate::engine::display_code) == view.booking,
        ),
    ];
    for (field, same) in checks {
        if !same {
            out.push(field);
        }
    }
    out
}

/// Compares stored counters with the counter as its last event shows it.
pub fn check_counters(conn: &Connection, counters: &[StoredCounter]) -> anyhow::Result<Findings> {
    let mut stmt = conn.prepare_cached(
        "SELECT payload FROM events INDEXED BY events_counter
         WHERE counter = ?1 ORDER BY seq DESC LIMIT 1",
    )?;
    let mut found = Vec::new();
    for counter in counters {
        let payload: Option<String> = stmt.query_row([&counter.code], |r| r.get(0)).optional()?;
        let Some(payload) = payload else {
            found.push(format!("counter {} has no event", counter.code));
            continue;
        };
        let event: wire::Event = serde_json::from_str(&payload)?;
        let Some(view) = event.counter else { continue };
        if view.status != counter.status || view.officer != counter.officer {
            found.push(format!(
                "counter {}: status or officer differs from event {}",
                counter.code, event.seq
            ));
        }
    }
    Ok(found)
}

/// Every stored ticket and counter against the log (`antre verify`).
pub fn check_all_tables(conn: &Connection) -> anyhow::Result<Findings> {
    let mut found = Vec::new();
    let mut stmt = conn.prepare(&format!("SELECT {TICKET_COLUMNS} FROM tickets ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut chunk = Vec::with_capacity(1024);
    while let Some(row) = rows.next()? {
        chunk.push(read_ticket(row)?);
        if chunk.len() == 1024 {
            found.extend(check_tickets(conn, &chunk)?);
            chunk.clear();
        }
    }
    found.extend(check_tickets(conn, &chunk)?);
    found.extend(check_counters(conn, &super::stored_counters(conn)?)?);
    Ok(found)
}

/// The last point of the log verified before: `(seq, hash)`.
pub fn checkpoint(conn: &Connection) -> anyhow::Result<Option<(u64, [u8; 32])>> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, hash FROM checkpoint WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(seq, hash)| -> anyhow::Result<_> {
        let hash: [u8; 32] = hash
            .try_into()
            .map_err(|_| anyhow::anyhow!("damaged checkpoint"))?;
        Ok((u64::try_from(seq)?, hash))
    })
    .transpose()
}

/// The chain from the checkpoint on: the checkpoint's own row must still carry the hash
/// verified then, and every row after must chain to it. Answers the new head.
pub fn verify_tail(conn: &Connection) -> anyhow::Result<Verified> {
    verify_after(conn, checkpoint(conn)?)
}

/// The chain after `point` (an event's seq and the hash it had when it was verified),
/// or the whole chain without one.
pub fn verify_after(conn: &Connection, point: Option<(u64, [u8; 32])>) -> anyhow::Result<Verified> {
    let (from, prev) = match point {
        None => (1, GENESIS),
        Some((seq, hash)) => {
            let stored: Option<Vec<u8>> = conn
                .query_row(
                    "SELECT hash FROM events WHERE seq = ?1",
                    [i64::try_from(seq)?],
                    |r| r.get(0),
                )
                .optional()?;
            if stored.as_deref() != Some(&hash[..]) {
                return Ok(Verified::Broken {
                    seq,
                    why: "the event verified before has changed or is gone".into(),
                });
            }
            (seq + 1, hash)
        }
    };
    verify_from(conn, from, prev)
}

/// Remembers the head just verified.
pub fn save_checkpoint(conn: &Connection, seq: u64, hash: &[u8; 32]) -> anyhow::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO checkpoint (id, seq, hash) VALUES (1, ?1, ?2)",
        params![i64::try_from(seq)?, &hash[..]],
    )?;
    Ok(())
}

/// Groups findings for the log: at most a few lines per kind.
pub fn summary(findings: &Findings) -> String {
    let mut shown: HashMap<&str, usize> = HashMap::new();
    let mut lines = Vec::new();
    for f in findings {
        let kind = f.split_whitespace().next().unwrap_or("");
        let n = shown.entry(kind).or_default();
        *n += 1;
        if *n <= 5 {
            lines.push(format!("  {f}"));
        }
    }
    if findings.len() > lines.len() {
        lines.push(format!("  … and {} more", findings.len() - lines.len()));
    }
    lines.join("\n")
}
