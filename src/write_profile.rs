//! `--write-profile` and `--write-boto`: short-term credentials written into a section of
//! the credentials file or of `~/.boto` (docs/design.md §8), and the classic workflow's
//! "is that section still valid?" check.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::atomic;
use crate::credentials::{fresh_until, parse_rfc3339, rfc3339};
use crate::error::{Error, Result, bail};
use crate::ini::{self, Ini, Section};
use crate::ini_edit;
use crate::keys;
use crate::log::{debug, warning};
use crate::paths;
use crate::plan::{Plan, Target};
use crate::profile::{self, Files, ResolvedProfile};
use crate::provider::Handover;
use crate::settings::{Origin, Settings};

/// The section `--write-profile` (or the classic run) writes: its NAME, else the
/// short-term section of the Python aws-mfa's naming (`[P]`, or `[P-SUFFIX]`).
pub fn target(settings: &Settings, files: &Files, plan: &ResolvedProfile) -> Result<Target> {
    let section = match &settings.write_profile {
        Some(Some(name)) => name.clone(),
        _ => profile::short_term_section(&plan.profile, settings.short_term_suffix.as_deref()),
    };
    let long_term = profile::long_term_section(&plan.profile, settings.long_term_suffix.as_deref());
    if section == plan.key_section || section == long_term {
        bail!(
            "[{section}] is where the long-term keys are, so the short-term credentials cannot go there; pick another section with --write-profile=NAME or --short-term-suffix"
        );
    }
    Ok(Target {
        path: settings.credentials_file.value.clone(),
        named: matches!(settings.write_profile, Some(Some(_))),
        region: region_to_add(files, plan, &section),
        section,
        long_term,
    })
}

/// The profile's region, for a written section whose own profile has none in either file:
/// botocore reads `region` from the credentials file too, so `aws --profile SECTION` then
/// works without `--region`. Only a region of the files: `--region` and `AWS_REGION` are
/// for one run.
fn region_to_add(files: &Files, plan: &ResolvedProfile, section: &str) -> Option<String> {
    let of_the_files = matches!(plan.origins.region, Some(Origin::File { .. }));
    (of_the_files && files.region_of(section).is_none())
        .then(|| plan.region.clone())
        .flatten()
}

/// `--write-boto`: the file whose `[Credentials]` is written.
pub fn boto_target(settings: &Settings) -> Result<Option<PathBuf>> {
    settings.write_boto.then(boto_path).transpose()
}

/// What a written section records it was made from: never a secret. A section written by
/// another tool records nothing, and is judged by its role and expiration alone.
const SOURCE_KEY_ID: &str = "aws_mfa_source_key_id";
const SOURCE_DEVICE: &str = "aws_mfa_source_device";

/// The expiration of `[section]` when it holds short-term credentials for `plan` (the same
/// role, or none; made from the same long-term key and `device`, when it records them)
/// with more than `min_remaining` seconds left. `device` is None when not known offline.
pub fn valid_until(
    credentials: &Ini,
    section: &str,
    plan: &ResolvedProfile,
    device: Option<&str>,
    min_remaining: u64,
) -> Option<i64> {
    let s = credentials.section(section)?;
    s.get(keys::ACCESS_KEY_ID)?;
    s.get(keys::SECRET_ACCESS_KEY)?;
    if !keys::is_short_term(|k| s.get(k)) {
        return None;
    }
    // awsmfa writes `awsmfa_expiration` (and no `expiration`) into the section it renews.
    let expiration = parse_expiration(s.get("expiration").or_else(|| s.get("awsmfa_expiration"))?)?;
    let wanted = plan.role.as_ref().map(|r| r.arn.as_str());
    // A section aws-mfa wrote before it recorded the source may come from other keys: it is
    // renewed once. Other tools' sections record nothing and are judged without it.
    let recorded = s.get(SOURCE_KEY_ID);
    if recorded.is_none() && ini_edit::is_managed(s) {
        return None;
    }
    let same_key = recorded.is_none_or(|id| id == plan.access_key_id);
    let same_device = match (s.get(SOURCE_DEVICE), device) {
        (Some(written), Some(device)) => written == device,
        _ => true,
    };
    (fresh_until(expiration, min_remaining) && written_role(s) == wanted && same_key && same_device)
        .then_some(expiration)
}

