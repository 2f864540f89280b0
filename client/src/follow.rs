//! The live-stream follower: one connection to `GET /api/v1/stream` at a time, kept
//! for as long as the client runs.
//!
//! The server sends a snapshot, then every event with its `seq`, and pings every 20 s.
//! The follower hands each message to the client's [`Handler`], and after a drop
//! (server restart, network, a socket that went silent) it connects again after a
//! [`Backoff`] pause with `since=` the last message the handler accepted. The server
//! answers with exactly the events that came after, or with a fresh snapshot when that
//! is no longer possible (too far behind, or another database); the handler gets that
//! snapshot like any other. The handler decides after each message whether to go on,
//! to have it again ([`Control::Retry`]: the kiosk agent when a print job could not be
//! fetched) or to stop.

use std::future::Future;
use std::time::Duration;

use antre_protocol::{Event, Snapshot, StreamMessage};
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::address::Address;
use crate::backoff::Backoff;

/// Without any message for this long the connection is taken as dead and made again.
/// The server pings every 20 s, so this is three missed pings: a pulled cable or a
/// crashed switch shows within a minute, while a busy Wi-Fi that delays one ping does
/// not cost a reconnection. It also bounds a connection attempt that gets no answer,
/// which the operating system would otherwise retry for about two minutes.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(60);

/// The stream's path under the server's address.
const STREAM_PATH: &str = "/api/v1/stream";

/// What the follower tells its handler.
#[derive(Debug, Clone, PartialEq)]
pub enum Feed {
    /// Connected (again); messages follow.
    Online,
    /// Not connected, with a short reason; the follower tries again after a pause.
    Offline(String),
    /// The state as of `seq`: the first message of a connection without `since`, the
    /// answer to a `since` the server cannot resume from, or a catch-up after falling
    /// far behind. Its `seq` may be lower than anything before (a new database).
    Snapshot(Box<Snapshot>),
    /// An event after the last accepted message; never one already accepted.
    Event(Box<Event>),
}

/// What the follower does after the handler has seen a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Accepted: the next connection resumes after it.
    Continue,
    /// Not accepted: drop the connection and resume from before this message, so it
    /// comes again after a pause, which grows while the handler keeps asking. For
    /// [`Feed::Online`] and [`Feed::Offline`] it is the same as `Continue`.
    Retry,
    /// The follower returns.
    Stop,
}

/// A client's side of following the stream.
pub trait Handler: Send {
    fn on(&mut self, feed: Feed) -> impl Future<Output = Control> + Send;
}

/// A token that cannot be sent in a header (a line break, a control character).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the token holds characters a header cannot carry")]
pub struct TokenError;

/// Where and how to follow.
#[derive(Debug, Clone)]
pub struct Options {
    server: Address,
    zone: Option<String>,
    authorization: Option<HeaderValue>,
    since: Option<u64>,
    silence_limit: Duration,
}

impl Options {
    /// The whole stream of `server`, from a snapshot, with the default
    /// [`SILENCE_LIMIT`].
    pub fn new(server: Address) -> Options {
        Options {
            server,
            zone: None,
            authorization: None,
            since: None,
            silence_limit: SILENCE_LIMIT,
        }
    }

    /// Only the events and state of one zone (a hall board's).
    pub fn zone(mut self, zone: impl Into<String>) -> Options {
        self.zone = Some(zone.into());
        self
    }

    /// Sends `Authorization: Bearer TOKEN` with every connection (a device's token).
    pub fn token(mut self, token: &str) -> Result<Options, TokenError> {
        let value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| TokenError)?;
        self.authorization = Some(value);
        Ok(self)
    }

    /// Starts after event `seq` (remembered from an earlier run) instead of from a
    /// snapshot.
    pub fn since(mut self, seq: u64) -> Options {
        self.since = Some(seq);
        self
    }

    /// How long a connection may stay silent before it is dropped (tests use a short
    /// one).
    pub fn silence_limit(mut self, limit: Duration) -> Options {
        self.silence_limit = limit;
        self
    }
}

/// Follows the stream with its [`Options`]; see the module's documentation.
#[derive(Debug)]
pub struct Follower {
    options: Options,
}

/// What the follower carries from one connection to the next.
struct Progress {
    /// The seq of the last message the handler accepted: the next `since`.
    last: Option<u64>,
    /// Reset when a connection is made, so a drop after a long healthy connection is
    /// followed by a short pause.
    backoff: Backoff,
    /// The handler asked for a message again and has not accepted it since. Making the
    /// connection is then no success: the pause keeps growing, so a message the handler
    /// keeps refusing (a print job the server cannot hand out) is not asked for twice a
    /// second.
    retrying: bool,
}

/// Why a connection ended.
enum End {
    /// Lost or left; the reason goes to the handler as [`Feed::Offline`].
    Lost(String),
    /// The handler said [`Control::Stop`].
    Stop,
}

impl Follower {
    pub fn new(options: Options) -> Follower {
        Follower { options }
    }

