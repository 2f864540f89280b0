//! The webhook channel: the message as signed JSON, for a system of the site's own.
//!
//! `POST url` with `Content-Type: application/json` and
//!
//! - `X-Antre-Id`: the message's id (`SITE-42`); the same on every retry, so the
//!   receiver drops repeats by it;
//! - `X-Antre-Timestamp`: when this try was made, unix seconds;
//! - `X-Antre-Signature`: `sha256=` and the hex HMAC-SHA256, keyed with the channel's
//!   secret, of `"<timestamp>.<body>"`. Signing the timestamp with the body lets the
//!   receiver refuse an old request played again by someone who saw it.
//!
//! Body: `{"id", "site", "kind", "booking", "to", "text", "text_en", "vars",
//! "created_at"}`.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use super::Envelope;
use super::settings::ChannelConfig;
use crate::store::outbox::rfc3339;

pub const ID_HEADER: &str = "X-Antre-Id";
pub const TIMESTAMP_HEADER: &str = "X-Antre-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Antre-Signature";

#[derive(Debug, Serialize)]
struct Body<'a> {
    id: &'a str,
    site: &'a str,
    kind: &'a str,
    booking: Option<&'a str>,
    to: &'a str,
    text: &'a str,
    text_en: &'a str,
    vars: &'a BTreeMap<String, String>,
    created_at: String,
}

/// The request for one try, made at `unix_seconds`.
pub fn request(
    client: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Envelope<'_>,
    unix_seconds: i64,
) -> anyhow::Result<reqwest::Request> {
    let body = serde_json::to_string(&Body {
        id: &msg.id,
        site: msg.site,
        kind: msg.body.kind.as_str(),
        booking: msg.body.booking.as_deref(),
        to: &msg.body.to,
        text: &msg.body.text,
        text_en: &msg.body.text_en,
        vars: &msg.body.vars,
        created_at: rfc3339(msg.row.created_at_ms),
    })?;
    let secret = channel.secret.as_deref().unwrap_or_default();
    let signature = sign(secret, unix_seconds, &body);
    Ok(client
        .post(&channel.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(ID_HEADER, &msg.id)
        .header(TIMESTAMP_HEADER, unix_seconds.to_string())
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .build()?)
}

/// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub fn sign(secret: &str, unix_seconds: i64, body: &str) -> String {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(unix_seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::settings::ChannelKind;
    use crate::notify::tests::sample_row as row;

    #[test]
    fn a_signed_request() {
        let channel = ChannelConfig {
            name: "wh".into(),
            kind: ChannelKind::Webhook,
            url: "https://example.org/hook?x=1".into(),
            secret: Some("s3cret".into()),
            token: None,
            enabled: true,
            language: "id".into(),
            to_field: None,
            text_field: None,
            token_field: None,
        };
        let row = row();
        let msg = Envelope::open("MPP-DEMO", &row).unwrap();
        let req = request(&reqwest::Client::new(), &channel, &msg, 1_767_225_601).unwrap();
        assert_eq!(req.method(), reqwest::Method::POST);
        assert_eq!(req.url().as_str(), "https://example.org/hook?x=1");
        let h = req.headers();
        assert_eq!(h["content-type"], "application/json");
        assert_eq!(h["x-antre-id"], "MPP-DEMO-42");
        assert_eq!(h["x-antre-timestamp"], "1767225601");
        let body = std::str::from_utf8(req.body().unwrap().as_bytes().unwrap()).unwrap();
        assert_eq!(
            h["x-antre-signature"].to_str().unwrap(),
            sign("s3cret", 1_767_225_601, body)
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "MPP-DEMO-42",
                "site": "MPP-DEMO",
                "kind": "called",
                "booking": "ACDE-FH34",
                "to": "6281234567890",
                "text": "Nomor A-012, silakan menuju loket 3 sekarang.",
                "text_en": "Number A-012, please go to counter 3 now.",
                "vars": {"number": "A-012", "counter": "3"},
                "created_at": "2026-01-01T00:00:00Z",
            })
        );
    }

    #[test]
    fn signature_matches_one_made_elsewhere() {
        // Python: hmac.new(b"s3cret", b'1767225601.{"a":1}', hashlib.sha256).hexdigest()
        assert_eq!(
            sign("s3cret", 1_767_225_601, r#"{"a":1}"#),
            "sha256=f40cb7b5d27380ebff6e5da852073d2e3f081aa5cef5138fa15fbfa0b181133a"
        );
    }
}
