//! Counter actions: open, call, serve, finish, transfer, hold, pause.

use antre_protocol::{
    CallRequest, CounterAction, CounterView, ErrorBody, HoldRequest, OpenRequest, ResumeRequest,
    Ticket, TransferRequest,
};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::access::User;
use super::body::{
    ApiPath, RawBody, idempotency_key, parse_json as body, parse_optional_json as optional,
};
use super::replies::Stored;
use super::{ApiError, Ctx};
use crate::auth::Session;
use crate::engine::{Command, CounterCommand, DomainError};
use crate::writer::Reply;

/// Every counter's live state.
#[utoipa::path(get, path = "/api/v1/counters", tag = "counters",
    responses((status = 200, body = [CounterView])))]
pub async fn list(State(ctx): State<Ctx>) -> Result<Json<Vec<CounterView>>, ApiError> {
    let views = ctx
        .writer
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
    ApiPath(code): ApiPath<String>,
) -> Result<Json<CounterView>, ApiError> {
    ctx.writer
        .read(move |engine, _, _| engine.counter_view(&code))
        .await?
        .map(Json)
        .ok_or_else(|| DomainError::CounterNotFound.into())
}

/// What a counter action answers: the ticket it touched or, for open, close, pause and
/// resume without a ticket, the counter.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum CounterReply {
    Ticket(Ticket),
    Counter(CounterView),
}

/// Acts on a counter. `action` is a `CounterAction` other than `call` and `transfer`
/// (which have their own paths, since each needs a body): `open` takes an optional
/// `OpenRequest` (`take_over` the counter from the officer who has it), `hold` an
/// optional `HoldRequest`, `resume` an optional `ResumeRequest` (with a ticket, takes
/// back a held ticket). Answers the affected ticket, the counter for
/// open/close/pause/resume, or 204 when call-next finds nobody waiting. An officer acts
/// only on a counter they opened. With an `Idempotency-Key`, the same key (from the same
/// user, for the same counter and action) within ten minutes gets the first answer again
/// instead of acting twice.
#[utoipa::path(post, path = "/api/v1/counters/{code}/{action}", tag = "counters",
    params(("code" = String, Path),
        ("action" = String, Path, pattern = "^(open|close|call-next|recall|start|complete|no-show|hold|requeue|pause|resume)$",
            description = "a `CounterAction` other than `call` and `transfer`"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$",
            description = "retry-safe key: 1 to 128 visible ASCII characters")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the affected ticket, or the counter", body = CounterReply),
        (status = 204, description = "call-next: nobody waits"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(ctx): State<Ctx>,
    User(session): User,
    ApiPath((code, action)): ApiPath<(String, String)>,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<Response, ApiError> {
    act_once(ctx, session, code, action, &headers, bytes).await
}

/// Calls a particular ticket (`CallRequest`), in turn or, with a reason that is
/// reported, out of turn. Otherwise as the other counter actions.
#[utoipa::path(post, path = "/api/v1/counters/{code}/call", tag = "counters",
    params(("code" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$",
            description = "retry-safe key: 1 to 128 visible ASCII characters")),
    request_body = CallRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "the called ticket", body = Ticket),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn call(
    State(ctx): State<Ctx>,
    User(session): User,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<Response, ApiError> {
    let action = CounterAction::Call.as_str().to_string();
    act_once(ctx, session, code, action, &headers, bytes).await
}

/// Sends the active ticket to another service (`TransferRequest`), keeping its place.
/// Otherwise as the other counter actions.
#[utoipa::path(post, path = "/api/v1/counters/{code}/transfer", tag = "counters",
    params(("code" = String, Path),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$",
            description = "retry-safe key: 1 to 128 visible ASCII characters")),
    request_body = TransferRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "the transferred ticket", body = Ticket),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(ctx): State<Ctx>,
    User(session): User,
    ApiPath(code): ApiPath<String>,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<Response, ApiError> {
    let action = CounterAction::Transfer.as_str().to_string();
    act_once(ctx, session, code, action, &headers, bytes).await
}

