//! The terminal screen's state, without any I/O: what the server said (from the stream
//! and from action answers), what the officer is typing, and which action a key asks
//! for. [`crate::render`] draws it; [`crate::tui`] feeds it.

use std::collections::BTreeMap;

use antre_client::search::Index;
use antre_protocol::{
    CounterInfo, CounterStatus, CounterView, EventKind, QueueInfo, Role, ServiceInfo, SiteInfo,
    StreamMessage, Ticket, TicketStatus,
};
use jiff::Timestamp;

use crate::api::{Action, Failure, Outcome};
use crate::i18n::Lang;
use crate::keys::Cmd;

/// Tickets kept in the "recent" list: what fits beside the queues on a small screen.
const RECENT: usize = 8;

/// A key, as the screen understands it (independent of the terminal library).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Up,
    Down,
    Tab,
    Backspace,
}

/// What the officer is doing on the screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    Main,
    /// Choosing the service to send the visitor to.
    Transfer {
        query: String,
        selected: usize,
        note: String,
        /// Typing the note instead of the search.
        in_note: bool,
    },
    /// Closing asks once more: a closed counter sends its held visitors back in line.
    ConfirmClose,
    /// Someone else has the counter open: `/` again (or Enter) takes it over from them.
    ConfirmTakeOver { from: String },
    /// Closing the counter or quitting with a visitor at it: what becomes of them first
    /// (`1` complete, `2` back in line, `4` hold), so nobody is left on the hall board.
    Leave { then: Leaving },
    /// Choosing a ticket, by its number or from a list, to call it out of turn, to put
    /// a no-show back in line, or to cancel it.
    Pick {
        purpose: Purpose,
        /// The number typed (or part of it).
        query: String,
        selected: usize,
        /// Why (a call out of turn, a cancellation).
        reason: String,
        /// Typing the reason instead of the number.
        in_reason: bool,
        /// The tickets to choose from; a ticket found by its number joins them.
        tickets: Vec<Ticket>,
        /// The waiting tickets are being fetched.
        loading: bool,
    },
    /// Typing a booking's code to check it in (any case, the dash optional).
    CheckIn {
        /// The code's letters and digits typed so far, upper case.
        code: String,
        /// Sent; the answer is awaited.
        sending: bool,
    },
}

/// What happens after the visitor at the counter is seen to ([`Mode::Leave`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaving {
    Close,
    Quit,
}

/// What a ticket is chosen for ([`Mode::Pick`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Call a waiting ticket of this counter's services (a reason when out of turn).
    Call,
    /// Put a no-show back in line.
    Reinstate,
    /// Withdraw a waiting, held or no-show ticket (supervisors and admins; a reason).
    Cancel,
}

impl Purpose {
    /// Whether a ticket in this state can be chosen for it.
    fn fits(self, ticket: &Ticket, counter: &CounterInfo) -> bool {
        match self {
            Purpose::Call => {
                ticket.status == TicketStatus::Waiting && counter.services.contains(&ticket.service)
            }
            Purpose::Reinstate => ticket.status == TicketStatus::NoShow,
            Purpose::Cancel => matches!(
                ticket.status,
                TicketStatus::Waiting | TicketStatus::Held | TicketStatus::NoShow
            ),
        }
    }

    /// Whether a reason is asked for.
    pub fn has_reason(self) -> bool {
        self != Purpose::Reinstate
    }
}

/// How a message is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// What the screen asks the runner to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Act(Action),
    Quit,
    /// Fetch the waiting tickets of the counter's services, for [`App::on_waiting`].
    Waiting,
    /// Look up today's ticket with this number, for [`App::on_found`].
    Find(String),
    /// Check the booking with this code in, for [`App::on_checked_in`].
    CheckIn(String),
}

