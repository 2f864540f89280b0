//! Why the engine refuses a command.

/// A refused command. The engine changes nothing when it answers with one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("unknown service")]
    ServiceNotFound,
    #[error("unknown counter")]
    CounterNotFound,
    #[error("unknown ticket")]
    TicketNotFound,
    #[error("unknown kiosk")]
    KioskNotFound,
    #[error("today's quota for the service is used up")]
    QuotaFull,
    #[error("the service is closed now")]
    ServiceClosed {
        opens_at: Option<String>,
        /// The holiday it is closed for.
        holiday: Option<String>,
    },
    #[error("the counter is closed")]
    CounterClosed,
    #[error("the counter is on a break")]
    CounterPaused,
    #[error("the counter is open for officer {officer}")]
    CounterInUse { officer: String },
    #[error("the counter was opened by another officer")]
    NotYourCounter,
    #[error("the counter is still handling a ticket")]
    CounterBusy,
    #[error("the counter has no active ticket")]
    NoActiveTicket,
    #[error("the counter does not serve that ticket's service")]
    ServiceNotServed,
    #[error("the ticket cannot do that in its current state")]
    InvalidState,
    #[error("transfer to the service the ticket is already in")]
    SameService,
    #[error("the no-show grace period is over")]
    GraceExpired,
    #[error("the idempotency key was used for another request")]
    IdempotencyConflict,
    #[error("an out-of-order call needs a reason")]
    ReasonRequired,
    #[error("service {service} still has {tickets} tickets that may be served")]
    ServiceInUse { service: String, tickets: usize },
    #[error("counter {counter} is open")]
    CounterOpen { counter: String },
    #[error("the configuration is at version {current}")]
    VersionConflict { current: u64 },
    #[error("the ticket has not been served")]
    NotServed,
    #[error("the survey for this ticket was already answered")]
    AlreadyAnswered,
    #[error("the service takes no bookings")]
    NotBookable,
    #[error("the day is outside the days that may be booked")]
    OutsideWindow { days_ahead: u32 },
    #[error("the service is closed that day")]
    ClosedDay { holiday: Option<String> },
    #[error("no session starts then")]
    NoSession,
    #[error("the session's seats are released at {opens_at}")]
    NotOpenYet { opens_at: String },
    #[error("the session's check-in has closed")]
    SessionStarted,
    #[error("this NIK already has a booking for the service that day")]
    AlreadyBooked,
    #[error("the booking code is taken")]
    CodeTaken,
    #[error("unknown booking")]
    BookingNotFound,
    #[error("the booking is no longer active")]
    NotActive,
    #[error("the booking can no longer be changed")]
    TooLateToChange,
    #[error("the booking was already moved once")]
    AlreadyRescheduled,
    #[error("the booking is already checked in")]
    AlreadyCheckedIn,
    #[error("check-in is open from {from} until {until}")]
    CheckInClosed { from: String, until: String },
    #[error("only booked visitors are served now")]
    OnlineOnly,
}

