//! The kiosk crate's tests, one binary: the ticket layout byte for byte, the print
//! spool, the real `antre-kiosk` agent against the real server, and the kiosk and phone
//! pages in headless Chromium (their search, their return to a fresh start, their
//! layout at every size and their accessibility). `printer` is the simulated printer
//! they share, `pages` what the page tests share.

mod agent;
mod booking_checkin;
mod controls;
mod kiosk_page;
mod layout_snapshots;
mod long_site;
mod next_visitor;
mod pages;
mod printer;
mod search;
mod spool;
