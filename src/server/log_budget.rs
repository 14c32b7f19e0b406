//! A budget for warnings and errors: at most a few lines a second from any one place in the
//! code. A failure that hits every request (the database unreachable, an overload answered
//! with 503, slow statements while the disk stalls) would otherwise write one line per request
//! and turn the log into the next outage. Information lines, one per request, are never dropped.
use std::collections::HashMap;
use std::sync::Mutex;

use tracing::callsite::Identifier;
use tracing::subscriber::Interest;
use tracing::{Level, Metadata};
use tracing_subscriber::layer::{Context, Filter};

/// Lines per second and call site.
pub const PER_SECOND: u32 = 20;

#[derive(Default)]
pub struct LogBudget {
    seen: Mutex<HashMap<Identifier, (u64, u32)>>,
}

impl LogBudget {
    /// Whether one more line from `site` fits the budget of `second`.
    fn admit(&self, site: Identifier, second: u64) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        let entry = seen.entry(site).or_insert((second, 0));
        if entry.0 != second {
            *entry = (second, 0);
        }
        entry.1 += 1;
        entry.1 <= PER_SECOND
    }
}

impl<S> Filter<S> for LogBudget {
    fn enabled(&self, meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        // Levels compare by verbosity: INFO, DEBUG and TRACE are "greater" than WARN.
        if !meta.is_event() || *meta.level() > Level::WARN {
            return true;
        }
        let second = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.admit(meta.callsite(), second)
    }

    fn callsite_enabled(&self, meta: &'static Metadata<'static>) -> Interest {
        // Warnings and errors are decided per event; everything else is the level filter's
        // business, which can then switch off debug and trace call sites for good (asking
        // per event there would cost every request in the libraries' hot paths).
        if meta.is_event() && *meta.level() <= Level::WARN {
            Interest::sometimes()
        } else {
            Interest::always()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Not zero-sized: two zero-sized statics may share one address, and so one identifier.
    struct Site(#[allow(dead_code)] u8);
    impl tracing::callsite::Callsite for Site {
        fn set_interest(&self, _: Interest) {}
        fn metadata(&self) -> &Metadata<'_> {
            unimplemented!()
        }
    }
    static A: Site = Site(1);
    static B: Site = Site(2);

    #[test]
    fn each_site_gets_its_own_budget_per_second() {
        let budget = LogBudget::default();
        let a = Identifier(&A);
        let b = Identifier(&B);
        let admitted = (0..100).filter(|_| budget.admit(a.clone(), 7)).count();
        assert_eq!(admitted, PER_SECOND as usize);
        assert!(
            budget.admit(b.clone(), 7),
            "another place has its own budget"
        );
        assert!(budget.admit(a, 8), "the next second starts afresh");
    }
}
