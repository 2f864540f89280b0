//! The order in which a board says its calls, and what it says for each: the rules the
//! board agent follows (and the board page, `assets/queue.js`, mirrors).
//!
//! - Every call of the board's zone is queued and said, in the order it was made; none
//!   is dropped because others wait.
//! - A recall goes to the back of the queue. A recall of a call that is still waiting
//!   is not queued twice: the waiting call will be said, now counted from the recall.
//! - A backlog is worked off faster without losing what a citizen listens for: the
//!   chime and "nomor antrian" open a run of calls said back to back, not every call of
//!   it, and the English phrase is left out while other calls wait. The number, the
//!   counter and the place are always said.
//! - A call is left out (shown as such, never said) only when it is older than
//!   [`MAX_AGE_MS`] when its turn comes; see there for why that bound.
//!
//! Pure: times are given by the caller, in milliseconds on one clock.

use std::collections::VecDeque;

use crate::phrase::{CHIME, Part};

/// A call older than this when its turn comes is left out: shown as left out, not said.
///
/// Ten minutes, because no burst reaches it and a call that old has been acted on.
/// The largest burst is a lobby board of a whole MPP (the design's largest has 60
/// counters) when every counter calls at the same moment, at opening: each call is then
/// said at the backlog's pace, about 6 s with its place ("A dua puluh, silakan menuju
/// loket dua puluh tiga, lantai dua"), so the last of 60 is said after about 6 minutes.
/// A zone's board (at most about 20 counters) is through such a burst in 2 minutes.
/// Ten minutes leaves room for recalls in the middle of it. A board that reaches the
/// bound was away (switched off, disconnected) and catches up with calls whose
/// counters have long recalled (a fresh call, said) or moved on to the next visitor;
/// saying them would send people to counters that serve someone else, and would hold
/// back the calls made now.
pub const MAX_AGE_MS: i64 = 10 * 60 * 1000;

/// A call that starts within this of the end of the previous one continues its run: no
/// chime, no "nomor antrian".
pub const RUN_WINDOW_MS: i64 = 2_000;

/// Silence between two calls of a backlog (the next one is waiting).
pub const BACKLOG_GAP_MS: u32 = 300;

/// Silence after a call before the next, when nothing else waits: one call at a time,
/// never two running into each other.
pub const GAP_MS: u32 = 700;

/// Between the Indonesian and the English announcement: a new sentence.
const BETWEEN_LANGUAGES_MS: u32 = 700;

/// The words that open an announcement after the chime: said once per run.
const OPENING: [&str; 2] = ["nomor", "antrian"];

/// Where a counter is, as a board says it after the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The counter's zone.
    pub zone: String,
    /// The zone's name as shown ("Lantai 2 — Zona B").
    pub name: String,
    /// As said ("lantai dua").
    pub text: String,
    /// The parts that say it (a short pause first).
    pub parts: Vec<Part>,
}

/// A call to say, as the stream announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The event's sequence number.
    pub seq: u64,
    pub recall: bool,
    pub number: String,
    /// The counter's code.
    pub counter: String,
    /// When the call was made, in milliseconds since the epoch on the clock the queue
    /// is given (the server's time, corrected for the difference of the clocks).
    pub made_ms: i64,
    /// "Nomor antrian A satu, silakan menuju loket tiga".
    pub text: String,
    pub text_en: Option<String>,
    /// The Indonesian announcement: the chime, a pause, the words.
    pub parts: Vec<Part>,
    /// The English one (no chime), when the site says calls in English.
    pub parts_en: Vec<Part>,
    /// Where the counter is, when this board says it (a counter outside its zone).
    pub place: Option<Place>,
    /// URL of the announcement composed by the server, for a board that cannot compose.
    pub audio: Option<String>,
}

/// Whether a board of `board_zone` (`None`: a lobby board, every zone) says where a
/// counter of `counter_zone` is: for every counter outside its own zone.
pub fn says_place(counter_zone: &str, board_zone: Option<&str>) -> bool {
    board_zone != Some(counter_zone)
}

/// What happened to a call given to [`Queue::push`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// At the back of the queue.
    Queued,
    /// A recall of a call still waiting: that one will be said.
    Merged,
    /// Older than [`MAX_AGE_MS`] already: left out.
    LeftOut(Box<Call>),
}

