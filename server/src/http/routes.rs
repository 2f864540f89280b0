//! Every route of the server, in one place: the API (each handler carries its OpenAPI
//! annotation, so the document served at `/api/openapi.json` is built from this same
//! list and cannot drift from it) and the pages.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, Ctx, board, body, counters, kiosks, login, openapi, pages, site};
use super::{stream, tickets};

/// The whole application: API, OpenAPI document and pages, with the shared layers.
pub fn app(ctx: Ctx) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(site::health))
        .routes(routes!(site::site))
        .routes(routes!(site::queues))
        .routes(routes!(tickets::issue))
        .routes(routes!(tickets::ticket))
        .routes(routes!(tickets::by_number))
        .routes(routes!(tickets::cancel))
        .routes(routes!(tickets::reinstate))
        .routes(routes!(tickets::track))
        .routes(routes!(tickets::cancel_own))
        .routes(routes!(tickets::waiting))
        .routes(routes!(counters::list))
        .routes(routes!(counters::one))
        .routes(routes!(counters::act))
        .routes(routes!(login::login))
        .routes(routes!(login::me))
        .routes(routes!(stream::stream))
        .routes(routes!(board::announcement))
        .routes(routes!(board::clip))
        .routes(routes!(board::running_text, board::set_running_text))
        .routes(routes!(kiosks::list))
        .routes(routes!(kiosks::one))
        .routes(routes!(kiosks::report))
        .routes(routes!(kiosks::reprint))
        .routes(routes!(kiosks::job))
        .routes(routes!(kiosks::qr))
        .split_for_parts();
    let doc = std::sync::Arc::new(doc);
    api.route(
        "/api/openapi.json",
        get(move || async move { axum::Json(doc.as_ref().clone()) }),
    )
    .route("/", get(pages::index))
    .route("/kiosk/{code}", get(|| pages::page(antre_kiosk::asset)))
    .route("/t/{token}", get(pages::track))
    .route("/board", get(|| pages::page(antre_board::asset)))
    .route("/board/{code}", get(|| pages::page(antre_board::asset)))
    .route("/counter", get(|| pages::page(antre_counter::asset)))
    .route("/assets/antre.js", get(pages::shared_module))
    .route("/assets/{app}/{file}", get(pages::asset))
    .fallback(not_found)
    .layer(DefaultBodyLimit::max(body::BODY_LIMIT))
    .layer(TraceLayer::new_for_http())
    .with_state(ctx)
}

async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "Alamat tidak ditemukan.", "No such path.")
}
