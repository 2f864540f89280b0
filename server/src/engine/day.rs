//! The service day: numbers belong to the local date at the site, and a new day closes
//! the old one.

use std::collections::HashSet;

use antre_protocol::{EventDetail, EventKind, TicketStatus};
use jiff::Timestamp;
use jiff::civil::Date;

use super::{Change, Engine, Site, TicketId};

/// The local calendar day of an instant at the site.
pub fn local_day(site: &Site, now: Timestamp) -> Date {
    now.to_zoned(site.timezone.clone()).date()
}

impl Engine {
    /// Brings the engine to the day `now` falls in. At local midnight numbering starts
    /// again at 001, and tickets of past days that still wait (or are held, or missed
    /// their call) are cancelled: nobody is called for yesterday's number. Tickets being
    /// called or served stay with their counter until finished. A clock set back never
    /// takes the day back, so a number is never given twice.
    /// Bookings' reminders and no-shows fall due here too (`booking`).
    pub fn advance(&mut self, now: Timestamp) -> Vec<Change> {
        let mut changes = self.next_day(now);
        changes.extend(self.booking_clock(now));
        changes
    }

    fn next_day(&mut self, now: Timestamp) -> Vec<Change> {
        let today = local_day(&self.site, now);
        if today <= self.day {
            return Vec::new();
        }
        self.day = today;
        self.last_number.clear();
        self.booked_today.clear();
        let mut stale: Vec<TicketId> = self
            .tickets
            .values()
            .filter(|t| t.day < today)
            .filter(|t| {
                matches!(
                    t.status,
                    TicketStatus::Waiting | TicketStatus::Held | TicketStatus::NoShow
                )
            })
            .map(|t| t.id)
            .collect();
        stale.sort_unstable();
        let mut changes = Vec::new();
        for id in stale {
            self.take_out_of_line(id);
            let ticket = self.tickets.get_mut(&id).expect("listed above");
            ticket.status = TicketStatus::Cancelled;
            ticket.finished_at = Some(now);
            changes.push(
                Change::ticket(EventKind::TicketCancelled, id, None).with(EventDetail {
                    reason: Some("day_closed".into()),
                    ..EventDetail::default()
                }),
            );
        }
        // Forget finished tickets of past days: history lives in the database. The ones
        // just cancelled stay until the next day change, so their events can show them.
        let swept: HashSet<TicketId> = changes.iter().filter_map(|c| c.ticket).collect();
        self.tickets
            .retain(|id, t| t.day >= today || t.status.is_live() || swept.contains(id));
        let tickets = &self.tickets;
        self.by_token.retain(|_, id| tickets.contains_key(id));
        self.by_key.retain(|_, id| tickets.contains_key(id));
        self.recent_calls.retain(|id| tickets.contains_key(id));
        self.forget_past_bookings();
        changes
    }
}
