//! Running the server: load the state, bind, serve until a signal, shut down cleanly.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::{Auth, CheckLimits, TOKEN_LIFETIME, load_or_create_key};
use crate::clock::SystemClock;
use crate::config_source::{self, Given};
use crate::devices::Devices;
use crate::http::{Ctx, app};
use crate::writer::Writer;
use crate::{connections, data_dir, printing, store};

/// How often the writer is nudged to look at the clock, so the day rolls over at local
/// midnight even when nobody takes a ticket. Half a minute late is fine for 00:00.
const TICK_EVERY: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct Options {
    /// A configuration given at start (a file, the demo's); see `config_source`.
    pub config: Option<Given>,
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// Printed after the URLs (the demo's users and password).
    pub notes: Vec<String>,
    /// A folder of recorded announcement clips replacing the built-in ones of the same
    /// names (docs/board.md).
    pub clips: Option<PathBuf>,
    /// Serve even when the database fails its start-up check (docs/operations.md).
    pub accept_damage: bool,
    /// On a database without tickets, make the demo's past days first
    /// (`crate::demo_history`).
    pub demo_history: bool,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let Options {
        config,
        data_dir,
        listen,
        mut notes,
        clips,
        accept_damage,
        demo_history,
    } = options;
    // Claim the address before touching the data directory, so a second server
    // started on the same port by mistake stops at once and changes nothing.
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    let _lock = data_dir::claim(&data_dir)?;
    // The first start without a file: the setup page, then the site it made.
    let listener = if config.is_none() && !config_source::configured(&data_dir)? {
        if !crate::setup::run(listener, &data_dir, shutdown_signal()).await? {
            return Ok(());
        }
        TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} again after the setup"))?
    } else {
        listener
    };
    let start = config_source::choose(&data_dir, config)?;
    tracing::info!("{}", start.said);
    let (mut config, site) = (start.config, start.site);
    let key = load_or_create_key(&data_dir, "token.key")?;
    let db = store::db_path(&data_dir);
    if demo_history && !store::has_tickets(&store::open_reader(&db)?)? {
        notes.push(make_history(&db, &site).await?);
    }
    let started = Instant::now();
    let (writer, writer_thread) = Writer::start(
        db.clone(),
        site.clone(),
        Arc::new(SystemClock),
        crate::http::board::link_audio,
        accept_damage,
    )?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "state loaded from {}",
        db.display()
    );
    // Tokens of sessions logged out must keep failing until they would have expired.
    let since = (jiff::Timestamp::now() - TOKEN_LIFETIME).as_millisecond();
    // Kept until the latest their tokens could have expired.
    let ended = store::ended_sessions(&store::open_reader(&db)?, since)?
        .into_iter()
        .map(|(id, at)| (id, at + TOKEN_LIFETIME.as_secs()))
        .collect();
    let limits = CheckLimits {
        at_once: config.limits.password_checks_at_once,
        waiting: config.limits.password_checks_waiting,
    };
    let auth = Arc::new(Auth::new(&config, key, ended, limits)?);
    if let Some((file, file_site)) = start.import {
        writer
            .read({
                let file_site = file_site.clone();
                move |engine, _, _| crate::writer::refuse_strays(engine, &file_site)
            })
            .await??;
        let by = Some("configuration file".to_string());
        config_source::apply(&writer, &auth, &file, file_site, by, None).await?;
        tracing::info!(
            version = writer.site().version,
            "the changed file's configuration is in use"
        );
        config = file;
    }
    let site = writer.site();
    let max_connections = connection_limit(config.limits.max_connections);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let devices = Arc::new(Devices::default());
    let body_timeout = Duration::from_secs(config.limits.body_timeout_s.max(1));
    let mut ctx = Ctx::new(
        writer.clone(),
        auth,
        devices.clone(),
        config.limits.tickets_per_minute_per_client,
        body_timeout,
        db.clone(),
        shutdown_rx.clone(),
    )
    .with_nik_key(load_or_create_key(&data_dir, "nik.key")?);
    if let Some(dir) = clips {
        let (clips, taken) = antre_board::Clips::with_folder(&dir)?;
        tracing::info!(clips = ?taken, "announcement clips from {}", dir.display());
        ctx = ctx.with_clips(clips);
    }
    let printers = printing::Parts {
        writer: writer.clone(),
        devices,
        db: db.clone(),
    };
    printing::start(&config, &printers, &data_dir, &format!("http://{addr}"))?;
    print_banner(&site.name, addr, &site, &notes);
    let ticker = tokio::spawn({
        let ctx = ctx.clone();
        async move {
            let mut every = tokio::time::interval(TICK_EVERY);
            loop {
                every.tick().await;
                ctx.writer.tick().await;
                // Forget addresses whose limits have refilled, so weeks of phones
                // passing through do not grow the limiters' maps; likewise old log-in
                // failures and log-outs of tokens that have expired anyway.
                ctx.limiter.retain_recent();
                ctx.device_checks.retain_recent();
                ctx.auth.lockout.forget_old(std::time::Instant::now());
                ctx.auth.forget_expired(jiff::Timestamp::now());
            }
        }
    });
    catch_file_too_large();
    let writer_lost = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let limits = connections::Limits {
        max_connections,
        header_timeout: Duration::from_secs(config.limits.header_timeout_s.max(1)),
    };
    let notifier = crate::notify::spawn(
        db.clone(),
        site.code.clone(),
        {
            let writer = writer.clone();
            move || writer.site().notify.clone()
        },
        shutdown_rx,
    );
    connections::serve(listener, app(ctx), limits, {
        let writer = writer.clone();
        let writer_lost = writer_lost.clone();
        async move {
            tokio::select! {
                () = shutdown_signal() => {}
                // Without its writer the server can only refuse: stop, and let the
                // service manager start it again from the database.
                () = writer.stopped() => {
                    tracing::error!("the writer stopped; shutting down");
                    writer_lost.store(true, std::sync::atomic::Ordering::SeqCst);
                }
            }
            tracing::info!("shutting down: finishing requests in flight");
            let _ = shutdown_tx.send(true);
        }
    })
    .await;
    ticker.abort();
    let _ = notifier.await;
    writer.shutdown().await;
    drop(writer);
    tokio::task::spawn_blocking(move || writer_thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    anyhow::ensure!(
        !writer_lost.load(std::sync::atomic::Ordering::SeqCst),
        "the writer stopped unexpectedly (see the log above)"
    );
    tracing::info!("stopped");
    Ok(())
}

