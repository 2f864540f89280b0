//! The officer's tools on the counter page, in headless Chromium at 1366×768 against
//! the real server: counters that people share (taking one over, and being taken over
//! from), leaving with a visitor at the counter, bringing a no-show back, calling a
//! particular ticket with a reason, and cancelling (supervisors only). Every state the
//! tests pass through is checked with axe-core and the overflow measure, and kept as a
//! screenshot (`artifacts/screenshots/counter-*.png`).

use std::time::Duration;

use antre_protocol::{CounterView, EventKind, StreamMessage, Ticket, TicketStatus};
use antre_testkit::browser::Browser;
use antre_testkit::*;
use serde_json::json;

/// Page changes come within a second on an idle machine; a shared, busy one gets more.
pub const WAIT: Duration = Duration::from_secs(20);

/// What must fit the 1366×768 screen: the header, the view shown, an open dialog.
pub const REGIONS: &str = "header, main:not([hidden]), dialog[open]";

/// The state as it is now: no serious accessibility violation, nothing cut or spilling
/// at 1366×768, and a screenshot `counter-{name}.png`. The lists that scroll on purpose
/// (marked `data-overflow-ok`: what is scrolled away is not cut) must still not be
/// wider than themselves.
pub async fn check(browser: &Browser, name: &str) {
    browser
        .assert_accessible(&format!("counter page, {name}"))
        .await;
    browser
        .assert_fits(&format!("counter page, {name}, 1366×768"), REGIONS)
        .await;
    let wide = browser
        .eval(
            "[...document.querySelectorAll('ul[data-overflow-ok]')]                .filter(l => l.offsetParent !== null && l.scrollWidth > l.clientWidth + 1)                .map(l => l.id + ': ' + l.scrollWidth + ' > ' + l.clientWidth)",
        )
        .await;
    assert_eq!(
        wide,
        json!([]),
        "{name}: scrolling lists wider than themselves"
    );
    browser.screenshot(&format!("counter-{name}")).await;
}

/// Logs in and waits for the desk of the user's one counter, with its state loaded.
pub async fn desk(browser: &Browser, base: &str, user: &str) {
    browser.counter_log_in(base, user, PASSWORD).await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.view \
             && document.getElementById('btn-open')",
            WAIT,
        )
        .await;
}

/// The login form after a logout: the username is kept, the password is asked.
pub async fn log_in_again(browser: &Browser) {
    browser
        .wait_for(
            "document.body.dataset.view === 'login' \
             && document.activeElement.id === 'login-password'",
            WAIT,
        )
        .await;
    browser.press(PASSWORD).await;
    browser.press_enter().await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.token \
             && window.antreCounter.view",
            WAIT,
        )
        .await;
}

pub async fn counter(server: &Server, code: &str) -> CounterView {
    server.api().json(&format!("/counters/{code}")).await
}

pub async fn ticket(staff: &Api, id: u64) -> Ticket {
    staff.json(&format!("/tickets/{id}")).await
}

/// Whether the page's current ticket is `id` (or none), with no action of the page
/// still under way (a key pressed meanwhile would only be told to wait).
pub fn current_is(id: Option<u64>) -> String {
    let busy = "!window.antreCounter.busy";
    match id {
        Some(id) => format!("window.antreCounter.view?.ticket?.id === {id} && {busy}"),
        None => format!("window.antreCounter.view && !window.antreCounter.view.ticket && {busy}"),
    }
}

/// A dialog is open and has the focus.
pub fn dialog_open(id: &str) -> String {
    format!(
        "document.getElementById('{id}').open && !document.getElementById('{id}').hidden \
         && document.getElementById('{id}').contains(document.activeElement)"
    )
}

/// The `ticket.called` event of ticket `id`, skipping other calls.
pub async fn call_of(ws: &mut Ws, id: u64) -> antre_protocol::Event {
    loop {
        let e = next_event(ws, EventKind::TicketCalled).await;
        if e.ticket.as_ref().map(|t| t.id) == Some(id) {
            return e;
        }
    }
}