#[derive(Debug, Clone)]
pub struct App {
    pub lang: Lang,
    pub user: String,
    /// What the user may do: supervisors and admins also cancel tickets.
    pub role: Role,
    pub counter: CounterInfo,
    pub site_name: String,
    /// Every service of the MPP, for transfers.
    pub services: Vec<ServiceInfo>,
    /// The same services, for the transfer search (the pages' search).
    pub search: Index,
    /// Agency code → short name.
    pub agencies: BTreeMap<String, String>,
    pub view: Option<CounterView>,
    pub queues: BTreeMap<String, QueueInfo>,
    /// Tickets this session handled, newest first.
    pub recent: Vec<Ticket>,
    pub message: Option<(Level, String)>,
    pub online: bool,
    /// The action being carried out, if any (keys for actions wait meanwhile).
    pub busy: Option<Action>,
    pub mode: Mode,
    pub now: Timestamp,
    /// Server clock minus this clock, learnt from snapshots, so timers agree with the
    /// server's timestamps even when the counter PC's clock is off.
    pub skew_s: i64,
    pub seq: u64,
    /// Who took the counter over from this user while the screen was open: the screen
    /// stops acting on it (until the user takes it back with `/`).
    pub taken_by: Option<String>,
    /// What to do once the action chosen in [`Mode::Leave`] went through.
    pub after: Option<Leaving>,
}

impl App {
    pub fn new(site: &SiteInfo, counter: &str, user: &str, lang: Lang) -> Option<App> {
        let counter = site.counters.iter().find(|c| c.code == counter)?.clone();
        Some(App {
            lang,
            user: user.to_string(),
            role: Role::Officer,
            counter,
            site_name: site.name.clone(),
            services: site.services.clone(),
            search: Index::new(site),
            agencies: site
                .agencies
                .iter()
                .map(|a| (a.code.clone(), a.short.clone()))
                .collect(),
            view: None,
            queues: BTreeMap::new(),
            recent: Vec::new(),
            message: None,
            online: false,
            busy: None,
            mode: Mode::Main,
            now: Timestamp::now(),
            skew_s: 0,
            seq: 0,
            taken_by: None,
            after: None,
        })
    }

    /// The officer who has the counter open, if it is open.
    pub fn holder(&self) -> Option<&str> {
        let v = self.view.as_ref()?;
        if v.status == CounterStatus::Closed {
            return None;
        }
        v.officer.as_deref()
    }

    /// Someone other than this user has the counter open.
    pub fn other_holder(&self) -> Option<&str> {
        self.holder().filter(|h| *h != self.user)
    }

    /// Why this screen must not act on the counter: it was taken over from this user,
    /// or (for an officer) someone else has it open. The name of who has it.
    pub fn blocked(&self) -> Option<String> {
        if let Some(by) = &self.taken_by {
            return Some(by.clone());
        }
        if self.role == Role::Officer {
            return self.other_holder().map(str::to_string);
        }
        None
    }

    pub fn service(&self, code: &str) -> Option<&ServiceInfo> {
        self.services.iter().find(|s| s.code == code)
    }

    /// The service's name in the screen's language, or its code.
    pub fn service_name(&self, code: &str) -> String {
        self.service(code).map_or(code.to_string(), |s| {
            self.lang.pick(&s.name, &s.name_en).to_string()
        })
    }

    pub fn status(&self) -> CounterStatus {
        self.view
            .as_ref()
            .map_or(CounterStatus::Closed, |v| v.status)
    }

    pub fn current(&self) -> Option<&Ticket> {
        self.view.as_ref().and_then(|v| v.ticket.as_ref())
    }

    fn server_now(&self) -> i64 {
        self.now.as_second() + self.skew_s
    }

    /// Seconds since the current ticket was called (or started, once serving).
    pub fn served_for(&self) -> Option<i64> {
        let t = self.current()?;
        let since = if t.status == TicketStatus::Serving {
            t.started_at.as_deref().or(t.called_at.as_deref())
        } else {
            t.called_at.as_deref()
        }?;
        let since: Timestamp = since.parse().ok()?;
        Some(self.server_now() - since.as_second())
    }

    /// Seconds the longest-waiting ticket of a service has waited past its target, if
    /// it has.
    pub fn overdue(&self, service: &str) -> Option<i64> {
        let q = self.queues.get(service)?;
        let since: Timestamp = q.oldest_waiting_since.as_deref()?.parse().ok()?;
        let target = i64::from(self.service(service)?.target_wait_s);
        let waited = self.server_now() - since.as_second();
        (waited > target).then_some(waited - target)
    }

