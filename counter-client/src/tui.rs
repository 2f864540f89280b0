//! The keyboard-only screen on a real terminal: wires keys, the live stream, action
//! answers and the LED sign to the [`App`] state and redraws it.

use std::time::Duration;

use antre_protocol::{EventKind, SiteInfo, StreamMessage};
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
    pub lang: Lang,
    pub led: Option<LedSign>,
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
    let (done_tx, mut done) = mpsc::unbounded_channel::<(Action, Result<Outcome, Failure>)>();
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
                    Some(Input::Key(key)) => match app.on_key(key) {
                        Some(Request::Quit) => return Ok(()),
                        Some(Request::Act(action)) => {
                            let client = setup.client.clone();
                            let counter = setup.counter.clone();
                            let tx = done_tx.clone();
                            tokio::spawn(async move {
                                let result = client.act(&counter, &action).await;
                                let _ = tx.send((action, result));
                            });
                        }
                        None => {}
                    },
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
                Some((action, result)) = done.recv() => {
                    if let Err(f) = &result && f.needs_login() {
                        // The session ran out mid-shift: log in again and retry once.
                        // The server kept the counter and its ticket.
                        app.say(Level::Warning, "Sesi berakhir; masuk ulang…", "Session expired; logging in again…");
                        terminal.draw(|f| crate::render::draw(f, &app))?;
                        let result = setup
                            .client
                            .act_or_relogin(&setup.counter, &action, &setup.username, &setup.password)
                            .await;
                        app.on_outcome(&action, result);
                    } else {
                        app.on_outcome(&action, result);
                    }
                    queues_stale = true;
                }
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
