//! The resolution rules of docs/design.md §3 as tables of cases: files and options in, plan out.
#![allow(clippy::type_complexity)] // case tables read best as tuples

use super::*;
use crate::cli::CredentialOpts;

const DEVICE: &str = "arn:aws:iam::123456789012:mfa/alice";
const KEYS: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

fn files(config: &str, credentials: &str) -> Files {
    Files {
        config: Ini::parse(config),
        credentials: Ini::parse(credentials),
        config_path: "~/.aws/config".into(),
        credentials_path: "~/.aws/credentials".into(),
        any_exists: true,
    }
}

fn opts(profile: &str) -> CredentialOpts {
    CredentialOpts {
        profile: Some(profile.into()),
        ..Default::default()
    }
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn resolve_with(f: &Files, o: &CredentialOpts, env: &[(&str, &str)]) -> Result<ResolvedProfile> {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    resolve_opts(f, o, &move |name| {
        env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
}

/// Credentials laid out for several tools at once; each case picks a profile.
fn layout() -> Files {
    files(
        &format!(
            "[default]\nregion = us-west-2\n\
             [profile dev]\nmfa_serial = {DEVICE}\nregion = eu-west-1\n\
             [profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = dev\n\
             [profile readonly]\nrole_arn = arn:aws:iam::123456789012:role/ReadOnly\nsource_profile = dev\nregion = ap-south-1\nduration_seconds = 7200\nexternal_id = xyz\nrole_session_name = ci-bot\n\
             [profile deep]\nrole_arn = arn:aws:iam::123456789012:role/Deep\nsource_profile = middle\n\
             [profile middle]\nsource_profile = dev\n"
        ),
        &format!(
            "[dev]\n{KEYS}\
             [classic-long-term]\n{KEYS}aws_mfa_device = arn:aws:iam::123456789012:mfa/classic\n\
             [classic]\naws_access_key_id = ASIASHORT\naws_secret_access_key = short\naws_session_token = token\n\
             [old]\n{KEYS}\
             [oldmfa]\naws_access_key_id = AKIAOLDMFA\naws_secret_access_key = secret2\nmfa_serial = arn:aws:iam::123456789012:mfa/old\n\
             [shortonly]\naws_access_key_id = ASIA\naws_secret_access_key = s\naws_session_token = t\nmfa_serial = {DEVICE}\n"
        ),
    )
}

#[test]
fn which_section_holds_the_long_term_keys() {
    let f = layout();
    let cases: &[(&str, &[&str], &str)] = &[
        // (profile, extra args, expected key section)
        ("dev", &[], "dev"),
        ("admin", &[], "dev"),
        ("deep", &[], "dev"),
        ("classic", &[], "classic-long-term"),
        ("old", &[], "oldmfa"),
        ("admin", &["--source-profile", "old"], "old"),
        (
            "classic",
            &["--long-term-suffix", "long-term"],
            "classic-long-term",
        ),
    ];
    for (profile, args, expected) in cases {
        let mut o = opts(profile);
        if let ["--source-profile", s] = args {
            o.source_profile = Some(s.to_string());
        }
        if let ["--long-term-suffix", s] = args {
            o.long_term_suffix = Some(s.to_string());
        }
        let plan = resolve_with(&f, &o, &[]).unwrap();
        assert_eq!(plan.key_section, *expected, "{profile} {args:?}");
    }
}

#[test]
fn a_section_with_a_session_token_is_never_a_key_source() {
    let f = layout();
    let err = resolve_with(&f, &opts("shortonly"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no long-term keys for profile 'shortonly'"),
        "{err}"
    );
    assert!(err.contains("[shortonly-long-term]"), "{err}");
    let mut o = opts("dev");
    o.source_profile = Some("classic".into());
    let err = resolve_with(&f, &o, &[]).unwrap_err().to_string();
    assert!(
        err.contains("--source-profile 'classic' holds no long-term keys"),
        "{err}"
    );
    // The environment's keys are never read.
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIAENV"),
        ("AWS_SECRET_ACCESS_KEY", "x"),
    ];
    assert!(resolve_with(&f, &opts("shortonly"), &env).is_err());
}

#[test]
fn which_device() {
    let f = layout();
    let cases: &[(&str, Option<&str>, &[(&str, &str)], &str)] = &[
        ("dev", None, &[], DEVICE),
        ("admin", None, &[], DEVICE), // from the source profile
        (
            "classic",
            None,
            &[],
            "arn:aws:iam::123456789012:mfa/classic",
        ), // aws_mfa_device
        ("old", None, &[], "arn:aws:iam::123456789012:mfa/old"), // [oldmfa]
        (
            "dev",
            None,
            &[("AWS_MFA_DEVICE", "arn:aws:iam::1:mfa/env2")],
            "arn:aws:iam::1:mfa/env2",
        ),
        (
            "dev",
            None,
            &[
                ("MFA_DEVICE", "arn:aws:iam::1:mfa/env1"),
                ("AWS_MFA_DEVICE", "arn:aws:iam::1:mfa/env2"),
            ],
            "arn:aws:iam::1:mfa/env1",
        ),
        (
            "dev",
            Some("GAHT12345678"),
            &[("MFA_DEVICE", "arn:aws:iam::1:mfa/env1")],
            "GAHT12345678",
        ),
    ];
    for (profile, flag, env, expected) in cases {
        let mut o = opts(profile);
        o.device = flag.map(str::to_string);
        let plan = resolve_with(&f, &o, env).unwrap();
        assert_eq!(
            plan.device.as_deref(),
            Some(*expected),
            "{profile} {flag:?} {env:?}"
        );
    }
}

#[test]
fn no_device_means_ask_iam_and_a_user_arn_is_refused() {
    let f = files("", &format!("[nodevice]\n{KEYS}"));
    let plan = resolve_with(&f, &opts("nodevice"), &[]).unwrap();
    assert_eq!(plan.device, None);
    let mut o = opts("nodevice");
    o.device = Some("arn:aws:iam::123456789012:user/alice".into());
    let err = resolve_with(&f, &o, &[]).unwrap_err().to_string();
    assert!(err.contains("arn:aws:iam::123456789012:mfa/alice"), "{err}");
}

#[test]
fn which_region() {
    let f = layout();
    let cases: &[(&str, Option<&str>, &[(&str, &str)], Option<&str>, &str)] = &[
        // (profile, --region, env, region for the child, region of the STS call)
        ("dev", None, &[], Some("eu-west-1"), "eu-west-1"),
        ("admin", None, &[], Some("eu-west-1"), "eu-west-1"), // down the source chain
        ("readonly", None, &[], Some("ap-south-1"), "ap-south-1"),
        ("old", None, &[], Some("us-west-2"), "us-west-2"), // [default]'s
        (
            "dev",
            None,
            &[("AWS_DEFAULT_REGION", "ca-central-1")],
            Some("ca-central-1"),
            "ca-central-1",
        ),
        (
            "dev",
            None,
            &[
                ("AWS_REGION", "sa-east-1"),
                ("AWS_DEFAULT_REGION", "ca-central-1"),
            ],
            Some("sa-east-1"),
            "sa-east-1",
        ),
        (
            "dev",
            Some("eu-north-1"),
            &[("AWS_REGION", "sa-east-1")],
            Some("eu-north-1"),
            "eu-north-1",
        ),
    ];
    for (profile, flag, env, child, sts) in cases {
        let mut o = opts(profile);
        o.region = flag.map(str::to_string);
        let plan = resolve_with(&f, &o, env).unwrap();
        assert_eq!(plan.region.as_deref(), *child, "{profile} {flag:?} {env:?}");
        assert_eq!(plan.sts_region, *sts, "{profile} {flag:?} {env:?}");
    }
    // No region anywhere: none for the child, us-east-1 for STS alone.
    let f = files("", &format!("[solo]\n{KEYS}mfa_serial = {DEVICE}\n"));
    let plan = resolve_with(&f, &opts("solo"), &[]).unwrap();
    assert_eq!((plan.region, plan.sts_region.as_str()), (None, "us-east-1"));
}

#[test]
fn which_duration() {
    let f = layout();
    let cases: &[(&str, Option<&str>, u32, Option<u32>)] = &[
        // (profile, --duration, session duration, role duration)
        ("dev", None, 43_200, None),
        ("dev", Some("900"), 900, None),
        ("dev", Some("129600"), 129_600, None),
        ("admin", None, 43_200, Some(3_600)),
        ("admin", Some("1800"), 43_200, Some(1_800)),
        ("readonly", None, 43_200, Some(7_200)), // duration_seconds of the profile
        ("readonly", Some("900"), 43_200, Some(900)),
    ];
    for (profile, flag, session, role) in cases {
        let mut o = opts(profile);
        o.duration = flag.map(str::to_string);
        let plan = resolve_with(&f, &o, &[]).unwrap();
        assert_eq!(plan.session_duration, *session, "{profile} {flag:?}");
        assert_eq!(plan.role.map(|r| r.duration), *role, "{profile} {flag:?}");
    }
    for (profile, bad, range) in [
        ("dev", "899", "900 to 129600"),
        ("dev", "129601", "900 to 129600"),
        ("dev", "1h", "900 to 129600"),
        ("admin", "43201", "900 to 43200"),
    ] {
        let mut o = opts(profile);
        o.duration = Some(bad.into());
        let err = resolve_with(&f, &o, &[]).unwrap_err().to_string();
        assert!(
            err.contains(range) && err.contains(bad),
            "{profile} {bad}: {err}"
        );
    }
}

#[test]
fn role_chaining_caps_at_one_hour_and_says_so() {
    let f = layout();
    let plan = resolve_with(&f, &opts("readonly"), &[]).unwrap();
    let role = plan.role.unwrap();
    let (duration, note) = role.effective_duration();
    assert_eq!(duration, 3_600);
    assert!(note.unwrap().contains("--no-session"));
    let mut o = opts("readonly");
    o.no_session = true;
    let role = resolve_with(&f, &o, &[]).unwrap().role.unwrap();
    assert_eq!(role.effective_duration(), (7_200, None));
}

#[test]
fn which_role_settings() {
    let f = layout();
    let role = resolve_with(&f, &opts("readonly"), &[("USER", "bob")])
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.arn, "arn:aws:iam::123456789012:role/ReadOnly");
    assert_eq!(role.session_name, "ci-bot");
    assert_eq!(role.external_id.as_deref(), Some("xyz"));
    let role = resolve_with(&f, &opts("admin"), &[("USER", "jo smith/x")])
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.session_name, "jo-smith-x");
    assert_eq!(role.external_id, None);
    let role = resolve_with(&f, &opts("admin"), &[]).unwrap().role.unwrap();
    assert_eq!(role.session_name, "aws-mfa");
    // --assume-role turns a session profile into a role profile.
    let mut o = opts("dev");
    o.assume_role = Some("arn:aws:iam::123456789012:role/Other".into());
    let plan = resolve_with(&f, &o, &[]).unwrap();
    assert_eq!(
        plan.role.unwrap().arn,
        "arn:aws:iam::123456789012:role/Other"
    );
    let mut o = opts("admin");
    o.role_session_name = Some("bad name".into());
    let err = resolve_with(&f, &o, &[]).unwrap_err().to_string();
    assert!(err.contains("2 to 64 characters"), "{err}");
}

#[test]
fn which_endpoint() {
    let f = files(
        &format!(
            "[profile dev]\nmfa_serial = {DEVICE}\nendpoint_url = http://profile:1\n[profile legacy]\nmfa_serial = {DEVICE}\nsts_regional_endpoints = legacy\n"
        ),
        &format!("[dev]\n{KEYS}[legacy]\n{KEYS}"),
    );
    let cases: &[(&str, &[(&str, &str)], Option<&str>)] = &[
        ("dev", &[], Some("http://profile:1")),
        (
            "dev",
            &[("AWS_ENDPOINT_URL", "http://all:2")],
            Some("http://all:2"),
        ),
        (
            "dev",
            &[
                ("AWS_ENDPOINT_URL", "http://all:2"),
                ("AWS_ENDPOINT_URL_STS", "http://sts:3"),
            ],
            Some("http://sts:3"),
        ),
        (
            "dev",
            &[
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
                ("AWS_ENDPOINT_URL", "http://all:2"),
            ],
            None,
        ),
        ("legacy", &[], Some("https://sts.amazonaws.com")),
        ("legacy", &[("AWS_REGION", "af-south-1")], None),
        (
            "legacy",
            &[("AWS_STS_REGIONAL_ENDPOINTS", "regional")],
            None,
        ),
    ];
    for (profile, env, expected) in cases {
        let plan = resolve_with(&f, &opts(profile), env).unwrap();
        assert_eq!(plan.endpoint_url.as_deref(), *expected, "{profile} {env:?}");
    }
}

#[test]
fn unknown_profiles_and_broken_chains_are_named() {
    let f = layout();
    let err = resolve_opts(&f, &opts("nope"), &no_env)
        .unwrap_err()
        .to_string();
    assert!(err.contains("profile 'nope'"), "{err}");
    assert!(
        err.contains("profiles that exist: admin, classic, classic-long-term, deep, default, dev"),
        "{err}"
    );

    let f = files(
        "[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\n[profile c]\nsource_profile = gone\n\
         [profile r1]\nrole_arn = arn:aws:iam::1:role/R1\nsource_profile = r2\n[profile r2]\nrole_arn = arn:aws:iam::1:role/R2\nsource_profile = k\n",
        &format!("[k]\n{KEYS}"),
    );
    let err = resolve_opts(&f, &opts("a"), &no_env)
        .unwrap_err()
        .to_string();
    assert!(err.contains("loops: a -> b -> a"), "{err}");
    let err = resolve_opts(&f, &opts("c"), &no_env)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("source_profile 'gone', which does not exist"),
        "{err}"
    );
    let err = resolve_opts(&f, &opts("r1"), &no_env)
        .unwrap_err()
        .to_string();
    assert!(err.contains("role profile 'r2'"), "{err}");
}

