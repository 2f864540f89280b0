//! Taking tickets against the real server: concurrency, idempotency, bad input.

use std::collections::{HashMap, HashSet};

use antre_protocol::{CounterAction, SiteInfo, Ticket};
use antre_testkit::*;
use serde_json::{Value, json};

fn no_quota_services(site: &SiteInfo) -> Vec<String> {
    site.services
        .iter()
        .filter(|s| s.daily_quota.is_none())
        .map(|s| s.code.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_issues_never_duplicate_and_count_up_per_prefix() {
    let server = Server::demo();
    let services = no_quota_services(&site(&server).await);
    assert!(services.len() >= 2);
    // 16 clients × 25 tickets over two services, all at once.
    let mut tasks = Vec::new();
    for client_no in 0..16 {
        let kiosk = server.api().as_device();
        let services = services.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for i in 0..25 {
                got.push(kiosk.issue(&services[(client_no + i) % 2]).await);
            }
            got
        }));
    }
    let mut tickets: Vec<Ticket> = Vec::new();
    for t in tasks {
        tickets.extend(t.await.unwrap());
    }
    assert_eq!(tickets.len(), 400);
    let numbers: HashSet<&str> = tickets.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers.len(), 400, "no number given twice");
    let ids: HashSet<u64> = tickets.iter().map(|t| t.id).collect();
    assert_eq!(ids.len(), 400);
    // In issue order (ids), numbers rise strictly per prefix, without gaps from 1.
    tickets.sort_by_key(|t| t.id);
    let mut last: HashMap<String, u32> = HashMap::new();
    for t in &tickets {
        let prefix: String = t
            .number
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let n: u32 = t.number[prefix.len()..].parse().unwrap();
        let prev = last.insert(prefix, n).unwrap_or(0);
        assert_eq!(n, prev + 1, "{} follows {prev}", t.number);
    }
}

