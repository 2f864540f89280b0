//! SQLite storage: the append-only event log, the ticket and counter tables the live
//! state is rebuilt from, backups and the hash-chain check.
//!
//! Only the writer (`crate::writer`) holds a [`Store`]; readers open their own
//! read-only connections ([`open_reader`]), which WAL mode lets run beside it.

mod bookings;
mod chain;
pub mod integrity;
pub mod outbox;
pub mod projection;
mod schema;
pub mod site_config;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use antre_protocol::{CounterStatus, Priority, TicketStatus};
use anyhow::Context;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};

pub use chain::{GENESIS, Verified, event_hash, verify};

use crate::engine::{CounterState, Engine, Site, StoredCounter, Ticket, local_day};

/// The database file inside the data directory.
pub const DB_FILE: &str = "antre.sqlite3";

/// Statuses of tickets that are still part of a queue, or may come back to one.
const LIVE: &str = "('waiting','called','serving','held','no_show')";

pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    last_seq: u64,
    last_hash: [u8; 32],
}

/// Position of the log after a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogHead {
    pub seq: u64,
    pub hash: [u8; 32],
}

/// What a commit promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Every commit survives a power cut before its callers are answered: the server.
    EveryCommit,
    /// Commits survive the process stopping, and the database stays whole through a
    /// power cut, which may lose the last commits: filling a new database in bulk (the
    /// demo's history), where a flush per commit would only add time, much of it on a
    /// slow disk.
    Bulk,
}

impl Store {
    /// Opens (creating and migrating if needed) the database for writing.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        Store::open_with(path, Durability::EveryCommit)
    }

    /// [`Store::open`], with commits as durable as `durability` says.
    pub fn open_with(path: &Path, durability: Durability) -> anyhow::Result<Store> {
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open database {}", path.display()))?;
        // WAL lets readers run beside the one writer; synchronous=FULL makes every
        // commit durable through a power cut, which is the promise made to a caller
        // once its ticket is answered. Group commit keeps the fsync count low. In WAL
        // mode NORMAL flushes only at checkpoints, and never leaves a torn database.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let synchronous = match durability {
            Durability::EveryCommit => "FULL",
            Durability::Bulk => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", synchronous)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate(&mut conn)?;
        let (last_seq, last_hash) = conn
            .query_row(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?
            .map(|(seq, hash)| -> anyhow::Result<_> {
                Ok((
                    u64::try_from(seq)?,
                    hash.try_into()
                        .map_err(|_| anyhow::anyhow!("damaged hash at seq {seq}"))?,
                ))
            })
            .transpose()?
            .unwrap_or((0, GENESIS));
        Ok(Store {
            conn,
            last_seq,
            last_hash,
        })
    }

    pub fn head(&self) -> LogHead {
        LogHead {
            seq: self.last_seq,
            hash: self.last_hash,
        }
    }

    /// Rebuilds the engine: the current day's tickets, live tickets of earlier days and
    /// the counters. Reads only what today needs, so start-up time does not grow with
    /// the history.
    pub fn load(&self, site: Arc<Site>, now: Timestamp) -> anyhow::Result<Engine> {
        Ok(self.load_checked(site, now, false)?.0)
    }

    /// [`Store::load`], and with `check` also what of the loaded rows does not match
    /// their last events (`integrity`).
    pub fn load_checked(
        &self,
        site: Arc<Site>,
        now: Timestamp,
        check: bool,
    ) -> anyhow::Result<(Engine, integrity::Findings)> {
        let stored_day: Option<String> =
            self.conn
                .query_row("SELECT MAX(day) FROM tickets", [], |r| r.get(0))?;
        // The engine resumes on the last day it stored, so its first look at the clock
        // (`Engine::advance`) closes that day properly if it ended meanwhile. A clock
        // set back never takes the service day back, so no number is given twice.
        let day = match stored_day {
            Some(stored) => stored.parse().context("damaged day in tickets")?,
            None => local_day(&site, now),
        };
        let next_id: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets", [], |r| {
                    r.get(0)
                })?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE day = ?1
             UNION
             SELECT {TICKET_COLUMNS} FROM tickets WHERE status IN {LIVE}"
        ))?;
        let tickets = stmt
            .query_map([day.to_string()], read_ticket)?
            .collect::<Result<Vec<_>, _>>()?;
        let counters = stored_counters(&self.conn)?;
        let findings = if check {
            let mut found = integrity::check_tickets(&self.conn, &tickets)?;
            found.extend(integrity::check_counters(&self.conn, &counters)?);
            found
        } else {
            Vec::new()
        };
        let mut engine = Engine::restore(site, day, u64::try_from(next_id)?, tickets, counters);
        engine.restore_running_text(self.last_running_text()?);
        engine.restore_bookings(bookings::live_bookings(&self.conn, day)?);
        Ok((engine, findings))
    }

    /// Checks the chain from the last checkpoint on and, when it holds, moves the
    /// checkpoint to the head. Answers what is wrong, if anything.
    pub fn verify_tail(&self) -> anyhow::Result<Option<String>> {
        match integrity::verify_tail(&self.conn)? {
            Verified::Intact { head, .. } => {
                if self.last_seq > 0 {
                    integrity::save_checkpoint(&self.conn, self.last_seq, &head)?;
                }
                Ok(None)
            }
            Verified::Broken { seq, why } => Ok(Some(format!("event {seq}: {why}"))),
        }
    }

    /// Builds the report tables from the log when they are missing (a database from
    /// before them); the first start after the upgrade takes the time once.
    pub fn rebuild_reports(&mut self, site: &Site) -> anyhow::Result<()> {
        if projection::needs_rebuild(&self.conn)? {
            let events = projection::rebuild(&mut self.conn, site)?;
            tracing::info!("report tables built from {events} events of the log");
        }
        Ok(())
    }

    /// Writes and commits a row of its own: whether a write can succeed now (the disk
    /// is not full, the file is writable).
    pub fn probe(&mut self, now: Timestamp) -> anyhow::Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO heartbeat (id, at_ms) VALUES (1, ?1)",
            [now.as_millisecond()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The running text of the last `board.running_text` event, if one was ever set.
    fn last_running_text(&self) -> anyhow::Result<Option<String>> {
        let payload: Option<String> = self
            .conn
            .query_row(
                // The kind written out, so the partial index `events_running_text`
                // answers it (a bound parameter would not match the index).
                "SELECT payload FROM events INDEXED BY events_running_text
                 WHERE kind = 'board.running_text' ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let Some(payload) = payload else {
            return Ok(None);
        };
        let event: antre_protocol::Event =
            serde_json::from_str(&payload).context("damaged running text event")?;
        Ok(Some(event.detail.running_text.unwrap_or_default()))
    }

    /// Starts a write transaction; nothing is visible or durable until
    /// [`Batch::commit`].
    pub fn begin(&mut self) -> anyhow::Result<Batch<'_>> {
        let seq = self.last_seq;
        let hash = self.last_hash;
        // Immediate: the notifications sender writes to the outbox from a connection of
        // its own, and a deferred transaction that read first could not then write.
        Ok(Batch {
            tx: self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?,
            seq,
            hash,
            head: (&mut self.last_seq, &mut self.last_hash),
        })
    }
}

