//! The HTTP side of the terminal client, shared by the screen and the subcommands:
//! logging in, reading the site and queues, and counter actions that survive a shaky
//! network.
//!
//! A counter action whose answer is lost is the dangerous case: sending `call-next`
//! again would call a second visitor (and complete the first). So before an action the
//! client notes the counter's state, and after a network failure it first asks the
//! server whether the action took effect; only if it did not is it sent again. After
//! [`ATTEMPTS`] tries the failure is reported, never dropped.

use std::time::Duration;

use antre_client::Address;
use antre_protocol::{
    CallRequest, CancelRequest, CounterAction, CounterStatus, CounterView, ErrorBody, HoldRequest,
    LoginRequest, LoginResponse, OpenRequest, QueueInfo, ResumeRequest, SiteInfo, Ticket,
    TicketStatus, TransferRequest,
};
use reqwest::StatusCode;

/// One request may take this long: a LAN answers in milliseconds, and a server busy
/// committing answers within a second; ten seconds means the network is gone.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Tries of a counter action before it is reported as failed: with the pauses below the
/// officer waits at most a few seconds, which covers a Wi-Fi hiccup or a server restart.
pub const ATTEMPTS: u32 = 4;

/// Pause before the second try; it doubles after each try (0.5 s, 1 s, 2 s).
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// What an officer does at a counter (and to a ticket of today's queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Open,
    /// Open the counter although another officer has it open: take it over from them
    /// (an officer assigned to it, at the change of shift).
    TakeOver,
    Close,
    CallNext,
    /// Call a particular waiting ticket; out of turn it needs a reason.
    Call {
        ticket: u64,
        number: String,
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
    /// Take back a ticket held at this counter.
    ResumeHeld(u64),
    /// Put the active ticket back in line at its place (leaving the counter with a
    /// visitor called who was not served).
    Requeue,
    /// Start a break (istirahat).
    Pause,
    /// End the break.
    Resume,
    /// Put a no-show back in line within the grace period (`POST /tickets/{id}/reinstate`;
    /// any officer, not tied to a counter).
    Reinstate {
        ticket: u64,
        number: String,
    },
    /// Withdraw a waiting, held or no-show ticket (`POST /tickets/{id}/cancel`;
    /// supervisors and admins).
    Cancel {
        ticket: u64,
        number: String,
        reason: String,
    },
}

impl Action {
    /// The counter action it is on the wire; `None` for the ticket actions
    /// ([`Action::Reinstate`], [`Action::Cancel`]).
    pub fn action(&self) -> Option<CounterAction> {
        Some(match self {
            Action::Open | Action::TakeOver => CounterAction::Open,
            Action::Close => CounterAction::Close,
            Action::CallNext => CounterAction::CallNext,
            Action::Call { .. } => CounterAction::Call,
            Action::Recall => CounterAction::Recall,
            Action::Start => CounterAction::Start,
            Action::Complete => CounterAction::Complete,
            Action::NoShow => CounterAction::NoShow,
            Action::Transfer { .. } => CounterAction::Transfer,
            Action::Hold { .. } => CounterAction::Hold,
            Action::Requeue => CounterAction::Requeue,
            Action::ResumeHeld(_) | Action::Resume => CounterAction::Resume,
            Action::Pause => CounterAction::Pause,
            Action::Reinstate { .. } | Action::Cancel { .. } => return None,
        })
    }

