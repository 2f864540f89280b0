//! What survives a killed process, the hash chain, backups.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use antre_protocol::Ticket;
use antre_testkit::*;
use serde_json::json;

fn antre(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_antre"))
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answered_ticket_survives_sigkill_and_numbering_goes_on() {
    let mut server = Server::demo();
    let site = site(&server).await;
    let service = site
        .services
        .iter()
        .find(|s| s.daily_quota.is_none())
        .unwrap()
        .code
        .clone();
    let answered: Arc<Mutex<Vec<Ticket>>> = Arc::default();
    // Eight clients issue as fast as they can; the process is killed mid-stream.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let kiosk = server.api().as_device();
        let service = service.clone();
        let answered = answered.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let res = kiosk
                    .post("/tickets")
                    .json(&json!({"service": service}))
                    .send()
                    .await;
                match res {
                    Ok(res) if res.status() == 201 => match res.json::<Ticket>().await {
                        Ok(t) => answered.lock().unwrap().push(t),
                        Err(_) => break,
                    },
                    _ => break,
                }
            }
        }));
    }
    while answered.lock().unwrap().len() < 300 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    for t in tasks {
        t.await.unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    let (data, _dir) = server.into_data();

    let server = Server::demo_in(&data);
    let http = client();
    for t in &answered {
        let res = http
            .get(server.url(&format!(
                "/api/v1/track/{}",
                t.track_token.as_ref().unwrap()
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "ticket {} was answered, so it must survive",
            t.number
        );
        let stored: Ticket = res.json().await.unwrap();
        assert_eq!((stored.id, &stored.number), (t.id, &t.number));
    }
    let number = |t: &Ticket| {
        t.number
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse::<u32>()
            .unwrap()
    };
    let highest = answered.iter().map(number).max().unwrap();
    let next = issue(&server, &service).await;
    assert!(
        number(&next) > highest,
        "numbering goes on after {highest}, got {}",
        next.number
    );
    // Numbers are still unique across the crash.
    let waiting: Vec<Ticket> = http
        .get(server.url(&format!("/api/v1/services/{service}/waiting")))
        .bearer_auth(login(&server, "admin").await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut seen = HashMap::new();
    for t in &waiting {
        assert!(
            seen.insert(t.number.clone(), t.id).is_none(),
            "{} twice",
            t.number
        );
    }
    assert!(waiting.len() > answered.len());
}

#[tokio::test]
async fn the_hash_chain_verifies_and_shows_tampering() {
    let server = Server::demo();
    let site = site(&server).await;
    for _ in 0..5 {
        issue(&server, &site.counters[0].services[0]).await;
    }
    // A backup while the server runs.
    let backup = server.data.parent().unwrap().join("backup.sqlite3");
    let out = antre(&[
        "backup",
        backup.to_str().unwrap(),
        "--data",
        server.data.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (data, _dir) = server.into_data();

    let out = antre(&["verify", "--data", data.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("intact: 5 events"));

    // The backup holds the same five events and is itself intact.
    let copy = backup.parent().unwrap().join("restored");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(&backup, copy.join("antre.sqlite3")).unwrap();
    let out = antre(&["verify", "--data", copy.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("intact: 5 events"));

    // Updates are refused by the database itself...
    let conn = rusqlite_open(&data);
    assert!(
        conn.execute("UPDATE events SET payload = 'x' WHERE seq = 3", [])
            .is_err()
    );
    // ...and a row rewritten behind the triggers' back breaks the chain there.
    conn.execute_batch(
        "DROP TRIGGER events_no_update;
         UPDATE events SET payload = replace(payload, '\"ticket.issued\"', '\"ticket.cancelled\"') WHERE seq = 3;",
    )
    .unwrap();
    drop(conn);
    let out = antre(&["verify", "--data", data.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("BROKEN at event 3"));
}

fn rusqlite_open(data: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(data.join("antre.sqlite3")).unwrap()
}

#[test]
fn a_second_server_on_a_taken_address_stops_without_touching_its_data() {
    let first = Server::demo();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("second");
    let out = Command::new(antre_binary())
        .args([
            "demo",
            "--demo-password",
            PASSWORD,
            "--listen",
            &first.addr,
            "--data",
        ])
        .arg(&data)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot listen"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!data.exists(), "nothing was written for the second server");
}
