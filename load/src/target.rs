//! Which server to measure: one given by URL (loopback only), or one started here.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The password `Spawned::demo` gives every demo user and device.
pub const DEMO_PASSWORD: &str = "beban-uji";

#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Base URL of the server; loopback addresses only.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// The demo password (kiosk device token and admin password).
    #[arg(long, env = "ANTRE_DEMO_PASSWORD")]
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub base: String,
    pub password: String,
}

impl ServerArgs {
    pub fn resolve(&self) -> anyhow::Result<Target> {
        Ok(Target {
            base: loopback_base(&self.server)?,
            password: self.password.clone(),
        })
    }
}

/// Refuses anything but a loopback address: load is never sent across a network.
pub fn loopback_base(url: &str) -> anyhow::Result<String> {
    let rest = url
        .strip_prefix("http://")
        .context("the server URL must start with http://")?;
    let host_port = rest.split('/').next().unwrap_or_default();
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        bail!("refusing to load {host}: antre-load only targets loopback addresses");
    }
    Ok(format!("http://{host_port}"))
}

impl Target {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn ws(&self, path: &str) -> String {
        format!("ws://{}{path}", self.base.trim_start_matches("http://"))
    }

    /// The first service without a daily quota: one that takes any number of tickets.
    pub async fn service_without_quota(&self) -> anyhow::Result<String> {
        let site: antre_protocol::SiteInfo =
            reqwest::get(self.url("/api/v1/site")).await?.json().await?;
        site.services
            .into_iter()
            .find(|s| s.daily_quota.is_none())
            .map(|s| s.code)
            .ok_or_else(|| anyhow::anyhow!("no service without quota"))
    }

    /// A token of the demo's admin.
    pub async fn admin_token(&self, http: &reqwest::Client) -> anyhow::Result<String> {
        let login: serde_json::Value = http
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "admin", "password": self.password}))
            .send()
            .await?
            .json()
            .await?;
        login["token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow::anyhow!("login failed: {login}"))
    }
}

/// The `antre` binary: the given path, or the one built beside this tool.
pub fn antre_binary(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path);
    }
    let me = std::env::current_exe()?;
    let sibling = me.with_file_name("antre");
    anyhow::ensure!(
        sibling.exists(),
        "no antre binary at {}; build it (cargo build --release -p antre-server) or pass --antre",
        sibling.display()
    );
    Ok(sibling)
}

/// An `antre demo` started by this tool; killed when dropped.
#[derive(Debug)]
pub struct Spawned {
    pub target: Target,
    /// The server's process id, to read its memory.
    pub pid: u32,
    /// Held so the server is killed when this is dropped.
    _child: Child,
    /// From spawning the process until it printed its address.
    pub startup: Duration,
}

impl Spawned {
    pub async fn demo(antre: &Path, data: &Path, limit: Duration) -> anyhow::Result<Spawned> {
        Spawned::demo_with(antre, data, limit, &[]).await
    }

    /// As `demo`, with more arguments for `antre demo`.
    pub async fn demo_with(
        antre: &Path,
        data: &Path,
        limit: Duration,
        more: &[String],
    ) -> anyhow::Result<Spawned> {
        let mut args: Vec<std::ffi::OsString> = [
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--demo-password",
            DEMO_PASSWORD,
            // The demo's preview printers would write two files per ticket and
            // read every kiosk ticket back from the writer: not what is measured.
            "--no-printers",
            // Measured on a new, empty site (restart writes its own history).
            "--no-history",
            "--data",
        ]
        .map(Into::into)
        .to_vec();
        args.push(data.into());
        args.extend(more.iter().map(Into::into));
        Spawned::start(antre, args, limit).await
    }

    /// `antre serve` with a configuration file of the tool's own.
    pub async fn serve(
        antre: &Path,
        config: &Path,
        data: &Path,
        limit: Duration,
    ) -> anyhow::Result<Spawned> {
        let mut args: Vec<std::ffi::OsString> = ["serve", "--listen", "127.0.0.1:0", "--config"]
            .map(Into::into)
            .to_vec();
        args.extend([config.into(), "--data".into(), data.into()]);
        Spawned::start(antre, args, limit).await
    }

    async fn start(
        antre: &Path,
        args: Vec<std::ffi::OsString>,
        limit: Duration,
    ) -> anyhow::Result<Spawned> {
        let started = Instant::now();
        let mut child = Command::new(antre)
            .args(args)
            .env("RUST_LOG", "antre_server=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", antre.display()))?;
        let pid = child.id().context("the server exited at once")?;
        let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
        let base = tokio::time::timeout(limit, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("listening on ") {
                    return Ok::<_, anyhow::Error>(url.trim().to_string());
                }
            }
            bail!("antre exited before listening")
        })
        .await
        .context("antre did not start in time")??;
        let startup = started.elapsed();
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Spawned {
            target: Target {
                base,
                password: DEMO_PASSWORD.into(),
            },
            pid,
            _child: child,
            startup,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_accepted() {
        assert_eq!(
            loopback_base("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            loopback_base("http://localhost:9/x").unwrap(),
            "http://localhost:9"
        );
        assert!(loopback_base("http://[::1]:8080").is_ok());
        assert!(loopback_base("http://192.168.1.10:8080").is_err());
        assert!(loopback_base("http://example.com").is_err());
        assert!(loopback_base("ftp://127.0.0.1").is_err());
    }
}
