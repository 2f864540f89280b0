//! The sender: a task that empties the outbox into the channels.
//!
//! It keeps up to [`MAX_IN_FLIGHT`] requests going at once, at most
//! [`PER_CHANNEL_IN_FLIGHT`] of them to any one channel, so a receiver that hangs
//! slows only its own messages. As requests finish it takes more due rows, leaving out
//! those it holds; outcomes are written in batches, one transaction each, on its own
//! connection. With nothing due it looks again every [`IDLE`].
//!
//! It never gives up on its own: an unreachable database or receiver is logged and
//! tried again, and it stops only when told to (or when the server drops the shutdown
//! sender). Requests still in flight then are dropped; their rows stay pending and go
//! out after the next start (at least once).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::classify::{self, Verdict};
use super::settings::{ChannelConfig, ChannelKind, NotifyConfig};
use super::{Envelope, form_gateway, webhook, whatsapp_cloud};
use crate::store::outbox::{self, Outcome, Row};

/// Waits before the 2nd, 3rd, … 6th try. The first retries come quickly, since most
/// failures are a receiver restarting or a network blip; later ones spread out, so a
/// receiver down for hours is not hammered.
pub const BACKOFF_STEPS: [Duration; 5] = [
    Duration::from_secs(5),
    Duration::from_secs(15),
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
];

/// Then a try every half hour, until [`MAX_ATTEMPTS`].
pub const BACKOFF_THEN_EVERY: Duration = Duration::from_secs(30 * 60);

/// Tries before a message fails: with the waits above, the last comes about three and
/// a half hours after the first. A booking reminder or a call is of no use later the
/// same day, and an administrator can still put failed messages back.
pub const MAX_ATTEMPTS: u32 = 12;

/// Requests in flight at once. A local webhook answers in about a millisecond, so 32
/// drain thousands a second; a remote API answering in 100 ms still takes over 300 a
/// second, more than a whole MPP's peak (a few messages a second).
pub const MAX_IN_FLIGHT: usize = 32;

/// Requests in flight to one channel: half of the whole, so a channel that hangs until
/// the timeout leaves the other half to the rest.
pub const PER_CHANNEL_IN_FLIGHT: usize = MAX_IN_FLIGHT / 2;

/// Free places that make the sender look for more rows while requests are running:
/// one query fills several places instead of one query a finished request.
const REFILL_AT: usize = 8;

/// How often an idle sender looks for due rows: a new message waits at most this long
/// (a quarter second is nothing next to a phone's delivery), and the query it costs is
/// a single index look-up.
pub const IDLE: Duration = Duration::from_millis(250);

/// Outcomes written in one transaction at most, and how long the first of them may
/// wait for others: a few commits a second at full speed instead of one a message.
const FLUSH_AT: usize = 128;
const FLUSH_EVERY: Duration = Duration::from_millis(50);

/// Outcomes kept while the database refuses writes; beyond that no more rows are
/// taken, so a broken disk does not make the sender grow.
const UNWRITTEN_MAX: usize = 1024;

/// Wait after a database error before trying again.
const ERROR_PAUSE: Duration = Duration::from_secs(1);

/// A receiver that does not even accept the connection within 5 s is down or far away.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A whole request, answer included: APIs answer in well under a second; ten leaves
/// room for a slow day without letting a hanging receiver hold a place for long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes of an answer read: enough for any error message; a receiver answering with
/// more is not read further (its connection is then not reused).
const ANSWER_BYTES: usize = 16 * 1024;

/// When tries are made: the waits after each failed try, and how many tries in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    /// The waits after the 1st, 2nd, … failed try.
    pub steps: Vec<Duration>,
    /// The wait after each failed try past `steps`.
    pub then_every: Duration,
    /// Tries in all; the row fails after the last.
    pub max_attempts: u32,
}

