//! The notifications outbox (`outbox` table, migration 7): messages are written in the
//! same transaction as the event that causes them ([`enqueue`], by the writer), and
//! emptied by the sender (`crate::notify::sender`) on a connection of its own.
//!
//! A row is `pending` (tried at `next_at_ms`) until it is `sent` or `failed`; the sender
//! reads due rows ([`due`]) and writes the outcomes of a whole round in one transaction
//! ([`record`]), so its writes take the database's one write lock briefly and seldom.
//! Nothing of a message lives only in memory: a restart resumes from the table.

use std::path::Path;

use anyhow::Context;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use serde::Serialize;

/// A message ready to store: one channel's copy of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    /// The channel's name (`[[notify.channels]] name`).
    pub channel: String,
    /// The message kind (`called`, …).
    pub kind: String,
    pub booking: Option<String>,
    pub recipient: String,
    /// The rendered texts (also inside `body`), for the caller's own use.
    pub text: String,
    pub text_en: String,
    /// The JSON stored in the `body` column.
    pub body: String,
}

/// A pending row, as the sender takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: i64,
    pub created_at_ms: i64,
    pub channel: String,
    pub kind: String,
    pub booking: Option<String>,
    pub recipient: String,
    pub body: String,
    /// Tries so far.
    pub attempts: u32,
}

/// What became of one try.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        id: i64,
        attempts: u32,
        at_ms: i64,
    },
    /// Try again at `next_at_ms`.
    Retry {
        id: i64,
        attempts: u32,
        next_at_ms: i64,
        error: String,
    },
    /// No more tries: refused for good, or out of tries.
    Failed {
        id: i64,
        attempts: u32,
        error: String,
    },
}

impl Outcome {
    pub fn id(&self) -> i64 {
        match self {
            Outcome::Sent { id, .. } | Outcome::Retry { id, .. } | Outcome::Failed { id, .. } => {
                *id
            }
        }
    }
}

/// Adds one row per composed message, pending and due at once. Called inside the
/// writer's transaction, so a message exists exactly when its event does.
pub fn enqueue(
    tx: &Transaction<'_>,
    seq: u64,
    now_ms: i64,
    rows: &[Composed],
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO outbox (created_at_ms, seq, channel, kind, booking, recipient, body,
                             status, attempts, next_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?1)",
    )?;
    let seq = i64::try_from(seq)?;
    for r in rows {
        stmt.execute(params![
            now_ms,
            seq,
            r.channel,
            r.kind,
            r.booking,
            r.recipient,
            r.body
        ])?;
    }
    Ok(())
}

/// A read-write connection of its own (the sender's, an administrator's retry): WAL
/// like the writer's, and commits flushed at checkpoints only, since a mark lost to a
/// power cut means only that a message is sent again, which receivers expect.
pub fn open(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path)
        .with_context(|| format!("cannot open database {}", path.display()))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Pending rows due at `now_ms`, longest due first, at most `limit`, leaving out the
