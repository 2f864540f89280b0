//! The one writer: a thread that owns the engine and the write connection.
//!
//! Every change goes through it, so there is exactly one order of events and no two
//! callers can ever be given the same number or the same ticket. It takes whatever
//! commands are waiting (group commit), applies them to the engine, stores their events
//! in one transaction, and only after the commit answers the callers and publishes the
//! events. A failed commit rolls back and rebuilds the engine from the database, so the
//! two never disagree.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use antre_protocol as wire;
use antre_protocol::EventKind;
use jiff::Timestamp;
use jiff::civil::Date;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use tokio::sync::watch;

use crate::clock::Clock;
use crate::engine::{Affected, Change, Command, DomainError, Engine, Site};
use crate::store::{Batch, Durability, Store};

/// Most commands in one transaction. Large enough that a burst of thousands of kiosk
/// taps costs a handful of fsyncs, small enough that one batch never holds callers for
/// more than a few milliseconds.
const MAX_BATCH: usize = 1024;

/// Commands waiting for the writer before callers are made to wait for room: about a
/// second of the heaviest load measured (docs/performance.md).
const QUEUE_DEPTH: usize = 8192;

/// Events kept for stream subscribers that fall behind; a subscriber further behind
/// gets a fresh snapshot instead of blocking the writer.
const BROADCAST_DEPTH: usize = 8192;

/// An event ready to send: its JSON, serialised once for every subscriber.
#[derive(Debug)]
pub struct Frame {
    pub seq: u64,
    pub zones: Vec<String>,
    /// Whether the stream carries it (`EventKind::is_public`).
    pub public: bool,
    pub json: Utf8Bytes,
}

/// What a command gives back to its caller: what it concerned, as it is after it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Ticket(wire::Ticket),
    Counter(wire::CounterView),
    Booking(wire::Booking),
    Nothing,
}

/// What the layer above adds to each event before it is stored and sent: the links
/// of its own (the announcement's audio URL), so that neither the engine nor the
/// writer knows any URL.
pub type Decorate = fn(&Site, &mut wire::Event);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The transaction failed and was rolled back; nothing of the command is kept.
    #[error("storage failed: {0}")]
    Storage(String),
    #[error("the server is shutting down")]
    Closed,
}

type Read = Box<dyn FnOnce(&Engine, u64, Timestamp) + Send>;

enum Msg {
    Command {
        command: Command,
        reply: oneshot::Sender<Result<Reply, WriteError>>,
    },
    /// Runs against the committed state, between batches.
    Read(Read),
    /// Lets the engine notice the time (the day changing) with nothing else to do.
    Tick,
    /// Whether a write can be committed now (the health check).
    Probe(oneshot::Sender<Result<(), String>>),
    /// Finish what came before, then stop.
    Shutdown,
}

/// A health check's answer is kept this long: a probe is a write and an fsync, and
/// every board asks every fifteen seconds.
const PROBE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// A health probe's answer and when it was made.
type Probed = (std::time::Instant, Result<(), String>);

/// Sessions whose seats are all booked, as of the last commit: service, day, start.
type FullSessions = Arc<std::sync::RwLock<std::collections::HashSet<(String, Date, u16)>>>;

/// A handle to the writer; cheap to clone.
#[derive(Debug, Clone)]
pub struct Writer {
    tx: mpsc::Sender<Msg>,
    events: broadcast::Sender<Arc<Frame>>,
    /// The committed site: replaced after a `ReplaceSite` command commits.
    site: watch::Receiver<Arc<Site>>,
    /// The last health probe and when it was made.
    probed: Arc<tokio::sync::Mutex<Option<Probed>>>,
    full: FullSessions,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Msg::Command { .. } => "Command",
            Msg::Read(_) => "Read",
            Msg::Tick => "Tick",
            Msg::Probe(_) => "Probe",
            Msg::Shutdown => "Shutdown",
        })
    }
}

