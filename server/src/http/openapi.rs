//! The OpenAPI document's frame: title, shared schemas and the bearer scheme. Its paths
//! come from the route list (`super::routes`), one annotation per handler.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Antre API", description = "Queue and counter ticketing for Mal Pelayanan Publik. \
        Errors are `{\"error\": {\"code\", \"message\"}}`; see docs/api.md."),
    components(schemas(
        antre_protocol::Event, antre_protocol::EventKind, antre_protocol::EventDetail,
        antre_protocol::CallRequest, antre_protocol::TransferRequest,
        antre_protocol::HoldRequest, antre_protocol::ResumeRequest,
        antre_protocol::CounterAction, antre_protocol::ItemChange, antre_protocol::OpenRequest,
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
