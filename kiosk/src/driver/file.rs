//! `file:///DIR`: each ticket's bytes (`NAME.bin`) and a readable preview (`NAME.txt`),
//! for development and the demo.

use std::io;
use std::path::{Path, PathBuf};

use antre_protocol::PrinterState;

use super::Connection;

pub struct Preview {
    dir: PathBuf,
}

impl Preview {
    pub fn open(dir: &Path) -> io::Result<Preview> {
        std::fs::create_dir_all(dir)?;
        Ok(Preview {
            dir: dir.to_path_buf(),
        })
    }
}

impl Connection for Preview {
    fn print(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        // Written under a temporary name and renamed, so a reader never sees half a
        // ticket and the .bin appearing means the ticket is complete.
        let preview = crate::decode::preview(bytes);
        let txt = self.dir.join(format!("{name}.txt"));
        std::fs::write(self.dir.join(format!(".{name}.txt.tmp")), preview)?;
        std::fs::rename(self.dir.join(format!(".{name}.txt.tmp")), txt)?;
        std::fs::write(self.dir.join(format!(".{name}.bin.tmp")), bytes)?;
        std::fs::rename(
            self.dir.join(format!(".{name}.bin.tmp")),
            self.dir.join(format!("{name}.bin")),
        )
    }

    fn status(&mut self) -> io::Result<PrinterState> {
        // The directory vanishing (an unmounted disk) is this printer going offline.
        if self.dir.is_dir() {
            Ok(PrinterState::Ok)
        } else {
            Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} is gone", self.dir.display()),
            ))
        }
    }
}
