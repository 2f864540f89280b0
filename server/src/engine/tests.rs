//! Engine tests: the rules one by one, then random command sequences against the
//! invariants (proptest).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use antre_protocol::{CounterStatus, EventKind, Priority, TicketStatus};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;

/// A small site: two services at counter L1, one of them also at L2, in Makassar.
const SITE: &str = r#"
[site]
code = "T"
name = "MPP Uji"
timezone = "Asia/Makassar"
hours = "00:00-24:00"
days = ["mon","tue","wed","thu","fri","sat","sun"]
priority_streak_max = 2
no_show_grace_min = 30

[[zones]]
code = "A"
name = "Zona A"

[[agencies]]
code = "DUK"
short = "Dukcapil"
name = "Dinas Kependudukan"
name_en = "Civil registry"

[[services]]
code = "KTP"
agency = "DUK"
prefix = "A"
name = "KTP-el"
name_en = "ID card"
target_wait_min = 10
avg_service_min = 5

[[services]]
code = "KK"
agency = "DUK"
prefix = "B"
name = "Kartu Keluarga"
name_en = "Family card"
target_wait_min = 60
avg_service_min = 5
daily_quota = 2

[[counters]]
code = "L1"
name = "Loket 1"
zone = "A"
agency = "DUK"
services = ["KTP", "KK"]

[[counters]]
code = "L2"
name = "Loket 2"
zone = "A"
agency = "DUK"
services = ["KTP"]

[[kiosks]]
code = "K1"
name = "Kios"
zone = "A"
"#;

fn site() -> Arc<Site> {
    crate::config::SiteConfig::from_toml(SITE)
        .unwrap()
        .site()
        .unwrap()
}

/// 2026-11-23 09:00 WITA (Monday).
fn t0() -> Timestamp {
    "2026-11-23T09:00:00+08:00".parse().unwrap()
}

fn at(minutes: i64) -> Timestamp {
    t0() + SignedDuration::from_mins(minutes)
}

fn officer(user: &str) -> Actor {
    Actor {
        user: user.into(),
        any_counter: false,
    }
}

struct Harness {
    engine: Engine,
    tokens: u64,
}

impl Harness {
    fn new() -> Harness {
        Harness {
            engine: Engine::new(site(), t0()),
            tokens: 0,
        }
    }

    fn issue(
        &mut self,
        service: &str,
        priority: Option<Priority>,
        now: Timestamp,
    ) -> Result<TicketId, DomainError> {
        self.tokens += 1;
        let out = self.engine.apply(
            Command::Issue(Issue {
                service: service.into(),
                priority,
                kiosk: None,
                idempotency_key: None,
                track_token: format!("tok{}", self.tokens),
            }),
            now,
        )?;
        match out.answer {
            Answer::Ticket(id) => Ok(id),
            other => panic!("issue answered {other:?}"),
        }
    }

    fn act(
        &mut self,
        counter: &str,
        user: &str,
        action: CounterAction,
        now: Timestamp,
    ) -> Result<Outcome, DomainError> {
        self.engine.apply(
            Command::Counter {
                counter: counter.into(),
                by: officer(user),
                action,
            },
            now,
        )
    }

    fn call_next(&mut self, counter: &str, user: &str, now: Timestamp) -> Option<TicketId> {
        match self
            .act(counter, user, CounterAction::CallNext, now)
            .unwrap()
            .answer
        {
            Answer::Ticket(id) => Some(id),
            Answer::Nobody => None,
            other => panic!("call-next answered {other:?}"),
        }
    }

    fn label(&self, id: TicketId) -> String {
        self.engine.ticket(id).unwrap().label()
    }
}

#[test]
fn numbers_count_up_per_prefix() {
    let mut h = Harness::new();
    let a1 = h.issue("KTP", None, at(0)).unwrap();
    let b1 = h.issue("KK", None, at(1)).unwrap();
    let a2 = h.issue("KTP", None, at(2)).unwrap();
    assert_eq!(
        [h.label(a1), h.label(b1), h.label(a2)],
        ["A001", "B001", "A002"]
    );
}

