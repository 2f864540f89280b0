//! The manager's pages (`/admin`) in a real headless Chromium: an admin builds an
//! agency, a service and a counter by typing and clicking (one step by keyboard only),
//! and a kiosk page already open shows the new service; bad input is said next to its
//! field; a new kiosk's token is shown once; a disabled officer's counter page returns
//! to its log-in form; someone else's change is noticed. Every section is screenshot at
//! 1366×768 and checked for accessibility and fit.

use std::time::Duration;

use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::{Value, json};

/// Generous: the page loads its configuration and may reconnect first. A wait ends as
/// soon as what it waits for is there; it is not a timing the tests assert.
const LIMIT: Duration = Duration::from_secs(20);
/// The laptop the pages are made for.
const WIDTH: u32 = 1366;
const HEIGHT: u32 = 768;
const SECTIONS: [&str; 10] = [
    "site", "agencies", "services", "counters", "zones", "devices", "users", "running", "holidays",
    "import",
];
/// What must fit in the viewport: the header, the side menu and the section shown.
const REGIONS: &str = "header, nav.side, main.panels";

async fn admin_log_in(browser: &Browser, server: &Server, user: &str) {
    browser.client.goto(&server.url("/admin")).await.unwrap();
    browser
        .wait_for("!document.getElementById('login-view').hidden", LIMIT)
        .await;
    fill(browser, "login-user", user).await;
    fill(browser, "login-password", PASSWORD).await;
    browser.press_enter().await;
}

async fn wait_admin_ready(browser: &Browser) {
    browser
        .wait_for(
            "!document.getElementById('admin-view').hidden && window.antreAdmin.config \
             && document.querySelectorAll('#rows-services tr').length > 1",
            LIMIT,
        )
        .await;
}

/// Types into a field after emptying it.
async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
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

async fn dialog_open(browser: &Browser, id: &str) -> bool {
    browser
        .eval(&format!("document.getElementById('{id}').open"))
        .await
        .as_bool()
        .unwrap_or(false)
}

