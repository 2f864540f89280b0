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

use antre_kiosk::PrinterUrl;
use antre_kiosk::follow::{self, Follower, load_state, status_report};
use antre_kiosk::spool::{Spool, SpoolReport};
use antre_protocol::{Event, PrintJob};
use anyhow::Context;
use tokio::sync::broadcast::error::RecvError;

use crate::config::SiteConfig;
use crate::devices::Devices;
use crate::store;
use crate::writer::{Frame, Writer};

/// Events read back from the log per round when catching up: a few hundred kilobytes
/// of JSON, small enough not to hold a read connection long, large enough that a
/// day's backlog takes a handful of rounds.
const CATCH_UP_BATCH: u64 = 1000;

/// What a print loop needs of the running server.
#[derive(Debug, Clone)]
pub struct Parts {
    pub writer: Writer,
    pub devices: Arc<Devices>,
    /// The database file, for catching up from the event log.
    pub db: PathBuf,
}

/// Starts a print loop for every kiosk with a `printer`. `base` is the server's own
/// address, for QR codes when `[site] public_url` is not set.
pub fn start(
    config: &SiteConfig,
    parts: &Parts,
    data_dir: &Path,
    base: &str,
) -> anyhow::Result<()> {
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
        let follower = Follower {
            server: InProcess {
                parts: parts.clone(),
                code: kiosk.code.clone(),
            },
            kiosk: kiosk.code.clone(),
            layout: url.layout,
            base: base.to_string(),
            state,
        };
        tokio::spawn(run(follower, url));
    }
    Ok(())
}

/// The server seen from its own print loop: the engine for print jobs, the devices'
/// state for reports, and its wake-up when a manager asks for a reprint.
struct InProcess {
    parts: Parts,
    code: String,
}

impl follow::Server for InProcess {
    async fn job(&self, ticket: u64) -> Result<Option<PrintJob>, String> {
        self.parts
            .writer
            .read(move |engine, _, _| engine.print_job(ticket))
            .await
            .map_err(|_| "the writer stopped".to_string())
    }

    async fn report(
        &self,
        report: &SpoolReport,
    ) -> Result<antre_protocol::KioskStatusAnswer, String> {
        let at = self
            .parts
            .writer
            .read(|engine, _, now| engine.format_time(now))
            .await
            .map_err(|_| "the writer stopped".to_string())?;
        let body = status_report(report, format!("antre {}", env!("CARGO_PKG_VERSION")));
        Ok(self.parts.devices.report(&self.code, body, "server", at))
    }

    /// Not `async`: the wake-up is registered when this is called, not when first
    /// polled, so a reprint asked for in between is not missed.
    fn wake(&self) -> impl std::future::Future<Output = ()> + Send {
        self.parts.devices.wake.notified()
    }
}

async fn run(follower: Follower<InProcess>, url: PrinterUrl) {
    let handled = load_state(&follower.state);
    let parts = follower.server.parts.clone();
    // Subscribe first: whatever is committed after this arrives on the channel, and
    // whatever came before is in the log.
    let events = parts.writer.subscribe();
    let Ok(head) = parts.writer.read(|_, seq, _| seq).await else {
        return;
    };
    // Nothing remembered: start from now. Remembered beyond the log's end: the
    // database is not the one printed from before (a new install); start from now.
    let start = if handled == 0 || handled > head {
        head
    } else {
        handled
    };
    let spool = Spool::start(url, start);
    let follower = Arc::new(follower);
    let reporter = tokio::spawn(
        follower
            .clone()
            .report_loop(spool.reports(), spool.handle()),
    );
    follow(&follower, &parts, &spool, events, start, head).await;
    reporter.abort();
}

/// Prints the tickets issued at this kiosk, from the writer's broadcast, catching
/// up from the event log after a restart or when it fell behind.
async fn follow(
    follower: &Follower<InProcess>,
    parts: &Parts,
    spool: &Spool,
    mut events: tokio::sync::broadcast::Receiver<Arc<Frame>>,
    start: u64,
    head: u64,
) {
    let mut last = start;
    if !catch_up(follower, parts, spool, &mut last, head).await {
        return;
    }
    spool.seen(last);
    loop {
        match events.recv().await {
            Ok(frame) => {
                if frame.seq <= last {
                    continue;
                }
                handle(follower, spool, frame.seq, &frame.json).await;
                last = frame.seq;
                spool.seen(last);
            }
            Err(RecvError::Lagged(_)) => {
                let Ok(head) = parts.writer.read(|_, seq, _| seq).await else {
                    return;
                };
                if !catch_up(follower, parts, spool, &mut last, head).await {
                    return;
                }
                spool.seen(last);
            }
            Err(RecvError::Closed) => return,
        }
    }
}

/// Handles the logged events after `last` up to `head`.
async fn catch_up(
    follower: &Follower<InProcess>,
    parts: &Parts,
    spool: &Spool,
    last: &mut u64,
    head: u64,
) -> bool {
    while *last < head {
        let db = parts.db.clone();
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
                tracing::error!(kiosk = follower.kiosk, "cannot read the event log: {e:#}");
                return false;
            }
            Err(_) => return false,
        };
        for (seq, payload) in rows {
            handle(follower, spool, seq, &payload).await;
            *last = seq;
        }
    }
    true
}

/// An event as logged; a ticket whose job cannot be read (the writer is stopping) is
/// passed over, as the loop ends with the writer anyway.
async fn handle(follower: &Follower<InProcess>, spool: &Spool, seq: u64, json: &str) {
    let Ok(event) = serde_json::from_str::<Event>(json) else {
        return;
    };
    let _ = follower.handle(spool, seq, &event).await;
}
