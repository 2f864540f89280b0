//! What a hostile or merely broken client on the LAN can do to the real server, and
//! what it cannot: exhaust memory with wrong passwords or tokens, hold connections open
//! without sending, keep the process from stopping, post a huge body, drown the stream
//! in messages, make a kiosk reprint a stranger's ticket, act from another web site;
//! and what the server does for its own integrity: log-out and lock-out, a tampered
//! table, a full disk.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use antre_protocol::Ticket;
use antre_testkit::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// Waits on a busy shared machine: generous bounds that say "it happens", never how
/// fast.
const LIMIT: Duration = Duration::from_secs(30);

/// The demo site with short timeouts (two seconds for headers, idle connections and
/// bodies), an officer `siti` with `password` and kiosk K1's token `token-k1`.
fn config(dir: &Path, password: &str) -> std::path::PathBuf {
    let hash = antre_server::auth::hash_password(password).unwrap();
    let token = antre_server::auth::hash_password("token-k1").unwrap();
    let text = antre_server::demo::SITE_TOML
        .replace(
            "tickets_per_minute_per_client = 6",
            "tickets_per_minute_per_client = 6\nheader_timeout_s = 2\nbody_timeout_s = 2",
        )
        .replacen(
            "code = \"K1\"",
            &format!("code = \"K1\"\ntoken_hash = \"{token}\""),
            1,
        )
        + &format!(
            "\n[[users]]\nusername = \"siti\"\nrole = \"officer\"\npassword_hash = \"{hash}\"\ncounters = [\"L01\"]\n"
        );
    let path = dir.join("site.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A raw connection to the server, with a read timeout.
fn raw(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    stream
}

/// Reads until the server closes the connection (or `LIMIT`): what it sent.
fn read_to_close(stream: &mut TcpStream) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&got).into(), true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (String::from_utf8_lossy(&got).into(), true);
            }
            Err(_) => return (String::from_utf8_lossy(&got).into(), false),
        }
    }
}

#[test]
fn idle_slow_and_bodiless_connections_are_closed_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::serve(
        &config(dir.path(), "rahasia-siti"),
        &dir.path().join("data"),
    );

    // Connected, never a byte: closed after the idle timeout.
    let mut idle = raw(&server);
    let started = Instant::now();
    let (_, closed) = read_to_close(&mut idle);
    assert!(closed, "an idle connection is closed");
    assert!(started.elapsed() < LIMIT);

    // Headers a byte at a time, slower than the timeout allows in all.
    let mut slow = raw(&server);
    slow.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let request = b"GET /api/v1/site HTTP/1.1\r\nHost: antre\r\nX-Slow: yes\r\n\r\n";
    let mut closed = false;
    for byte in request {
        if slow.write_all(&[*byte]).is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 64];
        match slow.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                closed = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(
        closed,
        "headers sent too slowly: closed before they were all sent"
    );

    // A body declared and never sent: answered 408 after the body timeout, closed.
    let mut bodiless = raw(&server);
    bodiless
        .write_all(
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: antre\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        )
        .unwrap();
    let (answer, closed) = read_to_close(&mut bodiless);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(closed);
}

