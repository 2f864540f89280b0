//! Changes to one item of the configuration, as the admin pages make them: put (create
//! or replace) or remove an agency, service, counter, zone, kiosk, board or user.
//!
//! Rules, checked before anything changes (the queue's own rules, such as a service
//! with waiting tickets, are the engine's: `engine::site_change`):
//!
//! 1. A body holds the fields of the item's TOML entry and nothing else; its `code`, if
//!    given, is the path's.
//! 2. Each service owns its ticket prefix: a prefix another service has is refused,
//!    naming that service.
//! 3. A reference to an agency, zone, service or counter that does not exist is refused,
//!    naming it; so is removing an agency or zone something still refers to. Removing
//!    a service takes it off the counters that served it, and removing a counter takes
//!    it off the officers assigned to it.
//! 4. Secrets never come back: a device's token is made here and shown once; a user's
//!    password is written, never read. At least one admin who may log in remains.

use antre_protocol::Role;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::{
    AgencyConfig, BoardConfig, CounterConfig, DeviceConfig, ServiceConfig, SiteConfig, UserConfig,
    ZoneConfig,
};

/// The kinds of item with a code, by their path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Agency,
    Service,
    Counter,
    Zone,
    Kiosk,
    Board,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Agency,
        Kind::Service,
        Kind::Counter,
        Kind::Zone,
        Kind::Kiosk,
        Kind::Board,
    ];

    /// The path segment and the configuration's list: `agencies`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Agency => "agencies",
            Kind::Service => "services",
            Kind::Counter => "counters",
            Kind::Zone => "zones",
            Kind::Kiosk => "kiosks",
            Kind::Board => "boards",
        }
    }

    pub fn parse(plural: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == plural)
    }

    fn is_device(self) -> bool {
        matches!(self, Kind::Kiosk | Kind::Board)
    }

    /// The body, checked as this kind's TOML entry: unknown or missing fields are named.
    fn check(self, body: Value) -> Result<Value, serde_json::Error> {
        fn as_entry<T: DeserializeOwned + serde::Serialize>(
            body: Value,
        ) -> Result<Value, serde_json::Error> {
            serde_json::to_value(serde_json::from_value::<T>(body)?)
        }
        match self {
            Kind::Agency => as_entry::<AgencyConfig>(body),
            Kind::Service => as_entry::<ServiceConfig>(body),
            Kind::Counter => as_entry::<CounterConfig>(body),
            Kind::Zone => as_entry::<ZoneConfig>(body),
            Kind::Kiosk => as_entry::<DeviceConfig>(body),
            Kind::Board => as_entry::<BoardConfig>(body),
        }
    }
}

/// Why an edit is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The body does not fit the item (rule 1): 400.
    #[error("{0}")]
    Body(String),
    /// Rule 2: 409.
    #[error("prefix {prefix} belongs to service {service}")]
    PrefixTaken { prefix: String, service: String },
    /// Rule 3, or any other check of the whole configuration: 422.
    #[error("{0}")]
    Invalid(String),
    #[error("no such item")]
    NotFound,
    /// Rule 4: 409.
    #[error("the last admin")]
    LastAdmin,
    /// A password outside 10 to 128 characters: 422.
    #[error("a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")]
    PasswordLength,
}

/// A password people can type at a counter: its length is all that is asked.
pub fn check_password(password: &str) -> Result<(), EditError> {
    let length = password.chars().count();
    if (MIN_PASSWORD..=MAX_PASSWORD).contains(&length) {
        Ok(())
    } else {
        Err(EditError::PasswordLength)
    }
}

/// A user as an admin writes it; the password only when set or reset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEdit {
    #[serde(default)]
    pub username: Option<String>,
    pub role: Role,
    #[serde(default)]
    pub counters: Vec<String>,
    #[serde(default)]
    pub disabled: bool,
    /// A supervisor of one agency.
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

/// Passwords are typed at a counter: long enough to resist guessing, no rules about
/// kinds of characters (which make people write them down).
pub const MIN_PASSWORD: usize = 10;
/// Argon2 takes any length; this keeps a request small.
pub const MAX_PASSWORD: usize = 128;

