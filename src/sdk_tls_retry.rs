//! The transport settings of the STS call: a CA bundle to trust in addition to the system
//! roots, and the retry policy (docs/design.md §3, item 5). Resolved with the profile, as plain
//! strings: the bundle is read only when a client is built, never on the cache-hit path.

use crate::error::{Result, bail};
use crate::settings::{Env, Origin, Sourced};

/// The variables, as the aws CLI names them.
pub const CA_BUNDLE_VAR: &str = "AWS_CA_BUNDLE";
pub const MAX_ATTEMPTS_VAR: &str = "AWS_MAX_ATTEMPTS";
pub const RETRY_MODE_VAR: &str = "AWS_RETRY_MODE";

/// How a failed call without a code is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryMode {
    Standard,
    Adaptive,
    /// botocore's default: the Rust SDK has no such mode, so it is the standard one with
    /// botocore's legacy default of 5 attempts.
    Legacy,
}

impl RetryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RetryMode::Standard => "standard",
            RetryMode::Adaptive => "adaptive",
            RetryMode::Legacy => "legacy",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransportSettings {
    /// A PEM file of CA certificates, as given (relative to the working directory).
    pub ca_bundle: Option<Sourced<String>>,
    pub max_attempts: Option<Sourced<u32>>,
    pub retry_mode: Option<Sourced<RetryMode>>,
}

impl TransportSettings {
    /// The variable first, then the profile's lookup chain (`setting`), as the aws CLI.
    pub fn resolve<'a>(
        env: Env,
        setting: &dyn Fn(&str) -> Option<(&'a str, Origin)>,
    ) -> Result<Self> {
        let pick = |var: &'static str, key: &str| {
            env(var)
                .filter(|v| !v.is_empty())
                .map(|v| Sourced::new(v, Origin::Env(var)))
                .or_else(|| setting(key).map(|(v, o)| Sourced::new(v.to_string(), o)))
        };
        let ca_bundle = pick(CA_BUNDLE_VAR, "ca_bundle").filter(|b| !b.value.trim().is_empty());
        let max_attempts = match pick(MAX_ATTEMPTS_VAR, "max_attempts") {
            None => None,
            Some(given) => match given.value.trim().parse::<u32>() {
                Ok(n) if n >= 1 => Some(Sourced::new(n, given.origin)),
                _ => bail!(
                    "max_attempts {:?} (from {}) is not a number of attempts: give a whole number from 1 up (1: no retries)",
                    given.value,
                    given.origin
                ),
            },
        };
        let retry_mode = match pick(RETRY_MODE_VAR, "retry_mode") {
            None => None,
            Some(given) => {
                let mode = match given.value.trim().to_ascii_lowercase().as_str() {
                    "standard" => RetryMode::Standard,
                    "adaptive" => RetryMode::Adaptive,
                    "legacy" => RetryMode::Legacy,
                    _ => bail!(
                        "retry_mode {:?} (from {}) is not a retry mode: use standard, adaptive or legacy",
                        given.value,
                        given.origin
                    ),
                };
                Some(Sourced::new(mode, given.origin))
            }
        };
        Ok(Self {
            ca_bundle,
            max_attempts,
            retry_mode,
        })
    }

    /// The attempts of a call without a code: the setting, else the mode's default.
    pub fn attempts(&self) -> u32 {
        match (&self.max_attempts, &self.retry_mode) {
            (Some(n), _) => n.value,
            (None, Some(mode)) if mode.value == RetryMode::Legacy => 5,
            _ => 3,
        }
    }

    /// The settings the child gets as variables, with the names the SDKs read: those from
    /// the files only. One from the caller's environment is inherited as it is, and so is
    /// never unset by `off`.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        let from_files = |origin: &Origin| matches!(origin, Origin::File { .. });
        let mut vars = Vec::new();
        if let Some(bundle) = self.ca_bundle.as_ref().filter(|s| from_files(&s.origin)) {
            vars.push((CA_BUNDLE_VAR, bundle.value.clone()));
        }
        if let Some(n) = self.max_attempts.as_ref().filter(|s| from_files(&s.origin)) {
            vars.push((MAX_ATTEMPTS_VAR, n.value.to_string()));
        }
        if let Some(mode) = self.retry_mode.as_ref().filter(|s| from_files(&s.origin)) {
            vars.push((RETRY_MODE_VAR, mode.value.as_str().to_string()));
        }
        vars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(section: &str) -> Origin {
        Origin::File {
            path: "/c".into(),
            section: section.into(),
        }
    }

    fn resolve(
        vars: &[(&str, &str)],
        keys: &[(&'static str, &'static str)],
    ) -> Result<TransportSettings> {
        let env = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let setting = |key: &str| {
            keys.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v, file("profile dev")))
        };
        TransportSettings::resolve(&env, &setting)
    }

    #[test]
    fn the_variable_wins_over_the_profile_and_defaults_follow_the_mode() {
        let t = resolve(
            &[("AWS_MAX_ATTEMPTS", "2")],
            &[
                ("max_attempts", "4"),
                ("retry_mode", " Legacy "),
                ("ca_bundle", "ca.pem"),
            ],
        )
        .unwrap();
        assert_eq!(
            t.max_attempts,
            Some(Sourced::new(2, Origin::Env("AWS_MAX_ATTEMPTS")))
        );
        assert_eq!(
            t.retry_mode,
            Some(Sourced::new(RetryMode::Legacy, file("profile dev")))
        );
        assert_eq!(t.attempts(), 2);
        // The variable is the caller's own: inherited, not handed over.
        assert_eq!(
            t.variables(),
            [
                ("AWS_CA_BUNDLE", "ca.pem".to_string()),
                ("AWS_RETRY_MODE", "legacy".to_string())
            ]
        );
        assert_eq!(
            resolve(&[], &[("retry_mode", "legacy")])
                .unwrap()
                .attempts(),
            5
        );
        assert_eq!(
            resolve(&[], &[("retry_mode", "adaptive")])
                .unwrap()
                .attempts(),
            3
        );
        let none = resolve(&[("AWS_CA_BUNDLE", "")], &[]).unwrap();
        assert_eq!(none, TransportSettings::default());
        assert!(none.variables().is_empty());
    }

    #[test]
    fn a_bad_value_names_the_setting_and_its_origin() {
        for (vars, keys, words) in [
            (
                &[("AWS_MAX_ATTEMPTS", "0")][..],
                &[][..],
                ["\"0\"", "AWS_MAX_ATTEMPTS"],
            ),
            (
                &[],
                &[("max_attempts", "-1")][..],
                ["\"-1\"", "[profile dev]"],
            ),
            (
                &[("AWS_RETRY_MODE", "fast")],
                &[],
                ["\"fast\"", "AWS_RETRY_MODE"],
            ),
        ] {
            let text = resolve(vars, keys).unwrap_err().to_string();
            for w in words {
                assert!(text.contains(w), "{w}: {text}");
            }
        }
    }
}