    /// Services matching the transfer search, best first: every service while nothing
    /// is typed, then the search of the kiosk and the counter page
    /// ([`antre_client::search`]: keywords first, words in any order, typos forgiven when
    /// nothing matches as typed).
    pub fn transfer_matches(&self) -> Vec<&ServiceInfo> {
        let Mode::Transfer { query, .. } = &self.mode else {
            return Vec::new();
        };
        if query.trim().is_empty() {
            return self.search.services().collect();
        }
        self.search.search(query)
    }

    /// The tickets of [`Mode::Pick`] whose number contains what is typed.
    pub fn pick_matches(&self) -> Vec<&Ticket> {
        let Mode::Pick { query, tickets, .. } = &self.mode else {
            return Vec::new();
        };
        let typed = number_key(query);
        tickets
            .iter()
            .filter(|t| number_key(&t.number).contains(&typed))
            .collect()
    }

    fn remember(&mut self, ticket: &Ticket) {
        self.recent.retain(|t| t.id != ticket.id);
        self.recent.insert(0, ticket.clone());
        self.recent.truncate(RECENT);
    }

    /// A message from the stream.
    pub fn on_stream(&mut self, message: &StreamMessage) {
        match message {
            StreamMessage::Snapshot(s) => {
                self.seq = s.seq;
                if let Ok(at) = s.at.parse::<Timestamp>() {
                    self.skew_s = at.as_second() - Timestamp::now().as_second();
                }
                self.view = s
                    .counters
                    .iter()
                    .find(|c| c.code == self.counter.code)
                    .cloned();
                self.queues = s
                    .queues
                    .iter()
                    .map(|q| (q.service.clone(), q.clone()))
                    .collect();
            }
            StreamMessage::Event(e) => {
                self.seq = e.seq;
                if let Some(c) = &e.counter
                    && c.code == self.counter.code
                {
                    self.view = Some(c.clone());
                    if e.kind == EventKind::CounterOpened {
                        let now = c.officer.clone().or_else(|| e.detail.by.clone());
                        if now.as_deref() == Some(self.user.as_str()) {
                            self.taken_by = None;
                        } else if e.detail.taken_from.as_deref() == Some(self.user.as_str()) {
                            self.taken_over(now.unwrap_or_default());
                        }
                    }
                }
                if let Some(t) = &e.ticket
                    && t.counter.as_deref() == Some(&self.counter.code)
                    && e.kind != EventKind::TicketIssued
                {
                    self.remember(t);
                }
            }
        }
    }

    /// Someone took the counter over from this user: say so, and stop whatever was
    /// being done at it.
    fn taken_over(&mut self, by: String) {
        if matches!(
            self.mode,
            Mode::Transfer { .. }
                | Mode::ConfirmClose
                | Mode::Leave { .. }
                | Mode::Pick {
                    purpose: Purpose::Call,
                    ..
                }
        ) {
            self.mode = Mode::Main;
        }
        self.after = None;
        self.say(
            Level::Error,
            &format!(
                "Loket ini diambil alih oleh {by}; layar ini tidak lagi bertindak di loket ini (/ mengambil kembali)."
            ),
            &format!(
                "{by} took this counter over; this screen no longer acts on it (/ takes it back)."
            ),
        );
        self.taken_by = Some(by);
    }

    /// The waiting tickets of the counter's services, asked for by [`Request::Waiting`].
    pub fn on_waiting(&mut self, result: Result<Vec<Ticket>, Failure>) {
        let Mode::Pick {
            tickets, loading, ..
        } = &mut self.mode
        else {
            return;
        };
        *loading = false;
        match result {
            Ok(waiting) => {
                for t in waiting {
                    if !tickets.iter().any(|x| x.id == t.id) {
                        tickets.push(t);
                    }
                }
            }
            Err(failure) => {
                let text = failure.to_string();
                self.message = Some((Level::Error, text));
            }
        }
    }

