//! Printers the server drives itself: a kiosk whose `[[kiosks]]` entry names a
//! `printer` gets the same print spool as the `antre-kiosk` agent, run in-process. A
//! one-PC MPP needs no agent, and the demo prints text previews under its data
//! directory.
//!
//! Like the agent it remembers the last event whose tickets are all printed (in
//! `DATA/printers/CODE.json`), so tickets issued before a crash are printed after the
//! restart, each once.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use antre_kiosk::PrinterUrl;
use antre_kiosk::layout::{render, track_url};
use antre_kiosk::spool::{PrintTask, Spool, SpoolHandle, SpoolReport};
use antre_protocol::{Event, EventKind, KioskStatusReport};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;

use crate::config::SiteConfig;
use crate::http::Ctx;
use crate::http::kiosks::print_job;
use crate::store;

/// Reports as often as an agent does (see `http::kiosks::STALE_AFTER`).
const HEARTBEAT: Duration = Duration::from_secs(5);

/// Events read back from the log per round when catching up: a few hundred kilobytes
/// of JSON, small enough not to hold a read connection long, large enough that a
/// day's backlog takes a handful of rounds.
const CATCH_UP_BATCH: u64 = 1000;

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    handled_seq: u64,
}

/// Starts a print loop for every kiosk with a `printer`. `base` is the server's own
/// address, for QR codes when `[site] public_url` is not set.
pub fn start(config: &SiteConfig, ctx: &Ctx, data_dir: &Path, base: &str) -> anyhow::Result<()> {
    for kiosk in &config.kiosks {
        let Some(printer) = &kiosk.printer else {
            continue;
        };
        let url = PrinterUrl::parse(printer).with_context(|| format!("kiosk {}", kiosk.code))?;
        let dir = data_dir.join("printers");
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let state = dir.join(format!("{}.json", kiosk.code));
        tracing::info!(
            kiosk = kiosk.code,
            printer = url.text,
            "server-driven printer"
        );
        let printer = Printer {
            ctx: ctx.clone(),
            code: kiosk.code.clone(),
            url,
            state,
            base: ctx
                .kiosks
                .public_url
                .clone()
                .unwrap_or_else(|| base.to_string()),
        };
        tokio::spawn(printer.run());
    }
    Ok(())
}

struct Printer {
    ctx: Ctx,
    code: String,
    url: PrinterUrl,
    state: PathBuf,
    base: String,
}

impl Printer {
    async fn run(self) {
        let handled = std::fs::read(&self.state)
            .ok()
            .and_then(|b| serde_json::from_slice::<State>(&b).ok())
            .unwrap_or_default()
            .handled_seq;
        // Subscribe first: whatever is committed after this arrives on the channel, and
        // whatever came before is in the log.
        let events = self.ctx.queue.subscribe();
        let Ok(head) = self.ctx.queue.read(|_, seq, _| seq).await else {
            return;
        };
        // Nothing remembered: start from now. Remembered beyond the log's end: the
        // database is not the one printed from before (a new install); start from now.
        let start = if handled == 0 || handled > head {
            head
        } else {
            handled
        };
        let spool = Spool::start(self.url.clone(), start);
        let this = Arc::new(self);
        let reporter = tokio::spawn(this.clone().report_loop(spool.reports(), spool.handle()));
        this.follow(&spool, events, start, head).await;
        reporter.abort();
    }

    /// Prints the tickets issued at this kiosk, from the writer's broadcast, catching
    /// up from the event log after a restart or when it fell behind.
    async fn follow(
        &self,
        spool: &Spool,
        mut events: tokio::sync::broadcast::Receiver<Arc<crate::writer::Frame>>,
        start: u64,
        head: u64,
    ) {
        let mut last = start;
        if !self.catch_up(spool, &mut last, head).await {
            return;
        }
        spool.seen(last);
        loop {
            match events.recv().await {
                Ok(frame) => {
                    if frame.seq <= last {
                        continue;
                    }
                    self.handle(spool, frame.seq, &frame.json).await;
                    last = frame.seq;
                    spool.seen(last);
                }
                Err(RecvError::Lagged(_)) => {
                    let Ok(head) = self.ctx.queue.read(|_, seq, _| seq).await else {
                        return;
                    };
                    if !self.catch_up(spool, &mut last, head).await {
                        return;
                    }
                    spool.seen(last);
                }
                Err(RecvError::Closed) => return,
            }
        }
    }

