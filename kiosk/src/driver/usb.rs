//! `usb://VID:PID`: a USB printer driven directly with `nusb` (pure Rust, no libusb).
//!
//! Untested here: it needs a real printer on the bus, which CI does not have. It is
//! kept small on purpose, and `usblp:///dev/usb/lp0` (the kernel's driver) is the
//! tested way to reach a USB printer on Linux. On Linux, the `usblp` module must not
//! hold the device (`detach_and_claim_interface` takes it over), and the user needs
//! write access to `/dev/bus/usb/…` (see docs/deployment.md for a udev rule).

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use antre_protocol::PrinterState;
use nusb::MaybeFuture;
use nusb::transfer::{Bulk, Direction, In, Out};

use super::{Connection, Port, query_status};

/// A healthy printer takes a ticket's bytes in well under a second; ten seconds means
/// it is stuck (jammed, or out of paper without saying so).
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Usb {
    interface: nusb::Interface,
    out: u8,
    input: Option<u8>,
}

fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

impl Usb {
    pub fn open(vendor: u16, product: u16) -> io::Result<Usb> {
        let info = nusb::list_devices()
            .wait()
            .map_err(err)?
            .find(|d| d.vendor_id() == vendor && d.product_id() == product)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("no USB device {vendor:04x}:{product:04x}"),
                )
            })?;
        let device = info.open().wait().map_err(err)?;
        let config = device.active_configuration().map_err(err)?;
        let mut found = None;
        for alt in config.interface_alt_settings() {
            let mut out = None;
            let mut input = None;
            for ep in alt.endpoints() {
                if ep.transfer_type() == nusb::descriptors::TransferType::Bulk {
                    match ep.direction() {
                        Direction::Out => out = out.or(Some(ep.address())),
                        Direction::In => input = input.or(Some(ep.address())),
                    }
                }
            }
            if let Some(out) = out {
                found = Some((alt.interface_number(), out, input));
                break;
            }
        }
        let (number, out, input) = found.ok_or_else(|| err("no bulk OUT endpoint"))?;
        let interface = device
            .detach_and_claim_interface(number)
            .wait()
            .map_err(err)?;
        Ok(Usb {
            interface,
            out,
            input,
        })
    }
}

impl Port for Usb {
    fn send(&mut self, bytes: &[u8], _deadline: Instant) -> io::Result<()> {
        let ep = self
            .interface
            .endpoint::<Bulk, Out>(self.out)
            .map_err(err)?;
        let size = ep.max_packet_size();
        let mut w = ep.writer(size).with_write_timeout(WRITE_TIMEOUT);
        w.write_all(bytes)?;
        w.flush()
    }

    fn read_byte(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        let Some(input) = self.input else {
            return Ok(None);
        };
        let ep = self.interface.endpoint::<Bulk, In>(input).map_err(err)?;
        let size = ep.max_packet_size();
        let mut r = ep.reader(size).with_read_timeout(timeout);
        let mut byte = [0u8; 1];
        match r.read(&mut byte) {
            Ok(1) => Ok(Some(byte[0])),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn discard_input(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Connection for Usb {
    fn print(&mut self, _name: &str, bytes: &[u8]) -> io::Result<()> {
        self.send(bytes, Instant::now() + WRITE_TIMEOUT)
    }

    fn status(&mut self) -> io::Result<PrinterState> {
        query_status(self)
    }
}