/// A consistent copy of the database into a new file, taken while the server runs
/// (`VACUUM INTO` reads one snapshot of the WAL database).
pub fn backup(conn: &Connection, target: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(!target.exists(), "{} exists already", target.display());
    let target = target.to_str().context("backup path must be UTF-8")?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

/// One transaction of the writer: events appended, tickets and counters saved.
#[derive(Debug)]
pub struct Batch<'a> {
    tx: Transaction<'a>,
    seq: u64,
    hash: [u8; 32],
    head: (&'a mut u64, &'a mut [u8; 32]),
}

impl Batch<'_> {
    /// The sequence number the next appended event gets.
    pub fn next_seq(&self) -> u64 {
        self.seq + 1
    }

    /// Appends an event whose JSON (`payload`) carries `seq = self.next_seq()`.
    pub fn append(
        &mut self,
        at: Timestamp,
        kind: &str,
        ticket: Option<u64>,
        counter: Option<&str>,
        payload: &str,
    ) -> anyhow::Result<u64> {
        let seq = self.seq + 1;
        let hash = event_hash(&self.hash, seq, payload);
        self.tx
            .prepare_cached(
                "INSERT INTO events (seq, at_ms, kind, ticket_id, counter, payload, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                i64::try_from(seq)?,
                at.as_millisecond(),
                kind,
                ticket.map(i64::try_from).transpose()?,
                counter,
                payload,
                &self.hash[..],
                &hash[..],
            ])?;
        self.seq = seq;
        self.hash = hash;
        Ok(seq)
    }

    pub fn save_ticket(&mut self, t: &Ticket) -> anyhow::Result<()> {
        self.tx
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO tickets ({TICKET_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                         ?20, ?21)"
            ))?
            .execute(params![
                i64::try_from(t.id)?,
                t.day.to_string(),
                t.prefix,
                t.number,
                t.service,
                t.priority.map(Priority::as_str),
                t.status.as_str(),
                t.issued_at.as_millisecond(),
                t.counter,
                t.called_at.map(|x| x.as_millisecond()),
                t.started_at.map(|x| x.as_millisecond()),
                t.finished_at.map(|x| x.as_millisecond()),
                t.recalls,
                t.transfers,
                t.kiosk,
                t.track_token,
                t.idempotency_key,
                t.note,
                t.surveyed,
                t.booking,
                t.line_at.map(|x| x.as_millisecond()),
            ])?;
        Ok(())
    }

    /// Queues the messages an event causes (`notify`), in its transaction.
    pub fn enqueue(
        &mut self,
        seq: u64,
        at: Timestamp,
        rows: &[outbox::Composed],
    ) -> anyhow::Result<()> {
        outbox::enqueue(&self.tx, seq, at.as_millisecond(), rows)
    }

    /// Keeps the report tables (`projection`) in step with an appended event.
    pub fn project(
        &mut self,
        site: &Site,
        at: Timestamp,
        event: &antre_protocol::Event,
    ) -> anyhow::Result<()> {
        projection::project(&self.tx, site, at.as_millisecond(), event)
    }

    pub fn save_counter(&mut self, code: &str, state: &CounterState) -> anyhow::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO counters (code, status, officer, streak) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![code, state.status.as_str(), state.officer, state.streak])?;
        Ok(())
    }

    /// Makes the batch durable. Dropping a batch instead rolls it back.
    pub fn commit(self) -> anyhow::Result<LogHead> {
        self.tx.commit()?;
        *self.head.0 = self.seq;
        *self.head.1 = self.hash;
        Ok(LogHead {
            seq: self.seq,
            hash: self.hash,
        })
    }
}

