//! Notifications end to end: the real binary sends every message of three bookings'
//! lives to a real webhook receiver on loopback, signed; the receiver is killed midway
//! and the server killed and restarted, and still every message arrives, none twice
//! once repeats are dropped by their id.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use antre_testkit::receiver::{Receiver, always};

use super::booking::{
    KIOSK_TOKEN, OFFICER_PASSWORD, Rules, booked, now_and_next, request, site_config, today,
};
use antre_testkit::server::{Api, Server};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

const SECRET: &str = "rahasia-webhook-uji";

/// The booking tests' site, with `[notify] ahead = 1` and a webhook to `hook`.
fn config(dir: &std::path::Path, hook: &str) -> std::path::PathBuf {
    site_config(
        dir,
        &Rules {
            extra: format!(
                "[notify]\nahead = 1\n[[notify.channels]]\nname = \"hook\"\nkind = \"webhook\"\n\
                 url = \"{hook}\"\nsecret = \"{SECRET}\"\n"
            ),
            ..Rules::default()
        },
    )
}

async fn checked_in(kiosk: &Api, code: &str) {
    let res = kiosk
        .post(&format!("/bookings/{code}/check-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

async fn act(officer: &Api, action: &str) -> Value {
    let res = officer.act("L1", action, None).await;
    assert!(res.status().is_success(), "{action}: {}", res.status());
    res.json().await.unwrap_or(Value::Null)
}

#[tokio::test]
async fn every_message_of_a_bookings_life_arrives_signed_once_through_crashes() {
    let receiver = Receiver::start(always(200)).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = config(dir.path(), &receiver.url());
    let mut server = Server::serve(&config, &data);
    let api = Api::new(&server.base);
    let kiosk = api.with_token(KIOSK_TOKEN);
    let tomorrow = today().tomorrow().unwrap().to_string();
    let (current, next) = now_and_next(&api).await;
    // A: the next session (behind two walk-ins), served. B: tomorrow, cancelled.
    // C: the session running now (first in line), called and missed.
    let a = booked(
        &api,
        &request(
            "S1",
            next["date"].as_str().unwrap(),
            next["start"].as_str().unwrap(),
            1,
        ),
    )
    .await;
    let b = booked(&api, &request("S1", &tomorrow, "09:00", 2)).await;
    let c = booked(
        &api,
        &request(
            "S1",
            current["date"].as_str().unwrap(),
            current["start"].as_str().unwrap(),
            3,
        ),
    )
    .await;
    let code = |v: &Value| v["code"].as_str().unwrap().to_string();
    kiosk.issue("S1").await;
    kiosk.issue("S1").await;
    checked_in(&kiosk, &code(&a)).await;
    checked_in(&kiosk, &code(&c)).await;
    // Some arrive; then the receiver dies.
    let deadline = Instant::now() + Duration::from_secs(30);
    while receiver.how_many() < 3 {
        assert!(Instant::now() < deadline, "the first messages never came");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (addr, log) = receiver.kill().await;
    let res = api
        .delete(&format!("/bookings/{}", code(&b)))
        .bearer_auth(b["manage_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let officer = api.log_in("budi", OFFICER_PASSWORD).await;
    act(&officer, "open").await;
    let called = act(&officer, "call-next").await;
    assert_eq!(called["booking"], c["code"], "C stands first: {called}");
    act(&officer, "no-show").await;
    // The server dies too, and comes back on the same data.
    server.kill();
    let server = Server::serve(&config, &data);
    let api = Api::new(&server.base);
    let officer = api.with_token(officer.token());
    for _ in 0..3 {
        act(&officer, "call-next").await;
        act(&officer, "complete").await;
    }
    // The receiver comes back where it was.
    let receiver = Receiver::start_at(addr, always(200), log).await;
    let expected: BTreeSet<(String, String)> = [
        (&a, "booking_confirmed"),
        (&a, "checked_in"),
        (&a, "ahead"),
        (&a, "called"),
        (&b, "booking_confirmed"),
        (&b, "cancelled"),
        (&c, "booking_confirmed"),
        (&c, "checked_in"),
        (&c, "called"),
        (&c, "missed"),
    ]
    .into_iter()
    .map(|(b, kind)| (code(b), kind.to_string()))
    .collect();
    // Retries back off up to a minute after a few failures; a bounded guard.
    let deadline = Instant::now() + Duration::from_secs(180);
    let messages = loop {
        let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
        for r in receiver.received() {
            let timestamp = r.headers["x-antre-timestamp"].to_str().unwrap();
            let signature = r.headers["x-antre-signature"].to_str().unwrap();
            let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
            mac.update(format!("{timestamp}.{}", r.body).as_bytes());
            let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
            assert_eq!(signature, good, "a badly signed message: {}", r.body);
            let body: Value = serde_json::from_str(&r.body).unwrap();
            assert_eq!(body["id"], r.id());
            by_id.insert(r.id(), body);
        }
        let got: Vec<(String, String)> = by_id
            .values()
            .map(|m| {
                (
                    m["booking"].as_str().unwrap().to_string(),
                    m["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        if got.iter().cloned().collect::<BTreeSet<_>>() == expected {
            break got;
        }
        assert!(
            Instant::now() < deadline,
            "not every message came: got {got:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(
        messages.len(),
        expected.len(),
        "one id per message: {messages:?}"
    );
    let by_kind = |kind: &str, booking: &Value| -> Value {
        receiver
            .received()
            .iter()
            .map(|r| serde_json::from_str::<Value>(&r.body).unwrap())
            .find(|m| m["kind"] == kind && m["booking"] == booking["code"])
            .unwrap()
    };
    let call = by_kind("called", &a);
    assert_eq!(call["to"], "6281234567001");
    assert_eq!(call["vars"]["counter"], "Loket 1");
    assert!(
        call["text"]
            .as_str()
            .unwrap()
            .contains(call["vars"]["number"].as_str().unwrap())
    );
    assert_eq!(by_kind("ahead", &a)["vars"]["ahead"], "1");
    let manager = api.with_token(officer.token());
    let outbox: Value = manager.json("/admin/outbox").await;
    assert_eq!(outbox["failed"], 0, "{outbox}");
}
