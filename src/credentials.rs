//! Short-term credentials as they travel from STS or the cache to the output.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// Seconds since the Unix epoch.
    pub expiration: i64,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret parts, even in a debug dump.
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &rfc3339(self.expiration))
            .finish_non_exhaustive()
    }
}

impl Credentials {
    pub fn expiration_rfc3339(&self) -> String {
        rfc3339(self.expiration)
    }

    /// Whether more than `min_remaining` seconds are left.
    pub fn is_fresh(&self, min_remaining: u64) -> bool {
        fresh_until(self.expiration, min_remaining)
    }
}

/// Whether more than `min_remaining` seconds are left before `expiration`.
pub fn fresh_until(expiration: i64, min_remaining: u64) -> bool {
    expiration - now() > i64::try_from(min_remaining).unwrap_or(i64::MAX)
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// RFC 3339 in UTC, whole seconds: `2026-11-23T18:30:00Z`.
pub fn rfc3339(epoch_seconds: i64) -> String {
    DateTime::from_secs(epoch_seconds)
        .fmt(Format::DateTime)
        .unwrap_or_else(|_| epoch_seconds.to_string())
}

pub fn parse_rfc3339(text: &str) -> Option<i64> {
    DateTime::from_str(text, Format::DateTime)
        .ok()
        .map(|d| d.secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339("2026-11-23T18:30:00Z"), Some(1_795_458_600));
        assert_eq!(rfc3339(1_795_458_600), "2026-11-23T18:30:00Z");
        assert_eq!(parse_rfc3339("tomorrow"), None);
    }

    #[test]
    fn freshness_honours_the_margin() {
        let c = Credentials {
            access_key_id: "ASIA".into(),
            secret_access_key: "s".into(),
            session_token: "t".into(),
            expiration: now() + 600,
        };
        assert!(c.is_fresh(300));
        assert!(!c.is_fresh(900));
        let debug = format!("{c:?}");
        assert!(!debug.contains("secret_access_key") && !debug.contains("\"s\""));
    }
}
