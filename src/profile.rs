//! Config and credentials files plus options → a resolved plan (docs/design.md §2, §3).
//!
//! Pure: strings in, plan out. The files are read by the caller; the environment is
//! passed as a lookup function, so the rules can be tested as a table of cases.

use std::collections::HashSet;

use crate::error::{Error, Result, bail};
use crate::ini::{Ini, Section};
use crate::keys;
use crate::sdk_settings::{self, SdkSettings};
use crate::sdk_tls_retry::TransportSettings;
use crate::settings::{Env, Origin, Settings, Sourced};

pub const SESSION_DURATION: DurationRule = DurationRule {
    what: "an MFA session",
    min: 900,
    max: 129_600,
    default: 43_200,
};
pub const ROLE_DURATION: DurationRule = DurationRule {
    what: "a role session",
    min: 900,
    max: 43_200,
    default: 3_600,
};
/// AWS caps a role assumed with temporary credentials (role chaining) at one hour.
pub const ROLE_CHAINING_MAX: u32 = 3_600;

pub struct DurationRule {
    what: &'static str,
    min: u32,
    max: u32,
    default: u32,
}

impl DurationRule {
    fn parse(&self, value: Option<&str>, from: &str) -> Result<u32> {
        let Some(text) = value else {
            return Ok(self.default);
        };
        match text.trim().parse::<u32>() {
            Ok(n) if (self.min..=self.max).contains(&n) => Ok(n),
            _ => bail!(
                "duration {text:?} (from {from}) is not allowed for {}: give a whole number of seconds from {} to {}",
                self.what,
                self.min,
                self.max
            ),
        }
    }
}

/// The two AWS files, parsed, with the paths they came from (for messages).
#[derive(Debug, Default)]
pub struct Files {
    pub config: Ini,
    pub credentials: Ini,
    pub config_path: String,
    pub credentials_path: String,
    /// Whether either file exists at all (a new user may have neither).
    pub any_exists: bool,
}

impl Files {
    pub(crate) fn config_section(&self, profile: &str) -> Option<&Section> {
        self.config.profile(profile)
    }

    fn credentials_section(&self, profile: &str) -> Option<&Section> {
        self.credentials.section(profile)
    }

    fn exists(&self, profile: &str) -> bool {
        self.config_section(profile).is_some() || self.credentials_section(profile).is_some()
    }

    /// A key of a profile: the credentials file first, then the config file, as botocore merges them.
    pub(crate) fn get(&self, profile: &str, key: &str) -> Option<&str> {
        self.get_sourced(profile, key).map(|(value, _)| value)
    }

    /// A key of a profile and the file and section it came from.
    fn get_sourced(&self, profile: &str, key: &str) -> Option<(&str, Origin)> {
        self.get_sourced_by(profile, key, Section::get)
    }

