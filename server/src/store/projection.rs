//! The report tables, kept from the events: each visit's legs, the survey's answers, and
//! daily sums of both for the SKM over long periods.
//!
//! The writer applies [`project`] to every event in the transaction that stores it, so
//! the tables never disagree with the log; [`rebuild`] applies the same function to a
//! whole log (a database from before these tables). Reports only read them
//! (`crate::reports`), from connections of their own.
//!
//! A leg is one wait for one service: the first begins at the issue, each transfer ends
//! one (`transferred`) and begins the next, so no minute is counted twice. A recall
//! keeps the leg's first call; a no-show ends the leg and a reinstatement opens it
//! again, so a visitor reinstated and then served counts once, as served, with the
//! wait of their first call; one never reinstated stays a no-show when the day's end
//! closes the ticket.

use antre_protocol::{Event, EventKind};
use anyhow::Context;
use jiff::Timestamp;
use rusqlite::{Connection, params};

use crate::engine::Site;

/// Applies one event to the report tables.
pub fn project(conn: &Connection, site: &Site, at_ms: i64, event: &Event) -> anyhow::Result<()> {
    let Some(ticket) = &event.ticket else {
        return Ok(());
    };
    let id = i64::try_from(ticket.id)?;
    let leg = i64::from(ticket.transfers);
    let end = |outcome: Option<&str>, ended: Option<i64>| -> anyhow::Result<()> {
        conn.prepare_cached(
            "UPDATE legs SET outcome = ?3, ended_at_ms = ?4 WHERE ticket_id = ?1 AND leg = ?2",
        )?
        .execute(params![id, leg, outcome, ended])?;
        Ok(())
    };
    match event.kind {
        EventKind::TicketIssued => begin_leg(conn, site, id, 0, at_ms, event)?,
        EventKind::TicketTransferred => {
            conn.prepare_cached(
                "UPDATE legs SET outcome = 'transferred', ended_at_ms = ?3
                 WHERE ticket_id = ?1 AND leg = ?2",
            )?
            .execute(params![id, leg - 1, at_ms])?;
            begin_leg(conn, site, id, leg, at_ms, event)?;
        }
        EventKind::TicketCalled => {
            let officer = event
                .counter
                .as_ref()
                .and_then(|c| c.officer.clone())
                .or_else(|| event.detail.by.clone());
            conn.prepare_cached(
                "UPDATE legs SET first_called_at_ms = COALESCE(first_called_at_ms, ?3),
                     called_at_ms = ?3, counter = ?4, officer = ?5
                 WHERE ticket_id = ?1 AND leg = ?2",
            )?
            .execute(params![id, leg, at_ms, ticket.counter, officer])?;
        }
        EventKind::TicketRecalled => {
            conn.prepare_cached(
                "UPDATE legs SET recalls = recalls + 1 WHERE ticket_id = ?1 AND leg = ?2",
            )?
            .execute(params![id, leg])?;
        }
        EventKind::TicketDone => {
            end(Some("done"), Some(at_ms))?;
            conn.prepare_cached(
                "INSERT INTO served_daily (day, agency, service, counter, officer, served)
                 SELECT day, agency, service, COALESCE(counter, ''), COALESCE(officer, ''), 1
                 FROM legs WHERE ticket_id = ?1 AND leg = ?2
                 ON CONFLICT DO UPDATE SET served = served + 1",
            )?
            .execute(params![id, leg])?;
        }
        EventKind::TicketNoShow => end(Some("no_show"), Some(at_ms))?,
        // The day's end sweeps up the no-shows nobody reinstated: they stay no-shows
        // (the visitor did not come; nobody withdrew the ticket).
        EventKind::TicketCancelled if event.detail.reason.as_deref() == Some("day_closed") => {
            conn.prepare_cached(
                "UPDATE legs SET outcome = 'cancelled', ended_at_ms = ?3
                 WHERE ticket_id = ?1 AND leg = ?2 AND outcome IS NOT 'no_show'",
            )?
            .execute(params![id, leg, at_ms])?;
        }
        EventKind::TicketCancelled => end(Some("cancelled"), Some(at_ms))?,
        EventKind::TicketReinstated => end(None, None)?,
        EventKind::SurveyAnswered => {
            let Some(survey) = &event.detail.survey else {
                return Ok(());
            };
            anyhow::ensure!(survey.answers.len() == 9, "a survey without nine answers");
            let profile = survey.profile.clone().unwrap_or_default();
            let a = &survey.answers;
            conn.prepare_cached(
                "INSERT OR IGNORE INTO survey_answers
                     (ticket_id, seq, day, at_ms, service, agency, counter, officer,
                      u1, u2, u3, u4, u5, u6, u7, u8, u9,
                      gender, age, education, occupation, suggestion)
                 SELECT ?1, ?2, day, ?3, service, agency, counter, officer,
                      ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17
                 FROM legs WHERE ticket_id = ?1 ORDER BY leg DESC LIMIT 1",
            )?
            .execute(params![
                id,
                i64::try_from(event.seq)?,
                at_ms,
                a[0],
                a[1],
                a[2],
                a[3],
                a[4],
                a[5],
                a[6],
                a[7],
                a[8],
                profile.gender,
                profile.age,
                profile.education,
                profile.occupation,
                survey.suggestion,
            ])?;
            conn.prepare_cached(
                "INSERT INTO survey_daily (day, agency, service, counter, officer, respondents,
                     s1, s2, s3, s4, s5, s6, s7, s8, s9)
                 SELECT day, agency, service, COALESCE(counter, ''), COALESCE(officer, ''), 1,
                     u1, u2, u3, u4, u5, u6, u7, u8, u9
                 FROM survey_answers WHERE ticket_id = ?1
                 ON CONFLICT DO UPDATE SET respondents = respondents + 1,
                     s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3,
                     s4 = s4 + excluded.s4, s5 = s5 + excluded.s5, s6 = s6 + excluded.s6,
                     s7 = s7 + excluded.s7, s8 = s8 + excluded.s8, s9 = s9 + excluded.s9",
            )?
            .execute(params![id])?;
        }
        _ => {}
    }
    Ok(())
}

