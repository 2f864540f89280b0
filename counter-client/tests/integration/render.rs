//! The terminal screen, rendered into ratatui's `TestBackend`: what the officer reads
//! (current number, timer, waiting counts, warnings, messages) and what keys do.

use antre_counter::api::{Action, Failure, Outcome};
use antre_counter::app::{App, Key, Mode, Request};
use antre_counter::i18n::Lang;
use antre_protocol::{CounterView, QueueInfo, SiteInfo, StreamMessage, Ticket};
use jiff::{SignedDuration, Timestamp};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

fn site() -> SiteInfo {
    serde_json::from_value(json!({
        "code": "MPP-UJI", "name": "MPP Uji", "timezone": "Asia/Makassar",
        "agencies": [
            {"code": "DUKCAPIL", "short": "Dukcapil", "name": "Dinas Kependudukan", "name_en": "Civil Registry"},
            {"code": "SAMSAT", "short": "Samsat", "name": "Samsat", "name_en": "Vehicle Registration"}
        ],
        "services": [
            {"code": "DKP-KTP", "name": "Perekaman KTP-el", "name_en": "ID card recording", "prefix": "A",
             "agency": "DUKCAPIL", "keywords": ["ktp"], "target_wait_s": 1800, "hours": "08:00-15:00", "days": ["mon"]},
            {"code": "DKP-KK", "name": "Kartu Keluarga", "name_en": "Family card", "prefix": "AK",
             "agency": "DUKCAPIL", "keywords": ["kk"], "target_wait_s": 1800, "hours": "08:00-15:00", "days": ["mon"]},
            {"code": "SMS-PKB", "name": "Pajak Kendaraan", "name_en": "Vehicle tax", "prefix": "C",
             "agency": "SAMSAT", "keywords": ["stnk", "motor"], "target_wait_s": 1200, "hours": "08:00-15:00", "days": ["mon"]}
        ],
        "counters": [
            {"code": "L01", "name": "Loket 1", "spoken_name": "loket satu", "zone": "A", "agency": "DUKCAPIL",
             "services": ["DKP-KTP", "DKP-KK"]}
        ],
        "zones": [{"code": "A", "name": "Zona A"}], "kiosks": [], "boards": []
    }))
    .unwrap()
}

fn ago(seconds: i64) -> String {
    (Timestamp::now() - SignedDuration::from_secs(seconds)).to_string()
}

fn ticket(number: &str, status: &str, called_ago: i64) -> Ticket {
    serde_json::from_value(json!({
        "id": 7, "number": number, "service": "DKP-KTP", "status": status,
        "issued_at": ago(600), "day": "2026-11-23", "counter": "L01",
        "called_at": ago(called_ago)
    }))
    .unwrap()
}

fn queue(service: &str, waiting: u32, oldest_ago: Option<i64>) -> QueueInfo {
    serde_json::from_value(json!({
        "service": service, "state": "open", "waiting": waiting, "priority_waiting": 0,
        "estimated_wait_s": 600, "oldest_waiting_since": oldest_ago.map(ago),
        "issued_today": 9, "counters_open": 1
    }))
    .unwrap()
}

fn view(status: &str, ticket: Option<Ticket>) -> CounterView {
    serde_json::from_value(json!({
        "code": "L01", "status": status, "officer": "petugas-l01", "ticket": ticket, "held": []
    }))
    .unwrap()
}

fn app() -> App {
    let mut app = App::new(&site(), "L01", "petugas-l01", Lang::Id).unwrap();
    app.online = true;
    app
}

