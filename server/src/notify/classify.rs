//! What a receiver's answer (or its silence) means for a message: sent, try again
//! later, or give up.
//!
//! Temporary: the receiver may well take the same request later — it timed out, was
//! unreachable, broke the connection, said it is overloaded (429), timed out itself
//! (408) or failed inside (5xx). Permanent: any other answer outside 2xx says the
//! request itself is wrong (a bad token, number, URL or template); repeating it for
//! hours would only fill the receiver's logs, so the row fails at once and the
//! administrator sees why.

use reqwest::StatusCode;

use super::settings::ChannelKind;

/// Characters of an answer kept in the row's error: enough for any API's error
/// message, small enough for a table row.
pub const ANSWER_CHARS: usize = 200;

/// WhatsApp Cloud API error codes that mean "later" though they come with a 4xx:
/// 2 (temporarily unavailable), 4 and 80007 (the app's or account's rate limit),
/// 130429 (throughput limit), 131048 (spam rate limit), 131056 (too many messages to
/// one number).
const WHATSAPP_LATER: [i64; 6] = [2, 4, 80007, 130429, 131048, 131056];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Sent,
    Temporary(String),
    Permanent(String),
}

/// The verdict on an HTTP answer: its status, and the start of its body (for the
/// error text, and the few APIs that say "no" with a 2xx).
pub fn answer(kind: ChannelKind, status: StatusCode, body: &str) -> Verdict {
    let said = || {
        let start = excerpt(body);
        if start.is_empty() {
            format!("HTTP {}", status.as_u16())
        } else {
            format!("HTTP {}: {start}", status.as_u16())
        }
    };
    if status.is_success() {
        // Gateways such as Fonnte and Wablas answer 200 with `"status": false` when
        // their WhatsApp device is offline or out of quota: that is a message not sent,
        // and one that may go through once the device is back.
        if kind.is_form() && json_status_false(body) {
            return Verdict::Temporary(format!("gateway refused: {}", said()));
        }
        return Verdict::Sent;
    }
    if status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
    {
        return Verdict::Temporary(said());
    }
    if kind == ChannelKind::WhatsappCloud
        && whatsapp_error_code(body).is_some_and(|c| WHATSAPP_LATER.contains(&c))
    {
        return Verdict::Temporary(said());
    }
    if status.is_redirection() {
        return Verdict::Permanent(format!(
            "{} (redirects are not followed: set the channel's url to where it points)",
            said()
        ));
    }
    Verdict::Permanent(said())
}

/// The verdict on a request that got no answer. Only a request that could not even be
/// built is permanent; everything on the way (connecting, timing out, a connection
/// cut) may go better next time.
pub fn transport(err: reqwest::Error) -> Verdict {
    // The URL may carry a gateway's key in its query: it stays out of the error text.
    let err = err.without_url();
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let text = format!("{what}: {}", chain(&err));
    if err.is_builder() {
        Verdict::Permanent(text)
    } else {
        Verdict::Temporary(text)
    }
}

/// An error and its causes, as one line.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // Some errors repeat their cause in their own text.
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// The first [`ANSWER_CHARS`] characters of an answer, on one line.
pub fn excerpt(body: &str) -> String {
    body.trim()
        .chars()
        .take(ANSWER_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn json_status_false(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("status").and_then(serde_json::Value::as_bool))
        == Some(false)
}

fn whatsapp_error_code(body: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()?
        .get("error")?
        .get("code")?
        .as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(n: u16) -> StatusCode {
        StatusCode::from_u16(n).unwrap()
    }

    #[test]
    fn statuses() {
        let hook = ChannelKind::Webhook;
        for ok in [200, 201, 202, 204] {
            assert_eq!(answer(hook, code(ok), ""), Verdict::Sent);
        }
        for later in [408, 429, 500, 502, 503, 504] {
            assert!(
                matches!(answer(hook, code(later), "busy"), Verdict::Temporary(e) if e == format!("HTTP {later}: busy")),
                "{later}"
            );
        }
        for never in [400, 401, 403, 404, 410, 422] {
            assert!(
                matches!(answer(hook, code(never), ""), Verdict::Permanent(e) if e == format!("HTTP {never}")),
                "{never}"
            );
        }
        assert!(
            matches!(answer(hook, code(301), ""), Verdict::Permanent(e) if e.starts_with("HTTP 301 (redirects"))
        );
    }

    #[test]
    fn the_error_keeps_200_characters_on_one_line() {
        let long = format!("  line one\nline two {}", "x".repeat(500));
        let Verdict::Permanent(e) = answer(ChannelKind::Webhook, code(400), &long) else {
            panic!()
        };
        assert!(e.starts_with("HTTP 400: line one line two xx"));
        assert_eq!(e.chars().count(), "HTTP 400: ".len() + ANSWER_CHARS);
        assert_eq!(excerpt("ééé"), "ééé");
    }

    #[test]
    fn gateways_that_say_no_with_200() {
        let gw = ChannelKind::WaGateway;
        assert!(matches!(
            answer(gw, code(200), r#"{"status":false,"reason":"device disconnected"}"#),
            Verdict::Temporary(e) if e.contains("device disconnected")
        ));
        assert_eq!(answer(gw, code(200), r#"{"status":true}"#), Verdict::Sent);
        assert_eq!(answer(gw, code(200), "OK"), Verdict::Sent);
        // A webhook's answer is not read for that.
        assert_eq!(
            answer(ChannelKind::Webhook, code(200), r#"{"status":false}"#),
            Verdict::Sent
        );
    }

    #[test]
    fn whatsapp_rate_limits_are_temporary() {
        let wa = ChannelKind::WhatsappCloud;
        let limited = r#"{"error":{"message":"(#130429) Rate limit hit","code":130429}}"#;
        assert!(matches!(
            answer(wa, code(400), limited),
            Verdict::Temporary(_)
        ));
        let bad = r#"{"error":{"message":"(#132001) Template name does not exist","code":132001}}"#;
        assert!(matches!(answer(wa, code(400), bad), Verdict::Permanent(_)));
        // The code counts only for WhatsApp.
        assert!(matches!(
            answer(ChannelKind::Sms, code(400), limited),
            Verdict::Permanent(_)
        ));
    }

    #[test]
    fn error_chains() {
        #[derive(Debug)]
        struct E(&'static str, Option<Box<E>>);
        impl std::fmt::Display for E {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for E {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|e| e as _)
            }
        }
        let e = E(
            "error sending request",
            Some(Box::new(E(
                "tcp connect error",
                Some(Box::new(E("Connection refused", None))),
            ))),
        );
        assert_eq!(
            chain(&e),
            "error sending request: tcp connect error: Connection refused"
        );
    }
}
