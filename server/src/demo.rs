//! `antre demo`: a realistic MPP on an embedded SQLite file, ready in one command.

use antre_protocol::Role;

use sha2::{Digest, Sha256};

use crate::auth::hash_password_with_salt;
use crate::config::{SiteConfig, UserConfig};

/// The demo MPP: many agencies, dozens of services, counters in several zones, open at
/// any hour so a newcomer can try it in the evening.
pub const SITE_TOML: &str = include_str!("../demo/site.toml");

/// The demo username of the officer of a counter (`L07` → `petugas-l07`).
pub fn officer_of(counter: &str) -> String {
    format!("petugas-{}", counter.to_lowercase())
}

/// The demo site with its people and devices: `admin`, a supervisor `penyelia`, one
/// officer per counter, and every kiosk and board, all with the one demo password.
pub fn config(password: &str) -> anyhow::Result<SiteConfig> {
    let mut config = SiteConfig::from_toml(SITE_TOML)?;
    // One hash serves everyone: they share the password, and Argon2 is slow on purpose.
    // Its salt comes from the password, so the same password gives the same hash at
    // every start: tokens end when a password changes, and a demo restarted with the
    // same password keeps its officers logged in.
    let salt: [u8; 16] = Sha256::digest(format!("antre-demo:{password}").as_bytes())[..16]
        .try_into()
        .expect("16 bytes");
    let hash = hash_password_with_salt(password, &salt)?;
    let user = |username: String, role: Role, counters: Vec<String>| UserConfig {
        username,
        role,
        password_hash: hash.clone(),
        counters,
        disabled: false,
        agency: None,
        must_change_password: false,
    };
    let mut users = vec![
        user("admin".into(), Role::Admin, Vec::new()),
        user("penyelia".into(), Role::Supervisor, Vec::new()),
    ];
    for counter in &config.counters {
        users.push(user(
            officer_of(&counter.code),
            Role::Officer,
            vec![counter.code.clone()],
        ));
    }
    config.users = users;
    for kiosk in &mut config.kiosks {
        kiosk.token_hash = Some(hash.clone());
    }
    for board in &mut config.boards {
        board.token_hash = Some(hash.clone());
    }
    Ok(config)
}

/// Gives every demo kiosk a `file://` printer under `DATA/printers/CODE`, so a newcomer
/// sees each ticket's bytes and a readable preview without any hardware.
pub fn add_printers(config: &mut SiteConfig, data_dir: &std::path::Path) -> anyhow::Result<()> {
    let data_dir = std::path::absolute(data_dir)?;
    for kiosk in &mut config.kiosks {
        let dir = data_dir.join("printers").join(&kiosk.code);
        kiosk.printer = Some(format!("file://{}", dir.display()));
    }
    Ok(())
}
