//! Reading a password for `antre hash-password`: from a terminal it asks twice without
//! echo (nobody behind the manager reads it off the screen, and a typo is caught);
//! from a pipe it reads one line, for scripts.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail, ensure};

/// The password typed or piped in.
pub fn read() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        ensure!(!password.is_empty(), "empty password");
        return Ok(password);
    }
    let first = ask("Kata sandi / Password: ")?;
    ensure!(!first.is_empty(), "empty password");
    let second = ask("Ulangi / Repeat: ")?;
    if first != second {
        bail!("the two passwords differ / kedua kata sandi berbeda");
    }
    Ok(first)
}

/// One line from the terminal with echo off (turned off before the prompt shows, so
/// nothing typed after it is echoed), put back on whatever happens.
fn ask(prompt: &str) -> anyhow::Result<String> {
    let line = without_echo(|| {
        let mut err = std::io::stderr();
        write!(err, "{prompt}")?;
        err.flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        writeln!(err)?;
        Ok(line)
    })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

#[cfg(unix)]
fn without_echo<T>(read: impl FnOnce() -> std::io::Result<T>) -> anyhow::Result<T> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let before = tcgetattr(&stdin).context("cannot read the terminal's settings")?;
    let mut quiet = before.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    quiet.local_modes.insert(LocalModes::ECHONL);
    tcsetattr(&stdin, OptionalActions::Flush, &quiet).context("cannot turn echo off")?;
    let result = read();
    let _ = tcsetattr(&stdin, OptionalActions::Now, &before);
    Ok(result?)
}

#[cfg(not(unix))]
fn without_echo<T>(read: impl FnOnce() -> std::io::Result<T>) -> anyhow::Result<T> {
    Ok(read()?)
}
