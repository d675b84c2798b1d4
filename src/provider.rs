//! A plan → credentials, from the cache or from STS (docs/design.md §3, §4).
//!
//! The cache-hit path reads the two AWS files and one cache file: no runtime, no client.

use std::cell::{Cell, OnceCell};

use crate::cache::{EntryId, Grant, Wanted};
use crate::credentials::Credentials;
use crate::error::Result;
use crate::log::{debug, note, warning};
use crate::mfa::MfaSource;
use crate::plan::Plan;
use crate::profile::ResolvedProfile;
use crate::sts::{SigningKeys, Sts};
use crate::used_codes::{REUSE_WINDOW, UsedCodes};

/// What the commands hand over: the credentials and what goes with them (§5).
#[derive(Debug)]
pub struct Handover {
    pub profile: String,
    pub region: Option<String>,
    /// The profile's SDK settings the child is given (`sdk_settings`, §5).
    pub sdk: Vec<(String, String)>,
    /// The MFA device the credentials were obtained with (directly or through the session).
    pub device: String,
    pub credentials: Credentials,
    /// The CA bundle and retry settings of the profile, handed on as variables.
    pub transport: crate::sdk_tls_retry::TransportSettings,
}

/// Credentials for a plan: cache, else STS.
pub fn obtain(plan: &Plan) -> Result<Handover> {
    let profile = &plan.profile;
    let cache = &plan.cache;
    let sts = OnceCell::new();
    let key_origin = format!("[{}]", profile.key_section);
    let device = match plan.device.known() {
        Some(device) => device.to_string(),
        None => {
            // Under a lock, looking again once it is held: parallel cold runs ask IAM once.
            let _lock = cache.lock_discovery(&profile.access_key_id, plan.policy.lock_patience)?;
            match cache.remembered_device(&profile.access_key_id) {
                Some(device) => device,
                None => {
                    let keys = long_term_keys(profile, &key_origin);
                    let device = sts_for(&sts, profile)?.discover_device(
                        &keys,
                        profile.iam_endpoint_url.as_deref(),
                        plan.iam_user.as_deref(),
                    )?;
                    cache.remember_device(&profile.access_key_id, &device)?;
                    device
                }
            }
        }
    };
    let provider = Provider {
        device,
        uncached_said: Cell::new(false),
        sts,
        key_origin,
        plan,
    };
    let credentials = provider.credentials()?;
    Ok(Handover {
        profile: profile.profile.clone(),
        region: profile.region.clone(),
        sdk: profile.sdk.handed.clone(),
        device: provider.device,
        credentials,
        transport: profile.transport.clone(),
    })
}

fn long_term_keys<'a>(plan: &'a ResolvedProfile, origin: &'a str) -> SigningKeys<'a> {
    SigningKeys {
        access_key_id: &plan.access_key_id,
        secret_access_key: &plan.secret_access_key,
        session_token: None,
        origin,
    }
}

/// The STS client, built on first use only: the cache-hit path never builds it.
fn sts_for<'a>(cell: &'a OnceCell<Sts>, plan: &ResolvedProfile) -> Result<&'a Sts> {
    if let Some(sts) = cell.get() {
        return Ok(sts);
    }
    let sts = Sts::new(
        &plan.sts_region,
        &crate::sts::Endpoint::of(&plan.sdk),
        &plan.transport,
    )?;
    Ok(cell.get_or_init(|| sts))
}

struct Provider<'a> {
    device: String,
    /// Whether the user was told that credentials could not be cached.
    uncached_said: Cell<bool>,
    sts: OnceCell<Sts>,
    /// Where the long-term keys came from, for messages: `[dev-long-term]`.
    key_origin: String,
    plan: &'a Plan,
}

