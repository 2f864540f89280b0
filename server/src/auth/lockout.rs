//! Log-in lock-out: after repeated failures, a username and an address must wait
//! before trying again, longer with each further failure. Guessing a password then
//! takes years, an officer who mistypes a few times is not stopped, and a locked
//! attempt costs the server nothing (no Argon2 check is made for it).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures a username may have before it must wait: an officer who mistypes a few
/// times at the start of a shift is never locked out.
pub const USER_FREE_TRIES: u32 = 5;
/// An address (a counter PC shared by a shift, a NAT on the guest Wi-Fi) gets more.
pub const ADDRESS_FREE_TRIES: u32 = 20;
/// The first wait after the free tries; it doubles with each further failure.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait: long enough to make guessing hopeless, short enough that a
/// locked-out officer is back within the quarter hour without calling anyone.
pub const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Names and addresses remembered at most; beyond, the quietest are forgotten first,
/// so a flood of made-up usernames cannot grow memory.
const REMEMBERED: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

#[derive(Debug)]
struct Table<K> {
    free: u32,
    entries: HashMap<K, Failures>,
}

impl<K: Hash + Eq + Clone> Table<K> {
    fn new(free: u32) -> Table<K> {
        Table {
            free,
            entries: HashMap::new(),
        }
    }

    fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        let until = self.entries.get(key)?.locked_until?;
        (until > now).then(|| until - now)
    }

    fn fail(&mut self, key: &K, now: Instant) {
        if self.entries.len() >= REMEMBERED && !self.entries.contains_key(key) {
            self.forget(now);
            if self.entries.len() >= REMEMBERED {
                let quietest = self
                    .entries
                    .iter()
                    .min_by_key(|(_, f)| f.last)
                    .map(|(k, _)| k.clone());
                if let Some(quietest) = quietest {
                    self.entries.remove(&quietest);
                }
            }
        }
        let entry = self.entries.entry(key.clone()).or_insert(Failures {
            count: 0,
            last: now,
            locked_until: None,
        });
        if now.duration_since(entry.last) > FORGET_AFTER {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
        if entry.count >= self.free {
            let doublings = (entry.count - self.free).min(16);
            let wait = FIRST_WAIT.saturating_mul(1 << doublings).min(LONGEST_WAIT);
            entry.locked_until = Some(now + wait);
        }
    }

    fn forget(&mut self, now: Instant) {
        self.entries
            .retain(|_, f| now.duration_since(f.last) <= FORGET_AFTER);
    }
}

/// Failures per username and per address.
#[derive(Debug)]
pub struct Lockout {
    inner: Mutex<(Table<String>, Table<IpAddr>)>,
}

impl Default for Lockout {
    fn default() -> Lockout {
        Lockout {
            inner: Mutex::new((Table::new(USER_FREE_TRIES), Table::new(ADDRESS_FREE_TRIES))),
        }
    }
}

impl Lockout {
    /// How long this username or address must still wait, if locked.
    pub fn wait(&self, user: &str, address: IpAddr, now: Instant) -> Option<Duration> {
        let tables = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let user = tables.0.wait(&user.to_string(), now);
        let address = tables.1.wait(&address, now);
        user.max(address)
    }

    pub fn failed(&self, user: &str, address: IpAddr, now: Instant) {
        let mut tables = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        tables.0.fail(&user.to_string(), now);
        tables.1.fail(&address, now);
    }

    /// A right password clears the username's failures (not the address's: one
    /// officer's success says nothing about guesses at other names from there).
    pub fn succeeded(&self, user: &str) {
        let mut tables = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        tables.0.entries.remove(user);
    }

    /// Forgets failures older than [`FORGET_AFTER`].
    pub fn forget_old(&self, now: Instant) {
        let mut tables = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        tables.0.forget(now);
        tables.1.forget(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn a_username_waits_after_its_free_tries_and_longer_each_time() {
        let lockout = Lockout::default();
        let t0 = Instant::now();
        for n in 0..USER_FREE_TRIES - 1 {
            lockout.failed("siti", ip(n as u8), t0);
            assert_eq!(lockout.wait("siti", ip(99), t0), None);
        }
        lockout.failed("siti", ip(50), t0);
        assert_eq!(lockout.wait("siti", ip(99), t0), Some(FIRST_WAIT));
        lockout.failed("siti", ip(51), t0);
        assert_eq!(lockout.wait("siti", ip(99), t0), Some(FIRST_WAIT * 2));
        for n in 0..30 {
            lockout.failed("siti", ip(60 + n), t0);
        }
        assert_eq!(lockout.wait("siti", ip(99), t0), Some(LONGEST_WAIT));
        assert_eq!(
            lockout.wait("budi", ip(99), t0),
            None,
            "other names are free"
        );
        let later = t0 + LONGEST_WAIT + Duration::from_secs(1);
        assert_eq!(lockout.wait("siti", ip(99), later), None);
        lockout.succeeded("siti");
        lockout.failed("siti", ip(1), later);
        assert_eq!(
            lockout.wait("siti", ip(99), later),
            None,
            "a success starts over"
        );
    }

    #[test]
    fn an_address_trying_many_names_waits_too() {
        let lockout = Lockout::default();
        let t0 = Instant::now();
        for n in 0..ADDRESS_FREE_TRIES {
            lockout.failed(&format!("tebak{n}"), ip(7), t0);
        }
        assert_eq!(lockout.wait("siapa-saja", ip(7), t0), Some(FIRST_WAIT));
        assert_eq!(lockout.wait("siapa-saja", ip(8), t0), None);
    }

    #[test]
    fn made_up_names_cannot_grow_memory_without_end() {
        let lockout = Lockout::default();
        let t0 = Instant::now();
        for n in 0..(REMEMBERED + 500) {
            lockout.failed(&format!("n{n}"), ip(1), t0);
        }
        let tables = lockout.inner.lock().unwrap();
        assert!(tables.0.entries.len() <= REMEMBERED);
    }
}
