//! Estimated waits from recent service times.

/// Weight of the newest service time in the running average. 0.2 follows a change in
/// pace within about ten visitors while one unusually long visit moves the estimate by
/// only a fifth of its excess.
const SMOOTHING: f64 = 0.2;

/// Service times outside these bounds are measurement noise (an officer who forgot to
/// press "complete" over lunch, or a mis-tap) and are left out.
const MIN_SAMPLE_S: f64 = 10.0;
const MAX_SAMPLE_S: f64 = 2.0 * 3600.0;

/// A service's running average time at the counter per visitor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceTime {
    avg_s: f64,
}

impl ServiceTime {
    /// Starts from the configured guess.
    pub fn new(initial_s: u32) -> ServiceTime {
        ServiceTime {
            avg_s: f64::from(initial_s.max(1)),
        }
    }

    /// Takes in one finished visit.
    pub fn observe(&mut self, seconds: f64) {
        if (MIN_SAMPLE_S..=MAX_SAMPLE_S).contains(&seconds) {
            self.avg_s += SMOOTHING * (seconds - self.avg_s);
        }
    }

    pub fn average_s(&self) -> f64 {
        self.avg_s
    }

    /// Wait for someone with `ahead` people in front, when `counters` counters serve
    /// the service. With no counter open yet, one is assumed: the estimate then says how
    /// long the queue is, rather than "forever".
    pub fn wait_s(&self, ahead: u32, counters: u32) -> u32 {
        let per_counter = f64::from(ahead) / f64::from(counters.max(1));
        (per_counter * self.avg_s).ceil().min(f64::from(u32::MAX)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_ahead_means_no_wait() {
        assert_eq!(ServiceTime::new(300).wait_s(0, 2), 0);
    }

    #[test]
    fn wait_scales_with_people_ahead_and_open_counters() {
        let t = ServiceTime::new(300);
        assert_eq!(t.wait_s(4, 1), 1200);
        assert_eq!(t.wait_s(4, 2), 600);
        assert_eq!(t.wait_s(4, 0), 1200);
    }

    #[test]
    fn observations_move_the_average_and_outliers_do_not() {
        let mut t = ServiceTime::new(300);
        t.observe(100.0);
        assert!((t.average_s() - 260.0).abs() < 1e-9);
        t.observe(3.0);
        t.observe(10_000.0);
        assert!((t.average_s() - 260.0).abs() < 1e-9);
    }
}