    /// `get_sourced` with `get` the way a section's value is read.
    fn get_sourced_by<'a>(
        &'a self,
        profile: &str,
        key: &str,
        get: for<'s> fn(&'s Section, &str) -> Option<&'s str>,
    ) -> Option<(&'a str, Origin)> {
        let from = |s: &'a Section, path: &str, key: &str| -> Option<(&'a str, Origin)> {
            get(s, key).map(|v| {
                let origin = Origin::File {
                    path: path.to_string(),
                    section: s.name.clone(),
                };
                (v, origin)
            })
        };
        // The credentials file's key wins even when it is empty, as botocore merges them.
        let credentials = self.credentials_section(profile).filter(|s| s.has(key));
        match credentials {
            Some(s) => from(s, &self.credentials_path, key),
            None => self
                .config_section(profile)
                .and_then(|s| from(s, &self.config_path, key)),
        }
    }

    /// A profile's own `region`, empty too (botocore reads `region =` as "").
    pub(crate) fn region_of(&self, profile: &str) -> Option<(&str, Origin)> {
        self.get_sourced_by(profile, "region", Section::get_even_empty)
    }

    /// A bare `[NAME]` of the config file, which botocore reads as no profile (only
    /// `[default]` and `[profile NAME]` are), with its origin: aws-2fa-access-keys keeps
    /// the long-term keys in `[my-keys]` so.
    fn bare_section(&self, name: &str) -> Option<(&Section, Origin)> {
        if crate::ini::profile_of_header(name).is_some() {
            return None;
        }
        let section = self.config.section(name)?;
        let origin = Origin::File {
            path: self.config_path.clone(),
            section: section.name.clone(),
        };
        Some((section, origin))
    }

    /// A hint when `profile` is written as the other file names its sections: the
    /// credentials file takes no `profile ` prefix, the config file needs it.
    fn naming_hint(&self, profile: &str) -> Option<String> {
        let prefixed = format!("profile {profile}");
        if self.credentials.section(&prefixed).is_some() {
            return Some(format!(
                "; the credentials file names sections without the `profile ` prefix, so rename [{prefixed}] of {} to [{profile}]",
                self.credentials_path
            ));
        }
        if let Some((section, _)) = self.bare_section(profile) {
            let source = match keys::long_term_pair(|k| section.get(k)) {
                Some(_) => format!(", or read its keys with --source-profile {profile}"),
                None => String::new(),
            };
            return Some(format!(
                "; the config file names profiles with the `profile ` prefix, so rename [{profile}] of {} to [{prefixed}]{source}",
                self.config_path
            ));
        }
        None
    }

    /// Long-term keys of a profile, if it holds a key pair and no session token.
    fn long_term_keys(&self, profile: &str) -> Option<(String, String)> {
        keys::long_term_pair(|key| self.get(profile, key))
            .map(|(id, secret)| (id.to_string(), secret.to_string()))
    }

    /// Every profile name in either file, sorted, without duplicates.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .config
            .profile_names()
            .into_iter()
            .chain(
                self.credentials
                    .sections()
                    .into_iter()
                    .map(|s| s.name.clone()),
            )
            .collect();
        names.sort();
        names.dedup();
        names
    }

    fn known_profiles(&self) -> String {
        let names = self.profile_names();
        if names.is_empty() {
            format!(
                "no profiles exist in {} or {}",
                self.config_path, self.credentials_path
            )
        } else {
            format!("profiles that exist: {}", names.join(", "))
        }
    }
}

/// What to ask STS for, and with which keys (docs/design.md §3).
#[derive(Clone, PartialEq, Eq)]
pub struct ResolvedProfile {
    pub profile: String,
    /// Section that holds the long-term keys.
    pub key_section: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Where the settings came from, for `-v`.
    pub origins: Origins,
    /// The configured MFA device; None: ask IAM (see `provider`).
    pub device: Option<String>,
    pub mfa_process: Option<String>,
    /// Lifetime of the MFA session (GetSessionToken).
    pub session_duration: u32,
    pub role: Option<RolePlan>,
    /// Region handed to the child, when one is known.
    pub region: Option<String>,
    /// Region of the STS call: `region`, else us-east-1.
    pub sts_region: String,
    pub endpoint_url: Option<String>,
    /// Endpoint of IAM, asked only to find the MFA device when none is configured.
    pub iam_endpoint_url: Option<String>,
    /// The SDK settings the STS call honours and the child is given, with their origins.
    pub sdk: SdkSettings,
    /// CA bundle and retry policy of the STS call, handed to the child too.
    pub transport: TransportSettings,
}

impl std::fmt::Debug for ResolvedProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Everything but the long-term secret, even in a debug dump or a test failure.
        f.debug_struct("ResolvedProfile")
            .field("profile", &self.profile)
            .field("key_section", &self.key_section)
            .field("access_key_id", &self.access_key_id)
            .field("origins", &self.origins)
            .field("device", &self.device)
            .field("mfa_process", &self.mfa_process)
            .field("session_duration", &self.session_duration)
            .field("role", &self.role)
            .field("region", &self.region)
            .field("sts_region", &self.sts_region)
            .field("endpoint_url", &self.endpoint_url)
            .field("iam_endpoint_url", &self.iam_endpoint_url)
            .field("sdk", &self.sdk)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// Where each setting of a resolved profile came from (None: not set, the default).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origins {
    pub profile: Origin,
    /// The bare config section the long-term keys came from; None: the profile `key_section`.
    pub keys: Option<Origin>,
    pub device: Option<Origin>,
    pub role: Option<Origin>,
    pub duration: Option<Origin>,
    pub region: Option<Origin>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePlan {
    pub arn: String,
    pub session_name: String,
    pub external_id: Option<String>,
    /// The duration asked for; see `effective_duration`.
    pub duration: u32,
    /// `--no-session`: assume the role with the long-term keys and the code.
    pub direct: bool,
}

