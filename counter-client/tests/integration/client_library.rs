//! The client library the terminal screen uses, against the real server: a session
//! that runs out mid-shift is renewed without losing the counter's ticket.

use antre_counter::api::{Action, Client, Outcome};
use antre_testkit::*;

#[tokio::test]
async fn an_expired_session_is_renewed_and_the_ticket_kept() {
    let server = Server::demo();
    let visitor = issue(&server, "DKP-KTP").await;
    let mut client = Client::new(&server.base).unwrap();
    let me = client.login("petugas-l01", PASSWORD).await.unwrap();
    assert_eq!(me.counters, ["L01"]);
    client.act("L01", &Action::Open).await.unwrap();
    let called = client.act("L01", &Action::CallNext).await.unwrap();
    assert!(
        matches!(&called, Outcome::Ticket(t) if t.id == visitor.id),
        "{called:?}"
    );

    // The token stops being accepted (as after twelve hours).
    client.set_token("u1.00.00");
    let refused = client.act("L01", &Action::Start).await.unwrap_err();
    assert!(refused.needs_login(), "{refused:?}");
    assert!(refused.to_string().contains("Silakan masuk"), "{refused}");
    // Plain retry logic does not touch the counter: still called, not serving.
    assert_eq!(
        client.counter("L01").await.unwrap().ticket.unwrap().status,
        antre_protocol::TicketStatus::Called
    );

    let started = client
        .act_or_relogin("L01", &Action::Start, "petugas-l01", PASSWORD)
        .await
        .unwrap();
    match started {
        Outcome::Ticket(t) => {
            assert_eq!(t.id, visitor.id, "the same visitor, kept by the server");
            assert_eq!(t.status, antre_protocol::TicketStatus::Serving);
        }
        other => panic!("{other:?}"),
    }
    // A wrong password stays a clear refusal.
    client.set_token("u1.00.00");
    let wrong = client
        .act_or_relogin("L01", &Action::Complete, "petugas-l01", "salah")
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Some("invalid_credentials"));
}
