//! Random command sequences against the engine's invariants.

use proptest::prelude::*;

use super::*;

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
        6 => (0..2usize, 0..12u8).prop_map(|(c, a)| Op::Act(c, a)),
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
                        && let (CounterCommand::CallNext, Affected::Ticket(id)) = (&action, &out.affected)
                    {
                        let run = priority_run.entry(counters[c]).or_default();
                        if h.engine.ticket(*id).unwrap().priority.is_some() && normal_waiting_before {
                            *run += 1;
                            prop_assert!(*run <= 2, "priority streak beyond the guard");
                        } else {
                            *run = 0;
                        }
                    }
                    if matches!(action, CounterCommand::Close) {
                        priority_run.remove(counters[c]);
                    }
                }
                Op::Transfer(c, s) => {
                    let _ = h.act(counters[c], "budi", CounterCommand::Transfer { service: services[s].into(), note: None }, now);
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
    fn a_refused_command_changes_nothing(ops in proptest::collection::vec(op(), 1..60), c in 0..2usize, a in 0..12u8) {
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

fn act(a: u8) -> CounterCommand {
    match a {
        0 => OPEN,
        1 => CounterCommand::Close,
        2 => CounterCommand::Pause,
        3 => CounterCommand::Resume { ticket: None },
        4..=6 => CounterCommand::CallNext,
        7 => CounterCommand::Start,
        8 => CounterCommand::Complete,
        9 => CounterCommand::NoShow,
        10 => CounterCommand::Hold { note: None },
        _ => CounterCommand::Requeue,
    }
}