impl RolePlan {
    /// The duration STS will grant, and a note when the role-chaining cap shortened it.
    pub fn effective_duration(&self) -> (u32, Option<String>) {
        if self.direct || self.duration <= ROLE_CHAINING_MAX {
            return (self.duration, None);
        }
        let note = format!(
            "a role assumed from an MFA session lasts at most 1 h (AWS's role-chaining cap), so {} s were asked for, not {}; use --no-session for longer role sessions",
            ROLE_CHAINING_MAX, self.duration
        );
        (ROLE_CHAINING_MAX, Some(note))
    }
}

pub fn resolve(files: &Files, settings: &Settings, env: Env) -> Result<ResolvedProfile> {
    let env = |name: &str| env(name).filter(|v| !v.is_empty());
    let profile = settings.profile.value.clone();
    let named_by = match &settings.profile.origin {
        Origin::Env(var) => format!(" (named by {var}; unset it or pass --profile)"),
        _ => String::new(),
    };

    let long_term_section = long_term_section(&profile, settings.long_term_suffix.as_deref());
    let awsmfa_section = format!("{profile}mfa");
    let known = files.exists(&profile)
        || files.credentials_section(&long_term_section).is_some()
        || files.credentials_section(&awsmfa_section).is_some();
    if settings.source_profile.is_none() && !known {
        if !files.any_exists {
            bail!(
                "neither {} nor {} exists, so there is no profile '{profile}'{named_by}; create them as \"Configuration\" in the README shows (long-term keys in [{profile}] of the credentials file, mfa_serial in [profile {profile}] of the config)",
                files.config_path,
                files.credentials_path
            );
        }
        let hint = files.naming_hint(&profile).unwrap_or_default();
        bail!(
            "profile '{profile}'{named_by} is not in {} or {}{hint}; {}",
            files.config_path,
            files.credentials_path,
            files.known_profiles()
        );
    }

    // The profiles whose keys describe P, nearest first: P, its long-term section, its source chain.
    let chain = source_chain(files, &profile)?;

    // §3.1: where the long-term keys come from.
    let mut bare = None;
    let key_section = if let Some(src) = &settings.source_profile {
        if files.long_term_keys(src).is_none() {
            // Only when named, and only when no profile of that name gives keys.
            let Some(section) = files
                .bare_section(src)
                .filter(|(s, _)| keys::long_term_pair(|k| s.get(k)).is_some())
            else {
                bail!(
                    "--source-profile '{src}' holds no long-term keys (aws_access_key_id and aws_secret_access_key without a session token); {}",
                    files.known_profiles()
                );
            };
            bare = Some(section);
        }
        src.clone()
    } else {
        let candidates = [long_term_section.as_str(), awsmfa_section.as_str()]
            .into_iter()
            .filter(|s| *s != profile && files.credentials_section(s).is_some())
            .map(str::to_string)
            .chain(chain.iter().skip(1).cloned())
            .chain([profile.clone()]);
        let mut found = None;
        for candidate in candidates {
            if files.long_term_keys(&candidate).is_some() {
                found = Some(candidate);
                break;
            }
        }
        match found {
            Some(section) => section,
            None => {
                return Err(no_long_term_keys(
                    files,
                    &profile,
                    &named_by,
                    &long_term_section,
                    &awsmfa_section,
                ));
            }
        }
    };
    let (access_key_id, secret_access_key) = match &bare {
        Some((section, _)) => keys::long_term_pair(|k| section.get(k))
            .map(|(id, secret)| (id.to_string(), secret.to_string())),
        None => files.long_term_keys(&key_section),
    }
    .expect("key section was checked to hold keys");

    // Where P's settings are looked up, nearest first, each once.
    let mut lookup: Vec<&str> = Vec::with_capacity(chain.len() + 4);
    let mut listed = HashSet::with_capacity(chain.len() + 4);
    let sections = [&profile, &key_section, &long_term_section, &awsmfa_section];
    for section in sections.into_iter().chain(&chain) {
        if listed.insert(section.as_str()) {
            lookup.push(section);
        }
    }
    // A key of one place of the lookup: the bare key section before the profile of its name.
    let at = |section: &str, key: &str, get: for<'s> fn(&'s Section, &str) -> Option<&'s str>| {
        bare.as_ref()
            .filter(|_| section == key_section)
            .and_then(|(s, origin)| get(s, key).map(|v| (v, origin.clone())))
            .or_else(|| files.get_sourced_by(section, key, get))
    };
    let first = |key: &str| lookup.iter().find_map(|s| at(s, key, Section::get));
    let sourced = |(value, origin): (&str, Origin)| Sourced::new(value.to_string(), origin);

    // §3.2: the MFA device. `--user`, a flag, wins over the variables and the files.
    if let Some(user) = &settings.user {
        check_user(user)?;
    }
    let device = match &settings.user {
        Some(_) => settings
            .device
            .clone()
            .filter(|d| matches!(d.origin, Origin::Flag(_))),
        None => settings
            .device
            .clone()
            .or_else(|| first("mfa_serial").map(sourced))
            .or_else(|| first("aws_mfa_device").map(sourced)),
    };
    if let Some(device) = &device {
        check_device(&device.value)?;
    }

    // Role: the flag or environment, else the profile itself (not its sources), else the
    // Python aws-mfa's `assume_role` key in the long-term section.
    let role_arn = settings
        .assume_role
        .clone()
        .or_else(|| files.get_sourced(&profile, "role_arn").map(sourced))
        .or_else(|| {
            files
                .get_sourced(&long_term_section, "assume_role")
                .map(sourced)
        });
    let asked = settings
        .duration
        .clone()
        .or_else(|| files.get_sourced(&profile, "duration_seconds").map(sourced));
    let duration_from = asked
        .as_ref()
        .map_or_else(String::new, |a| a.origin.to_string());
    let asked_value = asked.as_ref().map(Sourced::as_str);
    let (session_duration, role) = match &role_arn {
        None => (SESSION_DURATION.parse(asked_value, &duration_from)?, None),
        Some(arn) => {
            let duration = ROLE_DURATION.parse(asked_value, &duration_from)?;
            // The MFA session behind the role lasts as long as its source profile says.
            let session = SESSION_DURATION.parse(
                at(&key_section, "duration_seconds", Section::get).map(|(v, _)| v),
                &format!("duration_seconds of [{key_section}]"),
            )?;
            let session_name = match settings
                .role_session_name
                .clone()
                .or_else(|| files.get(&profile, "role_session_name").map(str::to_string))
            {
                Some(name) => {
                    check_session_name(&name)?;
                    name
                }
                None => default_session_name(&env),
            };
            let external_id = settings
                .external_id
                .clone()
                .or_else(|| files.get(&profile, "external_id").map(str::to_string));
            let role = RolePlan {
                arn: arn.value.clone(),
                session_name,
                external_id,
                duration,
                direct: settings.no_session,
            };
            (session, Some(role))
        }
    };

    // `region =` (empty) ends the lookup with no region, as botocore reads it ("").
    let region = settings.region.clone().or_else(|| {
        let nearest = lookup
            .iter()
            .find_map(|s| at(s, "region", Section::get_even_empty))
            .or_else(|| files.region_of("default"));
        nearest.filter(|(value, _)| !value.is_empty()).map(sourced)
    });
    let sts_region = region
        .as_ref()
        .map_or_else(|| "us-east-1".to_string(), |r| r.value.clone());

    let sdk = sdk_settings::resolve(
        &|key| first(key).map(|(v, origin)| (v.to_string(), origin)),
        &files.config,
        &files.config_path,
        &env,
    );
    let endpoint_url = sdk
        .sts_endpoint
        .as_ref()
        .map(|s| s.value.clone())
        .or_else(|| {
            // `sts_regional_endpoints = legacy` still means the global endpoint in some regions.
            let legacy = sdk.sts_legacy.as_ref().is_some_and(|s| s.value);
            (legacy && crate::sdk_settings::LEGACY_GLOBAL_REGIONS.contains(&sts_region.as_str()))
                .then(|| "https://sts.amazonaws.com".to_string())
        });
    let iam_endpoint_url = sdk.iam_endpoint.as_ref().map(|s| s.value.clone());
    let transport = TransportSettings::resolve(&env, &first)?;

    Ok(ResolvedProfile {
        profile: profile.clone(),
        key_section: key_section.clone(),
        access_key_id,
        secret_access_key,
        origins: Origins {
            profile: settings.profile.origin.clone(),
            keys: bare.as_ref().map(|(_, origin)| origin.clone()),
            device: device.as_ref().map(|d| d.origin.clone()),
            role: role_arn.map(|r| r.origin),
            duration: asked.map(|d| d.origin),
            region: region.as_ref().map(|r| r.origin.clone()),
        },
        device: device.map(|d| d.value),
        mfa_process: first("mfa_process").map(|(v, _)| v.to_string()),
        session_duration,
        role,
        region: region.map(|r| r.value),
        sts_region,
        endpoint_url,
        iam_endpoint_url,
        sdk,
        transport,
    })
}

