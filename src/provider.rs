//! Options → resolved profile → credentials, from the cache or from STS (DESIGN.md §3, §4).
//!
//! The cache-hit path reads the two AWS files and one cache file: no runtime, no client.

use std::cell::{Cell, OnceCell};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cache::{Cache, EntryId};
use crate::cli::{CredentialOpts, FileOpts};
use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::ini::Ini;
use crate::log::{debug, note, warning};
use crate::mfa::{self, MfaSource};
use crate::paths;
use crate::profile::{self, Files, ResolvedProfile};
use crate::sts::{SigningKeys, Sts};

/// What the commands hand over: the credentials and what goes with them (§5).
#[derive(Debug)]
pub struct Handover {
    pub profile: String,
    pub region: Option<String>,
    /// The MFA device the credentials were obtained with (directly or through the session).
    pub device: String,
    pub credentials: Credentials,
}

/// The files and the resolved profile: no network, no cache.
pub fn plan(opts: &CredentialOpts) -> Result<(Files, ResolvedProfile)> {
    // A malformed code is refused before anything else, cache or network.
    mfa::check_given(opts.token_code.as_deref())?;
    let files = read_files(&opts.files)?;
    let plan = profile::resolve(&files, opts, &|name| std::env::var(name).ok())?;
    debug!(
        "profile '{}': long-term keys from [{}] (access key {}), device {}, role {}, region {}, STS endpoint {}",
        plan.profile,
        plan.key_section,
        plan.access_key_id,
        plan.device.as_deref().unwrap_or("(ask IAM)"),
        plan.role.as_ref().map_or("none", |r| r.arn.as_str()),
        plan.region.as_deref().unwrap_or("(none)"),
        plan.endpoint_url.as_deref().unwrap_or("(regional)")
    );
    Ok((files, plan))
}

/// Credentials for a plan made by `plan` from the same options: cache, else STS.
pub fn obtain(plan: &ResolvedProfile, opts: &CredentialOpts) -> Result<Handover> {
    // A region no request can use is refused before a code is asked for.
    crate::sts::check_region(&plan.sts_region)?;
    let mfa = MfaSource::choose(
        opts.token_code.as_deref(),
        plan.mfa_process.as_deref(),
        opts.no_prompt,
    )?;
    let cache = Cache::locate()?;
    let sts = OnceCell::new();
    let key_origin = format!("[{}]", plan.key_section);
    let lock_patience = opts.no_prompt.then_some(NO_PROMPT_LOCK_PATIENCE);
    let device = match known_device(plan, &cache) {
        Some(device) => device,
        None => {
            // Under a lock, looking again once it is held: parallel cold runs ask IAM once.
            let _lock = cache.lock_discovery(&plan.access_key_id, lock_patience)?;
            match known_device(plan, &cache) {
                Some(device) => device,
                None => {
                    let keys = long_term_keys(plan, &key_origin);
                    let device = sts_for(&sts, plan)?
                        .discover_device(&keys, plan.iam_endpoint_url.as_deref())?;
                    cache.remember_device(&plan.access_key_id, &device)?;
                    device
                }
            }
        }
    };
    let provider = Provider {
        cache,
        device,
        mfa,
        refresh: opts.refresh,
        min_remaining: opts.min_remaining,
        lock_patience,
        uncached_said: Cell::new(false),
        sts,
        key_origin,
        plan,
    };
    let credentials = provider.credentials()?;
    Ok(Handover {
        profile: plan.profile.clone(),
        region: plan.region.clone(),
        device: provider.device,
        credentials,
    })
}

/// `--credentials-file`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub fn credentials_path(opts: &FileOpts) -> Result<PathBuf> {
    opts.credentials_file
        .clone()
        .map_or_else(paths::credentials, Ok)
}

pub fn read_files(opts: &FileOpts) -> Result<Files> {
    let config_path = opts.config_file.clone().map_or_else(paths::config, Ok)?;
    let credentials_path = credentials_path(opts)?;
    debug!(
        "reading {} and {}",
        config_path.display(),
        credentials_path.display()
    );
    Ok(Files {
        config: read_ini(&config_path)?,
        credentials: read_ini(&credentials_path)?,
        config_path: config_path.display().to_string(),
        credentials_path: credentials_path.display().to_string(),
    })
}

