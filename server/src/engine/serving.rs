//! Serving at a counter: calling (the policy's pick or a chosen ticket), recalling,
//! starting, completing, no-shows, transfers, holds and taking a held ticket back.

use antre_protocol::{CounterStatus, EventDetail, EventKind, TicketStatus};
use jiff::Timestamp;

use super::policy::{Candidate, Chosen, check_chosen, pick_next};
use super::{Actor, Affected, Change, DomainError, Engine, Handled, Ticket, TicketId};

impl Engine {
    /// Call-next (`chosen` is `None`) or a call of a particular ticket, as the policy
    /// allows. A ticket still active at the counter is completed first: one key serves
    /// the whole day.
    pub(super) fn call(
        &mut self,
        code: &str,
        chosen: Option<(TicketId, String)>,
        by: &Actor,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
        if self.counters[code].status == CounterStatus::Paused {
            return Err(DomainError::CounterPaused);
        }
        let candidates = self.candidates(code);
        let streak = self.counters[code].streak;
        let streak_max = self.site.priority_streak_max;
        let (id, streak, detail) = match chosen {
            None => match pick_next(&candidates, now, streak, streak_max) {
                Some(pick) => (pick.id, pick.streak, EventDetail::default()),
                None => {
                    if let Some(active) = self.counters[code].active {
                        self.finish(code, active, now, out)?;
                    }
                    return Ok(Affected::Nothing);
                }
            },
            Some((id, reason)) => {
                let ticket = self.tickets.get(&id).ok_or(DomainError::TicketNotFound)?;
                let counter = self.site.counter(code).expect("known");
                let reason = reason.trim();
                let request = Chosen {
                    id,
                    priority: ticket.priority.is_some(),
                    waiting: ticket.status == TicketStatus::Waiting,
                    served_here: counter.services.contains(&ticket.service),
                    reason,
                };
                let call = check_chosen(&candidates, &request, now, streak, streak_max)?;
                let detail = EventDetail {
                    out_of_order: call.out_of_order,
                    reason: (!reason.is_empty()).then(|| reason.to_string()),
                    by: Some(by.user.clone()),
                    ..EventDetail::default()
                };
                (id, call.streak, detail)
            }
        };
        if let Some(active) = self.counters[code].active {
            self.finish(code, active, now, out)?;
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
        out.push(Change::ticket(EventKind::TicketCalled, id, Some(code)).with(detail));
        Ok(Affected::Ticket(id))
    }

    /// Says the called ticket again.
    pub(super) fn recall(&mut self, code: &str, out: &mut Vec<Change>) -> Handled {
        let (id, ticket) = self.active_called(code)?;
        ticket.recalls += 1;
        out.push(Change::ticket(EventKind::TicketRecalled, id, Some(code)));
        Ok(Affected::Ticket(id))
    }

    /// The called visitor arrived at the counter.
    pub(super) fn start(&mut self, code: &str, now: Timestamp, out: &mut Vec<Change>) -> Handled {
        let (id, ticket) = self.active_called(code)?;
        ticket.status = TicketStatus::Serving;
        ticket.started_at = Some(now);
        out.push(Change::ticket(EventKind::TicketServing, id, Some(code)));
        Ok(Affected::Ticket(id))
    }

    pub(super) fn complete(
        &mut self,
        code: &str,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
        let id = self.active(code)?;
        self.finish(code, id, now, out)?;
        Ok(Affected::Ticket(id))
    }

    /// Completes the counter's active ticket, and learns its service time.
    fn finish(
        &mut self,
        code: &str,
        id: TicketId,
        now: Timestamp,
        out: &mut Vec<Change>,
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
        out.push(Change::ticket(EventKind::TicketDone, id, Some(code)));
        Ok(())
    }

    /// The called visitor did not come; reinstatable within the grace period.
    pub(super) fn no_show(&mut self, code: &str, now: Timestamp, out: &mut Vec<Change>) -> Handled {
        let (id, ticket) = self.active_called(code)?;
        ticket.status = TicketStatus::NoShow;
        ticket.finished_at = Some(now);
        self.counters.get_mut(code).expect("known").active = None;
        out.push(Change::ticket(EventKind::TicketNoShow, id, Some(code)));
        Ok(Affected::Ticket(id))
    }

    /// Sends the active ticket to another service at its original place in line ("no
    /// wrong door").
    pub(super) fn transfer(
        &mut self,
        code: &str,
        service: &str,
        note: Option<String>,
        by: &Actor,
        out: &mut Vec<Change>,
    ) -> Handled {
        let id = self.active(code)?;
        let target = self
            .site
            .service(service)
            .ok_or(DomainError::ServiceNotFound)?
            .code
            .clone();
        let ticket = self.tickets.get_mut(&id).expect("active exists");
        if ticket.service == target {
            return Err(DomainError::SameService);
        }
        let from = std::mem::replace(&mut ticket.service, target);
        ticket.transfers += 1;
        ticket.note = note.filter(|n| !n.trim().is_empty());
        self.counters.get_mut(code).expect("known").active = None;
        self.back_in_line(id);
        out.push(
            Change::ticket(EventKind::TicketTransferred, id, Some(code)).with(EventDetail {
                from_service: Some(from),
                by: Some(by.user.clone()),
                ..EventDetail::default()
            }),
        );
        Ok(Affected::Ticket(id))
    }

    /// Parks the active ticket at this counter (the visitor fetches a document).
    pub(super) fn hold(
        &mut self,
        code: &str,
        note: Option<String>,
        out: &mut Vec<Change>,
    ) -> Handled {
        let id = self.active(code)?;
        let ticket = self.tickets.get_mut(&id).expect("active exists");
        ticket.status = TicketStatus::Held;
        ticket.note = note.filter(|n| !n.trim().is_empty());
        let state = self.counters.get_mut(code).expect("known");
        state.active = None;
        state.held.push(id);
        out.push(Change::ticket(EventKind::TicketHeld, id, Some(code)));
        Ok(Affected::Ticket(id))
    }

    /// Puts the active ticket back in line at its original place: the officer must
    /// leave and the visitor called has not been served (or came for another day).
    pub(super) fn requeue(&mut self, code: &str, by: &Actor, out: &mut Vec<Change>) -> Handled {
        let id = self.active(code)?;
        self.counters.get_mut(code).expect("known").active = None;
        self.back_in_line(id);
        let ticket = self.tickets.get_mut(&id).expect("active exists");
        ticket.started_at = None;
        out.push(
            Change::ticket(EventKind::TicketRequeued, id, Some(code)).with(EventDetail {
                by: Some(by.user.clone()),
                ..EventDetail::default()
            }),
        );
        Ok(Affected::Ticket(id))
    }

    /// Takes a ticket held here back: it is called again.
    pub(super) fn resume_held(
        &mut self,
        code: &str,
        id: TicketId,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
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
        out.push(Change::ticket(EventKind::TicketResumed, id, Some(code)));
        Ok(Affected::Ticket(id))
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
                if let Some((in_line_at, id)) = lanes.head(priority) {
                    out.push(Candidate {
                        id,
                        priority,
                        in_line_at,
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
}
