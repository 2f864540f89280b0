//! The server's tests, one binary: the real `antre` binary on loopback (and, where a
//! test needs to move time or break storage, the library's writer on a real SQLite
//! file), a module per area.

mod admin;
mod admin_page;
mod board_api;
mod booking;
mod booking_pages;
mod config_errors;
mod counter_idempotency;
mod counters;
mod day_end_no_show;
mod demo_history;
mod durability;
mod garbage;
mod hostile;
mod kiosks;
mod manager_booking;
mod midnight;
mod notifications;
mod pages;
mod report_pages;
mod reports;
mod reports_api;
mod rollback;
mod site_change;
mod stream;
mod survey_pages;
mod tickets;

use antre_server::engine::{Command, Issue};
use antre_server::writer::Reply;

/// A ticket for `service` as a command to the writer (tests that drive it directly).
pub fn issue_command(service: &str, track_token: &str) -> Command {
    Command::Issue(Issue {
        service: service.into(),
        priority: None,
        kiosk: None,
        idempotency_key: None,
        track_token: track_token.into(),
    })
}

/// The number of the ticket a command answered with.
pub fn reply_number(reply: Reply) -> String {
    match reply {
        Reply::Ticket(t) => t.number,
        other => panic!("expected a ticket, got {other:?}"),
    }
}

/// A site's TOML without one service, and without it in its counters' lists. The
/// service's block ends at the next array of tables that is not its own
/// (`[[services.booking.sessions]]` belongs to it).
pub fn without_service(toml: &str, code: &str) -> String {
    let at = toml.find(&format!("code = \"{code}\"")).unwrap();
    let start = toml[..at].rfind("[[services]]").unwrap();
    let end = toml[at..]
        .match_indices("\n[[")
        .map(|(i, _)| i + at)
        .find(|&i| !toml[i + 3..].starts_with("services."))
        .unwrap()
        + 1;
    format!("{}{}", &toml[..start], &toml[end..])
        .replace(&format!("\"{code}\", "), "")
        .replace(&format!(", \"{code}\""), "")
        .replace(&format!("[\"{code}\"]"), "[]")
}