pub(crate) const TICKET_COLUMNS: &str = "id, day, prefix, number, service, priority, status, issued_at_ms, counter, \
     called_at_ms, started_at_ms, finished_at_ms, recalls, transfers, kiosk, track_token, \
     idempotency_key, note, surveyed, booking, line_at_ms";

pub(crate) fn read_ticket(r: &rusqlite::Row<'_>) -> rusqlite::Result<Ticket> {
    let ts = |i: usize| -> rusqlite::Result<Option<Timestamp>> {
        Ok(r.get::<_, Option<i64>>(i)?
            .and_then(|ms| Timestamp::from_millisecond(ms).ok()))
    };
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            what.to_string().into(),
        )
    };
    let day: String = r.get(1)?;
    let status: String = r.get(6)?;
    Ok(Ticket {
        id: u64::try_from(r.get::<_, i64>(0)?).map_err(|_| bad(0, "negative id"))?,
        day: day.parse::<Date>().map_err(|_| bad(1, "bad day"))?,
        prefix: r.get(2)?,
        number: r.get(3)?,
        service: r.get(4)?,
        priority: r
            .get::<_, Option<String>>(5)?
            .and_then(|p| Priority::parse(&p)),
        status: TicketStatus::parse(&status).ok_or_else(|| bad(6, "bad status"))?,
        issued_at: ts(7)?.ok_or_else(|| bad(7, "missing issue time"))?,
        counter: r.get(8)?,
        called_at: ts(9)?,
        started_at: ts(10)?,
        finished_at: ts(11)?,
        recalls: r.get(12)?,
        transfers: r.get(13)?,
        kiosk: r.get(14)?,
        track_token: r.get(15)?,
        idempotency_key: r.get(16)?,
        note: r.get(17)?,
        surveyed: r.get(18)?,
        booking: r.get(19)?,
        line_at: ts(20)?,
    })
}

/// A read-only connection for queries beside the writer (stream replay, history).
pub fn open_reader(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open database {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Stored event JSON after `since`, in order, at most `limit` of them.
pub fn events_after(
    conn: &Connection,
    since: u64,
    limit: u64,
) -> anyhow::Result<Vec<(u64, String)>> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, payload FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows = stmt
        .query_map(params![i64::try_from(since)?, i64::try_from(limit)?], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .map(|row| {
            let (seq, payload) = row?;
            Ok((u64::try_from(seq)?, payload))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every stored counter.
pub fn stored_counters(conn: &Connection) -> anyhow::Result<Vec<StoredCounter>> {
    let mut stmt = conn.prepare("SELECT code, status, officer, streak FROM counters")?;
    let counters = stmt
        .query_map([], |r| {
            Ok(StoredCounter {
                code: r.get(0)?,
                status: CounterStatus::parse(&r.get::<_, String>(1)?)
                    .unwrap_or(CounterStatus::Closed),
                officer: r.get(2)?,
                streak: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(counters)
}

/// Sessions logged out since `since` (Unix milliseconds), with when they were logged
/// out (Unix seconds): their tokens must keep failing until they would have expired.
pub fn ended_sessions(conn: &Connection, since_ms: i64) -> anyhow::Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT at_ms, payload FROM events INDEXED BY events_logouts
         WHERE kind = 'user.logged_out' AND at_ms > ?1",
    )?;
    let rows = stmt
        .query_map([since_ms], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(at_ms, payload)| {
            let event: antre_protocol::Event = serde_json::from_str(&payload).ok()?;
            Some((event.detail.session?, at_ms / 1000))
        })
        .collect())
}

/// Whether any ticket was ever stored.
pub fn has_tickets(conn: &Connection) -> anyhow::Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM tickets)", [], |r| r.get(0))?)
}

/// Tickets of a day, for history and reports.
pub fn tickets_of_day(conn: &Connection, day: Date) -> anyhow::Result<Vec<Ticket>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE day = ?1 ORDER BY id"
    ))?;
    let rows = stmt
        .query_map([day.to_string()], read_ticket)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