impl Backoff {
    /// The schedule of the spec: 5 s, 15 s, 1 min, 5 min, 15 min, then every 30 min,
    /// 12 tries.
    pub fn standard() -> Backoff {
        Backoff {
            steps: BACKOFF_STEPS.to_vec(),
            then_every: BACKOFF_THEN_EVERY,
            max_attempts: MAX_ATTEMPTS,
        }
    }

    /// The wait after the `attempts`-th try failed; `None` when that was the last.
    pub fn after(&self, attempts: u32) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let i = attempts.saturating_sub(1) as usize;
        Some(self.steps.get(i).copied().unwrap_or(self.then_every))
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::standard()
    }
}

/// How the sender runs; [`SenderOptions::default`] is production's. Tests shorten the
/// waits.
#[derive(Debug, Clone, PartialEq)]
pub struct SenderOptions {
    pub backoff: Backoff,
    pub idle: Duration,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl Default for SenderOptions {
    fn default() -> SenderOptions {
        SenderOptions {
            backoff: Backoff::standard(),
            idle: IDLE,
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
        }
    }
}

/// Starts the sender on the current Tokio runtime. `config` is asked for the current
/// `[notify]` section before every look for due rows, so a changed configuration
/// applies without a restart. It runs until `shutdown` becomes true (or its sender is
/// dropped).
pub fn spawn(
    db_path: PathBuf,
    site_code: String,
    config: impl Fn() -> Arc<NotifyConfig> + Send + Sync + 'static,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    spawn_with(
        db_path,
        site_code,
        config,
        shutdown,
        SenderOptions::default(),
    )
}

/// [`spawn`] with options of its own.
pub fn spawn_with(
    db_path: PathBuf,
    site_code: String,
    config: impl Fn() -> Arc<NotifyConfig> + Send + Sync + 'static,
    shutdown: watch::Receiver<bool>,
    options: SenderOptions,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut sender = Sender {
            db_path,
            site: Arc::from(site_code),
            config: Box::new(config),
            shutdown,
            stopped: false,
            backoff: Arc::new(options.backoff.clone()),
            options,
        };
        sender.run().await;
        tracing::info!("notifications: sender stopped");
    })
}

type Db = Arc<Mutex<Connection>>;

struct Sender {
    db_path: PathBuf,
    site: Arc<str>,
    config: Box<dyn Fn() -> Arc<NotifyConfig> + Send + Sync>,
    shutdown: watch::Receiver<bool>,
    /// The shutdown sender is gone: as good as told to stop.
    stopped: bool,
    backoff: Arc<Backoff>,
    options: SenderOptions,
}

/// A request in flight.
struct Running {
    row: i64,
    attempts: u32,
    channel: String,
}

impl Sender {
    fn stopping(&self) -> bool {
        self.stopped || *self.shutdown.borrow()
    }

    /// Sleeps until `until`, or less if told to stop.
    async fn pause(&mut self, until: Instant) {
        if self.stopping() {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep_until(until) => {}
            changed = self.shutdown.changed() => if changed.is_err() { self.stopped = true },
        }
    }

