//! The two languages of every officer-facing text: Bahasa Indonesia first, English
//! beside it.

use antre_protocol::TicketStatus;

/// The language the screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn toggle(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// Picks the text of this language.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    /// The server's messages are `"Indonesian / English"`: this language's half.
    pub fn half(self, message: &str) -> &str {
        match message.split_once(" / ") {
            Some((id, en)) => self.pick(id.trim(), en.trim()),
            None => message,
        }
    }
}

/// Seconds as the screen shows a duration: `4:05`, or `1:02:03` past an hour.
pub fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// An estimated wait in whole minutes, as people say it.
pub fn minutes(lang: Lang, seconds: u32) -> String {
    let m = seconds.div_ceil(60);
    match lang {
        Lang::Id => format!("±{m} mnt"),
        Lang::En => format!("~{m} min"),
    }
}

/// A ticket's status in words.
pub fn ticket_status(lang: Lang, status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Waiting => lang.pick("menunggu", "waiting"),
        TicketStatus::Called => lang.pick("dipanggil", "called"),
        TicketStatus::Serving => lang.pick("dilayani", "serving"),
        TicketStatus::Held => lang.pick("ditahan", "on hold"),
        TicketStatus::Done => lang.pick("selesai", "done"),
        TicketStatus::NoShow => lang.pick("tidak hadir", "no-show"),
        TicketStatus::Cancelled => lang.pick("batal", "cancelled"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages_are_split_by_language() {
        let m = "Loket belum dibuka. / The counter is not open.";
        assert_eq!(Lang::Id.half(m), "Loket belum dibuka.");
        assert_eq!(Lang::En.half(m), "The counter is not open.");
        assert_eq!(Lang::En.half("plain"), "plain");
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(clock(65), "1:05");
        assert_eq!(clock(3723), "1:02:03");
        assert_eq!(clock(-3), "0:00");
        assert_eq!(minutes(Lang::Id, 61), "±2 mnt");
    }
}
