//! Counter actions: open, call, serve, finish, transfer, hold, pause.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use antre_protocol::{
    CallRequest, CounterView, ErrorBody, HoldRequest, ResumeRequest, TransferRequest,
};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::extract::{RawBody, User, parse_json as body, parse_optional_json as optional};
use super::{ApiError, Ctx};
use crate::engine::{Command, CounterAction, DomainError};
use crate::writer::Answered;

pub fn router() -> Router<Ctx> {
    Router::new()
        .route("/counters", get(list))
        .route("/counters/{code}", get(one))
        .route("/counters/{code}/{action}", post(act))
}

/// Every counter's live state.
#[utoipa::path(get, path = "/api/v1/counters", tag = "counters",
    responses((status = 200, body = [CounterView])))]
pub async fn list(State(ctx): State<Ctx>) -> Result<Json<Vec<CounterView>>, ApiError> {
    let views = ctx
        .queue
        .read(|engine, _, _| {
            engine
                .site()
                .counters
                .iter()
                .filter_map(|c| engine.counter_view(&c.code))
                .collect()
        })
        .await?;
    Ok(Json(views))
}

/// One counter's live state.
#[utoipa::path(get, path = "/api/v1/counters/{code}", tag = "counters",
    params(("code" = String, Path)),
    responses((status = 200, body = CounterView), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(ctx): State<Ctx>,
    Path(code): Path<String>,
) -> Result<Json<CounterView>, ApiError> {
    ctx.queue
        .read(move |engine, _, _| engine.counter_view(&code))
        .await?
        .map(Json)
        .ok_or_else(|| DomainError::CounterNotFound.into())
}

/// Longest accepted `Idempotency-Key`, as for tickets: a UUID is 36 characters.
const MAX_IDEMPOTENCY_KEY: usize = 128;

/// Answers kept for repeated requests: a counter PC repeats a request within seconds,
/// so ten minutes is ample; 4096 answers is hours of a large MPP's actions and a few
/// megabytes at most.
const REPLY_TTL: Duration = Duration::from_secs(600);
const REPLY_KEYS: usize = 4096;

/// A stored answer: status and JSON body.
#[derive(Debug, Clone)]
struct Stored {
    status: StatusCode,
    body: axum::body::Bytes,
}

type Cell = Arc<tokio::sync::OnceCell<Stored>>;

/// Answers to counter actions sent with an `Idempotency-Key`, so a request the network
/// repeats gets the first answer instead of acting twice. Browsers resend a POST by
/// themselves when a kept-alive connection drops before the answer arrives; for
/// `call-next` that would call a second visitor and complete the first. Kept in memory:
/// a repeat comes within seconds, and the clients check the counter's state before
/// retrying across a server restart.
#[derive(Debug, Default)]
struct Replies {
    by_key: HashMap<String, (Instant, Cell)>,
    order: VecDeque<String>,
}

static REPLIES: LazyLock<Mutex<Replies>> = LazyLock::new(Mutex::default);

fn reply_cell(key: String) -> Cell {
    let mut replies = REPLIES.lock().expect("not poisoned");
    let now = Instant::now();
    while let Some(oldest) = replies.order.front() {
        let expired = replies
            .by_key
            .get(oldest)
            .is_none_or(|(at, _)| now.duration_since(*at) > REPLY_TTL);
        if !expired && replies.order.len() <= REPLY_KEYS {
            break;
        }
        let oldest = replies.order.pop_front().expect("not empty");
        replies.by_key.remove(&oldest);
    }
    if let Some((_, cell)) = replies.by_key.get(&key) {
        return cell.clone();
    }
    let cell = Cell::default();
    replies.by_key.insert(key.clone(), (now, cell.clone()));
    replies.order.push_back(key);
    cell
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| {
            !k.is_empty()
                && k.len() <= MAX_IDEMPOTENCY_KEY
                && k.chars().all(|c| c.is_ascii_graphic())
        })
        .map(|k| Some(k.to_string()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key harus 1–128 karakter ASCII yang terlihat.",
                "Idempotency-Key must be 1 to 128 visible ASCII characters.",
            )
        })
}