    async fn run(&mut self) {
        let client = match client(&self.options) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(
                    "notifications: cannot make the HTTP client, nothing will be sent: {}",
                    classify::chain(&e)
                );
                return;
            }
        };
        let db: Db = loop {
            match outbox::open(&self.db_path) {
                Ok(conn) => break Arc::new(Mutex::new(conn)),
                Err(e) => {
                    tracing::warn!("notifications: cannot open the database: {e:#}");
                    self.pause(Instant::now() + ERROR_PAUSE).await;
                    if self.stopping() {
                        return;
                    }
                }
            }
        };
        let mut tasks: JoinSet<Outcome> = JoinSet::new();
        let mut running: HashMap<tokio::task::Id, Running> = HashMap::new();
        let mut per_channel: HashMap<String, usize> = HashMap::new();
        // Rows taken and not yet written back: never taken twice.
        let mut held: HashSet<i64> = HashSet::new();
        let mut done: Vec<Outcome> = Vec::new();
        let mut first_done: Option<Instant> = None;
        let mut write_again_at = Instant::now();
        // Whether more rows may be due right now (the last look filled its places).
        let mut more = true;
        let mut next_look = Instant::now();
        loop {
            let now = Instant::now();
            let stopping = self.stopping();
            let flush = !done.is_empty()
                && now >= write_again_at
                && (stopping
                    || tasks.is_empty()
                    || done.len() >= FLUSH_AT
                    || first_done.is_some_and(|t| now >= t + FLUSH_EVERY));
            if flush {
                let batch = std::mem::take(&mut done);
                match write(&db, batch.clone()).await {
                    Ok(()) => {
                        report(&batch);
                        for o in &batch {
                            held.remove(&o.id());
                        }
                        first_done = None;
                    }
                    Err(e) => {
                        tracing::warn!(
                            "notifications: cannot record {} outcomes: {e:#}",
                            batch.len()
                        );
                        done = batch;
                        write_again_at = now + ERROR_PAUSE;
                    }
                }
            }
            if stopping {
                tasks.abort_all();
                while let Some(joined) = tasks.join_next().await {
                    // Finished before the abort: worth recording. The others stay
                    // pending and go out after the next start.
                    if let Ok(outcome) = joined {
                        done.push(outcome);
                    }
                }
                if let Err(e) = write(&db, std::mem::take(&mut done)).await {
                    tracing::warn!(
                        "notifications: outcomes lost at shutdown, those messages will be sent again: {e:#}"
                    );
                }
                return;
            }
            let cfg = (self.config)();
            let free = MAX_IN_FLIGHT.saturating_sub(tasks.len());
            let in_flight = |name: &str| per_channel.get(name).copied().unwrap_or(0);
            // Places the enabled channels can still take.
            let room = free.min(
                cfg.channels
                    .iter()
                    .filter(|c| c.enabled)
                    .map(|c| PER_CHANNEL_IN_FLIGHT.saturating_sub(in_flight(&c.name)))
                    .sum(),
            );
            let look = (tasks.is_empty() || room >= REFILL_AT)
                && (more || now >= next_look)
                && done.len() < UNWRITTEN_MAX;
            if look {
                // Rows of channels gone or disabled fail without a place, so some are
                // taken even with no room.
                let limit = room.max(REFILL_AT).min(free);
                let except_ids: Vec<i64> = held.iter().copied().collect();
                let full: Vec<String> = per_channel
                    .iter()
                    .filter(|(_, n)| **n >= PER_CHANNEL_IN_FLIGHT)
                    .map(|(c, _)| c.clone())
                    .collect();
                let now_ms = now_ms();
                let found = blocking(&db, move |conn| {
                    let full: Vec<&str> = full.iter().map(String::as_str).collect();
                    outbox::due(conn, now_ms, limit, &except_ids, &full)
                })
                .await;
                match found {
                    Ok(rows) => {
                        more = rows.len() == limit;
                        let mut placed = 0;
                        for row in rows {
                            let Some(channel) = usable(&cfg, &row.channel) else {
                                held.insert(row.id);
                                first_done.get_or_insert(now);
                                done.push(Outcome::Failed {
                                    id: row.id,
                                    attempts: row.attempts,
                                    error: unusable(&cfg, &row.channel),
                                });
                                continue;
                            };
                            let busy = per_channel.entry(row.channel.clone()).or_default();
                            if *busy >= PER_CHANNEL_IN_FLIGHT {
                                // Taken again once one of the channel's requests ends.
                                more = false;
                                continue;
                            }
                            *busy += 1;
                            held.insert(row.id);
                            let info = Running {
                                row: row.id,
                                attempts: row.attempts + 1,
                                channel: row.channel.clone(),
                            };
                            let handle = tasks.spawn(attempt(
                                client.clone(),
                                channel.clone(),
                                self.site.clone(),
                                row,
                                self.backoff.clone(),
                            ));
                            running.insert(handle.id(), info);
                            placed += 1;
                        }
                        if !more {
                            next_look = now + self.options.idle;
                        } else if placed < limit {
                            // Rows failed without taking places: look again at once.
                            continue;
                        }
                    }
                    Err(e) => {
                        tracing::warn!("notifications: cannot read the outbox: {e:#}");
                        more = false;
                        next_look = now + ERROR_PAUSE;
                    }
                }
                // Rows failed without a request are written at once if nothing runs.
                if tasks.is_empty() && !done.is_empty() {
                    continue;
                }
            }
            // With more rows due but no room, a finished request wakes the loop.
            let mut wake = if more {
                now + self.options.idle
            } else {
                next_look.max(now)
            };
            if let Some(t) = first_done {
                wake = wake.min((t + FLUSH_EVERY).max(write_again_at));
            }
            tokio::select! {
                Some(joined) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                    let (id, outcome) = match joined {
                        Ok((id, outcome)) => (id, Some(outcome)),
                        Err(e) => (e.id(), None),
                    };
                    if let Some(r) = running.remove(&id) {
                        if let Some(n) = per_channel.get_mut(&r.channel) {
                            *n = n.saturating_sub(1);
                        }
                        let outcome = outcome.unwrap_or_else(|| {
                            // Only a bug ends a try this way; back off as for any failure.
                            let error = "internal error while sending".to_string();
                            retry_or_fail(&self.backoff, r.row, r.attempts, error)
                        });
                        first_done.get_or_insert_with(Instant::now);
                        done.push(outcome);
                    }
                    more = true;
                }
                () = tokio::time::sleep_until(wake) => {}
                changed = self.shutdown.changed() => if changed.is_err() { self.stopped = true },
            }
        }
    }
}