#[test]
fn numbering_restarts_at_local_midnight_not_utc_midnight() {
    let mut h = Harness::new();
    // 23:59 WITA on the 23rd is 15:59 UTC: still the 23rd locally.
    let late: Timestamp = "2026-11-23T23:59:00+08:00".parse().unwrap();
    let a = h.issue("KTP", None, late).unwrap();
    let b = h.issue("KTP", None, late).unwrap();
    assert_eq!(h.label(b), "A002");
    // 00:00:30 WITA on the 24th is 16:00:30 UTC on the 23rd.
    let after: Timestamp = "2026-11-24T00:00:30+08:00".parse().unwrap();
    let changes = h.engine.advance(after);
    let c = h.issue("KTP", None, after).unwrap();
    assert_eq!(h.label(c), "A001");
    assert_eq!(h.engine.ticket(c).unwrap().day.to_string(), "2026-11-24");
    // Yesterday's waiting tickets are closed, not called today.
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(|c| c.kind == EventKind::TicketCancelled));
    assert_eq!(h.engine.ticket(a).unwrap().status, TicketStatus::Cancelled);
    h.act("L1", "budi", CounterAction::Open, after).unwrap();
    assert_eq!(h.call_next("L1", "budi", after), Some(c));
}

#[test]
fn quota_and_hours_refuse_tickets() {
    let mut h = Harness::new();
    h.issue("KK", None, at(0)).unwrap();
    h.issue("KK", None, at(0)).unwrap();
    assert_eq!(h.issue("KK", None, at(0)), Err(DomainError::QuotaFull));
    assert_eq!(
        h.issue("NOPE", None, at(0)),
        Err(DomainError::ServiceNotFound)
    );

    let mut config = crate::config::SiteConfig::from_toml(SITE).unwrap();
    config.services[0].hours = Some("08:00-12:00".into());
    config.services[0].last_ticket = Some("11:30".into());
    let mut engine = Engine::new(config.site().unwrap(), t0());
    let issue = |token: &str| {
        Command::Issue(Issue {
            service: "KTP".into(),
            priority: None,
            kiosk: None,
            idempotency_key: None,
            track_token: token.into(),
        })
    };
    assert!(engine.apply(issue("x"), at(0)).is_ok());
    assert_eq!(
        engine.apply(issue("y"), at(160)).unwrap_err(),
        DomainError::ServiceClosed {
            opens_at: Some("08:00".into())
        }
    );
}

#[test]
fn the_same_idempotency_key_gives_the_same_ticket() {
    let mut h = Harness::new();
    let issue = |service: &str| {
        Command::Issue(Issue {
            service: service.into(),
            priority: None,
            kiosk: Some("K1".into()),
            idempotency_key: Some("kiosk:K1:abc".into()),
            track_token: format!("t-{service}"),
        })
    };
    let first = h.engine.apply(issue("KTP"), at(0)).unwrap();
    let again = h.engine.apply(issue("KTP"), at(1)).unwrap();
    assert_eq!(first.answer, again.answer);
    assert!(again.changes.is_empty());
    assert_eq!(
        h.engine.apply(issue("KK"), at(1)),
        Err(DomainError::IdempotencyConflict)
    );
}

#[test]
fn officers_act_only_on_counters_they_opened() {
    let mut h = Harness::new();
    h.issue("KTP", None, at(0)).unwrap();
    assert_eq!(
        h.act("L1", "budi", CounterAction::CallNext, at(1)),
        Err(DomainError::CounterClosed)
    );
    h.act("L1", "budi", CounterAction::Open, at(1)).unwrap();
    assert_eq!(
        h.act("L1", "sari", CounterAction::Open, at(1)),
        Err(DomainError::CounterInUse)
    );
    assert_eq!(
        h.act("L1", "sari", CounterAction::CallNext, at(1)),
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
                action: CounterAction::CallNext,
            },
            at(2),
        )
        .unwrap();
    assert!(matches!(out.answer, Answer::Ticket(_)));
}

