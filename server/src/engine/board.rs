//! What the hall boards need of the engine: the announcement of a call and the running
//! text. The words themselves come from `antre-board` (pure functions too); the link to
//! the audio is the HTTP layer's to add.

use antre_protocol::{Announcement, EventDetail, EventKind, Place};

use super::{Affected, Change, Engine, Handled, Ticket};

/// Longest running text kept: a few sentences that scroll by in a minute or two.
pub const RUNNING_TEXT_MAX_CHARS: usize = 500;

impl Engine {
    /// What the hall says for `kind` of `ticket` at `counter`: only calls and recalls
    /// are announced.
    pub fn announcement(
        &self,
        kind: EventKind,
        ticket: Option<&Ticket>,
        counter: Option<&str>,
    ) -> Option<Announcement> {
        if !matches!(kind, EventKind::TicketCalled | EventKind::TicketRecalled) {
            return None;
        }
        let ticket = ticket?;
        let counter = self.site.counter(counter?)?;
        let number = ticket.label();
        let phrase = antre_board::call(&number, &counter.spoken_name, &counter.name)?;
        let zone = self.site.zones.iter().find(|z| z.code == counter.zone);
        let place = zone.and_then(|z| {
            let spoken = z.spoken_name.as_deref()?;
            Some(Place {
                zone: z.code.clone(),
                name: z.name.clone(),
                text: antre_board::phrase::spoken_words(spoken).join(" "),
                clips: antre_board::to_wire(&antre_board::place(spoken)),
            })
        });
        Some(Announcement {
            text: phrase.text,
            text_en: Some(phrase.text_en),
            audio: None,
            clips: antre_board::to_wire(&phrase.parts),
            clips_en: if self.site.announce_english {
                antre_board::to_wire(&phrase.parts_en)
            } else {
                Vec::new()
            },
            place,
        })
    }

    /// The running text the boards show now, if any.
    pub fn running_text(&self) -> Option<&str> {
        self.running_text.as_deref().filter(|t| !t.is_empty())
    }

    /// Takes the running text found in the event log at start-up.
    pub fn restore_running_text(&mut self, text: Option<String>) {
        if text.is_some() {
            self.running_text = text;
        }
    }

    pub(super) fn set_running_text(
        &mut self,
        text: String,
        by: String,
        out: &mut Vec<Change>,
    ) -> Handled {
        let text: String = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(RUNNING_TEXT_MAX_CHARS)
            .collect();
        self.running_text = Some(text.clone());
        out.push(Change {
            kind: EventKind::RunningText,
            ticket: None,
            counter: None,
            detail: EventDetail {
                running_text: Some(text),
                by: (!by.is_empty()).then_some(by),
                ..EventDetail::default()
            },
        });
        Ok(Affected::Nothing)
    }
}