/// The channel of a row, if it is configured and enabled.
fn usable<'a>(cfg: &'a NotifyConfig, name: &str) -> Option<&'a ChannelConfig> {
    cfg.channel(name).filter(|c| c.enabled)
}

fn unusable(cfg: &NotifyConfig, name: &str) -> String {
    match cfg.channel(name) {
        Some(_) => format!("channel {name:?} is disabled"),
        None => format!("channel {name:?} is no longer configured"),
    }
}

/// One try of one row.
async fn attempt(
    client: reqwest::Client,
    channel: ChannelConfig,
    site: Arc<str>,
    row: Row,
    backoff: Arc<Backoff>,
) -> Outcome {
    let attempts = row.attempts + 1;
    match deliver(&client, &channel, &site, &row).await {
        Verdict::Sent => Outcome::Sent {
            id: row.id,
            attempts,
            at_ms: now_ms(),
        },
        Verdict::Temporary(error) => retry_or_fail(&backoff, row.id, attempts, error),
        Verdict::Permanent(error) => Outcome::Failed {
            id: row.id,
            attempts,
            error,
        },
    }
}

fn retry_or_fail(backoff: &Backoff, id: i64, attempts: u32, error: String) -> Outcome {
    match backoff.after(attempts) {
        Some(wait) => Outcome::Retry {
            id,
            attempts,
            next_at_ms: now_ms()
                .saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
            error,
        },
        None => Outcome::Failed {
            id,
            attempts,
            error: format!("gave up after {attempts} tries: {error}"),
        },
    }
}

/// Builds the channel's request for the row, sends it and judges the answer.
pub async fn deliver(
    client: &reqwest::Client,
    channel: &ChannelConfig,
    site: &str,
    row: &Row,
) -> Verdict {
    let msg = match Envelope::open(site, row) {
        Ok(msg) => msg,
        Err(e) => return Verdict::Permanent(format!("{e:#}")),
    };
    let request = match channel.kind {
        ChannelKind::Webhook => {
            webhook::request(client, channel, &msg, jiff::Timestamp::now().as_second())
        }
        ChannelKind::WhatsappCloud => whatsapp_cloud::request(client, channel, &msg),
        ChannelKind::WaGateway | ChannelKind::Sms => form_gateway::request(client, channel, &msg),
    };
    let request = match request {
        Ok(r) => r,
        Err(e) => return Verdict::Permanent(format!("cannot make the request: {e:#}")),
    };
    match client.execute(request).await {
        Err(e) => classify::transport(e),
        Ok(response) => {
            let status = response.status();
            let answer = read_start(response).await;
            classify::answer(channel.kind, status, &answer)
        }
    }
}

