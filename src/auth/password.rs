//! Passwords: the rule a new password must meet, and argon2id hashing.
//!
//! Hashes are PHC strings made with argon2id, m = 19 456 KiB, t = 2, p = 1 (the OWASP
//! minimum). A stored hash made with weaker parameters still verifies and is replaced at the
//! next successful login. Hashing takes tens of milliseconds of CPU: callers run it on the
//! blocking pool (`web::block`), never on an async worker.
//!
//! Each verification holds 19 MiB while it runs, so the web layer runs them through one
//! bounded [`VerifyQueue`]: a few at a time on its own threads (about one per core), a few
//! more waiting, and the rest refused at once (503 with `Retry-After`) rather than piling up
//! memory.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use unicode_normalization::UnicodeNormalization;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;
pub const M_COST_KIB: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

const COMMON: &str = include_str!("common-passwords.txt");

/// Why a new password is refused. The messages are shown to users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Mật khẩu quá ngắn: cần ít nhất {MIN_CHARS} ký tự (đang có {0}).")]
    TooShort(usize),
    #[error("Mật khẩu quá dài: tối đa {MAX_CHARS} ký tự (đang có {0}).")]
    TooLong(usize),
    #[error("Mật khẩu này quá phổ biến, dễ bị đoán ra. Hãy chọn mật khẩu khác, ví dụ một câu dài dễ nhớ.")]
    Common,
    #[error("Mật khẩu không được trùng với tên đăng nhập.")]
    SameAsUsername,
}

/// A password that meets the rule, in NFC (the same text typed on any keyboard gives the same
/// hash).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Length 12–128 characters (counted after NFC), not a common password, not the user name.
    /// No composition rules (NIST SP 800-63B).
    pub fn parse(raw: &str, username: &str) -> Result<NewPassword, PasswordError> {
        let nfc = normalize(raw);
        let n = nfc.chars().count();
        if n < MIN_CHARS {
            return Err(PasswordError::TooShort(n));
        }
        if n > MAX_CHARS {
            return Err(PasswordError::TooLong(n));
        }
        let lower = nfc.to_lowercase();
        if is_common(&lower) {
            return Err(PasswordError::Common);
        }
        if !username.is_empty() && lower == username.to_lowercase() {
            return Err(PasswordError::SameAsUsername);
        }
        Ok(NewPassword(nfc))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The form a password is hashed and verified in.
pub fn normalize(raw: &str) -> String {
    raw.nfc().collect()
}

fn is_common(lower: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
    .contains(lower)
}

fn hasher() -> Result<Argon2<'static>, argon2::Error> {
    Ok(Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(M_COST_KIB, T_COST, P_COST, None)?,
    ))
}

#[derive(Debug, thiserror::Error)]
#[error("không tạo được mã băm mật khẩu: {0}")]
pub struct HashError(String);

/// The PHC string of a new password (random 16-byte salt).
pub fn hash(password: &NewPassword) -> Result<String, HashError> {
    hash_raw(password.as_str())
}

/// A new hash of a password that just verified against a hash with weaker parameters.
pub fn rehash(password: &str) -> Result<String, HashError> {
    hash_raw(&normalize(password))
}

fn hash_raw(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    let h = hasher()
        .map_err(|e| HashError(e.to_string()))?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| HashError(e.to_string()))?;
    Ok(h.to_string())
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Wrong,
    /// Right, and the hash meets the current parameters.
    Ok,
    /// Right, but the hash was made with weaker parameters: store a new one.
    OkNeedsRehash,
}

/// Checks `password` (normalized here) against a PHC string. An unparsable stored hash never
/// matches.
pub fn verify(password: &str, phc: &str) -> Verified {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return Verified::Wrong;
    };
    let pw = normalize(password);
    // The parameters come from the stored hash, so an old weaker hash still verifies.
    let right = match verify_in_thread_memory(pw.as_bytes(), &parsed) {
        Some(right) => right,
        None => Argon2::default()
            .verify_password(pw.as_bytes(), &parsed)
            .is_ok(),
    };
    if !right {
        return Verified::Wrong;
    }
    if needs_rehash(phc) {
        Verified::OkNeedsRehash
    } else {
        Verified::Ok
    }
}