#[test]
fn sigterm_with_a_stuck_connection_exits_within_its_bound() {
    let mut server = Server::demo();
    // Headers begun and never finished, and a body declared and never sent.
    let mut half = raw(&server);
    half.write_all(b"GET /api/v1/site HTTP/1.1\r\nHost: an")
        .unwrap();
    let mut bodiless = raw(&server);
    bodiless
        .write_all(
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: antre\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let status = server.terminate();
    assert!(status.success(), "{status}");
    assert!(
        started.elapsed() < LIMIT,
        "stopped within the shutdown bound, not when the clients gave up"
    );
}

#[test]
fn a_body_declared_over_the_limit_is_refused_before_it_is_sent() {
    let server = Server::demo();
    let mut stream = raw(&server);
    stream
        .write_all(
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: antre\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n",
        )
        .unwrap();
    // Not a byte of the body is sent: the answer must come anyway.
    let (answer, _) = read_to_close(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
}

#[tokio::test]
async fn an_oversized_websocket_message_closes_that_socket_only() {
    let server = Server::demo();
    let mut rude = subscribe(&server, "").await;
    let mut quiet = subscribe(&server, "").await;
    a_snapshot(&mut rude).await;
    a_snapshot(&mut quiet).await;
    let _ = rude.send(Message::Text("x".repeat(64 * 1024).into())).await;
    let ended = tokio::time::timeout(LIMIT, async {
        loop {
            match rude.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert_eq!(ended, Ok(true), "the sender of a huge message is dropped");
    let ticket = issue(&server, "DKP-KTP").await;
    let event = an_event(&mut quiet).await;
    assert_eq!(event.ticket.unwrap().id, ticket.id, "the others go on");
}

#[tokio::test]
async fn bodies_other_than_json_and_anonymous_reprints_are_refused() {
    let server = Server::demo();
    let anonymous = server.api();
    // What a form on another web site can make a visitor's browser send.
    let res = anonymous
        .post("/tickets")
        .header("Content-Type", "text/plain")
        .body(r#"{"service":"DKP-KTP"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (415, "unsupported_media_type".into()));
    let queues: Vec<antre_protocol::QueueInfo> = anonymous.json("/queues").await;
    assert!(
        queues.iter().all(|q| q.issued_today == 0),
        "no ticket taken"
    );
    // A reprint without the kiosk's token, a login or the ticket's own token.
    let ticket = issue(&server, "DKP-KTP").await;
    let res = anonymous
        .post("/kiosks/K1/reprint")
        .json(&json!({"ticket": ticket.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (401, "unauthorized".into()));
}

#[tokio::test]
async fn log_out_and_a_new_password_end_tokens_also_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::serve(&config(dir.path(), "rahasia-lama"), &data);
    let login = |server: &Server, password: &str| {
        let api = server.api();
        let password = password.to_string();
        async move {
            let res = api
                .post("/auth/login")
                .json(&json!({"username": "siti", "password": password}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            res.json::<serde_json::Value>().await.unwrap()["token"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let me = |server: &Server, token: &str| {
        let req = server.api().with_token(token).get("/auth/me");
        async move { req.send().await.unwrap().status().as_u16() }
    };
    let first = login(&server, "rahasia-lama").await;
    let second = login(&server, "rahasia-lama").await;
    let res = server
        .api()
        .with_token(&first)
        .post("/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(me(&server, &first).await, 401, "logged out at once");
    assert_eq!(me(&server, &second).await, 200, "the other session goes on");
    assert!(server.terminate().success());
    let mut server = Server::serve(&dir.path().join("site.toml"), &data);
    assert_eq!(
        me(&server, &first).await,
        401,
        "still logged out after a restart"
    );
    assert_eq!(me(&server, &second).await, 200);
    assert!(server.terminate().success());
    // The manager changes siti's password: every token issued before ends.
    config(dir.path(), "rahasia-baru");
    let server = Server::serve(&dir.path().join("site.toml"), &data);
    assert_eq!(
        me(&server, &second).await,
        401,
        "a new password ends old tokens"
    );
    let third = login(&server, "rahasia-baru").await;
    assert_eq!(me(&server, &third).await, 200);
}

#[tokio::test]
async fn repeated_failures_lock_a_username_out_and_are_logged_with_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::serve(
        &config(dir.path(), "rahasia-siti"),
        &dir.path().join("data"),
    );
    let attempt = |password: &'static str| {
        let req = server
            .api()
            .post("/auth/login")
            .json(&json!({"username": "siti", "password": password}));
        async move { req.send().await.unwrap() }
    };
    for _ in 0..antre_server::auth::lockout::USER_FREE_TRIES {
        assert_eq!(attempt("salah").await.status(), 401);
    }
    // Now even the right password must wait.
    let res = attempt("rahasia-siti").await;
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1, "{retry}");
    assert_eq!(error_of(res).await, (429, "login_locked".into()));
    let log = server.log();
    let failures = log
        .lines()
        .filter(|l| l.contains("log-in failed") && l.contains("siti") && l.contains("127.0.0.1"))
        .count();
    assert_eq!(failures, 5, "{log}");
    assert!(log.contains("locked out"), "{log}");
}

/// The server's resident memory and its peak so far, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The bound written in docs/operations.md: two password checks at once (19 MiB each),
/// the server itself, and room for the flood's connections.
const FLOOD_BOUND_MIB: u64 = 256;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_wrong_passwords_and_tokens_stays_within_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::serve(
        &config(dir.path(), "rahasia-siti"),
        &dir.path().join("data"),
    );
    // The real kiosk is known before the flood (its token checked once).
    let kiosk = server.api().with_token("token-k1");
    kiosk.issue("DKP-KTP").await;
    // Fifty addresses (every 127.x address is this machine), each trying wrong
    // passwords and wrong device tokens as fast as it can.
    let mut flood = Vec::new();
    for n in 0..50u8 {
        let base = server.base.clone();
        flood.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .local_address(IpAddr::from([127, 0, 1, n + 1]))
                .timeout(LIMIT)
                .build()
                .unwrap();
            let mut answered = Vec::new();
            for i in 0..24 {
                let res = http
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&json!({"username": format!("tebak{n}-{i}"), "password": "salah"}))
                    .send()
                    .await;
                answered.push(res.map(|r| r.status().as_u16()).unwrap_or(0));
                let res = http
                    .get(format!("{base}/api/v1/auth/me"))
                    .bearer_auth(format!("token-salah-{n}-{i}"))
                    .send()
                    .await;
                answered.push(res.map(|r| r.status().as_u16()).unwrap_or(0));
            }
            answered
        }));
    }
    // Meanwhile the kiosk gives out a ticket: answered, not stuck behind the flood.
    let during = tokio::time::timeout(LIMIT, kiosk.issue("DKP-KTP")).await;
    assert!(
        during.is_ok(),
        "the kiosk's ticket was answered during the flood"
    );
    let mut statuses = Vec::new();
    for task in flood {
        statuses.extend(task.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| [401, 429].contains(s)),
        "every wrong try refused (401) or sent back (429): {statuses:?}"
    );
    assert!(statuses.contains(&429), "the bounded queue said so");
    let (now, peak) = memory_kib(server.pid());
    let refused = statuses.iter().filter(|s| **s == 429).count();
    eprintln!(
        "flood of {} wrong tries from 50 addresses: {refused} sent back (429); \
         server peak resident memory {peak} KiB, {now} KiB after",
        statuses.len()
    );
    assert!(
        peak < FLOOD_BOUND_MIB * 1024,
        "peak resident memory {peak} KiB (now {now} KiB) over {FLOOD_BOUND_MIB} MiB"
    );
}

#[test]
fn a_tampered_ticket_row_is_found_by_verify_and_stops_the_start() {
    let server = Server::demo();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ticket: Ticket = rt.block_on(issue(&server, "DKP-KTP"));
    let (data, _dir) = server.into_data();
    // Someone moves a ticket on by hand, behind the server's back.
    let conn = rusqlite::Connection::open(data.join("antre.sqlite3")).unwrap();
    conn.execute(
        "UPDATE tickets SET status = 'done' WHERE id = ?1",
        [ticket.id as i64],
    )
    .unwrap();
    drop(conn);
    let antre = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_antre"))
            .args(args)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap()
    };
    let out = antre(&["verify"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("tables DIFFER"), "{said}");
    assert!(said.contains(&format!("ticket {}", ticket.id)), "{said}");
    assert!(said.contains("status"), "{said}");
    let out = antre(&[
        "demo",
        "--demo-password",
        PASSWORD,
        "--listen",
        "127.0.0.1:0",
    ]);
    assert!(!out.status.success(), "a damaged database stops the start");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("damaged"), "{said}");
    assert!(said.contains("--accept-damaged-data"), "{said}");
    // Told to, it serves (and says so).
    let server = Server::start_in(&data, &["--accept-damaged-data"]);
    assert!(server.log().contains("serving from a damaged database"));
}

/// Sets the running server's file-size limit (soft), keeping its hard limit: what a
/// full disk looks like to it.
fn file_size_limit(pid: u32, bytes: Option<u64>) {
    use rustix::process::{Pid, Resource, Rlimit, prlimit};
    let pid = Pid::from_raw(pid as i32);
    let old = prlimit(
        pid,
        Resource::Fsize,
        Rlimit {
            current: None,
            maximum: None,
        },
    )
    .unwrap();
    prlimit(
        pid,
        Resource::Fsize,
        Rlimit {
            current: bytes,
            maximum: old.maximum,
        },
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_says_503_while_the_disk_is_full_and_no_answered_ticket_is_lost() {
    let server = Server::demo();
    let kiosk = server.api().as_device();
    let health = || {
        let req = server.api().http.get(server.url("/healthz"));
        async move { req.send().await.unwrap() }
    };
    assert_eq!(health().await.status(), 200);
    let mut answered = vec![kiosk.issue("DKP-KTP").await];
    // The disk fills: no file may grow.
    file_size_limit(server.pid(), Some(1));
    let mut refused = 0;
    for _ in 0..5 {
        let res = kiosk
            .post("/tickets")
            .json(&json!({"service": "DKP-KTP"}))
            .send()
            .await
            .unwrap();
        match res.status().as_u16() {
            201 => answered.push(res.json().await.unwrap()),
            503 => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(refused > 0, "writes fail while the disk is full");
    let deadline = Instant::now() + LIMIT;
    let res = loop {
        let res = health().await;
        if res.status() == 503 || Instant::now() > deadline {
            break res;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(error_of(res).await, (503, "not_ready".into()));
    // Room again: ready again, and tickets are given.
    file_size_limit(server.pid(), None);
    let deadline = Instant::now() + LIMIT;
    while health().await.status() != 200 {
        assert!(
            Instant::now() < deadline,
            "ready again once the disk has room"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    answered.push(kiosk.issue("DKP-KTP").await);
    // Every answered ticket is there, after a restart too.
    let (data, _dir) = server.into_data();
    let server = Server::demo_in(&data);
    let admin = server.api().as_user("admin").await;
    for ticket in &answered {
        let stored: Ticket = admin.json(&format!("/tickets/{}", ticket.id)).await;
        assert_eq!(stored.number, ticket.number);
    }
}
