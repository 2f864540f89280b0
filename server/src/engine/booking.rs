//! Bookings: seats in a service's sessions, and places in today's remote queue
//! (antrian dari rumah). The calendar's arithmetic is in [`super::schedule`]; where a
//! checked-in booking stands in line is the call policy's rule 7
//! ([`super::policy::place_in_line`]). Rules:
//!
//! 1. No seat is sold twice and no quota is exceeded, whatever the rush: the one writer
//!    applies bookings one after another and counts the seats of each session here.
//! 2. One active booking (booked or checked in) per NIK, service and day. The engine
//!    sees the NIK only as a keyed hash, and its last four digits for the officer.
//! 3. A booking is checked in inside its window (at the kiosk or by an officer) and
//!    becomes a ticket of its service, numbered with the walk-ins' prefix but not
//!    counted against their daily quota: the online seats are kept apart.
//! 4. A booking not checked in when its window closes is a no-show; its seat is not
//!    given again (the session has begun).
//! 5. The holder may cancel, or move the booking once, until the change cut-off; staff
//!    may cancel at any time before check-in.
//! 6. The window, the cut-off and the reminder's time are fixed when a booking is made
//!    or moved: a later change of the rules keeps the promise made.

use std::collections::{BTreeSet, HashMap, HashSet};

use antre_protocol::{self as wire, BookingRecord, BookingStatus, EventDetail, EventKind};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use super::schedule::{BookingRules, Window, at_minute, hh_mm};
use super::{Affected, Change, DomainError, Engine, Handled, Service, Ticket, TicketId, policy};

/// A booking as the engine keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub code: String,
    pub service: String,
    pub day: Date,
    /// The session; none for the remote queue.
    pub start_min: Option<u16>,
    pub end_min: Option<u16>,
    pub status: BookingStatus,
    pub nik_hash: String,
    pub nik_last4: String,
    pub name: String,
    pub phone: String,
    /// SHA-256 of the manage token, hex.
    pub manage_digest: String,
    pub booked_at: Timestamp,
    pub window: Window,
    pub change_until: Timestamp,
    /// When the reminder is due; none once sent, or when there is none to send.
    pub remind_at: Option<Timestamp>,
    pub rescheduled: bool,
    pub checked_in_at: Option<Timestamp>,
    pub ticket: Option<TicketId>,
    /// Cancelled or marked no-show at.
    pub ended_at: Option<Timestamp>,
}

impl Booking {
    fn is_active(&self) -> bool {
        matches!(
            self.status,
            BookingStatus::Booked | BookingStatus::CheckedIn
        )
    }

    fn seat(&self) -> Seat {
        (self.service.clone(), self.day, self.start_min)
    }

    fn holder(&self) -> Holder {
        (self.nik_hash.clone(), self.service.clone(), self.day)
    }

    /// As the log keeps it: no name, phone or NIK.
    pub fn record(&self) -> BookingRecord {
        BookingRecord {
            code: self.code.clone(),
            service: self.service.clone(),
            date: self.day.to_string(),
            start: self.start_min.map(hh_mm),
            remote: self.start_min.is_none(),
            nik_last4: self.nik_last4.clone(),
            moved_from: None,
        }
    }
}

/// A request for a booking, with the secrets the caller made (the engine has no
/// randomness of its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub code: String,
    pub manage_digest: String,
    pub service: String,
    pub date: Date,
    /// The session's start; none for the remote queue.
    pub start_min: Option<u16>,
    pub nik_hash: String,
    pub nik_last4: String,
    pub name: String,
    pub phone: String,
}

/// A session of a day, or the remote queue of a day (`None`).
type Seat = (String, Date, Option<u16>);
/// NIK hash, service, day.
type Holder = (String, String, Date);

/// The bookings the engine keeps: those of today and later days, and any still waiting
/// for check-in.
#[derive(Debug, Default)]
pub struct Bookings {
    all: HashMap<String, Booking>,
    /// Seats taken per session: booked, checked in or no-show (rule 4).
    taken: HashMap<Seat, u32>,
    active: HashSet<Holder>,
    /// Booked ones by the close of their check-in window (rule 4).
    deadlines: BTreeSet<(Timestamp, String)>,
    reminders: BTreeSet<(Timestamp, String)>,
    /// Checked-in tickets waiting that have not yet been told they are near their turn.
    near: HashSet<TicketId>,
}

