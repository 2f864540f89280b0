//! The call policy: which waiting ticket a counter calls next, and when an officer may
//! call a particular one instead. The one place that decides; the engine only gathers
//! the facts ([`Candidate`], [`Chosen`]) and carries the answer out.
//!
//! Call-next ([`pick_next`]):
//!
//! 1. Priority tickets (lansia, disabilitas, ibu hamil, anak) go first, unless the
//!    counter has already called `streak_max` priority tickets in a row while normal
//!    tickets were waiting: then one normal ticket is called, so the normal lane is never
//!    starved. `streak_max = 0` switches the priority lane off.
//! 2. Within the chosen lane, the ticket that has waited longest relative to its
//!    service's target wait wins (`waited / target`), so a counter serving a 10-minute
//!    service and a 60-minute one keeps both near their targets.
//! 3. Ties go to the earlier arrival, then the lower id, so the pick is deterministic.
//!
//! Calling a particular ticket ([`check_chosen`]):
//!
//! 4. Only a waiting ticket may be called, and only at a counter that serves its
//!    service.
//! 5. A call that is not what rules 1–3 pick is out of order and needs a reason; the
//!    event carries it and the officer, so the log shows who jumped whom and why.
//! 6. The streak counts such calls too: a priority ticket called while normal tickets
//!    wait grows it, any other call ends it.
//!
//! Where a ticket stands in line ([`place_in_line`]):
//!
//! 7. A walk-in stands where it arrived. A booking checked in stands at its session's
//!    start, whenever in its check-in window it came: someone who booked 09:00 and is
//!    here at 08:50 is called around 09:00, after the walk-ins who came before 09:00 and
//!    before those who came after, not after every walk-in of the morning. A place
//!    taken from home (the remote queue) stands where it was taken. Rules 1–3 then
//!    treat the place as the arrival.

use jiff::Timestamp;

use super::DomainError;
use super::ticket::TicketId;

/// A ticket at the head of one of a counter's queues.
///
/// Only heads compete: within one service and lane, the ticket that arrived first has
/// always waited longest, so it is the only one that can win.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: TicketId,
    pub priority: bool,
    /// Its place in line (rule 7).
    pub in_line_at: Timestamp,
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

/// A particular ticket an officer asks to call, as the engine finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen<'a> {
    pub id: TicketId,
    pub priority: bool,
    /// It waits in line (not called, held, done …).
    pub waiting: bool,
    /// The counter serves its service.
    pub served_here: bool,
    /// The officer's reason, possibly empty.
    pub reason: &'a str,
}

/// The policy's verdict on calling a chosen ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChosenCall {
    /// The counter's streak after the call (rule 6).
    pub streak: u32,
    /// Not what call-next would have picked (rule 5).
    pub out_of_order: bool,
}

/// Picks the ticket a counter calls next (rules 1–3), or `None` when nobody waits for
/// it.
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
                    .then(b.in_line_at.cmp(&a.in_line_at))
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

/// Whether a counter may call the `chosen` ticket now, and how (rules 4–6).
pub fn check_chosen(
    candidates: &[Candidate],
    chosen: &Chosen<'_>,
    now: Timestamp,
    streak: u32,
    streak_max: u32,
) -> Result<ChosenCall, DomainError> {
    if !chosen.waiting {
        return Err(DomainError::InvalidState);
    }
    if !chosen.served_here {
        return Err(DomainError::ServiceNotServed);
    }
    let pick = pick_next(candidates, now, streak, streak_max);
    let out_of_order = pick.map(|p| p.id) != Some(chosen.id);
    if out_of_order && chosen.reason.trim().is_empty() {
        return Err(DomainError::ReasonRequired);
    }
    let normal_waiting = candidates.iter().any(|c| !c.priority && c.id != chosen.id);
    let streak = if chosen.priority && normal_waiting {
        streak + 1
    } else {
        0
    };
    Ok(ChosenCall {
        streak,
        out_of_order,
    })
}

/// A checked-in booking's place in line (rule 7): its session's start, or for the
/// remote queue (no session) the moment its place was taken. A walk-in's is its
/// arrival.
pub fn place_in_line(session_start: Option<Timestamp>, taken_at: Timestamp) -> Timestamp {
    session_start.unwrap_or(taken_at)
}

