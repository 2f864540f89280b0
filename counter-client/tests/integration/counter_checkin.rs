//! A booked visitor at the counter, in headless Chromium at 1366×768 against the real
//! server (`antre demo`, whose DKP-KTP sessions run every hour around the clock with
//! check-in open an hour before each): the officer finds the booking by the NIK's last
//! four digits among today's bookings of the counter's services, checks it in, is told
//! the new ticket's number, and finds it among the tickets waiting for the counter. A
//! booking for tomorrow, typed by its code, is refused with its check-in window in the
//! site's local time; the same booking twice is refused with its ticket. Every state is
//! checked with axe-core and the overflow measure, and kept as a screenshot
//! (`artifacts/screenshots/counter-checkin-*.png`).

use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::key::Key;
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::counter_tools::{WAIT, check, desk, dialog_open};

const ZONE: &str = "Asia/Makassar";
const SERVICE: &str = "DKP-KTP";

fn at(v: &Value) -> Timestamp {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .expect("a timestamp")
}

/// Books `start` on `date` for `nik` through the public API, as a citizen does.
async fn book(api: &Api, date: &str, start: &str, nik: &str, name: &str) -> Value {
    let res = api
        .post("/bookings")
        .json(&json!({
            "service": SERVICE, "date": date, "start": start,
            "nik": nik, "name": name, "phone": "081234567890",
        }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "booking {date} {start}: {body}");
    body
}

/// Today's (or, just before midnight, tomorrow's first) session of DKP-KTP whose
/// check-in window is open now, with some minutes of it left.
async fn session_open_now(api: &Api) -> Value {
    let today = Timestamp::now().in_tz(ZONE).unwrap().date();
    let tomorrow = today.tomorrow().unwrap();
    let slots: Vec<Value> = api
        .json(&format!(
            "/booking/slots?service={SERVICE}&from={today}&to={tomorrow}"
        ))
        .await;
    let now = Timestamp::now();
    slots
        .into_iter()
        .find(|s| {
            s["open"] == true
                && s["left"].as_u64().unwrap_or(0) > 0
                && at(&s["check_in_from"]) <= now
                && now + jiff::SignedDuration::from_mins(3) < at(&s["check_in_until"])
        })
        .expect("a DKP-KTP session whose check-in is open now")
}

/// HH:MM of a timestamp in the site's zone, as the page writes times.
fn local_hm(t: Timestamp) -> String {
    t.in_tz(ZONE).unwrap().strftime("%H:%M").to_string()
}

/// The rows of the check-in list, as text.
async fn rows(browser: &Browser) -> Vec<String> {
    let found = browser
        .eval(
            "[...document.querySelectorAll('#checkin-list li[data-i]')].map(li => li.textContent)",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_finds_a_booking_by_the_niks_last_digits_and_checks_it_in() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let api = server.api();
    let slot = session_open_now(&api).await;
    let (date, start) = (
        slot["date"].as_str().unwrap(),
        slot["start"].as_str().unwrap(),
    );
    let booking = book(&api, date, start, "7371051208850123", "Andi Baso").await;
    let code = booking["code"].as_str().unwrap().to_string();
    assert_eq!(booking["nik_last4"], "0123");
    // Someone else's booking of the same session: the search leaves it out.
    book(&api, date, start, "7371051208850456", "Rina Wati").await;
    // Tomorrow at noon: its check-in opens tomorrow, whatever the hour now.
    let tomorrow = Timestamp::now()
        .in_tz(ZONE)
        .unwrap()
        .date()
        .tomorrow()
        .unwrap();
    let later = book(
        &api,
        &tomorrow.to_string(),
        "12:00",
        "7371051208850789",
        "Budi Santoso",
    )
    .await;
    let later_code = later["code"].as_str().unwrap().to_string();

    // The demo officer of L01 (DKP-KTP and DKP-IKD) opens the counter.
    desk(&browser, &server.base, "petugas-l01").await;
    browser.press("/").await;
    browser
        .wait_for(
            "window.antreCounter.view.status === 'open' && !window.antreCounter.busy",
            WAIT,
        )
        .await;
    let label = browser.text("btn-checkIn").await;
    assert!(
        label.contains("Check-in booking") && label.ends_with('b'),
        "{label}"
    );

    // `b` opens the check-in: today's bookings of the counter's services, the focus in
    // the search field.
    browser.press("b").await;
    browser.wait_for(&dialog_open("checkin"), WAIT).await;
    assert_eq!(
        browser.eval("document.activeElement.id").await,
        json!("checkin-search")
    );
    browser
        .wait_for(
            "!window.antreCounter.checkin.loading \
             && document.querySelectorAll('#checkin-list li[data-i]').length >= 2",
            WAIT,
        )
        .await;
    check(&browser, "checkin-dialog").await;

    // The NIK's last four digits find Andi's booking alone: its code, name, NIK digits,
    // session and state, for the officer to compare with the KTP.
    browser.press("0123").await;
    browser
        .wait_for(
            "!window.antreCounter.checkin.loading \
             && document.querySelectorAll('#checkin-list li[data-i]').length === 1 \
             && document.querySelector('#checkin-list li.sel')",
            WAIT,
        )
        .await;
    let found = rows(&browser).await;
    let row = &found[0];
    let end = slot["end"].as_str().unwrap();
    for part in [
        code.as_str(),
        "Andi Baso",
        "NIK …0123",
        &format!("{start}–{end}"),
        "belum check-in",
    ] {
        assert!(row.contains(part), "{part:?} in {row:?}");
    }
    assert!(!row.contains("Rina"), "{row}");
    check(&browser, "checkin-found").await;

    // Enter checks it in: the ticket's number, said in the dialog and on the desk.
    browser.press_enter().await;
    browser
        .wait_for(
            "window.antreCounter.checkin?.done && !window.antreCounter.checkin.busy",
            WAIT,
        )
        .await;
    let number = browser
        .eval("document.querySelector('#checkin-done .done-number').textContent")
        .await
        .as_str()
        .unwrap()
        .to_string();
    let staff = api.as_user("petugas-l01").await;
    let listed: Vec<Value> = staff
        .json(&format!("/bookings?q={}", code.replace('-', "")))
        .await;
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["status"], "checked_in");
    assert_eq!(listed[0]["ticket"]["number"], number.as_str());
    let done = browser.text("checkin-done").await;
    assert!(
        done.contains(&format!("Booking {code} (Andi Baso) masuk antrean")),
        "{done}"
    );
    assert!(
        done.contains(&format!("Booking {code} (Andi Baso) joined the line")),
        "{done}"
    );
    assert!(browser.text("message").await.contains(&number));
    // The list says so too.
    browser
        .wait_for(
            &format!(
                "document.querySelector('#checkin-list li.sel')?.textContent.includes('sudah check-in · {number}')"
            ),
            WAIT,
        )
        .await;
    check(&browser, "checkin-done").await;

    // Waiting for this counter: counted in its service's line, and among the tickets
    // the officer may call (out of turn with a reason), the number already typed.
    browser
        .wait_for(
            &format!(
                "Number(document.querySelector('#queues tr[data-service=\"{SERVICE}\"] .count').textContent) >= 1"
            ),
            WAIT,
        )
        .await;
    let call = browser.text("checkin-call").await;
    assert!(call.contains(&number), "{call}");
    browser.click("#checkin-call").await;
    browser.wait_for(&dialog_open("pick"), WAIT).await;
    assert_eq!(
        browser
            .eval("document.getElementById('pick-search').value")
            .await,
        json!(number)
    );
    browser
        .wait_for(
            &format!(
                "!window.antreCounter.pick.loading && [...document.querySelectorAll('#pick-list li[data-id]')]\
                 .some(li => li.textContent.includes('{number}') && li.textContent.includes('menunggu'))"
            ),
            WAIT,
        )
        .await;
    check(&browser, "checkin-call").await;
    browser.press(&Key::Escape.to_string()).await;
    browser
        .wait_for("!document.getElementById('pick').open", WAIT)
        .await;

    // Tomorrow's booking, typed by its code in lower case without the dash: not in
    // today's list; Enter is refused with its window, in the site's time.
    browser.press("b").await;
    browser.wait_for(&dialog_open("checkin"), WAIT).await;
    browser
        .press(&later_code.replace('-', "").to_lowercase())
        .await;
    browser
        .wait_for(
            "!window.antreCounter.checkin.loading \
             && document.querySelector('#checkin-list li.empty')?.textContent.includes('Enter melakukan check-in')",
            WAIT,
        )
        .await;
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('checkin-error').hidden", WAIT)
        .await;
    let refused = browser.text("checkin-error").await;
    let (from, until) = (
        local_hm(at(&later["check_in_from"])),
        local_hm(at(&later["check_in_until"])),
    );
    for part in [
        format!("Terlalu awal: check-in booking {later_code} dibuka"),
        format!("{from} WITA sampai"),
        format!("{until} WITA"),
        format!("Too early: booking {later_code} can be checked in from"),
    ] {
        assert!(refused.contains(&part), "{part:?} in {refused:?}");
    }
    assert_eq!(
        browser
            .eval("document.querySelector('#checkin-error small').lang")
            .await,
        json!("en")
    );
    let still: Value = staff
        .json(&format!(
            "/bookings?date={tomorrow}&q={}",
            later_code.replace('-', "")
        ))
        .await;
    assert_eq!(still[0]["status"], "booked");
    check(&browser, "checkin-refused-early").await;

    // Andi's code again (with its dash): already checked in, with the ticket's number.
    browser
        .js("const f = document.getElementById('checkin-search'); f.value = ''; f.focus(); return true;")
        .await;
    browser.press(&code.to_lowercase()).await;
    browser
        .wait_for(
            "!window.antreCounter.checkin.loading \
             && document.querySelectorAll('#checkin-list li[data-i]').length === 1",
            WAIT,
        )
        .await;
    browser.click("#checkin-go").await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('checkin-error').textContent.includes('sudah check-in: tiket {number}')"
            ),
            WAIT,
        )
        .await;
    check(&browser, "checkin-refused-twice").await;

    // Esc closes it; the focus is back on the desk.
    browser.press(&Key::Escape.to_string()).await;
    browser
        .wait_for("!document.getElementById('checkin').open", WAIT)
        .await;
    browser.close().await;
}
