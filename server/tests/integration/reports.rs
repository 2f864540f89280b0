//! Report figures against a hand computation. Two known days are made through the real
//! engine and writer with an injected clock on a real SQLite file (issues, calls, a
//! recall, a no-show reinstated and served, a transfer to another agency, a
//! cancellation, a visit served across midnight, an out-of-order call, pauses and
//! survey answers), then every report is read from its own connection and compared
//! with the figures worked out below by hand.

use std::sync::Arc;

use antre_protocol::{Priority, SurveyRecord};
use antre_server::clock::ManualClock;
use antre_server::config::SiteConfig;
use antre_server::engine::{Actor, Command, CounterCommand, DomainError, Issue};
use antre_server::reports::skm::SkmFilter;
use antre_server::reports::summary::{Group, summary};
use antre_server::reports::{Period, Scope};
use antre_server::store;
use antre_server::writer::{Reply, WriteError, Writer};
use jiff::Timestamp;
use jiff::civil::date;

const SITE: &str = r#"
[site]
code = "R"
name = "MPP Laporan"
timezone = "Asia/Makassar"
hours = "00:00-24:00"
days = ["mon","tue","wed","thu","fri","sat","sun"]
no_show_grace_min = 30

[[zones]]
code = "A"
name = "Zona A"

[[agencies]]
code = "DUK"
short = "Dukcapil"
name = "Dinas Kependudukan"
name_en = "Civil registry"

[[agencies]]
code = "IMI"
short = "Imigrasi"
name = "Kantor Imigrasi"
name_en = "Immigration"

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

[[services]]
code = "PAS"
agency = "IMI"
prefix = "P"
name = "Paspor"
name_en = "Passport"
target_wait_min = 20
avg_service_min = 10

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
agency = "IMI"
services = ["PAS"]
"#;

struct Day {
    writer: Writer,
    clock: Arc<ManualClock>,
}

impl Day {
    /// Moves the clock to `hh:mm` WITA of `day` (23 or 24 November 2026).
    fn at(&self, day: i8, hm: &str) {
        let t: Timestamp = format!("2026-11-{day:02}T{hm}:00+08:00").parse().unwrap();
        self.clock.set(t);
    }

    async fn run(&self, command: Command) -> Result<Reply, WriteError> {
        self.writer.tick().await;
        self.writer.execute(command).await
    }

    async fn issue(&self, service: &str, priority: Option<Priority>, token: &str) -> u64 {
        let reply = self
            .run(Command::Issue(Issue {
                service: service.into(),
                priority,
                kiosk: None,
                idempotency_key: None,
                track_token: token.into(),
            }))
            .await
            .unwrap();
        match reply {
            Reply::Ticket(t) => t.id,
            other => panic!("{other:?}"),
        }
    }

    async fn counter(&self, counter: &str, officer: &str, command: CounterCommand) -> Reply {
        self.run(Command::Counter {
            counter: counter.into(),
            by: Actor {
                user: officer.into(),
                any_counter: false,
            },
            command,
        })
        .await
        .unwrap_or_else(|e| panic!("{counter} by {officer}: {e}"))
    }

    async fn survey(&self, token: &str, answers: [u8; 9]) -> Result<Reply, WriteError> {
        self.run(Command::Answer {
            track_token: token.into(),
            survey: SurveyRecord {
                answers: answers.to_vec(),
                profile: None,
                suggestion: None,
            },
        })
        .await
    }
}

fn called(reply: Reply) -> String {
    match reply {
        Reply::Ticket(t) => t.number,
        Reply::Counter(c) => c.ticket.map(|t| t.number).unwrap_or_default(),
        Reply::Nothing | Reply::Booking(_) => String::new(),
    }
}

