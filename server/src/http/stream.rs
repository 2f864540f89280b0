//! The live stream: `GET /api/v1/stream?since=SEQ&zone=Z` over WebSocket.
//!
//! A new subscriber first gets a `snapshot`, then every event in `seq` order. With
//! `since`, a subscriber that was away gets exactly the events it missed, read back from
//! the event log, or a fresh snapshot when it was away too long. Each subscriber has
//! its own task and reads from a broadcast channel that never waits for anyone, so a
//! slow or dead client only ever delays itself.

use std::sync::Arc;
use std::time::Duration;

use antre_protocol::{ErrorBody, EventKind, Snapshot};
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{CloseFrame, Frame as WireFrame};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

type Sink = futures_util::stream::SplitSink<WebSocketStream<Connection>, Message>;

use super::body::ApiQuery;
use super::upgrade::{Connection, Upgrade};
use super::{ApiError, Ctx};
use crate::connections::ConnectionSlot;
use crate::store;
use crate::writer::Frame;

/// Most events replayed for `since`; a client further behind gets a snapshot instead,
/// which is smaller than a day of events and cheaper to apply.
const MAX_REPLAY: u64 = 10_000;

/// A client that cannot take a message within this time is dropped (it reconnects with
/// `since` when it wakes up). Ten seconds covers a congested Wi-Fi; a stuck socket
/// should not hold buffers for longer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Pings keep idle connections open through NAT and show dead peers within a minute.
const PING_EVERY: Duration = Duration::from_secs(20);

/// What a subscriber may send: the stream is one-way, so clients send only control
/// frames (pong, close) and nothing longer than this. A larger message closes that
/// socket, and nothing else.
const MAX_CLIENT_MESSAGE: usize = 1024;

/// Read buffer of a socket. Clients send next to nothing, and an idle subscriber (a
/// phone, a board) should cost a few kilobytes, not the 128 KiB default.
const READ_BUFFER: usize = 2 * 1024;

/// A socket's unsent messages beyond this mean the client does not read: its sends
/// fail and it is dropped (it resumes with `since` when it reads again). A snapshot of a
/// large MPP is about 60 KB.
const MAX_WRITE_BUFFER: usize = 512 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamParams {
    /// The last `seq` the client has; it gets what came after.
    pub since: Option<u64>,
    /// Only events and state of this zone.
    pub zone: Option<String>,
    /// The hall board this screen is (`B1`): counted as on screen while connected, for
    /// the managers' device page (`GET /api/v1/boards`).
    pub board: Option<String>,
}

/// The live stream (WebSocket): a `snapshot` message, then every event with its `seq`
/// and `type`.
#[utoipa::path(get, path = "/api/v1/stream", tag = "stream",
    params(StreamParams,
        ("Upgrade" = String, Header, pattern = "^websocket$", description = "`websocket`: the stream is a WebSocket"),
        ("Connection" = String, Header, pattern = "^Upgrade$", description = "`Upgrade`"),
        ("Sec-WebSocket-Version" = String, Header, pattern = "^13$", description = "`13`"),
        ("Sec-WebSocket-Key" = String, Header, pattern = "^[A-Za-z0-9+/]{22}==$", description = "16 random bytes in base64")),
    responses((status = 101, description = "WebSocket: a Snapshot, then Event messages", body = Snapshot),
              (status = 404, body = ErrorBody)))]
pub async fn stream(
    State(ctx): State<Ctx>,
    ApiQuery(params): ApiQuery<StreamParams>,
    slot: Option<Extension<ConnectionSlot>>,
    upgrade: Result<Upgrade, ApiError>,
) -> Result<Response, ApiError> {
    if let Some(zone) = &params.zone
        && !ctx.writer.site().zones.iter().any(|z| &z.code == zone)
    {
        return Err(ApiError::not_found(
            "zone_not_found",
            "Zona tidak dikenal.",
            "Unknown zone.",
        ));
    }
    let on_screen = match &params.board {
        Some(code) if ctx.writer.site().boards.iter().any(|b| &b.code == code) => {
            Some(ctx.devices.board_on_screen(code))
        }
        Some(_) => {
            return Err(ApiError::not_found(
                "board_not_found",
                "Papan tidak dikenal.",
                "Unknown board.",
            ));
        }
        None => None,
    };
    Ok(upgrade?.on_upgrade(move |socket| async move {
        // The connection counts against the limit for as long as the socket is open,
        // and a board's screen as on screen.
        let _slot = slot;
        let _on_screen = on_screen;
        if let Err(e) = Subscriber::new(ctx, params.zone)
            .run(socket, params.since)
            .await
        {
            tracing::debug!("stream ended: {e}");
        }
    }))
}

