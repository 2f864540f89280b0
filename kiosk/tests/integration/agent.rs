//! The real `antre-kiosk` agent against the real `antre` server, printing on a
//! simulated printer behind a real pseudo-terminal.

use std::time::Duration;

use crate::printer::*;
use antre_protocol::{JobState, PrinterState, Ticket};
use antre_testkit::*;
use serde_json::json;

/// Generous: the agent, the server and the pty all share a busy two-core machine.
const LIMIT: Duration = Duration::from_secs(60);

/// A demo server without its own file printers, so the agent is K1's only printer.
fn server() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(&dir.path().join("data"), &["--no-printers"]);
    (dir, server)
}

/// Takes a ticket at `kiosk` as the admin (so it is not rate-limited).
async fn issue_at(server: &Server, admin: &str, service: &str, kiosk: &str) -> Ticket {
    let res = client()
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(admin)
        .json(&json!({"service": service, "kiosk": kiosk}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// Waits until the agent follows the stream: it has reported an event seq at least
/// `seq` as handled.
async fn wait_following(server: &Server, seq: u64) {
    wait_status(&server.base, "K1", LIMIT, "the agent on the stream", |s| {
        s.connected && s.handled_seq >= seq
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_prints_tickets_of_its_kiosk_once_on_a_serial_printer() {
    let (dir, server) = server();
    let admin = login(&server, "admin").await;
    // An event before the agent starts, so "following" is visible as handled_seq >= 1.
    let other = issue_at(&server, &admin, "DKP-KTP", "K2").await;
    let printer = SimPrinter::start(Answer::State(PrinterState::Ok));
    let state = state_file(dir.path());
    let mut agent = Agent::start(&server.base, "K1", PASSWORD, &printer.url(), &state);
    wait_following(&server, 1).await;

    let ticket = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    let tickets = printer.wait_tickets(1, LIMIT);
    let t = &tickets[0];
    let text = lines(t);
    assert!(text.iter().any(|l| l == &ticket.number), "{text:#?}");
    assert!(
        !text.iter().any(|l| l == &other.number),
        "K2's ticket is not K1's"
    );
    let token = ticket.track_token.clone().unwrap();
    assert_eq!(qr_data(t), Some(format!("{}/t/{token}", server.base)));
    assert!(text.iter().any(|l| l.contains("Mal Pelayanan Publik")));
    // Where KTP is served, as the server's print job names it.
    assert!(
        text.windows(2)
            .any(|w| w[0] == "LOKASI LAYANAN / LOCATION" && w[1] == "Lantai 1 - Zona A"),
        "{text:#?}"
    );

    // The server hears that it printed.
    wait_status(&server.base, "K1", LIMIT, "the job printed", |s| {
        s.jobs
            .iter()
            .any(|j| j.ticket == ticket.id && j.state == JobState::Printed)
    })
    .await;

    // A restarted agent resumes from its state file and prints nothing twice, but
    // prints what was issued while it was away.
    agent.kill();
    let while_away = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    let _agent = Agent::start(&server.base, "K1", PASSWORD, &printer.url(), &state);
    let tickets = printer.wait_tickets(2, LIMIT);
    let numbers: Vec<String> = tickets
        .iter()
        .map(|t| {
            lines(t)
                .into_iter()
                .find(|l| l.starts_with('A'))
                .unwrap_or_default()
        })
        .collect();
    assert!(
        lines(&tickets[1]).contains(&while_away.number),
        "{numbers:?}"
    );
    // Another ticket after the restart comes out too, and still nothing twice.
    let after = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    let tickets = printer.wait_tickets(3, LIMIT);
    assert!(lines(&tickets[2]).contains(&after.number));
    wait_status(&server.base, "K1", LIMIT, "all printed", |s| {
        s.queued == 0
            && s.jobs
                .iter()
                .any(|j| j.ticket == after.id && j.state == JobState::Printed)
    })
    .await;
    assert_eq!(printer.tickets().len(), 3, "each ticket printed once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_rides_out_a_server_restart_and_prints_what_came_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start_in(&data, &["--no-printers"]);
    // The agent reaches the server through a relay, so the restarted server (on
    // another port) is at the same address for it.
    let relay = Relay::start(&server.addr).await;
    let admin = login(&server, "admin").await;
    issue_at(&server, &admin, "DKP-KTP", "K2").await;
    let printer = SimPrinter::start(Answer::State(PrinterState::Ok));
    let _agent = Agent::start(
        &relay.base,
        "K1",
        PASSWORD,
        &printer.url(),
        &state_file(dir.path()),
    );
    wait_following(&server, 1).await;
    let before = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    printer.wait_tickets(1, LIMIT);

    server.kill();
    let server = Server::start_in(&data, &["--no-printers"]);
    let admin = login(&server, "admin").await;
    // Issued while the agent is still cut off from the server.
    let meanwhile = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    relay.point_to(&server.addr);
    let tickets = printer.wait_tickets(2, LIMIT);
    assert!(lines(&tickets[0]).contains(&before.number));
    assert!(lines(&tickets[1]).contains(&meanwhile.number));
    let after = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    let tickets = printer.wait_tickets(3, LIMIT);
    assert!(lines(&tickets[2]).contains(&after.number));
    wait_status(
        &server.base,
        "K1",
        LIMIT,
        "reporting to the new server",
        |s| {
            s.connected
                && s.jobs
                    .iter()
                    .any(|j| j.ticket == after.id && j.state == JobState::Printed)
        },
    )
    .await;
    assert_eq!(printer.tickets().len(), 3, "each ticket once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_end_reaches_the_server_and_the_ticket_prints_when_paper_is_back() {
    let (dir, server) = server();
    let admin = login(&server, "admin").await;
    issue_at(&server, &admin, "DKP-KTP", "K2").await;
    let printer = SimPrinter::start(Answer::State(PrinterState::PaperEnd));
    let state = state_file(dir.path());
    let mut agent = Agent::start(&server.base, "K1", PASSWORD, &printer.url(), &state);
    let status = wait_status(&server.base, "K1", LIMIT, "paper end reported", |s| {
        s.printer
            .as_ref()
            .is_some_and(|p| p.state == PrinterState::PaperEnd)
    })
    .await;
    assert_eq!(status.driven_by.as_deref(), Some("agent"));
    wait_following(&server, 1).await;

    let ticket = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    wait_status(
        &server.base,
        "K1",
        LIMIT,
        "the job waiting for paper",
        |s| {
            s.queued == 1
                && s.jobs.iter().any(|j| {
                    j.ticket == ticket.id
                        && j.state == JobState::Retrying
                        && j.error.as_deref() == Some("paper end")
                })
        },
    )
    .await;
    assert!(
        printer.tickets().is_empty(),
        "nothing sent to a printer without paper"
    );

    // The agent is restarted while the ticket waits: the ticket is not lost.
    agent.kill();
    let _agent = Agent::start(&server.base, "K1", PASSWORD, &printer.url(), &state);
    wait_status(
        &server.base,
        "K1",
        LIMIT,
        "the restarted agent waiting",
        |s| {
            s.connected
                && s.jobs
                    .iter()
                    .any(|j| j.ticket == ticket.id && j.state == JobState::Retrying)
        },
    )
    .await;
    assert!(printer.tickets().is_empty());

    printer.set(Answer::State(PrinterState::Ok));
    let tickets = printer.wait_tickets(1, LIMIT);
    assert!(lines(&tickets[0]).contains(&ticket.number));
    wait_status(&server.base, "K1", LIMIT, "paper back, job printed", |s| {
        s.printer
            .as_ref()
            .is_some_and(|p| p.state == PrinterState::Ok)
            && s.queued == 0
            && s.jobs
                .iter()
                .any(|j| j.ticket == ticket.id && j.state == JobState::Printed)
    })
    .await;
    assert_eq!(printer.tickets().len(), 1, "printed once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printer_answering_garbage_is_unknown_and_still_prints() {
    let (dir, server) = server();
    let admin = login(&server, "admin").await;
    issue_at(&server, &admin, "DKP-KTP", "K2").await;
    let printer = SimPrinter::start(Answer::Garbage);
    let _agent = Agent::start(
        &server.base,
        "K1",
        PASSWORD,
        &printer.url(),
        &state_file(dir.path()),
    );
    wait_status(&server.base, "K1", LIMIT, "unknown status", |s| {
        s.printer
            .as_ref()
            .is_some_and(|p| p.state == PrinterState::Unknown)
            && s.handled_seq >= 1
    })
    .await;
    let ticket = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    let tickets = printer.wait_tickets(1, LIMIT);
    assert!(lines(&tickets[0]).contains(&ticket.number));
    printer.set(Answer::Silence);
    let second = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    let tickets = printer.wait_tickets(2, LIMIT);
    assert!(lines(&tickets[1]).contains(&second.number));

    // A reprint asked for on the kiosk screen reaches the agent with its next report.
    let res = client()
        .post(server.url("/api/v1/kiosks/K1/reprint"))
        .bearer_auth(PASSWORD)
        .json(&json!({"ticket": second.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let tickets = printer.wait_tickets(3, LIMIT);
    let copy = lines(&tickets[2]);
    assert!(copy.contains(&second.number), "{copy:#?}");
    assert!(
        copy.iter().any(|l| l.contains("CETAK ULANG / REPRINT")),
        "{copy:#?}"
    );
}

#[tokio::test]
async fn bad_start_up_input_is_a_clear_error() {
    let (_dir, server) = server();
    let (code, err) = Agent::run_to_end(&[
        "--server",
        &server.base,
        "--kiosk",
        "K1",
        "--token",
        PASSWORD,
        "--printer",
        "serial:/dev/ttyUSB0",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("printer URL") && err.contains("SCHEME://"),
        "{err}"
    );

    let (code, err) = Agent::run_to_end(&[
        "--server",
        "https://antre.example",
        "--kiosk",
        "K1",
        "--token",
        PASSWORD,
        "--printer",
        "file:///tmp/antre-never",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("http://HOST:PORT"), "{err}");

    let (code, err) = Agent::run_to_end(&[
        "--server",
        &server.base,
        "--kiosk",
        "K9",
        "--token",
        PASSWORD,
        "--printer",
        "file:///tmp/antre-never",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("\"K9\"") && err.contains("K1"), "{err}");

    let (code, err) = Agent::run_to_end(&[
        "--server",
        &server.base,
        "--kiosk",
        "K1",
        "--token",
        "salah",
        "--printer",
        "file:///tmp/antre-never",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("token"), "{err}");
}

/// Not a check: measures the time from taking a ticket to its last byte on the printer
/// (server → stream → agent → print job → ESC/POS → pty) for docs/performance.md.
/// `cargo test -p antre-kiosk --test integration print_latency -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn print_latency() {
    const TICKETS: usize = 40;
    let (dir, server) = server();
    let admin = login(&server, "admin").await;
    issue_at(&server, &admin, "DKP-KTP", "K2").await;
    let printer = SimPrinter::start(Answer::State(PrinterState::Ok));
    let _agent = Agent::start(
        &server.base,
        "K1",
        PASSWORD,
        &printer.url(),
        &state_file(dir.path()),
    );
    wait_following(&server, 1).await;
    let mut took = Vec::new();
    for i in 0..TICKETS {
        let start = std::time::Instant::now();
        issue_at(&server, &admin, "DKP-KTP", "K1").await;
        printer.wait_tickets(i + 1, LIMIT);
        took.push(start.elapsed());
    }
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "issue → printed, {TICKETS} tickets one after another: median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        ms(took[TICKETS / 2]),
        ms(took[TICKETS * 9 / 10]),
        ms(took[TICKETS - 1])
    );
    let job = antre_protocol::PrintJob {
        site_name: "Mal Pelayanan Publik Kota Makassar".into(),
        ticket: issue_at(&server, &admin, "DKP-KTP", "K2").await,
        service_name: "Perekaman & Pencetakan KTP-el".into(),
        service_name_en: "Electronic ID card".into(),
        agency_short: "Dukcapil".into(),
        agency_name: "Dinas Kependudukan dan Pencatatan Sipil Kota Makassar".into(),
        public_url: None,
        footer: None,
        places: Vec::new(),
        requirements: Vec::new(),
    };
    for qr in [antre_kiosk::QrMode::Native, antre_kiosk::QrMode::Raster] {
        let options = antre_kiosk::LayoutOptions {
            paper: antre_kiosk::Paper::Mm80,
            qr,
        };
        let start = std::time::Instant::now();
        let mut bytes = 0;
        for _ in 0..200 {
            bytes = antre_kiosk::layout::render(
                &job,
                "http://192.168.1.10:8080/t/0123456789abcdef0123456789abcdef",
                options,
                false,
            )
            .unwrap()
            .len();
        }
        println!(
            "layout {qr:?}: {:.2} ms per ticket, {bytes} bytes",
            ms(start.elapsed()) / 200.0
        );
    }
}

/// A state file from another database (the server was reinstalled): the agent follows
/// the new log from where it is, and still prints what is issued while it is away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_file_from_another_database_is_not_trusted() {
    let (dir, server) = server();
    let state = state_file(dir.path());
    std::fs::write(&state, r#"{"handled_seq":5000}"#).unwrap();
    let admin = login(&server, "admin").await;
    issue_at(&server, &admin, "DKP-KTP", "K2").await;
    let printer = SimPrinter::start(Answer::State(PrinterState::Ok));
    let mut agent = Agent::start(&server.base, "K1", PASSWORD, &printer.url(), &state);
    // The log holds the admin's log-in and K2's ticket: the agent follows it from its
    // end, not from the 5000 it remembered.
    wait_status(&server.base, "K1", LIMIT, "following the new log", |s| {
        s.connected && s.handled_seq == 2
    })
    .await;
    let first = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    printer.wait_tickets(1, LIMIT);
    wait_status(&server.base, "K1", LIMIT, "the first printed", |s| {
        s.queued == 0
            && s.jobs
                .iter()
                .any(|j| j.ticket == first.id && j.state == JobState::Printed)
    })
    .await;
    agent.kill();
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(!saved.contains("5000"), "{saved}");
    let away = issue_at(&server, &admin, "DKP-KTP", "K1").await;
    let _agent = Agent::start(&server.base, "K1", PASSWORD, &printer.url(), &state);
    let tickets = printer.wait_tickets(2, LIMIT);
    assert!(lines(&tickets[1]).contains(&away.number));
}
