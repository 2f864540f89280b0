//! Call → stream latency: from a counter's call-next request until every one of M
//! stream subscribers has the `ticket.called` event.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use antre_protocol::{SiteInfo, Ticket};
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::stats::{ms, percentile};
use crate::target::Target;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Stream subscribers connected during the calls.
    #[arg(long, default_value_t = 1000)]
    pub subscribers: usize,
    /// Calls to measure.
    #[arg(long, default_value_t = 200)]
    pub calls: usize,
}

/// Calls made before measuring, so connection set-up and first-touch allocations on
/// both sides are not counted as stream latency.
const WARM_UP: usize = 10;

/// Longest wait for all subscribers to have one call; a run that needs it is broken.
const CALL_LIMIT: Duration = Duration::from_secs(10);

pub async fn run(target: &Target, args: &Args) -> anyhow::Result<String> {
    let http = reqwest::Client::new();
    let site: SiteInfo = http
        .get(target.url("/api/v1/site"))
        .send()
        .await?
        .json()
        .await?;
    let counter = site
        .counters
        .iter()
        .find(|c| {
            c.services.iter().any(|s| {
                site.services
                    .iter()
                    .any(|x| &x.code == s && x.daily_quota.is_none())
            })
        })
        .ok_or_else(|| anyhow::anyhow!("no counter serves a service without quota"))?;
    let service = counter
        .services
        .iter()
        .find(|s| {
            site.services
                .iter()
                .any(|x| &x.code == *s && x.daily_quota.is_none())
        })
        .expect("found above");
    let token = target.admin_token(&http).await?;
    let act = |action: &str| {
        http.post(target.url(&format!("/api/v1/counters/{}/{action}", counter.code)))
            .bearer_auth(&token)
            .send()
    };
    act("open").await?;
    // Clear whatever waits for the counter, then queue one ticket per call.
    while act("call-next").await?.status() == 200 {}
    for _ in 0..WARM_UP + args.calls {
        let res = http
            .post(target.url("/api/v1/tickets"))
            .bearer_auth(&target.password)
            .json(&json!({"service": service}))
            .send()
            .await?;
        anyhow::ensure!(res.status() == 201, "issue failed: {}", res.status());
    }

    // Round n is the n-th call: every subscriber marks its n-th `ticket.called` in it,
    // and the last one to arrive wakes the driver. Atomics instead of a channel, so the
    // tool's own work per received event stays tiny: it runs on the server's cores.
    let base = Instant::now();
    let rounds: Arc<Vec<Round>> = Arc::new(
        (0..WARM_UP + args.calls)
            .map(|_| Round::default())
            .collect(),
    );
    let mut ready = Vec::new();
    for _ in 0..args.subscribers {
        // Events are about a kilobyte: a small read buffer saves clearing 128 KiB per
        // read, which with a thousand subscribers on two cores would be measured too.
        let config = WebSocketConfig::default().read_buffer_size(8 * 1024);
        let (ws, _) = tokio_tungstenite::connect_async_with_config(
            target.ws("/api/v1/stream"),
            Some(config),
            true,
        )
        .await?;
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<()>();
        ready.push(ready_rx);
        let (rounds, subscribers) = (rounds.clone(), args.subscribers);
        tokio::spawn(async move {
            let mut ws = ws;
            let mut ready_tx = Some(ready_tx);
            let mut n = 0;
            while let Some(Ok(msg)) = ws.next().await {
                let Message::Text(text) = msg else { continue };
                if let Some(r) = ready_tx.take() {
                    let _ = r.send(()); // the snapshot arrived
                    continue;
                }
                let at = base.elapsed().as_nanos() as u64;
                let Some(id) = called_ticket(&text) else {
                    continue;
                };
                let Some(round) = rounds.get(n) else { break };
                round.arrive(id, at, subscribers);
                n += 1;
            }
        });
    }
    for r in ready {
        r.await?;
    }

    let mut samples = Vec::new();
    let mut firsts = Vec::new();
    for (call, round) in rounds.iter().enumerate() {
        let sent = base.elapsed().as_nanos() as u64;
        let res = act("call-next").await?;
        anyhow::ensure!(res.status() == 200, "call-next answered {}", res.status());
        let called: Ticket = res.json().await?;
        tokio::time::timeout(CALL_LIMIT, round.all_arrived.notified())
            .await
            .map_err(|_| {
                anyhow::anyhow!("subscribers did not all get call {} in time", called.number)
            })?;
        let id = round.ticket.load(Ordering::Acquire);
        anyhow::ensure!(
            id == called.id && !round.mixed.load(Ordering::Acquire),
            "subscribers saw ticket {id} for call {} (ticket {})",
            called.number,
            called.id
        );
        if call >= WARM_UP {
            let nanos = |at: &AtomicU64| {
                Duration::from_nanos(at.load(Ordering::Acquire).saturating_sub(sent))
            };
            samples.push(nanos(&round.last));
            firsts.push(nanos(&round.first));
        }
    }
    samples.sort();
    firsts.sort();
    Ok(format!(
        "call → stream: {} calls, {} subscribers each; until all have the event: \
         p50 {} p99 {} max {}; until the first has it: p50 {} p99 {}",
        args.calls,
        args.subscribers,
        ms(percentile(&samples, 50.0)),
        ms(percentile(&samples, 99.0)),
        ms(*samples.last().unwrap_or(&Duration::ZERO)),
        ms(percentile(&firsts, 50.0)),
        ms(percentile(&firsts, 99.0)),
    ))
}

