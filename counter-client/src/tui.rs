//! The keyboard-only screen on a real terminal: wires keys, the live stream, action
//! answers and the LED sign to the [`App`] state and redraws it.

use std::time::Duration;

use antre_protocol::{EventKind, Role, SiteInfo, StreamMessage, Ticket};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use tokio::sync::mpsc;

use crate::api::{Action, Client, Failure, Outcome};
use crate::app::{App, Key, Level, Request};
use crate::i18n::Lang;
use crate::led::{Follower, LedSign};
use crate::stream::{Feed, follow};

/// How often the screen redraws without news: once a second keeps the service timer
/// ticking.
const TICK: Duration = Duration::from_secs(1);

/// Everything the screen needs to start.
#[derive(Debug)]
pub struct Setup {
    pub client: Client,
    pub site: SiteInfo,
    pub counter: String,
    pub username: String,
    /// Kept to log in again when the session runs out mid-shift.
    pub password: String,
    /// The user's role, from the login: supervisors and admins also cancel tickets.
    pub role: Role,
    pub lang: Lang,
    pub led: Option<LedSign>,
}

/// What the screen's background tasks report.
enum Done {
    Acted(Action, Result<Outcome, Failure>),
    Waiting(Result<Vec<Ticket>, Failure>),
    Found(Box<Result<Ticket, Failure>>),
    CheckedIn(String, Box<Result<Ticket, Failure>>),
}

/// Carries out a request of the screen in the background (its answer comes back as a
/// [`Done`]). Returns true when the screen asked to quit.
fn dispatch(
    request: Option<Request>,
    setup: &Setup,
    services: &[String],
    tx: &mpsc::UnboundedSender<Done>,
) -> bool {
    let client = setup.client.clone();
    let tx = tx.clone();
    match request {
        None => {}
        Some(Request::Quit) => return true,
        Some(Request::Act(action)) => {
            let counter = setup.counter.clone();
            tokio::spawn(async move {
                let result = client.act(&counter, &action).await;
                let _ = tx.send(Done::Acted(action, result));
            });
        }
        Some(Request::Waiting) => {
            let services = services.to_vec();
            tokio::spawn(async move {
                let mut all: Vec<Ticket> = Vec::new();
                let mut result = Ok(());
                for service in &services {
                    match client.waiting(service).await {
                        Ok(list) => all.extend(list),
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                // The services' lines merged by arrival: the order they came in.
                all.sort_by(|a, b| a.issued_at.cmp(&b.issued_at).then(a.id.cmp(&b.id)));
                let _ = tx.send(Done::Waiting(result.map(|()| all)));
            });
        }
        Some(Request::Find(number)) => {
            tokio::spawn(async move {
                let _ = tx.send(Done::Found(Box::new(client.by_number(&number).await)));
            });
        }
        Some(Request::CheckIn(code)) => {
            tokio::spawn(async move {
                let result = client.check_in(&code).await;
                let _ = tx.send(Done::CheckedIn(code, Box::new(result)));
            });
        }
    }
    false
}

enum Input {
    Key(Key),
    Quit,
    Resize,
}

fn key_of(event: Event) -> Option<Input> {
    let Event::Key(k) = event else {
        return matches!(event, Event::Resize(..)).then_some(Input::Resize);
    };
    if k.kind == KeyEventKind::Release {
        return None;
    }
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return Some(Input::Quit);
    }
    Some(Input::Key(match k.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Tab => Key::Tab,
        KeyCode::Backspace => Key::Backspace,
        // With NumLock off the keypad sends navigation keys: map them to the digits they
        // carry, so the key map works either way.
        KeyCode::Insert => Key::Char('0'),
        KeyCode::End => Key::Char('1'),
        KeyCode::PageDown => Key::Char('3'),
        KeyCode::Left => Key::Char('4'),
        KeyCode::Right => Key::Char('6'),
        KeyCode::Home => Key::Char('7'),
        KeyCode::Delete => Key::Char('.'),
        _ => return None,
    }))
}

