//! The sender against real parts: an HTTP receiver on a loopback port and a migrated
//! SQLite file. Waits are bounded guards, not timing assertions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use antre_testkit::receiver::{Received, Receiver, Reply, always};
use tokio::sync::watch;

use super::*;
use crate::store::outbox::{self, Row};

/// A stored row of a `called` message, for the channels' unit tests.
pub(crate) fn sample_row() -> Row {
    let body = StoredBody {
        kind: MessageKind::Called,
        booking: Some("ACDE-FH34".into()),
        to: "6281234567890".into(),
        text: "Nomor A-012, silakan menuju loket 3 sekarang.".into(),
        text_en: "Number A-012, please go to counter 3 now.".into(),
        vars: [("number", "A-012"), ("counter", "3")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    Row {
        id: 42,
        created_at_ms: 1_767_225_600_000,
        channel: "wh".into(),
        kind: "called".into(),
        booking: Some("ACDE-FH34".into()),
        recipient: "6281234567890".into(),
        body: serde_json::to_string(&body).unwrap(),
        attempts: 0,
    }
}

const SECRET: &str = "test-secret";
const SITE: &str = "MPP-TEST";

/// A migrated database in a temporary directory.
fn database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("antre.sqlite3");
    drop(crate::store::Store::open(&path).unwrap());
    (dir, path)
}

fn webhook(name: &str, url: &str) -> ChannelConfig {
    ChannelConfig {
        name: name.into(),
        kind: ChannelKind::Webhook,
        url: url.into(),
        secret: Some(SECRET.into()),
        token: None,
        enabled: true,
        language: "id".into(),
        to_field: None,
        text_field: None,
        token_field: None,
    }
}

fn config(channels: Vec<ChannelConfig>) -> Arc<NotifyConfig> {
    let cfg = NotifyConfig {
        channels,
        ..NotifyConfig::default()
    };
    assert_eq!(cfg.problems(), Vec::<String>::new());
    Arc::new(cfg)
}

/// Messages `from..to` composed for every enabled channel and stored as the writer
/// would, one transaction per batch.
fn enqueue(path: &Path, cfg: &NotifyConfig, numbers: std::ops::Range<usize>) {
    let mut conn = outbox::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    for n in numbers {
        let msg = Outgoing {
            kind: MessageKind::Called,
            booking: Some(format!("B{n:05}")),
            recipient: "6281234567890".into(),
            vars: BTreeMap::from([
                ("number".to_string(), format!("A-{n:03}")),
                ("counter".to_string(), "3".to_string()),
            ]),
        };
        let rows = compose(cfg, SITE, &msg);
        outbox::enqueue(
            &tx,
            n as u64,
            jiff::Timestamp::now().as_millisecond(),
            &rows,
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

/// Short waits, so retries happen within a test.
fn quick() -> SenderOptions {
    SenderOptions {
        backoff: Backoff {
            steps: vec![Duration::from_millis(100)],
            then_every: Duration::from_millis(200),
            max_attempts: 50,
        },
        idle: Duration::from_millis(20),
        connect_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(2),
    }
}

struct Running {
    stop: watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

impl Running {
    async fn stop(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(10), self.handle)
            .await
            .expect("the sender stops when told")
            .expect("the sender ends without panicking");
    }
}

fn start(path: &Path, cfg: Arc<NotifyConfig>, options: SenderOptions) -> Running {
    let (stop, shutdown) = watch::channel(false);
    let handle = spawn_with(
        path.to_path_buf(),
        SITE.to_string(),
        move || cfg.clone(),
        shutdown,
        options,
    );
    Running { stop, handle }
}

/// Rows by status.
fn statuses(path: &Path) -> BTreeMap<String, usize> {
    let conn = outbox::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn count(path: &Path, status: &str) -> usize {
    statuses(path).get(status).copied().unwrap_or(0)
}

/// `(status, attempts, last_error)` of every row, by id.
fn rows(path: &Path) -> Vec<(String, u32, Option<String>)> {
    let conn = outbox::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT status, attempts, last_error FROM outbox ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Waits until `done` holds, at most 30 s (a guard against hanging, not a measure).
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn verify_signature(r: &Received) {
    let ts = r.headers["x-antre-timestamp"].to_str().unwrap();
    let sig = r.headers["x-antre-signature"].to_str().unwrap();
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{ts}.{}", r.body).as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    assert_eq!(sig, format!("sha256={expected}"), "signature of {}", r.id());
    let now = jiff::Timestamp::now().as_second();
    let ts: i64 = ts.parse().unwrap();
    assert!((now - ts).abs() < 600, "a current timestamp");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_arrives_signed() {
    let (_dir, path) = database();
    let receiver = Receiver::start(always(200)).await;
    let cfg = config(vec![webhook("wh", &receiver.url())]);
    enqueue(&path, &cfg, 0..200);
    let sender = start(&path, cfg.clone(), quick());
    until("all sent", || count(&path, "sent") == 200).await;
    sender.stop().await;

    let got = receiver.received();
    assert_eq!(got.len(), 200, "each once: nothing failed");
    let counts = receiver.counts();
    for id in 1..=200 {
        assert_eq!(counts.get(&format!("{SITE}-{id}")), Some(&1), "{id}");
    }
    for r in &got {
        verify_signature(r);
        assert_eq!(r.path, "/hook");
        assert_eq!(r.headers["content-type"], "application/json");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["id"], r.id());
        assert_eq!(body["site"], SITE);
        assert_eq!(body["kind"], "called");
        assert_eq!(body["to"], "6281234567890");
        let number = body["vars"]["number"].as_str().unwrap();
        assert_eq!(
            body["text"],
            format!("Nomor {number}, silakan menuju loket 3 sekarang.")
        );
        assert_eq!(
            body["text_en"],
            format!("Number {number}, please go to counter 3 now.")
        );
        assert!(body["created_at"].as_str().unwrap().ends_with('Z'));
        assert!(body["booking"].as_str().unwrap().starts_with('B'));
    }
    for (status, attempts, error) in rows(&path) {
        assert_eq!((status.as_str(), attempts, error), ("sent", 1, None));
    }
    let stats = super::stats(&outbox::open(&path).unwrap(), &cfg).unwrap();
    assert_eq!((stats.pending, stats.sent, stats.failed), (0, 200, 0));
    assert_eq!(stats.channels.len(), 1);
    assert_eq!(stats.channels[0].kind.as_deref(), Some("webhook"));
    assert!(stats.channels[0].last_sent_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_is_retried_until_it_goes_through() {
    let (_dir, path) = database();
    // Each message is refused once, then taken.
    let receiver = Receiver::start(Arc::new(|_, before| {
        if before == 0 {
            Reply::Status(500, "database is down")
        } else {
            Reply::Status(200, "ok")
        }
    }))
    .await;
    let cfg = config(vec![webhook("wh", &receiver.url())]);
    enqueue(&path, &cfg, 0..20);
    let sender = start(&path, cfg, quick());
    until("all sent", || count(&path, "sent") == 20).await;
    sender.stop().await;
    let counts = receiver.counts();
    assert_eq!(counts.len(), 20);
    assert!(counts.values().all(|&n| n == 2), "{counts:?}");
    for (status, attempts, error) in rows(&path) {
        assert_eq!(status, "sent");
        assert_eq!(attempts, 2);
        // The error of the failed try stays, for the record.
        assert_eq!(error.as_deref(), Some("HTTP 500: database is down"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connections_leave_rows_pending() {
    let (_dir, path) = database();
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cfg = config(vec![webhook(
        "wh",
        &format!("http://127.0.0.1:{port}/hook"),
    )]);
    enqueue(&path, &cfg, 0..5);
    // The production schedule: the first retry is 5 s away.
    let sender = start(
        &path,
        cfg.clone(),
        SenderOptions {
            idle: Duration::from_millis(20),
            ..SenderOptions::default()
        },
    );
    until("every row tried", || {
        rows(&path).iter().all(|(_, attempts, _)| *attempts == 1)
    })
    .await;
    sender.stop().await;
    for (status, attempts, error) in rows(&path) {
        assert_eq!((status.as_str(), attempts), ("pending", 1));
        let error = error.unwrap();
        assert!(error.starts_with("cannot connect: "), "{error}");
        assert!(!error.contains(&port.to_string()), "no URL in {error}");
    }
    let stats = super::stats(&outbox::open(&path).unwrap(), &cfg).unwrap();
    assert_eq!(stats.pending, 5);
    assert!(stats.oldest_pending_at.is_some());
    assert!(
        stats.channels[0]
            .last_error
            .as_deref()
            .unwrap()
            .starts_with("cannot connect")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4xx_fails_at_once_and_can_be_retried() {
    let (_dir, path) = database();
    let refusing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let receiver = Receiver::start({
        let refusing = refusing.clone();
        Arc::new(move |_, _| {
            if refusing.load(std::sync::atomic::Ordering::SeqCst) {
                Reply::Status(404, "no such hook")
            } else {
                Reply::Status(204, "")
            }
        })
    })
    .await;
    let cfg = config(vec![webhook("wh", &receiver.url())]);
    enqueue(&path, &cfg, 0..3);
    let sender = start(&path, cfg.clone(), quick());
    until("all failed", || count(&path, "failed") == 3).await;
    for (_, attempts, error) in rows(&path) {
        assert_eq!(attempts, 1);
        assert_eq!(error.as_deref(), Some("HTTP 404: no such hook"));
    }
    let stats = super::stats(&outbox::open(&path).unwrap(), &cfg).unwrap();
    assert_eq!(stats.failed_recent.len(), 3);
    assert_eq!(stats.failed_recent[0].id, 3);
    assert_eq!(stats.failed_recent[0].kind, "called");

    // Fixed on the receiver's side: the administrator retries.
    refusing.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        outbox::retry_failed(&outbox::open(&path).unwrap()).unwrap(),
        3
    );
    until("all sent", || count(&path, "sent") == 3).await;
    sender.stop().await;
    assert_eq!(receiver.how_many(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_killed_and_restarted_still_gets_everything() {
    let (_dir, path) = database();
    let receiver = Receiver::start(always(200)).await;
    let cfg = config(vec![webhook("wh", &receiver.url())]);
    enqueue(&path, &cfg, 0..400);
    let sender = start(&path, cfg, quick());
    until("some delivered", || receiver.how_many() >= 50).await;
    let (addr, got) = receiver.kill().await;
    let at_kill = got.lock().unwrap().all.len();
    // Down for a while: tries fail and are put off.
    until("a refused try recorded", || {
        rows(&path)
            .iter()
            .any(|(s, _, e)| s == "pending" && e.as_deref().is_some_and(|e| e.contains("connect")))
    })
    .await;
    let receiver = Receiver::start_at(addr, always(200), got).await;
    until("all sent", || count(&path, "sent") == 400).await;
    sender.stop().await;
    let counts = receiver.counts();
    assert_eq!(counts.len(), 400, "every message arrived");
    for id in 1..=400 {
        assert!(counts.contains_key(&format!("{SITE}-{id}")), "{id}");
    }
    let repeats: usize = counts.values().map(|n| n - 1).sum();
    // Only requests cut by the kill may have come twice; deduplicated by id, each
    // message is there exactly once.
    assert!(repeats <= super::sender::MAX_IN_FLIGHT, "{repeats} repeats");
    assert!(at_kill < 400, "killed midway ({at_kill} delivered)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_sender_resumes_from_the_table() {
    let (_dir, path) = database();
    let receiver = Receiver::start(always(200)).await;
    let cfg = config(vec![webhook("wh", &receiver.url())]);
    enqueue(&path, &cfg, 0..300);
    let sender = start(&path, cfg.clone(), quick());
    until("some sent", || count(&path, "sent") >= 30).await;
    sender.stop().await;
    let sent_before = count(&path, "sent");
    enqueue(&path, &cfg, 300..350);
    let sender = start(&path, cfg, quick());
    until("all sent", || count(&path, "sent") == 350).await;
    sender.stop().await;
    let counts = receiver.counts();
    assert_eq!(counts.len(), 350);
    // Requests in flight at the stop may be sent again; nothing recorded as sent is.
    let repeats: usize = counts.values().map(|n| n - 1).sum();
    assert!(repeats <= super::sender::MAX_IN_FLIGHT, "{repeats} repeats");
    assert!(sent_before < 350);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_holds_back_only_its_own_channel() {
    let (_dir, path) = database();
    let hanging = Receiver::start(Arc::new(|_, _| Reply::Hang)).await;
    let fast = Receiver::start(always(200)).await;
    let cfg = config(vec![
        webhook("fast", &fast.url()),
        webhook("slow", &hanging.url()),
    ]);
    // Many of the hanging channel's messages first, then the others.
    let slow_only = config(vec![webhook("slow", &hanging.url())]);
    enqueue(&path, &slow_only, 0..100);
    enqueue(&path, &cfg, 100..150);
    let options = SenderOptions {
        request_timeout: Duration::from_millis(500),
        ..quick()
    };
    let sender = start(&path, cfg, options);
    until("the fast channel's messages sent", || fast.how_many() >= 50).await;
    until("a try timed out", || {
        rows(&path)
            .iter()
            .any(|(_, _, e)| e.as_deref().is_some_and(|e| e.starts_with("timed out")))
    })
    .await;
    sender.stop().await;
    assert_eq!(fast.counts().len(), 50);
    // The hanging channel never had more than its share in flight.
    assert!(!hanging.received().is_empty());
    let conn = outbox::open(&path).unwrap();
    let slow_sent: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE channel = 'slow' AND status = 'sent'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(slow_sent, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_of_removed_or_disabled_channels_fail() {
    let (_dir, path) = database();
    let receiver = Receiver::start(always(200)).await;
    let before = config(vec![
        webhook("gone", &receiver.url()),
        webhook("off", &receiver.url()),
        webhook("wh", &receiver.url()),
    ]);
    enqueue(&path, &before, 0..2);
    let mut off = webhook("off", &receiver.url());
    off.enabled = false;
    let after = config(vec![off, webhook("wh", &receiver.url())]);
    let sender = start(&path, after, quick());
    until("all done", || count(&path, "pending") == 0).await;
    sender.stop().await;
    let conn = outbox::open(&path).unwrap();
    let mut stmt = conn
        .prepare("SELECT channel, status, last_error FROM outbox ORDER BY id")
        .unwrap();
    let got: Vec<(String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (channel, status, error) in got {
        match channel.as_str() {
            "gone" => assert_eq!(
                (status.as_str(), error.as_deref()),
                ("failed", Some("channel \"gone\" is no longer configured"))
            ),
            "off" => assert_eq!(
                (status.as_str(), error.as_deref()),
                ("failed", Some("channel \"off\" is disabled"))
            ),
            _ => assert_eq!((status.as_str(), error), ("sent", None)),
        }
    }
    assert_eq!(receiver.how_many(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatsapp_and_gateways_over_the_wire() {
    let (_dir, path) = database();
    let receiver = Receiver::start(always(200)).await;
    let base = format!("http://{}", receiver.addr);
    let wa = ChannelConfig {
        name: "wa".into(),
        kind: ChannelKind::WhatsappCloud,
        url: format!("{base}/v21.0/123/messages"),
        secret: None,
        token: Some("wa-token".into()),
        enabled: true,
        language: "id".into(),
        to_field: None,
        text_field: None,
        token_field: None,
    };
    let gateway = ChannelConfig {
        name: "fonnte".into(),
        kind: ChannelKind::WaGateway,
        url: format!("{base}/send"),
        token: Some("gw-token".into()),
        ..wa.clone()
    };
    let sms = ChannelConfig {
        name: "sms".into(),
        kind: ChannelKind::Sms,
        url: format!("{base}/sms?user=x"),
        token: Some("sms-key".into()),
        language: "en".into(),
        token_field: Some("key".into()),
        ..wa.clone()
    };
    let cfg = config(vec![wa, gateway, sms]);
    enqueue(&path, &cfg, 7..8);
    let sender = start(&path, cfg, quick());
    until("all sent", || count(&path, "sent") == 3).await;
    sender.stop().await;
    let got = receiver.received();
    let by_path = |p: &str| got.iter().find(|r| r.path.starts_with(p)).unwrap().clone();

    let wa = by_path("/v21.0/123/messages");
    assert_eq!(wa.headers["authorization"], "Bearer wa-token");
    let body: serde_json::Value = serde_json::from_str(&wa.body).unwrap();
    assert_eq!(body["template"]["name"], "antre_called");
    assert_eq!(body["to"], "6281234567890");
    assert_eq!(
        body["template"]["components"][0]["parameters"][0]["text"],
        "A-007"
    );

    let gw = by_path("/send");
    assert_eq!(gw.headers["authorization"], "gw-token");
    assert_eq!(
        gw.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        gw.body,
        "target=6281234567890&message=Nomor+A-007%2C+silakan+menuju+loket+3+sekarang."
    );

    let sms = by_path("/sms");
    assert!(sms.headers.get("authorization").is_none());
    assert_eq!(
        sms.body,
        "to=6281234567890&text=Number+A-007%2C+please+go+to+counter+3+now.&key=sms-key"
    );
}

/// Measures how fast the sender drains a backlog to a local receiver. Run by hand:
/// `cargo test -p antre-server --lib notify::tests::drain_rate -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand"]
async fn drain_rate() {
    const N: usize = 5000;
    let (_dir, path) = database();
    let receiver = Receiver::start(always(200)).await;
    let cfg = config(vec![webhook("wh", &receiver.url())]);
    enqueue(&path, &cfg, 0..N);
    let started = std::time::Instant::now();
    let sender = start(&path, cfg, SenderOptions::default());
    until("all sent", || count(&path, "sent") == N).await;
    let elapsed = started.elapsed();
    sender.stop().await;
    println!(
        "drained {N} messages in {:.2} s: {:.0} messages/s",
        elapsed.as_secs_f64(),
        N as f64 / elapsed.as_secs_f64()
    );
}