/// Creates or replaces an item. A device keeps its token hash unless `token_hash` is
/// given (a new device, or a rotated token). Returns the new configuration and whether
/// the item is new.
pub fn put(
    config: &SiteConfig,
    kind: Kind,
    code: &str,
    mut body: Value,
    token_hash: Option<String>,
) -> Result<(SiteConfig, bool), EditError> {
    let fields = keyed(&mut body, "code", code)?;
    if kind.is_device() && fields.contains_key("token_hash") {
        return Err(EditError::Body(
            "token_hash is made by the server: ask for a new token with rotate_token".into(),
        ));
    }
    let mut entry = kind
        .check(body)
        .map_err(|e| EditError::Body(e.to_string()))?;
    let mut whole = serde_json::to_value(config).expect("plain data");
    let list = list_mut(&mut whole, kind.plural());
    let at = list.iter().position(|item| item["code"] == code);
    if kind.is_device() {
        let kept = at.and_then(|i| list[i].get("token_hash").cloned());
        if let Some(hash) = token_hash.map(Value::from).or(kept) {
            entry["token_hash"] = hash;
        }
    }
    let created = at.is_none();
    match at {
        Some(i) => list[i] = entry,
        None => list.push(entry),
    }
    let changed = from_value(whole)?;
    if kind == Kind::Service {
        prefix_owned(&changed, code)?;
    }
    changed
        .validate()
        .map_err(|e| EditError::Invalid(format!("{e:#}")))?;
    Ok((changed, created))
}

/// Removes an item. A removed service leaves the counters that served it.
pub fn remove(config: &SiteConfig, kind: Kind, code: &str) -> Result<SiteConfig, EditError> {
    let mut whole = serde_json::to_value(config).expect("plain data");
    let list = list_mut(&mut whole, kind.plural());
    let before = list.len();
    list.retain(|item| item["code"] != code);
    if list.len() == before {
        return Err(EditError::NotFound);
    }
    // What only lists the item goes on without it.
    let listed_in = match kind {
        Kind::Service => Some(("counters", "services")),
        Kind::Counter => Some(("users", "counters")),
        _ => None,
    };
    if let Some((list, field)) = listed_in {
        for holder in list_mut(&mut whole, list) {
            if let Some(Value::Array(codes)) = holder.get_mut(field) {
                codes.retain(|c| c != code);
            }
        }
    }
    let changed = from_value(whole)?;
    changed
        .validate()
        .map_err(|e| EditError::Invalid(format!("{e:#}")))?;
    Ok(changed)
}

/// Creates or replaces the holiday of a date (`YYYY-MM-DD`).
pub fn put_holiday(
    config: &SiteConfig,
    date: &str,
    mut body: Value,
) -> Result<(SiteConfig, bool), EditError> {
    keyed(&mut body, "date", date)?;
    let holiday: antre_protocol::Holiday =
        serde_json::from_value(body).map_err(|e| EditError::Body(e.to_string()))?;
    let mut changed = config.clone();
    let at = changed.holidays.iter().position(|h| h.date == date);
    match at {
        Some(i) => changed.holidays[i] = holiday,
        None => changed.holidays.push(holiday),
    }
    changed
        .validate()
        .map_err(|e| EditError::Invalid(format!("{e:#}")))?;
    Ok((changed, at.is_none()))
}

pub fn remove_holiday(config: &SiteConfig, date: &str) -> Result<SiteConfig, EditError> {
    let mut changed = config.clone();
    let before = changed.holidays.len();
    changed.holidays.retain(|h| h.date != date);
    if changed.holidays.len() == before {
        return Err(EditError::NotFound);
    }
    Ok(changed)
}

/// A user's own new password (its hash), which they need not change again.
pub fn own_password(
    config: &SiteConfig,
    username: &str,
    password_hash: String,
) -> Result<SiteConfig, EditError> {
    let mut changed = config.clone();
    let user = changed
        .users
        .iter_mut()
        .find(|u| u.username == username)
        .ok_or(EditError::NotFound)?;
    user.password_hash = password_hash;
    user.must_change_password = false;
    Ok(changed)
}

