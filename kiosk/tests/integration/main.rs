//! The kiosk crate's tests, one binary: the ticket layout byte for byte, the print
//! spool, the real `antre-kiosk` agent against the real server, and the kiosk and phone
//! pages in headless Chromium. `printer` is the simulated printer they share.

mod agent;
mod kiosk_page;
mod layout_snapshots;
mod printer;
mod spool;
