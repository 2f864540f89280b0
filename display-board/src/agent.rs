//! The board agent: follows a board's calls on the live stream and plays them on the
//! PC's speakers, for halls where the TV only shows the page and a small PC drives the
//! loudspeakers.
//!
//! It needs no system libraries: audio goes to whichever command-line player the PC has
//! (`pw-play`, `paplay`, `aplay`), one announcement at a time. It follows the stream
//! with `antre-client`'s follower, like the other native clients: it reconnects by
//! itself and catches up with `since=SEQ`, like the page does.

use std::path::PathBuf;
use std::time::Duration;

use antre_client::Address;
use antre_client::follow::{Control, Feed, Follower, Handler, Options};
use antre_protocol::EventKind;
use anyhow::{Context, anyhow, bail};
use jiff::Timestamp;
use tokio::sync::mpsc;

/// A call older than this when it reaches the agent (caught up after a reconnect) is
/// not said: the citizen has long been told by the screens.
const ANNOUNCE_MAX_AGE: Duration = Duration::from_secs(60);

/// HTTP requests (the site, an announcement's WAV) give up after this.
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

/// A call to announce.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub seq: u64,
    pub recall: bool,
    pub number: String,
    pub counter: String,
    pub text: String,
    pub text_en: Option<String>,
    /// Absolute URL of the WAV.
    pub audio: Option<String>,
    /// Made so long ago (a catch-up after a reconnect) that it is shown, not said.
    pub stale: bool,
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
    if let Some(zone) = zone {
        options = options.zone(zone);
    }
    let mut board = Board {
        calls,
        base: address.http().to_string(),
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
                if let Some(call) = to_call(&e, &self.base, self.skew)
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

/// The call an event announces, if it is one.
fn to_call(e: &antre_protocol::Event, base: &str, skew: jiff::SignedDuration) -> Option<Call> {
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
    let age =
        e.at.parse::<Timestamp>()
            .ok()
            .map(|at| (Timestamp::now() + skew).duration_since(at));
    let stale =
        age.is_some_and(|a| a > jiff::SignedDuration::try_from(ANNOUNCE_MAX_AGE).expect("small"));
    Some(Call {
        seq: e.seq,
        recall: e.kind == EventKind::TicketRecalled,
        number: ticket.number.clone(),
        counter,
        text: announcement.text.clone(),
        text_en: announcement.text_en.clone(),
        audio: announcement.audio.as_ref().map(|a| {
            if a.starts_with('/') {
                format!("{base}{a}")
            } else {
                a.clone()
            }
        }),
        stale,
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

/// Fetches a call's WAV and plays it with `player` (a command and its arguments; the
/// WAV file's path is added last), waiting until it has finished.
pub async fn play(http: &reqwest::Client, call: &Call, player: &[String]) -> anyhow::Result<()> {
    let url = call.audio.as_deref().context("the call has no audio")?;
    let res = http.get(url).send().await?;
    if !res.status().is_success() {
        bail!("{url}: HTTP {}", res.status());
    }
    let wav = res.bytes().await?;
    let file = tempfile::Builder::new()
        .prefix("antre-call-")
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

/// One line for the console: `A123 → L03  Nomor antrian …`.
pub fn describe(call: &Call) -> String {
    format!(
        "{}{} → {}  {}{}",
        if call.recall { "(ulang/recall) " } else { "" },
        call.number,
        call.counter,
        call.text,
        call.text_en
            .as_deref()
            .map(|en| format!(" / {en}"))
            .unwrap_or_default()
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

    #[test]
    fn only_calls_and_recalls_are_announced() {
        let json = |kind: &str, at: &str| {
            format!(
                r#"{{"seq":7,"type":"{kind}","at":"{at}","zones":["A"],
                "ticket":{{"id":1,"number":"A001","service":"S","status":"called","issued_at":"x","day":"d","recalls":0,"transfers":0,"counter":"L01"}},
                "detail":{{"announcement":{{"text":"Nomor antrian A satu, silakan menuju loket satu","audio":"/api/v1/announcement.wav?number=A001&counter=L01"}}}}}}"#
            )
        };
        let now = Timestamp::now().to_string();
        let e: antre_protocol::Event = serde_json::from_str(&json("ticket.called", &now)).unwrap();
        let call = to_call(&e, "http://h:1", jiff::SignedDuration::ZERO).unwrap();
        assert_eq!(call.number, "A001");
        assert_eq!(call.counter, "L01");
        assert!(!call.stale && !call.recall);
        assert_eq!(
            call.audio.as_deref(),
            Some("http://h:1/api/v1/announcement.wav?number=A001&counter=L01")
        );
        let old = "2020-01-01T08:00:00+07:00";
        let e: antre_protocol::Event = serde_json::from_str(&json("ticket.recalled", old)).unwrap();
        let call = to_call(&e, "http://h:1", jiff::SignedDuration::ZERO).unwrap();
        assert!(call.stale && call.recall);
        let e: antre_protocol::Event = serde_json::from_str(&json("ticket.serving", &now)).unwrap();
        assert_eq!(to_call(&e, "http://h:1", jiff::SignedDuration::ZERO), None);
    }
}
