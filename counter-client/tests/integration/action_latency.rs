//! A bounded measurement, not a check (run it with `--ignored --nocapture`): what the
//! safe action path costs. `Client::act` reads the counter before sending (so a retry
//! can tell whether the first try went through) and sends an `Idempotency-Key`;
//! `Client::act_once` only sends. Figures go to docs/performance.md.

use std::time::{Duration, Instant};

use antre_counter::api::{Action, Client, Outcome};
use antre_testkit::*;

/// Calls per variant: enough for a stable median and 99th percentile, a few seconds.
const CALLS: usize = 300;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::test]
#[ignore = "a measurement for docs/performance.md, not a check"]
async fn call_next_round_trip() {
    let server = Server::demo();
    let site = site(&server).await;
    // A counter with a service that has no daily quota, so 2 × CALLS tickets fit.
    let (counter, service) = site
        .counters
        .iter()
        .find_map(|c| {
            c.services
                .iter()
                .find(|s| {
                    site.services
                        .iter()
                        .any(|i| &i.code == *s && i.daily_quota.is_none())
                })
                .map(|s| (c.code.clone(), s.clone()))
        })
        .expect("a service without quota");
    for _ in 0..2 * CALLS {
        issue(&server, &service).await;
    }
    let mut client = Client::new(&server.base).unwrap();
    client.login("admin", PASSWORD).await.unwrap();
    client.act(&counter, &Action::Open).await.unwrap();
    for (name, safe) in [("act (GET + keyed POST)", true), ("act_once (POST)", false)] {
        let mut took = Vec::with_capacity(CALLS);
        for _ in 0..CALLS {
            let start = Instant::now();
            let answer = if safe {
                client.act(&counter, &Action::CallNext).await
            } else {
                client.act_once(&counter, &Action::CallNext).await
            };
            took.push(start.elapsed());
            assert!(matches!(answer, Ok(Outcome::Ticket(_))), "{answer:?}");
        }
        took.sort();
        eprintln!(
            "{name}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {CALLS} calls",
            percentile(&took, 0.5).as_secs_f64() * 1e3,
            percentile(&took, 0.99).as_secs_f64() * 1e3,
            took.last().unwrap().as_secs_f64() * 1e3,
        );
    }
}
