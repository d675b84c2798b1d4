//! Property tests of the resolver (docs/design.md §3): random config and credentials files, options
//! and environment in, checks on whatever `resolve` answers.
//!
//! These stand in for `cargo fuzz`, which needs a nightly toolchain that could not be installed
//! where they were written. The generators aim at the resolver's rules rather than at raw bytes:
//! sections `[profile X]`, `[X]` and `[default]` over a small pool of names (so `[X-long-term]`,
//! `[Xmfa]`, merged repeats, `source_profile` chains and loops all happen), the keys the resolver
//! reads with good and bad values, and junk lines, comments and non-ASCII around them.
//!
//! Failures are not persisted to a regressions file (proptest's default would write one beside
//! this file); a failing input worth keeping belongs in `tests.rs` as a plain case.
//! `PROPTEST_CASES=50000 cargo test --bin aws-mfa props` searches longer.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::Config;
use std::ops::RangeInclusive;

use super::*;
use crate::cli::CredentialOpts;

/// Every generated long-term secret starts with this, so a leak is easy to spot anywhere.
const SECRET: &str = "S3CR3T";

const NAMES: &[&str] = &[
    "default",
    "dev",
    "admin",
    "prod",
    "dev-long-term",
    "devmfa",
    "prod-lt",
    "ci",
    "a b",
    "ünï",
    "名前",
    "profile",
];

const ASCII: &str = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
const JUNK: &str = " !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~éü名前😀\u{feff}\r\t";
const DIGITS: &str = "0123456789";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
/// Characters of hand-written profile names, a few of them odd.
const NAME_CHARS: &str = "abcxyzABCXYZ0189 éü名+=,@_.-";
const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
const SESSION_NAME: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+=,.@_-";

/// A string of `len` characters of `alphabet`. Spelled out from a seed rather than drawn
/// character by character: proptest's per-character strategies cost ~10 µs a character in a
/// debug build, and the files of one case hold a few thousand.
fn text(alphabet: &'static str, len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    (any::<u64>(), len).prop_map(move |(mut seed, len)| {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len)
            .map(|_| {
                // xorshift64*
                seed ^= seed >> 12;
                seed ^= seed << 25;
                seed ^= seed >> 27;
                let n = seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32;
                chars[n as usize % chars.len()]
            })
            .collect()
    })
}

fn access_key_id() -> impl Strategy<Value = String> {
    text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 4..=16).prop_map(|t| format!("AKIA{t}"))
}

fn secret() -> impl Strategy<Value = String> {
    text(BASE64, 4..=30).prop_map(|t| format!("{SECRET}{t}"))
}

fn role_arn() -> impl Strategy<Value = String> {
    text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        1..=8,
    )
    .prop_map(|t| format!("arn:aws:iam::123456789012:role/{t}"))
}

/// A profile name: mostly from a fixed list, so the names of a case meet each other.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(NAMES).prop_map(str::to_string),
        2 => text("abcdefghijklmnopqrstuvwxyz0123456789_.-", 1..=5),
        1 => text(NAME_CHARS, 1..=6),
    ]
}

/// A name as a file or an option gives it: mostly one of the case's pool of names.
#[derive(Debug, Clone)]
enum Name {
    Pool(Index),
    Other(String),
}

impl Name {
    fn of(&self, pool: &[String]) -> String {
        match self {
            Name::Pool(i) => i.get(pool).clone(),
            Name::Other(s) => s.clone(),
        }
    }
}

fn name_ref() -> impl Strategy<Value = Name> {
    prop_oneof![
        5 => any::<Index>().prop_map(Name::Pool),
        1 => name().prop_map(Name::Other),
    ]
}

fn device() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("arn:aws:iam::123456789012:mfa/alice".to_string()),
        2 => Just("arn:aws:iam::123456789012:user/alice".to_string()),
        1 => Just("arn:aws-cn:iam::123456789012:user/a:user/b".to_string()),
        1 => Just("GAHT12345678".to_string()),
        1 => (text(DIGITS, 1..=12), select(&["mfa", "user", "u"][..]), text(NAME_CHARS, 0..=12))
            .prop_map(|(account, kind, name)| format!("arn:aws:iam::{account}:{kind}/{name}")),
        1 => text(ASCII, 0..=12),
        1 => junk(12),
    ]
}

fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u32..140_000).prop_map(|n| n.to_string()),
        1 => select(&[
            "900", "3600", "43200", "43201", "129600", "129601", "899", "0", "-1", " 3600 ",
            "3600.0", "1e3", "99999999999", "abc", "٣٦٠٠", "+3600",
        ][..])
        .prop_map(str::to_string),
        1 => text(ASCII, 0..=8),
    ]
}

fn session_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(SESSION_NAME, 2..=64),
        1 => select(&["a", "has space", "名前", "semi;colon", "x/y", "é"][..]).prop_map(str::to_string),
        1 => text(LOWER, 65..=70),
        1 => text(ASCII, 0..=8),
    ]
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(&["eu-west-1", "us-east-1", "ap-south-1", "cn-north-1", "aws-global"][..])
            .prop_map(str::to_string),
        1 => text("abcdefghijklmnopqrstuvwxyz0123456789ü-", 0..=12),
    ]
}

/// Junk: up to `max` of printable ASCII, some non-ASCII, a tab or carriage return now and then.
fn junk(max: usize) -> impl Strategy<Value = String> {
    text(JUNK, 0..=max)
}

/// A line of a file, names still to be taken from the pool.
#[derive(Debug, Clone)]
enum Line {
    Header(Name, u8),
    /// Both long-term keys, as most real sections hold them.
    Keys(String, String),
    Setting(&'static str, String, u8),
    Source(Name, u8),
    Text(String),
}

fn setting() -> impl Strategy<Value = (&'static str, String)> {
    let kv = |key: &'static str| move |v: String| (key, v);
    prop_oneof![
        2 => access_key_id().prop_map(kv("aws_access_key_id")),
        2 => secret().prop_map(kv("aws_secret_access_key")),
        1 => text(BASE64, 4..=30).prop_map(kv("aws_session_token")),
        3 => device().prop_map(kv("mfa_serial")),
        1 => device().prop_map(kv("aws_mfa_device")),
        2 => role_arn().prop_map(kv("role_arn")),
        1 => role_arn().prop_map(kv("assume_role")),
        2 => region().prop_map(kv("region")),
        3 => duration().prop_map(kv("duration_seconds")),
        2 => session_name().prop_map(kv("role_session_name")),
        1 => text(ASCII, 0..=10).prop_map(kv("external_id")),
        1 => prop_oneof![Just("http://127.0.0.1:9".to_string()), text(ASCII, 0..=12)]
            .prop_map(kv("endpoint_url")),
        1 => select(&["legacy", "regional", "LEGACY"][..])
            .prop_map(|v| ("sts_regional_endpoints", v.to_string())),
        1 => select(&["true", "false"][..])
            .prop_map(|v| ("ignore_configured_endpoint_urls", v.to_string())),
        1 => text(ASCII, 0..=10).prop_map(kv("mfa_process")),
        1 => junk(10).prop_map(kv("output")),
    ]
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        6 => (access_key_id(), secret()).prop_map(|(id, secret)| Line::Keys(id, secret)),
        12 => (setting(), 0..8u8).prop_map(|((k, v), form)| Line::Setting(k, v, form)),
        1 => (name_ref(), 0..8u8).prop_map(|(n, form)| Line::Source(n, form)),
        1 => (select(&["#", ";"][..]), junk(12)).prop_map(|(c, t)| Line::Text(format!("{c}{t}"))),
        1 => junk(16).prop_map(Line::Text),
        1 => text("[]=: az\r\t", 0..=10).prop_map(Line::Text),
        1 => select(&["[unterminated", "=", "key", "[]", "\u{feff}[dev]", "s3 ="][..])
            .prop_map(|s| Line::Text(s.to_string())),
    ]
}

