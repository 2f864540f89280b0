//! The kiosk and phone pages in a real headless Chromium, against the real server, with
//! the real agent printing on a simulated printer behind a pseudo-terminal.
//!
//! Screenshots are kept under artifacts/screenshots (kiosk-*.png, track-*.png).

use std::time::Duration;

use crate::printer::*;
use antre_protocol::PrinterState;
use antre_testkit::browser::Browser;
use antre_testkit::*;

const LIMIT: Duration = Duration::from_secs(60);

fn server() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(&dir.path().join("data"), &["--no-printers"]);
    (dir, server)
}

async fn text(browser: &Browser, script: &str) -> String {
    let v = browser
        .client
        .execute(&format!("return {script};"), vec![])
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

/// Whether no button sticks out of the viewport sideways and no button's text spills
/// out of it (a quick layout check beside looking at the screenshots).
async fn fits(browser: &Browser) -> bool {
    let v = browser
        .client
        .execute(
            "return document.documentElement.scrollWidth <= innerWidth && \
             [...document.querySelectorAll('.view:not([hidden]) button')].every(b => { \
               const r = b.getBoundingClientRect(); \
               return r.width === 0 || (r.left >= 0 && r.right <= innerWidth + 1 && b.scrollHeight <= b.clientHeight + 2); });",
            vec![],
        )
        .await
        .unwrap();
    v.as_bool() == Some(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tapping_agency_then_service_issues_a_ticket_that_prints() {
    let (dir, server) = server();
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
    // The agent joins the stream right after its first report; give it an event to
    // prove it follows before the page takes a ticket.
    let admin = login(&server, "admin").await;
    let warm = client()
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"service": "DKP-KK", "kiosk": "K2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status(), 201);
    wait_status(&server.base, "K1", LIMIT, "the agent following", |s| {
        s.handled_seq >= 1
    })
    .await;

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
    // The token left the address bar and went to local storage.
    assert_eq!(text(&browser, "location.hash").await, "");
    browser
        .wait_for(
            "document.querySelectorAll('#agencies .tile').length >= 10",
            LIMIT,
        )
        .await;
    assert!(fits(&browser).await, "home fits 1080x1920");
    browser.screenshot("kiosk-home-portrait").await;

    browser.click("button[data-agency='DUKCAPIL']").await;
    browser
        .wait_for("!document.getElementById('view-agency').hidden", LIMIT)
        .await;
    browser
        .wait_for(
            "document.querySelector(\"button[data-service='DKP-KTP'] .badge.open\")",
            LIMIT,
        )
        .await;
    assert!(fits(&browser).await, "agency fits 1080x1920");
    browser.screenshot("kiosk-agency-portrait").await;

    browser.click("button[data-service='DKP-KTP']").await;
    browser
        .wait_for("!document.getElementById('view-ticket').hidden", LIMIT)
        .await;
    let number = text(
        &browser,
        "document.getElementById('ticket-number').textContent",
    )
    .await;
    assert!(number.starts_with('A') && number.len() >= 4, "{number:?}");
    // Where to go: KTP is served on the ground floor.
    assert_eq!(
        text(
            &browser,
            "document.getElementById('ticket-place-name').textContent"
        )
        .await,
        "Lantai 1 — Zona A"
    );
    // What to bring, from the service's standard, without another tap.
    let needs = text(
        &browser,
        "(document.getElementById('ticket-needs').hidden ? 'hidden: ' : '') + document.getElementById('ticket-needs-list').textContent",
    )
    .await;
    assert!(needs.starts_with("Kartu Keluarga (KK)"), "{needs:?}");
    // The QR code image loaded (the SVG endpoint answered).
    browser
        .wait_for("document.getElementById('ticket-qr').complete && document.getElementById('ticket-qr').naturalWidth > 0", LIMIT)
        .await;

    // The bytes arrive on the printer, with the number the screen shows.
    let tickets = printer.wait_tickets(1, LIMIT);
    assert!(
        lines(&tickets[0]).contains(&number),
        "{:#?}",
        lines(&tickets[0])
    );
    // The paper says where to go too (folded to ASCII), under its heading.
    let printed = lines(&tickets[0]);
    let heading = printed
        .iter()
        .position(|l| l == "LOKASI LAYANAN / LOCATION")
        .unwrap_or_else(|| panic!("{printed:#?}"));
    assert_eq!(printed[heading + 1], "Lantai 1 - Zona A", "{printed:#?}");
    let qr = qr_data(&tickets[0]).expect("a QR code");
    assert!(qr.starts_with(&format!("{}/t/", server.base)), "{qr}");
    // The screen says it printed.
    browser
        .wait_for(
            "document.getElementById('print-state').classList.contains('ok')",
            LIMIT,
        )
        .await;
    assert!(fits(&browser).await, "ticket fits 1080x1920");
    browser.screenshot("kiosk-ticket-portrait").await;

    // "Done" goes back home, ready for the next visitor.
    browser.click("#done").await;
    browser
        .wait_for("!document.getElementById('view-home').hidden", LIMIT)
        .await;

    // The QR code's page on a phone.
    browser.client.goto(&qr).await.unwrap();
    browser.set_viewport(390, 844).await;
    browser
        .wait_for(
            &format!("document.getElementById('number').textContent === '{number}'"),
            LIMIT,
        )
        .await;
    browser
        .wait_for("document.body.dataset.status === 'waiting'", LIMIT)
        .await;
    browser.screenshot("track-waiting-phone").await;

    // Called at a counter: the phone says where to go, prominently.
    let officer = login(&server, "petugas-l01").await;
    assert!(
        act(&server, &officer, "L01", "open", None)
            .await
            .status()
            .is_success()
    );
    let called = act(&server, &officer, "L01", "call-next", None).await;
    assert_eq!(called.status(), 200);
    browser
        .wait_for("document.body.dataset.status === 'called'", LIMIT)
        .await;
    let go = text(&browser, "document.getElementById('called').textContent").await;
    assert!(
        go.contains("Silakan menuju") && go.contains("Loket 1"),
        "{go}"
    );
    // ...and where that counter is.
    assert!(go.contains("Lantai 1 — Zona A"), "{go}");
    browser.screenshot("track-called-phone").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_paspor_finds_imigrasi_in_landscape() {
    let (_dir, server) = server();
    let Some(browser) = Browser::start(1920, 1080).await else {
        return;
    };
    browser.client.goto(&server.url("/kiosk/K2")).await.unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    assert!(fits(&browser).await, "home fits 1920x1080");
    browser.screenshot("kiosk-home-landscape").await;

    // The priority button offers the four categories with pictograms.
    browser.click("#priority-button").await;
    browser
        .wait_for("!document.getElementById('dialog').hidden", LIMIT)
        .await;
    let choices = browser
        .client
        .execute(
            "return document.querySelectorAll('#dialog .choice svg').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(choices.as_u64(), Some(4));
    browser.screenshot("kiosk-priority-landscape").await;
    browser.click("#dialog button[data-choice='0']").await; // lansia
    browser
        .wait_for(
            "document.getElementById('priority-button').getAttribute('aria-pressed') === 'true'",
            LIMIT,
        )
        .await;

    browser.click("#search-box").await;
    for key in ["p", "a", "s", "p", "o", "r"] {
        browser
            .click(&format!("#keyboard button[data-key='{key}']"))
            .await;
    }
    browser
        .wait_for(
            "document.getElementById('search-echo').value === 'paspor'",
            LIMIT,
        )
        .await;
    let found = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#results .tile')].map(t => t.dataset.service);",
            vec![],
        )
        .await
        .unwrap();
    let found: Vec<String> = serde_json::from_value(found).unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|s| s.starts_with("IMG-")), "{found:?}");
    assert!(found.contains(&"IMG-PASPOR-BARU".to_string()), "{found:?}");
    assert!(fits(&browser).await, "search fits 1920x1080");
    browser.screenshot("kiosk-search-landscape").await;

    // Typos still find it, and the words people type find their service first.
    for (typed, expected, first) in [
        ("pasport", "IMG-PASPOR-BARU", false),
        ("psapor", "IMG-PASPOR-BARU", false),
        ("ktp", "DKP-KTP", true),
        ("npwp", "KPP-NPWP", true),
        ("sim", "POL-SIM", true),
        ("bpjs", "BPJSK-DAFTAR", false),
    ] {
        browser.click("#keyboard button[data-key='clear']").await;
        for c in typed.chars() {
            browser
                .click(&format!("#keyboard button[data-key='{c}']"))
                .await;
        }
        let found = browser
            .client
            .execute(
                "return [...document.querySelectorAll('#results .tile')].map(t => t.dataset.service);",
                vec![],
            )
            .await
            .unwrap();
        let found: Vec<String> = serde_json::from_value(found).unwrap();
        assert!(found.contains(&expected.to_string()), "{typed}: {found:?}");
        if first {
            assert_eq!(found[0], expected, "{typed}: {found:?}");
        }
    }

    // English: the labels switch.
    browser.click("#lang-button").await;
    let heading = text(
        &browser,
        "document.querySelector('#view-search .back b').textContent",
    )
    .await;
    assert_eq!(heading, "Back");

    // A ticket from a kiosk without a printer agent says so and keeps the number visible.
    browser.click("#keyboard button[data-key='clear']").await;
    for c in "paspor".chars() {
        browser
            .click(&format!("#keyboard button[data-key='{c}']"))
            .await;
    }
    browser
        .click("#results button[data-service='IMG-PASPOR-BARU']")
        .await;
    browser
        .wait_for("!document.getElementById('view-ticket').hidden", LIMIT)
        .await;
    browser
        .wait_for(
            "document.getElementById('print-state').classList.contains('warn')",
            LIMIT,
        )
        .await;
    // The lansia choice made it onto the ticket.
    let shown = text(
        &browser,
        "document.getElementById('ticket-priority').textContent",
    )
    .await;
    assert!(shown.contains("Elderly"), "{shown}");
    assert!(fits(&browser).await, "ticket fits 1920x1080");
    browser
        .screenshot("kiosk-ticket-landscape-no-printer")
        .await;

    // On the phone, the visitor gives the ticket up.
    let qr = text(
        &browser,
        "document.getElementById('ticket-qr').getAttribute('src')",
    )
    .await;
    let token = qr
        .strip_prefix("/api/v1/track/")
        .and_then(|t| t.strip_suffix("/qr.svg"))
        .expect("the QR image of the ticket's track token")
        .to_string();
    browser
        .client
        .goto(&server.url(&format!("/t/{token}")))
        .await
        .unwrap();
    browser.set_viewport(390, 844).await;
    browser
        .wait_for("document.body.dataset.status === 'waiting'", LIMIT)
        .await;
    // While waiting, the phone shows everything the service asks for, in both languages.
    browser
        .wait_for("!document.getElementById('needs').hidden", LIMIT)
        .await;
    let needs = text(&browser, "document.getElementById('needs').textContent").await;
    assert!(
        needs.contains("Persyaratan") && needs.contains("What to bring") && needs.contains("Biaya"),
        "{needs}"
    );
    assert!(fits(&browser).await, "the phone page fits 390x844");
    browser.screenshot("track-waiting-needs-phone").await;
    browser.assert_accessible("track-waiting-needs-phone").await;
    browser.click("#cancel").await;
    browser.client.accept_alert().await.unwrap();
    browser
        .wait_for("document.body.dataset.status === 'cancelled'", LIMIT)
        .await;
    let status: antre_protocol::Ticket = client()
        .get(server.url(&format!("/api/v1/track/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status.status, antre_protocol::TicketStatus::Cancelled);
    browser.screenshot("track-cancelled-phone").await;
    browser.close().await;
}

/// A site where one service is closed now (opens in eleven hours) and one has a daily
/// quota of one ticket.
fn closed_and_tiny_quota_config(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let site = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/demo/site.toml"),
    )
    .unwrap();
    // The demo's zone is WITA (UTC+8); the window is far from now, so never open.
    let now_utc_hour = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 3600)
        % 24;
    let opens = (now_utc_hour + 8 + 11) % 24;
    let opens_at = format!("{opens:02}:00");
    let hours = format!("{opens_at}-{:02}:00", opens + 1);
    let site = site
        .replacen(
            "avg_service_min = 12\ndaily_quota = 60\n",
            &format!("avg_service_min = 12\ndaily_quota = 60\nhours = \"{hours}\"\n"),
            1,
        )
        .replacen(
            "avg_service_min = 25\ndaily_quota = 10\n",
            "avg_service_min = 25\ndaily_quota = 1\n",
            1,
        );
    // An admin, who sets a holiday while the kiosk is open.
    let site = format!(
        "{site}\n[[users]]\nusername = \"admin\"\nrole = \"admin\"\npassword_hash = \"{}\"\n",
        crate::pages::hash_of(PASSWORD)
    );
    let path = dir.join("site.toml");
    std::fs::write(&path, site).unwrap();
    (path, opens_at)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_and_full_services_show_before_a_tap_and_a_lost_server_shows() {
    let dir = tempfile::tempdir().unwrap();
    let (config, opens_at) = closed_and_tiny_quota_config(dir.path());
    let data = dir.path().join("data");
    let mut server = Server::serve(&config, &data);
    let relay = Relay::start(&server.addr).await;
    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    browser.client.goto(&relay.url("/kiosk/K1")).await.unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    browser.click("button[data-agency='IMIGRASI']").await;
    let tile = |code: &str| format!("document.querySelector(\"button[data-service='{code}']\")");
    browser
        .wait_for(
            &format!("{}.classList.contains('closed')", tile("IMG-PASPOR-GANTI")),
            LIMIT,
        )
        .await;
    let closed = text(
        &browser,
        &format!("{}.textContent", tile("IMG-PASPOR-GANTI")),
    )
    .await;
    assert!(
        closed.contains(&format!("buka pukul {opens_at}")),
        "{closed}"
    );
    assert!(closed.contains(&format!("opens at {opens_at}")), "{closed}");
    // A holiday the manager sets closes a service at once, and the tile says which.
    let admin = server.api().as_user("admin").await;
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Makassar").unwrap())
        .date();
    let res = admin
        .put(&format!("/admin/holidays/{today}"))
        .json(&serde_json::json!({"name": "Cuti Bersama", "services": ["IMG-PASPOR-BARU"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    browser
        .wait_for(
            &format!("{}.classList.contains('closed')", tile("IMG-PASPOR-BARU")),
            LIMIT,
        )
        .await;
    let holiday = text(
        &browser,
        &format!("{}.textContent", tile("IMG-PASPOR-BARU")),
    )
    .await;
    assert!(holiday.contains("Tutup — Cuti Bersama"), "{holiday}");
    browser
        .wait_for(
            &format!("{}.classList.contains('open')", tile("IMG-PASPOR-HILANG")),
            LIMIT,
        )
        .await;

    // Someone takes the last ticket of the day elsewhere: the tile turns "full" live.
    let res = client()
        .post(server.url("/api/v1/tickets"))
        .json(&serde_json::json!({"service": "IMG-PASPOR-HILANG"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    browser
        .wait_for(
            &format!("{}.classList.contains('full')", tile("IMG-PASPOR-HILANG")),
            LIMIT,
        )
        .await;
    let full = text(
        &browser,
        &format!("{}.textContent", tile("IMG-PASPOR-HILANG")),
    )
    .await;
    assert!(full.contains("Kuota hari ini habis"), "{full}");
    assert!(fits(&browser).await);
    browser.screenshot("kiosk-closed-full-portrait").await;

    // Tapping it explains instead of failing.
    browser
        .click("button[data-service='IMG-PASPOR-HILANG']")
        .await;
    browser
        .wait_for("!document.getElementById('dialog').hidden", LIMIT)
        .await;
    let msg = text(
        &browser,
        "document.getElementById('dialog-body').textContent",
    )
    .await;
    assert!(msg.contains("Kuota hari ini"), "{msg}");
    browser.click("#dialog button[data-choice='0']").await;

    // The server goes away: the page says so plainly, and keeps trying. (A marker in
    // the page's memory proves later that it was never reloaded.)
    browser
        .client
        .execute("window.antreMarker = 42;", vec![])
        .await
        .unwrap();
    server.kill();
    browser
        .wait_for("!document.getElementById('banner').hidden", LIMIT)
        .await;
    let banner = text(&browser, "document.getElementById('banner').textContent").await;
    assert!(
        banner.contains("menghubungkan ulang") && banner.contains("reconnecting"),
        "{banner}"
    );
    browser.screenshot("kiosk-reconnecting-portrait").await;

    // The server comes back (restarted, on its data): the page recovers by itself,
    // without a reload, and takes tickets again.
    let server = Server::serve(&config, &data);
    relay.point_to(&server.addr);
    browser
        .wait_for("document.getElementById('banner').hidden", LIMIT)
        .await;
    browser.click("button[data-service='IMG-INFO']").await;
    browser
        .wait_for("!document.getElementById('view-ticket').hidden", LIMIT)
        .await;
    let number = text(
        &browser,
        "document.getElementById('ticket-number').textContent",
    )
    .await;
    assert_eq!(number, "BA001");
    let marker = browser
        .client
        .execute("return window.antreMarker;", vec![])
        .await
        .unwrap();
    assert_eq!(marker.as_u64(), Some(42), "the page was not reloaded");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_paper_keeps_the_number_on_screen_and_prints_when_paper_is_back() {
    let (dir, server) = server();
    let printer = SimPrinter::start(Answer::State(PrinterState::PaperEnd));
    let _agent = Agent::start(
        &server.base,
        "K1",
        PASSWORD,
        &printer.url(),
        &state_file(dir.path()),
    );
    let admin = login(&server, "admin").await;
    let warm = client()
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"service": "DKP-KK", "kiosk": "K2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status(), 201);
    wait_status(
        &server.base,
        "K1",
        LIMIT,
        "the agent following, paper out",
        |s| {
            s.handled_seq >= 1
                && s.printer
                    .as_ref()
                    .is_some_and(|p| p.state == PrinterState::PaperEnd)
        },
    )
    .await;

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
    browser.click("button[data-agency='SAMSAT']").await;
    browser
        .wait_for("!document.getElementById('view-agency').hidden", LIMIT)
        .await;
    browser.click("#services .tile").await;
    browser
        .wait_for("!document.getElementById('view-ticket').hidden", LIMIT)
        .await;
    browser
        .wait_for(
            "document.getElementById('print-state').classList.contains('warn')",
            LIMIT,
        )
        .await;
    let state = text(
        &browser,
        "document.getElementById('print-state').textContent",
    )
    .await;
    assert!(
        state.contains("kertas habis") && state.contains("out of paper"),
        "{state}"
    );
    let number = text(
        &browser,
        "document.getElementById('ticket-number').textContent",
    )
    .await;
    assert!(!number.is_empty());
    assert!(printer.tickets().is_empty());
    browser.screenshot("kiosk-ticket-paper-end-portrait").await;

    // A new roll: the ticket comes out and the screen says so.
    printer.set(Answer::State(PrinterState::Ok));
    let tickets = printer.wait_tickets(1, LIMIT);
    assert!(lines(&tickets[0]).contains(&number));
    browser
        .wait_for(
            "document.getElementById('print-state').classList.contains('ok')",
            LIMIT,
        )
        .await;
    assert_eq!(
        text(
            &browser,
            "document.getElementById('ticket-number').textContent"
        )
        .await,
        number
    );
    browser.close().await;
}

/// The count the kiosk shows on a service's tile (the number before "menunggu"), as a
/// script expression.
fn shown_waiting(service: &str) -> String {
    format!(
        "parseInt(document.querySelector(\"button[data-service='{service}'] .waiting\")?.textContent)"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_counts_follow_the_stream_across_a_server_restart() {
    const SERVICE: &str = "IMG-PASPOR-BARU";
    let mut server = Server::demo();
    issue(&server, SERVICE).await;
    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    browser.client.goto(&server.url("/kiosk/K1")).await.unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    browser.click("button[data-agency='IMIGRASI']").await;
    browser
        .wait_for(&format!("{} === 1", shown_waiting(SERVICE)), LIMIT)
        .await;

    // From here on the page cannot ask for the figures (GET /api/v1/queues fails, and
    // is counted): only the stream can move the count.
    browser
        .client
        .execute(
            "window.figuresAsked = 0; const realFetch = window.fetch; \
             window.fetch = function (input, init) { \
               if (String(input instanceof Request ? input.url : input).includes('/api/v1/queues')) { \
                 window.figuresAsked++; return Promise.reject(new TypeError('no figures in this test')); } \
               return realFetch.call(this, input, init); }; \
             window.sameLoad = true;",
            vec![],
        )
        .await
        .unwrap();
    issue(&server, SERVICE).await;
    browser
        .wait_for(&format!("{} === 2", shown_waiting(SERVICE)), LIMIT)
        .await;
    let before = browser
        .client
        .execute(
            "return [antreKiosk.stream.seq, antreKiosk.stream.snapshots];",
            vec![],
        )
        .await
        .unwrap();
    let seq = before[0].as_u64().expect("the page has a seq");
    assert_eq!(before[1], 1, "one snapshot, when the page connected first");

    // The server stops; it comes back on the same data and address, and tickets are
    // taken while the page reconnects.
    let addr = server.addr.clone();
    assert!(server.terminate().success());
    browser
        .wait_for("!document.getElementById('banner').hidden", LIMIT)
        .await;
    let (data, _dir) = server.into_data();
    let server = Server::demo_at(&data, &addr);
    issue(&server, SERVICE).await;
    issue(&server, SERVICE).await;
    browser
        .wait_for(
            &format!(
                "document.getElementById('banner').hidden && {} === 4",
                shown_waiting(SERVICE)
            ),
            LIMIT,
        )
        .await;
    // And after it is back, live again.
    issue(&server, SERVICE).await;
    browser
        .wait_for(&format!("{} === 5", shown_waiting(SERVICE)), LIMIT)
        .await;
    browser.screenshot("kiosk-after-restart-portrait").await;

    let after = browser
        .client
        .execute(
            "const s = antreKiosk.stream; \
             return [s.url, s.seq, s.snapshots, s.reconnects > 0, window.sameLoad === true, window.figuresAsked > 0];",
            vec![],
        )
        .await
        .unwrap();
    let url = after[0].as_str().unwrap();
    assert!(
        url.ends_with(&format!("/api/v1/stream?since={seq}")),
        "resumed where it was: {url}"
    );
    assert!(after[1].as_u64().unwrap() > seq, "{after}");
    assert_eq!(after[2], 1, "resumed, not started again from a snapshot");
    assert_eq!(after[3], true, "it reconnected");
    assert_eq!(after[4], true, "the page was not reloaded");
    assert_eq!(after[5], true, "the page did ask for the figures, in vain");
    browser.close().await;
}
