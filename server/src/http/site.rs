//! The site's description, health and queue figures.

use antre_protocol::{QueueInfo, SiteInfo};
use axum::Json;
use axum::extract::State;

use super::{ApiError, Ctx};

/// The MPP: agencies, services, counters, zones, kiosks and boards.
#[utoipa::path(get, path = "/api/v1/site", tag = "site",
    responses((status = 200, body = SiteInfo)))]
pub async fn site(State(ctx): State<Ctx>) -> Json<SiteInfo> {
    Json(ctx.writer.site().info())
}

/// Waiting counts and estimated waits of every service.
#[utoipa::path(get, path = "/api/v1/queues", tag = "site",
    responses((status = 200, body = [QueueInfo])))]
pub async fn queues(State(ctx): State<Ctx>) -> Result<Json<Vec<QueueInfo>>, ApiError> {
    Ok(Json(
        ctx.writer.read(|engine, _, now| engine.queues(now)).await?,
    ))
}

/// Answers 200 once the writer answers: the server is up and its state loaded.
#[utoipa::path(get, path = "/healthz", tag = "site", responses((status = 200)))]
pub async fn health(State(ctx): State<Ctx>) -> Result<&'static str, ApiError> {
    ctx.writer.read(|_, _, _| ()).await?;
    Ok("ok")
}