/// One call as the subscribers see it.
#[derive(Debug)]
struct Round {
    /// Subscribers that have the event.
    arrived: AtomicUsize,
    /// Earliest and latest arrival, nanoseconds since the run's base instant.
    first: AtomicU64,
    last: AtomicU64,
    /// The ticket the first arrival named; `mixed` if any other named another.
    ticket: AtomicU64,
    mixed: AtomicBool,
    all_arrived: Notify,
}

impl Default for Round {
    fn default() -> Round {
        Round {
            arrived: AtomicUsize::new(0),
            first: AtomicU64::new(u64::MAX),
            last: AtomicU64::new(0),
            ticket: AtomicU64::new(0),
            mixed: AtomicBool::new(false),
            all_arrived: Notify::new(),
        }
    }
}

impl Round {
    fn arrive(&self, ticket: u64, at: u64, subscribers: usize) {
        if let Err(other) =
            self.ticket
                .compare_exchange(0, ticket, Ordering::AcqRel, Ordering::Acquire)
            && other != ticket
        {
            self.mixed.store(true, Ordering::Release);
        }
        self.first.fetch_min(at, Ordering::AcqRel);
        self.last.fetch_max(at, Ordering::AcqRel);
        if self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == subscribers {
            // A permit is kept if the driver is not waiting yet: no wake-up is lost.
            self.all_arrived.notify_one();
        }
    }
}

/// The ticket id of a `ticket.called` event, read without parsing the whole event: a
/// thousand subscribers share this machine's two cores with the server, and a full
/// parse of each copy would be measured as stream latency.
fn called_ticket(text: &str) -> Option<u64> {
    if !text.contains("\"type\":\"ticket.called\"") {
        return None;
    }
    let rest = &text[text.find("\"ticket\":{\"id\":")? + 15..];
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcut_reads_what_serde_writes() {
        let event = antre_protocol::Event {
            seq: 9,
            kind: antre_protocol::EventKind::TicketCalled,
            at: "x".into(),
            zones: vec!["A".into()],
            ticket: Some(antre_protocol::Ticket {
                id: 4711,
                number: "A001".into(),
                service: "S".into(),
                status: antre_protocol::TicketStatus::Called,
                priority: None,
                position: None,
                estimated_wait_s: None,
                track_token: None,
                issued_at: "x".into(),
                day: "2026-11-23".into(),
                counter: Some("L01".into()),
                called_at: None,
                started_at: None,
                finished_at: None,
                recalls: 0,
                transfers: 0,
                kiosk: None,
                note: None,
                booking: None,
                place_at: None,
            }),
            counter: None,
            detail: Default::default(),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(called_ticket(&json), Some(4711));
        let done = json.replace("ticket.called", "ticket.done");
        assert_eq!(called_ticket(&done), None);
    }
}
