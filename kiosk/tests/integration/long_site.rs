//! The citizen's screens at every supported size (kiosk 1080×1920 and 1920×1080, phone
//! 360×740) with the longest texts a site may have: nothing cut or sticking out, in
//! every state, and no serious accessibility fault (axe-core, WCAG 2.1 A and AA).
//! Screenshots of each size and state: artifacts/screenshots/kiosk-long-*, track-long-*.

use antre_testkit::browser::Browser;
use antre_testkit::*;

use crate::pages::*;

/// The long site on its own server; kiosk K1's printer is the server's file printer.
fn long_server() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let config = long_site(dir.path());
    let server = Server::serve(&config, &dir.path().join("data"));
    (dir, server)
}

/// Takes a ticket without a kiosk, as the admin.
async fn take(api: &Api, service: &str) -> antre_protocol::Ticket {
    api.issue(service).await
}

/// The track token of the ticket the kiosk shows (from its QR code's address).
async fn shown_track_token(browser: &Browser) -> String {
    let src = browser
        .eval("document.getElementById('ticket-qr').getAttribute('src')")
        .await;
    src.as_str()
        .and_then(|s| s.strip_prefix("/api/v1/track/"))
        .and_then(|s| s.strip_suffix("/qr.svg"))
        .expect("the QR code of the ticket's phone page")
        .to_string()
}

