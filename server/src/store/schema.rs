//! The database schema and its migrations.

use rusqlite::Connection;

/// Migrations in order; `PRAGMA user_version` counts how many have run. Append only:
/// a released migration is never edited.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    at_ms     INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    ticket_id INTEGER,
    counter   TEXT,
    -- The event exactly as sent on the stream (JSON).
    payload   TEXT NOT NULL,
    -- The previous row's hash, and SHA-256(prev_hash || seq || payload): editing or
    -- removing any row breaks the chain from there on (`antre verify`).
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- Every ticket's current state (a projection of the events), for fast start-up and
-- reports.
CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    day             TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    number          INTEGER NOT NULL,
    service         TEXT NOT NULL,
    priority        TEXT,
    status          TEXT NOT NULL,
    issued_at_ms    INTEGER NOT NULL,
    counter         TEXT,
    called_at_ms    INTEGER,
    started_at_ms   INTEGER,
    finished_at_ms  INTEGER,
    recalls         INTEGER NOT NULL DEFAULT 0,
    transfers       INTEGER NOT NULL DEFAULT 0,
    kiosk           TEXT,
    track_token     TEXT NOT NULL UNIQUE,
    idempotency_key TEXT,
    note            TEXT
);
-- The database itself refuses a number given twice in one day.
CREATE UNIQUE INDEX tickets_number ON tickets (day, prefix, number);
CREATE INDEX tickets_live ON tickets (status)
    WHERE status IN ('waiting', 'called', 'serving', 'held', 'no_show');

CREATE TABLE counters (
    code    TEXT PRIMARY KEY,
    status  TEXT NOT NULL,
    officer TEXT,
    streak  INTEGER NOT NULL DEFAULT 0
);
"#,
    // The boards' running text is read back at start-up from its last event: this index
    // finds it at once instead of scanning the whole log.
    r#"
CREATE INDEX events_running_text ON events (seq) WHERE kind = 'board.running_text';
"#,
    // Log-outs end tokens until they would have expired: read back at start-up. The
    // live state is checked against each ticket's and counter's last event at start-up.
    r#"
CREATE INDEX events_logouts ON events (at_ms) WHERE kind = 'user.logged_out';
CREATE INDEX events_ticket ON events (ticket_id, seq) WHERE ticket_id IS NOT NULL;
CREATE INDEX events_counter ON events (counter, seq) WHERE counter IS NOT NULL;
"#,
    // The last point of the log verified (`store::integrity`), so a start-up checks only
    // what came after; and a row the health check writes to learn that writes succeed.
    r#"
CREATE TABLE checkpoint (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);
CREATE TABLE heartbeat (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    at_ms INTEGER NOT NULL
);
"#,
    // The site's configuration lives here after the first start: every version, the
    // last one in use. Each change after the first is also a `site.changed` event (who,
    // what), whose seq the row names.
    r#"
CREATE TABLE site_config (
    version   INTEGER PRIMARY KEY,
    at_ms     INTEGER NOT NULL,
    seq       INTEGER,
    -- The configuration as JSON, hashes of passwords and device tokens included.
    config    TEXT NOT NULL,
    -- The fingerprint of the file it was imported from, when it came from one.
    from_file TEXT
);
"#,
    // Reports read these tables, kept by the writer from each event in the same
    // transaction (`store::projection`), never the live state: a visit's legs (one per
    // service it waited for: the issued one, then one per transfer) and the survey's
    // answers. `tickets.surveyed` lets a restart keep "one answer per ticket". The
    // index on time serves the audit trail and the officers' hours.
    r#"
