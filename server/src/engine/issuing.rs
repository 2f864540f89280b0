//! Tickets in and out of the queue: issuing (with its idempotency key), reinstating a
//! no-show, cancelling.

use antre_protocol::{EventDetail, EventKind, TicketStatus};
use jiff::Timestamp;

use super::{Affected, Change, DomainError, Engine, Handled, Issue, Service, Ticket, TicketId};

impl Engine {
    /// Gives the next number of a service, if it is open and its quota allows. The same
    /// idempotency key gives back the ticket it gave before (a retried kiosk tap), and is
    /// refused for a different request.
    /// Whether the service gives out tickets now: not a holiday, within its hours.
    pub(super) fn issuing_now(&self, service: &Service, now: Timestamp) -> Result<(), DomainError> {
        let local = now.to_zoned(self.site.timezone.clone());
        if let Some(holiday) = self.site.holiday(local.date(), &service.code) {
            return Err(DomainError::ServiceClosed {
                opens_at: None,
                holiday: Some(holiday.name.clone()),
            });
        }
        if !service.hours.issuing(local.weekday(), local.time()) {
            return Err(DomainError::ServiceClosed {
                opens_at: service.hours.opens_next(local.weekday(), local.time()),
                holiday: None,
            });
        }
        Ok(())
    }

    pub(super) fn issue(&mut self, issue: Issue, now: Timestamp, out: &mut Vec<Change>) -> Handled {
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
            return Ok(Affected::Ticket(*id));
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
        self.issuing_now(service, now)?;
        if self.online_only_now(service, now) {
            return Err(DomainError::OnlineOnly);
        }
        if service
            .daily_quota
            .is_some_and(|quota| self.walk_ins_today(service) >= quota)
        {
            return Err(DomainError::QuotaFull);
        }
        let number = self.issued_today(service) + 1;
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
            surveyed: false,
            booking: None,
            line_at: None,
        };
        self.admit(ticket);
        out.push(Change::ticket(EventKind::TicketIssued, id, None));
        Ok(Affected::Ticket(id))
    }

    /// Puts a no-show back in line at its original place, within the grace period of
    /// the same day.
    pub(super) fn reinstate(
        &mut self,
        id: TicketId,
        by: String,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
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
        out.push(
            Change::ticket(EventKind::TicketReinstated, id, None).with(EventDetail {
                by: Some(by),
                ..EventDetail::default()
            }),
        );
        Ok(Affected::Ticket(id))
    }

    /// Withdraws a ticket that is not at a counter now (waiting, held or no-show).
    pub(super) fn cancel(
        &mut self,
        id: TicketId,
        reason: Option<String>,
        by: Option<String>,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
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
        let counter = ticket.counter.clone();
        out.push(
            Change::ticket(EventKind::TicketCancelled, id, counter.as_deref()).with(EventDetail {
                reason: reason.filter(|r| !r.trim().is_empty()),
                by,
                ..EventDetail::default()
            }),
        );
        Ok(Affected::Ticket(id))
    }
}
