//! What a message says: its kinds, the built-in texts in Bahasa Indonesia and English,
//! and [`compose`], which turns one event's message into the outbox rows of every
//! enabled channel.
//!
//! Texts are rendered once, when the message is made, and stored with the values they
//! were made from: a later change of templates or of the site never changes what a
//! waiting message says, and a retry sends exactly what the first try did.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::store::outbox::Composed;

use super::settings::NotifyConfig;

/// The variables a template may use.
pub const VARIABLES: [&str; 12] = [
    "code",
    "name",
    "service",
    "service_en",
    "date",
    "start",
    "end",
    "number",
    "counter",
    "ahead",
    "site",
    "link",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// A booking was made (or moved): its code, day and session.
    BookingConfirmed,
    /// The booked session starts soon (`reminder_min`).
    Reminder,
    /// The booking became a ticket at the kiosk (or from the phone).
    CheckedIn,
    /// Only a few are ahead of the booked ticket now (`ahead`).
    Ahead,
    /// The ticket is called to a counter.
    Called,
    /// The ticket was called and nobody came (no-show).
    Missed,
    /// The booking was cancelled.
    Cancelled,
}

impl MessageKind {
    pub const ALL: [MessageKind; 7] = [
        MessageKind::BookingConfirmed,
        MessageKind::Reminder,
        MessageKind::CheckedIn,
        MessageKind::Ahead,
        MessageKind::Called,
        MessageKind::Missed,
        MessageKind::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::BookingConfirmed => "booking_confirmed",
            MessageKind::Reminder => "reminder",
            MessageKind::CheckedIn => "checked_in",
            MessageKind::Ahead => "ahead",
            MessageKind::Called => "called",
            MessageKind::Missed => "missed",
            MessageKind::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The built-in text in Bahasa Indonesia.
    pub fn default_id(self) -> &'static str {
        match self {
            MessageKind::BookingConfirmed => {
                "Halo {name}, booking {service} di {site} sudah tercatat: {date} pukul {start}–{end}. \
                 Kode booking: {code}. Tunjukkan kode ini di kios untuk check-in. \
                 Ubah atau batalkan: {link}"
            }
            MessageKind::Reminder => {
                "Pengingat: booking {service} Anda di {site} pada {date} pukul {start}. \
                 Kode booking: {code}. Silakan check-in di kios setibanya."
            }
            MessageKind::CheckedIn => {
                "Check-in berhasil. Nomor antrean Anda {number} untuk {service}. \
                 Mohon menunggu panggilan. Pantau antrean: {link}"
            }
            MessageKind::Ahead => {
                "Nomor {number}: tinggal {ahead} orang lagi sebelum giliran Anda di {service}. \
                 Mohon bersiap di dekat loket."
            }
            MessageKind::Called => "Nomor {number}, silakan menuju loket {counter} sekarang.",
            MessageKind::Missed => {
                "Nomor {number} sudah dipanggil ke loket {counter}, tetapi Anda belum hadir. \
                 Silakan hubungi petugas di {site}."
            }
            MessageKind::Cancelled => {
                "Booking {code} untuk {service} pada {date} pukul {start} telah dibatalkan."
            }
        }
    }

