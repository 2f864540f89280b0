//! Every route of the server, in one place: the API (each handler carries its OpenAPI
//! annotation, so the document served at `/api/openapi.json` is built from this same
//! list and cannot drift from it) and the pages.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    ApiError, Ctx, admin, audit, board, body, booking, counters, gate, kiosks, login, openapi,
    pages, reports, site, surveys,
};
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
        .routes(routes!(counters::call))
        .routes(routes!(counters::transfer))
        .routes(routes!(login::login))
        .routes(routes!(login::logout))
        .routes(routes!(login::me))
        .routes(routes!(login::change_password))
        .routes(routes!(stream::stream))
        .routes(routes!(board::announcement))
        .routes(routes!(board::clip))
        .routes(routes!(board::boards))
        .routes(routes!(board::running_text, board::set_running_text))
        .routes(routes!(kiosks::list))
        .routes(routes!(kiosks::one))
        .routes(routes!(kiosks::report))
        .routes(routes!(kiosks::reprint))
        .routes(routes!(kiosks::job))
        .routes(routes!(kiosks::qr))
        .routes(routes!(kiosks::test_print))
        .routes(routes!(admin::config, admin::import))
        .routes(routes!(admin::put_site))
        .routes(routes!(admin::put_notify))
        .routes(routes!(admin::outbox))
        .routes(routes!(admin::retry_outbox))
        .routes(routes!(admin::put_holiday, admin::remove_holiday))
        .routes(routes!(admin::put_item, admin::remove_item))
        .routes(routes!(admin::put_user, admin::remove_user))
        .routes(routes!(surveys::answer))
        .routes(routes!(surveys::tablet_visit))
        .routes(routes!(reports::questions))
        .routes(routes!(reports::public_skm))
        .routes(routes!(reports::summary))
        .routes(routes!(reports::heatmap))
        .routes(routes!(reports::officers))
        .routes(routes!(reports::bookings))
        .routes(routes!(reports::recap))
        .routes(routes!(reports::weekly))
        .routes(routes!(reports::skm))
        .routes(routes!(reports::respondents))
        .routes(routes!(audit::search))
        .routes(routes!(audit::journey))
        .routes(routes!(audit::chain))
        .routes(routes!(booking::services))
        .routes(routes!(booking::slots))
        .routes(routes!(booking::list, booking::create))
        .routes(routes!(booking::one, booking::cancel, booking::reschedule))
        .routes(routes!(booking::qr))
        .routes(routes!(booking::check_in))
        .split_for_parts();
    let mut doc = doc;
    openapi::complete(&mut doc);
    let doc = std::sync::Arc::new(doc);
    let app = api
        .route(
            "/api/openapi.json",
            get(move || async move { axum::Json(doc.as_ref().clone()) }),
        )
        .route("/", get(pages::index))
        .route("/kiosk/{code}", get(|| pages::page(antre_kiosk::asset)))
        .route("/t/{token}", get(pages::track))
        .route("/board", get(|| pages::page(antre_board::asset)))
        .route("/devices", get(|| pages::page(pages::devices_asset)))
        .route("/board/{code}", get(|| pages::page(antre_board::asset)))
        .route("/counter", get(|| pages::page(antre_counter::asset)))
        .route("/admin", get(|| pages::page(pages::admin_asset)))
        .route("/reports", get(|| pages::page(pages::reports_asset)))
        .route("/audit", get(|| pages::page(pages::audit_asset)))
        .route("/skm", get(|| pages::page(pages::skm_asset)))
        .route("/booking", get(|| pages::page(pages::booking_asset)))
        .route("/booking/{code}", get(|| pages::page(pages::booking_asset)))
        .route(
            "/survey/{counter}",
            get(|| pages::page(pages::survey_asset)),
        )
        .route("/assets/{file}", get(pages::shared_file))
        .route("/assets/{app}/{file}", get(pages::asset));
    hardened(app).with_state(ctx)
}

/// What every answer of this server has, whatever serves it (the API and pages, or the
/// first start's setup page): JSON errors for unknown paths and methods, the body limit
/// and content-type gate, the security headers, request tracing.
pub fn hardened<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let router = router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body::BODY_LIMIT))
        .layer(axum::middleware::from_fn(gate::gate));
    let router = SECURITY_HEADERS
        .into_iter()
        .fold(router, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::if_not_present(
                name,
                HeaderValue::from_static(value),
            ))
        });
    router.layer(TraceLayer::new_for_http())
}

/// Headers every answer carries: pages load only their own scripts (no inline ones),
/// styles, images and sounds and talk only to this server; no other site may frame them
/// (the counter page in another site's hidden frame would take clicks); no answer is
/// sniffed as another type; no address (a phone page's holds its ticket's secret)
/// leaks to another site.
const SECURITY_HEADERS: [(header::HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
    ),
    (header::X_FRAME_OPTIONS, "SAMEORIGIN"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
];

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Metode ini tidak berlaku untuk alamat ini.",
        "That method does not apply to this path.",
    )
}

async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "Alamat tidak ditemukan.", "No such path.")
}
