//! The quota release rush: thousands of citizens trying to book the same session at
//! the minute its seats are released. Starts its own server with one bookable service
//! and checks the outcome as well as timing it: exactly the quota booked, no NIK twice.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::stats::{ms, percentile};
use crate::target::{DEMO_PASSWORD, Spawned, Target};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The `antre` binary (default: next to this one).
    #[arg(long)]
    pub antre: Option<std::path::PathBuf>,
    /// Clients booking at once, each on its own connection.
    #[arg(long, default_value_t = 2_000)]
    pub clients: usize,
    /// Booking attempts in all.
    #[arg(long, default_value_t = 10_000)]
    pub attempts: u64,
    /// The session's seats.
    #[arg(long, default_value_t = 500)]
    pub seats: u32,
    /// Different people among the attempts (the others try a second time).
    #[arg(long, default_value_t = 8_000)]
    pub people: u64,
    /// Stop after this many seconds even if not all attempts were made.
    #[arg(long, default_value_t = 120)]
    pub max_seconds: u64,
}

/// The site: one service with one session a day of `seats` seats, released at once,
/// no per-address limit that loopback clients would meet, room for every client's
/// connection, and an admin with the tool's password.
pub fn site_config(seats: u32, clients: usize, extra: &str) -> anyhow::Result<String> {
    let hash = antre_server::auth::hash_password(DEMO_PASSWORD)?;
    Ok(format!(
        r#"
[site]
code = "BEBAN"
name = "MPP Beban"
timezone = "Asia/Makassar"
hours = "00:00-24:00"
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
[limits]
tickets_per_minute_per_client = 10000000
max_connections = {connections}
[[zones]]
code = "A"
name = "A"
[[agencies]]
code = "IMI"
short = "Imigrasi"
name = "Kantor Imigrasi"
name_en = "Immigration Office"
[[services]]
code = "PASPOR"
agency = "IMI"
prefix = "P"
name = "Paspor baru"
name_en = "New passport"
target_wait_min = 30
avg_service_min = 10
[services.booking]
days_ahead = 7
release = "00:00"
[[services.booking.sessions]]
start = "08:00"
end = "12:00"
quota = {seats}
[[counters]]
code = "L1"
name = "Loket 1"
zone = "A"
agency = "IMI"
services = ["PASPOR"]
[[users]]
username = "admin"
role = "admin"
password_hash = "{hash}"
{extra}"#,
        connections = clients * 2 + 64,
    ))
}

/// A NIK of the right form for person `n` (a different serial and birth date each).
pub fn nik(n: u64) -> String {
    let day = 1 + n % 28;
    let month = 1 + (n / 28) % 12;
    let serial = 1 + n / 336;
    format!("737105{day:02}{month:02}85{serial:04}")
}

pub async fn run(args: &Args) -> anyhow::Result<String> {
    let antre = crate::target::antre_binary(args.antre.clone())?;
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("site.toml");
    std::fs::write(&config, site_config(args.seats, args.clients, "")?)?;
    let server = Spawned::serve(
        &antre,
        &config,
        &dir.path().join("data"),
        Duration::from_secs(60),
    )
    .await?;
    rush(&server.target, args).await
}