#[test]
fn call_next_prefers_priority_with_a_streak_guard() {
    let mut h = Harness::new();
    let n1 = h.issue("KTP", None, at(0)).unwrap();
    let p: Vec<_> = (1..=3)
        .map(|i| h.issue("KTP", Some(Priority::Lansia), at(i)).unwrap())
        .collect();
    h.act("L1", "budi", CounterAction::Open, at(5)).unwrap();
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
    h.act("L1", "budi", CounterAction::Open, at(11)).unwrap();
    // KK has a 60 min target and KTP 10 min: at 14 min KK's ticket is at 14/60 of its
    // target, KTP's at 4/10, further behind.
    assert_eq!(h.call_next("L1", "budi", at(14)), Some(later));
    h.act("L1", "budi", CounterAction::Complete, at(14))
        .unwrap();
    assert_eq!(h.call_next("L1", "budi", at(14)), Some(early));
    // Wrong door: KK's visitor needed KTP. Meanwhile two more KTP visitors arrived.
    let after: Vec<_> = (0..2)
        .map(|i| h.issue("KTP", None, at(15 + i)).unwrap())
        .collect();
    let err = h.act(
        "L1",
        "budi",
        CounterAction::Transfer {
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
            CounterAction::Transfer {
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
    h.act("L2", "sari", CounterAction::Open, at(18)).unwrap();
    assert_eq!(h.call_next("L2", "sari", at(18)), Some(early));
    assert_eq!(h.call_next("L2", "sari", at(19)), Some(after[0]));
}

#[test]
fn no_show_can_be_reinstated_within_the_grace_period_only() {
    let mut h = Harness::new();
    let a = h.issue("KTP", None, at(0)).unwrap();
    let b = h.issue("KTP", None, at(1)).unwrap();
    h.act("L1", "budi", CounterAction::Open, at(2)).unwrap();
    assert_eq!(h.call_next("L1", "budi", at(2)), Some(a));
    h.act("L1", "budi", CounterAction::Recall, at(3)).unwrap();
    assert_eq!(h.engine.ticket(a).unwrap().recalls, 1);
    h.act("L1", "budi", CounterAction::NoShow, at(4)).unwrap();
    assert_eq!(
        h.engine.apply(
            Command::Reinstate {
                ticket: a,
                by: "budi".into()
            },
            at(4 + 31)
        ),
        Err(DomainError::GraceExpired)
    );
    h.engine
        .apply(
            Command::Reinstate {
                ticket: a,
                by: "budi".into(),
            },
            at(20),
        )
        .unwrap();
    // Back in line at its original place: before b.
    assert_eq!(h.call_next("L1", "budi", at(21)), Some(a));
    assert_eq!(h.call_next("L1", "budi", at(22)), Some(b));
}

#[test]
fn hold_and_resume_and_out_of_order_calls() {
    let mut h = Harness::new();
    let a = h.issue("KTP", None, at(0)).unwrap();
    let b = h.issue("KTP", None, at(1)).unwrap();
    let c = h.issue("KTP", None, at(2)).unwrap();
    h.act("L1", "budi", CounterAction::Open, at(3)).unwrap();
    h.call_next("L1", "budi", at(3));
    h.act("L1", "budi", CounterAction::Start, at(3)).unwrap();
    h.act(
        "L1",
        "budi",
        CounterAction::Hold {
            note: Some("fotokopi".into()),
        },
        at(4),
    )
    .unwrap();
    assert_eq!(h.engine.counter_state("L1").unwrap().held, vec![a]);
    // Calling c out of turn needs a reason and is marked.
    let call = |reason: &str| CounterAction::Call {
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
            CounterAction::Resume { ticket: Some(a) },
            at(6)
        ),
        Err(DomainError::CounterBusy)
    );
    h.act("L1", "budi", CounterAction::Complete, at(6)).unwrap();
    h.act(
        "L1",
        "budi",
        CounterAction::Resume { ticket: Some(a) },
        at(7),
    )
    .unwrap();
    assert_eq!(h.engine.ticket(a).unwrap().status, TicketStatus::Called);
    h.act("L1", "budi", CounterAction::Complete, at(8)).unwrap();
    // Pause blocks calls until resumed.
    h.act("L1", "budi", CounterAction::Pause, at(9)).unwrap();
    assert_eq!(
        h.act("L1", "budi", CounterAction::CallNext, at(9)),
        Err(DomainError::CounterPaused)
    );
    h.act("L1", "budi", CounterAction::Resume { ticket: None }, at(10))
        .unwrap();
    assert_eq!(h.call_next("L1", "budi", at(10)), Some(b));
}

#[test]
fn closing_a_counter_puts_held_visitors_back_in_line() {
    let mut h = Harness::new();
    let a = h.issue("KTP", None, at(0)).unwrap();
    h.act("L1", "budi", CounterAction::Open, at(1)).unwrap();
    h.call_next("L1", "budi", at(1));
    assert_eq!(
        h.act("L1", "budi", CounterAction::Close, at(2)),
        Err(DomainError::CounterBusy)
    );
    h.act("L1", "budi", CounterAction::Hold { note: None }, at(2))
        .unwrap();
    h.act("L1", "budi", CounterAction::Close, at(3)).unwrap();
    assert_eq!(h.engine.ticket(a).unwrap().status, TicketStatus::Waiting);
    assert_eq!(
        h.engine.counter_state("L1").unwrap().status,
        CounterStatus::Closed
    );
}

#[test]
fn estimates_follow_people_ahead_and_open_counters() {
    let mut h = Harness::new();
    let ids: Vec<_> = (0..4)
        .map(|i| h.issue("KTP", None, at(i)).unwrap())
        .collect();
    let view = h.engine.ticket_view(h.engine.ticket(ids[3]).unwrap());
    assert_eq!(view.position, Some(3));
    // 3 ahead × 5 min, no counter open yet (one assumed).
    assert_eq!(view.estimated_wait_s, Some(900));
    h.act("L1", "budi", CounterAction::Open, at(5)).unwrap();
    h.act("L2", "sari", CounterAction::Open, at(5)).unwrap();
    let view = h.engine.ticket_view(h.engine.ticket(ids[3]).unwrap());
    assert_eq!(view.estimated_wait_s, Some(450));
}

// ---- properties ------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Issue(usize, bool),
    Act(usize, u8),
    Transfer(usize, usize),
    Reinstate(usize),
    Cancel(usize),
    Wait(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2usize, any::<bool>()).prop_map(|(s, p)| Op::Issue(s, p)),
        6 => (0..2usize, 0..11u8).prop_map(|(c, a)| Op::Act(c, a)),
        1 => (0..2usize, 0..2usize).prop_map(|(c, s)| Op::Transfer(c, s)),
        1 => (0..40usize).prop_map(Op::Reinstate),
        1 => (0..40usize).prop_map(Op::Cancel),
        2 => (1..400i64).prop_map(Op::Wait),
    ]
}

