//! The board agent: follows a board's calls on the live stream and says them on the PC's
//! speakers, for halls where the TV only shows the page and a small PC drives the
//! loudspeakers.
//!
//! It needs no system libraries: audio goes to whichever command-line player the PC has
//! (`pw-play`, `paplay`, `aplay`), one announcement at a time. It follows the stream
//! with `antre-client`'s follower, like the other native clients: it reconnects by
//! itself and catches up with `since=SEQ`, like the page does. Every call is queued and
//! said in order by the rules of [`crate::queue`]; each is composed here from the
//! announcement's clips, fetched from the server once and kept in memory
//! ([`Speaker`]), so a call costs no download.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use antre_client::Address;
use antre_client::follow::{Control, Feed, Follower, Handler, Options};
use antre_protocol::EventKind;
use anyhow::{Context, anyhow, bail};
use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::clips::{Clips, compose, decode, wav_bytes};
use crate::phrase::{Part, clip_names, from_wire};
use crate::queue::{self, MAX_AGE_MS, Place, Turn};

pub use crate::queue::Call;

/// HTTP requests (the site, a clip, an announcement's WAV) give up after this.
const HTTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Players tried in this order when none is given: PipeWire, PulseAudio, ALSA.
pub const PLAYERS: [&str; 3] = ["pw-play", "paplay", "aplay"];

/// What the agent was told.
#[derive(Debug, Clone)]
pub struct Config {
    /// `http://host:port` of the Antre server.
    pub server: String,
    /// The board whose calls to follow (its zone comes from the site).
    pub board: String,
    /// The board's device token.
    pub token: String,
}

impl Config {
    /// The server's address; `--server` must be `http://HOST:PORT`.
    fn address(&self) -> anyhow::Result<Address> {
        Address::parse(&self.server).map_err(|e| anyhow!("--server {e}"))
    }
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(HTTP_TIMEOUT)
        .build()
        .expect("a plain HTTP client")
}

/// The zone of `config.board` (`None`: the whole MPP), waiting for the server to be up.
pub async fn board_zone(config: &Config, http: &reqwest::Client) -> anyhow::Result<Option<String>> {
    let site = antre_client::site::load(http, &config.address()?).await?;
    let board = site
        .boards
        .iter()
        .find(|b| b.code == config.board)
        .with_context(|| {
            let known: Vec<&str> = site.boards.iter().map(|b| b.code.as_str()).collect();
            format!("unknown board {:?}; this site has {known:?}", config.board)
        })?;
    Ok(board.zone.clone())
}

/// Follows the stream for ever, sending each call to `calls` in order. Returns only
/// when `calls` is closed or the board is unknown.
pub async fn follow(config: Config, calls: mpsc::UnboundedSender<Call>) -> anyhow::Result<()> {
    let address = config.address()?;
    let zone = board_zone(&config, &http_client()).await?;
    let mut options = Options::new(address.clone())
        .token(&config.token)
        .context("--token")?;
    if let Some(zone) = &zone {
        options = options.zone(zone.clone());
    }
    let mut board = Board {
        calls,
        base: address.http().to_string(),
        zone,
        skew: jiff::SignedDuration::ZERO,
    };
    Follower::new(options).run(&mut board).await;
    Ok(())
}

/// What the agent does with the stream: turns calls into [`Call`]s for the speaker.
struct Board {
    calls: mpsc::UnboundedSender<Call>,
    /// The server's address, for the announcements' audio.
    base: String,
    /// The board's zone (`None`: the whole MPP).
    zone: Option<String>,
    /// The server's clock minus this PC's, from the last snapshot: a call's age is
    /// measured on the server's clock.
    skew: jiff::SignedDuration,
}

impl Handler for Board {
    async fn on(&mut self, feed: Feed) -> Control {
        match feed {
            Feed::Snapshot(s) => {
                if let Ok(at) = s.at.parse::<Timestamp>() {
                    self.skew = at.duration_since(Timestamp::now());
                }
            }
            Feed::Event(e) => {
                if let Some(call) = to_call(&e, &self.base, self.zone.as_deref(), self.skew)
                    && self.calls.send(call).is_err()
                {
                    return Control::Stop;
                }
            }
            Feed::Online => {}
            // Nobody to say the calls to any more: no use reconnecting.
            Feed::Offline(_) if self.calls.is_closed() => return Control::Stop,
            Feed::Offline(_) => {}
        }
        Control::Continue
    }
}

