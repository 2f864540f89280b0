//! The SKM survey's answers. Rules:
//!
//! - Only a visit that was served may be rated: the ticket must be `done`.
//! - One answer per served ticket: a second is refused, whoever sends it.
//! - The answer is anonymous: the log keeps the scores, the optional profile and the
//!   suggestion beside the ticket (for its service, counter and officer), never who
//!   gave it; and it is not on the live stream (`EventKind::is_public`).
//! - Answers are taken while the engine knows the ticket: its service day.

use antre_protocol::{EventDetail, EventKind, SurveyRecord, TicketStatus};

use super::{Affected, Change, DomainError, Engine, Handled};

impl Engine {
    pub(super) fn answer_survey(
        &mut self,
        track_token: &str,
        survey: SurveyRecord,
        out: &mut Vec<Change>,
    ) -> Handled {
        let id = self
            .ticket_by_token(track_token)
            .map(|t| t.id)
            .ok_or(DomainError::TicketNotFound)?;
        let ticket = self.tickets.get_mut(&id).expect("found by its token");
        if ticket.status != TicketStatus::Done {
            return Err(DomainError::NotServed);
        }
        if ticket.surveyed {
            return Err(DomainError::AlreadyAnswered);
        }
        ticket.surveyed = true;
        out.push(
            Change::ticket(EventKind::SurveyAnswered, id, None).with(EventDetail {
                survey: Some(survey),
                ..EventDetail::default()
            }),
        );
        Ok(Affected::Ticket(id))
    }
}
