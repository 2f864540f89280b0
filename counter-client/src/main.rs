//! `antre-counter`: the officer's keyboard-only terminal client, subcommands for scripts
//! and counters without a screen, and the LED sign driver. See docs/counter.md.

use std::process::ExitCode;
use std::time::Duration;

use antre_counter::api::{Action, Client, Failure, Outcome};
use antre_counter::i18n::Lang;
use antre_counter::led::{Follower, LedSign, LedUrl};
use antre_counter::stream::{Feed, follow};
use antre_protocol::LoginResponse;
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
    /// Start a break (istirahat).
    Pause,
    /// End the break.
    Resume,
    /// Open the counter.
    Open,
    /// Close the counter.
    Close,
    /// Drive the counter's LED sign from the live stream (no login needed).
    Led {
        /// e.g. serial:///dev/ttyUSB0?baud=9600&addr=1
        #[arg(long)]
        port: LedUrl,
    },
}

fn action_of(command: &Command) -> Option<Action> {
    Some(match command {
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
        Command::Pause => Action::Pause,
        Command::Resume => Action::Resume,
        Command::Open => Action::Open,
        Command::Close => Action::Close,
        Command::Led { .. } => return None,
    })
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
        Some("counter_not_yours" | "counter_in_use") => {
            " Buka loket Anda sendiri dengan `open`. / Open your own counter with `open`."
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
    let counter = match (&cli.counter, me.counters.as_slice()) {
        (Some(c), _) => c.clone(),
        (None, [only]) => only.clone(),
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
    match cli.command.as_ref().and_then(action_of) {
        Some(action) => one_action(&client, &counter, &action).await,
        None => screen(client, counter, user, password, lang, cli.led.as_ref()).await,
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
                _ => ("di loket", "at counter"),
            };
            let n = &t.number;
            eprintln!(
                "{n} {id} {counter} ({}). / {n} {en} {counter} ({}).",
                t.service, t.service
            );
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

async fn screen(
    client: Client,
    counter: String,
    username: String,
    password: String,
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
        username,
        password,
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
