//! The pages, served from one origin: each client crate owns its page's files and the
//! server only mounts them, so any device with a browser joins by opening a URL.

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::body::ApiPath;
use super::{ApiError, Ctx};

/// A client crate's files, by name (its `asset` function).
pub type Assets = fn(&str) -> Option<(&'static str, &'static [u8])>;

/// The module every page imports (escaping, requests, the stream, the clock, texts and
/// search, written once): `server/assets/antre.js`.
pub fn shared(file: &str) -> Option<(&'static str, &'static [u8])> {
    (file == "antre.js").then_some((
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/antre.js"),
    ))
}

/// The device-health page's files (`/devices`, `/assets/devices/…`): the server's own
/// page, since no client crate has devices as its concern.
pub fn devices_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((
            "text/html; charset=utf-8",
            include_bytes!("../../assets/devices/index.html"),
        )),
        "devices.js" => Some((
            "text/javascript; charset=utf-8",
            include_bytes!("../../assets/devices/devices.js"),
        )),
        "devices.css" => Some((
            "text/css; charset=utf-8",
            include_bytes!("../../assets/devices/devices.css"),
        )),
        _ => None,
    }
}

/// The manager's pages (`/admin`): `server/assets/admin/`.
pub fn admin_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((
            "text/html; charset=utf-8",
            include_bytes!("../../assets/admin/index.html"),
        )),
        "admin.js" => Some((
            "text/javascript; charset=utf-8",
            include_bytes!("../../assets/admin/admin.js"),
        )),
        "admin.css" => Some((
            "text/css; charset=utf-8",
            include_bytes!("../../assets/admin/admin.css"),
        )),
        _ => None,
    }
}

/// `/assets/antre.js`.
pub async fn shared_module() -> Response {
    serve(shared, "antre.js")
}

/// A client crate's page.
pub async fn page(assets: Assets) -> Response {
    serve(assets, "index.html")
}

/// The phone page of a ticket (the printed QR code's target).
pub async fn track() -> Response {
    serve(antre_kiosk::asset, "track.html")
}

/// A file a page loads, `/assets/{app}/{file}`.
pub async fn asset(ApiPath((app, file)): ApiPath<(String, String)>) -> Response {
    let assets: Assets = match app.as_str() {
        "kiosk" => antre_kiosk::asset,
        "board" => antre_board::asset,
        "counter" => antre_counter::asset,
        "devices" => devices_asset,
        "admin" => admin_asset,
        _ => return missing(),
    };
    serve(assets, &file)
}

fn serve(assets: Assets, file: &str) -> Response {
    match assets(file) {
        Some((mime, body)) => (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            body,
        )
            .into_response(),
        None => missing(),
    }
}

fn missing() -> Response {
    ApiError::not_found("not_found", "Berkas tidak ditemukan.", "No such file.").into_response()
}

/// The front page: links to every kiosk, board and the counter page.
pub async fn index(State(ctx): State<Ctx>) -> Html<String> {
    let site = ctx.writer.site();
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut html = format!(
        "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Antre — {name}</title>\
         <style>body{{font:18px/1.5 system-ui,sans-serif;margin:2rem;max-width:50rem}}\
         a{{color:#0b57d0}}h2{{margin-top:2rem}}</style>\
         <h1>Antre — {name}</h1>\
         <p>Sistem antrian Mal Pelayanan Publik / Queue system of the public service mall.</p>\
         <h2>Kios / Kiosks</h2><ul>",
        name = esc(&site.name)
    );
    for k in &site.kiosks {
        html += &format!(
            "<li><a href=\"/kiosk/{0}\">{0}</a> — {1}</li>",
            esc(&k.code),
            esc(&k.name)
        );
    }
    html += "</ul><h2>Layar / Hall boards</h2><ul>";
    for b in &site.boards {
        html += &format!(
            "<li><a href=\"/board/{0}\">{0}</a> — {1}</li>",
            esc(&b.code),
            esc(&b.name)
        );
    }
    html += "</ul><h2>Petugas / Officers</h2><ul><li><a href=\"/counter\">Loket / Counter page</a></li>\
             <li><a href=\"/admin\">Pengelola / Manager</a></li>\
             <li><a href=\"/devices\">Kesehatan perangkat / Device health</a></li></ul>\
             <h2>API</h2><ul><li><a href=\"/api/openapi.json\">OpenAPI</a></li>\
             <li><a href=\"/api/v1/site\">/api/v1/site</a></li>\
             <li><a href=\"/api/v1/queues\">/api/v1/queues</a></li></ul></html>";
    Html(html)
}