async fn rush(target: &Target, args: &Args) -> anyhow::Result<String> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let day = jiff::Timestamp::now()
        .in_tz("Asia/Makassar")?
        .date()
        .tomorrow()?
        .to_string();
    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    let addr = target.base.trim_start_matches("http://").to_string();
    // Every client opens its own connection first (as phones waiting on the booking
    // page have theirs), then all start at the same instant: the release. A connection
    // per client, without a shared pool, keeps the clients' own cost low: they share
    // the machine with the server.
    let start = Arc::new(tokio::sync::Barrier::new(args.clients));
    let mut tasks = Vec::new();
    for _ in 0..args.clients {
        let (next, start, day, addr) = (next.clone(), start.clone(), day.clone(), addr.clone());
        let (attempts, people) = (args.attempts, args.people.max(1));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut booked: Vec<String> = Vec::new();
            let mut refused: Vec<String> = Vec::new();
            let connection = connect(&addr).await;
            start.wait().await;
            let mut sender = match connection {
                Ok(sender) => sender,
                Err(e) => {
                    refused.push(format!("connect: {e}"));
                    return (latencies, booked, refused);
                }
            };
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= attempts || Instant::now() >= deadline {
                    break;
                }
                let person = i % people;
                let body = json!({
                    "service": "PASPOR", "date": day, "start": "08:00",
                    "nik": nik(person), "name": format!("Warga {person}"),
                    "phone": "0812 3456 7890",
                });
                let sent = Instant::now();
                match post(&mut sender, &addr, &body).await {
                    Ok((201, _)) => {
                        latencies.push(sent.elapsed());
                        booked.push(nik(person));
                    }
                    Ok((status, answer)) => {
                        latencies.push(sent.elapsed());
                        refused.push(
                            answer["error"]["code"]
                                .as_str()
                                .map_or_else(|| format!("status {status}"), str::to_string),
                        );
                    }
                    Err(e) => refused.push(format!("transport: {e}")),
                }
            }
            (latencies, booked, refused)
        }));
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut booked = Vec::new();
    let mut refused = std::collections::BTreeMap::<String, u64>::new();
    for task in tasks {
        let (l, b, r) = task.await?;
        latencies.extend(l);
        booked.extend(b);
        for code in r {
            *refused.entry(code).or_default() += 1;
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let people: BTreeSet<&String> = booked.iter().collect();
    let slots: Vec<Value> = http
        .get(target.url(&format!(
            "/api/v1/booking/slots?service=PASPOR&from={day}&to={day}"
        )))
        .send()
        .await?
        .json()
        .await?;
    let left = slots.first().and_then(|s| s["left"].as_u64());
    anyhow::ensure!(
        booked.len() == args.seats as usize && people.len() == booked.len() && left == Some(0),
        "the rush did not book exactly the quota: {} booked, {} people, {left:?} left, refusals {refused:?}",
        booked.len(),
        people.len()
    );
    Ok(format!(
        "booking rush: {} attempts from {} clients in {:.2} s for {} seats: {} booked, \
         {} different NIKs, {left:?} left; refusals {refused:?}; latency p50 {} p99 {} max {}",
        latencies.len(),
        args.clients,
        elapsed.as_secs_f64(),
        args.seats,
        booked.len(),
        people.len(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
    ))
}

type Sender = hyper::client::conn::http1::SendRequest<http_body_util::Full<bytes::Bytes>>;

/// One HTTP/1.1 connection of one client.
async fn connect(addr: &str) -> anyhow::Result<Sender> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// `POST /api/v1/bookings` on the client's connection: the status and the JSON answer.
async fn post(sender: &mut Sender, host: &str, body: &Value) -> anyhow::Result<(u16, Value)> {
    use http_body_util::BodyExt;
    sender.ready().await?;
    let request = hyper::Request::post("/api/v1/bookings")
        .header(hyper::header::HOST, host)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(http_body_util::Full::new(bytes::Bytes::from(
            serde_json::to_vec(body)?,
        )))?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_person_has_a_nik_of_the_right_form_and_their_own() {
        let niks: BTreeSet<String> = (0..10_000).map(nik).collect();
        assert_eq!(niks.len(), 10_000);
        for n in [0, 27, 335, 336, 9_999] {
            let nik = nik(n);
            assert_eq!(nik.len(), 16);
            let day: u32 = nik[6..8].parse().unwrap();
            let month: u32 = nik[8..10].parse().unwrap();
            assert!(
                (1..=31).contains(&day) && (1..=12).contains(&month),
                "{nik}"
            );
            assert_ne!(&nik[12..], "0000");
        }
    }
}