    /// The action's name on the wire: the last path segment of
    /// `POST /api/v1/counters/{code}/{action}` or `POST /api/v1/tickets/{id}/{action}`.
    pub fn path(&self) -> &'static str {
        match self {
            Action::Reinstate { .. } => "reinstate",
            Action::Cancel { .. } => "cancel",
            other => other.action().map_or("", CounterAction::as_str),
        }
    }

    /// The ticket a ticket action is about.
    fn ticket_action(&self) -> Option<u64> {
        match self {
            Action::Reinstate { ticket, .. } | Action::Cancel { ticket, .. } => Some(*ticket),
            _ => None,
        }
    }

    /// The request body, as the protocol's request types write it.
    fn body(&self) -> Option<serde_json::Value> {
        let body = match self {
            Action::TakeOver => serde_json::to_value(OpenRequest { take_over: true }),
            Action::Call { ticket, reason, .. } => serde_json::to_value(CallRequest {
                ticket: *ticket,
                reason: reason.clone(),
            }),
            Action::Cancel { reason, .. } => serde_json::to_value(CancelRequest {
                reason: Some(reason.clone()).filter(|r| !r.trim().is_empty()),
            }),
            Action::Transfer { service, note } => serde_json::to_value(TransferRequest {
                service: service.clone(),
                note: note.clone(),
            }),
            Action::Hold { note } => serde_json::to_value(HoldRequest { note: note.clone() }),
            Action::ResumeHeld(id) => serde_json::to_value(ResumeRequest { ticket: Some(*id) }),
            _ => return None,
        };
        Some(body.expect("request types serialise"))
    }

    /// Whether `after` shows that this action, sent when the counter was `before`, was
    /// carried out (its answer may have been lost on the way back).
    pub fn took_effect(&self, before: &CounterView, after: &CounterView) -> bool {
        let active = |v: &CounterView| v.ticket.as_ref().map(|t| t.id);
        match self {
            Action::Open => before.status == CounterStatus::Closed && after.status != before.status,
            Action::TakeOver => {
                after.status != CounterStatus::Closed
                    && (before.status == CounterStatus::Closed || after.officer != before.officer)
            }
            Action::Close => {
                before.status != CounterStatus::Closed && after.status == CounterStatus::Closed
            }
            Action::Pause => {
                before.status != CounterStatus::Paused && after.status == CounterStatus::Paused
            }
            Action::Resume => {
                before.status == CounterStatus::Paused && after.status == CounterStatus::Open
            }
            Action::CallNext
            | Action::Complete
            | Action::NoShow
            | Action::Transfer { .. }
            | Action::Hold { .. }
            | Action::Requeue => active(after) != active(before),
            Action::Call { ticket, .. } => active(after) == Some(*ticket),
            Action::Recall => match (&before.ticket, &after.ticket) {
                (Some(b), Some(a)) => a.id == b.id && a.recalls > b.recalls,
                _ => false,
            },
            Action::Start => match (&before.ticket, &after.ticket) {
                (Some(b), Some(a)) => {
                    a.id == b.id
                        && a.status == antre_protocol::TicketStatus::Serving
                        && b.status != a.status
                }
                _ => false,
            },
            Action::ResumeHeld(id) => active(after) == Some(*id),
            // Not seen on the counter: see `Action::took_effect_on`.
            Action::Reinstate { .. } | Action::Cancel { .. } => false,
        }
    }

    /// Whether a ticket action was carried out, from the ticket as it is now.
    pub fn took_effect_on(&self, ticket: &Ticket) -> bool {
        match self {
            Action::Reinstate { .. } => ticket.status == TicketStatus::Waiting,
            Action::Cancel { .. } => ticket.status == TicketStatus::Cancelled,
            _ => false,
        }
    }

    /// The ticket number the action is about, when the officer named one.
    pub fn number(&self) -> Option<&str> {
        match self {
            Action::Call { number, .. }
            | Action::Reinstate { number, .. }
            | Action::Cancel { number, .. } => Some(number),
            _ => None,
        }
    }
}

/// What the server answered to an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ticket(Box<Ticket>),
    Counter(Box<CounterView>),
    /// Call-next found nobody waiting.
    Nobody,
}

/// Why a request did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    /// The server refused: `code` is the API's stable error code, `message` its text
    /// (Bahasa Indonesia / English).
    #[error("{message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The server could not be reached, or did not answer in time.
    #[error("Server tidak dapat dihubungi ({0}). / The server cannot be reached ({0}).")]
    Network(String),
    /// The server answered something this client does not understand.
    #[error("Jawaban server tidak dikenali ({0}). / Unexpected answer from the server ({0}).")]
    Unexpected(String),
}

impl Failure {
    /// The session is over (token expired or never valid): log in again.
    pub fn needs_login(&self) -> bool {
        matches!(self, Failure::Refused { status: 401, .. })
    }

    /// The API's error code, when the server gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Failure::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    fn retryable(&self) -> bool {
        match self {
            Failure::Network(_) => true,
            // Storage trouble or a restart: the server said nothing was saved.
            Failure::Refused { status, .. } => matches!(status, 502..=504),
            Failure::Unexpected(_) => false,
        }
    }
}

/// A key unique to one press of one client: process, clock and a counter.
fn new_key() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("ac-{}-{nanos:x}-{n}", std::process::id())
}

fn network(e: reqwest::Error) -> Failure {
    let what = if e.is_timeout() {
        "timeout".to_string()
    } else if e.is_connect() {
        "connection refused or unreachable".to_string()
    } else if e.is_decode() {
        return Failure::Unexpected(e.to_string());
    } else {
        e.without_url().to_string()
    };
    Failure::Network(what)
}

/// A client of one Antre server, optionally logged in.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    server: Address,
    token: Option<String>,
}