/// rows in `except_ids` (those the sender holds already) and the channels in
/// `except_channels` (those with as many requests in flight as they may have). It
/// walks the `(status, next_at_ms)` index and stops at `limit`, so it costs the same
/// whatever the backlog.
pub fn due(
    conn: &Connection,
    now_ms: i64,
    limit: usize,
    except_ids: &[i64],
    except_channels: &[&str],
) -> anyhow::Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, created_at_ms, channel, kind, booking, recipient, body, attempts
         FROM outbox
         WHERE status = 'pending' AND next_at_ms <= ?1
           AND id NOT IN (SELECT value FROM json_each(?2))
           AND channel NOT IN (SELECT value FROM json_each(?3))
         ORDER BY next_at_ms, id
         LIMIT ?4",
    )?;
    let rows = stmt
        .query_map(
            params![
                now_ms,
                serde_json::to_string(except_ids)?,
                serde_json::to_string(except_channels)?,
                i64::try_from(limit)?
            ],
            |r| {
                Ok(Row {
                    id: r.get(0)?,
                    created_at_ms: r.get(1)?,
                    channel: r.get(2)?,
                    kind: r.get(3)?,
                    booking: r.get(4)?,
                    recipient: r.get(5)?,
                    body: r.get(6)?,
                    attempts: r.get(7)?,
                })
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Writes a round's outcomes in one transaction. Only pending rows change, so an
/// outcome never overwrites what happened to its row meanwhile.
pub fn record(conn: &mut Connection, outcomes: &[Outcome]) -> anyhow::Result<()> {
    if outcomes.is_empty() {
        return Ok(());
    }
    // IMMEDIATE takes the write lock at once, waiting for it under the busy timeout,
    // rather than failing on a snapshot another writer has moved past.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for o in outcomes {
        match o {
            Outcome::Sent {
                id,
                attempts,
                at_ms,
            } => mark_sent(&tx, *id, *attempts, *at_ms)?,
            Outcome::Retry {
                id,
                attempts,
                next_at_ms,
                error,
            } => mark_retry(&tx, *id, *attempts, *next_at_ms, error)?,
            Outcome::Failed {
                id,
                attempts,
                error,
            } => mark_failed(&tx, *id, *attempts, error)?,
        }
    }
    tx.commit()?;
    Ok(())
}

pub fn mark_sent(tx: &Transaction<'_>, id: i64, attempts: u32, at_ms: i64) -> anyhow::Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET status = 'sent', attempts = ?2, sent_at_ms = ?3
         WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![id, attempts, at_ms])?;
    Ok(())
}

pub fn mark_retry(
    tx: &Transaction<'_>,
    id: i64,
    attempts: u32,
    next_at_ms: i64,
    error: &str,
) -> anyhow::Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET attempts = ?2, next_at_ms = ?3, last_error = ?4
         WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![id, attempts, next_at_ms, error])?;
    Ok(())
}

pub fn mark_failed(
    tx: &Transaction<'_>,
    id: i64,
    attempts: u32,
    error: &str,
) -> anyhow::Result<()> {
    tx.prepare_cached(
        "UPDATE outbox SET status = 'failed', attempts = ?2, last_error = ?3
         WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![id, attempts, error])?;
    Ok(())
}

/// Puts every failed message back to pending with a fresh round of tries, and makes
/// every waiting one due: all are tried at once (a gateway was mended, or the link came
/// back). Answers how many failed ones were put back.
pub fn retry_failed(conn: &Connection) -> anyhow::Result<usize> {
    let failed = conn.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_at_ms = 0
         WHERE status = 'failed'",
        [],
    )?;
    conn.execute(
        "UPDATE outbox SET next_at_ms = 0 WHERE status = 'pending' AND next_at_ms > 0",
        [],
    )?;
    Ok(failed)
}

/// Failed messages listed in [`OutboxStats::failed_recent`].
pub const FAILED_RECENT: usize = 20;