struct Subscriber {
    ctx: Ctx,
    zone: Option<String>,
    /// The last seq sent (or covered by a snapshot).
    last: u64,
}

#[derive(Debug, thiserror::Error)]
enum StreamEnd {
    #[error("client gone")]
    Gone,
    #[error("send timed out")]
    Slow,
    #[error("server shutting down")]
    Shutdown,
    #[error("{0}")]
    Failed(String),
}

impl Subscriber {
    fn new(ctx: Ctx, zone: Option<String>) -> Subscriber {
        Subscriber { ctx, zone, last: 0 }
    }

    async fn run(
        mut self,
        mut connection: Connection,
        since: Option<u64>,
    ) -> Result<(), StreamEnd> {
        // Subscribe first: whatever is committed after this point arrives here, and
        // whatever came before is in the snapshot or the log.
        let mut events = self.ctx.writer.subscribe();
        let mut shutdown = self.ctx.shutdown.clone();
        // The first messages go straight to the connection, from a buffer freed after
        // them: the WebSocket codec would keep its buffer at their size (see upgrade.rs).
        let first = match since {
            Some(since) => self.replay(since).await?,
            None => None,
        };
        let first = match first {
            Some(events) => events,
            None => vec![self.snapshot().await?],
        };
        write_frames(&mut connection, &first).await?;
        drop(first);
        let config = WebSocketConfig::default()
            .read_buffer_size(READ_BUFFER)
            // Each message is written out at once: events are small and must not wait.
            .write_buffer_size(0)
            .max_write_buffer_size(MAX_WRITE_BUFFER)
            .max_message_size(Some(MAX_CLIENT_MESSAGE))
            .max_frame_size(Some(MAX_CLIENT_MESSAGE));
        let socket = WebSocketStream::from_raw_socket(connection, Role::Server, Some(config)).await;
        let (mut socket, mut incoming) = socket.split();
        // The client's side is read by its own task, which wakes only when the client
        // sends something: polling the read half on every event would cost each
        // subscriber a read attempt per event, and there are a thousand subscribers.
        let (gone_tx, mut gone) = tokio::sync::oneshot::channel::<()>();
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = incoming.next().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
            let _ = gone_tx.send(());
        });
        let result = self
            .serve(&mut socket, &mut events, &mut shutdown, &mut gone)
            .await;
        reader.abort();
        if matches!(result, Err(StreamEnd::Shutdown)) {
            let close = CloseFrame {
                code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Away,
                reason: "server shutting down".into(),
            };
            let _ = send(&mut socket, Message::Close(Some(close))).await;
        }
        result
    }

    async fn serve(
        &mut self,
        socket: &mut Sink,
        events: &mut tokio::sync::broadcast::Receiver<Arc<Frame>>,
        shutdown: &mut tokio::sync::watch::Receiver<bool>,
        gone: &mut tokio::sync::oneshot::Receiver<()>,
    ) -> Result<(), StreamEnd> {
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        let stopping = shutdown.changed();
        tokio::pin!(stopping);
        loop {
            tokio::select! {
                // Events first: they are what every subscriber is woken for.
                biased;
                frame = events.recv() => match frame {
                    Ok(frame) => self.forward(socket, &frame).await?,
                    // Fell too far behind the writer: start again from a snapshot.
                    Err(RecvError::Lagged(_)) => {
                        let snapshot = self.snapshot().await?;
                        send(socket, Message::Text(snapshot.into())).await?;
                    }
                    Err(RecvError::Closed) => return Err(StreamEnd::Shutdown),
                },
                _ = &mut *gone => return Err(StreamEnd::Gone),
                _ = ping.tick() => send(socket, Message::Ping(Default::default())).await?,
                _ = &mut stopping => return Err(StreamEnd::Shutdown),
            }
        }
    }

    /// What came after `since`, from the log, as this subscriber wants it. None when
    /// that is not possible (too old, or from another database) and a snapshot must be
    /// sent.
    async fn replay(&mut self, since: u64) -> Result<Option<Vec<String>>, StreamEnd> {
        let head = self
            .ctx
            .writer
            .read(|_, seq, _| seq)
            .await
            .map_err(|_| StreamEnd::Shutdown)?;
        if since > head || head - since > MAX_REPLAY {
            return Ok(None);
        }
        let db = self.ctx.db.clone();
        let rows = tokio::task::spawn_blocking(move || {
            let conn = store::open_reader(&db)?;
            store::events_after(&conn, since, MAX_REPLAY + 1024)
        })
        .await
        .map_err(|e| StreamEnd::Failed(e.to_string()))?
        .map_err(|e| StreamEnd::Failed(format!("{e:#}")))?;
        self.last = since;
        let mut wanted = Vec::new();
        for (seq, payload) in rows {
            if self.wants_json(&payload) {
                wanted.push(payload);
            }
            self.last = seq;
        }
        Ok(Some(wanted))
    }

    /// A snapshot (of the subscriber's zone) as JSON.
    async fn snapshot(&mut self) -> Result<String, StreamEnd> {
        let zone = self.zone.clone();
        let snapshot = self
            .ctx
            .writer
            .read(move |engine, seq, now| {
                filter(engine.snapshot(seq, now), zone.as_deref(), engine.site())
            })
            .await
            .map_err(|_| StreamEnd::Shutdown)?;
        self.last = snapshot.seq;
        serde_json::to_string(&snapshot).map_err(|e| StreamEnd::Failed(e.to_string()))
    }

    async fn forward(&mut self, socket: &mut Sink, frame: &Arc<Frame>) -> Result<(), StreamEnd> {
        if frame.seq <= self.last {
            return Ok(());
        }
        self.last = frame.seq;
        if frame.public && self.wants(&frame.zones) {
            send(socket, Message::Text(frame.json.clone())).await?;
        }
        Ok(())
    }

    fn wants(&self, zones: &[String]) -> bool {
        match &self.zone {
            None => true,
            Some(zone) => zones.is_empty() || zones.iter().any(|z| z == zone),
        }
    }

    fn wants_json(&self, payload: &str) -> bool {
        #[derive(Deserialize)]
        struct Head {
            #[serde(rename = "type")]
            kind: EventKind,
            #[serde(default)]
            zones: Vec<String>,
        }
        serde_json::from_str::<Head>(payload)
            .is_ok_and(|head| head.kind.is_public() && self.wants(&head.zones))
    }
}