/// The first [`ANSWER_BYTES`] of an answer, as text. An answer cut short is judged by
/// what came of it.
async fn read_start(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < ANSWER_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(ANSWER_BYTES);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One client for every channel: its connections are kept alive and reused. Redirects
/// are not followed: a POST redirected would become a GET, and a moved receiver should
/// be configured where it is.
fn client(options: &SenderOptions) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .pool_max_idle_per_host(MAX_IN_FLIGHT)
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Antre/", env!("CARGO_PKG_VERSION")))
        .build()
}

async fn write(db: &Db, outcomes: Vec<Outcome>) -> anyhow::Result<()> {
    if outcomes.is_empty() {
        return Ok(());
    }
    blocking(db, move |conn| outbox::record(conn, &outcomes)).await
}

/// Runs a database call off the runtime's threads: a call may wait up to the busy
/// timeout for the writer.
async fn blocking<T: Send + 'static>(
    db: &Db,
    f: impl FnOnce(&mut Connection) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut conn)
    })
    .await
    .map_err(|e| anyhow::anyhow!("the database call failed: {e}"))?
}

/// Logs what a written batch holds that someone may want to know.
fn report(batch: &[Outcome]) {
    let mut retried = 0;
    let mut failed = 0;
    let mut example = None;
    for o in batch {
        match o {
            Outcome::Sent { .. } => {}
            Outcome::Retry { error, .. } => {
                retried += 1;
                example.get_or_insert(error);
            }
            Outcome::Failed { id, error, .. } => {
                failed += 1;
                tracing::warn!(outbox_id = id, "notifications: message failed: {error}");
            }
        }
    }
    if retried > 0 {
        tracing::info!(
            retried,
            failed,
            "notifications: {retried} messages to try again later, e.g. {}",
            example.map(String::as_str).unwrap_or_default()
        );
    }
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_schedule() {
        let b = Backoff::standard();
        let waits: Vec<u64> = (1..=12)
            .map(|n| b.after(n).map(|d| d.as_secs()).unwrap_or(0))
            .collect();
        assert_eq!(
            waits,
            [5, 15, 60, 300, 900, 1800, 1800, 1800, 1800, 1800, 1800, 0]
        );
        assert_eq!(b.after(13), None);
        // From the first try to the last.
        let total: u64 = waits.iter().sum();
        assert_eq!(total, 12_080); // 3 h 21 min
        assert_eq!(SenderOptions::default().backoff, b);
    }

    #[test]
    fn retry_until_the_last_try() {
        let b = Backoff::standard();
        let before = now_ms();
        match retry_or_fail(&b, 7, 1, "HTTP 500".into()) {
            Outcome::Retry {
                id,
                attempts,
                next_at_ms,
                error,
            } => {
                assert_eq!((id, attempts, error.as_str()), (7, 1, "HTTP 500"));
                assert!(next_at_ms >= before + 5000 && next_at_ms <= now_ms() + 5000);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            retry_or_fail(&b, 7, 12, "HTTP 500".into()),
            Outcome::Failed {
                id: 7,
                attempts: 12,
                error: "gave up after 12 tries: HTTP 500".into()
            }
        );
    }

    #[test]
    fn unusable_channels_are_named() {
        let cfg: NotifyConfig = toml::from_str(
            "[[channels]]\nname='off'\nkind='webhook'\nurl='http://x'\nsecret='s'\nenabled=false",
        )
        .unwrap();
        assert!(usable(&cfg, "off").is_none());
        assert_eq!(unusable(&cfg, "off"), "channel \"off\" is disabled");
        assert_eq!(
            unusable(&cfg, "gone"),
            "channel \"gone\" is no longer configured"
        );
    }
}