    /// The ticket found by its number, asked for by [`Request::Find`]: it joins the
    /// list and is chosen, when it can be chosen for what the list is for.
    pub fn on_found(&mut self, result: Result<Ticket, Failure>) {
        let counter = self.counter.clone();
        let Mode::Pick {
            purpose,
            query,
            selected,
            tickets,
            ..
        } = &mut self.mode
        else {
            return;
        };
        let purpose = *purpose;
        match result {
            Ok(t) if purpose.fits(&t, &counter) => {
                *query = t.number.clone();
                if !tickets.iter().any(|x| x.id == t.id) {
                    tickets.push(t);
                }
                *selected = 0;
                self.message = None;
            }
            Ok(t) => {
                let n = &t.number;
                let status = crate::i18n::ticket_status(Lang::Id, t.status);
                let status_en = crate::i18n::ticket_status(Lang::En, t.status);
                let (id, en) = match purpose {
                    Purpose::Call if t.status == TicketStatus::Waiting => (
                        format!("{n} bukan layanan loket ini."),
                        format!("{n} is not a service of this counter."),
                    ),
                    Purpose::Call => (
                        format!("{n} {status}: hanya tiket yang menunggu dapat dipanggil."),
                        format!("{n} is {status_en}: only a waiting ticket can be called."),
                    ),
                    Purpose::Reinstate => (
                        format!("{n} {status}: hanya tiket tidak hadir yang dapat dipulihkan."),
                        format!("{n} is {status_en}: only a no-show can be reinstated."),
                    ),
                    Purpose::Cancel => (
                        format!("{n} {status}: tiket ini tidak dapat dibatalkan."),
                        format!("{n} is {status_en}: it cannot be cancelled."),
                    ),
                };
                self.say(Level::Warning, &id, &en);
            }
            Err(failure) => {
                let typed = query.clone();
                if failure.code() == Some("ticket_not_found") {
                    self.say(
                        Level::Warning,
                        &format!("Tidak ada tiket {typed} hari ini."),
                        &format!("There is no ticket {typed} today."),
                    );
                } else {
                    self.message = Some((Level::Error, failure.to_string()));
                }
            }
        }
    }

    pub fn set_queues(&mut self, queues: Vec<QueueInfo>) {
        self.queues = queues.into_iter().map(|q| (q.service.clone(), q)).collect();
    }

    pub fn say(&mut self, level: Level, id: &str, en: &str) {
        self.message = Some((level, format!("{id} / {en}")));
    }

    /// The answer to an action the screen asked for. Returns what comes next, if
    /// anything: after the visitor was seen to on leaving, closing or quitting.
    pub fn on_outcome(
        &mut self,
        action: &Action,
        result: Result<Outcome, Failure>,
    ) -> Option<Request> {
        self.busy = None;
        let ok = result.is_ok();
        // A choice from a list closes the list when done; a refusal keeps it open to
        // correct (a reason to add, another ticket to choose).
        if let Mode::Pick {
            purpose, in_reason, ..
        } = &mut self.mode
        {
            let refused = matches!(&result, Err(Failure::Refused { .. }));
            if refused {
                if purpose.has_reason()
                    && matches!(&result, Err(f) if f.code() == Some("reason_required"))
                {
                    *in_reason = true;
                }
            } else {
                self.mode = Mode::Main;
            }
        }
        match result {
            Ok(Outcome::Nobody) => {
                if let Some(v) = &mut self.view {
                    v.ticket = None;
                }
                self.say(
                    Level::Info,
                    "Tidak ada yang menunggu.",
                    "Nobody is waiting.",
                );
            }
            Ok(Outcome::Counter(view)) => {
                let from = self.other_holder().map(str::to_string);
                self.view = Some(*view);
                self.message = None;
                if matches!(action, Action::TakeOver) {
                    self.taken_by = None;
                    if let Some(from) = from {
                        self.say(
                            Level::Info,
                            &format!("Loket diambil alih dari {from}."),
                            &format!("Counter taken over from {from}."),
                        );
                    }
                }
            }
            Ok(Outcome::Ticket(ticket)) => {
                self.remember(&ticket);
                let n = ticket.number.clone();
                let to = self.service_name(&ticket.service);
                let (id, en) = match action {
                    Action::CallNext | Action::ResumeHeld(_) | Action::Call { .. } => {
                        (format!("{n} dipanggil."), format!("{n} called."))
                    }
                    Action::Requeue | Action::Reinstate { .. } => {
                        let pos = ticket.position.map(|p| p + 1).unwrap_or(0);
                        (
                            format!("{n} kembali ke antrean, urutan ke-{pos}."),
                            format!("{n} is back in line, place {pos}."),
                        )
                    }
                    Action::Cancel { .. } => {
                        (format!("{n} dibatalkan."), format!("{n} cancelled."))
                    }
                    Action::Recall => (format!("{n} dipanggil ulang."), format!("{n} recalled.")),
                    Action::Start => (format!("{n} dilayani."), format!("Serving {n}.")),
                    Action::Complete => (format!("{n} selesai."), format!("{n} completed.")),
                    Action::NoShow => (format!("{n} tidak hadir."), format!("{n} marked no-show.")),
                    Action::Hold { .. } => (format!("{n} ditahan."), format!("{n} on hold.")),
                    Action::Transfer { .. } => {
                        let pos = ticket.position.map(|p| p + 1).unwrap_or(0);
                        (
                            format!("{n} dialihkan ke {to}, urutan ke-{pos}."),
                            format!("{n} transferred to {to}, place {pos} in line."),
                        )
                    }
                    _ => (n.clone(), n.clone()),
                };
                self.say(Level::Info, &id, &en);
                if let Some(v) = &mut self.view {
                    let active =
                        matches!(ticket.status, TicketStatus::Called | TicketStatus::Serving);
                    if active && ticket.counter.as_deref() == Some(&self.counter.code) {
                        v.ticket = Some((*ticket).clone());
                    } else if v.ticket.as_ref().is_some_and(|t| t.id == ticket.id) {
                        v.ticket = None;
                    }
                    if matches!(action, Action::ResumeHeld(_) | Action::Cancel { .. }) {
                        v.held.retain(|h| h.id != ticket.id);
                    }
                }
            }
            Err(failure) => {
                let level = if matches!(failure, Failure::Network(_)) {
                    Level::Error
                } else {
                    Level::Warning
                };
                let what = Cmd::of_action(action);
                let text = format!(
                    "{}: {}",
                    what.map_or(action.path(), |c| c.label(self.lang)),
                    failure
                );
                self.message = Some((level, text));
            }
        }
        match self.after.take() {
            Some(Leaving::Quit) if ok => Some(Request::Quit),
            Some(Leaving::Close) if ok => self.act(Action::Close),
            _ => None,
        }
    }