    /// The built-in text in English.
    pub fn default_en(self) -> &'static str {
        match self {
            MessageKind::BookingConfirmed => {
                "Hello {name}, your {service_en} booking at {site} is confirmed: {date}, {start}–{end}. \
                 Booking code: {code}. Show this code at the kiosk to check in. \
                 Change or cancel: {link}"
            }
            MessageKind::Reminder => {
                "Reminder: your {service_en} booking at {site} is on {date} at {start}. \
                 Booking code: {code}. Please check in at the kiosk when you arrive."
            }
            MessageKind::CheckedIn => {
                "Checked in. Your queue number is {number} for {service_en}. \
                 Please wait to be called. Follow the queue: {link}"
            }
            MessageKind::Ahead => {
                "Number {number}: {ahead} more before your turn at {service_en}. \
                 Please stay near the counters."
            }
            MessageKind::Called => "Number {number}, please go to counter {counter} now.",
            MessageKind::Missed => {
                "Number {number} was called to counter {counter}, but you did not come. \
                 Please ask the staff at {site}."
            }
            MessageKind::Cancelled => {
                "Booking {code} for {service_en} on {date} at {start} has been cancelled."
            }
        }
    }

    /// The WhatsApp Cloud template's body parameters, `{{1}}`, `{{2}}`, … in this
    /// order: the templates `antre_<kind>` registered in WhatsApp Manager must use
    /// them so. A channel in English sends `service_en` where `service` stands.
    pub fn whatsapp_parameters(self) -> &'static [&'static str] {
        match self {
            MessageKind::BookingConfirmed => &[
                "name", "service", "site", "date", "start", "end", "code", "link",
            ],
            MessageKind::Reminder => &["name", "service", "site", "date", "start", "code"],
            MessageKind::CheckedIn => &["number", "service", "link"],
            MessageKind::Ahead => &["number", "ahead", "service"],
            MessageKind::Called => &["number", "counter"],
            MessageKind::Missed => &["number", "counter", "site"],
            MessageKind::Cancelled => &["code", "service", "date", "start"],
        }
    }
}

impl std::fmt::Display for MessageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message to send, as the event that causes it sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub kind: MessageKind,
    /// The booking it concerns (its code), if any.
    pub booking: Option<String>,
    /// The phone number, international digits (`6281234567890`).
    pub recipient: String,
    /// The template variables' values (see [`VARIABLES`]).
    pub vars: BTreeMap<String, String>,
}

/// The message as stored in the outbox's `body` column: what every channel builds its
/// request from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredBody {
    pub kind: MessageKind,
    pub booking: Option<String>,
    pub to: String,
    pub text: String,
    pub text_en: String,
    pub vars: BTreeMap<String, String>,
}

/// The outbox rows of one message: one per enabled channel, texts rendered. `{site}`
/// is `site_code` unless the caller gives it.
pub fn compose(cfg: &NotifyConfig, site_code: &str, msg: &Outgoing) -> Vec<Composed> {
    let channels: Vec<_> = cfg.channels.iter().filter(|c| c.enabled).collect();
    if channels.is_empty() {
        return Vec::new();
    }
    let mut vars = msg.vars.clone();
    vars.entry("site".into())
        .or_insert_with(|| site_code.to_string());
    let own = cfg.templates.get(msg.kind.as_str());
    let id = own
        .and_then(|t| t.id.as_deref())
        .unwrap_or(msg.kind.default_id());
    let en = own
        .and_then(|t| t.en.as_deref())
        .unwrap_or(msg.kind.default_en());
    let body = StoredBody {
        kind: msg.kind,
        booking: msg.booking.clone(),
        to: msg.recipient.clone(),
        text: render(id, &vars),
        text_en: render(en, &vars),
        vars,
    };
    // A map of strings and plain fields always serialises.
    let json = serde_json::to_string(&body).unwrap_or_default();
    channels
        .into_iter()
        .map(|c| Composed {
            channel: c.name.clone(),
            kind: msg.kind.as_str().to_string(),
            booking: msg.booking.clone(),
            recipient: msg.recipient.clone(),
            text: body.text.clone(),
            text_en: body.text_en.clone(),
            body: json.clone(),
        })
        .collect()
}

