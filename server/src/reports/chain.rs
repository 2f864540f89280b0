//! The chain's status for the audit page, checked incrementally: each look verifies
//! only the events written since the last one (from the writer's checkpoint at first),
//! so asking often costs little however long the log grows.

use std::sync::Mutex;

use antre_protocol::ChainStatus;
use rusqlite::Connection;

use crate::store::Verified;
use crate::store::integrity;

#[derive(Debug, Default)]
pub struct ChainWatch {
    /// The last event verified and its hash.
    verified: Mutex<Option<(u64, [u8; 32])>>,
}

impl ChainWatch {
    pub fn status(&self, conn: &Connection) -> anyhow::Result<ChainStatus> {
        let start = match *self.verified.lock().expect("not poisoned") {
            Some(point) => Some(point),
            None => integrity::checkpoint(conn)?,
        };
        let head_seq: u64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?;
        match integrity::verify_after(conn, start)? {
            Verified::Intact { events, head } => {
                if events > 0 {
                    *self.verified.lock().expect("not poisoned") = Some((events, head));
                }
                Ok(ChainStatus {
                    intact: true,
                    verified_seq: events,
                    head_seq: head_seq.max(events),
                    broken: None,
                })
            }
            Verified::Broken { seq, why } => Ok(ChainStatus {
                intact: false,
                verified_seq: seq.saturating_sub(1),
                head_seq,
                broken: Some(format!("event {seq}: {why}")),
            }),
        }
    }
}
