//! Durable ticket issues per second over HTTP.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use antre_protocol::{QueueInfo, SiteInfo};
use serde_json::json;

use crate::stats::{ms, percentile};
use crate::target::Target;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Tickets to issue.
    #[arg(long, default_value_t = 50_000)]
    pub count: u64,
    /// Stop after this many seconds even if not all were issued.
    #[arg(long, default_value_t = 60)]
    pub max_seconds: u64,
}

pub async fn run(target: &Target, args: &Args) -> anyhow::Result<String> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(30))
        .build()?;
    let site: SiteInfo = http
        .get(target.url("/api/v1/site"))
        .send()
        .await?
        .json()
        .await?;
    // Services without a quota, so the run measures the server, not the quota.
    let services: Arc<Vec<String>> = Arc::new(
        site.services
            .iter()
            .filter(|s| s.daily_quota.is_none())
            .map(|s| s.code.clone())
            .collect(),
    );
    anyhow::ensure!(
        !services.is_empty(),
        "the site has no service without a quota"
    );
    // A kiosk's token is checked (Argon2) once and then remembered, and unknown tokens
    // are checked only so often per address: present it once before the burst, as a
    // kiosk does when it starts, so the run measures issuing, not the first check.
    let res = http
        .post(target.url("/api/v1/tickets"))
        .bearer_auth(&target.password)
        .json(&json!({ "service": services[0] }))
        .send()
        .await?;
    anyhow::ensure!(res.status() == 201, "the first ticket: {}", res.status());
    let before = issued_today(&http, target).await?;
    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (http, next, services) = (http.clone(), next.clone(), services.clone());
        let (url, token, count) = (
            target.url("/api/v1/tickets"),
            target.password.clone(),
            args.count,
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count || Instant::now() >= deadline {
                    break;
                }
                let service = &services[i as usize % services.len()];
                let sent = Instant::now();
                let res = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({ "service": service }))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == 201 => {
                        let _ = r.bytes().await;
                        latencies.push(sent.elapsed());
                    }
                    Ok(r) => {
                        errors += 1;
                        if errors <= 3 {
                            eprintln!(
                                "issue answered {}: {}",
                                r.status(),
                                r.text().await.unwrap_or_default()
                            );
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        if errors <= 3 {
                            eprintln!("issue failed: {e}");
                        }
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await?;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let ok = latencies.len() as u64;
    let stored = issued_today(&http, target).await? - before;
    Ok(format!(
        "ticket issue: {ok} tickets in {:.2} s = {:.0} tickets/s at concurrency {} \
         ({errors} errors); latency p50 {} p99 {}; the server counts {stored} new tickets",
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64(),
        args.concurrency,
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
    ))
}

async fn issued_today(http: &reqwest::Client, target: &Target) -> anyhow::Result<u64> {
    let queues: Vec<QueueInfo> = http
        .get(target.url("/api/v1/queues"))
        .send()
        .await?
        .json()
        .await?;
    Ok(queues.iter().map(|q| u64::from(q.issued_today)).sum())
}
