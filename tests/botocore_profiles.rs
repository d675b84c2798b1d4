//! Every profile of generated config and credentials pairs, resolved three ways and compared
//! (docs/design.md §3, README "Choices"): by botocore (the aws CLI; `tests/botocore_profiles.py`,
//! one python3 process for all the pairs), by the Rust SDK's profile-file parser (aws-config)
//! and by aws-mfa's own reader and profile lookup (`src/profile.rs` and `src/ini.rs`,
//! compiled into this test).
//!
//! botocore is the reference: for every pair it reads, aws-mfa must find the same profiles
//! and, in each, the same region, mfa_serial, role_arn, source_profile, external_id,
//! duration_seconds and keys, apart from the documented choices (`normalized`). For every
//! pair it refuses, aws-mfa must say so (a warning naming the line). The Rust SDK parses
//! some headers otherwise (it drops `[profile "p"]`-style names that botocore splits as a
//! shell would, and mixes no `[DEFAULT]` in); where it and botocore disagree aws-mfa follows
//! botocore, and the test prints how often they disagree. On the plain pairs (only
//! `[profile NAME]` headers and `key = value` lines) all three must agree.
//!
//! 600 pairs by default; `BOTOCORE_PROFILES_CASES=N` for more, `BOTOCORE_PROFILES_SEED=S` for
//! another sequence (a failure prints its seed and both files).

mod common;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};

use serde_json::{Value, json};

#[path = "../src/cli.rs"]
#[allow(dead_code, unused)]
mod cli;
#[path = "../src/error.rs"]
#[allow(dead_code, unused)]
mod error;
#[path = "../src/ini.rs"]
#[allow(dead_code)]
mod ini;
#[path = "../src/keys.rs"]
#[allow(dead_code)]
mod keys;
#[path = "../src/paths.rs"]
#[allow(dead_code)]
mod paths;
#[path = "../src/profile.rs"]
#[allow(dead_code)]
mod profile;
#[path = "../src/sdk_settings.rs"]
#[allow(dead_code)]
mod sdk_settings;
#[path = "../src/sdk_tls_retry.rs"]
#[allow(dead_code)]
mod sdk_tls_retry;
#[path = "../src/settings.rs"]
#[allow(dead_code)]
mod settings;
#[path = "../src/text.rs"]
#[allow(dead_code)]
mod text;

use common::{Sandbox, run};

const KEYS: [&str; 8] = [
    "region",
    "mfa_serial",
    "role_arn",
    "source_profile",
    "external_id",
    "duration_seconds",
    "aws_access_key_id",
    "aws_secret_access_key",
];

// ---------------------------------------------------------------------------------------
// The generator: a small deterministic random source, so that a seed replays a case
// ---------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NAMES: [&str; 6] = ["default", "dev", "prod", "ci", "a]b", "my dev"];
/// The names every reader takes (the Rust SDK drops names with a space or a bracket).
const PLAIN_NAMES: [&str; 4] = ["default", "dev", "prod", "ci"];

/// A config-file header for profile `name`, plain or in one of the forms botocore reads
/// its own way.
fn config_header(rng: &mut Rng, name: &str, plain: bool) -> String {
    if plain || rng.chance(40) {
        return match name {
            "default" => "default".into(),
            "my dev" => "profile \"my dev\"".into(),
            _ => format!("profile {name}"),
        };
    }
    let forms = [
        "profile  {}",
        "profile\t{}",
        "profile \"{}\"",
        "profile '{}'",
        " profile {} ",
        "profile {} extra",
        "profile {}  ",
        "profilex {}",
        "profile",
        "{}",
        "sso-session {}",
        "services {}",
        "profile \"{}",
    ];
    let form = rng.pick(&forms);
    match (name, rng.below(4)) {
        ("default", 0) => " default ".into(),
        ("default", 1) => "default".into(),
        ("default", 2) => "profile default".into(),
        _ => form.replace("{}", name),
    }
}

fn credentials_header(rng: &mut Rng, name: &str, plain: bool) -> String {
    if plain || rng.chance(70) {
        return name.into();
    }
    let forms = [" {} ", "profile {}", "{}\t"];
    rng.pick(&forms).replace("{}", name)
}

