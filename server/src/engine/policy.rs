//! The call-next policy: which waiting ticket a counter calls next.

use jiff::Timestamp;

use super::ticket::TicketId;

/// A ticket at the head of one of a counter's queues.
///
/// Only heads compete: within one service and lane, the ticket that arrived first has
/// always waited longest, so it is the only one that can win.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: TicketId,
    pub priority: bool,
    pub issued_at: Timestamp,
    /// The target wait of the ticket's service, in seconds (at least 1).
    pub target_wait_s: u32,
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub id: TicketId,
    /// The counter's run of priority calls made while normal tickets waited, after this
    /// call. Kept per counter and passed back in next time.
    pub streak: u32,
}

/// Picks the ticket a counter calls next, or `None` when nobody waits for it.
///
/// 1. Priority tickets (lansia, disabilitas, ibu hamil, anak) go first, unless the
///    counter has already called `streak_max` priority tickets in a row while normal
///    tickets were waiting: then one normal ticket is called, so the normal lane is never
///    starved. `streak_max = 0` switches the priority lane off.
/// 2. Within the chosen lane, the ticket that has waited longest relative to its
///    service's target wait wins (`waited / target`), so a counter serving a 10-minute
///    service and a 60-minute one keeps both near their targets.
/// 3. Ties go to the earlier arrival, then the lower id, so the pick is deterministic.
pub fn pick_next(
    candidates: &[Candidate],
    now: Timestamp,
    streak: u32,
    streak_max: u32,
) -> Option<Pick> {
    let best = |priority: bool| {
        candidates
            .iter()
            .filter(|c| c.priority == priority)
            .max_by(|a, b| {
                urgency(a, now)
                    .total_cmp(&urgency(b, now))
                    .then(b.issued_at.cmp(&a.issued_at))
                    .then(b.id.cmp(&a.id))
            })
    };
    let normal = best(false);
    let priority = best(true);
    match (priority, normal) {
        (Some(p), None) => Some(Pick {
            id: p.id,
            streak: 0,
        }),
        (Some(p), Some(_)) if streak < streak_max => Some(Pick {
            id: p.id,
            streak: streak + 1,
        }),
        (_, Some(n)) => Some(Pick {
            id: n.id,
            streak: 0,
        }),
        (None, None) => None,
    }
}

/// Waited time over target wait: 1.0 means the ticket has waited exactly its target.
fn urgency(c: &Candidate, now: Timestamp) -> f64 {
    let waited = now
        .as_millisecond()
        .saturating_sub(c.issued_at.as_millisecond()) as f64;
    waited / (f64::from(c.target_wait_s.max(1)) * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn cand(id: TicketId, priority: bool, issued: i64, target: u32) -> Candidate {
        Candidate {
            id,
            priority,
            issued_at: at(issued),
            target_wait_s: target,
        }
    }

    #[test]
    fn nobody_waiting_picks_nobody() {
        assert_eq!(pick_next(&[], at(100), 0, 3), None);
    }

    #[test]
    fn priority_goes_first_even_when_it_arrived_later() {
        let c = [cand(1, false, 0, 600), cand(2, true, 50, 600)];
        assert_eq!(
            pick_next(&c, at(100), 0, 3).unwrap(),
            Pick { id: 2, streak: 1 }
        );
    }

    #[test]
    fn streak_guard_lets_a_normal_ticket_through() {
        let c = [cand(1, false, 0, 600), cand(2, true, 50, 600)];
        assert_eq!(
            pick_next(&c, at(100), 3, 3).unwrap(),
            Pick { id: 1, streak: 0 }
        );
        assert_eq!(pick_next(&c, at(100), 2, 3).unwrap().id, 2);
    }

    #[test]
    fn priority_without_normal_waiting_does_not_grow_the_streak() {
        let c = [cand(2, true, 50, 600)];
        assert_eq!(
            pick_next(&c, at(100), 3, 3).unwrap(),
            Pick { id: 2, streak: 0 }
        );
    }

    #[test]
    fn zero_streak_max_switches_priority_off_while_normal_tickets_wait() {
        let c = [cand(1, false, 60, 600), cand(2, true, 0, 600)];
        assert_eq!(pick_next(&c, at(100), 0, 0).unwrap().id, 1);
    }

    #[test]
    fn waits_are_weighed_against_the_service_target() {
        // Ticket 1 waited 500 s of a 3600 s target (0.14); ticket 2 waited 300 s of a
        // 600 s target (0.5): ticket 2 is further behind its target.
        let c = [cand(1, false, 0, 3600), cand(2, false, 200, 600)];
        assert_eq!(pick_next(&c, at(500), 0, 3).unwrap().id, 2);
    }

    #[test]
    fn ties_go_to_the_earlier_arrival_then_the_lower_id() {
        let c = [cand(7, false, 0, 600), cand(3, false, 0, 600)];
        assert_eq!(pick_next(&c, at(0), 0, 3).unwrap().id, 3);
        let c = [cand(7, false, 0, 600), cand(3, false, 10, 600)];
        assert_eq!(pick_next(&c, at(10), 0, 3).unwrap().id, 7);
    }
}
