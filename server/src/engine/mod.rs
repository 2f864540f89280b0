//! The queue engine: tickets, counters, numbering and the call-next policy.
//!
//! Pure domain code: no I/O, no clock, no randomness. Every call takes the current time
//! and returns the changes it made, which the writer (`crate::writer`) turns into events
//! and stores. A refused command ([`DomainError`]) changes nothing, so the engine and the
//! database never drift apart.

pub mod board;
mod error;
mod estimate;
mod lanes;
pub mod policy;
pub mod site;
mod ticket;
mod view;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use antre_protocol::{CounterStatus, EventDetail, EventKind, Priority, TicketStatus};
use jiff::Timestamp;
use jiff::civil::Date;

pub use error::DomainError;
pub use estimate::ServiceTime;
use lanes::Lanes;
use policy::{Candidate, pick_next};
pub use site::{Counter, Hours, Service, Site};
pub use ticket::{Ticket, TicketId, format_number};

/// How many recent calls the engine remembers for the hall boards.
const RECENT_CALLS: usize = 10;

/// Who gives a counter command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    /// Admins and supervisors may act on any counter, whoever opened it.
    pub any_counter: bool,
}

/// A request to change the queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Issue(Issue),
    Counter {
        counter: String,
        by: Actor,
        action: CounterAction,
    },
    /// Put a no-show ticket back in line (within the grace period).
    Reinstate {
        ticket: TicketId,
        by: String,
    },
    /// Set the hall boards' running text (empty: none).
    SetRunningText {
        text: String,
        by: String,
    },
    /// Withdraw a waiting, held or no-show ticket.
    Cancel {
        ticket: TicketId,
        reason: Option<String>,
        by: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub service: String,
    pub priority: Option<Priority>,
    pub kiosk: Option<String>,
    /// Scoped by the caller (per kiosk or client), so two kiosks never collide.
    pub idempotency_key: Option<String>,
    /// Random, made by the caller: the engine has no randomness of its own.
    pub track_token: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CounterAction {
    Open,
    Close,
    Pause,
    /// Back from a break, or (with a ticket) take back a ticket held here.
    Resume {
        ticket: Option<TicketId>,
    },
    CallNext,
    /// Call a particular waiting ticket, out of turn when the policy would pick another.
    Call {
        ticket: TicketId,
        reason: String,
    },
    Recall,
    Start,
    Complete,
    NoShow,
    Transfer {
        service: String,
        note: Option<String>,
    },
    Hold {
        note: Option<String>,
    },
}

/// One change the engine made; the writer stores it as one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: EventKind,
    pub ticket: Option<TicketId>,
    pub counter: Option<String>,
    pub detail: EventDetail,
}

/// What a command did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub changes: Vec<Change>,
    pub answer: Answer,
}

/// What the caller gets back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Ticket(TicketId),
    Counter(String),
    /// Call-next with nobody waiting.
    Nobody,
}

/// A counter's live state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterState {
    pub status: CounterStatus,
    pub officer: Option<String>,
    /// The ticket being called or served here.
    pub active: Option<TicketId>,
    pub held: Vec<TicketId>,
    /// Priority calls in a row while normal tickets waited (see [`policy::pick_next`]).
    pub streak: u32,
}

impl CounterState {
    fn closed() -> CounterState {
        CounterState {
            status: CounterStatus::Closed,
            officer: None,
            active: None,
            held: Vec::new(),
            streak: 0,
        }
    }
}