/// How the outbox stands (`GET /api/v1/admin/outbox`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OutboxStats {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// When the oldest message still waiting was made (RFC 3339).
    pub oldest_pending_at: Option<String>,
    pub channels: Vec<ChannelStats>,
    /// The latest failed messages, newest first (at most 20).
    pub failed_recent: Vec<FailedMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChannelStats {
    pub name: String,
    /// `webhook`, `whatsapp_cloud`, `wa_gateway`, `sms`; null for a channel no longer
    /// configured.
    pub kind: Option<String>,
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// The error of the newest message still waiting or failed, if it has one.
    pub last_error: Option<String>,
    /// When the channel last delivered a message (RFC 3339).
    pub last_sent_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FailedMessage {
    pub id: i64,
    pub channel: String,
    pub kind: String,
    pub booking: Option<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// When the message was made (RFC 3339).
    pub created_at: String,
}

/// Totals per status, per channel (as the table has them; `kind` left empty for the
/// caller, who knows the configuration), the oldest waiting message and the latest
/// failures.
pub fn stats(conn: &Connection) -> anyhow::Result<OutboxStats> {
    let mut out = OutboxStats {
        pending: 0,
        sent: 0,
        failed: 0,
        oldest_pending_at: None,
        channels: Vec::new(),
        failed_recent: Vec::new(),
    };
    let mut stmt = conn.prepare_cached("SELECT status, COUNT(*) FROM outbox GROUP BY status")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let n = u64::try_from(r.get::<_, i64>(1)?)?;
        match r.get_ref(0)?.as_str()? {
            "pending" => out.pending = n,
            "sent" => out.sent = n,
            "failed" => out.failed = n,
            _ => {}
        }
    }
    let oldest: Option<i64> = conn.query_row(
        "SELECT MIN(created_at_ms) FROM outbox WHERE status = 'pending'",
        [],
        |r| r.get(0),
    )?;
    out.oldest_pending_at = oldest.map(rfc3339);
    let mut stmt = conn.prepare_cached(
        "SELECT channel,
                SUM(status = 'pending'), SUM(status = 'sent'), SUM(status = 'failed'),
                MAX(sent_at_ms),
                (SELECT last_error FROM outbox AS e
                 WHERE e.channel = o.channel AND e.status IN ('pending', 'failed')
                   AND e.last_error IS NOT NULL
                 ORDER BY e.id DESC LIMIT 1)
         FROM outbox AS o GROUP BY channel ORDER BY channel",
    )?;
    out.channels = stmt
        .query_map([], |r| {
            Ok(ChannelStats {
                name: r.get(0)?,
                kind: None,
                pending: r.get::<_, i64>(1)?.max(0) as u64,
                sent: r.get::<_, i64>(2)?.max(0) as u64,
                failed: r.get::<_, i64>(3)?.max(0) as u64,
                last_sent_at: r.get::<_, Option<i64>>(4)?.map(rfc3339),
                last_error: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, channel, kind, booking, attempts, last_error, created_at_ms
         FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT ?1",
    )?;
    out.failed_recent = stmt
        .query_map([FAILED_RECENT as i64], |r| {
            Ok(FailedMessage {
                id: r.get(0)?,
                channel: r.get(1)?,
                kind: r.get(2)?,
                booking: r.get(3)?,
                attempts: r.get(4)?,
                last_error: r.get(5)?,
                created_at: rfc3339(r.get(6)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(out)
}

/// A stored millisecond time as RFC 3339 (UTC).
pub fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migrated database in a temporary directory.
    fn database() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("antre.sqlite3");
        drop(crate::store::Store::open(&path).unwrap());
        (dir, path)
    }

    fn composed(channel: &str, n: usize) -> Composed {
        Composed {
            channel: channel.into(),
            kind: "called".into(),
            booking: Some(format!("B{n}")),
            recipient: "628123".into(),
            text: format!("t{n}"),
            text_en: format!("e{n}"),
            body: format!("{{\"n\":{n}}}"),
        }
    }

    fn put(conn: &mut Connection, now_ms: i64, rows: &[Composed]) {
        let tx = conn.transaction().unwrap();
        enqueue(&tx, 7, now_ms, rows).unwrap();
        tx.commit().unwrap();
    }

    #[test]
    fn enqueue_due_and_record() {
        let (_dir, path) = database();
        let mut conn = open(&path).unwrap();
        put(&mut conn, 1000, &[composed("a", 1), composed("b", 2)]);
        put(&mut conn, 2000, &[composed("a", 3)]);
        assert!(due(&conn, 999, 10, &[], &[]).unwrap().is_empty());
        let rows = due(&conn, 2000, 10, &[], &[]).unwrap();
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(rows[0].channel, "a");
        assert_eq!(rows[0].body, "{\"n\":1}");
        assert_eq!(rows[0].booking.as_deref(), Some("B1"));
        assert_eq!((rows[0].created_at_ms, rows[0].attempts), (1000, 0));
        let seq: i64 = conn
            .query_row("SELECT seq FROM outbox WHERE id = 3", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seq, 7);
        // Held rows and busy channels are left out.
        let ids = |rows: Vec<Row>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(due(&conn, 2000, 10, &[1, 3], &[]).unwrap()), [2]);
        assert_eq!(ids(due(&conn, 2000, 10, &[], &["a"]).unwrap()), [2]);
        assert_eq!(
            ids(due(&conn, 2000, 10, &[2], &["a"]).unwrap()),
            [] as [i64; 0]
        );
        assert_eq!(ids(due(&conn, 2000, 1, &[], &[]).unwrap()), [1]);

        record(
            &mut conn,
            &[
                Outcome::Sent {
                    id: 1,
                    attempts: 1,
                    at_ms: 2100,
                },
                Outcome::Retry {
                    id: 2,
                    attempts: 1,
                    next_at_ms: 7000,
                    error: "HTTP 500: oops".into(),
                },
                Outcome::Failed {
                    id: 3,
                    attempts: 1,
                    error: "HTTP 404: no".into(),
                },
            ],
        )
        .unwrap();
        assert!(due(&conn, 6999, 10, &[], &[]).unwrap().is_empty());
        let again = due(&conn, 7000, 10, &[], &[]).unwrap();
        assert_eq!((again.len(), again[0].id, again[0].attempts), (1, 2, 1));
        // A sent or failed row is not changed by a late outcome.
        record(
            &mut conn,
            &[Outcome::Retry {
                id: 1,
                attempts: 2,
                next_at_ms: 0,
                error: "late".into(),
            }],
        )
        .unwrap();

        let s = stats(&conn).unwrap();
        assert_eq!((s.pending, s.sent, s.failed), (1, 1, 1));
        assert_eq!(s.oldest_pending_at.as_deref(), Some("1970-01-01T00:00:01Z"));
        assert_eq!(s.channels.len(), 2);
        let a = &s.channels[0];
        assert_eq!(
            (a.name.as_str(), a.pending, a.sent, a.failed),
            ("a", 0, 1, 1)
        );
        assert_eq!(a.last_error.as_deref(), Some("HTTP 404: no"));
        assert_eq!(a.last_sent_at.as_deref(), Some("1970-01-01T00:00:02.1Z"));
        let b = &s.channels[1];
        assert_eq!((b.pending, b.sent, b.failed), (1, 0, 0));
        assert_eq!(b.last_error.as_deref(), Some("HTTP 500: oops"));
        assert_eq!(b.last_sent_at, None);
        assert_eq!(s.failed_recent.len(), 1);
        let f = &s.failed_recent[0];
        assert_eq!((f.id, f.channel.as_str(), f.attempts), (3, "a", 1));
        assert_eq!(f.created_at, "1970-01-01T00:00:02Z");

        assert_eq!(retry_failed(&conn).unwrap(), 1);
        assert_eq!(retry_failed(&conn).unwrap(), 0);
        // The failed one is back with a fresh round of tries; the waiting one is due now
        // and keeps its count.
        let back = due(&conn, 2000, 10, &[], &[]).unwrap();
        assert_eq!(back.iter().map(|r| r.id).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(back[1].attempts, 0);
        assert_eq!(back[0].attempts, 1);
        assert_eq!(stats(&conn).unwrap().failed, 0);
    }

    #[test]
    fn empty_outbox_stats() {
        let (_dir, path) = database();
        let conn = open(&path).unwrap();
        let s = stats(&conn).unwrap();
        assert_eq!((s.pending, s.sent, s.failed), (0, 0, 0));
        assert_eq!(s.oldest_pending_at, None);
        assert!(s.channels.is_empty() && s.failed_recent.is_empty());
        // Nothing to record, nothing to enqueue: no transaction needed.
        let mut conn = conn;
        record(&mut conn, &[]).unwrap();
        let tx = conn.transaction().unwrap();
        enqueue(&tx, 1, 0, &[]).unwrap();
    }
}
