//! The print spool: one thread per printer that owns the connection, prints tickets in
//! order, watches the printer's health, and never drops a ticket.
//!
//! A job stays at the head of the queue until the printer took all of its bytes. While
//! the printer reports paper end, an open cover or being offline, nothing is sent; when
//! a send fails the connection is dropped and reopened, with growing pauses. Every
//! change is published as a [`SpoolReport`] for the server (and so for the kiosk screen
//! and the managers).

use std::collections::{HashSet, VecDeque};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use antre_protocol::{JobState, PrintJobStatus, PrinterState, PrinterStatus};
use tokio::sync::watch;

use crate::driver::{self, Connection};
use crate::url::PrinterUrl;

/// Status is read this often while idle or waiting for paper: a visitor who just got
/// "paper out" on the screen sees the ticket come out within seconds of a new roll.
const POLL_EVERY: Duration = Duration::from_secs(3);

/// Before a ticket, status older than this is read again, so a ticket is not sent
/// into a printer that just ran out of paper.
const FRESH_STATUS: Duration = Duration::from_secs(1);

/// First pause after a failed send; doubled each time up to [`RETRY_MAX`].
const RETRY_MIN: Duration = Duration::from_secs(1);
/// A printer that was unplugged is back within seconds of being plugged in again.
const RETRY_MAX: Duration = Duration::from_secs(10);

/// Finished jobs kept in the report: enough for the kiosk screen to find the ticket it
/// shows (a visitor takes one ticket in well under 20 others' time).
const RECENT_DONE: usize = 20;

/// Ticket ids remembered as printed, so a ticket seen again after a reconnect is not
/// printed twice: more than a busy kiosk's day.
const PRINTED_MEMORY: usize = 5000;

/// One ticket to print.
#[derive(Debug, Clone)]
pub struct PrintTask {
    pub ticket: u64,
    pub number: String,
    /// The event that issued it (0 for reprints).
    pub seq: u64,
    pub bytes: Vec<u8>,
    pub reprint: bool,
}

/// What the spool is doing, as the server is told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpoolReport {
    pub printer: PrinterStatus,
    pub jobs: Vec<PrintJobStatus>,
    pub queued: u32,
    /// Every ticket issued up to this event is printed (or given up on purpose).
    pub handled_seq: u64,
}

#[derive(Debug)]
enum Msg {
    Print(PrintTask),
    Seen(u64),
    Restart(u64),
    Stop,
}

/// A running spool.
pub struct Spool {
    tx: mpsc::Sender<Msg>,
    reports: watch::Receiver<SpoolReport>,
    thread: Option<JoinHandle<()>>,
}

impl Spool {
    /// Starts the spool thread. `handled_seq` is where a previous run stopped.
    pub fn start(url: PrinterUrl, handled_seq: u64) -> Spool {
        let (tx, rx) = mpsc::channel();
        let initial = SpoolReport {
            printer: PrinterStatus {
                state: PrinterState::Unknown,
                printer: url.text.clone(),
                detail: None,
            },
            handled_seq,
            ..SpoolReport::default()
        };
        let (report_tx, reports) = watch::channel(initial.clone());
        let thread = std::thread::Builder::new()
            .name("antre-spool".into())
            .spawn(move || Worker::new(url, initial, report_tx).run(rx))
            .expect("spawn the spool thread");
        Spool {
            tx,
            reports,
            thread: Some(thread),
        }
    }

    pub fn print(&self, task: PrintTask) {
        let _ = self.tx.send(Msg::Print(task));
    }

    /// Every ticket up to event `seq` has been handed over with [`Spool::print`].
    pub fn seen(&self, seq: u64) {
        let _ = self.tx.send(Msg::Seen(seq));
    }

    /// The server's log ends before what this spool remembers (its database was
    /// replaced): follow it from `seq` on.
    pub fn restart_at(&self, seq: u64) {
        let _ = self.tx.send(Msg::Restart(seq));
    }

