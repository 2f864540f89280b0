//! Who may do what: users with roles, devices with tokens, expiring and revocable bearer
//! tokens.
//!
//! Passwords and device tokens are stored only as Argon2 hashes in the site config, and
//! checked on a bounded pool ([`checker`]) behind a lock-out ([`lockout`]). A login
//! gives a signed token (HMAC-SHA-256 with a key kept in the data directory) naming its
//! session, so tokens survive a restart and checking one costs no database access. A
//! token stops working when it expires, when its session is logged out (the ended
//! sessions are kept in the database until they would have expired anyway), and when
//! its user's password changes or the user is gone (the token carries a fingerprint of
//! the password hash it was issued under).

pub mod checker;
pub mod lockout;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

pub use antre_protocol::Role;
use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use checker::{Busy, Checker};
pub use lockout::Lockout;

use crate::config::SiteConfig;
use crate::engine::{Actor, Site};

/// A shift is at most twelve hours; an officer logs in again the next day.
pub const TOKEN_LIFETIME: SignedDuration = SignedDuration::from_hours(12);

#[derive(Debug, Clone)]
struct User {
    role: Role,
    password_hash: String,
    counters: Vec<String>,
    /// A supervisor of one agency.
    agency: Option<String>,
    must_change_password: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Kiosk,
    Board,
}

/// A kiosk or board agent that presented its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub kind: DeviceKind,
    pub code: String,
}

/// A logged-in user, as read from a valid token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    #[serde(rename = "u")]
    pub username: String,
    #[serde(rename = "r")]
    pub role: Role,
    /// Expiry, Unix seconds.
    #[serde(rename = "e")]
    pub expires: i64,
    /// The session's id: what a log-out ends.
    #[serde(rename = "s")]
    pub id: String,
    /// The user's password hash when the token was issued, fingerprinted: a changed
    /// password ends every token issued before.
    #[serde(rename = "f")]
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User(Session),
    Device(Device),
}

/// Who may log in and which devices are known: replaced whole when the configuration
/// changes.
#[derive(Debug, Default)]
struct Credentials {
    /// Users who may log in (disabled ones are left out).
    users: HashMap<String, User>,
    devices: Vec<Device>,
    /// The devices' token hashes, in the order of `devices`.
    device_hashes: Arc<Vec<String>>,
}

impl User {
    fn may_open(&self, counter: &crate::engine::Counter) -> bool {
        match (&self.agency, self.role.runs_the_floor()) {
            (Some(agency), _) => counter.agency == *agency,
            (None, true) => true,
            (None, false) => self.counters.contains(&counter.code),
        }
    }
}

impl Credentials {
    fn of(config: &SiteConfig) -> anyhow::Result<Credentials> {
        let users = config
            .users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| {
                PasswordHash::new(&u.password_hash)
                    .map_err(|e| anyhow::anyhow!("user {}: bad password_hash: {e}", u.username))?;
                Ok((
                    u.username.clone(),
                    User {
                        role: u.role,
                        password_hash: u.password_hash.clone(),
                        counters: u.counters.clone(),
                        agency: u.agency.clone(),
                        must_change_password: u.must_change_password,
                    },
                ))
            })
            .collect::<anyhow::Result<_>>()?;
        let kiosks = config
            .kiosks
            .iter()
            .map(|k| (DeviceKind::Kiosk, &k.code, &k.token_hash));
        let boards = config
            .boards
            .iter()
            .map(|b| (DeviceKind::Board, &b.code, &b.token_hash));
        let mut devices = Vec::new();
        let mut device_hashes = Vec::new();
        for (kind, code, hash) in kiosks.chain(boards) {
            if let Some(hash) = hash {
                PasswordHash::new(hash)
                    .map_err(|e| anyhow::anyhow!("device {code}: bad token_hash: {e}"))?;
                devices.push(Device {
                    kind,
                    code: code.clone(),
                });
                device_hashes.push(hash.clone());
            }
        }
        Ok(Credentials {
            users,
            devices,
            device_hashes: Arc::new(device_hashes),
        })
    }
}