impl Bookings {
    fn insert(&mut self, b: Booking) {
        if b.status != BookingStatus::Cancelled {
            *self.taken.entry(b.seat()).or_default() += 1;
        }
        if b.is_active() {
            self.active.insert(b.holder());
        }
        if b.status == BookingStatus::Booked {
            self.deadlines.insert((b.window.until, b.code.clone()));
            if let Some(at) = b.remind_at {
                self.reminders.insert((at, b.code.clone()));
            }
        }
        self.all.insert(b.code.clone(), b);
    }

    fn remove(&mut self, code: &str) -> Option<Booking> {
        let b = self.all.remove(code)?;
        if b.status != BookingStatus::Cancelled
            && let Some(n) = self.taken.get_mut(&b.seat())
        {
            *n = n.saturating_sub(1);
        }
        if b.is_active() {
            self.active.remove(&b.holder());
        }
        self.deadlines.remove(&(b.window.until, b.code.clone()));
        if let Some(at) = b.remind_at {
            self.reminders.remove(&(at, b.code.clone()));
        }
        Some(b)
    }

    pub fn get(&self, code: &str) -> Option<&Booking> {
        self.all.get(code)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Booking> {
        self.all.values()
    }

    pub fn taken(&self, service: &str, day: Date, start_min: Option<u16>) -> u32 {
        self.taken
            .get(&(service.to_string(), day, start_min))
            .copied()
            .unwrap_or(0)
    }
}

impl Engine {
    pub fn bookings(&self) -> &Bookings {
        &self.bookings
    }

    pub fn booking(&self, code: &str) -> Option<&Booking> {
        self.bookings.get(code)
    }

    /// Takes back stored bookings at start (and after a failed commit), after the
    /// tickets. A checked-in ticket still further from its turn than `[notify] ahead`
    /// will be told when it comes near; one already that near is taken as told.
    pub fn restore_bookings(&mut self, bookings: Vec<Booking>) {
        for b in bookings {
            self.bookings.insert(b);
        }
        let limit = self.site.notices.ahead;
        if limit == 0 {
            return;
        }
        let far: Vec<TicketId> = self
            .tickets
            .values()
            .filter(|t| t.booking.is_some())
            .filter(|t| self.ahead_of(t.id).is_some_and(|a| a > limit))
            .map(|t| t.id)
            .collect();
        self.bookings.near.extend(far);
    }

    fn rules_of(&self, service: &str) -> Result<(&Service, &BookingRules), DomainError> {
        let service = self
            .site
            .service(service)
            .ok_or(DomainError::ServiceNotFound)?;
        let rules = service.booking.as_deref().ok_or(DomainError::NotBookable)?;
        Ok((service, rules))
    }

    /// Whether a session of `date` may be booked now; its window and cut-off if so.
    fn bookable(
        &self,
        service: &str,
        date: Date,
        start_min: u16,
        now: Timestamp,
    ) -> Result<(u16, Window, Timestamp), DomainError> {
        let (service, rules) = self.rules_of(service)?;
        let tz = &self.site.timezone;
        if !rules.within_reach(self.day, date) {
            return Err(DomainError::OutsideWindow {
                days_ahead: rules.days_ahead,
            });
        }
        if let Some(holiday) = self.site.holiday(date, &service.code) {
            return Err(DomainError::ClosedDay {
                holiday: Some(holiday.name.clone()),
            });
        }
        if rules.sessions(date).is_empty() {
            return Err(DomainError::ClosedDay { holiday: None });
        }
        let session = rules
            .session(date, start_min)
            .ok_or(DomainError::NoSession)?;
        let opens_at = rules.opens_at(date, tz);
        if now < opens_at {
            return Err(DomainError::NotOpenYet {
                opens_at: self.format_time(opens_at),
            });
        }
        let window = rules.window(date, &session, tz);
        if now >= window.until {
            return Err(DomainError::SessionStarted);
        }
        if self.bookings.taken(&service.code, date, Some(start_min)) >= session.quota {
            return Err(DomainError::QuotaFull);
        }
        let change_until = rules.change_until(date, &session, tz);
        Ok((session.end_min, window, change_until))
    }

    /// Whether every seat of a session is taken.
    pub fn session_full(&self, service: &str, date: Date, start_min: u16) -> bool {
        let quota = self
            .site
            .service(service)
            .and_then(|s| s.booking.as_deref())
            .and_then(|r| r.session(date, start_min))
            .map(|s| s.quota);
        quota.is_some_and(|q| self.bookings.taken(service, date, Some(start_min)) >= q)
    }

    /// When to remind the holder of a session: none when it would be at once.
    fn remind_at(&self, date: Date, start_min: u16, now: Timestamp) -> Option<Timestamp> {
        let before = self.site.notices.reminder_min;
        let start = at_minute(date, start_min, &self.site.timezone);
        let at = start - SignedDuration::from_mins(i64::from(before));
        (before > 0 && at > now).then_some(at)
    }