/// Why no long-term keys were found for `profile`, and what to do about it.
fn no_long_term_keys(
    files: &Files,
    profile: &str,
    named_by: &str,
    long_term_section: &str,
    awsmfa_section: &str,
) -> Error {
    if let Some(hint) = files.naming_hint(profile) {
        return Error::new(format!(
            "no long-term keys for profile '{profile}'{named_by}{hint}"
        ));
    }
    if files.get(profile, "role_arn").is_some() && files.get(profile, "source_profile").is_none() {
        let holders: Vec<String> = files
            .profile_names()
            .into_iter()
            .filter(|p| p != profile && files.long_term_keys(p).is_some())
            .collect();
        let example = holders.first().map_or("NAME", String::as_str);
        let which = if holders.is_empty() {
            String::new()
        } else {
            format!(" (profiles with long-term keys: {})", holders.join(", "))
        };
        return Error::new(format!(
            "role profile '{profile}'{named_by} has role_arn but no source_profile; add `source_profile = {example}` to it in {}, naming the profile that holds the long-term keys{which}",
            files.config_path
        ));
    }
    Error::new(format!(
        "no long-term keys for profile '{profile}'{named_by}: looked in [{long_term_section}] and [{awsmfa_section}] of {}, the source_profile chain, and [{profile}] (a section with a session token does not count); add aws_access_key_id and aws_secret_access_key to [{long_term_section}] or pass --source-profile",
        files.credentials_path
    ))
}

