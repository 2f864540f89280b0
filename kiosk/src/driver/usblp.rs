//! `usblp:///dev/usb/lp0`: a USB printer through the Linux `usblp` kernel driver.
//!
//! The device file is opened non-blocking: a printer that is off or jammed then makes
//! writes and reads return "would block" instead of hanging the spool forever.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use antre_protocol::PrinterState;

use super::{Connection, Port, query_status, send_deadline, write_until};

/// USB 1.1 full speed moves far more; printers take a few kB/s while printing.
const BYTES_PER_S: u32 = 20_000;

pub struct Usblp {
    file: File,
}

impl Usblp {
    pub fn open(path: &Path) -> io::Result<Usblp> {
        let mut options = OpenOptions::new();
        options.read(true).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NONBLOCK);
        }
        let file = options
            .open(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        Ok(Usblp { file })
    }
}

impl Port for Usblp {
    fn send(&mut self, bytes: &[u8], deadline: Instant) -> io::Result<()> {
        write_until(&mut self.file, bytes, deadline)
    }

    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        let deadline = Instant::now() + timeout;
        let mut byte = [0u8; 1];
        loop {
            match self.file.read(&mut byte) {
                Ok(1) => return Ok(Some(byte[0])),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            // A status answer takes a few milliseconds; checking every 10 ms keeps the
            // wait short without spinning.
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn discard_input(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 64];
        loop {
            match self.file.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}

impl Connection for Usblp {
    fn print(&mut self, _name: &str, bytes: &[u8]) -> io::Result<()> {
        self.send(bytes, send_deadline(bytes.len(), BYTES_PER_S))
    }

    fn status(&mut self) -> io::Result<PrinterState> {
        query_status(self)
    }
}
