//! The HTTP and WebSocket API and the pages. Every route is listed in [`routes`]; each
//! feature module holds its handlers, [`access`] says who may call them, [`body`] reads
//! what they are sent and [`error`] is the one error type. This module holds the
//! context every handler shares.

pub mod access;
pub mod admin;
pub mod audit;
pub mod board;
pub mod body;
pub mod booking;
pub mod counters;
pub mod error;
pub mod gate;
pub mod kiosks;
pub mod login;
pub mod openapi;
pub mod pages;
pub mod replies;
pub mod reports;
pub mod routes;
pub mod site;
pub mod stream;
pub mod surveys;
pub mod tickets;
pub mod upgrade;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::watch;

use crate::auth::Auth;
use crate::devices::Devices;
use crate::writer::Writer;
pub use error::ApiError;
pub use routes::app;

/// A kiosk or board checks its token once per server start (a few times when its
/// first requests come at once); thirty a minute is far above that and far below what
/// guessing a token would need.
const DEVICE_CHECKS_PER_MINUTE: NonZeroU32 = NonZeroU32::new(30).expect("not zero");

/// Everything a handler may need, shared by all of them. Every request's extractors
/// take a copy: it is one reference count.
#[derive(Debug, Clone)]
pub struct Ctx(Arc<Shared>);

impl std::ops::Deref for Ctx {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`Ctx`] holds.
#[derive(Debug, Clone)]
pub struct Shared {
    pub writer: Writer,
    pub auth: Arc<Auth>,
    /// Anonymous ticket requests per client address.
    pub limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Argon2 checks of device tokens not seen before, per client address.
    pub device_checks: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// The database file, for read-only connections beside the writer.
    pub db: PathBuf,
    /// Turns true when the server shuts down, so streams close cleanly.
    pub shutdown: watch::Receiver<bool>,
    /// Composes the hall's spoken announcements (built-in clips unless the server was
    /// given a folder: [`Ctx::with_clips`]).
    pub announcer: Arc<board::Announcer>,
    /// Kiosks' printer status and the reprints waiting for them.
    pub devices: Arc<Devices>,
    /// First answers of counter actions sent with an `Idempotency-Key`.
    pub replies: Arc<replies::Replies>,
    /// How long a request body may take to arrive (`[limits] body_timeout_s`).
    pub body_timeout: std::time::Duration,
    /// Reports and the audit trail: one heavy read at a time, the chain's last check.
    pub reports: Arc<reports::Reports>,
    /// The key of the NIK's keyed hash (`nik.key` in the data directory).
    pub nik_key: Arc<[u8; 32]>,
}

impl Ctx {
    pub fn new(
        writer: Writer,
        auth: Arc<Auth>,
        devices: Arc<Devices>,
        tickets_per_minute: u32,
        body_timeout: std::time::Duration,
        db: PathBuf,
        shutdown: watch::Receiver<bool>,
    ) -> Ctx {
        // A key of this process only, until the data directory's is given
        // ([`Ctx::with_nik_key`]).
        let mut nik_key = [0u8; 32];
        getrandom::fill(&mut nik_key).expect("the OS has randomness");
        let per_minute = NonZeroU32::new(tickets_per_minute).unwrap_or(NonZeroU32::MIN);
        Ctx(Arc::new(Shared {
            writer,
            auth,
            limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            device_checks: Arc::new(RateLimiter::keyed(Quota::per_minute(
                DEVICE_CHECKS_PER_MINUTE,
            ))),
            db,
            shutdown,
            announcer: Arc::new(board::Announcer::new(antre_board::Clips::builtin())),
            devices,
            replies: Arc::default(),
            body_timeout,
            reports: Arc::default(),
            nik_key: Arc::new(nik_key),
        }))
    }

    /// The NIK's keyed hash under the data directory's key (`nik.key`), which outlives
    /// restarts.
    pub fn with_nik_key(mut self, key: [u8; 32]) -> Ctx {
        Arc::make_mut(&mut self.0).nik_key = Arc::new(key);
        self
    }

    /// Announcements from these clips instead of the built-in ones.
    pub fn with_clips(mut self, clips: antre_board::Clips) -> Ctx {
        Arc::make_mut(&mut self.0).announcer = Arc::new(board::Announcer::new(clips));
        self
    }
}
