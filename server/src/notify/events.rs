//! Which events send which messages, to whom, with which values. Only bookings'
//! holders are written to (they gave a number for it); a walk-in's ticket sends
//! nothing.
//!
//! | event | message |
//! |---|---|
//! | `booking.made`, `booking.rescheduled` | `booking_confirmed` |
//! | `booking.reminder` | `reminder` |
//! | `booking.checked_in` | `checked_in`, with the ticket's number |
//! | `ticket.near` | `ahead` |
//! | `ticket.called`, `ticket.recalled` of a booked ticket | `called`, with the counter |
//! | `ticket.no_show` of a booked ticket | `missed` |
//! | `booking.cancelled` | `cancelled` |

use std::collections::BTreeMap;

use antre_protocol::{Event, EventKind};

use super::{MessageKind, Outgoing};
use crate::engine::schedule::hh_mm;
use crate::engine::{Booking, Engine, display_code};

/// The messages an event causes (none for most).
pub fn messages(engine: &Engine, event: &Event) -> Vec<Outgoing> {
    let kind = match event.kind {
        EventKind::BookingMade | EventKind::BookingRescheduled => MessageKind::BookingConfirmed,
        EventKind::BookingReminder => MessageKind::Reminder,
        EventKind::BookingCheckedIn => MessageKind::CheckedIn,
        EventKind::BookingCancelled => MessageKind::Cancelled,
        EventKind::TicketNear => MessageKind::Ahead,
        EventKind::TicketCalled | EventKind::TicketRecalled => MessageKind::Called,
        EventKind::TicketNoShow => MessageKind::Missed,
        _ => return Vec::new(),
    };
    let code = event
        .detail
        .booking
        .as_ref()
        .map(|b| b.code.clone())
        .or_else(|| {
            event
                .ticket
                .as_ref()
                .and_then(|t| t.booking.as_deref())
                .map(|c| c.replace('-', ""))
        });
    let Some(booking) = code.as_deref().and_then(|c| engine.booking(c)) else {
        return Vec::new();
    };
    let mut vars = values(engine, booking);
    if let Some(ticket) = booking.ticket.and_then(|id| engine.ticket(id)) {
        vars.insert("number".into(), ticket.label());
    }
    if let Some(counter) = event
        .counter
        .as_ref()
        .and_then(|c| engine.site().counter(&c.code))
    {
        vars.insert("counter".into(), counter.name.clone());
    }
    if let Some(ahead) = event.detail.ahead {
        vars.insert("ahead".into(), ahead.to_string());
    }
    vec![Outgoing {
        kind,
        booking: Some(display_code(&booking.code)),
        recipient: booking.phone.clone(),
        vars,
    }]
}

/// What every message of a booking may say.
fn values(engine: &Engine, b: &Booking) -> BTreeMap<String, String> {
    let site = engine.site();
    let service = site.service(&b.service);
    let mut vars = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        vars.insert(k.to_string(), v);
    };
    put("code", display_code(&b.code));
    put("name", b.name.clone());
    put(
        "service",
        service.map(|s| s.name.clone()).unwrap_or_default(),
    );
    put(
        "service_en",
        service.map(|s| s.name_en.clone()).unwrap_or_default(),
    );
    put("date", b.day.to_string());
    put("start", b.start_min.map(hh_mm).unwrap_or_default());
    put("end", b.end_min.map(hh_mm).unwrap_or_default());
    put("site", site.name.clone());
    put(
        "link",
        site.public_url
            .as_deref()
            .map(|u| format!("{u}/booking/{}", display_code(&b.code)))
            .unwrap_or_default(),
    );
    vars
}
