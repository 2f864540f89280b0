//! The demo's past: at its first start, `antre demo` lives through the previous 60 days
//! of a realistic MPP, so a newcomer finds full reports, an IKM and an audit trail at
//! once.
//!
//! Rules:
//!
//! 1. Only on a new database (no ticket yet), and only the days before today: today
//!    starts empty, for the newcomer's own tickets. A history cut short (the process
//!    stopped meanwhile) stays as far as it got.
//! 2. Everything goes through the real writer and engine as real commands, with a clock
//!    moved through each day: the log and its chain, the tickets and the report tables
//!    are what a real MPP would have made, and nothing is written around them.
//! 3. Days look like an MPP's days ([`shape`]: arrivals by hour and weekday, officers'
//!    shifts) and visitors behave like visitors ([`visitors`]: no-shows, recalls,
//!    transfers, holds, surveys). Officers log in, open, call, pause and close; the
//!    supervisor (`penyelia`) cancels the tickets of visitors who left; now and then a
//!    ticket is called out of turn, with a reason.
//! 4. A day closes at local midnight, as on a real server (its first look at the clock
//!    after it), and a survey is answered on the day of its visit: the engine knows a
//!    day's tickets only until the next day begins.
//! 5. The same date always makes the same day: each day's generator is seeded from
//!    [`SEED`] and the date. Secrets (track tokens, session ids) are random as always.
//! 6. Commands due within [`WINDOW`] of each other share one instant and go to the
//!    writer together, which commits them as one group: a day is a few hundred
//!    commits, not thousands.

mod day;
mod rng;
pub mod shape;
pub mod visitors;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

use antre_protocol::{CounterStatus, SurveyRecord, TicketStatus};
use futures_util::future::join_all;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::auth::random_hex;
use crate::clock::ManualClock;
use crate::engine::{Actor, Command, CounterCommand, Issue, SessionEvent, Site, TicketId};
use crate::store::Durability;
use crate::writer::{Decorate, Reply, WriteError, Writer};
use day::Day;
use rng::Rng;
use shape::{Arrival, DayPlan, Shift};

/// Days of history before today.
pub const DAYS: i64 = 60;

/// The seed every day's generator starts from, with its date.
pub const SEED: u64 = 0x414E_5452_4544_454D;

/// Actions due this close together share an instant (rule 6).
const WINDOW: SignedDuration = SignedDuration::from_secs(60);

/// Who cancels for visitors who left.
const SUPERVISOR: &str = "penyelia";

/// Refusals after which the history stops: its picture of the queue went wrong.
const MAX_REFUSED: u64 = 500;

/// What the history made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Made {
    /// Days with visitors.
    pub days: u32,
    pub tickets: u64,
    pub surveys: u64,
    /// Events in the log afterwards.
    pub events: u64,
    /// Rounds of commands sent together (each one commit, or a few).
    pub rounds: u64,
    /// Tickets a kiosk could not give (a full quota).
    pub turned_away: u64,
    /// Commands the engine refused although the history thought them valid: a sign
    /// that its picture of the queue drifted. It catches up and goes on.
    pub refused: u64,
}

/// Makes the [`DAYS`] days before `now`'s day on the database at `db`, which must hold
/// no ticket yet (the caller checks).
pub async fn make(
    db: &Path,
    site: Arc<Site>,
    decorate: Decorate,
    now: Timestamp,
) -> anyhow::Result<Made> {
    let today = now.to_zoned(site.timezone.clone()).date();
    make_days(db, site, decorate, today.checked_sub(DAYS.days())?, today).await
}

/// Makes the days from `first` up to the day before `until`, and closes the last one
/// just after `until` begins.
pub async fn make_days(
    db: &Path,
    site: Arc<Site>,
    decorate: Decorate,
    first: Date,
    until: Date,
) -> anyhow::Result<Made> {
    let clock = Arc::new(ManualClock::new(shape::local(&site, first, 0.0)?));
    // A power cut meanwhile may lose the last days made, never the database; a flush
    // per commit would cost seconds here, and minutes on a slow disk.
    let (writer, thread) = Writer::start_with(
        db.to_path_buf(),
        site.clone(),
        clock.clone(),
        decorate,
        false,
        Durability::Bulk,
    )?;
    let made = live_through(&writer, &clock, &site, first, until).await;
    writer.shutdown().await;
    drop(writer);
    tokio::task::spawn_blocking(move || thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    made
}

async fn live_through(
    writer: &Writer,
    clock: &ManualClock,
    site: &Site,
    first: Date,
    until: Date,
) -> anyhow::Result<Made> {
    let mut made = Made::default();
    let mut date = first;
    while date < until {
        midnight(writer, clock, shape::local(site, date, 0.0)?).await?;
        let mut rng = Rng::new(day_seed(date));
        let plan = shape::plan(site, date, &mut rng)?;
        if !plan.arrivals.is_empty() {
            Day::new(site, plan, rng)
                .run(writer, clock, &mut made)
                .await?;
            made.days += 1;
        }
        date = date.tomorrow()?;
    }
    midnight(writer, clock, shape::local(site, until, 0.0)?).await?;
    made.events = writer.read(|_, seq, _| seq).await?;
    Ok(made)
}

/// Lets the engine see the day change shortly after midnight, as the server's ticker
/// would: the day before is closed then, not when the first visitor comes.
async fn midnight(writer: &Writer, clock: &ManualClock, at: Timestamp) -> anyhow::Result<()> {
    clock.set(at + SignedDuration::from_secs(20));
    writer.read(|_, _, _| ()).await?;
    Ok(())
}

fn day_seed(date: Date) -> u64 {
    let days = date
        .since(jiff::civil::date(2000, 1, 1))
        .map_or(0, |s| s.get_days());
    SEED ^ u64::from(days.unsigned_abs()).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_week_goes_through_the_engine_without_a_refusal() {
        let site = crate::config::SiteConfig::from_toml(crate::demo::SITE_TOML)
            .unwrap()
            .site()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let db = crate::store::db_path(dir.path());
        // Monday 2 March 2026 to Sunday 8 March.
        let first = jiff::civil::date(2026, 3, 2);
        let until = jiff::civil::date(2026, 3, 9);
        let made = make_days(&db, site.clone(), |_, _| {}, first, until)
            .await
            .unwrap();
        assert_eq!(made.refused, 0, "{made:?}");
        assert_eq!(made.days, 6, "Monday to Saturday");
        assert!(made.tickets > 400, "{made:?}");
        assert!(made.surveys * 5 > made.tickets, "{made:?}");
        let again_dir = tempfile::tempdir().unwrap();
        let again = make_days(
            &crate::store::db_path(again_dir.path()),
            site,
            |_, _| {},
            first,
            until,
        )
        .await
        .unwrap();
        assert_eq!(again, made, "the same dates make the same days");
    }
}
