//! The live stream for the screen and the LED sign, followed with `antre-client`'s
//! follower like every native client: reconnecting after drops with `?since=SEQ` so
//! nothing is missed (the server replays what came after, or sends a fresh snapshot),
//! and noticing a connection that went silent. Its news reaches the screen's loop as
//! [`Feed`] messages, so [`crate::app`] stays free of I/O.

use antre_client::Address;
use antre_client::follow::{self as client, Control, Follower, Handler, Options};
use antre_protocol::StreamMessage;
use tokio::sync::mpsc;

/// What the follower reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Feed {
    Message(StreamMessage),
    /// Connected (again).
    Online,
    /// Lost the connection; reconnecting.
    Offline(String),
}

/// Follows the stream of `server` until `tx` is closed.
pub async fn follow(server: Address, tx: mpsc::UnboundedSender<Feed>) {
    Follower::new(Options::new(server))
        .run(&mut Forward(tx))
        .await;
}

/// Passes everything on; stops when nobody listens any more.
struct Forward(mpsc::UnboundedSender<Feed>);

impl Handler for Forward {
    async fn on(&mut self, feed: client::Feed) -> Control {
        let news = match feed {
            client::Feed::Online => Feed::Online,
            client::Feed::Offline(why) => Feed::Offline(why),
            client::Feed::Snapshot(s) => Feed::Message(StreamMessage::Snapshot(s)),
            client::Feed::Event(e) => Feed::Message(StreamMessage::Event(e)),
        };
        if self.0.send(news).is_err() {
            Control::Stop
        } else {
            Control::Continue
        }
    }
}