    pub(super) fn book(&mut self, book: Book, now: Timestamp, out: &mut Vec<Change>) -> Handled {
        let (service, rules) = self.rules_of(&book.service)?;
        let (end_min, window, change_until, remind_at) = match book.start_min {
            Some(start) => {
                let (end, window, change_until) =
                    self.bookable(&book.service, book.date, start, now)?;
                (
                    Some(end),
                    window,
                    change_until,
                    self.remind_at(book.date, start, now),
                )
            }
            None => {
                if rules.remote_quota == 0 {
                    return Err(DomainError::NotBookable);
                }
                if book.date != self.day {
                    return Err(DomainError::OutsideWindow { days_ahead: 0 });
                }
                self.issuing_now(service, now)?;
                if self.bookings.taken(&service.code, self.day, None) >= rules.remote_quota {
                    return Err(DomainError::QuotaFull);
                }
                let window = rules.remote_window(now);
                (None, window, window.until, None)
            }
        };
        if self
            .bookings
            .active
            .contains(&(book.nik_hash.clone(), book.service.clone(), book.date))
        {
            return Err(DomainError::AlreadyBooked);
        }
        if self.bookings.all.contains_key(&book.code) {
            return Err(DomainError::CodeTaken);
        }
        let booking = Booking {
            code: book.code.clone(),
            service: book.service,
            day: book.date,
            start_min: book.start_min,
            end_min,
            status: BookingStatus::Booked,
            nik_hash: book.nik_hash,
            nik_last4: book.nik_last4,
            name: book.name,
            phone: book.phone,
            manage_digest: book.manage_digest,
            booked_at: now,
            window,
            change_until,
            remind_at,
            rescheduled: false,
            checked_in_at: None,
            ticket: None,
            ended_at: None,
        };
        out.push(booking_change(EventKind::BookingMade, booking.record()));
        self.bookings.insert(booking);
        Ok(Affected::Booking(book.code))
    }

    /// A booking still waiting for its check-in.
    fn waiting_booking(&self, code: &str) -> Result<&Booking, DomainError> {
        let b = self
            .bookings
            .get(code)
            .ok_or(DomainError::BookingNotFound)?;
        if b.status != BookingStatus::Booked {
            return Err(DomainError::NotActive);
        }
        Ok(b)
    }

    /// Cancels a booking: by its holder until the cut-off (`by` none), by staff until
    /// it is checked in (rule 5).
    pub(super) fn cancel_booking(
        &mut self,
        code: &str,
        by: Option<String>,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
        let b = self.waiting_booking(code)?;
        if by.is_none() && now >= b.change_until {
            return Err(DomainError::TooLateToChange);
        }
        let mut b = self.bookings.remove(code).expect("found above");
        b.status = BookingStatus::Cancelled;
        b.ended_at = Some(now);
        b.remind_at = None;
        out.push(booking_change(EventKind::BookingCancelled, b.record()).by(by));
        self.bookings.insert(b);
        Ok(Affected::Booking(code.to_string()))
    }

    /// Moves a booking to another session, once, until the cut-off (rule 5).
    pub(super) fn reschedule(
        &mut self,
        code: &str,
        date: Date,
        start_min: u16,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
        let b = self.waiting_booking(code)?;
        if b.start_min.is_none() {
            return Err(DomainError::InvalidState);
        }
        if b.rescheduled {
            return Err(DomainError::AlreadyRescheduled);
        }
        if now >= b.change_until {
            return Err(DomainError::TooLateToChange);
        }
        if b.day == date && b.start_min == Some(start_min) {
            return Err(DomainError::InvalidState);
        }
        if b.day != date
            && self
                .bookings
                .active
                .contains(&(b.nik_hash.clone(), b.service.clone(), date))
        {
            return Err(DomainError::AlreadyBooked);
        }
        let service = b.service.clone();
        let (end, window, change_until) = self.bookable(&service, date, start_min, now)?;
        let remind_at = self.remind_at(date, start_min, now);
        let mut b = self.bookings.remove(code).expect("found above");
        let moved_from = format!("{} {}", b.day, b.start_min.map(hh_mm).unwrap_or_default());
        b.day = date;
        b.start_min = Some(start_min);
        b.end_min = Some(end);
        b.window = window;
        b.change_until = change_until;
        b.remind_at = remind_at;
        b.rescheduled = true;
        let mut record = b.record();
        record.moved_from = Some(moved_from);
        out.push(booking_change(EventKind::BookingRescheduled, record));
        self.bookings.insert(b);
        Ok(Affected::Booking(code.to_string()))
    }

