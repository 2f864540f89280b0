//! The citizen's booking page (`/booking`) on a phone, in a real headless Chromium at
//! 360×740 against the real server: search a service, choose a day and a session, give
//! NIK, name and phone, get the code and its QR; open the private link, cancel. And the
//! page's weight: everything it loads before the first API answer stays under 100 KB.
//!
//! Screenshots: artifacts/screenshots/booking-*.png.

use std::collections::BTreeSet;
use std::time::Duration;

use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::key::Key;
use serde_json::Value;

use crate::report_pages::fill;

/// Generous: the server and Chromium share a busy two-core machine.
const LIMIT: Duration = Duration::from_secs(30);
/// The page, its style and its scripts, uncompressed: a phone on a weak connection.
const PAGE_BUDGET: usize = 100 * 1024;

async fn view(browser: &Browser, name: &str) {
    browser
        .wait_for(&format!("document.body.dataset.view === '{name}'"), LIMIT)
        .await;
}

/// The bookable service the test books: the first the API lists, and a word to find it
/// by (its first keyword).
async fn bookable(server: &Server) -> (String, String) {
    let services: Vec<Value> = server.api().json("/booking/services").await;
    let s = services
        .iter()
        .find(|s| s["keywords"].as_array().is_some_and(|k| !k.is_empty()))
        .expect("the demo has a bookable service with keywords");
    (
        s["code"].as_str().unwrap().to_string(),
        s["keywords"][0].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn a_citizen_books_on_a_phone_gets_a_code_and_qr_then_cancels_by_the_private_link() {
    let server = Server::demo();
    let (service, word) = bookable(&server).await;
    let Some(browser) = Browser::start(360, 740).await else {
        return;
    };
    browser.client.goto(&server.url("/booking")).await.unwrap();
    view(&browser, "pick").await;
    browser.assert_accessible("booking: services").await;
    browser
        .assert_fits("booking: services", "header, main")
        .await;
    browser.screenshot("booking-services-phone").await;

    // The kiosk's search, typed; Tab reaches the first result, Enter opens it.
    fill(&browser, "q", &word).await;
    browser
        .wait_for(
            &format!("document.querySelector(\"#services button[data-service='{service}']\")"),
            LIMIT,
        )
        .await;
    let first = browser
        .eval("document.querySelector('#services button').dataset.service")
        .await;
    assert_eq!(
        first.as_str(),
        Some(service.as_str()),
        "found first by {word:?}"
    );
    browser
        .keyboard(&format!(
            "{}{}",
            char::from(Key::Tab),
            char::from(Key::Enter)
        ))
        .await;
    view(&browser, "service").await;
    // What to bring, from the service's standard.
    browser
        .wait_for(
            "document.querySelectorAll('#service-needs li').length > 0",
            LIMIT,
        )
        .await;
    // Days, then a day's sessions with the seats left.
    browser
        .wait_for("document.querySelector('#days .day:not(.off)')", LIMIT)
        .await;
    browser.assert_accessible("booking: days").await;
    browser.screenshot("booking-days-phone").await;
    // Tomorrow's (the first day whose sessions can all still be cancelled).
    let day = browser
        .eval(
            "[...document.querySelectorAll('#days .day:not(.off)')].slice(0, 2).pop().dataset.day",
        )
        .await;
    let day = day.as_str().unwrap().to_string();
    browser
        .click(&format!("#days button[data-day='{day}']"))
        .await;
    browser
        .wait_for(
            "document.querySelector('#sessions .session:not(.off)')",
            LIMIT,
        )
        .await;
    let seats = browser
        .eval("document.querySelector('#sessions .session:not(.off) .state').textContent")
        .await;
    assert!(seats.as_str().unwrap().contains("kursi tersisa"), "{seats}");
    browser.assert_accessible("booking: sessions").await;
    browser
        .assert_fits("booking: sessions", "header, main")
        .await;
    browser.screenshot("booking-sessions-phone").await;
    browser.click("#sessions .session:not(.off)").await;
    view(&browser, "form").await;

    // The page checks the NIK's form itself: 16 digits.
    fill(&browser, "nik", "73710112").await;
    fill(&browser, "name", "Siti Aminah").await;
    fill(&browser, "phone", "0812 3456 7890").await;
    browser.click("#submit").await;
    browser
        .wait_for(
            "document.getElementById('nik').getAttribute('aria-invalid') === 'true' && \
             !document.getElementById('nik-error').hidden",
            LIMIT,
        )
        .await;
    assert_eq!(
        browser.eval("document.activeElement.id").await.as_str(),
        Some("nik")
    );
    browser
        .assert_accessible("booking: form with an error")
        .await;
    browser.screenshot("booking-form-error-phone").await;
    // Corrected by keyboard: the rest of the NIK, then Enter sends the form.
    browser
        .keyboard(&format!("01900003{}", char::from(Key::Enter)))
        .await;
    view(&browser, "done").await;

    let code = browser.text("code").await;
    assert!(
        code.len() == 9
            && code.as_bytes()[4] == b'-'
            && code
                .replace('-', "")
                .chars()
                .all(|c| "ACDEFHJKMNPRTUVWXY34679".contains(c)),
        "{code:?}"
    );
    // Its QR code: an SVG image that loaded.
    browser
        .wait_for(
            "document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0",
            LIMIT,
        )
        .await;
    let src = browser.eval("document.getElementById('qr').src").await;
    let qr = client().get(src.as_str().unwrap()).send().await.unwrap();
    assert_eq!(qr.status(), 200);
    assert!(
        qr.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml")
    );
    assert!(qr.text().await.unwrap().contains("<svg"));
    // The session and its check-in window are said.
    let card = browser.text("done-card").await;
    assert!(card.contains("Check-in di anjungan"), "{card}");
    browser.assert_accessible("booking: done").await;
    browser.assert_fits("booking: done", "header, main").await;
    browser.screenshot("booking-done-phone").await;

    // The private link carries the token in its fragment only.
    let link = browser
        .eval("document.getElementById('manage-link').getAttribute('href')")
        .await;
    let link = link.as_str().unwrap().to_string();
    let (path, token) = link.split_once("#t=").expect("a token in the fragment");
    assert_eq!(path, format!("/booking/{code}"));
    let kept: Value = server
        .api()
        .with_token(token)
        .json(&format!("/bookings/{code}"))
        .await;
    assert_eq!(kept["status"], "booked");
    assert_eq!(kept["service"], service.as_str());
    assert_eq!(kept["date"], day.as_str());

    // The manage view, then cancelling through the confirm dialog.
    browser.client.goto(&server.url(&link)).await.unwrap();
    view(&browser, "manage").await;
    browser
        .wait_for("document.body.dataset.status === 'booked'", LIMIT)
        .await;
    browser.assert_accessible("booking: manage").await;
    browser.assert_fits("booking: manage", "header, main").await;
    browser.screenshot("booking-manage-phone").await;
    browser.click("#cancel").await;
    browser
        .wait_for("document.getElementById('confirm').open", LIMIT)
        .await;
    // The safe answer has the focus.
    assert_eq!(
        browser.eval("document.activeElement.id").await.as_str(),
        Some("confirm-no")
    );
    browser.assert_accessible("booking: confirm cancel").await;
    browser.screenshot("booking-confirm-cancel-phone").await;
    browser.click("#confirm-yes").await;
    browser
        .wait_for("document.body.dataset.status === 'cancelled'", LIMIT)
        .await;
    assert!(browser.text("booking-status").await.contains("Dibatalkan"));
    browser.screenshot("booking-cancelled-phone").await;
    let gone: Value = server
        .api()
        .with_token(token)
        .json(&format!("/bookings/{code}"))
        .await;
    assert_eq!(gone["status"], "cancelled");

    // "Booking saya" on this phone lists it, with its status.
    browser
        .client
        .goto(&server.url("/booking#saya"))
        .await
        .unwrap();
    view(&browser, "mine").await;
    browser
        .wait_for(
            "document.getElementById('mine').textContent.includes('Dibatalkan')",
            LIMIT,
        )
        .await;
    assert!(browser.text("mine").await.contains(&code));
    browser.assert_accessible("booking: mine").await;
    browser.screenshot("booking-mine-phone").await;

    // A wrong token learns nothing: the page shows the server's message.
    browser
        .client
        .goto(&server.url(&format!("/booking/{code}#t=wrong")))
        .await
        .unwrap();
    browser.client.refresh().await.unwrap();
    browser
        .wait_for("!document.getElementById('manage-error').hidden", LIMIT)
        .await;
    browser.assert_accessible("booking: not found").await;
    browser.close().await;
}

/// The `/assets/…` files a page or script names (`src`, `href`, `import … from`).
fn referenced(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for quote in ['"', '\''] {
        for part in text.split(quote).skip(1).step_by(2) {
            if part.starts_with("/assets/") && !part.contains(char::is_whitespace) {
                found.insert(part.to_string());
            }
        }
    }
    found
}

#[tokio::test]
async fn the_booking_page_with_its_scripts_and_style_weighs_under_100_kb() {
    let server = Server::demo();
    let http = client();
    let page = http.get(server.url("/booking")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    // The manage view is the same page.
    let manage = http
        .get(server.url("/booking/ACDE-FH34"))
        .send()
        .await
        .unwrap();
    assert_eq!(manage.status(), 200);
    assert_eq!(manage.text().await.unwrap(), html);

    let mut total = html.len();
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = referenced(&html).into_iter().collect();
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let res = http.get(server.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.unwrap();
        total += body.len();
        if path.ends_with(".js") {
            queue.extend(referenced(&body));
        }
    }
    for must in [
        "/assets/booking/booking.js",
        "/assets/booking/booking.css",
        "/assets/antre.js",
    ] {
        assert!(seen.contains(must), "{must} in {seen:?}");
    }
    assert!(
        total <= PAGE_BUDGET,
        "the booking page loads {total} bytes ({seen:?}), more than {PAGE_BUDGET}"
    );
}

#[tokio::test]
async fn a_citizen_reschedules_once_and_joins_todays_queue_from_home() {
    let server = Server::demo();
    let api = server.api();
    let services: Vec<Value> = api.json("/booking/services").await;
    let remote = services
        .iter()
        .find(|s| s["remote_open"] == true)
        .expect("the demo has a remote queue open now");
    let service = remote["code"].as_str().unwrap().to_string();
    // A booking for tomorrow's first session, made by the API.
    let slots: Vec<Value> = api.json(&format!("/booking/slots?service={service}")).await;
    let days: BTreeSet<&str> = slots.iter().filter_map(|x| x["date"].as_str()).collect();
    let tomorrow = *days.iter().nth(1).expect("bookable days ahead");
    let later = *days.iter().nth(2).expect("a third day");
    let first = slots
        .iter()
        .find(|x| x["date"] == tomorrow && x["open"] == true)
        .expect("a session tomorrow");
    let res = api
        .post("/bookings")
        .json(&serde_json::json!({
            "service": service, "date": tomorrow, "start": first["start"],
            "nik": "7371015507850002", "name": "Rahmawati", "phone": "+62 813 1111 2222",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let made: Value = res.json().await.unwrap();
    let code = made["code"].as_str().unwrap().to_string();
    let token = made["manage_token"].as_str().unwrap().to_string();

    let Some(browser) = Browser::start(360, 740).await else {
        return;
    };
    // Rescheduled from the private link, once.
    browser
        .client
        .goto(&server.url(&format!("/booking/{code}#t={token}")))
        .await
        .unwrap();
    browser
        .wait_for("document.body.dataset.status === 'booked'", LIMIT)
        .await;
    browser.click("#reschedule").await;
    browser
        .wait_for("document.querySelector('#move-days .day')", LIMIT)
        .await;
    browser
        .click(&format!("#move-days button[data-day='{later}']"))
        .await;
    browser
        .wait_for(
            "document.querySelector('#move-sessions .session:not(.off)')",
            LIMIT,
        )
        .await;
    browser.click("#move-sessions .session:not(.off)").await;
    browser.assert_accessible("booking: reschedule").await;
    browser
        .assert_fits("booking: reschedule", "header, main")
        .await;
    browser.screenshot("booking-reschedule-phone").await;
    browser.click("#move-save").await;
    browser
        .wait_for("document.getElementById('move-box').hidden", LIMIT)
        .await;
    let moved: Value = api
        .with_token(&token)
        .json(&format!("/bookings/{code}"))
        .await;
    assert_eq!(moved["date"], later);
    assert_eq!(moved["rescheduled"], true);
    // Once only: the page no longer offers it, and says so.
    assert!(
        browser
            .eval("document.getElementById('reschedule').hidden")
            .await
            .as_bool()
            .unwrap()
    );
    assert!(browser.text("change-note").await.contains("Jadwal diubah"));

    // Today's queue from home, by the same phone; the same NIK twice is refused with
    // the server's own words.
    browser.client.goto(&server.url("/booking")).await.unwrap();
    view(&browser, "pick").await;
    browser
        .click(&format!("#services button[data-service='{service}']"))
        .await;
    view(&browser, "service").await;
    browser.click("#remote-go").await;
    view(&browser, "form").await;
    assert!(
        browser
            .text("form-summary")
            .await
            .contains("antre dari rumah")
    );
    fill(&browser, "nik", "7371011201900003").await;
    fill(&browser, "name", "Andi Baso").await;
    fill(&browser, "phone", "081234567890").await;
    browser.click("#submit").await;
    view(&browser, "done").await;
    let card = browser.text("done-card").await;
    assert!(card.contains("antre dari rumah"), "{card}");
    assert!(card.contains("Di depan Anda"), "{card}");
    browser.assert_accessible("booking: remote done").await;
    browser.screenshot("booking-remote-done-phone").await;

    browser.client.back().await.unwrap();
    view(&browser, "pick").await;
    browser
        .click(&format!("#services button[data-service='{service}']"))
        .await;
    browser.click("#remote-go").await;
    view(&browser, "form").await;
    fill(&browser, "nik", "7371011201900003").await;
    fill(&browser, "name", "Andi Baso").await;
    fill(&browser, "phone", "081234567890").await;
    browser.click("#submit").await;
    browser
        .wait_for("!document.getElementById('form-error').hidden", LIMIT)
        .await;
    // Both halves of the server's "Indonesian / English" message, each in its place.
    let said = browser.text("form-error").await;
    assert!(
        said.contains("sudah memiliki booking") && said.contains("already has a booking"),
        "{said}"
    );
    assert_eq!(
        browser
            .eval("document.querySelector('#form-error small').lang")
            .await,
        "en"
    );
    browser.assert_accessible("booking: refused").await;
    browser.screenshot("booking-refused-phone").await;

    // "Booking saya" has both.
    browser
        .client
        .goto(&server.url("/booking#saya"))
        .await
        .unwrap();
    view(&browser, "mine").await;
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#mine li').length")
            .await,
        2
    );
    browser.close().await;
}