/// The template with each `{variable}` replaced by its value; a variable without a
/// value becomes empty, and braces around anything but a variable name stay as they
/// are.
pub fn render(template: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match variable_at(after) {
            Some(name) => {
                if let Some(value) = vars.get(name) {
                    out.push_str(value);
                }
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The variable names a template uses, in order.
pub fn variables_in(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match variable_at(after) {
            Some(name) => {
                found.push(name);
                rest = &after[name.len() + 1..];
            }
            None => rest = after,
        }
    }
    found
}

/// The name of a variable whose `{` was just passed: letters, digits and `_` up to a
/// `}`.
fn variable_at(after: &str) -> Option<&str> {
    let end = after.find('}')?;
    let name = &after[..end];
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::settings::{ChannelConfig, ChannelKind, Template};

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn channel(name: &str, enabled: bool) -> ChannelConfig {
        ChannelConfig {
            name: name.into(),
            kind: ChannelKind::Webhook,
            url: "http://127.0.0.1:1/".into(),
            secret: Some("s".into()),
            token: None,
            enabled,
            language: "id".into(),
            to_field: None,
            text_field: None,
            token_field: None,
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        assert_eq!(MessageKind::parse("Called"), None);
    }

    #[test]
    fn built_in_texts_use_only_known_variables() {
        for k in MessageKind::ALL {
            for text in [k.default_id(), k.default_en()] {
                assert!(!text.is_empty());
                for v in variables_in(text) {
                    assert!(VARIABLES.contains(&v), "{k}: {{{v}}}");
                }
            }
            for p in k.whatsapp_parameters() {
                assert!(VARIABLES.contains(p), "{k}: {p}");
            }
            // Short enough for one WhatsApp notification preview and two SMS parts.
            assert!(k.default_id().len() < 300, "{k}");
        }
    }

    #[test]
    fn rendering() {
        let v = vars(&[("number", "A-012"), ("counter", "3")]);
        assert_eq!(
            render("Nomor {number}, loket {counter}.", &v),
            "Nomor A-012, loket 3."
        );
        // Unknown or missing: empty. Not a variable: kept.
        assert_eq!(render("a{unknown}b{ahead}c", &v), "abc");
        assert_eq!(render("{ {} {Number} {number", &v), "{ {} {Number} {number");
        assert_eq!(render("{{number}}", &v), "{A-012}");
        assert_eq!(render("é{number}ü", &v), "éA-012ü");
        assert_eq!(variables_in("{a} {B} {} {c_1}"), ["a", "c_1"]);
    }

    #[test]
    fn compose_makes_one_row_per_enabled_channel() {
        let mut cfg = NotifyConfig {
            channels: vec![
                channel("a", true),
                channel("off", false),
                channel("b", true),
            ],
            ..NotifyConfig::default()
        };
        cfg.templates.insert(
            "called".into(),
            Template {
                id: None,
                en: Some("{number} to {counter} at {site}; {link}".into()),
            },
        );
        let msg = Outgoing {
            kind: MessageKind::Called,
            booking: Some("ACDE-FH34".into()),
            recipient: "6281234567890".into(),
            vars: vars(&[("number", "A-012"), ("counter", "3")]),
        };
        let rows = compose(&cfg, "MPP-DEMO", &msg);
        assert_eq!(
            rows.iter().map(|r| r.channel.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        let r = &rows[0];
        assert_eq!(r.kind, "called");
        assert_eq!(r.booking.as_deref(), Some("ACDE-FH34"));
        assert_eq!(r.recipient, "6281234567890");
        assert_eq!(r.text, "Nomor A-012, silakan menuju loket 3 sekarang.");
        assert_eq!(r.text_en, "A-012 to 3 at MPP-DEMO; ");
        let body: StoredBody = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body.kind, MessageKind::Called);
        assert_eq!(body.to, "6281234567890");
        assert_eq!(body.text, r.text);
        assert_eq!(body.text_en, r.text_en);
        assert_eq!(body.vars["site"], "MPP-DEMO");
        let raw: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let mut keys: Vec<_> = raw.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["booking", "kind", "text", "text_en", "to", "vars"].map(String::from)
        );
        assert_eq!(rows[1].body, r.body);

        cfg.channels.clear();
        assert!(compose(&cfg, "MPP-DEMO", &msg).is_empty());
    }
}