/// One call's turn: what to say and show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub call: Call,
    /// The clips and pauses to play, in order.
    pub parts: Vec<Part>,
    /// What is said, as text: the call's text and, when said, its place.
    pub text: String,
    /// The first of a run: with the chime and "nomor antrian".
    pub opening: bool,
    /// With the English phrase.
    pub english: bool,
    /// Calls still waiting after this one.
    pub waiting: usize,
}

impl Turn {
    /// The silence to leave after this call before the next.
    pub fn gap_ms(&self) -> u32 {
        if self.waiting > 0 {
            BACKLOG_GAP_MS
        } else {
            GAP_MS
        }
    }
}

/// What [`Queue::next`] gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Next {
    /// Calls too old to say, in call order: show them as left out.
    pub left_out: Vec<Call>,
    /// The call to say now, if any waits.
    pub turn: Option<Turn>,
}

/// The calls waiting to be said, in order.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    waiting: VecDeque<Call>,
    /// When the last call said ended.
    last_end_ms: Option<i64>,
}

impl Queue {
    pub fn new() -> Queue {
        Queue::default()
    }

    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// The calls waiting, in the order they will be said.
    pub fn waiting(&self) -> impl Iterator<Item = &Call> {
        self.waiting.iter()
    }

    /// A call (or recall) made; `now_ms` on the clock of `call.made_ms`.
    pub fn push(&mut self, call: Call, now_ms: i64) -> Pushed {
        if now_ms - call.made_ms > MAX_AGE_MS {
            return Pushed::LeftOut(Box::new(call));
        }
        if call.recall
            && let Some(waiting) = self
                .waiting
                .iter_mut()
                .find(|w| w.number == call.number && w.counter == call.counter)
        {
            // Counted from the recall: the counter still waits for this visitor.
            waiting.made_ms = waiting.made_ms.max(call.made_ms);
            return Pushed::Merged;
        }
        self.waiting.push_back(call);
        Pushed::Queued
    }

    /// The next call to say, after leaving out those too old to be said.
    pub fn next(&mut self, now_ms: i64) -> Next {
        let mut next = Next::default();
        let (old, keep): (VecDeque<Call>, VecDeque<Call>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|c| now_ms - c.made_ms > MAX_AGE_MS);
        next.left_out = old.into();
        self.waiting = keep;
        let Some(call) = self.waiting.pop_front() else {
            return next;
        };
        let opening = self
            .last_end_ms
            .is_none_or(|end| now_ms - end > RUN_WINDOW_MS);
        let waiting = self.waiting.len();
        let english = waiting == 0 && !call.parts_en.is_empty();
        let parts = spoken(&call, opening, english);
        let text = match &call.place {
            Some(place) => format!("{}, {}", call.text, place.text),
            None => call.text.clone(),
        };
        next.turn = Some(Turn {
            call,
            parts,
            text,
            opening,
            english,
            waiting,
        });
        next
    }

    /// The call given by [`Queue::next`] has been said (or could not be), at `now_ms`.
    pub fn done(&mut self, now_ms: i64) {
        self.last_end_ms = Some(now_ms);
    }
}