/// Replaces the site's settings (`[site]`); its code stays (other tools know the site
/// by it).
pub fn put_site(config: &SiteConfig, mut body: Value) -> Result<SiteConfig, EditError> {
    keyed(&mut body, "code", &config.site.code)?;
    let mut changed = config.clone();
    changed.site = serde_json::from_value(body).map_err(|e| EditError::Body(e.to_string()))?;
    changed
        .validate()
        .map_err(|e| EditError::Invalid(format!("{e:#}")))?;
    changed
        .site()
        .map_err(|e| EditError::Invalid(format!("{e:#}")))?;
    Ok(changed)
}

/// Replaces the notifications' settings (`[notify]`). A channel sent without its
/// `secret` or `token` keeps the one it has (the page never sees them); `has_secret`
/// and `has_token` from the public view are ignored.
pub fn put_notify(config: &SiteConfig, mut body: Value) -> Result<SiteConfig, EditError> {
    if let Some(channels) = body.get_mut("channels").and_then(Value::as_array_mut) {
        for channel in channels.iter_mut().filter_map(Value::as_object_mut) {
            channel.remove("has_secret");
            channel.remove("has_token");
            let name = channel
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some(old) = config.notify.channel(name) else {
                continue;
            };
            // A webhook signs with a secret, the others present a token: a channel that
            // changes kind keeps only the one its new kind uses.
            let webhook = channel.get("kind").and_then(Value::as_str) == Some("webhook");
            let kept = [
                ("secret", &old.secret, webhook),
                ("token", &old.token, !webhook),
            ];
            for (field, value, used) in kept {
                let given = channel.get(field).is_some_and(|v| !v.is_null() && v != "");
                if let (Some(value), false, true) = (value, given, used) {
                    channel.insert(field.into(), value.clone().into());
                }
            }
        }
    }
    let mut changed = config.clone();
    changed.notify = serde_json::from_value(body).map_err(|e| EditError::Body(e.to_string()))?;
    changed
        .validate()
        .map_err(|e| EditError::Invalid(format!("{e:#}")))?;
    changed
        .site()
        .map_err(|e| EditError::Invalid(format!("{e:#}")))?;
    Ok(changed)
}

/// Creates or replaces a user. `password_hash`: the hash of a new password, required
/// for a new user.
pub fn put_user(
    config: &SiteConfig,
    username: &str,
    edit: UserEdit,
    password_hash: Option<String>,
) -> Result<(SiteConfig, bool), EditError> {
    if edit.username.as_deref().is_some_and(|u| u != username) {
        return Err(EditError::Body(
            "the username in the body is not the path's".into(),
        ));
    }
    let mut changed = config.clone();
    let at = changed.users.iter().position(|u| u.username == username);
    // A password an admin gives (a new user's, or a reset) is only for the first
    // log-in: its user then chooses their own.
    let (password_hash, must_change_password) = match (password_hash, at) {
        (Some(hash), _) => (hash, true),
        (None, Some(i)) => (
            changed.users[i].password_hash.clone(),
            changed.users[i].must_change_password,
        ),
        (None, None) => {
            return Err(EditError::Body("a new user needs a password".into()));
        }
    };
    let user = UserConfig {
        username: username.to_string(),
        role: edit.role,
        password_hash,
        counters: edit.counters,
        disabled: edit.disabled,
        agency: edit.agency,
        must_change_password,
    };
    match at {
        Some(i) => changed.users[i] = user,
        None => changed.users.push(user),
    }
    an_admin_remains(&changed)?;
    changed
        .validate()
        .map_err(|e| EditError::Invalid(format!("{e:#}")))?;
    Ok((changed, at.is_none()))
}

pub fn remove_user(config: &SiteConfig, username: &str) -> Result<SiteConfig, EditError> {
    let mut changed = config.clone();
    let before = changed.users.len();
    changed.users.retain(|u| u.username != username);
    if changed.users.len() == before {
        return Err(EditError::NotFound);
    }
    an_admin_remains(&changed)?;
    Ok(changed)
}

