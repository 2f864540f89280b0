//! The Antre queue server.
//!
//! A request becomes a [`engine::Command`], goes to the one [`writer::Queue`] writer,
//! which applies it to the pure [`engine`], stores the resulting events in SQLite
//! ([`store`]) and only then answers and publishes them to the live stream
//! ([`http::stream`]). The `antre` binary (`main.rs`) is a thin CLI over this library.

pub mod auth;
pub mod clock;
pub mod config;
pub mod demo;
pub mod engine;
pub mod http;
pub mod printing;
pub mod serve;
pub mod store;
pub mod writer;
