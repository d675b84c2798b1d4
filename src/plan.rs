//! Settings → a complete plan: the files, the resolved profile, where the MFA device and
//! the code come from, the cache policy and what will be written (docs/design.md §2, §3).
//!
//! Every command makes its plan first and then works from the plan alone. All that can be
//! checked without STS is checked while the plan is made, before any code is asked for.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::ini::{self, Ini};
use crate::log::{debug, warning};
use crate::mfa::{self, MfaSource};
use crate::profile::{self, Files, ResolvedProfile};
use crate::settings::{self, Settings};
use crate::write_profile;

/// What a command does with its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// exec, env, credential-process: obtain and hand over (and write what is asked).
    Handover,
    /// No command: write the short-term section, unless it is still valid.
    Classic,
    /// list, clear: read the files and the cache, never obtain anything.
    Offline,
}

pub struct Plan {
    pub profile: ResolvedProfile,
    pub cache: Cache,
    pub device: DeviceSource,
    /// `--user`: IAM is asked for this user's devices (and the keys must be that user's).
    pub iam_user: Option<String>,
    pub code: MfaSource,
    pub policy: CachePolicy,
    pub writes: Writes,
    /// Classic: the expiration of the short-term section when it is still valid (nothing to do).
    pub still_valid: Option<i64>,
}

/// Where the MFA device comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceSource {
    /// A flag, a variable or the profile names it.
    Configured(String),
    /// IAM named it before, for this long-term key.
    Remembered(String),
    /// Nobody knows it yet: IAM is asked (GetCallerIdentity, ListMFADevices for the keys'
    /// user or `--user`).
    AskIam,
}