/// The largest argon2 memory kept for reuse by a thread (64 MiB); a stored hash asking for
/// more is verified with memory of its own.
const MAX_REUSED_BLOCKS: usize = 64 * 1024;

thread_local! {
    /// The argon2 memory of this thread, reused by every verification on it. Allocating
    /// 19 MiB per verification makes the allocator keep freed blocks around in each thread's
    /// arena; one block per password check thread is all the queue ever holds.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Verifies with this thread's reused memory; `None` when the stored hash cannot be handled
/// that way (then the caller verifies the usual way, which also reports malformed hashes).
fn verify_in_thread_memory(password: &[u8], parsed: &PasswordHash<'_>) -> Option<bool> {
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(parsed).ok()?;
    let expected = parsed.hash?;
    let mut salt_buf = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt_buf).ok()?;
    let blocks = params.block_count();
    if blocks > MAX_REUSED_BLOCKS {
        return None;
    }
    let mut out = [0u8; 64];
    let out = out.get_mut(..expected.len())?;
    let hasher = Argon2::new(algorithm, version, params);
    BLOCKS
        .with(|cell| {
            let mut mem = cell.try_borrow_mut().ok()?;
            if mem.len() < blocks {
                mem.resize(blocks, argon2::Block::default());
            }
            let mem = mem.get_mut(..blocks)?;
            hasher
                .hash_password_into_with_memory(password, salt, out, mem)
                .ok()
        })
        .map(|()| same_bytes(out, expected.as_bytes()))
}

/// Compares in time independent of where the bytes differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a stored hash was made with something weaker than argon2id v19 at the current
/// parameters. Stronger parameters are kept.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    if parsed.algorithm.as_str() != "argon2id" || parsed.version != Some(0x13) {
        return true;
    }
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    params.m_cost() < M_COST_KIB || params.t_cost() < T_COST || params.p_cost() < P_COST
}

/// A hash of a random password, made once per process: a login for an unknown or disabled
/// account is verified against it, so that it costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut secret = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        hash_raw(&hex::encode(secret)).unwrap_or_default()
    })
}

/// Runs a verification that always fails, taking the time a real one takes.
pub fn verify_dummy(password: &str) -> Verified {
    let _ = verify(password, dummy_hash());
    Verified::Wrong
}

/// A unit of queued work, run on one of the queue's threads.
type Job = Box<dyn FnOnce() + Send>;

/// The running and waiting room of password hashing and verification: a few threads of its
/// own (started at first use) fed by a bounded channel. Own threads, not the blocking pool:
/// the allocator keeps a freed 19 MiB block in the arena of the thread that used it, so
/// verifications spread over hundreds of pool threads would keep hundreds of blocks.
pub struct VerifyQueue {
    running: usize,
    waiting: usize,
    jobs: std::sync::OnceLock<std::sync::mpsc::SyncSender<Job>>,
    /// Jobs sent and not yet finished.
    occupied: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// Why queued work did not run.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// Running and waiting room full: try again shortly.
    #[error("hàng đợi kiểm tra mật khẩu đã đầy")]
    Full,
    #[error("kiểm tra mật khẩu thất bại: {0}")]
    Failed(String),
}

/// Threads of one queue at most, and jobs waiting at most (configuration is checked against
/// lower bounds; these only keep a programming error from starting thousands of threads).
const MAX_THREADS: usize = 256;
const MAX_WAITING: usize = 100_000;

impl VerifyQueue {
    /// `running` at once (at least one), `waiting` more in line.
    pub fn new(running: usize, waiting: usize) -> VerifyQueue {
        VerifyQueue {
            running: running.clamp(1, MAX_THREADS),
            waiting: waiting.min(MAX_WAITING),
            jobs: std::sync::OnceLock::new(),
            occupied: std::sync::Arc::default(),
        }
    }