pub async fn subscribed(server: &Server) -> Ws {
    let mut ws = subscribe(server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_takes_a_shared_counter_over_and_the_other_page_stops_acting() {
    let (_dir, server) = crate::shared_site::server();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let api = server.api();
    let siti = api.as_user("siti").await;
    let visitor = api.as_device().issue("DKP-KTP").await;
    api.as_device().issue("DKP-KTP").await;
    assert_eq!(siti.act("L01", "open", None).await.status(), 200);
    assert_eq!(siti.act("L01", "call-next", None).await.status(), 200);
    let mut ws = subscribed(&server).await;

    // Budi comes for the next shift: his page says whose counter it is, and acts on
    // nothing there.
    desk(&browser, &server.base, "budi").await;
    browser
        .wait_for(
            "!document.getElementById('notice').hidden \
             && document.getElementById('notice').textContent.includes('siti')",
            WAIT,
        )
        .await;
    assert!(browser.text("status-pill").await.contains("siti"));
    check(&browser, "shared-open-by-other").await;
    browser.press_enter().await;
    browser
        .wait_for(
            "document.getElementById('message').textContent.includes('petugas lain')",
            WAIT,
        )
        .await;
    let l01 = counter(&server, "L01").await;
    assert_eq!(l01.officer.as_deref(), Some("siti"));
    assert_eq!(l01.ticket.as_ref().map(|t| t.id), Some(visitor.id));
    assert_eq!(l01.ticket.unwrap().status, TicketStatus::Called);

    // "/" asks, in both languages, and Enter (on the focused "take over") confirms.
    browser.press("/").await;
    browser.wait_for(&dialog_open("takeover"), WAIT).await;
    let question = browser.text("takeover-text").await;
    assert!(
        question.contains("Loket dibuka oleh siti — ambil alih?"),
        "{question}"
    );
    assert!(
        question.contains("siti has this counter open — take it over?"),
        "{question}"
    );
    assert_eq!(
        browser
            .eval("document.querySelector('#takeover-text small').lang")
            .await,
        json!("en")
    );
    assert_eq!(
        browser.eval("document.activeElement.id").await,
        json!("takeover-go")
    );
    check(&browser, "takeover-dialog").await;
    browser.press_enter().await;
    let taken = next_event(&mut ws, EventKind::CounterOpened).await;
    assert_eq!(taken.detail.taken_from.as_deref(), Some("siti"));
    assert_eq!(taken.detail.by.as_deref(), Some("budi"));
    browser
        .wait_for(
            "document.getElementById('notice').hidden \
             && document.getElementById('message').textContent.includes('diambil alih dari siti') \
             && window.antreCounter.view.officer === 'budi'",
            WAIT,
        )
        .await;
    // The visitor siti had called is still at the counter, now Budi's.
    assert_eq!(browser.text("current-number").await, visitor.number);
    assert!(
        !browser
            .eval("document.getElementById('btn-complete').disabled")
            .await
            .as_bool()
            .unwrap()
    );

    // Siti takes it back: Budi's page is told at once, names her, and stops acting.
    assert_eq!(
        siti.act("L01", "open", Some(json!({"take_over": true})))
            .await
            .status(),
        200
    );
    let back = next_event(&mut ws, EventKind::CounterOpened).await;
    assert_eq!(back.detail.taken_from.as_deref(), Some("budi"));
    browser
        .wait_for(
            "document.getElementById('notice').classList.contains('taken') \
             && document.getElementById('notice').textContent.includes('diambil alih oleh siti')",
            WAIT,
        )
        .await;
    let notice = browser.text("notice").await;
    assert!(notice.contains("siti took this counter over"), "{notice}");
    check(&browser, "taken-over").await;
    // Every counter button but "take over" is off (reinstating and checking a booking in
    // are not the counter's); keys act on nothing.
    let enabled = browser
        .eval(
            "[...document.querySelectorAll('#actions button')].filter(b => !b.disabled).map(b => b.id)",
        )
        .await;
    assert_eq!(enabled, json!(["btn-reinstate", "btn-checkIn", "btn-open"]));
    for key in ["1", "2", "4", "7"] {
        browser.press(key).await;
    }
    browser.press_enter().await;
    browser
        .wait_for(
            "document.getElementById('message').textContent.includes('siti (petugas lain)')",
            WAIT,
        )
        .await;
    let l01 = counter(&server, "L01").await;
    assert_eq!(l01.officer.as_deref(), Some("siti"));
    assert_eq!(l01.status, antre_protocol::CounterStatus::Open);
    let kept = l01.ticket.expect("the visitor is still at the counter");
    assert_eq!((kept.id, kept.status), (visitor.id, TicketStatus::Called));
    assert!(l01.held.is_empty());
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_choice_shows_each_counters_state_and_who_holds_it() {
    let (_dir, server) = crate::shared_site::server();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let budi = server.api().as_user("budi").await;
    assert_eq!(budi.act("L01", "open", None).await.status(), 200);
    let mut ws = subscribed(&server).await;

    // Siti has two counters: she chooses, seeing that Budi has L01 open.
    browser.counter_log_in(&server.base, "siti", PASSWORD).await;
    let state =
        |code: &str| format!("document.querySelector('[data-state-of=\"{code}\"]').textContent");
    browser
        .wait_for(
            &format!(
                "document.body.dataset.view === 'choose' && {} === 'BUKA · budi' && {} === 'TUTUP'",
                state("L01"),
                state("L26")
            ),
            WAIT,
        )
        .await;
    check(&browser, "choose-shared").await;
    // Live: Budi goes on a break.
    assert_eq!(budi.act("L01", "pause", None).await.status(), 200);
    browser
        .wait_for(&format!("{} === 'ISTIRAHAT · budi'", state("L01")), WAIT)
        .await;

    // Choosing L01 asks first; Esc keeps her on the choice, with the focus back on L01.
    browser
        .js("document.querySelector('[data-code=\"L01\"]').focus(); return true;")
        .await;
    browser.press_enter().await;
    browser.wait_for(&dialog_open("takeover"), WAIT).await;
    browser
        .press(&fantoccini::key::Key::Escape.to_string())
        .await;
    browser
        .wait_for(
            "!document.getElementById('takeover').open \
             && document.body.dataset.view === 'choose' \
             && document.activeElement.dataset.code === 'L01'",
            WAIT,
        )
        .await;
    // Again, and "take over" by mouse.
    browser.click("[data-code='L01']").await;
    browser.wait_for(&dialog_open("takeover"), WAIT).await;
    browser.click("#takeover-go").await;
    let taken = next_event(&mut ws, EventKind::CounterOpened).await;
    assert_eq!(taken.detail.taken_from.as_deref(), Some("budi"));
    assert_eq!(taken.detail.by.as_deref(), Some("siti"));
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' \
             && document.getElementById('counter-title').textContent.includes('L01') \
             && window.antreCounter.view.officer === 'siti'",
            WAIT,
        )
        .await;
    // The break went with the counter.
    assert_eq!(browser.text("status-pill").await, "ISTIRAHAT");

    // The supervisor's choice lists every counter with its state and holder.
    browser.click("#logout-btn").await;
    browser
        .wait_for("document.body.dataset.view === 'login'", WAIT)
        .await;
    browser.js("localStorage.clear(); return true;").await;
    browser
        .counter_log_in(&server.base, "penyelia", PASSWORD)
        .await;
    browser
        .wait_for(
            &format!(
                "document.body.dataset.view === 'choose' && {} === 'ISTIRAHAT · siti' \
                 && document.querySelectorAll('#counter-list button').length === 30",
                state("L01")
            ),
            WAIT,
        )
        .await;
    check(&browser, "choose-supervisor").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_or_closing_with_a_visitor_asks_what_becomes_of_them() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let admin = server.api().as_user("admin").await;
    let kiosk = server.api().as_device();
    let t1 = kiosk.issue("DKP-KTP").await;
    let t2 = kiosk.issue("DKP-KTP").await;
    let t3 = kiosk.issue("DKP-KTP").await;
    desk(&browser, &server.base, "petugas-l01").await;
    browser.press("/").await;
    browser
        .wait_for(
            "window.antreCounter.view.status === 'open' && !window.antreCounter.busy",
            WAIT,
        )
        .await;

    // Complete, then log out.
    browser.press_enter().await;
    browser.wait_for(&current_is(Some(t1.id)), WAIT).await;
    browser.click("#logout-btn").await;
    browser.wait_for(&dialog_open("leave"), WAIT).await;
    assert_eq!(browser.text("leave-title").await, "Sebelum keluar");
    let text = browser.text("leave-text").await;
    assert!(
        text.contains(&format!("{} masih di loket", t1.number)),
        "{text}"
    );
    check(&browser, "leave-logout-dialog").await;
    browser.press("1").await;
    log_in_again(&browser).await;
    assert_eq!(ticket(&admin, t1.id).await.status, TicketStatus::Done);

    // Back in line, at their place (ahead of the third), then log out.
    browser.press_enter().await;
    browser.wait_for(&current_is(Some(t2.id)), WAIT).await;
    browser.click("#logout-btn").await;
    browser.wait_for(&dialog_open("leave"), WAIT).await;
    browser.press("2").await;
    log_in_again(&browser).await;
    let now = ticket(&admin, t2.id).await;
    assert_eq!((now.status, now.position), (TicketStatus::Waiting, Some(0)));
    assert!(counter(&server, "L01").await.ticket.is_none());

    // Hold at the counter, then log out: the next officer finds them there.
    browser.press_enter().await;
    browser.wait_for(&current_is(Some(t2.id)), WAIT).await;
    browser.click("#logout-btn").await;
    browser.wait_for(&dialog_open("leave"), WAIT).await;
    browser.click("#leave-hold").await;
    log_in_again(&browser).await;
    assert_eq!(ticket(&admin, t2.id).await.status, TicketStatus::Held);
    let l01 = counter(&server, "L01").await;
    assert_eq!(l01.held.iter().map(|t| t.id).collect::<Vec<_>>(), [t2.id]);
    assert!(l01.ticket.is_none());
    browser
        .wait_for(
            &format!(
                "document.getElementById('held').textContent.includes('{}')",
                t2.number
            ),
            WAIT,
        )
        .await;

    // Closing with a visitor: complete or back in line (holding is not offered: a
    // closed counter sends its held visitors back in line); Esc changes nothing.
    browser.press_enter().await;
    browser.wait_for(&current_is(Some(t3.id)), WAIT).await;
    browser.press("*").await;
    browser.wait_for(&dialog_open("leave"), WAIT).await;
    assert_eq!(browser.text("leave-title").await, "Sebelum menutup loket");
    assert_eq!(
        browser
            .eval("document.getElementById('leave-hold').hidden")
            .await,
        json!(true)
    );
    check(&browser, "leave-close-dialog").await;
    browser.press("4").await;
    browser
        .press(&fantoccini::key::Key::Escape.to_string())
        .await;
    browser
        .wait_for("!document.getElementById('leave').open", WAIT)
        .await;
    assert_eq!(
        ticket(&admin, t3.id).await.status,
        TicketStatus::Called,
        "nothing happened"
    );
    browser.press("*").await;
    browser.wait_for(&dialog_open("leave"), WAIT).await;
    browser.press("2").await;
    browser
        .wait_for(
            "window.antreCounter.view.status === 'closed' && !window.antreCounter.busy",
            WAIT,
        )
        .await;
    let l01 = counter(&server, "L01").await;
    assert_eq!(l01.status, antre_protocol::CounterStatus::Closed);
    assert!(l01.ticket.is_none() && l01.held.is_empty());
    let line: Vec<u64> = admin
        .json::<Vec<Ticket>>("/services/DKP-KTP/waiting")
        .await
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(line, [t2.id, t3.id], "both back in line, in arrival order");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_show_comes_back_and_a_particular_ticket_is_called_with_a_reason() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let admin = server.api().as_user("admin").await;
    let kiosk = server.api().as_device();
    let t1 = kiosk.issue("DKP-KTP").await;
    let t2 = kiosk.issue("DKP-KTP").await;
    let t3 = kiosk.issue("DKP-KTP").await;
    let t4 = kiosk.issue("DKP-KTP").await;
    let mut ws = subscribed(&server).await;
    desk(&browser, &server.base, "petugas-l01").await;
    // Officers do not cancel: no button, and "x" says why.
    assert_eq!(
        browser
            .eval("!!document.getElementById('btn-cancelTicket')")
            .await,
        json!(false)
    );
    browser.press("x").await;
    browser
        .wait_for(
            "document.getElementById('message').textContent.includes('Hanya penyelia')",
            WAIT,
        )
        .await;
    browser.press("/").await;
    browser
        .wait_for(
            "window.antreCounter.view.status === 'open' && !window.antreCounter.busy",
            WAIT,
        )
        .await;

    // A no-show of this session comes back from the session's list.
    browser.press_enter().await;
    browser.wait_for(&current_is(Some(t1.id)), WAIT).await;
    browser.press("2").await;
    browser
        .wait_for("document.querySelector('#recent [data-reinstate]')", WAIT)
        .await;
    check(&browser, "idle-with-no-show").await;
    browser.click("#recent [data-reinstate]").await;
    browser
        .wait_for(
            "document.getElementById('message').textContent.includes('dipulihkan')",
            WAIT,
        )
        .await;
    let now = ticket(&admin, t1.id).await;
    assert_eq!((now.status, now.position), (TicketStatus::Waiting, Some(0)));

    // A no-show at another counter comes back by the number typed in ("9").
    let l02 = server.api().as_user("petugas-l02").await;
    assert_eq!(l02.act("L02", "open", None).await.status(), 200);
    assert_eq!(l02.act("L02", "call-next", None).await.status(), 200);
    assert_eq!(l02.act("L02", "no-show", None).await.status(), 200);
    assert_eq!(ticket(&admin, t1.id).await.status, TicketStatus::NoShow);
    browser.press("9").await;
    browser.wait_for(&dialog_open("pick"), WAIT).await;
    assert_eq!(
        browser.text("pick-title").await,
        "Pulihkan tiket tidak hadir"
    );
    browser.press(&t1.number.to_lowercase()).await;
    browser
        .wait_for(
            "document.querySelector('#pick-list li.empty')?.textContent.includes('Enter mencari')",
            WAIT,
        )
        .await;
    browser.press_enter().await;
    browser
        .wait_for(
            &format!(
                "document.querySelector('#pick-list li.sel')?.dataset.id === '{}'",
                t1.id
            ),
            WAIT,
        )
        .await;
    check(&browser, "pick-reinstate-dialog").await;
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('pick').open", WAIT)
        .await;
    assert_eq!(ticket(&admin, t1.id).await.status, TicketStatus::Waiting);
    // A number that is not a no-show says so, in the dialog.
    browser.press("9").await;
    browser.wait_for(&dialog_open("pick"), WAIT).await;
    browser.press(&t2.number).await;
    browser.press_enter().await;
    browser
        .wait_for(
            "document.getElementById('pick-error').textContent.includes('hanya tiket tidak hadir')",
            WAIT,
        )
        .await;
    browser
        .press(&fantoccini::key::Key::Escape.to_string())
        .await;
    browser
        .wait_for("!document.getElementById('pick').open", WAIT)
        .await;

    // "5": the waiting tickets of this counter's services, in the order they came.
    browser.press("5").await;
    browser.wait_for(&dialog_open("pick"), WAIT).await;
    browser
        .wait_for(
            "document.querySelectorAll('#pick-list li[data-id]').length === 4",
            WAIT,
        )
        .await;
    let listed = browser
        .eval("[...document.querySelectorAll('#pick-list li[data-id]')].map(li => Number(li.dataset.id))")
        .await;
    assert_eq!(listed, json!([t1.id, t2.id, t3.id, t4.id]));
    check(&browser, "pick-call-dialog").await;
    // The third, out of turn (the policy picks the first): the server wants a reason;
    // the dialog says so.
    browser.press(&t3.number).await;
    browser
        .wait_for(
            "document.querySelectorAll('#pick-list li[data-id]').length === 1",
            WAIT,
        )
        .await;
    browser.press_enter().await;
    browser
        .wait_for(
            "document.getElementById('pick-error').textContent.includes('alasan') \
             && document.activeElement.id === 'pick-reason'",
            WAIT,
        )
        .await;
    check(&browser, "pick-call-reason").await;
    browser.press("lansia, kembali dari fotokopi").await;
    browser.press_enter().await;
    let called = call_of(&mut ws, t3.id).await;
    assert!(called.detail.out_of_order);
    assert_eq!(
        called.detail.reason.as_deref(),
        Some("lansia, kembali dari fotokopi")
    );
    assert_eq!(called.detail.by.as_deref(), Some("petugas-l01"));
    browser
        .wait_for(
            &format!(
                "!document.getElementById('pick').open && {}",
                current_is(Some(t3.id))
            ),
            WAIT,
        )
        .await;
    check(&browser, "called-out-of-turn").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_cancels_a_ticket_with_a_reason() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let admin = server.api().as_user("admin").await;
    let kiosk = server.api().as_device();
    let t1 = kiosk.issue("DKP-KTP").await;
    let t2 = kiosk.issue("DKP-KTP").await;
    let mut ws = subscribed(&server).await;
    browser
        .counter_log_in(&server.base, "penyelia", PASSWORD)
        .await;
    browser
        .wait_for("document.body.dataset.view === 'choose'", WAIT)
        .await;
    browser.click("#counter-list button[data-code='L01']").await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.view \
             && document.getElementById('btn-cancelTicket') \
             && !document.getElementById('btn-cancelTicket').disabled",
            WAIT,
        )
        .await;
    browser.press("x").await;
    browser.wait_for(&dialog_open("pick"), WAIT).await;
    browser
        .wait_for(
            "document.querySelectorAll('#pick-list li[data-id]').length === 2",
            WAIT,
        )
        .await;
    assert_eq!(browser.text("pick-title").await, "Batalkan tiket");
    check(&browser, "pick-cancel-dialog").await;
    // The second, without a reason first: asked for, nothing cancelled.
    browser.press(&fantoccini::key::Key::Down.to_string()).await;
    browser
        .wait_for(
            &format!(
                "document.querySelector('#pick-list li.sel')?.dataset.id === '{}'",
                t2.id
            ),
            WAIT,
        )
        .await;
    browser.press_enter().await;
    browser
        .wait_for(
            "document.getElementById('pick-error').textContent.includes('alasan') \
             && document.activeElement.id === 'pick-reason'",
            WAIT,
        )
        .await;
    assert_eq!(ticket(&admin, t2.id).await.status, TicketStatus::Waiting);
    browser.press("tiket ganda").await;
    browser.press_enter().await;
    let cancelled = next_event(&mut ws, EventKind::TicketCancelled).await;
    assert_eq!(cancelled.ticket.as_ref().map(|t| t.id), Some(t2.id));
    assert_eq!(cancelled.detail.reason.as_deref(), Some("tiket ganda"));
    assert_eq!(cancelled.detail.by.as_deref(), Some("penyelia"));
    browser
        .wait_for(
            "!document.getElementById('pick').open \
             && document.getElementById('message').textContent.includes('dibatalkan')",
            WAIT,
        )
        .await;
    assert_eq!(ticket(&admin, t2.id).await.status, TicketStatus::Cancelled);
    assert_eq!(ticket(&admin, t1.id).await.status, TicketStatus::Waiting);
    browser.close().await;
}
