//! The SDK settings of a profile that the STS call honours and the child is given
//! (docs/design.md §5): FIPS and dual-stack endpoints, configured endpoints (the
//! `services` section), `sts_regional_endpoints` and `output`, each with its origin.
//!
//! Pure and cheap: a few keys of sections already read; the cache-hit path resolves them
//! too, because the child needs them whether or not STS is called.

use std::collections::BTreeMap;

use crate::ini::Ini;
use crate::settings::{Origin, Sourced};

/// A lookup of the profile's keys, nearest section first: the value and where it came from.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<(String, Origin)>;

/// What the STS call and the child take from the SDK settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SdkSettings {
    /// `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`.
    pub use_fips: Option<Sourced<bool>>,
    /// `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`.
    pub use_dualstack: Option<Sourced<bool>>,
    /// The configured endpoint of STS, by the SDKs' precedence (see [`configured`]).
    pub sts_endpoint: Option<Sourced<String>>,
    /// The configured endpoint of IAM, asked only to find the MFA device.
    pub iam_endpoint: Option<Sourced<String>>,
    /// `sts_regional_endpoints = legacy`: the SDK's rules choose the global endpoint (signed
    /// for us-east-1) in the regions that had it.
    pub sts_legacy: Option<Sourced<bool>>,
    /// `AWS_DEFAULT_OUTPUT` / `output`.
    pub output: Option<Sourced<String>>,
    /// The variables the child is given: settings the files hold and the environment does
    /// not override (an inherited variable reaches the child by itself).
    pub handed: Vec<(String, String)>,
}

/// A setting's value as botocore reads a boolean: `true` in any case, else false.
fn boolean(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}

/// `AWS_ENDPOINT_URL_<SERVICE>` of a key of a services section (`elastic_beanstalk` →
/// `ELASTIC_BEANSTALK`); None for a key no variable can be named after.
fn service_variable(service: &str) -> Option<String> {
    let ok = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    ok.then(|| {
        format!(
            "AWS_ENDPOINT_URL_{}",
            service.replace('-', "_").to_uppercase()
        )
    })
}

/// The `endpoint_url` of each service of the services section the profile names, as
/// botocore reads a nested value (`sts =` with indented `endpoint_url = …` under it).
fn services(config: &Ini, config_path: &str, name: &str) -> BTreeMap<String, Sourced<String>> {
    let section_name = format!("services {name}");
    let mut found = BTreeMap::new();
    let Some(section) = config.section(&section_name) else {
        return found;
    };
    // Later entries win, as configparser keeps the last of a repeated key.
    for (service, value) in &section.entries {
        let url = value.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim().eq_ignore_ascii_case("endpoint_url")).then(|| value.trim().to_string())
        });
        match url.filter(|u| !u.is_empty()) {
            Some(url) => {
                let origin = Origin::File {
                    path: config_path.to_string(),
                    section: section_name.clone(),
                };
                found.insert(service.clone(), Sourced::new(url, origin));
            }
            None => {
                found.remove(service);
            }
        }
    }
    found
}

/// A configured endpoint as botocore and the SDKs choose it: `AWS_ENDPOINT_URL_<SERVICE>`,
/// `AWS_ENDPOINT_URL`, the services section's `endpoint_url` for the service, the
/// profile's `endpoint_url`.
fn configured(
    variable: &'static str,
    service: &str,
    env: &dyn Fn(&str) -> Option<String>,
    listed: &BTreeMap<String, Sourced<String>>,
    profile_url: &Option<Sourced<String>>,
) -> Option<Sourced<String>> {
    env(variable)
        .map(|v| Sourced::new(v, Origin::Env(variable)))
        .or_else(|| {
            env("AWS_ENDPOINT_URL").map(|v| Sourced::new(v, Origin::Env("AWS_ENDPOINT_URL")))
        })
        .or_else(|| listed.get(service).cloned())
        .or_else(|| profile_url.clone())
}