/// The role a section's credentials are for, as aws-mfa and the Python aws-mfa write it.
fn written_role(section: &Section) -> Option<&str> {
    let assumed = section
        .get("assumed_role")
        .map(|v| v.eq_ignore_ascii_case("true"));
    match (assumed, section.get("assumed_role_arn")) {
        (Some(false), _) => None,
        (_, arn) => arn,
    }
}

/// RFC 3339 (with `Z` or an offset such as `+00:00`, as awsmfa's Python `isoformat()`
/// writes it), the Python aws-mfa's `2026-11-23 18:30:00` (UTC), or Go's
/// `2026-11-23 18:30:00 +0000 UTC` (the Go awsmfa tools' `awsmfa_expiration`).
fn parse_expiration(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = match text
        .strip_suffix(" UTC")
        .and_then(|t| t.strip_suffix(" +0000"))
    {
        Some(go) => go,
        None => text,
    };
    parse_rfc3339(text)
        .or_else(|| {
            let (date, time) = text.split_once(' ')?;
            parse_rfc3339(&format!("{date}T{time}Z"))
        })
        .or_else(|| {
            // `…T18:30:00+01:00`: the time in UTC, then the offset taken off.
            let (time, offset) = text.split_at_checked(text.len().checked_sub(6)?)?;
            let (sign, hh_mm) = offset.split_at_checked(1)?;
            let (hours, minutes) = hh_mm.split_once(':')?;
            let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
            let seconds = (hours * 60 + minutes) * 60;
            let utc = parse_rfc3339(&format!("{time}Z"))?;
            match sign {
                "+" => Some(utc - seconds),
                "-" => Some(utc + seconds),
                _ => None,
            }
        })
}

/// Refuses, before any code is asked for, a write that would be refused afterwards.
/// (Whether the aws CLI would use the section is [`check_not_shadowed`].)
pub fn check_writes(plan: &Plan) -> Result<()> {
    if let Some(target) = &plan.writes.profile {
        check(&target.path, &target.section)?;
    }
    if let Some(path) = &plan.writes.boto {
        check(path, BOTO_SECTION)?;
    }
    Ok(())
}

/// Whether `[section]` of the file at `path` may be written.
pub fn check(path: &Path, section: &str) -> Result<()> {
    atomic::check_replaceable(path)
        .and_then(|()| atomic::check_lock(path))
        .map_err(|why| unreplaceable(path, &why))?;
    let text = read_text(path)?;
    ini_edit::check_writable(&text, section).map_err(|e| refusal(e, path, section))
}

/// Refuses `[section]` of the credentials file when the aws CLI would not use keys there,
/// naming a section it would use.
pub fn check_not_shadowed(files: &Files, plan: &ResolvedProfile, target: &Target) -> Result<()> {
    let section = &target.section;
    let Some(shadow) = shadowing(files, section) else {
        return Ok(());
    };
    bail!(
        "[{section}] of {} would be ignored by the aws CLI, because {} in [{}] of {} makes it {} instead; write the credentials to another section, e.g. {}",
        files.credentials_path,
        shadow.key,
        shadow.section,
        shadow.path,
        shadow.instead,
        suggestion(files, plan, target)
    )
}

/// A setting that makes the aws CLI answer for a profile before reading its keys in the
/// credentials file, and where it is written.
#[derive(Debug, PartialEq, Eq)]
struct Shadow {
    key: &'static str,
    section: String,
    path: String,
    instead: &'static str,
}

