//! `antre-board`: plays a hall board's calls on this PC's speakers.
//!
//! ```sh
//! antre-board --server http://10.0.0.2:8080 --board B1 --token TOKEN
//! antre-board --server http://10.0.0.2:8080 --board B1 --token TOKEN --print
//! ```

use antre_board::agent::{self, Config, Speaker};
use antre_board::queue::{Call, Pushed, Queue};
use clap::Parser;
use tokio::sync::mpsc;

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
    let speaker = Speaker::new(&config)?;
    let (tx, rx) = mpsc::unbounded_channel::<Call>();
    let speaking = tokio::spawn(speak(rx, speaker, player));
    let result = agent::follow(config, tx).await;
    speaking.abort();
    result
}

/// Says the calls one after the other, by the rules of `antre_board::queue`: never two
/// at once, every one in order, a backlog at its faster pace; only a call older than the
/// queue's bound when its turn comes is left out, and printed as such. Without a player
/// each call is printed when its turn comes.
async fn speak(
    mut calls: mpsc::UnboundedReceiver<Call>,
    mut speaker: Speaker,
    player: Option<Vec<String>>,
) {
    let mut queue = Queue::new();
    let take = |queue: &mut Queue, call: Call| match queue.push(call, agent::now_ms()) {
        Pushed::Queued | Pushed::Merged => {}
        Pushed::LeftOut(call) => println!("{}", agent::describe_left_out(&call)),
    };
    loop {
        if queue.is_empty() {
            match calls.recv().await {
                Some(call) => take(&mut queue, call),
                None => return,
            }
        }
        while let Ok(call) = calls.try_recv() {
            take(&mut queue, call);
        }
        let next = queue.next(agent::now_ms());
        for call in &next.left_out {
            println!("{}", agent::describe_left_out(call));
        }
        let Some(turn) = next.turn else { continue };
        println!("{}", agent::describe(&turn));
        if let Some(player) = &player {
            if let Err(e) = speaker.say(&turn, player).await {
                tracing::warn!("cannot say {}: {e:#}", turn.call.number);
            }
            queue.done(agent::now_ms());
            tokio::time::sleep(std::time::Duration::from_millis(turn.gap_ms().into())).await;
        } else {
            queue.done(agent::now_ms());
        }
    }
}
