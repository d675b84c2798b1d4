//! Flags and environment → settings, each with where it came from (docs/design.md §2).
//!
//! The one place that reads the variables aws-mfa's own options stand for: clap parses the
//! flags only, so every command — exec, env, credential-process, classic, list, clear —
//! sees the same variables the same way, and an empty variable is an unset one.

use std::fmt;
use std::path::PathBuf;

use crate::cli::CredentialOpts;
use crate::error::Result;
use crate::paths;

/// Where a setting came from, for `-v` and for messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    Flag(&'static str),
    Env(&'static str),
    /// A key of a section of the config or credentials file.
    File {
        path: String,
        section: String,
    },
    #[default]
    Default,
    /// `list`: each profile of the files in turn.
    Listed,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "{flag}"),
            Origin::Env(name) => write!(f, "{name}"),
            Origin::File { path, section } => write!(f, "[{section}] of {path}"),
            Origin::Default => write!(f, "the default"),
            Origin::Listed => write!(f, "the files' list of profiles"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Self { value, origin }
    }
}

impl Sourced<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// What a command works from, before the files are read.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Sourced<String>,
    pub device: Option<Sourced<String>>,
    /// `--user`: the IAM user whose MFA device IAM is asked for (§3.2).
    pub user: Option<Sourced<String>>,
    pub token_code: Option<Sourced<String>>,
    pub duration: Option<Sourced<String>>,
    pub assume_role: Option<Sourced<String>>,
    pub role_session_name: Option<String>,
    pub external_id: Option<String>,
    pub region: Option<Sourced<String>>,
    pub source_profile: Option<String>,
    pub long_term_suffix: Option<String>,
    pub short_term_suffix: Option<String>,
    pub config_file: Sourced<PathBuf>,
    pub credentials_file: Sourced<PathBuf>,
    pub refresh: bool,
    pub no_session: bool,
    pub no_prompt: bool,
    /// `--write-profile`: None, the default section (`Some(None)`), or a named one.
    pub write_profile: Option<Option<String>>,
    pub write_boto: bool,
    pub min_remaining: u64,
}

