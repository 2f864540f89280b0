//! The audit trail: the event log filtered, and one ticket's whole journey. What an
//! auditor looks for: out-of-order calls with their reasons and who made them,
//! configuration changes with before and after, log-ins and refused log-ins.
//!
//! Survey answers appear as the fact that a survey was answered, never with the
//! answers: nobody reads one visitor's scores. A supervisor of one agency sees the
//! events of its services and counters only.

use antre_protocol::{AuditPage, Event, EventKind, Journey};
use jiff::Timestamp;
use rusqlite::Connection;
use rusqlite::types::Value;

use crate::engine::Site;

/// The most events one page gives.
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Instants, the end excluded.
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub kind: Option<EventKind>,
    /// Who caused it (`detail.by`) or the counter's officer.
    pub user: Option<String>,
    pub counter: Option<String>,
    /// The ticket's service, or the service it was transferred from.
    pub service: Option<String>,
    /// The ticket's number (with `from`/`to` to pick the day).
    pub number: Option<String>,
    pub out_of_order: bool,
    /// Only events before this seq (the next page).
    pub before: Option<u64>,
    pub limit: u32,
    /// A supervisor's agency.
    pub agency: Option<String>,
}

/// Events matching `filter`, newest first.
pub fn search(conn: &Connection, site: &Site, filter: &AuditFilter) -> anyhow::Result<AuditPage> {
    let mut sql = String::from("SELECT seq, payload FROM events WHERE 1 = 1");
    let mut params: Vec<Value> = Vec::new();
    let mut push = |sql: &mut String, clause: &str, value: Value| {
        params.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(from) = filter.from {
        push(
            &mut sql,
            " AND at_ms >= ?",
            Value::Integer(from.as_millisecond()),
        );
    }
    if let Some(to) = filter.to {
        push(
            &mut sql,
            " AND at_ms < ?",
            Value::Integer(to.as_millisecond()),
        );
    }
    if let Some(before) = filter.before {
        // Beyond the largest seq there is nothing newer to leave out.
        let before = i64::try_from(before).unwrap_or(i64::MAX);
        push(&mut sql, " AND seq < ?", Value::Integer(before));
    }
    if let Some(kind) = filter.kind {
        push(&mut sql, " AND kind = ?", Value::Text(kind.as_str().into()));
    }
    if let Some(counter) = &filter.counter {
        push(&mut sql, " AND counter = ?", Value::Text(counter.clone()));
    }
    if let Some(user) = &filter.user {
        push(
            &mut sql,
            " AND (json_extract(payload, '$.detail.by') = ? \
              OR json_extract(payload, '$.counter.officer') = ?)",
            Value::Text(user.clone()),
        );
    }
    if let Some(service) = &filter.service {
        push(
            &mut sql,
            " AND (json_extract(payload, '$.ticket.service') = ? \
              OR json_extract(payload, '$.detail.from_service') = ?)",
            Value::Text(service.clone()),
        );
    }
    if let Some(number) = &filter.number {
        push(
            &mut sql,
            " AND ticket_id IS NOT NULL AND json_extract(payload, '$.ticket.number') = ?",
            Value::Text(number.to_uppercase()),
        );
    }
    if filter.out_of_order {
        sql.push_str(
            " AND kind = 'ticket.called' AND json_extract(payload, '$.detail.out_of_order') = 1",
        );
    }
    if let Some(agency) = &filter.agency {
        let services: Vec<&str> = site
            .services
            .iter()
            .filter(|s| &s.agency == agency)
            .map(|s| s.code.as_str())
            .collect();
        let counters: Vec<&str> = site
            .counters
            .iter()
            .filter(|c| &c.agency == agency)
            .map(|c| c.code.as_str())
            .collect();
        // Each list is bound as one JSON array, whatever its length.
        push(
            &mut sql,
            " AND (json_extract(payload, '$.ticket.service') IN (SELECT value FROM json_each(?))",
            Value::Text(serde_json::to_string(&services)?),
        );
        push(
            &mut sql,
            " OR counter IN (SELECT value FROM json_each(?)))",
            Value::Text(serde_json::to_string(&counters)?),
        );
    }
    let limit = filter.limit.clamp(1, MAX_LIMIT);
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT {}", limit + 1));
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut events = Vec::new();
    let mut more = false;
    while let Some(r) = rows.next()? {
        if events.len() == limit as usize {
            more = true;
            break;
        }
        let payload: String = r.get(1)?;
        events.push(redacted(serde_json::from_str(&payload)?));
    }
    let next_before = more.then(|| events.last().map(|e: &Event| e.seq)).flatten();
    Ok(AuditPage {
        events,
        next_before,
    })
}

/// A ticket's events in order, by its number and service day.
pub fn journey(
    conn: &Connection,
    site: &Site,
    number: &str,
    day: jiff::civil::Date,
    agency: Option<&str>,
) -> anyhow::Result<Option<Journey>> {
    let id: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM tickets WHERE day = ?1 AND prefix || printf('%03d', number) = ?2",
        )?
        .query_row(
            rusqlite::params![day.to_string(), number.to_uppercase()],
            |r| r.get(0),
        )
        .ok();
    let Some(id) = id else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT payload FROM events INDEXED BY events_ticket WHERE ticket_id = ?1 ORDER BY seq",
    )?;
    let events = stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .map(|p| Ok(redacted(serde_json::from_str(&p?)?)))
        .collect::<anyhow::Result<Vec<Event>>>()?;
    if let Some(agency) = agency {
        let ours = events.iter().any(|e| {
            e.ticket
                .as_ref()
                .and_then(|t| site.service(&t.service))
                .is_some_and(|s| s.agency == agency)
        });
        if !ours {
            return Ok(None);
        }
    }
    let Some(ticket) = events.iter().rev().find_map(|e| e.ticket.clone()) else {
        return Ok(None);
    };
    Ok(Some(Journey { ticket, events }))
}

/// The event without what the audit trail never shows: survey answers.
fn redacted(mut event: Event) -> Event {
    event.detail.survey = None;
    if let Some(ticket) = &mut event.ticket {
        ticket.track_token = None;
    }
    event
}
