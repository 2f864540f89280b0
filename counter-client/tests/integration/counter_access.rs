//! The counter page for every officer: each button pressed from the keyboard does what
//! it says (Enter calls the next visitor only when no button has the focus), and every
//! state of the page — login, the counter choice, the desk idle, called and serving with
//! the longest names and several held tickets, and each dialog — passes axe-core and
//! fits 1366×768 without anything cut or overlapping.

use std::collections::BTreeSet;

use antre_protocol::TicketStatus;
use antre_testkit::browser::Browser;
use antre_testkit::*;
use serde_json::{Value, json};

use crate::counter_tools::{
    WAIT, check, counter, current_is, desk, dialog_open, log_in_again, ticket,
};

/// Puts the focus on the element `css`, checks it has it, and presses Enter there.
async fn enter_on(browser: &Browser, css: &str, pressed: &mut BTreeSet<String>) {
    let focused = browser
        .js(&format!(
            "const el = document.querySelector({0}); el.focus(); return document.activeElement === el;",
            serde_json::to_string(css).unwrap()
        ))
        .await;
    assert_eq!(focused, json!(true), "{css} takes the focus");
    browser.press_enter().await;
    pressed.insert(css.to_string());
}

/// The buttons on screen (header and desk), as the selectors the test presses them by.
async fn buttons_shown(browser: &Browser) -> Vec<String> {
    let found = browser
        .eval(
            "[...document.querySelectorAll('header button, #counter-view button')] \
               .filter(b => b.offsetParent !== null) \
               .map(b => b.id ? '#' + b.id : '#' + b.closest('ul').id + ' [data-' + Object.keys(b.dataset)[0] + ']')",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_on_a_focused_button_presses_that_button_not_call_next() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let admin = server.api().as_user("admin").await;
    let kiosk = server.api().as_device();
    let t1 = kiosk.issue("DKP-KTP").await;
    let t2 = kiosk.issue("DKP-KTP").await;
    kiosk.issue("DKP-KTP").await;
    desk(&browser, &server.base, "petugas-l01").await;
    let mut pressed = BTreeSet::new();
    let mut shown: BTreeSet<String> = BTreeSet::new();
    // Each step is done when the page shows it and has no action under way.
    let wait = |script: String| {
        let browser = &browser;
        async move {
            browser
                .wait_for(&format!("({script}) && !window.antreCounter.busy"), WAIT)
                .await
        }
    };

    // The language button switches the language, and calls nobody.
    enter_on(&browser, "#lang-btn", &mut pressed).await;
    wait(
        "document.documentElement.lang === 'en' \
          && document.getElementById('btn-callNext').textContent.includes('Call next')"
            .into(),
    )
    .await;
    assert_eq!(
        browser
            .eval("document.getElementById('lang-btn').lang")
            .await,
        json!("id")
    );
    enter_on(&browser, "#lang-btn", &mut pressed).await;
    wait("document.documentElement.lang === 'id'".into()).await;
    assert!(counter(&server, "L01").await.ticket.is_none());
    assert_eq!(
        counter(&server, "L01").await.status,
        antre_protocol::CounterStatus::Closed
    );

    // Open: opens, calls nobody.
    enter_on(&browser, "#btn-open", &mut pressed).await;
    wait("window.antreCounter.view.status === 'open' && !window.antreCounter.busy".into()).await;
    assert!(
        counter(&server, "L01").await.ticket.is_none(),
        "no call on open"
    );

    // Call next does call.
    enter_on(&browser, "#btn-callNext", &mut pressed).await;
    wait(current_is(Some(t1.id))).await;
    // Recall: the same visitor, called again.
    enter_on(&browser, "#btn-recall", &mut pressed).await;
    wait(format!(
        "{} && window.antreCounter.view.ticket.recalls === 1",
        current_is(Some(t1.id))
    ))
    .await;
    // Start.
    enter_on(&browser, "#btn-start", &mut pressed).await;
    wait("window.antreCounter.view.ticket?.status === 'serving'".into()).await;
    // Hold: parked, nobody called in their place.
    enter_on(&browser, "#btn-hold", &mut pressed).await;
    wait(format!(
        "{} && window.antreCounter.view.held.length === 1",
        current_is(None)
    ))
    .await;
    assert_eq!(ticket(&admin, t1.id).await.status, TicketStatus::Held);
    shown.extend(buttons_shown(&browser).await);
    // The held ticket's own "resume" button.
    enter_on(&browser, "#held [data-resume]", &mut pressed).await;
    wait(format!(
        "{} && window.antreCounter.view.held.length === 0",
        current_is(Some(t1.id))
    ))
    .await;
    // Held again, and back with "resume held".
    enter_on(&browser, "#btn-hold", &mut pressed).await;
    wait(current_is(None)).await;
    enter_on(&browser, "#btn-resumeHeld", &mut pressed).await;
    wait(current_is(Some(t1.id))).await;
    // Complete: done, nobody else called.
    enter_on(&browser, "#btn-complete", &mut pressed).await;
    wait(current_is(None)).await;
    assert_eq!(ticket(&admin, t1.id).await.status, TicketStatus::Done);
    // A break and its end: nobody called.
    enter_on(&browser, "#btn-pause", &mut pressed).await;
    wait("window.antreCounter.view.status === 'paused'".into()).await;
    enter_on(&browser, "#btn-resume", &mut pressed).await;
    wait("window.antreCounter.view.status === 'open' && !window.antreCounter.busy".into()).await;
    assert!(counter(&server, "L01").await.ticket.is_none());
    // No-show, then the session list's "reinstate".
    enter_on(&browser, "#btn-callNext", &mut pressed).await;
    wait(current_is(Some(t2.id))).await;
    enter_on(&browser, "#btn-noShow", &mut pressed).await;
    wait("document.querySelector('#recent [data-reinstate]')".into()).await;
    assert_eq!(ticket(&admin, t2.id).await.status, TicketStatus::NoShow);
    shown.extend(buttons_shown(&browser).await);
    enter_on(&browser, "#recent [data-reinstate]", &mut pressed).await;
    wait("document.getElementById('message').textContent.includes('dipulihkan')".into()).await;
    assert_eq!(ticket(&admin, t2.id).await.status, TicketStatus::Waiting);
    assert!(
        counter(&server, "L01").await.ticket.is_none(),
        "reinstating calls nobody"
    );

    // The dialogs' buttons: each opens its dialog, and its "cancel" closes it.
    enter_on(&browser, "#btn-callNext", &mut pressed).await;
    wait(current_is(Some(t2.id))).await;
    shown.extend(buttons_shown(&browser).await);
    for (button, dialog, cancel) in [
        ("#btn-transfer", "transfer", "#transfer-cancel"),
        ("#btn-callTicket", "pick", "#pick-cancel"),
        ("#btn-reinstate", "pick", "#pick-cancel"),
        ("#btn-checkIn", "checkin", "#checkin-close"),
        ("#btn-close", "leave", "#leave-cancel"),
        ("#logout-btn", "leave", "#leave-cancel"),
    ] {
        enter_on(&browser, button, &mut pressed).await;
        wait(dialog_open(dialog)).await;
        enter_on(&browser, cancel, &mut pressed).await;
        wait(format!("!document.getElementById('{dialog}').open")).await;
        // The focus is back on the button that opened the dialog.
        assert_eq!(
            browser.eval("'#' + document.activeElement.id").await,
            json!(button),
            "focus after closing {dialog}"
        );
        let now = counter(&server, "L01").await;
        assert_eq!(
            now.ticket.map(|t| (t.id, t.status)),
            Some((t2.id, TicketStatus::Called))
        );
    }
    // The leave dialog's choices: "complete", then logged out.
    enter_on(&browser, "#logout-btn", &mut pressed).await;
    wait(dialog_open("leave")).await;
    enter_on(&browser, "#leave-complete", &mut pressed).await;
    log_in_again(&browser).await;
    assert_eq!(ticket(&admin, t2.id).await.status, TicketStatus::Done);
    assert!(counter(&server, "L01").await.ticket.is_none());

    // Close asks twice: Enter on the focused button arms it, Enter again closes.
    enter_on(&browser, "#btn-close", &mut pressed).await;
    wait("document.getElementById('btn-close').classList.contains('armed')".into()).await;
    assert_eq!(
        browser.eval("document.activeElement.id").await,
        json!("btn-close")
    );
    browser.press_enter().await;
    wait("window.antreCounter.view.status === 'closed' && !window.antreCounter.busy".into()).await;
    assert!(counter(&server, "L01").await.ticket.is_none());
    shown.extend(buttons_shown(&browser).await);
    // Log out without a visitor: at once.
    enter_on(&browser, "#logout-btn", &mut pressed).await;
    wait("document.body.dataset.view === 'login'".into()).await;

    // Every button the desk showed was pressed from the keyboard.
    let missed: Vec<&String> = shown.difference(&pressed).collect();
    assert!(missed.is_empty(), "not pressed: {missed:?}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_is_accessible_and_fits_1366x768_with_long_names() {
    let (_dir, server) = crate::shared_site::server();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let kiosk = server.api().as_device();
    // L26: the building-approval service with the longest name, and a priority ticket.
    for _ in 0..7 {
        kiosk.issue("PTSP-PBG").await;
    }
    let res = kiosk
        .post("/tickets")
        .json(&json!({"service": "PTSP-PBG", "priority": "lansia"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    kiosk.issue("PTSP-KONSUL").await;

    // Login, empty and after a wrong password.
    browser.client.goto(&server.url("/counter")).await.unwrap();
    browser
        .wait_for("!document.getElementById('login-view').hidden", WAIT)
        .await;
    check(&browser, "state-login").await;
    browser.counter_log_in(&server.base, "siti", "salah").await;
    browser
        .wait_for("!document.getElementById('login-error').hidden", WAIT)
        .await;
    check(&browser, "state-login-wrong-password").await;

    // The choice, then L26 closed.
    browser.counter_log_in(&server.base, "siti", PASSWORD).await;
    browser
        .wait_for(
            "document.body.dataset.view === 'choose' \
             && document.querySelector('[data-state-of=\"L26\"]').textContent === 'TUTUP'",
            WAIT,
        )
        .await;
    check(&browser, "state-choose").await;
    browser.click("#counter-list button[data-code='L26']").await;
    browser
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.view?.code === 'L26' \
             && document.querySelectorAll('#queues tr').length === 2",
            WAIT,
        )
        .await;
    check(&browser, "state-closed-long-names").await;

    // Open and idle; then six visitors held with long notes (the priority visitor
    // first), and the priority visitor taken back and recalled twice: five held, and
    // the current ticket with its priority, recalls and note.
    browser.press("/").await;
    browser
        .wait_for(
            "window.antreCounter.view.status === 'open' && !window.antreCounter.busy",
            WAIT,
        )
        .await;
    check(&browser, "state-idle-long-names").await;
    let siti = server.api().as_user("siti").await;
    for i in 0..6 {
        assert_eq!(siti.act("L26", "call-next", None).await.status(), 200);
        let note = format!(
            "Menunggu fotokopi akta pendirian dan surat kuasa direksi, berkas ke-{i} dari pemohon"
        );
        assert_eq!(
            siti.act("L26", "hold", Some(json!({ "note": note })))
                .await
                .status(),
            200
        );
    }
    let first = counter(&server, "L26").await.held[0].clone();
    assert_eq!(first.priority, Some(antre_protocol::Priority::Lansia));
    assert_eq!(
        siti.act("L26", "resume", Some(json!({ "ticket": first.id })))
            .await
            .status(),
        200
    );
    assert_eq!(siti.act("L26", "recall", None).await.status(), 200);
    assert_eq!(siti.act("L26", "recall", None).await.status(), 200);
    browser
        .wait_for(
            "window.antreCounter.view.held.length === 5 \
             && window.antreCounter.view.ticket?.recalls === 2",
            WAIT,
        )
        .await;
    let called: Value = browser
        .eval("window.antreCounter.view.ticket.priority")
        .await;
    assert_eq!(called, json!("lansia"));
    assert!(
        browser
            .text("current-extra")
            .await
            .contains("Menunggu fotokopi")
    );
    check(&browser, "state-called-long-names-held").await;
    browser.press("0").await;
    browser
        .wait_for(
            "window.antreCounter.view.ticket?.status === 'serving'",
            WAIT,
        )
        .await;
    check(&browser, "state-serving-long-names-held").await;

    // The dialogs, with long names in their lists.
    browser.press("3").await;
    browser.wait_for(&dialog_open("transfer"), WAIT).await;
    browser.press("izin bangunan").await;
    browser
        .wait_for(
            "document.querySelector('#transfer-list li.sel')?.dataset.code === 'PTSP-PBG'",
            WAIT,
        )
        .await;
    check(&browser, "state-transfer-dialog").await;
    browser
        .press(&fantoccini::key::Key::Escape.to_string())
        .await;
    browser.press("5").await;
    browser.wait_for(&dialog_open("pick"), WAIT).await;
    browser
        .wait_for(
            "document.querySelectorAll('#pick-list li[data-id]').length >= 3",
            WAIT,
        )
        .await;
    check(&browser, "state-pick-call-dialog").await;
    browser
        .press(&fantoccini::key::Key::Escape.to_string())
        .await;
    browser.press("*").await;
    browser.wait_for(&dialog_open("leave"), WAIT).await;
    check(&browser, "state-leave-close-dialog").await;
    browser
        .press(&fantoccini::key::Key::Escape.to_string())
        .await;

    // In English, and taken over (the notice on top of it all).
    browser.press("-").await;
    browser
        .wait_for("document.documentElement.lang === 'en'", WAIT)
        .await;
    check(&browser, "state-serving-en").await;
    let penyelia = server.api().as_user("penyelia").await;
    assert_eq!(
        penyelia
            .act("L26", "open", Some(json!({"take_over": true})))
            .await
            .status(),
        200
    );
    browser
        .wait_for(
            "document.getElementById('notice').classList.contains('taken')",
            WAIT,
        )
        .await;
    check(&browser, "state-taken-over-en").await;
    // Still the same visitor, held tickets and all, at the counter.
    let l26 = counter(&server, "L26").await;
    assert_eq!(l26.held.len(), 5);
    assert_eq!(l26.ticket.unwrap().status, TicketStatus::Serving);
    browser.close().await;
}

/// An officer whose password an admin gave chooses their own before working: the page
/// asks for it at once, says what is wrong beside the fields, and then opens the desk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_from_the_admin_is_replaced_before_the_desk_opens() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let body = json!({"role": "officer", "counters": ["L07"], "password": "dari-admin-777"});
    let res = admin
        .put("/admin/users/ani")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    browser
        .counter_log_in(&server.base, "ani", "dari-admin-777")
        .await;
    browser
        .wait_for("!document.getElementById('password-view').hidden", WAIT)
        .await;
    browser.assert_accessible("counter: new password").await;
    browser
        .assert_fits("counter: new password", "#password-view")
        .await;
    browser.screenshot("counter-new-password-1366x768").await;
    // Two different passwords: said beside the fields, nothing sent.
    browser.click("#new-password").await;
    browser.press("punya-ani-sendiri").await;
    browser.click("#new-password-2").await;
    browser.press("punya-ani-lain").await;
    browser.click("#password-submit").await;
    browser
        .wait_for("!document.getElementById('password-error').hidden", WAIT)
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('new-password-2').getAttribute('aria-invalid')")
            .await,
        json!("true")
    );
    browser
        .js("document.getElementById('new-password-2').value = ''; return true;")
        .await;
    browser.click("#new-password-2").await;
    browser.press("punya-ani-sendiri").await;
    browser.click("#password-submit").await;
    // Her only counter opens at once with the new session.
    browser
        .wait_for("!document.getElementById('counter-view').hidden", WAIT)
        .await;
    let res = server
        .api()
        .post("/auth/login")
        .json(&json!({"username": "ani", "password": "punya-ani-sendiri"}))
        .send()
        .await
        .unwrap();
    let me: Value = res.json().await.unwrap();
    assert!(me.get("must_change_password").is_none(), "{me}");
    browser.close().await;
}
