//! The site replaced while the server runs, through the real writer on a real SQLite
//! file: a renamed service keeps its waiting tickets and their numbers, a service that
//! still has tickets cannot be removed, and the change is an event in the chained log
//! that reaches the stream's subscribers.

use std::sync::Arc;

use antre_protocol::{Event, EventKind};
use antre_server::clock::ManualClock;
use antre_server::config::SiteConfig;
use antre_server::engine::{Command, DomainError};
use antre_server::store;
use antre_server::writer::{Reply, WriteError, Writer};

use crate::{issue_command, reply_number};

#[tokio::test]
async fn the_site_is_replaced_at_run_time_without_losing_a_ticket() {
    let toml = antre_server::demo::SITE_TOML;
    let site = SiteConfig::from_toml(toml).unwrap().site().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = store::db_path(dir.path());
    let clock = Arc::new(ManualClock::new(
        "2026-11-23T09:00:00+08:00".parse().unwrap(),
    ));
    let (writer, thread) =
        Writer::start(db.clone(), site.clone(), clock, |_, _| {}, false).unwrap();
    let service = site.services[0].clone();
    let first = reply_number(
        writer
            .execute(issue_command(&service.code, "t1"))
            .await
            .unwrap(),
    );
    let second = reply_number(
        writer
            .execute(issue_command(&service.code, "t2"))
            .await
            .unwrap(),
    );
    let mut events = writer.subscribe();

    // Renamed: the waiting tickets stay, with their numbers.
    let renamed_toml = toml.replacen(
        &format!("name = \"{}\"", service.name),
        "name = \"Layanan Baru Namanya\"",
        1,
    );
    let renamed = SiteConfig::from_toml(&renamed_toml)
        .unwrap()
        .site()
        .unwrap();
    let reply = writer
        .execute(Command::ReplaceSite {
            site: renamed,
            by: Some("admin".into()),
            expected_version: None,
        })
        .await
        .unwrap();
    assert_eq!(reply, Reply::Nothing);
    assert_eq!(
        writer.site().service(&service.code).unwrap().name,
        "Layanan Baru Namanya"
    );
    // Frames are published after their commit, so the issues may still be on their way.
    let event = loop {
        let frame = events.recv().await.unwrap();
        let event: Event = serde_json::from_str(&frame.json).unwrap();
        if event.seq == 3 {
            break event;
        }
    };
    assert_eq!(event.kind, EventKind::SiteChanged);
    assert_eq!(event.detail.by.as_deref(), Some("admin"));
    let change = &event.detail.changes[0];
    assert_eq!(
        (change.item.as_str(), change.code.as_str()),
        ("service", service.code.as_str())
    );
    assert_eq!(
        change.after.as_ref().unwrap()["name"],
        "Layanan Baru Namanya"
    );
    let code = service.code.clone();
    let waiting: Vec<String> = writer
        .read(move |engine, _, _| {
            engine
                .waiting(&code)
                .into_iter()
                .map(|t| t.number)
                .collect()
        })
        .await
        .unwrap();
    assert_eq!(waiting, [first, second]);

    // Removed while its tickets wait: refused, naming the service; nothing changes.
    let removed_toml = super::without_service(toml, &service.code);
    let removed = SiteConfig::from_toml(&removed_toml)
        .expect("the demo without that service is valid")
        .site()
        .unwrap();
    assert!(removed.service(&service.code).is_none());
    let err = writer
        .execute(Command::ReplaceSite {
            site: removed,
            by: Some("admin".into()),
            expected_version: None,
        })
        .await
        .unwrap_err();
    match &err {
        WriteError::Domain(DomainError::ServiceInUse {
            service: s,
            tickets,
        }) => {
            assert_eq!((s.as_str(), *tickets), (service.code.as_str(), 2));
        }
        other => panic!("{other:?}"),
    }
    assert!(writer.site().service(&service.code).is_some());

    writer.shutdown().await;
    drop(writer);
    thread.join().unwrap();
    // Stored in the chained log, which still verifies.
    let conn = store::open_reader(&db).unwrap();
    assert!(matches!(
        store::verify(&conn).unwrap(),
        store::Verified::Intact { events: 3, .. }
    ));
    let kind: String = conn
        .query_row("SELECT kind FROM events WHERE seq = 3", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kind, "site.changed");
}
