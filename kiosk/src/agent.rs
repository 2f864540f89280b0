//! The kiosk agent: follows the server's stream, prints every ticket issued at its
//! kiosk, and reports the printer's health.
//!
//! It resumes where it stopped: the last event whose tickets are all printed is kept
//! in a small state file, and the stream is rejoined with `since=SEQ`, so tickets
//! issued while the agent (or the network, or the server) was away are printed when
//! it is back, and each ticket once. Following the stream (reconnecting, noticing a
//! silent connection, skipping repeated events) is `antre-client`'s, shared with the
//! other native clients; what is done with each message is here.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use antre_client::follow::{self as stream, Control, Feed, Handler};
use antre_client::{Address, Backoff};
use antre_protocol::{KioskStatusAnswer, PrintJob};
use anyhow::{anyhow, bail};

use crate::follow::{self, Follower, load_state, status_report};
use crate::spool::{Spool, SpoolReport};
use crate::url::PrinterUrl;

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
    server: Address,
}

/// Runs until the process is stopped. Returns an error only for what a person must
/// fix: an address it cannot use, a server that does not answer like Antre, an unknown
/// kiosk or a refused token.
pub async fn run(options: Options) -> anyhow::Result<()> {
    // The agent talks to the server on the MPP's own LAN and carries no TLS stack
    // (building needs no system libraries).
    let server = Address::parse(&options.server).map_err(|e| anyhow!("--server {e}"))?;
    let http = reqwest::Client::builder().timeout(HTTP_TIMEOUT).build()?;
    let agent = Agent {
        options,
        http,
        server,
    };
    // A kiosk PC often boots before the server: this waits for it.
    let site = antre_client::site::load(&agent.http, &agent.server).await?;
    if !site.kiosks.iter().any(|k| k.code == agent.options.kiosk) {
        let known: Vec<&str> = site.kiosks.iter().map(|k| k.code.as_str()).collect();
        bail!(
            "kiosk {:?} is not in the site config of {} (known kiosks: {})",
            agent.options.kiosk,
            agent.server,
            known.join(", ")
        );
    }
    let handled_seq = load_state(&agent.options.state);
    let spool = Spool::start(agent.options.printer.clone(), handled_seq);
    // The first report checks the token before anything is printed.
    let first = spool.reports().borrow().clone();
    let mut backoff = Backoff::new();
    loop {
        match agent.post_status(&first).await {
            Ok(_) => break,
            Err(ReportError::Refused(why)) => bail!("{why}"),
            Err(ReportError::Away(why)) => {
                let pause = backoff.next_pause();
                tracing::warn!("server away ({why}); retrying in {pause:.1?}");
                tokio::time::sleep(pause).await;
            }
        }
    }
    tracing::info!(
        kiosk = agent.options.kiosk,
        printer = agent.options.printer.text,
        resume = handled_seq,
        "kiosk agent running"
    );
    let server = agent.server.clone();
    let follower = Arc::new(Follower {
        kiosk: agent.options.kiosk.clone(),
        layout: agent.options.printer.layout,
        base: agent.server.http().to_string(),
        state: agent.options.state.clone(),
        server: agent,
    });
    let mut options = stream::Options::new(server);
    // Nothing remembered: start from a snapshot, not from the log's beginning.
    if handled_seq > 0 {
        options = options.since(handled_seq);
    }
    let reporter = tokio::spawn(
        follower
            .clone()
            .report_loop(spool.reports(), spool.handle()),
    );
    let mut printing = Printing {
        follower: &follower,
        spool: &spool,
        since: handled_seq,
    };
    // Runs for ever: the handler never stops it.
    stream::Follower::new(options).run(&mut printing).await;
    reporter.abort();
    Ok(())
}

enum ReportError {
    Refused(String),
    Away(String),
}

impl Agent {
    async fn post_status(&self, report: &SpoolReport) -> Result<KioskStatusAnswer, ReportError> {
        let body = status_report(report, format!("antre-kiosk {}", env!("CARGO_PKG_VERSION")));
        let res = self
            .http
            .post(
                self.server
                    .url(&format!("/api/v1/kiosks/{}/status", self.options.kiosk)),
            )
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
            .get(self.server.url(&format!(
                "/api/v1/kiosks/{}/tickets/{ticket}",
                self.options.kiosk
            )))
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

    async fn report(&self, report: &SpoolReport) -> Result<KioskStatusAnswer, String> {
        match self.post_status(report).await {
            Ok(answer) => Ok(answer),
            Err(ReportError::Refused(why) | ReportError::Away(why)) => Err(why),
        }
    }
}

/// What the agent does with the stream: prints the tickets of its kiosk's events and
/// moves the spool's mark past every event it has dealt with.
struct Printing<'a> {
    follower: &'a Follower<Agent>,
    spool: &'a Spool,
    /// The last message accepted, as the stream follower resumes after it.
    since: u64,
}

impl Handler for Printing<'_> {
    async fn on(&mut self, feed: Feed) -> Control {
        match feed {
            Feed::Snapshot(s) => {
                let since = self.since;
                if since > 0 && s.seq > since {
                    tracing::warn!(
                        "the server sent a snapshot instead of events {since}..{}: \
                         tickets issued meanwhile cannot be printed",
                        s.seq
                    );
                }
                if s.seq < since {
                    // Not the log printed from before (a new database): follow this
                    // one from here.
                    tracing::warn!(
                        "the server's log ends at {} before {since}: a new database",
                        s.seq
                    );
                    self.spool.restart_at(s.seq);
                } else {
                    self.spool.seen(s.seq);
                }
                self.since = s.seq;
                Control::Continue
            }
            Feed::Event(e) => {
                if self.follower.handle(self.spool, e.seq, &e).await.is_err() {
                    // Come back for it: the follower reconnects from before it.
                    return Control::Retry;
                }
                self.since = e.seq;
                self.spool.seen(e.seq);
                Control::Continue
            }
            Feed::Online | Feed::Offline(_) => Control::Continue,
        }
    }
}
