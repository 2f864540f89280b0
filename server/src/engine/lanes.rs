//! A service's waiting tickets, in the order they are served.

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::ticket::TicketId;

/// The waiting tickets of one service: a priority lane and a normal lane, each ordered
/// by arrival (then id, which breaks ties between tickets issued in the same instant).
#[derive(Debug, Clone, Default)]
pub struct Lanes {
    priority: BTreeSet<(Timestamp, TicketId)>,
    normal: BTreeSet<(Timestamp, TicketId)>,
}

impl Lanes {
    fn lane(&mut self, priority: bool) -> &mut BTreeSet<(Timestamp, TicketId)> {
        if priority {
            &mut self.priority
        } else {
            &mut self.normal
        }
    }

    pub fn insert(&mut self, priority: bool, issued_at: Timestamp, id: TicketId) {
        self.lane(priority).insert((issued_at, id));
    }

    pub fn remove(&mut self, priority: bool, issued_at: Timestamp, id: TicketId) -> bool {
        self.lane(priority).remove(&(issued_at, id))
    }

    /// The longest-waiting ticket of a lane.
    pub fn head(&self, priority: bool) -> Option<(Timestamp, TicketId)> {
        if priority {
            self.priority.first().copied()
        } else {
            self.normal.first().copied()
        }
    }

    pub fn len(&self) -> u32 {
        u32::try_from(self.priority.len() + self.normal.len()).unwrap_or(u32::MAX)
    }

    pub fn priority_len(&self) -> u32 {
        u32::try_from(self.priority.len()).unwrap_or(u32::MAX)
    }

    /// People ahead of a waiting ticket: priority tickets go before normal ones.
    pub fn ahead_of(&self, priority: bool, issued_at: Timestamp, id: TicketId) -> u32 {
        let key = (issued_at, id);
        // A newcomer is last in its lane: answer that common case without a scan.
        let before = |lane: &BTreeSet<(Timestamp, TicketId)>| {
            if lane.last() == Some(&key) {
                lane.len() - 1
            } else {
                lane.range(..key).count()
            }
        };
        let ahead = if priority {
            before(&self.priority)
        } else {
            self.priority.len() + before(&self.normal)
        };
        u32::try_from(ahead).unwrap_or(u32::MAX)
    }

    pub fn oldest(&self) -> Option<Timestamp> {
        match (self.head(true), self.head(false)) {
            (Some(p), Some(n)) => Some(p.0.min(n.0)),
            (p, n) => p.or(n).map(|h| h.0),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = TicketId> + '_ {
        self.priority
            .iter()
            .chain(self.normal.iter())
            .map(|(_, id)| *id)
    }
}
