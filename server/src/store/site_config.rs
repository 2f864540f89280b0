//! The site's configuration in the database: every version kept, the last one in use.

use anyhow::Context;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use super::Batch;
use crate::engine::ConfigSource;

/// The configuration in use, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConfig {
    pub version: u64,
    pub json: String,
    /// The fingerprint of the file last imported, whichever version came from it.
    pub last_file: Option<String>,
}

/// The latest stored configuration, if the site was ever configured.
pub fn latest(conn: &Connection) -> anyhow::Result<Option<StoredConfig>> {
    let row = conn
        .query_row(
            "SELECT version, config FROM site_config ORDER BY version DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?;
    let Some((version, json)) = row else {
        return Ok(None);
    };
    let last_file = conn
        .query_row(
            "SELECT from_file FROM site_config WHERE from_file IS NOT NULL
             ORDER BY version DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(Some(StoredConfig {
        version: u64::try_from(version)?,
        json,
        last_file,
    }))
}

/// Stores the first configuration of a site (before any change, so no event names it).
pub fn seed(
    conn: &Connection,
    source: &ConfigSource,
    version: u64,
    at: Timestamp,
) -> anyhow::Result<()> {
    conn.execute(
        "INSERT INTO site_config (version, at_ms, seq, config, from_file) VALUES (?1, ?2, NULL, ?3, ?4)",
        params![i64::try_from(version)?, at.as_millisecond(), source.json, source.from_file],
    )
    .context("cannot store the site's configuration")?;
    Ok(())
}

impl Batch<'_> {
    /// Stores a changed configuration with the `site.changed` event (`seq`) that says
    /// what changed.
    pub fn save_config(
        &mut self,
        source: &ConfigSource,
        version: u64,
        at: Timestamp,
        seq: u64,
    ) -> anyhow::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO site_config (version, at_ms, seq, config, from_file)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                i64::try_from(version)?,
                at.as_millisecond(),
                i64::try_from(seq)?,
                source.json,
                source.from_file
            ])?;
        Ok(())
    }
}