impl Writer {
    /// Loads the live state from the database and starts the writer thread. Call it
    /// within a Tokio runtime: the events are published from a task on it.
    ///
    /// It first checks the database (`store::integrity`): the chain since the last
    /// check, and the tickets and counters it loads against their last events. Damage
    /// stops the start unless `accept_damage`, which starts anyway and says so in the
    /// log (the damage stays for an auditor to see).
    pub fn start(
        db: PathBuf,
        site: Arc<Site>,
        clock: Arc<dyn Clock>,
        decorate: Decorate,
        accept_damage: bool,
    ) -> anyhow::Result<(Writer, JoinHandle<()>)> {
        Writer::start_with(
            db,
            site,
            clock,
            decorate,
            accept_damage,
            Durability::EveryCommit,
        )
    }

    /// [`Writer::start`], with commits as durable as `durability` says.
    pub fn start_with(
        db: PathBuf,
        site: Arc<Site>,
        clock: Arc<dyn Clock>,
        decorate: Decorate,
        accept_damage: bool,
        durability: Durability,
    ) -> anyhow::Result<(Writer, JoinHandle<()>)> {
        let mut store = Store::open_with(&db, durability)?;
        store.rebuild_reports(&site)?;
        let mut damage = Vec::new();
        if let Some(broken) = store.verify_tail()? {
            damage.push(format!("the event log's chain is broken at {broken}"));
        }
        let (engine, findings) = store.load_checked(site.clone(), clock.now(), true)?;
        if !findings.is_empty() {
            damage.push(format!(
                "{} stored rows do not match the event log:\n{}",
                findings.len(),
                crate::store::integrity::summary(&findings)
            ));
        }
        if !damage.is_empty() {
            let what = damage.join("\n");
            anyhow::ensure!(
                accept_damage,
                "the database at {} is damaged; not starting.\n{what}\n\
                 Run `antre verify` for the whole report, restore a backup \
                 (docs/operations.md), or start with --accept-damaged-data to serve from it \
                 as it is",
                db.display()
            );
            tracing::error!("serving from a damaged database (--accept-damaged-data):\n{what}");
        }
        refuse_strays(&engine, &site)?;
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        let (events, _) = broadcast::channel(BROADCAST_DEPTH);
        // The writer hands each batch's events to a task on the runtime, which wakes the
        // subscribers: wake-ups from inside the runtime are queued locally, while a
        // thousand wake-ups from a foreign thread would each go through the global queue.
        let (publish, mut published) = mpsc::unbounded_channel::<Vec<Arc<Frame>>>();
        let fan_out = events.clone();
        tokio::spawn(async move {
            while let Some(frames) = published.recv().await {
                for frame in frames {
                    // No subscriber is fine; a lagging one is dropped by the channel.
                    let _ = fan_out.send(frame);
                }
            }
        });
        let (site_tx, site_rx) = watch::channel(site.clone());
        let full = FullSessions::default();
        let thread = WriterThread {
            full: full.clone(),
            store,
            engine,
            site,
            site_tx,
            clock,
            decorate,
            publish,
        };
        let handle = std::thread::Builder::new()
            .name("antre-writer".into())
            .spawn(move || thread.run(rx))?;
        Ok((
            Writer {
                tx,
                events,
                site: site_rx,
                probed: Arc::default(),
                full,
            },
            handle,
        ))
    }

    /// The site as last committed.
    pub fn site(&self) -> Arc<Site> {
        self.site.borrow().clone()
    }

