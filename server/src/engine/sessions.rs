//! Log-ins and log-outs. The engine keeps no sessions (the HTTP layer checks tokens
//! against their signature and the sessions ended), but each log-in, refused log-in and
//! log-out is an event in the chained log, so the audit trail shows who worked when,
//! and who tried to.

use antre_protocol::{EventDetail, EventKind};

use super::{Affected, Change, Engine, Handled};

/// What happened at the login desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    LoggedIn {
        user: String,
        session: String,
        address: String,
    },
    LoggedOut {
        user: String,
        session: String,
    },
    /// `user` is the name that was tried (it may not exist).
    Refused {
        user: String,
        address: String,
    },
}

impl Engine {
    pub(super) fn record_session(&mut self, event: SessionEvent, out: &mut Vec<Change>) -> Handled {
        let (kind, detail) = match event {
            SessionEvent::LoggedIn {
                user,
                session,
                address,
            } => (
                EventKind::UserLoggedIn,
                EventDetail {
                    by: Some(user),
                    session: Some(session),
                    address: Some(address),
                    ..EventDetail::default()
                },
            ),
            SessionEvent::LoggedOut { user, session } => (
                EventKind::UserLoggedOut,
                EventDetail {
                    by: Some(user),
                    session: Some(session),
                    ..EventDetail::default()
                },
            ),
            SessionEvent::Refused { user, address } => (
                EventKind::UserLoginFailed,
                EventDetail {
                    // Whatever was typed, cut to a username's length.
                    by: Some(user.chars().take(64).collect()),
                    address: Some(address),
                    ..EventDetail::default()
                },
            ),
        };
        out.push(Change {
            kind,
            ticket: None,
            counter: None,
            detail,
        });
        Ok(Affected::Nothing)
    }
}
