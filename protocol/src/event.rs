use serde::{Deserialize, Serialize};

use crate::{CounterView, QueueInfo, Ticket};

/// What happened, as the `type` field of a stream message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventKind {
    #[serde(rename = "ticket.issued")]
    TicketIssued,
    #[serde(rename = "ticket.called")]
    TicketCalled,
    #[serde(rename = "ticket.recalled")]
    TicketRecalled,
    #[serde(rename = "ticket.serving")]
    TicketServing,
    #[serde(rename = "ticket.done")]
    TicketDone,
    #[serde(rename = "ticket.no_show")]
    TicketNoShow,
    #[serde(rename = "ticket.reinstated")]
    TicketReinstated,
    #[serde(rename = "ticket.transferred")]
    TicketTransferred,
    #[serde(rename = "ticket.held")]
    TicketHeld,
    #[serde(rename = "ticket.resumed")]
    TicketResumed,
    #[serde(rename = "ticket.cancelled")]
    TicketCancelled,
    /// Put back in line from a counter, at its place (`requeue`).
    #[serde(rename = "ticket.requeued")]
    TicketRequeued,
    #[serde(rename = "counter.opened")]
    CounterOpened,
    #[serde(rename = "counter.closed")]
    CounterClosed,
    #[serde(rename = "counter.paused")]
    CounterPaused,
    #[serde(rename = "counter.resumed")]
    CounterResumed,
    /// A supervisor changed the hall boards' running text (`detail.running_text`).
    #[serde(rename = "board.running_text")]
    RunningText,
    /// The site's description changed while the server ran (`detail.changes`).
    #[serde(rename = "site.changed")]
    SiteChanged,
    /// A user logged in (`detail.by`, `detail.session`, `detail.address`).
    #[serde(rename = "user.logged_in")]
    UserLoggedIn,
    /// A user logged out: the session's token no longer works.
    #[serde(rename = "user.logged_out")]
    UserLoggedOut,
    /// A log-in was refused (`detail.by`: the name tried, `detail.address`).
    #[serde(rename = "user.login_failed")]
    UserLoginFailed,
    /// A visitor answered the SKM survey about a finished ticket (`detail.survey`).
    #[serde(rename = "survey.answered")]
    SurveyAnswered,
    /// A seat in a session, or a place in today's remote queue, was booked
    /// (`detail.booking`).
    #[serde(rename = "booking.made")]
    BookingMade,
    /// A booking moved to another session (`detail.booking.moved_from`).
    #[serde(rename = "booking.rescheduled")]
    BookingRescheduled,
    #[serde(rename = "booking.cancelled")]
    BookingCancelled,
    /// A booking was checked in; its ticket's `ticket.issued` follows.
    #[serde(rename = "booking.checked_in")]
    BookingCheckedIn,
    /// The check-in window closed without a check-in.
    #[serde(rename = "booking.no_show")]
    BookingNoShow,
    /// The reminder before a booked session is due.
    #[serde(rename = "booking.reminder")]
    BookingReminder,
    /// A booked ticket is near its turn (`detail.ahead` people ahead).
    #[serde(rename = "ticket.near")]
    TicketNear,
}

