//! Form gateways: WhatsApp gateways (`wa_gateway`: Fonnte, Wablas and the like) and
//! SMS gateways (`sms`: Zenziva and the like), which take a plain form POST.
//!
//! `POST url`, `application/x-www-form-urlencoded`, with the phone number in
//! `to_field` and the composed text in `text_field` (defaults: `target` and `message`
//! for wa_gateway, `to` and `text` for sms). These gateways send free text, so the
//! channel sends the text in its language (English for a code starting with `en`,
//! Indonesian otherwise). The token goes in the `Authorization` header as it is (these
//! gateways take the bare token, not `Bearer …`), or, with `token_field`, as a form
//! field instead.

use super::Envelope;
use super::settings::ChannelConfig;

/// The form's fields, in order.
pub fn fields(channel: &ChannelConfig, msg: &Envelope<'_>) -> Vec<(String, String)> {
    let mut out = vec![
        (channel.to_field().to_string(), msg.body.to.clone()),
        (
            channel.text_field().to_string(),
            msg.text(channel.english()).to_string(),
        ),
    ];
    if let (Some(field), Some(token)) = (channel.token_field(), channel.token.as_deref()) {
        out.push((field.to_string(), token.to_string()));
    }
    out
}

pub fn request(
    client: &reqwest::Client,
    channel: &ChannelConfig,
    msg: &Envelope<'_>,
) -> anyhow::Result<reqwest::Request> {
    let mut req = client
        .post(&channel.url)
        .header(super::webhook::ID_HEADER, &msg.id)
        .form(&fields(channel, msg));
    if channel.token_field().is_none()
        && let Some(token) = channel.token.as_deref().filter(|t| !t.is_empty())
    {
        req = req.header(reqwest::header::AUTHORIZATION, token);
    }
    Ok(req.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::settings::ChannelKind;
    use crate::notify::tests::sample_row;

    fn channel(kind: ChannelKind) -> ChannelConfig {
        ChannelConfig {
            name: "gw".into(),
            kind,
            url: "https://gw.example/send".into(),
            secret: None,
            token: Some("tok en".into()),
            enabled: true,
            language: "id".into(),
            to_field: None,
            text_field: None,
            token_field: None,
        }
    }

    fn form(req: &reqwest::Request) -> String {
        String::from_utf8(req.body().unwrap().as_bytes().unwrap().to_vec()).unwrap()
    }

    #[test]
    fn wa_gateway_defaults_token_in_header() {
        let row = sample_row();
        let msg = Envelope::open("MPP-DEMO", &row).unwrap();
        let req = request(
            &reqwest::Client::new(),
            &channel(ChannelKind::WaGateway),
            &msg,
        )
        .unwrap();
        assert_eq!(req.method(), reqwest::Method::POST);
        assert_eq!(
            req.headers()["content-type"],
            "application/x-www-form-urlencoded"
        );
        assert_eq!(req.headers()["authorization"], "tok en");
        assert_eq!(req.headers()["x-antre-id"], "MPP-DEMO-42");
        assert_eq!(
            form(&req),
            "target=6281234567890&message=Nomor+A-012%2C+silakan+menuju+loket+3+sekarang."
        );
    }

    #[test]
    fn sms_defaults_english_and_token_field() {
        let row = sample_row();
        let msg = Envelope::open("MPP-DEMO", &row).unwrap();
        let mut sms = channel(ChannelKind::Sms);
        sms.language = "en".into();
        assert_eq!(
            fields(&sms, &msg),
            [
                ("to".to_string(), "6281234567890".to_string()),
                (
                    "text".to_string(),
                    "Number A-012, please go to counter 3 now.".to_string()
                )
            ]
        );
        sms.to_field = Some("nohp".into());
        sms.text_field = Some("pesan".into());
        sms.token_field = Some("apikey".into());
        let req = request(&reqwest::Client::new(), &sms, &msg).unwrap();
        assert!(req.headers().get("authorization").is_none());
        assert_eq!(
            form(&req),
            "nohp=6281234567890&pesan=Number+A-012%2C+please+go+to+counter+3+now.&apikey=tok+en"
        );
        // No token: no header either.
        sms.token = None;
        sms.token_field = None;
        let req = request(&reqwest::Client::new(), &sms, &msg).unwrap();
        assert!(req.headers().get("authorization").is_none());
    }
}
