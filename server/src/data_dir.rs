//! The data directory: readable by the server's user only, and used by one process at
//! a time.

use std::fs::File;
use std::path::Path;

use anyhow::Context;

/// Held while a process uses the data directory; released when dropped (or when the
/// process ends, however it ends).
#[derive(Debug)]
pub struct Claim {
    _lock: File,
}

/// Creates the directory (private) and claims it for this process. A second server, or
/// `antre config import` while a server runs, is refused: two writers would fork the
/// event log.
pub fn claim(dir: &Path) -> anyhow::Result<Claim> {
    private_dir(dir)?;
    let path = dir.join("antre.lock");
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        flock(&lock, FlockOperation::NonBlockingLockExclusive).map_err(|_| {
            anyhow::anyhow!(
                "{} is in use by a running Antre server; stop it first, or make the change \
                 on the admin pages (/admin) or through the API (PUT /api/v1/admin/config)",
                dir.display()
            )
        })?;
    }
    Ok(Claim { _lock: lock })
}

/// The data directory, created (or tightened) readable by the server's user only: it
/// holds every ticket's secret and the token signing key. The files in it are created
/// private too (`main` sets the process's umask).
fn private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("cannot restrict {}", dir.display()))?;
            tracing::warn!(
                "{} was readable by other users ({mode:o}): now only by this one",
                dir.display()
            );
        }
    }
    Ok(())
}
