//! The pause between two attempts to reach the server: short at first, growing while
//! the server stays away, and never the same for two clients.

use std::time::Duration;

/// The first pause. A restarting server is back within about a second, so the first
/// attempts come quickly and a restart costs a client no more than a second or two.
pub const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// The longest pause (before jitter). A client notices a returning server within ten
/// seconds, and a server that is down for long sees one attempt per client every ten
/// seconds, not a flood.
pub const MAX_PAUSE: Duration = Duration::from_secs(10);

/// How far each pause is moved at random, as a fraction of it either way. The
/// clients of a hall lose the server together (a restart, a switch); without jitter they
/// would all come back in the same instant, again and again.
pub const JITTER: f64 = 0.2;

/// The pauses of one client: [`FIRST_PAUSE`] doubling up to [`MAX_PAUSE`], each
/// jittered; back to the first after a success.
#[derive(Debug, Clone)]
pub struct Backoff {
    nominal: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::new()
    }
}

impl Backoff {
    pub fn new() -> Backoff {
        Backoff {
            nominal: FIRST_PAUSE,
        }
    }

    /// After a success: the next failure pauses briefly again.
    pub fn reset(&mut self) {
        self.nominal = FIRST_PAUSE;
    }

    /// The pause before the next attempt; the one after is twice as long.
    pub fn next_pause(&mut self) -> Duration {
        let nominal = self.nominal;
        self.nominal = (nominal * 2).min(MAX_PAUSE);
        // Without randomness (it never happens on the systems the clients run on) the
        // pause is simply not moved.
        jittered(nominal, getrandom::u32().unwrap_or(u32::MAX / 2))
    }
}

/// `nominal` moved by up to [`JITTER`] of it either way; `roll` (uniform over `u32`)
/// picks where: 0 gives the shortest pause, `u32::MAX` the longest.
pub fn jittered(nominal: Duration, roll: u32) -> Duration {
    let spread = nominal.mul_f64(JITTER);
    let at = f64::from(roll) / f64::from(u32::MAX);
    (nominal - spread) + (spread * 2).mul_f64(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ends of the jitter, with a microsecond for floating-point rounding.
    fn bounds(nominal: Duration) -> (Duration, Duration) {
        let slack = Duration::from_micros(1);
        (
            nominal.mul_f64(1.0 - JITTER) - slack,
            nominal.mul_f64(1.0 + JITTER) + slack,
        )
    }

    #[test]
    fn the_jitter_reaches_both_ends_and_no_further() {
        let nominal = Duration::from_secs(10);
        let (low, high) = bounds(nominal);
        let shortest = jittered(nominal, 0);
        let longest = jittered(nominal, u32::MAX);
        assert!(
            shortest >= low && shortest <= Duration::from_secs(8),
            "{shortest:?}"
        );
        assert!(
            longest <= high && longest >= Duration::from_secs(12) - Duration::from_micros(1),
            "{longest:?}"
        );
        let middle = jittered(nominal, u32::MAX / 2);
        assert!(
            middle > Duration::from_millis(9_999) && middle < Duration::from_millis(10_001),
            "{middle:?}"
        );
    }

    #[test]
    fn pauses_double_up_to_the_limit_within_the_jitter_and_start_again_after_a_reset() {
        let mut backoff = Backoff::new();
        let mut nominal = FIRST_PAUSE;
        let mut seen = Vec::new();
        for _ in 0..12 {
            let pause = backoff.next_pause();
            let (low, high) = bounds(nominal);
            assert!(pause >= low && pause <= high, "{pause:?} for {nominal:?}");
            seen.push(pause);
            nominal = (nominal * 2).min(MAX_PAUSE);
        }
        assert_eq!(nominal, MAX_PAUSE, "the limit is reached within 12 pauses");
        let (_, high) = bounds(MAX_PAUSE);
        assert!(seen.iter().all(|p| *p <= high));
        // Six pauses at the limit, all equal, would mean no jitter at all.
        let at_limit = &seen[6..];
        assert!(at_limit.iter().any(|p| *p != at_limit[0]), "{at_limit:?}");

        backoff.reset();
        let (low, high) = bounds(FIRST_PAUSE);
        let pause = backoff.next_pause();
        assert!(pause >= low && pause <= high, "{pause:?}");
    }
}