/// The SDK settings of a profile: `env` holds no empty variable, `first` looks a key up in
/// the profile's sections, nearest first.
pub fn resolve(
    first: Lookup,
    config: &Ini,
    config_path: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> SdkSettings {
    let flag = |variable: &'static str, key: &str| {
        env(variable)
            .map(|v| Sourced::new(boolean(&v), Origin::Env(variable)))
            .or_else(|| first(key).map(|(v, origin)| Sourced::new(boolean(&v), origin)))
    };
    let use_fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
    let use_dualstack = flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
    let sts_legacy = env("AWS_STS_REGIONAL_ENDPOINTS")
        .map(|v| (v, Origin::Env("AWS_STS_REGIONAL_ENDPOINTS")))
        .or_else(|| first("sts_regional_endpoints"))
        .map(|(v, origin)| Sourced::new(v.trim().eq_ignore_ascii_case("legacy"), origin));
    let output = env("AWS_DEFAULT_OUTPUT")
        .map(|v| (v, Origin::Env("AWS_DEFAULT_OUTPUT")))
        .or_else(|| first("output"))
        .map(|(v, origin)| Sourced::new(v, origin));

    let ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| first("ignore_configured_endpoint_urls").map(|(v, _)| v))
        .is_some_and(|v| boolean(&v));
    let (listed, profile_url) = if ignore {
        (BTreeMap::new(), None)
    } else {
        let listed = first("services")
            .map(|(name, _)| services(config, config_path, &name))
            .unwrap_or_default();
        let profile_url = first("endpoint_url").map(|(v, origin)| Sourced::new(v, origin));
        (listed, profile_url)
    };
    let (sts_endpoint, iam_endpoint) = if ignore {
        (None, None)
    } else {
        (
            configured("AWS_ENDPOINT_URL_STS", "sts", env, &listed, &profile_url),
            configured("AWS_ENDPOINT_URL_IAM", "iam", env, &listed, &profile_url),
        )
    };

    let mut handed = Vec::new();
    let from_file = |s: &Option<Sourced<bool>>| {
        s.as_ref()
            .filter(|s| matches!(s.origin, Origin::File { .. }))
            .map(|s| s.value.to_string())
    };
    if let Some(v) = from_file(&use_fips) {
        handed.push(("AWS_USE_FIPS_ENDPOINT".to_string(), v));
    }
    if let Some(v) = from_file(&use_dualstack) {
        handed.push(("AWS_USE_DUALSTACK_ENDPOINT".to_string(), v));
    }
    if let Some(legacy) = &sts_legacy
        && matches!(legacy.origin, Origin::File { .. })
    {
        let v = if legacy.value { "legacy" } else { "regional" };
        handed.push(("AWS_STS_REGIONAL_ENDPOINTS".to_string(), v.to_string()));
    }
    // The caller's AWS_ENDPOINT_URL beats every endpoint of the files, in the child too.
    if env("AWS_ENDPOINT_URL").is_none() {
        if let Some(url) = &profile_url {
            handed.push(("AWS_ENDPOINT_URL".to_string(), url.value.clone()));
        }
        for (service, url) in &listed {
            if let Some(variable) = service_variable(service)
                && env(&variable).is_none()
            {
                handed.push((variable, url.value.clone()));
            }
        }
    }
    if let Some(output) = &output
        && matches!(output.origin, Origin::File { .. })
    {
        handed.push(("AWS_DEFAULT_OUTPUT".to_string(), output.value.clone()));
    }

    SdkSettings {
        use_fips,
        use_dualstack,
        sts_endpoint,
        iam_endpoint,
        sts_legacy,
        output,
        handed,
    }
}

