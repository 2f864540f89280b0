//! Counter actions against the real server: concurrency, roles, transfers.

use std::collections::HashSet;

use antre_protocol::{CounterView, Ticket};
use antre_testkit::*;
use serde_json::{Value, json};

/// Counters of the demo that share a service, and that service.
async fn shared_service(server: &Server) -> (String, Vec<String>) {
    let site = site(server).await;
    let service = site
        .services
        .iter()
        .map(|s| {
            let counters: Vec<String> = site
                .counters
                .iter()
                .filter(|c| c.services.contains(&s.code))
                .map(|c| c.code.clone())
                .collect();
            (s.code.clone(), counters)
        })
        .max_by_key(|(_, c)| c.len())
        .unwrap();
    assert!(
        service.1.len() >= 2,
        "the demo has a service served at several counters"
    );
    service
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counters_calling_at_once_never_get_the_same_ticket() {
    let server = Server::demo();
    let (service, counters) = shared_service(&server).await;
    let admin = server.api().as_user("admin").await;
    let kiosk = server.api().as_device();
    for _ in 0..60 {
        kiosk.issue(&service).await;
    }
    for c in &counters {
        assert_eq!(admin.act(c, "open", None).await.status(), 200);
    }
    // Every counter presses call-next as fast as it can until nobody is left.
    let mut tasks = Vec::new();
    for c in counters.clone() {
        let admin = admin.clone();
        tasks.push(tokio::spawn(async move {
            let mut called = Vec::new();
            loop {
                let res = admin.act(&c, "call-next", None).await;
                match res.status().as_u16() {
                    200 => called.push(res.json::<Ticket>().await.unwrap()),
                    204 => break called,
                    other => panic!("call-next answered {other}"),
                }
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let ids: HashSet<u64> = all.iter().map(|t| t.id).collect();
    assert_eq!(all.len(), 60, "every ticket called once");
    assert_eq!(ids.len(), 60, "no ticket called twice");
}

#[tokio::test]
async fn officers_act_only_on_their_own_counters() {
    let server = Server::demo();
    let site = site(&server).await;
    let (l1, l2) = (&site.counters[0], &site.counters[1]);
    let officer1 = login(&server, &format!("petugas-{}", l1.code.to_lowercase())).await;
    let officer2 = login(&server, &format!("petugas-{}", l2.code.to_lowercase())).await;
    // Not assigned to that counter.
    let res = act(&server, &officer1, &l2.code, "open", None).await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "counter_not_assigned"
    );
    let res = act(&server, &officer1, &l1.code, "open", None).await;
    assert_eq!(res.status(), 200);
    let view: CounterView = res.json().await.unwrap();
    assert_eq!(
        view.officer.as_deref(),
        Some(format!("petugas-{}", l1.code.to_lowercase()).as_str())
    );
    // Someone else's open counter.
    let res = act(&server, &officer2, &l1.code, "call-next", None).await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "counter_not_yours"
    );
    // Nobody waiting: 204.
    let res = act(&server, &officer1, &l1.code, "call-next", None).await;
    assert_eq!(res.status(), 204);
    // No token, a forged token.
    assert_eq!(
        client()
            .post(server.url(&format!("/api/v1/counters/{}/call-next", l1.code)))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        act(&server, "u1.00.00", &l1.code, "call-next", None)
            .await
            .status(),
        401
    );
    // Unknown counter and action.
    assert_eq!(
        act(&server, &officer1, "NOPE", "open", None).await.status(),
        404
    );
    assert_eq!(
        act(&server, &officer1, &l1.code, "dance", None)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_wrong_password_does_not_say_whether_the_user_exists() {
    let server = Server::demo();
    let http = client();
    let mut answers = Vec::new();
    for (user, password) in [
        ("admin", "salah"),
        ("tidak-ada", "salah"),
        ("tidak-ada", PASSWORD),
    ] {
        let res = http
            .post(server.url("/api/v1/auth/login"))
            .json(&json!({"username": user, "password": password}))
            .send()
            .await
            .unwrap();
        answers.push((res.status().as_u16(), res.json::<Value>().await.unwrap()));
    }
    assert!(answers.iter().all(|(s, _)| *s == 401));
    assert!(
        answers.windows(2).all(|w| w[0].1 == w[1].1),
        "identical answers: {answers:?}"
    );
}

#[tokio::test]
async fn transfer_keeps_the_visitors_place_and_refuses_bad_targets() {
    let server = Server::demo();
    let site = site(&server).await;
    let counter = &site.counters[0];
    let from = &counter.services[0];
    let target = site
        .services
        .iter()
        .find(|s| s.daily_quota.is_none() && &s.code != from)
        .unwrap()
        .code
        .clone();
    let token = login(&server, &format!("petugas-{}", counter.code.to_lowercase())).await;
    let visitor = issue(&server, from).await;
    // Two people join the target service after the visitor arrived.
    let later1 = issue(&server, &target).await;
    issue(&server, &target).await;
    act(&server, &token, &counter.code, "open", None).await;
    let called: Ticket = act(&server, &token, &counter.code, "call-next", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(called.id, visitor.id);

    let res = act(
        &server,
        &token,
        &counter.code,
        "transfer",
        Some(json!({"service": "NOPE"})),
    )
    .await;
    assert_eq!(error_of(res).await, (404, "service_not_found".into()));
    let res = act(
        &server,
        &token,
        &counter.code,
        "transfer",
        Some(json!({"service": from})),
    )
    .await;
    assert_eq!(error_of(res).await, (422, "same_service".into()));
    let res = act(
        &server,
        &token,
        &counter.code,
        "transfer",
        Some(json!({"wrong": 1})),
    )
    .await;
    assert_eq!(res.status(), 400);

    let res = act(
        &server,
        &token,
        &counter.code,
        "transfer",
        Some(json!({"service": target, "note": "bawa berkas"})),
    )
    .await;
    assert_eq!(res.status(), 200);
    let moved: Ticket = res.json().await.unwrap();
    assert_eq!(moved.service, target);
    assert_eq!(moved.status, antre_protocol::TicketStatus::Waiting);
    assert_eq!(
        moved.number, visitor.number,
        "the visitor keeps their number"
    );
    assert_eq!(moved.issued_at, visitor.issued_at, "and their arrival time");
    assert_eq!(moved.position, Some(0), "ahead of those who came later");
    let tracked: Ticket = client()
        .get(server.url(&format!("/api/v1/track/{}", later1.track_token.unwrap())))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tracked.position, Some(1));
}

#[tokio::test]
async fn the_whole_life_of_a_ticket_at_a_counter() {
    let server = Server::demo();
    let site = site(&server).await;
    let counter = &site.counters[0];
    let service = &counter.services[0];
    let token = login(&server, "admin").await;
    let a = issue(&server, service).await;
    let b = issue(&server, service).await;
    let ok = |res: reqwest::Response, code: u16| async move {
        assert_eq!(res.status(), code);
        res
    };
    // Closed counters do nothing.
    let res = act(&server, &token, &counter.code, "call-next", None).await;
    assert_eq!(res.status(), 409);
    ok(act(&server, &token, &counter.code, "open", None).await, 200).await;
    let t: Ticket = ok(
        act(&server, &token, &counter.code, "call-next", None).await,
        200,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (t.id, t.counter.as_deref()),
        (a.id, Some(counter.code.as_str()))
    );
    let t: Ticket = ok(
        act(&server, &token, &counter.code, "recall", None).await,
        200,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(t.recalls, 1);
    ok(
        act(&server, &token, &counter.code, "no-show", None).await,
        200,
    )
    .await;
    // Reinstated within the grace period: back in line before b.
    let res = client()
        .post(server.url(&format!("/api/v1/tickets/{}/reinstate", a.id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let t: Ticket = ok(
        act(&server, &token, &counter.code, "call-next", None).await,
        200,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(t.id, a.id);
    let t: Ticket = ok(
        act(&server, &token, &counter.code, "start", None).await,
        200,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(t.status, antre_protocol::TicketStatus::Serving);
    ok(
        act(
            &server,
            &token,
            &counter.code,
            "hold",
            Some(json!({"note": "fotokopi KK"})),
        )
        .await,
        200,
    )
    .await;
    let res = act(&server, &token, &counter.code, "pause", None).await;
    let view: CounterView = res.json().await.unwrap();
    assert_eq!(view.status, antre_protocol::CounterStatus::Paused);
    assert_eq!(view.held.len(), 1);
    assert_eq!(
        act(&server, &token, &counter.code, "call-next", None)
            .await
            .status(),
        409
    );
    ok(
        act(&server, &token, &counter.code, "resume", None).await,
        200,
    )
    .await;
    let t: Ticket = ok(
        act(
            &server,
            &token,
            &counter.code,
            "resume",
            Some(json!({"ticket": a.id})),
        )
        .await,
        200,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (t.id, t.status),
        (a.id, antre_protocol::TicketStatus::Called)
    );
    let t: Ticket = ok(
        act(&server, &token, &counter.code, "complete", None).await,
        200,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(t.status, antre_protocol::TicketStatus::Done);
    assert_eq!(
        act(&server, &token, &counter.code, "complete", None)
            .await
            .status(),
        409
    );
    // The visitor of b gives up from the phone page.
    let res = client()
        .post(server.url(&format!("/api/v1/track/{}/cancel", b.track_token.unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.json::<Ticket>().await.unwrap().status,
        antre_protocol::TicketStatus::Cancelled
    );
    assert_eq!(
        act(&server, &token, &counter.code, "call-next", None)
            .await
            .status(),
        204
    );
    ok(
        act(&server, &token, &counter.code, "close", None).await,
        200,
    )
    .await;
}