fn value(rng: &mut Rng, key: &str, plain: bool) -> String {
    let base = match key {
        "region" => rng
            .pick(&["eu-west-1", "us-east-2", "ap-south-1"])
            .to_string(),
        "mfa_serial" => format!("arn:aws:iam::123456789012:mfa/user{}", rng.below(9)),
        "role_arn" => format!("arn:aws:iam::123456789012:role/R{}", rng.below(9)),
        "source_profile" => rng.pick(&PLAIN_NAMES).to_string(),
        "external_id" => format!("ext-{}", rng.below(99)),
        "duration_seconds" => rng.pick(&["900", "3600", "43200"]).to_string(),
        "aws_access_key_id" => "AKIAIOSFODNN7EXAMPLE".to_string(),
        _ => "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_string(),
    };
    // The Rust SDK reads an inline comment as one, botocore as part of the value.
    match if plain { 2 } else { rng.below(20) } {
        0 => String::new(),
        1 => format!("{base} ; not a comment"),
        _ => base,
    }
}

/// The lines of one section: keys in the forms configparser reads, with comments, blank
/// lines, and now and then an indented or continued line or a repeated key.
fn body(rng: &mut Rng, keys: &[&str], plain: bool, out: &mut String, eol: &str) {
    let count = rng.below(5);
    let mut used = BTreeSet::new();
    let indent = if !plain && rng.chance(15) { "  " } else { "" };
    for _ in 0..count {
        let mut key = rng.pick(keys);
        if used.contains(key) && (plain || !rng.chance(10)) {
            continue;
        }
        used.insert(key);
        let written = if !plain && rng.chance(10) {
            key.to_uppercase()
        } else {
            key.to_string()
        };
        key = key.trim();
        let delimiter = if plain {
            " = "
        } else {
            rng.pick(&[" = ", "=", ": ", " =  "])
        };
        out.push_str(&format!(
            "{indent}{written}{delimiter}{}{eol}",
            value(rng, key, plain)
        ));
        if !plain {
            match rng.below(25) {
                0 => out.push_str(&format!("{indent}    continued{eol}")),
                1 => out.push_str(&format!("{indent}# a comment{eol}")),
                2 => out.push_str(eol),
                _ => {}
            }
        }
    }
}

struct Pair {
    config: String,
    credentials: String,
    plain: bool,
}

fn pair(rng: &mut Rng) -> Pair {
    let plain = rng.chance(20);
    let eol = if !plain && rng.chance(10) {
        "\r\n"
    } else {
        "\n"
    };
    let mut config = String::new();
    let mut credentials = String::new();
    if !plain && rng.chance(3) {
        config.push('\u{feff}');
    }
    if !plain && rng.chance(8) {
        config.push_str(&format!("[DEFAULT]{eol}"));
        body(rng, &KEYS[..6], false, &mut config, eol);
    }
    let names: &[&str] = if plain { &PLAIN_NAMES } else { &NAMES };
    let mut headed = BTreeSet::new();
    for _ in 0..1 + rng.below(5) {
        let name = rng.pick(names);
        // A plain pair repeats no section (botocore would refuse it).
        if plain && !headed.insert(name) {
            continue;
        }
        // An indented header is one unless it continues the value above it.
        let indent = if !plain && rng.chance(10) { "  " } else { "" };
        config.push_str(&format!(
            "{indent}[{}]{eol}",
            config_header(rng, name, plain)
        ));
        body(rng, &KEYS[..6], plain, &mut config, eol);
    }
    headed.clear();
    if !plain && rng.chance(5) {
        credentials.push_str(&format!("[DEFAULT]{eol}"));
        body(rng, &KEYS, false, &mut credentials, eol);
    }
    for _ in 0..rng.below(4) {
        let name = rng.pick(names);
        if plain && !headed.insert(name) {
            continue;
        }
        credentials.push_str(&format!("[{}]{eol}", credentials_header(rng, name, plain)));
        body(rng, &KEYS, plain, &mut credentials, eol);
    }
    Pair {
        config,
        credentials,
        plain,
    }
}