/// Regions where `sts_regional_endpoints = legacy` means the global endpoint, as in the
/// SDK's rules (which also sign it for us-east-1).
pub const LEGACY_GLOBAL_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "[profile corp]\nservices = corp\nendpoint_url = http://profile\n\
        use_fips_endpoint = TRUE\nuse_dualstack_endpoint = no\noutput = table\n\
        [services corp]\nsts =\n  endpoint_url = http://sts.corp\n\
        s3 =\n  addressing_style = path\n  endpoint_url = http://s3.corp\n\
        elastic-beanstalk =\n  endpoint_url = http://eb.corp\n\
        bad name =\n  endpoint_url = http://nothing\n";

    fn settings(vars: &[(&str, &str)]) -> SdkSettings {
        let config = Ini::parse(CONFIG);
        let section = config.section("profile corp").unwrap().clone();
        let first = move |key: &str| {
            section.get(key).map(|v| {
                let origin = Origin::File {
                    path: "/c".into(),
                    section: "profile corp".into(),
                };
                (v.to_string(), origin)
            })
        };
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        resolve(&first, &config, "/c", &env)
    }

    fn url(s: &Option<Sourced<String>>) -> Option<(&str, String)> {
        s.as_ref().map(|s| (s.as_str(), s.origin.to_string()))
    }

    #[test]
    fn endpoints_follow_the_sdks_precedence_with_their_origins() {
        let s = settings(&[]);
        assert_eq!(
            url(&s.sts_endpoint),
            Some(("http://sts.corp", "[services corp] of /c".into()))
        );
        assert_eq!(
            url(&s.iam_endpoint),
            Some(("http://profile", "[profile corp] of /c".into()))
        );
        let s = settings(&[("AWS_ENDPOINT_URL", "http://all")]);
        assert_eq!(
            url(&s.sts_endpoint),
            Some(("http://all", "AWS_ENDPOINT_URL".into()))
        );
        let s = settings(&[
            ("AWS_ENDPOINT_URL", "http://all"),
            ("AWS_ENDPOINT_URL_STS", "http://sts"),
        ]);
        assert_eq!(
            url(&s.sts_endpoint),
            Some(("http://sts", "AWS_ENDPOINT_URL_STS".into()))
        );
        let s = settings(&[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")]);
        assert_eq!((s.sts_endpoint, s.iam_endpoint), (None, None));
        assert!(
            !s.handed
                .iter()
                .any(|(k, _)| k.starts_with("AWS_ENDPOINT_URL"))
        );
    }

    #[test]
    fn booleans_read_as_botocore_reads_them_and_variables_win() {
        let s = settings(&[]);
        assert_eq!(s.use_fips.as_ref().map(|s| s.value), Some(true));
        assert_eq!(s.use_dualstack.as_ref().map(|s| s.value), Some(false));
        let s = settings(&[("AWS_USE_FIPS_ENDPOINT", "false")]);
        let fips = s.use_fips.unwrap();
        assert_eq!(
            (fips.value, fips.origin),
            (false, Origin::Env("AWS_USE_FIPS_ENDPOINT"))
        );
    }

    #[test]
    fn the_child_gets_what_the_files_say_and_the_environment_does_not() {
        let handed = |vars: &[(&str, &str)]| -> Vec<(String, String)> { settings(vars).handed };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            handed(&[]),
            pairs(&[
                ("AWS_USE_FIPS_ENDPOINT", "true"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
                ("AWS_ENDPOINT_URL", "http://profile"),
                ("AWS_ENDPOINT_URL_ELASTIC_BEANSTALK", "http://eb.corp"),
                ("AWS_ENDPOINT_URL_S3", "http://s3.corp"),
                ("AWS_ENDPOINT_URL_STS", "http://sts.corp"),
                ("AWS_DEFAULT_OUTPUT", "table"),
            ])
        );
        assert_eq!(
            handed(&[
                ("AWS_ENDPOINT_URL", "http://all"),
                ("AWS_USE_FIPS_ENDPOINT", "true"),
                ("AWS_DEFAULT_OUTPUT", "json"),
            ]),
            pairs(&[("AWS_USE_DUALSTACK_ENDPOINT", "false")])
        );
        let only_s3 = handed(&[("AWS_ENDPOINT_URL_S3", "http://mine")]);
        assert!(!only_s3.iter().any(|(k, _)| k == "AWS_ENDPOINT_URL_S3"));
        assert!(only_s3.iter().any(|(k, _)| k == "AWS_ENDPOINT_URL_STS"));
    }
}
