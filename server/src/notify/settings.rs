//! The `[notify]` section of the site config: when messages are made, the channels
//! they go out on, and the texts that replace the built-in ones.
//!
//! Parsing is strict like the rest of the config (unknown keys are errors), and
//! [`NotifyConfig::problems`] names every broken thing at once, channel by channel, so
//! an operator fixes a file in one pass instead of one error per start.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::message::{MessageKind, VARIABLES, variables_in};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Send the "N ahead" message when this many people are ahead of a booked ticket
    /// (0: never).
    #[serde(default = "default_ahead")]
    pub ahead: u32,
    /// Send the reminder this long before the booked session starts (0: never).
    #[serde(default = "default_reminder")]
    pub reminder_min: u32,
    #[serde(default)]
    pub channels: Vec<ChannelConfig>,
    /// Texts replacing the built-in ones, by message kind (`booking_confirmed`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, Template>,
}

/// Three: time enough to walk back from the canteen or the photocopy shop, close
/// enough that the visitor does not give up on the wait.
fn default_ahead() -> u32 {
    3
}

/// An hour: time to set off from home in most towns, short enough to be remembered.
fn default_reminder() -> u32 {
    60
}

impl Default for NotifyConfig {
    fn default() -> NotifyConfig {
        NotifyConfig {
            ahead: default_ahead(),
            reminder_min: default_reminder(),
            channels: Vec::new(),
            templates: BTreeMap::new(),
        }
    }
}

/// A site's own text for one message kind; a language left out keeps the built-in text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Bahasa Indonesia.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Signed JSON to a URL of the site's own (an app, a CRM, a gateway of its own).
    Webhook,
    /// Meta's WhatsApp Business Cloud API, with pre-approved templates.
    WhatsappCloud,
    /// A WhatsApp gateway taking a form POST (Fonnte, Wablas and the like).
    WaGateway,
    /// An SMS gateway taking a form POST (Zenziva and the like).
    Sms,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::WhatsappCloud => "whatsapp_cloud",
            ChannelKind::WaGateway => "wa_gateway",
            ChannelKind::Sms => "sms",
        }
    }

    /// Whether the channel posts a form (and so has field names).
    pub fn is_form(self) -> bool {
        matches!(self, ChannelKind::WaGateway | ChannelKind::Sms)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    /// Unique, `[a-z0-9_-]`: the outbox rows name their channel by it.
    pub name: String,
    pub kind: ChannelKind,
    pub url: String,
    /// Webhook: the HMAC-SHA256 key of the signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// WhatsApp Cloud: the Bearer token; gateways: their token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// A disabled channel keeps its settings; its messages are not made, and those
    /// already waiting fail (an administrator may retry them once it is back).
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// WhatsApp Cloud: the templates' language code (`id`, `en`, `en_US`); gateways:
    /// which text is sent (English for a code starting with `en`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Form gateways: the field carrying the phone number (default `target` for
    /// wa_gateway, `to` for sms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_field: Option<String>,
    /// Form gateways: the field carrying the text (default `message` for wa_gateway,
    /// `text` for sms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_field: Option<String>,
    /// Form gateways: send the token as this form field instead of the `Authorization`
    /// header (empty: the header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_field: Option<String>,
}

fn default_enabled() -> bool {
    true
}

/// Indonesian: the visitors of an MPP read it first.
fn default_language() -> String {
    "id".into()
}

impl ChannelConfig {
    /// The form field carrying the phone number.
    pub fn to_field(&self) -> &str {
        match self.to_field.as_deref() {
            Some(f) if !f.is_empty() => f,
            _ if self.kind == ChannelKind::Sms => "to",
            _ => "target",
        }
    }

    /// The form field carrying the text.
    pub fn text_field(&self) -> &str {
        match self.text_field.as_deref() {
            Some(f) if !f.is_empty() => f,
            _ if self.kind == ChannelKind::Sms => "text",
            _ => "message",
        }
    }

    /// The form field carrying the token, if it does not go in the header.
    pub fn token_field(&self) -> Option<&str> {
        self.token_field.as_deref().filter(|f| !f.is_empty())
    }

    /// Whether the channel's language is English rather than Indonesian.
    pub fn english(&self) -> bool {
        self.language.to_ascii_lowercase().starts_with("en")
    }
}

