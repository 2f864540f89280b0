//! The hall board's tests, one binary: the board page in headless Chromium and the board
//! agent, against the real server.

mod agent;
mod board_layout;
mod board_page;
mod board_queue;
mod burst;