    /// A key. Returns what the runner should do, if anything.
    pub fn on_key(&mut self, key: Key) -> Option<Request> {
        match &mut self.mode {
            Mode::Transfer { .. } => self.transfer_key(key),
            Mode::Pick { .. } => self.pick_key(key),
            Mode::CheckIn { .. } => self.check_in_key(key),
            Mode::ConfirmClose => {
                self.mode = Mode::Main;
                if matches!(key, Key::Char('*') | Key::Enter) {
                    self.act(Action::Close)
                } else {
                    self.message = None;
                    None
                }
            }
            Mode::ConfirmTakeOver { .. } => {
                self.mode = Mode::Main;
                if matches!(key, Key::Char('/') | Key::Enter) {
                    self.act(Action::TakeOver)
                } else {
                    self.message = None;
                    None
                }
            }
            Mode::Leave { then } => {
                let then = *then;
                let action = match key {
                    Key::Char('1') => Action::Complete,
                    Key::Char('2') => Action::Requeue,
                    // Closing sends held visitors back in line anyway: holding is only
                    // offered when leaving the counter open.
                    Key::Char('4') if then == Leaving::Quit => Action::Hold { note: None },
                    _ => {
                        self.mode = Mode::Main;
                        self.message = None;
                        return None;
                    }
                };
                self.mode = Mode::Main;
                let request = self.act(action);
                if request.is_some() {
                    self.after = Some(then);
                }
                request
            }
            Mode::Main => {
                let c = match key {
                    Key::Enter => '\n',
                    Key::Char(c) => c.to_ascii_lowercase(),
                    Key::Esc => {
                        self.message = None;
                        return None;
                    }
                    _ => return None,
                };
                self.command(Cmd::of_char(c)?)
            }
        }
    }

    fn act(&mut self, action: Action) -> Option<Request> {
        if self.busy.is_some() {
            self.say(
                Level::Warning,
                "Tunggu, tindakan sebelumnya masih diproses.",
                "Wait, the previous action is still in progress.",
            );
            return None;
        }
        self.busy = Some(action.clone());
        Some(Request::Act(action))
    }