#[derive(Debug)]
pub struct Auth {
    credentials: RwLock<Arc<Credentials>>,
    key: [u8; 32],
    /// SHA-256 of device tokens already checked against their Argon2 hash, so a kiosk
    /// pays for Argon2 once, not on every ticket.
    known_devices: Mutex<HashMap<[u8; 32], Device>>,
    /// Checked when a username is unknown, so a wrong username costs the same time as a
    /// wrong password and does not reveal which users exist.
    dummy_hash: Arc<Vec<String>>,
    /// Sessions logged out, with when they would have expired anyway.
    ended: Mutex<HashMap<String, i64>>,
    checker: Checker,
    pub lockout: Lockout,
}

/// How many password and token checks run at once, and how many may wait.
#[derive(Debug, Clone, Copy)]
pub struct CheckLimits {
    pub at_once: usize,
    pub waiting: usize,
}

impl Auth {
    /// `ended`: the sessions logged out that have not expired (from the database).
    pub fn new(
        config: &SiteConfig,
        key: [u8; 32],
        ended: Vec<(String, i64)>,
        limits: CheckLimits,
    ) -> anyhow::Result<Auth> {
        Ok(Auth {
            credentials: RwLock::new(Arc::new(Credentials::of(config)?)),
            key,
            known_devices: Mutex::new(HashMap::new()),
            dummy_hash: Arc::new(vec![hash_password("not a real password")?]),
            ended: Mutex::new(ended.into_iter().collect()),
            checker: Checker::start(limits.at_once, limits.waiting),
            lockout: Lockout::default(),
        })
    }

    /// Takes the users and devices of a changed configuration. Tokens of users now
    /// disabled, removed or with another password or role stop working at once; device
    /// tokens are checked again (a rotated one no longer works).
    pub fn replace(&self, config: &SiteConfig) -> anyhow::Result<()> {
        let credentials = Arc::new(Credentials::of(config)?);
        *self.credentials.write().expect("not poisoned") = credentials;
        self.known_devices.lock().expect("not poisoned").clear();
        Ok(())
    }

    fn credentials(&self) -> Arc<Credentials> {
        self.credentials.read().expect("not poisoned").clone()
    }

    /// Checks a password on the bounded pool. `Ok(true)` when it is the user's. A wrong
    /// username costs the same work as a wrong password.
    pub async fn check_password(&self, username: &str, password: &str) -> Result<bool, Busy> {
        let credentials = self.credentials();
        let user = credentials.users.get(username);
        let hashes = match user {
            Some(u) => Arc::new(vec![u.password_hash.clone()]),
            None => self.dummy_hash.clone(),
        };
        let found = self.checker.check(password, hashes).await?;
        Ok(found.is_some() && user.is_some())
    }

    /// A new session for a user whose password was just checked.
    pub fn issue(&self, username: &str, now: Timestamp) -> Option<(String, Session)> {
        let credentials = self.credentials();
        let user = credentials.users.get(username)?;
        let session = Session {
            username: username.to_string(),
            role: user.role,
            expires: (now + TOKEN_LIFETIME).as_second(),
            id: random_hex(12),
            password: fingerprint(&user.password_hash),
        };
        Some((self.sign(&session), session))
    }

    /// Counters of the site a user may open: an officer's assigned ones, every one for
    /// those who run the floor (their agency's, for a supervisor of one agency).
    pub fn counters_of(&self, username: &str, site: &Site) -> Vec<String> {
        let credentials = self.credentials();
        let Some(user) = credentials.users.get(username) else {
            return Vec::new();
        };
        site.counters
            .iter()
            .filter(|c| user.may_open(c))
            .map(|c| c.code.clone())
            .collect()
    }

    pub fn may_open(&self, session: &Session, counter: &crate::engine::Counter) -> bool {
        self.credentials()
            .users
            .get(&session.username)
            .is_some_and(|u| u.may_open(counter))
    }

