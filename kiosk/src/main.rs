//! `antre-kiosk`: the kiosk agent. Runs on the kiosk PC (or beside the server), prints
//! the tickets issued at its kiosk and reports the printer's health.

use std::path::PathBuf;

use antre_kiosk::agent;
use antre_kiosk::url::PrinterUrl;
use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "antre-kiosk",
    version,
    about = "Antre kiosk agent: prints the tickets issued at one kiosk on an ESC/POS printer"
)]
struct Cli {
    /// The Antre server, e.g. http://192.168.1.10:8080.
    #[arg(long, env = "ANTRE_SERVER")]
    server: String,
    /// This kiosk's code in the site config (e.g. K1).
    #[arg(long, env = "ANTRE_KIOSK")]
    kiosk: String,
    /// This kiosk's device token.
    #[arg(long, env = "ANTRE_KIOSK_TOKEN", hide_env_values = true)]
    token: String,
    /// The printer: serial:///dev/ttyUSB0?baud=9600, usb://04b8:0e15,
    /// usblp:///dev/usb/lp0, tcp://HOST:9100 or file:///DIR; add paper=58 for 58 mm
    /// paper and qr=raster for printers without QR codes.
    #[arg(long, env = "ANTRE_PRINTER")]
    printer: String,
    /// Where the agent keeps the last event it printed up to
    /// (default: antre-kiosk-CODE.json in the current directory).
    #[arg(long)]
    state: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "antre_kiosk=info,antre_client=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let printer = match PrinterUrl::parse(&cli.printer) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("antre-kiosk: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let state = cli
        .state
        .unwrap_or_else(|| PathBuf::from(format!("antre-kiosk-{}.json", cli.kiosk)));
    let options = agent::Options {
        server: cli.server,
        kiosk: cli.kiosk,
        token: cli.token,
        printer,
        state,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("antre-kiosk: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(agent::run(options)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("antre-kiosk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
