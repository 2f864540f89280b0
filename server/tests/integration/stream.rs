//! The live stream against the real server: order, gaps, resume, zones, shutdown.

use antre_protocol::EventKind;
use antre_testkit::*;
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_see_every_event_in_order_without_gaps() {
    let server = Server::demo();
    let site = site(&server).await;
    let counter = site.counters[0].clone();
    let service = counter.services[0].clone();
    let token = login(&server, "admin").await;
    issue(&server, &service).await;
    let mut ws = subscribe(&server, "").await;
    let first = a_snapshot(&mut ws).await;
    assert_eq!(first.seq, 2, "a log-in and one ticket before subscribing");
    assert_eq!(first.counters.len(), site.counters.len());
    let q = first.queues.iter().find(|q| q.service == service).unwrap();
    assert_eq!(q.waiting, 1);
    // Concurrent writers: tickets from the kiosk, calls from the counter.
    let issuing = {
        let kiosk = server.api().as_device();
        let service = service.clone();
        tokio::spawn(async move {
            for _ in 0..50 {
                kiosk.issue(&service).await;
            }
        })
    };
    act(&server, &token, &counter.code, "open", None).await;
    let mut calls = 0;
    for _ in 0..20 {
        if act(&server, &token, &counter.code, "call-next", None)
            .await
            .status()
            == 200
        {
            calls += 1;
        }
    }
    issuing.await.unwrap();
    // 50 issued + opened + each call (the ones after the first also complete the
    // previous ticket).
    let expected = 50 + 1 + calls + (calls - 1);
    let mut seq = first.seq;
    let mut kinds = Vec::new();
    for _ in 0..expected {
        let e = an_event(&mut ws).await;
        assert_eq!(e.seq, seq + 1, "no gap, no reordering");
        seq = e.seq;
        kinds.push(e.kind);
    }
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::TicketIssued)
            .count(),
        50
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::TicketCalled)
            .count(),
        calls
    );
    assert!(kinds.contains(&EventKind::CounterOpened));
    // And nothing more.
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), ws.next())
            .await
            .is_err()
    );
}

#[tokio::test]
async fn resuming_with_since_gives_exactly_what_was_missed() {
    let server = Server::demo();
    let site = site(&server).await;
    let service = site.counters[0].services[0].clone();
    let mut ws = subscribe(&server, "").await;
    let snap = a_snapshot(&mut ws).await;
    issue(&server, &service).await;
    let seen = an_event(&mut ws).await;
    drop(ws);
    // Missed while away.
    let mut missed = Vec::new();
    for _ in 0..5 {
        missed.push(issue(&server, &service).await.id);
    }
    let mut ws = subscribe(&server, &format!("?since={}", seen.seq)).await;
    for (i, id) in missed.iter().enumerate() {
        let e = an_event(&mut ws).await;
        assert_eq!(e.seq, seen.seq + 1 + i as u64);
        assert_eq!(e.ticket.unwrap().id, *id);
    }
    // Then live events continue, with no duplicate of what was replayed.
    let live = issue(&server, &service).await;
    let e = an_event(&mut ws).await;
    assert_eq!((e.seq, e.ticket.unwrap().id), (seen.seq + 6, live.id));
    assert!(snap.seq < seen.seq);

    // A resume point from another database (ahead of this log) gets a fresh snapshot.
    let mut ws = subscribe(&server, "?since=999999").await;
    let fresh = a_snapshot(&mut ws).await;
    assert_eq!(fresh.seq, seen.seq + 6);
}

#[tokio::test]
async fn a_zone_subscriber_sees_only_its_zone() {
    let server = Server::demo();
    let site = site(&server).await;
    let a = site
        .counters
        .iter()
        .find(|c| c.zone == site.zones[0].code)
        .unwrap()
        .clone();
    let b = site
        .counters
        .iter()
        .find(|c| c.zone == site.zones[1].code)
        .unwrap()
        .clone();
    let token = login(&server, "admin").await;
    let mut ws = subscribe(&server, &format!("?zone={}", site.zones[0].code)).await;
    let snap = a_snapshot(&mut ws).await;
    assert!(snap.counters.iter().all(|c| {
        site.counters
            .iter()
            .any(|s| s.code == c.code && s.zone == a.zone)
    }));
    act(&server, &token, &b.code, "open", None).await;
    act(&server, &token, &a.code, "open", None).await;
    let e = an_event(&mut ws).await;
    assert_eq!(
        e.counter.unwrap().code,
        a.code,
        "zone B's counter is not shown"
    );
    let res = client()
        .get(server.url("/api/v1/stream?zone=NOPE"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn shutdown_closes_streams_cleanly_and_exits_zero() {
    let mut server = Server::demo();
    let mut ws = subscribe(&server, "").await;
    a_snapshot(&mut ws).await;
    let status = server.terminate();
    assert!(status.success(), "antre exits 0 on SIGTERM: {status:?}");
    let mut closed = false;
    while let Ok(Some(msg)) =
        tokio::time::timeout(std::time::Duration::from_secs(5), ws.next()).await
    {
        if let Ok(Message::Close(frame)) = msg {
            closed = frame.is_some();
            break;
        }
    }
    assert!(closed, "the stream got a close frame");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_stops_reading_does_not_hold_up_the_others() {
    let server = Server::demo();
    let site = site(&server).await;
    let service = site
        .services
        .iter()
        .find(|s| s.daily_quota.is_none())
        .unwrap()
        .code
        .clone();
    // This one connects with a tiny receive buffer and then never reads again: its
    // socket, and then the server's side of it, fill up.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(server.addr.parse().unwrap()).await.unwrap();
    let stream = tokio_tungstenite::MaybeTlsStream::Plain(stream);
    let (mut stuck, _) = tokio_tungstenite::client_async(server.ws_url(""), stream)
        .await
        .unwrap();
    a_snapshot(&mut stuck).await;
    let mut healthy = subscribe(&server, "").await;
    let first = a_snapshot(&mut healthy).await;
    // Enough events (about a kilobyte each) to fill the stuck client's socket buffers
    // several times over.
    const EVENTS: u64 = 6000;
    let issuing = {
        let kiosk = server.api().as_device();
        let service = service.clone();
        tokio::spawn(async move {
            let mut tasks = Vec::new();
            for _ in 0..8 {
                let (kiosk, service) = (kiosk.clone(), service.clone());
                tasks.push(tokio::spawn(async move {
                    for _ in 0..EVENTS / 8 {
                        kiosk.issue(&service).await;
                    }
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        })
    };
    let mut seq = first.seq;
    for _ in 0..EVENTS {
        let e = an_event(&mut healthy).await;
        assert_eq!(e.seq, seq + 1);
        seq = e.seq;
    }
    issuing.await.unwrap();
    drop(stuck);
}