/// The two days of the module's doc, as commands.
async fn two_known_days(writer: Writer, clock: Arc<ManualClock>) -> Day {
    use CounterCommand::*;
    let d = Day { writer, clock };
    let open = || Open { take_over: false };
    // Monday 23 November 2026.
    d.at(23, "07:50");
    let t1 = d.issue("KTP", None, "t1").await; // A001
    d.at(23, "08:00");
    d.counter("L1", "o1", open()).await;
    d.counter("L2", "o2", open()).await;
    d.at(23, "08:04");
    assert_eq!(called(d.counter("L1", "o1", CallNext).await), "A001");
    d.at(23, "08:05");
    d.counter("L1", "o1", Start).await;
    let t2 = d.issue("KTP", Some(Priority::Lansia), "t2").await; // A002
    d.at(23, "08:10");
    d.counter("L1", "o1", Complete).await;
    d.at(23, "08:12");
    assert_eq!(called(d.counter("L1", "o1", CallNext).await), "A002");
    d.at(23, "08:13");
    d.counter("L1", "o1", Recall).await;
    d.at(23, "08:14");
    d.counter("L1", "o1", NoShow).await;
    d.at(23, "08:20");
    d.run(Command::Reinstate {
        ticket: t2,
        by: "penyelia".into(),
    })
    .await
    .unwrap();
    d.at(23, "08:25");
    assert_eq!(called(d.counter("L1", "o1", CallNext).await), "A002");
    d.at(23, "08:30");
    d.counter("L1", "o1", Complete).await;
    let _t3 = d.issue("KTP", None, "t3").await; // A003
    d.at(23, "08:40");
    assert_eq!(called(d.counter("L1", "o1", CallNext).await), "A003");
    d.at(23, "08:45");
    d.counter(
        "L1",
        "o1",
        Transfer {
            service: "PAS".into(),
            note: None,
        },
    )
    .await;
    d.at(23, "09:00");
    assert_eq!(called(d.counter("L2", "o2", CallNext).await), "A003");
    let t4 = d.issue("KK", None, "t4").await; // B001
    d.at(23, "09:05");
    d.run(Command::Cancel {
        ticket: t4,
        reason: Some("salah layanan".into()),
        by: Some("penyelia".into()),
    })
    .await
    .unwrap();
    d.at(23, "09:10");
    d.counter("L2", "o2", Complete).await;
    let _t5 = d.issue("PAS", None, "t5").await; // P001
    d.at(23, "09:15");
    assert_eq!(called(d.counter("L2", "o2", CallNext).await), "P001");
    d.at(23, "09:20");
    d.counter("L2", "o2", Complete).await;
    d.at(23, "09:30");
    d.counter("L1", "o1", Pause).await;
    d.at(23, "09:45");
    d.counter("L1", "o1", Resume { ticket: None }).await;
    // The survey: the worked example of the SKM module's tests.
    d.at(23, "09:50");
    d.survey("t1", [4, 3, 3, 4, 3, 4, 4, 3, 3]).await.unwrap();
    d.survey("t2", [3, 3, 2, 4, 3, 3, 4, 2, 3]).await.unwrap();
    d.survey("t3", [4, 4, 3, 4, 4, 4, 4, 3, 4]).await.unwrap();
    d.survey("t5", [3, 2, 2, 4, 3, 3, 3, 2, 3]).await.unwrap();
    assert!(matches!(
        d.survey("t1", [1; 9]).await,
        Err(WriteError::Domain(DomainError::AlreadyAnswered))
    ));
    assert!(matches!(
        d.survey("t4", [1; 9]).await,
        Err(WriteError::Domain(DomainError::NotServed))
    ));
    d.at(23, "10:00");
    d.counter("L1", "o1", Close).await;
    d.counter("L2", "o2", Close).await;
    // A late visitor, served across midnight: the visit stays Monday's.
    d.at(23, "23:50");
    d.counter("L1", "o1", open()).await;
    d.at(23, "23:55");
    let _t6 = d.issue("KTP", None, "t6").await; // A004
    d.at(23, "23:58");
    assert_eq!(called(d.counter("L1", "o1", CallNext).await), "A004");
    d.at(24, "00:05");
    d.counter("L1", "o1", Complete).await;
    d.at(24, "00:10");
    d.counter("L1", "o1", Close).await;
    // Tuesday: an out-of-order call.
    d.at(24, "09:00");
    let t7 = d.issue("KTP", None, "t7").await; // A001 of Tuesday
    d.counter("L1", "o1", open()).await;
    d.at(24, "09:01");
    let t8 = d.issue("KTP", None, "t8").await; // A002
    d.at(24, "09:05");
    assert_eq!(
        called(
            d.counter(
                "L1",
                "o1",
                Call {
                    ticket: t8,
                    reason: "berkas susulan".into()
                }
            )
            .await
        ),
        "A002"
    );
    d.at(24, "09:06");
    d.counter("L1", "o1", Complete).await;
    d.at(24, "09:30");
    d.counter("L1", "o1", Close).await;
    let _ = (t1, t7);
    d
}

