//! The follower against a tiny WebSocket server on loopback that the test drives by
//! hand: what it sends, when it drops a connection, when it says nothing at all.

use std::time::Duration;

use antre_client::follow::{Control, Feed, Follower, Handler, Options};
use antre_client::{Address, Backoff, backoff};
use futures_util::SinkExt;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

/// Bounds a wait for something that takes milliseconds, on a busy shared machine.
const WAIT: Duration = Duration::from_secs(30);

/// A loopback listener whose connections the test takes one by one.
struct TinyServer {
    address: Address,
    accepted: mpsc::UnboundedReceiver<TcpStream>,
}

impl TinyServer {
    async fn start() -> TinyServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address =
            Address::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let (tx, accepted) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                if tx.send(stream).is_err() {
                    return;
                }
            }
        });
        TinyServer { address, accepted }
    }

    /// The next TCP connection, before any handshake.
    async fn tcp(&mut self) -> TcpStream {
        tokio::time::timeout(WAIT, self.accepted.recv())
            .await
            .expect("the follower connects")
            .unwrap()
    }

    /// The next connection after its WebSocket handshake.
    async fn next(&mut self) -> Connection {
        let tcp = self.tcp().await;
        let mut seen = None;
        // The callback's shape (with its large error type) is tungstenite's.
        #[allow(clippy::result_large_err)]
        let ws = tokio_tungstenite::accept_hdr_async(tcp, |req: &Request, res: Response| {
            seen = Some((
                req.uri().to_string(),
                req.headers()
                    .get("authorization")
                    .map(|v| v.to_str().unwrap().to_string()),
            ));
            Ok(res)
        })
        .await
        .expect("a WebSocket handshake");
        let (uri, authorization) = seen.unwrap();
        Connection {
            uri,
            authorization,
            ws,
        }
    }
}

struct Connection {
    /// Path and query, e.g. `/api/v1/stream?since=6`.
    uri: String,
    authorization: Option<String>,
    ws: WebSocketStream<TcpStream>,
}

impl Connection {
    async fn snapshot(&mut self, seq: u64) {
        self.send(json!({"type": "snapshot", "seq": seq, "day": "2026-11-23",
            "at": "2026-11-23T08:00:00+08:00", "counters": [], "queues": [], "recent_calls": []}))
            .await;
    }

    async fn event(&mut self, seq: u64) {
        self.send(json!({"seq": seq, "type": "counter.opened",
            "at": "2026-11-23T08:00:00+08:00", "zones": ["A"]}))
            .await;
    }

    /// Fails only when the follower has already left the connection, which some
    /// tests want: what it would have read then never shows in its feed.
    async fn send(&mut self, message: serde_json::Value) {
        let _ = self.ws.send(Message::text(message.to_string())).await;
    }
}

/// Tells the test everything it is fed and answers as `decide` says.
struct Recorder<F> {
    fed: mpsc::UnboundedSender<Feed>,
    decide: F,
}

impl<F: FnMut(&Feed) -> Control + Send> Handler for Recorder<F> {
    async fn on(&mut self, feed: Feed) -> Control {
        let control = (self.decide)(&feed);
        let _ = self.fed.send(feed);
        control
    }
}

/// Runs a follower in the background; its feed comes out of the receiver.
fn follow(
    options: Options,
    decide: impl FnMut(&Feed) -> Control + Send + 'static,
) -> (tokio::task::JoinHandle<()>, mpsc::UnboundedReceiver<Feed>) {
    let (fed, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        Follower::new(options)
            .run(&mut Recorder { fed, decide })
            .await;
    });
    (task, rx)
}

/// What the handler was fed, in short: `on`, `off`, `s4` (snapshot 4), `e5` (event 5).
async fn next(fed: &mut mpsc::UnboundedReceiver<Feed>) -> String {
    let feed = tokio::time::timeout(WAIT, fed.recv())
        .await
        .expect("the handler is fed")
        .expect("the follower runs");
    short(&feed)
}

fn short(feed: &Feed) -> String {
    match feed {
        Feed::Online => "on".into(),
        Feed::Offline(_) => "off".into(),
        Feed::Snapshot(s) => format!("s{}", s.seq),
        Feed::Event(e) => format!("e{}", e.seq),
    }
}

async fn expect(fed: &mut mpsc::UnboundedReceiver<Feed>, wanted: &[&str]) {
    let mut got = Vec::new();
    for _ in wanted {
        got.push(next(fed).await);
    }
    assert_eq!(got, wanted);
}