/// A lookup of environment variables; tests pass a table.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, an empty variable counting as unset (as for the AWS CLI).
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Settings {
    /// The flags, then the variables that stand for them, then the defaults.
    pub fn new(flags: &CredentialOpts, env: Env) -> Result<Self> {
        let env = |name: &str| env(name).filter(|v| !v.is_empty());
        let pick = |flag: &Option<String>,
                    flag_name: &'static str,
                    vars: &[&'static str]|
         -> Option<Sourced<String>> {
            if let Some(value) = flag {
                return Some(Sourced::new(value.clone(), Origin::Flag(flag_name)));
            }
            vars.iter()
                .find_map(|&var| env(var).map(|v| Sourced::new(v, Origin::Env(var))))
        };
        let path = |flag: &Option<PathBuf>,
                    flag_name: &'static str,
                    var: &'static str,
                    default: fn() -> Result<PathBuf>|
         -> Result<Sourced<PathBuf>> {
            Ok(match (flag, env(var)) {
                (Some(p), _) => Sourced::new(p.clone(), Origin::Flag(flag_name)),
                // As botocore reads it: `$VAR`, `${VAR}` and a leading `~` expanded.
                (None, Some(p)) => Sourced::new(paths::expand(&p, &env), Origin::Env(var)),
                (None, None) => Sourced::new(default()?, Origin::Default),
            })
        };
        let files = &flags.files;
        Ok(Settings {
            profile: pick(
                &flags.profile,
                "--profile",
                &["AWS_PROFILE", "AWS_DEFAULT_PROFILE"],
            )
            .unwrap_or_else(|| Sourced::new("default".into(), Origin::Default)),
            device: pick(&flags.device, "--device", &["MFA_DEVICE", "AWS_MFA_DEVICE"]),
            user: pick(&flags.user, "--user", &[]),
            token_code: pick(&flags.token_code, "--token-code", &["AWS_MFA_TOKEN_CODE"]),
            duration: pick(&flags.duration, "--duration", &["MFA_STS_DURATION"]),
            assume_role: pick(&flags.assume_role, "--assume-role", &["MFA_ASSUME_ROLE"]),
            role_session_name: flags.role_session_name.clone(),
            external_id: flags.external_id.clone(),
            region: pick(
                &flags.region,
                "--region",
                &["AWS_REGION", "AWS_DEFAULT_REGION"],
            ),
            source_profile: flags.source_profile.clone(),
            long_term_suffix: flags.long_term_suffix.clone(),
            short_term_suffix: flags.short_term_suffix.clone(),
            config_file: path(
                &files.config_file,
                "--config-file",
                "AWS_CONFIG_FILE",
                paths::config,
            )?,
            credentials_file: path(
                &files.credentials_file,
                "--credentials-file",
                "AWS_SHARED_CREDENTIALS_FILE",
                paths::credentials,
            )?,
            refresh: flags.refresh,
            no_session: flags.no_session,
            no_prompt: flags.no_prompt,
            write_profile: flags.write_profile.clone(),
            write_boto: flags.write_boto,
            min_remaining: flags.min_remaining,
        })
    }

    /// The same settings for another profile, as `list` shows each one.
    pub fn for_profile(&self, name: &str) -> Self {
        Settings {
            profile: Sourced::new(name.to_string(), Origin::Listed),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn flags() -> CredentialOpts {
        CredentialOpts {
            files: crate::cli::FileOpts {
                config_file: Some("/c".into()),
                credentials_file: Some("/k".into()),
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_flag_beats_its_variables_and_each_says_where_it_came_from() {
        let env = env_of(&[
            ("AWS_PROFILE", "from-env"),
            ("AWS_MFA_DEVICE", "arn:aws:iam::123456789012:mfa/b"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
        ]);
        let mut f = flags();
        f.profile = Some("dev".into());
        let s = Settings::new(&f, &env).unwrap();
        assert_eq!(
            s.profile,
            Sourced::new("dev".into(), Origin::Flag("--profile"))
        );
        let device = s.device.unwrap();
        assert_eq!(device.origin, Origin::Env("AWS_MFA_DEVICE"));
        assert_eq!(s.region.unwrap().origin.to_string(), "AWS_DEFAULT_REGION");
        assert_eq!(s.config_file.origin, Origin::Flag("--config-file"));
    }

    #[test]
    fn empty_variables_are_unset() {
        let env = env_of(&[
            ("AWS_PROFILE", ""),
            ("MFA_DEVICE", ""),
            ("AWS_MFA_DEVICE", "arn:aws:iam::123456789012:mfa/b"),
            ("AWS_MFA_TOKEN_CODE", ""),
        ]);
        let s = Settings::new(&flags(), &env).unwrap();
        assert_eq!(s.profile, Sourced::new("default".into(), Origin::Default));
        assert_eq!(s.device.unwrap().origin, Origin::Env("AWS_MFA_DEVICE"));
        assert!(s.token_code.is_none());
    }

    #[test]
    fn aws_default_profile_names_the_profile_after_aws_profile() {
        let s = Settings::new(&flags(), &env_of(&[("AWS_DEFAULT_PROFILE", "old")])).unwrap();
        assert_eq!(
            s.profile,
            Sourced::new("old".into(), Origin::Env("AWS_DEFAULT_PROFILE"))
        );
        let env = env_of(&[("AWS_DEFAULT_PROFILE", "old"), ("AWS_PROFILE", "new")]);
        let s = Settings::new(&flags(), &env).unwrap();
        assert_eq!(s.profile.value, "new");
    }

    #[test]
    fn file_variables_expand_home_and_variables_as_botocore_does() {
        let env = env_of(&[
            ("HOME", "/home/u/"),
            ("AWS_CONFIG_FILE", "~/cfg/$DIR/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "${HOME}x/${NOPE}/$NOPE/~/$"),
            ("DIR", "d"),
        ]);
        let s = Settings::new(&CredentialOpts::default(), &env).unwrap();
        assert_eq!(s.config_file.value, PathBuf::from("/home/u/cfg/d/config"));
        assert_eq!(
            s.credentials_file.value,
            PathBuf::from("/home/u/x/${NOPE}/$NOPE/~/$")
        );
        let env = env_of(&[("HOME", "/h"), ("AWS_CONFIG_FILE", "~user/c")]);
        let s = Settings::new(&CredentialOpts::default(), &env).unwrap();
        assert_eq!(s.config_file.value, PathBuf::from("~user/c"));
    }
}
