//! The live state of the MPP's devices: what each kiosk's printer last reported (from
//! an `antre-kiosk` agent, or from a printer the server drives itself) and the reprints
//! waiting for it.
//!
//! Printer status is live state, not history: it is kept in memory and is not part
//! of the event log. A kiosk that stops reporting shows as not connected after
//! [`STALE_AFTER`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use antre_protocol::{KioskStatus, KioskStatusAnswer, KioskStatusReport};

/// Agents report at least every 5 s; three missed reports mean the kiosk PC, its
/// agent or the network is down.
pub const STALE_AFTER: Duration = Duration::from_secs(15);

/// Reprints waiting for a kiosk; more means someone is pressing the button in a loop.
const MAX_PENDING_REPRINTS: usize = 5;

/// The live state of every kiosk's printer, and the reprints waiting for it.
#[derive(Debug, Default)]
pub struct Devices {
    entries: Mutex<HashMap<String, Entry>>,
    /// Hall boards by code: screens showing it now, and when one last came or went.
    boards: Mutex<HashMap<String, Presence>>,
    /// Woken when a reprint is asked for, so printers the server drives act at once.
    pub wake: tokio::sync::Notify,
}

#[derive(Debug, Default, Clone)]
struct Presence {
    screens: u32,
    last_seen: Option<jiff::Timestamp>,
}

/// A board's screen on the stream: counted while it is held.
#[derive(Debug)]
pub struct BoardOnScreen {
    devices: std::sync::Arc<Devices>,
    code: String,
}

impl Drop for BoardOnScreen {
    fn drop(&mut self) {
        let mut boards = self.devices.boards();
        let presence = boards.entry(self.code.clone()).or_default();
        presence.screens = presence.screens.saturating_sub(1);
        presence.last_seen = Some(jiff::Timestamp::now());
    }
}

#[derive(Debug, Default)]
struct Entry {
    report: Option<KioskStatusReport>,
    driven_by: Option<&'static str>,
    at: Option<(Instant, String)>,
    reprint: Vec<u64>,
    test_print: Option<antre_protocol::TestPrint>,
}

impl Devices {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn boards(&self) -> std::sync::MutexGuard<'_, HashMap<String, Presence>> {
        self.boards.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A board's page or agent follows the stream (`?board=B1`) until the guard drops.
    pub fn board_on_screen(self: &std::sync::Arc<Self>, code: &str) -> BoardOnScreen {
        let mut boards = self.boards();
        let presence = boards.entry(code.to_string()).or_default();
        presence.screens += 1;
        presence.last_seen = Some(jiff::Timestamp::now());
        BoardOnScreen {
            devices: self.clone(),
            code: code.to_string(),
        }
    }

    /// Screens showing a board now, and when one last came or went.
    pub fn board_presence(&self, code: &str) -> (u32, Option<jiff::Timestamp>) {
        let boards = self.boards();
        boards
            .get(code)
            .map_or((0, None), |p| (p.screens, p.last_seen))
    }

    /// Stores a report and hands back the reprints asked for since the last one.
    pub fn report(
        &self,
        code: &str,
        report: KioskStatusReport,
        driven_by: &'static str,
        at: String,
    ) -> KioskStatusAnswer {
        let mut entries = self.entries();
        let entry = entries.entry(code.to_string()).or_default();
        entry.report = Some(report);
        entry.driven_by = Some(driven_by);
        entry.at = Some((Instant::now(), at));
        KioskStatusAnswer {
            reprint: std::mem::take(&mut entry.reprint),
            test_print: entry.test_print.take(),
        }
    }

    /// Queues a reprint for the kiosk's printer; false when too many wait already.
    pub fn ask_reprint(&self, code: &str, ticket: u64) -> bool {
        let mut entries = self.entries();
        let entry = entries.entry(code.to_string()).or_default();
        if entry.reprint.len() >= MAX_PENDING_REPRINTS {
            return false;
        }
        if !entry.reprint.contains(&ticket) {
            entry.reprint.push(ticket);
        }
        drop(entries);
        self.wake.notify_waiters();
        true
    }

    /// Asks the kiosk's printer for a test slip, with its next report.
    pub fn ask_test_print(&self, code: &str, test: antre_protocol::TestPrint) {
        self.entries()
            .entry(code.to_string())
            .or_default()
            .test_print = Some(test);
        self.wake.notify_waiters();
    }

    /// A kiosk's printer as last reported.
    pub fn status(&self, kiosk: &antre_protocol::KioskInfo) -> KioskStatus {
        let entries = self.entries();
        let entry = entries.get(&kiosk.code);
        let report = entry.and_then(|e| e.report.clone()).unwrap_or_default();
        let at = entry.and_then(|e| e.at.clone());
        KioskStatus {
            code: kiosk.code.clone(),
            name: kiosk.name.clone(),
            zone: kiosk.zone.clone(),
            connected: at.as_ref().is_some_and(|(i, _)| i.elapsed() < STALE_AFTER),
            driven_by: entry.and_then(|e| e.driven_by).map(str::to_string),
            reported_at: at.map(|(_, s)| s),
            printer: entry
                .and_then(|e| e.report.as_ref())
                .map(|r| r.printer.clone()),
            jobs: report.jobs,
            queued: report.queued,
            handled_seq: report.handled_seq,
            agent: report.agent,
        }
    }
}