    /// Handles the logged events after `last` up to `head`.
    async fn catch_up(&self, spool: &Spool, last: &mut u64, head: u64) -> bool {
        while *last < head {
            let db = self.ctx.db.clone();
            let since = *last;
            let rows = tokio::task::spawn_blocking(move || {
                let conn = store::open_reader(&db)?;
                store::events_after(&conn, since, CATCH_UP_BATCH)
            })
            .await;
            let rows = match rows {
                Ok(Ok(rows)) if !rows.is_empty() => rows,
                Ok(Ok(_)) => return true,
                Ok(Err(e)) => {
                    tracing::error!(kiosk = self.code, "cannot read the event log: {e:#}");
                    return false;
                }
                Err(_) => return false,
            };
            for (seq, payload) in rows {
                self.handle(spool, seq, &payload).await;
                *last = seq;
            }
        }
        true
    }

    async fn handle(&self, spool: &Spool, seq: u64, json: &str) {
        let Ok(event) = serde_json::from_str::<Event>(json) else {
            return;
        };
        if event.kind != EventKind::TicketIssued {
            return;
        }
        let Some(ticket) = event.ticket else { return };
        if ticket.kiosk.as_deref() != Some(self.code.as_str()) {
            return;
        }
        if let Some(task) = self.task(ticket.id, seq, false).await {
            spool.print(task);
        }
    }

    async fn task(&self, id: u64, seq: u64, reprint: bool) -> Option<PrintTask> {
        let public_url = self.ctx.kiosks.public_url.clone();
        let footer = self.ctx.kiosks.footer.clone();
        let job = self
            .ctx
            .queue
            .read(move |engine, _, _| print_job(engine, id, public_url, footer))
            .await
            .ok()??;
        if !reprint && !job.ticket.status.is_live() {
            return None;
        }
        let url = track_url(&self.base, job.ticket.track_token.as_deref()?);
        match render(&job, &url, self.url.layout, reprint) {
            Ok(bytes) => Some(PrintTask {
                ticket: id,
                number: job.ticket.number.clone(),
                seq,
                bytes,
                reprint,
            }),
            Err(e) => {
                tracing::error!(ticket = id, "cannot lay out the ticket: {e}");
                None
            }
        }
    }

    async fn report_loop(
        self: Arc<Self>,
        mut reports: tokio::sync::watch::Receiver<SpoolReport>,
        spool: SpoolHandle,
    ) {
        let mut saved = None;
        loop {
            let report = reports.borrow_and_update().clone();
            if saved != Some(report.handled_seq) {
                let json = serde_json::to_vec(&State {
                    handled_seq: report.handled_seq,
                })
                .unwrap_or_default();
                let tmp = self.state.with_extension("tmp");
                match std::fs::write(&tmp, json).and_then(|()| std::fs::rename(&tmp, &self.state)) {
                    Ok(()) => saved = Some(report.handled_seq),
                    Err(e) => tracing::warn!("cannot save {}: {e}", self.state.display()),
                }
            }
            let Ok(at) = self
                .ctx
                .queue
                .read(|engine, _, now| engine.format_time(now))
                .await
            else {
                return;
            };
            let body = KioskStatusReport {
                printer: report.printer,
                jobs: report.jobs,
                queued: report.queued,
                handled_seq: report.handled_seq,
                agent: Some(format!("antre {}", env!("CARGO_PKG_VERSION"))),
            };
            let answer = self.ctx.kiosks.report(&self.code, body, "server", at);
            for ticket in answer.reprint {
                if let Some(task) = self.task(ticket, 0, true).await {
                    spool.print(task);
                }
            }
            let wake = self.ctx.kiosks.wake.notified();
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
}
