//! The counter client's tests, one binary: the terminal client's screen on a test
//! backend, its library and subcommands against the real server, the LED sign on a
//! pseudo-terminal, and the counter page in headless Chromium (alone, beside the
//! terminal client, and through an unreliable network).

mod action_latency;
mod client_library;
mod concurrent_calls;
mod counter_access;
mod counter_checkin;
mod counter_page;
mod counter_tools;
mod led_serial;
mod network_trouble;
mod render;
mod shared_site;
mod subcommands;
