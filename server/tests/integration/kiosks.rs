//! Kiosks and printers through the API: the demo's server-driven file printers, status
//! reports, print jobs, reprints and the QR code of the phone page.

use std::path::Path;
use std::time::{Duration, Instant};

use antre_protocol::{
    JobState, KioskStatus, KioskStatusAnswer, KioskStatusReport, PrintJob, PrinterState,
    PrinterStatus, Ticket,
};
use antre_testkit::*;
use serde_json::{Value, json};

const LIMIT: Duration = Duration::from_secs(60);

fn files(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == ext));
    found.sort();
    found
}

#[tokio::test]
async fn the_demo_prints_every_kiosk_ticket_to_a_readable_preview() {
    let server = Server::demo();
    let ticket = issue(&server, "DKP-KTP").await; // as K1, by its device token
    assert_eq!(ticket.kiosk.as_deref(), Some("K1"));
    let dir = server.data.join("printers").join("K1");
    let status = wait_status(&server.base, "K1", LIMIT, "the job printed", |k| {
        k.jobs
            .iter()
            .any(|j| j.ticket == ticket.id && j.state == JobState::Printed)
    })
    .await;
    assert!(status.connected);
    assert_eq!(status.driven_by.as_deref(), Some("server"));
    assert_eq!(
        status.printer.as_ref().map(|p| p.state),
        Some(PrinterState::Ok)
    );
    let txt = files(&dir, "txt");
    assert_eq!(txt.len(), 1, "{txt:?}");
    let preview = std::fs::read_to_string(&txt[0]).unwrap();
    let token = ticket.track_token.unwrap();
    for expected in [
        "[ESC @ init]",
        ticket.number.as_str(),
        "Mal Pelayanan Publik Kota Makassar",
        &format!("[QR data: {}/t/{token}]", server.base),
        "[cut]",
    ] {
        assert!(preview.contains(expected), "{expected} in\n{preview}");
    }
    assert_eq!(files(&dir, "bin").len(), 1);

    // A reprint asked for by the kiosk comes out as a second, marked copy.
    let res = client()
        .post(server.url("/api/v1/kiosks/K1/reprint"))
        .bearer_auth(PASSWORD)
        .json(&json!({"ticket": ticket.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let deadline = Instant::now() + LIMIT;
    while files(&dir, "txt").len() < 2 {
        assert!(Instant::now() < deadline, "no reprint");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let copy = files(&dir, "txt")
        .into_iter()
        .find(|p| p.to_string_lossy().contains("reprint"))
        .unwrap();
    assert!(std::fs::read_to_string(copy).unwrap().contains("REPRINT"));

    // Tickets not taken at a kiosk are not printed: once a later K1 ticket is out,
    // the earlier event has been handled (the printer follows the log in order).
    let admin = login(&server, "admin").await;
    let res = client()
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(&admin)
        .json(&json!({"service": "DKP-KK"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let elsewhere: Ticket = res.json().await.unwrap();
    let later = issue(&server, "DKP-KTP").await;
    wait_status(&server.base, "K1", LIMIT, "the later job printed", |k| {
        k.jobs
            .iter()
            .any(|j| j.ticket == later.id && j.state == JobState::Printed)
    })
    .await;
    let names: Vec<String> = files(&dir, "bin")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        !names.iter().any(|n| n.contains(&elsewhere.number)),
        "{names:?}"
    );
    let all: Vec<KioskStatus> = client()
        .get(server.url("/api/v1/kiosks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = all.iter().map(|k| k.code.as_str()).collect();
    assert_eq!(codes, ["K1", "K2"]);
}

#[tokio::test]
async fn status_reports_need_the_kiosks_own_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(&dir.path().join("data"), &["--no-printers"]);
    let before = kiosk_status(&server.base, "K1").await;
    assert!(!before.connected && before.printer.is_none(), "{before:#?}");

    let report = KioskStatusReport {
        printer: PrinterStatus {
            state: PrinterState::CoverOpen,
            printer: "serial:///dev/ttyUSB0".into(),
            detail: None,
        },
        queued: 2,
        ..KioskStatusReport::default()
    };
    let post = |token: Option<&str>, code: &str, body: Value| {
        let req = client().post(server.url(&format!("/api/v1/kiosks/{code}/status")));
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        req.json(&body).send()
    };
    let body = serde_json::to_value(&report).unwrap();
    assert_eq!(post(None, "K1", body.clone()).await.unwrap().status(), 401);
    let admin = login(&server, "admin").await;
    assert_eq!(
        post(Some(&admin), "K1", body.clone())
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        post(Some(PASSWORD), "K9", body.clone())
            .await
            .unwrap()
            .status(),
        404
    );
    let bad = post(
        Some(PASSWORD),
        "K1",
        json!({"printer": {"state": "melted"}}),
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    let res = post(Some(PASSWORD), "K1", body).await.unwrap();
    assert_eq!(res.status(), 200);
    let answer: KioskStatusAnswer = res.json().await.unwrap();
    assert!(answer.reprint.is_empty());

    let after = kiosk_status(&server.base, "K1").await;
    assert!(after.connected);
    assert_eq!(after.printer.unwrap().state, PrinterState::CoverOpen);
    assert_eq!(after.queued, 2);
    assert_eq!(after.driven_by.as_deref(), Some("agent"));

    // A kiosk prints only its own tickets, whoever asks.
    let other: Ticket = client()
        .post(server.url("/api/v1/tickets"))
        .bearer_auth(&admin)
        .json(&json!({"service": "DKP-KK", "kiosk": "K2"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = client()
        .post(server.url("/api/v1/kiosks/K1/reprint"))
        .bearer_auth(&admin)
        .json(&json!({"ticket": other.id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // Without a device token or a login, only the ticket's holder may ask: anyone else
    // could read a stranger's track token off the printout.
    let ticket: Ticket = issue(&server, "DKP-KTP").await;
    let token = ticket.track_token.clone().unwrap();
    let anonymous = server.api();
    let reprint = |kiosk: &'static str, body: serde_json::Value| {
        anonymous
            .post(&format!("/kiosks/{kiosk}/reprint"))
            .json(&body)
            .send()
    };
    let res = reprint("K1", json!({"ticket": ticket.id})).await.unwrap();
    assert_eq!(error_of(res).await, (401, "unauthorized".to_string()));
    let res = reprint(
        "K1",
        json!({"ticket": ticket.id, "track_token": "0".repeat(32)}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 404, "a wrong token: no such ticket");
    let res = reprint("K2", json!({"ticket": ticket.id, "track_token": token}))
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "K1's ticket is not K2's");
    let res = reprint("K1", json!({"ticket": ticket.id, "track_token": token}))
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    // The next report carries it to the agent, once.
    let res = post(Some(PASSWORD), "K1", serde_json::to_value(&report).unwrap())
        .await
        .unwrap();
    assert_eq!(
        res.json::<KioskStatusAnswer>().await.unwrap().reprint,
        [ticket.id]
    );
    let res = post(Some(PASSWORD), "K1", serde_json::to_value(&report).unwrap())
        .await
        .unwrap();
    assert!(
        res.json::<KioskStatusAnswer>()
            .await
            .unwrap()
            .reprint
            .is_empty()
    );
}

#[tokio::test]
async fn print_jobs_and_qr_codes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(&dir.path().join("data"), &["--no-printers"]);
    let ticket = issue(&server, "IMG-PASPOR-BARU").await;
    let token = ticket.track_token.clone().unwrap();

    let job: PrintJob = client()
        .get(server.url(&format!("/api/v1/kiosks/K1/tickets/{}", ticket.id)))
        .bearer_auth(PASSWORD)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job.ticket.number, ticket.number);
    assert_eq!(job.ticket.track_token.as_deref(), Some(token.as_str()));
    assert_eq!(job.agency_short, "Imigrasi");
    assert_eq!(job.site_name, "Mal Pelayanan Publik Kota Makassar");
    // Without the kiosk's token, or for another kiosk, the track token stays secret.
    let res = client()
        .get(server.url(&format!("/api/v1/kiosks/K1/tickets/{}", ticket.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = client()
        .get(server.url(&format!("/api/v1/kiosks/K2/tickets/{}", ticket.id)))
        .bearer_auth(PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let res = client()
        .get(server.url(&format!("/api/v1/track/{token}/qr.svg")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().contains("<svg"));
    let res = client()
        .get(server.url("/api/v1/track/nope/qr.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // The phone page is its own light file.
    let page = client()
        .get(server.url(&format!("/t/{token}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("track.js"), "{page}");
}

#[test]
fn a_malformed_printer_url_in_the_site_config_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let site =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/site.toml"))
            .unwrap();
    let broken = site.replacen(
        "code = \"K1\"\n",
        "code = \"K1\"\nprinter = \"serial:/dev/ttyUSB0\"\n",
        1,
    );
    let config = dir.path().join("site.toml");
    std::fs::write(&config, broken).unwrap();
    let out = std::process::Command::new(antre_binary())
        .args(["serve", "--config"])
        .arg(&config)
        .arg("--data")
        .arg(dir.path().join("data"))
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("kiosk K1") && err.contains("printer URL"),
        "{err}"
    );
}

#[tokio::test]
async fn a_restarted_server_prints_nothing_twice() {
    let server = Server::demo();
    let first = issue(&server, "DKP-KTP").await;
    wait_status(&server.base, "K1", LIMIT, "printed", |k| {
        k.jobs
            .iter()
            .any(|j| j.ticket == first.id && j.state == JobState::Printed)
    })
    .await;
    // The printer's place in the log is saved with its report.
    let state = server.data.join("printers").join("K1.json");
    let deadline = Instant::now() + LIMIT;
    while !std::fs::read_to_string(&state).is_ok_and(|s| s.contains("\"handled_seq\":1")) {
        assert!(Instant::now() < deadline, "state not saved");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (data, _dir) = server.into_data();
    let server = Server::demo_in(&data);
    let second = issue(&server, "DKP-KTP").await;
    wait_status(&server.base, "K1", LIMIT, "the second printed", |k| {
        k.jobs
            .iter()
            .any(|j| j.ticket == second.id && j.state == JobState::Printed)
    })
    .await;
    let names: Vec<String> = files(&data.join("printers").join("K1"), "bin")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().any(|n| n.contains(&second.number)));
}
