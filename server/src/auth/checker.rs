//! Password and device-token checks (Argon2) on a small, fixed pool of threads.
//!
//! Argon2 is slow and memory-hard on purpose: each check takes about 19 MiB and tens
//! of milliseconds. Run on the async runtime's blocking pool, a burst of wrong log-ins
//! or tokens would start hundreds of checks at once, take gigabytes and keep them
//! (the allocator does not give such blocks back). Here a fixed number of threads each
//! owns one block of memory, reused for every check; checks wait in a bounded queue,
//! and when it is full the caller is told to come back later (429) instead of waiting.
//! Memory is bounded by configuration: `threads × 19 MiB`, whatever the request rate.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::oneshot;

/// Largest Argon2 memory a stored hash may ask for: 64 MiB. `antre hash-password` uses
/// 19 MiB; a hash asking for more is refused rather than allowed to take the machine.
const MAX_BLOCKS: usize = 64 * 1024;

/// Checks waiting beyond this are refused: the caller is told to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many password checks waiting")]
pub struct Busy;

struct Job {
    secret: String,
    hashes: Arc<Vec<String>>,
    reply: oneshot::Sender<Option<usize>>,
}

/// The pool. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Checker {
    jobs: SyncSender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl Checker {
    /// Starts `threads` checking threads with `waiting` places in their queue.
    pub fn start(threads: usize, waiting: usize) -> Checker {
        let (jobs, queue) = sync_channel::<Job>(waiting);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("antre-argon2-{n}"))
                .spawn(move || work(&queue))
                .expect("a thread for password checks");
        }
        Checker { jobs }
    }

    /// The index of the first of `hashes` that `secret` matches, if any. `Busy` when
    /// the queue is full.
    pub async fn check(
        &self,
        secret: &str,
        hashes: Arc<Vec<String>>,
    ) -> Result<Option<usize>, Busy> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            secret: secret.to_string(),
            hashes,
            reply,
        };
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Busy),
            Err(TrySendError::Disconnected(_)) => return Ok(None),
        }
        Ok(answer.await.unwrap_or(None))
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    // This thread's Argon2 memory, grown once to what the hashes need and reused.
    let mut blocks: Vec<Block> = Vec::new();
    loop {
        let job = {
            let Ok(queue) = queue.lock() else { return };
            match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        let found = job
            .hashes
            .iter()
            .position(|hash| verify(job.secret.as_bytes(), hash, &mut blocks));
        let _ = job.reply.send(found);
    }
}

/// Whether `secret` matches the PHC-format Argon2 `hash`, computed in `blocks`.
pub fn verify(secret: &[u8], hash: &str, blocks: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::new(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let (Ok(params), Some(salt), Some(expected)) =
        (Params::try_from(&parsed), parsed.salt, parsed.hash)
    else {
        return false;
    };
    let need = params.block_count();
    if need > MAX_BLOCKS {
        tracing::error!("a stored hash asks for more Argon2 memory than allowed: refused");
        return false;
    }
    if blocks.len() < need {
        blocks.resize(need, Block::default());
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let computed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        secret,
        salt,
        &mut out,
        &mut blocks[..need],
    );
    // `Output` compares in constant time.
    computed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn checks_find_the_matching_hash_and_refuse_when_the_queue_is_full() {
        let a = super::super::hash_password("rahasia-satu").unwrap();
        let b = super::super::hash_password("rahasia-dua").unwrap();
        let hashes = Arc::new(vec![a, b]);
        let checker = Checker::start(1, 4);
        assert_eq!(
            checker.check("rahasia-dua", hashes.clone()).await,
            Ok(Some(1))
        );
        assert_eq!(checker.check("salah", hashes.clone()).await, Ok(None));
        // One thread, four places: a burst of twenty gets some refusals, and every
        // accepted check is answered.
        let checker = Arc::new(checker);
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (checker, hashes) = (checker.clone(), hashes.clone());
                tokio::spawn(async move { checker.check("salah", hashes).await })
            })
            .collect();
        let mut busy = 0;
        for task in tasks {
            match task.await.unwrap() {
                Err(Busy) => busy += 1,
                Ok(found) => assert_eq!(found, None),
            }
        }
        assert!(busy > 0, "a full queue refuses");
    }

    #[test]
    fn memory_is_reused_and_foreign_hashes_are_refused() {
        let hash = super::super::hash_password("rahasia").unwrap();
        let mut blocks = Vec::new();
        assert!(verify(b"rahasia", &hash, &mut blocks));
        let size = blocks.len();
        assert!(verify(b"rahasia", &hash, &mut blocks));
        assert_eq!(blocks.len(), size, "the same memory serves the next check");
        assert!(!verify(b"rahasia", "$2b$10$notargon", &mut blocks));
        assert!(!verify(b"rahasia", "rahasia", &mut blocks));
    }
}