/// The configuration as admins read it: every field of the TOML, without the hashes of
/// passwords and tokens (a device says whether it has a token).
pub fn public_view(config: &SiteConfig) -> Value {
    let mut whole = serde_json::to_value(config).expect("plain data");
    for user in list_mut(&mut whole, "users") {
        if let Value::Object(fields) = user {
            fields.remove("password_hash");
        }
    }
    // The gateways' secrets are never shown again once saved: only that they are set.
    if let Some(channels) = whole
        .get_mut("notify")
        .and_then(|n| n.get_mut("channels"))
        .and_then(Value::as_array_mut)
    {
        for channel in channels.iter_mut().filter_map(Value::as_object_mut) {
            for secret in ["secret", "token"] {
                let has = channel.remove(secret).is_some_and(|v| !v.is_null());
                channel.insert(format!("has_{secret}"), has.into());
            }
        }
    }
    for kind in ["kiosks", "boards"] {
        for device in list_mut(&mut whole, kind) {
            if let Value::Object(fields) = device {
                let has = fields.remove("token_hash").is_some();
                fields.insert("has_token".into(), has.into());
            }
        }
    }
    whole
}

/// One item of the public view.
pub fn public_item(config: &SiteConfig, list: &str, key: &str, code: &str) -> Option<Value> {
    let mut view = public_view(config);
    list_mut(&mut view, list)
        .iter()
        .find(|item| item[key] == code)
        .cloned()
}

/// The body's fields, with its key (`code`, `date`) set to the path's: the body may
/// leave it out, but not name another (rule 1).
fn keyed<'a>(
    body: &'a mut Value,
    key: &str,
    value: &str,
) -> Result<&'a mut serde_json::Map<String, Value>, EditError> {
    let Value::Object(fields) = body else {
        return Err(EditError::Body("the body must be a JSON object".into()));
    };
    match fields.get(key) {
        None => {
            fields.insert(key.into(), value.into());
        }
        Some(given) if given == value => {}
        Some(given) => {
            return Err(EditError::Body(format!(
                "{key} {given} in the body is not {value}, the path's"
            )));
        }
    }
    Ok(fields)
}

fn list_mut<'a>(whole: &'a mut Value, list: &str) -> &'a mut Vec<Value> {
    let slot = &mut whole[list];
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    slot.as_array_mut().expect("made an array above")
}

fn from_value(whole: Value) -> Result<SiteConfig, EditError> {
    serde_json::from_value(whole).map_err(|e| EditError::Body(e.to_string()))
}

fn prefix_owned(config: &SiteConfig, code: &str) -> Result<(), EditError> {
    let Some(mine) = config.services.iter().find(|s| s.code == code) else {
        return Ok(());
    };
    match config
        .services
        .iter()
        .find(|s| s.code != code && s.prefix == mine.prefix)
    {
        Some(other) => Err(EditError::PrefixTaken {
            prefix: mine.prefix.clone(),
            service: other.code.clone(),
        }),
        None => Ok(()),
    }
}

