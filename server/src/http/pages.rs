//! The pages, served from one origin: each client crate owns its page's files and the
//! server only mounts them, so any device with a browser joins by opening a URL.

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use super::body::ApiPath;
use super::{ApiError, Ctx};

/// A client crate's files, by name (its `asset` function).
pub type Assets = fn(&str) -> Option<(&'static str, &'static [u8])>;

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// What pages of several crates share, at `/assets/{file}`: the module every page
/// imports (escaping, requests, the stream, the clock, texts, search, the staff log-in,
/// downloads, written once: `server/assets/antre.js`), the staff pages' common style,
/// and the SKM questionnaire that the counter's tablet and the phone page both ask.
pub fn shared(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "antre.js" => Some((JS, include_bytes!("../../assets/antre.js"))),
        "staff.css" => Some((CSS, include_bytes!("../../assets/staff.css"))),
        "survey.js" => Some((JS, include_bytes!("../../assets/survey.js"))),
        "survey.css" => Some((CSS, include_bytes!("../../assets/survey.css"))),
        _ => None,
    }
}

/// The device-health page's files (`/devices`, `/assets/devices/…`): the server's own
/// page, since no client crate has devices as its concern.
pub fn devices_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((HTML, include_bytes!("../../assets/devices/index.html"))),
        "devices.js" => Some((JS, include_bytes!("../../assets/devices/devices.js"))),
        "devices.css" => Some((CSS, include_bytes!("../../assets/devices/devices.css"))),
        _ => None,
    }
}

/// The manager's pages (`/admin`): `server/assets/admin/`.
pub fn admin_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((HTML, include_bytes!("../../assets/admin/index.html"))),
        "admin.js" => Some((JS, include_bytes!("../../assets/admin/admin.js"))),
        "booking.js" => Some((JS, include_bytes!("../../assets/admin/booking.js"))),
        "notify.js" => Some((JS, include_bytes!("../../assets/admin/notify.js"))),
        "admin.css" => Some((CSS, include_bytes!("../../assets/admin/admin.css"))),
        _ => None,
    }
}

/// The reports (`/reports`): `server/assets/reports/`.
pub fn reports_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((HTML, include_bytes!("../../assets/reports/index.html"))),
        "reports.js" => Some((JS, include_bytes!("../../assets/reports/reports.js"))),
        "charts.js" => Some((JS, include_bytes!("../../assets/reports/charts.js"))),
        "reports.css" => Some((CSS, include_bytes!("../../assets/reports/reports.css"))),
        _ => None,
    }
}

/// The audit trail (`/audit`): `server/assets/audit/`.
pub fn audit_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((HTML, include_bytes!("../../assets/audit/index.html"))),
        "audit.js" => Some((JS, include_bytes!("../../assets/audit/audit.js"))),
        "audit.css" => Some((CSS, include_bytes!("../../assets/audit/audit.css"))),
        _ => None,
    }
}

/// The published IKM (`/skm`, no log-in): `server/assets/skm/`.
pub fn skm_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((HTML, include_bytes!("../../assets/skm/index.html"))),
        "skm.js" => Some((JS, include_bytes!("../../assets/skm/skm.js"))),
        "skm.css" => Some((CSS, include_bytes!("../../assets/skm/skm.css"))),
        _ => None,
    }
}

/// The citizen's booking page (`/booking`, `/booking/{code}`, no log-in):
/// `server/assets/booking/`.
pub fn booking_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((HTML, include_bytes!("../../assets/booking/index.html"))),
        "booking.js" => Some((JS, include_bytes!("../../assets/booking/booking.js"))),
        "booking.css" => Some((CSS, include_bytes!("../../assets/booking/booking.css"))),
        _ => None,
    }
}

/// A counter's survey tablet (`/survey/{counter}`): `server/assets/survey/`.
pub fn survey_asset(file: &str) -> Option<(&'static str, &'static [u8])> {
    match file {
        "" | "index.html" => Some((HTML, include_bytes!("../../assets/survey/index.html"))),
        "tablet.js" => Some((JS, include_bytes!("../../assets/survey/tablet.js"))),
        "tablet.css" => Some((CSS, include_bytes!("../../assets/survey/tablet.css"))),
        _ => None,
    }
}

/// A shared file, `/assets/{file}`.
pub async fn shared_file(ApiPath(file): ApiPath<String>) -> Response {
    serve(shared, &file)
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
        "reports" => reports_asset,
        "audit" => audit_asset,
        "skm" => skm_asset,
        "booking" => booking_asset,
        "survey" => survey_asset,
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
    html += "</ul><h2>Warga / Citizens</h2><ul><li><a href=\"/booking\">Booking layanan / Book a service</a></li>";
    html += "</ul><h2>Petugas / Officers</h2><ul><li><a href=\"/counter\">Loket / Counter page</a></li>\
             <li><a href=\"/admin\">Pengelola / Manager</a></li>\
             <li><a href=\"/reports\">Laporan / Reports</a></li>\
             <li><a href=\"/audit\">Jejak audit / Audit trail</a></li>\
             <li><a href=\"/skm\">Indeks Kepuasan Masyarakat / Public satisfaction index</a></li>\
             <li><a href=\"/devices\">Kesehatan perangkat / Device health</a></li></ul>\
             <h2>API</h2><ul><li><a href=\"/api/openapi.json\">OpenAPI</a></li>\
             <li><a href=\"/api/v1/site\">/api/v1/site</a></li>\
             <li><a href=\"/api/v1/queues\">/api/v1/queues</a></li></ul></html>";
    Html(html)
}
