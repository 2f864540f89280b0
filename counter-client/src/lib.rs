//! The counter officer's tools: the page served by the Antre server under `/counter`,
//! and (feature `terminal`, on by default) the keyboard-only terminal client
//! `antre-counter` with its LED sign driver.
//!
//! The terminal client is split so each part can be tested on its own: [`api`] and
//! [`stream`] talk to the server, [`app`] holds the screen's state and turns keys into
//! actions without any I/O, [`render`] draws that state (tested with ratatui's
//! `TestBackend`), [`led`] speaks the LED sign's serial protocol, and [`tui`] wires them
//! to a real terminal.

#[cfg(feature = "terminal")]
pub mod api;
#[cfg(feature = "terminal")]
pub mod app;
#[cfg(feature = "terminal")]
pub mod big;
#[cfg(feature = "terminal")]
pub mod i18n;
#[cfg(feature = "terminal")]
pub mod keys;
#[cfg(feature = "terminal")]
pub mod led;
#[cfg(feature = "terminal")]
pub mod render;
#[cfg(feature = "terminal")]
pub mod stream;
#[cfg(feature = "terminal")]
pub mod tui;

/// The counter page's static files: `index.html` for `/counter`, the others under
/// `/assets/counter/{file}`.
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    match path {
        "" | "index.html" => Some((
            "text/html; charset=utf-8",
            include_bytes!("../assets/index.html"),
        )),
        "counter.css" => Some((
            "text/css; charset=utf-8",
            include_bytes!("../assets/counter.css"),
        )),
        "counter.js" => Some((
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/counter.js"),
        )),
        _ => None,
    }
}