#[test]
fn the_default_profile_lives_in_default_sections() {
    let f = files(
        &format!("[default]\nmfa_serial = {DEVICE}\nregion = eu-west-3\n"),
        &format!("[default]\n{KEYS}"),
    );
    let plan = resolve_opts(&f, &CredentialOpts::default(), &no_env).unwrap();
    assert_eq!(plan.profile, "default");
    assert_eq!(plan.key_section, "default");
    assert_eq!(plan.device.as_deref(), Some(DEVICE));
    assert_eq!(plan.region.as_deref(), Some("eu-west-3"));
    assert!(
        !format!("{plan:?}").contains("EXAMPLEKEY"),
        "the secret shows in {plan:?}"
    );
    assert_eq!(plan.mfa_process, None);
}

#[test]
fn config_headers_name_profiles_as_botocore_splits_them() {
    // botocore's build_profile_map: a header starting with `profile` that shlex splits into
    // two words names the second; anything else is no profile.
    let config = "[profile  two]\nregion = r-two\n[profile\ttab]\nregion = r-tab\n\
                  [profile \"quoted\"]\nregion = r-quoted\n[profile \"my dev\"]\nregion = r-my-dev\n\
                  [profile my dev]\nregion = no\n[ profile spaced ]\nregion = no\n[ default ]\nregion = no\n\
                  [profile a]b]\nregion = r-ab\n";
    let f = files(config, &format!("[dev]\n{KEYS}"));
    for (name, region) in [
        ("two", Some("r-two")),
        ("tab", Some("r-tab")),
        ("quoted", Some("r-quoted")),
        ("my dev", Some("r-my-dev")),
        ("a]b", Some("r-ab")),
        ("a", None),
        ("spaced", None),
    ] {
        assert_eq!(
            f.config_section(name).and_then(|s| s.get("region")),
            region,
            "{name}"
        );
    }
    assert!(f.config_section("default").is_none());
    assert_eq!(
        f.profile_names(),
        ["a]b", "dev", "my dev", "quoted", "tab", "two"]
    );
}