/// Why the aws CLI would not use keys in `[section]` of the credentials file, if it would
/// not. botocore's `create_credential_resolver` asks, in this order, the assume-role, the
/// web-identity and the SSO providers before the shared-credentials-file one.
fn shadowing(files: &Files, section: &str) -> Option<Shadow> {
    let find = |key| Setting::find(files, section, key);
    let sso = || find("sso_account_id").or_else(|| find("sso_role_name"));
    let web_identity = find("web_identity_token_file");
    if let Some(role) = find("role_arn")
        && web_identity.is_none()
    {
        // A role whose source is the profile itself signs AssumeRole with these very keys,
        // unless that source is read from SSO first (or botocore refuses the pair).
        let own_source = find("source_profile").is_some_and(|s| s.value == section)
            && find("credential_source").is_none()
            && sso().is_none();
        return (!own_source).then(|| role.shadow("assume that role"));
    }
    // An empty token file is no web identity: the provider passes the profile on.
    if let Some(web_identity) = web_identity.filter(|s| !s.value.is_empty()) {
        return Some(web_identity.shadow("assume its role with that web identity token"));
    }
    sso().map(|s| s.shadow("sign in through IAM Identity Center (SSO)"))
}

/// A key of a profile as the aws CLI reads it: the credentials file's section over the
/// config's, as botocore merges them.
struct Setting<'a> {
    key: &'static str,
    value: &'a str,
    section: &'a Section,
    ini: &'a Ini,
    path: &'a str,
}

impl<'a> Setting<'a> {
    fn find(files: &'a Files, profile: &str, key: &'static str) -> Option<Setting<'a>> {
        let in_file = |section: Option<&'a Section>, ini: &'a Ini, path: &'a str| {
            let section = section?;
            // botocore tests these keys with `in`: an empty value counts as present.
            let (_, value) = section.entries.iter().rev().find(|(k, _)| k == key)?;
            Some(Setting {
                key,
                value,
                section,
                ini,
                path,
            })
        };
        in_file(
            files.credentials.section(profile),
            &files.credentials,
            &files.credentials_path,
        )
        .or_else(|| {
            in_file(
                files.config_section(profile),
                &files.config,
                &files.config_path,
            )
        })
    }

    fn shadow(self, instead: &'static str) -> Shadow {
        // A key the section inherits from `[DEFAULT]` is shown where it is written.
        let own = self
            .ini
            .own_section(&self.section.name)
            .is_some_and(|own| own.entries.iter().any(|(k, _)| k == self.key));
        Shadow {
            key: self.key,
            section: if own {
                self.section.name.clone()
            } else {
                ini::DEFAULT_SECTION.to_string()
            },
            path: self.path.to_string(),
            instead,
        }
    }
}

/// A section to write instead, named as the refused one was (`--write-profile=NAME`, else
/// `--short-term-suffix`): neither shadowed, nor the long-term keys' section, nor one that
/// holds long-term keys.
fn suggestion(files: &Files, plan: &ResolvedProfile, target: &Target) -> String {
    let section = &target.section;
    let usable = |name: &str| {
        name != plan.key_section
            && name != target.long_term
            && shadowing(files, name).is_none()
            && !files
                .credentials
                .section(name)
                .is_some_and(ini_edit::holds_long_term_keys)
    };
    let mut suffixes = (1..).map(|n| match n {
        1 => "mfa".to_string(),
        n => format!("mfa-{n}"),
    });
    if target.named {
        let name = suffixes
            .map(|suffix| format!("{section}-{suffix}"))
            .find(|name| usable(name))
            .expect("the files have finitely many sections");
        format!("--write-profile={}", shell_words::quote(&name))
    } else {
        let suffix = suffixes
            .find(|suffix| usable(&profile::short_term_section(&plan.profile, Some(suffix))))
            .expect("the files have finitely many sections");
        format!("--short-term-suffix {suffix}")
    }
}

/// `expiration` as the Python aws-mfa writes and reads it (`strptime('%Y-%m-%d %H:%M:%S')`,
/// UTC): `2026-11-23 18:30:00`. Every form [`parse_expiration`] reads is read back.
pub fn python_expiration(epoch_seconds: i64) -> String {
    rfc3339(epoch_seconds).replace('T', " ").replace('Z', "")
}

/// Writes what the plan says, after credentials were obtained.
pub fn write_planned(plan: &Plan, handover: &Handover) -> Result<()> {
    if let Some(target) = &plan.writes.profile {
        write_profile(target, &plan.profile, handover)?;
    }
    if let Some(path) = &plan.writes.boto {
        write_boto(path, handover)?;
    }
    Ok(())
}