#[tokio::test]
async fn the_same_idempotency_key_gives_one_ticket() {
    let server = Server::demo();
    let services = no_quota_services(&site(&server).await);
    let http = client();
    let take = |key: &'static str| {
        http.post(server.url("/api/v1/tickets"))
            .bearer_auth(PASSWORD)
            .header("Idempotency-Key", key)
            .json(&json!({"service": services[0]}))
            .send()
    };
    let first: Ticket = take("7f1c-retry").await.unwrap().json().await.unwrap();
    let second: Ticket = take("7f1c-retry").await.unwrap().json().await.unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(first.number, second.number);
    assert_eq!(first.track_token, second.track_token);
    let other: Ticket = take("another-key").await.unwrap().json().await.unwrap();
    assert_ne!(other.id, first.id);
    let queues: Vec<Value> = http
        .get(server.url("/api/v1/queues"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let q = queues
        .iter()
        .find(|q| q["service"] == services[0].as_str())
        .unwrap();
    assert_eq!(q["waiting"], 2);
}

#[tokio::test]
async fn a_ticket_answer_has_the_contract_fields_and_can_be_tracked() {
    let server = Server::demo();
    let services = no_quota_services(&site(&server).await);
    let res = client()
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(PASSWORD)
        .json(&json!({"service": services[0], "priority": "lansia"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    for field in [
        "id",
        "number",
        "service",
        "status",
        "position",
        "estimated_wait_s",
        "track_token",
        "issued_at",
    ] {
        assert!(body.get(field).is_some(), "{field} missing in {body}");
    }
    assert_eq!(body["status"], "waiting");
    assert_eq!(body["priority"], "lansia");
    assert_eq!(
        body["kiosk"], "K1",
        "a kiosk's device token names its kiosk"
    );
    assert!(
        body["issued_at"].as_str().unwrap().ends_with("+08:00"),
        "local time of Makassar"
    );
    let token = body["track_token"].as_str().unwrap();
    let tracked: Value = client()
        .get(server.url(&format!("/api/v1/track/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tracked["id"], body["id"]);
    assert_eq!(tracked["position"], 0);
    let res = client()
        .get(server.url("/api/v1/track/not-a-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "ticket_not_found"
    );
}

#[tokio::test]
async fn bad_input_gets_clear_errors() {
    let server = Server::demo();
    let http = client();
    let post = |body: String| {
        http.post(server.url("/api/v1/tickets"))
            .bearer_auth(PASSWORD)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(
        error_of(post(r#"{"service": "NOPE"}"#.into()).await.unwrap()).await,
        (404, "service_not_found".into())
    );
    assert_eq!(
        error_of(post("{not json".into()).await.unwrap()).await,
        (400, "malformed_json".into())
    );
    assert_eq!(
        error_of(post(r#"{"service": 5}"#.into()).await.unwrap()).await,
        (400, "invalid_body".into())
    );
    assert_eq!(
        error_of(
            post(r#"{"service": "X", "priority": "vip"}"#.into())
                .await
                .unwrap()
        )
        .await,
        (400, "invalid_body".into())
    );
    // The server answers an oversized body without reading it and closes that
    // connection, so it goes on a client of its own: a pooled connection closing under
    // the next request would fail that request, not this one.
    let huge = format!(r#"{{"service": "{}"}}"#, "A".repeat(100_000));
    let res = client()
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(PASSWORD)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (413, "payload_too_large".into()));
    let res = http
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(PASSWORD)
        .header("Idempotency-Key", "x".repeat(500))
        .json(&json!({"service": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (400, "invalid_idempotency_key".into()));
    let res = http
        .get(server.url("/api/v1/no/such/path"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (404, "not_found".into()));
    let res = http
        .post(server.url("/api/v1/tickets"))
        .bearer_auth("wrong-device-token")
        .json(&json!({"service": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (401, "unauthorized".into()));
    // The server is still fine.
    assert_eq!(
        http.get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn quotas_fill_up_and_anonymous_callers_are_rate_limited() {
    let server = Server::demo();
    let site = site(&server).await;
    let small = site
        .services
        .iter()
        .filter(|s| s.daily_quota.is_some())
        .min_by_key(|s| s.daily_quota)
        .unwrap();
    for _ in 0..small.daily_quota.unwrap() {
        issue(&server, &small.code).await;
    }
    let http = client();
    let res = http
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(PASSWORD)
        .json(&json!({"service": small.code}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (409, "quota_full".into()));
    let queues: Vec<Value> = http
        .get(server.url("/api/v1/queues"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let q = queues
        .iter()
        .find(|q| q["service"] == small.code.as_str())
        .unwrap();
    assert_eq!(
        (q["state"].as_str(), q["quota_left"].as_u64()),
        (Some("full"), Some(0))
    );

    // Without a device token: six a minute per address (the demo's limit), then 429.
    let open = no_quota_services(&site);
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let res = http
            .post(server.url("/api/v1/tickets"))
            .json(&json!({"service": open[0]}))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(&statuses[..6], &[201; 6]);
    assert_eq!(statuses[7], 429);
    // The kiosk with its token is not limited.
    issue(&server, &open[0]).await;
}

#[tokio::test]
async fn a_closed_service_says_when_it_opens() {
    // A site whose only service is open during an hour that is not now in Makassar.
    let now_hour: i8 = jiff::Timestamp::now()
        .in_tz("Asia/Makassar")
        .unwrap()
        .hour();
    let hours = if now_hour < 12 {
        "13:00-14:00"
    } else {
        "01:00-02:00"
    };
    let config = format!(
        r#"
[site]
code = "X"
name = "MPP Uji"
timezone = "Asia/Makassar"
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
name = "Layanan"
name_en = "Service"
target_wait_min = 10
avg_service_min = 5
hours = "{hours}"
days = ["mon","tue","wed","thu","fri","sat","sun"]
[[counters]]
code = "L1"
name = "Loket 1"
zone = "A"
agency = "AG"
services = ["S1"]
"#
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.toml");
    std::fs::write(&path, config).unwrap();
    let server = Server::serve(&path, &dir.path().join("data"));
    let res = client()
        .post(server.url("/api/v1/tickets"))
        .json(&json!({"service": "S1"}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("service_closed"))
    );
    let opens = &hours[..5];
    assert!(
        body["error"]["message"].as_str().unwrap().contains(opens),
        "{body}"
    );
    let queues: Vec<Value> = client()
        .get(server.url("/api/v1/queues"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queues[0]["state"], "closed");
    assert_eq!(queues[0]["opens_at"], opens);
}

#[tokio::test]
async fn the_openapi_document_lists_the_core_paths() {
    let server = Server::demo();
    let doc: Value = client()
        .get(server.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/healthz",
        "/api/v1/site",
        "/api/v1/tickets",
        "/api/v1/track/{token}",
        "/api/v1/auth/login",
        "/api/v1/counters/{code}/{action}",
        "/api/v1/queues",
        "/api/v1/stream",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    // The generic counter path names every action but the two with paths of their own
    // (each needs a body), so the document and the routes cannot drift apart.
    let action = doc["paths"]["/api/v1/counters/{code}/{action}"]["post"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "action")
        .unwrap()["schema"]["pattern"]
        .as_str()
        .unwrap()
        .to_string();
    let listed: Vec<&str> = action
        .trim_start_matches("^(")
        .trim_end_matches(")$")
        .split('|')
        .collect();
    let own_path = [CounterAction::Call, CounterAction::Transfer];
    let expected: Vec<&str> = CounterAction::ALL
        .into_iter()
        .filter(|a| !own_path.contains(a))
        .map(CounterAction::as_str)
        .collect();
    assert_eq!(listed, expected);
    for a in own_path {
        let path = format!("/api/v1/counters/{{code}}/{}", a.as_str());
        assert!(
            doc["paths"][&path]["post"]["requestBody"]["required"] == true,
            "{path} documents its body"
        );
    }
    let site: Value = client()
        .get(server.url("/api/v1/site"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for key in [
        "agencies", "services", "counters", "zones", "kiosks", "boards",
    ] {
        assert!(
            !site[key].as_array().unwrap().is_empty(),
            "site lists {key}"
        );
    }
}
