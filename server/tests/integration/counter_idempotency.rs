//! Counter actions with an `Idempotency-Key`: a request the network repeats gets the
//! first answer instead of acting twice (a second call-next would call another visitor).

use antre_protocol::Ticket;
use antre_testkit::*;
use serde_json::Value;

async fn call_next(server: &Server, token: &str, key: Option<&str>) -> reqwest::Response {
    let req = client()
        .post(server.url("/api/v1/counters/L01/call-next"))
        .bearer_auth(token);
    let req = match key {
        Some(k) => req.header("Idempotency-Key", k),
        None => req,
    };
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_repeated_call_next_is_answered_once_and_acts_once() {
    let server = Server::demo();
    let officer = login(&server, "petugas-l01").await;
    assert_eq!(
        act(&server, &officer, "L01", "open", None).await.status(),
        200
    );
    let first = issue(&server, "DKP-KTP").await;
    let second = issue(&server, "DKP-KTP").await;

    let a: Ticket = call_next(&server, &officer, Some("tekan-1"))
        .await
        .json()
        .await
        .unwrap();
    let again = call_next(&server, &officer, Some("tekan-1")).await;
    assert_eq!(again.status(), 200);
    let b: Ticket = again.json().await.unwrap();
    assert_eq!((a.id, b.id), (first.id, first.id), "the same answer");
    let view: Value = client()
        .get(server.url("/api/v1/counters/L01"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["ticket"]["id"], first.id, "still the first visitor");

    // A new key is a new press.
    let c: Ticket = call_next(&server, &officer, Some("tekan-2"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c.id, second.id);
    // Nobody left: 204, and its repeat too (without completing anything else).
    assert_eq!(
        call_next(&server, &officer, Some("tekan-3")).await.status(),
        204
    );
    assert_eq!(
        call_next(&server, &officer, Some("tekan-3")).await.status(),
        204
    );

    // Keys are per user: someone else's same key is their own press (and refused here).
    let other = login(&server, "petugas-l02").await;
    let res = call_next(&server, &other, Some("tekan-1")).await;
    assert_eq!(res.status(), 403);

    // A bad key is refused before anything happens.
    let res = call_next(&server, &officer, Some(&"x".repeat(200))).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_idempotency_key"
    );
}