    /// The agency a supervisor's work is limited to, if any.
    pub fn agency_of(&self, username: &str) -> Option<String> {
        self.credentials()
            .users
            .get(username)
            .and_then(|u| u.agency.clone())
    }

    /// Whether the user must choose a new password before anything else.
    pub fn must_change_password(&self, username: &str) -> bool {
        self.credentials()
            .users
            .get(username)
            .is_some_and(|u| u.must_change_password)
    }

    /// Who acts, as the engine knows them: those who run the whole floor may act at
    /// any counter; a supervisor of one agency only where they opened, like an officer.
    pub fn actor(&self, session: &Session) -> Actor {
        Actor {
            user: session.username.clone(),
            any_counter: session.role.runs_the_floor()
                && self.agency_of(&session.username).is_none(),
        }
    }

    fn sign(&self, session: &Session) -> String {
        let payload = hex::encode(serde_json::to_vec(session).expect("plain struct"));
        let mac = self.mac(payload.as_bytes());
        format!("u1.{payload}.{}", hex::encode(mac))
    }

    fn mac(&self, payload: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(payload);
        mac.finalize().into_bytes().to_vec()
    }

    /// A user token's session, if the signature holds, it has not expired, it was not
    /// logged out, and the user still exists with that role and password. Cheap.
    pub fn session(&self, token: &str, now: Timestamp) -> Option<Session> {
        let rest = token.strip_prefix("u1.")?;
        let (payload, mac) = rest.split_once('.')?;
        let mac = hex::decode(mac).ok()?;
        let mut check = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        check.update(payload.as_bytes());
        check.verify_slice(&mac).ok()?;
        let session: Session = serde_json::from_slice(&hex::decode(payload).ok()?).ok()?;
        let credentials = self.credentials();
        let user = credentials.users.get(&session.username)?;
        let valid = session.expires > now.as_second()
            && user.role == session.role
            && session.password == fingerprint(&user.password_hash)
            && !self
                .ended
                .lock()
                .expect("not poisoned")
                .contains_key(&session.id);
        valid.then_some(session)
    }

    /// Ends a session at once (after its log-out is stored).
    pub fn end(&self, session: &Session) {
        self.ended
            .lock()
            .expect("not poisoned")
            .insert(session.id.clone(), session.expires);
    }

    /// Forgets ended sessions that have expired anyway.
    pub fn forget_expired(&self, now: Timestamp) {
        self.ended
            .lock()
            .expect("not poisoned")
            .retain(|_, expires| *expires > now.as_second());
    }

    /// A device token's device if it was seen and checked before. Cheap.
    pub fn known_device(&self, token: &str) -> Option<Device> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.known_devices
            .lock()
            .expect("not poisoned")
            .get(&digest)
            .cloned()
    }

    /// Checks a device token against every device's hash on the bounded pool, and
    /// remembers it when it is right. Call it only after [`Auth::known_device`] said no.
    pub async fn check_device(&self, token: &str) -> Result<Option<Device>, Busy> {
        let credentials = self.credentials();
        let Some(found) = self
            .checker
            .check(token, credentials.device_hashes.clone())
            .await?
        else {
            return Ok(None);
        };
        let device = credentials.devices[found].clone();
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut known = self.known_devices.lock().expect("not poisoned");
        // Not remembered if the devices changed during the check (a token rotated).
        if Arc::ptr_eq(&credentials, &self.credentials()) {
            known.insert(digest, device.clone());
        }
        Ok(Some(device))
    }

    pub fn has_devices(&self) -> bool {
        !self.credentials().devices.is_empty()
    }
}

/// What a token remembers of a password hash: enough to tell that it changed, nothing
/// that helps guess it.
fn fingerprint(password_hash: &str) -> String {
    hex::encode(&Sha256::digest(password_hash.as_bytes())[..8])
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    hash_password_with_salt(password, &salt)
}

/// A hash with a given salt. Only the demo uses it (with a salt made from the password),
/// so that the same demo password gives the same hash at every start and its officers'
/// tokens stay valid across restarts.
pub fn hash_password_with_salt(password: &str, salt: &[u8; 16]) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(salt).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("cannot hash: {e}"))?
        .to_string())
}

