//! The kiosk: the citizen's touch page and phone page (served by the Antre server),
//! the printed ticket's layout, ESC/POS printer drivers and the print spool shared by
//! the `antre-kiosk` agent and the server's own printers.

pub mod decode;
pub mod driver;
pub mod follow;
pub mod layout;
pub mod qr;
pub mod spool;
pub mod status;
pub mod url;

#[cfg(feature = "agent")]
pub mod agent;

pub use layout::{LayoutOptions, Paper, QrMode};
pub use url::{PrinterUrl, Target};

/// The pages' static files: `index.html` (the kiosk, at `/kiosk/{code}`),
/// `track.html` (the phone page, at `/t/{token}`) and what they load from
/// `/assets/kiosk/{file}`.
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    const HTML: &str = "text/html; charset=utf-8";
    const JS: &str = "text/javascript; charset=utf-8";
    const CSS: &str = "text/css; charset=utf-8";
    match path {
        "" | "index.html" => Some((HTML, include_bytes!("../assets/index.html"))),
        "kiosk.js" => Some((JS, include_bytes!("../assets/kiosk.js"))),
        "first-frame.js" => Some((JS, include_bytes!("../assets/first-frame.js"))),
        "kiosk.css" => Some((CSS, include_bytes!("../assets/kiosk.css"))),
        "track.html" => Some((HTML, include_bytes!("../assets/track.html"))),
        "track.js" => Some((JS, include_bytes!("../assets/track.js"))),
        _ => None,
    }
}
