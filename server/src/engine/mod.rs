//! The queue engine: tickets, counters, numbering and the call-next policy.
//!
//! Pure domain code: no I/O, no clock, no randomness, no URLs. Every call takes the
//! current time and returns the changes it made, which the writer (`crate::writer`)
//! turns into events and stores. A refused command ([`DomainError`]) changes nothing,
//! so the engine and the database never drift apart.
//!
//! The state lives here; each kind of command has its own file of `impl Engine`
//! handlers, all of one shape ([`Handled`]): [`issuing`] (tickets in and out),
//! [`counters`] (open, close, break), [`serving`] (call, serve, finish, transfer, hold),
//! [`day`] (the service day), [`site_change`] (the site replaced at run time). Which
//! ticket may be called is decided in one place, [`policy`].

pub mod board;
mod booking;
mod command;
mod counters;
mod day;
mod error;
mod estimate;
mod hours;
mod issuing;
mod lanes;
pub mod policy;
pub mod schedule;
mod serving;
mod sessions;
pub mod site;

mod site_change;
mod survey;
mod ticket;
mod view;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use antre_protocol::{CounterStatus, TicketStatus};
use jiff::Timestamp;
use jiff::civil::Date;

pub use booking::{Book, Booking, Bookings, display_code, mask_phone};
pub use command::{Actor, Affected, Change, Command, CounterCommand, Handled, Issue, Outcome};
pub use counters::{CounterState, StoredCounter};
pub use day::local_day;
pub use error::DomainError;
pub use estimate::ServiceTime;
pub use hours::{DAY_NAMES, Hours};
use lanes::Lanes;
pub use sessions::SessionEvent;
pub use site::{ConfigSource, Counter, Notices, Service, Site, SiteUser};
pub use site_change::diff;
pub use ticket::{Ticket, TicketId, format_number};

/// How many recent calls the engine remembers for the hall boards.
const RECENT_CALLS: usize = 10;

#[derive(Debug)]
pub struct Engine {
    site: Arc<Site>,
    /// The local service day numbers belong to.
    day: Date,
    next_id: TicketId,
    /// Today's tickets, and live ones from earlier days until they are swept.
    tickets: HashMap<TicketId, Ticket>,
    by_token: HashMap<String, TicketId>,
    by_key: HashMap<String, TicketId>,
    lanes: HashMap<String, Lanes>,
    /// Highest number given today, per prefix. Prefixes are unique per service and
    /// numbers are never reused, so this is also the service's issue count for quotas.
    last_number: HashMap<String, u32>,
    counters: HashMap<String, CounterState>,
    service_times: HashMap<String, ServiceTime>,
    /// Newest first.
    recent_calls: VecDeque<TicketId>,
    /// The hall boards' running text: the site's default until a supervisor sets one.
    running_text: Option<String>,
    /// Tickets checked in from bookings today, per prefix: kept apart from the walk-ins'
    /// daily quota.
    booked_today: HashMap<String, u32>,
    bookings: Bookings,
}

impl Engine {
    /// An empty queue for the day `now` falls in.
    pub fn new(site: Arc<Site>, now: Timestamp) -> Engine {
        let day = local_day(&site, now);
        let site_running_text = site.running_text.clone();
        let counters = site
            .counters
            .iter()
            .map(|c| (c.code.clone(), CounterState::closed()))
            .collect();
        let service_times = site
            .services
            .iter()
            .map(|s| (s.code.clone(), ServiceTime::new(s.avg_service_s)))
            .collect();
        Engine {
            site,
            day,
            next_id: 1,
            tickets: HashMap::new(),
            by_token: HashMap::new(),
            by_key: HashMap::new(),
            lanes: HashMap::new(),
            last_number: HashMap::new(),
            counters,
            service_times,
            recent_calls: VecDeque::new(),
            running_text: site_running_text,
            booked_today: HashMap::new(),
            bookings: Bookings::default(),
        }
    }

    /// Rebuilds the live state from stored tickets (the service `day`'s, plus live ones
    /// of earlier days) and counters. `next_id` is one past the highest id ever stored.
    pub fn restore(
        site: Arc<Site>,
        day: Date,
        next_id: TicketId,
        mut tickets: Vec<Ticket>,
        counters: Vec<StoredCounter>,
    ) -> Engine {
        let mut engine = Engine::new(site, Timestamp::UNIX_EPOCH);
        engine.day = day;
        engine.next_id = next_id;
        for stored in counters {
            if let Some(state) = engine.counters.get_mut(&stored.code) {
                state.status = stored.status;
                state.officer = stored.officer;
                state.streak = stored.streak;
            }
        }
        tickets.sort_by_key(|t| (t.called_at, t.id));
        for ticket in tickets {
            engine.next_id = engine.next_id.max(ticket.id + 1);
            if ticket.day == day {
                let last = engine.last_number.entry(ticket.prefix.clone()).or_default();
                *last = (*last).max(ticket.number);
                if ticket.booking.is_some() {
                    *engine
                        .booked_today
                        .entry(ticket.prefix.clone())
                        .or_default() += 1;
                }
            }
            if ticket.called_at.is_some() {
                engine.remember_call(ticket.id);
            }
            if let (TicketStatus::Done, Some(finished)) = (ticket.status, ticket.finished_at) {
                let began = ticket.started_at.or(ticket.called_at).unwrap_or(finished);
                engine.observe_service(&ticket.service, began, finished);
            }
            engine.admit(ticket);
        }
        engine
    }

    pub fn site(&self) -> &Arc<Site> {
        &self.site
    }