/// Runs the screen until the officer quits.
pub async fn run(mut setup: Setup) -> anyhow::Result<()> {
    let mut app = App::new(&setup.site, &setup.counter, &setup.username, setup.lang)
        .ok_or_else(|| anyhow::anyhow!("unknown counter {}", setup.counter))?;
    app.role = setup.role;
    let services = app.counter.services.clone();
    if let Ok(view) = setup.client.counter(&setup.counter).await {
        app.view = Some(view);
    }
    if let Ok(queues) = setup.client.queues().await {
        app.set_queues(queues);
    }

    let (keys_tx, mut keys) = mpsc::unbounded_channel();
    // Terminal input blocks, so it gets its own thread.
    std::thread::spawn(move || {
        while let Ok(e) = event::read() {
            if let Some(input) = key_of(e)
                && keys_tx.send(input).is_err()
            {
                break;
            }
        }
    });
    let (feed_tx, mut feed) = mpsc::unbounded_channel();
    let stream = tokio::spawn(follow(setup.client.address().clone(), feed_tx));
    let (done_tx, mut done) = mpsc::unbounded_channel::<Done>();
    let mut follower = Follower::new(&setup.counter);
    let mut queues_stale = false;
    let mut tick = tokio::time::interval(TICK);

    let mut terminal = ratatui::init();
    let result: anyhow::Result<()> = async {
        loop {
            app.now = jiff::Timestamp::now();
            terminal.draw(|f| crate::render::draw(f, &app))?;
            tokio::select! {
                input = keys.recv() => match input {
                    Some(Input::Key(key)) => {
                        if dispatch(app.on_key(key), &setup, &services, &done_tx) {
                            return Ok(());
                        }
                    }
                    Some(Input::Resize) => {}
                    Some(Input::Quit) | None => return Ok(()),
                },
                Some(news) = feed.recv() => match news {
                    Feed::Online => app.online = true,
                    Feed::Offline(_) => app.online = false,
                    Feed::Message(message) => {
                        app.on_stream(&message);
                        if let StreamMessage::Event(e) = &message
                            && e.kind != EventKind::CounterOpened
                        {
                            queues_stale = true;
                        }
                        if let Some(sign) = &mut setup.led
                            && let Some(show) = follower.on_message(&message)
                            && let Err(e) = sign.show(show)
                        {
                            app.say(Level::Error, &format!("Papan LED: {e}"), &format!("LED sign: {e}"));
                        }
                    }
                },
                Some(news) = done.recv() => match news {
                    Done::Acted(action, result) => {
                        let result = if let Err(f) = &result && f.needs_login() {
                            // The session ran out mid-shift: log in again and retry once.
                            // The server kept the counter and its ticket.
                            app.say(Level::Warning, "Sesi berakhir; masuk ulang…", "Session expired; logging in again…");
                            terminal.draw(|f| crate::render::draw(f, &app))?;
                            setup
                                .client
                                .act_or_relogin(&setup.counter, &action, &setup.username, &setup.password)
                                .await
                        } else {
                            result
                        };
                        let next = app.on_outcome(&action, result);
                        queues_stale = true;
                        if dispatch(next, &setup, &services, &done_tx) {
                            return Ok(());
                        }
                    }
                    Done::Waiting(result) => app.on_waiting(result),
                    Done::Found(result) => app.on_found(*result),
                    Done::CheckedIn(code, result) => {
                        app.on_checked_in(&code, *result);
                        queues_stale = true;
                    }
                },
                _ = tick.tick() => {
                    if queues_stale && let Ok(q) = setup.client.queues().await {
                        app.set_queues(q);
                        queues_stale = false;
                    }
                    if let Some(sign) = &mut setup.led && let Err(e) = sign.refresh() {
                        app.say(Level::Error, &format!("Papan LED: {e}"), &format!("LED sign: {e}"));
                    }
                }
            }
        }
    }
    .await;
    ratatui::restore();
    stream.abort();
    result
}
