//! Shared test harness for the workspace: the real `antre` server on loopback
//! ([`server`]), headless Chromium through ChromeDriver ([`browser`]) and a webhook
//! receiver ([`receiver`]).

pub mod browser;
pub mod receiver;
pub mod server;

pub use server::*;
