//! The hall display board, served by the Antre server under `/board/`.

/// The board page's static files, by path relative to `/board/`.
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    match path {
        "" | "index.html" => Some((
            "text/html; charset=utf-8",
            include_bytes!("../assets/index.html"),
        )),
        _ => None,
    }
}
