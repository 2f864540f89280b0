//! One day of the demo's history: the visitors and desks of a day's plan, driven
//! through the writer round by round (the rules are in the module above).

use super::*;

/// A visitor's ticket as the history follows it.
#[derive(Debug)]
struct Visit {
    token: String,
    service: String,
    /// Put back in line after a no-show, or transferred: present in the hall.
    surely_comes: bool,
    held: bool,
    transferred: bool,
}

/// Where an officer's counter is in its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Away,
    Idle,
    Paused,
    Called {
        id: TicketId,
        recalls_left: u8,
        no_show: bool,
    },
    Serving {
        id: TicketId,
    },
    Closed,
}

#[derive(Debug)]
struct Desk {
    shift: Shift,
    services: Vec<String>,
    /// The same, as positions in the site's services.
    service_ix: Vec<usize>,
    session: String,
    phase: Phase,
    /// When it acts next; none while it has nothing to do.
    due: Option<Timestamp>,
    breaks: VecDeque<(Timestamp, Timestamp)>,
    /// The end of the break it is on.
    back_at: Timestamp,
    /// Tickets held here, and when their visitors are back.
    held: Vec<(TicketId, Timestamp)>,
}

/// Something due at a time, apart from arrivals and counters.
#[derive(Debug)]
enum Later {
    Session(SessionEvent),
    Survey { token: String, survey: SurveyRecord },
    Reinstate { id: TicketId, by: String },
    GiveUp { id: TicketId },
}

/// What a command sent was for, to follow its answer.
#[derive(Debug)]
enum Then {
    Issued {
        token: String,
        service: String,
        gives_up_after: Option<SignedDuration>,
    },
    Desk(usize, CounterCommand),
    Session,
    Surveyed,
    Reinstated(TicketId),
    Cancelled(TicketId),
}

/// One day being lived through: its plan, the counters, and the history's own picture
/// of who waits (kept from the writer's answers, so it never has to ask).
pub(super) struct Day<'a> {
    site: &'a Site,
    rng: Rng,
    arrivals: VecDeque<Arrival>,
    desks: Vec<Desk>,
    visits: HashMap<TicketId, Visit>,
    waiting: BTreeMap<TicketId, String>,
    /// Tickets waiting per service, by its position in the site's services.
    waiting_for: Vec<u32>,
    index: HashMap<String, usize>,
    /// Services a call or cancellation of this round may take a ticket from: a call
    /// out of turn there could name a ticket gone before it (as between two officers).
    contested: Vec<bool>,
    later: BTreeMap<(Timestamp, u64), Later>,
    order: u64,
}

impl<'a> Day<'a> {
    pub(super) fn new(site: &'a Site, plan: DayPlan, rng: Rng) -> Day<'a> {
        let mut day = Day {
            site,
            rng,
            arrivals: plan.arrivals.into(),
            desks: Vec::new(),
            visits: HashMap::new(),
            waiting: BTreeMap::new(),
            waiting_for: vec![0; site.services.len()],
            contested: vec![false; site.services.len()],
            index: site
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| (s.code.clone(), i))
                .collect(),
            later: BTreeMap::new(),
            order: 0,
        };
        let mut last_close = None;
        for shift in plan.shifts {
            let session = random_hex(12);
            if shift.mistyped {
                let at = shift.login - day.secs(20, 60);
                day.at(
                    at,
                    Later::Session(SessionEvent::Refused {
                        user: shift.officer.clone(),
                        address: shift.address.clone(),
                    }),
                );
            }
            day.at(
                shift.login,
                Later::Session(SessionEvent::LoggedIn {
                    user: shift.officer.clone(),
                    session: session.clone(),
                    address: shift.address.clone(),
                }),
            );
            last_close = last_close.max(Some(shift.close_by));
            let services = site
                .counter(&shift.counter)
                .map(|c| c.services.clone())
                .unwrap_or_default();
            let service_ix = services
                .iter()
                .filter_map(|s| day.index.get(s).copied())
                .collect();
            day.desks.push(Desk {
                services,
                service_ix,
                session,
                phase: Phase::Away,
                due: Some(shift.open),
                breaks: shift.breaks.iter().copied().collect(),
                back_at: shift.open,
                held: Vec::new(),
                shift,
            });
        }
        let first_open = day.desks.iter().map(|d| d.shift.open).min();
        if let (Some(first), Some(last)) = (first_open, last_close) {
            let session = random_hex(12);
            let address = "192.168.10.5".to_string();
            let login = first - day.secs(900, 1500);
            day.at(
                login,
                Later::Session(SessionEvent::LoggedIn {
                    user: SUPERVISOR.into(),
                    session: session.clone(),
                    address,
                }),
            );
            let logout = last + day.secs(300, 1500);
            day.at(
                logout,
                Later::Session(SessionEvent::LoggedOut {
                    user: SUPERVISOR.into(),
                    session,
                }),
            );
        }
        day
    }

