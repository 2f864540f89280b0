//! The hall board's tests, one binary: the board page in headless Chromium against the
//! real server.

mod board_page;
