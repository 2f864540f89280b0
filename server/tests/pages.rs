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
