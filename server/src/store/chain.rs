//! The event log's hash chain: each row's hash covers the previous row's hash.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS: [u8; 32] = [0; 32];

pub fn event_hash(prev: &[u8; 32], seq: u64, payload: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(payload.as_bytes());
    h.finalize().into()
}

/// What a check of the whole log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// Every row chains to the one before; `events` rows, the last hash given.
    Intact { events: u64, head: [u8; 32] },
    /// The first row that does not fit, and why.
    Broken { seq: u64, why: String },
}

/// Walks the whole log in order and recomputes every hash.
pub fn verify(conn: &Connection) -> anyhow::Result<Verified> {
    verify_from(conn, 1, GENESIS)
}

/// Walks the log from event `from` on, whose predecessor's hash is `prev`. `Intact`
/// counts every event up to the head (those before `from` were verified before).
pub fn verify_from(conn: &Connection, from: u64, prev: [u8; 32]) -> anyhow::Result<Verified> {
    let mut stmt = conn
        .prepare("SELECT seq, payload, prev_hash, hash FROM events WHERE seq >= ?1 ORDER BY seq")?;
    let mut rows = stmt.query([i64::try_from(from)?])?;
    let mut expected_seq = from;
    let mut prev = prev;
    while let Some(row) = rows.next()? {
        let seq = u64::try_from(row.get::<_, i64>(0)?)?;
        let payload: String = row.get(1)?;
        let stored_prev: Vec<u8> = row.get(2)?;
        let stored: Vec<u8> = row.get(3)?;
        let broken = |why: &str| {
            Ok(Verified::Broken {
                seq,
                why: why.to_string(),
            })
        };
        if seq != expected_seq {
            return broken(&format!(
                "expected event {expected_seq}: events are missing"
            ));
        }
        if stored_prev != prev {
            return broken("prev_hash is not the previous event's hash");
        }
        let hash = event_hash(&prev, seq, &payload);
        if stored != hash {
            return broken("the event's content does not match its hash");
        }
        let embedded = serde_json::from_str::<serde_json::Value>(&payload)
            .ok()
            .and_then(|v| v.get("seq").and_then(serde_json::Value::as_u64));
        if embedded != Some(seq) {
            return broken("the payload does not carry its own seq");
        }
        prev = hash;
        expected_seq += 1;
    }
    Ok(Verified::Intact {
        events: expected_seq - 1,
        head: prev,
    })
}
