//! What an idle stream subscriber costs the server: its resident memory with N
//! WebSocket subscribers connected and doing nothing, per subscriber, read from
//! `/proc/PID/status` of a demo server started here.
//!
//! Three readings after a warm-up: the subscribers connected and holding their
//! snapshot; after events have reached every one of them (the buffers a subscriber
//! uses once must be given back); after all have gone.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{StreamExt, stream};
use serde_json::json;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::target::{Spawned, Target};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Idle subscribers to connect.
    #[arg(long, default_value_t = 5000)]
    pub sockets: usize,
    /// Tickets waiting when they connect: their snapshot grows with the queue.
    #[arg(long, default_value_t = 0)]
    pub waiting: usize,
}

/// Subscribers connected, sent one event and dropped before the first reading, so that
/// what is touched once (the runtime's worker queues, the allocator's arenas, the
/// database's page cache, the memory of the kiosk token's first Argon2 check) is not
/// charged to the measured ones.
const WARM_UP: usize = 200;

/// Connections opened at once; a listen queue's worth.
const OPENING: usize = 64;

/// Longest wait for the subscribers' snapshots or an event to reach them all.
const LIMIT: Duration = Duration::from_secs(120);

/// Events sent to every subscriber between the first and second reading.
const EVENTS: usize = 10;

/// Time given to the server to settle (tasks parked, freed memory returned) before a
/// reading.
const SETTLE: Duration = Duration::from_secs(2);

pub async fn run(antre: &std::path::Path, args: &Args) -> anyhow::Result<String> {
    let dir = tempfile::tempdir()?;
    let room = (args.sockets + WARM_UP + 64).to_string();
    let server = Spawned::demo_with(
        antre,
        &dir.path().join("data"),
        Duration::from_secs(60),
        &["--max-connections".into(), room],
    )
    .await?;
    let target = &server.target;

    let http = reqwest::Client::new();
    let service = target.service_without_quota().await?;
    let issue = || async {
        let res = http
            .post(target.url("/api/v1/tickets"))
            .bearer_auth(&target.password)
            .json(&json!({"service": service}))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 201, "issue failed: {}", res.status());
        Ok(())
    };

    for _ in 0..args.waiting {
        issue().await?;
    }
    let warm = Subscribers::connect(target, WARM_UP).await?;
    issue().await?;
    warm.all_have_events(1).await?;
    drop(warm);
    tokio::time::sleep(SETTLE).await;
    let before = resident_kib(server.pid)?;

    let subscribers = Subscribers::connect(target, args.sockets).await?;
    tokio::time::sleep(SETTLE).await;
    let connected = resident_kib(server.pid)?;

    // Events to everyone: tickets taken at a kiosk.
    for _ in 0..EVENTS {
        issue().await?;
    }
    subscribers.all_have_events(EVENTS).await?;
    tokio::time::sleep(SETTLE).await;
    let after_event = resident_kib(server.pid)?;

    drop(subscribers);
    tokio::time::sleep(SETTLE).await;
    let gone = resident_kib(server.pid)?;

    let per = |kib: u64| kib.saturating_sub(before) as f64 * 1024.0 / args.sockets as f64;
    Ok(format!(
        "idle subscribers: {n}, {waiting} tickets waiting; server resident memory {before} KiB before, \
         {connected} KiB with them connected ({a:.0} bytes each), \
         {after_event} KiB after {EVENTS} events reached them all ({b:.0} bytes each), \
         {gone} KiB after they left",
        n = args.sockets,
        waiting = args.waiting,
        a = per(connected),
        b = per(after_event),
    ))
}

/// Open WebSocket subscribers, each counting the events it has read.
struct Subscribers {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    events: Arc<AtomicUsize>,
    arrived: Arc<Notify>,
}

impl Subscribers {
    /// Connects `n` subscribers and returns once every one has its snapshot.
    async fn connect(target: &Target, n: usize) -> anyhow::Result<Subscribers> {
        let events = Arc::new(AtomicUsize::new(0));
        let arrived = Arc::new(Notify::new());
        let snapshots = Arc::new(AtomicUsize::new(0));
        let url = target.ws("/api/v1/stream");
        let opened = stream::iter(0..n)
            .map(|_| {
                let url = url.clone();
                async move {
                    // The tool's own side small: it shares the machine.
                    let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
                    tokio_tungstenite::connect_async_with_config(url, Some(config), true).await
                }
            })
            .buffer_unordered(OPENING)
            .collect::<Vec<_>>()
            .await;
        let mut tasks = Vec::with_capacity(n);
        for ws in opened {
            let (mut ws, _) = ws?;
            let (events, arrived, snapshots) = (events.clone(), arrived.clone(), snapshots.clone());
            tasks.push(tokio::spawn(async move {
                let mut first = true;
                while let Some(Ok(msg)) = ws.next().await {
                    if !matches!(msg, Message::Text(_)) {
                        continue;
                    }
                    let counter = if first { &snapshots } else { &events };
                    first = false;
                    counter.fetch_add(1, Ordering::AcqRel);
                    arrived.notify_one();
                }
            }));
        }
        let subscribers = Subscribers {
            tasks,
            events,
            arrived,
        };
        subscribers.wait_for(&snapshots, n).await?;
        Ok(subscribers)
    }

    /// Waits until every subscriber has read `k` events after its snapshot.
    async fn all_have_events(&self, k: usize) -> anyhow::Result<()> {
        self.wait_for(&self.events, k * self.tasks.len()).await
    }

    async fn wait_for(&self, count: &AtomicUsize, n: usize) -> anyhow::Result<()> {
        tokio::time::timeout(LIMIT, async {
            while count.load(Ordering::Acquire) < n {
                // Bounded so that a wake-up between the load and the wait is not lost.
                let _ =
                    tokio::time::timeout(Duration::from_millis(50), self.arrived.notified()).await;
            }
        })
        .await
        .map_err(|_| {
            anyhow::anyhow!(
                "only {} of {n} messages arrived in time",
                count.load(Ordering::Acquire)
            )
        })
    }
}

impl Drop for Subscribers {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The process's resident set (`VmRSS`), in KiB.
fn resident_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no VmRSS in /proc/{pid}/status"))
}