impl NotifyConfig {
    /// The channel of that name, if configured.
    pub fn channel(&self, name: &str) -> Option<&ChannelConfig> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// Everything wrong with the section, each named (empty: all is well).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for c in &self.channels {
            let who = format!("notify channel {:?}", c.name);
            if !valid_name(&c.name) {
                out.push(format!(
                    "{who}: a channel name is 1 to 32 of a-z, 0-9, '_' and '-'"
                ));
            }
            if !seen.insert(c.name.as_str()) {
                out.push(format!("{who} appears twice"));
            }
            match reqwest::Url::parse(&c.url) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {}
                _ => out.push(format!(
                    "{who}: url {:?} must be a full http:// or https:// address",
                    c.url
                )),
            }
            let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
            if c.kind == ChannelKind::Webhook && !given(&c.secret) {
                out.push(format!(
                    "{who}: a webhook needs a secret (the key its messages are signed with)"
                ));
            }
            if c.kind == ChannelKind::WhatsappCloud && !given(&c.token) {
                out.push(format!(
                    "{who}: whatsapp_cloud needs a token (the API's Bearer token)"
                ));
            }
            if c.kind != ChannelKind::Webhook && c.secret.is_some() {
                out.push(format!(
                    "{who}: only a webhook has a secret ({} takes a token)",
                    c.kind.as_str()
                ));
            }
            if !valid_language(&c.language) {
                out.push(format!(
                    "{who}: language {:?} must look like \"id\", \"en\" or \"en_US\"",
                    c.language
                ));
            }
            let fields = [
                ("to_field", &c.to_field),
                ("text_field", &c.text_field),
                ("token_field", &c.token_field),
            ];
            if c.kind.is_form() {
                for (key, value) in [("to_field", &c.to_field), ("text_field", &c.text_field)] {
                    if value.as_deref().is_some_and(|v| !valid_field(v)) {
                        out.push(format!(
                            "{who}: {key} {:?} must be a form field name (letters, digits, '_', '-', '.')",
                            value.as_deref().unwrap_or_default()
                        ));
                    }
                }
                if let Some(f) = c.token_field().filter(|f| !valid_field(f)) {
                    out.push(format!(
                        "{who}: token_field {f:?} must be a form field name (letters, digits, '_', '-', '.')"
                    ));
                }
                let names = [Some(c.to_field()), Some(c.text_field()), c.token_field()];
                let named: Vec<&str> = names.into_iter().flatten().collect();
                if named.iter().collect::<HashSet<_>>().len() != named.len() {
                    out.push(format!(
                        "{who}: to_field, text_field and token_field must differ"
                    ));
                }
                if c.token_field().is_some() && !given(&c.token) {
                    out.push(format!("{who}: token_field is set but there is no token"));
                }
            } else {
                for (key, value) in fields {
                    if value.is_some() {
                        out.push(format!(
                            "{who}: {key} is only for wa_gateway and sms channels"
                        ));
                    }
                }
            }
        }
        for (key, t) in &self.templates {
            if MessageKind::parse(key).is_none() {
                let known: Vec<&str> = MessageKind::ALL.iter().map(|k| k.as_str()).collect();
                out.push(format!(
                    "notify template {key:?}: unknown message kind (known: {})",
                    known.join(", ")
                ));
                continue;
            }
            if t.id.is_none() && t.en.is_none() {
                out.push(format!(
                    "notify template {key:?}: give the text in id, en or both"
                ));
            }
            for (lang, text) in [("id", &t.id), ("en", &t.en)] {
                let Some(text) = text else { continue };
                if text.trim().is_empty() {
                    out.push(format!("notify template {key:?}: the {lang} text is empty"));
                }
                for var in variables_in(text) {
                    if !VARIABLES.contains(&var) {
                        out.push(format!(
                            "notify template {key:?}: unknown variable {{{var}}} in the {lang} text (known: {})",
                            VARIABLES
                                .iter()
                                .map(|v| format!("{{{v}}}"))
                                .collect::<Vec<_>>()
                                .join(" ")
                        ));
                    }
                }
            }
        }
        out
    }
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// A language code as WhatsApp names its templates' languages: `id`, `en`, `en_US`.
fn valid_language(code: &str) -> bool {
    let mut parts = code.split('_');
    let lang = parts.next().unwrap_or_default();
    let region = parts.next();
    parts.next().is_none()
        && (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && region.is_none_or(|r| {
            (2..=4).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

fn valid_field(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> NotifyConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn defaults_when_empty() {
        let c = parse("");
        assert_eq!(c, NotifyConfig::default());
        assert_eq!((c.ahead, c.reminder_min), (3, 60));
        assert!(c.problems().is_empty());
    }

    #[test]
    fn the_spec_example_parses_and_is_sound() {
        let c = parse(
            r#"
ahead = 2
reminder_min = 30
[[channels]]
name = "wh"
kind = "webhook"
url = "https://example.org/hook"
secret = "s3cret"
[[channels]]
name = "wa"
kind = "whatsapp_cloud"
url = "https://graph.facebook.com/v21.0/123/messages"
token = "t"
language = "en_US"
[[channels]]
name = "fonnte"
kind = "wa_gateway"
url = "https://api.fonnte.com/send"
token = "t"
token_field = ""
enabled = false
[[channels]]
name = "sms-1"
kind = "sms"
url = "http://10.0.0.5/send"
token = "t"
to_field = "nohp"
text_field = "pesan"
token_field = "apikey"
[templates.called]
id = "Nomor {number} ke loket {counter}"
"#,
        );
        assert_eq!(c.problems(), Vec::<String>::new());
        assert_eq!(c.channels[0].kind, ChannelKind::Webhook);
        assert!(c.channels[0].enabled);
        assert_eq!(c.channels[0].language, "id");
        assert!(!c.channels[2].enabled);
        assert_eq!(
            (c.channels[2].to_field(), c.channels[2].text_field()),
            ("target", "message")
        );
        assert_eq!(c.channels[2].token_field(), None);
        assert_eq!(
            (
                c.channels[3].to_field(),
                c.channels[3].text_field(),
                c.channels[3].token_field()
            ),
            ("nohp", "pesan", Some("apikey"))
        );
        assert!(c.channels[1].english());
        assert_eq!(c.templates["called"].en, None);
        // What is written back parses to the same.
        let again: NotifyConfig = toml::from_str(&toml::to_string(&c).unwrap()).unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<NotifyConfig>("ahaed = 3").is_err());
        assert!(
            toml::from_str::<NotifyConfig>(
                "[[channels]]\nname='a'\nkind='webhook'\nurl='http://x'\nsecrt='s'"
            )
            .is_err()
        );
        assert!(
            toml::from_str::<NotifyConfig>("[[channels]]\nname='a'\nkind='telegram'\nurl='x'")
                .is_err()
        );
        assert!(toml::from_str::<NotifyConfig>("[templates.called]\nde = 'x'").is_err());
    }

    #[test]
    fn every_problem_is_named() {
        let c = parse(
            r#"
[[channels]]
name = "Web Hook"
kind = "webhook"
url = "ftp://example.org"
[[channels]]
name = "wa"
kind = "whatsapp_cloud"
url = "graph.facebook.com"
language = "indonesia"
to_field = "to"
[[channels]]
name = "wa"
kind = "wa_gateway"
url = "https://gw.example/send"
secret = "x"
to_field = "target"
text_field = "target"
token_field = "key"
[templates.caled]
id = "x"
[templates.called]
id = "Nomor {number} ke {loket}"
en = ""
[templates.missed]
"#,
        );
        let problems = c.problems();
        let expect = [
            r#"notify channel "Web Hook": a channel name is 1 to 32"#,
            r#"notify channel "Web Hook": url "ftp://example.org" must be a full http:// or https://"#,
            r#"notify channel "Web Hook": a webhook needs a secret"#,
            r#"notify channel "wa": url "graph.facebook.com""#,
            r#"notify channel "wa": whatsapp_cloud needs a token"#,
            r#"notify channel "wa": language "indonesia""#,
            r#"notify channel "wa": to_field is only for wa_gateway and sms"#,
            r#"notify channel "wa" appears twice"#,
            r#"notify channel "wa": only a webhook has a secret (wa_gateway takes a token)"#,
            r#"notify channel "wa": to_field, text_field and token_field must differ"#,
            r#"notify channel "wa": token_field is set but there is no token"#,
            r#"notify template "caled": unknown message kind"#,
            r#"notify template "called": unknown variable {loket} in the id text"#,
            r#"notify template "called": the en text is empty"#,
            r#"notify template "missed": give the text in id, en or both"#,
        ];
        for e in expect {
            assert!(
                problems.iter().any(|p| p.starts_with(e)),
                "missing {e:?} in {problems:#?}"
            );
        }
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
    }

    #[test]
    fn language_codes() {
        for ok in ["id", "en", "en_US", "pt_BR", "fil"] {
            assert!(valid_language(ok), "{ok}");
        }
        for bad in ["", "ID", "indonesia", "en_", "en_US_x", "e"] {
            assert!(!valid_language(bad), "{bad}");
        }
    }
}
