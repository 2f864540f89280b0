//! Bookings: the rules of `engine::booking` one by one, on the test site with KK made
//! bookable (two seats an hour from 09:00 to 12:00, an online-only hour at 13:00, a
//! place a day in the remote queue).

use super::*;

fn booking_site() -> Arc<Site> {
    let text = SITE.replace(
        "daily_quota = 2\n",
        r#"daily_quota = 2
[services.booking]
days_ahead = 7
release = "07:00"
release_days_before = 3
check_in_before_min = 30
check_in_after_min = 15
change_until_min = 60
remote_quota = 1
[[services.booking.sessions]]
start = "09:00"
end = "12:00"
slot_min = 60
quota = 2
[[services.booking.sessions]]
start = "13:00"
end = "14:00"
quota = 1
online_only = true
"#,
    );
    let text = text + "\n[notify]\nahead = 1\n";
    crate::config::SiteConfig::from_toml(&text)
        .unwrap()
        .site()
        .unwrap()
}

fn engine() -> Engine {
    Engine::new(booking_site(), t0())
}

fn day(offset: i64) -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 23) + jiff::Span::new().days(offset)
}

fn book(code: &str, nik: &str, date: jiff::civil::Date, start: Option<u16>) -> Command {
    Command::Book(Book {
        code: code.into(),
        manage_digest: format!("digest-{code}"),
        service: "KK".into(),
        date,
        start_min: start,
        nik_hash: format!("hash-{nik}"),
        nik_last4: nik[nik.len() - 4..].into(),
        name: "Warga".into(),
        phone: "6281234567890".into(),
    })
}

fn check_in(code: &str) -> Command {
    Command::CheckIn {
        code: code.into(),
        kiosk: Some("K1".into()),
        by: None,
        track_token: format!("track-{code}"),
    }
}

fn kinds(out: &Outcome) -> Vec<EventKind> {
    out.changes.iter().map(|c| c.kind).collect()
}

#[test]
fn rule_1_no_seat_is_sold_twice_and_the_quota_is_exact() {
    let mut e = engine();
    for (code, nik) in [("AAAAAAAA", "0001"), ("CCCCCCCC", "0002")] {
        e.apply(book(code, nik, day(1), Some(600)), t0()).unwrap();
    }
    assert_eq!(
        e.apply(book("DDDDDDDD", "0003", day(1), Some(600)), t0()),
        Err(DomainError::QuotaFull)
    );
    assert_eq!(e.bookings().taken("KK", day(1), Some(600)), 2);
    // Another session of the day still has its seats.
    e.apply(book("DDDDDDDD", "0003", day(1), Some(660)), t0())
        .unwrap();
}

#[test]
fn rule_2_one_active_booking_per_nik_service_and_day() {
    let mut e = engine();
    e.apply(book("AAAAAAAA", "0001", day(1), Some(600)), t0())
        .unwrap();
    assert_eq!(
        e.apply(book("CCCCCCCC", "0001", day(1), Some(660)), t0()),
        Err(DomainError::AlreadyBooked)
    );
    e.apply(book("CCCCCCCC", "0001", day(2), Some(660)), t0())
        .unwrap();
    e.apply(
        Command::CancelBooking {
            code: "AAAAAAAA".into(),
            by: None,
        },
        t0(),
    )
    .unwrap();
    e.apply(book("DDDDDDDD", "0001", day(1), Some(660)), t0())
        .unwrap();
}

#[test]
fn rule_3_a_checked_in_booking_is_a_ticket_outside_the_walk_in_quota() {
    let mut e = engine();
    e.apply(book("AAAAAAAA", "0001", day(0), Some(540)), t0())
        .unwrap();
    let out = e.apply(check_in("AAAAAAAA"), at(5)).unwrap();
    assert_eq!(
        kinds(&out),
        vec![EventKind::BookingCheckedIn, EventKind::TicketIssued]
    );
    let Affected::Ticket(id) = out.affected else {
        panic!("a ticket")
    };
    let ticket = e.ticket(id).unwrap();
    assert_eq!(ticket.booking.as_deref(), Some("AAAAAAAA"));
    assert_eq!(ticket.place(), t0(), "its place is the session's start");
    // KK's two walk-in tickets a day are still there.
    let mut h = Harness {
        engine: e,
        tokens: 0,
    };
    h.issue("KK", None, at(6)).unwrap();
    h.issue("KK", None, at(7)).unwrap();
    assert_eq!(h.issue("KK", None, at(8)), Err(DomainError::QuotaFull));
    assert_eq!(
        h.engine.apply(check_in("AAAAAAAA"), at(9)).unwrap_err(),
        DomainError::AlreadyCheckedIn
    );
}

