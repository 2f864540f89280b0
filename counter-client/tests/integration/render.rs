//! The terminal screen, rendered into ratatui's `TestBackend`: what the officer reads
//! (current number, timer, waiting counts, warnings, messages) and what keys do.

use antre_counter::api::{Action, Failure, Outcome};
use antre_counter::app::{App, Key, Leaving, Mode, Purpose, Request};
use antre_counter::i18n::Lang;
use antre_protocol::{CounterView, QueueInfo, Role, SiteInfo, StreamMessage, Ticket};
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
    // The search ranks them (equal scores by name): move down to the family card.
    let at = app
        .transfer_matches()
        .iter()
        .position(|s| s.code == "DKP-KK")
        .unwrap();
    for _ in 0..at {
        app.on_key(Key::Down);
    }
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

fn numbered(id: u64, number: &str, status: &str) -> Ticket {
    serde_json::from_value(json!({
        "id": id, "number": number, "service": "DKP-KTP", "status": status,
        "issued_at": ago(900 - id as i64), "day": "2026-11-23", "counter": "L01"
    }))
    .unwrap()
}

fn held_by(officer: &str, status: &str) -> CounterView {
    serde_json::from_value(json!({
        "code": "L01", "status": status, "officer": officer, "held": []
    }))
    .unwrap()
}

fn opened_event(seq: u64, officer: &str, taken_from: Option<&str>) -> StreamMessage {
    serde_json::from_value(json!({
        "seq": seq, "type": "counter.opened", "at": Timestamp::now().to_string(), "zones": ["A"],
        "counter": held_by(officer, "open"),
        "detail": {"by": officer, "taken_from": taken_from}
    }))
    .unwrap()
}

fn typed(app: &mut App, text: &str) -> Option<Request> {
    let mut last = None;
    for c in text.chars() {
        last = app.on_key(Key::Char(c));
    }
    last
}

#[test]
fn the_header_shows_who_holds_the_counter_and_a_takeover_asks_first() {
    let mut app = app();
    app.view = Some(held_by("petugas-l01", "open"));
    let text = screen(&app);
    let header = text.lines().next().unwrap();
    assert!(header.contains("dibuka oleh petugas-l01"), "{header}");

    // Someone else has it open: the header names them; an officer's keys do nothing
    // there but say so; "/" asks, and "/" again takes it over.
    app.view = Some(held_by("budi", "open"));
    let header = screen(&app).lines().next().unwrap().to_string();
    assert!(header.contains("dibuka oleh budi"), "{header}");
    assert!(
        screen(&app).contains("Loket ini dibuka oleh budi. Tekan / untuk mengambil alih."),
        "{}",
        screen(&app)
    );
    assert_eq!(
        app.on_key(Key::Enter),
        None,
        "no call on someone else's counter"
    );
    assert!(screen(&app).contains("budi (petugas lain)"));
    assert_eq!(app.on_key(Key::Char('/')), None);
    assert_eq!(
        app.mode,
        Mode::ConfirmTakeOver {
            from: "budi".into()
        }
    );
    let text = screen(&app);
    assert!(
        text.contains("Loket dibuka oleh budi — ambil alih?"),
        "{text}"
    );
    // Any other key: nothing.
    assert_eq!(app.on_key(Key::Esc), None);
    assert_eq!(app.mode, Mode::Main);
    app.on_key(Key::Char('/'));
    assert_eq!(
        app.on_key(Key::Char('/')),
        Some(Request::Act(Action::TakeOver))
    );
    app.on_outcome(
        &Action::TakeOver,
        Ok(Outcome::Counter(Box::new(held_by("petugas-l01", "open")))),
    );
    let text = screen(&app);
    assert!(text.contains("Loket diambil alih dari budi."), "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .contains("dibuka oleh petugas-l01")
    );

    // Then budi takes it back: the stream says so, and this screen stops acting.
    app.view = Some(view("open", Some(ticket("A017", "called", 10))));
    app.mode = Mode::Transfer {
        query: String::new(),
        selected: 0,
        note: String::new(),
        in_note: false,
    };
    app.on_stream(&opened_event(50, "budi", Some("petugas-l01")));
    assert_eq!(app.mode, Mode::Main, "the transfer list closed");
    assert_eq!(app.taken_by.as_deref(), Some("budi"));
    let text = screen(&app);
    let header = text.lines().next().unwrap();
    assert!(header.contains("diambil alih oleh budi"), "{header}");
    assert!(text.contains("Loket ini diambil alih oleh budi"), "{text}");
    for key in [Key::Enter, Key::Char('1'), Key::Char('*'), Key::Char('3')] {
        assert_eq!(app.on_key(key), None, "{key:?} acts no more");
    }
    assert_eq!(app.mode, Mode::Main);
    // A supervisor taking over from someone else is no news for this screen.
    app.taken_by = None;
    app.on_stream(&opened_event(51, "penyelia", Some("budi")));
    assert_eq!(app.taken_by, None);
}