/// `[P-long-term]`, or `[P-SUFFIX]`, or `[P]` for the suffix `none` (the Python aws-mfa's naming).
pub fn long_term_section(profile: &str, suffix: Option<&str>) -> String {
    suffixed(profile, suffix.unwrap_or("long-term"))
}

/// `[P]`, or `[P-SUFFIX]` with a short-term suffix other than `none`.
pub fn short_term_section(profile: &str, suffix: Option<&str>) -> String {
    suffixed(profile, suffix.unwrap_or("none"))
}

fn suffixed(profile: &str, suffix: &str) -> String {
    if suffix.eq_ignore_ascii_case("none") {
        profile.to_string()
    } else {
        format!("{profile}-{suffix}")
    }
}

/// The longest `source_profile` chain followed: far beyond any real setup, and it keeps
/// every command linear in the size of the files.
pub const MAX_CHAIN: usize = 100;

/// P followed by the profiles its `source_profile` chain names, with loop detection.
fn source_chain(files: &Files, profile: &str) -> Result<Vec<String>> {
    let mut chain = vec![profile.to_string()];
    let mut seen: HashSet<&str> = HashSet::from([profile]);
    let mut current = profile;
    while let Some(next) = files.get(current, "source_profile") {
        if chain.len() > MAX_CHAIN {
            bail!(
                "the source_profile chain of '{profile}' is longer than {MAX_CHAIN} profiles; point source_profile at the profile that holds the long-term keys"
            );
        }
        if !seen.insert(next) {
            bail!(
                "the source_profile chain of '{profile}' loops: {} -> {next}; point one of them at the profile that holds the long-term keys",
                chain.join(" -> ")
            );
        }
        if !files.exists(next) {
            bail!(
                "profile '{current}' names source_profile '{next}', which does not exist; {}",
                files.known_profiles()
            );
        }
        chain.push(next.to_string());
        if files.long_term_keys(next).is_some() {
            break;
        }
        if files.get(next, "role_arn").is_some() {
            bail!(
                "profile '{profile}' reaches role profile '{next}' through source_profile; aws-mfa assumes one role from an MFA session, so point source_profile of '{current}' at the profile with the long-term keys"
            );
        }
        current = next;
    }
    Ok(chain)
}

