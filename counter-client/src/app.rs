//! The terminal screen's state, without any I/O: what the server said (from the stream
//! and from action answers), what the officer is typing, and which action a key asks
//! for. [`crate::render`] draws it; [`crate::tui`] feeds it.

use std::collections::BTreeMap;

use antre_protocol::{
    CounterInfo, CounterStatus, CounterView, EventKind, QueueInfo, ServiceInfo, SiteInfo,
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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
}

#[derive(Debug, Clone)]
pub struct App {
    pub lang: Lang,
    pub user: String,
    pub counter: CounterInfo,
    pub site_name: String,
    /// Every service of the MPP, for transfers.
    pub services: Vec<ServiceInfo>,
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
}

impl App {
    pub fn new(site: &SiteInfo, counter: &str, user: &str, lang: Lang) -> Option<App> {
        let counter = site.counters.iter().find(|c| c.code == counter)?.clone();
        Some(App {
            lang,
            user: user.to_string(),
            counter,
            site_name: site.name.clone(),
            services: site.services.clone(),
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
        })
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

    /// Services matching the transfer search, best first: by code, name (both
    /// languages), agency and keywords.
    pub fn transfer_matches(&self) -> Vec<&ServiceInfo> {
        let Mode::Transfer { query, .. } = &self.mode else {
            return Vec::new();
        };
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        self.services
            .iter()
            .filter(|s| {
                let agency = self.agencies.get(&s.agency).map_or("", String::as_str);
                let hay = format!(
                    "{} {} {} {} {} {}",
                    s.code,
                    s.name,
                    s.name_en,
                    s.agency,
                    agency,
                    s.keywords.join(" ")
                )
                .to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
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

    pub fn set_queues(&mut self, queues: Vec<QueueInfo>) {
        self.queues = queues.into_iter().map(|q| (q.service.clone(), q)).collect();
    }

    pub fn say(&mut self, level: Level, id: &str, en: &str) {
        self.message = Some((level, format!("{id} / {en}")));
    }

    /// The answer to an action the screen asked for.
    pub fn on_outcome(&mut self, action: &Action, result: Result<Outcome, Failure>) {
        self.busy = None;
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
                self.view = Some(*view);
                self.message = None;
            }
            Ok(Outcome::Ticket(ticket)) => {
                self.remember(&ticket);
                let n = ticket.number.clone();
                let to = self.service_name(&ticket.service);
                let (id, en) = match action {
                    Action::CallNext | Action::ResumeHeld(_) => {
                        (format!("{n} dipanggil."), format!("{n} called."))
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
                    if matches!(action, Action::ResumeHeld(_)) {
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
    }

    /// A key. Returns what the runner should do, if anything.
    pub fn on_key(&mut self, key: Key) -> Option<Request> {
        match &mut self.mode {
            Mode::Transfer { .. } => self.transfer_key(key),
            Mode::ConfirmClose => {
                self.mode = Mode::Main;
                if matches!(key, Key::Char('*') | Key::Enter) {
                    self.act(Action::Close)
                } else {
                    self.message = None;
                    None
                }
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
        match cmd {
            Cmd::Language => {
                self.lang = self.lang.toggle();
                None
            }
            Cmd::Quit => Some(Request::Quit),
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
            Cmd::Open => self.act(Action::Open),
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
            Action::Open => Cmd::Open,
            Action::Close => Cmd::Close,
            Action::CallNext => Cmd::CallNext,
            Action::Recall => Cmd::Recall,
            Action::Start => Cmd::Start,
            Action::Complete => Cmd::Complete,
            Action::NoShow => Cmd::NoShow,
            Action::Transfer { .. } => Cmd::Transfer,
            Action::Hold { .. } => Cmd::Hold,
            Action::ResumeHeld(_) => Cmd::ResumeHeld,
            Action::Pause => Cmd::Pause,
            Action::Resume => Cmd::Resume,
        })
    }
}
