//! Following the server's live stream, reconnecting after drops with `?since=SEQ` so
//! nothing is missed (the server replays what came after, or sends a fresh snapshot).

use std::time::Duration;

use antre_protocol::StreamMessage;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// First pause before reconnecting; doubles up to [`MAX_RECONNECT`]. A restarting
/// server is back within seconds, so the first tries come quickly.
const FIRST_RECONNECT: Duration = Duration::from_millis(500);

/// Longest pause between reconnection tries: an officer should not wait more than this
/// after the network comes back.
const MAX_RECONNECT: Duration = Duration::from_secs(5);

/// What the follower reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Feed {
    Message(Box<StreamMessage>),
    /// Connected (again).
    Online,
    /// Lost the connection; reconnecting.
    Offline(String),
}

/// Follows the stream at `url_for(since)` until `tx` is closed.
pub async fn follow(url_for: impl Fn(Option<u64>) -> String, tx: mpsc::UnboundedSender<Feed>) {
    let mut since: Option<u64> = None;
    let mut pause = FIRST_RECONNECT;
    loop {
        match tokio_tungstenite::connect_async(url_for(since)).await {
            Ok((mut ws, _)) => {
                pause = FIRST_RECONNECT;
                if tx.send(Feed::Online).is_err() {
                    return;
                }
                let why = loop {
                    match ws.next().await {
                        Some(Ok(Message::Text(text))) => {
                            match serde_json::from_str::<StreamMessage>(&text) {
                                Ok(msg) => {
                                    since = Some(msg.seq());
                                    if tx.send(Feed::Message(Box::new(msg))).is_err() {
                                        return;
                                    }
                                }
                                Err(e) => break format!("unreadable message: {e}"),
                            }
                        }
                        Some(Ok(Message::Close(_))) | None => break "closed".to_string(),
                        Some(Ok(_)) => {}
                        Some(Err(e)) => break e.to_string(),
                    }
                };
                if tx.send(Feed::Offline(why)).is_err() {
                    return;
                }
            }
            Err(e) => {
                if tx.send(Feed::Offline(e.to_string())).is_err() {
                    return;
                }
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_RECONNECT);
    }
}
