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

/// 200 when the server can serve: its state is loaded and a write can be committed
/// now. 503 `not_ready` with the reason while it cannot (a full disk, say): monitors
/// and the boards' connection check see it at once.
#[utoipa::path(get, path = "/healthz", tag = "site",
    responses((status = 200, description = "ready"), (status = 503, body = antre_protocol::ErrorBody)))]
pub async fn health(State(ctx): State<Ctx>) -> Result<&'static str, ApiError> {
    ctx.writer.ready().await.map_err(|why| {
        ApiError::Other(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            format!(
                "Server tidak dapat menyimpan data: {why} / The server cannot store data: {why}"
            ),
        )
    })?;
    Ok("ok")
}
