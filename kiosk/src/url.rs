//! Printer URLs: one string names the printer, how to reach it and its paper.
//!
//! ```text
//! serial:///dev/ttyUSB0?baud=9600&paper=58
//! usb://04b8:0e15            (Epson TM-T20, native USB without libusb)
//! usblp:///dev/usb/lp0       (the Linux usblp driver's device file)
//! tcp://192.168.1.50:9100    (raw TCP, port 9100 by default)
//! file:///var/lib/antre/printer-K1
//! ```
//!
//! Every kind takes `paper=58|80` (default 80) and `qr=native|raster` (default native);
//! `serial` also takes `baud` (default 9600) and `flow=none|rtscts|xonxoff`.

use std::path::PathBuf;

use crate::layout::{LayoutOptions, Paper, QrMode};

/// Where the bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Serial { path: String, baud: u32, flow: Flow },
    Usb { vendor: u16, product: u16 },
    Usblp { path: PathBuf },
    Tcp { addr: String },
    File { dir: PathBuf },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    None,
    RtsCts,
    XonXoff,
}

/// A parsed printer URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterUrl {
    pub target: Target,
    pub layout: LayoutOptions,
    /// The URL as given, shown in status reports.
    pub text: String,
}

/// 9600 baud, 8N1: the factory setting of Xprinter and most clones (Epson's serial
/// TM-T20/T82 ship at 38400 and need `baud=38400`).
const DEFAULT_BAUD: u32 = 9600;

/// Port of raw printing (JetDirect / AppSocket) on every network thermal printer.
const DEFAULT_TCP_PORT: u16 = 9100;

/// Baud rates ESC/POS printers offer.
const BAUDS: [u32; 6] = [2400, 4800, 9600, 19200, 38400, 115_200];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("printer URL {url:?}: {why}")]
pub struct UrlError {
    pub url: String,
    pub why: String,
}

impl std::str::FromStr for PrinterUrl {
    type Err = UrlError;

    fn from_str(url: &str) -> Result<PrinterUrl, UrlError> {
        PrinterUrl::parse(url)
    }
}

