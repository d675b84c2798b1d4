//! Issue 9, item 8: aws-mfa does not write short-term keys into a credentials-file section
//! the aws CLI would not use. botocore's chain asks the assume-role, web-identity and SSO
//! providers before the shared-credentials-file one, so keys in `[admin]` are ignored when
//! profile `admin` has `role_arn` (without `web_identity_token_file`), a non-empty
//! `web_identity_token_file`, or `sso_account_id`/`sso_role_name`. Each premise is shown
//! with the real `aws` CLI: which key signed its requests, as the proxy saw them.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// A short-term key id placed by hand (AWS's documented example of one).
const HAND_KEY_ID: &str = "ASIAIOSFODNN7EXAMPLE";
const HAND_TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN";

/// `[section]` holding short-term keys, as `--write-profile` would leave it.
fn hand_placed(section: &str) -> String {
    format!(
        "\n[{section}]\naws_access_key_id = {HAND_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\naws_session_token = {HAND_TOKEN}\n"
    )
}

/// One request the aws CLI sent: its action, and the access key id and session token
/// that signed it (None: unsigned, or long-term keys).
#[derive(Debug, PartialEq)]
struct Signed {
    action: String,
    key: Option<String>,
    token: Option<String>,
}

/// What `aws sts get-caller-identity --profile PROFILE` did: the run, and each request it
/// sent through the sandbox's proxy.
fn aws_identity(sb: &Sandbox, profile: &str) -> (Run, Vec<Signed>) {
    // The aws CLI caches assumed roles: each run here starts without that cache.
    let cli_cache = sb.home.join(".aws/cli/cache");
    if cli_cache.exists() {
        std::fs::remove_dir_all(&cli_cache).unwrap();
    }
    let before = sb.proxy.total();
    let mut cmd = sb.command(require_tool("aws"));
    cmd.args([
        "sts",
        "get-caller-identity",
        "--output",
        "json",
        "--profile",
        profile,
    ])
    .env("AWS_DEFAULT_REGION", "us-east-1");
    let r = run(&mut cmd);
    let signed = sb.proxy.requests()[before..]
        .iter()
        .map(|req| Signed {
            action: req.action.clone(),
            // SigV4: `Authorization: AWS4-HMAC-SHA256 Credential=KEYID/date/…`.
            key: req
                .header("authorization")
                .and_then(|a| a.split_once("Credential="))
                .and_then(|(_, rest)| rest.split('/').next())
                .map(str::to_string),
            token: req.header("x-amz-security-token").map(str::to_string),
        })
        .collect();
    (r, signed)
}

/// Whether a request was signed with the session whose token this is (moto hands out one
/// key id for every MFA session, so the token tells sessions apart).
fn signed_with(signed: &[Signed], token: &str) -> bool {
    signed.iter().any(|s| s.token.as_deref() == Some(token))
}

/// A value written into `[section]` of the credentials file.
fn written(path: &Path, section: &str, key: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let header = format!("[{section}]");
    let prefix = format!("{key} = ");
    text.lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {key} in [{section}]:\n{text}"))
        .to_string()
}

/// The standard fixture, with an `mfa_process` for dev that leaves a mark when it runs.
fn sandbox_with_marked_code() -> (Sandbox, std::path::PathBuf) {
    let sb = Sandbox::new();
    let marker = sb.root.join("code-was-asked");
    sb.write_config(&STANDARD_CONFIG.replace(
        "[profile dev]\n",
        &format!(
            "[profile dev]\nmfa_process = sh -c 'touch {}; echo {CODE}'\n",
            marker.display()
        ),
    ));
    (sb, marker)
}

/// Nothing was asked, called, written or cached.
#[track_caller]
fn assert_nothing_happened(sb: &Sandbox, marker: &Path, credentials_before: &str, r: &Run) {
    assert!(!marker.exists(), "the MFA code was asked for\n{}", r.dump());
    assert_eq!(
        sb.proxy.total(),
        0,
        "STS was called: {}",
        sb.proxy.summary()
    );
    assert_eq!(
        std::fs::read_to_string(&sb.credentials).unwrap(),
        credentials_before,
        "the credentials file changed\n{}",
        r.dump()
    );
    assert!(
        sb.cache_entries().is_empty(),
        "something was cached: {:?}",
        sb.cache_entries()
    );
}

