//! The service search: the pages' search (`/assets/antre.js`) against every case of
//! `client/search-cases.json` in a real Chromium, and multi-word and situation queries
//! typed on the kiosk itself.

use std::path::Path;

use antre_testkit::browser::Browser;
use antre_testkit::*;
use serde_json::Value;

use crate::pages::*;

/// The cases every search is held to.
fn cases() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/search-cases.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = file["cases"].as_array().expect("a list of cases").clone();
    assert!(cases.len() >= 20, "the contract has its cases");
    cases
}

/// What is wrong with `found` (service codes, best first) for `case`, if anything.
fn check(case: &Value, found: &[String]) -> Vec<String> {
    let mut wrong = Vec::new();
    let codes = |key: &str| -> Vec<String> {
        case[key]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    if let Some(first) = case["first"].as_str()
        && found.first().map(String::as_str) != Some(first)
    {
        wrong.push(format!("first should be {first}"));
    }
    for code in codes("includes") {
        if !found.contains(&code) {
            wrong.push(format!("should include {code}"));
        }
    }
    for code in codes("excludes") {
        if found.contains(&code) {
            wrong.push(format!("should not include {code}"));
        }
    }
    if case["none"].as_bool() == Some(true) && !found.is_empty() {
        wrong.push("should find nothing".into());
    }
    wrong
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_search_passes_every_case_of_the_contract() {
    let server = Server::demo();
    let cases = cases();
    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    // Any page of the server's origin: the module and the site come from it, as they do
    // for the kiosk and the counter page.
    browser.client.goto(&server.url("/")).await.unwrap();
    let queries: Vec<Value> = cases.iter().map(|c| c["query"].clone()).collect();
    let answer = browser
        .client
        .execute_async(
            "const [queries, done] = arguments;
             Promise.all([import('/assets/antre.js'), fetch('/api/v1/site').then((r) => r.json())])
               .then(([antre, site]) => {
                 const index = antre.buildIndex(site);
                 done(queries.map((q) => antre.search(index, q).map((s) => s.code)));
               })
               .catch((e) => done('failed: ' + e));",
            vec![Value::Array(queries)],
        )
        .await
        .unwrap();
    let results: Vec<Vec<String>> =
        serde_json::from_value(answer.clone()).unwrap_or_else(|_| panic!("{answer}"));
    assert_eq!(results.len(), cases.len());
    let mut failures = Vec::new();
    for (case, found) in cases.iter().zip(&results) {
        let wrong = check(case, found);
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {} — found {found:?}",
                case["query"],
                wrong.join(", ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "search cases failed:\n{}",
        failures.join("\n")
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_finds_services_by_several_words_and_by_situation() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    browser.client.goto(&server.url("/kiosk/K1")).await.unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    browser.click("#search-box").await;
    browser
        .wait_for("!document.getElementById('view-search').hidden", LIMIT)
        .await;

    // Several words, in either order, on the on-screen keyboard (its space bar too).
    for typed in ["perpanjang sim", "sim perpanjang"] {
        type_on_screen(&browser, typed).await;
        let found = tiles(&browser, "#results").await;
        assert_eq!(
            found.first().map(String::as_str),
            Some("POL-SIM"),
            "{typed}: {found:?}"
        );
    }
    // Words that describe the situation.
    type_on_screen(&browser, "ktp hilang").await;
    let found = tiles(&browser, "#results").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some("DKP-KTP"),
        "{found:?}"
    );
    assert!(found.contains(&"POL-LAPOR".to_string()), "{found:?}");
    assert!(
        !found.contains(&"IMG-PASPOR-HILANG".to_string()),
        "{found:?}"
    );
    browser.screenshot("kiosk-search-situation-portrait").await;
    browser.assert_accessible("kiosk search with results").await;
    assert_fits(&browser, "kiosk search 1080x1920", "header, main").await;

    type_on_screen(&browser, "saya mau bikin paspor").await;
    let found = tiles(&browser, "#results").await;
    assert!(found.contains(&"IMG-PASPOR-BARU".to_string()), "{found:?}");
    assert!(!found.contains(&"POL-LAPOR".to_string()), "{found:?}");

    type_on_screen(&browser, "bayar pajak motor").await;
    let found = tiles(&browser, "#results").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some("SMS-PKB"),
        "{found:?}"
    );

    // A physical keyboard types into the same field (the focus stayed in it while the
    // on-screen keys were tapped).
    browser.click("#keyboard button[data-key='clear']").await;
    assert_eq!(
        browser.eval("document.activeElement.id").await,
        "search-echo",
        "the focus stays in the search field"
    );
    browser.press("paspor anak").await;
    browser
        .wait_for(
            "document.getElementById('search-echo').value === 'paspor anak'",
            LIMIT,
        )
        .await;
    let found = tiles(&browser, "#results").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some("IMG-PASPOR-BARU"),
        "{found:?}"
    );
    assert!(!found.contains(&"DKP-KIA".to_string()), "{found:?}");
    // Screen readers hear how many were found.
    let said = browser.text("results-status").await;
    assert_eq!(said, format!("{} layanan ditemukan", found.len()));
    browser.close().await;
}
