//! The real `antre` binary on loopback, with its own data directory.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use antre_protocol::{KioskStatus, StreamMessage, Ticket};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

/// Password of every demo user and token of every demo device in tests.
pub const PASSWORD: &str = "rahasia-uji";

/// The `antre` binary: `$ANTRE_BIN`, or the one cargo built beside the running test
/// (`cargo test --workspace` builds every binary before running any test).
pub fn antre_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("ANTRE_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let bin = dir.join(format!("antre{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "no antre binary at {}: run the tests with `cargo test --workspace`, or build it first \
         (`cargo build -p antre-server`)",
        bin.display()
    );
    bin
}

/// A running `antre` process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub addr: String,
    pub data: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    /// `antre demo` on a fresh data directory.
    pub fn demo() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut server = Server::start_in(&data, &[]);
        server._dir = Some(dir);
        server
    }

    /// `antre demo` on a fresh data directory, with the previous days' history its
    /// first start makes. The other starts leave the history out: it takes seconds.
    pub fn demo_with_history() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let args = vec!["demo".into(), "--demo-password".into(), PASSWORD.into()];
        // Sixty days through the writer of a debug build, beside other tests.
        let limit = Duration::from_secs(300);
        let mut server = Server::spawn_within(args, &data, "127.0.0.1:0", limit);
        server._dir = Some(dir);
        server
    }

    /// `antre demo` on an existing data directory (a restart).
    pub fn demo_in(data: &Path) -> Server {
        Server::start_in(data, &[])
    }

    /// `antre demo` on `data` without the history, with more arguments.
    pub fn start_in(data: &Path, extra: &[&str]) -> Server {
        let mut args = demo_args();
        args.extend(extra.iter().map(|s| s.to_string()));
        Server::spawn(args, data)
    }

    /// `antre serve` without a file, on an empty data directory: the first start's
    /// setup page.
    pub fn first_start(data: &Path) -> Server {
        Server::spawn(vec!["serve".into()], data)
    }

    /// `antre serve --config FILE`.
    pub fn serve(config: &Path, data: &Path) -> Server {
        Server::spawn(
            vec![
                "serve".into(),
                "--config".into(),
                config.display().to_string(),
            ],
            data,
        )
    }

    /// `antre demo` on `data`, listening on exactly `listen` (e.g. the address of a
    /// server that was stopped: a restart that clients find at the same place).
    pub fn demo_at(data: &Path, listen: &str) -> Server {
        Server::spawn_listening(demo_args(), data, listen)
    }

    fn spawn(args: Vec<String>, data: &Path) -> Server {
        Server::spawn_listening(args, data, "127.0.0.1:0")
    }

    fn spawn_listening(args: Vec<String>, data: &Path, listen: &str) -> Server {
        Server::spawn_within(args, data, listen, Duration::from_secs(60))
    }

    /// Starts `antre` and waits up to `limit` for it to listen.
    fn spawn_within(mut args: Vec<String>, data: &Path, listen: &str, limit: Duration) -> Server {
        args.extend([
            "--data".into(),
            data.display().to_string(),
            "--listen".into(),
            listen.into(),
        ]);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_path(data))
            .expect("the server's log file");
        let mut child = Command::new(antre_binary())
            .args(&args)
            .env("RUST_LOG", "antre_server=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("antre starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent && let Some(url) = line.strip_prefix("listening on ") {
                    let _ = tx.send(url.trim().to_string());
                    sent = true;
                }
            }
        });
        let base = rx.recv_timeout(limit).unwrap_or_else(|_| {
            panic!(
                "antre did not start; its log:\n{}",
                std::fs::read_to_string(log_path(data)).unwrap_or_default()
            )
        });
        let addr = base.trim_start_matches("http://").to_string();
        Server {
            child,
            base,
            addr,
            data: data.to_path_buf(),
            _dir: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// What the server wrote to its log (standard error) so far, every start on this
    /// data directory included.
    pub fn log(&self) -> String {
        std::fs::read_to_string(log_path(&self.data)).unwrap_or_default()
    }

    /// The process id, for looking at (or limiting) the running server.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn ws_url(&self, query: &str) -> String {
        format!("ws://{}/api/v1/stream{}", self.addr, query)
    }

    /// SIGKILL: no chance to clean up, as in a power cut of the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "antre did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Keeps the data directory after the process is gone.
    pub fn into_data(mut self) -> (PathBuf, Option<tempfile::TempDir>) {
        self.kill();
        (self.data.clone(), self._dir.take())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `antre demo` as tests start it: with the tests' password, and without the history
/// of past days (seconds of a debug build that only its own test needs).
fn demo_args() -> Vec<String> {
    ["demo", "--demo-password", PASSWORD, "--no-history"]
        .map(String::from)
        .to_vec()
}

/// Where a server on `data` writes its log: beside the data directory.
pub fn log_path(data: &Path) -> PathBuf {
    let mut name = data.as_os_str().to_owned();
    name.push(".log");
    PathBuf::from(name)
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The server's API as one caller sees it: its base URL, an HTTP client and the token
/// it presents (none, a user's, or a device's). Cheap to clone, so concurrency tests
/// hand one to each task instead of building requests by hand.
#[derive(Debug, Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    pub token: Option<String>,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.trim_end_matches('/').to_string(),
            http: client(),
            token: None,
        }
    }

    /// The same API with this token.
    pub fn with_token(&self, token: &str) -> Api {
        Api {
            token: Some(token.to_string()),
            ..self.clone()
        }
    }

    /// As a demo kiosk or board (every demo device's token is [`PASSWORD`]; it is
    /// recognised as kiosk K1).
    pub fn as_device(&self) -> Api {
        self.with_token(PASSWORD)
    }

    /// Logged in as a demo user.
    pub async fn as_user(&self, username: &str) -> Api {
        self.log_in(username, PASSWORD).await
    }

    /// Logged in with this password (a user an admin made, say).
    pub async fn log_in(&self, username: &str, password: &str) -> Api {
        let res = self
            .post("/auth/login")
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login {username}");
        let token = res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string();
        self.with_token(&token)
    }

    /// The token presented, as a string (empty when none).
    pub fn token(&self) -> &str {
        self.token.as_deref().unwrap_or_default()
    }

    /// `{base}/api/v1{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    fn authorised(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.authorised(self.http.get(self.url(path)))
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.authorised(self.http.post(self.url(path)))
    }

    pub fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.authorised(self.http.put(self.url(path)))
    }

    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.authorised(self.http.delete(self.url(path)))
    }

    /// GET and read the JSON answer, which must be a success.
    pub async fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let res = self.get(path).send().await.unwrap();
        assert!(res.status().is_success(), "GET {path}: {}", res.status());
        res.json().await.unwrap()
    }

    /// Takes a ticket, which must be given.
    pub async fn issue(&self, service: &str) -> Ticket {
        let res = self
            .post("/tickets")
            .json(&json!({"service": service}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "ticket for {service}");
        res.json().await.unwrap()
    }

    /// A counter action, answered as the server answers it.
    pub async fn act(&self, counter: &str, action: &str, body: Option<Value>) -> reqwest::Response {
        let req = self.post(&format!("/counters/{counter}/{action}"));
        let req = match body {
            Some(b) => req.json(&b),
            None => req,
        };
        req.send().await.unwrap()
    }
}

