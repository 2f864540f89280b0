//! Accepting connections: the server's own loop over the listening socket, so that
//! what a client on the LAN can hold is bounded — how many connections, how long one
//! may sit without sending a request, how long the server waits for connections to
//! finish when it stops.
//!
//! The MPP's LAN is shared with hundreds of visitors' phones; a broken or hostile one
//! must not be able to exhaust file descriptors or keep the process from stopping.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// When the server stops, connections get this long to finish what they are doing;
/// then it exits anyway. A request takes milliseconds, so only a stuck or hostile client
/// is cut off. Streams are closed at once (their clients resume with `since`).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// After accepting fails (descriptors exhausted, say), wait this long before trying
/// again instead of spinning.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Held for as long as a connection is open, including a WebSocket it was upgraded to:
/// the stream handler keeps a clone (found in the request's extensions) for the life
/// of the socket.
#[derive(Debug, Clone)]
pub struct ConnectionSlot(#[allow(dead_code)] Arc<OwnedSemaphorePermit>);

/// What one client may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once; more wait in the kernel's backlog (and the first time
    /// the limit is reached it says so in the log).
    pub max_connections: usize,
    /// A request's headers must arrive within this, and a kept-alive connection that
    /// sends no new request is closed after it (`[limits] header_timeout_s`).
    pub header_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` completes, within `limits`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let max_connections = limits.max_connections;
    let slots = Arc::new(Semaphore::new(max_connections));
    let (stopping_tx, stopping) = tokio::sync::watch::channel(false);
    let at_limit = Arc::new(AtomicBool::new(false));
    tokio::pin!(shutdown);
    loop {
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                if !at_limit.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        max_connections,
                        "connection limit reached: new connections wait until one closes \
                         ([limits] max_connections)"
                    );
                }
                tokio::select! {
                    slot = slots.clone().acquire_owned() => slot.expect("never closed"),
                    () = &mut shutdown => break,
                }
            }
        };
        let (tcp, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(ACCEPT_RETRY).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if slots.available_permits() > max_connections / 2 {
            at_limit.store(false, Ordering::Relaxed);
        }
        // Calls are small messages that must leave at once: no Nagle delay.
        let _ = tcp.set_nodelay(true);
        let slot = ConnectionSlot(Arc::new(slot));
        let app = app.clone();
        let service = tower::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(addr));
            request.extensions_mut().insert(slot.clone());
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service))
            .with_upgrades();
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                _ = async { stopping.wait_for(|stop| *stop).await.map(|_| ()) } => {
                    // Finish the request in flight, then close.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!(%addr, "connection ended: {e}");
            }
        });
    }
    drop(listener);
    let _ = stopping_tx.send(true);
    // Every connection gives its slot back when it ends.
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            open = max_connections - slots.available_permits(),
            "connections still open after {SHUTDOWN_GRACE:?}: stopping anyway"
        );
    }
}