    /// Checks a booking in: it becomes a ticket at its place in line (rule 3, and the
    /// policy's rule 7).
    pub(super) fn check_in(
        &mut self,
        code: &str,
        kiosk: Option<String>,
        by: Option<String>,
        track_token: String,
        now: Timestamp,
        out: &mut Vec<Change>,
    ) -> Handled {
        let b = self
            .bookings
            .get(code)
            .ok_or(DomainError::BookingNotFound)?;
        match b.status {
            BookingStatus::Booked => {}
            BookingStatus::CheckedIn => return Err(DomainError::AlreadyCheckedIn),
            BookingStatus::Cancelled | BookingStatus::NoShow => {
                return Err(DomainError::NotActive);
            }
        }
        if !b.window.contains(now) {
            return Err(DomainError::CheckInClosed {
                from: self.format_time(b.window.from),
                until: self.format_time(b.window.until),
            });
        }
        if let Some(kiosk) = &kiosk
            && !self.site.kiosks.iter().any(|k| &k.code == kiosk)
        {
            return Err(DomainError::KioskNotFound);
        }
        let service = self
            .site
            .service(&b.service)
            .ok_or(DomainError::ServiceNotFound)?;
        let session_start = b
            .start_min
            .map(|start| at_minute(b.day, start, &self.site.timezone));
        let place = policy::place_in_line(session_start, b.booked_at);
        let prefix = service.prefix.clone();
        let number = self.issued_today(service) + 1;
        let id = self.next_id;
        self.next_id += 1;
        self.last_number.insert(prefix.clone(), number);
        *self.booked_today.entry(prefix.clone()).or_default() += 1;
        let mut b = self.bookings.remove(code).expect("found above");
        b.status = BookingStatus::CheckedIn;
        b.checked_in_at = Some(now);
        b.ticket = Some(id);
        b.remind_at = None;
        let ticket = Ticket {
            id,
            day: self.day,
            prefix,
            number,
            service: b.service.clone(),
            priority: None,
            status: antre_protocol::TicketStatus::Waiting,
            issued_at: now,
            line_at: Some(place),
            booking: Some(code.to_string()),
            counter: None,
            called_at: None,
            started_at: None,
            finished_at: None,
            recalls: 0,
            transfers: 0,
            kiosk,
            track_token,
            idempotency_key: None,
            note: None,
            surveyed: false,
        };
        out.push(booking_change(EventKind::BookingCheckedIn, b.record()).by(by));
        self.bookings.insert(b);
        self.admit(ticket);
        let near = self.site.notices.ahead;
        if near > 0 && self.ahead_of(id).is_some_and(|a| a > near) {
            self.bookings.near.insert(id);
        }
        out.push(Change::ticket(EventKind::TicketIssued, id, None));
        Ok(Affected::Ticket(id))
    }

    /// Bookings whose time came: reminders due, and no-shows when the window closed
    /// without a check-in (rule 4). Run before each batch of commands.
    pub(super) fn booking_clock(&mut self, now: Timestamp) -> Vec<Change> {
        let mut changes = Vec::new();
        while let Some((at, code)) = self.bookings.reminders.first().cloned() {
            if at > now {
                break;
            }
            let mut b = self.bookings.remove(&code).expect("indexed bookings exist");
            b.remind_at = None;
            changes.push(booking_change(EventKind::BookingReminder, b.record()));
            self.bookings.insert(b);
        }
        while let Some((until, code)) = self.bookings.deadlines.first().cloned() {
            if until > now {
                break;
            }
            let mut b = self.bookings.remove(&code).expect("indexed bookings exist");
            b.status = BookingStatus::NoShow;
            b.ended_at = Some(now);
            b.remind_at = None;
            changes.push(booking_change(EventKind::BookingNoShow, b.record()));
            self.bookings.insert(b);
        }
        changes
    }

    /// Forgets bookings of past days that are settled: history lives in the database.
    pub(super) fn forget_past_bookings(&mut self) {
        let today = self.day;
        let settled: Vec<String> = self
            .bookings
            .all
            .values()
            .filter(|b| b.day < today && b.status != BookingStatus::Booked)
            .map(|b| b.code.clone())
            .collect();
        for code in settled {
            self.bookings.remove(&code);
        }
    }

