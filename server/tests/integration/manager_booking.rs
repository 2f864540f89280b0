//! The manager's side of booking in a real headless Chromium: a service made bookable
//! on the admin page (two sessions, typed and clicked, one refused by the server first),
//! which the citizens' slots then offer; the reports page's bookings per day and session,
//! as the API counts them; the notifications' settings and the outbox, with a gateway
//! that refuses a message and takes it when it is sent again. Screenshots at the
//! laptop's 1366×768, each state checked with axe-core.

use std::sync::Arc;
use std::time::{Duration, Instant};

use antre_testkit::browser::Browser;
use antre_testkit::receiver::{Receiver, Reply, always};
use antre_testkit::*;
use fantoccini::Locator;
use fantoccini::key::Key;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::report_pages::{fill, staff_log_in};

/// Generous: the page loads its configuration and may reconnect first. A wait ends as
/// soon as what it waits for is there.
const LIMIT: Duration = Duration::from_secs(30);
const WIDTH: u32 = 1366;
const HEIGHT: u32 = 768;
/// The demo's time zone.
const TZ: &str = "Asia/Makassar";
/// What must fit in the admin page's viewport.
const REGIONS: &str = "header, nav.side, main.panels";

fn today() -> jiff::civil::Date {
    Timestamp::now().in_tz(TZ).unwrap().date()
}

fn days_after(n: i64) -> jiff::civil::Date {
    today().saturating_add(jiff::Span::new().days(n))
}

/// A NIK of the right form (Makassar, born 12 August 1985), told apart by its serial.
fn nik(serial: u32) -> String {
    format!("7371051208850{:03}", serial % 1000 + 1)
}

fn request(service: &str, date: &str, start: &str, serial: u32) -> Value {
    json!({
        "service": service, "date": date, "start": start, "nik": nik(serial),
        "name": format!("Warga {serial}"), "phone": "0812 3456 7890",
    })
}