impl DeviceSource {
    pub fn known(&self) -> Option<&str> {
        match self {
            DeviceSource::Configured(d) | DeviceSource::Remembered(d) => Some(d),
            DeviceSource::AskIam => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    /// `--refresh`: cached credentials are not served.
    pub refresh: bool,
    /// Cached credentials with less than this many seconds left are renewed.
    pub min_remaining: u64,
    /// How long to wait for another aws-mfa's lock; None: as long as it takes.
    pub lock_patience: Option<Duration>,
}

/// A section of the credentials file to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    pub section: String,
    /// Named by `--write-profile=NAME` (rather than the short-term section of the profile).
    pub named: bool,
    /// The long-term section of the profile, which the target never is.
    pub long_term: String,
    /// A `region` to add, when the section's profile has none (docs/design.md §8).
    pub region: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Writes {
    /// `--write-profile` (or the classic run): a section of the credentials file.
    pub profile: Option<Target>,
    /// `--write-boto`: `[Credentials]` of `~/.boto`.
    pub boto: Option<PathBuf>,
}

/// How long `--no-prompt` waits for another aws-mfa's lock: a prompt hook must not freeze
/// while another terminal waits at an MFA prompt.
pub const NO_PROMPT_LOCK_PATIENCE: Duration = Duration::from_secs(1);

impl Plan {
    pub fn new(settings: &Settings, purpose: Purpose) -> Result<Plan> {
        let offline = purpose == Purpose::Offline;
        // A malformed code is refused before anything else, cache or network.
        if !offline && let Some(code) = &settings.token_code {
            mfa::check_given(Some(&code.value), &code.origin.to_string())?;
        }
        let files = read_files(settings)?;
        let profile = profile::resolve(&files, settings, &settings::process_env)?;
        Self::with_files(settings, purpose, &files, profile)
    }

    /// The plan of a profile resolved from files read already (`list` reads them once).
    pub fn with_files(
        settings: &Settings,
        purpose: Purpose,
        files: &Files,
        profile: ResolvedProfile,
    ) -> Result<Plan> {
        if purpose != Purpose::Offline {
            // A region no request can use is refused before a code is asked for.
            crate::sts::check_region_from(&profile.sts_region, profile.origins.region.as_ref())?;
        }
        let cache = Cache::locate()?;
        let device = match &profile.device {
            Some(device) => DeviceSource::Configured(device.clone()),
            None => match cache.remembered_device(&profile.access_key_id) {
                Some(device) => DeviceSource::Remembered(device),
                None => DeviceSource::AskIam,
            },
        };
        let policy = CachePolicy {
            refresh: settings.refresh,
            min_remaining: settings.min_remaining,
            lock_patience: settings.no_prompt.then_some(NO_PROMPT_LOCK_PATIENCE),
        };
        let writes = match purpose {
            Purpose::Offline => Writes::default(),
            Purpose::Classic => Writes {
                profile: Some(write_profile::target(settings, files, &profile)?),
                boto: write_profile::boto_target(settings)?,
            },
            Purpose::Handover => Writes {
                profile: match settings.write_profile {
                    Some(_) => Some(write_profile::target(settings, files, &profile)?),
                    None => None,
                },
                boto: write_profile::boto_target(settings)?,
            },
        };
        // Before "still valid": a section the aws CLI ignores is of no use, however fresh.
        if let Some(target) = &writes.profile {
            write_profile::check_not_shadowed(files, &profile, target)?;
        }
        let still_valid = match (&writes.profile, purpose) {
            (Some(target), Purpose::Classic) if !policy.refresh => write_profile::valid_until(
                &files.credentials,
                &target.section,
                &profile,
                device.known(),
                policy.min_remaining,
            ),
            _ => None,
        };
        // No code is needed offline, nor for a section that is still valid.
        let code = match purpose {
            Purpose::Offline => MfaSource::Refuse,
            _ if still_valid.is_some() => MfaSource::Refuse,
            _ => MfaSource::choose(
                settings.token_code.as_ref().map(|c| c.value.as_str()),
                profile.mfa_process.as_deref(),
                settings.no_prompt,
            )?,
        };
        let plan = Plan {
            profile,
            cache,
            device,
            iam_user: settings.user.as_ref().map(|u| u.value.clone()),
            code,
            policy,
            writes,
            still_valid,
        };
        plan.describe(settings);
        // Every file to be written is checked before a code is asked for.
        if plan.still_valid.is_none() {
            write_profile::check_writes(&plan)?;
        }
        tell_refused();
        Ok(plan)
    }

    /// `-v`: what was resolved, and where each value came from.
    fn describe(&self, settings: &Settings) {
        let p = &self.profile;
        let from = |origin: &Option<crate::settings::Origin>| {
            origin
                .as_ref()
                .map_or_else(String::new, |o| format!(" (from {o})"))
        };
        debug!("profile '{}' (from {})", p.profile, p.origins.profile);
        match &p.origins.keys {
            Some(bare) => debug!(
                "long-term keys from {bare}, a bare section the aws CLI reads as no profile (access key {})",
                p.access_key_id
            ),
            None => debug!(
                "long-term keys from [{}] (access key {})",
                p.key_section, p.access_key_id
            ),
        }
        match &self.device {
            DeviceSource::Configured(d) => debug!("MFA device {d}{}", from(&p.origins.device)),
            DeviceSource::Remembered(d) => debug!(
                "MFA device {d}, remembered from an earlier IAM lookup for this key (`aws-mfa clear --all` forgets it)"
            ),
            DeviceSource::AskIam => match &settings.user {
                Some(user) => debug!(
                    "MFA device not configured: IAM will be asked for those of user {} (from {})",
                    user.value, user.origin
                ),
                None => debug!("MFA device not configured: IAM will be asked"),
            },
        }
        match &p.role {
            Some(role) => debug!(
                "role {}{}, {} s{}",
                role.arn,
                from(&p.origins.role),
                role.duration,
                from(&p.origins.duration)
            ),
            None => debug!(
                "MFA session of {} s{}",
                p.session_duration,
                from(&p.origins.duration)
            ),
        }
        debug!(
            "region {}{}, STS endpoint {}",
            p.region.as_deref().unwrap_or("(none)"),
            from(&p.origins.region),
            p.endpoint_url.as_deref().unwrap_or("(regional)")
        );
    }
}

/// Reads the two AWS files the settings name.
pub fn read_files(settings: &Settings) -> Result<Files> {
    let config_path = &settings.config_file.value;
    let credentials_path = &settings.credentials_file.value;
    debug!(
        "reading {} (from {}) and {} (from {})",
        config_path.display(),
        settings.config_file.origin,
        credentials_path.display(),
        settings.credentials_file.origin
    );
    let (config, config_exists) = read_ini(config_path)?;
    let (credentials, credentials_exists) = read_ini(credentials_path)?;
    Ok(Files {
        config,
        credentials,
        config_path: config_path.display().to_string(),
        credentials_path: credentials_path.display().to_string(),
        any_exists: config_exists || credentials_exists,
    })
}

/// A missing file is an empty one, and so is one that is no regular file (`/dev/null`, a
/// FIFO, a directory), as for botocore; an unreadable one is an error. Also says whether
/// something is there.
fn read_ini(path: &Path) -> Result<(Ini, bool)> {
    match read_regular(path) {
        Ok(Some(bytes)) => Ok((
            Ini::from_text(
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            )
            .reporting(&path.display().to_string(), refused),
            true,
        )),
        Ok(None) => {
            debug!("{} is not a regular file: read as empty", path.display());
            Ok((Ini::default(), true))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Ini::default(), false)),
        Err(e) => Err(Error::new(format!(
            "cannot read {}: {e}; check its permissions",
            path.display()
        ))),
    }
}

/// Warnings about files botocore refuses, held until the plan is made: when the command
/// then refuses to edit such a file, its one-line error says it all.
static REFUSED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// What botocore refuses in a file aws-mfa still reads: one warning per file.
fn refused(path: &str, problem: &ini::Problem) {
    let how = match problem {
        ini::Problem::ByteOrderMark => "without the mark",
        ini::Problem::DuplicateSection { .. } => "with the two sections merged",
        _ => "with the later line winning",
    };
    let text = format!(
        "{path}: {problem}, so the aws CLI refuses the whole file (aws-mfa reads it {how}); {}",
        problem.fix()
    );
    REFUSED.lock().unwrap_or_else(|e| e.into_inner()).push(text);
}

/// Says what `refused` heard so far.
fn tell_refused() {
    let told = std::mem::take(&mut *REFUSED.lock().unwrap_or_else(|e| e.into_inner()));
    for text in told {
        warning!("{text}");
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