#[test]
fn the_aws_cli_ignores_keys_in_the_section_of_a_role_profile() {
    let sb = Sandbox::new();
    sb.append_credentials(&hand_placed("admin"));
    let (r, signed) = aws_identity(&sb, "admin");
    r.assert_success();
    // It assumed the role with dev's long-term keys, and never used the keys in [admin].
    assert_eq!(
        signed.first(),
        Some(&Signed {
            action: "AssumeRole".into(),
            key: Some(ACCESS_KEY_ID.into()),
            token: None
        }),
        "{signed:?}\n{}",
        r.dump()
    );
    assert!(!signed_with(&signed, HAND_TOKEN), "{signed:?}");
    assert!(r.stdout.contains("assumed-role/Admin/"), "{}", r.dump());
}

#[test]
fn exec_env_and_credential_process_refuse_to_write_a_shadowed_section() {
    let commands: [&[&str]; 3] = [
        &["exec", "-p", "dev", "--write-profile=admin", "--", "true"],
        &["env", "-p", "dev", "--write-profile=admin"],
        &["credential-process", "-p", "dev", "--write-profile=admin"],
    ];
    for args in commands {
        let (sb, marker) = sandbox_with_marked_code();
        let before = std::fs::read_to_string(&sb.credentials).unwrap();
        let r = run(&mut sb.cmd(args));
        r.assert_one_line_error();
        let expected = format!(
            "aws-mfa: [admin] of {} would be ignored by the aws CLI, because role_arn in [profile admin] of {} makes it assume that role instead; write the credentials to another section, e.g. --write-profile=admin-mfa\n",
            sb.credentials.display(),
            sb.config.display()
        );
        assert_eq!(r.stderr, expected, "{}", r.dump());
        assert_nothing_happened(&sb, &marker, &before, &r);
    }
}

#[test]
fn the_default_section_of_a_role_profile_is_refused_with_a_suffix_to_use() {
    // `--write-profile` without NAME and the classic run both write [admin] for -p admin.
    let commands: [&[&str]; 2] = [
        &["exec", "-p", "admin", "--write-profile", "--", "true"],
        &["-p", "admin"],
    ];
    for args in commands {
        let (sb, marker) = sandbox_with_marked_code();
        let before = std::fs::read_to_string(&sb.credentials).unwrap();
        let r = run(&mut sb.cmd(args));
        r.assert_one_line_error();
        assert!(
            r.stderr.contains(&format!(
                "[admin] of {} would be ignored by the aws CLI",
                sb.credentials.display()
            )) && r.stderr.ends_with("e.g. --short-term-suffix mfa\n"),
            "{}",
            r.dump()
        );
        assert_nothing_happened(&sb, &marker, &before, &r);
    }
}

#[test]
fn the_classic_run_does_not_call_a_shadowed_section_still_valid() {
    let (sb, marker) = sandbox_with_marked_code();
    // What an earlier run wrote into [admin]: valid for hours, and of no use to the aws CLI.
    sb.append_credentials(&format!(
        "{}expiration = {}\nassumed_role = True\nassumed_role_arn = {ROLE_ADMIN}\naws_mfa_source_key_id = {ACCESS_KEY_ID}\n",
        hand_placed("admin"),
        rfc3339(now_unix() + 6 * 3600)
    ));
    let (r, signed) = aws_identity(&sb, "admin");
    assert!(
        r.status.success() && !signed_with(&signed, HAND_TOKEN),
        "{signed:?}\n{}",
        r.dump()
    );
    let before = std::fs::read_to_string(&sb.credentials).unwrap();
    let aws_cli_requests = sb.proxy.total();
    let r = run(&mut sb.cmd(["-p", "admin"]));
    r.assert_one_line_error();
    assert!(
        r.stderr.contains("would be ignored by the aws CLI"),
        "{}",
        r.dump()
    );
    assert!(!marker.exists(), "{}", r.dump());
    assert_eq!(sb.proxy.total(), aws_cli_requests, "{}", sb.proxy.summary());
    assert_eq!(std::fs::read_to_string(&sb.credentials).unwrap(), before);
}