/// A new leg: the ticket begins to wait for its (new) service at `at_ms`.
fn begin_leg(
    conn: &Connection,
    site: &Site,
    id: i64,
    leg: i64,
    at_ms: i64,
    event: &Event,
) -> anyhow::Result<()> {
    let ticket = event.ticket.as_ref().expect("checked by the caller");
    let service = site.service(&ticket.service);
    let hour = Timestamp::from_millisecond(at_ms)?
        .to_zoned(site.timezone.clone())
        .hour();
    // A booked visitor checked in early waits from its place (the session's start).
    let place = ticket
        .place_at
        .as_deref()
        .and_then(|p| p.parse::<Timestamp>().ok())
        .map(|p| p.as_millisecond());
    let entered = place.filter(|&p| leg == 0 && p > at_ms).unwrap_or(at_ms);
    conn.prepare_cached(
        "INSERT OR REPLACE INTO legs
             (ticket_id, leg, day, service, agency, priority, hour, entered_at_ms, target_wait_s,
              booked)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        leg,
        ticket.day,
        ticket.service,
        service.map(|s| s.agency.as_str()).unwrap_or(""),
        ticket.priority.map(|p| p.as_str()),
        hour,
        entered,
        service.map(|s| s.target_wait_s),
        ticket.booking.is_some(),
    ])?;
    Ok(())
}

/// Whether the report tables must be built from the log: they are empty while the log
/// holds tickets (the database is older than they are).
pub fn needs_rebuild(conn: &Connection) -> anyhow::Result<bool> {
    let legs: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM legs)", [], |r| r.get(0))?;
    Ok(!legs && super::has_tickets(conn)?)
}

/// Builds the report tables from the whole log, in one transaction. Services since
/// removed from the site keep their code and count under no agency.
pub fn rebuild(conn: &mut Connection, site: &Site) -> anyhow::Result<u64> {
    let tx = conn.transaction()?;
    let mut count = 0;
    {
        let mut stmt = tx.prepare(
            "SELECT at_ms, payload FROM events WHERE ticket_id IS NOT NULL ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let at_ms: i64 = row.get(0)?;
            let payload: String = row.get(1)?;
            let event: Event = serde_json::from_str(&payload).context("damaged event")?;
            project(&tx, site, at_ms, &event)?;
            count += 1;
        }
    }
    tx.commit()?;
    Ok(count)
}
