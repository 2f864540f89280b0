//! Which configuration a server starts from: the database's, or a file's.
//!
//! After the first start the site's configuration lives in the database, where the
//! admin pages change it. A file given at start (`antre serve --config FILE`, or the
//! demo's own) is:
//!
//! - on an empty database, the first configuration (stored as version 1);
//! - unchanged since it was last imported: ignored, the database's is used;
//! - changed since: imported, as one change with its event, as if an admin had made it
//!   (and refused, with what to do, when it removes what waiting visitors need).
//!
//! Files are compared by their meaning (the configuration's fingerprint), not their
//! layout, so comments and reordering do not count as changes.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::auth::Auth;
use crate::config::SiteConfig;
use crate::engine::{Command, Site};
use crate::store::{self, Store, site_config};
use crate::writer::{WriteError, Writer};

/// A configuration given at start, and what to call it in messages.
#[derive(Debug)]
pub struct Given {
    pub config: SiteConfig,
    /// `site.toml`, `the demo`.
    pub name: String,
}

/// What the server starts from.
#[derive(Debug)]
pub struct Start {
    /// The configuration in the database, and its site.
    pub config: SiteConfig,
    pub site: Arc<Site>,
    /// A file to import once the server has started, and its site.
    pub import: Option<(SiteConfig, Arc<Site>)>,
    /// What was decided, for the log.
    pub said: String,
}

/// Whether the data directory holds a configuration (else the first start's setup page
/// serves until one is made: `crate::setup`).
pub fn configured(data_dir: &Path) -> anyhow::Result<bool> {
    let db = store::db_path(data_dir);
    if !db.exists() {
        return Ok(false);
    }
    drop(Store::open(&db)?);
    Ok(site_config::latest(&store::open_reader(&db)?)?.is_some())
}

pub fn choose(data_dir: &Path, given: Option<Given>) -> anyhow::Result<Start> {
    let db = store::db_path(data_dir);
    // Opening creates and migrates the database; the writer opens it again.
    drop(Store::open(&db)?);
    let conn = rusqlite::Connection::open(&db)
        .with_context(|| format!("cannot open database {}", db.display()))?;
    let stored = site_config::latest(&conn)?;
    match (stored, given) {
        (None, None) => anyhow::bail!(
            "{} holds no site configuration yet: start once with --config FILE \
             (docs/configuration.md)",
            data_dir.display()
        ),
        (None, Some(given)) => {
            let fingerprint = given.config.fingerprint();
            let site = given.config.site_at(1, Some(fingerprint))?;
            let source = site.source.as_deref().expect("made from a configuration");
            site_config::seed(&conn, source, 1, jiff::Timestamp::now())?;
            Ok(Start {
                said: format!(
                    "configuration from {}, now kept in the database (version 1)",
                    given.name
                ),
                config: given.config,
                site,
                import: None,
            })
        }
        (Some(stored), given) => {
            let config = SiteConfig::from_json(&stored.json).with_context(|| {
                format!(
                    "the configuration stored in {} (version {}) is not valid",
                    db.display(),
                    stored.version
                )
            })?;
            let site = config.site_at(stored.version, stored.last_file.clone())?;
            let (import, said) = match given {
                None => (
                    None,
                    format!(
                        "configuration from the database (version {})",
                        stored.version
                    ),
                ),
                Some(given) => {
                    let fingerprint = given.config.fingerprint();
                    if stored.last_file.as_deref() == Some(fingerprint.as_str()) {
                        let said = format!(
                            "configuration from the database (version {}); {} is unchanged \
                             since it was imported",
                            stored.version, given.name
                        );
                        (None, said)
                    } else {
                        let file_site = given.config.site_at(0, Some(fingerprint))?;
                        let said = format!(
                            "{} changed since it was last imported: importing it over the \
                             database's configuration (version {})",
                            given.name, stored.version
                        );
                        (Some((given.config, file_site)), said)
                    }
                }
            };
            Ok(Start {
                config,
                site,
                import,
                said,
            })
        }
    }
}