#[test]
fn the_suggested_sections_are_used_by_the_aws_cli() {
    // exec with the suggested NAME: dev's MFA session in [admin-mfa].
    let sb = Sandbox::new();
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--write-profile=admin-mfa",
        "--",
        "true",
    ]));
    r.assert_success();
    let (r, signed) = aws_identity(&sb, "admin-mfa");
    r.assert_success();
    assert_eq!(
        signed,
        [Signed {
            action: "GetCallerIdentity".into(),
            key: Some(written(&sb.credentials, "admin-mfa", "aws_access_key_id")),
            token: Some(written(&sb.credentials, "admin-mfa", "aws_session_token")),
        }],
        "{}",
        r.dump()
    );

    // The classic run with the suggested suffix: the Admin role's credentials in [admin-mfa].
    let sb = Sandbox::new();
    let r = run(&mut sb.cmd([
        "-p",
        "admin",
        "--short-term-suffix",
        "mfa",
        "--token-code",
        CODE,
    ]));
    r.assert_success();
    assert!(r.stdout.contains("wrote [admin-mfa]"), "{}", r.dump());
    let (r, signed) = aws_identity(&sb, "admin-mfa");
    r.assert_success();
    assert_eq!(
        signed,
        [Signed {
            action: "GetCallerIdentity".into(),
            key: Some(written(&sb.credentials, "admin-mfa", "aws_access_key_id")),
            token: Some(written(&sb.credentials, "admin-mfa", "aws_session_token")),
        }],
        "{}",
        r.dump()
    );
    let identity: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        identity["Arn"]
            .as_str()
            .unwrap()
            .contains("assumed-role/Admin/"),
        "{identity}"
    );
}

#[test]
fn the_suggestion_is_itself_neither_shadowed_nor_a_long_term_section() {
    let (sb, marker) = sandbox_with_marked_code();
    sb.append_config(&format!(
        "\n[profile admin-mfa]\nrole_arn = {ROLE_READONLY}\nsource_profile = dev\n"
    ));
    sb.append_credentials(&format!(
        "\n[admin-mfa-2]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    let before = std::fs::read_to_string(&sb.credentials).unwrap();
    let r = run(&mut sb.cmd(["exec", "-p", "dev", "--write-profile=admin", "--", "true"]));
    r.assert_one_line_error();
    assert!(
        r.stderr.ends_with("e.g. --write-profile=admin-mfa-3\n"),
        "{}",
        r.dump()
    );
    assert_nothing_happened(&sb, &marker, &before, &r);
    // The suggested name asked for directly is refused as shadowed too.
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--write-profile=admin-mfa",
        "--",
        "true",
    ]));
    r.assert_one_line_error();
    assert!(
        r.stderr.contains("[admin-mfa] of") && r.stderr.contains("would be ignored by the aws CLI"),
        "{}",
        r.dump()
    );
    assert_nothing_happened(&sb, &marker, &before, &r);
}

/// One setup of profile `admin`: config text appended, credentials-file lines of [admin]
/// itself, and whether the aws CLI uses keys in [admin] of the credentials file.
struct Case {
    what: &'static str,
    config: &'static str,
    in_section: &'static str,
    used: bool,
}

