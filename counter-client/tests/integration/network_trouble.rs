//! Network trouble between the counter and the server, made by small TCP proxies on
//! loopback in front of the real server: an answer lost at the worst moment (the server
//! carried out `call-next`, the counter never heard), a network drop, a server restart.
//! The clients must neither lose an action nor do it twice (a second call-next would
//! call another visitor and complete the first).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use antre_protocol::{EventKind, StreamMessage, Ticket};
use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::Locator;
use fantoccini::key::Key;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Page changes come within a second on an idle machine; a shared, busy one gets more.
const WAIT: Duration = Duration::from_secs(30);

/// Forwards loopback connections to `upstream`; the first `drops` requests to
/// `.../call-next` reach the server but their answers are thrown away and the
/// connection is cut.
async fn lossy_proxy(upstream: String, drops: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let left = Arc::new(AtomicUsize::new(drops));
    let dropped = Arc::new(AtomicUsize::new(0));
    let counted = dropped.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(&upstream).await else {
                continue;
            };
            let left = left.clone();
            let dropped = dropped.clone();
            tokio::spawn(async move {
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let (cut_tx, mut cut_rx) = tokio::sync::watch::channel(false);
                let up = tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    while let Ok(n) = cr.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        let chunk = &buf[..n];
                        let is_call = chunk.starts_with(b"POST ")
                            && String::from_utf8_lossy(chunk)
                                .lines()
                                .next()
                                .is_some_and(|l| l.contains("/call-next"));
                        if is_call
                            && left
                                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| {
                                    l.checked_sub(1)
                                })
                                .is_ok()
                        {
                            let _ = cut_tx.send(true);
                            dropped.fetch_add(1, Ordering::SeqCst);
                        }
                        if sw.write_all(chunk).await.is_err() {
                            break;
                        }
                    }
                });
                let mut buf = vec![0u8; 16 * 1024];
                while let Ok(n) = sr.read(&mut buf).await {
                    if n == 0 || *cut_rx.borrow_and_update() {
                        break; // the answer is lost, the connection cut
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
                up.abort();
            });
        }
    });
    (format!("http://{addr}"), counted)
}