    /// Tells checked-in visitors when few are ahead of them (`[notify] ahead`).
    pub(super) fn near_turn(&mut self, out: &mut Vec<Change>) {
        if self.bookings.near.is_empty() {
            return;
        }
        let limit = self.site.notices.ahead;
        let mut near: Vec<(TicketId, u32)> = Vec::new();
        let mut gone: Vec<TicketId> = Vec::new();
        for &id in &self.bookings.near {
            match self.ahead_of(id) {
                Some(ahead) if ahead <= limit => near.push((id, ahead)),
                Some(_) => {}
                None => gone.push(id),
            }
        }
        near.sort_unstable();
        for id in gone {
            self.bookings.near.remove(&id);
        }
        for (id, ahead) in near {
            self.bookings.near.remove(&id);
            out.push(
                Change::ticket(EventKind::TicketNear, id, None).with(EventDetail {
                    ahead: Some(ahead),
                    booking: self
                        .tickets
                        .get(&id)
                        .and_then(|t| t.booking.as_deref())
                        .and_then(|c| self.bookings.get(c))
                        .map(Booking::record),
                    ..EventDetail::default()
                }),
            );
        }
    }

    /// People ahead of a waiting ticket; none when it no longer waits.
    fn ahead_of(&self, id: TicketId) -> Option<u32> {
        let t = self.tickets.get(&id)?;
        if t.status != antre_protocol::TicketStatus::Waiting {
            return None;
        }
        self.lanes
            .get(&t.service)
            .map(|l| l.ahead_of(t.priority.is_some(), t.place(), id))
    }

    /// The booking as its holder sees it (`holder`: with the ticket's track token).
    pub fn booking_view(&self, b: &Booking, holder: bool) -> wire::Booking {
        let service = self.site.service(&b.service);
        let ticket = b.ticket.and_then(|id| self.tickets.get(&id));
        let ahead = (b.status == BookingStatus::Booked && b.start_min.is_none()).then(|| {
            self.lanes
                .get(&b.service)
                .map_or(0, |l| l.ahead_of(false, b.booked_at, 0))
        });
        wire::Booking {
            code: display_code(&b.code),
            manage_token: None,
            service: b.service.clone(),
            service_name: service.map(|s| s.name.clone()).unwrap_or_default(),
            service_name_en: service.map(|s| s.name_en.clone()).unwrap_or_default(),
            agency: service.map(|s| s.agency.clone()).unwrap_or_default(),
            date: b.day.to_string(),
            start: b.start_min.map(hh_mm),
            end: b.end_min.map(hh_mm),
            remote: b.start_min.is_none(),
            status: b.status,
            name: b.name.clone(),
            nik_last4: b.nik_last4.clone(),
            phone: mask_phone(&b.phone),
            booked_at: self.format_time(b.booked_at),
            check_in_from: self.format_time(b.window.from),
            check_in_until: self.format_time(b.window.until),
            change_until: self.format_time(b.change_until),
            rescheduled: b.rescheduled,
            ticket: ticket.map(|t| wire::BookingTicket {
                number: t.label(),
                status: t.status,
                track_token: holder.then(|| t.track_token.clone()),
            }),
            ahead,
        }
    }

    /// Whether walk-in tickets of the service are refused now: an online-only session
    /// runs.
    pub(super) fn online_only_now(&self, service: &Service, now: Timestamp) -> bool {
        let Some(rules) = service.booking.as_deref() else {
            return false;
        };
        let local = now.to_zoned(self.site.timezone.clone());
        let minute = i32::from(local.hour()) * 60 + i32::from(local.minute());
        let minute = u16::try_from(minute).unwrap_or(0);
        rules.online_only_at(local.date(), minute)
    }
}

fn booking_change(kind: EventKind, record: BookingRecord) -> Change {
    Change {
        kind,
        ticket: None,
        counter: None,
        detail: EventDetail {
            booking: Some(record),
            ..EventDetail::default()
        },
    }
}

impl Change {
    fn by(mut self, by: Option<String>) -> Change {
        self.detail.by = by;
        self
    }
}

/// `ACDEFHJK` → `ACDE-FHJK`, as people read and type it.
pub fn display_code(code: &str) -> String {
    if code.len() == 8 {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

/// `6281234567890` → `0812****7890`: enough for the holder to recognise it.
pub fn mask_phone(phone: &str) -> String {
    let local = phone
        .strip_prefix("62")
        .map_or_else(|| phone.to_string(), |rest| format!("0{rest}"));
    let n = local.chars().count();
    if n <= 8 {
        return local;
    }
    local
        .chars()
        .enumerate()
        .map(|(i, c)| if i >= 4 && i < n - 4 { '*' } else { c })
        .collect()
}