    /// How many are running or waiting now.
    pub fn occupied(&self) -> usize {
        self.occupied.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The channel to the threads, started on first use. A thread that cannot be started is
    /// logged; the others serve.
    fn jobs(&self) -> &std::sync::mpsc::SyncSender<Job> {
        self.jobs.get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(self.waiting);
            let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
            for i in 0..self.running {
                let rx = rx.clone();
                let started = std::thread::Builder::new()
                    .name(format!("vanban-password-{i}"))
                    .spawn(move || loop {
                        // The lock is released at the end of this statement, before the job.
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            // The queue was dropped.
                            Err(_) => return,
                        }
                    });
                if let Err(e) = started {
                    tracing::error!(error = %e, "cannot start a password check thread");
                }
            }
            tx
        })
    }

    /// Runs `work` on one of the queue's threads when its turn comes, or refuses at once when
    /// the queue is full.
    pub async fn run<T, F>(&self, work: F) -> Result<T, QueueError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        use std::sync::atomic::Ordering;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let occupied = self.occupied.clone();
        let job: Job = Box::new(move || {
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            occupied.fetch_sub(1, Ordering::SeqCst);
            if let Ok(v) = done {
                let _ = tx.send(v);
            }
        });
        self.occupied.fetch_add(1, Ordering::SeqCst);
        if let Err(e) = self.jobs().try_send(job) {
            self.occupied.fetch_sub(1, Ordering::SeqCst);
            return Err(match e {
                std::sync::mpsc::TrySendError::Full(_) => QueueError::Full,
                std::sync::mpsc::TrySendError::Disconnected(_) => {
                    QueueError::Failed("no password check thread is running".into())
                }
            });
        }
        rx.await
            .map_err(|_| QueueError::Failed("the password check failed".into()))
    }
}