/// Whether `password` matches an Argon2 `hash` (with memory of its own: for tools and
/// tests; the server checks on its [`Checker`]).
pub fn verify_password(password: &str, hash: &str) -> bool {
    checker::verify(password.as_bytes(), hash, &mut Vec::new())
}

/// Random hex, for track tokens, session ids and generated passwords.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS has randomness");
    hex::encode(buf)
}

/// A secret key kept in the data directory (created on first start, readable by the
/// server's user only): `token.key` signs tokens (deleting it logs everyone out),
/// `nik.key` keys the NIK's hash (deleting it forgets which NIK made which booking).
pub fn load_or_create_key(data_dir: &Path, name: &str) -> anyhow::Result<[u8; 32]> {
    let path = data_dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => bytes.try_into().map_err(|_| {
            anyhow::anyhow!("{} is damaged: delete it to make a new one", path.display())
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            write_private(&path, &key)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: CheckLimits = CheckLimits {
        at_once: 1,
        waiting: 8,
    };

    fn config(password_hash: &str) -> SiteConfig {
        let text = format!(
            "{}\n[[users]]\nusername = \"budi\"\nrole = \"officer\"\npassword_hash = \"{password_hash}\"\ncounters = [\"L01\"]\n",
            crate::demo::SITE_TOML
        );
        let mut config = SiteConfig::from_toml(&text).unwrap();
        config.kiosks[0].token_hash = Some(password_hash.to_string());
        config
    }

    fn auth() -> Auth {
        Auth::new(
            &config(&hash_password("rahasia").unwrap()),
            [7; 32],
            Vec::new(),
            LIMITS,
        )
        .unwrap()
    }

    #[tokio::test]
    async fn login_gives_a_token_that_expires() {
        let auth = auth();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        assert_eq!(auth.check_password("budi", "salah").await, Ok(false));
        assert_eq!(auth.check_password("nobody", "rahasia").await, Ok(false));
        assert_eq!(auth.check_password("budi", "rahasia").await, Ok(true));
        let (token, session) = auth.issue("budi", now).unwrap();
        assert_eq!(auth.session(&token, now), Some(session.clone()));
        assert!(auth.session(&token, now + TOKEN_LIFETIME).is_none());
        let site = config(&hash_password("rahasia").unwrap()).site().unwrap();
        assert!(auth.may_open(&session, site.counter("L01").unwrap()));
        assert!(!auth.may_open(&session, site.counter("L02").unwrap()));
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let auth = auth();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let (token, session) = auth.issue("budi", now).unwrap();
        let forged = Session {
            role: Role::Admin,
            ..session
        };
        let payload = hex::encode(serde_json::to_vec(&forged).unwrap());
        let mac = token.rsplit_once('.').unwrap().1;
        assert!(auth.session(&format!("u1.{payload}.{mac}"), now).is_none());
    }

    #[test]
    fn a_logged_out_session_and_a_changed_password_end_tokens() {
        let auth = auth();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let (first, session) = auth.issue("budi", now).unwrap();
        let (second, _) = auth.issue("budi", now).unwrap();
        auth.end(&session);
        assert!(auth.session(&first, now).is_none());
        assert!(auth.session(&second, now).is_some(), "other sessions go on");
        // The same key and user, with a new password: every earlier token is dead.
        let changed = Auth::new(
            &config(&hash_password("baru").unwrap()),
            [7; 32],
            Vec::new(),
            LIMITS,
        )
        .unwrap();
        assert!(changed.session(&second, now).is_none());
    }

    #[tokio::test]
    async fn device_tokens_are_checked_once_then_remembered() {
        let auth = auth();
        assert!(auth.known_device("rahasia").is_none());
        assert_eq!(auth.check_device("salah").await, Ok(None));
        let device = auth.check_device("rahasia").await.unwrap().unwrap();
        assert_eq!(device.kind, DeviceKind::Kiosk);
        assert_eq!(auth.known_device("rahasia"), Some(device));
    }
}
