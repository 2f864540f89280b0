//! The LED sign above a counter (loket), driven over a serial line.
//!
//! The protocol (documented in docs/counter.md) is plain ASCII in a frame:
//!
//! ```text
//! STX  ADDR  CMD  TEXT  ETX  SUM
//! 0x02 "01"  'N'  "A001" 0x03 "4F"
//! ```
//!
//! `ADDR` is the sign's address as two hex digits (`FF`: every sign on the line), `CMD`
//! one letter, `TEXT` 0 to [`MAX_TEXT`] printable ASCII characters, and `SUM` the XOR
//! of every byte from `ADDR` through `ETX`, as two hex digits. Every byte but STX and ETX
//! is printable, so a sign that missed bytes finds the next frame at the next STX, and a
//! damaged frame fails its sum and is ignored. Signs do not answer; the driver sends
//! the current state again every [`REFRESH`] so a sign that was switched off and on
//! shows the right number within that time.

use std::io::Write;
use std::time::{Duration, Instant};

use antre_protocol::{CounterStatus, CounterView};

/// Start of a frame.
pub const STX: u8 = 0x02;
/// End of a frame's text.
pub const ETX: u8 = 0x03;
/// Address every sign on the line obeys.
pub const BROADCAST: u8 = 0xFF;
/// Most characters a frame carries: common counter signs show 4 to 16 characters;
/// longer text is cut, never sent to overflow a sign's buffer.
pub const MAX_TEXT: usize = 16;
/// How often the shown state is sent again (see the module comment): half a minute
/// keeps a rebooted sign wrong only briefly and costs a few bytes a minute.
pub const REFRESH: Duration = Duration::from_secs(30);

/// What the sign is told to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Show {
    /// `N`: a ticket number, steady.
    Number(String),
    /// `F`: a ticket number, flashing for a few seconds (a new call or a recall), then
    /// steady.
    Flash(String),
    /// `T`: a short text, steady (`TUTUP`, `ISTIRAHAT`).
    Text(String),
    /// `C`: blank.
    Clear,
}

impl Show {
    fn command(&self) -> (u8, &str) {
        match self {
            Show::Number(n) => (b'N', n),
            Show::Flash(n) => (b'F', n),
            Show::Text(t) => (b'T', t),
            Show::Clear => (b'C', ""),
        }
    }

    /// What a counter's sign shows for its state: the current number, `TUTUP` when
    /// closed, `ISTIRAHAT` on a break, blank when open with nobody at the counter.
    pub fn for_counter(view: Option<&CounterView>) -> Show {
        match view {
            None => Show::Text("TUTUP".into()),
            Some(v) => match v.status {
                CounterStatus::Closed => Show::Text("TUTUP".into()),
                CounterStatus::Paused => Show::Text("ISTIRAHAT".into()),
                CounterStatus::Open => match &v.ticket {
                    Some(t) => Show::Number(t.number.clone()),
                    None => Show::Clear,
                },
            },
        }
    }
}

/// The bytes of one frame to sign `address`.
pub fn frame(address: u8, show: &Show) -> Vec<u8> {
    let (cmd, text) = show.command();
    let mut out = vec![STX];
    out.extend_from_slice(format!("{address:02X}").as_bytes());
    out.push(cmd);
    // Only printable ASCII: anything else (a control byte could end the frame) is '?'.
    out.extend(text.chars().take(MAX_TEXT).map(|c| {
        if c.is_ascii_graphic() || c == ' ' {
            c as u8
        } else {
            b'?'
        }
    }));
    out.push(ETX);
    let sum = out[1..].iter().fold(0u8, |acc, b| acc ^ b);
    out.extend_from_slice(format!("{sum:02X}").as_bytes());
    out
}

/// A parsed `serial:///dev/ttyUSB0?baud=9600&addr=1` address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedUrl {
    pub path: String,
    pub baud: u32,
    pub address: u8,
}

/// Most small LED controllers ship set to 9600 baud.
pub const DEFAULT_BAUD: u32 = 9600;

impl std::str::FromStr for LedUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<LedUrl, String> {
        let rest = s.strip_prefix("serial://").ok_or_else(|| {
            format!(
                "alamat papan LED harus berbentuk serial:///dev/ttyUSB0?baud=9600 / \
                 the LED address must look like serial:///dev/ttyUSB0?baud=9600: {s}"
            )
        })?;
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if path.is_empty() {
            return Err(format!(
                "alamat papan LED tanpa port / LED address without a port: {s}"
            ));
        }
        let mut url = LedUrl {
            path: path.to_string(),
            baud: DEFAULT_BAUD,
            address: BROADCAST,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "baud" => {
                    url.baud = value
                        .parse()
                        .ok()
                        .filter(|b| *b > 0)
                        .ok_or_else(|| format!("baud tidak sah / invalid baud: {value}"))?;
                }
                "addr" => {
                    url.address = value
                        .parse::<u8>()
                        .ok()
                        .or_else(|| u8::from_str_radix(value.trim_start_matches("0x"), 16).ok())
                        .ok_or_else(|| {
                            format!("alamat tidak sah (0–255) / invalid address (0–255): {value}")
                        })?;
                }
                other => {
                    return Err(format!("pilihan tidak dikenal / unknown option: {other}"));
                }
            }
        }
        Ok(url)
    }
}

/// A sign on a serial line (or anything written to like one).
pub struct LedSign {
    port: Box<dyn Write + Send>,
    address: u8,
    shown: Option<Show>,
    sent_at: Option<Instant>,
}

impl std::fmt::Debug for LedSign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LedSign")
            .field("address", &self.address)
            .field("shown", &self.shown)
            .finish()
    }
}

