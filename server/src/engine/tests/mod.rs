//! Engine tests: the rules one by one (a file per concept), then random command
//! sequences against the invariants (proptest).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use antre_protocol::{CounterStatus, EventKind, Priority, TicketStatus};
use jiff::{SignedDuration, Timestamp};

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

/// Opening a counter the usual way (no takeover).
const OPEN: CounterCommand = CounterCommand::Open { take_over: false };

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
        match out.affected {
            Affected::Ticket(id) => Ok(id),
            other => panic!("issue answered {other:?}"),
        }
    }

    fn act(
        &mut self,
        counter: &str,
        user: &str,
        action: CounterCommand,
        now: Timestamp,
    ) -> Result<Outcome, DomainError> {
        self.engine.apply(
            Command::Counter {
                counter: counter.into(),
                by: officer(user),
                command: action,
            },
            now,
        )
    }

    fn call_next(&mut self, counter: &str, user: &str, now: Timestamp) -> Option<TicketId> {
        match self
            .act(counter, user, CounterCommand::CallNext, now)
            .unwrap()
            .affected
        {
            Affected::Ticket(id) => Some(id),
            Affected::Nothing => None,
            other => panic!("call-next answered {other:?}"),
        }
    }

    fn label(&self, id: TicketId) -> String {
        self.engine.ticket(id).unwrap().label()
    }
}

mod booking;
mod invariants;
mod issuing;
mod serving;
mod site_change;