async fn known_days() -> (tempfile::TempDir, Arc<antre_server::engine::Site>, Day) {
    let site = SiteConfig::from_toml(SITE).unwrap().site().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = store::db_path(dir.path());
    let clock = Arc::new(ManualClock::new(
        "2026-11-23T07:00:00+08:00".parse().unwrap(),
    ));
    let (writer, _thread) =
        Writer::start(db, site.clone(), clock.clone(), |_, _| {}, false).unwrap();
    let day = two_known_days(writer, clock).await;
    (dir, site, day)
}

fn monday_and_tuesday() -> Period {
    Period::new(date(2026, 11, 23), date(2026, 11, 24)).unwrap()
}

/// Legs by hand (times WITA; waits from the leg's start to its first call, service from
/// the answered call to the end):
///
/// | leg        | svc | start | 1st call | call  | end         | outcome     | wait | service |
/// |------------|-----|-------|----------|-------|-------------|-------------|------|---------|
/// | A001 Mon   | KTP | 07:50 | 08:04    | 08:04 | 08:10       | done        | 840  | 360     |
/// | A002 Mon ★ | KTP | 08:05 | 08:12    | 08:25 | 08:30       | done        | 420  | 300     |
/// | A003 Mon   | KTP | 08:30 | 08:40    | 08:40 | 08:45       | transferred | 600  | 300     |
/// | A003 Mon → | PAS | 08:45 | 09:00    | 09:00 | 09:10       | done        | 900  | 600     |
/// | B001 Mon   | KK  | 09:00 | —        | —     | 09:05       | cancelled   | —    | —       |
/// | P001 Mon   | PAS | 09:10 | 09:15    | 09:15 | 09:20       | done        | 300  | 300     |
/// | A004 Mon   | KTP | 23:55 | 23:58    | 23:58 | 00:05 (Tue) | done        | 180  | 420     |
/// | A001 Tue   | KTP | 09:00 | —        | —     | —           | (waiting)   | —    | —       |
/// | A002 Tue   | KTP | 09:01 | 09:05    | 09:05 | 09:06       | done        | 240  | 60      |
///
/// ★ priority (lansia), recalled, no-show, reinstated, served: one served visit.
#[tokio::test]
async fn summary_by_service_equals_the_hand_computation() {
    let (dir, site, day) = known_days().await;
    let conn = store::open_reader(&store::db_path(dir.path())).unwrap();
    let s = summary(
        &conn,
        &site,
        monday_and_tuesday(),
        &Scope::default(),
        Group::Service,
    )
    .unwrap();
    let keys: Vec<&str> = s.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["KTP", "KK", "PAS"], "in the site's order");
    let ktp = &s.rows[0];
    assert_eq!(ktp.label, "KTP-el");
    // Issued A001, A002, A003, A004 (Mon), A001, A002 (Tue): 6, one with priority.
    assert_eq!((ktp.issued, ktp.walk_in, ktp.priority), (6, 5, 1));
    // Served A001, A002, A004, A002 (Tue); A003 left for PAS; no no-show is left.
    assert_eq!((ktp.served, ktp.no_show, ktp.cancelled), (4, 0, 0));
    assert_eq!((ktp.transferred_in, ktp.transferred_out), (0, 1));
    // Waits 840, 420, 600, 180, 240 → sorted 180 240 420 600 840: mean 2280/5 = 456,
    // median 420, p90 = ceil(4.5) = 5th = 840, max 840.
    assert_eq!(ktp.wait.count, 5);
    assert_eq!(ktp.wait.mean_s, Some(456.0));
    assert_eq!(ktp.wait.median_s, Some(420.0));
    assert_eq!(ktp.wait.p90_s, Some(840.0));
    assert_eq!(ktp.wait.max_s, Some(840));
    // Target 600 s: all but A001's 840 (600 is within: at most the target).
    assert_eq!(ktp.within_target, 4);
    assert_eq!(ktp.within_target_share, Some(0.8));
    // Service 360, 300, 300, 420, 60 → sorted 60 300 300 360 420: mean 1440/5 = 288,
    // median 300, p90 420, max 420.
    assert_eq!(ktp.service.count, 5);
    assert_eq!(ktp.service.mean_s, Some(288.0));
    assert_eq!(ktp.service.median_s, Some(300.0));
    assert_eq!(ktp.service.p90_s, Some(420.0));
    assert_eq!(ktp.service.max_s, Some(420));

    let kk = &s.rows[1];
    assert_eq!(
        (kk.issued, kk.cancelled, kk.served, kk.wait.count),
        (1, 1, 0, 0)
    );
    assert_eq!(kk.within_target_share, None);

    let pas = &s.rows[2];
    // P001 issued here; A003 came in by transfer; both served.
    assert_eq!((pas.issued, pas.transferred_in, pas.served), (1, 1, 2));
    // Waits 900 (from the transfer, not from A003's issue) and 300.
    assert_eq!(pas.wait.mean_s, Some(600.0));
    assert_eq!(pas.wait.median_s, Some(600.0));
    assert_eq!(pas.wait.p90_s, Some(900.0));
    assert_eq!(pas.within_target, 2);
    assert_eq!(pas.service.mean_s, Some(450.0));
    assert_eq!(pas.service.max_s, Some(600));

    let t = &s.total;
    assert_eq!((t.issued, t.walk_in, t.priority, t.served), (8, 7, 1, 6));
    assert_eq!(
        (t.no_show, t.cancelled, t.transferred_in, t.transferred_out),
        (0, 1, 1, 1)
    );
    // Waits 840 420 600 900 300 180 240: 3480 / 7 = 497.14 → 497.1; sorted
    // 180 240 300 420 600 840 900: median 420, p90 = ceil(6.3) = 7th = 900.
    assert_eq!(t.wait.mean_s, Some(497.1));
    assert_eq!(t.wait.median_s, Some(420.0));
    assert_eq!(t.wait.p90_s, Some(900.0));
    // Within target 6 of 7 = 0.8571.
    assert_eq!(t.within_target, 6);
    assert_eq!(t.within_target_share, Some(0.8571));
    // Service 360 300 300 600 300 420 60: 2340 / 7 = 334.29 → 334.3; median 300.
    assert_eq!(t.service.mean_s, Some(334.3));
    assert_eq!(t.service.median_s, Some(300.0));
    assert_eq!(t.service.p90_s, Some(600.0));
    day.writer.shutdown().await;
}