/// The parts a call is said with: its words (after the chime and "nomor antrian" only
/// when it opens a run), then its place, then, when `english`, the English phrase.
pub fn spoken(call: &Call, opening: bool, english: bool) -> Vec<Part> {
    let mut parts: &[Part] = &call.parts;
    if !opening {
        if let [Part::Clip(chime), rest @ ..] = parts
            && chime == CHIME
        {
            parts = rest;
            if let [Part::Pause(_), rest @ ..] = parts {
                parts = rest;
            }
        }
        if let [Part::Clip(a), Part::Clip(b), rest @ ..] = parts
            && [a.as_str(), b.as_str()] == OPENING
        {
            parts = rest;
        }
    }
    let mut out = parts.to_vec();
    if let Some(place) = &call.place {
        out.extend(place.parts.iter().cloned());
    }
    if english && !call.parts_en.is_empty() {
        out.push(Part::Pause(BETWEEN_LANGUAGES_MS));
        out.extend(call.parts_en.iter().cloned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrase::{call as phrase, clip_names, place};

    const MIN: i64 = 60_000;

    fn call(seq: u64, number: &str, counter: &str, made_ms: i64) -> Call {
        let n: u32 = counter[1..].parse().unwrap();
        let spoken = format!("loket {}", crate::terbilang(n));
        let p = phrase(number, &spoken, &format!("Loket {n}")).unwrap();
        Call {
            seq,
            recall: false,
            number: number.into(),
            counter: counter.into(),
            made_ms,
            text: p.text,
            text_en: Some(p.text_en),
            parts: p.parts,
            parts_en: p.parts_en,
            place: None,
            audio: None,
        }
    }

    fn recall(seq: u64, number: &str, counter: &str, made_ms: i64) -> Call {
        Call {
            recall: true,
            ..call(seq, number, counter, made_ms)
        }
    }

    /// Says everything waiting, one after the other, each taking `each_ms`; returns
    /// the numbers said and those left out, in order.
    fn say_all(q: &mut Queue, mut now: i64, each_ms: i64) -> (Vec<String>, Vec<String>) {
        let (mut said, mut left) = (vec![], vec![]);
        loop {
            let next = q.next(now);
            left.extend(next.left_out.into_iter().map(|c| c.number));
            let Some(turn) = next.turn else { break };
            let gap = i64::from(turn.gap_ms());
            said.push(turn.call.number);
            now += each_ms;
            q.done(now);
            now += gap;
        }
        (said, left)
    }

    #[test]
    fn a_burst_of_a_whole_zone_is_said_in_full_and_in_order() {
        let mut q = Queue::new();
        let numbers: Vec<String> = (1..=60).map(|i| format!("A{i:03}")).collect();
        for (i, n) in numbers.iter().enumerate() {
            let counter = format!("L{:02}", i + 1);
            assert_eq!(q.push(call(i as u64, n, &counter, 0), 0), Pushed::Queued);
        }
        assert_eq!(q.len(), 60);
        // Six seconds a call: the last is said after six minutes, within the bound.
        let (said, left) = say_all(&mut q, 0, 6_000);
        assert_eq!(said, numbers);
        assert!(left.is_empty());
    }

    #[test]
    fn a_run_opens_with_the_chime_once_and_english_waits_for_a_quiet_moment() {
        let mut q = Queue::new();
        for (i, n) in ["A001", "A002", "A003"].iter().enumerate() {
            q.push(call(i as u64, n, "L01", 0), 0);
        }
        let first = q.next(0).turn.unwrap();
        assert!(first.opening && !first.english);
        assert_eq!(first.waiting, 2);
        assert_eq!(
            clip_names(&first.parts)[..4],
            ["chime", "nomor", "antrian", "a"]
        );
        assert_eq!(first.gap_ms(), BACKLOG_GAP_MS);
        q.done(5_000);
        let second = q.next(5_300).turn.unwrap();
        assert!(!second.opening && !second.english);
        // Straight to the number: "A dua, silakan menuju loket satu".
        assert_eq!(
            clip_names(&second.parts),
            ["a", "dua", "silakan", "menuju", "loket", "satu"]
        );
        assert_eq!(
            second.text,
            "Nomor antrian A dua, silakan menuju loket satu"
        );
        q.done(9_000);
        // The last of the run: nothing waits after it, so the English is said too.
        let third = q.next(9_300).turn.unwrap();
        assert!(!third.opening && third.english && third.waiting == 0);
        let names = clip_names(&third.parts);
        assert_eq!(names[0], "a");
        assert!(names.ends_with(&["en-counter", "en-one"]), "{names:?}");
        assert_eq!(third.gap_ms(), GAP_MS);
        q.done(14_000);
        // A call a minute later opens a new run.
        q.push(call(9, "A004", "L02", 74_000), 74_000);
        let fourth = q.next(74_000).turn.unwrap();
        assert!(fourth.opening && fourth.english);
        assert_eq!(fourth.parts, {
            let mut p = fourth.call.parts.clone();
            p.push(Part::Pause(BETWEEN_LANGUAGES_MS));
            p.extend(fourth.call.parts_en.iter().cloned());
            p
        });
    }

    #[test]
    fn a_recall_goes_to_the_back_and_is_not_queued_twice() {
        let mut q = Queue::new();
        q.push(call(1, "A001", "L01", 0), 0);
        q.push(call(2, "A002", "L02", 0), 0);
        q.push(call(3, "A003", "L03", 0), 0);
        // A001 is said; then L01 recalls it while A002 and A003 wait.
        assert_eq!(q.next(0).turn.unwrap().call.number, "A001");
        q.done(5_000);
        assert_eq!(
            q.push(recall(4, "A001", "L01", 6_000), 6_000),
            Pushed::Queued
        );
        // L03 recalls A003, which has not been said yet: it is said once, where it is.
        assert_eq!(
            q.push(recall(5, "A003", "L03", 6_500), 6_500),
            Pushed::Merged
        );
        let order: Vec<(String, bool)> =
            q.waiting().map(|c| (c.number.clone(), c.recall)).collect();
        assert_eq!(
            order,
            [
                ("A002".to_string(), false),
                ("A003".to_string(), false),
                ("A001".to_string(), true)
            ]
        );
        let (said, left) = say_all(&mut q, 7_000, 5_000);
        assert_eq!(said, ["A002", "A003", "A001"]);
        assert!(left.is_empty());
        // The same number called at another counter (a transfer) is a new call.
        q.push(call(6, "A005", "L01", 30_000), 30_000);
        assert_eq!(
            q.push(recall(7, "A005", "L02", 30_000), 30_000),
            Pushed::Queued
        );
        assert_eq!(q.len(), 2);
    }

    #[test]
    fn only_calls_older_than_the_bound_are_left_out() {
        let mut q = Queue::new();
        // A board back after an hour: the catch-up brings calls of the last hour.
        let now = 60 * MIN;
        for (i, minutes_ago) in [50, 20, 11, 9, 1].iter().enumerate() {
            let made = now - minutes_ago * MIN;
            let number = format!("A{:03}", i + 1);
            let pushed = q.push(call(i as u64, &number, "L01", made), now);
            if *minutes_ago > 10 {
                assert!(matches!(pushed, Pushed::LeftOut(c) if c.number == number));
            } else {
                assert_eq!(pushed, Pushed::Queued);
            }
        }
        assert_eq!(q.len(), 2);
        // Exactly at the bound it is still said; a millisecond later it is not.
        q.push(call(10, "B001", "L02", now - 9 * MIN), now);
        let next = q.next(now + MIN);
        assert!(next.left_out.is_empty());
        assert_eq!(next.turn.unwrap().call.number, "A004");
        q.done(now + MIN);
        let next = q.next(now + MIN + 1);
        assert_eq!(
            next.left_out
                .iter()
                .map(|c| c.number.as_str())
                .collect::<Vec<_>>(),
            ["B001"],
            "made 9 minutes before `now`, its turn comes at 10 minutes and 1 ms"
        );
        assert_eq!(next.turn.unwrap().call.number, "A005");
        // A recall counts from itself: the call waited, the counter still waits too.
        let mut q = Queue::new();
        q.push(call(1, "C001", "L24", 0), 0);
        q.push(recall(2, "C001", "L24", 8 * MIN), 8 * MIN);
        let next = q.next(12 * MIN);
        assert!(next.left_out.is_empty());
        assert_eq!(next.turn.unwrap().call.number, "C001");
    }

    #[test]
    fn the_place_is_said_after_the_counter_outside_the_boards_zone() {
        assert!(says_place("B", Some("A")));
        assert!(
            says_place("B", None),
            "a lobby board says it for every call"
        );
        assert!(!says_place("A", Some("A")));
        let mut c = call(1, "B001", "L15", 0);
        c.place = Some(Place {
            zone: "B".into(),
            name: "Lantai 2 — Zona B".into(),
            text: "lantai dua".into(),
            parts: place("lantai dua"),
        });
        let mut q = Queue::new();
        q.push(c.clone(), 0);
        q.push(call(2, "A001", "L01", 0), 0);
        let turn = q.next(0).turn.unwrap();
        assert_eq!(
            turn.text,
            "Nomor antrian B satu, silakan menuju loket lima belas, lantai dua"
        );
        let names = clip_names(&turn.parts);
        assert!(
            names.ends_with(&["loket", "lima", "belas", "lantai", "dua"]),
            "{names:?}"
        );
        // Also in a run, and before the English.
        let both = spoken(&c, false, true);
        let names = clip_names(&both);
        let lantai = names.iter().position(|n| *n == "lantai").unwrap();
        assert_eq!(names[lantai - 1], "belas");
        assert_eq!(names[lantai + 2], "en-number");
    }
}
