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
        // A booking's own secret, given once when it is made: `Bearer MANAGE_TOKEN`.
        components.add_security_scheme(
            "manage_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Adds to every operation the error answers every route of its kind can give, so the
/// document declares each status a route answers: a body can be malformed, late, too
/// large or not JSON; path and query values can be of the wrong kind; a route for
/// users can meet no token or the wrong one; any route can meet failing storage or a
/// stopping server.
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_body = operation.request_body.is_some();
            let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let responses = &mut operation.responses.responses;
            let mut add = |status: &str, why: &str| {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| error_response(why).into());
            };
            if has_body {
                add("400", "the body is not valid JSON, or not of this shape");
                add("408", "the body did not arrive in time (`body_timeout`)");
                add("413", "the body is over 16 KiB (`payload_too_large`)");
                add("415", "the body is not JSON (`unsupported_media_type`)");
            }
            if has_params {
                add("400", "a path or query value of the wrong kind");
            }
            if secured {
                add("401", "no token, or one that is not valid (`unauthorized`)");
                add("403", "a token that may not do this (`forbidden`)");
                add(
                    "429",
                    "too many token checks: retry after `Retry-After` seconds",
                );
            }
            add(
                "503",
                "storage failed (nothing was saved) or the server is stopping",
            );
        }
    }
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}