fn check_invariants(engine: &Engine) {
    let mut active_at: HashMap<TicketId, &str> = HashMap::new();
    for counter in &engine.site().counters {
        let state = engine.counter_state(&counter.code).unwrap();
        if let Some(id) = state.active {
            assert!(
                active_at.insert(id, &counter.code).is_none(),
                "ticket {id} active at two counters"
            );
            let t = engine.ticket(id).unwrap();
            assert!(matches!(
                t.status,
                TicketStatus::Called | TicketStatus::Serving
            ));
            assert_eq!(t.counter.as_deref(), Some(counter.code.as_str()));
            assert_ne!(state.status, CounterStatus::Closed);
        }
        for &id in &state.held {
            assert_eq!(engine.ticket(id).unwrap().status, TicketStatus::Held);
        }
    }
    let mut waiting = HashSet::new();
    for service in &engine.site().services {
        for t in engine.waiting(&service.code) {
            assert!(waiting.insert(t.id), "ticket {} twice in line", t.id);
            assert_eq!(t.service, service.code);
        }
    }
    let mut numbers = HashSet::new();
    for t in engine.tickets() {
        if t.day == engine.day() {
            assert!(
                numbers.insert(t.label()),
                "number {} given twice",
                t.label()
            );
        }
        match t.status {
            TicketStatus::Waiting => assert!(
                waiting.contains(&t.id),
                "waiting ticket {} not in line",
                t.id
            ),
            TicketStatus::Called | TicketStatus::Serving => assert!(active_at.contains_key(&t.id)),
            _ => assert!(!waiting.contains(&t.id)),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_sequences_keep_the_invariants(ops in proptest::collection::vec(op(), 1..150)) {
        let mut h = Harness::new();
        let mut now = at(0);
        let counters = ["L1", "L2"];
        let services = ["KTP", "KK"];
        let mut issued: Vec<TicketId> = Vec::new();
        let mut labels: HashMap<String, u32> = HashMap::new();
        let mut priority_run: HashMap<&str, u32> = HashMap::new();
        for op in ops {
            match op {
                Op::Wait(minutes) => {
                    now += SignedDuration::from_mins(minutes);
                    h.engine.advance(now);
                }
                Op::Issue(s, p) => {
                    let priority = p.then_some(Priority::IbuHamil);
                    if let Ok(id) = h.issue(services[s], priority, now) {
                        let t = h.engine.ticket(id).unwrap();
                        // Strictly increasing per prefix within the day.
                        let last = labels.entry(format!("{}{}", t.day, t.prefix)).or_default();
                        prop_assert!(t.number > *last);
                        *last = t.number;
                        issued.push(id);
                    }
                }
                Op::Act(c, a) => {
                    let action = act(a);
                    let normal_waiting_before = h.engine.site().counter(counters[c]).unwrap().services.iter()
                        .flat_map(|s| h.engine.waiting(s)).any(|t| t.priority.is_none());
                    if let Ok(out) = h.act(counters[c], "budi", action.clone(), now)
                        && let (CounterAction::CallNext, Answer::Ticket(id)) = (&action, &out.answer)
                    {
                        let run = priority_run.entry(counters[c]).or_default();
                        if h.engine.ticket(*id).unwrap().priority.is_some() && normal_waiting_before {
                            *run += 1;
                            prop_assert!(*run <= 2, "priority streak beyond the guard");
                        } else {
                            *run = 0;
                        }
                    }
                    if matches!(action, CounterAction::Close) {
                        priority_run.remove(counters[c]);
                    }
                }
                Op::Transfer(c, s) => {
                    let _ = h.act(counters[c], "budi", CounterAction::Transfer { service: services[s].into(), note: None }, now);
                }
                Op::Reinstate(i) => {
                    if let Some(&id) = issued.get(i) {
                        let _ = h.engine.apply(Command::Reinstate { ticket: id, by: "budi".into() }, now);
                    }
                }
                Op::Cancel(i) => {
                    if let Some(&id) = issued.get(i) {
                        let _ = h.engine.apply(Command::Cancel { ticket: id, reason: None, by: None }, now);
                    }
                }
            }
            check_invariants(&h.engine);
        }
    }

    #[test]
    fn a_refused_command_changes_nothing(ops in proptest::collection::vec(op(), 1..60), c in 0..2usize, a in 0..11u8) {
        let mut h = Harness::new();
        let mut now = at(0);
        for op in ops {
            match op {
                Op::Issue(s, p) => { let _ = h.issue(["KTP", "KK"][s], p.then_some(Priority::Anak), now); }
                Op::Act(c, a) => { let _ = h.act(["L1", "L2"][c], "budi", act(a), now); }
                Op::Wait(m) => now += SignedDuration::from_secs(m),
                _ => {}
            }
        }
        let before = h.engine.snapshot(0, now);
        let tickets_before: Vec<_> = { let mut v: Vec<_> = h.engine.tickets().cloned().collect(); v.sort_by_key(|t| t.id); v };
        if h.act(["L1", "L2"][c], "sari", act(a), now).is_err() {
            let mut after: Vec<_> = h.engine.tickets().cloned().collect();
            after.sort_by_key(|t| t.id);
            prop_assert_eq!(tickets_before, after);
            prop_assert_eq!(before, h.engine.snapshot(0, now));
        }
    }
}

fn act(a: u8) -> CounterAction {
    match a {
        0 => CounterAction::Open,
        1 => CounterAction::Close,
        2 => CounterAction::Pause,
        3 => CounterAction::Resume { ticket: None },
        4..=6 => CounterAction::CallNext,
        7 => CounterAction::Start,
        8 => CounterAction::Complete,
        9 => CounterAction::NoShow,
        _ => CounterAction::Hold { note: None },
    }
}