    fn command(&mut self, cmd: Cmd) -> Option<Request> {
        let counter_command = !matches!(
            cmd,
            Cmd::Language
                | Cmd::Quit
                | Cmd::Open
                | Cmd::Reinstate
                | Cmd::CancelTicket
                | Cmd::CheckIn
        );
        if counter_command && let Some(holder) = self.blocked() {
            self.say(
                Level::Warning,
                &format!(
                    "Loket ini dibuka oleh {holder} (petugas lain). Tekan / untuk mengambil alih."
                ),
                &format!(
                    "{holder} (another officer) has this counter open. Press / to take it over."
                ),
            );
            return None;
        }
        match cmd {
            Cmd::Language => {
                self.lang = self.lang.toggle();
                None
            }
            Cmd::Quit => {
                if self.current().is_some() && self.blocked().is_none() {
                    self.leave(Leaving::Quit);
                    return None;
                }
                Some(Request::Quit)
            }
            Cmd::Open => match self.other_holder().map(str::to_string) {
                Some(from) => {
                    self.say(
                        Level::Warning,
                        &format!(
                            "Loket dibuka oleh {from} — ambil alih? Tekan / lagi (atau Enter) untuk ya, tombol lain batal."
                        ),
                        &format!(
                            "{from} has this counter open — take it over? Press / again (or Enter) for yes, any other key to cancel."
                        ),
                    );
                    self.mode = Mode::ConfirmTakeOver { from };
                    None
                }
                None => self.act(Action::Open),
            },
            Cmd::CallTicket => self.pick(Purpose::Call),
            Cmd::Reinstate => self.pick(Purpose::Reinstate),
            Cmd::CheckIn => {
                self.mode = Mode::CheckIn {
                    code: String::new(),
                    sending: false,
                };
                self.message = None;
                None
            }
            Cmd::CancelTicket => {
                if self.role == Role::Officer {
                    self.say(
                        Level::Warning,
                        "Hanya penyelia dan admin yang dapat membatalkan tiket.",
                        "Only supervisors and admins can cancel tickets.",
                    );
                    return None;
                }
                self.pick(Purpose::Cancel)
            }
            Cmd::Transfer => {
                if self.current().is_none() {
                    self.say(
                        Level::Warning,
                        "Tidak ada tiket untuk dialihkan.",
                        "No ticket to transfer.",
                    );
                    return None;
                }
                self.mode = Mode::Transfer {
                    query: String::new(),
                    selected: 0,
                    note: String::new(),
                    in_note: false,
                };
                None
            }
            Cmd::Close if self.current().is_some() => {
                self.leave(Leaving::Close);
                None
            }
            Cmd::Close => {
                self.mode = Mode::ConfirmClose;
                self.say(
                    Level::Warning,
                    "Tekan * lagi untuk menutup loket, tombol lain untuk batal.",
                    "Press * again to close the counter, any other key to cancel.",
                );
                None
            }
            Cmd::ResumeHeld => {
                let held = self
                    .view
                    .as_ref()
                    .and_then(|v| v.held.first())
                    .map(|t| t.id);
                match held {
                    Some(id) => self.act(Action::ResumeHeld(id)),
                    None => {
                        self.say(
                            Level::Warning,
                            "Tidak ada tiket yang ditahan.",
                            "No ticket is on hold.",
                        );
                        None
                    }
                }
            }
            Cmd::CallNext => self.act(Action::CallNext),
            Cmd::Recall => self.act(Action::Recall),
            Cmd::Start => self.act(Action::Start),
            Cmd::Complete => self.act(Action::Complete),
            Cmd::NoShow => self.act(Action::NoShow),
            Cmd::Hold => self.act(Action::Hold { note: None }),
            Cmd::Pause => self.act(Action::Pause),
            Cmd::Resume => self.act(Action::Resume),
        }
    }

    /// Asks what becomes of the visitor at the counter before closing or quitting.
    fn leave(&mut self, then: Leaving) {
        let n = self.current().map(|t| t.number.clone()).unwrap_or_default();
        match then {
            Leaving::Quit => self.say(
                Level::Warning,
                &format!(
                    "{n} masih di loket. Sebelum keluar: 1 selesai, 2 kembali ke antrean, 4 tahan; tombol lain batal."
                ),
                &format!(
                    "{n} is still at the counter. Before quitting: 1 complete, 2 back in line, 4 hold; any other key cancels."
                ),
            ),
            Leaving::Close => self.say(
                Level::Warning,
                &format!(
                    "{n} masih di loket. Sebelum menutup: 1 selesai, 2 kembali ke antrean; tombol lain batal."
                ),
                &format!(
                    "{n} is still at the counter. Before closing: 1 complete, 2 back in line; any other key cancels."
                ),
            ),
        }
        self.mode = Mode::Leave { then };
    }

