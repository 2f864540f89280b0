//! Every kiosk control by touch and by keyboard alone (the other page tests use the
//! mouse), the priority chooser as a real dialog, English marked as English, and a
//! focus that shows.

use antre_testkit::browser::Browser;
use antre_testkit::*;
use fantoccini::Locator;
use fantoccini::actions::{InputSource, PointerAction, TouchActions};
use fantoccini::key::Key;

use crate::pages::*;

/// A finger's tap on the element (touch events, as a touch screen sends them).
async fn tap(browser: &Browser, css: &str) {
    let element = browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    let finger = TouchActions::new("finger".into())
        .then(PointerAction::MoveToElement {
            element,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down { button: 0 })
        .then(PointerAction::Up { button: 0 });
    browser
        .client
        .perform_actions(finger)
        .await
        .unwrap_or_else(|e| panic!("tap {css}: {e}"));
}

/// What has the focus: its id, or its data-choice / data-service / data-key.
async fn focused(browser: &Browser) -> String {
    browser
        .eval(
            "(() => { const e = document.activeElement; if (!e || e === document.body) return 'body'; \
             return e.id || (e.dataset.choice !== undefined ? 'choice-' + e.dataset.choice : '') || \
               (e.dataset.service ? 'service-' + e.dataset.service : '') || (e.dataset.agency ? 'agency-' + e.dataset.agency : '') || \
               (e.dataset.action ? 'action-' + e.dataset.action : '') || e.tagName; })()",
        )
        .await
        .as_str()
        .unwrap()
        .to_string()
}

/// Whether the focused element shows it has the focus (an outline or a ring).
async fn focus_shows(browser: &Browser) -> bool {
    browser
        .eval(
            "(() => { const s = getComputedStyle(document.activeElement); \
             return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'; })()",
        )
        .await
        .as_bool()
        .unwrap()
}

/// Shift+Tab: the focus goes back one control.
async fn shift_tab(browser: &Browser) {
    browser.press(&format!("{}{}", Key::Shift, Key::Tab)).await;
}

/// Presses Tab until `want` has the focus (at most `limit` times).
async fn tab_to(browser: &Browser, want: &str, limit: usize) {
    for _ in 0..limit {
        if focused(browser).await == want {
            return;
        }
        browser.press(&Key::Tab.to_string()).await;
    }
    assert_eq!(focused(browser).await, want, "Tab reaches it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kiosk_control_works_by_touch() {
    let server = Server::demo();
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
    // What kind of pointer the page hears.
    browser
        .js("window.pointers = new Set(); document.addEventListener('pointerdown', (e) => window.pointers.add(e.pointerType), true); return true;")
        .await;
    tap(&browser, "#lang-button").await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "en");
    assert_eq!(
        browser.eval("[...window.pointers]").await,
        serde_json::json!(["touch"])
    );
    tap(&browser, "#lang-button").await;
    tap(&browser, "#priority-button").await;
    browser
        .wait_for("document.getElementById('dialog').open", LIMIT)
        .await;
    tap(&browser, "#dialog button[data-choice='3']").await; // anak
    browser
        .wait_for(
            "document.getElementById('priority-button').getAttribute('aria-pressed') === 'true'",
            LIMIT,
        )
        .await;
    tap(&browser, "button[data-agency='IMIGRASI']").await;
    browser
        .wait_for("!document.getElementById('view-agency').hidden", LIMIT)
        .await;
    tap(&browser, "#view-agency [data-action='back']").await;
    tap(&browser, "#search-box").await;
    browser
        .wait_for("!document.getElementById('view-search').hidden", LIMIT)
        .await;
    for key in ["s", "k", "c", "k"] {
        tap(&browser, &format!("#keyboard button[data-key='{key}']")).await;
    }
    browser
        .wait_for(
            "document.getElementById('search-echo').value === 'skck'",
            LIMIT,
        )
        .await;
    // The on-screen keys leave the focus in the field.
    assert_eq!(focused(&browser).await, "search-echo");
    tap(&browser, "#keyboard button[data-key='back']").await;
    tap(&browser, "#keyboard button[data-key='k']").await;
    tap(&browser, "#results button[data-service='POL-SKCK']").await;
    browser
        .wait_for("!document.getElementById('view-ticket').hidden", LIMIT)
        .await;
    assert!(
        browser.text("ticket-priority").await.contains("Anak"),
        "the child priority made it onto the ticket"
    );
    tap(&browser, "#done").await;
    browser
        .wait_for(
            "!document.getElementById('view-home').hidden && document.getElementById('priority-button').getAttribute('aria-pressed') === 'false'",
            LIMIT,
        )
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kiosk_control_works_by_keyboard_and_the_priority_chooser_is_a_dialog() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1920, 1080).await else {
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

    // English parts are marked as English (and Indonesian ones as Indonesian once the
    // page is in English).
    let marked = "[...document.querySelectorAll('[data-t2]')].every((e) => e.lang === '{lang}') && \
                  [...document.querySelectorAll('#agencies .tile-meta [lang]')].every((e) => e.lang === '{lang}') && \
                  document.querySelector('#token-warning [lang]').lang === 'en'";
    assert_eq!(browser.eval(&marked.replace("{lang}", "en")).await, true);

    // The first Tab reaches the priority button; Enter opens the chooser.
    browser.press(&Key::Tab.to_string()).await;
    assert_eq!(focused(&browser).await, "priority-button");
    assert!(focus_shows(&browser).await, "the focus shows");
    browser.press_enter().await;
    browser
        .wait_for("document.getElementById('dialog').open", LIMIT)
        .await;
    let dialog = browser
        .eval(
            "(() => { const d = document.getElementById('dialog'); const list = d.querySelector('ul'); \
             return { modal: d.matches(':modal'), label: document.getElementById(d.getAttribute('aria-labelledby')).textContent, \
               list: list.getAttribute('aria-label'), items: list.querySelectorAll('li > button').length, \
               pressed: d.querySelector('[aria-pressed=true]').dataset.choice }; })()",
        )
        .await;
    assert_eq!(dialog["modal"], true, "{dialog}");
    assert!(
        dialog["label"]
            .as_str()
            .unwrap()
            .starts_with("Apakah Anda termasuk pengunjung prioritas?"),
        "{dialog}"
    );
    assert_eq!(dialog["list"], "Jenis pengunjung prioritas", "{dialog}");
    assert_eq!(dialog["items"], 5, "{dialog}");
    // The focus is on the current choice ("not priority"), and stays in the dialog.
    assert_eq!(focused(&browser).await, "choice-4");
    assert!(focus_shows(&browser).await);
    for _ in 0..7 {
        browser.press(&Key::Tab.to_string()).await;
        assert!(
            focused(&browser).await.starts_with("choice-"),
            "Tab stays in the dialog: {}",
            focused(&browser).await
        );
    }
    browser.assert_accessible("kiosk priority dialog").await;
    // Escape closes it, and the focus is back where it was.
    browser.press(&Key::Escape.to_string()).await;
    browser
        .wait_for("!document.getElementById('dialog').open", LIMIT)
        .await;
    assert_eq!(focused(&browser).await, "priority-button");
    assert_eq!(
        browser
            .eval("document.getElementById('priority-button').getAttribute('aria-pressed')")
            .await,
        "false",
        "Escape chose nothing"
    );
    // Choosing by keyboard.
    browser.press_enter().await;
    browser
        .wait_for("document.getElementById('dialog').open", LIMIT)
        .await;
    tab_to(&browser, "choice-0", 6).await; // lansia
    browser.press_enter().await;
    browser
        .wait_for(
            "document.getElementById('priority-button').getAttribute('aria-pressed') === 'true'",
            LIMIT,
        )
        .await;
    assert_eq!(focused(&browser).await, "priority-button");

    // The language by keyboard.
    tab_to(&browser, "lang-button", 2).await;
    browser.press_enter().await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "en");
    assert_eq!(browser.eval(&marked.replace("{lang}", "id")).await, true);
    browser.press_enter().await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "id");

    // An agency, and back.
    tab_to(&browser, "agency-SAMSAT", 8).await;
    assert!(focus_shows(&browser).await);
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('view-agency').hidden", LIMIT)
        .await;
    assert_eq!(
        focused(&browser).await,
        "agency-title",
        "the focus follows the view"
    );
    shift_tab(&browser).await;
    assert_eq!(focused(&browser).await, "action-back");
    assert!(focus_shows(&browser).await);
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('view-home').hidden", LIMIT)
        .await;

    // The booking check-in: its screen opens with the focus in the code field, and
    // its back button returns home.
    assert_eq!(focused(&browser).await, "home-heading");
    shift_tab(&browser).await;
    assert_eq!(focused(&browser).await, "checkin-button");
    assert!(focus_shows(&browser).await);
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('view-checkin').hidden", LIMIT)
        .await;
    assert_eq!(focused(&browser).await, "checkin-code");
    assert!(focus_shows(&browser).await);
    shift_tab(&browser).await;
    assert_eq!(focused(&browser).await, "action-back");
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('view-home').hidden", LIMIT)
        .await;

    // The search: typed into its field, a result chosen with Tab and Enter.
    assert_eq!(focused(&browser).await, "home-heading");
    shift_tab(&browser).await;
    shift_tab(&browser).await;
    assert_eq!(focused(&browser).await, "search-box");
    browser.press_enter().await;
    browser
        .wait_for("!document.getElementById('view-search').hidden", LIMIT)
        .await;
    assert_eq!(focused(&browser).await, "search-echo");
    browser.press("kartu keluarga").await;
    browser
        .wait_for(
            "document.querySelector('#results .tile')?.dataset.service === 'DKP-KK'",
            LIMIT,
        )
        .await;
    let mut ws = subscribe(&server, "").await;
    tab_to(&browser, "service-DKP-KK", 3).await;
    assert!(focus_shows(&browser).await);
    browser.press_enter().await;
    let issued = next_event(&mut ws, antre_protocol::EventKind::TicketIssued).await;
    let ticket = issued.ticket.unwrap();
    assert_eq!(
        (ticket.service.as_str(), ticket.priority),
        ("DKP-KK", Some(antre_protocol::Priority::Lansia))
    );
    browser
        .wait_for("!document.getElementById('view-ticket').hidden", LIMIT)
        .await;
    assert_eq!(
        focused(&browser).await,
        "ticket-head",
        "the focus is on the ticket"
    );
    tab_to(&browser, "done", 4).await;
    browser.press_enter().await;
    browser
        .wait_for(
            "!document.getElementById('view-home').hidden && document.getElementById('priority-button').getAttribute('aria-pressed') === 'false'",
            LIMIT,
        )
        .await;
    browser.close().await;
}
