//! Numbering restarts at local midnight (injected clock, real SQLite file).

use std::sync::Arc;

use antre_server::clock::ManualClock;
use antre_server::config::SiteConfig;
use antre_server::engine::{Command, Issue};
use antre_server::store;
use antre_server::writer::{Reply, Writer};
use jiff::{SignedDuration, Timestamp};

async fn take(writer: &Writer, service: &str, n: u32) -> String {
    let answer = writer
        .execute(Command::Issue(Issue {
            service: service.into(),
            priority: None,
            kiosk: None,
            idempotency_key: None,
            track_token: format!("tok-{service}-{n}-{}", antre_server::auth::random_hex(4)),
        }))
        .await
        .unwrap();
    match answer {
        Reply::Ticket(t) => t.number,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn numbering_restarts_at_midnight_in_makassar_and_history_stays() {
    let config = SiteConfig::from_toml(antre_server::demo::SITE_TOML).unwrap();
    let site = config.site().unwrap();
    assert_eq!(site.timezone_name, "Asia/Makassar");
    let service = site
        .services
        .iter()
        .find(|s| s.daily_quota.is_none())
        .unwrap()
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let db = store::db_path(dir.path());
    // 23:58 WITA on Monday 23 November 2026 (15:58 UTC).
    let evening: Timestamp = "2026-11-23T23:58:00+08:00".parse().unwrap();
    let clock = Arc::new(ManualClock::new(evening));
    let (writer, thread) =
        Writer::start(db.clone(), site.clone(), clock.clone(), |_, _| {}, false).unwrap();
    let p = &service.prefix;
    assert_eq!(take(&writer, &service.code, 1).await, format!("{p}001"));
    assert_eq!(take(&writer, &service.code, 2).await, format!("{p}002"));
    clock.advance(SignedDuration::from_secs(119));
    assert_eq!(
        take(&writer, &service.code, 3).await,
        format!("{p}003"),
        "23:59:59 is still Monday"
    );

    // 00:00:01 WITA on Tuesday is 16:00:01 UTC on Monday: the local day decides.
    clock.advance(SignedDuration::from_secs(2));
    writer.tick().await;
    assert_eq!(take(&writer, &service.code, 4).await, format!("{p}001"));
    assert_eq!(take(&writer, &service.code, 5).await, format!("{p}002"));

    // A restart on Tuesday goes on from Tuesday's numbers.
    writer.shutdown().await;
    drop(writer);
    thread.join().unwrap();
    let (writer, thread) =
        Writer::start(db.clone(), site.clone(), clock.clone(), |_, _| {}, false).unwrap();
    assert_eq!(take(&writer, &service.code, 6).await, format!("{p}003"));
    let day = writer
        .read(|engine, _, _| engine.day().to_string())
        .await
        .unwrap();
    assert_eq!(day, "2026-11-24");
    writer.shutdown().await;
    drop(writer);
    thread.join().unwrap();

    // Yesterday's tickets stay in history, with their numbers, closed at day's end.
    let conn = store::open_reader(&db).unwrap();
    let monday = store::tickets_of_day(&conn, "2026-11-23".parse().unwrap()).unwrap();
    let numbers: Vec<String> = monday.iter().map(|t| t.label()).collect();
    assert_eq!(
        numbers,
        [format!("{p}001"), format!("{p}002"), format!("{p}003")]
    );
    assert!(
        monday
            .iter()
            .all(|t| t.status == antre_protocol::TicketStatus::Cancelled)
    );
    let tuesday = store::tickets_of_day(&conn, "2026-11-24".parse().unwrap()).unwrap();
    assert_eq!(tuesday.len(), 3);
    assert!(matches!(
        store::verify(&conn).unwrap(),
        store::Verified::Intact { events: 9, .. }
    ));
}

#[tokio::test]
async fn a_server_that_was_off_over_midnight_closes_yesterday_on_start() {
    let site = SiteConfig::from_toml(antre_server::demo::SITE_TOML)
        .unwrap()
        .site()
        .unwrap();
    let service = site
        .services
        .iter()
        .find(|s| s.daily_quota.is_none())
        .unwrap()
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let db = store::db_path(dir.path());
    let clock = Arc::new(ManualClock::new(
        "2026-11-23T20:00:00+08:00".parse().unwrap(),
    ));
    let (writer, thread) =
        Writer::start(db.clone(), site.clone(), clock.clone(), |_, _| {}, false).unwrap();
    take(&writer, &service.code, 1).await;
    take(&writer, &service.code, 2).await;
    writer.shutdown().await;
    drop(writer);
    thread.join().unwrap();

    // Switched off overnight; started again on Tuesday morning.
    clock.set("2026-11-24T07:30:00+08:00".parse().unwrap());
    let (writer, thread) =
        Writer::start(db.clone(), site.clone(), clock.clone(), |_, _| {}, false).unwrap();
    let code = service.code.clone();
    let (day, waiting) = writer
        .read(move |engine, _, _| (engine.day().to_string(), engine.waiting(&code).len()))
        .await
        .unwrap();
    assert_eq!(day, "2026-11-24");
    assert_eq!(waiting, 0, "Monday's visitors are not called on Tuesday");
    assert_eq!(
        take(&writer, &service.code, 3).await,
        format!("{}001", service.prefix)
    );
    writer.shutdown().await;
    drop(writer);
    thread.join().unwrap();
    let conn = store::open_reader(&db).unwrap();
    let monday = store::tickets_of_day(&conn, "2026-11-23".parse().unwrap()).unwrap();
    assert!(
        monday
            .iter()
            .all(|t| t.status == antre_protocol::TicketStatus::Cancelled)
    );
}