/// The demo's past days (`crate::demo_history`), and what to say of them.
async fn make_history(
    db: &std::path::Path,
    site: &Arc<crate::engine::Site>,
) -> anyhow::Result<String> {
    let days = crate::demo_history::DAYS;
    tracing::info!(
        "demo: making the previous {days} days of history (once, for a new data directory)"
    );
    let started = Instant::now();
    let made = crate::demo_history::make(
        db,
        site.clone(),
        crate::http::board::link_audio,
        jiff::Timestamp::now(),
    )
    .await
    .context("cannot make the demo's history")?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        tickets = made.tickets,
        surveys = made.surveys,
        events = made.events,
        rounds = made.rounds,
        refused = made.refused,
        "demo: history made"
    );
    Ok(format!(
        "History: the previous {days} days, {} tickets and {} survey answers (today starts empty)",
        made.tickets, made.surveys
    ))
}

/// The connection limit, kept within what the process may open: each connection is a
/// file descriptor, and the database, the log and the printers need a few more. Raises
/// the soft descriptor limit to the hard one first where that helps.
fn connection_limit(wanted: usize) -> usize {
    /// Descriptors kept for the database, its journal, printers and the log.
    const RESERVED: u64 = 64;
    let wanted_files = wanted as u64 + RESERVED;
    let files = rlimit::increase_nofile_limit(wanted_files).unwrap_or(wanted_files);
    if files >= wanted_files {
        return wanted;
    }
    let limit = files.saturating_sub(RESERVED).max(16) as usize;
    tracing::warn!(
        wanted,
        limit,
        "the process may open only {files} files: at most {limit} connections \
         (raise LimitNOFILE, see docs/operations.md)"
    );
    limit
}

fn print_banner(name: &str, addr: SocketAddr, site: &crate::engine::Site, notes: &[String]) {
    let base = format!("http://{addr}");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Antre — {name}");
    let _ = writeln!(out, "listening on {base}");
    let _ = writeln!(out, "  home         {base}/");
    for k in &site.kiosks {
        let _ = writeln!(out, "  kiosk {:<6} {base}/kiosk/{}", k.code, k.code);
    }
    for b in &site.boards {
        let _ = writeln!(out, "  board {:<6} {base}/board/{}", b.code, b.code);
    }
    let _ = writeln!(out, "  counter      {base}/counter");
    let _ = writeln!(
        out,
        "  API          {base}/api/v1/site  (OpenAPI: {base}/api/openapi.json)"
    );
    let _ = writeln!(out, "  stream       ws://{addr}/api/v1/stream");
    for note in notes {
        let _ = writeln!(out, "{note}");
    }
    let _ = out.flush();
}

/// A file-size limit (`ulimit -f`, `LimitFSIZE`) reached by the database must fail that
/// write — the batch is rolled back, callers are told, `/healthz` says so — instead of
/// killing the process, which is what the signal does by default.
fn catch_file_too_large() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let xfsz = SignalKind::from_raw(rustix::process::Signal::XFSZ.as_raw());
        match signal(xfsz) {
            Ok(mut signals) => {
                tokio::spawn(async move {
                    while signals.recv().await.is_some() {
                        tracing::error!("a file reached the file-size limit: writes fail");
                    }
                });
            }
            Err(e) => tracing::warn!("cannot catch SIGXFSZ: {e}"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
