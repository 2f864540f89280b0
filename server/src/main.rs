//! `antre`: the queue server's command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use antre_server::config_source::{self, Given};
use antre_server::{auth, config::SiteConfig, demo, password_prompt, serve, store};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "antre",
    version,
    about = "Antre: queue and counter ticketing for Mal Pelayanan Publik"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Serve a site described by a config file.
    Serve {
        /// The site config (TOML); see docs/configuration.md. Needed on the first start
        /// only: the configuration then lives in the database, and a file given later is
        /// imported when it changed since it was last imported.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Where the database and the token key live.
        #[arg(long, default_value = "antre-data")]
        data: PathBuf,
        /// Address to listen on; 0.0.0.0:8080 to serve the whole LAN.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// A folder of recorded announcement clips (NAME.wav) replacing the built-in ones.
        #[arg(long)]
        clips: Option<PathBuf>,
        /// Serve even when the database fails its start-up check (a broken event log, or
        /// tables that do not match it); the damage stays for `antre verify` to report.
        #[arg(long)]
        accept_damaged_data: bool,
    },
    /// Run a realistic demo MPP on an embedded SQLite file.
    Demo {
        #[arg(long, default_value = "antre-data")]
        data: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Password of every demo user and token of every demo device (generated and
        /// printed when not given).
        #[arg(long, env = "ANTRE_DEMO_PASSWORD")]
        demo_password: Option<String>,
        /// Leave out the demo's file:// printers (text previews of every ticket under
        /// DATA/printers/K1, …), e.g. when antre-kiosk agents drive the kiosks' printers.
        #[arg(long)]
        no_printers: bool,
        /// A folder of recorded announcement clips (NAME.wav) replacing the built-in ones.
        #[arg(long)]
        clips: Option<PathBuf>,
        /// Serve even when the database fails its start-up check.
        #[arg(long)]
        accept_damaged_data: bool,
        /// Connections open at once (`[limits] max_connections`; default 2048).
        #[arg(long)]
        max_connections: Option<usize>,
        /// Start a new demo empty, without the previous 60 days of history its first
        /// start otherwise makes.
        #[arg(long)]
        no_history: bool,
    },
    /// The site's configuration kept in the data directory.
    Config {
        #[command(subcommand)]
        command: ConfigCmd,
    },
    /// Check the database: the event log's hash chain from the first event to the
    /// last, and every stored ticket and counter against the log.
    Verify {
        #[arg(long, default_value = "antre-data")]
        data: PathBuf,
    },
    /// Write a consistent copy of the database to FILE, also while the server runs.
    Backup {
        file: PathBuf,
        #[arg(long, default_value = "antre-data")]
        data: PathBuf,
    },
    /// Hash a password or device token for the site config: typed twice without echo in
    /// a terminal, or one line from standard input.
    HashPassword,
}

#[derive(Debug, Subcommand)]
enum ConfigCmd {
    /// Print the configuration in use as TOML (with password and token hashes: keep the
    /// file private).
    Export {
        #[arg(long, default_value = "antre-data")]
        data: PathBuf,
    },
    /// Show how FILE differs from the configuration in use, and apply the differences as
    /// one change (recorded in the event log). The server must be stopped; while it runs,
    /// import on the admin page instead.
    Import {
        file: PathBuf,
        #[arg(long, default_value = "antre-data")]
        data: PathBuf,
        /// Only show the differences.
        #[arg(long)]
        dry_run: bool,
    },
}

fn main() -> std::process::ExitCode {
    // Everything the server writes (the database, its journal, printer state, backups)
    // is readable by its own user only: it holds every ticket's secret.
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "antre_server=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        // A log that cannot be written (its disk is full) must not take the server
        // down: the write is dropped instead of reported on the same failing stderr.
        .log_internal_errors(false)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("antre: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Cmd::Serve {
            config,
            data,
            listen,
            clips,
            accept_damaged_data,
        } => {
            let given = match config {
                Some(path) => Some(Given {
                    config: SiteConfig::load(&path)?,
                    name: path.display().to_string(),
                }),
                None => None,
            };
            serve_blocking(serve::Options {
                config: given,
                data_dir: data,
                listen,
                notes: Vec::new(),
                clips,
                accept_damage: accept_damaged_data,
                demo_history: false,
            })
        }
        Cmd::Demo {
            data,
            listen,
            demo_password,
            clips,
            no_printers,
            accept_damaged_data,
            max_connections,
            no_history,
        } => {
            let password = demo_password.unwrap_or_else(|| auth::random_hex(6));
            let mut config = demo::config(&password)?;
            if let Some(n) = max_connections {
                config.limits.max_connections = n;
            }
            if !no_printers {
                demo::add_printers(&mut config, &data)?;
            }
            let officers: Vec<String> = config
                .counters
                .iter()
                .take(3)
                .map(|c| demo::officer_of(&c.code))
                .collect();
            let notes = vec![
                String::new(),
                format!("Demo password (every user and device): {password}"),
                format!(
                    "Users: admin, penyelia (supervisor), and one officer per counter: {}, …",
                    officers.join(", ")
                ),
            ];
            serve_blocking(serve::Options {
                config: Some(Given {
                    config,
                    name: "the demo".into(),
                }),
                data_dir: data,
                listen,
                notes,
                clips,
                accept_damage: accept_damaged_data,
                demo_history: !no_history,
            })
        }
        Cmd::Config {
            command: ConfigCmd::Export { data },
        } => {
            print!("{}", config_source::export(&data)?);
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Config {
            command:
                ConfigCmd::Import {
                    file,
                    data,
                    dry_run,
                },
        } => {
            for line in config_source::import(&data, &file, dry_run)? {
                println!("{line}");
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::Verify { data } => {
            let conn = store::open_reader(&store::db_path(&data))?;
            let mut intact = true;
            match store::verify(&conn)? {
                store::Verified::Intact { events, head } => {
                    println!("intact: {events} events, head {}", hex::encode(head));
                }
                store::Verified::Broken { seq, why } => {
                    println!("BROKEN at event {seq}: {why}");
                    intact = false;
                }
            }
            let findings = store::integrity::check_all_tables(&conn)?;
            if findings.is_empty() {
                println!("tables match the log");
            } else {
                println!("tables DIFFER from the log in {} places:", findings.len());
                for finding in &findings {
                    println!("  {finding}");
                }
                intact = false;
            }
            Ok(if intact {
                std::process::ExitCode::SUCCESS
            } else {
                std::process::ExitCode::from(2)
            })
        }
        Cmd::Backup { file, data } => {
            let conn = store::open_reader(&store::db_path(&data))?;
            store::backup(&conn, &file)?;
            println!("backup written to {}", file.display());
            Ok(std::process::ExitCode::SUCCESS)
        }
        Cmd::HashPassword => {
            let password = password_prompt::read()?;
            println!("{}", auth::hash_password(&password)?);
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

fn serve_blocking(options: serve::Options) -> anyhow::Result<std::process::ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve::run(options))?;
    Ok(std::process::ExitCode::SUCCESS)
}