/// The configuration a running site was made from (as stored with its version).
pub fn in_use(site: &Site) -> anyhow::Result<SiteConfig> {
    let source = site
        .source
        .as_ref()
        .context("the site has no stored configuration")?;
    SiteConfig::from_json(&source.json)
}

/// Applies a changed configuration while the server runs: every change goes through
/// here. The writer checks it against the queue and records it (its `site.changed`
/// event and the stored version, in one transaction); then who may log in follows.
/// Returns the site as changed.
pub async fn apply(
    writer: &Writer,
    auth: &Auth,
    config: &SiteConfig,
    site: Arc<Site>,
    by: Option<String>,
    expected_version: Option<u64>,
) -> Result<Arc<Site>, WriteError> {
    let site = record(writer, site, by, expected_version).await?;
    if let Err(e) = auth.replace(config) {
        // Validated before; a hash that no longer parses would be a bug.
        tracing::error!("the changed users and devices could not be taken: {e:#}");
    }
    Ok(site)
}

/// The writer's part of [`apply`].
async fn record(
    writer: &Writer,
    site: Arc<Site>,
    by: Option<String>,
    expected_version: Option<u64>,
) -> Result<Arc<Site>, WriteError> {
    writer
        .execute(Command::ReplaceSite {
            site,
            by,
            expected_version,
        })
        .await?;
    Ok(writer.site())
}

/// The configuration in use, as a TOML file (`antre config export`).
pub fn export(data_dir: &Path) -> anyhow::Result<String> {
    let conn = store::open_reader(&store::db_path(data_dir))?;
    let stored = site_config::latest(&conn)?
        .with_context(|| format!("{} holds no site configuration yet", data_dir.display()))?;
    let config = SiteConfig::from_json(&stored.json)?;
    Ok(format!(
        "# The configuration of {} at version {}, exported by `antre config export`.\n\
         # It holds password and token hashes: keep it readable by its owner only.\n\n{}",
        config.site.name,
        stored.version,
        config.to_toml()
    ))
}

/// Imports a file into a stopped server's data directory (`antre config import`): says
/// what differs, and unless `dry_run` applies it as one change. Returns the lines to
/// print.
pub fn import(data_dir: &Path, file: &Path, dry_run: bool) -> anyhow::Result<Vec<String>> {
    let _claim = crate::data_dir::claim(data_dir)?;
    let imported = SiteConfig::load(file)?;
    crate::config_edit::an_admin_remains(&imported)
        .map_err(|_| anyhow::anyhow!("{} has no admin who may log in", file.display()))?;
    let start = choose(data_dir, None)?;
    let file_site = imported.site_at(0, Some(imported.fingerprint()))?;
    let changes = crate::engine::diff(&start.site, &file_site);
    let mut lines: Vec<String> = changes.iter().map(|c| c.summary()).collect();
    if changes.is_empty() {
        lines.push(format!(
            "no differences: the configuration stays at version {}",
            start.site.version
        ));
        return Ok(lines);
    }
    if dry_run {
        lines.push(format!(
            "{} differences; nothing applied (--dry-run)",
            changes.len()
        ));
        return Ok(lines);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let version = runtime.block_on(async {
        let (writer, thread) = Writer::start(
            store::db_path(data_dir),
            start.site.clone(),
            Arc::new(crate::clock::SystemClock),
            crate::http::board::link_audio,
            false,
        )?;
        let checked = writer
            .read({
                let file_site = file_site.clone();
                move |engine, _, _| crate::writer::refuse_strays(engine, &file_site)
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
            .and_then(|r| r);
        let applied = match checked {
            Ok(()) => {
                let by = Some(format!("antre config import {}", file.display()));
                record(&writer, file_site, by, Some(start.site.version))
                    .await
                    .map(|site| site.version)
                    .map_err(|e| anyhow::anyhow!("{e}"))
            }
            Err(e) => Err(e),
        };
        writer.shutdown().await;
        drop(writer);
        tokio::task::spawn_blocking(move || thread.join())
            .await?
            .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
        applied
    })?;
    lines.push(format!(
        "{} differences applied: the configuration is at version {version}",
        changes.len()
    ));
    Ok(lines)
}