/// Performs an action once per `Idempotency-Key`.
async fn act_once(
    ctx: Ctx,
    session: Session,
    code: String,
    action: String,
    headers: &HeaderMap,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let Some(key) = idempotency_key(headers)? else {
        return perform(ctx, session, code, action, bytes).await;
    };
    let cell = ctx
        .replies
        .cell(format!("{}\n{code}\n{action}\n{key}", session.username));
    // Carried out in its own task: if the client goes away mid-request (the very case
    // keys are for), the action still finishes and its answer is kept for the repeat.
    let task = tokio::spawn(async move {
        let outcome = cell
            .get_or_try_init(|| async {
                let response = perform(ctx, session, code, action, bytes)
                    .await
                    .unwrap_or_else(IntoResponse::into_response);
                let stored = Stored::from_response(response).await;
                if stored.keep() {
                    Ok(stored)
                } else {
                    Err(stored)
                }
            })
            .await;
        match outcome {
            Ok(kept) => kept.clone(),
            Err(unkept) => unkept,
        }
    });
    Ok(task.await.map_err(ApiError::internal)?.into_response())
}

async fn perform(
    ctx: Ctx,
    session: Session,
    code: String,
    action: String,
    bytes: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let site = ctx.writer.site();
    let Some(counter) = site.counter(&code) else {
        return Err(DomainError::CounterNotFound.into());
    };
    let Some(action) = CounterAction::parse(&action) else {
        return Err(ApiError::not_found(
            "unknown_action",
            "Tindakan loket tidak dikenal.",
            "Unknown counter action.",
        ));
    };
    let command = command(action, &bytes)?;
    if matches!(command, CounterCommand::Open { .. }) && !ctx.auth.may_open(&session, counter) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "counter_not_assigned",
            "Anda tidak ditugaskan di loket ini.",
            "You are not assigned to this counter.",
        ));
    }
    let command = Command::Counter {
        counter: code,
        by: ctx.auth.actor(&session),
        command,
    };
    Ok(match ctx.writer.execute(command).await? {
        Reply::Ticket(t) => Json(CounterReply::Ticket(t)).into_response(),
        Reply::Counter(c) => Json(CounterReply::Counter(c)).into_response(),
        Reply::Nothing => StatusCode::NO_CONTENT.into_response(),
        Reply::Booking(_) => return Err(ApiError::internal("a counter action made a booking")),
    })
}

/// The engine's command for an action, with what its body says.
fn command(action: CounterAction, bytes: &[u8]) -> Result<CounterCommand, ApiError> {
    Ok(match action {
        CounterAction::Open => CounterCommand::Open {
            take_over: optional::<OpenRequest>(bytes)?.take_over,
        },
        CounterAction::Close => CounterCommand::Close,
        CounterAction::Pause => CounterCommand::Pause,
        CounterAction::Resume => CounterCommand::Resume {
            ticket: optional::<ResumeRequest>(bytes)?.ticket,
        },
        CounterAction::CallNext => CounterCommand::CallNext,
        CounterAction::Call => {
            let req: CallRequest = body(bytes)?;
            CounterCommand::Call {
                ticket: req.ticket,
                reason: req.reason,
            }
        }
        CounterAction::Recall => CounterCommand::Recall,
        CounterAction::Start => CounterCommand::Start,
        CounterAction::Complete => CounterCommand::Complete,
        CounterAction::NoShow => CounterCommand::NoShow,
        CounterAction::Transfer => {
            let req: TransferRequest = body(bytes)?;
            CounterCommand::Transfer {
                service: req.service,
                note: req.note,
            }
        }
        CounterAction::Hold => CounterCommand::Hold {
            note: optional::<HoldRequest>(bytes)?.note,
        },
        CounterAction::Requeue => CounterCommand::Requeue,
    })
}
