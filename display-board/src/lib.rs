//! The hall display board: its page (served by the Antre server under `/board/`), the
//! Indonesian announcements (numbers as words, the call phrase, audio joined from
//! clips) and the board agent `antre-board` that plays calls on a PC's speakers.
//!
//! Everything but the agent is pure: the server calls [`phrase::call`] when it builds a
//! call event and [`clips::compose`] when a board asks for the audio. The agent and
//! what only it needs come with the `agent` feature (on by default; the server builds
//! this crate without it).

#[cfg(feature = "agent")]
pub mod agent;
pub mod clips;
pub mod phrase;
pub mod queue;
pub mod terbilang;

pub use clips::{Clips, Composed, compose, wav_bytes};
pub use phrase::{Part, Phrase, call, from_wire, is_clip_name, place, to_wire};
pub use terbilang::{english, terbilang};

/// The board page's static files, by path relative to `/board/` (the page) or
/// `/assets/board/` (the rest).
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    match path {
        "" | "index.html" => Some((
            "text/html; charset=utf-8",
            include_bytes!("../assets/index.html"),
        )),
        "board.css" => Some((
            "text/css; charset=utf-8",
            include_bytes!("../assets/board.css"),
        )),
        "board.js" => Some((
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/board.js"),
        )),
        "queue.js" => Some((
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/queue.js"),
        )),
        "voice.js" => Some((
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/voice.js"),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_and_its_files_are_served() {
        for file in [
            "",
            "index.html",
            "board.css",
            "board.js",
            "queue.js",
            "voice.js",
        ] {
            assert!(
                super::asset(file).is_some_and(|(_, body)| !body.is_empty()),
                "{file}"
            );
        }
        assert!(super::asset("../Cargo.toml").is_none());
    }
}
