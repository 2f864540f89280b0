//! `serial:///dev/ttyUSB0?baud=9600`: RS-232 or USB-serial printers.

use std::io::{self, Read};
use std::time::{Duration, Instant};

use antre_protocol::PrinterState;
use serialport::{ClearBuffer, FlowControl, SerialPort};

use super::{Connection, Port, query_status, send_deadline, write_until};
use crate::url::Flow;

/// Read and write timeout of one system call; longer waits loop until a deadline.
const IO_TIMEOUT: Duration = Duration::from_millis(100);

pub struct Serial {
    port: Box<dyn SerialPort>,
    baud: u32,
}

impl Serial {
    pub fn open(path: &str, baud: u32, flow: Flow) -> io::Result<Serial> {
        let port = serialport::new(path, baud)
            .timeout(IO_TIMEOUT)
            .flow_control(match flow {
                Flow::None => FlowControl::None,
                Flow::RtsCts => FlowControl::Hardware,
                Flow::XonXoff => FlowControl::Software,
            })
            .open()
            .map_err(|e| io::Error::other(format!("{path}: {e}")))?;
        Ok(Serial { port, baud })
    }
}

impl Port for Serial {
    fn send(&mut self, bytes: &[u8], deadline: Instant) -> io::Result<()> {
        write_until(&mut self.port, bytes, deadline)
    }

    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        let deadline = Instant::now() + timeout;
        let mut byte = [0u8; 1];
        loop {
            match self.port.read(&mut byte) {
                Ok(1) => return Ok(Some(byte[0])),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {}
                Err(e) => return Err(e),
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    fn discard_input(&mut self) -> io::Result<()> {
        self.port
            .clear(ClearBuffer::Input)
            .map_err(io::Error::other)
    }
}

impl Connection for Serial {
    fn print(&mut self, _name: &str, bytes: &[u8]) -> io::Result<()> {
        // 8N1: ten bits on the line per byte.
        let deadline = send_deadline(bytes.len(), self.baud / 10);
        self.send(bytes, deadline)
    }

    fn status(&mut self) -> io::Result<PrinterState> {
        query_status(self)
    }
}