#[tokio::test]
async fn other_groupings_equal_the_hand_computation() {
    let (dir, site, day) = known_days().await;
    let conn = store::open_reader(&store::db_path(dir.path())).unwrap();
    let period = monday_and_tuesday();
    let all = Scope::default();
    let by = |group| summary(&conn, &site, period, &all, group).unwrap();
    let row = |s: &antre_protocol::Summary, key: &str| {
        s.rows
            .iter()
            .find(|r| r.key == key)
            .unwrap_or_else(|| panic!("no row {key}"))
            .clone()
    };

    // Days: the midnight visit A004 is Monday's.
    let days = by(Group::Day);
    let mon = row(&days, "2026-11-23");
    assert_eq!((mon.issued, mon.served, mon.cancelled), (6, 5, 1));
    let tue = row(&days, "2026-11-24");
    assert_eq!((tue.issued, tue.served, tue.wait.count), (2, 1, 1));
    assert_eq!(tue.wait.mean_s, Some(240.0));

    // Agencies: A003's second leg is Immigration's.
    let agencies = by(Group::Agency);
    let duk = row(&agencies, "DUK");
    assert_eq!((duk.issued, duk.served, duk.transferred_out), (7, 4, 1));
    let imi = row(&agencies, "IMI");
    assert_eq!((imi.issued, imi.served, imi.transferred_in), (1, 2, 1));

    // Counters: tickets never called have none.
    let counters = by(Group::Counter);
    assert_eq!(row(&counters, "L1").served, 4);
    assert_eq!(row(&counters, "L2").served, 2);
    let none = row(&counters, "-");
    assert_eq!((none.issued, none.cancelled), (2, 1));

    // Officers.
    let officers = by(Group::Officer);
    assert_eq!(row(&officers, "o1").served, 4);
    assert_eq!(row(&officers, "o2").served, 2);

    // Priority categories.
    let priority = by(Group::Priority);
    assert_eq!(row(&priority, "lansia").issued, 1);
    assert_eq!(row(&priority, "lansia").wait.mean_s, Some(420.0));
    assert_eq!(row(&priority, "walk_in").issued, 7);

    // Hours the waits began: 07 A001; 08 A002, A003, A003→PAS (08:45); 09 B001, P001,
    // Tue A001, A002; 23 A004.
    let hours = by(Group::Hour);
    let issued: Vec<(&str, u64, u64)> = hours
        .rows
        .iter()
        .map(|r| (r.key.as_str(), r.issued, r.transferred_in))
        .collect();
    assert_eq!(
        issued,
        [("07", 1, 0), ("08", 2, 1), ("09", 4, 0), ("23", 1, 0)]
    );

    // Weekdays: Monday (1) 6 issued, Tuesday (2) 2.
    let weekdays = by(Group::Weekday);
    assert_eq!(row(&weekdays, "1").issued, 6);
    assert_eq!(row(&weekdays, "1").label, "Senin");
    assert_eq!(row(&weekdays, "2").issued, 2);

    // One agency's scope sees only its own legs.
    let duk_only = summary(
        &conn,
        &site,
        period,
        &Scope {
            agency: Some("DUK".into()),
        },
        Group::Service,
    )
    .unwrap();
    assert_eq!(duk_only.total.issued, 7);
    assert!(duk_only.rows.iter().all(|r| r.key != "PAS"));

    // The busiest hours: Monday 07 → 1, 08 → 2, 09 → 2, 23 → 1; Tuesday 09 → 2.
    let heat = antre_server::reports::heatmap::heatmap(&conn, period, &all).unwrap();
    assert_eq!(heat.cells[0][7], 1);
    assert_eq!(heat.cells[0][8], 2);
    assert_eq!(heat.cells[0][9], 2);
    assert_eq!(heat.cells[0][23], 1);
    assert_eq!(heat.cells[1][9], 2);
    assert_eq!(heat.cells.iter().flatten().sum::<u64>(), 8);
    assert_eq!(heat.max, 2);
    day.writer.shutdown().await;
}

