//! Counters and serving: who may act, the call policy at work, transfers, holds.

use super::*;

#[test]
fn officers_act_only_on_counters_they_opened() {
    let mut h = Harness::new();
    h.issue("KTP", None, at(0)).unwrap();
    assert_eq!(
        h.act("L1", "budi", CounterCommand::CallNext, at(1)),
        Err(DomainError::CounterClosed)
    );
    h.act("L1", "budi", OPEN, at(1)).unwrap();
    assert_eq!(
        h.act("L1", "sari", OPEN, at(1)),
        Err(DomainError::CounterInUse {
            officer: "budi".into()
        })
    );
    assert_eq!(
        h.act("L1", "sari", CounterCommand::CallNext, at(1)),
        Err(DomainError::NotYourCounter)
    );
    // An admin may act on any counter.
    let admin = Actor {
        user: "admin".into(),
        any_counter: true,
    };
    let out = h
        .engine
        .apply(
            Command::Counter {
                counter: "L1".into(),
                by: admin,
                command: CounterCommand::CallNext,
            },
            at(2),
        )
        .unwrap();
    assert!(matches!(out.affected, Affected::Ticket(_)));
}

#[test]
fn call_next_prefers_priority_with_a_streak_guard() {
    let mut h = Harness::new();
    let n1 = h.issue("KTP", None, at(0)).unwrap();
    let p: Vec<_> = (1..=3)
        .map(|i| h.issue("KTP", Some(Priority::Lansia), at(i)).unwrap())
        .collect();
    h.act("L1", "budi", OPEN, at(5)).unwrap();
    // streak_max = 2: two priority calls, then the normal ticket, then priority again.
    let order: Vec<_> = (0..4)
        .map(|_| h.call_next("L1", "budi", at(6)).unwrap())
        .collect();
    assert_eq!(order, [p[0], p[1], n1, p[2]]);
    // The previous active ticket was completed by each call-next.
    assert_eq!(h.engine.ticket(p[1]).unwrap().status, TicketStatus::Done);
    assert_eq!(h.call_next("L1", "budi", at(7)), None);
    assert_eq!(h.engine.ticket(p[2]).unwrap().status, TicketStatus::Done);
}

#[test]
fn transfer_keeps_the_original_arrival() {
    let mut h = Harness::new();
    let early = h.issue("KK", None, at(0)).unwrap();
    let later = h.issue("KTP", None, at(10)).unwrap();
    h.act("L1", "budi", OPEN, at(11)).unwrap();
    // KK has a 60 min target and KTP 10 min: at 14 min KK's ticket is at 14/60 of its
    // target, KTP's at 4/10, further behind.
    assert_eq!(h.call_next("L1", "budi", at(14)), Some(later));
    h.act("L1", "budi", CounterCommand::Complete, at(14))
        .unwrap();
    assert_eq!(h.call_next("L1", "budi", at(14)), Some(early));
    // Wrong door: KK's visitor needed KTP. Meanwhile two more KTP visitors arrived.
    let after: Vec<_> = (0..2)
        .map(|i| h.issue("KTP", None, at(15 + i)).unwrap())
        .collect();
    let err = h.act(
        "L1",
        "budi",
        CounterCommand::Transfer {
            service: "KK".into(),
            note: None,
        },
        at(17),
    );
    assert_eq!(err, Err(DomainError::SameService));
    let out = h
        .act(
            "L1",
            "budi",
            CounterCommand::Transfer {
                service: "KTP".into(),
                note: Some("bawa KK".into()),
            },
            at(17),
        )
        .unwrap();
    assert_eq!(out.changes[0].detail.from_service.as_deref(), Some("KK"));
    let moved = h.engine.ticket(early).unwrap();
    assert_eq!(
        (moved.service.as_str(), moved.status, moved.issued_at),
        ("KTP", TicketStatus::Waiting, at(0))
    );
    assert_eq!(
        h.engine.ticket_view(moved).position,
        Some(0),
        "ahead of those who came later"
    );
    h.act("L2", "sari", OPEN, at(18)).unwrap();
    assert_eq!(h.call_next("L2", "sari", at(18)), Some(early));
    assert_eq!(h.call_next("L2", "sari", at(19)), Some(after[0]));
}