ALTER TABLE tickets ADD COLUMN surveyed INTEGER NOT NULL DEFAULT 0;
CREATE TABLE legs (
    ticket_id          INTEGER NOT NULL,
    leg                INTEGER NOT NULL,
    -- The service day of the ticket's number: a visit belongs to the day it came.
    day                TEXT NOT NULL,
    service            TEXT NOT NULL,
    agency             TEXT NOT NULL,
    priority           TEXT,
    -- Local hour (0-23) the leg's wait began.
    hour               INTEGER NOT NULL,
    -- The issue for the first leg, the transfer for the others.
    entered_at_ms      INTEGER NOT NULL,
    -- The service's target wait when the leg began.
    target_wait_s      INTEGER,
    first_called_at_ms INTEGER,
    -- The call the visitor answered (the last one before the leg ended).
    called_at_ms       INTEGER,
    ended_at_ms        INTEGER,
    -- done, transferred, no_show, cancelled; NULL while the leg is open.
    outcome            TEXT,
    counter            TEXT,
    officer            TEXT,
    recalls            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (ticket_id, leg)
) WITHOUT ROWID;
CREATE INDEX legs_day ON legs (day, ticket_id);
CREATE TABLE survey_answers (
    ticket_id  INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL,
    day        TEXT NOT NULL,
    at_ms      INTEGER NOT NULL,
    service    TEXT NOT NULL,
    agency     TEXT NOT NULL,
    counter    TEXT,
    officer    TEXT,
    u1 INTEGER NOT NULL, u2 INTEGER NOT NULL, u3 INTEGER NOT NULL,
    u4 INTEGER NOT NULL, u5 INTEGER NOT NULL, u6 INTEGER NOT NULL,
    u7 INTEGER NOT NULL, u8 INTEGER NOT NULL, u9 INTEGER NOT NULL,
    gender     TEXT,
    age        INTEGER,
    education  TEXT,
    occupation TEXT,
    suggestion TEXT
);
CREATE INDEX survey_answers_day ON survey_answers (day);
-- Daily sums for the SKM over long periods: visitors served (its population) and the
-- answers' totals, per day, agency, service, counter and officer.
CREATE TABLE served_daily (
    day     TEXT NOT NULL,
    agency  TEXT NOT NULL,
    service TEXT NOT NULL,
    counter TEXT NOT NULL,
    officer TEXT NOT NULL,
    served  INTEGER NOT NULL,
    PRIMARY KEY (day, agency, service, counter, officer)
) WITHOUT ROWID;
CREATE TABLE survey_daily (
    day     TEXT NOT NULL,
    agency  TEXT NOT NULL,
    service TEXT NOT NULL,
    counter TEXT NOT NULL,
    officer TEXT NOT NULL,
    respondents INTEGER NOT NULL,
    s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, s3 INTEGER NOT NULL,
    s4 INTEGER NOT NULL, s5 INTEGER NOT NULL, s6 INTEGER NOT NULL,
    s7 INTEGER NOT NULL, s8 INTEGER NOT NULL, s9 INTEGER NOT NULL,
    PRIMARY KEY (day, agency, service, counter, officer)
) WITHOUT ROWID;
CREATE INDEX events_at ON events (at_ms);
"#,
    // The digital channel (docs/booking.md): bookings as the engine keeps them (the
    // NIK only as a keyed hash and its last four digits), a checked-in booking's ticket
    // with its place in line, and the notifications outbox, written in the same
    // transaction as the event that causes each message and emptied by the sender.
    r#"
ALTER TABLE tickets ADD COLUMN booking TEXT;
ALTER TABLE tickets ADD COLUMN line_at_ms INTEGER;
-- A visit that came from a booking; its wait counts from its place in line once it
-- is checked in (the session's start), not from an early check-in.
ALTER TABLE legs ADD COLUMN booked INTEGER NOT NULL DEFAULT 0;
CREATE TABLE bookings (
    code             TEXT PRIMARY KEY,
    service          TEXT NOT NULL,
    -- The local day booked, and the session's start and end (minutes of the day);
    -- a remote-queue booking (today, no session) has no start or end.
    day              TEXT NOT NULL,
    start_min        INTEGER,
    end_min          INTEGER,
    status           TEXT NOT NULL,
    nik_hash         TEXT NOT NULL,
    nik_last4        TEXT NOT NULL,
    name             TEXT NOT NULL,
    phone            TEXT NOT NULL,
    manage_digest    TEXT NOT NULL,
    booked_at_ms     INTEGER NOT NULL,
    -- Fixed when the booking is made or moved, so later rule changes keep its promise.
    check_in_from_ms  INTEGER NOT NULL,
    check_in_until_ms INTEGER NOT NULL,
    change_until_ms   INTEGER NOT NULL,
    remind_at_ms      INTEGER,
    rescheduled      INTEGER NOT NULL DEFAULT 0,
    reminded         INTEGER NOT NULL DEFAULT 0,
    checked_in_at_ms INTEGER,
    ticket_id        INTEGER,
    ended_at_ms      INTEGER
) WITHOUT ROWID;
CREATE INDEX bookings_day ON bookings (day, service);
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    created_at_ms INTEGER NOT NULL,
    -- The event that caused the message.
    seq          INTEGER NOT NULL,
    channel      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    booking      TEXT,
    recipient    TEXT NOT NULL,
    -- The message as sent: its texts and the values they were made from (JSON).
    body         TEXT NOT NULL,
    -- pending, sent, failed
    status       TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at_ms   INTEGER NOT NULL,
    last_error   TEXT,
    sent_at_ms   INTEGER
);
CREATE INDEX outbox_due ON outbox (status, next_at_ms);
"#,
];

pub fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let version: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    anyhow::ensure!(
        version <= MIGRATIONS.len(),
        "the database was written by a newer Antre (schema {version}); upgrade Antre"
    );
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}