    /// Applies a command; answers once its events are durable.
    pub async fn execute(&self, command: Command) -> Result<Reply, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Command { command, reply })
            .await
            .map_err(|_| WriteError::Closed)?;
        answer.await.map_err(|_| WriteError::Closed)?
    }

    /// Whether every seat of a session was booked at the last commit. A quota rush's
    /// thousands of late attempts are answered from this without queueing for the
    /// writer; the writer alone decides every booking it is sent.
    pub fn session_full(&self, service: &str, day: Date, start_min: u16) -> bool {
        self.full
            .read()
            .is_ok_and(|full| full.contains(&(service.to_string(), day, start_min)))
    }

    /// Reads the committed state: `f` gets the engine, the last event's seq and now.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine, u64, Timestamp) -> T + Send + 'static,
    ) -> Result<T, WriteError> {
        let (reply, answer) = oneshot::channel();
        let read: Read = Box::new(move |engine, seq, now| {
            let _ = reply.send(f(engine, seq, now));
        });
        self.tx
            .send(Msg::Read(read))
            .await
            .map_err(|_| WriteError::Closed)?;
        answer.await.map_err(|_| WriteError::Closed)
    }

    /// Completes when the writer has stopped (after [`Writer::shutdown`], or because it
    /// could not go on).
    pub async fn stopped(&self) {
        self.tx.closed().await;
    }

    /// Whether the writer can commit now: `Err` with the reason when storage fails (a
    /// full disk, a file it may not write). Probes with a real write at most every
    /// [`PROBE_EVERY`].
    pub async fn ready(&self) -> Result<(), String> {
        let mut probed = self.probed.lock().await;
        if let Some((at, result)) = probed.as_ref()
            && at.elapsed() < PROBE_EVERY
        {
            return result.clone();
        }
        let (reply, answer) = oneshot::channel();
        let result = match self.tx.send(Msg::Probe(reply)).await {
            Ok(()) => answer
                .await
                .unwrap_or_else(|_| Err("the writer stopped".into())),
            Err(_) => Err("the writer stopped".into()),
        };
        *probed = Some((std::time::Instant::now(), result.clone()));
        result
    }

    pub async fn tick(&self) {
        let _ = self.tx.send(Msg::Tick).await;
    }

    /// Asks the writer to finish what it was given and stop.
    pub async fn shutdown(&self) {
        let _ = self.tx.send(Msg::Shutdown).await;
    }

    /// Events from now on. Subscribe before reading a snapshot, and skip what the
    /// snapshot already holds (`frame.seq <= snapshot.seq`): nothing falls in between.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Frame>> {
        self.events.subscribe()
    }
}

/// The thread's side: the engine, the store and the committed site.
struct WriterThread {
    store: Store,
    engine: Engine,
    /// The site as committed; a failed commit rebuilds the engine with it.
    site: Arc<Site>,
    site_tx: watch::Sender<Arc<Site>>,
    clock: Arc<dyn Clock>,
    decorate: Decorate,
    publish: mpsc::UnboundedSender<Vec<Arc<Frame>>>,
    full: FullSessions,
}

/// A caller and the answer it gets once the batch is committed (or rolled back).
type Pending = (
    oneshot::Sender<Result<Reply, WriteError>>,
    Result<Reply, WriteError>,
);