// ---------------------------------------------------------------------------------------
// The three readers
// ---------------------------------------------------------------------------------------

type Profiles = BTreeMap<String, BTreeMap<String, String>>;

/// botocore's answers for every pair, in one python3 process.
fn botocore(paths: &[(String, String)]) -> Vec<Result<Profiles, String>> {
    let mut child = common::python3_script("botocore_profiles.py");
    let mut stdout = BufReader::new(child.stdout.take().expect("python3 stdout"));
    let mut first = String::new();
    let _ = stdout.read_line(&mut first);
    assert_eq!(
        first.trim(),
        "READY",
        "botocore is needed (pip install botocore); tests/botocore_profiles.py said {first:?}"
    );
    let mut stdin = child.stdin.take().expect("python3 stdin");
    let input: String = paths
        .iter()
        .map(|(config, credentials)| {
            json!({"config": config, "credentials": credentials, "keys": KEYS}).to_string() + "\n"
        })
        .collect();
    // A writer thread: the answers are read while the questions are still being sent.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let answers = (0..paths.len())
        .map(|_| {
            let mut line = String::new();
            stdout.read_line(&mut line).expect("read from python3");
            assert!(!line.is_empty(), "python3 (botocore) exited");
            let answer: Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
            if let Some(error) = answer.get("error") {
                return Err(error.to_string());
            }
            let mut profiles = Profiles::new();
            for (name, keys) in answer["profiles"].as_object().expect("profiles") {
                let keys = keys.as_object().expect("keys");
                let values = keys
                    .iter()
                    // A nested value (`k =` with indented lines) is no value of a setting.
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect();
                profiles.insert(name.clone(), values);
            }
            Ok(profiles)
        })
        .collect();
    writer.join().expect("writer").expect("write to python3");
    drop(child.wait());
    answers
}