/// A missing file is an empty one, and so is one that is no regular file (`/dev/null`, a
/// FIFO, a directory), as for botocore; an unreadable one is an error.
fn read_ini(path: &Path) -> Result<Ini> {
    match read_regular(path) {
        Ok(Some(bytes)) => Ok(Ini::from_text(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )),
        Ok(None) => {
            debug!("{} is not a regular file: read as empty", path.display());
            Ok(Ini::default())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Ini::default()),
        Err(e) => Err(Error::new(format!(
            "cannot read {}: {e}; check its permissions",
            path.display()
        ))),
    }
}

/// The bytes of a regular file; None for anything else, never blocking on a FIFO.
fn read_regular(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path);
    let mut file = match opened {
        Ok(file) => file,
        // A socket, or a loop of links: botocore's isfile() is false for both.
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENXIO | libc::ELOOP)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// The configured MFA device, or the one IAM named before (no network).
pub fn known_device(plan: &ResolvedProfile, cache: &Cache) -> Option<String> {
    plan.device
        .clone()
        .or_else(|| cache.remembered_device(&plan.access_key_id))
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
    let sts = Sts::new(&plan.sts_region, plan.endpoint_url.as_deref())?;
    Ok(cell.get_or_init(|| sts))
}

/// How long `--no-prompt` waits for another aws-mfa's lock: a prompt hook must not freeze
/// while another terminal waits at an MFA prompt.
const NO_PROMPT_LOCK_PATIENCE: Duration = Duration::from_secs(1);

struct Provider<'a> {
    cache: Cache,
    device: String,
    mfa: MfaSource,
    refresh: bool,
    min_remaining: u64,
    /// How long to wait for another aws-mfa's lock; None: as long as it takes.
    lock_patience: Option<Duration>,
    /// Whether the user was told that credentials could not be cached.
    uncached_said: Cell<bool>,
    sts: OnceCell<Sts>,
    /// Where the long-term keys came from, for messages: `[dev-long-term]`.
    key_origin: String,
    plan: &'a ResolvedProfile,
}

impl Provider<'_> {
    fn credentials(&self) -> Result<Credentials> {
        let plan = self.plan;
        let id = EntryId::handed_over(plan, &self.device);
        let Some(role) = &plan.role else {
            return self.cached_or(&id, || self.new_session());
        };
        self.cached_or(&id, || {
            let long_term = self.long_term_keys();
            if role.direct {
                let what = format!("{} for {}", role.arn, human(role.duration));
                let code = self.mfa.code(&self.device, &what)?;
                let mfa = Some((self.device.as_str(), code.as_str()));
                return self
                    .sts()?
                    .assume_role(&long_term, role, role.duration, mfa);
            }
            let session_id = EntryId::session(plan, &self.device);
            let session = self.cached_or(&session_id, || self.new_session())?;
            let (duration, note) = role.effective_duration();
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
        fetch: impl FnOnce() -> Result<Credentials>,
    ) -> Result<Credentials> {
        let cached = || {
            let entry = if self.refresh {
                None
            } else {
                self.cache.load(id)
            };
            entry.filter(|c| c.is_fresh(self.min_remaining))
        };
        let hit = |c: Credentials| {
            debug!(
                "cache hit {}: valid until {}",
                self.cache.entry_path(id).display(),
                c.expiration_rfc3339()
            );
            Ok(c)
        };
        if let Some(c) = cached() {
            return hit(c);
        }
        let _lock = self.cache.lock(id, self.lock_patience)?;
        // Another aws-mfa may have obtained them while this one waited for the lock.
        if let Some(c) = cached() {
            return hit(c);
        }
        debug!(
            "no fresh cache entry at {}; asking STS",
            self.cache.entry_path(id).display()
        );
        let credentials = fetch()?;
        // The code is spent: credentials that cannot be cached are handed over all the same.
        if let Err(e) = self.cache.store(id, &self.plan.profile, &credentials)
            && !self.uncached_said.replace(true)
        {
            warning!(
                "these credentials were obtained but not cached, so the next run asks STS again: {e}"
            );
        }
        Ok(credentials)
    }

    fn new_session(&self) -> Result<Credentials> {
        let plan = self.plan;
        let what = format!("MFA session of {}", human(plan.session_duration));
        let code = self.mfa.code(&self.device, &what)?;
        self.sts()?.get_session_token(
            &self.long_term_keys(),
            &self.device,
            &code,
            plan.session_duration,
        )
    }

    fn long_term_keys(&self) -> SigningKeys<'_> {
        long_term_keys(self.plan, &self.key_origin)
    }

    fn sts(&self) -> Result<&Sts> {
        sts_for(&self.sts, self.plan)
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
