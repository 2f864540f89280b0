//! Printer drivers: how the bytes reach the printer and how its status is read back.
//!
//! Every driver is blocking and runs on the spool's own thread (see [`crate::spool`]),
//! so a hung serial line or USB transfer never stalls the agent's network side.

mod file;
mod serial;
mod tcp;
mod usb;
mod usblp;

use std::io;
use std::time::{Duration, Instant};

use antre_protocol::PrinterState;

use crate::status;
use crate::url::Target;

/// How long one status answer may take. A printer answers `DLE EOT` within a few
/// milliseconds; USB-serial adapters add up to 16 ms of latency. 250 ms is generous and
/// still keeps a silent printer's three queries under a second.
pub const STATUS_TIMEOUT: Duration = Duration::from_millis(250);

/// An open printer.
pub trait Connection: Send {
    /// Sends one ticket. `name` identifies it (the `file://` driver names files by it).
    fn print(&mut self, name: &str, bytes: &[u8]) -> io::Result<()>;

    /// Reads the printer's real-time status; silence or garbage is `Unknown`.
    fn status(&mut self) -> io::Result<PrinterState>;
}

/// Opens the printer named by `target`.
pub fn open(target: &Target) -> io::Result<Box<dyn Connection>> {
    Ok(match target {
        Target::Serial { path, baud, flow } => Box::new(serial::Serial::open(path, *baud, *flow)?),
        Target::Tcp { addr } => Box::new(tcp::Tcp::open(addr)?),
        Target::File { dir } => Box::new(file::Preview::open(dir)?),
        Target::Usblp { path } => Box::new(usblp::Usblp::open(path)?),
        Target::Usb { vendor, product } => Box::new(usb::Usb::open(*vendor, *product)?),
    })
}

/// A byte pipe to a printer that answers `DLE EOT` on the same line.
trait Port {
    fn send(&mut self, bytes: &[u8], deadline: Instant) -> io::Result<()>;
    /// One byte, or `None` when nothing came within `timeout`.
    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>>;
    /// Drops whatever the printer sent that nobody asked for.
    fn discard_input(&mut self) -> io::Result<()>;
}

/// Asks the three status questions one by one and interprets the answers.
fn query_status(port: &mut dyn Port) -> io::Result<PrinterState> {
    port.discard_input()?;
    let mut answers = [None; 3];
    for (answer, query) in answers.iter_mut().zip([
        status::QUERY_PRINTER,
        status::QUERY_OFFLINE,
        status::QUERY_PAPER,
    ]) {
        port.send(&query, Instant::now() + STATUS_TIMEOUT)?;
        *answer = port.read_byte(STATUS_TIMEOUT)?;
        if answer.is_none() {
            // A printer that ignores one query ignores them all: don't wait three times.
            break;
        }
    }
    Ok(status::interpret(answers[0], answers[1], answers[2]))
}

/// How long sending `len` bytes may take at `bytes_per_s`, plus slack for a printer
/// that pauses to print (its buffer fills while it prints a raster image).
fn send_deadline(len: usize, bytes_per_s: u32) -> Instant {
    /// A thermal printer prints about 150 mm/s; a long ticket takes 2–3 s, so ten
    /// seconds of slack never cuts off a healthy printer.
    const SLACK: Duration = Duration::from_secs(10);
    let secs = len as f64 / f64::from(bytes_per_s.max(1));
    Instant::now() + Duration::from_secs_f64(secs) + SLACK
}

/// Writes everything, retrying partial and timed-out writes until `deadline`.
fn write_until(w: &mut dyn io::Write, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        match w.write(bytes) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "printer took nothing",
                ));
            }
            Ok(n) => bytes = &bytes[n..],
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::Interrupted
                ) =>
            {
                if Instant::now() >= deadline {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the printer stopped taking data",
                    ));
                }
                if e.kind() == io::ErrorKind::WouldBlock {
                    // Non-blocking devices (usblp) say "later" at once: 5 ms is a few
                    // dozen bytes at printing speed, short enough not to slow a ticket.
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            Err(e) => return Err(e),
        }
    }
    w.flush()
}