/// Acts on a counter. `action` is one of `open`, `close`, `call-next`, `call`, `recall`,
/// `start`, `complete`, `no-show`, `transfer` (`TransferRequest`), `hold`
/// (`HoldRequest`, optional), `pause`, `resume` (`ResumeRequest`, optional: with a
/// ticket, takes back a held ticket). Answers the affected ticket, the counter for
/// open/close/pause/resume, or 204 when call-next finds nobody waiting. An officer acts
/// only on a counter they opened. With an `Idempotency-Key`, the same key (from the same
/// user, for the same counter and action) within ten minutes gets the first answer
/// again instead of acting twice.
#[utoipa::path(post, path = "/api/v1/counters/{code}/{action}", tag = "counters",
    params(("code" = String, Path), ("action" = String, Path, description = "open, close, call-next, call, recall, start, complete, no-show, transfer, hold, pause, resume"),
        ("Idempotency-Key" = Option<String>, Header, description = "retry-safe key, at most 128 characters")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the affected ticket, or the counter", body = antre_protocol::Ticket),
        (status = 204, description = "call-next: nobody waits"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(ctx): State<Ctx>,
    User(session): User,
    Path((code, action)): Path<(String, String)>,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<Response, ApiError> {
    let Some(key) = idempotency_key(&headers)? else {
        return perform(ctx, session, code, action, bytes).await;
    };
    let cell = reply_cell(format!("{}\n{code}\n{action}\n{key}", session.username));
    // Carried out in its own task: if the client goes away mid-request (the very case
    // keys are for), the action still finishes and its answer is kept for the repeat.
    let task = tokio::spawn(async move {
        cell.get_or_try_init(|| async {
            let response = match perform(ctx, session, code, action, bytes).await {
                Ok(r) => r,
                Err(e) => e.into_response(),
            };
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), super::extract::BODY_LIMIT * 64)
                .await
                .map_err(ApiError::internal)?;
            // A server-side failure saved nothing: let a repeat try again.
            if status.is_server_error() {
                return Err(ApiError::Other(
                    status,
                    "retry",
                    String::from_utf8_lossy(&body).into_owned(),
                ));
            }
            Ok(Stored { status, body })
        })
        .await
        .cloned()
    });
    match task.await.map_err(ApiError::internal)? {
        Ok(s) if s.status == StatusCode::NO_CONTENT => Ok(StatusCode::NO_CONTENT.into_response()),
        Ok(s) => Ok((
            s.status,
            [(header::CONTENT_TYPE, "application/json")],
            s.body.clone(),
        )
            .into_response()),
        Err(ApiError::Other(status, "retry", body)) => {
            Ok((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn perform(
    ctx: Ctx,
    session: crate::auth::Session,
    code: String,
    action: String,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    if ctx.queue.site().counter(&code).is_none() {
        return Err(DomainError::CounterNotFound.into());
    }
    let action = match action.as_str() {
        "open" => CounterAction::Open,
        "close" => CounterAction::Close,
        "pause" => CounterAction::Pause,
        "resume" => CounterAction::Resume {
            ticket: optional::<ResumeRequest>(&bytes)?.ticket,
        },
        "call-next" => CounterAction::CallNext,
        "call" => {
            let req: CallRequest = body(&bytes)?;
            CounterAction::Call {
                ticket: req.ticket,
                reason: req.reason,
            }
        }
        "recall" => CounterAction::Recall,
        "start" => CounterAction::Start,
        "complete" => CounterAction::Complete,
        "no-show" => CounterAction::NoShow,
        "transfer" => {
            let req: TransferRequest = body(&bytes)?;
            CounterAction::Transfer {
                service: req.service,
                note: req.note,
            }
        }
        "hold" => CounterAction::Hold {
            note: optional::<HoldRequest>(&bytes)?.note,
        },
        _ => {
            return Err(ApiError::not_found(
                "unknown_action",
                "Tindakan loket tidak dikenal.",
                "Unknown counter action.",
            ));
        }
    };
    if action == CounterAction::Open && !ctx.auth.may_open(&session, &code) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "counter_not_assigned",
            "Anda tidak ditugaskan di loket ini.",
            "You are not assigned to this counter.",
        ));
    }
    let command = Command::Counter {
        counter: code,
        by: session.actor(),
        action,
    };
    Ok(match ctx.queue.execute(command).await? {
        Answered::Ticket(t) => Json(t).into_response(),
        Answered::Counter(c) => Json(c).into_response(),
        Answered::Nobody => StatusCode::NO_CONTENT.into_response(),
    })
}
