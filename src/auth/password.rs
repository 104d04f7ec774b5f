//! Passwords: the rule a new password must meet, and argon2id hashing.
//!
//! Hashes are PHC strings made with argon2id, m = 19 456 KiB, t = 2, p = 1 (the OWASP
//! minimum). A stored hash made with weaker parameters still verifies and is replaced at the
//! next successful login. Hashing takes tens of milliseconds of CPU: callers run it on the
//! blocking pool (`web::block`), never on an async worker.
//!
//! Each verification holds 19 MiB while it runs, so the web layer runs them through one
//! bounded [`VerifyQueue`]: a few at a time (about one per core), a few more waiting, and
//! the rest refused at once (503 with `Retry-After`) rather than piling up memory.

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
    // The parameters come from the stored hash, so an old weaker hash still verifies.
    if Argon2::default()
        .verify_password(normalize(password).as_bytes(), &parsed)
        .is_err()
    {
        return Verified::Wrong;
    }
    if needs_rehash(phc) {
        Verified::OkNeedsRehash
    } else {
        Verified::Ok
    }
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

/// The running and waiting room of password hashing and verification.
pub struct VerifyQueue {
    /// Work running at once.
    running: std::sync::Arc<tokio::sync::Semaphore>,
    /// Work running or waiting; past it, refused.
    admitted: std::sync::Arc<tokio::sync::Semaphore>,
    capacity: usize,
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

impl VerifyQueue {
    /// `running` at once (at least one), `waiting` more in line.
    pub fn new(running: usize, waiting: usize) -> VerifyQueue {
        let running = running.clamp(1, tokio::sync::Semaphore::MAX_PERMITS / 2);
        let waiting = waiting.min(tokio::sync::Semaphore::MAX_PERMITS / 2);
        VerifyQueue {
            running: std::sync::Arc::new(tokio::sync::Semaphore::new(running)),
            admitted: std::sync::Arc::new(tokio::sync::Semaphore::new(running + waiting)),
            capacity: running + waiting,
        }
    }

    /// How many are running or waiting now.
    pub fn occupied(&self) -> usize {
        self.capacity - self.admitted.available_permits()
    }

    /// Runs `work` on the blocking pool when its turn comes, or refuses at once when the
    /// queue is full.
    pub async fn run<T, F>(&self, work: F) -> Result<T, QueueError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let Ok(_admitted) = self.admitted.clone().try_acquire_owned() else {
            return Err(QueueError::Full);
        };
        let _running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| QueueError::Failed(e.to_string()))?;
        actix_web::web::block(work)
            .await
            .map_err(|e| QueueError::Failed(e.to_string()))
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