    /// Opens the list of tickets to choose from for `purpose`.
    fn pick(&mut self, purpose: Purpose) -> Option<Request> {
        let mut tickets: Vec<Ticket> = Vec::new();
        if purpose == Purpose::Cancel
            && let Some(v) = &self.view
        {
            tickets.extend(v.held.iter().cloned());
        }
        if purpose != Purpose::Call {
            tickets.extend(
                self.recent
                    .iter()
                    .filter(|t| t.status == TicketStatus::NoShow)
                    .cloned(),
            );
        }
        let fetch = purpose != Purpose::Reinstate;
        self.mode = Mode::Pick {
            purpose,
            query: String::new(),
            selected: 0,
            reason: String::new(),
            in_reason: false,
            tickets,
            loading: fetch,
        };
        self.message = None;
        fetch.then_some(Request::Waiting)
    }

    fn pick_key(&mut self, key: Key) -> Option<Request> {
        let count = self.pick_matches().len();
        let chosen = {
            let Mode::Pick { selected, .. } = &self.mode else {
                return None;
            };
            self.pick_matches().get(*selected).map(|t| (*t).clone())
        };
        let Mode::Pick {
            purpose,
            query,
            selected,
            reason,
            in_reason,
            ..
        } = &mut self.mode
        else {
            return None;
        };
        let purpose = *purpose;
        let field = if *in_reason {
            &mut *reason
        } else {
            &mut *query
        };
        match key {
            Key::Esc => {
                self.mode = Mode::Main;
                self.message = None;
            }
            Key::Tab => *in_reason = purpose.has_reason() && !*in_reason,
            Key::Up => *selected = selected.saturating_sub(1),
            Key::Down => *selected = (*selected + 1).min(count.saturating_sub(1)),
            Key::Backspace => {
                field.pop();
                if !*in_reason {
                    *selected = 0;
                }
            }
            Key::Char(c) => {
                field.push(c);
                if !*in_reason {
                    *selected = 0;
                }
            }
            Key::Enter => {
                let Some(t) = chosen else {
                    let typed = query.trim().to_string();
                    return (!typed.is_empty()).then_some(Request::Find(typed));
                };
                let why = reason.trim().to_string();
                if purpose == Purpose::Cancel && why.is_empty() {
                    *in_reason = true;
                    self.say(
                        Level::Warning,
                        "Tulis alasan pembatalan.",
                        "Write why the ticket is cancelled.",
                    );
                    return None;
                }
                let (ticket, number) = (t.id, t.number.clone());
                let action = match purpose {
                    Purpose::Call => Action::Call {
                        ticket,
                        number,
                        reason: why,
                    },
                    Purpose::Reinstate => Action::Reinstate { ticket, number },
                    Purpose::Cancel => Action::Cancel {
                        ticket,
                        number,
                        reason: why,
                    },
                };
                return self.act(action);
            }
        }
        None
    }

    fn check_in_key(&mut self, key: Key) -> Option<Request> {
        let Mode::CheckIn { code, sending } = &mut self.mode else {
            return None;
        };
        match key {
            Key::Esc => {
                self.mode = Mode::Main;
                self.message = None;
            }
            Key::Backspace if !*sending => {
                code.pop();
            }
            // Letters and digits make the code; the dash and spaces people type are
            // left out.
            Key::Char(c)
                if !*sending && c.is_ascii_alphanumeric() && code.len() < BOOKING_CODE_LEN =>
            {
                code.push(c.to_ascii_uppercase());
                self.message = None;
            }
            Key::Enter if !*sending => {
                if code.len() != BOOKING_CODE_LEN {
                    self.say(
                        Level::Warning,
                        "Kode booking terdiri dari 8 huruf dan angka (mis. ACDE-FH34).",
                        "A booking code has 8 letters and digits (e.g. ACDE-FH34).",
                    );
                    return None;
                }
                *sending = true;
                return Some(Request::CheckIn(code.clone()));
            }
            _ => {}
        }
        None
    }