fn check_device(device: &str) -> Result<()> {
    if let Some((head, name)) = device.split_once(":user/") {
        bail!(
            "'{device}' is a user ARN, not an MFA device; use the device's ARN, most likely {head}:mfa/{name}"
        );
    }
    let ok = (9..=256).contains(&device.len())
        && device
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=/:,.@-_".contains(c));
    if !ok {
        bail!(
            "'{device}' is not an MFA device serial number or ARN; it looks like arn:aws:iam::ACCOUNT:mfa/NAME or a hardware serial such as GAHT12345678"
        );
    }
    Ok(())
}

/// An IAM user name, as IAM allows it: 1 to 64 of letters, digits and `+=,.@_-`.
fn check_user(user: &Sourced<String>) -> Result<()> {
    let name = &user.value;
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if !ok {
        bail!(
            "'{}' (from {}) is not an IAM user name: give the user's name, 1 to 64 letters, digits and +=,.@_-",
            crate::text::escaped(name),
            user.origin
        );
    }
    Ok(())
}

fn is_session_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

fn check_session_name(name: &str) -> Result<()> {
    if (2..=64).contains(&name.len()) && name.chars().all(is_session_name_char) {
        return Ok(());
    }
    Err(Error::new(format!(
        "role session name {name:?} is not allowed: use 2 to 64 characters among letters, digits and +=,.@_-"
    )))
}

/// The local user name, made to fit STS's rules for role session names.
fn default_session_name(env: &dyn Fn(&str) -> Option<String>) -> String {
    let user = env("USER")
        .or_else(|| env("LOGNAME"))
        .or_else(|| env("USERNAME"))
        .unwrap_or_default();
    let mut name: String = user
        .chars()
        .map(|c| if is_session_name_char(c) { c } else { '-' })
        .take(64)
        .collect();
    if name.trim_matches('-').is_empty() {
        name = "aws-mfa".to_string();
    } else if name.len() < 2 {
        name.push_str("-aws-mfa");
    }
    name
}

/// `resolve` with settings made from flags and the same environment, as tests state cases.
#[cfg(test)]
fn resolve_opts(
    files: &Files,
    opts: &crate::cli::CredentialOpts,
    env: Env,
) -> Result<ResolvedProfile> {
    resolve(files, &Settings::new(opts, env)?, env)
}

// Paths spelled out: tests/botocore_profiles.rs compiles this file as a module of its own.
#[cfg(test)]
#[path = "profile/props.rs"]
mod props;
#[cfg(test)]
#[path = "profile/tests.rs"]
mod tests;

/// Issue 11: aws-2fa-access-keys' bare `[my-keys]` of the config file as a key source
/// (§3.1), and `--user` (§3.2).
#[cfg(test)]
mod seeds {
    use super::*;
    use crate::cli::CredentialOpts;

    const KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

    fn files(config: &str, credentials: &str) -> Files {
        Files {
            config: Ini::parse(config),
            credentials: Ini::parse(credentials),
            config_path: "/h/.aws/config".into(),
            credentials_path: "/h/.aws/credentials".into(),
            any_exists: true,
        }
    }