async fn called_events(ws: &mut Ws, until_other: EventKind) -> Vec<Ticket> {
    let mut called = Vec::new();
    loop {
        if let StreamMessage::Event(e) = next_message(ws).await {
            if e.kind == EventKind::TicketCalled {
                called.push(e.ticket.unwrap());
            } else if e.kind == until_other {
                return called;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_client_recovers_a_lost_answer_without_calling_twice() {
    let server = Server::demo();
    let (proxy, dropped) = lossy_proxy(server.addr.clone(), 1).await;
    let officer = login(&server, "petugas-l01").await;
    assert_eq!(
        act(&server, &officer, "L01", "open", None).await.status(),
        200
    );
    let first = issue(&server, "DKP-KTP").await;
    let second = issue(&server, "DKP-KTP").await;
    let mut ws = subscribe(&server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_antre-counter"))
        .args([
            "--server",
            &proxy,
            "--user",
            "petugas-l01",
            "--password",
            PASSWORD,
        ])
        .args(["call-next", "--counter", "L01"])
        .output()
        .await
        .unwrap();
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the answer was really lost"
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), first.number);

    // A marker event after the client finished: every call came before it.
    issue(&server, "DKP-IKD").await;
    let calls = called_events(&mut ws, EventKind::TicketIssued).await;
    assert_eq!(
        calls.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![first.id],
        "called once, and only the first visitor"
    );
    let admin = login(&server, "admin").await;
    let line: Vec<Ticket> = client()
        .get(server.url("/api/v1/services/DKP-KTP/waiting"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        line.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![second.id]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_recovers_a_lost_answer_without_calling_twice() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let (proxy, dropped) = lossy_proxy(server.addr.clone(), 1).await;
    let first = issue(&server, "DKP-KTP").await;
    issue(&server, "DKP-KTP").await;
    let mut ws = subscribe(&server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));

    browser
        .counter_log_in(&proxy, "petugas-l01", PASSWORD)
        .await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.view",
            WAIT,
        )
        .await;
    let keys = |k: String| {
        let client = browser.client.clone();
        async move {
            client
                .active_element()
                .await
                .unwrap()
                .send_keys(&k)
                .await
                .unwrap()
        }
    };
    keys("/".into()).await;
    browser
        .wait_for("window.antreCounter.view.status === 'open'", WAIT)
        .await;
    keys(Key::Enter.to_string()).await;
    browser
        .wait_for(
            &format!(
                "window.antreCounter.actions === 2 && !window.antreCounter.busy \
                 && document.getElementById('current-number').textContent === '{}'",
                first.number
            ),
            WAIT,
        )
        .await;
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the answer was really lost"
    );
    let failed = browser
        .client
        .execute("return window.antreCounter.failed.length;", vec![])
        .await
        .unwrap();
    assert_eq!(failed.as_u64(), Some(0), "recovered, so nothing to report");
    issue(&server, "DKP-IKD").await;
    let calls = called_events(&mut ws, EventKind::TicketIssued).await;
    assert_eq!(
        calls.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    browser.screenshot("counter-lost-answer-recovered").await;
    browser.close().await;
}

/// Forwards loopback connections to `upstream` until told the network is down: then it
/// cuts every open connection and refuses new ones, until told it is back. `upstream`
/// may change meanwhile (a restarted server listens elsewhere).
async fn switchable_proxy(
    upstream: Arc<std::sync::Mutex<String>>,
) -> (String, tokio::sync::watch::Sender<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (down_tx, down) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            if *down.borrow() {
                drop(client);
                continue;
            }
            let target = upstream.lock().unwrap().clone();
            let Ok(server) = TcpStream::connect(&target).await else {
                continue;
            };
            let mut down = down.clone();
            tokio::spawn(async move {
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                tokio::select! {
                    _ = tokio::io::copy(&mut cr, &mut sw) => {}
                    _ = tokio::io::copy(&mut sr, &mut cw) => {}
                    _ = down.wait_for(|d| *d) => {}
                }
            });
        }
    });
    (format!("http://{addr}"), down_tx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reports_an_action_lost_to_a_network_drop_and_retries_it_on_request() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let upstream = Arc::new(std::sync::Mutex::new(server.addr.clone()));
    let (proxy, network_down) = switchable_proxy(upstream).await;
    let first = issue(&server, "DKP-KTP").await;
    let mut ws = subscribe(&server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));

    browser
        .counter_log_in(&proxy, "petugas-l01", PASSWORD)
        .await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.online",
            WAIT,
        )
        .await;
    let press = |k: String| {
        let client = browser.client.clone();
        async move {
            client
                .active_element()
                .await
                .unwrap()
                .send_keys(&k)
                .await
                .unwrap()
        }
    };
    press("/".into()).await;
    browser
        .wait_for("window.antreCounter.view.status === 'open'", WAIT)
        .await;

    // The network goes down: the page says so, and a call made now is reported as
    // failed after its retries — not dropped, not done.
    network_down.send(true).unwrap();
    browser
        .wait_for(
            "!window.antreCounter.online \
             && document.getElementById('conn').textContent.includes('terputus')",
            WAIT,
        )
        .await;
    press(Key::Enter.to_string()).await;
    browser
        .wait_for(
            "window.antreCounter.failed.length === 1 \
             && !document.getElementById('failed').hidden",
            WAIT,
        )
        .await;
    let banner = browser
        .client
        .find(Locator::Id("failed"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(banner.contains("Panggil berikutnya"), "{banner}");
    assert!(banner.contains("gagal karena jaringan"), "{banner}");
    browser.screenshot("counter-network-down").await;
    let view: antre_protocol::CounterView = client()
        .get(server.url("/api/v1/counters/L01"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(view.ticket.is_none(), "nothing was called while down");

    // Back: the stream reconnects by itself; the officer retries the reported action.
    network_down.send(false).unwrap();
    browser.wait_for("window.antreCounter.online", WAIT).await;
    browser
        .client
        .find(Locator::Css("#failed [data-retry]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(
            &format!(
                "window.antreCounter.failed.length === 0 \
                 && document.getElementById('current-number').textContent === '{}'",
                first.number
            ),
            WAIT,
        )
        .await;
    issue(&server, "DKP-IKD").await;
    let calls = called_events(&mut ws, EventKind::TicketIssued).await;
    assert_eq!(
        calls.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_keeps_its_place_across_a_server_restart() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let upstream = Arc::new(std::sync::Mutex::new(server.addr.clone()));
    let (proxy, network_down) = switchable_proxy(upstream.clone()).await;
    let first = issue(&server, "DKP-KTP").await;
    let second = issue(&server, "DKP-KTP").await;

    browser
        .counter_log_in(&proxy, "petugas-l01", PASSWORD)
        .await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.online",
            WAIT,
        )
        .await;
    let press = |k: String| {
        let client = browser.client.clone();
        async move {
            client
                .active_element()
                .await
                .unwrap()
                .send_keys(&k)
                .await
                .unwrap()
        }
    };
    press("/".into()).await;
    browser
        .wait_for("window.antreCounter.view.status === 'open'", WAIT)
        .await;
    press(Key::Enter.to_string()).await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('current-number').textContent === '{}'",
                first.number
            ),
            WAIT,
        )
        .await;

    // The server dies (no clean shutdown) and comes back on the same data.
    network_down.send(true).unwrap();
    let (data, _dir) = server.into_data();
    browser.wait_for("!window.antreCounter.online", WAIT).await;
    let server = Server::demo_in(&data);
    *upstream.lock().unwrap() = server.addr.clone();
    network_down.send(false).unwrap();
    browser.wait_for("window.antreCounter.online", WAIT).await;
    // Same counter, same visitor; the token still works; the next press goes on.
    assert_eq!(
        browser
            .client
            .find(Locator::Id("current-number"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        first.number
    );
    press("0".into()).await;
    browser
        .wait_for(
            "window.antreCounter.view.ticket?.status === 'serving'",
            WAIT,
        )
        .await;
    press(Key::Enter.to_string()).await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('current-number').textContent === '{}' \
                 && !document.body.classList.contains('relogin')",
                second.number
            ),
            WAIT,
        )
        .await;
    // A ticket taken after the restart shows in the waiting count (stream resumed).
    issue(&server, "DKP-KTP").await;
    browser
        .wait_for(
            "document.querySelector('#queues tr[data-service=\"DKP-KTP\"] .count').textContent === '1'",
            WAIT,
        )
        .await;
    browser.screenshot("counter-after-restart").await;
    browser.close().await;
}
