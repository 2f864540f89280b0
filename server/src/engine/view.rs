//! The engine's state as clients see it: wire types of `antre-protocol`.

use antre_protocol as wire;
use antre_protocol::{EventDetail, QueueState, TicketStatus};
use jiff::Timestamp;

use super::{Change, Engine, Service, Ticket, TicketId};

/// Requirements printed on a ticket: a slip of paper holds four short lines without
/// growing long; the phone page (the ticket's QR code) shows them all.
const PRINTED_REQUIREMENTS: usize = 4;

impl Engine {
    /// RFC 3339 with the site's offset, to the millisecond.
    pub fn format_time(&self, at: Timestamp) -> String {
        let offset = self.site.timezone.to_offset(at);
        at.display_with_offset(offset).to_string()
    }

    /// A ticket as clients see it, with its live position and estimate while waiting.
    /// The track token is left out: see [`Engine::ticket_view_for_holder`].
    pub fn ticket_view(&self, ticket: &Ticket) -> wire::Ticket {
        let (position, estimated_wait_s) = if ticket.status == TicketStatus::Waiting {
            let ahead = self.lanes.get(&ticket.service).map_or(0, |l| {
                l.ahead_of(ticket.priority.is_some(), ticket.place(), ticket.id)
            });
            (Some(ahead), Some(self.wait_for(&ticket.service, ahead)))
        } else {
            (None, None)
        };
        wire::Ticket {
            id: ticket.id,
            number: ticket.label(),
            service: ticket.service.clone(),
            status: ticket.status,
            priority: ticket.priority,
            position,
            estimated_wait_s,
            track_token: None,
            issued_at: self.format_time(ticket.issued_at),
            day: ticket.day.to_string(),
            counter: ticket.counter.clone(),
            called_at: ticket.called_at.map(|t| self.format_time(t)),
            started_at: ticket.started_at.map(|t| self.format_time(t)),
            finished_at: ticket.finished_at.map(|t| self.format_time(t)),
            recalls: ticket.recalls,
            transfers: ticket.transfers,
            kiosk: ticket.kiosk.clone(),
            note: ticket.note.clone(),
            booking: ticket.booking.as_deref().map(super::display_code),
            place_at: ticket.line_at.map(|t| self.format_time(t)),
        }
    }

    /// The view for the ticket's holder (the issue and track answers): with its token.
    pub fn ticket_view_for_holder(&self, ticket: &Ticket) -> wire::Ticket {
        wire::Ticket {
            track_token: Some(ticket.track_token.clone()),
            ..self.ticket_view(ticket)
        }
    }

    /// Today's ticket with this number (`A012`), as clients see it.
    pub fn ticket_view_by_number(&self, number: &str) -> Option<wire::Ticket> {
        self.tickets
            .values()
            .find(|t| t.day == self.day && t.label() == number)
            .map(|t| self.ticket_view(t))
    }

    pub fn ticket_view_by_id(&self, id: TicketId) -> Option<wire::Ticket> {
        self.tickets.get(&id).map(|t| self.ticket_view(t))
    }

    pub fn counter_view(&self, code: &str) -> Option<wire::CounterView> {
        let state = self.counters.get(code)?;
        Some(wire::CounterView {
            code: code.to_string(),
            status: state.status,
            officer: state.officer.clone(),
            ticket: state.active.and_then(|id| self.ticket_view_by_id(id)),
            held: state
                .held
                .iter()
                .filter_map(|&id| self.ticket_view_by_id(id))
                .collect(),
        })
    }

    fn wait_for(&self, service: &str, ahead: u32) -> u32 {
        self.service_times
            .get(service)
            .map_or(0, |t| t.wait_s(ahead, self.counters_open_for(service)))
    }