impl Server {
    /// The API without a token.
    pub fn api(&self) -> Api {
        Api::new(&self.base)
    }
}

/// A demo user's token.
pub async fn login(server: &Server, username: &str) -> String {
    server.api().as_user(username).await.token().to_string()
}

/// Takes a ticket as kiosk K1 (device token: not rate-limited).
pub async fn issue(server: &Server, service: &str) -> Ticket {
    server.api().as_device().issue(service).await
}

/// A counter action with a user's token.
pub async fn act(
    server: &Server,
    token: &str,
    counter: &str,
    action: &str,
    body: Option<Value>,
) -> reqwest::Response {
    server
        .api()
        .with_token(token)
        .act(counter, action, body)
        .await
}

/// An error answer's status and code; every error must carry a message too.
pub async fn error_of(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    let body: Value = res.json().await.expect("errors are JSON");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "every error has a message: {body}");
    (status, body["error"]["code"].as_str().unwrap().to_string())
}

pub async fn site(server: &Server) -> antre_protocol::SiteInfo {
    server.api().json("/site").await
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn subscribe(server: &Server, query: &str) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(server.ws_url(query))
        .await
        .unwrap();
    ws
}

/// The next stream message (pings skipped), or panics after 10 s.
pub async fn next_message(ws: &mut Ws) -> StreamMessage {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a stream message within 10 s")
            .expect("stream open")
            .expect("no stream error");
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).expect("a stream message");
        }
    }
}

/// The next stream event of `kind`, skipping other messages.
pub async fn next_event(ws: &mut Ws, kind: antre_protocol::EventKind) -> antre_protocol::Event {
    loop {
        if let StreamMessage::Event(e) = next_message(ws).await
            && e.kind == kind
        {
            return *e;
        }
    }
}

/// The next stream message, which must be an event.
pub async fn an_event(ws: &mut Ws) -> antre_protocol::Event {
    match next_message(ws).await {
        StreamMessage::Event(e) => *e,
        StreamMessage::Snapshot(s) => panic!("expected an event, got a snapshot at {}", s.seq),
    }
}

/// The next stream message, which must be a snapshot.
pub async fn a_snapshot(ws: &mut Ws) -> antre_protocol::Snapshot {
    match next_message(ws).await {
        StreamMessage::Snapshot(s) => *s,
        StreamMessage::Event(e) => panic!("expected a snapshot, got event {}", e.seq),
    }
}

/// A kiosk's printer status as the API reports it.
pub async fn kiosk_status(base: &str, code: &str) -> KioskStatus {
    client()
        .get(format!("{base}/api/v1/kiosks/{code}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Polls the kiosk's status until `ok` holds, or panics after `limit`.
pub async fn wait_status(
    base: &str,
    code: &str,
    limit: Duration,
    what: &str,
    ok: impl Fn(&KioskStatus) -> bool,
) -> KioskStatus {
    let deadline = Instant::now() + limit;
    loop {
        let status = kiosk_status(base, code).await;
        if ok(&status) {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {status:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
