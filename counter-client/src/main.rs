//! `antre-counter`: the officer's keyboard-only terminal client, subcommands for scripts
//! and counters without a screen, and the LED sign driver. See docs/counter.md.

use std::process::ExitCode;
use std::time::Duration;

use antre_counter::api::{Action, Client, Failure, Outcome};
use antre_counter::i18n::Lang;
use antre_counter::led::{Follower, LedSign, LedUrl};
use antre_counter::stream::{Feed, follow};
use antre_protocol::{LoginResponse, Role};
use clap::{Parser, Subcommand, ValueEnum};

/// Exit status when the server refused the action (e.g. `counter_not_yours`).
const EXIT_REFUSED: u8 = 2;
/// Exit status when the server could not be reached after retrying.
const EXIT_NETWORK: u8 = 3;
/// Exit status when logging in failed (wrong password, or an expired session).
const EXIT_LOGIN: u8 = 4;
/// Exit status for anything else (bad arguments, an unexpected answer).
const EXIT_OTHER: u8 = 1;

/// Logging in is retried as often as actions are, with the same pauses.
const LOGIN_PAUSE: Duration = Duration::from_millis(500);

#[derive(Debug, Parser)]
#[command(
    name = "antre-counter",
    version,
    about = "Klien loket Antre / Antre counter client",
    long_about = "Layar loket untuk keyboard (tanpa perintah), atau satu tindakan untuk skrip. \
                  / A keyboard-only counter screen (without a command), or one action for scripts."
)]
struct Cli {
    /// Server address, e.g. http://10.0.0.5:8080.
    #[arg(
        long,
        env = "ANTRE_SERVER",
        global = true,
        default_value = "http://127.0.0.1:8080"
    )]
    server: String,
    /// Username (petugas).
    #[arg(long, env = "ANTRE_USER", global = true)]
    user: Option<String>,
    /// Password; prefer the ANTRE_PASSWORD variable, which other users cannot see.
    #[arg(long, env = "ANTRE_PASSWORD", global = true, hide_env_values = true)]
    password: Option<String>,
    /// Counter code (e.g. L01); may be left out when the user has one counter.
    #[arg(long, env = "ANTRE_COUNTER", global = true)]
    counter: Option<String>,
    /// Language of the screen.
    #[arg(long, value_enum, default_value = "id", global = true)]
    lang: LangArg,
    /// LED sign for the screen to drive, e.g. serial:///dev/ttyUSB0?baud=9600&addr=1.
    #[arg(long)]
    led: Option<LedUrl>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Id,
    En,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Call the next visitor (completes the current one first).
    CallNext,
    /// Call the current visitor again.
    Recall,
    /// The visitor arrived: start serving.
    Start,
    /// Finish serving.
    Complete,
    /// The visitor did not come.
    NoShow,
    /// Send the visitor to another service, keeping their place in line.
    Transfer {
        #[arg(long)]
        service: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Park the current visitor at this counter.
    Hold {
        #[arg(long)]
        note: Option<String>,
    },
    /// Put the current visitor back in line at their place (leaving the counter).
    Requeue,
    /// Call a particular waiting ticket; out of turn it needs --reason.
    Call {
        /// The ticket's number, e.g. A012.
        #[arg(long)]
        ticket: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Put a no-show back in line (within the grace period).
    Reinstate {
        /// The ticket's number, e.g. A012.
        #[arg(long)]
        ticket: String,
    },
    /// Withdraw a waiting, held or no-show ticket (supervisors and admins).
    Cancel {
        /// The ticket's number, e.g. A012.
        #[arg(long)]
        ticket: String,
        #[arg(long)]
        reason: String,
    },
    /// Start a break (istirahat).
    Pause,
    /// End the break.
    Resume,
    /// Open the counter.
    Open {
        /// Take it over from the officer who has it open (an officer assigned to it).
        #[arg(long)]
        take_over: bool,
    },
    /// Close the counter.
    Close,
    /// Drive the counter's LED sign from the live stream (no login needed).
    Led {
        /// e.g. serial:///dev/ttyUSB0?baud=9600&addr=1
        #[arg(long)]
        port: LedUrl,
    },
}

/// The action of a subcommand; a ticket named by its number is looked up first.
async fn action_of(client: &Client, command: &Command) -> Result<Option<Action>, Failure> {
    let id_of = async |number: &str| client.by_number(number).await.map(|t| (t.id, t.number));
    Ok(Some(match command {
        Command::CallNext => Action::CallNext,
        Command::Recall => Action::Recall,
        Command::Start => Action::Start,
        Command::Complete => Action::Complete,
        Command::NoShow => Action::NoShow,
        Command::Transfer { service, note } => Action::Transfer {
            service: service.clone(),
            note: note.clone(),
        },
        Command::Hold { note } => Action::Hold { note: note.clone() },
        Command::Requeue => Action::Requeue,
        Command::Call { ticket, reason } => {
            let (ticket, number) = id_of(ticket).await?;
            Action::Call {
                ticket,
                number,
                reason: reason.clone(),
            }
        }
        Command::Reinstate { ticket } => {
            let (ticket, number) = id_of(ticket).await?;
            Action::Reinstate { ticket, number }
        }
        Command::Cancel { ticket, reason } => {
            let (ticket, number) = id_of(ticket).await?;
            Action::Cancel {
                ticket,
                number,
                reason: reason.clone(),
            }
        }
        Command::Pause => Action::Pause,
        Command::Resume => Action::Resume,
        Command::Open { take_over: false } => Action::Open,
        Command::Open { take_over: true } => Action::TakeOver,
        Command::Close => Action::Close,
        Command::Led { .. } => return Ok(None),
    }))
}

fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(code)
}

