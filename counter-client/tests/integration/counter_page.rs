//! The counter officer's page in a real headless Chromium at 1366×768, against the
//! real server: log in, open, call next (seen on the stream), transfer keeping the
//! visitor's place, a session running out mid-shift, and a reload.

use std::time::Duration;

use antre_protocol::{EventKind, StreamMessage, Ticket};
use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::Value;

/// Page changes come within a second on an idle machine; a shared, busy one gets more.
const WAIT: Duration = Duration::from_secs(20);

async fn waiting(server: &Server, token: &str, service: &str) -> Vec<Ticket> {
    client()
        .get(server.url(&format!("/api/v1/services/{service}/waiting")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_logs_in_opens_calls_and_transfers_keeping_the_place() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    // L01 serves DKP-KTP; DKP-KK is served elsewhere. The visitor arrives first, then
    // two people join DKP-KK: after the transfer the visitor must be ahead of them.
    let visitor = issue(&server, "DKP-KTP").await;
    let second = issue(&server, "DKP-KTP").await;
    let kk1 = issue(&server, "DKP-KK").await;
    let kk2 = issue(&server, "DKP-KK").await;
    let mut ws = subscribe(&server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));

    browser.client.goto(&server.url("/counter")).await.unwrap();
    browser
        .wait_for("!document.getElementById('login-view').hidden", WAIT)
        .await;
    browser.screenshot("counter-login").await;

    // A wrong password: a clear message, still on the login form.
    let form = browser
        .client
        .find(Locator::Id("login-user"))
        .await
        .unwrap();
    form.send_keys("petugas-l01").await.unwrap();
    let password = browser
        .client
        .find(Locator::Id("login-password"))
        .await
        .unwrap();
    password.send_keys("salah-sekali").await.unwrap();
    password.send_keys(&Key::Enter.to_string()).await.unwrap();
    browser
        .wait_for("!document.getElementById('login-error').hidden", WAIT)
        .await;
    let error = browser.text("login-error").await;
    assert!(error.contains("kata sandi salah"), "{error}");
    browser.screenshot("counter-login-wrong-password").await;

    // The right one: an officer with one counter lands on it.
    password.send_keys(PASSWORD).await.unwrap();
    password.send_keys(&Key::Enter.to_string()).await.unwrap();
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.view \
             && !document.getElementById('btn-open').disabled",
            WAIT,
        )
        .await;
    assert!(browser.text("counter-title").await.contains("L01"));
    browser.screenshot("counter-closed").await;

    // Open with "/", call with Enter.
    browser.press("/").await;
    browser
        .wait_for("window.antreCounter.view.status === 'open'", WAIT)
        .await;
    let opened = next_event(&mut ws, EventKind::CounterOpened).await;
    assert_eq!(opened.counter.unwrap().code, "L01");
    browser.press(&Key::Enter.to_string()).await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('current-number').textContent === '{}'",
                visitor.number
            ),
            WAIT,
        )
        .await;
    let called = next_event(&mut ws, EventKind::TicketCalled).await;
    let ticket = called.ticket.unwrap();
    assert_eq!(
        (ticket.id, ticket.counter.as_deref()),
        (visitor.id, Some("L01"))
    );
    // The waiting counts follow the stream: one KTP visitor left.
    browser
        .wait_for(
            "document.querySelector('#queues tr[data-service=\"DKP-KTP\"] .count').textContent === '1'",
            WAIT,
        )
        .await;
    browser.screenshot("counter-called").await;

    // Transfer with "3": search, choose, note, Enter.
    browser.press("3").await;
    browser
        .wait_for("!document.getElementById('transfer').hidden", WAIT)
        .await;
    browser.press("kartu keluarga").await;
    browser
        .wait_for(
            "document.querySelector('#transfer-list li.sel')?.dataset.code === 'DKP-KK'",
            WAIT,
        )
        .await;
    let note = browser
        .client
        .find(Locator::Id("transfer-note"))
        .await
        .unwrap();
    note.send_keys("bawa KK lama").await.unwrap();
    browser.screenshot("counter-transfer").await;
    note.send_keys(&Key::Enter.to_string()).await.unwrap();
    let moved = next_event(&mut ws, EventKind::TicketTransferred).await;
    let moved_ticket = moved.ticket.unwrap();
    assert_eq!(moved_ticket.id, visitor.id);
    assert_eq!(moved_ticket.service, "DKP-KK");
    assert_eq!(moved.detail.from_service.as_deref(), Some("DKP-KTP"));
    browser
        .wait_for(
            "document.getElementById('current-number').textContent === '—'",
            WAIT,
        )
        .await;
    let message = browser.text("message").await;
    assert!(message.contains(&visitor.number), "{message}");
    // Kept their place: ahead of the two who came to DKP-KK later.
    let admin = login(&server, "admin").await;
    let line: Vec<u64> = waiting(&server, &admin, "DKP-KK")
        .await
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(line, vec![visitor.id, kk1.id, kk2.id]);

    // The session runs out mid-shift (a token the server no longer accepts): the next
    // action asks for the password again, keeps the counter, and then goes through.
    browser.press(&Key::Enter.to_string()).await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('current-number').textContent === '{}'",
                second.number
            ),
            WAIT,
        )
        .await;
    browser
        .client
        .execute(
            "window.antreCounter.token = 'u1.00.00'; \
             localStorage.setItem('antre.counter.v1', JSON.stringify({...JSON.parse(localStorage.getItem('antre.counter.v1')), token: 'u1.00.00'}));",
            vec![],
        )
        .await
        .unwrap();
    browser.press("0").await;
    browser
        .wait_for("document.body.classList.contains('relogin')", WAIT)
        .await;
    let why = browser.text("login-why").await;
    assert!(why.contains("Sesi Anda berakhir"), "{why}");
    assert_eq!(browser.text("current-number").await, second.number);
    browser.screenshot("counter-relogin").await;
    let password = browser
        .client
        .find(Locator::Id("login-password"))
        .await
        .unwrap();
    password.send_keys(PASSWORD).await.unwrap();
    password.send_keys(&Key::Enter.to_string()).await.unwrap();
    browser
        .wait_for(
            "!document.body.classList.contains('relogin') \
             && window.antreCounter.view.ticket?.status === 'serving' \
             && !window.antreCounter.busy",
            WAIT,
        )
        .await;
    let serving = next_event(&mut ws, EventKind::TicketServing).await;
    assert_eq!(serving.ticket.unwrap().id, second.id);

    // Hold (4), a break (7, 8), and the held visitor back (6).
    browser.press("4").await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('held').textContent.includes('{}') \
                 && document.getElementById('current-number').textContent === '—'",
                second.number
            ),
            WAIT,
        )
        .await;
    browser.press("7").await;
    browser
        .wait_for(
            "document.getElementById('status-pill').textContent === 'ISTIRAHAT'",
            WAIT,
        )
        .await;
    browser.screenshot("counter-break-with-held").await;
    browser.press("8").await;
    browser
        .wait_for(
            "document.getElementById('status-pill').textContent === 'BUKA'",
            WAIT,
        )
        .await;
    browser.press("6").await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('current-number').textContent === '{}' \
                 && window.antreCounter.view.held.length === 0",
                second.number
            ),
            WAIT,
        )
        .await;
    let resumed = next_event(&mut ws, EventKind::TicketResumed).await;
    assert_eq!(resumed.ticket.unwrap().id, second.id);

    // A reload (or a restarted browser) comes back to the same counter and ticket.
    browser.client.refresh().await.unwrap();
    browser
        .wait_for(
            &format!(
                "document.body.dataset.view === 'counter' \
                 && document.getElementById('current-number').textContent === '{}'",
                second.number
            ),
            WAIT,
        )
        .await;
    let recent = browser.text("recent").await;
    assert!(recent.contains(&visitor.number), "{recent}");

    // English, and the serving timer ticking.
    browser.press("-").await;
    browser
        .wait_for(
            "document.getElementById('btn-callNext').textContent.includes('Call next')",
            WAIT,
        )
        .await;
    browser
        .wait_for(
            "/^\\d+:\\d\\d$/.test(document.getElementById('timer').textContent)",
            WAIT,
        )
        .await;
    browser.screenshot("counter-serving-en").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acting_on_a_counter_someone_else_opened_is_refused_with_a_clear_message() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    // The supervisor opened L02; its officer's page then tries to call there.
    let penyelia = login(&server, "penyelia").await;
    assert_eq!(
        act(&server, &penyelia, "L02", "open", None).await.status(),
        200
    );
    issue(&server, "DKP-KTP").await;

    browser
        .counter_log_in(&server.base, "petugas-l02", PASSWORD)
        .await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.view?.status === 'open'",
            WAIT,
        )
        .await;
    browser.press(&Key::Enter.to_string()).await;
    browser
        .wait_for(
            "document.getElementById('message').textContent.includes('petugas lain')",
            WAIT,
        )
        .await;
    assert_eq!(browser.text("current-number").await, "—");
    let res: Value = client()
        .get(server.url("/api/v1/counters/L02"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(res.get("ticket").is_none(), "nothing was called: {res}");
    browser.screenshot("counter-not-yours").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_chooses_among_all_counters() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    browser
        .counter_log_in(&server.base, "penyelia", PASSWORD)
        .await;
    browser
        .wait_for("document.body.dataset.view === 'choose'", WAIT)
        .await;
    let site = site(&server).await;
    let buttons = browser
        .client
        .execute(
            "return document.querySelectorAll('#counter-list button').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(buttons.as_u64(), Some(site.counters.len() as u64));
    browser.screenshot("counter-choose").await;
    browser
        .client
        .find(Locator::Css("#counter-list button[data-code='L03']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' \
             && document.getElementById('counter-title').textContent.includes('L03')",
            WAIT,
        )
        .await;
    // L03's own services are the ones counted.
    let rows = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#queues tr')].map(r => r.dataset.service);",
            vec![],
        )
        .await
        .unwrap();
    let l03 = site.counters.iter().find(|c| c.code == "L03").unwrap();
    assert_eq!(rows, serde_json::json!(l03.services));
    browser.close().await;
}

/// The codes the transfer list shows, in order.
async fn transfer_list(browser: &Browser) -> Vec<String> {
    let codes = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#transfer-list li')].map(li => li.dataset.code);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(codes).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_transfer_search_forgives_typos() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let visitor = issue(&server, "DKP-KTP").await;
    browser
        .counter_log_in(&server.base, "petugas-l01", PASSWORD)
        .await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.view \
             && !document.getElementById('btn-open').disabled",
            WAIT,
        )
        .await;
    browser.press("/").await;
    browser
        .wait_for("window.antreCounter.view.status === 'open'", WAIT)
        .await;
    browser.press(&Key::Enter.to_string()).await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('current-number').textContent === '{}'",
                visitor.number
            ),
            WAIT,
        )
        .await;
    browser.press("3").await;
    browser
        .wait_for("!document.getElementById('transfer').hidden", WAIT)
        .await;
    let passport = |codes: &[String]| {
        !codes.is_empty()
            && codes.iter().all(|c| c.starts_with("IMG-"))
            && codes.contains(&"IMG-PASPOR-BARU".to_string())
    };
    // As typed, then with two letters swapped: the same passport services.
    for typed in ["paspor", "psapor"] {
        browser
            .client
            .execute(
                "const f = document.getElementById('transfer-search'); f.value = ''; \
                 f.dispatchEvent(new Event('input'));",
                vec![],
            )
            .await
            .unwrap();
        browser.press(typed).await;
        browser
            .wait_for(
                &format!("document.getElementById('transfer-search').value === '{typed}'"),
                WAIT,
            )
            .await;
        let codes = transfer_list(&browser).await;
        assert!(passport(&codes), "{typed}: {codes:?}");
    }
    browser.screenshot("counter-transfer-typo").await;
    // Enter sends the visitor to the first of them.
    let first = transfer_list(&browser).await[0].clone();
    browser.press(&Key::Enter.to_string()).await;
    browser
        .wait_for(
            "document.getElementById('current-number').textContent === '—'",
            WAIT,
        )
        .await;
    let token = visitor
        .track_token
        .expect("the issue answer has the track token");
    let now: Ticket = client()
        .get(server.url(&format!("/api/v1/track/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now.service, first);
    browser.close().await;
}
