//! The WhatsApp Cloud API channel (Meta's WhatsApp Business Platform).
//!
//! WhatsApp lets a business start a conversation only with a template approved
//! beforehand, so this channel sends templates, not the composed texts: the site
//! registers in WhatsApp Manager one template per message kind, named `antre_<kind>`
//! (`antre_called`, …), in the channel's `language`, whose body uses `{{1}}`, `{{2}}`, …
//! in the order [`MessageKind::whatsapp_parameters`] gives:
//!
//! | template | `{{1}}`, `{{2}}`, … |
//! | --- | --- |
//! | `antre_booking_confirmed` | name, service, site, date, start, end, code, link |
//! | `antre_reminder` | name, service, site, date, start, code |
//! | `antre_checked_in` | number, service, link |
//! | `antre_ahead` | number, ahead, service |
//! | `antre_called` | number, counter |
//! | `antre_missed` | number, counter, site |
//! | `antre_cancelled` | code, service, date, start |
//!
//! A channel whose language is English (`en`, `en_US`) sends the service's English name
//! for `service`. The API refuses empty parameters and line breaks in them, so an empty
//! value is sent as `-` and white space is flattened.
//!
//! `POST url` (`https://graph.facebook.com/v21.0/PHONE_NUMBER_ID/messages`) with
//! `Authorization: Bearer <token>`.

use serde_json::json;

use super::Envelope;
use super::message::MessageKind;
use super::settings::ChannelConfig;

/// Characters WhatsApp takes in one template parameter's text, well above any value
/// Antre fills in.
const PARAMETER_CHARS: usize = 1024;

/// The template name of a message kind.
pub fn template_name(kind: MessageKind) -> String {
    format!("antre_{}", kind.as_str())
}

/// The body parameters' texts, in the template's order.
pub fn parameters(channel: &ChannelConfig, msg: &Envelope<'_>) -> Vec<String> {
    let english = channel.english();
    msg.body
        .kind
        .whatsapp_parameters()
        .iter()
        .map(|&name| {
            let name = if english && name == "service" {
                "service_en"
            } else {
                name
            };
            let value = msg.body.vars.get(name).map(String::as_str).unwrap_or("");
            parameter_text(value)
        })
        .collect()
}

/// A value as a template parameter: one line, no runs of spaces, never empty.
fn parameter_text(value: &str) -> String {
    let flat: String = value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(PARAMETER_CHARS)
        .collect();
    if flat.is_empty() { "-".into() } else { flat }
}

pub fn request(
    client: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Envelope<'_>,
) -> anyhow::Result<reqwest::Request> {
    let parameters: Vec<_> = parameters(channel, msg)
        .into_iter()
        .map(|text| json!({"type": "text", "text": text}))
        .collect();
    let body = json!({
        "messaging_product": "whatsapp",
        "to": msg.body.to,
        "type": "template",
        "template": {
            "name": template_name(msg.body.kind),
            "language": {"code": channel.language},
            "components": [{"type": "body", "parameters": parameters}],
        },
    });
    Ok(client
        .post(&channel.url)
        .bearer_auth(channel.token.as_deref().unwrap_or_default())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(super::webhook::ID_HEADER, &msg.id)
        .body(serde_json::to_string(&body)?)
        .build()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::settings::ChannelKind;
    use crate::notify::tests::sample_row;

    fn channel(language: &str) -> ChannelConfig {
        ChannelConfig {
            name: "wa".into(),
            kind: ChannelKind::WhatsappCloud,
            url: "https://graph.facebook.com/v21.0/1234567890/messages".into(),
            secret: None,
            token: Some("EAAG-token".into()),
            enabled: true,
            language: language.into(),
            to_field: None,
            text_field: None,
            token_field: None,
        }
    }

    #[test]
    fn a_template_message() {
        let row = sample_row();
        let msg = Envelope::open("MPP-DEMO", &row).unwrap();
        let req = request(&reqwest::Client::new(), &channel("id"), &msg).unwrap();
        assert_eq!(req.method(), reqwest::Method::POST);
        assert_eq!(
            req.url().as_str(),
            "https://graph.facebook.com/v21.0/1234567890/messages"
        );
        assert_eq!(req.headers()["authorization"], "Bearer EAAG-token");
        assert_eq!(req.headers()["content-type"], "application/json");
        let body: serde_json::Value =
            serde_json::from_slice(req.body().unwrap().as_bytes().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({
                "messaging_product": "whatsapp",
                "to": "6281234567890",
                "type": "template",
                "template": {
                    "name": "antre_called",
                    "language": {"code": "id"},
                    "components": [{"type": "body", "parameters": [
                        {"type": "text", "text": "A-012"},
                        {"type": "text", "text": "3"},
                    ]}],
                },
            })
        );
    }

    #[test]
    fn parameters_in_order_and_language() {
        let mut row = sample_row();
        let mut body: crate::notify::StoredBody = serde_json::from_str(&row.body).unwrap();
        body.kind = MessageKind::Reminder;
        body.vars = [
            ("name", "Siti  Aminah\n"),
            ("service", "Paspor"),
            ("service_en", "Passport"),
            ("site", "MPP Demo"),
            ("date", "2026-01-02"),
            ("code", "ACDE-FH34"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        row.body = serde_json::to_string(&body).unwrap();
        let msg = Envelope::open("MPP-DEMO", &row).unwrap();
        assert_eq!(
            parameters(&channel("id"), &msg),
            [
                "Siti Aminah",
                "Paspor",
                "MPP Demo",
                "2026-01-02",
                "-",
                "ACDE-FH34"
            ]
        );
        assert_eq!(parameters(&channel("en_US"), &msg)[1], "Passport");
        for k in MessageKind::ALL {
            assert!(template_name(k).starts_with("antre_"));
        }
    }
}