#[test]
fn hold_and_resume_and_out_of_order_calls() {
    let mut h = Harness::new();
    let a = h.issue("KTP", None, at(0)).unwrap();
    let b = h.issue("KTP", None, at(1)).unwrap();
    let c = h.issue("KTP", None, at(2)).unwrap();
    h.act("L1", "budi", OPEN, at(3)).unwrap();
    h.call_next("L1", "budi", at(3));
    h.act("L1", "budi", CounterCommand::Start, at(3)).unwrap();
    h.act(
        "L1",
        "budi",
        CounterCommand::Hold {
            note: Some("fotokopi".into()),
        },
        at(4),
    )
    .unwrap();
    assert_eq!(h.engine.counter_state("L1").unwrap().held, vec![a]);
    // Calling c out of turn needs a reason and is marked.
    let call = |reason: &str| CounterCommand::Call {
        ticket: c,
        reason: reason.into(),
    };
    assert_eq!(
        h.act("L1", "budi", call(" "), at(5)),
        Err(DomainError::ReasonRequired)
    );
    let out = h.act("L1", "budi", call("dokumen susulan"), at(5)).unwrap();
    assert!(out.changes.last().unwrap().detail.out_of_order);
    assert_eq!(
        h.act(
            "L1",
            "budi",
            CounterCommand::Resume { ticket: Some(a) },
            at(6)
        ),
        Err(DomainError::CounterBusy)
    );
    h.act("L1", "budi", CounterCommand::Complete, at(6))
        .unwrap();
    h.act(
        "L1",
        "budi",
        CounterCommand::Resume { ticket: Some(a) },
        at(7),
    )
    .unwrap();
    assert_eq!(h.engine.ticket(a).unwrap().status, TicketStatus::Called);
    h.act("L1", "budi", CounterCommand::Complete, at(8))
        .unwrap();
    // Pause blocks calls until resumed.
    h.act("L1", "budi", CounterCommand::Pause, at(9)).unwrap();
    assert_eq!(
        h.act("L1", "budi", CounterCommand::CallNext, at(9)),
        Err(DomainError::CounterPaused)
    );
    h.act(
        "L1",
        "budi",
        CounterCommand::Resume { ticket: None },
        at(10),
    )
    .unwrap();
    assert_eq!(h.call_next("L1", "budi", at(10)), Some(b));
}

#[test]
fn closing_a_counter_puts_held_visitors_back_in_line() {
    let mut h = Harness::new();
    let a = h.issue("KTP", None, at(0)).unwrap();
    h.act("L1", "budi", OPEN, at(1)).unwrap();
    h.call_next("L1", "budi", at(1));
    assert_eq!(
        h.act("L1", "budi", CounterCommand::Close, at(2)),
        Err(DomainError::CounterBusy)
    );
    h.act("L1", "budi", CounterCommand::Hold { note: None }, at(2))
        .unwrap();
    h.act("L1", "budi", CounterCommand::Close, at(3)).unwrap();
    assert_eq!(h.engine.ticket(a).unwrap().status, TicketStatus::Waiting);
    assert_eq!(
        h.engine.counter_state("L1").unwrap().status,
        CounterStatus::Closed
    );
}

#[test]
fn an_assigned_officer_takes_over_a_counter_with_its_visitor() {
    let mut h = Harness::new();
    let a = h.issue("KTP", None, at(0)).unwrap();
    h.act("L1", "budi", OPEN, at(1)).unwrap();
    assert_eq!(h.call_next("L1", "budi", at(2)), Some(a));
    let out = h
        .act(
            "L1",
            "sari",
            CounterCommand::Open { take_over: true },
            at(3),
        )
        .unwrap();
    assert_eq!(out.changes.len(), 1);
    assert_eq!(out.changes[0].kind, EventKind::CounterOpened);
    assert_eq!(out.changes[0].detail.by.as_deref(), Some("sari"));
    assert_eq!(out.changes[0].detail.taken_from.as_deref(), Some("budi"));
    let state = h.engine.counter_state("L1").unwrap();
    assert_eq!(state.officer.as_deref(), Some("sari"));
    assert_eq!(
        state.active,
        Some(a),
        "the visitor called stays with the counter"
    );
    assert_eq!(
        h.act("L1", "budi", CounterCommand::Complete, at(4)),
        Err(DomainError::NotYourCounter)
    );
    h.act("L1", "sari", CounterCommand::Complete, at(4))
        .unwrap();
}

#[test]
fn requeue_puts_the_called_visitor_back_at_their_place() {
    let mut h = Harness::new();
    let a = h.issue("KTP", None, at(0)).unwrap();
    let b = h.issue("KTP", None, at(1)).unwrap();
    h.act("L1", "budi", OPEN, at(2)).unwrap();
    assert_eq!(h.call_next("L1", "budi", at(3)), Some(a));
    h.act("L1", "budi", CounterCommand::Start, at(4)).unwrap();
    let out = h.act("L1", "budi", CounterCommand::Requeue, at(5)).unwrap();
    assert_eq!(out.affected, Affected::Ticket(a));
    assert_eq!(out.changes[0].kind, EventKind::TicketRequeued);
    assert_eq!(out.changes[0].detail.by.as_deref(), Some("budi"));
    let waiting: Vec<u64> = h.engine.waiting("KTP").iter().map(|t| t.id).collect();
    assert_eq!(waiting, [a, b], "back ahead of those who came later");
    assert_eq!(h.engine.counter_state("L1").unwrap().active, None);
    assert_eq!(
        h.act("L1", "budi", CounterCommand::Requeue, at(6)),
        Err(DomainError::NoActiveTicket)
    );
    h.act("L1", "budi", CounterCommand::Close, at(6)).unwrap();
}