impl EventKind {
    pub const ALL: [EventKind; 29] = [
        EventKind::TicketIssued,
        EventKind::TicketCalled,
        EventKind::TicketRecalled,
        EventKind::TicketServing,
        EventKind::TicketDone,
        EventKind::TicketNoShow,
        EventKind::TicketReinstated,
        EventKind::TicketTransferred,
        EventKind::TicketHeld,
        EventKind::TicketResumed,
        EventKind::TicketCancelled,
        EventKind::TicketRequeued,
        EventKind::CounterOpened,
        EventKind::CounterClosed,
        EventKind::CounterPaused,
        EventKind::CounterResumed,
        EventKind::RunningText,
        EventKind::SiteChanged,
        EventKind::UserLoggedIn,
        EventKind::UserLoggedOut,
        EventKind::UserLoginFailed,
        EventKind::SurveyAnswered,
        EventKind::BookingMade,
        EventKind::BookingRescheduled,
        EventKind::BookingCancelled,
        EventKind::BookingCheckedIn,
        EventKind::BookingNoShow,
        EventKind::BookingReminder,
        EventKind::TicketNear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::TicketIssued => "ticket.issued",
            EventKind::TicketCalled => "ticket.called",
            EventKind::TicketRecalled => "ticket.recalled",
            EventKind::TicketServing => "ticket.serving",
            EventKind::TicketDone => "ticket.done",
            EventKind::TicketNoShow => "ticket.no_show",
            EventKind::TicketReinstated => "ticket.reinstated",
            EventKind::TicketTransferred => "ticket.transferred",
            EventKind::TicketHeld => "ticket.held",
            EventKind::TicketResumed => "ticket.resumed",
            EventKind::TicketCancelled => "ticket.cancelled",
            EventKind::TicketRequeued => "ticket.requeued",
            EventKind::CounterOpened => "counter.opened",
            EventKind::CounterClosed => "counter.closed",
            EventKind::CounterPaused => "counter.paused",
            EventKind::CounterResumed => "counter.resumed",
            EventKind::RunningText => "board.running_text",
            EventKind::SiteChanged => "site.changed",
            EventKind::UserLoggedIn => "user.logged_in",
            EventKind::UserLoggedOut => "user.logged_out",
            EventKind::UserLoginFailed => "user.login_failed",
            EventKind::SurveyAnswered => "survey.answered",
            EventKind::BookingMade => "booking.made",
            EventKind::BookingRescheduled => "booking.rescheduled",
            EventKind::BookingCancelled => "booking.cancelled",
            EventKind::BookingCheckedIn => "booking.checked_in",
            EventKind::BookingNoShow => "booking.no_show",
            EventKind::BookingReminder => "booking.reminder",
            EventKind::TicketNear => "ticket.near",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the live stream carries it: everything but log-ins and log-outs, which
    /// only the audit trail shows (who, when, from where is nobody else's business), and
    /// survey answers, which nobody sees one by one, and bookings, which concern one
    /// citizen (their tickets are on the stream once checked in).
    pub fn is_public(self) -> bool {
        !matches!(
            self,
            EventKind::UserLoggedIn
                | EventKind::UserLoggedOut
                | EventKind::UserLoginFailed
                | EventKind::SurveyAnswered
                | EventKind::BookingMade
                | EventKind::BookingRescheduled
                | EventKind::BookingCancelled
                | EventKind::BookingCheckedIn
                | EventKind::BookingNoShow
                | EventKind::BookingReminder
                | EventKind::TicketNear
        )
    }
}

/// One change, as stored in the event log and sent on the stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Monotonic sequence number: no gaps, never reused.
    pub seq: u64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub at: String,
    /// Zones the event concerns (the counter's zone, or the zones serving the ticket's
    /// service); `stream?zone=Z` passes events naming Z.
    #[serde(default)]
    pub zones: Vec<String>,
    /// The ticket as it is after the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// The counter as it is after the event, for counter events and calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<CounterView>,
    #[serde(default, skip_serializing_if = "EventDetail::is_empty")]
    pub detail: EventDetail,
}

/// Particulars of some events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDetail {
    /// Transfers: the service the ticket left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_service: Option<String>,
    /// Out-of-order calls and cancellations: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A call that is not what the call-next policy would have picked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub out_of_order: bool,
    /// The user who caused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// `counter.opened` by a takeover: the officer who had the counter open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_from: Option<String>,
    /// Log-ins and log-outs: the session (the token's id, not the token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Log-ins: the address the request came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Calls and recalls: what the hall says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announcement: Option<Announcement>,
    /// `board.running_text`: the new text of the boards' ticker (empty: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_text: Option<String>,
    /// `site.changed`: every item of the site's description that changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ItemChange>,
    /// `survey.answered`: the answers (the audit trail leaves them out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveyRecord>,
    /// `booking.*`: the booking, without who made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<crate::BookingRecord>,
    /// `ticket.near`: people ahead of the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ahead: Option<u32>,
}

/// A survey answer as the log keeps it: the scores, the optional profile and the
/// suggestion; nothing about who gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyRecord {
    pub answers: Vec<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::SurveyProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// One item of the site's description as it was and as it is: added (no `before`),