/// Rule 4's last part: an admin who may log in remains.
pub fn an_admin_remains(config: &SiteConfig) -> Result<(), EditError> {
    if config
        .users
        .iter()
        .any(|u| u.role == Role::Admin && !u.disabled)
    {
        Ok(())
    } else {
        Err(EditError::LastAdmin)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn demo() -> SiteConfig {
        crate::demo::config("rahasia-demo").unwrap()
    }

    #[test]
    fn rule_1_unknown_fields_and_another_code_are_named() {
        let config = demo();
        let body = json!({"short": "X", "name": "X", "name_en": "X", "colour": "red"});
        let Err(EditError::Body(why)) = put(&config, Kind::Agency, "NEW", body, None) else {
            panic!("an unknown field was taken");
        };
        assert!(why.contains("colour"), "{why}");
        let body = json!({"code": "OTHER", "short": "X", "name": "X", "name_en": "X"});
        assert!(matches!(
            put(&config, Kind::Agency, "NEW", body, None),
            Err(EditError::Body(_))
        ));
    }

    #[test]
    fn rule_2_a_prefix_belongs_to_one_service() {
        let config = demo();
        let taken = &config.services[0];
        let mut body = serde_json::to_value(&config.services[1]).unwrap();
        body["prefix"] = taken.prefix.clone().into();
        let code = config.services[1].code.clone();
        assert_eq!(
            put(&config, Kind::Service, &code, body, None).unwrap_err(),
            EditError::PrefixTaken {
                prefix: taken.prefix.clone(),
                service: taken.code.clone()
            }
        );
    }

    #[test]
    fn rule_3_unknown_references_are_named_and_a_removed_service_leaves_its_counters() {
        let config = demo();
        let body = json!({"name": "Loket 99", "zone": "NOWHERE", "agency": config.agencies[0].code,
                          "services": []});
        let Err(EditError::Invalid(why)) = put(&config, Kind::Counter, "L99", body, None) else {
            panic!("an unknown zone was taken");
        };
        assert!(why.contains("NOWHERE"), "{why}");
        let agency = config.agencies[0].code.clone();
        let Err(EditError::Invalid(why)) = remove(&config, Kind::Agency, &agency) else {
            panic!("an agency in use was removed");
        };
        assert!(why.contains(&agency), "{why}");
        let service = config.counters[0].services[0].clone();
        let changed = remove(&config, Kind::Service, &service).unwrap();
        assert!(
            changed
                .counters
                .iter()
                .all(|c| !c.services.contains(&service))
        );
        assert!(changed.services.iter().all(|s| s.code != service));
    }

    #[test]
    fn rule_4_devices_keep_their_token_and_an_admin_remains() {
        let config = demo();
        let kiosk = config.kiosks[0].clone();
        let mut body = serde_json::to_value(&kiosk).unwrap();
        body.as_object_mut().unwrap().remove("token_hash");
        body["name"] = "Kios Utama".into();
        let (changed, created) = put(&config, Kind::Kiosk, &kiosk.code, body, None).unwrap();
        assert!(!created);
        assert_eq!(changed.kiosks[0].token_hash, kiosk.token_hash);
        assert_eq!(changed.kiosks[0].name, "Kios Utama");
        let view = public_view(&changed);
        assert_eq!(view["kiosks"][0]["has_token"], true);
        assert!(view["kiosks"][0].get("token_hash").is_none());
        assert!(view["users"][0].get("password_hash").is_none());
        // Demoting the only admin, or removing it, is refused.
        let admin = UserEdit {
            username: None,
            role: Role::Officer,
            counters: Vec::new(),
            disabled: false,
            agency: None,
            password: None,
        };
        assert_eq!(
            put_user(&config, "admin", admin, None).unwrap_err(),
            EditError::LastAdmin
        );
        assert_eq!(
            remove_user(&config, "admin").unwrap_err(),
            EditError::LastAdmin
        );
    }

    #[test]
    fn gateway_secrets_are_kept_unless_given_and_follow_the_channel_kind() {
        let hook = json!({"name": "hook", "kind": "webhook", "url": "https://a.example/h",
            "secret": "s3cret"});
        let config = put_notify(&demo(), json!({"channels": [hook]})).unwrap();
        let view = public_view(&config);
        assert_eq!(view["notify"]["channels"][0]["has_secret"], true);
        assert!(view["notify"]["channels"][0].get("secret").is_none());
        // Saved again from the page, which never saw the secret: kept.
        let again = json!({"channels": [{"name": "hook", "kind": "webhook",
            "url": "https://a.example/h"}]});
        let config = put_notify(&config, again).unwrap();
        assert_eq!(config.notify.channels[0].secret.as_deref(), Some("s3cret"));
        // Turned into an SMS gateway: the secret goes, its token is given.
        let sms = json!({"channels": [{"name": "hook", "kind": "sms",
            "url": "https://sms.example/send", "token": "t0ken"}]});
        let config = put_notify(&config, sms).unwrap();
        assert_eq!(config.notify.channels[0].secret, None);
        assert_eq!(config.notify.channels[0].token.as_deref(), Some("t0ken"));
    }
}