#[test]
fn rule_3_check_in_only_inside_the_window() {
    let mut e = engine();
    e.apply(book("AAAAAAAA", "0001", day(0), Some(660)), t0())
        .unwrap();
    match e.apply(check_in("AAAAAAAA"), t0()) {
        Err(DomainError::CheckInClosed { from, until }) => {
            assert_eq!(from, "2026-11-23T10:30:00+08:00");
            assert_eq!(until, "2026-11-23T11:15:00+08:00");
        }
        other => panic!("{other:?}"),
    }
    e.apply(check_in("AAAAAAAA"), at(90)).unwrap();
}

#[test]
fn rule_4_a_booking_not_checked_in_by_the_close_is_a_no_show_and_keeps_its_seat() {
    let mut e = engine();
    e.apply(book("AAAAAAAA", "0001", day(0), Some(540)), t0())
        .unwrap();
    assert!(e.advance(at(14)).is_empty());
    let changes = e.advance(at(15));
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, EventKind::BookingNoShow);
    assert_eq!(
        e.booking("AAAAAAAA").unwrap().status,
        antre_protocol::BookingStatus::NoShow
    );
    assert_eq!(e.bookings().taken("KK", day(0), Some(540)), 1);
    assert_eq!(
        e.apply(check_in("AAAAAAAA"), at(16)).unwrap_err(),
        DomainError::NotActive
    );
}

#[test]
fn rule_5_the_holder_changes_until_the_cut_off_staff_at_any_time() {
    let mut e = engine();
    e.apply(book("AAAAAAAA", "0001", day(0), Some(600)), t0())
        .unwrap();
    let cancel = |by: Option<&str>| Command::CancelBooking {
        code: "AAAAAAAA".into(),
        by: by.map(str::to_string),
    };
    // 10:00's cut-off is 09:00: now.
    assert_eq!(
        e.apply(cancel(None), t0()).unwrap_err(),
        DomainError::TooLateToChange
    );
    e.apply(cancel(Some("penyelia")), t0()).unwrap();
    e.apply(book("CCCCCCCC", "0002", day(1), Some(660)), t0())
        .unwrap();
    let moved = |start| Command::Reschedule {
        code: "CCCCCCCC".into(),
        date: day(1),
        start_min: start,
    };
    let out = e.apply(moved(600), t0()).unwrap();
    assert_eq!(
        out.changes[0]
            .detail
            .booking
            .as_ref()
            .unwrap()
            .moved_from
            .as_deref(),
        Some("2026-11-24 11:00")
    );
    assert_eq!(e.bookings().taken("KK", day(1), Some(660)), 0);
    assert_eq!(
        e.apply(moved(540), t0()).unwrap_err(),
        DomainError::AlreadyRescheduled
    );
}

#[test]
fn days_outside_the_rules_are_refused_with_the_reason() {
    let mut e = engine();
    let refused = |e: &mut Engine, date, start| {
        e.apply(book("AAAAAAAA", "0001", date, Some(start)), t0())
            .unwrap_err()
    };
    // Released three days ahead at 07:00: the 27th opens on the 24th.
    assert_eq!(
        refused(&mut e, day(4), 600),
        DomainError::NotOpenYet {
            opens_at: "2026-11-24T07:00:00+08:00".into()
        }
    );
    assert_eq!(
        refused(&mut e, day(8), 600),
        DomainError::OutsideWindow { days_ahead: 7 }
    );
    assert_eq!(refused(&mut e, day(1), 570), DomainError::NoSession);
    // Today's 09:00 closes its check-in at 09:15: booking it is still possible now,
    // not after.
    e.apply(book("AAAAAAAA", "0001", day(0), Some(540)), at(14))
        .unwrap();
    assert_eq!(
        e.apply(book("CCCCCCCC", "0002", day(0), Some(540)), at(15))
            .unwrap_err(),
        DomainError::SessionStarted
    );
}