/// The error shown next to a field of the form dialog, empty when none.
async fn field_error(browser: &Browser, field: &str) -> String {
    browser
        .eval(&format!(
            "(() => {{ const e = document.getElementById('f-{field}-err'); \
               return e && !e.hidden ? e.textContent : ''; }})()"
        ))
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Pads the demo site to 300 services, as a large MPP has (before any page is open).
async fn pad_services(admin: &Api) {
    let config: Value = admin.json("/admin/config").await;
    let have = config["config"]["services"].as_array().unwrap().len();
    let mut prefixes = (0..26 * 26 * 26).map(|i| {
        let l = |n: usize| char::from(b'A' + (n % 26) as u8);
        format!("{}{}{}", l(i / 676), l(i / 26), l(i))
    });
    let taken: Vec<String> = config["config"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["prefix"].as_str().unwrap().to_string())
        .collect();
    for n in have..300 {
        let prefix = prefixes.find(|p| !taken.contains(p)).unwrap();
        let body = json!({
            "agency": "DUKCAPIL", "prefix": prefix, "name": format!("Layanan Contoh {n}"),
            "name_en": format!("Sample service {n}"), "target_wait_min": 30, "avg_service_min": 10
        });
        let res = admin
            .put(&format!("/admin/services/X-{n:03}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
    }
}

#[tokio::test]
async fn an_admin_adds_an_agency_a_service_and_a_counter_which_a_kiosk_shows_and_serves() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    pad_services(&admin).await;

    // A kiosk already open, before anything is added.
    let Some(kiosk) = Browser::start(1280, 800).await else {
        return;
    };
    kiosk
        .client
        .goto(&server.url(&format!("/kiosk/K1#token={PASSWORD}")))
        .await
        .unwrap();
    kiosk
        .wait_for(
            "document.querySelector('#agencies [data-agency=\"DUKCAPIL\"]') && window.antreKiosk.stream.connected",
            LIMIT,
        )
        .await;
    assert_eq!(
        kiosk
            .eval("!!document.querySelector('#agencies [data-agency=\"BPOM\"]')")
            .await,
        false
    );

    let browser = Browser::start(WIDTH, HEIGHT).await.expect("a browser");
    browser.client.goto(&server.url("/admin")).await.unwrap();
    browser
        .wait_for("!document.getElementById('login-view').hidden", LIMIT)
        .await;
    browser.assert_accessible("admin log-in").await;
    browser.screenshot("admin-login").await;
    // Someone who is not an admin is told so, and stays at the log-in form.
    admin_log_in(&browser, &server, "penyelia").await;
    browser
        .wait_for("!document.getElementById('login-error').hidden", LIMIT)
        .await;
    let said = browser.text("login-error").await;
    assert!(
        said.contains("hanya untuk admin") && said.contains("admins only"),
        "{said}"
    );
    assert!(
        browser
            .eval("document.getElementById('admin-view').hidden")
            .await
            .as_bool()
            .unwrap()
    );
    admin_log_in(&browser, &server, "admin").await;
    wait_admin_ready(&browser).await;

    // The agency, by keyboard only: from the menu to the form and through it.
    open_section(&browser, "site").await;
    browser.press(&Key::Down.to_string()).await;
    assert_eq!(active_id(&browser).await, "tab-agencies");
    assert!(
        !browser
            .eval("document.getElementById('panel-agencies').hidden")
            .await
            .as_bool()
            .unwrap()
    );
    browser.press(&Key::Tab.to_string()).await;
    assert_eq!(active_id(&browser).await, "filter-agencies");
    browser.press(&Key::Tab.to_string()).await;
    assert_eq!(active_id(&browser).await, "add-agencies");
    browser.press_enter().await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    assert_eq!(active_id(&browser).await, "f-code");
    let tab = Key::Tab.to_string();
    browser
        .press(&format!(
            "BPOM{tab}BPOM{tab}Badan Pengawas Obat dan Makanan{tab}Food and Drug Authority"
        ))
        .await;
    browser.press_enter().await;
    browser
        .wait_for(
            "!document.getElementById('form-dialog').open && \
             document.querySelector('#rows-agencies tr[data-key=\"BPOM\"]')",
            LIMIT,
        )
        .await;

    // The service, by typing and clicking; a bad prefix first.
    open_section(&browser, "services").await;
    browser.click("#add-services").await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    fill(&browser, "f-code", "BPOM-PANGAN").await;
    choose(&browser, "f-agency", "BPOM").await;
    fill(&browser, "f-prefix", "p1").await;
    fill(&browser, "f-name", "Registrasi Pangan Olahan").await;
    fill(&browser, "f-name_en", "Processed food registration").await;
    fill(&browser, "f-keywords", "izin edar, bpom").await;
    fill(
        &browser,
        "f-requirements",
        "Fotokopi NIB\nLabel kemasan produk",
    )
    .await;
    fill(&browser, "f-target_wait_min", "0").await;
    fill(&browser, "f-avg_service_min", "10").await;
    browser.click("#form-save").await;
    browser
        .wait_for("!document.getElementById('f-prefix-err').hidden", LIMIT)
        .await;
    let error = field_error(&browser, "prefix").await;
    assert!(
        error.contains("huruf kapital") && error.contains("capital letters"),
        "{error}"
    );
    assert!(
        field_error(&browser, "target_wait_min")
            .await
            .contains("above 0")
    );
    assert_eq!(field_error(&browser, "name").await, "");
    assert_eq!(
        browser
            .eval("document.getElementById('f-prefix').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    assert!(
        browser
            .eval("document.getElementById('f-prefix').getAttribute('aria-describedby')")
            .await
            .as_str()
            .unwrap()
            .contains("f-prefix-err")
    );
    browser
        .assert_accessible("admin form dialog with errors")
        .await;
    browser.screenshot("admin-form-errors").await;
    // A prefix another service owns: the server's refusal, next to the prefix, naming
    // that service.
    fill(&browser, "f-prefix", "A").await;
    fill(&browser, "f-target_wait_min", "20").await;
    browser.click("#form-save").await;
    browser
        .wait_for(
            "!document.getElementById('f-prefix-err').hidden && \
             document.getElementById('f-prefix-err').textContent.includes('DKP-KTP')",
            LIMIT,
        )
        .await;
    assert_eq!(field_error(&browser, "target_wait_min").await, "");
    assert!(dialog_open(&browser, "form-dialog").await);
    fill(&browser, "f-prefix", "PO").await;
    browser.click("#form-save").await;
    browser
        .wait_for(
            "!document.getElementById('form-dialog').open && \
             document.querySelector('#rows-services tr[data-key=\"BPOM-PANGAN\"]')",
            LIMIT,
        )
        .await;

    // The kiosk that was already open shows the new agency and its service, live.
    kiosk
        .wait_for(
            "document.querySelector('#agencies [data-agency=\"BPOM\"]')",
            LIMIT,
        )
        .await;
    kiosk.click("#agencies [data-agency=\"BPOM\"]").await;
    kiosk
        .wait_for(
            "document.querySelector('#services [data-service=\"BPOM-PANGAN\"]')",
            LIMIT,
        )
        .await;
    kiosk.screenshot("admin-kiosk-shows-new-service").await;
    // Tapped, it gives a ticket whose screen says what to bring.
    kiosk
        .click("#services [data-service=\"BPOM-PANGAN\"]")
        .await;
    kiosk
        .wait_for("!document.getElementById('view-ticket').hidden", LIMIT)
        .await;
    let needs = kiosk
        .eval("document.getElementById('ticket-needs').hidden ? '' : document.getElementById('ticket-needs-list').textContent")
        .await;
    assert_eq!(needs, "Fotokopi NIBLabel kemasan produk");

    // The counter serving it: its service found among 300 by the filter.
    open_section(&browser, "counters").await;
    browser.click("#add-counters").await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    fill(&browser, "f-code", "L31").await;
    fill(&browser, "f-name", "Loket 31").await;
    choose(&browser, "f-zone", "B").await;
    choose(&browser, "f-agency", "BPOM").await;
    let options = browser
        .eval("document.querySelectorAll('#f-services-list label').length")
        .await;
    assert!(options.as_u64().unwrap() >= 301, "{options}");
    fill(&browser, "f-services-filter", "pangan olahan").await;
    let shown = browser
        .eval("[...document.querySelectorAll('#f-services-list label')].filter((l) => !l.hidden).map((l) => l.querySelector('input').value)")
        .await;
    assert_eq!(shown, json!(["BPOM-PANGAN"]));
    browser.assert_accessible("admin counter form").await;
    browser.screenshot("admin-counter-form").await;
    browser
        .click("#f-services-list input[value=\"BPOM-PANGAN\"]")
        .await;
    assert!(
        browser
            .text("f-services-count")
            .await
            .starts_with("1 dipilih")
    );
    browser.click("#form-save").await;
    browser
        .wait_for(
            "!document.getElementById('form-dialog').open && \
             document.querySelector('#rows-counters tr[data-key=\"L31\"]')",
            LIMIT,
        )
        .await;
    let config: Value = admin.json("/admin/config").await;
    let l31 = config["config"]["counters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "L31")
        .cloned()
        .unwrap();
    assert_eq!(l31["services"], json!(["BPOM-PANGAN"]));
    assert_eq!(l31["zone"], "B");

    // Its tickets, called in turn at the new counter: the kiosk's first.
    let ticket = issue(&server, "BPOM-PANGAN").await;
    assert_eq!(ticket.number, "PO002");
    assert_eq!(admin.act("L31", "open", None).await.status(), 200);
    for number in ["PO001", "PO002"] {
        let res = admin.act("L31", "call-next", None).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<Value>().await.unwrap()["number"], number);
    }

    // Sorting: by prefix, then the other way, said by aria-sort.
    open_section(&browser, "services").await;
    browser
        .click("#table-services th[data-col=\"prefix\"] button")
        .await;
    let sort = "document.querySelector('#table-services th[data-col=\"prefix\"]').getAttribute('aria-sort')";
    assert_eq!(browser.eval(sort).await, "ascending");
    let first = "document.querySelector('#rows-services tr').dataset.key";
    assert_eq!(browser.eval(first).await, "DKP-KTP", "prefix A first");
    browser
        .click("#table-services th[data-col=\"prefix\"] button")
        .await;
    assert_eq!(browser.eval(sort).await, "descending");
    assert_ne!(browser.eval(first).await, "DKP-KTP");
    fill(&browser, "filter-services", "pangan").await;
    assert_eq!(
        browser
            .eval("[...document.querySelectorAll('#rows-services tr')].map((r) => r.dataset.key)")
            .await,
        json!(["BPOM-PANGAN"])
    );
    fill(&browser, "filter-services", "").await;

    // Every section: a screenshot, accessible, and fitting the laptop's screen.
    for id in SECTIONS {
        open_section(&browser, id).await;
        browser.screenshot(&format!("admin-{id}")).await;
        browser
            .assert_accessible(&format!("admin section {id}"))
            .await;
        browser
            .assert_fits(&format!("admin section {id} at {WIDTH}x{HEIGHT}"), REGIONS)
            .await;
    }
    browser.close().await;
    kiosk.close().await;
}

#[tokio::test]
async fn tokens_are_shown_once_a_disabled_officer_is_logged_out_and_others_changes_are_seen() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let Some(counter) = Browser::start(1366, 768).await else {
        return;
    };
    counter
        .counter_log_in(&server.base, "petugas-l01", PASSWORD)
        .await;
    counter
        .wait_for(
            "document.body.dataset.view === 'counter' && window.antreCounter.stream && window.antreCounter.stream.connected",
            LIMIT,
        )
        .await;

    let browser = Browser::start(WIDTH, HEIGHT).await.expect("a browser");
    admin_log_in(&browser, &server, "admin").await;
    wait_admin_ready(&browser).await;

    // A new kiosk: its token shown once, in a dialog.
    open_section(&browser, "devices").await;
    browser.click("#add-kiosks").await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    fill(&browser, "f-code", "K9").await;
    fill(&browser, "f-name", "Kios Lobi Timur").await;
    choose(&browser, "f-zone", "A").await;
    browser.click("#form-save").await;
    browser
        .wait_for("document.getElementById('token-dialog').open", LIMIT)
        .await;
    let token = browser
        .eval("document.getElementById('token-value').value")
        .await
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(token.len(), 32, "{token}");
    let warning = browser.text("token-warning").await;
    assert!(warning.contains("hanya ditampilkan sekali") && warning.contains("shown only once"));
    browser.assert_accessible("admin token dialog").await;
    browser.screenshot("admin-token-once").await;
    browser.click("#token-copy").await;
    browser
        .wait_for(
            "document.getElementById('token-copied').textContent !== ''",
            LIMIT,
        )
        .await;
    browser.click("#token-close").await;
    browser
        .wait_for(
            "!document.getElementById('token-dialog').open && \
             document.querySelector('#rows-kiosks tr[data-key=\"K9\"]')",
            LIMIT,
        )
        .await;
    // Gone from the page, never in the configuration, and it is the kiosk's.
    let page = browser.eval("document.documentElement.outerHTML").await;
    assert!(!page.as_str().unwrap().contains(&token));
    let config = admin
        .get("/admin/config")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!config.contains(&token));
    let report = json!({"printer": {"state": "ok", "printer": "tcp://10.0.0.9:9100"}});
    let res = client()
        .post(server.url("/api/v1/kiosks/K9/status"))
        .bearer_auth(&token)
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);

    // A new token for it: asked first, shown once, and the old one stops working.
    browser
        .click("#rows-kiosks button[data-act=\"rotate\"][data-key=\"K9\"]")
        .await;
    browser
        .wait_for("document.getElementById('confirm-dialog').open", LIMIT)
        .await;
    browser.click("#confirm-go").await;
    browser
        .wait_for(
            "document.getElementById('token-dialog').open && document.getElementById('token-value').value",
            LIMIT,
        )
        .await;
    let rotated = browser
        .eval("document.getElementById('token-value').value")
        .await
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(rotated, token);
    browser.click("#token-close").await;
    let res = client()
        .post(server.url("/api/v1/kiosks/K9/status"))
        .bearer_auth(&token)
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // Someone else changes the configuration: the page says so and shows it.
    let res = admin
        .put("/admin/users/admin2")
        .json(&json!({"role": "admin", "password": "kata-sandi-kedua"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let other = server.api();
    let res = other
        .post("/auth/login")
        .json(&json!({"username": "admin2", "password": "kata-sandi-kedua"}))
        .send()
        .await
        .unwrap();
    // A password an admin gives is replaced at the first log-in.
    let given = other.with_token(
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap(),
    );
    let res = given
        .post("/auth/password")
        .json(&json!({"current": "kata-sandi-kedua", "new": "kata-sandi-sendiri"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let other = other.with_token(
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap(),
    );
    open_section(&browser, "zones").await;
    browser
        .click("#rows-zones button[data-act=\"edit\"][data-key=\"C\"]")
        .await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    fill(&browser, "f-name", "Zona C — diubah di halaman").await;
    let res = other
        .put("/admin/zones/C")
        .json(&json!({"name": "Zona C Baru", "spoken_name": "zona ce"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    browser
        .wait_for(
            "document.getElementById('notice').textContent.includes('admin2') && \
             document.querySelector('#rows-zones tr[data-key=\"C\"]').textContent.includes('Zona C Baru')",
            LIMIT,
        )
        .await;
    // The form still holds the version it was loaded from: saving is refused, not
    // written over the other admin's change.
    browser.click("#form-save").await;
    browser
        .wait_for("!document.getElementById('form-error').hidden", LIMIT)
        .await;
    let said = browser.text("form-error").await;
    assert!(
        said.contains("diubah orang lain") && said.contains("Someone else"),
        "{said}"
    );
    let zones: Value = admin.json("/admin/config").await;
    assert!(zones.to_string().contains("Zona C Baru"));
    // Told, the admin may save again.
    browser.click("#form-save").await;
    browser
        .wait_for(
            "!document.getElementById('form-dialog').open && \
             document.querySelector('#rows-zones tr[data-key=\"C\"]').textContent.includes('diubah di halaman')",
            LIMIT,
        )
        .await;

    // Removing a counter that is open is refused with what to do first.
    assert_eq!(admin.act("L02", "open", None).await.status(), 200);
    open_section(&browser, "counters").await;
    browser
        .click("#rows-counters button[data-act=\"delete\"][data-key=\"L02\"]")
        .await;
    browser
        .wait_for("document.getElementById('confirm-dialog').open", LIMIT)
        .await;
    browser.assert_accessible("admin delete confirmation").await;
    browser.click("#confirm-go").await;
    browser
        .wait_for("!document.getElementById('confirm-error').hidden", LIMIT)
        .await;
    assert!(dialog_open(&browser, "confirm-dialog").await);
    browser.click("#confirm-cancel").await;

    // The officer is disabled: their open counter page returns to its log-in form.
    open_section(&browser, "users").await;
    let admin2 = "document.querySelector('#rows-users tr[data-key=\"admin2\"]').textContent";
    assert!(
        !browser
            .eval(admin2)
            .await
            .as_str()
            .unwrap()
            .contains("harus ganti sandi")
    );
    fill(&browser, "filter-users", "petugas-l01").await;
    browser
        .click("#rows-users button[data-act=\"edit\"][data-key=\"petugas-l01\"]")
        .await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    browser.click("#f-disabled").await;
    browser.click("#form-save").await;
    browser
        .wait_for(
            "!document.getElementById('form-dialog').open && \
             document.querySelector('#rows-users tr[data-key=\"petugas-l01\"] .off')",
            LIMIT,
        )
        .await;
    counter
        .wait_for("!document.getElementById('login-view').hidden", LIMIT)
        .await;
    counter.screenshot("admin-disabled-officer-counter").await;

    // A password too short is said next to the password field.
    browser
        .click("#rows-users button[data-act=\"password\"][data-key=\"petugas-l01\"]")
        .await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    assert_eq!(active_id(&browser).await, "f-password");
    browser.press("pendek").await;
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('f-password-err').hidden", LIMIT)
        .await;
    assert!(field_error(&browser, "password").await.contains("10"));
    // A long enough one is taken; the officer must replace it at the next log-in.
    fill(&browser, "f-password", "sandi-baru-petugas").await;
    browser.click("#form-save").await;
    browser
        .wait_for(
            "!document.getElementById('form-dialog').open && document.querySelector(\
             '#rows-users tr[data-key=\"petugas-l01\"]').textContent.includes('harus ganti sandi')",
            LIMIT,
        )
        .await;

    // Log-out returns to the log-in form; the token is forgotten.
    browser.click("#logout-btn").await;
    browser
        .wait_for("!document.getElementById('login-view').hidden", LIMIT)
        .await;
    assert_eq!(
        browser
            .eval("sessionStorage.getItem('antre.admin.v1')")
            .await,
        Value::Null
    );

    // An admin whose password another admin gave chooses their own first.
    let res = admin
        .put("/admin/users/admin3")
        .json(&json!({"role": "admin", "password": "diberikan-admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    fill(&browser, "login-user", "admin3").await;
    fill(&browser, "login-password", "diberikan-admin").await;
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('password-view').hidden", LIMIT)
        .await;
    browser.assert_accessible("admin new password").await;
    assert_eq!(active_id(&browser).await, "new-password");
    browser.press("sandi-admin-tiga").await;
    browser.press(&Key::Tab.to_string()).await;
    browser.press("sandi-admin-lain").await;
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('password-error').hidden", LIMIT)
        .await;
    fill(&browser, "new-password-2", "sandi-admin-tiga").await;
    browser.press_enter().await;
    wait_admin_ready(&browser).await;
    assert_eq!(browser.text("who").await, "admin3");
    let res = server
        .api()
        .post("/auth/login")
        .json(&json!({"username": "admin3", "password": "sandi-admin-tiga"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    browser.close().await;
    counter.close().await;
}

#[tokio::test]
async fn site_settings_holidays_running_text_and_import_through_the_page() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let Some(browser) = Browser::start(WIDTH, HEIGHT).await else {
        return;
    };
    admin_log_in(&browser, &server, "admin").await;
    wait_admin_ready(&browser).await;

    // Site settings: hours with a break are taken, a malformed one is said beside it.
    open_section(&browser, "site").await;
    fill(&browser, "s-hours", "8-16").await;
    browser.click("#site-save").await;
    browser
        .wait_for("!document.getElementById('s-hours-err').hidden", LIMIT)
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('s-hours').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    fill(&browser, "s-hours", "08:00-12:00,13:00-16:00").await;
    fill(&browser, "s-name", "MPP Kota Makassar (uji)").await;
    browser
        .js("document.querySelector('#s-hours_by_day input[data-day=\"sat\"]').focus(); return true;")
        .await;
    browser.press("tutup").await;
    browser.click("#site-save").await;
    browser
        .wait_for(
            "document.getElementById('site-name').textContent === 'MPP Kota Makassar (uji)'",
            LIMIT,
        )
        .await;
    let config: Value = admin.json("/admin/config").await;
    let site = &config["config"]["site"];
    assert_eq!(site["hours"], "08:00-12:00,13:00-16:00");
    assert_eq!(site["hours_by_day"], json!({"sat": ""}));
    assert_eq!(site["code"], "MPP-DEMO");
    assert!(
        site["ticket_footer"]
            .as_str()
            .unwrap()
            .starts_with("Simpan tiket"),
        "fields the form leaves alone stay"
    );
    let public: Value = server.api().json("/site").await;
    assert_eq!(public["name"], "MPP Kota Makassar (uji)");

    // A holiday closing one service.
    open_section(&browser, "holidays").await;
    browser.click("#add-holidays").await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    browser
        .js(
            "const d = document.getElementById('f-date'); d.value = '2026-12-25'; \
             d.dispatchEvent(new Event('input', {bubbles: true})); return true;",
        )
        .await;
    fill(&browser, "f-name", "Hari Raya Natal").await;
    fill(&browser, "f-name_en", "Christmas Day").await;
    fill(&browser, "f-services-filter", "paspor baru").await;
    browser
        .click("#f-services-list input[value=\"IMG-PASPOR-BARU\"]")
        .await;
    browser.click("#form-save").await;
    browser
        .wait_for(
            "!document.getElementById('form-dialog').open && \
             document.querySelector('#rows-holidays tr[data-key=\"2026-12-25\"]')",
            LIMIT,
        )
        .await;
    let config: Value = admin.json("/admin/config").await;
    assert_eq!(
        config["config"]["holidays"],
        json!([{"date": "2026-12-25", "name": "Hari Raya Natal", "name_en": "Christmas Day",
                "services": ["IMG-PASPOR-BARU"]}])
    );

    // A service's standard, kept under `standard`.
    open_section(&browser, "services").await;
    fill(&browser, "filter-services", "DKP-KTP").await;
    browser
        .click("#rows-services button[data-act=\"edit\"][data-key=\"DKP-KTP\"]")
        .await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    fill(&browser, "f-requirements", "Kartu Keluarga").await;
    fill(&browser, "f-fee", "Gratis").await;
    fill(&browser, "f-fee_en", "Free").await;
    browser.click("#form-save").await;
    browser
        .wait_for("!document.getElementById('form-dialog').open", LIMIT)
        .await;
    let config: Value = admin.json("/admin/config").await;
    let ktp = config["config"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "DKP-KTP")
        .cloned()
        .unwrap();
    assert_eq!(ktp["standard"]["fee"], "Gratis");
    assert_eq!(ktp["standard"]["requirements"], json!(["Kartu Keluarga"]));
    assert_eq!(ktp["prefix"], "A", "the other fields stay");

    // A supervisor limited to one agency; an officer cannot be.
    open_section(&browser, "users").await;
    fill(&browser, "filter-users", "petugas-l02").await;
    browser
        .click("#rows-users button[data-act=\"edit\"][data-key=\"petugas-l02\"]")
        .await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    choose(&browser, "f-agency", "IMIGRASI").await;
    browser.click("#form-save").await;
    browser
        .wait_for("!document.getElementById('f-agency-err').hidden", LIMIT)
        .await;
    assert!(field_error(&browser, "agency").await.contains("penyelia"));
    browser.press(&Key::Escape.to_string()).await;
    fill(&browser, "filter-users", "penyelia").await;
    browser
        .click("#rows-users button[data-act=\"edit\"][data-key=\"penyelia\"]")
        .await;
    browser
        .wait_for("document.getElementById('form-dialog').open", LIMIT)
        .await;
    choose(&browser, "f-agency", "IMIGRASI").await;
    browser.click("#form-save").await;
    browser
        .wait_for(
            "!document.getElementById('form-dialog').open && document.querySelector(\
             '#rows-users tr[data-key=\"penyelia\"]').textContent.includes('IMIGRASI')",
            LIMIT,
        )
        .await;
    let me: Value = server
        .api()
        .as_user("penyelia")
        .await
        .json("/auth/me")
        .await;
    assert_eq!(me["agency"], "IMIGRASI");

    // The running text, at once for the boards.
    open_section(&browser, "running").await;
    fill(&browser, "running-text", "Selamat datang di MPP").await;
    browser.click("#running-save").await;
    browser
        .wait_for(
            "document.getElementById('notice').textContent.includes('Teks berjalan')",
            LIMIT,
        )
        .await;
    let text: Value = server.api().json("/running-text").await;
    assert_eq!(text["text"], "Selamat datang di MPP");

    // Import: a file beyond the server's request limit is stopped before it is sent; a
    // small one shows its differences and changes nothing until applied.
    open_section(&browser, "import").await;
    browser
        .js(
            "const t = document.getElementById('import-text'); t.value = '# ' + 'x'.repeat(1100000); \
             t.dispatchEvent(new Event('input', {bubbles: true})); return true;",
        )
        .await;
    browser.click("#import-check").await;
    browser
        .wait_for("!document.getElementById('import-error').hidden", LIMIT)
        .await;
    assert!(browser.text("import-error").await.contains("1 MiB"));
    let before: Value = admin.json("/admin/config").await;
    let toml = "[site]\\ncode = 'MPP-DEMO'\\nname = 'Kecil'\\ntimezone = 'Asia/Makassar'\\n\
                [[zones]]\\ncode = 'A'\\nname = 'Zona A'\\n";
    browser
        .js(&format!(
            "const t = document.getElementById('import-text'); t.value = \"{toml}\"; \
             t.dispatchEvent(new Event('input', {{bubbles: true}})); return true;"
        ))
        .await;
    browser.click("#import-check").await;
    browser
        .wait_for(
            "document.querySelectorAll('#import-result .changes > li').length > 0",
            LIMIT,
        )
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('import-apply').disabled")
            .await,
        false
    );
    let result = browser.text("import-result").await;
    assert!(
        result.contains("dihapus") && result.contains("DKP-KTP"),
        "{result}"
    );
    // Users left out of the file are said first: applying it would lock people out.
    assert!(
        result.contains("pengguna berikut akan dihapus") && result.contains("petugas-l01"),
        "{result}"
    );
    browser.screenshot("admin-import-differences").await;
    browser.assert_accessible("admin import differences").await;
    let after: Value = admin.json("/admin/config").await;
    assert_eq!(
        before["version"], after["version"],
        "a dry run changes nothing"
    );
    browser.close().await;
}