/// `[section]` of the credentials file: the keys the AWS SDKs, boto and the Python aws-mfa
/// read, in the forms the Python aws-mfa takes as valid (its `validate()` requires
/// `assumed_role`, both tokens and `expiration`, and compares `assumed_role_arn`).
pub fn write_profile(target: &Target, plan: &ResolvedProfile, handover: &Handover) -> Result<()> {
    let c = &handover.credentials;
    let expiration = python_expiration(c.expiration);
    let role = plan.role.as_ref().map(|r| r.arn.as_str());
    let mut entries = vec![
        ("aws_access_key_id", c.access_key_id.as_str()),
        ("aws_secret_access_key", c.secret_access_key.as_str()),
        ("aws_session_token", c.session_token.as_str()),
        ("aws_security_token", c.session_token.as_str()),
        ("expiration", expiration.as_str()),
        (
            "assumed_role",
            if role.is_some() { "True" } else { "False" },
        ),
    ];
    if let Some(arn) = role {
        entries.push(("assumed_role_arn", arn));
    }
    entries.push((SOURCE_KEY_ID, plan.access_key_id.as_str()));
    entries.push((SOURCE_DEVICE, handover.device.as_str()));
    // The Python aws-mfa takes a section with `assumed_role_arn` as a role's, whatever
    // `assumed_role` says, and removes the key when there is none.
    let remove: &[&str] = if role.is_none() {
        &["assumed_role_arn"]
    } else {
        &[]
    };
    let change = Change {
        set: &entries,
        add: target.region.as_deref().map(|r| ("region", r)),
        remove,
        marked: true,
    };
    edit(&target.path, &target.section, &change)
}

/// `aws-mfa --setup`: long-term keys into `[section]`, which holds no credentials yet.
pub fn write_long_term(path: &Path, section: &str, entries: &[(&str, &str)]) -> Result<()> {
    let change = Change {
        set: entries,
        add: None,
        remove: &[],
        marked: false,
    };
    edit(path, section, &change)
}

/// `[Credentials]` of `~/.boto`, as boto 2 reads it.
pub fn write_boto(path: &Path, handover: &Handover) -> Result<()> {
    let c = &handover.credentials;
    let entries = [
        ("aws_access_key_id", c.access_key_id.as_str()),
        ("aws_secret_access_key", c.secret_access_key.as_str()),
        ("aws_security_token", c.session_token.as_str()),
    ];
    let change = Change {
        set: &entries,
        add: None,
        remove: &[],
        marked: true,
    };
    edit(path, BOTO_SECTION, &change)
}

const BOTO_SECTION: &str = "Credentials";

/// `$BOTO_CONFIG` (with `~` and `$VAR` expanded, as for the AWS files), else `~/.boto`.
pub fn boto_path() -> Result<PathBuf> {
    crate::settings::process_env("BOTO_CONFIG")
        .map(|p| paths::expand(&p, &crate::settings::process_env))
        .map_or_else(paths::boto, Ok)
}

/// What an edit does to one section.
struct Change<'a> {
    set: &'a [(&'a str, &'a str)],
    /// Set only when the section has no such key when it is edited: never changed.
    add: Option<(&'a str, &'a str)>,
    remove: &'a [&'a str],
    /// With the aws-mfa marker (short-term credentials); without it, long-term keys, which
    /// go only where no credentials are.
    marked: bool,
}

