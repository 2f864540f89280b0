//! The kiosk agent: follows the server's stream, prints every ticket issued at its
//! kiosk, and reports the printer's health.
//!
//! It resumes where it stopped: the last event whose tickets are all printed is kept
//! in a small state file, and the stream is rejoined with `since=SEQ`, so tickets
//! issued while the agent (or the network, or the server) was away are printed when
//! it is back, and each ticket once.

use std::path::PathBuf;
use std::time::Duration;

use antre_protocol::{
    EventKind, KioskStatusAnswer, KioskStatusReport, PrintJob, SiteInfo, StreamMessage,
};
use anyhow::bail;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio_tungstenite::tungstenite::Message;

use crate::layout::{render, track_url};
use crate::spool::{PrintTask, Spool, SpoolHandle, SpoolReport};
use crate::url::PrinterUrl;

/// A report goes out at least this often, so the server can tell a live kiosk from a
/// dead one (it allows three missed heartbeats) and hand over reprint requests.
const HEARTBEAT: Duration = Duration::from_secs(5);

/// Reconnect pauses grow from one second to this, so a restarting server is rejoined
/// at once and a server that is down for long is not flooded.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// First reconnect pause: a server restart takes about a second, so the first retry
/// usually finds it back.
const MIN_BACKOFF: Duration = Duration::from_secs(1);

/// HTTP requests to the server on the LAN; a server that takes longer is treated as
/// away.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Options {
    /// The server's base URL, `http://host:port`.
    pub server: String,
    pub kiosk: String,
    pub token: String,
    pub printer: PrinterUrl,
    pub state: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    handled_seq: u64,
}

fn load_state(path: &std::path::Path) -> State {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn save_state(path: &std::path::Path, state: &State) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec(state).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(tmp, path)
}

struct Agent {
    options: Options,
    http: reqwest::Client,
    base: String,
}

/// Runs until the process is stopped. Returns an error only for what a person must
/// fix: an unknown kiosk or a refused token.
pub async fn run(options: Options) -> anyhow::Result<()> {
    let base = options.server.trim_end_matches('/').to_string();
    // The agent talks to the server on the MPP's own LAN and carries no TLS stack
    // (building needs no system libraries).
    anyhow::ensure!(
        base.starts_with("http://"),
        "--server {base:?}: expected http://HOST:PORT (the server on the LAN; https is not supported)"
    );
    let http = reqwest::Client::builder().timeout(HTTP_TIMEOUT).build()?;
    let agent = Agent {
        options,
        http,
        base,
    };
    let site = agent.site().await;
    if !site.kiosks.iter().any(|k| k.code == agent.options.kiosk) {
        let known: Vec<&str> = site.kiosks.iter().map(|k| k.code.as_str()).collect();
        bail!(
            "kiosk {:?} is not in the site config of {} (known kiosks: {})",
            agent.options.kiosk,
            agent.base,
            known.join(", ")
        );
    }
    let state = load_state(&agent.options.state);
    let spool = Spool::start(agent.options.printer.clone(), state.handled_seq);
    // The first report checks the token before anything is printed.
    let first = spool.reports().borrow().clone();
    loop {
        match agent.report(&first).await {
            Ok(_) => break,
            Err(ReportError::Refused(why)) => bail!("{why}"),
            Err(ReportError::Away(why)) => {
                tracing::warn!("server away ({why}); retrying");
                tokio::time::sleep(MIN_BACKOFF).await;
            }
        }
    }
    tracing::info!(
        kiosk = agent.options.kiosk,
        printer = agent.options.printer.text,
        resume = state.handled_seq,
        "kiosk agent running"
    );
    let agent = std::sync::Arc::new(agent);
    let reporter = tokio::spawn(report_loop(agent.clone(), spool.reports(), spool.handle()));
    let result = agent.follow(&spool, state.handled_seq).await;
    reporter.abort();
    result
}

enum ReportError {
    Refused(String),
    Away(String),
}