    fn at(&mut self, at: Timestamp, later: Later) {
        self.order += 1;
        self.later.insert((at, self.order), later);
    }

    /// Lives through the day: each round takes what is due next (and what falls due
    /// within [`WINDOW`] of it), sends it all at once, and follows the answers.
    pub(super) async fn run(
        mut self,
        writer: &Writer,
        clock: &ManualClock,
        made: &mut Made,
    ) -> anyhow::Result<()> {
        let mut last = Timestamp::MIN;
        loop {
            let next = [
                self.arrivals.front().map(|a| a.at),
                self.later.first_key_value().map(|(k, _)| k.0),
                self.desks.iter().filter_map(|d| d.due).min(),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(next) = next else {
                break;
            };
            let t = next.max(last);
            last = t;
            clock.set(t);
            let until = t + WINDOW;
            self.contested.fill(false);
            let mut commands = Vec::new();
            let mut thens = Vec::new();
            while self.arrivals.front().is_some_and(|a| a.at <= until) {
                let arrival = self.arrivals.pop_front().expect("just seen");
                let token = random_hex(16);
                commands.push(Command::Issue(Issue {
                    service: arrival.service.clone(),
                    priority: arrival.priority,
                    kiosk: arrival.kiosk,
                    idempotency_key: None,
                    track_token: token.clone(),
                }));
                thens.push(Then::Issued {
                    token,
                    service: arrival.service,
                    gives_up_after: arrival.gives_up_after,
                });
            }
            while let Some(entry) = self.later.first_entry() {
                if entry.key().0 > until {
                    break;
                }
                let later = entry.remove();
                if let Some((command, then)) = self.later_command(later) {
                    commands.push(command);
                    thens.push(then);
                }
            }
            for i in 0..self.desks.len() {
                if self.desks[i].due.is_none_or(|d| d > until) {
                    continue;
                }
                self.desks[i].due = None;
                if let Some(command) = self.desk_command(i, t) {
                    let desk = &self.desks[i];
                    commands.push(Command::Counter {
                        counter: desk.shift.counter.clone(),
                        by: Actor {
                            user: desk.shift.officer.clone(),
                            any_counter: false,
                        },
                        command: command.clone(),
                    });
                    thens.push(Then::Desk(i, command));
                }
            }
            made.rounds += 1;
            let answers = join_all(commands.into_iter().map(|c| writer.execute(c))).await;
            for (answer, then) in answers.into_iter().zip(thens) {
                self.follow(writer, answer, then, t, made).await?;
            }
            anyhow::ensure!(
                made.refused <= MAX_REFUSED,
                "the demo history went wrong: {} commands refused",
                made.refused
            );
            self.settle(t);
        }
        Ok(())
    }

    fn later_command(&mut self, later: Later) -> Option<(Command, Then)> {
        Some(match later {
            Later::Session(event) => (Command::Session(event), Then::Session),
            Later::Survey { token, survey } => (
                Command::Answer {
                    track_token: token,
                    survey,
                },
                Then::Surveyed,
            ),
            Later::Reinstate { id, by } => {
                (Command::Reinstate { ticket: id, by }, Then::Reinstated(id))
            }
            Later::GiveUp { id } => {
                let service = self.waiting.get(&id)?;
                if let Some(&ix) = self.index.get(service) {
                    self.contested[ix] = true;
                }
                let reason = self.rng.pick(&visitors::CANCEL_REASONS).to_string();
                (
                    Command::Cancel {
                        ticket: id,
                        reason: Some(reason),
                        by: Some(SUPERVISOR.into()),
                    },
                    Then::Cancelled(id),
                )
            }
        })
    }

    /// What a counter does now that it is due.
    fn desk_command(&mut self, i: usize, t: Timestamp) -> Option<CounterCommand> {
        let desk = &self.desks[i];
        match desk.phase {
            Phase::Away => Some(CounterCommand::Open { take_over: false }),
            Phase::Paused => Some(CounterCommand::Resume { ticket: None }),
            Phase::Called {
                recalls_left,
                no_show,
                ..
            } => Some(if recalls_left > 0 {
                CounterCommand::Recall
            } else if no_show {
                CounterCommand::NoShow
            } else {
                CounterCommand::Start
            }),
            Phase::Serving { id } => Some(self.ending(i, id, t)),
            Phase::Idle => self.idle_command(i, t),
            Phase::Closed => None,
        }
    }

    /// A counter with nobody at it: a break, a held visitor back, closing, or the next
    /// call, in that order.
    fn idle_command(&mut self, i: usize, t: Timestamp) -> Option<CounterCommand> {
        let desk = &mut self.desks[i];
        while let Some(&(start, end)) = desk.breaks.front() {
            if start > t {
                break;
            }
            desk.breaks.pop_front();
            if end > t + SignedDuration::from_mins(5) {
                desk.back_at = end;
                return Some(CounterCommand::Pause);
            }
        }
        if let Some(pos) = desk.held.iter().position(|(_, back)| *back <= t) {
            let (id, _) = desk.held.remove(pos);
            return Some(CounterCommand::Resume { ticket: Some(id) });
        }
        let work = self.has_work(i);
        let desk = &self.desks[i];
        if t >= desk.shift.close_by || (t >= desk.shift.close_from && !work && desk.held.is_empty())
        {
            return Some(CounterCommand::Close);
        }
        if !work {
            return None;
        }
        let services = &self.desks[i].service_ix;
        let contested = services.iter().any(|&s| self.contested[s]);
        for &s in services {
            self.contested[s] = true;
        }
        if !contested
            && let Some(id) = self.out_of_turn(i)
            && self.rng.chance(visitors::OUT_OF_TURN)
        {
            let reason = self.rng.pick(&visitors::OUT_OF_TURN_REASONS).to_string();
            return Some(CounterCommand::Call { ticket: id, reason });
        }
        Some(CounterCommand::CallNext)
    }

    /// How a visit at the counter ends: most are completed, a few transferred to a
    /// related service someone serves today, a few held for a document.
    fn ending(&mut self, i: usize, id: TicketId, t: Timestamp) -> CounterCommand {
        let Some(visit) = self.visits.get(&id) else {
            return CounterCommand::Complete;
        };
        if !visit.transferred {
            let targets: Vec<(&str, &str)> = visitors::RELATED
                .iter()
                .filter(|(from, to, _)| {
                    *from == visit.service
                        && self
                            .desks
                            .iter()
                            .any(|d| d.phase != Phase::Closed && d.services.iter().any(|s| s == to))
                })
                .map(|(_, to, note)| (*to, *note))
                .collect();
            if !targets.is_empty() && self.rng.chance(visitors::TRANSFER) {
                let (to, note) = *self.rng.pick(&targets);
                return CounterCommand::Transfer {
                    service: to.to_string(),
                    note: Some(note.to_string()),
                };
            }
        }
        let close_from = self.desks[i].shift.close_from;
        if !visit.held
            && t + SignedDuration::from_mins(30) < close_from
            && self.rng.chance(visitors::HOLD)
        {
            let note = self.rng.pick(&visitors::HOLD_NOTES).to_string();
            return CounterCommand::Hold { note: Some(note) };
        }
        let desk = &self.desks[i];
        let calls_on = desk.shift.one_key
            && t < desk.shift.close_by
            && desk.breaks.front().is_none_or(|b| b.0 > t)
            && desk.held.iter().all(|h| h.1 > t)
            && self.has_work(i);
        if calls_on {
            for &s in &self.desks[i].service_ix {
                self.contested[s] = true;
            }
            CounterCommand::CallNext
        } else {
            CounterCommand::Complete
        }
    }

    /// The called visitor is at the counter at `at`: an officer working with the call
    /// key alone serves at once, the others say so first (start).
    fn arrives(&mut self, i: usize, id: TicketId, at: Timestamp) -> (Phase, Option<Timestamp>) {
        if !self.desks[i].shift.one_key {
            let called = Phase::Called {
                id,
                recalls_left: 0,
                no_show: false,
            };
            return (called, Some(at));
        }
        let took = self.service_time(id);
        (Phase::Serving { id }, Some(at + took))
    }

    fn service_time(&mut self, id: TicketId) -> SignedDuration {
        let usual = self
            .visits
            .get(&id)
            .and_then(|v| self.site.service(&v.service))
            .map_or(600, |s| s.avg_service_s);
        visitors::service_time(&mut self.rng, usual)
    }

    /// A visit completed: some visitors answer the survey a little later, that day.
    fn completed(&mut self, id: TicketId, t: Timestamp) {
        if let Some(visit) = self.visits.get(&id)
            && let Some(service) = self.site.service(&visit.service)
            && self.rng.chance(visitors::response_rate(&service.agency))
        {
            let token = visit.token.clone();
            let survey = visitors::survey(&mut self.rng, &service.agency);
            let after = self.secs(30, 180);
            self.at(t + after, Later::Survey { token, survey });
        }
    }

    fn has_work(&self, i: usize) -> bool {
        self.desks[i]
            .service_ix
            .iter()
            .any(|&s| self.waiting_for[s] > 0)
    }

    /// A ticket to call out of turn: the newest waiting here, with others before it.
    fn out_of_turn(&self, i: usize) -> Option<TicketId> {
        let services = &self.desks[i].services;
        let mut here = self
            .waiting
            .iter()
            .filter(|(_, s)| services.contains(s))
            .map(|(id, _)| *id);
        let newest = here.next_back()?;
        here.next().map(|_| newest)
    }

    fn wait(&mut self, id: TicketId, service: &str) {
        if let Some(before) = self.waiting.insert(id, service.to_string()) {
            self.unwait_service(&before);
        }
        if let Some(&ix) = self.index.get(service) {
            self.waiting_for[ix] += 1;
        }
    }

    fn unwait(&mut self, id: TicketId) {
        if let Some(service) = self.waiting.remove(&id) {
            self.unwait_service(&service);
        }
    }

    fn unwait_service(&mut self, service: &str) {
        if let Some(&ix) = self.index.get(service) {
            self.waiting_for[ix] = self.waiting_for[ix].saturating_sub(1);
        }
    }

    fn secs(&mut self, lo: i64, hi: i64) -> SignedDuration {
        SignedDuration::from_secs(self.rng.secs(lo, hi))
    }

    /// Follows one answer of the writer.
    async fn follow(
        &mut self,
        writer: &Writer,
        answer: Result<Reply, WriteError>,
        then: Then,
        t: Timestamp,
        made: &mut Made,
    ) -> anyhow::Result<()> {
        let reply = match answer {
            Ok(reply) => reply,
            Err(WriteError::Domain(e)) => {
                match &then {
                    Then::Issued { .. } => made.turned_away += 1,
                    _ => {
                        tracing::debug!(?then, "demo history: refused: {e}");
                        made.refused += 1;
                    }
                }
                if let Then::Desk(i, _) = then {
                    self.catch_up(writer, i, t).await?;
                }
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        let ticket = match reply {
            Reply::Ticket(ticket) => Some(ticket),
            _ => None,
        };
        match then {
            Then::Issued {
                token,
                service,
                gives_up_after,
            } => {
                let Some(ticket) = ticket else {
                    return Ok(());
                };
                made.tickets += 1;
                self.wait(ticket.id, &service);
                self.visits.insert(
                    ticket.id,
                    Visit {
                        token,
                        service,
                        surely_comes: false,
                        held: false,
                        transferred: false,
                    },
                );
                if let Some(after) = gives_up_after {
                    self.at(t + after, Later::GiveUp { id: ticket.id });
                }
            }
            Then::Session => {}
            Then::Surveyed => made.surveys += 1,
            Then::Reinstated(id) => {
                if let Some(visit) = self.visits.get_mut(&id) {
                    visit.surely_comes = true;
                    let service = visit.service.clone();
                    self.wait(id, &service);
                }
            }
            Then::Cancelled(id) => self.unwait(id),
            Then::Desk(i, command) => self.follow_desk(i, command, ticket, t),
        }
        Ok(())
    }

    fn follow_desk(
        &mut self,
        i: usize,
        command: CounterCommand,
        ticket: Option<antre_protocol::Ticket>,
        t: Timestamp,
    ) {
        let active = match self.desks[i].phase {
            Phase::Called { id, .. } | Phase::Serving { id } => Some(id),
            _ => None,
        };
        let (phase, due) = match command {
            CounterCommand::Open { .. } | CounterCommand::Resume { ticket: None } => {
                (Phase::Idle, None)
            }
            CounterCommand::CallNext | CounterCommand::Call { .. } => {
                // A call with a visitor still at the counter completes that visit.
                if let Phase::Serving { id } = self.desks[i].phase {
                    self.completed(id, t);
                }
                match ticket {
                    Some(ticket) => {
                        self.unwait(ticket.id);
                        let surely = self.visits.get(&ticket.id).is_some_and(|v| v.surely_comes);
                        let fate = visitors::when_called(&mut self.rng, surely);
                        if fate.recalls == 0 && !fate.no_show {
                            self.arrives(i, ticket.id, t + fate.delay)
                        } else {
                            let phase = Phase::Called {
                                id: ticket.id,
                                recalls_left: fate.recalls,
                                no_show: fate.no_show,
                            };
                            (phase, Some(t + fate.delay))
                        }
                    }
                    None => (Phase::Idle, None),
                }
            }
            CounterCommand::Resume { ticket: Some(id) } => {
                let back = t + self.secs(10, 30);
                self.arrives(i, id, back)
            }
            CounterCommand::Recall => match self.desks[i].phase {
                Phase::Called {
                    id,
                    recalls_left,
                    no_show,
                } => {
                    let recalls_left = recalls_left.saturating_sub(1);
                    let next = t + self.secs(45, 90);
                    if recalls_left == 0 && !no_show {
                        self.arrives(i, id, next)
                    } else {
                        let phase = Phase::Called {
                            id,
                            recalls_left,
                            no_show,
                        };
                        (phase, Some(next))
                    }
                }
                other => (other, Some(t + self.secs(30, 60))),
            },
            CounterCommand::Start => {
                let id = active.unwrap_or_default();
                let took = self.service_time(id);
                (Phase::Serving { id }, Some(t + took))
            }
            CounterCommand::NoShow => {
                let grace = self.site.no_show_grace_s;
                if let Some(id) = active
                    && grace >= 360
                    && self.rng.chance(visitors::REINSTATED)
                {
                    let after = self.secs(240, grace - 120);
                    let by = self.desks[i].shift.officer.clone();
                    self.at(t + after, Later::Reinstate { id, by });
                }
                (Phase::Idle, None)
            }
            CounterCommand::Complete => {
                if let Some(id) = active {
                    self.completed(id, t);
                }
                (Phase::Idle, None)
            }
            CounterCommand::Transfer { .. } => {
                if let Some(ticket) = ticket {
                    self.wait(ticket.id, &ticket.service);
                    if let Some(visit) = self.visits.get_mut(&ticket.id) {
                        visit.service = ticket.service.clone();
                        visit.transferred = true;
                        visit.surely_comes = true;
                    }
                }
                (Phase::Idle, None)
            }
            CounterCommand::Hold { .. } => {
                if let Some(id) = active {
                    if let Some(visit) = self.visits.get_mut(&id) {
                        visit.held = true;
                    }
                    let back = t + self.secs(300, 900);
                    self.desks[i].held.push((id, back));
                }
                (Phase::Idle, None)
            }
            CounterCommand::Pause => (Phase::Paused, Some(self.desks[i].back_at)),
            CounterCommand::Close => {
                // Tickets still held go back in line (the engine does it on closing).
                let held: Vec<TicketId> = self.desks[i].held.drain(..).map(|h| h.0).collect();
                for id in held {
                    if let Some(service) = self.visits.get(&id).map(|v| v.service.clone()) {
                        self.wait(id, &service);
                    }
                }
                let desk = &self.desks[i];
                let logout = Later::Session(SessionEvent::LoggedOut {
                    user: desk.shift.officer.clone(),
                    session: desk.session.clone(),
                });
                let after = self.secs(30, 150);
                self.at(t + after, logout);
                (Phase::Closed, None)
            }
            CounterCommand::Requeue => (Phase::Idle, None),
        };
        self.desks[i].phase = phase;
        self.desks[i].due = due;
    }

    /// After a refusal, takes the counter's state from the engine and goes on from
    /// there.
    async fn catch_up(&mut self, writer: &Writer, i: usize, t: Timestamp) -> anyhow::Result<()> {
        let code = self.desks[i].shift.counter.clone();
        let state = writer
            .read(move |engine, _, _| {
                engine.counter_state(&code).map(|s| {
                    let active = s
                        .active
                        .and_then(|id| engine.ticket(id).map(|t| (id, t.status)));
                    (s.status, active)
                })
            })
            .await?;
        let desk = &mut self.desks[i];
        desk.phase = match state {
            None | Some((CounterStatus::Closed, _)) if t < desk.shift.close_from => Phase::Away,
            None | Some((CounterStatus::Closed, _)) => Phase::Closed,
            Some((CounterStatus::Paused, _)) => Phase::Paused,
            Some((_, Some((id, TicketStatus::Serving)))) => Phase::Serving { id },
            Some((_, Some((id, _)))) => Phase::Called {
                id,
                recalls_left: 0,
                no_show: false,
            },
            Some((_, None)) => Phase::Idle,
        };
        desk.due = (desk.phase != Phase::Closed).then(|| t + SignedDuration::from_mins(1));
        Ok(())
    }

    /// After a round: each idle counter with visitors waiting for it calls soon; one
    /// without waits for its next break, a held visitor, or closing time.
    fn settle(&mut self, t: Timestamp) {
        for i in 0..self.desks.len() {
            if self.desks[i].phase != Phase::Idle {
                continue;
            }
            if self.has_work(i) {
                // The officer finishes the last visitor's papers before the next call.
                let soon = t + self.secs(20, 150);
                let desk = &mut self.desks[i];
                if desk.due.is_none_or(|d| d > soon) {
                    desk.due = Some(soon);
                }
                continue;
            }
            let desk = &mut self.desks[i];
            if desk.due.is_some() {
                continue;
            }
            let close = if desk.shift.close_from > t {
                desk.shift.close_from
            } else {
                t + SignedDuration::from_mins(1)
            };
            let due = [
                desk.breaks.front().map(|b| b.0),
                desk.held.iter().map(|h| h.1).min(),
                Some(close),
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(close);
            desk.due = Some(due.max(t + SignedDuration::from_secs(1)));
        }
    }
}