    pub fn reports(&self) -> watch::Receiver<SpoolReport> {
        self.reports.clone()
    }

    /// A handle to give jobs from other tasks.
    pub fn handle(&self) -> SpoolHandle {
        SpoolHandle {
            tx: self.tx.clone(),
        }
    }
}

/// Gives jobs to a running [`Spool`] from anywhere.
#[derive(Debug, Clone)]
pub struct SpoolHandle {
    tx: mpsc::Sender<Msg>,
}

impl SpoolHandle {
    pub fn print(&self, task: PrintTask) {
        let _ = self.tx.send(Msg::Print(task));
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Job {
    task: PrintTask,
    status: PrintJobStatus,
}

struct Worker {
    url: PrinterUrl,
    conn: Option<Box<dyn Connection>>,
    queue: VecDeque<Job>,
    done: VecDeque<PrintJobStatus>,
    printed: HashSet<u64>,
    printed_order: VecDeque<u64>,
    seen: u64,
    report: SpoolReport,
    report_tx: watch::Sender<SpoolReport>,
    last_poll: Option<Instant>,
    next_attempt: Instant,
    backoff: Duration,
    reprints: u32,
}

impl Worker {
    fn new(url: PrinterUrl, report: SpoolReport, report_tx: watch::Sender<SpoolReport>) -> Worker {
        Worker {
            url,
            conn: None,
            queue: VecDeque::new(),
            done: VecDeque::new(),
            printed: HashSet::new(),
            printed_order: VecDeque::new(),
            seen: report.handled_seq,
            report,
            report_tx,
            last_poll: None,
            next_attempt: Instant::now(),
            backoff: RETRY_MIN,
            reprints: 0,
        }
    }

    fn run(mut self, rx: mpsc::Receiver<Msg>) {
        loop {
            let now = Instant::now();
            let mut wake = self.last_poll.map_or(now, |t| t + POLL_EVERY);
            if !self.queue.is_empty() {
                wake = wake.min(self.next_attempt);
            }
            let wait = wake.saturating_duration_since(now);
            let first = match rx.recv_timeout(wait) {
                Ok(msg) => Some(msg),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            let mut messages: Vec<Msg> = first.into_iter().collect();
            messages.extend(rx.try_iter());
            for msg in messages {
                match msg {
                    Msg::Print(task) => self.enqueue(task),
                    Msg::Seen(seq) => self.seen = self.seen.max(seq),
                    Msg::Restart(seq) => self.seen = seq,
                    Msg::Stop => return,
                }
            }
            let stale = self.last_poll.is_none_or(|t| t.elapsed() >= POLL_EVERY);
            if stale {
                self.poll();
            }
            while !self.queue.is_empty() && Instant::now() >= self.next_attempt {
                if !self.attempt() {
                    break;
                }
            }
            self.publish();
        }
    }

    fn enqueue(&mut self, task: PrintTask) {
        if !task.reprint
            && (self.printed.contains(&task.ticket)
                || self
                    .queue
                    .iter()
                    .any(|j| j.task.ticket == task.ticket && !j.task.reprint))
        {
            return;
        }
        let status = PrintJobStatus {
            ticket: task.ticket,
            number: task.number.clone(),
            state: JobState::Queued,
            attempts: 0,
            error: None,
            reprint: task.reprint,
        };
        self.queue.push_back(Job { task, status });
    }

    /// Reads the printer's status, opening the connection when needed.
    fn poll(&mut self) {
        self.last_poll = Some(Instant::now());
        let result = self.connection().and_then(|c| c.status());
        let (state, detail) = match result {
            Ok(state) => (state, None),
            Err(e) => {
                self.conn = None;
                (PrinterState::Offline, Some(e.to_string()))
            }
        };
        self.report.printer.state = state;
        self.report.printer.detail = detail;
    }

    fn connection(&mut self) -> std::io::Result<&mut Box<dyn Connection>> {
        if self.conn.is_none() {
            self.conn = Some(driver::open(&self.url.target)?);
        }
        Ok(self.conn.as_mut().expect("just opened"))
    }

    /// Tries the head of the queue; true when it printed.
    fn attempt(&mut self) -> bool {
        if self.last_poll.is_none_or(|t| t.elapsed() >= FRESH_STATUS) {
            self.poll();
        }
        let state = self.report.printer.state;
        if !state.can_print() {
            let why = self
                .report
                .printer
                .detail
                .clone()
                .unwrap_or_else(|| state_text(state).to_string());
            let job = self.queue.front_mut().expect("a job");
            job.status.state = JobState::Retrying;
            job.status.error = Some(why);
            // Waits for the next status poll rather than hammering a printer that
            // said it cannot print.
            self.next_attempt = Instant::now() + POLL_EVERY;
            return false;
        }
        let name = {
            let job = self.queue.front().expect("a job");
            if job.task.reprint {
                self.reprints += 1;
                format!(
                    "{:06}-{}-reprint-{}",
                    job.task.ticket, job.task.number, self.reprints
                )
            } else {
                format!("{:06}-{}", job.task.ticket, job.task.number)
            }
        };
        let bytes = std::mem::take(&mut self.queue.front_mut().expect("a job").task.bytes);
        let result = self.connection().and_then(|c| c.print(&name, &bytes));
        let job = self.queue.front_mut().expect("a job");
        job.status.attempts += 1;
        match result {
            Ok(()) => {
                let mut job = self.queue.pop_front().expect("a job");
                job.status.state = JobState::Printed;
                job.status.error = None;
                if !job.task.reprint {
                    self.remember(job.task.ticket);
                }
                self.done.push_back(job.status);
                while self.done.len() > RECENT_DONE {
                    self.done.pop_front();
                }
                self.backoff = RETRY_MIN;
                if self.report.printer.state == PrinterState::Unknown
                    && self.report.printer.detail.is_some()
                {
                    self.report.printer.detail = None;
                }
                true
            }
            Err(e) => {
                job.task.bytes = bytes;
                job.status.state = JobState::Retrying;
                job.status.error = Some(e.to_string());
                tracing::warn!(ticket = job.task.ticket, "print failed: {e}");
                self.conn = None;
                self.report.printer.state = PrinterState::Offline;
                self.report.printer.detail = Some(e.to_string());
                self.next_attempt = Instant::now() + self.backoff;
                self.backoff = (self.backoff * 2).min(RETRY_MAX);
                false
            }
        }
    }

    fn remember(&mut self, ticket: u64) {
        if self.printed.insert(ticket) {
            self.printed_order.push_back(ticket);
            if self.printed_order.len() > PRINTED_MEMORY
                && let Some(old) = self.printed_order.pop_front()
            {
                self.printed.remove(&old);
            }
        }
    }

    fn publish(&mut self) {
        let first_pending = self
            .queue
            .iter()
            .filter(|j| !j.task.reprint && j.task.seq > 0)
            .map(|j| j.task.seq)
            .min();
        self.report.handled_seq = match first_pending {
            Some(seq) => self.seen.min(seq - 1),
            None => self.seen,
        };
        self.report.queued = u32::try_from(self.queue.len()).unwrap_or(u32::MAX);
        self.report.jobs = self
            .done
            .iter()
            .cloned()
            .chain(self.queue.iter().map(|j| j.status.clone()))
            .collect();
        let report = self.report.clone();
        self.report_tx.send_if_modified(|r| {
            if *r == report {
                false
            } else {
                *r = report;
                true
            }
        });
    }
}

/// Why nothing is printed, for the job's error field.
pub fn state_text(state: PrinterState) -> &'static str {
    match state {
        PrinterState::Ok => "ok",
        PrinterState::PaperNearEnd => "paper near end",
        PrinterState::PaperEnd => "paper end",
        PrinterState::CoverOpen => "cover open",
        PrinterState::Offline => "printer offline",
        PrinterState::Unknown => "status unknown",
    }
}