#[tokio::test]
async fn after_a_drop_it_resumes_after_the_last_accepted_message() {
    let mut server = TinyServer::start().await;
    let options = Options::new(server.address.clone())
        .zone("B")
        .token("device-token")
        .unwrap()
        .since(3);
    let (_task, mut fed) = follow(options, |_| Control::Continue);

    let mut first = server.next().await;
    assert_eq!(first.uri, "/api/v1/stream?zone=B&since=3");
    assert_eq!(first.authorization.as_deref(), Some("Bearer device-token"));
    first.snapshot(4).await;
    first.event(5).await;
    first.event(6).await;
    expect(&mut fed, &["on", "s4", "e5", "e6"]).await;
    drop(first);
    expect(&mut fed, &["off"]).await;

    let mut second = server.next().await;
    assert_eq!(second.uri, "/api/v1/stream?zone=B&since=6");
    assert_eq!(second.authorization.as_deref(), Some("Bearer device-token"));
    // The server's answer to a `since` it cannot resume from (here: a new database
    // whose log ends before it) goes to the handler like any snapshot, and the events
    // after it count from there.
    second.snapshot(2).await;
    second.event(3).await;
    expect(&mut fed, &["on", "s2", "e3"]).await;
    second.ws.close(None).await.unwrap();
    expect(&mut fed, &["off"]).await;

    let third = server.next().await;
    assert_eq!(third.uri, "/api/v1/stream?zone=B&since=3");
}

#[tokio::test]
async fn events_already_accepted_are_skipped() {
    let mut server = TinyServer::start().await;
    let (_task, mut fed) = follow(Options::new(server.address.clone()), |_| Control::Continue);
    let mut first = server.next().await;
    assert_eq!(first.uri, "/api/v1/stream");
    first.snapshot(4).await;
    for seq in [3, 4, 5, 5, 6, 4, 7] {
        first.event(seq).await;
    }
    expect(&mut fed, &["on", "s4", "e5", "e6", "e7"]).await;
    drop(first);
    expect(&mut fed, &["off"]).await;

    // A replay that overlaps what was accepted before the drop.
    let mut second = server.next().await;
    assert_eq!(second.uri, "/api/v1/stream?since=7");
    for seq in [6, 7, 8] {
        second.event(seq).await;
    }
    expect(&mut fed, &["on", "e8"]).await;
}

#[tokio::test]
async fn a_retry_reconnects_from_before_the_message_and_gets_it_again() {
    let mut server = TinyServer::start().await;
    let mut refused = false;
    let (_task, mut fed) = follow(
        Options::new(server.address.clone()),
        move |feed| match feed {
            Feed::Event(e) if e.seq == 6 && !refused => {
                refused = true;
                Control::Retry
            }
            _ => Control::Continue,
        },
    );
    let mut first = server.next().await;
    first.snapshot(4).await;
    first.event(5).await;
    first.event(6).await;
    // Never seen: the follower left the connection at 6.
    first.event(7).await;
    expect(&mut fed, &["on", "s4", "e5", "e6", "off"]).await;

    let mut second = server.next().await;
    assert_eq!(second.uri, "/api/v1/stream?since=5");
    second.event(6).await;
    second.event(7).await;
    expect(&mut fed, &["on", "e6", "e7"]).await;
    drop(first);
}

#[tokio::test]
async fn a_message_asked_for_again_and_again_comes_back_ever_more_slowly() {
    const REFUSALS: usize = 4;
    let mut server = TinyServer::start().await;
    let mut refusals = 0;
    let (_task, mut fed) = follow(
        Options::new(server.address.clone()),
        move |feed| match feed {
            Feed::Event(_) if refusals < REFUSALS => {
                refusals += 1;
                Control::Retry
            }
            _ => Control::Continue,
        },
    );
    let mut connections = Vec::new();
    let mut first_asked = None;
    for attempt in 0..=REFUSALS {
        let mut connection = server.next().await;
        connection.event(6).await;
        expect(&mut fed, &["on", "e6"]).await;
        first_asked.get_or_insert_with(std::time::Instant::now);
        if attempt < REFUSALS {
            expect(&mut fed, &["off"]).await;
        }
        connections.push(connection);
    }
    // The pauses between were at least 80 % of 0.5, 1, 2 and 4 s: the back-off grew
    // although each connection was made. Pauses that started afresh every time would
    // have taken under 2.5 s. (A lower bound: a slow machine only adds to it.)
    let took = first_asked.unwrap().elapsed();
    assert!(took >= Duration::from_secs(5), "{took:?}");
    connections.last_mut().unwrap().event(7).await;
    expect(&mut fed, &["e7"]).await;
}

