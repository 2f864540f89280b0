//! A failed commit leaves nothing half-written: the batch is rolled back, its callers
//! are told, and the live state is rebuilt from the database.

use std::sync::Arc;

use antre_server::clock::ManualClock;
use antre_server::config::SiteConfig;
use antre_server::store;
use antre_server::writer::{WriteError, Writer};

use crate::{issue_command, reply_number};

#[tokio::test]
async fn a_failed_commit_changes_nothing_and_the_queue_goes_on() {
    let site = SiteConfig::from_toml(antre_server::demo::SITE_TOML)
        .unwrap()
        .site()
        .unwrap();
    let mut free = site.services.iter().filter(|s| s.daily_quota.is_none());
    let (ok, failing) = (free.next().unwrap().clone(), free.next().unwrap().clone());
    let dir = tempfile::tempdir().unwrap();
    let db = store::db_path(dir.path());
    let clock = Arc::new(ManualClock::new(
        "2026-11-23T09:00:00+08:00".parse().unwrap(),
    ));
    let (writer, thread) =
        Writer::start(db.clone(), site.clone(), clock, |_, _| {}, false).unwrap();
    assert_eq!(
        reply_number(writer.execute(issue_command(&ok.code, "t1")).await.unwrap()),
        format!("{}001", ok.prefix)
    );

    // Storage starts refusing tickets of one service (as a full disk would refuse all).
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "CREATE TRIGGER fail BEFORE INSERT ON tickets WHEN NEW.service = '{}'
         BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;",
        failing.code
    ))
    .unwrap();
    let err = writer
        .execute(issue_command(&failing.code, "t2"))
        .await
        .unwrap_err();
    assert!(matches!(err, WriteError::Storage(_)), "{err:?}");

    // Nothing of it stayed: not in memory, not on disk, not in the log.
    let waiting = writer
        .read({
            let code = failing.code.clone();
            move |engine, seq, _| (engine.waiting(&code).len(), seq)
        })
        .await
        .unwrap();
    assert_eq!(waiting, (0, 1));
    let count: i64 = conn
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);

    // Once storage works again, the same service starts at 001: no number was burnt,
    // and the log's chain goes on unbroken.
    conn.execute_batch("DROP TRIGGER fail;").unwrap();
    assert_eq!(
        reply_number(
            writer
                .execute(issue_command(&failing.code, "t3"))
                .await
                .unwrap()
        ),
        format!("{}001", failing.prefix)
    );
    assert_eq!(
        reply_number(writer.execute(issue_command(&ok.code, "t4")).await.unwrap()),
        format!("{}002", ok.prefix)
    );
    writer.shutdown().await;
    drop(writer);
    thread.join().unwrap();
    assert!(matches!(
        store::verify(&conn).unwrap(),
        store::Verified::Intact { events: 3, .. }
    ));
}
