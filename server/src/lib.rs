//! The Antre queue server.
//!
//! A request becomes a [`engine::Command`], goes to the one [`writer::Writer`], which
//! applies it to the pure [`engine`], stores the resulting events in SQLite ([`store`])
//! and only then answers and publishes them to the live stream ([`http::stream`]). The
//! `antre` binary (`main.rs`) is a thin CLI over this library; [`serve`] wires the parts
//! together.
//!
//! Layers, each importing only from those below it: `serve` (wiring) → `http`,
//! `printing` and `demo_history` → `writer`, `devices`, `auth` → `config` → `engine` and
//! `store`.

pub mod auth;
pub mod clock;
pub mod config;
pub mod config_booking;
pub mod config_edit;
pub mod config_source;
pub mod connections;
pub mod data_dir;
pub mod demo;
pub mod demo_history;
pub mod devices;
pub mod engine;
pub mod http;
pub mod notify;
pub mod password_prompt;
pub mod printing;
pub mod reports;
pub mod serve;
pub mod setup;
pub mod store;
pub mod writer;
