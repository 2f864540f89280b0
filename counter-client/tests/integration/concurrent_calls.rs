//! Two counters serving the same service at once — the page in Chromium on L01 and the
//! terminal client's subcommand on L02 — never call the same visitor: every ticket is
//! called exactly once.

use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::time::Duration;

use antre_protocol::{EventKind, StreamMessage};
use antre_testkit::browser::Browser;
use antre_testkit::*;

/// Visitors in line: enough for both counters to call many times while the other does.
const VISITORS: usize = 30;

/// Page changes come within a second on an idle machine; a shared, busy one gets more.
const WAIT: Duration = Duration::from_secs(30);

fn call_next_l02(base: &str) -> Option<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_antre-counter"))
        .args([
            "--server",
            base,
            "--user",
            "petugas-l02",
            "--password",
            PASSWORD,
        ])
        .args(["call-next", "--counter", "L02"])
        .output()
        .expect("antre-counter runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let number = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!number.is_empty()).then_some(number)
}

async fn actions_done(browser: &Browser) -> u64 {
    browser
        .client
        .execute("return window.antreCounter.actions;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_and_the_terminal_client_never_call_the_same_ticket() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let mut issued = HashSet::new();
    for _ in 0..VISITORS {
        issued.insert(issue(&server, "DKP-KTP").await.id);
    }
    let mut ws = subscribe(&server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));

    // The page: petugas-l01 logs in and opens L01.
    browser
        .counter_log_in(&server.base, "petugas-l01", PASSWORD)
        .await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.view",
            WAIT,
        )
        .await;
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys("/")
        .await
        .unwrap();
    browser
        .wait_for("window.antreCounter.view.status === 'open'", WAIT)
        .await;

    // The terminal client opens L02.
    let opened = Command::new(env!("CARGO_BIN_EXE_antre-counter"))
        .args([
            "--server",
            &server.base,
            "--user",
            "petugas-l02",
            "--password",
            PASSWORD,
        ])
        .args(["open", "--counter", "L02"])
        .output()
        .unwrap();
    assert!(opened.status.success());

    // Each calls once, so both surely take part; then both call as fast as they can.
    let mut page_presses = 0u64;
    let before = actions_done(&browser).await;
    browser.press_enter().await;
    page_presses += 1;
    browser
        .wait_for(
            &format!("window.antreCounter.actions > {before} && !window.antreCounter.busy"),
            WAIT,
        )
        .await;
    let base = server.base.clone();
    let first = call_next_l02(&base).expect("a visitor for L02");
    let terminal = std::thread::spawn(move || {
        let mut called = vec![first];
        while let Some(number) = call_next_l02(&base) {
            called.push(number);
        }
        called
    });
    loop {
        let before = actions_done(&browser).await;
        browser.press_enter().await;
        page_presses += 1;
        browser
            .wait_for(
                &format!("window.antreCounter.actions > {before} && !window.antreCounter.busy"),
                WAIT,
            )
            .await;
        let nobody = browser
            .client
            .execute(
                "return window.antreCounter.message?.text === 'Tidak ada yang menunggu.';",
                vec![],
            )
            .await
            .unwrap();
        if nobody.as_bool() == Some(true) {
            break;
        }
    }
    let terminal_called = terminal.join().unwrap();

    // The stream saw every call: each ticket exactly once, at one counter.
    let mut calls: HashMap<u64, Vec<String>> = HashMap::new();
    let mut by_counter: HashMap<String, Vec<String>> = HashMap::new();
    while calls.values().map(Vec::len).sum::<usize>() < VISITORS {
        if let StreamMessage::Event(e) = next_message(&mut ws).await
            && e.kind == EventKind::TicketCalled
        {
            let t = e.ticket.unwrap();
            let counter = t.counter.clone().unwrap();
            calls.entry(t.id).or_default().push(counter.clone());
            by_counter.entry(counter).or_default().push(t.number);
        }
    }
    let twice: Vec<_> = calls.iter().filter(|(_, c)| c.len() > 1).collect();
    assert!(twice.is_empty(), "called more than once: {twice:?}");
    assert_eq!(calls.keys().copied().collect::<HashSet<_>>(), issued);
    let l01 = by_counter.get("L01").cloned().unwrap_or_default();
    let l02 = by_counter.get("L02").cloned().unwrap_or_default();
    assert!(
        !l01.is_empty() && !l02.is_empty(),
        "L01 {l01:?} L02 {l02:?}"
    );
    // What the terminal client printed is exactly what the stream says L02 called.
    assert_eq!(terminal_called, l02);
    eprintln!(
        "L01 (page) called {}, L02 (terminal) called {}, page presses {page_presses}",
        l01.len(),
        l02.len()
    );
    browser.screenshot("counter-concurrent").await;
    browser.close().await;
}