/// Waited time over target wait: 1.0 means the ticket has waited exactly its target.
fn urgency(c: &Candidate, now: Timestamp) -> f64 {
    let waited = now
        .as_millisecond()
        .saturating_sub(c.in_line_at.as_millisecond()) as f64;
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
            in_line_at: at(issued),
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

    fn chosen(id: TicketId, priority: bool, reason: &str) -> Chosen<'_> {
        Chosen {
            id,
            priority,
            waiting: true,
            served_here: true,
            reason,
        }
    }

    #[test]
    fn only_a_waiting_ticket_of_a_served_service_may_be_called() {
        let c = [cand(1, false, 0, 600)];
        let not_waiting = Chosen {
            waiting: false,
            ..chosen(1, false, "")
        };
        assert_eq!(
            check_chosen(&c, &not_waiting, at(10), 0, 3),
            Err(DomainError::InvalidState)
        );
        let elsewhere = Chosen {
            served_here: false,
            ..chosen(1, false, "")
        };
        assert_eq!(
            check_chosen(&c, &elsewhere, at(10), 0, 3),
            Err(DomainError::ServiceNotServed)
        );
    }

    #[test]
    fn an_out_of_order_call_needs_a_reason() {
        let c = [cand(1, false, 0, 600), cand(2, false, 50, 600)];
        assert_eq!(
            check_chosen(&c, &chosen(2, false, "  "), at(100), 0, 3),
            Err(DomainError::ReasonRequired)
        );
        assert_eq!(
            check_chosen(
                &c,
                &chosen(2, false, "dokumen sudah lengkap"),
                at(100),
                0,
                3
            ),
            Ok(ChosenCall {
                streak: 0,
                out_of_order: true
            })
        );
    }

    #[test]
    fn calling_the_policy_pick_by_hand_needs_no_reason() {
        let c = [cand(1, false, 0, 600), cand(2, false, 50, 600)];
        assert_eq!(
            check_chosen(&c, &chosen(1, false, ""), at(100), 0, 3),
            Ok(ChosenCall {
                streak: 0,
                out_of_order: false
            })
        );
    }

    #[test]
    fn a_chosen_priority_call_grows_the_streak_only_while_normal_tickets_wait() {
        let c = [cand(1, false, 0, 600), cand(2, true, 50, 600)];
        assert_eq!(
            check_chosen(&c, &chosen(2, true, ""), at(100), 1, 3)
                .unwrap()
                .streak,
            2
        );
        let only_priority = [cand(2, true, 50, 600), cand(3, true, 60, 600)];
        assert_eq!(
            check_chosen(&only_priority, &chosen(3, true, "lansia"), at(100), 2, 3)
                .unwrap()
                .streak,
            0
        );
    }

    #[test]
    fn ties_go_to_the_earlier_arrival_then_the_lower_id() {
        let c = [cand(7, false, 0, 600), cand(3, false, 0, 600)];
        assert_eq!(pick_next(&c, at(0), 0, 3).unwrap().id, 3);
        let c = [cand(7, false, 0, 600), cand(3, false, 10, 600)];
        assert_eq!(pick_next(&c, at(10), 0, 3).unwrap().id, 7);
    }

    #[test]
    fn rule_7_a_booking_stands_at_its_session_start_whenever_it_checks_in() {
        // Session at 1000 s; walk-ins came at 900 and 1100; the booking checked in at 800
        // (early) or at 1200 (late, still inside its window): it is called second.
        let session = at(1000);
        assert_eq!(place_in_line(Some(session), at(0)), session);
        let booked = |id| Candidate {
            id,
            priority: false,
            in_line_at: place_in_line(Some(session), at(0)),
            target_wait_s: 600,
        };
        let mut line = vec![
            cand(1, false, 900, 600),
            cand(2, false, 1100, 600),
            booked(3),
        ];
        let mut order = Vec::new();
        while let Some(p) = pick_next(&line, at(1300), 0, 3) {
            order.push(p.id);
            line.retain(|c| c.id != p.id);
        }
        assert_eq!(order, vec![1, 3, 2]);
    }

    #[test]
    fn rule_7_a_remote_place_stands_where_it_was_taken() {
        assert_eq!(place_in_line(None, at(42)), at(42));
    }
}
