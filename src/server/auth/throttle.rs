//! Login throttling: after 5 failed logins for an account, or 20 from one IP, within 15 minutes,
//! further attempts are refused until the window has passed (and no hash is computed).
pub const WINDOW_SECONDS: i64 = 15 * 60;
pub const MAX_ACCOUNT_FAILURES: i64 = 5;
pub const MAX_IP_FAILURES: i64 = 20;

/// Whether a login attempt may proceed, given the failures counted in the window.
pub fn allowed(account_failures: i64, ip_failures: i64) -> bool {
    account_failures < MAX_ACCOUNT_FAILURES && ip_failures < MAX_IP_FAILURES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert!(allowed(0, 0));
        assert!(allowed(4, 19));
        assert!(!allowed(5, 0));
        assert!(!allowed(0, 20));
    }
}