/// The rendered screen as text, one line per row.
fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(110, 30)).unwrap();
    terminal
        .draw(|f| antre_counter::render::draw(f, app))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let width = buffer.area.width as usize;
    buffer
        .content
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_screen_shows_the_current_number_timer_counts_and_a_late_warning() {
    let mut app = app();
    app.view = Some(view("open", Some(ticket("A017", "called", 65))));
    app.set_queues(vec![
        queue("DKP-KTP", 5, Some(2 * 3600)),
        queue("DKP-KK", 2, Some(60)),
    ]);
    let text = screen(&app);
    for expected in [
        "A017",
        "Loket 1 (L01)",
        "BUKA",
        "terhubung",
        "Perekaman KTP-el",
        "Dipanggil · 1:0", // 65 s or a second more on a slow machine
        "  5 Perekaman KTP-el",
        "  2 Kartu Keluarga",
        "lewat target",
        "[Enter/+] Panggil berikutnya",
        "[3] Alihkan",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    // The number is also drawn large, in the block font.
    let big = antre_counter::big::lines("A017").unwrap();
    assert!(
        text.contains(big[0].as_str()),
        "big number missing in:\n{text}"
    );
    // Only the service past its target is flagged.
    let kk_line = text.lines().find(|l| l.contains("Kartu Keluarga")).unwrap();
    assert!(!kk_line.contains("lewat target"), "{kk_line}");

    // "-" switches to English.
    assert_eq!(app.on_key(Key::Char('-')), None);
    let text = screen(&app);
    for expected in [
        "OPEN",
        "online",
        "ID card recording",
        "past target",
        "Call next",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
}

#[test]
fn a_closed_or_offline_counter_says_so() {
    let mut app = app();
    app.online = false;
    app.view = Some(view("closed", None));
    let text = screen(&app);
    assert!(text.contains("TUTUP"), "{text}");
    assert!(text.contains("Tekan / untuk membuka"), "{text}");
    assert!(text.contains("terputus"), "{text}");
    app.view = Some(view("paused", None));
    assert!(screen(&app).contains("ISTIRAHAT"));
}

#[test]
fn keys_ask_for_actions_one_at_a_time_and_answers_become_messages() {
    let mut app = app();
    app.view = Some(view("open", None));
    assert_eq!(app.on_key(Key::Enter), Some(Request::Act(Action::CallNext)));
    // A second key while the first action runs is not sent, and says why.
    assert_eq!(app.on_key(Key::Char('+')), None);
    assert!(screen(&app).contains("Memproses: Panggil berikutnya"));
    app.on_outcome(
        &Action::CallNext,
        Ok(Outcome::Ticket(Box::new(ticket("A018", "called", 0)))),
    );
    let text = screen(&app);
    assert!(text.contains("A018 dipanggil."), "{text}");
    assert!(text.contains("A018   dipanggil"), "recent list:\n{text}");
    assert_eq!(
        app.on_key(Key::Char('.')),
        Some(Request::Act(Action::Recall))
    );
    app.on_outcome(
        &Action::Recall,
        Ok(Outcome::Ticket(Box::new(ticket("A018", "called", 5)))),
    );
    assert_eq!(
        app.on_key(Key::Char('0')),
        Some(Request::Act(Action::Start))
    );
    // A refusal shows the server's message in the screen's language.
    app.on_outcome(
        &Action::Start,
        Err(Failure::Refused {
            status: 403,
            code: "counter_not_yours".into(),
            message:
                "Loket ini dibuka oleh petugas lain. / This counter was opened by another officer."
                    .into(),
        }),
    );
    let text = screen(&app);
    assert!(
        text.contains("Loket ini dibuka oleh petugas lain."),
        "{text}"
    );
    // Nobody waiting.
    assert_eq!(
        app.on_key(Key::Char('+')),
        Some(Request::Act(Action::CallNext))
    );
    app.on_outcome(&Action::CallNext, Ok(Outcome::Nobody));
    assert!(screen(&app).contains("Tidak ada yang menunggu."));
    // A network failure after the retries is reported, not dropped.
    assert_eq!(
        app.on_key(Key::Char('1')),
        Some(Request::Act(Action::Complete))
    );
    app.on_outcome(
        &Action::Complete,
        Err(Failure::Network("connection refused; 4×".into())),
    );
    let text = screen(&app);
    assert!(
        text.contains("Selesai: Server tidak dapat dihubungi"),
        "{text}"
    );
    // Closing needs a second "*".
    assert_eq!(app.on_key(Key::Char('*')), None);
    assert_eq!(app.mode, Mode::ConfirmClose);
    assert_eq!(
        app.on_key(Key::Char('*')),
        Some(Request::Act(Action::Close))
    );
}

#[test]
fn transfer_searches_every_service_and_sends_the_choice_with_a_note() {
    let mut app = app();
    app.view = Some(view("open", Some(ticket("A017", "serving", 30))));
    assert_eq!(app.on_key(Key::Char('3')), None);
    for c in "motor".chars() {
        app.on_key(Key::Char(c));
    }
    let codes: Vec<&str> = app
        .transfer_matches()
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(codes, ["SMS-PKB"], "found by keyword");
    let text = screen(&app);
    assert!(
        text.contains("SMS-PKB — Pajak Kendaraan (Samsat)"),
        "{text}"
    );
    for _ in 0..5 {
        app.on_key(Key::Backspace);
    }
    for c in "dukcapil".chars() {
        app.on_key(Key::Char(c));
    }
    assert_eq!(app.transfer_matches().len(), 2, "found by agency");
    app.on_key(Key::Down);
    app.on_key(Key::Tab);
    for c in "bawa KK".chars() {
        app.on_key(Key::Char(c));
    }
    assert_eq!(
        app.on_key(Key::Enter),
        Some(Request::Act(Action::Transfer {
            service: "DKP-KK".into(),
            note: Some("bawa KK".into())
        }))
    );
    assert_eq!(app.mode, Mode::Main);
}

#[test]
fn the_stream_keeps_the_screen_current() {
    let mut app = app();
    let snapshot: StreamMessage = serde_json::from_value(json!({
        "type": "snapshot", "seq": 40, "day": "2026-11-23", "at": Timestamp::now().to_string(),
        "counters": [view("open", None)], "queues": [queue("DKP-KTP", 3, None)], "recent_calls": []
    }))
    .unwrap();
    app.on_stream(&snapshot);
    assert_eq!(app.seq, 40);
    assert!(screen(&app).contains("  3 Perekaman KTP-el"));
    let called: StreamMessage = serde_json::from_value(json!({
        "seq": 41, "type": "ticket.called", "at": Timestamp::now().to_string(), "zones": ["A"],
        "ticket": ticket("A020", "called", 0),
        "counter": view("open", Some(ticket("A020", "called", 0)))
    }))
    .unwrap();
    app.on_stream(&called);
    let text = screen(&app);
    assert!(text.contains("A020"), "{text}");
    assert_eq!(app.seq, 41);
}
