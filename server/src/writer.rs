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
use axum::extract::ws::Utf8Bytes;
use jiff::Timestamp;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::clock::Clock;
use crate::engine::{Answer, Change, Command, DomainError, Engine, Site};
use crate::store::{Batch, Store};

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
    pub json: Utf8Bytes,
}

/// What a command gives back to its caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Answered {
    Ticket(wire::Ticket),
    Counter(wire::CounterView),
    Nobody,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueueError {
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
        reply: oneshot::Sender<Result<Answered, QueueError>>,
    },
    /// Runs against the committed state, between batches.
    Read(Read),
    /// Lets the engine notice the time (the day changing) with nothing else to do.
    Tick,
    /// Finish what came before, then stop.
    Shutdown,
}

/// A handle to the writer; cheap to clone.
#[derive(Debug, Clone)]
pub struct Queue {
    tx: mpsc::Sender<Msg>,
    events: broadcast::Sender<Arc<Frame>>,
    site: Arc<Site>,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Msg::Command { .. } => "Command",
            Msg::Read(_) => "Read",
            Msg::Tick => "Tick",
            Msg::Shutdown => "Shutdown",
        })
    }
}

impl Queue {
    /// Loads the live state from the database and starts the writer thread. Call it
    /// within a Tokio runtime: the events are published from a task on it.
    pub fn start(
        db: PathBuf,
        site: Arc<Site>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<(Queue, JoinHandle<()>)> {
        let store = Store::open(&db)?;
        let engine = store.load(site.clone(), clock.now())?;
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
        let writer = Writer {
            store,
            engine,
            site: site.clone(),
            clock,
            publish,
        };
        let handle = std::thread::Builder::new()
            .name("antre-writer".into())
            .spawn(move || writer.run(rx))?;
        Ok((Queue { tx, events, site }, handle))
    }

    pub fn site(&self) -> &Arc<Site> {
        &self.site
    }

    /// Applies a command; answers once its events are durable.
    pub async fn execute(&self, command: Command) -> Result<Answered, QueueError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Msg::Command { command, reply })
            .await
            .map_err(|_| QueueError::Closed)?;
        answer.await.map_err(|_| QueueError::Closed)?
    }

    /// Reads the committed state: `f` gets the engine, the last event's seq and now.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine, u64, Timestamp) -> T + Send + 'static,
    ) -> Result<T, QueueError> {
        let (reply, answer) = oneshot::channel();
        let read: Read = Box::new(move |engine, seq, now| {
            let _ = reply.send(f(engine, seq, now));
        });
        self.tx
            .send(Msg::Read(read))
            .await
            .map_err(|_| QueueError::Closed)?;
        answer.await.map_err(|_| QueueError::Closed)
    }

    /// Completes when the writer has stopped (after [`Queue::shutdown`], or because it
    /// could not go on).
    pub async fn stopped(&self) {
        self.tx.closed().await;
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

struct Writer {
    store: Store,
    engine: Engine,
    site: Arc<Site>,
    clock: Arc<dyn Clock>,
    publish: mpsc::UnboundedSender<Vec<Arc<Frame>>>,
}

type Reply = (
    oneshot::Sender<Result<Answered, QueueError>>,
    Result<Answered, QueueError>,
);

impl Writer {
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
        let mut replies: Vec<Reply> = Vec::new();
        let mut reads: Vec<Read> = Vec::new();
        let mut frames: Vec<Arc<Frame>> = Vec::new();
        let mut stop = false;
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
        if let Some(tx) = tx.as_mut() {
            let rollover = self.engine.advance(now);
            if let Err(e) = record(&self.engine, tx, &rollover, now, &mut frames) {
                failure = Some(e);
            }
        }
        for msg in batch.drain(..) {
            match msg {
                Msg::Command { command, reply } => {
                    let Some(tx) = tx.as_mut().filter(|_| failure.is_none()) else {
                        replies.push((reply, Err(QueueError::Storage("not applied".into()))));
                        continue;
                    };
                    let issue = matches!(command, Command::Issue(_));
                    match self.engine.apply(command, now) {
                        Ok(outcome) => {
                            match record(&self.engine, tx, &outcome.changes, now, &mut frames) {
                                Ok(()) => {
                                    let answer = answer(&self.engine, &outcome.answer, issue);
                                    replies.push((reply, Ok(answer)));
                                }
                                Err(e) => {
                                    failure = Some(e);
                                    replies.push((
                                        reply,
                                        Err(QueueError::Storage("not stored".into())),
                                    ));
                                }
                            }
                        }
                        Err(e) => replies.push((reply, Err(e.into()))),
                    }
                }
                Msg::Read(read) => reads.push(read),
                Msg::Tick => {}
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
                for (reply, answer) in replies {
                    let _ = reply.send(answer);
                }
                if !frames.is_empty() {
                    let _ = self.publish.send(frames);
                }
                for read in reads {
                    read(&self.engine, seq, now);
                }
            }
            Err(e) => {
                tracing::error!("commit failed, batch rolled back: {e:#}");
                let why = format!("{e:#}");
                for (reply, answer) in replies {
                    let _ = reply.send(answer.and(Err(QueueError::Storage(why.clone()))));
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
            }
        }
        stop
    }
}

/// Stores the events of `changes` (the engine already applied them) with the tickets
/// and counters they touched, and keeps the frames to publish after the commit.
fn record(
    engine: &Engine,
    tx: &mut Batch<'_>,
    changes: &[Change],
    now: Timestamp,
    frames: &mut Vec<Arc<Frame>>,
) -> anyhow::Result<()> {
    for change in changes {
        let seq = tx.next_seq();
        let event = engine.event(change, seq, now);
        let json = serde_json::to_string(&event)?;
        tx.append(
            now,
            change.kind.as_str(),
            change.ticket,
            change.counter.as_deref(),
            &json,
        )?;
        if let Some(ticket) = change.ticket.and_then(|id| engine.ticket(id)) {
            tx.save_ticket(ticket)?;
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
            json: json.into(),
        }));
    }
    Ok(())
}

fn answer(engine: &Engine, answer: &Answer, issue: bool) -> Answered {
    match answer {
        Answer::Ticket(id) => {
            let ticket = engine.ticket(*id).expect("answered tickets exist");
            Answered::Ticket(if issue {
                engine.ticket_view_for_holder(ticket)
            } else {
                engine.ticket_view(ticket)
            })
        }
        Answer::Counter(code) => {
            Answered::Counter(engine.counter_view(code).expect("known counter"))
        }
        Answer::Nobody => Answered::Nobody,
    }
}
