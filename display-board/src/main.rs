//! `antre-board`: plays a hall board's calls on this PC's speakers.
//!
//! ```sh
//! antre-board --server http://10.0.0.2:8080 --board B1 --token TOKEN
//! antre-board --server http://10.0.0.2:8080 --board B1 --token TOKEN --print
//! ```

use std::collections::VecDeque;

use antre_board::agent::{self, Call, Config};
use clap::Parser;
use tokio::sync::mpsc;

/// Calls waiting to be played. A hall that falls this far behind drops the oldest to
/// catch up (they are on the screens anyway).
const PENDING_CALLS: usize = 6;

#[derive(Debug, Parser)]
#[command(
    name = "antre-board",
    version,
    about = "Antre board agent: says a hall board's calls on this PC's speakers"
)]
struct Cli {
    /// The Antre server, e.g. http://10.0.0.2:8080
    #[arg(long, env = "ANTRE_SERVER")]
    server: String,
    /// The board's code in the site config (its zone decides which calls it says).
    #[arg(long, env = "ANTRE_BOARD")]
    board: String,
    /// The board's device token.
    #[arg(long, env = "ANTRE_BOARD_TOKEN", hide_env_values = true)]
    token: String,
    /// Print the calls instead of playing them (headless, or to check the setup).
    #[arg(long)]
    print: bool,
    /// The command that plays a WAV file (its path is added last); by default the first
    /// of pw-play, paplay, aplay found.
    #[arg(long)]
    player: Option<String>,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "antre_board=info,antre_client=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("antre-board: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("antre-board: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let player: Option<Vec<String>> = if cli.print {
        None
    } else if let Some(p) = &cli.player {
        Some(p.split_whitespace().map(String::from).collect())
    } else {
        match agent::find_player() {
            Some(p) => Some(vec![p]),
            None => {
                tracing::warn!(
                    "no audio player found ({}): printing the calls instead",
                    agent::PLAYERS.join(", ")
                );
                None
            }
        }
    };
    let config = Config {
        server: cli.server,
        board: cli.board,
        token: cli.token,
    };
    let (tx, rx) = mpsc::unbounded_channel::<Call>();
    let speaker = tokio::spawn(speak(rx, player));
    let result = agent::follow(config, tx).await;
    speaker.abort();
    result
}

/// Says the calls one after the other: never two at once, always in order. Calls that
/// came while one was playing wait; beyond [`PENDING_CALLS`] the oldest are dropped.
async fn speak(mut calls: mpsc::UnboundedReceiver<Call>, player: Option<Vec<String>>) {
    let http = agent::http_client();
    let mut pending: VecDeque<Call> = VecDeque::new();
    loop {
        if pending.is_empty() {
            match calls.recv().await {
                Some(call) => pending.push_back(call),
                None => return,
            }
        }
        while let Ok(call) = calls.try_recv() {
            pending.push_back(call);
        }
        while pending.len() > PENDING_CALLS {
            if let Some(dropped) = pending.pop_front() {
                tracing::warn!("behind: not saying {}", dropped.number);
            }
        }
        let Some(call) = pending.pop_front() else {
            continue;
        };
        println!("{}", agent::describe(&call));
        let Some(player) = &player else { continue };
        if call.stale {
            continue;
        }
        if let Err(e) = agent::play(&http, &call, player).await {
            tracing::warn!("cannot play {}: {e:#}", call.number);
        }
    }
}