/// Read, edit one section, replace atomically; under a lock so parallel runs edit in turn.
fn edit(path: &Path, section: &str, change: &Change) -> Result<()> {
    let _lock = atomic::lock_edits(path)
        .map_err(|e| Error::new(format!("cannot lock {} for editing: {e}", path.display())))?;
    atomic::check_replaceable(path).map_err(|why| unreplaceable(path, &why))?;
    // Temporary files of a writer killed before its rename hold secrets: remove them.
    atomic::remove_leftovers(path)
        .map_err(|e| Error::new(format!("cannot tidy beside {}: {e}", path.display())))?;
    let text = read_text(path)?;
    let current = Ini::parse(&text);
    let own = current.section(section);
    if !change.marked && own.is_some_and(holds_credentials) {
        return Err(keys_already(path, section));
    }
    let mut entries = change.set.to_vec();
    entries.extend(
        change
            .add
            .filter(|(key, _)| !own.is_some_and(|s| s.has(key))),
    );
    // The section says all this already (a cache hit): leave the file alone.
    let same = own.is_some_and(|s| {
        entries.iter().all(|(key, value)| s.get(key) == Some(value))
            && change.remove.iter().all(|key| !s.has(key))
            && (!change.marked || s.get(ini_edit::MARKER_KEY) == Some(ini_edit::MARKER_VALUE))
    });
    if same {
        debug!(
            "[{section}] of {} holds these credentials already",
            path.display()
        );
        return Ok(());
    }
    let edited = match (change.marked, change.remove) {
        (false, _) => ini_edit::set_unmarked(&text, section, &entries),
        (true, []) => ini_edit::set_section(&text, section, &entries),
        (true, remove) => ini_edit::set_section_removing(&text, section, &entries, remove),
    }
    .map_err(|e| refusal(e, path, section))?;
    atomic::write(path, edited.as_bytes(), 0o600)
        .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
    debug!("wrote [{section}] of {}", path.display());
    // The mode is the user's to choose, but secrets in a readable file are worth a word.
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o044 != 0
    {
        let what = if change.marked {
            "the session credentials"
        } else {
            "the long-term keys"
        };
        warning!(
            "{} is readable by other users (mode {:04o}), and so are {what} now written there; chmod 600 {} keeps them private",
            path.display(),
            meta.permissions().mode() & 0o7777,
            shell_words::quote(&path.display().to_string())
        );
    }
    Ok(())
}

/// Whether `aws-mfa --setup` may write long-term keys into `[section]` of the file at
/// `path`: one that can be edited, and a section holding no credentials yet.
pub fn check_long_term(path: &Path, section: &str) -> Result<()> {
    let text = read_text(path)?;
    if Ini::parse(&text)
        .section(section)
        .is_some_and(holds_credentials)
    {
        return Err(keys_already(path, section));
    }
    check(path, section)
}

fn keys_already(path: &Path, section: &str) -> Error {
    Error::new(format!(
        "[{section}] of {} holds keys already, and aws-mfa --setup replaces none; edit that section by hand, remove it first, or give another profile name",
        path.display()
    ))
}

/// Whether a section holds a key id, a secret or a session token (even an empty one).
pub fn holds_credentials(section: &Section) -> bool {
    [keys::ACCESS_KEY_ID, keys::SECRET_ACCESS_KEY]
        .iter()
        .chain(&keys::SESSION_TOKEN_KEYS)
        .any(|key| section.has(key))
}

fn unreplaceable(path: &Path, why: &str) -> Error {
    Error::new(format!("aws-mfa will not edit {}: {why}", path.display()))
}

/// A missing file reads as empty; one that is not UTF-8 text is not edited.
fn read_text(path: &Path) -> Result<String> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            Error::new(format!(
                "{} is not UTF-8 text, so aws-mfa will not edit it; convert it to UTF-8 (iconv -t UTF-8) first",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => bail!("cannot read {}: {e}", path.display()),
    }
}