#[test]
fn the_reminder_is_due_an_hour_before_the_session() {
    let mut e = engine();
    e.apply(book("AAAAAAAA", "0001", day(0), Some(660)), t0())
        .unwrap();
    // Booked at 09:00 for 10:00: an hour before is now, so no reminder.
    e.apply(book("CCCCCCCC", "0002", day(0), Some(600)), t0())
        .unwrap();
    let reminders = |changes: Vec<Change>| -> Vec<String> {
        changes
            .into_iter()
            .filter(|c| c.kind == EventKind::BookingReminder)
            .map(|c| c.detail.booking.unwrap().code)
            .collect()
    };
    // 11:00's reminder is at 10:00.
    assert!(reminders(e.advance(at(59))).is_empty());
    assert_eq!(reminders(e.advance(at(60))), vec!["AAAAAAAA".to_string()]);
    assert!(reminders(e.advance(at(61))).is_empty(), "once");
}

#[test]
fn walk_ins_are_refused_during_an_online_only_session() {
    let mut h = Harness {
        engine: engine(),
        tokens: 0,
    };
    assert_eq!(
        h.issue("KK", None, at(4 * 60 + 30)),
        Err(DomainError::OnlineOnly)
    );
    h.issue("KK", None, at(5 * 60)).unwrap();
}

#[test]
fn the_remote_queue_keeps_the_place_taken_from_home() {
    let mut h = Harness {
        engine: engine(),
        tokens: 0,
    };
    h.engine
        .apply(book("AAAAAAAA", "0001", day(0), None), t0())
        .unwrap();
    assert_eq!(
        h.engine
            .apply(book("CCCCCCCC", "0002", day(0), None), t0())
            .unwrap_err(),
        DomainError::QuotaFull,
        "one place a day"
    );
    let walk_in = h.issue("KK", None, at(10)).unwrap();
    h.engine.apply(check_in("AAAAAAAA"), at(30)).unwrap();
    h.act("L1", "budi", OPEN, at(31)).unwrap();
    let first = h.call_next("L1", "budi", at(31)).unwrap();
    assert_eq!(
        h.engine.ticket(first).unwrap().booking.as_deref(),
        Some("AAAAAAAA"),
        "taken at 09:00, before the walk-in of 09:10"
    );
    assert_ne!(first, walk_in);
}

#[test]
fn a_checked_in_visitor_is_told_once_when_few_are_ahead() {
    // `[notify] ahead = 1`: told when one person is ahead.
    let mut h = Harness {
        engine: engine(),
        tokens: 0,
    };
    h.engine
        .apply(book("AAAAAAAA", "0001", day(0), Some(600)), t0())
        .unwrap();
    h.issue("KK", None, at(1)).unwrap();
    h.issue("KK", None, at(2)).unwrap();
    // Checked in early: its place is 10:00, behind both walk-ins.
    let out = h.engine.apply(check_in("AAAAAAAA"), at(40)).unwrap();
    assert!(!kinds(&out).contains(&EventKind::TicketNear));
    h.act("L1", "budi", OPEN, at(41)).unwrap();
    let out = h
        .act("L1", "budi", CounterCommand::CallNext, at(41))
        .unwrap();
    let near: Vec<_> = out
        .changes
        .iter()
        .filter(|c| c.kind == EventKind::TicketNear)
        .collect();
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].detail.ahead, Some(1));
    h.act("L1", "budi", CounterCommand::Complete, at(45))
        .unwrap();
    let out = h
        .act("L1", "budi", CounterCommand::CallNext, at(45))
        .unwrap();
    assert!(!kinds(&out).contains(&EventKind::TicketNear), "once");
}
