//! Config errors a manager can act on, each named in what the server says: a service
//! removed from the config while its tickets wait stops the start with what to do, and
//! `antre hash-password` asks for a password without echo in a terminal.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use antre_testkit::*;

use super::without_service;
use serde_json::json;
use serialport::{SerialPort, TTYPort};

#[tokio::test]
async fn a_service_removed_from_the_config_while_its_tickets_wait_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("site.toml");
    let toml = antre_server::demo::SITE_TOML;
    std::fs::write(&config, toml).unwrap();
    let mut server = Server::serve(&config, &data);
    let api = server.api();
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let res = api
            .post("/tickets")
            .json(&json!({"service": "DKP-KIA"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        numbers.push(res.json::<antre_protocol::Ticket>().await.unwrap().number);
    }
    assert!(server.terminate().success());

    std::fs::write(&config, without_service(toml, "DKP-KIA")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_antre"))
        .args(["serve", "--config"])
        .arg(&config)
        .arg("--data")
        .arg(&data)
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the server must not start");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("service DKP-KIA"), "{said}");
    assert!(
        said.contains(&numbers.join(", ")),
        "names the tickets: {said}"
    );
    assert!(
        said.contains("Put the service back"),
        "says what to do: {said}"
    );

    // Put back, the server starts and the tickets still wait.
    std::fs::write(&config, toml).unwrap();
    let server = Server::serve(&config, &data);
    let queues: Vec<antre_protocol::QueueInfo> = server.api().json("/queues").await;
    let kia = queues.iter().find(|q| q.service == "DKP-KIA").unwrap();
    assert_eq!(kia.waiting, 2);
}

/// Reads what the terminal shows until `limit`.
fn read_for(master: &mut TTYPort, limit: Duration) -> Vec<u8> {
    let deadline = Instant::now() + limit;
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while Instant::now() < deadline {
        if let Ok(n) = master.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
        }
    }
    seen
}

#[test]
fn hash_password_asks_twice_without_echo_in_a_terminal() {
    let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
    master.set_timeout(Duration::from_millis(50)).unwrap();
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(slave.name().unwrap())
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_antre"))
        .arg("hash-password")
        .stdin(tty)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    // Each prompt shows once echo is off: answer after it.
    let mut prompts = String::new();
    let mut byte = [0u8; 1];
    for expected in ["Password: ", "Repeat: "] {
        while !prompts.ends_with(expected) {
            assert_eq!(
                stderr.read(&mut byte).unwrap(),
                1,
                "prompt {expected:?}: {prompts}"
            );
            prompts.push(byte[0] as char);
        }
        master.write_all(b"rahasia-baru\n").unwrap();
    }
    let echoed = read_for(&mut master, Duration::from_millis(300));
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&echoed).contains("rahasia"),
        "the password was echoed: {:?}",
        String::from_utf8_lossy(&echoed)
    );
    let hash = String::from_utf8(out.stdout).unwrap();
    assert!(
        antre_server::auth::verify_password("rahasia-baru", hash.trim()),
        "{hash}"
    );
    drop(slave);
}

#[test]
fn hash_password_refuses_two_different_passwords() {
    let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(slave.name().unwrap())
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_antre"))
        .arg("hash-password")
        .stdin(tty)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut said = String::new();
    let mut byte = [0u8; 1];
    for (expected, answer) in [
        ("Password: ", "satu-dua-tiga\n"),
        ("Repeat: ", "satu-dua-empat\n"),
    ] {
        while !said.ends_with(expected) {
            assert_eq!(stderr.read(&mut byte).unwrap(), 1);
            said.push(byte[0] as char);
        }
        master.write_all(answer.as_bytes()).unwrap();
    }
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(rest.contains("differ"), "{rest}");
    drop(slave);
}