/// Milliseconds since the epoch on this PC's clock.
pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// The call an event announces, if it is one, as a board of `zone` says it. `skew` is
/// the server's clock minus this PC's: `made_ms` is on this PC's clock.
fn to_call(
    e: &antre_protocol::Event,
    base: &str,
    zone: Option<&str>,
    skew: jiff::SignedDuration,
) -> Option<Call> {
    if !matches!(e.kind, EventKind::TicketCalled | EventKind::TicketRecalled) {
        return None;
    }
    let announcement = e.detail.announcement.as_ref()?;
    let ticket = e.ticket.as_ref()?;
    let counter = e
        .counter
        .as_ref()
        .map(|c| c.code.clone())
        .or_else(|| ticket.counter.clone())?;
    let made_ms =
        e.at.parse::<Timestamp>()
            .map(|at| at.as_millisecond() - skew.as_millis() as i64)
            .unwrap_or_else(|_| now_ms());
    let place = announcement
        .place
        .as_ref()
        .filter(|p| queue::says_place(&p.zone, zone))
        .and_then(|p| {
            Some(Place {
                zone: p.zone.clone(),
                name: p.name.clone(),
                text: p.text.clone(),
                parts: from_wire(&p.clips)?,
            })
        });
    Some(Call {
        seq: e.seq,
        recall: e.kind == EventKind::TicketRecalled,
        number: ticket.number.clone(),
        counter,
        made_ms,
        text: announcement.text.clone(),
        text_en: announcement.text_en.clone(),
        // A list the agent cannot read (a newer server's) falls back to the audio URL.
        parts: from_wire(&announcement.clips).unwrap_or_default(),
        parts_en: from_wire(&announcement.clips_en).unwrap_or_default(),
        place,
        audio: announcement.audio.as_ref().map(|a| {
            if a.starts_with('/') {
                format!("{base}{a}")
            } else {
                a.clone()
            }
        }),
    })
}

/// The first of [`PLAYERS`] found on `PATH`.
pub fn find_player() -> Option<String> {
    let path = std::env::var_os("PATH")?;
    PLAYERS
        .iter()
        .find(|p| std::env::split_paths(&path).any(|dir| dir.join(p).is_file()))
        .map(|p| p.to_string())
}

/// Says calls on this PC: composes each from clips fetched from the server once and
/// kept in memory, and plays it with the player.
#[derive(Debug)]
pub struct Speaker {
    http: reqwest::Client,
    /// The server's `http://host:port`.
    base: String,
    token: String,
    clips: Clips,
    /// Clips the server does not have (404): not asked again.
    absent: HashSet<String>,
    requests: u64,
    bytes: u64,
}

impl Speaker {
    pub fn new(config: &Config) -> anyhow::Result<Speaker> {
        Ok(Speaker {
            http: http_client(),
            base: config.address()?.http().to_string(),
            token: config.token.clone(),
            clips: Clips::empty(),
            absent: HashSet::new(),
            requests: 0,
            bytes: 0,
        })
    }

    /// Requests made to the server for audio so far, and the bytes they brought.
    pub fn fetched(&self) -> (u64, u64) {
        (self.requests, self.bytes)
    }

    async fn get(&mut self, url: &str) -> anyhow::Result<Option<Vec<u8>>> {
        self.requests += 1;
        let res = self.http.get(url).bearer_auth(&self.token).send().await?;
        if res.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !res.status().is_success() {
            bail!("{url}: HTTP {}", res.status());
        }
        let body = res.bytes().await?;
        self.bytes += body.len() as u64;
        Ok(Some(body.to_vec()))
    }

    /// Fetches the clips of `parts` this speaker does not have yet. A clip that cannot
    /// be fetched now is left out of this call and asked for again next time.
    async fn fetch_clips(&mut self, parts: &[Part]) {
        let wanted: Vec<String> = clip_names(parts)
            .into_iter()
            .filter(|n| !self.clips.contains(n) && !self.absent.contains(*n))
            .map(String::from)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for name in wanted {
            let url = format!("{}/api/v1/clips/{name}.wav", self.base);
            match self.get(&url).await {
                Ok(Some(wav)) => match decode(&wav) {
                    Ok(samples) => self.clips.insert(&name, samples),
                    Err(e) => tracing::warn!("clip {name}: {e:#}"),
                },
                Ok(None) => {
                    tracing::warn!("the server has no clip {name:?}: said without it");
                    self.absent.insert(name);
                }
                Err(e) => tracing::warn!("cannot fetch the clip {name:?}: {e:#}"),
            }
        }
    }

    /// The WAV file of a turn: composed from its clips, or (a server that sends no
    /// clips) the announcement the server composed.
    pub async fn wav(&mut self, turn: &Turn) -> anyhow::Result<Vec<u8>> {
        if !clip_names(&turn.parts).is_empty() {
            self.fetch_clips(&turn.parts).await;
            let composed = compose(&turn.parts, &self.clips);
            if composed.samples.is_empty() {
                bail!("none of the call's clips could be fetched");
            }
            return Ok(wav_bytes(&composed.samples));
        }
        let url = turn
            .call
            .audio
            .clone()
            .context("the call has neither clips nor audio")?;
        self.get(&url).await?.context("no such announcement")
    }

