//! Issuing, quotas, numbering, idempotency, reinstating and estimates.

use super::*;

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
    h.act("L1", "budi", OPEN, after).unwrap();
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
            opens_at: Some("08:00".into()),
            holiday: None,
        }
    );
}

#[test]
fn a_holiday_closes_its_services_for_the_day_and_says_why() {
    let mut config = crate::config::SiteConfig::from_toml(SITE).unwrap();
    config.holidays.push(antre_protocol::Holiday {
        date: "2026-11-23".into(),
        name: "Penutupan lokal".into(),
        name_en: Some("Local closure".into()),
        services: vec!["KTP".into()],
    });
    let mut engine = Engine::new(config.site().unwrap(), t0());
    let issue = |service: &str| {
        Command::Issue(Issue {
            service: service.into(),
            priority: None,
            kiosk: None,
            idempotency_key: None,
            track_token: format!("t-{service}"),
        })
    };
    assert_eq!(
        engine.apply(issue("KTP"), at(0)).unwrap_err(),
        DomainError::ServiceClosed {
            opens_at: None,
            holiday: Some("Penutupan lokal".into()),
        }
    );
    // Services the holiday does not list stay open.
    assert!(engine.apply(issue("KK"), at(0)).is_ok());
    let queues = engine.queues(at(0));
    let ktp = queues.iter().find(|q| q.service == "KTP").unwrap();
    assert_eq!(ktp.state, antre_protocol::QueueState::Closed);
    assert_eq!(ktp.holiday.as_deref(), Some("Penutupan lokal"));
    // The next day it opens again.
    let tomorrow = at(24 * 60);
    engine.advance(tomorrow);
    assert!(engine.apply(issue("KTP"), tomorrow).is_ok());
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
    assert_eq!(first.affected, again.affected);
    assert!(again.changes.is_empty());
    assert_eq!(
        h.engine.apply(issue("KK"), at(1)),
        Err(DomainError::IdempotencyConflict)
    );
}

#[test]
fn no_show_can_be_reinstated_within_the_grace_period_only() {
    let mut h = Harness::new();
    let a = h.issue("KTP", None, at(0)).unwrap();
    let b = h.issue("KTP", None, at(1)).unwrap();
    h.act("L1", "budi", OPEN, at(2)).unwrap();
    assert_eq!(h.call_next("L1", "budi", at(2)), Some(a));
    h.act("L1", "budi", CounterCommand::Recall, at(3)).unwrap();
    assert_eq!(h.engine.ticket(a).unwrap().recalls, 1);
    h.act("L1", "budi", CounterCommand::NoShow, at(4)).unwrap();
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
fn estimates_follow_people_ahead_and_open_counters() {
    let mut h = Harness::new();
    let ids: Vec<_> = (0..4)
        .map(|i| h.issue("KTP", None, at(i)).unwrap())
        .collect();
    let view = h.engine.ticket_view(h.engine.ticket(ids[3]).unwrap());
    assert_eq!(view.position, Some(3));
    // 3 ahead × 5 min, no counter open yet (one assumed).
    assert_eq!(view.estimated_wait_s, Some(900));
    h.act("L1", "budi", OPEN, at(5)).unwrap();
    h.act("L2", "sari", OPEN, at(5)).unwrap();
    let view = h.engine.ticket_view(h.engine.ticket(ids[3]).unwrap());
    assert_eq!(view.estimated_wait_s, Some(450));
}
