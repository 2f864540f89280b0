//! A booked visitor at the kiosk, in a real headless Chromium (1080×1920) against the
//! real server, with the real agent printing on a simulated printer: the QR code's
//! scanner types the booking code and Enter on the start screen, and the visitor gets a
//! ticket shown as a walk-in's with BOOKING beside the number, printed the same way. The
//! same code again, and an unknown one typed on the check-in screen, are explained.
//!
//! Screenshots: artifacts/screenshots/kiosk-checkin-*.png.

use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::pages::LIMIT;
use crate::printer::*;
use antre_protocol::PrinterState;

/// A booking whose check-in window is open now, made through the public API; its code
/// as shown (`XXXX-XXXX`).
async fn booking_open_now(server: &Server) -> String {
    let api = server.api();
    let services: Vec<Value> = api.json("/booking/services").await;
    let now = jiff::Timestamp::now();
    let at = |v: &Value| v.as_str().and_then(|s| s.parse::<jiff::Timestamp>().ok());
    for s in &services {
        let code = s["code"].as_str().unwrap();
        let slots: Vec<Value> = api.json(&format!("/booking/slots?service={code}")).await;
        let Some(slot) = slots.iter().find(|x| {
            x["open"] == true
                && x["left"].as_u64().unwrap_or(0) > 0
                && at(&x["check_in_from"]).is_some_and(|t| t <= now)
                && at(&x["check_in_until"])
                    .is_some_and(|t| t > now + jiff::SignedDuration::from_mins(2))
        }) else {
            continue;
        };
        let res = api
            .post("/bookings")
            .json(&json!({
                "service": code, "date": slot["date"], "start": slot["start"],
                "nik": "7371011201900003", "name": "Andi Baso", "phone": "081234567890",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "booking {code} {slot}");
        let booking: Value = res.json().await.unwrap();
        let raw = booking["code"].as_str().unwrap().replace('-', "");
        return format!("{}-{}", &raw[..4], &raw[4..]);
    }
    panic!("the demo has no bookable session whose check-in is open now: {services:#?}");
}

async fn dialog_text(browser: &Browser) -> String {
    browser
        .wait_for("!document.getElementById('dialog').hidden", LIMIT)
        .await;
    browser.text("dialog-body").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scanned_booking_code_checks_in_and_prints_a_ticket_marked_booking() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(&dir.path().join("data"), &["--no-printers"]);
    let printer = SimPrinter::start(Answer::State(PrinterState::Ok));
    let _agent = Agent::start(
        &server.base,
        "K1",
        PASSWORD,
        &printer.url(),
        &state_file(dir.path()),
    );
    wait_status(&server.base, "K1", LIMIT, "the agent connected", |s| {
        s.connected
    })
    .await;
    // The agent joins the stream right after its first report; an event (a ticket of
    // another kiosk) shows when it follows.
    let admin = server.api().as_user("admin").await;
    let warm = admin
        .post("/tickets")
        .json(&json!({"service": "DKP-KK", "kiosk": "K2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status(), 201);
    wait_status(&server.base, "K1", LIMIT, "the agent following", |s| {
        s.handled_seq >= 1
    })
    .await;
    let code = booking_open_now(&server).await;

    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    browser
        .client
        .goto(&server.url(&format!("/kiosk/K1#token={PASSWORD}")))
        .await
        .unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    browser.assert_accessible("kiosk home with check-in").await;
    browser
        .assert_fits("kiosk home with check-in", "header, main")
        .await;
    browser.screenshot("kiosk-checkin-home").await;

    // The scanner types the code (lower case and with its dash, as some do) and Enter,
    // nothing focused.
    let enter = char::from(Key::Enter);
    browser
        .keyboard(&format!("{}{enter}", code.to_lowercase()))
        .await;
    browser
        .wait_for("!document.getElementById('view-ticket').hidden", LIMIT)
        .await;
    let number = browser.text("ticket-number").await;
    assert!(!number.is_empty());
    assert_eq!(
        browser.text("ticket-booking").await,
        format!("BOOKING {code}")
    );
    browser
        .wait_for(
            "document.getElementById('ticket-qr').complete && document.getElementById('ticket-qr').naturalWidth > 0",
            LIMIT,
        )
        .await;

    // Printed by the kiosk's agent as any ticket of this kiosk, marked too.
    let tickets = printer.wait_tickets(1, LIMIT);
    let printed = lines(&tickets[0]);
    assert!(printed.contains(&number), "{printed:#?}");
    assert!(printed.contains(&format!("BOOKING {code}")), "{printed:#?}");
    browser
        .wait_for(
            "document.getElementById('print-state').classList.contains('ok')",
            LIMIT,
        )
        .await;
    browser.assert_accessible("kiosk booked ticket").await;
    browser
        .assert_fits("kiosk booked ticket", "header, main")
        .await;
    browser.screenshot("kiosk-checkin-ticket").await;

    // The same code again: already checked in, said plainly.
    browser.click("#done").await;
    browser
        .wait_for("!document.getElementById('view-home').hidden", LIMIT)
        .await;
    browser.keyboard(&format!("{code}{enter}")).await;
    let said = dialog_text(&browser).await;
    assert!(said.contains("sudah check-in"), "{said}");
    browser.screenshot("kiosk-checkin-again").await;
    browser.click("#dialog-choices button").await;

    // The check-in screen: an unknown code typed on its own keys.
    browser.click("#checkin-button").await;
    browser
        .wait_for("!document.getElementById('view-checkin').hidden", LIMIT)
        .await;
    for key in "acdefhjk".chars() {
        browser
            .click(&format!("#code-keyboard button[data-key='{key}']"))
            .await;
    }
    assert_eq!(
        browser
            .eval("document.getElementById('checkin-code').value")
            .await
            .as_str(),
        Some("ACDE-FHJK")
    );
    browser.assert_accessible("kiosk check-in screen").await;
    browser
        .assert_fits("kiosk check-in screen", "header, main")
        .await;
    browser.screenshot("kiosk-checkin-screen").await;
    browser.click("#checkin-go").await;
    let said = dialog_text(&browser).await;
    assert!(said.contains("tidak ditemukan"), "{said}");
    // The code stays on its screen to be corrected.
    assert!(
        !browser
            .eval("document.getElementById('view-checkin').hidden")
            .await
            .as_bool()
            .unwrap()
    );
    browser.assert_accessible("kiosk check-in not found").await;
    browser.screenshot("kiosk-checkin-not-found").await;
    // Nothing else printed.
    assert_eq!(printer.tickets().len(), 1);
    browser.close().await;
}
