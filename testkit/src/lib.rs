//! Shared test harness for the workspace: the real `antre` server on loopback
//! ([`server`]) and headless Chromium through ChromeDriver ([`browser`]).

pub mod browser;
pub mod server;

pub use server::*;