impl DomainError {
    /// Stable code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::ServiceNotFound => "service_not_found",
            DomainError::CounterNotFound => "counter_not_found",
            DomainError::TicketNotFound => "ticket_not_found",
            DomainError::KioskNotFound => "kiosk_not_found",
            DomainError::QuotaFull => "quota_full",
            DomainError::ServiceClosed { .. } => "service_closed",
            DomainError::CounterClosed => "counter_closed",
            DomainError::CounterPaused => "counter_paused",
            DomainError::CounterInUse { .. } => "counter_in_use",
            DomainError::NotYourCounter => "counter_not_yours",
            DomainError::CounterBusy => "counter_busy",
            DomainError::NoActiveTicket => "no_active_ticket",
            DomainError::ServiceNotServed => "service_not_served",
            DomainError::InvalidState => "invalid_state",
            DomainError::SameService => "same_service",
            DomainError::GraceExpired => "grace_expired",
            DomainError::IdempotencyConflict => "idempotency_conflict",
            DomainError::ReasonRequired => "reason_required",
            DomainError::ServiceInUse { .. } => "service_in_use",
            DomainError::CounterOpen { .. } => "counter_open",
            DomainError::VersionConflict { .. } => "version_conflict",
            DomainError::NotServed => "not_served",
            DomainError::AlreadyAnswered => "already_answered",
            DomainError::NotBookable => "not_bookable",
            DomainError::OutsideWindow { .. } => "outside_window",
            DomainError::ClosedDay { .. } => "closed_day",
            DomainError::NoSession => "no_session",
            DomainError::NotOpenYet { .. } => "not_open_yet",
            DomainError::SessionStarted => "session_started",
            DomainError::AlreadyBooked => "already_booked",
            DomainError::CodeTaken => "code_taken",
            DomainError::BookingNotFound => "booking_not_found",
            DomainError::NotActive => "not_active",
            DomainError::TooLateToChange => "too_late_to_change",
            DomainError::AlreadyRescheduled => "already_rescheduled",
            DomainError::AlreadyCheckedIn => "already_checked_in",
            DomainError::CheckInClosed { .. } => "check_in_closed",
            DomainError::OnlineOnly => "online_only",
        }
    }

    /// What people read: Bahasa Indonesia, then English.
    pub fn message(&self) -> String {
        let (id, en) = match self {
            DomainError::ServiceNotFound => ("Layanan tidak ditemukan.", "Service not found."),
            DomainError::CounterNotFound => ("Loket tidak ditemukan.", "Counter not found."),
            DomainError::TicketNotFound => ("Tiket tidak ditemukan.", "Ticket not found."),
            DomainError::KioskNotFound => ("Kios tidak dikenal.", "Unknown kiosk."),
            DomainError::QuotaFull => ("Kuota hari ini habis.", "Today's quota is used up."),
            DomainError::ServiceClosed {
                holiday: Some(name),
                ..
            } => {
                return format!("Tutup — {name}. / Closed today: {name}.");
            }
            DomainError::ServiceClosed {
                opens_at: Some(t), ..
            } => {
                return format!(
                    "Layanan sedang tutup, buka pukul {t}. / The service is closed; it opens at {t}."
                );
            }
            DomainError::ServiceClosed { opens_at: None, .. } => {
                ("Layanan sedang tutup.", "The service is closed now.")
            }
            DomainError::CounterClosed => ("Loket belum dibuka.", "The counter is not open."),
            DomainError::CounterPaused => ("Loket sedang istirahat.", "The counter is on a break."),
            DomainError::CounterInUse { officer } => {
                return format!(
                    "Loket sedang dibuka oleh {officer}; ambil alih bila Anda menggantikannya. / \
                     {officer} has this counter open; take it over if you are relieving them."
                );
            }
            DomainError::NotYourCounter => (
                "Loket ini dibuka oleh petugas lain.",
                "This counter was opened by another officer.",
            ),
            DomainError::CounterBusy => (
                "Selesaikan dulu tiket yang sedang dilayani.",
                "Finish the current ticket first.",
            ),
            DomainError::NoActiveTicket => (
                "Tidak ada tiket yang sedang dipanggil atau dilayani.",
                "No ticket is being called or served.",
            ),
            DomainError::ServiceNotServed => (
                "Loket ini tidak melayani layanan tersebut.",
                "This counter does not serve that service.",
            ),
            DomainError::InvalidState => (
                "Tindakan ini tidak berlaku untuk status tiket sekarang.",
                "That action does not apply to the ticket's current status.",
            ),
            DomainError::SameService => (
                "Tiket sudah berada di layanan tersebut.",
                "The ticket is already in that service.",
            ),
            DomainError::GraceExpired => (
                "Batas waktu pemulihan tiket sudah lewat.",
                "The time to reinstate the ticket has passed.",
            ),
            DomainError::IdempotencyConflict => (
                "Idempotency-Key sudah dipakai untuk permintaan lain.",
                "The Idempotency-Key was already used for another request.",
            ),
            DomainError::ReasonRequired => (
                "Panggilan di luar urutan memerlukan alasan.",
                "An out-of-order call needs a reason.",
            ),
            DomainError::ServiceInUse { service, tickets } => {
                return format!(
                    "Layanan {service} masih memiliki {tickets} tiket yang menunggu atau sedang dilayani; \
                     alihkan atau batalkan dulu. / Service {service} still has {tickets} tickets waiting \
                     or being served; transfer or cancel them first."
                );
            }
            DomainError::CounterOpen { counter } => {
                return format!(
                    "Loket {counter} masih buka; tutup dulu. / Counter {counter} is still open; close it first."
                );
            }
            DomainError::NotServed => (
                "Survei dapat diisi setelah layanan Anda selesai.",
                "The survey can be answered once your visit is done.",
            ),
            DomainError::AlreadyAnswered => (
                "Survei untuk tiket ini sudah diisi. Terima kasih.",
                "The survey for this ticket was already answered. Thank you.",
            ),
            DomainError::NotBookable => (
                "Layanan ini tidak menerima booking.",
                "This service takes no bookings.",
            ),
            DomainError::OutsideWindow { days_ahead } => {
                return format!(
                    "Booking hanya untuk hari ini sampai {days_ahead} hari ke depan. / \
                     Bookings are for today up to {days_ahead} days ahead."
                );
            }
            DomainError::ClosedDay {
                holiday: Some(name),
            } => {
                return format!("Tutup pada hari itu — {name}. / Closed that day: {name}.");
            }
            DomainError::ClosedDay { holiday: None } => (
                "Tidak ada sesi layanan pada hari itu.",
                "The service has no sessions that day.",
            ),
            DomainError::NoSession => (
                "Tidak ada sesi yang dimulai pada jam itu.",
                "No session starts at that time.",
            ),
            DomainError::NotOpenYet { opens_at } => {
                let (day, time) = day_and_time(opens_at);
                return format!(
                    "Kuota sesi ini dibuka {day} pukul {time}. / \
                     This session's seats are released on {day} at {time}."
                );
            }
            DomainError::SessionStarted => (
                "Sesi ini sudah berjalan; pilih sesi lain.",
                "This session is under way; choose another.",
            ),
            DomainError::AlreadyBooked => (
                "NIK ini sudah memiliki booking untuk layanan ini pada hari yang sama.",
                "This NIK already has a booking for this service that day.",
            ),
            DomainError::CodeTaken => (
                "Kode booking bentrok; coba lagi.",
                "The booking code clashed; try again.",
            ),
            DomainError::BookingNotFound => ("Booking tidak ditemukan.", "Booking not found."),
            DomainError::NotActive => (
                "Booking ini sudah dibatalkan atau hangus.",
                "This booking was cancelled or has lapsed.",
            ),
            DomainError::TooLateToChange => (
                "Booking tidak dapat diubah atau dibatalkan lagi menjelang sesinya.",
                "The booking can no longer be changed or cancelled this close to its session.",
            ),
            DomainError::AlreadyRescheduled => (
                "Booking hanya dapat dipindah satu kali.",
                "A booking can be moved only once.",
            ),
            DomainError::AlreadyCheckedIn => (
                "Booking ini sudah check-in.",
                "This booking is already checked in.",
            ),
            DomainError::CheckInClosed { from, until } => {
                let (day, from) = day_and_time(from);
                let (_, until) = day_and_time(until);
                return format!(
                    "Check-in dibuka {day} pukul {from} sampai {until}. / \
                     Check-in is open on {day} from {from} until {until}."
                );
            }
            DomainError::OnlineOnly => (
                "Saat ini layanan ini hanya untuk pemesan online (booking).",
                "This service serves booked visitors only at this time.",
            ),
            DomainError::VersionConflict { current } => {
                return format!(
                    "Konfigurasi sudah diubah orang lain (kini versi {current}); muat ulang lalu ulangi. \
                     / Someone else changed the configuration (now version {current}); reload and \
                     try again."
                );
            }
        };
        format!("{id} / {en}")
    }
}

/// `2026-12-01T08:30:00+08:00` → (`2026-12-01`, `08:30`).
fn day_and_time(rfc3339: &str) -> (&str, &str) {
    (
        rfc3339.get(..10).unwrap_or(rfc3339),
        rfc3339.get(11..16).unwrap_or(""),
    )
}
