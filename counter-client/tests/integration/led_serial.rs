//! The LED sign driver's bytes on a real pseudo-terminal pair: the driver opens the
//! slave side as its serial port, the test reads the master side as the sign would.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use antre_counter::led::{ETX, LedSign, LedUrl, STX, Show, frame};
use antre_testkit::*;
use serialport::{SerialPort, TTYPort};

/// A sign reading its line: bytes arrive within milliseconds; this only bounds a hang.
const READ_TIMEOUT: Duration = Duration::from_secs(15);

/// The next whole frame on the line (STX … ETX and two checksum digits).
fn read_frame(master: &mut TTYPort) -> Vec<u8> {
    let mut frame = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        master
            .read_exact(&mut byte)
            .expect("a byte from the sign's line");
        if frame.is_empty() && byte[0] != STX {
            continue;
        }
        frame.push(byte[0]);
        if frame.len() >= 3 && frame[frame.len() - 3] == ETX {
            return frame;
        }
    }
}

fn pty() -> (TTYPort, TTYPort, String) {
    let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
    master.set_timeout(READ_TIMEOUT).unwrap();
    let path = slave.name().expect("the slave's path");
    (master, slave, path)
}

#[test]
fn the_driver_writes_the_documented_frames_to_a_serial_line() {
    let (mut master, _slave, path) = pty();
    let url: LedUrl = format!("serial://{path}?baud=9600&addr=3").parse().unwrap();
    let mut sign = LedSign::open(&url).unwrap();
    assert!(sign.show(Show::Flash("A001".into())).unwrap());
    assert!(
        !sign.show(Show::Number("A001".into())).unwrap(),
        "already shown"
    );
    sign.show(Show::Text("ISTIRAHAT".into())).unwrap();
    sign.show(Show::Clear).unwrap();

    let sum = |body: &[u8]| format!("{:02X}", body.iter().fold(0u8, |a, b| a ^ b));
    let mut flash = b"\x0203FA001\x03".to_vec();
    flash.extend(sum(b"03FA001\x03").as_bytes());
    assert_eq!(read_frame(&mut master), flash);
    let mut pause = b"\x0203TISTIRAHAT\x03".to_vec();
    pause.extend(sum(b"03TISTIRAHAT\x03").as_bytes());
    assert_eq!(read_frame(&mut master), pause);
    // '0' ^ '3' ^ 'C' ^ ETX = 0x43.
    assert_eq!(read_frame(&mut master), b"\x0203C\x0343".to_vec());
}

#[test]
fn opening_a_missing_port_is_a_clear_error() {
    let url: LedUrl = "serial:///dev/tidak-ada-led".parse().unwrap();
    let err = LedSign::open(&url).unwrap_err();
    assert!(err.contains("tidak dapat dibuka"), "{err}");
    assert!(err.contains("cannot open"), "{err}");
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_led_subcommand_follows_the_counter_on_the_stream() {
    let server = Server::demo();
    let (mut master, _slave, path) = pty();
    let _led = Killed(
        Command::new(env!("CARGO_BIN_EXE_antre-counter"))
            .args(["--server", &server.base, "--counter", "L01"])
            .args(["led", "--port", &format!("serial://{path}?addr=1")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut master = tokio::task::spawn_blocking(move || {
        // A closed counter says so.
        assert_eq!(
            read_frame(&mut master),
            frame(1, &Show::Text("TUTUP".into()))
        );
        master
    })
    .await
    .unwrap();

    let officer = login(&server, "petugas-l01").await;
    let visitor = issue(&server, "DKP-KTP").await;
    assert_eq!(
        act(&server, &officer, "L01", "open", None).await.status(),
        200
    );
    assert_eq!(
        act(&server, &officer, "L01", "call-next", None)
            .await
            .status(),
        200
    );
    let number = visitor.number.clone();
    master = tokio::task::spawn_blocking(move || {
        assert_eq!(
            read_frame(&mut master),
            frame(1, &Show::Clear),
            "open, nobody here"
        );
        // The call flashes the number.
        assert_eq!(read_frame(&mut master), frame(1, &Show::Flash(number)));
        master
    })
    .await
    .unwrap();

    assert_eq!(
        act(&server, &officer, "L01", "complete", None)
            .await
            .status(),
        200
    );
    assert_eq!(
        act(&server, &officer, "L01", "pause", None).await.status(),
        200
    );
    tokio::task::spawn_blocking(move || {
        assert_eq!(read_frame(&mut master), frame(1, &Show::Clear), "done");
        assert_eq!(
            read_frame(&mut master),
            frame(1, &Show::Text("ISTIRAHAT".into())),
            "on a break"
        );
    })
    .await
    .unwrap();
}
