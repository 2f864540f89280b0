//! The SKM questionnaire in a real headless Chromium, in both places that ask it: a
//! counter's tablet (`/survey/{counter}`, 800×1280), signed in once by the officer,
//! offers it as soon as the officer completes a visitor and is answered by keyboard
//! alone; the phone page of a finished ticket (`/t/{token}`, 390×844) offers it by
//! touch, and says so when the visit was already answered elsewhere.

use std::time::Duration;

use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::report_pages::{answers, fill};

/// Generous: the tablet asks every few seconds; a wait ends as soon as it is met.
const LIMIT: Duration = Duration::from_secs(30);

fn tab() -> String {
    char::from(Key::Tab).to_string()
}

fn enter() -> String {
    char::from(Key::Enter).to_string()
}

async fn wait_step(browser: &Browser, root: &str, name: &str) {
    browser
        .wait_for(
            &format!("document.getElementById('{root}').dataset.step === '{name}'"),
            LIMIT,
        )
        .await;
}

async fn focused(browser: &Browser) -> String {
    browser
        .eval("document.activeElement ? (document.activeElement.id || document.activeElement.className || document.activeElement.tagName) : ''")
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_counter_tablet_asks_the_visitor_just_served_and_is_answered_by_keyboard_alone() {
    let server = Server::demo();
    let officer = server.api().as_user("petugas-l01").await;
    assert_eq!(officer.act("L01", "open", None).await.status(), 200);

    let Some(browser) = Browser::start(800, 1280).await else {
        return;
    };
    browser
        .client
        .goto(&server.url("/survey/L01"))
        .await
        .unwrap();
    browser
        .wait_for("document.getElementById('signin-user')", LIMIT)
        .await;
    browser.assert_accessible("survey tablet log-in").await;
    // Signed in once, by keyboard: the field has the focus.
    assert_eq!(focused(&browser).await, "signin-user");
    browser
        .keyboard(&format!("petugas-l01{}{PASSWORD}{}", tab(), enter()))
        .await;
    browser
        .wait_for(
            "document.body.dataset.view === 'idle' && antreSurvey.polls > 0",
            LIMIT,
        )
        .await;
    browser.assert_accessible("survey tablet waiting").await;
    browser
        .assert_fits("survey tablet waiting", "header, main#idle")
        .await;
    browser.screenshot("survey-tablet-idle").await;

    // The officer completes a visitor: the tablet offers that visit's survey.
    let ticket = issue(&server, "DKP-KTP").await;
    assert_eq!(officer.act("L01", "call-next", None).await.status(), 200);
    assert_eq!(officer.act("L01", "complete", None).await.status(), 200);
    wait_step(&browser, "survey", "intro").await;
    assert!(browser.text("survey").await.contains(&ticket.number));
    browser.assert_accessible("survey tablet offer").await;
    browser.screenshot("survey-tablet-offer").await;

    // Keyboard alone: Tab to "Isi survei", Enter; each question by Tab and Enter, or its
    // key 1–4.
    browser.keyboard(&format!("{}{}", tab(), enter())).await;
    wait_step(&browser, "survey", "q1").await;
    browser.assert_accessible("survey tablet question").await;
    browser
        .assert_fits("survey tablet question", "header, main#asking")
        .await;
    browser.screenshot("survey-tablet-question").await;
    let chosen: [u8; 9] = [4, 3, 4, 4, 3, 4, 3, 2, 4];
    for (i, score) in chosen.iter().enumerate() {
        wait_step(&browser, "survey", &format!("q{}", i + 1)).await;
        if i % 2 == 0 {
            browser
                .keyboard(&format!("{}{}", tab().repeat(*score as usize), enter()))
                .await;
        } else {
            browser.keyboard(&score.to_string()).await;
        }
    }
    wait_step(&browser, "survey", "profile").await;
    browser.assert_accessible("survey tablet profile").await;
    browser.screenshot("survey-tablet-profile").await;
    // The profile: a radio (arrows choose), the age, the selects left as they are, a
    // suggestion, then Tab past "Kembali" to "Kirim".
    browser.keyboard(&tab()).await;
    browser.keyboard(&char::from(Key::Right).to_string()).await;
    browser.keyboard(&format!("{}41", tab())).await;
    browser
        .keyboard(&format!("{}{}{}Ruang tunggu nyaman", tab(), tab(), tab()))
        .await;
    browser
        .keyboard(&format!("{}{}{}", tab(), tab(), enter()))
        .await;
    wait_step(&browser, "survey", "thanks").await;
    browser.assert_accessible("survey tablet thanks").await;
    browser.screenshot("survey-tablet-thanks").await;
    // Then back to waiting, with nothing of the answers left on screen.
    browser
        .wait_for("document.body.dataset.view === 'idle'", LIMIT)
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('survey').innerHTML")
            .await,
        ""
    );
    assert_eq!(browser.eval("antreSurvey.sent").await, 1);

    // The answer counts once, as given; the visit is offered no more.
    let res = server
        .api()
        .post("/surveys")
        .json(
            &json!({"track_token": ticket.track_token.as_deref().unwrap(), "answers": answers(4)}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (409, "already_answered".into()));
    let visit: Value = officer.json("/counters/L01/survey").await;
    assert_eq!(visit, Value::Null);
    let sup = server.api().as_user("penyelia").await;
    let day = &ticket.day;
    let respondents: Value = sup
        .json(&format!("/reports/skm/respondents?from={day}&to={day}"))
        .await;
    let rows = respondents["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["answers"], json!(chosen));
    assert_eq!(rows[0]["gender"], "p");
    assert_eq!(rows[0]["age"], 41);
    assert_eq!(rows[0]["suggestion"], "Ruang tunggu nyaman");
    browser.close().await;
}

#[tokio::test]
async fn the_phone_page_offers_the_survey_once_the_visit_is_done() {
    let server = Server::demo();
    let officer = server.api().as_user("petugas-l02").await;
    assert_eq!(officer.act("L02", "open", None).await.status(), 200);
    let mine = issue(&server, "DKP-KTP").await;
    let answered = issue(&server, "DKP-KTP").await;
    for _ in 0..2 {
        assert_eq!(officer.act("L02", "call-next", None).await.status(), 200);
        assert_eq!(officer.act("L02", "complete", None).await.status(), 200);
    }

    let Some(browser) = Browser::start(390, 844).await else {
        return;
    };
    let token = mine.track_token.as_deref().unwrap();
    browser
        .client
        .goto(&server.url(&format!("/t/{token}")))
        .await
        .unwrap();
    browser
        .wait_for("document.body.dataset.survey === 'offered'", LIMIT)
        .await;
    browser.assert_accessible("phone survey offer").await;
    browser
        .assert_fits("phone survey offer", "header, main")
        .await;
    browser.screenshot("survey-phone-offer").await;
    // By touch: start, nine answers, send.
    browser.click("#skm [data-go=start]").await;
    wait_step(&browser, "skm", "q1").await;
    browser.assert_accessible("phone survey question").await;
    browser
        .assert_fits("phone survey question", "header, main")
        .await;
    browser.screenshot("survey-phone-question").await;
    for i in 1..=9 {
        wait_step(&browser, "skm", &format!("q{i}")).await;
        browser.click("#skm .skm-answer.a3").await;
    }
    wait_step(&browser, "skm", "profile").await;
    fill(&browser, "skm-suggestion", "Terima kasih").await;
    browser.click("#skm [data-go=send]").await;
    wait_step(&browser, "skm", "thanks").await;
    browser.assert_accessible("phone survey thanks").await;
    browser.screenshot("survey-phone-thanks").await;
    // Not offered again on this phone.
    browser.client.refresh().await.unwrap();
    browser
        .wait_for("document.body.dataset.survey === 'already'", LIMIT)
        .await;

    // A visit already answered at the counter's tablet: the phone says so when it sends.
    let res = server
        .api()
        .post("/surveys")
        .json(&json!({"track_token": answered.track_token.as_deref().unwrap(), "answers": answers(3)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let token = answered.track_token.as_deref().unwrap();
    browser
        .client
        .goto(&server.url(&format!("/t/{token}")))
        .await
        .unwrap();
    browser
        .wait_for(
            "document.body.dataset.survey === 'offered' || document.body.dataset.survey === 'already'",
            LIMIT,
        )
        .await;
    if browser.eval("document.body.dataset.survey").await == "offered" {
        browser.click("#skm [data-go=start]").await;
        for i in 1..=9 {
            wait_step(&browser, "skm", &format!("q{i}")).await;
            browser.click("#skm .skm-answer.a4").await;
        }
        wait_step(&browser, "skm", "profile").await;
        browser.click("#skm [data-go=send]").await;
        wait_step(&browser, "skm", "already").await;
    }
    let said = browser.text("skm").await;
    assert!(said.contains("sudah diisi"), "{said}");
    browser.screenshot("survey-phone-already").await;
    browser.close().await;
}
