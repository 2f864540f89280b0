//! The site description (`GET /api/v1/site`) for agents that boot before the server:
//! a kiosk PC or a speaker PC is often switched on with the whole building, and the
//! server may take longer to come up.

use antre_protocol::SiteInfo;

use crate::address::Address;
use crate::backoff::Backoff;

/// An answer that waiting will not change: something a person must fix.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// Not the Antre server (or not this version of it) at that address.
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: unreadable site description: {reason}")]
    Unreadable { url: String, reason: String },
}

/// The site description, retried with [`Backoff`] while the server cannot be reached
/// or answers with a server error (starting, or behind a proxy whose upstream is not
/// up yet). Any other answer is final.
pub async fn load(http: &reqwest::Client, server: &Address) -> Result<SiteInfo, SiteError> {
    let url = server.url("/api/v1/site");
    let mut backoff = Backoff::new();
    loop {
        let why = match http.get(&url).send().await {
            Ok(res) if res.status().is_success() => match res.bytes().await {
                Ok(body) => {
                    return serde_json::from_slice(&body).map_err(|e| SiteError::Unreadable {
                        url,
                        reason: e.to_string(),
                    });
                }
                // The body was cut off: the connection, not the answer, failed.
                Err(e) => e.to_string(),
            },
            Ok(res) if res.status().is_server_error() => format!("HTTP {}", res.status()),
            Ok(res) => {
                return Err(SiteError::Status {
                    url,
                    status: res.status().as_u16(),
                });
            }
            Err(e) => e.to_string(),
        };
        let pause = backoff.next_pause();
        tracing::warn!("server {server} not ready ({why}); retrying in {pause:.1?}");
        tokio::time::sleep(pause).await;
    }
}