/// `key = value` in the ways the parser accepts, or skips (indented: a nested setting).
fn written(key: &str, value: &str, form: u8) -> String {
    match form {
        0..=3 => format!("{key} = {value}"),
        4 => format!("{key}={value}"),
        5 => format!("{key}: {value}"),
        6 => format!("  {key} = {value}"),
        _ => format!("{} = {value}", key.to_ascii_uppercase()),
    }
}

impl Line {
    fn text(&self, pool: &[String]) -> String {
        match self {
            Line::Header(n, form) => {
                let n = n.of(pool);
                match form {
                    0..=2 => format!("[profile {n}]"),
                    3..=5 => format!("[{n}]"),
                    6 => "[default]".to_string(),
                    7 => format!("[ profile {n} ] ; comment"),
                    _ => format!("[{n}] # comment"),
                }
            }
            Line::Keys(id, secret) => {
                format!("aws_access_key_id = {id}\naws_secret_access_key = {secret}")
            }
            Line::Setting(key, value, form) => written(key, value, *form),
            Line::Source(n, form) => written("source_profile", &n.of(pool), *form),
            Line::Text(s) => s.clone(),
        }
    }
}

/// A whole file: maybe some junk before the first header, then sections of lines.
#[derive(Debug, Clone)]
struct File {
    lines: Vec<Line>,
    crlf: bool,
}

/// The config file mostly names its sections `[profile X]`, the credentials file `[X]`.
fn file(config: bool) -> impl Strategy<Value = File> {
    let form = if config {
        prop_oneof![5 => 0..3u8, 1 => 3..9u8].boxed()
    } else {
        prop_oneof![5 => 3..6u8, 1 => 0..9u8].boxed()
    };
    let section = (name_ref(), form, prop::collection::vec(line(), 0..6));
    (
        prop::collection::vec(line(), 0..2),
        prop::collection::vec(section, 1..7),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(preamble, sections, crlf)| {
            let mut lines = preamble;
            for (name, form, body) in sections {
                lines.push(Line::Header(name, form));
                lines.extend(body);
            }
            File { lines, crlf }
        })
}

impl File {
    fn text(&self, pool: &[String]) -> String {
        let lines: Vec<String> = self.lines.iter().map(|l| l.text(pool)).collect();
        lines.join(if self.crlf { "\r\n" } else { "\n" })
    }
}

fn options() -> impl Strategy<Value = (Option<Name>, Option<Name>, CredentialOpts)> {
    (
        prop::option::weighted(0.9, name_ref()),
        prop::option::weighted(0.1, name_ref()),
        prop::option::weighted(0.15, duration()),
        prop::option::weighted(0.15, device()),
        prop::option::weighted(0.1, role_arn()),
        prop::option::weighted(0.1, session_name()),
        prop::option::weighted(0.1, text(ASCII, 0..=10)),
        prop::option::weighted(0.1, region()),
        prop::option::weighted(
            0.1,
            prop_oneof![
                select(&["long-term", "none", "NONE", "lt", "mfa"][..]).prop_map(str::to_string),
                text("abcdefghijklmnopqrstuvwxyz-", 0..=4),
            ],
        ),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(
                profile,
                source_profile,
                duration,
                device,
                assume_role,
                role_session_name,
                external_id,
                region,
                long_term_suffix,
                no_session,
            )| {
                let opts = CredentialOpts {
                    duration,
                    device,
                    assume_role,
                    role_session_name,
                    external_id,
                    region,
                    long_term_suffix,
                    no_session,
                    ..Default::default()
                };
                (profile, source_profile, opts)
            },
        )
}

