//! The HTTP and WebSocket API. Each feature module exposes its `router()`; this module
//! joins them, adds the shared layers and holds the shared context.

pub mod board;
pub mod counters;
pub mod error;
pub mod extract;
pub mod kiosks;
pub mod login;
pub mod openapi;
pub mod pages;
pub mod replies;
pub mod site;
pub mod stream;
pub mod tickets;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::watch;
use tower_http::trace::TraceLayer;

use crate::auth::Auth;
use crate::writer::Queue;
pub use error::ApiError;

/// A kiosk or board checks its token once per server start (a few times when its
/// first requests come at once); thirty a minute is far above that and far below what
/// guessing a token would need.
const DEVICE_CHECKS_PER_MINUTE: NonZeroU32 = NonZeroU32::new(30).expect("not zero");

/// Everything a handler may need, shared by all of them.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub queue: Queue,
    pub auth: Arc<Auth>,
    /// Anonymous ticket requests per client address.
    pub limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Argon2 checks of device tokens not seen before, per client address.
    pub device_checks: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub device_check_lock: Arc<tokio::sync::Mutex<()>>,
    /// The database file, for read-only connections beside the writer.
    pub db: PathBuf,
    /// Turns true when the server shuts down, so streams close cleanly.
    pub shutdown: watch::Receiver<bool>,
    /// Composes the hall's spoken announcements (built-in clips unless the server was
    /// given a folder: [`Ctx::with_clips`]).
    pub announcer: Arc<board::Announcer>,
    /// Kiosks' printer status and what printed tickets need from the site config.
    pub kiosks: Arc<kiosks::Registry>,
    /// First answers of counter actions sent with an `Idempotency-Key`.
    pub replies: Arc<replies::Replies>,
}

impl Ctx {
    pub fn new(
        queue: Queue,
        auth: Arc<Auth>,
        tickets_per_minute: u32,
        db: PathBuf,
        shutdown: watch::Receiver<bool>,
    ) -> Ctx {
        let per_minute = NonZeroU32::new(tickets_per_minute).unwrap_or(NonZeroU32::MIN);
        Ctx {
            queue,
            auth,
            limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            device_checks: Arc::new(RateLimiter::keyed(Quota::per_minute(
                DEVICE_CHECKS_PER_MINUTE,
            ))),
            device_check_lock: Arc::default(),
            db,
            shutdown,
            announcer: Arc::new(board::Announcer::new(antre_board::Clips::builtin())),
            kiosks: Arc::default(),
            replies: Arc::default(),
        }
    }

    /// Announcements from these clips instead of the built-in ones.
    pub fn with_clips(mut self, clips: antre_board::Clips) -> Ctx {
        self.announcer = Arc::new(board::Announcer::new(clips));
        self
    }
}

/// The whole application.
pub fn app(ctx: Ctx) -> Router {
    let api = Router::new()
        .merge(site::router())
        .merge(tickets::router())
        .merge(counters::router())
        .merge(login::router())
        .merge(stream::router())
        .merge(board::router())
        .merge(kiosks::router());
    Router::new()
        .nest(antre_protocol::API_PREFIX, api)
        .route("/healthz", axum::routing::get(site::health))
        .merge(openapi::router())
        .merge(pages::router())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .with_state(ctx)
}

async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "Alamat tidak ditemukan.", "No such path.")
}