#[tokio::test]
async fn a_silent_server_is_left_after_the_silence_limit() {
    let mut server = TinyServer::start().await;
    let options = Options::new(server.address.clone()).silence_limit(Duration::from_secs(1));
    let (_task, mut fed) = follow(options, |_| Control::Continue);

    // Accepts the TCP connection and never answers the handshake.
    let _mute = server.tcp().await;
    let off = tokio::time::timeout(WAIT, fed.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(&off, Feed::Offline(why) if why.contains("no answer")),
        "{off:?}"
    );

    // Answers the handshake, then says nothing (a pulled cable looks the same).
    let mut silent = server.next().await;
    expect(&mut fed, &["on"]).await;
    let off = tokio::time::timeout(WAIT, fed.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(&off, Feed::Offline(why) if why.contains("no message")),
        "{off:?}"
    );

    // The next connection is followed as usual.
    let mut third = server.next().await;
    third.snapshot(9).await;
    expect(&mut fed, &["on", "s9"]).await;
    // The silent one was left: what it says now reaches nobody.
    silent.event(10).await;
    third.event(11).await;
    expect(&mut fed, &["e11"]).await;
}

#[tokio::test]
async fn pings_keep_a_quiet_connection() {
    let mut server = TinyServer::start().await;
    let options = Options::new(server.address.clone()).silence_limit(Duration::from_secs(2));
    let (_task, mut fed) = follow(options, |_| Control::Continue);
    let mut connection = server.next().await;
    connection.snapshot(1).await;
    expect(&mut fed, &["on", "s1"]).await;
    // Pings only, each well within the limit, for several times the limit.
    for _ in 0..12 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        connection
            .ws
            .send(Message::Ping(Default::default()))
            .await
            .unwrap();
    }
    connection.event(2).await;
    expect(&mut fed, &["e2"]).await;
}

#[tokio::test]
async fn stop_ends_the_follower() {
    let mut server = TinyServer::start().await;
    let (task, mut fed) = follow(Options::new(server.address.clone()), |feed| match feed {
        Feed::Event(_) => Control::Stop,
        _ => Control::Continue,
    });
    let mut connection = server.next().await;
    connection.snapshot(1).await;
    connection.event(2).await;
    expect(&mut fed, &["on", "s1", "e2"]).await;
    tokio::time::timeout(WAIT, task)
        .await
        .expect("run returns")
        .unwrap();

    // Unreachable server: a handler may also stop when told it is offline.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = Address::parse(&format!("http://{}", closed.local_addr().unwrap())).unwrap();
    drop(closed);
    let (task, mut fed) = follow(Options::new(address), |feed| match feed {
        Feed::Offline(_) => Control::Stop,
        _ => Control::Continue,
    });
    expect(&mut fed, &["off"]).await;
    tokio::time::timeout(WAIT, task)
        .await
        .expect("run returns")
        .unwrap();
}

#[test]
fn the_pauses_between_attempts_stay_within_their_jitter() {
    let within = |pause: Duration, nominal: Duration| {
        let slack = Duration::from_micros(1);
        pause + slack >= nominal.mul_f64(1.0 - backoff::JITTER)
            && pause <= nominal.mul_f64(1.0 + backoff::JITTER) + slack
    };
    // The pure function, at its ends and across its range.
    for nominal in [backoff::FIRST_PAUSE, backoff::MAX_PAUSE] {
        for roll in [0, 1, u32::MAX / 3, u32::MAX / 2, u32::MAX - 1, u32::MAX] {
            let pause = backoff::jittered(nominal, roll);
            assert!(within(pause, nominal), "{pause:?} for {nominal:?}");
        }
        assert!(backoff::jittered(nominal, 0) < backoff::jittered(nominal, u32::MAX));
    }
    // The sequence: doubling from the first pause to the limit, then starting again.
    let mut backoff = Backoff::new();
    for _ in 0..3 {
        let mut nominal = backoff::FIRST_PAUSE;
        for _ in 0..8 {
            let pause = backoff.next_pause();
            assert!(within(pause, nominal), "{pause:?} for {nominal:?}");
            nominal = (nominal * 2).min(backoff::MAX_PAUSE);
        }
        backoff.reset();
    }
}
