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
