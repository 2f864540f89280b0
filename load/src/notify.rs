//! Notifications drained: thousands of messages waiting in the outbox (their receiver
//! was down while they were made) are sent to a local webhook receiver once it is back,
//! and the rate is what the sender manages. Starts its own server and receiver.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use antre_testkit::receiver::{Receiver, always};
use serde_json::{Value, json};

use crate::booking::{nik, site_config};
use crate::target::Spawned;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The `antre` binary (default: next to this one).
    #[arg(long)]
    pub antre: Option<std::path::PathBuf>,
    /// Messages to queue (one booking each).
    #[arg(long, default_value_t = 10_000)]
    pub messages: u64,
    /// Bookings made at once while queueing.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 300)]
    pub max_seconds: u64,
}

pub async fn run(args: &Args) -> anyhow::Result<String> {
    let antre = crate::target::antre_binary(args.antre.clone())?;
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    // The receiver's address, free until it starts.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let hook = format!(
        "[notify]\n[[notify.channels]]\nname = \"hook\"\nkind = \"webhook\"\n\
         url = \"http://{addr}/hook\"\nsecret = \"beban-rahasia\"\n"
    );
    let seats = u32::try_from(args.messages)?;
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("site.toml");
    std::fs::write(&config, site_config(seats, args.concurrency, &hook)?)?;
    let server = Spawned::serve(
        &antre,
        &config,
        &dir.path().join("data"),
        Duration::from_secs(60),
    )
    .await?;
    let target = &server.target;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(60))
        .build()?;
    let day = jiff::Timestamp::now()
        .in_tz("Asia/Makassar")?
        .date()
        .tomorrow()?
        .to_string();
    let queued_at = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (http, next, day) = (http.clone(), next.clone(), day.clone());
        let (url, count) = (target.url("/api/v1/bookings"), args.messages);
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<_, anyhow::Error>(());
                }
                let body = json!({
                    "service": "PASPOR", "date": day, "start": "08:00", "nik": nik(i),
                    "name": format!("Warga {i}"), "phone": "0812 3456 7890",
                });
                let res = http.post(&url).json(&body).send().await?;
                anyhow::ensure!(res.status() == 201, "booking {i}: {}", res.status());
            }
        }));
    }
    for task in tasks {
        task.await??;
    }
    let queued = queued_at.elapsed();
    let token = target.admin_token(&http).await?;
    let outbox = |http: reqwest::Client, token: String| async move {
        http.get(target.url("/api/v1/admin/outbox"))
            .bearer_auth(token)
            .send()
            .await?
            .json::<Value>()
            .await
            .map_err(anyhow::Error::from)
    };
    let before = outbox(http.clone(), token.clone()).await?;
    anyhow::ensure!(
        before["pending"].as_u64() == Some(args.messages),
        "expected {} messages waiting: {before}",
        args.messages
    );
    // The receiver is back; the manager says "send now".
    let receiver = Receiver::start_at(addr, always(200), Arc::default()).await;
    let started = Instant::now();
    let res = http
        .post(target.url("/api/v1/admin/outbox/retry"))
        .bearer_auth(&token)
        .send()
        .await?;
    anyhow::ensure!(res.status() == 200, "retry: {}", res.status());
    let messages = usize::try_from(args.messages)?;
    while receiver.counts().len() < messages {
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {} of {messages} messages arrived",
            receiver.counts().len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let drained = started.elapsed();
    let requests = receiver.how_many();
    let after = outbox(http, token).await?;
    Ok(format!(
        "notifications: {messages} messages queued by as many bookings in {:.1} s while the \
         receiver was down; once it was back, all delivered in {:.2} s = {:.0} messages/s \
         ({requests} requests for {messages} ids); outbox after: {} sent, {} pending, {} failed",
        queued.as_secs_f64(),
        drained.as_secs_f64(),
        messages as f64 / drained.as_secs_f64(),
        after["sent"],
        after["pending"],
        after["failed"],
    ))
}
