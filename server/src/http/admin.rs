//! The manager's configuration API (`/api/v1/admin/…`): read the whole configuration,
//! put or remove one item, import a whole file. Admins only.
//!
//! Every change is checked (`config_edit`), then applied through the writer as one
//! `site.changed` event with the configuration's next version (`config_source::apply`).
//! A change sent with `If-Match: "N"` is refused with 409 `version_conflict` when the
//! configuration is no longer at version N, so two admins never overwrite each other
//! unseen. Answers carry the new version in `ETag`.

use std::sync::Arc;

use antre_protocol::{ErrorBody, ItemChange};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::access::{Admin, Supervisor};
use super::body::{ApiPath, ApiQuery, JsonBody, LargeJsonBody};
use super::{ApiError, Ctx};
use crate::auth::{Session, hash_password, random_hex};
use crate::config::SiteConfig;
use crate::config_edit::{self, EditError, Kind, MAX_PASSWORD, MIN_PASSWORD, UserEdit};
use crate::config_source;
use crate::engine::Site;

/// The configuration and its version.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConfigView {
    pub version: u64,
    /// Every field of the TOML file, without password and token hashes.
    #[schema(value_type = Object)]
    pub config: Value,
}

/// What a put answers: the item as stored, and a device's new token, once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemAnswer {
    pub version: u64,
    #[schema(value_type = Object)]
    pub item: Value,
    /// A device's token: given when the device is made or its token rotated, and never
    /// again (only its hash is kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// A whole configuration to import, as TOML (up to 1 MiB).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    pub toml: String,
}

/// What an import changed (or, with `dry_run`, would change).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportAnswer {
    pub version: u64,
    pub changes: Vec<ItemChange>,
    pub applied: bool,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Only say what would change.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PutParams {
    /// A kiosk or board: make it a new token (shown once in the answer).
    #[serde(default)]
    pub rotate_token: bool,
}

/// The whole configuration.
#[utoipa::path(get, path = "/api/v1/admin/config", tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = ConfigView)))]
pub async fn config(State(ctx): State<Ctx>, _: Admin) -> Result<Response, ApiError> {
    let (site, config) = current(&ctx)?;
    let view = ConfigView {
        version: site.version,
        config: config_edit::public_view(&config),
    };
    Ok(with_version(site.version, Json(view)))
}

