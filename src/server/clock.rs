//! The one source of "now" (unix seconds), settable in tests so that due dates and expiry can be
//! tested without sleeping.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(Arc<AtomicI64>),
    /// The system clock plus the number of seconds in a file (end-to-end tests move time by
    /// writing the file; a missing or unreadable file adds nothing).
    OffsetFile(Arc<std::path::PathBuf>),
}

impl Clock {
    pub fn fixed(unix_seconds: i64) -> Clock {
        Clock::Fixed(Arc::new(AtomicI64::new(unix_seconds)))
    }

    pub fn now(&self) -> i64 {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
            Clock::Fixed(t) => t.load(Ordering::SeqCst),
            Clock::OffsetFile(path) => {
                let offset = std::fs::read_to_string(path.as_ref())
                    .ok()
                    .and_then(|s| s.trim().parse::<i64>().ok())
                    .unwrap_or(0);
                Clock::System.now() + offset
            }
        }
    }

    /// Moves a fixed clock; a system clock ignores this.
    pub fn set(&self, unix_seconds: i64) {
        if let Clock::Fixed(t) = self {
            t.store(unix_seconds, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_set() {
        let c = Clock::fixed(100);
        assert_eq!(c.now(), 100);
        c.set(200);
        assert_eq!(c.now(), 200);
        assert!(Clock::System.now() > 1_700_000_000);
    }

    #[test]
    fn offset_file_moves_the_system_clock() {
        let dir = std::env::temp_dir().join(format!("clock-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("offset");
        let c = Clock::OffsetFile(Arc::new(path.clone()));
        let base = Clock::System.now();
        assert!((c.now() - base).abs() <= 2, "missing file adds nothing");
        std::fs::write(&path, "864000").expect("write");
        assert!((c.now() - base - 864_000).abs() <= 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