fn refusal(e: ini_edit::EditError, path: &Path, section: &str) -> Error {
    match e {
        // ~/.boto has one place for credentials, so another section would not help.
        ini_edit::EditError::LongTermKeys { .. } if section == BOTO_SECTION => Error::new(format!(
            "[{BOTO_SECTION}] of {} holds long-term keys, so aws-mfa will not overwrite it; move them to ~/.aws/credentials first, or leave out --write-boto",
            path.display()
        )),
        e => Error::new(format!("{e} (in {})", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::now;
    use crate::profile::RolePlan;

    fn plan(role: Option<&str>) -> ResolvedProfile {
        ResolvedProfile {
            profile: "dev".into(),
            key_section: "dev-long-term".into(),
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: "secret".into(),
            origins: Default::default(),
            device: None,
            mfa_process: None,
            session_duration: 43_200,
            role: role.map(|arn| RolePlan {
                arn: arn.into(),
                session_name: "alice".into(),
                external_id: None,
                duration: 3600,
                direct: false,
            }),
            region: None,
            sts_region: "us-east-1".into(),
            endpoint_url: None,
            iam_endpoint_url: None,
            sdk: Default::default(),
            transport: Default::default(),
        }
    }

    fn section(expiration: &str, extra: &str) -> Ini {
        Ini::parse(&format!(
            "[dev]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\nexpiration = {expiration}\n{extra}"
        ))
    }

    #[test]
    fn a_section_is_valid_for_the_same_role_with_time_left() {
        let later = crate::credentials::rfc3339(now() + 3600);
        let valid = |ini: &Ini, plan: &ResolvedProfile, min_remaining| {
            valid_until(ini, "dev", plan, None, min_remaining).is_some()
        };
        let ini = section(&later, "assumed_role = False\n");
        assert!(valid(&ini, &plan(None), 300));
        assert!(!valid(&ini, &plan(None), 4000), "margin");
        assert!(!valid(&ini, &plan(Some("arn:aws:iam::1:role/A")), 300));
        let ini = section(
            &later,
            "assumed_role = True\nassumed_role_arn = arn:aws:iam::1:role/A\n",
        );
        assert!(valid(&ini, &plan(Some("arn:aws:iam::1:role/A")), 300));
        assert!(!valid(&ini, &plan(Some("arn:aws:iam::1:role/B")), 300));
        assert!(!valid(&ini, &plan(None), 300));
        let earlier = crate::credentials::rfc3339(now() - 60);
        assert!(!valid(&section(&earlier, ""), &plan(None), 0));
    }

    #[test]
    fn a_section_made_from_other_keys_or_another_device_is_not_valid() {
        let later = crate::credentials::rfc3339(now() + 3600);
        let device = "arn:aws:iam::123456789012:mfa/alice";
        let ini = section(
            &later,
            &format!(
                "aws_mfa_source_key_id = AKIAIOSFODNN7EXAMPLE\naws_mfa_source_device = {device}\n"
            ),
        );
        assert!(valid_until(&ini, "dev", &plan(None), Some(device), 300).is_some());
        assert!(
            valid_until(&ini, "dev", &plan(None), None, 300).is_some(),
            "device unknown offline"
        );
        let other_device = "arn:aws:iam::123456789012:mfa/bob";
        assert!(valid_until(&ini, "dev", &plan(None), Some(other_device), 300).is_none());
        let mut other_key = plan(None);
        other_key.access_key_id = "AKIAI44QH8DHBEXAMPLE".into();
        assert!(valid_until(&ini, "dev", &other_key, Some(device), 300).is_none());
        // A section another tool wrote records neither: its role and expiration decide.
        let theirs = section(&later, "");
        assert!(valid_until(&theirs, "dev", &other_key, Some(other_device), 300).is_some());
    }

    #[test]
    fn the_python_aws_mfa_expiration_format_is_read() {
        assert_eq!(parse_expiration("2026-11-23 18:30:00"), Some(1_795_458_600));
        assert_eq!(
            parse_expiration("2026-11-23T18:30:00Z"),
            Some(1_795_458_600)
        );
        assert_eq!(parse_expiration("soon"), None);
        // Offsets, as other tools write them.
        assert_eq!(
            parse_expiration("2026-11-23T18:30:00+00:00"),
            Some(1_795_458_600)
        );
        assert_eq!(
            parse_expiration("2026-11-23T19:30:00+01:00"),
            Some(1_795_458_600)
        );
        assert_eq!(
            parse_expiration("2026-11-23T13:00:00-05:30"),
            Some(1_795_458_600)
        );
        assert_eq!(parse_expiration("2026-11-23T18:30:00+0x:00"), None);
        // awsmfa's Python isoformat(), with microseconds; Go's time.String() in UTC.
        assert_eq!(
            parse_expiration("2026-11-23T18:30:00.250000+00:00"),
            Some(1_795_458_600)
        );
        assert_eq!(
            parse_expiration("2026-11-23 18:30:00 +0000 UTC"),
            Some(1_795_458_600)
        );
        assert_eq!(parse_expiration("2026-11-23 18:30:00 +0100 CET"), None);
    }

    #[test]
    fn the_written_expiration_is_the_python_aws_mfas_and_reads_back() {
        assert_eq!(python_expiration(1_795_458_600), "2026-11-23 18:30:00");
        assert_eq!(python_expiration(0), "1970-01-01 00:00:00");
        assert_eq!(
            parse_expiration(&python_expiration(1_795_458_600)),
            Some(1_795_458_600)
        );
    }

    #[test]
    fn awsmfa_expiration_counts_when_there_is_no_expiration() {
        let later = now() + 3600;
        let awsmfa = |extra: &str| {
            Ini::parse(&format!(
                "[dev]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\n{extra}"
            ))
        };
        let iso = crate::credentials::rfc3339(later).replace('Z', "+00:00");
        let ini = awsmfa(&format!("awsmfa_expiration = {iso}\n"));
        assert_eq!(
            valid_until(&ini, "dev", &plan(None), None, 300),
            Some(later)
        );
        // `expiration` comes first.
        let ini = awsmfa(&format!(
            "awsmfa_expiration = {iso}\nexpiration = {}\n",
            python_expiration(later - 3000)
        ));
        assert_eq!(
            valid_until(&ini, "dev", &plan(None), None, 300),
            Some(later - 3000)
        );
        assert_eq!(valid_until(&awsmfa(""), "dev", &plan(None), None, 0), None);
    }

    #[test]
    fn the_region_is_added_from_the_files_where_the_sections_profile_has_none() {
        let mut plan = plan(None);
        plan.region = Some("eu-west-2".into());
        let from_file = Some(Origin::File {
            path: "credentials".into(),
            section: "dev-long-term".into(),
        });
        let files = files("[profile set]\nregion = sa-east-1\n", "[empty]\nregion =\n");
        for (origin, section, added) in [
            (from_file.clone(), "dev", Some("eu-west-2")),
            (from_file.clone(), "set", None),
            (from_file.clone(), "empty", None),
            (Some(Origin::Flag("--region")), "dev", None),
            (Some(Origin::Env("AWS_REGION")), "dev", None),
        ] {
            plan.origins.region = origin.clone();
            assert_eq!(
                region_to_add(&files, &plan, section).as_deref(),
                added,
                "{origin:?} {section}"
            );
        }
    }

    fn files(config: &str, credentials: &str) -> Files {
        Files {
            config: Ini::parse(config),
            credentials: Ini::parse(credentials),
            config_path: "config".into(),
            credentials_path: "credentials".into(),
            any_exists: true,
        }
    }

    /// The key and the `[section] of file` that keep the aws CLI from using `[admin]`'s keys.
    fn shadow(config: &str, credentials: &str) -> Option<(&'static str, String)> {
        shadowing(&files(config, credentials), "admin")
            .map(|s| (s.key, format!("[{}] of {}", s.section, s.path)))
    }

    #[test]
    fn the_settings_botocore_reads_before_the_credentials_file_shadow_a_section() {
        let role = "role_arn = arn:aws:iam::1:role/A\n";
        let config = |body: &str| format!("[profile admin]\n{body}");
        let in_config = |key| Some((key, "[profile admin] of config".to_string()));
        assert_eq!(shadow("", "[admin]\naws_access_key_id = A\n"), None);
        assert_eq!(shadow(&config("region = x\n"), ""), None);
        assert_eq!(shadow(&config(role), ""), in_config("role_arn"));
        assert_eq!(shadow(&config("ROLE_ARN =\n"), ""), in_config("role_arn"));
        // The credentials file's keys count too, over the config's.
        assert_eq!(
            shadow("", &format!("[admin]\n{role}")),
            Some(("role_arn", "[admin] of credentials".to_string()))
        );
        assert_eq!(
            shadow(&format!("[DEFAULT]\n{role}[profile admin]\n"), ""),
            Some(("role_arn", "[DEFAULT] of config".to_string()))
        );
        // `[admin]` of the config is no profile.
        assert_eq!(shadow(&format!("[admin]\n{role}"), ""), None);
        // Its own source: the keys sign AssumeRole, unless SSO or credential_source comes first.
        let own = format!("{role}source_profile = admin\n");
        assert_eq!(shadow(&config(&own), ""), None);
        assert_eq!(
            shadow(&config(&format!("{own}sso_role_name = R\n")), ""),
            in_config("role_arn")
        );
        assert_eq!(
            shadow(
                &config(&format!("{own}credential_source = Environment\n")),
                ""
            ),
            in_config("role_arn")
        );
        // A web identity token file turns the assume-role provider away, and is used unless empty.
        let web = "web_identity_token_file = /t\n";
        assert_eq!(
            shadow(&config(&format!("{role}{web}")), ""),
            in_config("web_identity_token_file")
        );
        assert_eq!(
            shadow(&config(web), ""),
            in_config("web_identity_token_file")
        );
        assert_eq!(
            shadow(&config(&format!("{role}web_identity_token_file =\n")), ""),
            None
        );
        assert_eq!(
            shadow(
                &config("web_identity_token_file =\nsso_account_id = 1\n"),
                ""
            ),
            in_config("sso_account_id")
        );
        assert_eq!(
            shadow(&config("sso_role_name = R\n"), ""),
            in_config("sso_role_name")
        );
        assert_eq!(shadow(&config("sso_session = corp\n"), ""), None);
        assert_eq!(shadow(&config("credential_process = x\n"), ""), None);
    }

    #[test]
    fn the_suggested_section_is_usable_and_named_as_the_refused_one() {
        let mut plan = plan(None);
        plan.profile = "admin".into();
        let target = |section: &str, named: bool, long_term: &str| Target {
            path: "credentials".into(),
            section: section.into(),
            named,
            long_term: long_term.into(),
            region: None,
        };
        let role = "role_arn = arn:aws:iam::1:role/A\n";
        let files = files(&format!("[profile admin]\n{role}"), "");
        let default = target("admin", false, "admin-long-term");
        assert_eq!(
            suggestion(&files, &plan, &default),
            "--short-term-suffix mfa"
        );
        let named = target("admin", true, "admin-long-term");
        assert_eq!(
            suggestion(&files, &plan, &named),
            "--write-profile=admin-mfa"
        );
        // Not shadowed, not the long-term section, not the key section, no long-term keys.
        let files = self::files(
            &format!("[profile admin]\n{role}[profile admin-mfa]\n{role}"),
            "[admin-mfa-3]\naws_access_key_id = A\naws_secret_access_key = S\n",
        );
        plan.key_section = "admin-mfa-4".into();
        assert_eq!(
            suggestion(&files, &plan, &target("admin", true, "admin-mfa-2")),
            "--write-profile=admin-mfa-5"
        );
        assert_eq!(
            suggestion(&files, &plan, &target("admin", false, "admin-mfa-2")),
            "--short-term-suffix mfa-5"
        );
        assert_eq!(
            suggestion(&files, &plan, &target("a b", true, "admin-long-term")),
            "--write-profile='a b-mfa'"
        );
    }

    #[test]
    fn the_short_term_section_never_is_the_long_term_one() {
        let mut opts = crate::cli::CredentialOpts::default();
        opts.files.config_file = Some("/c".into());
        opts.files.credentials_file = Some("/k".into());
        let section = |opts: &crate::cli::CredentialOpts| {
            let settings = Settings::new(opts, &|_| None).unwrap();
            target(&settings, &Files::default(), &plan(None)).map(|t| t.section)
        };
        assert_eq!(section(&opts).unwrap(), "dev");
        opts.short_term_suffix = Some("short".into());
        assert_eq!(section(&opts).unwrap(), "dev-short");
        opts.write_profile = Some(Some("dev-long-term".into()));
        let err = section(&opts).unwrap_err().to_string();
        assert!(
            err.contains("[dev-long-term] is where the long-term keys are"),
            "{err}"
        );
    }
}