/// removed (no `after`) or changed. The audit trail shows who changed what from these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemChange {
    /// `site`, `agency`, `service`, `counter`, `zone`, `kiosk`, `board` or `user`.
    pub item: String,
    /// The item's code (the site's own code for `site`).
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

impl ItemChange {
    /// One line for people: `+ agency BPOM`, `- service X`, or
    /// `~ counter L01: name "Loket 1" → "Loket Satu"` with each changed field.
    pub fn summary(&self) -> String {
        let (item, code) = (&self.item, &self.code);
        match (&self.before, &self.after) {
            (None, _) => format!("+ {item} {code}"),
            (_, None) => format!("- {item} {code}"),
            (Some(before), Some(after)) => {
                let empty = serde_json::Map::new();
                let (b, a) = (
                    before.as_object().unwrap_or(&empty),
                    after.as_object().unwrap_or(&empty),
                );
                let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
                keys.sort();
                keys.dedup();
                let null = serde_json::Value::Null;
                let fields: Vec<String> = keys
                    .into_iter()
                    .filter(|k| b.get(*k) != a.get(*k))
                    .map(|k| {
                        let was = b.get(k).unwrap_or(&null);
                        let now = a.get(k).unwrap_or(&null);
                        format!("{k} {was} → {now}")
                    })
                    .collect();
                format!("~ {item} {code}: {}", fields.join("; "))
            }
        }
    }
}

impl EventDetail {
    pub fn is_empty(&self) -> bool {
        *self == EventDetail::default()
    }
}

/// What the hall announces for a call.
///
/// A board says it by playing `clips` (each `GET /api/v1/clips/{name}.wav`, fetched once
/// and kept), then `place` when the counter is outside its own zone, then `clips_en`
/// when the site says calls in English. An entry `~MS` is a pause of MS milliseconds.
/// Composed on the board, a call costs no download; `audio` is the same announcement
/// composed by the server, for players that cannot compose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Announcement {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_en: Option<String>,
    /// URL of the composed audio, when the server provides one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
    /// The Indonesian announcement: the chime, a pause, the words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clips: Vec<String>,
    /// The English announcement (no chime), when the site says calls in English.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clips_en: Vec<String>,
    /// Where the counter is, for boards of other zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
}

/// The counter's place in the building, as a board of another zone says it after the
/// call ("… silakan menuju loket lima belas, lantai dua").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    /// The counter's zone.
    pub zone: String,
    /// The zone's name as shown ("Lantai 2 — Zona B").
    pub name: String,
    /// As said ("lantai dua").
    pub text: String,
    /// The clips that say it (with a short pause first).
    pub clips: Vec<String>,
}

/// Marker for the snapshot message's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SnapshotTag {
    #[serde(rename = "snapshot")]
    Snapshot,
}

/// The first message on the stream: the whole live state at `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    #[serde(rename = "type")]
    pub kind: SnapshotTag,
    /// The last event included; the stream goes on from `seq + 1`.
    pub seq: u64,
    pub day: String,
    pub at: String,
    pub counters: Vec<CounterView>,
    pub queues: Vec<QueueInfo>,
    /// The latest calls, newest first.
    pub recent_calls: Vec<Ticket>,
    /// The hall boards' running text, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_text: Option<String>,
}

/// Any message on `GET /api/v1/stream`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StreamMessage {
    Snapshot(Box<Snapshot>),
    Event(Box<Event>),
}

impl StreamMessage {
    pub fn seq(&self) -> u64 {
        match self {
            StreamMessage::Snapshot(s) => s.seq,
            StreamMessage::Event(e) => e.seq,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_kind_names_round_trip() {
        for kind in EventKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn stream_messages_are_told_apart_by_type() {
        let snap = r#"{"type":"snapshot","seq":4,"day":"2026-11-23","at":"x","counters":[],"queues":[],"recent_calls":[]}"#;
        let event = r#"{"seq":5,"type":"counter.opened","at":"x","zones":["A"]}"#;
        assert!(matches!(
            serde_json::from_str::<StreamMessage>(snap).unwrap(),
            StreamMessage::Snapshot(s) if s.seq == 4
        ));
        assert!(matches!(
            serde_json::from_str::<StreamMessage>(event).unwrap(),
            StreamMessage::Event(e) if e.seq == 5 && e.kind == EventKind::CounterOpened
        ));
    }
}