#[tokio::test]
async fn officers_recap_and_weekly_equal_the_hand_computation() {
    let (dir, site, day) = known_days().await;
    let conn = store::open_reader(&store::db_path(dir.path())).unwrap();
    let period = monday_and_tuesday();
    let all = Scope::default();
    let now: Timestamp = "2026-11-24T12:00:00+08:00".parse().unwrap();
    let officers =
        antre_server::reports::officers::officers(&conn, &site, period, &all, now).unwrap();
    let o1 = officers.rows.iter().find(|r| r.officer == "o1").unwrap();
    // L1: 08:00–10:00 (7200 s) with a break 09:30–09:45 (900 s), 23:50–00:10 (1200 s),
    // Tuesday 09:00–09:30 (1800 s): open 10,200 s, paused 900 s; four served in
    // 9,300 s of work: 4 × 3600 / 9300 = 1.548 → 1.5 an hour.
    assert_eq!((o1.served, o1.open_s, o1.paused_s), (4, 10_200, 900));
    assert_eq!(o1.served_per_hour, Some(1.5));
    let o2 = officers.rows.iter().find(|r| r.officer == "o2").unwrap();
    // L2: 08:00–10:00, two served: 1.0 an hour.
    assert_eq!((o2.served, o2.open_s, o2.paused_s), (2, 7200, 0));
    assert_eq!(o2.served_per_hour, Some(1.0));
    assert_eq!(o2.service.mean_s, Some(450.0));

    // The recap of November: KTP 3 on the 23rd (A001, A002, A004) and 1 on the 24th;
    // PAS 2 on the 23rd; KK none, but its row is there.
    let month = antre_server::reports::recap::month_of(date(2026, 11, 1));
    let recap = antre_server::reports::recap::recap(&conn, &site, month, &all).unwrap();
    assert_eq!(recap.days.len(), 30);
    let services: Vec<&str> = recap.rows.iter().map(|r| r.service.as_str()).collect();
    assert_eq!(services, ["KTP", "KK", "PAS"]);
    assert_eq!(recap.rows[0].days[22], 3);
    assert_eq!(recap.rows[0].days[23], 1);
    assert_eq!(recap.rows[0].total, 4);
    assert_eq!(recap.rows[1].total, 0);
    assert_eq!(recap.rows[2].days[22], 2);
    assert_eq!((recap.totals[22], recap.totals[23], recap.total), (5, 1, 6));

    // The week of 23 November (ISO week 48): Monday 6 visitors, 5 served; Tuesday 2, 1.
    let week = antre_server::reports::recap::week_of(date(2026, 11, 26));
    let weekly = antre_server::reports::recap::weekly(&conn, week, &all).unwrap();
    assert_eq!(weekly.week, "2026-W48");
    assert_eq!(weekly.days.len(), 7);
    assert_eq!((weekly.days[0].visitors, weekly.days[0].served), (6, 5));
    assert_eq!((weekly.days[1].visitors, weekly.days[1].served), (2, 1));
    assert_eq!((weekly.visitors, weekly.served), (8, 6));
    assert_eq!(weekly.busiest.as_deref(), Some("2026-11-23"));
    assert_eq!(weekly.quietest.as_deref(), Some("2026-11-24"));
    day.writer.shutdown().await;
}

