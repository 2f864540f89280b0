//! The kiosk: the citizen's touch page, served by the Antre server under `/kiosk/`.

/// The touch page's static files, by path relative to `/kiosk/`.
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    match path {
        "" | "index.html" => Some((
            "text/html; charset=utf-8",
            include_bytes!("../assets/index.html"),
        )),
        _ => None,
    }
}
