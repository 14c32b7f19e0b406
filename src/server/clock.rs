//! The one source of "now" (unix seconds), settable in tests so that due dates and expiry can be
//! tested without sleeping.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(Arc<AtomicI64>),
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
}
