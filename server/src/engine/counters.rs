//! Counters: who has one open, breaks, and the way every counter command comes in.

use antre_protocol::{CounterStatus, EventDetail, EventKind};
use jiff::Timestamp;

use super::{Actor, Affected, Change, CounterCommand, DomainError, Engine, Handled, TicketId};

/// A counter's live state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterState {
    pub status: CounterStatus,
    pub officer: Option<String>,
    /// The ticket being called or served here.
    pub active: Option<TicketId>,
    pub held: Vec<TicketId>,
    /// Priority calls in a row while normal tickets waited (see [`super::policy`]).
    pub streak: u32,
}

impl CounterState {
    pub(super) fn closed() -> CounterState {
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

impl Engine {
    /// Every counter command: the counter must exist, be open (except to open it) and
    /// be the actor's (an officer acts only on a counter they opened).
    pub(super) fn counter_command(
        &mut self,
        code: &str,
        by: &Actor,
        command: CounterCommand,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
        let code = self
            .site
            .counter(code)
            .ok_or(DomainError::CounterNotFound)?
            .code
            .clone();
        let code = code.as_str();
        if let CounterCommand::Open { take_over } = command {
            return self.open(code, by, take_over, out);
        }
        let state = &self.counters[code];
        if state.status == CounterStatus::Closed {
            return Err(DomainError::CounterClosed);
        }
        if state.officer.as_deref() != Some(by.user.as_str()) && !by.any_counter {
            return Err(DomainError::NotYourCounter);
        }
        match command {
            CounterCommand::Open { .. } => unreachable!("handled above"),
            CounterCommand::Close => self.close(code, by, out),
            CounterCommand::Pause => self.pause(code, out),
            CounterCommand::Resume { ticket: None } => self.unpause(code, out),
            CounterCommand::Resume { ticket: Some(id) } => self.resume_held(code, id, now, out),
            CounterCommand::CallNext => self.call(code, None, by, now, out),
            CounterCommand::Call { ticket, reason } => {
                self.call(code, Some((ticket, reason)), by, now, out)
            }
            CounterCommand::Recall => self.recall(code, out),
            CounterCommand::Start => self.start(code, now, out),
            CounterCommand::Complete => self.complete(code, now, out),
            CounterCommand::NoShow => self.no_show(code, now, out),
            CounterCommand::Transfer { service, note } => {
                self.transfer(code, &service, note, by, out)
            }
            CounterCommand::Hold { note } => self.hold(code, note, out),
            CounterCommand::Requeue => self.requeue(code, by, out),
        }
    }

    /// Opens a closed counter for the actor. Opening one's own open counter again is a
    /// no-op. A counter someone else has open is taken over when asked (`take_over`: an
    /// officer assigned to it, at the change of shift) or by an admin or supervisor;
    /// the event names whom it was taken from, and their page learns it from the
    /// stream. Whatever the counter had in hand (a visitor called, tickets held) stays
    /// with it.
    fn open(&mut self, code: &str, by: &Actor, take_over: bool, out: &mut Vec<Change>) -> Handled {
        let state = self.counters.get_mut(code).expect("known counter");
        let mut taken_from = None;
        match (&state.status, &state.officer) {
            (CounterStatus::Closed, _) => {}
            (_, Some(officer)) if officer == &by.user => {
                return Ok(Affected::Counter(code.to_string()));
            }
            (_, holder) if take_over || by.any_counter => taken_from = holder.clone(),
            (_, holder) => {
                return Err(DomainError::CounterInUse {
                    officer: holder.clone().unwrap_or_default(),
                });
            }
        }
        if state.status == CounterStatus::Closed {
            state.status = CounterStatus::Open;
            state.streak = 0;
        }
        state.officer = Some(by.user.clone());
        let change = Change::counter(EventKind::CounterOpened, code, &by.user);
        let detail = EventDetail {
            taken_from,
            ..change.detail.clone()
        };
        out.push(change.with(detail));
        Ok(Affected::Counter(code.to_string()))
    }

    /// Closes a counter with nobody at it. Held visitors are not sent home: they go
    /// back in line, keeping their place.
    fn close(&mut self, code: &str, by: &Actor, out: &mut Vec<Change>) -> Handled {
        if self.counters[code].active.is_some() {
            return Err(DomainError::CounterBusy);
        }
        let held = std::mem::take(&mut self.counters.get_mut(code).expect("known").held);
        for id in held {
            self.back_in_line(id);
            out.push(
                Change::ticket(EventKind::TicketReinstated, id, Some(code)).with(EventDetail {
                    reason: Some("counter_closed".into()),
                    ..EventDetail::default()
                }),
            );
        }
        let state = self.counters.get_mut(code).expect("known");
        state.status = CounterStatus::Closed;
        state.officer = None;
        state.streak = 0;
        out.push(Change::counter(EventKind::CounterClosed, code, &by.user));
        Ok(Affected::Counter(code.to_string()))
    }

    /// A break: open, but calling nobody. Only with nobody at the counter.
    fn pause(&mut self, code: &str, out: &mut Vec<Change>) -> Handled {
        let state = self.counters.get_mut(code).expect("known");
        if state.active.is_some() {
            return Err(DomainError::CounterBusy);
        }
        if state.status == CounterStatus::Open {
            state.status = CounterStatus::Paused;
            let officer = state.officer.clone().unwrap_or_default();
            out.push(Change::counter(EventKind::CounterPaused, code, &officer));
        }
        Ok(Affected::Counter(code.to_string()))
    }

    /// Back from the break.
    fn unpause(&mut self, code: &str, out: &mut Vec<Change>) -> Handled {
        let state = self.counters.get_mut(code).expect("known");
        if state.status == CounterStatus::Paused {
            state.status = CounterStatus::Open;
            let officer = state.officer.clone().unwrap_or_default();
            out.push(Change::counter(EventKind::CounterResumed, code, &officer));
        }
        Ok(Affected::Counter(code.to_string()))
    }
}