impl Provider<'_> {
    fn credentials(&self) -> Result<Credentials> {
        let plan = &self.plan.profile;
        let id = EntryId::handed_over(plan, &self.device);
        let session_grant = Grant {
            asked_seconds: plan.session_duration,
            chained: false,
        };
        let Some(role) = &plan.role else {
            return self.cached_or(&id, session_grant, || self.new_session());
        };
        let (duration, note) = role.effective_duration();
        let grant = Grant {
            asked_seconds: duration,
            chained: !role.direct,
        };
        self.cached_or(&id, grant, || {
            let long_term = self.long_term_keys();
            if role.direct {
                let what = format!("{} for {}", role.arn, human(role.duration));
                // The client first: what it refuses (a CA bundle, FIPS with an endpoint)
                // is said before a code is asked for.
                let sts = self.sts()?;
                return self.with_code(&what, |code| {
                    let mfa = Some((self.device.as_str(), code));
                    sts.assume_role(&long_term, role, role.duration, mfa)
                });
            }
            let session_id = EntryId::session(plan, &self.device);
            let session = self.cached_or(&session_id, session_grant, || self.new_session())?;
            if let Some(note) = note {
                note!("{note}");
            }
            let keys = SigningKeys {
                access_key_id: &session.access_key_id,
                secret_access_key: &session.secret_access_key,
                session_token: Some(&session.session_token),
                origin: "the cached MFA session",
            };
            self.sts()?.assume_role(&keys, role, duration, None)
        })
    }

    /// The entry from the cache when fresh; otherwise, under the entry's lock, from `fetch`.
    fn cached_or(
        &self,
        id: &EntryId,
        grant: Grant,
        fetch: impl FnOnce() -> Result<Credentials>,
    ) -> Result<Credentials> {
        let policy = &self.plan.policy;
        let cache = &self.plan.cache;
        let wanted = Wanted {
            seconds: grant.asked_seconds,
            direct: !grant.chained && id.role_arn.is_some(),
        };
        let cached = || {
            let entry = if policy.refresh { None } else { cache.load(id) }?;
            if let Some(why) = entry.shortfall(wanted) {
                debug!(
                    "cached entry {} not served: it {why}",
                    cache.entry_path(id).display()
                );
                return None;
            }
            Some(entry.credentials).filter(|c| c.is_fresh(policy.min_remaining))
        };
        let hit = |c: Credentials| {
            debug!(
                "cache hit {}: valid until {}",
                cache.entry_path(id).display(),
                c.expiration_rfc3339()
            );
            Ok(c)
        };
        if let Some(c) = cached() {
            return hit(c);
        }
        let _lock = cache.lock(id, policy.lock_patience)?;
        // Another aws-mfa may have obtained them while this one waited for the lock.
        if let Some(c) = cached() {
            return hit(c);
        }
        debug!(
            "no fresh cache entry at {}; asking STS",
            cache.entry_path(id).display()
        );
        let credentials = fetch()?;
        // The code is spent: credentials that cannot be cached are handed over all the same.
        if let Err(e) = cache.store(id, &self.plan.profile.profile, &credentials, grant)
            && !self.uncached_said.replace(true)
        {
            warning!(
                "these credentials were obtained but not cached, so the next run asks STS again: {e}"
            );
        }
        Ok(credentials)
    }

    fn new_session(&self) -> Result<Credentials> {
        let plan = &self.plan.profile;
        let what = format!("MFA session of {}", human(plan.session_duration));
        // The client first: what it refuses is said before a code is asked for.
        let sts = self.sts()?;
        self.with_code(&what, |code| {
            sts.get_session_token(
                &self.long_term_keys(),
                &self.device,
                code,
                plan.session_duration,
            )
        })
    }

    /// A code for the device, sent by `send`: every code aws-mfa sends goes through here.
    /// Under the device's lock from the check to the remembering, a code STS accepted for
    /// the device within the window is never sent, and one it accepts now is remembered.
    fn with_code<T>(&self, what: &str, send: impl FnOnce(&str) -> Result<T>) -> Result<T> {
        let cache = &self.plan.cache;
        // --no-prompt with no code fails at once, not after another run's lock.
        let _lock = (self.plan.code != MfaSource::Refuse)
            .then(|| cache.lock_codes(&self.device, self.plan.policy.lock_patience))
            .transpose()?;
        let used = UsedCodes::new(cache, &self.device);
        let code = self
            .plan
            .code
            .code(&self.device, what, &|code| used.spent(code))?;
        // Refused, a code is not remembered: a typo is not spent, and AWS refuses a reused one.
        let sent = send(&code)?;
        // Not a warning: STS refuses the code again anyway, and a cache that cannot keep
        // this (a full disk) cannot keep the credentials either, which is warned of.
        if let Err(e) = used.remember(&code) {
            debug!(
                "the code STS accepted could not be remembered, so it is not refused if given again within {REUSE_WINDOW} s: {e}"
            );
        }
        Ok(sent)
    }

    fn long_term_keys(&self) -> SigningKeys<'_> {
        long_term_keys(&self.plan.profile, &self.key_origin)
    }

    fn sts(&self) -> Result<&Sts> {
        sts_for(&self.sts, &self.plan.profile)
    }
}

/// `43200` → `12 h`, `5400` → `1 h 30 min`, `900` → `15 min`.
pub fn human(seconds: u32) -> String {
    let (h, m) = (seconds / 3600, seconds % 3600 / 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human(43200), "12 h");
        assert_eq!(human(5400), "1 h 30 min");
        assert_eq!(human(900), "15 min");
    }
}