/// The default number of verifications at once: one per core.
pub fn default_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn the_queue_refuses_work_beyond_its_waiting_room() {
        let q = std::sync::Arc::new(VerifyQueue::new(1, 1));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = std::sync::Mutex::new(rx);
        // One running (held until told), one waiting, the third refused.
        let q1 = q.clone();
        let first = actix_web::rt::spawn(async move {
            q1.run(move || rx.lock().map(|r| r.recv().is_ok()).unwrap_or(false))
                .await
        });
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(q.occupied(), 1);
        let q2 = q.clone();
        let second = actix_web::rt::spawn(async move { q2.run(|| 2).await });
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(q.occupied(), 2);
        assert!(matches!(q.run(|| 3).await, Err(QueueError::Full)));
        tx.send(()).unwrap();
        assert!(first.await.unwrap().unwrap());
        assert_eq!(second.await.unwrap().unwrap(), 2);
        // Free again.
        assert_eq!(q.occupied(), 0);
        assert_eq!(q.run(|| 4).await.unwrap(), 4);
        // A job that panics fails alone; the thread goes on serving.
        let panicked = q.run(|| -> u8 { panic!("in a password check") }).await;
        assert!(matches!(panicked, Err(QueueError::Failed(_))));
        assert_eq!(q.occupied(), 0);
        assert_eq!(q.run(|| 5).await.unwrap(), 5);
    }

    #[test]
    fn length_counts_characters_after_nfc() {
        assert_eq!(
            NewPassword::parse("ngắn quá", "lan"),
            Err(PasswordError::TooShort(8))
        );
        // 12 Vietnamese characters are 12, even though they take more bytes (and in NFD more
        // code points).
        let twelve = "đường hầm ổn";
        assert_eq!(twelve.chars().count(), 12);
        assert!(NewPassword::parse(twelve, "lan").is_ok());
        let nfd: String = twelve.nfd().collect();
        assert!(nfd.chars().count() > 12);
        assert_eq!(
            NewPassword::parse(&nfd, "lan").map(|p| p.as_str().to_string()),
            Ok(twelve.to_string())
        );
        assert_eq!(
            NewPassword::parse("gió mùa thu", "x"),
            Err(PasswordError::TooShort(11))
        );
        let max: String = "gió mùa thu ".repeat(11).chars().take(128).collect();
        assert!(NewPassword::parse(&max, "x").is_ok());
        let long: String = "gió mùa thu ".repeat(11).chars().take(129).collect();
        assert_eq!(
            NewPassword::parse(&long, "x"),
            Err(PasswordError::TooLong(129))
        );
    }

    #[test]
    fn common_passwords_and_the_user_name_are_refused_in_any_case() {
        for p in [
            "matkhau123456",
            "MatKhau123456",
            "123456789abc",
            "Password1234",
            "qwertyuiop123",
            "111111111111",
        ] {
            assert_eq!(
                NewPassword::parse(p, "lan"),
                Err(PasswordError::Common),
                "{p}"
            );
        }
        assert_eq!(
            NewPassword::parse("nguyenthilan99", "NguyenThiLan99"),
            Err(PasswordError::SameAsUsername)
        );
        // No composition rule: a long phrase of lower-case words is fine.
        assert!(NewPassword::parse("trâu ơi ta bảo trâu này", "lan").is_ok());
    }

    #[test]
    fn hashes_use_argon2id_with_the_owasp_parameters_and_verify() {
        let p = NewPassword::parse("trâu ơi ta bảo trâu này", "lan").unwrap();
        let h = hash(&p).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert_eq!(verify("trâu ơi ta bảo trâu này", &h), Verified::Ok);
        // The same text typed in NFD verifies.
        let nfd: String = "trâu ơi ta bảo trâu này".nfd().collect();
        assert_eq!(verify(&nfd, &h), Verified::Ok);
        assert_eq!(verify("trâu ơi ta bảo trâu nầy", &h), Verified::Wrong);
        assert_eq!(verify("anything", "not a hash"), Verified::Wrong);
        assert_eq!(verify_dummy("trâu ơi ta bảo trâu này"), Verified::Wrong);
    }

    #[test]
    fn verification_reuses_one_memory_for_hashes_of_any_size() {
        let strong = hash_raw("trâu ơi ta bảo trâu này").unwrap();
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(
            "trâu ơi ta bảo trâu này".as_bytes(),
            &SaltString::encode_b64(&[7u8; 16]).unwrap(),
        )
        .unwrap()
        .to_string();
        // Big, small, big again on one thread: the reused memory is sized for each.
        for (h, want) in [(&strong, Verified::Ok), (&weak, Verified::OkNeedsRehash)] {
            let parsed = PasswordHash::new(h).unwrap();
            assert_eq!(
                verify_in_thread_memory("trâu ơi ta bảo trâu này".as_bytes(), &parsed),
                Some(true)
            );
            assert_eq!(verify_in_thread_memory(b"trau oi", &parsed), Some(false));
            assert_eq!(verify("trâu ơi ta bảo trâu này", h), want);
        }
        assert_eq!(verify("trâu ơi ta bảo trâu này", &strong), Verified::Ok);
        assert_eq!(verify("sai", &strong), Verified::Wrong);
        // Too much memory for reuse: verified the usual way.
        let huge = "$argon2id$v=19$m=262144,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(
            verify_in_thread_memory(b"x", &PasswordHash::new(huge).unwrap()),
            None
        );
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd") && !same_bytes(b"abc", b"ab"));
    }

    #[test]
    fn weaker_hashes_verify_and_ask_for_an_upgrade() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(
            b"trau oi ta bao trau nay",
            &SaltString::encode_b64(&[7u8; 16]).unwrap(),
        )
        .unwrap()
        .to_string();
        assert!(needs_rehash(&weak));
        assert_eq!(
            verify("trau oi ta bao trau nay", &weak),
            Verified::OkNeedsRehash
        );
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(M_COST_KIB, T_COST, P_COST, None).unwrap(),
        )
        .hash_password(b"x", &SaltString::encode_b64(&[7u8; 16]).unwrap())
        .unwrap()
        .to_string();
        assert!(needs_rehash(&argon2i));
        assert!(!needs_rehash("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assert!(needs_rehash("$argon2id$v=19$m=19456,t=1,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        assert!(needs_rehash("garbage"));
    }
}