    /// The answer to [`Request::CheckIn`]: the ticket the booking became, said on the
    /// message line with its place in line; a refusal keeps the code to correct it.
    pub fn on_checked_in(&mut self, code: &str, result: Result<Ticket, Failure>) {
        if let Mode::CheckIn { sending, .. } = &mut self.mode {
            *sending = false;
        }
        let shown = booking_code_shown(code);
        match result {
            Ok(t) => {
                self.mode = Mode::Main;
                let n = &t.number;
                let pos = t.position.map_or("—".to_string(), |p| (p + 1).to_string());
                self.say(
                    Level::Info,
                    &format!(
                        "{n}: booking {shown} check-in, urutan ke-{pos}. Dipanggil pada gilirannya; 5 memanggilnya di luar urutan."
                    ),
                    &format!(
                        "{n}: booking {shown} checked in, place {pos} in line. Called in its turn; 5 calls it out of turn."
                    ),
                );
            }
            Err(failure) => match failure.code() {
                Some("booking_not_found") => self.say(
                    Level::Warning,
                    &format!("Kode booking {shown} tidak ditemukan."),
                    &format!("Booking code {shown} was not found."),
                ),
                Some(_) => {
                    let text = failure.to_string();
                    let (id, en) = (Lang::Id.half(&text), Lang::En.half(&text));
                    self.say(
                        Level::Warning,
                        &format!("Check-in {shown}: {id}"),
                        &format!("Check-in {shown}: {en}"),
                    );
                }
                None => self.message = Some((Level::Error, failure.to_string())),
            },
        }
    }

    fn transfer_key(&mut self, key: Key) -> Option<Request> {
        let count = self.transfer_matches().len();
        let chosen = self
            .transfer_matches()
            .get(match &self.mode {
                Mode::Transfer { selected, .. } => *selected,
                _ => 0,
            })
            .map(|s| s.code.clone());
        let Mode::Transfer {
            query,
            selected,
            note,
            in_note,
        } = &mut self.mode
        else {
            return None;
        };
        let typed_note = Some(note.trim().to_string()).filter(|n| !n.is_empty());
        let field = if *in_note { note } else { query };
        match key {
            Key::Esc => {
                self.mode = Mode::Main;
                return None;
            }
            Key::Tab => *in_note = !*in_note,
            Key::Up => *selected = selected.saturating_sub(1),
            Key::Down => *selected = (*selected + 1).min(count.saturating_sub(1)),
            Key::Backspace => {
                field.pop();
                if !*in_note {
                    *selected = 0;
                }
            }
            Key::Char(c) => {
                field.push(c);
                if !*in_note {
                    *selected = 0;
                }
            }
            Key::Enter => {
                let service = chosen?;
                self.mode = Mode::Main;
                return self.act(Action::Transfer {
                    service,
                    note: typed_note,
                });
            }
        }
        None
    }
}

impl Cmd {
    /// The key command behind an action, for messages.
    pub fn of_action(action: &Action) -> Option<Cmd> {
        Some(match action {
            Action::Open | Action::TakeOver => Cmd::Open,
            Action::Close => Cmd::Close,
            Action::CallNext => Cmd::CallNext,
            Action::Call { .. } => Cmd::CallTicket,
            Action::Recall => Cmd::Recall,
            Action::Start => Cmd::Start,
            Action::Complete => Cmd::Complete,
            Action::NoShow => Cmd::NoShow,
            Action::Transfer { .. } => Cmd::Transfer,
            Action::Hold { .. } => Cmd::Hold,
            Action::ResumeHeld(_) => Cmd::ResumeHeld,
            Action::Pause => Cmd::Pause,
            Action::Resume => Cmd::Resume,
            Action::Reinstate { .. } => Cmd::Reinstate,
            Action::Cancel { .. } => Cmd::CancelTicket,
            Action::Requeue => return None,
        })
    }
}

/// Letters and digits in a booking code.
const BOOKING_CODE_LEN: usize = 8;

/// A booking code as people read it: `ACDE-FH34`.
pub fn booking_code_shown(code: &str) -> String {
    match (code.get(..4), code.get(4..)) {
        (Some(a), Some(b)) if !b.is_empty() => format!("{a}-{b}"),
        _ => code.to_string(),
    }
}

/// A ticket number as compared when typed: letters and digits, upper case.
fn number_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}
