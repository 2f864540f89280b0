//! Report times on a long history, and what a running report costs the queue.
//!
//! A history of served visits is written through the real engine and writer (in this
//! process, with a clock stepped day by day): each day `per_day` tickets are issued,
//! called and completed at the demo's counters, and one visitor in four answers the
//! survey. The `antre` binary is then started on it and timed over HTTP: a month's
//! summary by service, a year's, the SKM over a year; and ticket issue latency, idle
//! and while year summaries run back to back.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use antre_protocol::SurveyRecord;
use antre_server::clock::ManualClock;
use antre_server::engine::{Actor, Command, CounterCommand, Issue};
use antre_server::writer::{Reply, Writer};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde_json::json;

use crate::stats::{ms, percentile};
use crate::target::{Spawned, antre_binary};

/// Commands in flight while issuing, so the writer commits in large groups.
const IN_FLIGHT: usize = 256;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The `antre` binary (default: next to this one).
    #[arg(long)]
    pub antre: Option<PathBuf>,
    /// Days of history before today.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Visits a day.
    #[arg(long, default_value_t = 4_000)]
    pub per_day: u32,
    /// Data directory: filled when it holds no database, reused when it does.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Timed runs of each report (the median is given).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Ticket issues timed for the latency, idle and under a report.
    #[arg(long, default_value_t = 400)]
    pub issues: usize,
}

