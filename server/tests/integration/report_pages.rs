//! The manager's figures in a real headless Chromium: the reports page (`/reports`)
//! draws its charts and shows the API's totals, offers its files and prints on A4; the
//! audit trail (`/audit`) finds an out-of-order call, a configuration change and a
//! failed log-in, and tells a ticket's journey; the public IKM (`/skm`) shows the MPP's
//! figure on a phone and on a hall TV. The day they show is made first, through the
//! API: an officer serves visitors, calls one out of turn, visitors answer the survey.

use std::time::Duration;

use antre_protocol::Ticket;
use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::Locator;
use serde_json::{Value, json};

/// Generous: a page loads the site and its reports first. A wait ends as soon as what it
/// waits for is there.
const LIMIT: Duration = Duration::from_secs(30);
/// Why the officer called a later ticket first.
pub const REASON: &str = "Lansia dengan kursi roda, didahulukan";

/// What the tests make before a page opens.
pub struct Day {
    /// Every visitor served, in the order served.
    pub served: Vec<Ticket>,
    /// The ticket called out of turn.
    pub jumped: Ticket,
}

/// Nine scores of 1 to 4.
pub fn answers(score: u8) -> Value {
    json!([score, score, 3, 4, score, 3, 4, 2, score])
}

/// An officer at L01 serves three visitors in turn, then calls the later of two waiting
/// visitors first (with a reason) and serves both; the first two visitors answer the
/// survey; someone mistypes a password.
pub async fn served_day(server: &Server) -> Day {
    let officer = server.api().as_user("petugas-l01").await;
    assert_eq!(officer.act("L01", "open", None).await.status(), 200);
    let mut served = Vec::new();
    for _ in 0..3 {
        let ticket = issue(server, "DKP-KTP").await;
        assert_eq!(officer.act("L01", "call-next", None).await.status(), 200);
        assert_eq!(officer.act("L01", "complete", None).await.status(), 200);
        served.push(ticket);
    }
    let first = issue(server, "DKP-KTP").await;
    let jumped = issue(server, "DKP-KTP").await;
    let res = officer
        .act(
            "L01",
            "call",
            Some(json!({"ticket": jumped.id, "reason": REASON})),
        )
        .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(officer.act("L01", "complete", None).await.status(), 200);
    assert_eq!(officer.act("L01", "call-next", None).await.status(), 200);
    assert_eq!(officer.act("L01", "complete", None).await.status(), 200);
    served.push(jumped.clone());
    served.push(first);
    for (ticket, score) in served.iter().take(2).zip([4, 3]) {
        let res = server
            .api()
            .post("/surveys")
            .json(&json!({
                "track_token": ticket.track_token.as_deref().unwrap(),
                "answers": answers(score),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
    }
    let res = server
        .api()
        .post("/auth/login")
        .json(&json!({"username": "admin", "password": "salah-sekali"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    Day { served, jumped }
}

/// Types into a field after emptying it.
pub async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Opens a staff page and logs in at its form (antre.js `signIn`).
pub async fn staff_log_in(browser: &Browser, server: &Server, path: &str, user: &str, pw: &str) {
    browser.client.goto(&server.url(path)).await.unwrap();
    browser
        .wait_for("document.getElementById('signin-user')", LIMIT)
        .await;
    fill(browser, "signin-user", user).await;
    fill(browser, "signin-password", pw).await;
    browser.press_enter().await;
}

/// A date input's value set as a person's choice would set it (the typed format
/// depends on the browser's locale).
async fn set_value(browser: &Browser, id: &str, value: &str) {
    browser
        .js(&format!(
            "const e = document.getElementById('{id}'); e.value = {}; \
             e.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;",
            serde_json::to_string(value).unwrap()
        ))
        .await;
}

async fn number(browser: &Browser, expression: &str) -> f64 {
    let v = browser.eval(expression).await;
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("{expression} is no number: {v}"))
}

const REPORTS_READY: &str = "window.antreReports && antreReports.ready && antreReports.summary \
    && antreReports.trend && antreReports.heatmap && antreReports.officers && antreReports.recap \
    && antreReports.weekly && antreReports.skm";

#[tokio::test]
async fn the_reports_page_draws_its_charts_shows_the_apis_totals_and_prints_on_a4() {
    let server = Server::demo();
    let day = served_day(&server).await;
    let sup = server.api().as_user("penyelia").await;

    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    // An officer is told the page is not theirs.
    staff_log_in(&browser, &server, "/reports", "petugas-l02", PASSWORD).await;
    browser
        .wait_for(
            "document.querySelector('.signin-error') && !document.querySelector('.signin-error').hidden",
            LIMIT,
        )
        .await;
    let said = browser
        .eval("document.querySelector('.signin-error').textContent")
        .await;
    assert!(
        said.as_str()
            .unwrap()
            .contains("tidak dapat membuka halaman ini"),
        "{said}"
    );
    browser.assert_accessible("reports log-in").await;
    browser.screenshot("reports-login").await;

    fill(&browser, "signin-user", "penyelia").await;
    fill(&browser, "signin-password", PASSWORD).await;
    browser.press_enter().await;
    browser.wait_for(REPORTS_READY, LIMIT).await;

    // The charts are the page's own SVG.
    for chart in ["summary", "trend", "heatmap", "weekly"] {
        assert_eq!(
            browser
                .eval(&format!(
                    "document.querySelectorAll('#{chart}-chart svg[role=img] rect, #{chart}-chart svg polyline').length > 0"
                ))
                .await,
            true,
            "{chart} chart"
        );
    }
    // The summary's total is the API's, for the same period and grouping.
    let from = browser.eval("document.getElementById('from').value").await;
    let to = browser.eval("document.getElementById('to').value").await;
    let (from, to) = (from.as_str().unwrap(), to.as_str().unwrap());
    let summary: Value = sup
        .json(&format!(
            "/reports/summary?from={from}&to={to}&group=service"
        ))
        .await;
    let served = number(
        &browser,
        "document.querySelector('#summary-table tfoot [data-col=served]').dataset.value",
    )
    .await;
    assert_eq!(served, summary["total"]["served"].as_f64().unwrap());
    assert_eq!(served, day.served.len() as f64);
    let issued = number(
        &browser,
        "document.querySelector('#summary-table tfoot [data-col=issued]').dataset.value",
    )
    .await;
    assert_eq!(issued, summary["total"]["issued"].as_f64().unwrap());
    // The officer's row, and the SKM of the two answers.
    let officer_served = number(
        &browser,
        "document.querySelector('#officers-table tr[data-officer=\"petugas-l01\"] [data-col=served]').textContent",
    )
    .await;
    assert_eq!(officer_served, day.served.len() as f64);
    let skm: Value = sup.json(&format!("/reports/skm?from={from}&to={to}")).await;
    assert_eq!(skm["respondents"], 2);
    let ikm = number(&browser, "document.getElementById('skm-ikm').dataset.value").await;
    assert_eq!(ikm, skm["ikm"].as_f64().unwrap());
    assert_eq!(
        browser
            .eval("document.querySelectorAll('#skm-table tr.weakest').length")
            .await,
        1
    );
    assert_eq!(
        browser
            .eval("!!document.getElementById('skm-too-few')")
            .await,
        true,
        "two respondents are fewer than the minimum sample"
    );

    browser.assert_accessible("reports").await;
    browser
        .assert_fits("reports at 1366×768", "header, #controls, main#report")
        .await;
    browser.screenshot("reports").await;
    for section in ["trend", "officers", "recap", "skm"] {
        browser
            .js(&format!(
                "document.getElementById('sec-{section}').scrollIntoView(); return true;"
            ))
            .await;
        browser.screenshot(&format!("reports-{section}")).await;
    }

    // Grouped by hour, the bars are columns in time order; the total stays the API's.
    browser
        .client
        .find(Locator::Id("group"))
        .await
        .unwrap()
        .select_by_value("hour")
        .await
        .unwrap();
    browser.click("#show").await;
    browser
        .wait_for(
            "antreReports.summary.group === 'hour' && document.querySelector('#summary-table tfoot [data-col=served]')",
            LIMIT,
        )
        .await;
    let by_hour = number(
        &browser,
        "document.querySelector('#summary-table tfoot [data-col=served]').dataset.value",
    )
    .await;
    assert_eq!(by_hour, served);

    // The workbook is offered: fetched with the token and saved.
    browser.js("window.scrollTo(0, 0); return true;").await;
    browser
        .click("button.dl[data-report=summary][data-format=xlsx]")
        .await;
    browser.wait_for("antreReports.downloads >= 1", LIMIT).await;
    let saved = browser.eval("antreReports.lastDownload").await;
    assert!(
        saved["name"].as_str().unwrap().ends_with(".xlsx") && saved["size"].as_u64().unwrap() > 0,
        "{saved}"
    );
    let path = saved["path"].as_str().unwrap();
    let bytes = sup
        .http
        .get(format!("{}{path}", server.base))
        .bearer_auth(sup.token())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX workbook is a zip file");

    // Printed: A4 landscape (277 mm wide inside its margins, 1047 CSS pixels), controls
    // left out, every section within the page's width.
    browser.emulate_media("print").await;
    browser.set_viewport(1047, 740).await;
    assert_eq!(
        browser
            .eval("getComputedStyle(document.getElementById('controls')).display")
            .await,
        "none"
    );
    browser
        .assert_fits("reports printed on A4", "main#report")
        .await;
    browser.screenshot("reports-print").await;
    let (_, pages) = browser.print_a4("reports-print", true).await;
    assert!(pages >= 1, "the report prints");
    browser.emulate_media("screen").await;
    browser.close().await;
}

#[tokio::test]
async fn an_agency_supervisor_sees_their_agency_only_after_choosing_a_password() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let body = json!({"role": "supervisor", "agency": "DUKCAPIL", "password": "awal-penyelia-1"});
    let res = admin
        .put("/admin/users/penyelia-dkp")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    staff_log_in(
        &browser,
        &server,
        "/reports",
        "penyelia-dkp",
        "awal-penyelia-1",
    )
    .await;
    // A password an admin gave is replaced first, on the same form.
    browser
        .wait_for(
            "document.querySelector('.signin-new') && !document.querySelector('.signin-new').hidden",
            LIMIT,
        )
        .await;
    fill(&browser, "signin-new", "penyelia-dukcapil").await;
    fill(&browser, "signin-new2", "penyelia-dukcapil").await;
    browser.press_enter().await;
    browser.wait_for(REPORTS_READY, LIMIT).await;
    let agency = browser
        .eval(
            "[document.getElementById('agency').disabled, \
              [...document.getElementById('agency').options].map((o) => o.value)]",
        )
        .await;
    assert_eq!(agency, json!([true, ["DUKCAPIL"]]));
    assert_eq!(
        browser.eval("antreReports.summary.agency").await,
        "DUKCAPIL"
    );
    browser.close().await;
}

#[tokio::test]
async fn the_audit_page_finds_an_out_of_order_call_a_change_a_failed_log_in_and_a_journey() {
    let server = Server::demo();
    let day = served_day(&server).await;
    let admin = server.api().as_user("admin").await;
    let res = admin
        .put("/admin/agencies/BPOM")
        .json(&json!({"short": "BPOM", "name": "Badan POM", "name_en": "Food and Drug Authority"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{:?}", res.text().await);

    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    staff_log_in(&browser, &server, "/audit", "admin", PASSWORD).await;
    browser
        .wait_for(
            "window.antreAudit && antreAudit.chain && document.querySelectorAll('#log-rows tr[data-seq]').length > 0",
            LIMIT,
        )
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('chain').dataset.intact")
            .await,
        "true"
    );
    // Newest first.
    let seqs = browser
        .eval("[...document.querySelectorAll('#log-rows tr[data-seq]')].map((r) => Number(r.dataset.seq))")
        .await;
    let seqs: Vec<u64> = serde_json::from_value(seqs).unwrap();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    // The configuration change, with what changed.
    assert!(
        browser
            .eval("[...document.querySelectorAll('#log-rows tr[data-type=\"site.changed\"] .changes')].some((c) => c.textContent.includes('BPOM'))")
            .await
            .as_bool()
            .unwrap()
    );
    browser.assert_accessible("audit").await;
    browser
        .assert_fits("audit at 1366×768", "header, aside.side, main.content")
        .await;
    browser.screenshot("audit").await;

    // Out-of-order calls only: the jump, who made it and why.
    browser.click("#f-ooo").await;
    browser.click("#f-go").await;
    browser
        .wait_for(
            "antreAudit.events.length > 0 && antreAudit.events.every((e) => e.detail && e.detail.out_of_order)",
            LIMIT,
        )
        .await;
    let row = browser
        .eval("document.querySelector('#log-rows tr.ooo').textContent")
        .await;
    let row = row.as_str().unwrap();
    assert!(
        row.contains(REASON) && row.contains(&day.jumped.number) && row.contains("petugas-l01"),
        "{row}"
    );
    browser.screenshot("audit-out-of-order").await;

    // Failed log-ins.
    browser.click("#f-ooo").await;
    browser
        .client
        .find(Locator::Id("f-type"))
        .await
        .unwrap()
        .select_by_value("user.login_failed")
        .await
        .unwrap();
    browser.click("#f-go").await;
    browser
        .wait_for(
            "antreAudit.events.length > 0 && antreAudit.events.every((e) => e.type === 'user.login_failed')",
            LIMIT,
        )
        .await;

    // A ticket's journey, by keyboard from the number field.
    let ticket = &day.served[0];
    fill(&browser, "j-number", &ticket.number).await;
    set_value(&browser, "j-day", &ticket.day).await;
    browser.click("#j-number").await;
    browser.press_enter().await;
    browser
        .wait_for(
            "antreAudit.journey && document.querySelectorAll('.timeline li').length > 0",
            LIMIT,
        )
        .await;
    let types = browser
        .eval("[...document.querySelectorAll('.timeline li')].map((l) => l.dataset.type)")
        .await;
    let types: Vec<String> = serde_json::from_value(types).unwrap();
    for wanted in ["ticket.issued", "ticket.called", "ticket.done"] {
        assert!(types.iter().any(|t| t == wanted), "{wanted} in {types:?}");
    }
    // Who called it, and where.
    let called = browser
        .eval("document.querySelector('.timeline li[data-type=\"ticket.called\"]').textContent")
        .await;
    let called = called.as_str().unwrap();
    assert!(
        called.contains("petugas-l01") && called.contains("Loket 1"),
        "{called}"
    );
    browser.assert_accessible("audit journey").await;
    browser
        .assert_fits("audit journey", "header, aside.side, main.content")
        .await;
    browser.screenshot("audit-journey").await;

    // A ticket number in the log opens its journey too.
    browser.click("#f-clear").await;
    browser
        .wait_for(
            "antreAudit.events.some((e) => e.type === 'ticket.called')",
            LIMIT,
        )
        .await;
    browser
        .click("#log-rows tr[data-type='ticket.called'] button[data-number]")
        .await;
    browser
        .wait_for(
            "antreAudit.journey && antreAudit.journey.events.some((e) => e.type === 'ticket.called')",
            LIMIT,
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_public_skm_page_shows_the_mpps_ikm_on_a_phone_and_on_a_tv() {
    let server = Server::demo();
    served_day(&server).await;
    let public: Value = server.api().json("/skm").await;
    let ikm = public["mpp"]["ikm"]
        .as_f64()
        .expect("an IKM with respondents");
    for (name, width, height) in [("skm-phone", 390, 844), ("skm-tv", 1920, 1080)] {
        let Some(browser) = Browser::start(width, height).await else {
            return;
        };
        browser.client.goto(&server.url("/skm")).await.unwrap();
        browser
            .wait_for("document.body.dataset.ready === '1'", LIMIT)
            .await;
        let shown = number(&browser, "document.getElementById('mpp-ikm').dataset.value").await;
        assert_eq!(shown, ikm);
        let mutu = browser.text("mpp-mutu").await;
        assert_eq!(mutu, public["mpp"]["mutu"].as_str().unwrap());
        browser.assert_accessible(name).await;
        browser.assert_fits(name, "header, main").await;
        browser.screenshot(name).await;
        browser.close().await;
    }
}