    /// The stream's URL, resuming after `since` when given.
    pub fn url(&self, since: Option<u64>) -> String {
        let mut query = Vec::new();
        if let Some(zone) = &self.options.zone {
            query.push(format!("zone={}", encode(zone)));
        }
        if let Some(seq) = since {
            query.push(format!("since={seq}"));
        }
        let url = self.options.server.ws(STREAM_PATH);
        if query.is_empty() {
            url
        } else {
            format!("{url}?{}", query.join("&"))
        }
    }

    /// Follows until the handler says [`Control::Stop`].
    pub async fn run<H: Handler>(self, handler: &mut H) {
        let mut progress = Progress {
            last: self.options.since,
            backoff: Backoff::new(),
            retrying: false,
        };
        loop {
            let url = self.url(progress.last);
            let why = match self.connection(&url, &mut progress, handler).await {
                End::Stop => return,
                End::Lost(why) => why,
            };
            let pause = progress.backoff.next_pause();
            tracing::warn!("stream {url}: {why}; reconnecting in {pause:.1?}");
            if handler.on(Feed::Offline(why)).await == Control::Stop {
                return;
            }
            tokio::time::sleep(pause).await;
        }
    }

    /// One connection, from the attempt to its end.
    async fn connection<H: Handler>(
        &self,
        url: &str,
        progress: &mut Progress,
        handler: &mut H,
    ) -> End {
        let limit = self.options.silence_limit;
        let mut request = match url.into_client_request() {
            Ok(r) => r,
            Err(e) => return End::Lost(format!("bad address: {e}")),
        };
        if let Some(value) = &self.options.authorization {
            request.headers_mut().insert("authorization", value.clone());
        }
        let mut ws =
            match tokio::time::timeout(limit, tokio_tungstenite::connect_async(request)).await {
                Ok(Ok((ws, _))) => ws,
                Ok(Err(e)) => return End::Lost(format!("cannot connect: {e}")),
                Err(_) => return End::Lost(format!("no answer to connecting within {limit:?}")),
            };
        if !progress.retrying {
            progress.backoff.reset();
        }
        tracing::info!("following {url}");
        if handler.on(Feed::Online).await == Control::Stop {
            return End::Stop;
        }
        loop {
            let message = match tokio::time::timeout(limit, ws.next()).await {
                Ok(Some(Ok(m))) => m,
                Ok(Some(Err(e))) => return End::Lost(format!("broken: {e}")),
                Ok(None) => return End::Lost("closed".into()),
                Err(_) => return End::Lost(format!("no message for {limit:?}")),
            };
            let text = match message {
                Message::Text(text) => text,
                Message::Close(frame) => {
                    return End::Lost(match frame {
                        Some(f) if !f.reason.is_empty() => format!("closed: {}", f.reason),
                        _ => "closed".into(),
                    });
                }
                // Pings (answered by the WebSocket layer), pongs, binary: only proof
                // of life.
                _ => continue,
            };
            // A message this version does not know (a newer server) is skipped: it
            // would be the same after every reconnection.
            let message = match serde_json::from_str::<StreamMessage>(&text) {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!("unreadable stream message skipped: {e}");
                    continue;
                }
            };
            let (seq, feed) = match message {
                StreamMessage::Snapshot(s) => (s.seq, Feed::Snapshot(s)),
                StreamMessage::Event(e) => {
                    // Already accepted before a reconnection; the server's replay and
                    // its live events may also overlap.
                    if progress.last.is_some_and(|l| e.seq <= l) {
                        continue;
                    }
                    (e.seq, Feed::Event(e))
                }
            };
            match handler.on(feed).await {
                Control::Continue => {
                    progress.last = Some(seq);
                    if progress.retrying {
                        progress.retrying = false;
                        progress.backoff.reset();
                    }
                }
                Control::Retry => {
                    progress.retrying = true;
                    return End::Lost(format!("message {seq} to be read again"));
                }
                Control::Stop => return End::Stop,
            }
        }
    }
}

/// `text` as a query value: anything but unreserved characters percent-encoded.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_carries_zone_and_since_only_when_given() {
        let server = Address::parse("http://10.0.0.5:8080").unwrap();
        let plain = Follower::new(Options::new(server.clone()));
        assert_eq!(plain.url(None), "ws://10.0.0.5:8080/api/v1/stream");
        assert_eq!(
            plain.url(Some(7)),
            "ws://10.0.0.5:8080/api/v1/stream?since=7"
        );
        let zoned = Follower::new(Options::new(server).zone("Lantai 2"));
        assert_eq!(
            zoned.url(Some(0)),
            "ws://10.0.0.5:8080/api/v1/stream?zone=Lantai%202&since=0"
        );
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused() {
        let server = Address::parse("http://h:1").unwrap();
        assert!(Options::new(server.clone()).token("abc-123").is_ok());
        assert_eq!(
            Options::new(server).token("abc\n123").unwrap_err(),
            TokenError
        );
    }
}