async fn booked(api: &Api, body: &Value) -> Value {
    let res = api.post("/bookings").json(body).send().await.unwrap();
    assert_eq!(res.status(), 201, "{body}: {}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// A session of `service` that can be booked and checked in now: its check-in window
/// is open (the demo's sessions run around the clock, check-in an hour ahead).
async fn session_now(api: &Api, service: &str) -> (String, String) {
    let slots: Vec<Value> = api
        .json(&format!(
            "/booking/slots?service={service}&from={}&to={}",
            today(),
            days_after(1)
        ))
        .await;
    let now = Timestamp::now();
    let at = |s: &Value, key: &str| s[key].as_str().unwrap().parse::<Timestamp>().unwrap();
    let s = slots
        .iter()
        .find(|s| {
            s["open"] == true
                && s["left"].as_u64().unwrap_or(0) > 0
                && at(s, "check_in_from") <= now
                && now + Duration::from_secs(120) < at(s, "check_in_until")
        })
        .unwrap_or_else(|| panic!("a session of {service} open for check-in: {slots:?}"));
    (
        s["date"].as_str().unwrap().to_string(),
        s["start"].as_str().unwrap().to_string(),
    )
}

async fn admin_log_in(browser: &Browser, server: &Server) {
    browser.client.goto(&server.url("/admin")).await.unwrap();
    browser
        .wait_for("!document.getElementById('login-view').hidden", LIMIT)
        .await;
    fill(browser, "login-user", "admin").await;
    fill(browser, "login-password", PASSWORD).await;
    browser.press_enter().await;
    browser
        .wait_for(
            "!document.getElementById('admin-view').hidden && window.antreAdmin.config \
             && document.querySelectorAll('#rows-services tr').length > 1",
            LIMIT,
        )
        .await;
}

async fn open_section(browser: &Browser, id: &str) {
    browser.click(&format!("#tab-{id}")).await;
    browser
        .wait_for(
            &format!(
                "!document.getElementById('panel-{id}').hidden && \
                 document.getElementById('tab-{id}').getAttribute('aria-selected') === 'true'"
            ),
            LIMIT,
        )
        .await;
}

async fn choose(browser: &Browser, id: &str, value: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap();
    field.select_by_value(value).await.unwrap();
}

async fn active_id(browser: &Browser) -> String {
    browser
        .eval("document.activeElement ? document.activeElement.id : ''")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The text of an error shown next to a field, empty when none.
async fn error_at(browser: &Browser, id: &str) -> String {
    browser
        .eval(&format!(
            "(() => {{ const e = document.getElementById('{id}-err'); \
               return e && !e.hidden ? e.textContent : ''; }})()"
        ))
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn scroll_to(browser: &Browser, id: &str) {
    browser
        .js(&format!(
            "document.getElementById('{id}').scrollIntoView({{block: 'start'}}); return true;"
        ))
        .await;
}

#[tokio::test]
async fn an_admin_makes_a_service_bookable_with_two_sessions_which_the_slots_then_offer() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let Some(browser) = Browser::start(WIDTH, HEIGHT).await else {
        return;
    };
    admin_log_in(&browser, &server).await;
    open_section(&browser, "services").await;
    // The table says which services are bookable.
    let cell = |code: &str| {
        format!(
            "document.querySelector('#rows-services tr[data-key=\"{code}\"] td:nth-child(8)').textContent"
        )
    };
    assert!(
        browser
            .eval(&cell("DKP-KTP"))
            .await
            .as_str()
            .unwrap()
            .starts_with("ya · 1 sesi")
    );
    assert!(
        browser
            .eval(&cell("DKP-KK"))
            .await
            .as_str()
            .unwrap()
            .starts_with("tidak")
    );

    browser
        .click("#rows-services button[data-act=edit][data-key=\"DKP-KK\"]")
        .await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('f-booking-body').hidden")
            .await,
        true
    );
    // Made bookable: the rules and a first session to fill in.
    browser.click("#f-booking-on").await;
    browser
        .wait_for(
            "!document.getElementById('f-booking-body').hidden && document.getElementById('f-booking-s0')",
            LIMIT,
        )
        .await;
    fill(&browser, "f-booking-check_in_before_min", "45").await;
    fill(&browser, "f-booking-change_until_min", "120").await;
    fill(&browser, "f-booking-s0-start", "08:00").await;
    fill(&browser, "f-booking-s0-end", "10:00").await;
    fill(&browser, "f-booking-s0-quota", "5").await;
    fill(&browser, "f-booking-s0-slot_min", "60").await;

    // The second session by keyboard: its days, then its times, quota and "online only";
    // its end before its start.
    browser.click("#f-booking-add").await;
    browser
        .wait_for("document.getElementById('f-booking-s1')", LIMIT)
        .await;
    let tab = Key::Tab.to_string();
    // Focus on Monday: five tabs to Saturday, one more to Sunday.
    browser
        .keyboard(&format!(
            "{tab}{tab}{tab}{tab}{tab} {tab} {tab}13:00{tab}12:00{tab}3{tab}{tab} "
        ))
        .await;
    assert_eq!(active_id(&browser).await, "f-booking-s1-online_only");
    browser.click("#form-save").await;
    browser
        .wait_for("!document.getElementById('f-booking-s1-err').hidden", LIMIT)
        .await;
    let said = error_at(&browser, "f-booking-s1").await;
    assert!(
        said.contains("session 2 (13:00-12:00)") && said.contains("start before it ends"),
        "{said}"
    );
    assert_eq!(
        browser
            .eval("document.getElementById('f-booking-s1-end').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    assert_eq!(active_id(&browser).await, "f-booking-s1-end");
    assert_eq!(error_at(&browser, "f-booking-s0").await, "");
    assert_eq!(
        browser
            .eval("document.getElementById('form-dialog').open")
            .await,
        true
    );
    scroll_to(&browser, "f-booking-s1").await;
    browser
        .assert_accessible("admin service form, a booking session refused")
        .await;
    browser
        .assert_fits("admin booking form", "#form-dialog")
        .await;
    browser.screenshot("admin-booking-refused").await;

    fill(&browser, "f-booking-s1-end", "15:00").await;
    browser.click("#form-save").await;
    browser
        .wait_for("!document.getElementById('form-dialog').open", LIMIT)
        .await;
    browser
        .wait_for(
            &format!("{}.startsWith('ya · 2 sesi')", cell("DKP-KK")),
            LIMIT,
        )
        .await;

    // As the server keeps it.
    let config: Value = admin.json("/admin/config").await;
    let service = config["config"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "DKP-KK")
        .unwrap()
        .clone();
    let b = &service["booking"];
    assert_eq!(b["check_in_before_min"], 45);
    assert_eq!(b["change_until_min"], 120);
    assert_eq!(b["days_ahead"], 7, "the default");
    let sessions = b["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(
        (
            &sessions[0]["start"],
            &sessions[0]["end"],
            &sessions[0]["quota"],
            &sessions[0]["slot_min"]
        ),
        (&json!("08:00"), &json!("10:00"), &json!(5), &json!(60))
    );
    assert!(sessions[0]["days"].is_null(), "{}", sessions[0]);
    assert_eq!(sessions[1]["days"], json!(["sat", "sun"]));
    assert_eq!(
        (
            &sessions[1]["start"],
            &sessions[1]["end"],
            &sessions[1]["quota"],
            &sessions[1]["online_only"]
        ),
        (&json!("13:00"), &json!("15:00"), &json!(3), &json!(true))
    );
    // What the others of the service's form kept.
    assert_eq!(service["prefix"], "AK");
    assert_eq!(service["daily_quota"], 120);

    // The citizens' slots: two hours every day, the afternoon at the weekend only.
    let from = days_after(1);
    // A whole week: one Saturday and one Sunday, whatever today is.
    let to = days_after(7);
    let slots: Vec<Value> = server
        .api()
        .json(&format!(
            "/booking/slots?service=DKP-KK&from={from}&to={to}"
        ))
        .await;
    let mut weekend = 0;
    let mut day = from;
    while day <= to {
        let of_day: Vec<&Value> = slots
            .iter()
            .filter(|s| s["date"] == day.to_string())
            .collect();
        let starts: Vec<&str> = of_day
            .iter()
            .map(|s| s["start"].as_str().unwrap())
            .collect();
        let saturday_or_sunday = matches!(
            day.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        );
        if saturday_or_sunday {
            weekend += 1;
            assert_eq!(starts, ["08:00", "09:00", "13:00"], "{day}");
            let afternoon = of_day[2];
            assert_eq!(
                (
                    &afternoon["end"],
                    &afternoon["quota"],
                    &afternoon["online_only"]
                ),
                (&json!("15:00"), &json!(3), &json!(true))
            );
        } else {
            assert_eq!(starts, ["08:00", "09:00"], "{day}");
        }
        assert!(of_day.iter().take(2).all(|s| s["quota"] == 5), "{of_day:?}");
        day = day.tomorrow().unwrap();
    }
    assert_eq!(weekend, 2, "a week holds a Saturday and a Sunday");

    // Opened again: both sessions as saved; one removed, the rows are renumbered.
    browser
        .click("#rows-services button[data-act=edit][data-key=\"DKP-KK\"]")
        .await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    assert_eq!(
        browser
            .eval("[document.getElementById('f-booking-on').checked, document.getElementById('f-booking-s1-start').value, document.getElementById('f-booking-s1-online_only').checked]")
            .await,
        json!([true, "13:00", true])
    );
    scroll_to(&browser, "f-booking").await;
    browser.screenshot("admin-booking-form").await;
    browser
        .assert_accessible("admin service form, bookable")
        .await;
    browser.click("button[data-remove-session=\"0\"]").await;
    assert_eq!(
        browser
            .eval("[document.querySelectorAll('#f-booking-rows fieldset.session').length, document.getElementById('f-booking-s0-start').value, document.querySelector('#f-booking-s0 legend').textContent]")
            .await,
        json!([1, "13:00", "Sesi 1Session 1"])
    );
    // The focus stays in the group, on the remove button now in that place.
    assert_eq!(
        browser
            .eval("document.activeElement.dataset.removeSession")
            .await,
        "0"
    );
    browser.click("#form-cancel").await;
    browser
        .wait_for("!document.getElementById('form-dialog').open", LIMIT)
        .await;

    browser.screenshot("admin-services-bookable").await;
    browser
        .assert_accessible("admin services with the booking column")
        .await;
    browser
        .assert_fits("admin services with the booking column", REGIONS)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_reports_page_shows_the_bookings_per_day_and_session_as_the_api_counts_them() {
    let server = Server::demo();
    let api = server.api();
    let kiosk = api.as_device();
    // Now: one booking checked in at the kiosk, one waiting.
    let (date, start) = session_now(&api, "DKP-KTP").await;
    let first = booked(&api, &request("DKP-KTP", &date, &start, 1)).await;
    let res = kiosk
        .post(&format!(
            "/bookings/{}/check-in",
            first["code"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    booked(&api, &request("DKP-KTP", &date, &start, 2)).await;
    // Tomorrow: one cancelled. In three days: a passport appointment.
    let tomorrow = days_after(1).to_string();
    let gone = booked(&api, &request("DKP-KTP", &tomorrow, "10:00", 3)).await;
    let res = api
        .delete(&format!("/bookings/{}", gone["code"].as_str().unwrap()))
        .bearer_auth(gone["manage_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let later = days_after(3).to_string();
    booked(&api, &request("IMG-PASPOR-BARU", &later, "09:00", 4)).await;

    let Some(browser) = Browser::start(WIDTH, HEIGHT).await else {
        return;
    };
    staff_log_in(&browser, &server, "/reports", "penyelia", PASSWORD).await;
    browser
        .wait_for(
            "window.antreReports && antreReports.ready && antreReports.bookings \
             && document.querySelector('#bookings-table tbody tr[data-date]')",
            LIMIT,
        )
        .await;
    // The period reaches a week past today (the server takes a `to` after today).
    let from = browser.eval("document.getElementById('from').value").await;
    let (from, to) = (from.as_str().unwrap(), days_after(7).to_string());
    assert_eq!(browser.eval("antreReports.bookings.to").await, to.as_str());
    let sup = server.api().as_user("penyelia").await;
    let report: Value = sup
        .json(&format!("/reports/bookings?from={from}&to={to}"))
        .await;
    assert_eq!(
        (
            &report["booked"],
            &report["checked_in"],
            &report["cancelled"],
            &report["no_show"]
        ),
        (&json!(4), &json!(1), &json!(1), &json!(0))
    );
    for total in ["booked", "checked_in", "no_show", "cancelled"] {
        let shown = browser
            .eval(&format!(
                "Number(document.querySelector('#bookings-totals [data-total={total}]').dataset.value)"
            ))
            .await;
        assert_eq!(shown, report[total], "{total}");
    }
    // Row by row, column by column: the API's figures.
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#bookings-table tbody tr[data-date]').length")
            .await,
        rows.len()
    );
    for row in rows {
        let shown = browser
            .eval(&format!(
                "Object.fromEntries([...document.querySelectorAll('#bookings-table tbody tr[data-date=\"{}\"][data-service=\"{}\"][data-start=\"{}\"] td[data-col]')].map((c) => [c.dataset.col, Number(c.dataset.value)]))",
                row["date"].as_str().unwrap(),
                row["service"].as_str().unwrap(),
                row["start"].as_str().unwrap()
            ))
            .await;
        for col in [
            "quota",
            "booked",
            "checked_in",
            "no_show",
            "cancelled",
            "pending",
            "left",
        ] {
            assert_eq!(shown[col], row[col], "{col} of {row}");
        }
    }
    let now_row = rows
        .iter()
        .find(|r| r["date"] == date.as_str() && r["start"] == start.as_str())
        .unwrap();
    assert_eq!(
        (
            &now_row["booked"],
            &now_row["checked_in"],
            &now_row["pending"],
            &now_row["left"]
        ),
        (&json!(2), &json!(1), &json!(1), &json!(6))
    );
    // The coming days are marked so.
    assert_eq!(
        browser
            .eval(&format!(
                "document.querySelector('#bookings-table tr[data-date=\"{later}\"]').classList.contains('upcoming')"
            ))
            .await,
        true
    );

    scroll_to(&browser, "sec-bookings").await;
    browser.assert_accessible("reports with bookings").await;
    browser
        .assert_fits("reports with bookings", "header, #controls, main#report")
        .await;
    browser.screenshot("reports-bookings").await;

    // Without the coming week: the period's own end (today), so the later days go.
    browser.click("#bookings-ahead").await;
    browser
        .wait_for(
            &format!(
                "antreReports.bookings && antreReports.bookings.to === '{}'",
                today()
            ),
            LIMIT,
        )
        .await;
    let only_today = browser
        .eval("[...document.querySelectorAll('#bookings-table tbody tr[data-date]')].map((r) => r.dataset.date)")
        .await;
    let until_today: Vec<&str> = rows
        .iter()
        .map(|r| r["date"].as_str().unwrap())
        .filter(|d| *d <= today().to_string().as_str())
        .collect();
    assert_eq!(only_today, json!(until_today));

    // The file, as the other sections offer theirs.
    browser
        .click("button.dl[data-report=bookings][data-format=csv]")
        .await;
    browser.wait_for("antreReports.downloads >= 1", LIMIT).await;
    let saved = browser.eval("antreReports.lastDownload").await;
    assert!(
        saved["name"].as_str().unwrap().ends_with(".csv") && saved["size"].as_u64().unwrap() > 0,
        "{saved}"
    );
    browser.close().await;
}

/// Clicks "refresh" on the outbox until `script` holds.
async fn outbox_until(browser: &Browser, script: &str) {
    let deadline = Instant::now() + LIMIT;
    loop {
        browser.click("#outbox-refresh").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        if browser.eval(script).await == true {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {script}");
    }
}

/// The figures the outbox section shows: the totals and each channel's row.
async fn outbox_shown(browser: &Browser) -> Value {
    browser
        .eval(
            "({ totals: Object.fromEntries([...document.querySelectorAll('#outbox-totals [data-total]')].map((c) => [c.dataset.total, c.dataset.value])), \
                channels: [...document.querySelectorAll('#outbox-channels tbody tr[data-channel]')].map((r) => ({ name: r.dataset.channel, \
                  pending: Number(r.querySelector('[data-col=pending]').textContent), sent: Number(r.querySelector('[data-col=sent]').textContent), \
                  failed: Number(r.querySelector('[data-col=failed]').textContent), last_error: r.querySelector('[data-col=last_error]').textContent })) })",
        )
        .await
}

#[tokio::test]
async fn the_admin_sets_up_notifications_and_puts_a_refused_message_back_in_line() {
    // A webhook that refuses each message the first time (as a gateway with a wrong
    // token would) and takes it when it comes again; an SMS gateway that takes all.
    let hook = Receiver::start(Arc::new(|_, before| {
        if before == 0 {
            Reply::Status(401, "unauthorized")
        } else {
            Reply::Status(200, "ok")
        }
    }))
    .await;
    let sms = Receiver::start(always(200)).await;
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let Some(browser) = Browser::start(WIDTH, HEIGHT).await else {
        return;
    };
    admin_log_in(&browser, &server).await;
    open_section(&browser, "notify").await;
    browser
        .wait_for("document.getElementById('n-add-channel')", LIMIT)
        .await;

    // A webhook without its secret: the server's refusal is said at the secret.
    browser.click("#n-add-channel").await;
    assert_eq!(active_id(&browser).await, "n-ch0-name");
    fill(&browser, "n-ch0-name", "hook").await;
    fill(&browser, "n-ch0-url", &hook.url()).await;
    fill(&browser, "n-ahead", "2").await;
    browser.click("#notify-save").await;
    browser
        .wait_for("!document.getElementById('n-ch0-secret-err').hidden", LIMIT)
        .await;
    let said = error_at(&browser, "n-ch0-secret").await;
    assert!(said.contains("needs a secret"), "{said}");
    assert_eq!(active_id(&browser).await, "n-ch0-secret");
    browser
        .assert_accessible("admin notification settings, refused")
        .await;
    browser
        .assert_fits("admin notification settings", REGIONS)
        .await;
    browser.screenshot("admin-notify-refused").await;

    fill(&browser, "n-ch0-secret", "rahasia-webhook").await;
    // An SMS gateway: its own fields appear with its kind.
    browser.click("#n-add-channel").await;
    fill(&browser, "n-ch1-name", "sms").await;
    assert_eq!(
        browser
            .eval("document.getElementById('n-ch1-to_field').closest('.slot').hidden")
            .await,
        true
    );
    choose(&browser, "n-ch1-kind", "sms").await;
    browser
        .wait_for(
            "!document.getElementById('n-ch1-to_field').closest('.slot').hidden \
             && document.getElementById('n-ch1-secret').closest('.slot').hidden",
            LIMIT,
        )
        .await;
    fill(&browser, "n-ch1-url", &sms.url()).await;
    fill(&browser, "n-ch1-token", "token-sms").await;
    fill(&browser, "n-ch1-to_field", "phone").await;
    fill(
        &browser,
        "n-tpl-booking_confirmed-id",
        "Booking {code} untuk {service} tercatat: {date} {start}.",
    )
    .await;
    browser.click("#notify-save").await;
    browser
        .wait_for(
            "window.antreAdmin.config.notify.channels.length === 2 && !antreAdmin.notify.dirty",
            LIMIT,
        )
        .await;
    let config: Value = admin.json("/admin/config").await;
    let notify = &config["config"]["notify"];
    assert_eq!(notify["ahead"], 2);
    assert_eq!(
        notify["channels"],
        json!([
            {"name": "hook", "kind": "webhook", "url": hook.url(), "enabled": true, "language": "id", "has_secret": true, "has_token": false},
            {"name": "sms", "kind": "sms", "url": sms.url(), "enabled": true, "language": "id", "to_field": "phone", "has_secret": false, "has_token": true},
        ])
    );
    assert_eq!(
        notify["templates"]["booking_confirmed"],
        json!({"id": "Booking {code} untuk {service} tercatat: {date} {start}."})
    );
    // Saved secrets are not shown again; left empty, they are kept.
    browser
        .wait_for(
            "document.getElementById('n-ch0-secret') && document.getElementById('n-ch0-secret').value === '' \
             && document.getElementById('n-ch0-secret-hint').textContent.includes('Tersimpan')",
            LIMIT,
        )
        .await;
    // No reminders: the test's booking has one message only.
    fill(&browser, "n-reminder_min", "0").await;
    browser.click("#notify-save").await;
    browser
        .wait_for(
            "window.antreAdmin.config.notify.reminder_min === 0 && !antreAdmin.notify.dirty",
            LIMIT,
        )
        .await;
    let config: Value = admin.json("/admin/config").await;
    assert_eq!(
        config["config"]["notify"]["channels"][0]["has_secret"],
        true
    );
    assert_eq!(config["config"]["notify"]["channels"][1]["has_token"], true);
    scroll_to(&browser, "h-n-templates").await;
    browser.screenshot("admin-notify").await;

    // A booking: its confirmation goes to both; the webhook refuses it for good.
    let api = server.api();
    let (date, start) = session_now(&api, "DKP-KTP").await;
    booked(&api, &request("DKP-KTP", &date, &start, 9)).await;
    open_section(&browser, "outbox").await;
    outbox_until(
        &browser,
        "document.querySelector('#outbox-channels tr[data-channel=hook] [data-col=failed]').textContent === '1' \
         && document.querySelector('#outbox-channels tr[data-channel=sms] [data-col=sent]').textContent === '1'",
    )
    .await;
    let stats: Value = admin.json("/admin/outbox").await;
    let shown = outbox_shown(&browser).await;
    for total in ["pending", "sent", "failed"] {
        assert_eq!(
            shown["totals"][total],
            stats[total].to_string(),
            "{total}: {shown} {stats}"
        );
    }
    for channel in stats["channels"].as_array().unwrap() {
        let row = shown["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == channel["name"])
            .unwrap_or_else(|| panic!("{channel} shown"));
        for col in ["pending", "sent", "failed"] {
            assert_eq!(row[col], channel[col], "{col} of {channel}");
        }
        let error = channel["last_error"].as_str().unwrap_or("—");
        assert_eq!(row["last_error"], error);
    }
    let failure = &stats["failed_recent"][0];
    assert_eq!(failure["channel"], "hook");
    assert!(
        failure["last_error"].as_str().unwrap().contains("401"),
        "{failure}"
    );
    let listed = browser
        .eval("document.querySelector('#outbox-failures tbody tr[data-id]').textContent")
        .await;
    assert!(
        listed.as_str().unwrap().contains("Booking tercatat")
            && listed.as_str().unwrap().contains("401"),
        "{listed}"
    );
    assert_eq!(
        browser
            .eval("document.getElementById('outbox-retry').disabled")
            .await,
        false
    );
    browser
        .assert_accessible("admin outbox with a failure")
        .await;
    browser.assert_fits("admin outbox", REGIONS).await;
    browser.screenshot("admin-outbox").await;

    // Sent again: the webhook takes it now.
    browser.click("#outbox-retry").await;
    browser
        .wait_for("window.antreAdmin.notify.retries === 1", LIMIT)
        .await;
    outbox_until(
        &browser,
        "document.querySelector('#outbox-channels tr[data-channel=hook] [data-col=sent]').textContent === '1' \
         && document.querySelector('#outbox-totals [data-total=failed]').dataset.value === '0'",
    )
    .await;
    assert_eq!(
        browser
            .eval("document.getElementById('outbox-retry').disabled")
            .await,
        true
    );
    let counts = hook.counts();
    assert_eq!(counts.len(), 1, "one message: {counts:?}");
    assert_eq!(counts.values().copied().collect::<Vec<_>>(), [2]);
    assert_eq!(sms.how_many(), 1);
    let to_sms = &sms.received()[0];
    assert!(
        to_sms.body.contains("phone=62812") && to_sms.body.contains("tercatat"),
        "{}",
        to_sms.body
    );
    browser.screenshot("admin-outbox-retried").await;
    browser.close().await;
}
