//! Restart time: how long a server with many stored tickets takes to serve again.
//!
//! The history is written through the real engine and writer (in this process, with a
//! clock stepped day by day, as many past days as it takes), then the `antre` binary is
//! started on it and timed until it answers and until it has issued a ticket.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use antre_server::clock::ManualClock;
use antre_server::engine::{Command, Issue};
use antre_server::writer::Writer;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde_json::json;

use crate::stats::ms;
use crate::target::{Spawned, antre_binary};

/// Tickets a day in the written history: a busy MPP.
const PER_DAY: u64 = 4_000;

/// Commands in flight while writing history, so the writer commits in large groups.
const IN_FLIGHT: usize = 256;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The `antre` binary (default: next to this one).
    #[arg(long)]
    pub antre: Option<PathBuf>,
    /// Tickets to store before the restart.
    #[arg(long, default_value_t = 1_000_000)]
    pub tickets: u64,
    /// Data directory to fill (default: a temporary one, removed afterwards).
    #[arg(long)]
    pub data: Option<PathBuf>,
}

pub async fn run(args: &Args) -> anyhow::Result<String> {
    let antre = antre_binary(args.antre.clone())?;
    let temp = tempfile::tempdir()?;
    let data = args
        .data
        .clone()
        .unwrap_or_else(|| temp.path().join("data"));
    std::fs::create_dir_all(&data)?;
    let written = Instant::now();
    write_history(&data, args.tickets).await?;
    let write_time = written.elapsed();
    let db_size = std::fs::metadata(data.join(antre_server::store::DB_FILE))?.len();

    let server = Spawned::demo(&antre, &data, Duration::from_secs(120)).await?;
    let started = Instant::now() - server.startup;
    let http = reqwest::Client::new();
    let service = server.target.service_without_quota().await?;
    let res = http
        .post(server.target.url("/api/v1/tickets"))
        .bearer_auth(&server.target.password)
        .json(&json!({ "service": service }))
        .send()
        .await?;
    anyhow::ensure!(
        res.status() == 201,
        "the restarted server did not issue: {}",
        res.status()
    );
    let serving = started.elapsed();
    Ok(format!(
        "restart: {} stored tickets ({:.0} MiB database, written in {:.1} s); \
         process start → listening {}; → first ticket issued {}",
        args.tickets,
        db_size as f64 / (1024.0 * 1024.0),
        write_time.as_secs_f64(),
        ms(server.startup),
        ms(serving),
    ))
}

/// Writes `total` tickets: full past days of [`PER_DAY`] tickets (closed at each day's
/// end, as a real day would leave them), and the rest waiting today.
async fn write_history(data: &std::path::Path, total: u64) -> anyhow::Result<()> {
    let config = antre_server::config::SiteConfig::from_toml(antre_server::demo::SITE_TOML)?;
    let site = config.site()?;
    let services: Arc<Vec<String>> = Arc::new(
        site.services
            .iter()
            .filter(|s| s.daily_quota.is_none())
            .map(|s| s.code.clone())
            .collect(),
    );
    let tz = site.timezone.clone();
    let today = Timestamp::now().to_zoned(tz.clone()).date();
    let past_days = total / PER_DAY;
    let first_day = today.checked_sub((past_days as i64).days())?;
    let morning = |day: jiff::civil::Date| -> anyhow::Result<Timestamp> {
        Ok(day.at(8, 0, 0, 0).to_zoned(tz.clone())?.timestamp())
    };
    let clock = Arc::new(ManualClock::new(morning(first_day)?));
    let (writer, thread) = Writer::start(
        antre_server::store::db_path(data),
        site.clone(),
        clock.clone(),
        antre_server::http::board::link_audio,
        false,
    )?;
    let mut left = total;
    let mut day = first_day;
    while left > 0 {
        let n = if day < today { PER_DAY.min(left) } else { left };
        clock.set(morning(day)?);
        writer.tick().await;
        issue_many(&writer, &services, n, &clock).await?;
        left -= n;
        day = day.tomorrow()?;
    }
    writer.shutdown().await;
    drop(writer);
    tokio::task::spawn_blocking(move || thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer panicked"))?;
    Ok(())
}

async fn issue_many(
    writer: &Writer,
    services: &Arc<Vec<String>>,
    n: u64,
    clock: &Arc<ManualClock>,
) -> anyhow::Result<()> {
    let per_task = n.div_ceil(IN_FLIGHT as u64);
    let mut tasks = Vec::new();
    for t in 0..IN_FLIGHT as u64 {
        let (writer, services, clock) = (writer.clone(), services.clone(), clock.clone());
        let range = (t * per_task)..((t + 1) * per_task).min(n);
        tasks.push(tokio::spawn(async move {
            for i in range {
                // A visitor every few seconds through the day.
                if i % 64 == 0 {
                    clock.advance(SignedDuration::from_secs(1));
                }
                writer
                    .execute(Command::Issue(Issue {
                        service: services[i as usize % services.len()].clone(),
                        priority: None,
                        kiosk: Some("K1".into()),
                        idempotency_key: None,
                        track_token: antre_server::auth::random_hex(16),
                    }))
                    .await
                    .map_err(|e| anyhow::anyhow!("writing history: {e}"))?;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(())
}