impl Client {
    /// `base` is the server's address, e.g. `http://10.0.0.5:8080`.
    /// The client carries no TLS stack (the server is on the MPP's LAN), so an
    /// `https://` address is refused here rather than failing at every request.
    pub fn new(base: &str) -> Result<Client, Failure> {
        let server = Address::parse(base).map_err(|_| {
            Failure::Unexpected(format!(
                "alamat server harus diawali http:// (https tidak didukung) / \
                 the server address must start with http:// (https is not supported): {}",
                base.trim()
            ))
        })?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| Failure::Unexpected(e.to_string()))?;
        Ok(Client {
            http,
            server,
            token: None,
        })
    }

    pub fn base(&self) -> &str {
        self.server.http()
    }

    /// The server's address, for the live stream.
    pub fn address(&self) -> &Address {
        &self.server
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Uses a token got elsewhere (or, in tests, one that has run out).
    pub fn set_token(&mut self, token: &str) {
        self.token = Some(token.to_string());
    }

    /// [`Client::act`], logging in again once when the session has run out mid-shift
    /// (tokens last a shift): the server kept the counter and its ticket, so the
    /// action simply goes through after the new login.
    pub async fn act_or_relogin(
        &mut self,
        counter: &str,
        action: &Action,
        username: &str,
        password: &str,
    ) -> Result<Outcome, Failure> {
        match self.act(counter, action).await {
            Err(f) if f.needs_login() => {
                self.login(username, password).await?;
                self.act(counter, action).await
            }
            other => other,
        }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(&format!("/api/v1{path}"))
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, Failure> {
        let req = match &self.token {
            Some(token) => req.bearer_auth(token),
            None => req,
        };
        let res = req.send().await.map_err(network)?;
        if res.status().is_success() {
            return Ok(res);
        }
        let status = res.status().as_u16();
        let text = res.text().await.map_err(network)?;
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => Failure::Refused {
                status,
                code: body.error.code,
                message: body.error.message,
            },
            // A proxy or a restarting server may answer without our error format.
            Err(_) if (502..=504).contains(&status) => Failure::Refused {
                status,
                code: "unavailable".into(),
                message: "Server sedang tidak tersedia. / The server is unavailable.".into(),
            },
            Err(_) => Failure::Unexpected(format!("HTTP {status}")),
        })
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let res = self.send(self.http.get(self.url(path))).await?;
        res.json().await.map_err(network)
    }

    /// Logs in; the token is kept for the following requests.
    pub async fn login(
        &mut self,
        username: &str,
        password: &str,
    ) -> Result<LoginResponse, Failure> {
        let body = LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
        };
        self.token = None;
        let res = self
            .send(self.http.post(self.url("/auth/login")).json(&body))
            .await?;
        let answer: LoginResponse = res.json().await.map_err(network)?;
        self.token = Some(answer.token.clone());
        Ok(answer)
    }

    pub async fn site(&self) -> Result<SiteInfo, Failure> {
        self.get("/site").await
    }

    pub async fn queues(&self) -> Result<Vec<QueueInfo>, Failure> {
        self.get("/queues").await
    }

    pub async fn counter(&self, code: &str) -> Result<CounterView, Failure> {
        self.get(&format!("/counters/{code}")).await
    }

    pub async fn ticket(&self, id: u64) -> Result<Ticket, Failure> {
        self.get(&format!("/tickets/{id}")).await
    }

    /// The waiting tickets of a service, in line order (staff).
    pub async fn waiting(&self, service: &str) -> Result<Vec<Ticket>, Failure> {
        self.get(&format!("/services/{service}/waiting")).await
    }

    /// Today's ticket with this number (`A012`; staff).
    pub async fn by_number(&self, number: &str) -> Result<Ticket, Failure> {
        let number: String = number
            .trim()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if number.is_empty() {
            return Err(Failure::Refused {
                status: 404,
                code: "ticket_not_found".into(),
                message: "Tiket tidak ditemukan. / Ticket not found.".into(),
            });
        }
        self.get(&format!(
            "/tickets/by-number/{}",
            number.to_ascii_uppercase()
        ))
        .await
    }

    /// Checks a booking in by its code (any case, with or without the dash): the ticket
    /// it becomes, in line at its session's place. Sent once: a repeat would only be
    /// told `already_checked_in`.
    pub async fn check_in(&self, code: &str) -> Result<Ticket, Failure> {
        let code: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
        let url = self.url(&format!("/bookings/{}/check-in", code.to_ascii_uppercase()));
        let res = self.send(self.http.post(url)).await?;
        res.json().await.map_err(network)
    }

    /// Every counter's live state.
    pub async fn counters(&self) -> Result<Vec<CounterView>, Failure> {
        self.get("/counters").await
    }

    /// Sends an action once.
    pub async fn act_once(&self, counter: &str, action: &Action) -> Result<Outcome, Failure> {
        self.act_keyed(counter, action, &new_key()).await
    }

    /// Sends an action with an `Idempotency-Key`: the server answers a repeat of the
    /// same key with its first answer instead of acting twice.
    async fn act_keyed(
        &self,
        counter: &str,
        action: &Action,
        key: &str,
    ) -> Result<Outcome, Failure> {
        let url = match action.ticket_action() {
            Some(id) => self.url(&format!("/tickets/{id}/{}", action.path())),
            None => self.url(&format!("/counters/{counter}/{}", action.path())),
        };
        let req = self.http.post(url).header("Idempotency-Key", key);
        let req = match action.body() {
            Some(body) => req.json(&body),
            None => req,
        };
        let res = self.send(req).await?;
        if res.status() == StatusCode::NO_CONTENT {
            return Ok(Outcome::Nobody);
        }
        let value: serde_json::Value = res.json().await.map_err(network)?;
        // Open, close, pause and resume-from-break answer the counter; the rest a ticket.
        if value.get("number").is_some() {
            serde_json::from_value(value)
                .map(|t| Outcome::Ticket(Box::new(t)))
                .map_err(|e| Failure::Unexpected(e.to_string()))
        } else {
            serde_json::from_value(value)
                .map(|c| Outcome::Counter(Box::new(c)))
                .map_err(|e| Failure::Unexpected(e.to_string()))
        }
    }

    /// Sends an action, retrying over network failures without ever doing it twice
    /// (see the module comment). A refusal by the server is returned at once.
    pub async fn act(&self, counter: &str, action: &Action) -> Result<Outcome, Failure> {
        if let Some(id) = action.ticket_action() {
            return self.act_on_ticket(id, action).await;
        }
        let key = new_key();
        let mut before: Option<CounterView> = None;
        let mut sent = false;
        let mut pause = FIRST_BACKOFF;
        let mut last = Failure::Network("no attempt".into());
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            match self.counter(counter).await {
                Ok(now) => match &before {
                    Some(b) if sent && action.took_effect(b, &now) => {
                        return Ok(self.outcome_of(action, b, now).await);
                    }
                    Some(_) => {}
                    None => before = Some(now),
                },
                Err(e) if e.retryable() => {
                    last = e;
                    continue;
                }
                Err(e) => return Err(e),
            }
            sent = true;
            match self.act_keyed(counter, action, &key).await {
                Err(e) if e.retryable() => last = e,
                other => return other,
            }
        }
        // One last look: the final try may have arrived although its answer did not.
        if let (true, Some(b)) = (sent, &before)
            && let Ok(now) = self.counter(counter).await
            && action.took_effect(b, &now)
        {
            return Ok(self.outcome_of(action, b, now).await);
        }
        Err(match last {
            // "×" rather than words: the message is already "Indonesian / English".
            Failure::Network(why) => Failure::Network(format!("{why}; {ATTEMPTS}×")),
            other => other,
        })
    }

    /// A ticket action with the same care: before sending it again after a network
    /// failure, look whether the ticket already shows it done.
    async fn act_on_ticket(&self, id: u64, action: &Action) -> Result<Outcome, Failure> {
        let key = new_key();
        let mut sent = false;
        let mut pause = FIRST_BACKOFF;
        let mut last = Failure::Network("no attempt".into());
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            if sent {
                match self.ticket(id).await {
                    Ok(now) if action.took_effect_on(&now) => {
                        return Ok(Outcome::Ticket(Box::new(now)));
                    }
                    Ok(_) => {}
                    Err(e) if e.retryable() => {
                        last = e;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            sent = true;
            match self.act_keyed("", action, &key).await {
                Err(e) if e.retryable() => last = e,
                other => return other,
            }
        }
        if let Ok(now) = self.ticket(id).await
            && action.took_effect_on(&now)
        {
            return Ok(Outcome::Ticket(Box::new(now)));
        }
        Err(match last {
            Failure::Network(why) => Failure::Network(format!("{why}; {ATTEMPTS}×")),
            other => other,
        })
    }

    /// The answer an action would have had, rebuilt from the counter's state after it.
    async fn outcome_of(
        &self,
        action: &Action,
        before: &CounterView,
        after: CounterView,
    ) -> Outcome {
        match action {
            Action::Open | Action::TakeOver | Action::Close | Action::Pause | Action::Resume => {
                Outcome::Counter(Box::new(after))
            }
            Action::CallNext
            | Action::Call { .. }
            | Action::Recall
            | Action::Start
            | Action::ResumeHeld(_) => match after.ticket {
                Some(t) => Outcome::Ticket(Box::new(t)),
                None => Outcome::Nobody,
            },
            Action::Complete
            | Action::NoShow
            | Action::Transfer { .. }
            | Action::Hold { .. }
            | Action::Requeue
            | Action::Reinstate { .. }
            | Action::Cancel { .. } => {
                let Some(old) = &before.ticket else {
                    return Outcome::Counter(Box::new(after));
                };
                match self.ticket(old.id).await {
                    Ok(t) => Outcome::Ticket(Box::new(t)),
                    Err(_) => Outcome::Ticket(Box::new(old.clone())),
                }
            }
        }
    }
}