#[test]
fn of_default_and_profile_default_the_later_header_wins() {
    let f = files(
        "[profile default]\nregion = first\n[default]\nregion = second\n",
        "",
    );
    assert_eq!(
        f.config_section("default").unwrap().get("region"),
        Some("second")
    );
    let f = files(
        "[default]\nregion = first\n[profile  p]\nregion = a\n[profile p]\nregion = b\n[profile \"p\"]\nregion = c\n",
        "",
    );
    assert_eq!(
        f.config_section("default").unwrap().get("region"),
        Some("first")
    );
    assert_eq!(f.config_section("p").unwrap().get("region"), Some("c"));
}

#[test]
fn an_empty_region_is_no_region_and_does_not_fall_through_to_default() {
    let f = files(
        &format!("[default]\nregion = us-west-2\n[profile dev]\nmfa_serial = {DEVICE}\nregion =\n"),
        &format!("[dev]\n{KEYS}"),
    );
    let p = resolve_with(&f, &opts("dev"), &[]).unwrap();
    assert_eq!(p.region, None);
    assert_eq!(p.sts_region, "us-east-1");
    // Absent, it still does (aws-mfa's choice).
    let f = files(
        &format!("[default]\nregion = us-west-2\n[profile dev]\nmfa_serial = {DEVICE}\n"),
        &format!("[dev]\n{KEYS}"),
    );
    let p = resolve_with(&f, &opts("dev"), &[]).unwrap();
    assert_eq!(p.region.as_deref(), Some("us-west-2"));
}

#[test]
fn a_key_of_the_credentials_file_wins_even_when_empty() {
    // botocore merges the credentials file's section over the config's, key by key.
    let f = files(
        &format!("[profile dev]\nmfa_serial = {DEVICE}\nregion = eu-west-1\n"),
        &format!("[dev]\n{KEYS}mfa_serial =\n"),
    );
    let p = resolve_with(&f, &opts("dev"), &[]).unwrap();
    assert_eq!(p.device, None);
    assert_eq!(p.region.as_deref(), Some("eu-west-1"));
}
