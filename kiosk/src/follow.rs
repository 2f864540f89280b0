//! What every print loop does once it has an event in hand, shared by the
//! `antre-kiosk` agent (over HTTP and the WebSocket stream) and the server's own
//! printers (in-process): the state file, turning a ticket into a print task, the
//! printing of tickets issued at the kiosk, and the report loop with its reprints.
//!
//! Only the way events arrive stays with each side, because it truly differs: the
//! agent rejoins the stream with `since=SEQ` and the server answers a gap with a
//! snapshot, while the server reads its own broadcast and catches up from its event
//! log. Everything after that is the same code, so a fix to printing reaches both.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use antre_protocol::{Event, EventKind, KioskStatusAnswer, KioskStatusReport, PrintJob};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::layout::{LayoutOptions, render, test_slip, track_url};
use crate::spool::{PrintTask, Spool, SpoolHandle, SpoolReport};

/// A report goes out at least this often, so the server can tell a live kiosk from a
/// dead one (it allows three missed heartbeats) and hand over reprint requests.
pub const HEARTBEAT: Duration = Duration::from_secs(5);

/// How a print loop reaches the server: what differs between the agent and the
/// server's own printers.
pub trait Server: Send + Sync + 'static {
    /// The print job of a ticket; `None` when the ticket is gone. An error means the
    /// server could not be asked now (the caller may come back for it).
    fn job(&self, ticket: u64) -> impl Future<Output = Result<Option<PrintJob>, String>> + Send;

    /// Delivers a status report; answers what a manager asked for since (reprints, a
    /// test slip).
    fn report(
        &self,
        report: &SpoolReport,
    ) -> impl Future<Output = Result<KioskStatusAnswer, String>> + Send;

    /// Resolves when the server wants a report before the next heartbeat. Called
    /// right after each report; the wake-up should count from the call, not from the
    /// first poll. An agent cannot be woken that way and waits for the heartbeat.
    fn wake(&self) -> impl Future<Output = ()> + Send {
        std::future::pending()
    }
}

/// The state file's content: the last event whose tickets are all printed.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    handled_seq: u64,
}

/// Where a previous run stopped: 0 when nothing (readable) is remembered, so a lost
/// or damaged file starts afresh rather than stopping the printer.
pub fn load_state(path: &Path) -> u64 {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<State>(&b).ok())
        .unwrap_or_default()
        .handled_seq
}

/// Writes the state file whole or not at all (a temporary file renamed over it), so a
/// crash mid-write never leaves a file that reads as 0.
pub fn save_state(path: &Path, handled_seq: u64) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec(&State { handled_seq }).map_err(std::io::Error::other)?,
    )?;
    std::fs::rename(tmp, path)
}

/// The wire form of a spool's report; `agent` names the program that drives the
/// printer.
pub fn status_report(report: &SpoolReport, agent: String) -> KioskStatusReport {
    KioskStatusReport {
        printer: report.printer.clone(),
        jobs: report.jobs.clone(),
        queued: report.queued,
        handled_seq: report.handled_seq,
        agent: Some(agent),
    }
}

/// One kiosk's printer as a print loop drives it.
pub struct Follower<S> {
    pub server: S,
    /// The kiosk's code: only tickets issued there are printed.
    pub kiosk: String,
    pub layout: LayoutOptions,
    /// The address for QR codes when the site sets no `public_url`.
    pub base: String,
    /// The state file (see [`load_state`]).
    pub state: PathBuf,
}

impl<S: Server> Follower<S> {
    /// Lays out a ticket; `None` (logged) when it has no phone page or cannot be laid out.
    pub fn task(&self, job: &PrintJob, seq: u64, reprint: bool) -> Option<PrintTask> {
        let token = job.ticket.track_token.as_deref()?;
        let base = job.public_url.as_deref().unwrap_or(&self.base);
        let url = track_url(base, token);
        match render(job, &url, self.layout, reprint) {
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

    /// Prints the ticket of event `seq` when it was issued at this kiosk and still
    /// waits. An error means its print job could not be fetched: the caller decides
    /// whether to come back for it.
    pub async fn handle(&self, spool: &Spool, seq: u64, event: &Event) -> Result<(), String> {
        if event.kind != EventKind::TicketIssued {
            return Ok(());
        }
        let Some(t) = &event.ticket else {
            return Ok(());
        };
        if t.kiosk.as_deref() != Some(self.kiosk.as_str()) {
            return Ok(());
        }
        match self.server.job(t.id).await {
            Ok(Some(job)) if job.ticket.status.is_live() => {
                if let Some(task) = self.task(&job, seq, false) {
                    spool.print(task);
                }
            }
            Ok(_) => tracing::info!(ticket = t.id, "not printed: the ticket no longer waits"),
            Err(why) => {
                tracing::warn!("cannot fetch ticket {}: {why}", t.id);
                return Err(why);
            }
        }
        Ok(())
    }

    /// Sends a report whenever the spool's state changes, at every heartbeat and when
    /// woken; keeps the state file; turns reprint requests into print jobs. Returns
    /// when the spool stops.
    pub async fn report_loop(
        self: Arc<Self>,
        mut reports: watch::Receiver<SpoolReport>,
        spool: SpoolHandle,
    ) {
        let mut saved = None;
        loop {
            let report = reports.borrow_and_update().clone();
            if saved != Some(report.handled_seq) {
                match save_state(&self.state, report.handled_seq) {
                    Ok(()) => saved = Some(report.handled_seq),
                    Err(e) => tracing::warn!("cannot save {}: {e}", self.state.display()),
                }
            }
            match self.server.report(&report).await {
                Ok(answer) => {
                    for ticket in answer.reprint {
                        self.reprint(&spool, ticket).await;
                    }
                    if let Some(test) = answer.test_print {
                        self.test_print(&spool, &test);
                    }
                }
                Err(why) => tracing::warn!("status report not delivered: {why}"),
            }
            // Created after the report went out: a wake-up for the next one.
            let wake = self.server.wake();
            tokio::select! {
                changed = tokio::time::timeout(HEARTBEAT, reports.changed()) => {
                    if matches!(changed, Ok(Err(_))) {
                        return; // the spool stopped
                    }
                }
                () = wake => {}
            }
        }
    }

    fn test_print(&self, spool: &SpoolHandle, test: &antre_protocol::TestPrint) {
        match test_slip(test, self.layout) {
            // Not a ticket: id 0, and marked as a copy so it never moves the mark of
            // events handled.
            Ok(bytes) => spool.print(PrintTask {
                ticket: 0,
                number: "TES".into(),
                seq: 0,
                bytes,
                reprint: true,
            }),
            Err(e) => tracing::error!("cannot lay out the test slip: {e}"),
        }
    }

    async fn reprint(&self, spool: &SpoolHandle, ticket: u64) {
        match self.server.job(ticket).await {
            Ok(Some(job)) => {
                if let Some(task) = self.task(&job, 0, true) {
                    spool.print(task);
                }
            }
            Ok(None) => tracing::warn!(ticket, "reprint of an unknown ticket"),
            Err(why) => tracing::warn!(ticket, "cannot fetch ticket to reprint: {why}"),
        }
    }
}