    pub fn day(&self) -> Date {
        self.day
    }

    pub fn ticket(&self, id: TicketId) -> Option<&Ticket> {
        self.tickets.get(&id)
    }

    pub fn ticket_by_token(&self, token: &str) -> Option<&Ticket> {
        self.by_token.get(token).and_then(|id| self.tickets.get(id))
    }

    pub fn counter_state(&self, code: &str) -> Option<&CounterState> {
        self.counters.get(code)
    }

    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.tickets.values()
    }

    /// Applies a command at `now`. Refused: nothing changed.
    pub fn apply(&mut self, command: Command, now: Timestamp) -> Result<Outcome, DomainError> {
        let mut changes = Vec::new();
        let out = &mut changes;
        let affected = match command {
            Command::Issue(issue) => self.issue(issue, now, out),
            Command::Counter {
                counter,
                by,
                command,
            } => self.counter_command(&counter, &by, command, now, out),
            Command::Reinstate { ticket, by } => self.reinstate(ticket, by, now, out),
            Command::Cancel { ticket, reason, by } => self.cancel(ticket, reason, by, now, out),
            Command::SetRunningText { text, by } => self.set_running_text(text, by, out),
            Command::ReplaceSite {
                site,
                by,
                expected_version,
            } => self.replace_site(site, by, expected_version, out),
            Command::Session(event) => self.record_session(event, out),
            Command::Answer {
                track_token,
                survey,
            } => self.answer_survey(&track_token, survey, out),
            Command::Book(book) => self.book(book, now, out),
            Command::CancelBooking { code, by } => self.cancel_booking(&code, by, now, out),
            Command::Reschedule {
                code,
                date,
                start_min,
            } => self.reschedule(&code, date, start_min, now, out),
            Command::CheckIn {
                code,
                kiosk,
                by,
                track_token,
            } => self.check_in(&code, kiosk, by, track_token, now, out),
        }?;
        self.near_turn(&mut changes);
        Ok(Outcome { changes, affected })
    }

    // ---- The lines: where a ticket is, by its status --------------------------------

    /// Adds a ticket to the indexes, and to its lane or counter as its status says.
    fn admit(&mut self, ticket: Ticket) {
        let id = ticket.id;
        self.by_token.insert(ticket.track_token.clone(), id);
        if let Some(key) = &ticket.idempotency_key
            && ticket.day == self.day
        {
            self.by_key.insert(key.clone(), id);
        }
        match (ticket.status, &ticket.counter) {
            (TicketStatus::Waiting, _) => {
                self.lanes
                    .entry(ticket.service.clone())
                    .or_default()
                    .insert(ticket.priority.is_some(), ticket.place(), id);
            }
            (TicketStatus::Called | TicketStatus::Serving, Some(counter)) => {
                if let Some(state) = self.counters.get_mut(counter) {
                    state.active = Some(id);
                }
            }
            (TicketStatus::Held, Some(counter)) => {
                if let Some(state) = self.counters.get_mut(counter) {
                    state.held.push(id);
                }
            }
            _ => {}
        }
        self.tickets.insert(id, ticket);
    }

    /// Puts a ticket back in its service's line at its original arrival time.
    fn back_in_line(&mut self, id: TicketId) {
        let ticket = self.tickets.get_mut(&id).expect("known ticket");
        ticket.status = TicketStatus::Waiting;
        ticket.finished_at = None;
        self.lanes
            .entry(ticket.service.clone())
            .or_default()
            .insert(ticket.priority.is_some(), ticket.place(), id);
    }

    /// Removes a ticket from its lane or its counter's held list.
    fn take_out_of_line(&mut self, id: TicketId) {
        let ticket = &self.tickets[&id];
        match ticket.status {
            TicketStatus::Waiting => {
                if let Some(lanes) = self.lanes.get_mut(&ticket.service) {
                    lanes.remove(ticket.priority.is_some(), ticket.place(), id);
                }
            }
            TicketStatus::Held => {
                if let Some(state) = ticket
                    .counter
                    .as_ref()
                    .and_then(|c| self.counters.get_mut(c))
                {
                    state.held.retain(|&h| h != id);
                }
            }
            _ => {}
        }
    }

    fn remember_call(&mut self, id: TicketId) {
        self.recent_calls.retain(|&r| r != id);
        self.recent_calls.push_front(id);
        self.recent_calls.truncate(RECENT_CALLS);
    }

    fn observe_service(&mut self, service: &str, began: Timestamp, finished: Timestamp) {
        if let Some(times) = self.service_times.get_mut(service) {
            let seconds = (finished.as_millisecond() - began.as_millisecond()) as f64 / 1000.0;
            times.observe(seconds);
        }
    }

    /// Tickets issued today for a service (its last number: prefixes are unique).
    fn issued_today(&self, service: &Service) -> u32 {
        self.last_number.get(&service.prefix).copied().unwrap_or(0)
    }

    /// Walk-in tickets issued today for a service: its daily quota counts these only.
    fn walk_ins_today(&self, service: &Service) -> u32 {
        let booked = self.booked_today.get(&service.prefix).copied().unwrap_or(0);
        self.issued_today(service).saturating_sub(booked)
    }

    /// Counters open now (not paused) that serve the service.
    fn counters_open_for(&self, service: &str) -> u32 {
        let open = self.site.counters.iter().filter(|c| {
            c.services.iter().any(|s| s == service)
                && self.counters[&c.code].status == CounterStatus::Open
        });
        u32::try_from(open.count()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests;
