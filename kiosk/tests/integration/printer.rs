//! A simulated ESC/POS printer on a real pseudo-terminal, and the real `antre-kiosk`
//! agent as a child process.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use antre_kiosk::decode::{Piece, decode};
use antre_kiosk::status::answers;
use antre_protocol::PrinterState;
use serialport::{SerialPort, TTYPort};

/// What the simulated printer answers to status queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    State(PrinterState),
    /// Bytes that are not a status byte.
    Garbage,
    /// Nothing at all.
    Silence,
}

/// A printer on the master side of a pty pair; the agent opens the slave side.
///
/// The agent opens its serial line exclusively (TIOCEXCL). A killed agent cannot take
/// that back, and on a pseudo-terminal it outlives the agent, so the tests that restart
/// an agent on the same line need root (as CI has); a real serial port is released when
/// its last user closes it.
pub struct SimPrinter {
    /// Everything the printer received.
    pub received: Arc<Mutex<Vec<u8>>>,
    pub answer: Arc<Mutex<Answer>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The slave's path, e.g. `/dev/pts/5`.
    pub path: String,
    _slave: TTYPort,
}

impl SimPrinter {
    pub fn start(answer: Answer) -> SimPrinter {
        let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
        master.set_timeout(Duration::from_millis(50)).unwrap();
        let path = slave.name().expect("slave path");
        let received = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(Mutex::new(answer));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (received, answer, stop) = (received.clone(), answer.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut scanned = 0;
                let mut buf = [0u8; 4096];
                while !stop.load(Ordering::Relaxed) {
                    let n = match master.read(&mut buf) {
                        Ok(n) => n,
                        Err(_) => {
                            std::thread::sleep(Duration::from_millis(20));
                            continue;
                        }
                    };
                    let mut all = received.lock().unwrap();
                    all.extend_from_slice(&buf[..n]);
                    // Answer every complete DLE EOT n not answered yet.
                    while scanned + 3 <= all.len() {
                        if all[scanned] == 0x10 && all[scanned + 1] == 0x04 {
                            let n = all[scanned + 2];
                            let reply = match *answer.lock().unwrap() {
                                Answer::State(s) => {
                                    let a = answers(s);
                                    Some(match n {
                                        1 => a[0],
                                        2 => a[1],
                                        _ => a[2],
                                    })
                                }
                                Answer::Garbage => Some(0xff),
                                Answer::Silence => None,
                            };
                            if let Some(r) = reply {
                                let _ = master.write_all(&[r]);
                            }
                            scanned += 3;
                        } else {
                            scanned += 1;
                        }
                    }
                }
            })
        };
        SimPrinter {
            received,
            answer,
            stop,
            thread: Some(thread),
            path,
            _slave: slave,
        }
    }

    pub fn set(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }

    pub fn url(&self) -> String {
        format!("serial://{}?baud=9600", self.path)
    }

    /// The tickets received so far: the pieces from each `ESC @` to its cut.
    pub fn tickets(&self) -> Vec<Vec<Piece>> {
        let bytes = self.received.lock().unwrap().clone();
        let mut tickets = Vec::new();
        let mut current: Option<Vec<Piece>> = None;
        for piece in decode(&bytes) {
            match piece {
                Piece::StatusQuery(_) => {}
                Piece::Init => current = Some(vec![Piece::Init]),
                Piece::Cut => {
                    if let Some(mut t) = current.take() {
                        t.push(Piece::Cut);
                        tickets.push(t);
                    }
                }
                other => {
                    if let Some(t) = current.as_mut() {
                        t.push(other);
                    }
                }
            }
        }
        tickets
    }

    /// Waits until `n` complete tickets arrived.
    pub fn wait_tickets(&self, n: usize, limit: Duration) -> Vec<Vec<Piece>> {
        let deadline = Instant::now() + limit;
        loop {
            let t = self.tickets();
            if t.len() >= n {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} tickets printed",
                t.len()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for SimPrinter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Text lines of a ticket.
pub fn lines(ticket: &[Piece]) -> Vec<String> {
    ticket
        .iter()
        .filter_map(|p| match p {
            Piece::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

pub fn qr_data(ticket: &[Piece]) -> Option<String> {
    ticket.iter().find_map(|p| match p {
        Piece::QrData(d) => Some(d.clone()),
        _ => None,
    })
}

/// The real `antre-kiosk` binary, killed when dropped.
pub struct Agent {
    pub child: Child,
}

impl Agent {
    pub fn start(server: &str, kiosk: &str, token: &str, printer: &str, state: &Path) -> Agent {
        let child = Command::new(env!("CARGO_BIN_EXE_antre-kiosk"))
            .args(["--server", server, "--kiosk", kiosk, "--token", token])
            .args(["--printer", printer])
            .arg("--state")
            .arg(state)
            .env("RUST_LOG", "antre_kiosk=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("antre-kiosk starts");
        Agent { child }
    }

    /// Runs the agent to its end and gives its exit code and error output.
    pub fn run_to_end(args: &[&str]) -> (Option<i32>, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_antre-kiosk"))
            .args(args)
            .env("RUST_LOG", "off")
            .output()
            .expect("antre-kiosk runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn state_file(dir: &Path) -> PathBuf {
    dir.join("agent-state.json")
}

/// A TCP relay in front of the server, so a browser keeps one address while the server
/// behind it is restarted (on another port).
pub struct Relay {
    pub base: String,
    target: Arc<Mutex<String>>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    pub async fn start(target_addr: &str) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let target = Arc::new(Mutex::new(target_addr.to_string()));
        let task = {
            let target = target.clone();
            tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    let addr = target.lock().unwrap().clone();
                    tokio::spawn(async move {
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(addr).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                }
            })
        };
        Relay { base, target, task }
    }

    pub fn point_to(&self, addr: &str) {
        *self.target.lock().unwrap() = addr.to_string();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}
