//! Whatever arrives, the server answers with a JSON error and keeps serving.

use antre_testkit::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

/// Paths that take a body, with whoever may call them.
const POSTS: &[&str] = &[
    "/api/v1/tickets",
    "/api/v1/auth/login",
    "/api/v1/counters/L01/open",
    "/api/v1/counters/L01/call",
    "/api/v1/counters/L01/transfer",
    "/api/v1/counters/L01/hold",
    "/api/v1/counters/L01/resume",
    "/api/v1/tickets/1/cancel",
    "/api/v1/tickets/1/reinstate",
    "/api/v1/track/x/cancel",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_bodies_get_json_errors_and_the_server_keeps_serving() {
    let server = Server::demo();
    let admin = login(&server, "admin").await;
    let http = client();
    // Bodies: random bytes, random JSON-ish text, and JSON values of the wrong shape.
    let body = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        "[ -~]{0,200}".prop_map(String::into_bytes),
        proptest::arbitrary::any::<(Option<String>, Option<i64>, bool)>().prop_map(|(s, n, b)| {
            serde_json::to_vec(
                &serde_json::json!({"service": s, "ticket": n, "reason": b, "priority": s}),
            )
            .unwrap()
        }),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 300,
        ..Config::default()
    });
    let mut cases = Vec::new();
    for _ in 0..300 {
        let tree = body.new_tree(&mut runner).unwrap();
        cases.push(tree.current());
    }
    for (i, bytes) in cases.into_iter().enumerate() {
        let path = POSTS[i % POSTS.len()];
        let res = http
            .post(server.url(path))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(bytes.clone())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        assert!(
            status < 500,
            "{path} answered {status} to {:?}",
            String::from_utf8_lossy(&bytes)
        );
        if !(200..300).contains(&status) {
            let body: Value = res.json().await.expect("errors are JSON");
            assert!(body["error"]["code"].is_string(), "{path}: {body}");
        }
    }
    assert_eq!(
        http.get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
