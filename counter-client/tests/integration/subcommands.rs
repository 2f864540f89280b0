//! The built `antre-counter` binary's subcommands against the real `antre` server.

use std::process::{Command, Output};

use antre_protocol::{EventKind, StreamMessage, Ticket};
use antre_testkit::*;

fn antre_counter(server_base: &str, user: &str, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_antre-counter"))
        .args([
            "--server",
            server_base,
            "--user",
            user,
            "--password",
            password,
        ])
        .args(args)
        .env_remove("ANTRE_SERVER")
        .env_remove("ANTRE_USER")
        .env_remove("ANTRE_PASSWORD")
        .env_remove("ANTRE_COUNTER")
        .output()
        .expect("antre-counter runs")
}

fn run(server: &Server, user: &str, args: &[&str]) -> Output {
    antre_counter(&server.base, user, PASSWORD, args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

async fn waiting(server: &Server, token: &str, service: &str) -> Vec<Ticket> {
    client()
        .get(server.url(&format!("/api/v1/services/{service}/waiting")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_officer_serves_a_visitor_from_the_command_line() {
    let server = Server::demo();
    let mut ws = subscribe(&server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));

    // Acting before opening: refused, with a hint.
    let out = run(&server, "petugas-l01", &["call-next", "--counter", "L01"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Loket belum dibuka"),
        "{}",
        stderr(&out)
    );

    // The officer has one counter: --counter may be left out.
    let out = run(&server, "petugas-l01", &["open"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "open");

    // Nobody waits: a clear message and success.
    let out = run(&server, "petugas-l01", &["call-next", "--counter", "L01"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("Tidak ada yang menunggu"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("Nobody is waiting"));

    let visitor = issue(&server, "DKP-KTP").await;
    let later = issue(&server, "DKP-KK").await;
    let out = run(&server, "petugas-l01", &["call-next", "--counter", "L01"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), visitor.number, "prints the called number");
    // The call is on the stream for the hall.
    loop {
        if let StreamMessage::Event(e) = next_message(&mut ws).await
            && e.kind == EventKind::TicketCalled
        {
            assert_eq!(e.ticket.unwrap().id, visitor.id);
            break;
        }
    }

    for action in ["recall", "start"] {
        let out = run(&server, "petugas-l01", &[action, "--counter", "L01"]);
        assert!(out.status.success(), "{action}: {}", stderr(&out));
        assert_eq!(stdout(&out), visitor.number);
    }
    // Recall of a ticket being served is not possible any more: refused, exit 2.
    let out = run(&server, "petugas-l01", &["recall", "--counter", "L01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("status tiket"), "{}", stderr(&out));

    // Transfer to the right service: the visitor keeps their place (ahead of `later`).
    let out = run(
        &server,
        "petugas-l01",
        &[
            "transfer",
            "--counter",
            "L01",
            "--service",
            "DKP-KK",
            "--note",
            "salah loket",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), visitor.number);
    let admin = login(&server, "admin").await;
    let line: Vec<u64> = waiting(&server, &admin, "DKP-KK")
        .await
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(line, vec![visitor.id, later.id]);

    // Unknown service: refused with the server's reason.
    issue(&server, "DKP-KTP").await;
    run(&server, "petugas-l01", &["call-next"]);
    let out = run(&server, "petugas-l01", &["transfer", "--service", "NOPE"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Layanan tidak ditemukan"),
        "{}",
        stderr(&out)
    );
    let out = run(&server, "petugas-l01", &["no-show"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = run(&server, "petugas-l01", &["close"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "closed");
}

#[tokio::test]
async fn wrong_passwords_foreign_counters_and_dead_servers_get_clear_messages() {
    let server = Server::demo();
    let out = antre_counter(&server.base, "petugas-l01", "salah", &["open"]);
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(err.contains("kata sandi salah"), "{err}");
    assert!(err.contains("Wrong username or password"), "{err}");

    // Not assigned to L01.
    let out = run(&server, "petugas-l02", &["open", "--counter", "L01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tidak ditugaskan"),
        "{}",
        stderr(&out)
    );

    // Someone else opened it (a supervisor standing in): the officer's actions are refused.
    let penyelia = login(&server, "penyelia").await;
    assert_eq!(
        act(&server, &penyelia, "L02", "open", None).await.status(),
        200
    );
    issue(&server, "DKP-KTP").await;
    let out = run(&server, "petugas-l02", &["call-next", "--counter", "L02"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("dibuka oleh petugas lain"), "{err}");
    assert!(err.contains("Open your own counter"), "{err}");
    let view: antre_protocol::CounterView = client()
        .get(server.url("/api/v1/counters/L02"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(view.ticket.is_none(), "nothing was called");

    // Nothing listens there: retried, then reported (exit 3), never silently dropped.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let out = antre_counter(&dead_url, "petugas-l01", PASSWORD, &["call-next"]);
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("Server tidak dapat dihubungi"), "{err}");
    assert!(err.contains("mencoba lagi"), "retried first: {err}");

    // No --counter for an admin, who may use any counter.
    let out = run(&server, "admin", &["call-next"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--counter"), "{}", stderr(&out));
}

async fn ticket_now(server: &Server, token: &str, id: u64) -> Ticket {
    client()
        .get(server.url(&format!("/api/v1/tickets/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn reinstate_call_out_of_turn_requeue_and_cancel_from_the_command_line() {
    let server = Server::demo();
    let admin = login(&server, "admin").await;
    let mut ws = subscribe(&server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));
    let first = issue(&server, "DKP-KTP").await;
    let second = issue(&server, "DKP-KTP").await;
    let third = issue(&server, "DKP-KTP").await;
    assert!(run(&server, "petugas-l01", &["open"]).status.success());
    let out = run(&server, "petugas-l01", &["call-next"]);
    assert_eq!(stdout(&out), first.number);
    assert!(run(&server, "petugas-l01", &["no-show"]).status.success());

    // The no-show comes back: by number, in line at the place their arrival gives.
    let out = run(
        &server,
        "petugas-l01",
        &["reinstate", "--ticket", &first.number.to_lowercase()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), first.number);
    assert!(stderr(&out).contains("dipulihkan"), "{}", stderr(&out));
    let now = ticket_now(&server, &admin, first.id).await;
    assert_eq!(now.status, antre_protocol::TicketStatus::Waiting);
    assert_eq!(now.position, Some(0), "back at the head of the line");

    // The third visitor out of turn: refused without a reason, called with one.
    let out = run(&server, "petugas-l01", &["call", "--ticket", &third.number]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--reason"), "{}", stderr(&out));
    let out = run(
        &server,
        "petugas-l01",
        &[
            "call",
            "--ticket",
            &third.number,
            "--reason",
            "lansia, kembali dari fotokopi",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), third.number);
    let called = next_event(&mut ws, EventKind::TicketCalled).await;
    let called = next_event_after(&mut ws, called, third.id).await;
    assert!(called.detail.out_of_order);
    assert_eq!(
        called.detail.reason.as_deref(),
        Some("lansia, kembali dari fotokopi")
    );
    // A number nobody has today.
    let out = run(&server, "petugas-l01", &["call", "--ticket", "Z999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Tiket tidak ditemukan"),
        "{}",
        stderr(&out)
    );

    // The officer must leave: the visitor goes back in line at their place.
    let out = run(&server, "petugas-l01", &["requeue"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), third.number);
    let now = ticket_now(&server, &admin, third.id).await;
    assert_eq!(now.status, antre_protocol::TicketStatus::Waiting);
    let line: Vec<u64> = waiting(&server, &admin, "DKP-KTP")
        .await
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(line, vec![first.id, second.id, third.id]);

    // Cancelling is for supervisors and admins, with a reason; no counter needed.
    let out = run(
        &server,
        "petugas-l01",
        &["cancel", "--ticket", &second.number, "--reason", "ganda"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run(
        &server,
        "penyelia",
        &["cancel", "--ticket", &second.number, "--reason", "ganda"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), second.number);
    let now = ticket_now(&server, &admin, second.id).await;
    assert_eq!(now.status, antre_protocol::TicketStatus::Cancelled);
    let cancelled = next_event(&mut ws, EventKind::TicketCancelled).await;
    assert_eq!(cancelled.detail.reason.as_deref(), Some("ganda"));
    assert_eq!(cancelled.detail.by.as_deref(), Some("penyelia"));
}

/// The `ticket.called` event of `id`: `first` if it is, else the next one.
async fn next_event_after(
    ws: &mut Ws,
    first: antre_protocol::Event,
    id: u64,
) -> antre_protocol::Event {
    let mut event = first;
    while event.ticket.as_ref().map(|t| t.id) != Some(id) {
        event = next_event(ws, EventKind::TicketCalled).await;
    }
    event
}

#[tokio::test]
async fn an_assigned_officer_takes_a_counter_over_from_the_command_line() {
    let (_dir, server) = crate::shared_site::server();
    let mut ws = subscribe(&server, "").await;
    assert!(matches!(
        next_message(&mut ws).await,
        StreamMessage::Snapshot(_)
    ));
    let out = run(&server, "siti", &["open", "--counter", "L01"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Budi, also of L01, is told who has it and how to take it over.
    let out = run(&server, "budi", &["open"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("siti"), "{err}");
    assert!(err.contains("open --take-over"), "{err}");
    let out = run(&server, "budi", &["open", "--take-over"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "open");
    let view: antre_protocol::CounterView = client()
        .get(server.url("/api/v1/counters/L01"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view.officer.as_deref(), Some("budi"));
    next_event(&mut ws, EventKind::CounterOpened).await;
    let taken = next_event(&mut ws, EventKind::CounterOpened).await;
    assert_eq!(taken.detail.taken_from.as_deref(), Some("siti"));
    assert_eq!(taken.detail.by.as_deref(), Some("budi"));
    // Siti's own actions there are now refused.
    let out = run(&server, "siti", &["pause", "--counter", "L01"]);
    assert_eq!(out.status.code(), Some(2));
}
