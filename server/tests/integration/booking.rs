//! The digital channel on the real binary: the quota rush, one booking per NIK, check-in
//! inside and outside its window, a booked visitor's place among walk-ins, no-shows,
//! and the refusals of bad input. Sessions are set relative to the hour the test runs
//! (the server's clock is the real one).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use antre_testkit::server::{Api, Server, error_of};
use jiff::Timestamp;
use serde_json::{Value, json};

pub const OFFICER_PASSWORD: &str = "rahasia-budi";
pub const KIOSK_TOKEN: &str = "token-kiosk-k1";

/// How a test's site books service S1 (S2 is bookable a day at a time, for the
/// one-booking-per-day rule across services), and what else its configuration says.
pub struct Rules {
    pub slot_min: u32,
    pub quota: u32,
    pub check_in_before_min: u32,
    pub check_in_after_min: u32,
    pub release_days_before: u32,
    pub holiday_in_days: Option<i64>,
    /// More TOML, at the end (a `[notify]` section).
    pub extra: String,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            slot_min: 60,
            quota: 5,
            check_in_before_min: 60,
            check_in_after_min: 60,
            release_days_before: 7,
            holiday_in_days: None,
            extra: String::new(),
        }
    }
}

pub fn site_config(dir: &Path, rules: &Rules) -> PathBuf {
    let hash = antre_server::auth::hash_password(OFFICER_PASSWORD).unwrap();
    let token = antre_server::auth::hash_password(KIOSK_TOKEN).unwrap();
    let holiday = rules
        .holiday_in_days
        .map(|days| {
            let date = today().saturating_add(jiff::Span::new().days(days));
            format!("[[holidays]]\ndate = \"{date}\"\nname = \"Libur uji\"\n")
        })
        .unwrap_or_default();
    let text = format!(
        r#"
[site]
code = "UJI"
name = "MPP Uji"
timezone = "Asia/Makassar"
hours = "00:00-24:00"
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
[limits]
tickets_per_minute_per_client = 100000
[[zones]]
code = "A"
name = "A"
[[agencies]]
code = "AG"
short = "Ag"
name = "Instansi"
name_en = "Agency"
[[services]]
code = "S1"
agency = "AG"
prefix = "A"
name = "Paspor"
name_en = "Passport"
target_wait_min = 10
avg_service_min = 5
[services.booking]
days_ahead = 7
release = "00:00"
release_days_before = {release}
check_in_before_min = {before}
check_in_after_min = {after}
change_until_min = 0
[[services.booking.sessions]]
start = "00:00"
end = "24:00"
slot_min = {slot}
quota = {quota}
[[services]]
code = "S2"
agency = "AG"
prefix = "B"
name = "SKCK"
name_en = "Police certificate"
target_wait_min = 10
avg_service_min = 5
[services.booking]
release = "00:00"
[[services.booking.sessions]]
start = "00:00"
end = "24:00"
quota = 100
[[counters]]
code = "L1"
name = "Loket 1"
zone = "A"
agency = "AG"
services = ["S1"]
[[kiosks]]
code = "K1"
name = "Kios"
zone = "A"
token_hash = "{token}"
[[users]]
username = "budi"
role = "supervisor"
password_hash = "{hash}"
{holiday}{extra}"#,
        extra = rules.extra,
        release = rules.release_days_before,
        before = rules.check_in_before_min,
        after = rules.check_in_after_min,
        slot = rules.slot_min,
        quota = rules.quota,
    );
    let path = dir.join("site.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn start(rules: Rules) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = site_config(dir.path(), &rules);
    let server = Server::serve(&config, &dir.path().join("data"));
    (server, dir)
}

pub fn today() -> jiff::civil::Date {
    Timestamp::now().in_tz("Asia/Makassar").unwrap().date()
}

pub fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// The citizen's request for a session; NIKs differ by their serial.
pub fn request(service: &str, date: &str, start: &str, serial: u32) -> Value {
    json!({
        "service": service,
        "date": date,
        "start": start,
        "nik": nik(serial),
        "name": format!("Warga {serial}"),
        "phone": format!("0812 3456 7{:03}", serial % 1000),
    })
}

/// A NIK of the right form: Makassar, born 12 August 1985, with this serial.
fn nik(serial: u32) -> String {
    format!("7371051208850{:03}", serial % 1000 + 1)
}

/// The sessions of S1 running now and the one after it (tomorrow's first, late in the
/// evening).
pub async fn now_and_next(api: &Api) -> (Value, Value) {
    let slots = soon(api).await;
    let now = Timestamp::now();
    let at = slots
        .iter()
        .position(|s| {
            s["open"] == true
                && ts(s["check_in_from"].as_str().unwrap()) <= now
                && now < ts(s["check_in_until"].as_str().unwrap())
                && ts(&format!(
                    "{}T{}:00+08:00",
                    s["date"].as_str().unwrap(),
                    s["start"].as_str().unwrap()
                )) <= now
        })
        .expect("a session running now");
    (slots[at].clone(), slots[at + 1].clone())
}

/// S1's sessions today and tomorrow.
async fn soon(api: &Api) -> Vec<Value> {
    let tomorrow = today().tomorrow().unwrap();
    api.json(&format!(
        "/booking/slots?service=S1&from={}&to={tomorrow}",
        today()
    ))
    .await
}

async fn book(api: &Api, body: &Value) -> reqwest::Response {
    api.post("/bookings").json(body).send().await.unwrap()
}

pub async fn booked(api: &Api, body: &Value) -> Value {
    let res = book(api, body).await;
    assert_eq!(res.status(), 201, "{body}: {}", res.text().await.unwrap());
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_rush_books_exactly_the_quota_and_no_nik_twice() {
    let (server, _dir) = start(Rules {
        quota: 25,
        ..Rules::default()
    });
    let api = Arc::new(Api::new(&server.base));
    let tomorrow = today().tomorrow().unwrap().to_string();
    // 300 clients at once: 240 different people, and 60 of them trying a second time.
    let mut tasks = Vec::new();
    for i in 0..300u32 {
        let api = api.clone();
        let body = request("S1", &tomorrow, "09:00", i % 240);
        tasks.push(tokio::spawn(async move {
            let res = book(&api, &body).await;
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            (status, body)
        }));
    }
    let mut made = Vec::new();
    let mut refusals = std::collections::BTreeMap::<String, u32>::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        if status == 201 {
            made.push(body);
        } else {
            assert_eq!(status, 409, "{body}");
            *refusals
                .entry(body["error"]["code"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    assert_eq!(made.len(), 25, "exactly the quota: {refusals:?}");
    let people: std::collections::BTreeSet<&str> =
        made.iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(people.len(), 25, "no NIK twice");
    assert_eq!(
        refusals.get("quota_full").copied().unwrap_or(0)
            + refusals.get("already_booked").copied().unwrap_or(0),
        275
    );
    let slots: Vec<Value> = api
        .json(&format!(
            "/booking/slots?service=S1&from={tomorrow}&to={tomorrow}"
        ))
        .await;
    let nine = slots.iter().find(|s| s["start"] == "09:00").unwrap();
    assert_eq!(
        (nine["quota"].as_u64(), nine["left"].as_u64()),
        (Some(25), Some(0))
    );
    // A seat given back is offered again at once (the server's note of full sessions
    // follows every commit).
    let back = &made[0];
    let res = api
        .delete(&format!("/bookings/{}", back["code"].as_str().unwrap()))
        .bearer_auth(back["manage_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    booked(&api, &request("S1", &tomorrow, "09:00", 500)).await;
    let res = book(&api, &request("S1", &tomorrow, "09:00", 501)).await;
    assert_eq!(error_of(res).await, (409, "quota_full".into()));
    // The NIK is nowhere in the database in clear, only its last four digits.
    let db = std::fs::read(server.data.join("antre.db")).unwrap_or_default();
    let wal = std::fs::read(server.data.join("antre.db-wal")).unwrap_or_default();
    for b in &made {
        let serial: u32 = b["name"].as_str().unwrap()[6..].parse().unwrap();
        let nik = nik(serial);
        assert_eq!(b["nik_last4"], nik[12..]);
        for bytes in [&db, &wal] {
            assert!(
                !bytes.windows(16).any(|w| w == nik.as_bytes()),
                "NIK {nik} is stored in clear"
            );
        }
    }
}

#[tokio::test]
async fn a_nik_cannot_book_twice_for_a_service_and_day() {
    let (server, _dir) = start(Rules::default());
    let api = Api::new(&server.base);
    let day = today().tomorrow().unwrap().to_string();
    let first = booked(&api, &request("S1", &day, "09:00", 7)).await;
    assert_eq!(first["status"], "booked");
    assert_eq!(first["nik_last4"], nik(7)[12..]);
    assert_eq!(first["phone"], "0812****7007");
    let again = book(&api, &request("S1", &day, "10:00", 7)).await;
    assert_eq!(error_of(again).await, (409, "already_booked".into()));
    // Another service the same day, or the same service another day, is fine.
    booked(&api, &request("S2", &day, "00:00", 7)).await;
    let later = today()
        .saturating_add(jiff::Span::new().days(2))
        .to_string();
    booked(&api, &request("S1", &later, "09:00", 7)).await;
    // Once cancelled, the day is free again.
    let code = first["code"].as_str().unwrap();
    let token = first["manage_token"].as_str().unwrap();
    let res = api
        .delete(&format!("/bookings/{code}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cancelled: Value = res.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    booked(&api, &request("S1", &day, "10:00", 7)).await;
}

#[tokio::test]
async fn check_in_inside_and_outside_the_window() {
    let (server, _dir) = start(Rules::default());
    let api = Api::new(&server.base);
    let kiosk = api.with_token(KIOSK_TOKEN);
    let (current, _) = now_and_next(&api).await;
    let tomorrow = today().tomorrow().unwrap().to_string();
    let later = booked(&api, &request("S1", &tomorrow, "09:00", 1)).await;
    let res = kiosk
        .post(&format!(
            "/bookings/{}/check-in",
            later["code"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "check_in_closed");
    assert_eq!(body["error"]["window"]["from"], later["check_in_from"]);
    assert_eq!(body["error"]["window"]["until"], later["check_in_until"]);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Check-in dibuka")
    );

    let now = booked(
        &api,
        &request(
            "S1",
            current["date"].as_str().unwrap(),
            current["start"].as_str().unwrap(),
            2,
        ),
    )
    .await;
    let code = now["code"].as_str().unwrap();
    // Nobody without a kiosk's token or a staff account checks in (not from home).
    let res = api
        .post(&format!("/bookings/{code}/check-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // The kiosk's scanner types the code in any case, with or without its dash.
    let typed = code.to_lowercase().replace('-', "");
    let res = kiosk
        .post(&format!("/bookings/{typed}/check-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let ticket: Value = res.json().await.unwrap();
    assert_eq!(ticket["booking"], code);
    assert_eq!(ticket["kiosk"], "K1");
    assert!(ticket["number"].as_str().unwrap().starts_with('A'));
    assert!(ticket["track_token"].is_string());
    let res = kiosk
        .post(&format!("/bookings/{code}/check-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (409, "already_checked_in".into()));
    // The holder sees the ticket; a wrong token sees nothing, not even that it exists.
    let mine: Value = api
        .get(&format!("/bookings/{code}"))
        .bearer_auth(now["manage_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["status"], "checked_in");
    assert_eq!(mine["ticket"]["number"], ticket["number"]);
    assert_eq!(mine["ticket"]["track_token"], ticket["track_token"]);
    for token in ["wrong", later["manage_token"].as_str().unwrap()] {
        let res = api
            .get(&format!("/bookings/{code}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(res).await, (404, "booking_not_found".into()));
    }
    let res = api
        .get("/bookings/ACDE-FHJK")
        .bearer_auth("a-guess")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (404, "booking_not_found".into()));
    // Without a token at all: a 401, which says nothing about the code either.
    let res = api.get(&format!("/bookings/{code}")).send().await.unwrap();
    assert_eq!(error_of(res).await, (401, "unauthorized".into()));
    // An officer checks one in at the counter.
    let officer = api.log_in("budi", OFFICER_PASSWORD).await;
    let third = booked(
        &api,
        &request(
            "S1",
            current["date"].as_str().unwrap(),
            current["start"].as_str().unwrap(),
            3,
        ),
    )
    .await;
    let res = officer
        .post(&format!(
            "/bookings/{}/check-in",
            third["code"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    // The manager's view, worked out by hand: the session running now had two bookings,
    // both checked in; tomorrow's 09:00 has one waiting; quota 5 each.
    let report: Value = officer
        .json(&format!("/reports/bookings?from={}&to={tomorrow}", today()))
        .await;
    let row = |date: &str, start: &str| {
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["date"] == date && r["start"] == start)
            .cloned()
            .unwrap()
    };
    let now_row = row(
        current["date"].as_str().unwrap(),
        current["start"].as_str().unwrap(),
    );
    let counts = |r: &Value| {
        [&r["booked"], &r["checked_in"], &r["pending"], &r["left"]].map(|v| v.as_u64().unwrap())
    };
    assert_eq!(counts(&now_row), [2, 2, 0, 3]);
    assert_eq!(counts(&row(&tomorrow, "09:00")), [1, 0, 1, 4]);
    assert_eq!(
        (report["booked"].as_u64(), report["checked_in"].as_u64()),
        (Some(3), Some(2))
    );
    // The day's summary counts them as booked, not as walk-ins.
    let summary: Value = officer
        .json(&format!(
            "/reports/summary?from={0}&to={0}&group=priority",
            current["date"].as_str().unwrap()
        ))
        .await;
    let total = &summary["total"];
    assert_eq!(
        [&total["issued"], &total["booked"], &total["walk_in"]].map(|v| v.as_u64().unwrap()),
        [2, 2, 0]
    );
    assert_eq!(summary["rows"][0]["key"], "booked");
    // The counter's list of the day finds a booking by the NIK's last four digits.
    let found: Vec<Value> = officer
        .json(&format!("/bookings?q={}", &nik(3)[12..]))
        .await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["code"], third["code"]);
}

#[tokio::test]
async fn a_checked_in_booking_is_called_in_its_place_among_walk_ins() {
    let (server, _dir) = start(Rules::default());
    let api = Api::new(&server.base);
    let kiosk = api.with_token(KIOSK_TOKEN);
    let (current, next) = now_and_next(&api).await;
    // The session running now began before these walk-ins came; the next one begins
    // after them.
    let early = booked(
        &api,
        &request(
            "S1",
            current["date"].as_str().unwrap(),
            current["start"].as_str().unwrap(),
            1,
        ),
    )
    .await;
    let late = booked(
        &api,
        &request(
            "S1",
            next["date"].as_str().unwrap(),
            next["start"].as_str().unwrap(),
            2,
        ),
    )
    .await;
    let walk_1 = kiosk.issue("S1").await;
    let check_in = |code: String| {
        let kiosk = kiosk.clone();
        async move {
            let res = kiosk
                .post(&format!("/bookings/{code}/check-in"))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
            res.json::<Value>().await.unwrap()["number"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    // Both check in after the first walk-in, the early one's place is its session's
    // start: before the walk-ins.
    let late_number = check_in(late["code"].as_str().unwrap().to_string()).await;
    let early_number = check_in(early["code"].as_str().unwrap().to_string()).await;
    let walk_2 = kiosk.issue("S1").await;
    let officer = api.log_in("budi", OFFICER_PASSWORD).await;
    assert_eq!(officer.act("L1", "open", None).await.status(), 200);
    let mut order = Vec::new();
    for _ in 0..4 {
        let res = officer.act("L1", "call-next", None).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        let number = body["ticket"]["number"]
            .as_str()
            .or(body["number"].as_str())
            .unwrap()
            .to_string();
        order.push(number);
        officer.act("L1", "complete", None).await;
    }
    assert_eq!(
        order,
        vec![early_number, walk_1.number, walk_2.number, late_number]
    );
}

#[tokio::test]
async fn a_booking_not_checked_in_by_the_close_of_its_window_is_a_no_show() {
    // One-minute slots whose check-in closes at their start.
    let (server, _dir) = start(Rules {
        slot_min: 1,
        check_in_before_min: 2,
        check_in_after_min: 0,
        ..Rules::default()
    });
    let api = Api::new(&server.base);
    let slots = soon(&api).await;
    let now = Timestamp::now();
    let slot = slots
        .iter()
        .find(|s| {
            s["open"] == true
                && ts(s["check_in_until"].as_str().unwrap())
                    > now + jiff::SignedDuration::from_secs(5)
        })
        .expect("a slot starting soon");
    let b = booked(
        &api,
        &request(
            "S1",
            slot["date"].as_str().unwrap(),
            slot["start"].as_str().unwrap(),
            9,
        ),
    )
    .await;
    let until = ts(b["check_in_until"].as_str().unwrap());
    let code = b["code"].as_str().unwrap();
    let token = b["manage_token"].as_str().unwrap();
    let status = || async {
        api.get(&format!("/bookings/{code}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status().await, "booked");
    // The server notices the time at least every few seconds.
    let wait =
        until.duration_since(Timestamp::now()).unsigned_abs() + std::time::Duration::from_secs(15);
    let deadline = std::time::Instant::now() + wait;
    loop {
        if status().await == "no_show" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still not a no-show");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let res = api
        .with_token(KIOSK_TOKEN)
        .post(&format!("/bookings/{code}/check-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (409, "not_active".into()));
    let manager = api.log_in("budi", OFFICER_PASSWORD).await;
    let report: Value = manager
        .json(&format!(
            "/reports/bookings?from={0}&to={0}",
            slot["date"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        (report["booked"].as_u64(), report["no_show"].as_u64()),
        (Some(1), Some(1))
    );
}

#[tokio::test]
async fn bad_input_is_named_and_days_outside_the_rules_are_refused() {
    let (server, _dir) = start(Rules {
        release_days_before: 2,
        holiday_in_days: Some(1),
        ..Rules::default()
    });
    let api = Api::new(&server.base);
    let day = today()
        .saturating_add(jiff::Span::new().days(2))
        .to_string();
    let with = |field: &str, value: Value| {
        let mut body = request("S1", &day, "09:00", 1);
        body[field] = value;
        body
    };
    for (field, value, code) in [
        ("nik", json!("12345"), "invalid_nik"),
        ("nik", json!("7371051213850003"), "invalid_nik"),
        ("phone", json!("12"), "invalid_phone"),
        ("name", json!(" "), "invalid_name"),
        ("date", json!("besok"), "invalid_date"),
        ("start", json!("9 pagi"), "invalid_start"),
    ] {
        let res = book(&api, &with(field, value)).await;
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some(code)),
            "{field}"
        );
        assert!(
            body["error"]["message"].as_str().unwrap().contains(field),
            "{body}"
        );
    }
    let holiday = today().tomorrow().unwrap().to_string();
    let far = today()
        .saturating_add(jiff::Span::new().days(5))
        .to_string();
    let past = today().yesterday().unwrap().to_string();
    let beyond = today()
        .saturating_add(jiff::Span::new().days(8))
        .to_string();
    for (date, start, code) in [
        (holiday.as_str(), "09:00", "closed_day"),
        (far.as_str(), "09:00", "not_open_yet"),
        (past.as_str(), "09:00", "outside_window"),
        (beyond.as_str(), "09:00", "outside_window"),
        (day.as_str(), "09:30", "no_session"),
    ] {
        let res = book(&api, &request("S1", date, start, 1)).await;
        assert_eq!(
            error_of(res).await,
            (409, code.to_string()),
            "{date} {start}"
        );
    }
    let res = book(&api, &request("NOPE", &day, "09:00", 1)).await;
    assert_eq!(error_of(res).await.0, 404);
    // The holiday has no sessions; the days not yet released say when they open.
    let slots: Vec<Value> = api
        .json(&format!(
            "/booking/slots?service=S1&from={holiday}&to={far}"
        ))
        .await;
    assert!(slots.iter().all(|s| s["date"] != holiday.as_str()));
    let unreleased = slots.iter().find(|s| s["date"] == far.as_str()).unwrap();
    assert_eq!(unreleased["open"], false);
    let res = api
        .get("/booking/slots?service=S1&from=2026-13-01")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (400, "invalid_date".into()));
}