#[tokio::test]
async fn skm_equals_the_hand_computation() {
    let (dir, _site, day) = known_days().await;
    let conn = store::open_reader(&store::db_path(dir.path())).unwrap();
    let period = monday_and_tuesday();
    let report =
        |filter: SkmFilter| antre_server::reports::skm::report(&conn, period, &filter).unwrap();
    // All four: the worked example (totals 14 12 10 16 13 14 15 10 13 = 117):
    // 2500 × 117 ÷ 36 = 8125 → 81.25, B, Baik; weakest U3.
    let all = report(SkmFilter::default());
    assert_eq!(all.respondents, 4);
    assert_eq!(all.nrr, [3.5, 3.0, 2.5, 4.0, 3.25, 3.5, 3.75, 2.5, 3.25]);
    assert_eq!(all.ikm, Some(81.25));
    assert_eq!(all.mutu.as_deref(), Some("B"));
    assert_eq!(all.kinerja.as_deref(), Some("Baik"));
    assert_eq!(all.weakest.as_deref(), Some("U3"));
    // Six visits served: Krejcie & Morgan give 6 × 0.96025 ÷ (0.0025 × 5 + 0.96025)
    // = 5.92 → 6; four answered, too few.
    assert_eq!((all.population, all.min_sample, all.too_few), (6, 6, true));

    // Dukcapil: A001 and A002, totals 7 6 5 8 6 7 8 5 6 = 58 → 2500 × 58 ÷ 18 =
    // 8055.6 → 80.56 B. Its population: four served.
    let duk = report(SkmFilter {
        agency: Some("DUK".into()),
        ..SkmFilter::default()
    });
    assert_eq!(
        (duk.respondents, duk.ikm, duk.population),
        (2, Some(80.56), 4)
    );
    // Counter L2 (A003 after its transfer, and P001): 59 → 8194.4 → 81.94.
    let l2 = report(SkmFilter {
        counter: Some("L2".into()),
        ..SkmFilter::default()
    });
    assert_eq!((l2.respondents, l2.ikm), (2, Some(81.94)));
    // Officer o1 answered for by A001 and A002: as Dukcapil.
    let o1 = report(SkmFilter {
        officer: Some("o1".into()),
        ..SkmFilter::default()
    });
    assert_eq!(o1.ikm, Some(80.56));
    // The respondents' rows in the order answered.
    let rows = antre_server::reports::skm::respondents(&conn, period, &Scope::default()).unwrap();
    let answers: Vec<Vec<u8>> = rows.rows.iter().map(|r| r.answers.clone()).collect();
    assert_eq!(answers[0], [4, 3, 3, 4, 3, 4, 4, 3, 3]);
    assert_eq!(rows.rows[2].service, "PAS");
    assert_eq!(rows.rows.len(), 4);
    day.writer.shutdown().await;
}