/// Gives the ticket up as its holder would, so the next one waits behind the same line.
async fn give_up(server: &Server, token: &str) {
    let res = server
        .api()
        .post(&format!("/track/{token}/cancel"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// The readable preview of the ticket `number` that the file printer in `dir` printed.
fn printed_preview(dir: &std::path::Path, number: &str) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find(|text| text.lines().any(|l| l.trim() == number))
        .unwrap_or_else(|| panic!("no preview of {number} in {}", dir.display()))
}

/// Checks one state of a screen: it fits, it passes axe, and its screenshot is kept.
async fn state(browser: &Browser, name: &str, regions: &str) {
    assert_fits(browser, name, regions).await;
    browser.assert_accessible(name).await;
    browser.screenshot(name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_screens_fit_and_are_accessible_at_both_sizes_with_long_names() {
    let (dir, server) = long_server();
    let admin = server.api().as_user("admin").await;
    // One visitor waits for KTP (so a new one has "± 96 menit"), and the one lost
    // passport of the day is taken (full).
    take(&admin, "DKP-KTP").await;
    take(&admin, "IMG-PASPOR-HILANG").await;
    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    for (width, height, size) in [(1080, 1920, "portrait"), (1920, 1080, "landscape")] {
        browser.set_viewport(width, height).await;
        let name = |what: &str| format!("kiosk-long-{what}-{size}");
        // Without its token first: the staff's note shows in the header too.
        browser
            .client
            .execute("localStorage.clear(); return true;", vec![])
            .await
            .ok();
        browser.client.goto(&server.url("/kiosk/K1")).await.unwrap();
        browser
            .wait_for("document.body.dataset.ready === '1'", LIMIT)
            .await;
        assert_eq!(browser.text("site-name").await, LONG_SITE_NAME);
        assert_eq!(
            browser
                .eval("document.getElementById('token-warning').hidden")
                .await,
            false
        );
        state(&browser, &name("home"), "header, main").await;

        browser.click("#lang-button").await;
        state(&browser, &name("home-en"), "header, main").await;

        browser.click("button[data-agency='DUKCAPIL']").await;
        browser
            .wait_for(
                "document.querySelector(\"button[data-service='DKP-KTP'] .waiting\")?.textContent.includes('± 96')",
                LIMIT,
            )
            .await;
        state(&browser, &name("agency-en"), "header, main").await;
        browser.click("#lang-button").await;
        state(&browser, &name("agency"), "header, main").await;

        // The priority chooser, and the header with the longest choice.
        browser.click("#priority-button").await;
        browser
            .wait_for("document.getElementById('dialog').open", LIMIT)
            .await;
        state(&browser, &name("priority"), "header, main, dialog").await;
        browser.click("#dialog button[data-choice='1']").await; // disabilitas
        state(&browser, &name("priority-chosen"), "header, main").await;
        browser.click("#priority-button").await;
        browser.click("#dialog button[data-choice='4']").await; // not priority

        // Full: tapping explains.
        browser.click("[data-action='back']").await;
        browser.click("button[data-agency='IMIGRASI']").await;
        browser
            .wait_for(
                "document.querySelector(\"button[data-service='IMG-PASPOR-HILANG']\").classList.contains('full')",
                LIMIT,
            )
            .await;
        browser
            .click("button[data-service='IMG-PASPOR-HILANG']")
            .await;
        browser
            .wait_for("document.getElementById('dialog').open", LIMIT)
            .await;
        assert!(browser.text("dialog-body").await.contains("Kuota hari ini"));
        state(&browser, &name("full-message"), "header, main, dialog").await;
        browser.click("#dialog button[data-choice='0']").await;

        // Searching, with results.
        browser.click("[data-action='back']").await;
        browser.click("#search-box").await;
        type_on_screen(&browser, "ktp").await;
        assert_eq!(
            tiles(&browser, "#results")
                .await
                .first()
                .map(String::as_str),
            Some("DKP-KTP")
        );
        state(&browser, &name("search"), "header, main").await;

        // With its token: a ticket, printed by the server's own printer, says where to go.
        browser.client.goto("about:blank").await.unwrap();
        browser
            .client
            .goto(&server.url(&format!("/kiosk/K1#token={PASSWORD}")))
            .await
            .unwrap();
        browser
            .wait_for("document.body.dataset.ready === '1'", LIMIT)
            .await;
        browser.click("button[data-agency='DUKCAPIL']").await;
        browser.click("button[data-service='DKP-KTP']").await;
        browser
            .wait_for(
                "document.getElementById('print-state').classList.contains('ok')",
                LIMIT,
            )
            .await;
        assert_eq!(browser.text("ticket-place-name").await, KTP_PLACES);
        let wait = browser.text("ticket-wait").await;
        assert!(wait.starts_with("± 96"), "{wait}");
        // The server's own printer printed the same places (its readable preview).
        let number = browser.text("ticket-number").await;
        let preview = printed_preview(&dir.path().join("printer-K1"), &number);
        assert!(
            preview.contains(
                "  LOKASI LAYANAN / LOCATION\n[bold on]\n[size 1x2]\n  Lantai 1 - Zona A,\n  \
                 Lantai 2 - Zona B,\n  Lantai 2 Sayap Timur - Zona C\n"
            ),
            "{preview}"
        );
        state(&browser, &name("ticket-printed"), "header, main").await;
        browser.click("#lang-button").await;
        state(&browser, &name("ticket-printed-en"), "header, main").await;
        give_up(&server, &shown_track_token(&browser).await).await;
        browser.click("#done").await;

        // K2 has no printer: the number stays on screen with what to do.
        browser.client.goto(&server.url("/kiosk/K2")).await.unwrap();
        browser
            .wait_for("document.body.dataset.ready === '1'", LIMIT)
            .await;
        browser.click("button[data-agency='DUKCAPIL']").await;
        browser.click("button[data-service='DKP-KTP']").await;
        browser
            .wait_for(
                "document.getElementById('print-state').classList.contains('warn')",
                LIMIT,
            )
            .await;
        assert_eq!(browser.text("ticket-place-name").await, KTP_PLACES);
        state(&browser, &name("ticket-no-printer"), "header, main").await;
        give_up(&server, &shown_track_token(&browser).await).await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_screens_fit_and_are_accessible_with_long_names() {
    let (_dir, server) = long_server();
    let admin = server.api().as_user("admin").await;
    take(&admin, "DKP-KTP").await;
    let mine = take(&admin, "DKP-KTP").await;
    let token = mine.track_token.clone().unwrap();
    let Some(browser) = Browser::start(360, 740).await else {
        return;
    };
    browser
        .client
        .goto(&server.url(&format!("/t/{token}")))
        .await
        .unwrap();
    browser
        .wait_for(
            "document.body.dataset.status === 'waiting' && document.body.dataset.site === '1'",
            LIMIT,
        )
        .await;
    assert_eq!(browser.text("site").await, LONG_SITE_NAME);
    let place = browser.text("place").await;
    assert!(place.ends_with(KTP_PLACES), "{place}");
    let wait = browser.text("wait").await;
    assert!(wait.starts_with("± 96"), "{wait}");
    state(&browser, "track-long-waiting-phone", "header, main").await;

    // Called (the counter finishes the first visitor and calls the next: this one).
    let officer = server.api().as_user("petugas-l01").await;
    assert!(officer.act("L01", "open", None).await.status().is_success());
    assert_eq!(officer.act("L01", "call-next", None).await.status(), 200);
    assert_eq!(officer.act("L01", "call-next", None).await.status(), 200);
    browser
        .wait_for("document.body.dataset.status === 'called'", LIMIT)
        .await;
    let called = browser.text("called").await;
    assert!(
        called.contains("Silakan menuju")
            && called.contains("Loket 1")
            && called.contains("Lantai 1 — Zona A"),
        "{called}"
    );
    // Screen readers are told at once (an assertive live region).
    let said = browser
        .eval("(() => { const a = document.getElementById('announce'); return [a.getAttribute('aria-live'), a.textContent]; })()")
        .await;
    assert_eq!(said[0], "assertive");
    let said = said[1].as_str().unwrap();
    assert!(
        said.contains(&format!(
            "Nomor {} dipanggil. Silakan menuju Loket 1, Lantai 1 — Zona A.",
            mine.number
        )),
        "{said}"
    );
    state(&browser, "track-long-called-phone", "header, main").await;

    assert!(
        officer
            .act("L01", "complete", None)
            .await
            .status()
            .is_success()
    );
    browser
        .wait_for("document.body.dataset.status === 'done'", LIMIT)
        .await;
    state(&browser, "track-long-done-phone", "header, main").await;

    browser
        .client
        .goto(&server.url("/t/0123456789abcdef0123456789abcdef"))
        .await
        .unwrap();
    browser
        .wait_for("document.body.dataset.status === 'not_found'", LIMIT)
        .await;
    assert!(
        browser
            .text("status")
            .await
            .contains("Tiket tidak ditemukan")
    );
    state(&browser, "track-long-not-found-phone", "header, main").await;

    // Zooming is the visitor's choice on a phone.
    let viewport = browser
        .eval("document.querySelector('meta[name=viewport]').content")
        .await;
    assert!(
        !viewport.as_str().unwrap().contains("user-scalable"),
        "{viewport}"
    );
    browser.close().await;
}
