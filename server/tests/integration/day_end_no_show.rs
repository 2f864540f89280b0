//! The day's end closes the tickets still open (`day_closed`): in the reports a visitor
//! who missed the call and was never reinstated stays a no-show, one still waiting is
//! cancelled.

use std::sync::Arc;

use antre_server::clock::ManualClock;
use antre_server::config::SiteConfig;
use antre_server::engine::{Actor, Command, CounterCommand};
use antre_server::reports::summary::{Group, summary};
use antre_server::reports::{Period, Scope};
use antre_server::store;
use antre_server::writer::Writer;
use jiff::Timestamp;
use jiff::civil::date;

use crate::issue_command;

#[tokio::test]
async fn a_no_show_closed_with_the_day_stays_a_no_show() {
    let site = SiteConfig::from_toml(antre_server::demo::SITE_TOML)
        .unwrap()
        .site()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = store::db_path(dir.path());
    let at = |t: &str| -> Timestamp { format!("2026-11-23T{t}+08:00").parse().unwrap() };
    let clock = Arc::new(ManualClock::new(at("09:00:00")));
    let (writer, thread) =
        Writer::start(db.clone(), site.clone(), clock.clone(), |_, _| {}, false).unwrap();
    writer
        .execute(issue_command("DKP-KTP", "t1"))
        .await
        .unwrap();
    writer
        .execute(issue_command("DKP-KTP", "t2"))
        .await
        .unwrap();
    let counter = |command| Command::Counter {
        counter: "L01".into(),
        by: Actor {
            user: "petugas-l01".into(),
            any_counter: false,
        },
        command,
    };
    for command in [
        CounterCommand::Open { take_over: false },
        CounterCommand::CallNext,
        CounterCommand::NoShow,
        CounterCommand::Close,
    ] {
        writer.execute(counter(command)).await.unwrap();
    }
    // The next day begins: A001 (no-show) and A002 (waiting) are closed with Monday.
    clock.set(at("23:59:59") + jiff::SignedDuration::from_secs(30));
    writer.tick().await;
    writer.read(|_, _, _| ()).await.unwrap();
    writer.shutdown().await;
    drop(writer);
    thread.join().unwrap();

    let conn = store::open_reader(&db).unwrap();
    let monday = Period::new(date(2026, 11, 23), date(2026, 11, 23)).unwrap();
    let s = summary(&conn, &site, monday, &Scope::default(), Group::Service).unwrap();
    let ktp = s.rows.iter().find(|r| r.key == "DKP-KTP").unwrap();
    assert_eq!((ktp.issued, ktp.no_show, ktp.cancelled), (2, 1, 1));
    let reasons: Vec<String> = conn
        .prepare("SELECT payload FROM events WHERE kind = 'ticket.cancelled' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|p| {
            let event: antre_protocol::Event = serde_json::from_str(&p.unwrap()).unwrap();
            event.detail.reason.unwrap_or_default()
        })
        .collect();
    assert_eq!(
        reasons,
        ["day_closed", "day_closed"],
        "both closed with the day"
    );
}
