//! The OpenAPI document, generated from the handlers' annotations.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{Ctx, board, counters, kiosks, login, site, stream, tickets};

#[derive(OpenApi)]
#[openapi(
    info(title = "Antre API", description = "Queue and counter ticketing for Mal Pelayanan Publik. \
        Errors are `{\"error\": {\"code\", \"message\"}}`; see docs/api.md."),
    paths(
        site::health, site::site, site::queues,
        tickets::issue, tickets::track, tickets::cancel_own, tickets::ticket,
        tickets::cancel, tickets::reinstate, tickets::waiting,
        counters::list, counters::one, counters::act,
        login::login, login::me,
        stream::stream,
        board::announcement, board::running_text, board::set_running_text,
        kiosks::list, kiosks::one, kiosks::report, kiosks::reprint, kiosks::job, kiosks::qr,
    ),
    components(schemas(
        antre_protocol::Event, antre_protocol::EventKind, antre_protocol::EventDetail,
        antre_protocol::CallRequest, antre_protocol::TransferRequest,
        antre_protocol::HoldRequest, antre_protocol::ResumeRequest,
    )),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> Router<Ctx> {
    Router::new().route(
        "/api/openapi.json",
        get(|| async { Json(ApiDoc::openapi()) }),
    )
}
