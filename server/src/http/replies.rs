//! Answers kept for repeated counter actions (`Idempotency-Key`).
//!
//! Browsers resend a POST by themselves when a kept-alive connection drops before the
//! answer arrives; for `call-next` that would call a second visitor and complete the
//! first. With a key, the repeat gets the first answer instead. Kept in memory: a
//! repeat comes within seconds, and the clients check the counter's state before
//! retrying across a server restart.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// A counter PC repeats a request within seconds, so ten minutes is ample.
const REPLY_TTL: Duration = Duration::from_secs(600);

/// 4096 answers are hours of a large MPP's actions and a few megabytes at most.
const REPLY_KEYS: usize = 4096;

/// Largest answer kept: a counter with a few held tickets is a few kilobytes.
const MAX_ANSWER: usize = 1024 * 1024;

/// An answer as sent: status and body.
#[derive(Debug, Clone)]
pub struct Stored {
    status: StatusCode,
    body: Bytes,
}

impl Stored {
    pub async fn from_response(response: Response) -> Stored {
        let status = response.status();
        match axum::body::to_bytes(response.into_body(), MAX_ANSWER).await {
            Ok(body) => Stored { status, body },
            Err(e) => Stored::from_error(ApiError::internal(e)).await,
        }
    }

    async fn from_error(error: ApiError) -> Stored {
        let response = error.into_response();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), MAX_ANSWER)
            .await
            .unwrap_or_default();
        Stored { status, body }
    }

    /// Whether a repeat should get this answer again; a server-side failure saved
    /// nothing, so a repeat must try again instead.
    pub fn keep(&self) -> bool {
        !self.status.is_server_error()
    }
}

impl IntoResponse for Stored {
    fn into_response(self) -> Response {
        if self.body.is_empty() {
            return self.status.into_response();
        }
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            self.body,
        )
            .into_response()
    }
}

/// The first answer of every recent key; the cell is shared by concurrent repeats, so
/// a repeat arriving while the first is still running waits for its answer.
pub type Cell = Arc<tokio::sync::OnceCell<Stored>>;

#[derive(Debug, Default)]
pub struct Replies {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    by_key: HashMap<String, (Instant, Cell)>,
    order: VecDeque<String>,
}

impl Replies {
    /// The cell for `key`, new or kept; expired and surplus keys are forgotten first.
    pub fn cell(&self, key: String) -> Cell {
        let mut inner = self.inner.lock().expect("not poisoned");
        let now = Instant::now();
        while let Some(oldest) = inner.order.front() {
            let expired = inner
                .by_key
                .get(oldest)
                .is_none_or(|(at, _)| now.duration_since(*at) > REPLY_TTL);
            if !expired && inner.order.len() <= REPLY_KEYS {
                break;
            }
            let oldest = inner.order.pop_front().expect("not empty");
            inner.by_key.remove(&oldest);
        }
        if let Some((_, cell)) = inner.by_key.get(&key) {
            return cell.clone();
        }
        let cell = Cell::default();
        inner.by_key.insert(key.clone(), (now, cell.clone()));
        inner.order.push_back(key);
        cell
    }
}