impl LedSign {
    /// Opens the serial port of `url` (8 data bits, no parity, 1 stop bit).
    pub fn open(url: &LedUrl) -> Result<LedSign, String> {
        let port = serialport::new(&url.path, url.baud)
            .data_bits(serialport::DataBits::Eight)
            .parity(serialport::Parity::None)
            .stop_bits(serialport::StopBits::One)
            .flow_control(serialport::FlowControl::None)
            .timeout(Duration::from_secs(1))
            .open()
            .map_err(|e| {
                format!(
                    "papan LED {} tidak dapat dibuka / cannot open the LED sign {}: {e}",
                    url.path, url.path
                )
            })?;
        Ok(LedSign::on(port, url.address))
    }

    /// A sign behind any writer (tests, or a sign on a network socket).
    pub fn on(port: impl Write + Send + 'static, address: u8) -> LedSign {
        LedSign {
            port: Box::new(port),
            address,
            shown: None,
            sent_at: None,
        }
    }

    /// Shows `show`, sending a frame only when it differs from what is shown (a flash
    /// is always sent: it is a new call). Returns whether a frame was sent.
    pub fn show(&mut self, show: Show) -> std::io::Result<bool> {
        if self.shown.as_ref() == Some(&show) && !matches!(show, Show::Flash(_)) {
            return Ok(false);
        }
        self.send(&show)?;
        // After a flash the sign settles on the number: remember it as steady.
        self.shown = Some(match show {
            Show::Flash(n) => Show::Number(n),
            other => other,
        });
        Ok(true)
    }

    /// Sends the shown state again if [`REFRESH`] has passed since the last frame.
    pub fn refresh(&mut self) -> std::io::Result<()> {
        if let (Some(show), Some(at)) = (self.shown.clone(), self.sent_at)
            && at.elapsed() >= REFRESH
        {
            self.send(&show)?;
        }
        Ok(())
    }

    fn send(&mut self, show: &Show) -> std::io::Result<()> {
        self.port.write_all(&frame(self.address, show))?;
        self.port.flush()?;
        self.sent_at = Some(Instant::now());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_stx_address_command_text_etx_and_xor_sum() {
        let bytes = frame(1, &Show::Number("A001".into()));
        let sum = b"01NA001\x03".iter().fold(0u8, |a, b| a ^ b);
        let mut expected = b"\x0201NA001\x03".to_vec();
        expected.extend_from_slice(format!("{sum:02X}").as_bytes());
        assert_eq!(bytes, expected);
        assert_eq!(frame(0xFF, &Show::Clear)[..5], *b"\x02FFC\x03");
    }

    #[test]
    fn text_is_cut_and_kept_printable() {
        let bytes = frame(2, &Show::Text("ISTIRAHAT\x03 PANJANG SEKALI".into()));
        let text = &bytes[4..bytes.len() - 3];
        assert_eq!(text.len(), MAX_TEXT);
        assert!(text.iter().all(|b| (0x20..0x7F).contains(b)), "{text:?}");
        assert_eq!(bytes.iter().filter(|&&b| b == ETX).count(), 1);
    }

    #[test]
    fn urls_are_parsed_and_bad_ones_refused() {
        let url: LedUrl = "serial:///dev/ttyUSB0?baud=19200&addr=7".parse().unwrap();
        assert_eq!(
            url,
            LedUrl {
                path: "/dev/ttyUSB0".into(),
                baud: 19200,
                address: 7
            }
        );
        let url: LedUrl = "serial:///dev/ttyS1".parse().unwrap();
        assert_eq!((url.baud, url.address), (DEFAULT_BAUD, BROADCAST));
        assert!("/dev/ttyUSB0".parse::<LedUrl>().is_err());
        assert!("serial:///dev/x?baud=0".parse::<LedUrl>().is_err());
        assert!("serial:///dev/x?addr=999".parse::<LedUrl>().is_err());
        assert!("serial:///dev/x?speed=1".parse::<LedUrl>().is_err());
    }

    #[test]
    fn the_same_state_is_not_sent_twice_but_a_flash_is() {
        #[derive(Clone, Default)]
        struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let out = Shared::default();
        let mut sign = LedSign::on(out.clone(), 1);
        assert!(sign.show(Show::Flash("A001".into())).unwrap());
        assert!(!sign.show(Show::Number("A001".into())).unwrap());
        assert!(sign.show(Show::Flash("A001".into())).unwrap());
        assert!(sign.show(Show::Clear).unwrap());
        let frames = out.0.lock().unwrap().iter().filter(|&&b| b == STX).count();
        assert_eq!(frames, 3);
    }
}

/// Turns the live stream into what one counter's sign shows.
#[derive(Debug, Clone)]
pub struct Follower {
    counter: String,
    view: Option<CounterView>,
}

impl Follower {
    pub fn new(counter: &str) -> Follower {
        Follower {
            counter: counter.to_string(),
            view: None,
        }
    }

    /// What the sign should show after `message`, if it concerns this counter.
    pub fn on_message(&mut self, message: &antre_protocol::StreamMessage) -> Option<Show> {
        use antre_protocol::{EventKind, StreamMessage};
        match message {
            StreamMessage::Snapshot(s) => {
                self.view = s.counters.iter().find(|c| c.code == self.counter).cloned();
                Some(Show::for_counter(self.view.as_ref()))
            }
            StreamMessage::Event(e) => {
                let view = e.counter.as_ref().filter(|c| c.code == self.counter)?;
                self.view = Some(view.clone());
                let called = matches!(
                    e.kind,
                    EventKind::TicketCalled | EventKind::TicketRecalled | EventKind::TicketResumed
                );
                match (&view.ticket, called) {
                    (Some(t), true) => Some(Show::Flash(t.number.clone())),
                    _ => Some(Show::for_counter(Some(view))),
                }
            }
        }
    }
}
