//! Notifications to visitors' phones: booking confirmations, reminders, "your turn is
//! near", calls.
//!
//! The rules, and why:
//!
//! - **The queue never waits.** A message is a row of the outbox, written by the writer
//!   in the transaction of the event that causes it (`store::outbox::enqueue`). Sending
//!   is the [`sender`]'s work, a task with its own database connection and its own
//!   HTTP client: a slow, hanging or absent receiver delays only messages, never a
//!   ticket, a call or a board.
//! - **At least once.** A row stays `pending` until a receiver has answered 2xx and the
//!   answer is recorded. A crash between the two, or a shutdown with requests in
//!   flight, sends the message again on the next start; nothing lives only in memory.
//! - **An id per message**, `{site_code}-{outbox id}` (`X-Antre-Id`, and `id` in the
//!   webhook's body), never reused, so a receiver drops repeats by it.
//! - **Back-off**: a temporary failure is tried again after 5 s, 15 s, 1 min, 5 min,
//!   15 min, then every 30 min; after the 12th try the row is `failed`
//!   ([`sender::Backoff`]). An administrator may put failed rows back
//!   (`store::outbox::retry_failed`).
//! - **Temporary or permanent.** Timeouts, refused or broken connections, 408, 429 and
//!   5xx are temporary: the receiver may be back soon. Any other answer outside 2xx
//!   means the request itself is refused (bad token, bad number, bad URL): trying again
//!   would only repeat it, so the row fails at once with the answer's status and first
//!   200 characters ([`classify`]). A row whose channel was removed or disabled fails
//!   too, saying so.
//!
//! Files: [`settings`] (the `[notify]` config), [`message`] (kinds, texts, composing the
//! rows), [`sender`] (the loop), [`classify`] (what an answer means), and one file per
//! kind of channel: [`webhook`], [`whatsapp_cloud`], [`form_gateway`].

pub mod classify;
pub mod events;
pub mod form_gateway;
pub mod message;
pub mod sender;
pub mod settings;
pub mod webhook;
pub mod whatsapp_cloud;

#[cfg(test)]
mod tests;

pub use message::{Composed, MessageKind, Outgoing, StoredBody, compose};
pub use sender::{Backoff, SenderOptions, spawn, spawn_with};
pub use settings::{ChannelConfig, ChannelKind, NotifyConfig, Template};

use crate::store::outbox::{self, OutboxStats, Row};

/// One outbox row as the channels send it: its id on the wire and its stored body.
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    /// `{site_code}-{outbox id}`.
    pub id: String,
    pub site: &'a str,
    pub row: &'a Row,
    pub body: StoredBody,
}

impl<'a> Envelope<'a> {
    /// Reads the row's stored body; a damaged one is a permanent failure.
    pub fn open(site: &'a str, row: &'a Row) -> anyhow::Result<Envelope<'a>> {
        let body: StoredBody = serde_json::from_str(&row.body)
            .map_err(|e| anyhow::anyhow!("damaged message body: {e}"))?;
        Ok(Envelope {
            id: message_id(site, row.id),
            site,
            row,
            body,
        })
    }

    /// The text in the language asked for (English for a code starting with `en`).
    pub fn text(&self, english: bool) -> &str {
        if english {
            &self.body.text_en
        } else {
            &self.body.text
        }
    }
}

/// The id a message carries: receivers drop repeats by it.
pub fn message_id(site_code: &str, outbox_id: i64) -> String {
    format!("{site_code}-{outbox_id}")
}

/// [`outbox::stats`] completed from the configuration: each channel's kind, and the
/// configured channels that have no messages yet.
pub fn stats(conn: &rusqlite::Connection, cfg: &NotifyConfig) -> anyhow::Result<OutboxStats> {
    let mut stats = outbox::stats(conn)?;
    for c in &mut stats.channels {
        c.kind = cfg.channel(&c.name).map(|k| k.kind.as_str().to_string());
    }
    for c in &cfg.channels {
        if !stats.channels.iter().any(|s| s.name == c.name) {
            stats.channels.push(outbox::ChannelStats {
                name: c.name.clone(),
                kind: Some(c.kind.as_str().to_string()),
                pending: 0,
                sent: 0,
                failed: 0,
                last_error: None,
                last_sent_at: None,
            });
        }
    }
    stats.channels.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(stats)
}
