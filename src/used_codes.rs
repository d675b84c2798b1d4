//! The codes STS accepted, per MFA device (docs/design.md §4, §6): AWS accepts a TOTP code
//! once, so a code it accepted is never sent again while it may still be current.
//!
//! One 0600 file per device in the cache directory, `<32 hex digits>.used`, holding for
//! each code accepted within [`REUSE_WINDOW`] when it was accepted, a random salt and the
//! SHA-256 of salt and code: never the code. The hash keeps the code out of sight (a
//! backup, a grep), not from someone who may read the file: six digits are quickly tried,
//! which is why the file is as private as the credentials, and why the code is no secret
//! worth keeping once it has been spent.

use std::io::Read;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cache::Cache;
use crate::credentials::{now, parse_rfc3339, rfc3339};
use crate::error::Result;

/// How long after STS accepted a code it counts as spent, in seconds: a TOTP code is
/// current for one 30-second step, and AWS also accepts the steps on either side.
pub const REUSE_WINDOW: i64 = 90;
/// The TOTP step (RFC 6238's default, which every MFA device AWS supports uses), in
/// seconds, aligned to the Unix epoch.
pub const TOTP_STEP: u64 = 30;

const SCHEMA: u32 = 1;
const SALT_BYTES: usize = 16;

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    schema: u32,
    device: String,
    accepted: Vec<Accepted>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Accepted {
    /// When STS accepted the code, RFC 3339 UTC.
    at: String,
    salt: String,
    sha256: String,
}

/// The spent codes of one device. The caller holds the device's lock
/// ([`Cache::lock_codes`]) from the check to the remembering.
pub struct UsedCodes<'a> {
    cache: &'a Cache,
    device: &'a str,
}

impl<'a> UsedCodes<'a> {
    pub fn new(cache: &'a Cache, device: &'a str) -> Self {
        Self { cache, device }
    }

    /// How many seconds ago STS accepted `code` for this device, if it is spent.
    pub fn spent(&self, code: &str) -> Option<i64> {
        spent_at(&self.accepted(), code, now())
    }

    /// Remembers that STS has just accepted `code` for this device; the codes accepted
    /// before the window are forgotten.
    pub fn remember(&self, code: &str) -> Result<()> {
        let salt = random_salt()
            .map_err(|e| crate::error::Error::new(format!("cannot read random bytes: {e}")))?;
        let record = Record {
            schema: SCHEMA,
            device: self.device.to_string(),
            accepted: with_accepted(self.accepted(), code, now(), &salt),
        };
        let mut body = serde_json::to_vec_pretty(&record).expect("a record serialises");
        body.push(b'\n');
        self.cache.write_codes(self.device, &body)
    }

    /// What the file says was accepted; nothing when there is no file or it is not trusted
    /// (another user's, open to others, of another device, unreadable): it is replaced.
    fn accepted(&self) -> Vec<Accepted> {
        let Some(mut file) = self.cache.open_codes(self.device) else {
            return Vec::new();
        };
        let mut text = String::new();
        if file.read_to_string(&mut text).is_err() {
            return Vec::new();
        }
        match serde_json::from_str::<Record>(&text) {
            Ok(record) if record.schema == SCHEMA && record.device == self.device => {
                record.accepted
            }
            _ => Vec::new(),
        }
    }
}

/// How long before `now` `code` was accepted, if within the window. A record up to a
/// window ahead of `now` counts too: the clock may have been set back.
fn spent_at(accepted: &[Accepted], code: &str, now: i64) -> Option<i64> {
    accepted
        .iter()
        .filter(|a| a.sha256 == hash(&a.salt, code))
        .filter_map(|a| parse_rfc3339(&a.at))
        .map(|at| now - at)
        .filter(|ago| ago.abs() < REUSE_WINDOW)
        .min_by_key(|ago| ago.abs())
}

/// `accepted` with `code` added as accepted at `now`, less what is outside the window.
fn with_accepted(accepted: Vec<Accepted>, code: &str, now: i64, salt: &str) -> Vec<Accepted> {
    let mut kept: Vec<Accepted> = accepted
        .into_iter()
        .filter(|a| parse_rfc3339(&a.at).is_some_and(|at| (now - at).abs() < REUSE_WINDOW))
        .collect();
    kept.push(Accepted {
        at: rfc3339(now),
        salt: salt.to_string(),
        sha256: hash(salt, code),
    });
    kept
}

fn hash(salt: &str, code: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(code.as_bytes());
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_salt() -> std::io::Result<String> {
    let mut salt = [0u8; SALT_BYTES];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut salt)?;
    Ok(hex(&salt))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_800_000_000;

    fn accepted_at(code: &str, at: i64) -> Vec<Accepted> {
        with_accepted(Vec::new(), code, at, &random_salt().unwrap())
    }

    #[test]
    fn a_code_is_spent_for_90_seconds_after_sts_accepted_it() {
        let accepted = accepted_at("123456", T);
        assert_eq!(spent_at(&accepted, "123456", T), Some(0));
        assert_eq!(spent_at(&accepted, "123456", T + 89), Some(89));
        assert_eq!(spent_at(&accepted, "123456", T + REUSE_WINDOW), None);
        assert_eq!(spent_at(&accepted, "123456", T + 3600), None);
        assert_eq!(spent_at(&accepted, "654321", T + 1), None);
        // A clock set back by a few seconds still sees it.
        assert_eq!(spent_at(&accepted, "123456", T - 5), Some(-5));
        assert_eq!(spent_at(&accepted, "123456", T - REUSE_WINDOW), None);
    }

    #[test]
    fn every_code_accepted_within_the_window_is_kept_and_older_ones_go() {
        let salt = random_salt().unwrap();
        let accepted = accepted_at("111111", T);
        let accepted = with_accepted(accepted, "222222", T + 40, &salt);
        assert_eq!(spent_at(&accepted, "111111", T + 60), Some(60));
        assert_eq!(spent_at(&accepted, "222222", T + 60), Some(20));
        let accepted = with_accepted(accepted, "333333", T + 100, &salt);
        assert_eq!(accepted.len(), 2, "{accepted:?}");
        assert_eq!(spent_at(&accepted, "111111", T + 100), None);
        assert_eq!(spent_at(&accepted, "222222", T + 100), Some(60));
    }

    #[test]
    fn the_record_holds_a_salted_hash_not_the_code() {
        let (a, b) = (accepted_at("123456", T), accepted_at("123456", T));
        assert_ne!(a[0].salt, b[0].salt, "a salt of its own each time");
        assert_ne!(a[0].sha256, b[0].sha256);
        assert_eq!(a[0].salt.len(), 2 * SALT_BYTES);
        let text = serde_json::to_string(&a).unwrap();
        assert!(!text.contains("123456"), "{text}");
        assert_eq!(a[0].at, rfc3339(T));
    }

    #[test]
    fn a_record_of_the_cache_directory_is_read_back_and_distrusted_when_loose() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("c"));
        let alice = "arn:aws:iam::123456789012:mfa/alice";
        let used = UsedCodes::new(&cache, alice);
        assert_eq!(used.spent("123456"), None);
        used.remember("123456").unwrap();
        assert!(used.spent("123456").is_some_and(|ago| ago.abs() <= 1));
        assert_eq!(used.spent("654321"), None);
        let bob = UsedCodes::new(&cache, "arn:aws:iam::123456789012:mfa/bob");
        assert_eq!(bob.spent("123456"), None, "devices are apart");
        let file = cache.codes_path(alice);
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            used.spent("123456"),
            None,
            "trusted a file others may write"
        );
    }
}