    fn source(name: &str) -> CredentialOpts {
        CredentialOpts {
            source_profile: Some(name.into()),
            ..Default::default()
        }
    }

    fn resolve(f: &Files, o: &CredentialOpts) -> Result<ResolvedProfile> {
        resolve_opts(f, o, &|_| None)
    }

    #[test]
    fn a_bare_config_section_named_by_source_profile_gives_keys_and_settings() {
        let f = files(
            &format!(
                "[my-keys]\nregion = eu-west-1\n{KEYS}mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
            ),
            "",
        );
        let p = resolve(&f, &source("my-keys")).unwrap();
        assert_eq!(p.profile, "default");
        assert_eq!(p.key_section, "my-keys");
        assert_eq!(p.access_key_id, "AKIAIOSFODNN7EXAMPLE");
        let bare = Origin::File {
            path: "/h/.aws/config".into(),
            section: "my-keys".into(),
        };
        assert_eq!(p.origins.keys, Some(bare.clone()));
        assert_eq!(p.region.as_deref(), Some("eu-west-1"));
        assert_eq!(p.origins.region, Some(bare.clone()));
        assert_eq!(
            p.device.as_deref(),
            Some("arn:aws:iam::123456789012:mfa/alice")
        );
        assert_eq!(p.origins.device, Some(bare));
    }

    #[test]
    fn a_profile_of_that_name_with_keys_wins_over_the_bare_section() {
        let other = "aws_access_key_id = AKIAOTHEREXAMPLE\naws_secret_access_key = other\n";
        let bare = format!("[my-keys]\n{KEYS}");
        // The credentials file's [my-keys], then the config's [profile my-keys].
        for (config, credentials) in [
            (bare.clone(), format!("[my-keys]\n{other}")),
            (format!("{bare}[profile my-keys]\n{other}"), String::new()),
        ] {
            let p = resolve(&files(&config, &credentials), &source("my-keys")).unwrap();
            assert_eq!(
                p.access_key_id, "AKIAOTHEREXAMPLE",
                "{config}\n{credentials}"
            );
            assert_eq!(p.origins.keys, None);
        }
        // A profile of that name without long-term keys leaves them to the bare section,
        // and its settings still apply after the bare section's.
        let config = format!("{bare}[profile my-keys]\nregion = ap-south-1\n");
        let p = resolve(
            &files(&config, "[my-keys]\nregion = us-west-2\n"),
            &source("my-keys"),
        )
        .unwrap();
        assert_eq!(p.access_key_id, "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(p.region.as_deref(), Some("us-west-2"));
    }

    #[test]
    fn a_bare_section_is_no_profile_otherwise() {
        let f = files(&format!("[my-keys]\n{KEYS}"), "");
        let named = CredentialOpts {
            profile: Some("my-keys".into()),
            ..Default::default()
        };
        let text = resolve(&f, &named).unwrap_err().to_string();
        assert!(
            text.contains("rename [my-keys] of /h/.aws/config to [profile my-keys]")
                && text.contains("--source-profile my-keys"),
            "{text}"
        );
        assert!(f.profile_names().is_empty());
        // Without keys it gives none, and the error names it.
        let f = files("[my-keys]\nregion = eu-west-1\n", "");
        let text = resolve(&f, &source("my-keys")).unwrap_err().to_string();
        assert!(text.contains("holds no long-term keys"), "{text}");
    }

    #[test]
    fn user_is_an_iam_user_name_and_overrides_the_configured_device() {
        let f = files(
            "[profile corp]\nmfa_serial = arn:aws:iam::123456789012:mfa/old\n",
            &format!("[corp]\n{KEYS}"),
        );
        let mut o = source("corp");
        o.user = Some("alice.smith+ops@example.com".into());
        let p = resolve(&f, &o).unwrap();
        assert_eq!((p.device, p.origins.device), (None, None));
        for bad in ["", "a b", "alice/x", &"a".repeat(65), "caf\u{e9}"] {
            o.user = Some(bad.into());
            let text = resolve(&f, &o).unwrap_err().to_string();
            assert!(
                text.contains("(from --user) is not an IAM user name"),
                "{bad:?}: {text}"
            );
        }
    }
}