    /// Says a turn with `player` (a command and its arguments; the WAV file's path is
    /// added last), waiting until it has finished. The file is named after the call
    /// (`antre-A001-….wav`), so a player's log tells which call it played.
    pub async fn say(&mut self, turn: &Turn, player: &[String]) -> anyhow::Result<()> {
        let wav = self.wav(turn).await?;
        let file = tempfile::Builder::new()
            .prefix(&format!("antre-{}-", turn.call.number))
            .suffix(".wav")
            .tempfile()?;
        tokio::fs::write(file.path(), &wav).await?;
        let path: PathBuf = file.path().to_path_buf();
        let (program, args) = player.split_first().context("an empty player command")?;
        let status = tokio::process::Command::new(program)
            .args(args)
            .arg(&path)
            .stdin(std::process::Stdio::null())
            .status()
            .await
            .with_context(|| format!("cannot run the player {program:?}"))?;
        if !status.success() {
            bail!("the player {program:?} failed: {status}");
        }
        Ok(())
    }
}

/// One line for the console when a call is said: `A123 → L03  Nomor antrian …`.
pub fn describe(turn: &Turn) -> String {
    let call = &turn.call;
    format!(
        "{}{} → {}  {}{}",
        if call.recall { "(ulang/recall) " } else { "" },
        call.number,
        call.counter,
        turn.text,
        call.text_en
            .as_deref()
            .filter(|_| turn.english)
            .map(|en| format!(" / {en}"))
            .unwrap_or_default()
    )
}

/// One line for the console when a call is left out, too old to be said.
pub fn describe_left_out(call: &Call) -> String {
    format!(
        "tidak disebut / left out (older than {} min): {}{} → {}  {}",
        MAX_AGE_MS / 60_000,
        if call.recall { "(ulang/recall) " } else { "" },
        call.number,
        call.counter,
        call.text
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_address_must_be_plain_http() {
        let mut c = Config {
            server: "http://10.0.0.5:8080/".into(),
            board: "B1".into(),
            token: "x".into(),
        };
        assert_eq!(c.address().unwrap().http(), "http://10.0.0.5:8080");
        c.server = "https://antre.example".into();
        assert!(format!("{:#}", c.address().unwrap_err()).contains("https is not supported"));
        c.server = "10.0.0.5:8080".into();
        assert!(c.address().is_err());
    }

    fn event(kind: &str, at: &str) -> antre_protocol::Event {
        let json = format!(
            r#"{{"seq":7,"type":"{kind}","at":"{at}","zones":["B"],
            "ticket":{{"id":1,"number":"A001","service":"S","status":"called","issued_at":"x","day":"d","recalls":0,"transfers":0,"counter":"L15"}},
            "detail":{{"announcement":{{"text":"Nomor antrian A satu, silakan menuju loket lima belas",
              "audio":"/api/v1/announcement.wav?number=A001&counter=L15",
              "clips":["chime","~400","nomor","antrian","a","satu","~300","silakan","menuju","loket","lima","belas"],
              "place":{{"zone":"B","name":"Lantai 2 — Zona B","text":"lantai dua","clips":["~300","lantai","dua"]}}}}}}}}"#
        );
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn only_calls_and_recalls_are_announced() {
        let now = Timestamp::now();
        let e = event("ticket.called", &now.to_string());
        let call = to_call(&e, "http://h:1", Some("B"), jiff::SignedDuration::ZERO).unwrap();
        assert_eq!(call.number, "A001");
        assert_eq!(call.counter, "L15");
        assert!(!call.recall);
        assert_eq!(call.made_ms, now.as_millisecond());
        assert_eq!(
            call.audio.as_deref(),
            Some("http://h:1/api/v1/announcement.wav?number=A001&counter=L15")
        );
        assert_eq!(clip_names(&call.parts)[..2], ["chime", "nomor"]);
        assert_eq!(call.place, None, "its own zone's counter: no place");
        // A lobby board says the place; the server's clock, two seconds ahead.
        let e = event("ticket.recalled", "2020-01-01T08:00:00+07:00");
        let skew = jiff::SignedDuration::from_secs(2);
        let call = to_call(&e, "http://h:1", None, skew).unwrap();
        assert!(call.recall);
        assert_eq!(
            call.made_ms,
            "2020-01-01T08:00:00+07:00"
                .parse::<Timestamp>()
                .unwrap()
                .as_millisecond()
                - 2_000
        );
        let place = call.place.unwrap();
        assert_eq!(
            (place.zone.as_str(), place.text.as_str()),
            ("B", "lantai dua")
        );
        assert_eq!(clip_names(&place.parts), ["lantai", "dua"]);
        let e = event("ticket.serving", &now.to_string());
        assert_eq!(
            to_call(&e, "http://h:1", None, jiff::SignedDuration::ZERO),
            None
        );
    }
}
