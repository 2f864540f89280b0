//! `tcp://HOST:9100`: network printers (raw TCP, "JetDirect").

use std::io::{self, Read};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use antre_protocol::PrinterState;

use super::{Connection, Port, query_status, send_deadline, write_until};

/// A printer on the LAN answers within milliseconds; three seconds covers a busy
/// Wi-Fi without hanging the spool when the printer is switched off.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// One write call may block this long; longer waits loop until the job's deadline, so
/// a printer that stopped taking data is noticed without hanging the spool.
const WRITE_TIMEOUT: Duration = Duration::from_millis(500);

/// 100 kB/s is far below any LAN and above what a printer swallows; the deadline
/// only has to be generous.
const BYTES_PER_S: u32 = 100_000;

pub struct Tcp {
    stream: TcpStream,
}

impl Tcp {
    pub fn open(addr: &str) -> io::Result<Tcp> {
        let addr = addr.to_socket_addrs()?.next().ok_or_else(|| {
            io::Error::new(io::ErrorKind::NotFound, format!("{addr}: no address"))
        })?;
        let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
        Ok(Tcp { stream })
    }
}

impl Port for Tcp {
    fn send(&mut self, bytes: &[u8], deadline: Instant) -> io::Result<()> {
        write_until(&mut self.stream, bytes, deadline)
    }

    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        self.stream.set_read_timeout(Some(timeout))?;
        let mut byte = [0u8; 1];
        match self.stream.read(&mut byte) {
            Ok(1) => Ok(Some(byte[0])),
            Ok(_) => Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the printer closed the connection",
            )),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn discard_input(&mut self) -> io::Result<()> {
        self.stream.set_nonblocking(true)?;
        let mut buf = [0u8; 64];
        let result = loop {
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    break Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "the printer closed the connection",
                    ));
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        self.stream.set_nonblocking(false)?;
        result
    }
}

impl Connection for Tcp {
    fn print(&mut self, _name: &str, bytes: &[u8]) -> io::Result<()> {
        self.send(bytes, send_deadline(bytes.len(), BYTES_PER_S))
    }

    fn status(&mut self) -> io::Result<PrinterState> {
        query_status(self)
    }
}
