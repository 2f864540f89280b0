//! The first start without a configuration file: `antre serve --data DIR` on an empty
//! data directory serves only a setup page (`/setup`) until someone names the site,
//! chooses its time zone and the first admin's password; then the server starts as
//! usual on that configuration, and the admin pages take over.
//!
//! Only someone at the machine may set it up: requests from the machine itself, or with
//! the one-time code printed on its console (for a server set up from a laptop on the
//! LAN).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use antre_protocol::Role;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tokio::net::TcpListener;

use crate::config::{SiteConfig, UserConfig};
use crate::engine::ConfigSource;
use crate::http::ApiError;
use crate::store::{self, Store, site_config};

/// What the setup form sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// The site's name ("Mal Pelayanan Publik Kota Makassar").
    pub name: String,
    /// A short code (`MPP-MKS`); made from the name when left out.
    #[serde(default)]
    pub code: Option<String>,
    /// `Asia/Jakarta`, `Asia/Makassar` or `Asia/Jayapura`.
    pub timezone: String,
    #[serde(default = "default_admin")]
    pub username: String,
    pub password: String,
    /// The code printed on the console; needed from any machine but this one.
    #[serde(default)]
    pub setup_code: Option<String>,
}

fn default_admin() -> String {
    "admin".into()
}

#[derive(Clone)]
struct Setup {
    data_dir: std::path::PathBuf,
    code: String,
    done: Arc<Mutex<Option<tokio::sync::oneshot::Sender<()>>>>,
}

/// Serves the setup page on `listener` until the site is set up (true: the caller binds
/// again and serves it) or `stop` completes first (false).
pub async fn run(
    listener: TcpListener,
    data_dir: &std::path::Path,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<bool> {
    let addr = listener.local_addr()?;
    let code = crate::auth::random_hex(4).to_uppercase();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let state = Setup {
        data_dir: data_dir.to_path_buf(),
        code: code.clone(),
        done: Arc::new(Mutex::new(Some(done_tx))),
    };
    let app = Router::new()
        .route("/", get(|| async { Redirect::to("/setup") }))
        .route("/setup", get(|| file("index.html")))
        .route("/assets/setup/{file}", get(asset))
        .route("/api/v1/setup", post(set_up))
        .route("/healthz", get(not_ready));
    let app = crate::http::routes::hardened(app).with_state(state);
    println!(
        "Antre — first start: {} holds no site yet",
        data_dir.display()
    );
    println!("listening on http://{addr}");
    println!("  setup        http://{addr}/setup  (from this machine, or with code {code})");
    let limits = crate::connections::Limits {
        max_connections: 64,
        header_timeout: Duration::from_secs(20),
    };
    let set_up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = set_up.clone();
    crate::connections::serve(listener, app, limits, async move {
        tokio::select! {
            done = done_rx => flag.store(done.is_ok(), std::sync::atomic::Ordering::SeqCst),
            () = stop => {}
        }
    })
    .await;
    Ok(set_up.load(std::sync::atomic::Ordering::SeqCst))
}

/// Not ready to serve queues: a load balancer or service manager waits.
async fn not_ready() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not_ready",
        "Situs belum disiapkan.",
        "The site is not set up yet.",
    )
}

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    file(&name).await
}

/// The setup page's files.
async fn file(name: &str) -> Response {
    let (mime, body): (&str, &'static [u8]) = match name {
        "index.html" => (
            "text/html; charset=utf-8",
            include_bytes!("../assets/setup/index.html"),
        ),
        "setup.js" => (
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/setup/setup.js"),
        ),
        _ => {
            return ApiError::not_found("not_found", "Alamat tidak ditemukan.", "No such path.")
                .into_response();
        }
    };
    ([(axum::http::header::CONTENT_TYPE, mime)], body).into_response()
}

async fn set_up(
    State(setup): State<Setup>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let req: SetupRequest = crate::http::body::parse_json(&body)?;
    let here = peer.ip().is_loopback();
    let code_given = req
        .setup_code
        .as_deref()
        .is_some_and(|c| c.trim().eq_ignore_ascii_case(&setup.code));
    if !here && !code_given {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "setup_code_required",
            "Masukkan kode penyiapan yang tertulis di layar server.",
            "Enter the setup code shown on the server's console.",
        ));
    }
    crate::config_edit::check_password(&req.password).map_err(crate::http::admin::edit_error)?;
    let invalid = |e: anyhow::Error| {
        ApiError::Other(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_config",
            format!("Isian tidak sah: {e:#} / Not valid: {e:#}"),
        )
    };
    let password = req.password.clone();
    let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let config = first_config(&req, hash).map_err(invalid)?;
    config.site().map_err(invalid)?;
    let data_dir = setup.data_dir.clone();
    tokio::task::spawn_blocking(move || store_first(&data_dir, &config))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| {
            ApiError::Other(
                StatusCode::CONFLICT,
                "already_set_up",
                format!("Situs sudah disiapkan. / The site is already set up: {e:#}"),
            )
        })?;
    tracing::info!(site = %req.name, admin = %req.username, "the site is set up");
    if let Some(done) = setup.done.lock().expect("not poisoned").take() {
        // Answered first; the setup server then stops and the real one starts.
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let _ = done.send(());
        });
    }
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"admin": "/admin"})),
    )
        .into_response())
}

/// A site with its name, time zone and first admin; the rest is added on the admin
/// pages.
fn first_config(req: &SetupRequest, password_hash: String) -> anyhow::Result<SiteConfig> {
    let code = match &req.code {
        Some(code) if !code.trim().is_empty() => code.trim().to_uppercase(),
        _ => code_from(&req.name),
    };
    let mut config = SiteConfig::from_toml(&format!(
        "[site]\ncode = {}\nname = {}\ntimezone = {}\n",
        toml_string(&code),
        toml_string(req.name.trim()),
        toml_string(req.timezone.trim())
    ))?;
    anyhow::ensure!(!req.name.trim().is_empty(), "the site needs a name");
    config.users.push(UserConfig {
        username: req.username.trim().to_string(),
        role: Role::Admin,
        password_hash,
        counters: Vec::new(),
        disabled: false,
        agency: None,
        must_change_password: false,
    });
    config.validate()?;
    Ok(config)
}

/// `MPP-` and the name's initials: "Mal Pelayanan Publik Kota Makassar" → `MPP-KM`.
fn code_from(name: &str) -> String {
    let initials: String = name
        .split_whitespace()
        .filter(|w| !["mal", "pelayanan", "publik"].contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().find(char::is_ascii_alphanumeric))
        .map(|c| c.to_ascii_uppercase())
        .take(8)
        .collect();
    if initials.is_empty() {
        "MPP".into()
    } else {
        format!("MPP-{initials}")
    }
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Stores the first configuration, unless one is there already.
fn store_first(data_dir: &std::path::Path, config: &SiteConfig) -> anyhow::Result<()> {
    let db = store::db_path(data_dir);
    drop(Store::open(&db)?);
    let conn = rusqlite::Connection::open(&db)?;
    anyhow::ensure!(
        site_config::latest(&conn)?.is_none(),
        "a configuration is stored"
    );
    let source = ConfigSource {
        json: config.to_json(),
        from_file: None,
    };
    site_config::seed(&conn, &source, 1, jiff::Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_made_from_the_name() {
        assert_eq!(code_from("Mal Pelayanan Publik Kota Makassar"), "MPP-KM");
        assert_eq!(code_from("MPP Kabupaten Gowa"), "MPP-MKG");
        assert_eq!(code_from("Mal Pelayanan Publik"), "MPP");
    }
}