fn environment() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    // The two device variables often together, to see which one wins.
    let device =
        || prop_oneof![3 => Just("arn:aws:iam::123456789012:mfa/env".to_string()), 1 => device()];
    let var = prop_oneof![
        region().prop_map(|v| ("AWS_REGION", v)),
        region().prop_map(|v| ("AWS_DEFAULT_REGION", v)),
        junk(8).prop_map(|v| ("USER", v)),
        select(&["legacy", "regional"][..])
            .prop_map(|v| ("AWS_STS_REGIONAL_ENDPOINTS", v.to_string())),
        Just(("AWS_ENDPOINT_URL", "http://127.0.0.1:9".to_string())),
        Just(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true".to_string())),
    ];
    (
        prop::option::weighted(0.25, device()),
        prop::option::weighted(0.25, device().prop_map(|d| d.replace("/env", "/env2"))),
        prop::collection::vec(var, 0..3),
    )
        .prop_map(|(mfa_device, aws_mfa_device, mut vars)| {
            vars.extend(mfa_device.map(|d| ("MFA_DEVICE", d)));
            vars.extend(aws_mfa_device.map(|d| ("AWS_MFA_DEVICE", d)));
            vars
        })
}

/// The names of a case: a few, and often their `-long-term`, `mfa` or `-lt` companions.
fn pool() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec((name(), 0..6u8), 1..4).prop_map(|names| {
        let mut pool = Vec::new();
        for (name, companions) in names {
            match companions {
                1 | 2 => pool.push(format!("{name}-long-term")),
                3 => pool.push(format!("{name}mfa")),
                4 => pool.push(format!("{name}-lt")),
                _ => {}
            }
            pool.push(name);
        }
        pool
    })
}