impl WriterThread {
    fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        loop {
            let Some(first) = rx.blocking_recv() else {
                break;
            };
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(msg) => batch.push(msg),
                    Err(_) => break,
                }
            }
            let stop = self.process(&mut batch);
            if stop {
                break;
            }
        }
        tracing::info!("writer stopped");
    }

    /// Handles one batch; returns whether to stop.
    fn process(&mut self, batch: &mut Vec<Msg>) -> bool {
        // Milliseconds are what is stored; rounding here keeps memory and disk equal.
        let now = Timestamp::from_millisecond(self.clock.now().as_millisecond()).expect("in range");
        let mut replies: Vec<Pending> = Vec::new();
        let mut reads: Vec<Read> = Vec::new();
        let mut probes: Vec<oneshot::Sender<Result<(), String>>> = Vec::new();
        let mut frames: Vec<Arc<Frame>> = Vec::new();
        let mut stop = false;
        // Sessions whose bookings changed in this batch.
        let mut seats: Vec<(String, Date, u16)> = Vec::new();
        // After a storage failure the transaction is lost: nothing more is applied, and
        // every command of the batch is answered with the failure below.
        let mut failure: Option<anyhow::Error> = None;
        let mut tx = match self.store.begin() {
            Ok(tx) => Some(tx),
            Err(e) => {
                failure = Some(e);
                None
            }
        };
        let decorate = self.decorate;
        if let Some(tx) = tx.as_mut() {
            let rollover = self.engine.advance(now);
            if let Err(e) = record(&self.engine, decorate, tx, &rollover, now, &mut frames) {
                failure = Some(e);
            }
        }
        for msg in batch.drain(..) {
            match msg {
                Msg::Command { command, reply } => {
                    let Some(tx) = tx.as_mut().filter(|_| failure.is_none()) else {
                        replies.push((reply, Err(WriteError::Storage("not applied".into()))));
                        continue;
                    };
                    // Only the ticket's holder is told its track token.
                    let issue = matches!(command, Command::Issue(_) | Command::CheckIn { .. });
                    match self.engine.apply(command, now) {
                        Ok(outcome) => {
                            let changes = &outcome.changes;
                            seats.extend(changes.iter().flat_map(booked_seats));
                            match record(&self.engine, decorate, tx, changes, now, &mut frames) {
                                Ok(()) => {
                                    let answer = reply_of(&self.engine, &outcome.affected, issue);
                                    replies.push((reply, Ok(answer)));
                                }
                                Err(e) => {
                                    failure = Some(e);
                                    replies.push((
                                        reply,
                                        Err(WriteError::Storage("not stored".into())),
                                    ));
                                }
                            }
                        }
                        Err(e) => replies.push((reply, Err(e.into()))),
                    }
                }
                Msg::Read(read) => reads.push(read),
                Msg::Tick => {}
                Msg::Probe(reply) => probes.push(reply),
                Msg::Shutdown => stop = true,
            }
        }
        let result = match (failure, tx) {
            (None, Some(tx)) => tx.commit().map(|head| head.seq),
            // Dropping the transaction rolls it back.
            (Some(e), _) => Err(e),
            (None, None) => unreachable!("no transaction means a failure was recorded"),
        };
        match result {
            Ok(seq) => {
                if !Arc::ptr_eq(&self.site, self.engine.site()) {
                    self.site = self.engine.site().clone();
                    self.site_tx.send_replace(self.site.clone());
                    // Quotas may have changed: start again from no session known full.
                    self.full_sessions(None);
                }
                self.full_sessions(Some(seats));
                for (reply, answer) in replies {
                    let _ = reply.send(answer);
                }
                if !frames.is_empty() {
                    let _ = self.publish.send(frames);
                }
                for read in reads {
                    read(&self.engine, seq, now);
                }
                self.answer_probes(probes, now);
            }
            Err(e) => {
                tracing::error!("commit failed, batch rolled back: {e:#}");
                self.full_sessions(None);
                let why = format!("{e:#}");
                for (reply, answer) in replies {
                    let _ = reply.send(answer.and(Err(WriteError::Storage(why.clone()))));
                }
                match self.store.load(self.site.clone(), now) {
                    Ok(engine) => self.engine = engine,
                    Err(e) => {
                        tracing::error!("cannot reload the state after a failed commit: {e:#}");
                        return true;
                    }
                }
                let seq = self.store.head().seq;
                for read in reads {
                    read(&self.engine, seq, now);
                }
                self.answer_probes(probes, now);
            }
        }
        stop
    }

    /// Updates the sessions known full for the seats a committed batch changed; `None`
    /// forgets them all (the writer is then asked about every booking again).
    fn full_sessions(&self, seats: Option<Vec<(String, Date, u16)>>) {
        let Ok(mut full) = self.full.write() else {
            return;
        };
        let Some(seats) = seats else {
            full.clear();
            return;
        };
        for (service, day, start) in seats {
            if self.engine.session_full(&service, day, start) {
                full.insert((service, day, start));
            } else {
                full.remove(&(service, day, start));
            }
        }
    }

    /// A probe writes a row of its own: the batch may have had nothing to write.
    fn answer_probes(&mut self, probes: Vec<oneshot::Sender<Result<(), String>>>, now: Timestamp) {
        if probes.is_empty() {
            return;
        }
        let result = self.store.probe(now).map_err(|e| {
            tracing::error!("storage cannot write: {e:#}");
            format!("{e:#}")
        });
        for probe in probes {
            let _ = probe.send(result.clone());
        }
    }
}