#[tokio::test]
async fn report_tables_rebuilt_from_the_log_equal_those_kept_by_the_writer() {
    let (dir, site, day) = known_days().await;
    day.writer.shutdown().await;
    let db = store::db_path(dir.path());
    let kept = {
        let conn = store::open_reader(&db).unwrap();
        summary(
            &conn,
            &site,
            monday_and_tuesday(),
            &Scope::default(),
            Group::Service,
        )
        .unwrap()
    };
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DELETE FROM legs; DELETE FROM survey_answers; DELETE FROM served_daily; \
         DELETE FROM survey_daily;",
    )
    .unwrap();
    assert!(store::projection::needs_rebuild(&conn).unwrap());
    store::projection::rebuild(&mut conn, &site).unwrap();
    let rebuilt = summary(
        &conn,
        &site,
        monday_and_tuesday(),
        &Scope::default(),
        Group::Service,
    )
    .unwrap();
    assert_eq!(rebuilt, kept);
    let skm =
        antre_server::reports::skm::report(&conn, monday_and_tuesday(), &SkmFilter::default())
            .unwrap();
    assert_eq!(skm.ikm, Some(81.25));
}

#[tokio::test]
async fn the_audit_trail_finds_the_out_of_order_call_and_a_journey() {
    use antre_server::reports::audit::{AuditFilter, journey, search};
    let (dir, site, day) = known_days().await;
    let conn = store::open_reader(&store::db_path(dir.path())).unwrap();
    let page = search(
        &conn,
        &site,
        &AuditFilter {
            out_of_order: true,
            limit: 50,
            ..AuditFilter::default()
        },
    )
    .unwrap();
    assert_eq!(page.events.len(), 1);
    let call = &page.events[0];
    assert_eq!(call.ticket.as_ref().unwrap().number, "A002");
    assert_eq!(call.detail.reason.as_deref(), Some("berkas susulan"));
    assert_eq!(
        call.counter.as_ref().unwrap().officer.as_deref(),
        Some("o1")
    );

    // A003's journey: issued, called at L1, transferred to PAS, called at L2, done, its
    // survey answered (without the answers).
    let j = journey(&conn, &site, "a003", date(2026, 11, 23), None)
        .unwrap()
        .unwrap();
    let kinds: Vec<&str> = j.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ticket.issued",
            "ticket.called",
            "ticket.transferred",
            "ticket.called",
            "ticket.done",
            "survey.answered"
        ]
    );
    assert!(j.events.iter().all(|e| e.detail.survey.is_none()));
    assert_eq!(j.ticket.service, "PAS");
    // Immigration's supervisor sees the journey (it ended with them); a number of
    // Dukcapil only is not theirs.
    assert!(
        journey(&conn, &site, "A003", date(2026, 11, 23), Some("IMI"))
            .unwrap()
            .is_some()
    );
    assert!(
        journey(&conn, &site, "B001", date(2026, 11, 23), Some("IMI"))
            .unwrap()
            .is_none()
    );
    // Paging: two at a time, newest first, until the first event.
    let mut before = None;
    let mut seen = Vec::new();
    loop {
        let page = search(
            &conn,
            &site,
            &AuditFilter {
                before,
                limit: 2,
                number: Some("A002".into()),
                ..AuditFilter::default()
            },
        )
        .unwrap();
        seen.extend(page.events.iter().map(|e| e.seq));
        match page.next_before {
            Some(b) => before = Some(b),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted);
    assert!(seen.len() > 4, "both days' A002 and their steps: {seen:?}");
    day.writer.shutdown().await;
}