impl PrinterUrl {
    pub fn parse(url: &str) -> Result<PrinterUrl, UrlError> {
        let fail = |why: String| UrlError {
            url: url.to_string(),
            why,
        };
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            fail("expected SCHEME://…, with serial, usb, usblp, tcp or file".into())
        })?;
        let (place, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut paper = Paper::Mm80;
        let mut qr = QrMode::Native;
        let mut baud = DEFAULT_BAUD;
        let mut flow = Flow::None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| fail(format!("setting {pair:?} needs a value (key=value)")))?;
            match (key, value) {
                ("paper", "58") => paper = Paper::Mm58,
                ("paper", "80") => paper = Paper::Mm80,
                ("paper", v) => return Err(fail(format!("paper={v}: use 58 or 80"))),
                ("qr", "native") => qr = QrMode::Native,
                ("qr", "raster") => qr = QrMode::Raster,
                ("qr", v) => return Err(fail(format!("qr={v}: use native or raster"))),
                ("baud", v) if scheme == "serial" => {
                    baud = v
                        .parse()
                        .ok()
                        .filter(|b| BAUDS.contains(b))
                        .ok_or_else(|| fail(format!("baud={v}: use one of {BAUDS:?}")))?;
                }
                ("flow", v) if scheme == "serial" => {
                    flow = match v {
                        "none" => Flow::None,
                        "rtscts" => Flow::RtsCts,
                        "xonxoff" => Flow::XonXoff,
                        _ => return Err(fail(format!("flow={v}: use none, rtscts or xonxoff"))),
                    }
                }
                (k, _) => return Err(fail(format!("unknown setting {k:?} for {scheme}"))),
            }
        }
        let path = |what: &str| {
            if place.starts_with('/') && place.len() > 1 {
                Ok(place.to_string())
            } else {
                Err(fail(format!(
                    "{what} needs an absolute path: {scheme}:///path (three slashes)"
                )))
            }
        };
        let target = match scheme {
            "serial" => Target::Serial {
                path: path("a serial port")?,
                baud,
                flow,
            },
            "usblp" => Target::Usblp {
                path: path("the usblp device")?.into(),
            },
            "file" => Target::File {
                dir: path("the preview directory")?.into(),
            },
            "tcp" => {
                let place = place.trim_end_matches('/');
                if place.is_empty() || place.contains('/') {
                    return Err(fail("use tcp://HOST:PORT".into()));
                }
                let addr = match place.rsplit_once(':') {
                    Some((host, port)) if !host.is_empty() && !host.ends_with(':') => {
                        port.parse::<u16>()
                            .ok()
                            .filter(|p| *p > 0)
                            .ok_or_else(|| fail(format!("bad port {port:?}")))?;
                        place.to_string()
                    }
                    _ => format!("{place}:{DEFAULT_TCP_PORT}"),
                };
                Target::Tcp { addr }
            }
            "usb" => {
                let place = place.trim_end_matches('/');
                let (v, p) = place
                    .split_once(':')
                    .ok_or_else(|| fail("use usb://VID:PID in hex, e.g. usb://04b8:0e15".into()))?;
                let hex = |s: &str| {
                    u16::from_str_radix(s.trim_start_matches("0x"), 16)
                        .map_err(|_| fail(format!("{s:?} is not a 4-digit hex USB id")))
                };
                Target::Usb {
                    vendor: hex(v)?,
                    product: hex(p)?,
                }
            }
            other => {
                return Err(fail(format!(
                    "unknown kind {other:?}: use serial, usb, usblp, tcp or file"
                )));
            }
        };
        Ok(PrinterUrl {
            target,
            layout: LayoutOptions { paper, qr },
            text: url.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses() {
        let s = PrinterUrl::parse("serial:///dev/ttyUSB0?baud=38400&paper=58&qr=raster").unwrap();
        assert_eq!(
            s.target,
            Target::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 38400,
                flow: Flow::None
            }
        );
        assert_eq!(
            s.layout,
            LayoutOptions {
                paper: Paper::Mm58,
                qr: QrMode::Raster
            }
        );
        assert_eq!(
            PrinterUrl::parse("usb://04b8:0e15").unwrap().target,
            Target::Usb {
                vendor: 0x04b8,
                product: 0x0e15
            }
        );
        assert_eq!(
            PrinterUrl::parse("tcp://10.0.0.5").unwrap().target,
            Target::Tcp {
                addr: "10.0.0.5:9100".into()
            }
        );
        assert_eq!(
            PrinterUrl::parse("tcp://printer.lan:9101").unwrap().target,
            Target::Tcp {
                addr: "printer.lan:9101".into()
            }
        );
        assert!(matches!(
            PrinterUrl::parse("usblp:///dev/usb/lp0").unwrap().target,
            Target::Usblp { .. }
        ));
        assert!(matches!(
            PrinterUrl::parse("file:///tmp/x").unwrap().target,
            Target::File { .. }
        ));
    }

    #[test]
    fn malformed_urls_say_why() {
        for (url, says) in [
            ("/dev/ttyUSB0", "SCHEME://"),
            ("lpt://x", "unknown kind"),
            ("serial://dev/ttyUSB0", "three slashes"),
            ("serial:///dev/ttyUSB0?baud=1234", "baud=1234"),
            ("serial:///dev/ttyUSB0?speed=9600", "unknown setting"),
            ("tcp://10.0.0.5:notaport", "bad port"),
            ("usb://epson", "VID:PID"),
            ("usb://zzzz:0001", "hex"),
            ("file:///x?paper=57", "paper=57"),
            ("tcp://10.0.0.5?baud=9600", "unknown setting"),
        ] {
            let err = PrinterUrl::parse(url).unwrap_err().to_string();
            assert!(err.contains(says), "{url}: {err}");
        }
    }
}