/// Creates or replaces an agency, service, counter, zone, kiosk or board. The body has
/// the fields of its TOML entry. A new kiosk or board gets a token, shown once; so does
/// one put with `rotate_token=true`.
#[utoipa::path(put, path = "/api/v1/admin/{kind}/{code}", tag = "admin",
    params(("kind" = String, Path, pattern = "^(agencies|services|counters|zones|kiosks|boards)$"),
        ("code" = String, Path), PutParams,
        ("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    request_body(content = Object, description = "the fields of the item's TOML entry"),
    security(("bearer" = [])),
    responses((status = 200, body = ItemAnswer), (status = 201, body = ItemAnswer),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_item(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    ApiPath((kind, code)): ApiPath<(String, String)>,
    ApiQuery(params): ApiQuery<PutParams>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let (_, config) = current(&ctx)?;
    let exists = match kind {
        Kind::Kiosk => config.kiosks.iter().any(|k| k.code == code),
        Kind::Board => config.boards.iter().any(|b| b.code == code),
        _ => true,
    };
    let device = matches!(kind, Kind::Kiosk | Kind::Board);
    let token = (device && (params.rotate_token || !exists)).then(|| random_hex(16));
    let token_hash = match &token {
        Some(token) => Some(hash_off_thread(token.clone()).await?),
        None => None,
    };
    let (version, changed, created) = change(&ctx, &session, &headers, |config| {
        config_edit::put(config, kind, &code, body, token_hash)
    })
    .await?;
    let item = config_edit::public_item(&changed, kind.plural(), "code", &code).expect("just put");
    Ok(put_answer(version, created, item, token))
}

/// Removes an item. Refused while a service has tickets that may still be served or a
/// counter is open (409, saying what to do first), and while something refers to it
/// (422, naming it).
#[utoipa::path(delete, path = "/api/v1/admin/{kind}/{code}", tag = "admin",
    params(("kind" = String, Path, pattern = "^(agencies|services|counters|zones|kiosks|boards)$"),
        ("code" = String, Path),
        ("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    security(("bearer" = [])),
    responses((status = 200, body = ConfigView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn remove_item(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    ApiPath((kind, code)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let (version, changed, ()) = change(&ctx, &session, &headers, |config| {
        Ok((config_edit::remove(config, kind, &code)?, ()))
    })
    .await?;
    Ok(removed_answer(version, &changed))
}

/// Closes the MPP, or the services listed, on a day (a national holiday, cuti bersama,
/// a local closure): kiosks say so and give no tickets for them that day.
#[utoipa::path(put, path = "/api/v1/admin/holidays/{date}", tag = "admin",
    params(("date" = String, Path, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        ("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    request_body(content = Object, description = "the holiday: name, name_en, services; its date is the path's (the body may leave it out)"),
    security(("bearer" = [])),
    responses((status = 200, body = ItemAnswer), (status = 201, body = ItemAnswer),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_holiday(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    ApiPath(date): ApiPath<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let (version, changed, created) = change(&ctx, &session, &headers, |config| {
        config_edit::put_holiday(config, &date, body)
    })
    .await?;
    let item = config_edit::public_item(&changed, "holidays", "date", &date).expect("just put");
    Ok(put_answer(version, created, item, None))
}

/// Opens the day again.
#[utoipa::path(delete, path = "/api/v1/admin/holidays/{date}", tag = "admin",
    params(("date" = String, Path, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        ("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    security(("bearer" = [])),
    responses((status = 200, body = ConfigView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn remove_holiday(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    ApiPath(date): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (version, changed, ()) = change(&ctx, &session, &headers, |config| {
        Ok((config_edit::remove_holiday(config, &date)?, ()))
    })
    .await?;
    Ok(removed_answer(version, &changed))
}

/// Replaces the site's settings (the `[site]` section: name, time zone, default hours,
/// grace periods, running text, ticket footer …). The site's code stays.
#[utoipa::path(put, path = "/api/v1/admin/site", tag = "admin",
    params(("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    request_body(content = Object, description = "the fields of the TOML's [site] section"),
    security(("bearer" = [])),
    responses((status = 200, body = ItemAnswer), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn put_site(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let (version, changed, ()) = change(&ctx, &session, &headers, |config| {
        Ok((config_edit::put_site(config, body)?, ()))
    })
    .await?;
    let item = config_edit::public_view(&changed)["site"].clone();
    Ok(put_answer(version, false, item, None))
}

/// Replaces the notifications' settings (the `[notify]` section: when to send, the
/// channels, the texts). A channel's `secret` and `token` are write-only: left out,
/// the channel keeps its own.
#[utoipa::path(put, path = "/api/v1/admin/notify", tag = "admin",
    params(("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    request_body(content = Object, description = "the fields of the TOML's [notify] section"),
    security(("bearer" = [])),
    responses((status = 200, body = ItemAnswer), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn put_notify(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, ApiError> {
    let (version, changed, ()) = change(&ctx, &session, &headers, |config| {
        Ok((config_edit::put_notify(config, body)?, ()))
    })
    .await?;
    let item = config_edit::public_view(&changed)["notify"].clone();
    Ok(put_answer(version, false, item, None))
}

/// The notifications' outbox: messages waiting, sent and failed, per channel, with the
/// last error and the latest failures. For the manager's page.
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = crate::store::outbox::OutboxStats),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn outbox(
    State(ctx): State<Ctx>,
    _: Supervisor,
) -> Result<Json<crate::store::outbox::OutboxStats>, ApiError> {
    let config = ctx.writer.site().notify.clone();
    let stats =
        super::reports::read(&ctx, move |conn, _| crate::notify::stats(conn, &config)).await?;
    Ok(Json(stats))
}

/// Puts every failed message back in line and makes the waiting ones due: all are
/// tried again at once (after the gateway's problem was mended). Answers how many
/// failed ones were put back.
#[utoipa::path(post, path = "/api/v1/admin/outbox/retry", tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = RetryAnswer),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn retry_outbox(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
) -> Result<Json<RetryAnswer>, ApiError> {
    let db = ctx.db.clone();
    let retried = tokio::task::spawn_blocking(move || {
        crate::store::outbox::retry_failed(&crate::store::outbox::open(&db)?)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    tracing::info!(by = %session.username, retried, "failed notifications put back in line");
    Ok(Json(RetryAnswer { retried }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RetryAnswer {
    /// Messages put back in line.
    pub retried: usize,
}

/// Creates or replaces a user. `password` sets or resets the password (10 to 128
/// characters); a new user needs one. A disabled user's tokens stop working at once.
#[utoipa::path(put, path = "/api/v1/admin/users/{username}", tag = "admin",
    params(("username" = String, Path),
        ("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    request_body(content = Object, description = "role, counters, disabled, password (write-only)"),
    security(("bearer" = [])),
    responses((status = 200, body = ItemAnswer), (status = 201, body = ItemAnswer),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_user(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    ApiPath(username): ApiPath<String>,
    headers: HeaderMap,
    JsonBody(edit): JsonBody<UserEdit>,
) -> Result<Response, ApiError> {
    let password_hash = match edit.password.clone() {
        Some(password) => {
            config_edit::check_password(&password).map_err(edit_error)?;
            Some(hash_off_thread(password).await?)
        }
        None => None,
    };
    let (version, changed, created) = change(&ctx, &session, &headers, |config| {
        config_edit::put_user(config, &username, edit, password_hash)
    })
    .await?;
    let item =
        config_edit::public_item(&changed, "users", "username", &username).expect("just put");
    Ok(put_answer(version, created, item, None))
}

/// Removes a user; their tokens stop working at once.
#[utoipa::path(delete, path = "/api/v1/admin/users/{username}", tag = "admin",
    params(("username" = String, Path),
        ("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    security(("bearer" = [])),
    responses((status = 200, body = ConfigView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn remove_user(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    ApiPath(username): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (version, changed, ()) = change(&ctx, &session, &headers, |config| {
        Ok((config_edit::remove_user(config, &username)?, ()))
    })
    .await?;
    Ok(removed_answer(version, &changed))
}

/// Imports a whole configuration (the TOML of `antre config export`, edited) as one
/// change: what differs is applied, the rest stays. With `dry_run=true`, only says what
/// would change.
#[utoipa::path(put, path = "/api/v1/admin/config", tag = "admin",
    params(ImportParams,
        ("If-Match" = Option<String>, Header, pattern = "^(W/)?\"?[0-9]{1,19}\"?$", description = "the version the change was made against")),
    request_body = ImportRequest, security(("bearer" = [])),
    responses((status = 200, body = ImportAnswer), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn import(
    State(ctx): State<Ctx>,
    Admin(session): Admin,
    ApiQuery(params): ApiQuery<ImportParams>,
    headers: HeaderMap,
    LargeJsonBody(req): LargeJsonBody<ImportRequest>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let (site, _) = current(&ctx)?;
    let imported = SiteConfig::from_toml(&req.toml).map_err(|e| {
        ApiError::Other(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_config",
            format!("Konfigurasi tidak sah: {e:#} / Invalid configuration: {e:#}"),
        )
    })?;
    let imported_site = imported.site().map_err(|e| {
        ApiError::Other(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_config",
            format!("Konfigurasi tidak sah: {e:#} / Invalid configuration: {e:#}"),
        )
    })?;
    let changes = crate::engine::diff(&site, &imported_site);
    if params.dry_run || changes.is_empty() {
        let answer = ImportAnswer {
            version: site.version,
            changes,
            applied: false,
        };
        return Ok(with_version(site.version, Json(answer)));
    }
    // Said when applied, not in a dry run, which shows what the file would do.
    config_edit::an_admin_remains(&imported).map_err(edit_error)?;
    let version = apply(
        &ctx,
        &imported,
        &session.username,
        expected.or(Some(site.version)),
    )
    .await?;
    let answer = ImportAnswer {
        version,
        changes,
        applied: true,
    };
    Ok(with_version(version, Json(answer)))
}

/// One change by an admin: the configuration as it is now, changed by `edit`, applied
/// against the version the client saw (`If-Match`) or, without one, the version read
/// here, so a change made meanwhile is never overwritten unseen. Gives the new version,
/// the changed configuration and what `edit` said.
async fn change<T>(
    ctx: &Ctx,
    by: &Session,
    headers: &HeaderMap,
    edit: impl FnOnce(&SiteConfig) -> Result<(SiteConfig, T), EditError>,
) -> Result<(u64, SiteConfig, T), ApiError> {
    let expected = if_match(headers)?;
    let (site, config) = current(ctx)?;
    let (changed, said) = edit(&config).map_err(edit_error)?;
    let version = apply(ctx, &changed, &by.username, expected.or(Some(site.version))).await?;
    Ok((version, changed, said))
}

/// The answer to a put: 201 for a new item, 200 for a replaced one.
fn put_answer(version: u64, created: bool, item: Value, token: Option<String>) -> Response {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let answer = ItemAnswer {
        version,
        item,
        token,
    };
    with_version(version, (status, Json(answer)))
}

/// The answer to a removal: the configuration without it.
fn removed_answer(version: u64, changed: &SiteConfig) -> Response {
    let view = ConfigView {
        version,
        config: config_edit::public_view(changed),
    };
    with_version(version, Json(view))
}

/// The site as committed and the configuration it was made from.
fn current(ctx: &Ctx) -> Result<(Arc<Site>, SiteConfig), ApiError> {
    let site = ctx.writer.site();
    let config = config_source::in_use(&site).map_err(ApiError::internal)?;
    Ok((site, config))
}

/// Applies a checked configuration; the new version.
async fn apply(
    ctx: &Ctx,
    config: &SiteConfig,
    by: &str,
    expected: Option<u64>,
) -> Result<u64, ApiError> {
    let site = config
        .site()
        .map_err(|e| edit_error(EditError::Invalid(format!("{e:#}"))))?;
    let by = Some(by.to_string());
    let site = config_source::apply(&ctx.writer, &ctx.auth, config, site, by, expected).await?;
    Ok(site.version)
}

/// `If-Match: "N"` (or `N`, or a weak `W/"N"`).
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_if_match",
                "If-Match harus nomor versi konfigurasi, mis. \"12\".",
                "If-Match must be a configuration version, e.g. \"12\".",
            )
        })
}

fn with_version(version: u64, answer: impl IntoResponse) -> Response {
    let mut response = answer.into_response();
    let etag = HeaderValue::from_str(&format!("\"{version}\"")).expect("digits");
    response.headers_mut().insert(header::ETAG, etag);
    response
}

fn kind_of(kind: &str) -> Result<Kind, ApiError> {
    Kind::parse(kind)
        .ok_or_else(|| ApiError::not_found("not_found", "Alamat tidak ditemukan.", "No such path."))
}

/// The answer to a refused edit.
pub fn edit_error(e: EditError) -> ApiError {
    match e {
        EditError::Body(why) => ApiError::Other(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("Isi permintaan tidak sesuai: {why} / The request body does not fit: {why}"),
        ),
        EditError::PrefixTaken { prefix, service } => ApiError::Other(
            StatusCode::CONFLICT,
            "prefix_taken",
            format!(
                "Awalan {prefix} sudah dipakai layanan {service}. / \
                 Prefix {prefix} is already used by service {service}."
            ),
        ),
        EditError::Invalid(why) => ApiError::Other(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_config",
            format!("Konfigurasi tidak sah: {why} / Invalid configuration: {why}"),
        ),
        EditError::NotFound => ApiError::not_found(
            "not_found",
            "Tidak ada item dengan kode itu.",
            "No item has that code.",
        ),
        EditError::PasswordLength => ApiError::Other(
            StatusCode::UNPROCESSABLE_ENTITY,
            "password_length",
            format!(
                "Kata sandi harus {MIN_PASSWORD} sampai {MAX_PASSWORD} karakter. / \
                 A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters."
            ),
        ),
        EditError::LastAdmin => ApiError::new(
            StatusCode::CONFLICT,
            "last_admin",
            "Harus tetap ada satu admin yang aktif.",
            "At least one active admin must remain.",
        ),
    }
}

/// Argon2 takes tens of milliseconds and 19 MiB: off the runtime's threads. Admins only
/// reach here, so no queue is needed.
async fn hash_off_thread(secret: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(&secret))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}