pub async fn run(args: &Args) -> anyhow::Result<String> {
    let antre = antre_binary(args.antre.clone())?;
    let temp = tempfile::tempdir()?;
    let data = args
        .data
        .clone()
        .unwrap_or_else(|| temp.path().join("data"));
    std::fs::create_dir_all(&data)?;
    let mut out = Vec::new();
    if !antre_server::store::db_path(&data).exists() {
        let written = Instant::now();
        let visits = write_history(&data, args.days, args.per_day).await?;
        out.push(format!(
            "history: {visits} visits over {} days written in {:.0} s",
            args.days,
            written.elapsed().as_secs_f64()
        ));
    }
    let size = std::fs::metadata(antre_server::store::db_path(&data))?.len();
    out.push(format!(
        "database: {:.0} MiB",
        size as f64 / (1024.0 * 1024.0)
    ));
    let server = Spawned::demo(&antre, &data, Duration::from_secs(300)).await?;
    let http = reqwest::Client::new();
    let token = server.target.admin_token(&http).await?;
    let today = Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Makassar")?)
        .date();
    let year_ago = today.checked_sub(364.days())?;
    let month_ago = today.checked_sub(30.days())?;
    let base = server.target.clone();
    let report = move |path: String| {
        let (http, token, url) = (http.clone(), token.clone(), base.url(&path));
        async move {
            let started = Instant::now();
            let res = http.get(url).bearer_auth(token).send().await?;
            anyhow::ensure!(res.status().is_success(), "{path}: {}", res.status());
            res.bytes().await?;
            Ok::<_, anyhow::Error>(started.elapsed())
        }
    };
    for (name, path) in [
        (
            "a month's summary by service",
            format!("/api/v1/reports/summary?group=service&from={month_ago}&to={today}"),
        ),
        (
            "a year's summary by service",
            format!("/api/v1/reports/summary?group=service&from={year_ago}&to={today}"),
        ),
        (
            "the SKM over a year",
            format!("/api/v1/reports/skm?from={year_ago}&to={today}"),
        ),
        (
            "a year's summary by day",
            format!("/api/v1/reports/summary?group=day&from={year_ago}&to={today}"),
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..args.runs.max(1) {
            times.push(report(path.clone()).await?);
        }
        times.sort();
        out.push(format!(
            "{name}: median {} (min {}, max {})",
            ms(times[times.len() / 2]),
            ms(times[0]),
            ms(times[times.len() - 1])
        ));
    }

    // Issue latency, idle and while year summaries run one after another.
    let http = reqwest::Client::new();
    let service = server.target.service_without_quota().await?;
    let issue_once = || {
        let (http, url, password, service) = (
            http.clone(),
            server.target.url("/api/v1/tickets"),
            server.target.password.clone(),
            service.clone(),
        );
        async move {
            let started = Instant::now();
            let res = http
                .post(url)
                .bearer_auth(password)
                .json(&json!({"service": service}))
                .send()
                .await?;
            anyhow::ensure!(res.status() == 201, "issue: {}", res.status());
            Ok::<_, anyhow::Error>(started.elapsed())
        }
    };
    let mut idle = Vec::new();
    for _ in 0..args.issues {
        idle.push(issue_once().await?);
    }
    idle.sort();
    let busy_flag = Arc::new(AtomicBool::new(true));
    let reports_run = {
        let flag = busy_flag.clone();
        let path = format!("/api/v1/reports/summary?group=service&from={year_ago}&to={today}");
        let report = report.clone();
        tokio::spawn(async move {
            let mut n = 0u32;
            while flag.load(Ordering::Relaxed) {
                report(path.clone()).await?;
                n += 1;
            }
            Ok::<_, anyhow::Error>(n)
        })
    };
    let mut busy = Vec::new();
    for _ in 0..args.issues {
        busy.push(issue_once().await?);
    }
    busy_flag.store(false, Ordering::Relaxed);
    let reports_done = reports_run.await??;
    busy.sort();
    out.push(format!(
        "ticket issue latency idle: p50 {}, p99 {}",
        ms(percentile(&idle, 50.0)),
        ms(percentile(&idle, 99.0))
    ));
    out.push(format!(
        "ticket issue latency while year summaries run ({reports_done} ran): p50 {}, p99 {}",
        ms(percentile(&busy, 50.0)),
        ms(percentile(&busy, 99.0))
    ));
    Ok(out.join("\n"))
}

/// Writes `days` days of `per_day` served visits before today; answers how many.
async fn write_history(data: &std::path::Path, days: u32, per_day: u32) -> anyhow::Result<u64> {
    let config = antre_server::config::SiteConfig::from_toml(antre_server::demo::SITE_TOML)?;
    let site = config.site()?;
    let tz = site.timezone.clone();
    let today = Timestamp::now().to_zoned(tz.clone()).date();
    let first_day = today.checked_sub(i64::from(days).days())?;
    let morning = |day: Date| -> anyhow::Result<Timestamp> {
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
    // Each counter's first service without a quota: its visitors.
    let desks: Arc<Vec<(String, String)>> = Arc::new(
        site.counters
            .iter()
            .filter_map(|c| {
                let service = c
                    .services
                    .iter()
                    .find(|s| site.service(s).is_some_and(|s| s.daily_quota.is_none()))?;
                Some((c.code.clone(), service.clone()))
            })
            .collect(),
    );
    let mut day = first_day;
    let mut visits = 0u64;
    while day < today {
        clock.set(morning(day)?);
        writer.tick().await;
        let tokens = issue_day(&writer, &desks, per_day, &clock).await?;
        visits += serve_day(&writer, &desks, &tokens, &clock).await?;
        day = day.tomorrow()?;
    }
    writer.shutdown().await;
    drop(writer);
    tokio::task::spawn_blocking(move || thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer panicked"))?;
    Ok(visits)
}

/// Issues the day's tickets, spread over the desks' services; answers each ticket's
/// tracking token by id.
async fn issue_day(
    writer: &Writer,
    desks: &Arc<Vec<(String, String)>>,
    n: u32,
    clock: &Arc<ManualClock>,
) -> anyhow::Result<HashMap<u64, String>> {
    let per_task = n.div_ceil(IN_FLIGHT as u32);
    let mut tasks = Vec::new();
    for t in 0..IN_FLIGHT as u32 {
        let (writer, desks, clock) = (writer.clone(), desks.clone(), clock.clone());
        let range = (t * per_task)..((t + 1) * per_task).min(n);
        tasks.push(tokio::spawn(async move {
            let mut tokens = Vec::new();
            for i in range {
                if i % 64 == 0 {
                    clock.advance(SignedDuration::from_secs(5));
                }
                let token = antre_server::auth::random_hex(16);
                let reply = writer
                    .execute(Command::Issue(Issue {
                        service: desks[i as usize % desks.len()].1.clone(),
                        priority: None,
                        kiosk: Some("K1".into()),
                        idempotency_key: None,
                        track_token: token.clone(),
                    }))
                    .await
                    .map_err(|e| anyhow::anyhow!("writing history: {e}"))?;
                if let Reply::Ticket(t) = reply {
                    tokens.push((t.id, token));
                }
            }
            Ok::<_, anyhow::Error>(tokens)
        }));
    }
    let mut all = HashMap::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(all)
}

/// Every desk opens, calls and completes until its line is empty, then closes; one
/// visitor in four answers the survey.
async fn serve_day(
    writer: &Writer,
    desks: &Arc<Vec<(String, String)>>,
    tokens: &HashMap<u64, String>,
    clock: &Arc<ManualClock>,
) -> anyhow::Result<u64> {
    let tokens = Arc::new(tokens.clone());
    let mut tasks = Vec::new();
    for (counter, _) in desks.iter() {
        let (writer, clock, tokens) = (writer.clone(), clock.clone(), tokens.clone());
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            let by = Actor {
                user: format!("petugas-{}", counter.to_lowercase()),
                any_counter: true,
            };
            let act = |command: CounterCommand| {
                writer.execute(Command::Counter {
                    counter: counter.clone(),
                    by: by.clone(),
                    command,
                })
            };
            act(CounterCommand::Open { take_over: true })
                .await
                .map_err(|e| anyhow::anyhow!("open: {e}"))?;
            let mut served = 0u64;
            loop {
                let reply = act(CounterCommand::CallNext)
                    .await
                    .map_err(|e| anyhow::anyhow!("call: {e}"))?;
                let id = match reply {
                    Reply::Ticket(t) => t.id,
                    Reply::Counter(c) => match c.ticket {
                        Some(t) => t.id,
                        None => break,
                    },
                    Reply::Nothing | Reply::Booking(_) => break,
                };
                clock.advance(SignedDuration::from_millis(50));
                act(CounterCommand::Complete)
                    .await
                    .map_err(|e| anyhow::anyhow!("complete: {e}"))?;
                served += 1;
                if id % 4 == 0
                    && let Some(token) = tokens.get(&id)
                {
                    let score = |k: u64| 2 + ((id / 4 + k) % 3) as u8;
                    writer
                        .execute(Command::Answer {
                            track_token: token.clone(),
                            survey: SurveyRecord {
                                answers: (0..9).map(score).collect(),
                                profile: None,
                                suggestion: None,
                            },
                        })
                        .await
                        .map_err(|e| anyhow::anyhow!("survey: {e}"))?;
                }
            }
            act(CounterCommand::Close)
                .await
                .map_err(|e| anyhow::anyhow!("close: {e}"))?;
            Ok::<_, anyhow::Error>(served)
        }));
    }
    let mut served = 0;
    for task in tasks {
        served += task.await??;
    }
    Ok(served)
}