fn exit_of(failure: &Failure) -> ExitCode {
    let code = match failure {
        Failure::Refused { status: 401, .. } => EXIT_LOGIN,
        Failure::Refused { .. } => EXIT_REFUSED,
        Failure::Network(_) => EXIT_NETWORK,
        Failure::Unexpected(_) => EXIT_OTHER,
    };
    let hint = match failure.code() {
        Some("invalid_credentials") => {
            " Periksa nama pengguna dan kata sandi. / Check the username and password."
        }
        Some("counter_not_yours") => {
            " Buka loket Anda sendiri dengan `open`. / Open your own counter with `open`."
        }
        Some("counter_in_use") => {
            " Ambil alih dengan `open --take-over`. / Take it over with `open --take-over`."
        }
        Some("reason_required") => {
            " Sebutkan alasannya dengan --reason. / Give the reason with --reason."
        }
        Some("counter_closed") => " Buka dulu dengan `open`. / Open it first with `open`.",
        _ => "",
    };
    fail(code, format!("{failure}{hint}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let client = match Client::new(&cli.server) {
        Ok(c) => c,
        Err(e) => return fail(EXIT_OTHER, e),
    };
    if let Some(Command::Led { port }) = &cli.command {
        let Some(counter) = cli.counter.clone() else {
            return fail(EXIT_OTHER, "Sebutkan --counter. / Give --counter.");
        };
        return led(client, &counter, port).await;
    }
    let (Some(user), Some(password)) = (cli.user.clone(), cli.password.clone()) else {
        return fail(
            EXIT_OTHER,
            "Sebutkan --user dan --password (atau ANTRE_USER, ANTRE_PASSWORD). / \
             Give --user and --password (or ANTRE_USER, ANTRE_PASSWORD).",
        );
    };
    let mut client = client;
    let me = match login(&mut client, &user, &password).await {
        Ok(me) => me,
        Err(e) => return exit_of(&e),
    };
    // Reinstating and cancelling act on a ticket, wherever its visitor is.
    let ticket_only = matches!(
        cli.command,
        Some(Command::Reinstate { .. } | Command::Cancel { .. })
    );
    let counter = match (&cli.counter, me.counters.as_slice()) {
        (Some(c), _) => c.clone(),
        (None, [only]) => only.clone(),
        (None, _) if ticket_only => String::new(),
        (None, list) => {
            return fail(
                EXIT_OTHER,
                format!(
                    "Sebutkan --counter (salah satu dari: {0}). / Give --counter (one of: {0}).",
                    list.join(", ")
                ),
            );
        }
    };
    let lang = match cli.lang {
        LangArg::Id => Lang::Id,
        LangArg::En => Lang::En,
    };
    let action = match &cli.command {
        Some(command) => match action_of(&client, command).await {
            Ok(action) => action,
            Err(e) => return exit_of(&e),
        },
        None => None,
    };
    match action {
        Some(action) => one_action(&client, &counter, &action).await,
        None => {
            let user = Login {
                username: user,
                password,
                role: me.role,
            };
            screen(client, counter, user, lang, cli.led.as_ref()).await
        }
    }
}

/// Logs in, retrying over network failures (a wrong password is final).
async fn login(client: &mut Client, user: &str, password: &str) -> Result<LoginResponse, Failure> {
    let mut pause = LOGIN_PAUSE;
    let mut attempt = 1;
    loop {
        match client.login(user, password).await {
            Err(Failure::Network(why)) if attempt < antre_counter::api::ATTEMPTS => {
                eprintln!(
                    "Server belum menjawab ({why}); mencoba lagi… / No answer from the server ({why}); retrying…"
                );
                tokio::time::sleep(pause).await;
                pause *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}

async fn one_action(client: &Client, counter: &str, action: &Action) -> ExitCode {
    match client.act(counter, action).await {
        Ok(Outcome::Nobody) => {
            eprintln!(
                "Tidak ada yang menunggu di loket {counter}. / Nobody is waiting at counter {counter}."
            );
            ExitCode::SUCCESS
        }
        Ok(Outcome::Ticket(t)) => {
            println!("{}", t.number);
            let (id, en) = match action {
                Action::CallNext => ("dipanggil ke loket", "called to counter"),
                Action::Recall => ("dipanggil ulang ke loket", "recalled to counter"),
                Action::Start => ("dilayani di loket", "being served at counter"),
                Action::Complete => ("selesai di loket", "completed at counter"),
                Action::NoShow => ("tidak hadir di loket", "did not come to counter"),
                Action::Transfer { .. } => ("dialihkan dari loket", "transferred from counter"),
                Action::Hold { .. } => ("ditahan di loket", "on hold at counter"),
                Action::Call { .. } => ("dipanggil ke loket", "called to counter"),
                Action::Requeue => ("kembali ke antrean dari loket", "back in line from counter"),
                Action::Reinstate { .. } => ("dipulihkan ke antrean", "reinstated in line"),
                Action::Cancel { .. } => ("dibatalkan", "cancelled"),
                _ => ("di loket", "at counter"),
            };
            let n = &t.number;
            if matches!(action, Action::Reinstate { .. } | Action::Cancel { .. }) {
                eprintln!("{n} {id} ({}). / {n} {en} ({}).", t.service, t.service);
            } else {
                eprintln!(
                    "{n} {id} {counter} ({}). / {n} {en} {counter} ({}).",
                    t.service, t.service
                );
            }
            ExitCode::SUCCESS
        }
        Ok(Outcome::Counter(view)) => {
            let status = view.status.as_str();
            eprintln!("Loket {counter}: {status}. / Counter {counter}: {status}.");
            println!("{status}");
            ExitCode::SUCCESS
        }
        Err(e) => exit_of(&e),
    }
}

/// Who logged in, kept to log in again when the session runs out.
struct Login {
    username: String,
    password: String,
    role: Role,
}

async fn screen(
    client: Client,
    counter: String,
    user: Login,
    lang: Lang,
    led: Option<&LedUrl>,
) -> ExitCode {
    let site = match client.site().await {
        Ok(s) => s,
        Err(e) => return exit_of(&e),
    };
    if !site.counters.iter().any(|c| c.code == counter) {
        return fail(
            EXIT_OTHER,
            format!("Loket {counter} tidak ada. / There is no counter {counter}."),
        );
    }
    let led = match led.map(LedSign::open).transpose() {
        Ok(l) => l,
        Err(e) => return fail(EXIT_OTHER, e),
    };
    let setup = antre_counter::tui::Setup {
        client,
        site,
        counter,
        username: user.username,
        password: user.password,
        role: user.role,
        lang,
        led,
    };
    match antre_counter::tui::run(setup).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(EXIT_OTHER, format!("{e:#}")),
    }
}

/// Follows the stream and keeps the counter's LED sign showing its state.
async fn led(client: Client, counter: &str, url: &LedUrl) -> ExitCode {
    let mut sign = match LedSign::open(url) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_OTHER, e),
    };
    let (tx, mut feed) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(follow(client.address().clone(), tx));
    let mut follower = Follower::new(counter);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    eprintln!(
        "Papan LED {} mengikuti loket {counter}. / LED sign {} follows counter {counter}.",
        url.path, url.path
    );
    loop {
        tokio::select! {
            news = feed.recv() => match news {
                Some(Feed::Message(m)) => {
                    if let Some(show) = follower.on_message(&m)
                        && let Err(e) = sign.show(show)
                    {
                        return fail(EXIT_OTHER, format!("Papan LED / LED sign: {e}"));
                    }
                }
                Some(Feed::Offline(why)) => eprintln!(
                    "Aliran terputus ({why}); menyambung ulang… / Stream lost ({why}); reconnecting…"
                ),
                Some(Feed::Online) => {}
                None => return ExitCode::SUCCESS,
            },
            _ = tick.tick() => {
                if let Err(e) = sign.refresh() {
                    return fail(EXIT_OTHER, format!("Papan LED / LED sign: {e}"));
                }
            }
            _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
        }
    }
}
