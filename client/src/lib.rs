//! What every native client of the Antre server shares: the kiosk agent, the board
//! agent and the counter terminal client all follow the live stream and most read the
//! site description first. Doing that in one place means one behaviour everywhere: the
//! same pauses between attempts, the same resumption with `since=SEQ`, the same way of
//! noticing a connection that died without a word (a pulled cable).
//!
//! - [`address`]: the server's `http://HOST:PORT`, and why https is refused;
//! - [`backoff`]: the growing, jittered pause between attempts;
//! - [`follow`]: the live-stream follower and the [`Handler`] each client implements;
//! - [`search`]: the service search, the same as the pages' (`server/assets/antre.js`);
//! - [`site`]: `GET /api/v1/site`, waiting for a server that is not up yet.

pub mod address;
pub mod backoff;
pub mod follow;
pub mod search;
pub mod site;

pub use address::{Address, AddressError};
pub use backoff::Backoff;
pub use follow::{Control, Feed, Follower, Handler, Options};