/// Most bytes of frames gathered before a write, when the first messages are many
/// (a replay of up to `MAX_REPLAY` events).
const FIRST_WRITE: usize = 64 * 1024;

/// Writes text messages as WebSocket frames straight to the connection, before the
/// codec exists; each write within `SEND_TIMEOUT`.
async fn write_frames(connection: &mut Connection, texts: &[String]) -> Result<(), StreamEnd> {
    let mut out = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let frame = WireFrame::message(text.clone(), OpCode::Data(Data::Text), true);
        frame
            .format(&mut out)
            .map_err(|e| StreamEnd::Failed(e.to_string()))?;
        if out.len() >= FIRST_WRITE || i + 1 == texts.len() {
            match tokio::time::timeout(SEND_TIMEOUT, connection.write_all(&out)).await {
                Ok(Ok(())) => out.clear(),
                Ok(Err(_)) => return Err(StreamEnd::Gone),
                Err(_) => return Err(StreamEnd::Slow),
            }
        }
    }
    Ok(())
}

async fn send(socket: &mut Sink, message: Message) -> Result<(), StreamEnd> {
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(StreamEnd::Gone),
        Err(_) => Err(StreamEnd::Slow),
    }
}

/// A snapshot cut down to one zone: its counters, the services served there, and the
/// calls made at its counters.
fn filter(mut snapshot: Snapshot, zone: Option<&str>, site: &crate::engine::Site) -> Snapshot {
    let Some(zone) = zone else { return snapshot };
    let in_zone = |counter: &str| site.counter(counter).is_some_and(|c| c.zone == zone);
    snapshot.counters.retain(|c| in_zone(&c.code));
    snapshot
        .queues
        .retain(|q| site.service_zones(&q.service).iter().any(|z| z == zone));
    snapshot
        .recent_calls
        .retain(|t| t.counter.as_deref().is_some_and(in_zone));
    snapshot
}
