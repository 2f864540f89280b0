//! `antre-load`: measures an Antre server on this machine.
//!
//! - `issue`: durable ticket issues per second over HTTP at a given concurrency;
//! - `latency`: call-next → every stream subscriber has the event, p50/p99;
//! - `restart`: time until a server with a million stored tickets serves again;
//! - `idle`: the server's memory per idle stream subscriber (starts its own server);
//! - `reports`: report times over a year of served visits, and the queue's latency
//!   while reports run (writes the history, starts its own server);
//! - `booking`: the quota release rush: thousands of clients booking one session at
//!   the same instant, checked to book exactly its seats (starts its own server);
//! - `notify`: notifications queued while their receiver was down, drained once it is
//!   back (starts its own server and receiver);
//! - `all`: starts its own demo server and runs the three, printing a summary.
//!
//! Every run is bounded in count and in time, and it talks only to loopback addresses.

mod booking;
mod idle;
mod issue;
mod latency;
mod notify;
mod reports;
mod restart;
mod stats;
mod target;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "antre-load",
    about = "Load tool for an Antre server on loopback"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Ticket issues per second.
    Issue {
        #[command(flatten)]
        server: target::ServerArgs,
        #[command(flatten)]
        args: issue::Args,
    },
    /// Call → stream latency with many subscribers.
    Latency {
        #[command(flatten)]
        server: target::ServerArgs,
        #[command(flatten)]
        args: latency::Args,
    },
    /// Restart time with many stored tickets.
    Restart(restart::Args),
    /// Server memory per idle stream subscriber (starts its own demo server).
    Idle {
        /// The `antre` binary (default: next to this one).
        #[arg(long)]
        antre: Option<PathBuf>,
        #[command(flatten)]
        args: idle::Args,
    },
    /// Report times over a long history, and issue latency while reports run.
    Reports(reports::Args),
    /// The quota release rush (starts its own server).
    Booking(booking::Args),
    /// Queued notifications drained to a local receiver (starts its own server).
    Notify(notify::Args),
    /// Start a demo server and run all three.
    All {
        /// The `antre` binary (default: next to this one).
        #[arg(long)]
        antre: Option<PathBuf>,
        #[command(flatten)]
        issue: issue::Args,
        #[command(flatten)]
        latency: latency::Args,
        /// Stored tickets for the restart measurement (0 skips it).
        #[arg(long, default_value_t = 1_000_000)]
        stored_tickets: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A thousand subscribers and their server need more descriptors than some defaults.
    let _ = rlimit::increase_nofile_limit(65_536);
    match Cli::parse().command {
        Cmd::Issue { server, args } => {
            let report = issue::run(&server.resolve()?, &args).await?;
            println!("{report}");
        }
        Cmd::Latency { server, args } => {
            let report = latency::run(&server.resolve()?, &args).await?;
            println!("{report}");
        }
        Cmd::Idle { antre, args } => {
            let report = idle::run(&target::antre_binary(antre)?, &args).await?;
            println!("{report}");
        }
        Cmd::Reports(args) => {
            let report = reports::run(&args).await?;
            println!("{report}");
        }
        Cmd::Booking(args) => {
            let report = booking::run(&args).await?;
            println!("{report}");
        }
        Cmd::Notify(args) => {
            let report = notify::run(&args).await?;
            println!("{report}");
        }
        Cmd::Restart(args) => {
            let report = restart::run(&args).await?;
            println!("{report}");
        }
        Cmd::All {
            antre,
            issue,
            latency,
            stored_tickets,
        } => {
            let antre = target::antre_binary(antre)?;
            let dir = tempfile::tempdir()?;
            let server =
                target::Spawned::demo(&antre, &dir.path().join("data"), Duration::from_secs(60))
                    .await?;
            let issued = issue::run(&server.target, &issue).await?;
            println!("{issued}\n");
            let latency = latency::run(&server.target, &latency).await?;
            println!("{latency}\n");
            drop(server);
            if stored_tickets > 0 {
                let restart = restart::run(&restart::Args {
                    antre: Some(antre),
                    tickets: stored_tickets,
                    data: None,
                })
                .await?;
                println!("{restart}");
            }
        }
    }
    Ok(())
}
