//! The opening of the day at the demo MPP: many counters call their first visitor within
//! the same second.

use antre_protocol::EventKind;
use antre_testkit::*;

/// Zone A's fourteen counters and six of zone B's: a lobby board hears all of them.
pub const COUNTERS: [&str; 20] = [
    "L01", "L02", "L03", "L04", "L05", "L06", "L07", "L08", "L09", "L10", "L11", "L12", "L13",
    "L14", "L15", "L16", "L17", "L18", "L19", "L20",
];

/// Opens the counters and gives each two tickets of the first service it serves, so that
/// every one of them has someone to call whichever waiting ticket its neighbours take.
pub async fn prepare(server: &Server, token: &str, counters: &[&str]) {
    let site = site(server).await;
    for code in counters {
        let counter = site.counters.iter().find(|c| c.code == *code).unwrap();
        let res = act(server, token, code, "open", None).await;
        assert_eq!(res.status(), 200, "open {code}");
        for _ in 0..2 {
            issue(server, &counter.services[0]).await;
        }
    }
}

/// Every counter calls its next visitor at the same moment. Returns the calls, as
/// `(number, counter)`, in the order the server made them (the stream's).
pub async fn fire(server: &Server, token: &str, counters: &[&str]) -> Vec<(String, String)> {
    let mut ws = subscribe(server, "").await;
    let _snapshot = a_snapshot(&mut ws).await;
    let mut calls = tokio::task::JoinSet::new();
    let api = server.api().with_token(token);
    for code in counters {
        let api = api.clone();
        let code = code.to_string();
        calls.spawn(async move { (api.act(&code, "call-next", None).await.status(), code) });
    }
    while let Some(done) = calls.join_next().await {
        let (status, code) = done.unwrap();
        assert_eq!(status, 200, "call-next at {code}");
    }
    let mut order = Vec::new();
    while order.len() < counters.len() {
        let e = next_event(&mut ws, EventKind::TicketCalled).await;
        let counter = e.counter.as_ref().unwrap().code.clone();
        order.push((e.ticket.unwrap().number, counter));
    }
    order
}