#[test]
fn leaving_with_a_visitor_asks_what_becomes_of_them_then_leaves() {
    let mut app = app();
    app.view = Some(view("open", Some(ticket("A017", "called", 10))));
    // Quitting: complete, back in line or hold, then quit.
    assert_eq!(app.on_key(Key::Char('q')), None);
    assert_eq!(
        app.mode,
        Mode::Leave {
            then: Leaving::Quit
        }
    );
    let text = screen(&app);
    for expected in [
        "Sebelum keluar",
        "A017 masih di loket",
        "[2] Kembali ke antrean",
        "[4] Tahan di loket ini",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    assert_eq!(
        app.on_key(Key::Char('2')),
        Some(Request::Act(Action::Requeue))
    );
    let mut back = ticket("A017", "waiting", 10);
    back.position = Some(0);
    assert_eq!(
        app.on_outcome(&Action::Requeue, Ok(Outcome::Ticket(Box::new(back)))),
        Some(Request::Quit)
    );
    assert!(screen(&app).contains("A017 kembali ke antrean, urutan ke-1."));

    // Holding, then quitting; a refusal quits nothing.
    app.view = Some(view("open", Some(ticket("A017", "called", 10))));
    app.on_key(Key::Char('q'));
    assert_eq!(
        app.on_key(Key::Char('4')),
        Some(Request::Act(Action::Hold { note: None }))
    );
    let refused = Failure::Refused {
        status: 409,
        code: "invalid_state".into(),
        message: "Tidak berlaku. / Not possible.".into(),
    };
    assert_eq!(
        app.on_outcome(&Action::Hold { note: None }, Err(refused)),
        None
    );

    // Closing: complete or back in line (closing sends held visitors back in line
    // anyway), then close; Esc cancels.
    app.on_key(Key::Char('*'));
    assert_eq!(
        app.mode,
        Mode::Leave {
            then: Leaving::Close
        }
    );
    let text = screen(&app);
    assert!(text.contains("Sebelum menutup loket"), "{text}");
    assert!(!text.contains("Tahan di loket ini"), "{text}");
    assert_eq!(app.on_key(Key::Char('4')), None, "no hold when closing");
    assert_eq!(app.mode, Mode::Main);
    app.on_key(Key::Char('*'));
    assert_eq!(
        app.on_key(Key::Char('1')),
        Some(Request::Act(Action::Complete))
    );
    assert_eq!(
        app.on_outcome(
            &Action::Complete,
            Ok(Outcome::Ticket(Box::new(ticket("A017", "done", 10))))
        ),
        Some(Request::Act(Action::Close))
    );
    // Without a visitor, quitting quits at once.
    app.on_outcome(
        &Action::Close,
        Ok(Outcome::Counter(Box::new(view("closed", None)))),
    );
    assert_eq!(app.on_key(Key::Char('q')), Some(Request::Quit));
}

#[test]
fn a_particular_ticket_is_called_from_the_waiting_list_with_a_reason() {
    let mut app = app();
    app.view = Some(view("open", None));
    assert_eq!(app.on_key(Key::Char('5')), Some(Request::Waiting));
    assert!(screen(&app).contains("Memuat"));
    app.on_waiting(Ok(vec![
        numbered(1, "A001", "waiting"),
        numbered(2, "A002", "waiting"),
        numbered(3, "A013", "waiting"),
    ]));
    let text = screen(&app);
    assert!(text.contains("Panggil nomor tertentu"), "{text}");
    assert!(
        text.contains("A002   Perekaman KTP-el · menunggu"),
        "{text}"
    );
    // Typing narrows the list by number.
    typed(&mut app, "a01");
    let shown: Vec<&str> = app
        .pick_matches()
        .iter()
        .map(|t| t.number.as_str())
        .collect();
    assert_eq!(shown, ["A013"]);
    // Out of turn: the server asks for a reason; the list stays, at the reason.
    let call = Action::Call {
        ticket: 3,
        number: "A013".into(),
        reason: String::new(),
    };
    assert_eq!(app.on_key(Key::Enter), Some(Request::Act(call.clone())));
    app.on_outcome(
        &call,
        Err(Failure::Refused {
            status: 422,
            code: "reason_required".into(),
            message:
                "Panggilan di luar urutan memerlukan alasan. / An out-of-order call needs a reason."
                    .into(),
        }),
    );
    assert!(matches!(
        app.mode,
        Mode::Pick {
            in_reason: true,
            ..
        }
    ));
    assert!(screen(&app).contains("memerlukan alasan"));
    typed(&mut app, "lansia");
    let call = Action::Call {
        ticket: 3,
        number: "A013".into(),
        reason: "lansia".into(),
    };
    assert_eq!(app.on_key(Key::Enter), Some(Request::Act(call.clone())));
    app.on_outcome(
        &call,
        Ok(Outcome::Ticket(Box::new(numbered(3, "A013", "called")))),
    );
    assert_eq!(app.mode, Mode::Main);
    assert!(screen(&app).contains("A013 dipanggil."));

    // A number not in the list is looked up; a ticket that cannot be called says why.
    app.on_key(Key::Char('5'));
    app.on_waiting(Ok(Vec::new()));
    assert_eq!(typed(&mut app, "A009"), None);
    assert_eq!(app.on_key(Key::Enter), Some(Request::Find("A009".into())));
    app.on_found(Ok(numbered(9, "A009", "done")));
    assert!(screen(&app).contains("hanya tiket yang menunggu dapat dipanggil"));
    assert_eq!(app.on_key(Key::Esc), None);
    assert_eq!(app.mode, Mode::Main);
}

#[test]
fn a_no_show_is_reinstated_from_the_session_list_or_by_its_number() {
    let mut app = app();
    app.view = Some(view("open", None));
    app.on_outcome(
        &Action::NoShow,
        Ok(Outcome::Ticket(Box::new(numbered(4, "A004", "no_show")))),
    );
    // "9": this session's no-shows, nothing to fetch.
    assert_eq!(app.on_key(Key::Char('9')), None);
    assert!(matches!(
        app.mode,
        Mode::Pick {
            purpose: Purpose::Reinstate,
            ..
        }
    ));
    assert!(screen(&app).contains("Pulihkan tidak hadir"));
    assert_eq!(
        app.on_key(Key::Enter),
        Some(Request::Act(Action::Reinstate {
            ticket: 4,
            number: "A004".into()
        }))
    );
    let mut back = numbered(4, "A004", "waiting");
    back.position = Some(2);
    app.on_outcome(
        &Action::Reinstate {
            ticket: 4,
            number: "A004".into(),
        },
        Ok(Outcome::Ticket(Box::new(back))),
    );
    assert!(screen(&app).contains("A004 kembali ke antrean, urutan ke-3."));
    // By number: found, chosen, reinstated.
    app.on_key(Key::Char('9'));
    typed(&mut app, "a021");
    assert_eq!(app.on_key(Key::Enter), Some(Request::Find("a021".into())));
    app.on_found(Ok(numbered(21, "A021", "no_show")));
    assert_eq!(
        app.on_key(Key::Enter),
        Some(Request::Act(Action::Reinstate {
            ticket: 21,
            number: "A021".into()
        }))
    );
}

#[test]
fn only_supervisors_and_admins_cancel_and_always_with_a_reason() {
    let mut app = app();
    app.view = Some(view("open", None));
    assert!(
        !screen(&app).contains("Batalkan tiket"),
        "not offered to officers"
    );
    assert_eq!(app.on_key(Key::Char('x')), None);
    assert_eq!(app.mode, Mode::Main);
    assert!(screen(&app).contains("Hanya penyelia dan admin"));

    app.role = Role::Supervisor;
    assert!(screen(&app).contains("[x] Batalkan tiket"));
    assert_eq!(app.on_key(Key::Char('x')), Some(Request::Waiting));
    app.on_waiting(Ok(vec![numbered(5, "A005", "waiting")]));
    assert_eq!(app.on_key(Key::Enter), None, "a reason first");
    assert!(matches!(
        app.mode,
        Mode::Pick {
            in_reason: true,
            ..
        }
    ));
    typed(&mut app, "ganda");
    assert_eq!(
        app.on_key(Key::Enter),
        Some(Request::Act(Action::Cancel {
            ticket: 5,
            number: "A005".into(),
            reason: "ganda".into()
        }))
    );
}

#[test]
fn a_booking_is_checked_in_by_its_code_and_its_number_is_said() {
    let mut app = app();
    app.view = Some(view("open", None));
    assert!(screen(&app).contains("[b] Check-in booking"));
    // `b` asks for the code; the dash and the case people type do not matter.
    assert_eq!(app.on_key(Key::Char('b')), None);
    assert_eq!(typed(&mut app, "acde-fh3"), None);
    // Seven characters are not a code: said, nothing sent.
    assert_eq!(app.on_key(Key::Enter), None);
    assert!(screen(&app).contains("8 huruf dan angka"));
    typed(&mut app, "4");
    let text = screen(&app);
    assert!(text.contains("Check-in booking"), "{text}");
    assert!(text.contains("Kode booking: ACDE-FH34▌"), "{text}");
    assert_eq!(
        app.on_key(Key::Enter),
        Some(Request::CheckIn("ACDEFH34".into()))
    );
    assert!(screen(&app).contains("memproses"));
    // Outside its window: the server's reason, with the window's times; the code stays.
    app.on_checked_in(
        "ACDEFH34",
        Err(Failure::Refused {
            status: 409,
            code: "check_in_closed".into(),
            message: "Check-in dibuka 2026-11-24 pukul 11:00 sampai 12:30. / \
                      Check-in is open on 2026-11-24 from 11:00 until 12:30."
                .into(),
        }),
    );
    assert!(matches!(&app.mode, Mode::CheckIn { code, sending: false } if code == "ACDEFH34"));
    let text = screen(&app);
    assert!(
        text.contains("Check-in ACDE-FH34: Check-in dibuka 2026-11-24 pukul 11:00 sampai 12:30."),
        "{text}"
    );
    app.lang = Lang::En;
    assert!(screen(&app).contains("Check-in ACDE-FH34: Check-in is open on 2026-11-24 from 11:00"));
    app.lang = Lang::Id;
    // Inside it: the ticket's number and its place, on the status line.
    assert_eq!(
        app.on_key(Key::Enter),
        Some(Request::CheckIn("ACDEFH34".into()))
    );
    let mut t = numbered(30, "A030", "waiting");
    t.position = Some(2);
    t.counter = None;
    app.on_checked_in("ACDEFH34", Ok(t));
    assert_eq!(app.mode, Mode::Main);
    let text = screen(&app);
    assert!(
        text.contains("A030: booking ACDE-FH34 check-in, urutan ke-3."),
        "{text}"
    );
    // An unknown code, and Esc: back to the desk.
    app.on_key(Key::Char('b'));
    typed(&mut app, "CDEFHJKM");
    assert_eq!(
        app.on_key(Key::Enter),
        Some(Request::CheckIn("CDEFHJKM".into()))
    );
    app.on_checked_in(
        "CDEFHJKM",
        Err(Failure::Refused {
            status: 404,
            code: "booking_not_found".into(),
            message: "Booking tidak ditemukan. / Booking not found.".into(),
        }),
    );
    assert!(screen(&app).contains("Kode booking CDEF-HJKM tidak ditemukan."));
    assert_eq!(app.on_key(Key::Esc), None);
    assert_eq!(app.mode, Mode::Main);
}