impl Agent {
    /// The site description, retried until the server answers (a kiosk PC often boots
    /// before the server).
    async fn site(&self) -> SiteInfo {
        let mut backoff = MIN_BACKOFF;
        loop {
            let answer = self
                .http
                .get(format!("{}/api/v1/site", self.base))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status);
            match answer {
                Ok(res) => match res.json::<SiteInfo>().await {
                    Ok(site) => return site,
                    Err(e) => tracing::warn!("unreadable site description: {e}"),
                },
                Err(e) => tracing::warn!("server {} away: {e}; retrying", self.base),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    async fn report(&self, report: &SpoolReport) -> Result<KioskStatusAnswer, ReportError> {
        let body = KioskStatusReport {
            printer: report.printer.clone(),
            jobs: report.jobs.clone(),
            queued: report.queued,
            handled_seq: report.handled_seq,
            agent: Some(format!("antre-kiosk {}", env!("CARGO_PKG_VERSION"))),
        };
        let res = self
            .http
            .post(format!(
                "{}/api/v1/kiosks/{}/status",
                self.base, self.options.kiosk
            ))
            .bearer_auth(&self.options.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| ReportError::Away(e.to_string()))?;
        match res.status().as_u16() {
            200 => res
                .json()
                .await
                .map_err(|e| ReportError::Away(e.to_string())),
            401 | 403 => Err(ReportError::Refused(format!(
                "the server refused the token of kiosk {} ({}): check --token",
                self.options.kiosk,
                res.text().await.unwrap_or_default()
            ))),
            404 => Err(ReportError::Refused(format!(
                "the server does not know kiosk {}",
                self.options.kiosk
            ))),
            _ => Err(ReportError::Away(format!("status {}", res.status()))),
        }
    }

    /// The print job of a ticket; `None` when the ticket is gone or no longer waits.
    async fn job(&self, ticket: u64) -> Result<Option<PrintJob>, String> {
        let res = self
            .http
            .get(format!(
                "{}/api/v1/kiosks/{}/tickets/{ticket}",
                self.base, self.options.kiosk
            ))
            .bearer_auth(&self.options.token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        match res.status().as_u16() {
            200 => res.json().await.map(Some).map_err(|e| e.to_string()),
            404 => Ok(None),
            s => Err(format!("status {s}")),
        }
    }

    fn task(&self, job: &PrintJob, seq: u64, reprint: bool) -> Option<PrintTask> {
        let token = job.ticket.track_token.as_deref()?;
        let base = job.public_url.as_deref().unwrap_or(&self.base);
        let url = track_url(base, token);
        match render(job, &url, self.options.printer.layout, reprint) {
            Ok(bytes) => Some(PrintTask {
                ticket: job.ticket.id,
                number: job.ticket.number.clone(),
                seq,
                bytes,
                reprint,
            }),
            Err(e) => {
                tracing::error!(ticket = job.ticket.id, "cannot lay out the ticket: {e}");
                None
            }
        }
    }

    /// Follows the stream forever, reconnecting with backoff.
    async fn follow(&self, spool: &Spool, mut since: u64) -> anyhow::Result<()> {
        let ws_base = self.base.replacen("http", "ws", 1);
        let mut backoff = MIN_BACKOFF;
        loop {
            let url = if since > 0 {
                format!("{ws_base}/api/v1/stream?since={since}")
            } else {
                format!("{ws_base}/api/v1/stream")
            };
            match tokio_tungstenite::connect_async(&url).await {
                Ok((mut ws, _)) => {
                    tracing::info!("connected to {url}");
                    backoff = MIN_BACKOFF;
                    while let Some(msg) = ws.next().await {
                        let Ok(msg) = msg else { break };
                        let Message::Text(text) = msg else { continue };
                        match serde_json::from_str::<StreamMessage>(&text) {
                            Ok(StreamMessage::Snapshot(s)) => {
                                if since > 0 && s.seq > since {
                                    tracing::warn!(
                                        "the server sent a snapshot instead of events {since}..{}: \
                                         tickets issued meanwhile cannot be printed",
                                        s.seq
                                    );
                                }
                                if s.seq < since {
                                    // Not the log printed from before (a new
                                    // database): follow this one from here.
                                    tracing::warn!(
                                        "the server's log ends at {} before {since}: a new database",
                                        s.seq
                                    );
                                    spool.restart_at(s.seq);
                                } else {
                                    spool.seen(s.seq);
                                }
                                since = s.seq;
                            }
                            Ok(StreamMessage::Event(e)) => {
                                if e.kind == EventKind::TicketIssued
                                    && let Some(t) = &e.ticket
                                    && t.kiosk.as_deref() == Some(self.options.kiosk.as_str())
                                {
                                    match self.job(t.id).await {
                                        Ok(Some(job)) if job.ticket.status.is_live() => {
                                            if let Some(task) = self.task(&job, e.seq, false) {
                                                spool.print(task);
                                            }
                                        }
                                        Ok(_) => tracing::info!(
                                            ticket = t.id,
                                            "not printed: the ticket no longer waits"
                                        ),
                                        Err(why) => {
                                            tracing::warn!("cannot fetch ticket {}: {why}", t.id);
                                            // Come back for it: reconnect from before it.
                                            break;
                                        }
                                    }
                                }
                                since = e.seq;
                                spool.seen(since);
                            }
                            Err(e) => tracing::warn!("unreadable stream message: {e}"),
                        }
                    }
                    tracing::warn!("stream lost; reconnecting (menghubungkan ulang)");
                }
                Err(e) => tracing::warn!("cannot reach {url}: {e}; reconnecting"),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}

/// Sends a report whenever the spool's state changes and at every heartbeat; keeps the
/// state file; turns reprint requests into print jobs.
async fn report_loop(
    agent: std::sync::Arc<Agent>,
    mut reports: tokio::sync::watch::Receiver<SpoolReport>,
    spool: SpoolHandle,
) {
    let mut saved = None;
    loop {
        let report = reports.borrow_and_update().clone();
        if saved != Some(report.handled_seq) {
            let state = State {
                handled_seq: report.handled_seq,
            };
            match save_state(&agent.options.state, &state) {
                Ok(()) => saved = Some(report.handled_seq),
                Err(e) => tracing::warn!("cannot save {}: {e}", agent.options.state.display()),
            }
        }
        match agent.report(&report).await {
            Ok(answer) => {
                for ticket in answer.reprint {
                    match agent.job(ticket).await {
                        Ok(Some(job)) => {
                            if let Some(task) = agent.task(&job, 0, true) {
                                spool.print(task);
                            }
                        }
                        Ok(None) => tracing::warn!(ticket, "reprint of an unknown ticket"),
                        Err(why) => tracing::warn!(ticket, "cannot fetch ticket to reprint: {why}"),
                    }
                }
            }
            Err(ReportError::Refused(why) | ReportError::Away(why)) => {
                tracing::warn!("status report not delivered: {why}");
            }
        }
        if matches!(
            tokio::time::timeout(HEARTBEAT, reports.changed()).await,
            Ok(Err(_))
        ) {
            return; // the spool stopped
        }
    }
}
