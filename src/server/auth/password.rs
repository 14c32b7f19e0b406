//! argon2id with the OWASP parameters (m = 19 MiB, t = 2, p = 1), computed off the async runtime
//! on a few dedicated threads of the lowest priority (nice 19), so a flood of logins cannot starve
//! page serving: when both want the CPU, page rendering gets almost all of it; when pages are
//! idle, hashing runs at full speed.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads: `n` threads taking jobs from one queue.
#[derive(Debug, Clone)]
struct Pool {
    jobs: mpsc::Sender<Job>,
}

impl Pool {
    fn new(n: usize) -> Result<Pool, String> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..n {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        let job = match queue.lock() {
                            Ok(q) => match q.recv() {
                                Ok(job) => job,
                                Err(_) => return,
                            },
                            Err(_) => return,
                        };
                        job();
                    }
                })
                .map_err(|e| format!("cannot start a hashing thread: {e}"))?;
        }
        Ok(Pool { jobs })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(AppError::internal)?;
        rx.await.map_err(AppError::internal)
    }
}

/// nice 19 for the calling thread (on Linux the nice value is per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority and gettid only read their integer arguments.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        if libc::setpriority(libc::PRIO_PROCESS, tid, 19) != 0 {
            tracing::debug!("could not lower the priority of a hashing thread");
        }
    }
}

#[derive(Debug, Clone)]
pub struct Hasher {
    argon: Argon2<'static>,
    pool: Pool,
    permits: Arc<Semaphore>,
    /// Verified against when an account does not exist, so timing does not tell.
    dummy_hash: Arc<str>,
    /// How many verifications ran (tests show that throttled logins compute none).
    verifications: Arc<AtomicU64>,
}

impl Hasher {
    /// `concurrency`: how many hashes may run at once (one per core is plenty).
    pub fn new(concurrency: usize) -> Result<Hasher, String> {
        let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| e.to_string())?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::generate(&mut OsRng);
        let dummy_hash = argon
            .hash_password(b"no account has this password", &salt)
            .map_err(|e| e.to_string())?
            .to_string();
        Ok(Hasher {
            argon,
            pool: Pool::new(concurrency.max(1))?,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: dummy_hash.into(),
            verifications: Arc::new(AtomicU64::new(0)),
        })
    }

    pub fn verification_count(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let argon = self.argon.clone();
        let password = password.to_owned();
        self.pool
            .run(move || {
                let salt = SaltString::generate(&mut OsRng);
                argon
                    .hash_password(password.as_bytes(), &salt)
                    .map(|h| h.to_string())
            })
            .await?
            .map_err(AppError::internal)
    }

    /// Verifies `password` against `hash`; with no hash (unknown account, no password set yet),
    /// verifies against a dummy hash and returns false, taking the same time.
    pub async fn verify(&self, hash: Option<&str>, password: &str) -> Result<bool, AppError> {
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        let argon = self.argon.clone();
        let real = hash.is_some();
        let hash = hash
            .map(str::to_owned)
            .unwrap_or_else(|| self.dummy_hash.to_string());
        let password = password.to_owned();
        let ok = self
            .pool
            .run(move || {
                PasswordHash::new(&hash)
                    .map(|parsed| argon.verify_password(password.as_bytes(), &parsed).is_ok())
                    .unwrap_or(false)
            })
            .await?;
        Ok(ok && real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_parameters() {
        let h = Hasher::new(1).unwrap();
        let hash = h.hash("Grüne Gurken tanzen").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(h.verify(Some(&hash), "Grüne Gurken tanzen").await.unwrap());
        assert!(!h.verify(Some(&hash), "grüne gurken tanzen").await.unwrap());
        assert!(!h
            .verify(None, "no account has this password")
            .await
            .unwrap());
        assert!(!h.verify(Some("not a hash"), "x").await.unwrap());
    }
}
