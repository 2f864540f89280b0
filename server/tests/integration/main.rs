//! The server's tests, one binary: the real `antre` binary on loopback (and, where a
//! test needs to move time or break storage, the library's writer on a real SQLite
//! file), a module per area.

mod board_api;
mod counter_idempotency;
mod counters;
mod durability;
mod garbage;
mod kiosks;
mod midnight;
mod pages;
mod rollback;
mod site_change;
mod stream;
mod tickets;