/// The Rust SDK's view of the pair: its profiles and their keys.
fn rust_sdk(config: &str, credentials: &str) -> Result<Profiles, String> {
    use aws_config::profile::load;
    use aws_runtime::env_config::file::EnvConfigFiles;
    use aws_types::os_shim_internal::{Env, Fs};
    let fs = Fs::from_slice(&[("/c", config), ("/k", credentials)]);
    let env = Env::from_slice(&[
        ("AWS_CONFIG_FILE", "/c"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/k"),
    ]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let set = runtime
        .block_on(load(&fs, &env, &EnvConfigFiles::default(), None))
        .map_err(|e| e.to_string())?;
    Ok(set
        .profiles()
        .map(|name| {
            let profile = set.get_profile(name).expect("a listed profile");
            let keys = KEYS
                .iter()
                .filter_map(|k| Some((k.to_string(), profile.get(k)?.to_string())))
                .collect();
            (name.to_string(), keys)
        })
        .collect())
}

thread_local! {
    static REPORTED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn record(path: &str, problem: &ini::Problem) {
    REPORTED.with(|r| r.borrow_mut().push(format!("{path}: {problem}")));
}

/// aws-mfa's view: its profiles, and for each the values its lookup finds, as botocore's
/// answer is normalized; plus what it reported as refused.
fn aws_mfa(config: &str, credentials: &str) -> (Profiles, Vec<String>) {
    REPORTED.with(|r| r.borrow_mut().clear());
    let files = profile::Files {
        config: ini::Ini::parse(config).reporting("config", record),
        credentials: ini::Ini::parse(credentials).reporting("credentials", record),
        config_path: "config".into(),
        credentials_path: "credentials".into(),
        any_exists: true,
    };
    let mut profiles = Profiles::new();
    for name in files.profile_names() {
        let mut values = BTreeMap::new();
        for key in KEYS {
            let found = match key {
                "region" => files.region_of(&name).map(|(v, _)| v),
                _ => files.get(&name, key),
            };
            if let Some(v) = found {
                values.insert(key.to_string(), v.to_string());
            }
        }
        profiles.insert(name, values);
    }
    // Every section read, as a command that lists them all reads them.
    files.config.sections();
    files.credentials.sections();
    (profiles, REPORTED.with(|r| r.borrow().clone()))
}

/// botocore's values as aws-mfa is documented to read them (README "Choices"): a value
/// that spans lines (continued by deeper indented lines) is no value, nor is an empty one
/// but `region =`, which ends the region lookup.
fn normalized(profiles: &Profiles) -> Profiles {
    profiles
        .iter()
        .map(|(name, keys)| {
            let keys = keys
                .iter()
                .filter(|(k, v)| !v.contains('\n') && (!v.is_empty() || *k == "region"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (name.clone(), keys)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------

#[test]
fn every_profile_reads_as_botocore_reads_it() {
    let cases: usize = std::env::var("BOTOCORE_PROFILES_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(600);
    let seed: u64 = std::env::var("BOTOCORE_PROFILES_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x5eed_1043);
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let pairs: Vec<Pair> = (0..cases).map(|_| pair(&mut rng)).collect();
    let paths: Vec<(String, String)> = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let config = dir.path().join(format!("{i}.config"));
            let credentials = dir.path().join(format!("{i}.credentials"));
            std::fs::write(&config, &p.config).expect("write config");
            std::fs::write(&credentials, &p.credentials).expect("write credentials");
            (
                config.to_str().expect("UTF-8 temp path").to_string(),
                credentials.to_str().expect("UTF-8 temp path").to_string(),
            )
        })
        .collect();
    let answers = botocore(&paths);

    let (mut read, mut refused, mut sdk_differs, mut plain) = (0, 0, 0, 0);
    for (i, (pair, answer)) in pairs.iter().zip(answers).enumerate() {
        let show = || {
            format!(
                "seed {seed}, pair {i}\n--- config\n{}\n--- credentials\n{}",
                pair.config, pair.credentials
            )
        };
        let (ours, reported) = aws_mfa(&pair.config, &pair.credentials);
        match answer {
            Err(error) => {
                refused += 1;
                // Each refusal botocore has that aws-mfa reads on is said, with its line.
                let told = error.contains("Duplicate")
                    || error.contains("MissingSectionHeader")
                        && pair.config.starts_with('\u{feff}');
                if told {
                    assert!(
                        reported
                            .iter()
                            .any(|r| r.contains("line") || r.contains("byte-order")),
                        "botocore refuses the pair ({error}) and aws-mfa said nothing\n{}",
                        show()
                    );
                }
            }
            Ok(theirs) => {
                read += 1;
                assert_eq!(
                    ours,
                    normalized(&theirs),
                    "aws-mfa and botocore differ\n{}",
                    show()
                );
                assert!(
                    reported.is_empty(),
                    "botocore reads the pair, yet aws-mfa reported {reported:?}\n{}",
                    show()
                );
                let sdk = rust_sdk(&pair.config, &pair.credentials);
                let agrees = sdk
                    .as_ref()
                    .is_ok_and(|sdk| normalized(sdk) == normalized(&theirs));
                if pair.plain {
                    plain += 1;
                    assert!(
                        agrees,
                        "on a plain pair the Rust SDK reads {sdk:?}, botocore {theirs:?}\n{}",
                        show()
                    );
                } else if !agrees {
                    sdk_differs += 1;
                }
            }
        }
    }
    eprintln!(
        "{cases} pairs: botocore read {read} ({plain} plain) and refused {refused}; the Rust SDK read {sdk_differs} of them otherwise"
    );
    assert!(
        read >= cases / 2 && plain >= cases / 10,
        "the generator makes too few readable pairs"
    );
}

// ---------------------------------------------------------------------------------------
// End to end: what the binary says about a file botocore refuses
// ---------------------------------------------------------------------------------------

const LONG_TERM: &str = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

#[test]
fn a_file_botocore_refuses_is_named_with_its_line_in_one_warning() {
    let cases = [
        (
            format!(
                "[profile dev]\nregion = eu-west-1\n\n[profile dev]\nmfa_serial = {}\n",
                common::DEVICE
            ),
            "line 4 repeats the section [profile dev] of line 1",
        ),
        (
            format!(
                "[profile dev]\nregion = eu-west-1\nmfa_serial = {}\nRegion = us-east-2\n",
                common::DEVICE
            ),
            "line 4 repeats the key region of line 2 in [profile dev]",
        ),
        (
            format!("\u{feff}[profile dev]\nmfa_serial = {}\n", common::DEVICE),
            "the file starts with a byte-order mark",
        ),
    ];
    for (config, said) in cases {
        let sb = Sandbox::empty();
        sb.write_config(&config);
        sb.write_credentials(&format!("[dev]\n{LONG_TERM}"));
        let out = run(&mut sb.cmd(["list", "--json"]));
        out.assert_success();
        let warnings: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.contains("warning"))
            .collect();
        assert_eq!(warnings.len(), 1, "{}", out.dump());
        assert!(
            warnings[0].contains(said)
                && warnings[0].contains("the aws CLI refuses the whole file"),
            "{}",
            out.dump()
        );
        // The profile is still found, with its device, BOM or not.
        assert!(out.stdout.contains(common::DEVICE), "{}", out.dump());
    }
}

#[test]
fn file_variables_expand_home_and_variables_and_aws_default_profile_names_the_profile() {
    // The files where botocore finds them with these variables, none where they read literally.
    let sb = Sandbox::empty();
    let alt = sb.home.join("alt");
    std::fs::create_dir_all(&alt).unwrap();
    std::fs::write(
        alt.join("config"),
        format!("[profile dev]\nmfa_serial = {}\n", common::DEVICE),
    )
    .unwrap();
    std::fs::write(alt.join("credentials"), format!("[dev]\n{LONG_TERM}")).unwrap();
    std::fs::write(alt.join("boto"), "[Boto]\ndebug = 0\n").unwrap();
    let r = run(sb
        .cmd([
            "exec",
            "--write-boto",
            "--token-code",
            common::CODE,
            "--",
            "true",
        ])
        .env("AWS_CONFIG_FILE", "~/alt/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "$HOME/alt/credentials")
        .env("BOTO_CONFIG", "${HOME}/alt/boto")
        .env("AWS_DEFAULT_PROFILE", "dev"));
    r.assert_success();
    let boto = std::fs::read_to_string(alt.join("boto")).unwrap();
    assert!(
        boto.contains("[Credentials]") && boto.contains("aws_security_token"),
        "{boto}"
    );
    // Named by AWS_DEFAULT_PROFILE, and said so when it is not there.
    let r = run(sb
        .cmd(["env"])
        .env("AWS_CONFIG_FILE", "~/alt/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "~/alt/credentials")
        .env("AWS_DEFAULT_PROFILE", "nope"));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("'nope' (named by AWS_DEFAULT_PROFILE"),
        "{}",
        r.dump()
    );
}

#[test]
fn profiles_named_by_odd_headers_are_used_by_name_and_the_others_are_not_listed() {
    let sb = Sandbox::empty();
    let device = common::DEVICE;
    sb.write_config(&format!(
        "[profile  two]\nmfa_serial = {device}\n[profile\ttab]\nmfa_serial = {device}\n\
         [profile \"quoted\"]\nmfa_serial = {device}\n[profile my dev]\nmfa_serial = {device}\n\
         [ profile spaced ]\nmfa_serial = {device}\n"
    ));
    sb.write_credentials(&format!(
        "[two]\n{LONG_TERM}[tab]\n{LONG_TERM}[quoted]\n{LONG_TERM}"
    ));
    let r = run(&mut sb.cmd(["list", "--json"]));
    r.assert_success();
    let rows: Value = serde_json::from_str(&r.stdout).expect("list --json");
    let listed: BTreeMap<&str, Option<&str>> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| (row["profile"].as_str().unwrap(), row["device"].as_str()))
        .collect();
    let expected: BTreeMap<&str, Option<&str>> = [
        ("quoted", Some(device)),
        ("tab", Some(device)),
        ("two", Some(device)),
    ]
    .into();
    assert_eq!(listed, expected, "{}", r.dump());
}