const CASES: &[Case] = &[
    Case {
        what: "a plain profile",
        config: "[profile admin]\nregion = eu-west-1\n",
        in_section: "",
        used: true,
    },
    Case {
        what: "no profile in the config",
        config: "",
        in_section: "",
        used: true,
    },
    Case {
        what: "role_arn with source_profile",
        config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = dev\n",
        in_section: "",
        used: false,
    },
    Case {
        what: "role_arn with credential_source",
        config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\ncredential_source = Environment\n",
        in_section: "",
        used: false,
    },
    Case {
        what: "role_arn alone",
        config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\n",
        in_section: "",
        used: false,
    },
    Case {
        what: "an empty role_arn",
        config: "[profile admin]\nrole_arn =\nsource_profile = dev\n",
        in_section: "",
        used: false,
    },
    Case {
        what: "Role_ARN spelled in capitals",
        config: "[profile admin]\nRole_ARN = arn:aws:iam::123456789012:role/Admin\nsource_profile = dev\n",
        in_section: "",
        used: false,
    },
    Case {
        what: "role_arn in [admin] of the credentials file",
        config: "",
        in_section: "role_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = dev\n",
        used: false,
    },
    Case {
        what: "role_arn in [DEFAULT] of the config",
        config: "[DEFAULT]\nrole_arn = arn:aws:iam::123456789012:role/Admin\n[profile admin]\nsource_profile = dev\n",
        in_section: "",
        used: false,
    },
    Case {
        // The keys are the source of the role: used, to sign AssumeRole.
        what: "role_arn with source_profile naming itself",
        config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = admin\n",
        in_section: "",
        used: true,
    },
    Case {
        what: "role_arn in [admin] of the config, which names no profile",
        config: "[admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = dev\n",
        in_section: "",
        used: true,
    },
    Case {
        what: "web_identity_token_file with role_arn",
        config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nweb_identity_token_file = /dev/null\n",
        in_section: "",
        used: false,
    },
    Case {
        what: "web_identity_token_file alone",
        config: "[profile admin]\nweb_identity_token_file = /dev/null\n",
        in_section: "",
        used: false,
    },
    Case {
        // Present, so the assume-role provider passes; empty, so the web-identity one does.
        what: "an empty web_identity_token_file beside role_arn",
        config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = dev\nweb_identity_token_file =\n",
        in_section: "",
        used: true,
    },
    Case {
        what: "SSO settings",
        config: "[profile admin]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Admin\n",
        in_section: "",
        used: false,
    },
    Case {
        what: "an SSO session with account and role",
        config: "[profile admin]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
        in_section: "",
        used: false,
    },
    Case {
        what: "sso_role_name alone",
        config: "[profile admin]\nsso_role_name = Admin\n",
        in_section: "",
        used: false,
    },
    Case {
        // Only a token for `aws sso login`: no credentials provider reads it.
        what: "an SSO session without account or role",
        config: "[profile admin]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
        in_section: "",
        used: true,
    },
    Case {
        // Asked after the credentials file.
        what: "credential_process",
        config: "[profile admin]\ncredential_process = false\n",
        in_section: "",
        used: true,
    },
];

/// Panics when the aws CLI's behaviour is not the case's; returns what aws-mfa got wrong.
fn check_case(case: &Case) -> Option<String> {
    let sb = Sandbox::new();
    sb.write_config(&format!("{DEV}\n{}", case.config));
    sb.append_credentials(&format!("{}{}", hand_placed("admin"), case.in_section));
    let (r, signed) = aws_identity(&sb, "admin");
    let used = signed_with(&signed, HAND_TOKEN);
    assert_eq!(
        used,
        case.used,
        "premise of {:?}: the aws CLI {} the keys in [admin]; requests {signed:?}\n{}",
        case.what,
        if used { "used" } else { "ignored" },
        r.dump()
    );

    let before = std::fs::read_to_string(&sb.credentials).unwrap();
    let asked = sb.proxy.total();
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--write-profile=admin",
        "--",
        "true",
    ]));
    let refused = r.code() == Some(1) && r.stderr.contains("would be ignored by the aws CLI");
    if refused == case.used {
        return Some(format!(
            "{:?}: aws-mfa {}\n{}",
            case.what,
            if refused { "refused" } else { "did not refuse" },
            r.dump()
        ));
    }
    if refused {
        assert_eq!(sb.proxy.total(), asked, "{}", sb.proxy.summary());
        assert_eq!(std::fs::read_to_string(&sb.credentials).unwrap(), before);
    } else {
        r.assert_success();
        let token = written(&sb.credentials, "admin", "aws_session_token");
        let (r, signed) = aws_identity(&sb, "admin");
        assert!(
            signed_with(&signed, &token),
            "{:?}: the aws CLI did not use the written session: {signed:?}\n{}",
            case.what,
            r.dump()
        );
    }
    None
}

/// The fixture's dev profile, without its admin and readonly profiles.
const DEV: &str =
    "[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = eu-west-1\n";

/// For every setup, the real aws CLI decides whether keys in [admin] are used, and aws-mfa
/// agrees: it refuses before any STS call exactly when they would be ignored, and when it
/// writes, the aws CLI uses what it wrote.
#[test]
fn aws_mfa_refuses_exactly_the_sections_the_aws_cli_ignores() {
    // Three at a time: each case waits mostly on the aws CLI's start.
    let wrong: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = CASES
            .chunks(CASES.len().div_ceil(3))
            .map(|cases| scope.spawn(|| cases.iter().filter_map(check_case).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