/// Stores the events of `changes` (the engine already applied them) with the tickets
/// and counters they touched, and keeps the frames to publish after the commit.
fn record(
    engine: &Engine,
    decorate: Decorate,
    tx: &mut Batch<'_>,
    changes: &[Change],
    now: Timestamp,
    frames: &mut Vec<Arc<Frame>>,
) -> anyhow::Result<()> {
    for change in changes {
        let seq = tx.next_seq();
        let mut event = engine.event(change, seq, now);
        decorate(engine.site(), &mut event);
        let json = serde_json::to_string(&event)?;
        tx.append(
            now,
            change.kind.as_str(),
            change.ticket,
            change.counter.as_deref(),
            &json,
        )?;
        tx.project(engine.site(), now, &event)?;
        for message in crate::notify::events::messages(engine, &event) {
            let site = engine.site();
            tx.enqueue(
                seq,
                now,
                &crate::notify::compose(&site.notify, &site.code, &message),
            )?;
        }
        if change.kind == EventKind::SiteChanged {
            let site = engine.site();
            if let Some(source) = &site.source {
                tx.save_config(source, site.version, now, seq)?;
            }
        }
        if let Some(ticket) = change.ticket.and_then(|id| engine.ticket(id)) {
            tx.save_ticket(ticket)?;
        }
        if let Some(booking) = change
            .detail
            .booking
            .as_ref()
            .and_then(|b| engine.booking(&b.code))
        {
            tx.save_booking(booking)?;
        }
        if let Some((code, state)) = change
            .counter
            .as_deref()
            .and_then(|c| engine.counter_state(c).map(|s| (c, s)))
        {
            tx.save_counter(code, state)?;
        }
        frames.push(Arc::new(Frame {
            seq,
            zones: event.zones,
            public: change.kind.is_public(),
            json: json.into(),
        }));
    }
    Ok(())
}

/// The sessions a booking change concerns: its own, and the one a move left.
fn booked_seats(change: &Change) -> Vec<(String, Date, u16)> {
    let Some(b) = change.detail.booking.as_ref() else {
        return Vec::new();
    };
    let seat = |day: &str, start: &str| {
        Some((
            b.service.clone(),
            day.parse::<Date>().ok()?,
            crate::config::parse_minute(start).ok()?,
        ))
    };
    let now = b.start.as_deref().and_then(|start| seat(&b.date, start));
    let left = b
        .moved_from
        .as_deref()
        .and_then(|from| from.split_once(' '))
        .and_then(|(day, start)| seat(day, start));
    now.into_iter().chain(left).collect()
}

/// Refuses to start when the site the server was given has lost a service or counter
/// that stored tickets still need (the config file was edited while it was stopped):
/// those visitors would wait for ever. Says what to do instead.
pub fn refuse_strays(engine: &Engine, site: &Site) -> anyhow::Result<()> {
    match engine.strays(site) {
        Ok(()) => Ok(()),
        Err(DomainError::ServiceInUse { service, tickets }) => {
            let numbers = engine.numbers_waiting_for(&service);
            anyhow::bail!(
                "service {service} is not in the site config, but {tickets} of its tickets may \
                 still be served today ({}). Put the service back in the config and start \
                 again; then transfer or cancel those tickets (supervisors: POST \
                 /api/v1/tickets/ID/cancel), and only then remove the service",
                numbers.join(", ")
            )
        }
        Err(DomainError::CounterOpen { counter }) => anyhow::bail!(
            "counter {counter} is not in the site config, but it still has a visitor called, \
             being served or held. Put the counter back in the config and start again; close \
             it (which puts held visitors back in line), and only then remove it"
        ),
        Err(other) => Err(other.into()),
    }
}

/// The caller's answer: what the command concerned, as it is now. Only the issue
/// answer carries the ticket's track token (it goes to the ticket's holder).
fn reply_of(engine: &Engine, affected: &Affected, issue: bool) -> Reply {
    match affected {
        Affected::Ticket(id) => {
            let ticket = engine.ticket(*id).expect("affected tickets exist");
            Reply::Ticket(if issue {
                engine.ticket_view_for_holder(ticket)
            } else {
                engine.ticket_view(ticket)
            })
        }
        Affected::Counter(code) => {
            Reply::Counter(engine.counter_view(code).expect("known counter"))
        }
        Affected::Booking(code) => {
            let booking = engine.booking(code).expect("affected bookings exist");
            Reply::Booking(engine.booking_view(booking, false))
        }
        Affected::Nothing => Reply::Nothing,
    }
}
