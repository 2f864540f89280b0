//! The front page in a real headless Chromium.

use antre_testkit::browser::Browser;
use antre_testkit::*;

#[tokio::test]
async fn the_front_page_links_every_kiosk_and_board() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1280, 800).await else {
        return;
    };
    browser.client.goto(&server.url("/")).await.unwrap();
    let site = site(&server).await;
    let links = browser
        .client
        .execute(
            "return [...document.querySelectorAll('a')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap();
    let links: Vec<String> = serde_json::from_value(links).unwrap();
    for k in &site.kiosks {
        assert!(links.contains(&format!("/kiosk/{}", k.code)), "{links:?}");
    }
    for b in &site.boards {
        assert!(links.contains(&format!("/board/{}", b.code)));
    }
    let title = browser.client.title().await.unwrap();
    assert!(title.contains(&site.name), "{title}");
    browser.screenshot("front-page").await;
    browser.close().await;
}

#[tokio::test]
async fn the_shared_page_module_is_served_and_works_in_the_browser() {
    let server = Server::demo();
    let res = client()
        .get(server.url("/assets/antre.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("export function follow(")
    );

    let Some(browser) = Browser::start(1280, 800).await else {
        return;
    };
    browser.client.goto(&server.url("/")).await.unwrap();
    // Imported as the pages import it, then used on the demo site.
    let answers = browser
        .client
        .execute_async(
            "const done = arguments[0]; \
             import('/assets/antre.js').then(async (m) => { \
               const site = await m.loadSite(); \
               const index = m.buildIndex(site); \
               const codes = (text) => m.search(index, text).map((s) => s.code); \
               const c = m.clock('Asia/Makassar'); \
               const t = m.texts({ hi: ['Halo', 'Hello'] }); \
               done([m.esc(`<a href=\"x\">'&'</a>`), codes('psapor'), codes('ktp')[0], \
                     c.abbr, /^\\d\\d:\\d\\d$/.test(c.time()), t.both('hi'), m.newKey().length]); \
             }, (e) => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        answers[0], "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
        "{answers}"
    );
    let typo: Vec<String> = serde_json::from_value(answers[1].clone()).unwrap();
    assert!(typo.contains(&"IMG-PASPOR-BARU".to_string()), "{typo:?}");
    assert!(typo.iter().all(|c| c.starts_with("IMG-")), "{typo:?}");
    assert_eq!(answers[2], "DKP-KTP");
    assert_eq!(answers[3], "WITA");
    assert_eq!(answers[4], true, "HH:MM");
    assert_eq!(answers[5], "Halo<small lang=\"en\">Hello</small>");
    assert_eq!(answers[6], 32);
    browser.close().await;
}

/// The manager's device page: every kiosk with its printer, every board with whether a
/// screen shows it, following what happens.
#[tokio::test]
async fn the_device_page_shows_printers_and_which_boards_are_on_screen() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    let board = |code: &str| {
        format!("document.querySelector(\"tr[data-board='{code}'] td.state\").textContent")
    };
    browser.client.goto(&server.url("/devices")).await.unwrap();
    browser
        .wait_for(
            "document.body.dataset.ready === '1'",
            std::time::Duration::from_secs(30),
        )
        .await;
    assert!(
        browser
            .eval(&board("B1"))
            .await
            .as_str()
            .unwrap()
            .contains("Tidak tampil"),
        "no screen shows B1 yet"
    );
    // The demo's kiosks print through the server's own preview printers.
    let k1 = browser
        .eval("document.querySelector(\"tr[data-kiosk='K1'] td.state\").textContent")
        .await;
    assert!(k1.as_str().unwrap().contains("Siap"), "{k1}");
    // A screen shows board B1: the API and the page say so; when it goes, it is missed.
    let mut ws = subscribe(&server, "?board=B1").await;
    a_snapshot(&mut ws).await;
    let boards: Vec<antre_protocol::BoardStatus> = server.api().json("/boards").await;
    let b1 = boards.iter().find(|b| b.code == "B1").unwrap();
    assert_eq!(b1.screens, 1);
    browser
        .wait_for(
            &format!("{}.includes('Tampil (1)')", board("B1")),
            std::time::Duration::from_secs(30),
        )
        .await;
    browser.assert_accessible("devices").await;
    browser.assert_fits("devices", "main").await;
    browser.screenshot("devices-1366x768").await;
    drop(ws);
    let mut gone = false;
    for _ in 0..100 {
        let boards: Vec<antre_protocol::BoardStatus> = server.api().json("/boards").await;
        let b1 = boards.iter().find(|b| b.code == "B1").unwrap();
        if b1.screens == 0 && b1.last_seen.is_some() {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "B1 is no longer on screen, and was last seen");
    // A test print on K1: the page asks a supervisor to log in, and the slip comes out
    // of the kiosk's printer (here the demo's text preview of it).
    browser.click("button[data-test='K1']").await;
    browser
        .wait_for(
            "document.getElementById('login').open",
            std::time::Duration::from_secs(30),
        )
        .await;
    browser
        .assert_accessible("devices: log-in for a test print")
        .await;
    browser.click("#login-user").await;
    browser.press("penyelia").await;
    browser.click("#login-password").await;
    browser.press(PASSWORD).await;
    browser.click("#login-submit").await;
    browser
        .wait_for(
            "document.querySelector(\"tr[data-kiosk='K1'] .asked\").textContent.includes('Diminta')",
            std::time::Duration::from_secs(30),
        )
        .await;
    let previews = server.data.join("printers").join("K1");
    let mut printed = false;
    for _ in 0..100 {
        printed = std::fs::read_dir(&previews)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .any(|e| {
                std::fs::read_to_string(e.path())
                    .unwrap_or_default()
                    .contains("TES PRINTER / PRINTER TEST")
            });
        if printed {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(printed, "a test slip in {}", previews.display());
    // Officers may not ask for one.
    let officer = server.api().as_user("petugas-l01").await;
    let res = officer.post("/kiosks/K1/test-print").send().await.unwrap();
    assert_eq!(res.status(), 403);
    // An unknown board is refused.
    let res = client()
        .get(server.url("/api/v1/stream?board=B99"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    browser.close().await;
}

/// The first start's setup page, by keyboard and mouse: it checks its fields, sets the
/// site up, and opens the admin pages of the new site.
#[tokio::test]
async fn the_setup_page_sets_up_a_new_site_and_opens_the_admin_pages() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::first_start(&dir.path().join("data"));
    let Some(browser) = Browser::start(1366, 768).await else {
        return;
    };
    browser.client.goto(&server.url("/")).await.unwrap();
    browser
        .wait_for(
            "!!document.getElementById('setup')",
            std::time::Duration::from_secs(30),
        )
        .await;
    browser.assert_accessible("setup").await;
    browser.assert_fits("setup", "main").await;
    browser.screenshot("setup-1366x768").await;
    browser.click("#name").await;
    browser.press("MPP Kota Parepare").await;
    browser.click("#password").await;
    browser.press("parepare-admin-1").await;
    browser.click("#password2").await;
    browser.press("parepare-admin-2").await;
    browser.click("#submit").await;
    // Two different passwords: said beside the field, nothing sent.
    browser
        .wait_for(
            "!document.getElementById('password-error').hidden",
            std::time::Duration::from_secs(30),
        )
        .await;
    browser
        .js("document.getElementById('password2').value = ''; return true;")
        .await;
    browser.click("#password2").await;
    browser.press("parepare-admin-1").await;
    browser.click("#submit").await;
    browser
        .wait_for(
            "location.pathname === '/admin'",
            std::time::Duration::from_secs(30),
        )
        .await;
    let site = site(&server).await;
    assert_eq!(site.name, "MPP Kota Parepare");
    browser.close().await;
}