    pub fn queue_info(&self, service: &Service, now: Timestamp) -> wire::QueueInfo {
        let lanes = self.lanes.get(&service.code);
        let waiting = lanes.map_or(0, |l| l.len());
        let issued_today = self.issued_today(service);
        let local = now.to_zoned(self.site.timezone.clone());
        let holiday = self.site.holiday(local.date(), &service.code);
        let open = holiday.is_none() && service.hours.issuing(local.weekday(), local.time());
        let state = if !open {
            QueueState::Closed
        } else if service.daily_quota.is_some_and(|q| issued_today >= q) {
            QueueState::Full
        } else {
            QueueState::Open
        };
        wire::QueueInfo {
            service: service.code.clone(),
            state,
            waiting,
            priority_waiting: lanes.map_or(0, |l| l.priority_len()),
            estimated_wait_s: self.wait_for(&service.code, waiting),
            oldest_waiting_since: lanes.and_then(|l| l.oldest()).map(|t| self.format_time(t)),
            issued_today,
            quota_left: service.daily_quota.map(|q| q.saturating_sub(issued_today)),
            counters_open: self.counters_open_for(&service.code),
            opens_at: if open || holiday.is_some() {
                None
            } else {
                service.hours.opens_next(local.weekday(), local.time())
            },
            holiday: holiday.map(|h| h.name.clone()),
        }
    }

    pub fn queues(&self, now: Timestamp) -> Vec<wire::QueueInfo> {
        self.site
            .services
            .iter()
            .map(|s| self.queue_info(s, now))
            .collect()
    }

    /// The waiting tickets of a service in line order (priority lane first).
    pub fn waiting(&self, service: &str) -> Vec<wire::Ticket> {
        self.lanes.get(service).map_or_else(Vec::new, |l| {
            l.iter()
                .filter_map(|id| self.ticket_view_by_id(id))
                .collect()
        })
    }

    /// What a printed ticket shows: the ticket with its track token, and the names.
    pub fn print_job(&self, id: TicketId) -> Option<wire::PrintJob> {
        let ticket = self.tickets.get(&id)?;
        let view = self.ticket_view_for_holder(ticket);
        let service = self.site.service(&view.service)?;
        let agency = self
            .site
            .agencies
            .iter()
            .find(|a| a.code == service.agency)?;
        Some(wire::PrintJob {
            site_name: self.site.name.clone(),
            service_name: service.name.clone(),
            service_name_en: service.name_en.clone(),
            agency_short: agency.short.clone(),
            agency_name: agency.name.clone(),
            ticket: view,
            public_url: self.site.public_url.clone(),
            footer: self.site.ticket_footer.clone(),
            places: self.site.places(&service.code),
            requirements: service
                .standard
                .as_ref()
                .map(|s| {
                    s.requirements
                        .iter()
                        .take(PRINTED_REQUIREMENTS)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// The whole live state, as of event `seq`.
    pub fn snapshot(&self, seq: u64, now: Timestamp) -> wire::Snapshot {
        wire::Snapshot {
            kind: wire::SnapshotTag::Snapshot,
            seq,
            day: self.day.to_string(),
            at: self.format_time(now),
            counters: self
                .site
                .counters
                .iter()
                .filter_map(|c| self.counter_view(&c.code))
                .collect(),
            queues: self.queues(now),
            recent_calls: self
                .recent_calls
                .iter()
                .filter_map(|&id| self.ticket_view_by_id(id))
                .collect(),
            running_text: self.running_text().map(str::to_string),
        }
    }

    /// The event for a change, as it is right after the change.
    pub fn event(&self, change: &Change, seq: u64, now: Timestamp) -> wire::Event {
        let ticket = change.ticket.and_then(|id| self.tickets.get(&id));
        let mut zones: Vec<String> = Vec::new();
        let mut add = |zone: &str| {
            if !zones.iter().any(|z| z == zone) {
                zones.push(zone.to_string());
            }
        };
        if let Some(counter) = change.counter.as_deref().and_then(|c| self.site.counter(c)) {
            add(&counter.zone);
        }
        for service in ticket
            .map(|t| t.service.as_str())
            .into_iter()
            .chain(change.detail.from_service.as_deref())
        {
            for zone in self.site.service_zones(service) {
                add(zone);
            }
        }
        wire::Event {
            seq,
            kind: change.kind,
            at: self.format_time(now),
            zones,
            ticket: ticket.map(|t| self.ticket_view(t)),
            counter: change.counter.as_deref().and_then(|c| self.counter_view(c)),
            detail: EventDetail {
                announcement: self.announcement(change.kind, ticket, change.counter.as_deref()),
                ..change.detail.clone()
            },
        }
    }
}