/// What storage keeps of a counter: the rest is derived from the tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCounter {
    pub code: String,
    pub status: CounterStatus,
    pub officer: Option<String>,
    pub streak: u32,
}

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

    /// Brings the engine to the day `now` falls in. At local midnight numbering starts
    /// again at 001, and tickets of past days that still wait (or are held, or missed
    /// their call) are cancelled: nobody is called for yesterday's number. Tickets being
    /// called or served stay with their counter until finished.
    pub fn advance(&mut self, now: Timestamp) -> Vec<Change> {
        let today = local_day(&self.site, now);
        if today <= self.day {
            return Vec::new();
        }
        self.day = today;
        self.last_number.clear();
        let mut stale: Vec<&Ticket> = self
            .tickets
            .values()
            .filter(|t| t.day < today)
            .filter(|t| {
                matches!(
                    t.status,
                    TicketStatus::Waiting | TicketStatus::Held | TicketStatus::NoShow
                )
            })
            .collect();
        stale.sort_by_key(|t| t.id);
        let stale: Vec<TicketId> = stale.iter().map(|t| t.id).collect();
        let mut changes = Vec::new();
        for id in stale {
            self.take_out_of_line(id);
            let ticket = self.tickets.get_mut(&id).expect("listed above");
            ticket.status = TicketStatus::Cancelled;
            ticket.finished_at = Some(now);
            changes.push(Change {
                kind: EventKind::TicketCancelled,
                ticket: Some(id),
                counter: None,
                detail: EventDetail {
                    reason: Some("day_closed".into()),
                    ..EventDetail::default()
                },
            });
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
        changes
    }

    pub fn apply(&mut self, command: Command, now: Timestamp) -> Result<Outcome, DomainError> {
        match command {
            Command::Issue(issue) => self.issue(issue, now),
            Command::Counter {
                counter,
                by,
                action,
            } => self.counter_action(&counter, &by, action, now),
            Command::Reinstate { ticket, by } => self.reinstate(ticket, by, now),
            Command::Cancel { ticket, reason, by } => self.cancel(ticket, reason, by, now),
            Command::SetRunningText { text, by } => Ok(self.set_running_text(text, by)),
        }
    }

    fn issue(&mut self, issue: Issue, now: Timestamp) -> Result<Outcome, DomainError> {
        if let Some(id) = issue
            .idempotency_key
            .as_ref()
            .and_then(|k| self.by_key.get(k))
        {
            let earlier = &self.tickets[id];
            let same_service =
                self.site.service(&issue.service).map(|s| &s.prefix) == Some(&earlier.prefix);
            if !same_service || earlier.priority != issue.priority {
                return Err(DomainError::IdempotencyConflict);
            }
            return Ok(Outcome {
                changes: Vec::new(),
                answer: Answer::Ticket(*id),
            });
        }
        let service = self
            .site
            .service(&issue.service)
            .ok_or(DomainError::ServiceNotFound)?;
        if let Some(kiosk) = &issue.kiosk
            && !self.site.kiosks.iter().any(|k| &k.code == kiosk)
        {
            return Err(DomainError::KioskNotFound);
        }
        let local = now.to_zoned(self.site.timezone.clone());
        if !service.hours.issuing(local.weekday(), local.time()) {
            return Err(DomainError::ServiceClosed {
                opens_at: Some(Hours::format_min(service.hours.open_min)),
            });
        }
        let issued = self.issued_today(service);
        if service.daily_quota.is_some_and(|quota| issued >= quota) {
            return Err(DomainError::QuotaFull);
        }
        let number = issued + 1;
        let id = self.next_id;
        self.next_id += 1;
        self.last_number.insert(service.prefix.clone(), number);
        let ticket = Ticket {
            id,
            day: self.day,
            prefix: service.prefix.clone(),
            number,
            service: service.code.clone(),
            priority: issue.priority,
            status: TicketStatus::Waiting,
            issued_at: now,
            counter: None,
            called_at: None,
            started_at: None,
            finished_at: None,
            recalls: 0,
            transfers: 0,
            kiosk: issue.kiosk,
            track_token: issue.track_token,
            idempotency_key: issue.idempotency_key,
            note: None,
        };
        self.admit(ticket);
        Ok(Outcome {
            changes: vec![ticket_change(EventKind::TicketIssued, id, None)],
            answer: Answer::Ticket(id),
        })
    }

    fn counter_action(
        &mut self,
        code: &str,
        by: &Actor,
        action: CounterAction,
        now: Timestamp,
    ) -> Result<Outcome, DomainError> {
        let counter = self
            .site
            .counter(code)
            .ok_or(DomainError::CounterNotFound)?;
        let code = counter.code.clone();
        let state = &self.counters[&code];
        if action == CounterAction::Open {
            return self.open(&code, by);
        }
        if state.status == CounterStatus::Closed {
            return Err(DomainError::CounterClosed);
        }
        if state.officer.as_deref() != Some(by.user.as_str()) && !by.any_counter {
            return Err(DomainError::NotYourCounter);
        }
        let mut changes = Vec::new();
        let answer = match action {
            CounterAction::Open => unreachable!("handled above"),
            CounterAction::Close => self.close(&code, by, &mut changes)?,
            CounterAction::Pause => self.pause(&code, &mut changes)?,
            CounterAction::Resume { ticket: None } => self.unpause(&code, &mut changes),
            CounterAction::Resume { ticket: Some(id) } => {
                self.resume_held(&code, id, now, &mut changes)?
            }
            CounterAction::CallNext => self.call(&code, None, by, now, &mut changes)?,
            CounterAction::Call { ticket, reason } => {
                self.call(&code, Some((ticket, reason)), by, now, &mut changes)?
            }
            CounterAction::Recall => self.recall(&code, &mut changes)?,
            CounterAction::Start => self.start(&code, now, &mut changes)?,
            CounterAction::Complete => {
                let id = self.active(&code)?;
                self.finish(&code, id, now, &mut changes)?;
                Answer::Ticket(id)
            }
            CounterAction::NoShow => self.no_show(&code, now, &mut changes)?,
            CounterAction::Transfer { service, note } => {
                self.transfer(&code, &service, note, by, &mut changes)?
            }
            CounterAction::Hold { note } => self.hold(&code, note, &mut changes)?,
        };
        Ok(Outcome { changes, answer })
    }

    fn open(&mut self, code: &str, by: &Actor) -> Result<Outcome, DomainError> {
        let state = self.counters.get_mut(code).expect("known counter");
        match (&state.status, &state.officer) {
            (CounterStatus::Closed, _) => {}
            (_, Some(officer)) if officer == &by.user => {
                return Ok(Outcome {
                    changes: Vec::new(),
                    answer: Answer::Counter(code.to_string()),
                });
            }
            // Admins and supervisors take over a counter someone left open.
            _ if by.any_counter => {}
            _ => return Err(DomainError::CounterInUse),
        }
        if state.status == CounterStatus::Closed {
            state.status = CounterStatus::Open;
            state.streak = 0;
        }
        state.officer = Some(by.user.clone());
        Ok(Outcome {
            changes: vec![counter_change(EventKind::CounterOpened, code, &by.user)],
            answer: Answer::Counter(code.to_string()),
        })
    }

    fn close(
        &mut self,
        code: &str,
        by: &Actor,
        changes: &mut Vec<Change>,
    ) -> Result<Answer, DomainError> {
        if self.counters[code].active.is_some() {
            return Err(DomainError::CounterBusy);
        }
        // Held visitors are not sent home: they go back in line, keeping their place.
        let held = std::mem::take(&mut self.counters.get_mut(code).expect("known").held);
        for id in held {
            self.back_in_line(id);
            changes.push(Change {
                kind: EventKind::TicketReinstated,
                ticket: Some(id),
                counter: Some(code.to_string()),
                detail: EventDetail {
                    reason: Some("counter_closed".into()),
                    ..EventDetail::default()
                },
            });
        }
        let state = self.counters.get_mut(code).expect("known");
        state.status = CounterStatus::Closed;
        state.officer = None;
        state.streak = 0;
        changes.push(counter_change(EventKind::CounterClosed, code, &by.user));
        Ok(Answer::Counter(code.to_string()))
    }

    fn pause(&mut self, code: &str, changes: &mut Vec<Change>) -> Result<Answer, DomainError> {
        let state = self.counters.get_mut(code).expect("known");
        if state.active.is_some() {
            return Err(DomainError::CounterBusy);
        }
        if state.status == CounterStatus::Open {
            state.status = CounterStatus::Paused;
            changes.push(counter_change(
                EventKind::CounterPaused,
                code,
                state.officer.as_deref().unwrap_or_default(),
            ));
        }
        Ok(Answer::Counter(code.to_string()))
    }

    fn unpause(&mut self, code: &str, changes: &mut Vec<Change>) -> Answer {
        let state = self.counters.get_mut(code).expect("known");
        if state.status == CounterStatus::Paused {
            state.status = CounterStatus::Open;
            changes.push(counter_change(
                EventKind::CounterResumed,
                code,
                state.officer.as_deref().unwrap_or_default(),
            ));
        }
        Answer::Counter(code.to_string())
    }

    fn resume_held(
        &mut self,
        code: &str,
        id: TicketId,
        now: Timestamp,
        changes: &mut Vec<Change>,
    ) -> Result<Answer, DomainError> {
        let state = self.counters.get_mut(code).expect("known");
        if state.status == CounterStatus::Paused {
            return Err(DomainError::CounterPaused);
        }
        if state.active.is_some() {
            return Err(DomainError::CounterBusy);
        }
        let Some(pos) = state.held.iter().position(|&h| h == id) else {
            return Err(if self.tickets.contains_key(&id) {
                DomainError::InvalidState
            } else {
                DomainError::TicketNotFound
            });
        };
        state.held.remove(pos);
        state.active = Some(id);
        let ticket = self.tickets.get_mut(&id).expect("held tickets exist");
        ticket.status = TicketStatus::Called;
        ticket.called_at = Some(now);
        self.remember_call(id);
        changes.push(ticket_change(EventKind::TicketResumed, id, Some(code)));
        Ok(Answer::Ticket(id))
    }

    /// Call-next (`chosen` is `None`) or a call of a particular ticket. A ticket still
    /// active at the counter is completed first: one key serves the whole day.
    fn call(
        &mut self,
        code: &str,
        chosen: Option<(TicketId, String)>,
        by: &Actor,
        now: Timestamp,
        changes: &mut Vec<Change>,
    ) -> Result<Answer, DomainError> {
        if self.counters[code].status == CounterStatus::Paused {
            return Err(DomainError::CounterPaused);
        }
        let candidates = self.candidates(code);
        let streak = self.counters[code].streak;
        let pick = pick_next(&candidates, now, streak, self.site.priority_streak_max);
        let (id, streak, detail) = match chosen {
            None => match pick {
                Some(pick) => (pick.id, pick.streak, EventDetail::default()),
                None => {
                    if let Some(active) = self.counters[code].active {
                        self.finish(code, active, now, changes)?;
                    }
                    return Ok(Answer::Nobody);
                }
            },
            Some((id, reason)) => {
                let ticket = self.tickets.get(&id).ok_or(DomainError::TicketNotFound)?;
                if ticket.status != TicketStatus::Waiting {
                    return Err(DomainError::InvalidState);
                }
                let serves = self
                    .site
                    .counter(code)
                    .expect("known")
                    .services
                    .contains(&ticket.service);
                if !serves {
                    return Err(DomainError::ServiceNotServed);
                }
                let out_of_order = pick.map(|p| p.id) != Some(id);
                let reason = reason.trim();
                if out_of_order && reason.is_empty() {
                    return Err(DomainError::ReasonRequired);
                }
                let normal_waiting = candidates.iter().any(|c| !c.priority && c.id != id);
                let streak = if ticket.priority.is_some() && normal_waiting {
                    streak + 1
                } else {
                    0
                };
                let detail = EventDetail {
                    out_of_order,
                    reason: (!reason.is_empty()).then(|| reason.to_string()),
                    by: Some(by.user.clone()),
                    ..EventDetail::default()
                };
                (id, streak, detail)
            }
        };
        if let Some(active) = self.counters[code].active {
            self.finish(code, active, now, changes)?;
        }
        self.take_out_of_line(id);
        let ticket = self.tickets.get_mut(&id).expect("candidate exists");
        ticket.status = TicketStatus::Called;
        ticket.counter = Some(code.to_string());
        ticket.called_at = Some(now);
        ticket.started_at = None;
        ticket.finished_at = None;
        let state = self.counters.get_mut(code).expect("known");
        state.active = Some(id);
        state.streak = streak;
        self.remember_call(id);
        changes.push(Change {
            kind: EventKind::TicketCalled,
            ticket: Some(id),
            counter: Some(code.to_string()),
            detail,
        });
        Ok(Answer::Ticket(id))
    }

    fn recall(&mut self, code: &str, changes: &mut Vec<Change>) -> Result<Answer, DomainError> {
        let (id, ticket) = self.active_called(code)?;
        ticket.recalls += 1;
        changes.push(ticket_change(EventKind::TicketRecalled, id, Some(code)));
        Ok(Answer::Ticket(id))
    }

    fn start(
        &mut self,
        code: &str,
        now: Timestamp,
        changes: &mut Vec<Change>,
    ) -> Result<Answer, DomainError> {
        let (id, ticket) = self.active_called(code)?;
        ticket.status = TicketStatus::Serving;
        ticket.started_at = Some(now);
        changes.push(ticket_change(EventKind::TicketServing, id, Some(code)));
        Ok(Answer::Ticket(id))
    }

    /// Completes the counter's active ticket.
    fn finish(
        &mut self,
        code: &str,
        id: TicketId,
        now: Timestamp,
        changes: &mut Vec<Change>,
    ) -> Result<(), DomainError> {
        let ticket = self.tickets.get_mut(&id).expect("active exists");
        if !matches!(ticket.status, TicketStatus::Called | TicketStatus::Serving) {
            return Err(DomainError::InvalidState);
        }
        ticket.status = TicketStatus::Done;
        ticket.finished_at = Some(now);
        let began = ticket.started_at.or(ticket.called_at).unwrap_or(now);
        let service = ticket.service.clone();
        self.observe_service(&service, began, now);
        self.counters.get_mut(code).expect("known").active = None;
        changes.push(ticket_change(EventKind::TicketDone, id, Some(code)));
        Ok(())
    }

    fn no_show(
        &mut self,
        code: &str,
        now: Timestamp,
        changes: &mut Vec<Change>,
    ) -> Result<Answer, DomainError> {
        let (id, ticket) = self.active_called(code)?;
        ticket.status = TicketStatus::NoShow;
        ticket.finished_at = Some(now);
        self.counters.get_mut(code).expect("known").active = None;
        changes.push(ticket_change(EventKind::TicketNoShow, id, Some(code)));
        Ok(Answer::Ticket(id))
    }

    fn transfer(
        &mut self,
        code: &str,
        service: &str,
        note: Option<String>,
        by: &Actor,
        changes: &mut Vec<Change>,
    ) -> Result<Answer, DomainError> {
        let id = self.active(code)?;
        let target = self
            .site
            .service(service)
            .ok_or(DomainError::ServiceNotFound)?;
        let target = target.code.clone();
        let ticket = self.tickets.get_mut(&id).expect("active exists");
        if ticket.service == target {
            return Err(DomainError::SameService);
        }
        let from = std::mem::replace(&mut ticket.service, target);
        ticket.transfers += 1;
        ticket.note = note.filter(|n| !n.trim().is_empty());
        self.counters.get_mut(code).expect("known").active = None;
        self.back_in_line(id);
        changes.push(Change {
            kind: EventKind::TicketTransferred,
            ticket: Some(id),
            counter: Some(code.to_string()),
            detail: EventDetail {
                from_service: Some(from),
                by: Some(by.user.clone()),
                ..EventDetail::default()
            },
        });
        Ok(Answer::Ticket(id))
    }

    fn hold(
        &mut self,
        code: &str,
        note: Option<String>,
        changes: &mut Vec<Change>,
    ) -> Result<Answer, DomainError> {
        let id = self.active(code)?;
        let ticket = self.tickets.get_mut(&id).expect("active exists");
        ticket.status = TicketStatus::Held;
        ticket.note = note.filter(|n| !n.trim().is_empty());
        let state = self.counters.get_mut(code).expect("known");
        state.active = None;
        state.held.push(id);
        changes.push(ticket_change(EventKind::TicketHeld, id, Some(code)));
        Ok(Answer::Ticket(id))
    }

    fn reinstate(
        &mut self,
        id: TicketId,
        by: String,
        now: Timestamp,
    ) -> Result<Outcome, DomainError> {
        let ticket = self.tickets.get(&id).ok_or(DomainError::TicketNotFound)?;
        if ticket.status != TicketStatus::NoShow {
            return Err(DomainError::InvalidState);
        }
        let missed = ticket.finished_at.unwrap_or(now);
        if now.as_second() - missed.as_second() > self.site.no_show_grace_s || ticket.day < self.day
        {
            return Err(DomainError::GraceExpired);
        }
        self.back_in_line(id);
        Ok(Outcome {
            changes: vec![Change {
                kind: EventKind::TicketReinstated,
                ticket: Some(id),
                counter: None,
                detail: EventDetail {
                    by: Some(by),
                    ..EventDetail::default()
                },
            }],
            answer: Answer::Ticket(id),
        })
    }

    fn cancel(
        &mut self,
        id: TicketId,
        reason: Option<String>,
        by: Option<String>,
        now: Timestamp,
    ) -> Result<Outcome, DomainError> {
        let ticket = self.tickets.get(&id).ok_or(DomainError::TicketNotFound)?;
        if !matches!(
            ticket.status,
            TicketStatus::Waiting | TicketStatus::Held | TicketStatus::NoShow
        ) {
            return Err(DomainError::InvalidState);
        }
        self.take_out_of_line(id);
        let ticket = self.tickets.get_mut(&id).expect("checked");
        ticket.status = TicketStatus::Cancelled;
        ticket.finished_at = Some(now);
        Ok(Outcome {
            changes: vec![Change {
                kind: EventKind::TicketCancelled,
                ticket: Some(id),
                counter: ticket.counter.clone(),
                detail: EventDetail {
                    reason: reason.filter(|r| !r.trim().is_empty()),
                    by,
                    ..EventDetail::default()
                },
            }],
            answer: Answer::Ticket(id),
        })
    }

    /// The heads of the lanes of every service the counter serves.
    fn candidates(&self, code: &str) -> Vec<Candidate> {
        let counter = self.site.counter(code).expect("known counter");
        let mut out = Vec::with_capacity(counter.services.len() * 2);
        for service in &counter.services {
            let (Some(lanes), Some(config)) = (self.lanes.get(service), self.site.service(service))
            else {
                continue;
            };
            for priority in [true, false] {
                if let Some((issued_at, id)) = lanes.head(priority) {
                    out.push(Candidate {
                        id,
                        priority,
                        issued_at,
                        target_wait_s: config.target_wait_s,
                    });
                }
            }
        }
        out
    }

    fn active(&self, code: &str) -> Result<TicketId, DomainError> {
        self.counters[code]
            .active
            .ok_or(DomainError::NoActiveTicket)
    }

    /// The counter's active ticket, which must be called but not yet served (recall,
    /// start and no-show apply only then).
    fn active_called(&mut self, code: &str) -> Result<(TicketId, &mut Ticket), DomainError> {
        let id = self.active(code)?;
        let ticket = self.tickets.get_mut(&id).expect("active tickets exist");
        if ticket.status != TicketStatus::Called {
            return Err(DomainError::InvalidState);
        }
        Ok((id, ticket))
    }

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
                    .insert(ticket.priority.is_some(), ticket.issued_at, id);
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
            .insert(ticket.priority.is_some(), ticket.issued_at, id);
    }

    /// Removes a ticket from its lane or its counter's held list.
    fn take_out_of_line(&mut self, id: TicketId) {
        let ticket = &self.tickets[&id];
        match ticket.status {
            TicketStatus::Waiting => {
                if let Some(lanes) = self.lanes.get_mut(&ticket.service) {
                    lanes.remove(ticket.priority.is_some(), ticket.issued_at, id);
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

    /// Counters open now (not paused) that serve the service.
    fn counters_open_for(&self, service: &str) -> u32 {
        let open = self.site.counters.iter().filter(|c| {
            c.services.iter().any(|s| s == service)
                && self.counters[&c.code].status == CounterStatus::Open
        });
        u32::try_from(open.count()).unwrap_or(u32::MAX)
    }
}

/// The local calendar day of an instant at the site.
pub fn local_day(site: &Site, now: Timestamp) -> Date {
    now.to_zoned(site.timezone.clone()).date()
}

fn ticket_change(kind: EventKind, id: TicketId, counter: Option<&str>) -> Change {
    Change {
        kind,
        ticket: Some(id),
        counter: counter.map(str::to_string),
        detail: EventDetail::default(),
    }
}

fn counter_change(kind: EventKind, code: &str, by: &str) -> Change {
    Change {
        kind,
        ticket: None,
        counter: Some(code.to_string()),
        detail: EventDetail {
            by: (!by.is_empty()).then(|| by.to_string()),
            ..EventDetail::default()
        },
    }
}

#[cfg(test)]
mod tests;
