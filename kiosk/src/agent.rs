//! The kiosk agent: follows the server's stream, prints every ticket issued at its
//! kiosk, and reports the printer's health.
//!
//! It resumes where it stopped: the last event whose tickets are all printed is kept
//! in a small state file, and the stream is rejoined with `since=SEQ`, so tickets
//! issued while the agent (or the network, or the server) was away are printed when
//! it is back, and each ticket once.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use antre_protocol::{KioskStatusAnswer, PrintJob, SiteInfo, StreamMessage};
use anyhow::bail;
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

use crate::follow::{self, Follower, load_state, status_report};
use crate::spool::{Spool, SpoolReport};
use crate::url::PrinterUrl;

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
    let handled_seq = load_state(&agent.options.state);
    let spool = Spool::start(agent.options.printer.clone(), handled_seq);
    // The first report checks the token before anything is printed.
    let first = spool.reports().borrow().clone();
    loop {
        match agent.post_status(&first).await {
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
        resume = handled_seq,
        "kiosk agent running"
    );
    let follower = Arc::new(Follower {
        kiosk: agent.options.kiosk.clone(),
        layout: agent.options.printer.layout,
        base: agent.base.clone(),
        state: agent.options.state.clone(),
        server: agent,
    });
    let reporter = tokio::spawn(
        follower
            .clone()
            .report_loop(spool.reports(), spool.handle()),
    );
    let result = follow(&follower, &spool, handled_seq).await;
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

    async fn post_status(&self, report: &SpoolReport) -> Result<KioskStatusAnswer, ReportError> {
        let body = status_report(report, format!("antre-kiosk {}", env!("CARGO_PKG_VERSION")));
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
    async fn fetch_job(&self, ticket: u64) -> Result<Option<PrintJob>, String> {
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
}

/// Over HTTP: the print job and status endpoints of `/api/v1/kiosks/{code}`.
impl follow::Server for Agent {
    async fn job(&self, ticket: u64) -> Result<Option<PrintJob>, String> {
        self.fetch_job(ticket).await
    }

    async fn report(&self, report: &SpoolReport) -> Result<Vec<u64>, String> {
        match self.post_status(report).await {
            Ok(answer) => Ok(answer.reprint),
            Err(ReportError::Refused(why) | ReportError::Away(why)) => Err(why),
        }
    }
}

/// Follows the stream forever, reconnecting with backoff and rejoining with
/// `since=SEQ`, so a ticket whose job could not be fetched is met again.
async fn follow(follower: &Follower<Agent>, spool: &Spool, mut since: u64) -> anyhow::Result<()> {
    let ws_base = follower.base.replacen("http", "ws", 1);
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
                            if follower.handle(spool, e.seq, &e).await.is_err() {
                                // Come back for it: reconnect from before it.
                                break;
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