#[derive(Debug)]
struct Case {
    config: String,
    credentials: String,
    opts: CredentialOpts,
    env: Vec<(&'static str, String)>,
}

fn case() -> impl Strategy<Value = Case> {
    (pool(), file(true), file(false), options(), environment()).prop_map(
        |(pool, config, credentials, (profile, source, mut opts), env)| {
            opts.profile = profile.map(|n| n.of(&pool));
            opts.source_profile = source.map(|n| n.of(&pool));
            Case {
                config: config.text(&pool),
                credentials: credentials.text(&pool),
                opts,
                env,
            }
        },
    )
}

fn files_of(case: &Case) -> Files {
    Files {
        config: Ini::parse(&case.config),
        credentials: Ini::parse(&case.credentials),
        config_path: "~/.aws/config".into(),
        credentials_path: "~/.aws/credentials".into(),
        any_exists: true,
    }
}

fn run(case: &Case) -> (Files, Result<ResolvedProfile>) {
    let files = files_of(case);
    let env = |name: &str| {
        case.env
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let result = resolve_opts(&files, &case.opts, &env);
    (files, result)
}

/// Every value of `key` in either file, as the parser read it.
fn values_of<'a>(files: &'a Files, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    files
        .config
        .sections()
        .into_iter()
        .chain(files.credentials.sections())
        .flat_map(move |s| s.entries.iter().filter(move |(k, _)| k == key))
        .map(|(_, v)| v.as_str())
}

/// What an error may name: the profile, or a value it refused, quoted as the messages quote them
/// and shown as `Error` shows any text (line breaks made spaces, control characters escaped).
fn may_be_named(case: &Case, files: &Files) -> Vec<String> {
    let opts = &case.opts;
    let mut names: Vec<String> = [
        Some(opts.profile.clone().unwrap_or_else(|| "default".into())),
        opts.source_profile.clone(),
        opts.device.clone(),
    ]
    .into_iter()
    .flatten()
    .chain(
        case.env
            .iter()
            .filter(|(k, _)| k.ends_with("MFA_DEVICE"))
            .map(|(_, v)| v.clone()),
    )
    .chain(
        ["source_profile", "mfa_serial", "aws_mfa_device"]
            .into_iter()
            .flat_map(|key| values_of(files, key))
            .map(str::to_string),
    )
    .map(|v| format!("'{v}'"))
    .collect();
    let debug_quoted = [opts.duration.clone(), opts.role_session_name.clone()]
        .into_iter()
        .flatten()
        .chain(
            ["duration_seconds", "role_session_name"]
                .into_iter()
                .flat_map(|key| values_of(files, key))
                .map(str::to_string),
        )
        .map(|v| format!("{v:?}"));
    names.extend(debug_quoted);
    names
        .into_iter()
        .map(|n| Error::new(n).to_string())
        .collect()
}

fn check(case: &Case) -> std::result::Result<(), TestCaseError> {
    let (files, result) = run(case);
    match result {
        Err(err) => {
            let message = err.to_string();
            prop_assert!(!message.trim().is_empty(), "empty message");
            prop_assert!(!message.contains('\n'), "more than one line: {message:?}");
            prop_assert!(
                !message.contains(char::is_control),
                "a control character: {message:?}"
            );
            prop_assert!(
                !message.contains(SECRET),
                "a secret in the message: {message}"
            );
            let named = may_be_named(case, &files);
            prop_assert!(
                named.iter().any(|n| message.contains(n.as_str())),
                "names neither the profile nor a value: {message}\n(looked for {named:?})"
            );
            // §3.4: an unknown profile is answered with the ones that exist.
            if message.contains("is not in") {
                for name in files.profile_names() {
                    let shown = Error::new(name).to_string();
                    prop_assert!(message.contains(&shown), "{shown:?} not listed: {message}");
                }
            }
        }
        Ok(plan) => {
            let keys = &plan.key_section;
            // §3.1: a bare config section only when named and no profile of its name has keys.
            let get = |key| match &plan.origins.keys {
                Some(_) => {
                    prop_assert_eq!(case.opts.source_profile.as_ref(), Some(keys));
                    prop_assert!(files.long_term_keys(keys).is_none());
                    Ok(files.config.section(keys).and_then(|s| s.get(key)))
                }
                None => Ok(files.get(keys, key)),
            };
            prop_assert_eq!(get("aws_access_key_id")?, Some(plan.access_key_id.as_str()));
            prop_assert_eq!(
                get("aws_secret_access_key")?,
                Some(plan.secret_access_key.as_str())
            );
            prop_assert!(!plan.access_key_id.is_empty() && !plan.secret_access_key.is_empty());
            prop_assert_eq!(get("aws_session_token")?, None, "[{}]", keys);
            // §3.1: --source-profile first, then [P-long-term] (or [P-SUFFIX]) when it holds keys.
            let opts = &case.opts;
            let profile = opts.profile.as_deref().unwrap_or("default");
            let long_term = long_term_section(profile, opts.long_term_suffix.as_deref());
            if let Some(src) = &opts.source_profile {
                prop_assert_eq!(keys, src);
            } else if long_term != profile
                && files.credentials_section(&long_term).is_some()
                && files.long_term_keys(&long_term).is_some()
            {
                prop_assert_eq!(keys, &long_term);
            }
            // §3.2: --device, then MFA_DEVICE, then AWS_MFA_DEVICE, before any file.
            let from_env = |name: &str| {
                case.env
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.clone())
                    .filter(|v| !v.is_empty())
            };
            let given = opts
                .device
                .clone()
                .or_else(|| from_env("MFA_DEVICE"))
                .or_else(|| from_env("AWS_MFA_DEVICE"));
            if given.is_some() {
                prop_assert_eq!(&plan.device, &given);
            }
            if let Some(device) = &plan.device {
                prop_assert!(!device.contains(":user/"), "user ARN as device: {device}");
            }
            prop_assert!(
                (900..=129_600).contains(&plan.session_duration),
                "session duration {}",
                plan.session_duration
            );
            if let Some(role) = &plan.role {
                prop_assert!(
                    (900..=43_200).contains(&role.duration),
                    "role duration {}",
                    role.duration
                );
                let (effective, _) = role.effective_duration();
                prop_assert!((900..=role.duration).contains(&effective));
                prop_assert!(check_session_name(&role.session_name).is_ok());
            }
            let debug = format!("{plan:?}");
            prop_assert!(
                !debug.contains(&plan.secret_access_key) && !debug.contains(SECRET),
                "secret in {debug}"
            );
            // Pure: the same inputs give the same plan.
            prop_assert_eq!(run(case).1.ok(), Some(plan));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config {
        cases: 700,
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn resolve_holds_its_properties(case in case()) {
        check(&case)?;
    }
}
