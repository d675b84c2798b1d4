//! The file-based workflow (docs/design.md §2 no-command form, §8): each older tool's file
//! layout works unchanged, the written sections are used by the real `aws` CLI, a valid
//! section is left alone, and a section holding long-term keys is never overwritten.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const SECRET: &str = SECRET_ACCESS_KEY;

fn keys() -> String {
    format!("aws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET}\n")
}

/// A sandbox with only a credentials file laid out for another tool.
fn sandbox(credentials: &str) -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_credentials(credentials);
    sb.write_config("");
    sb
}

/// `aws sts get-caller-identity` with a profile of the sandbox's files, no aws-mfa involved.
fn aws_identity(sb: &Sandbox, profile: &str, credentials_file: &Path) -> Value {
    let mut cmd = sb.command(require_tool("aws"));
    cmd.args([
        "sts",
        "get-caller-identity",
        "--output",
        "json",
        "--profile",
        profile,
    ])
    .env("AWS_SHARED_CREDENTIALS_FILE", credentials_file)
    .env("AWS_DEFAULT_REGION", "us-east-1")
    .env("AWS_ENDPOINT_URL", moto().url());
    let r = run(&mut cmd);
    r.assert_success();
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.dump()))
}

fn section_of(text: &str, name: &str) -> Vec<(String, String)> {
    let header = format!("[{name}]");
    let mut lines = text.lines().skip_while(|l| l.trim() != header).skip(1);
    let mut out = Vec::new();
    for line in lines.by_ref() {
        if line.trim_start().starts_with('[') {
            break;
        }
        if let Some((k, v)) = line.split_once('=') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

fn value<'a>(entries: &'a [(String, String)], key: &str) -> Option<&'a str> {
    entries
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

#[test]
fn python_aws_mfa_layout_with_suffixes_and_its_variables() {
    // The Python aws-mfa's README layout: keys in [dev-long-term], device in aws_mfa_device.
    let sb = sandbox(&format!(
        "# work account\n[dev-long-term]\n{}aws_mfa_device = {DEVICE}\n",
        keys()
    ));
    let r = run(sb.cmd(["-p", "dev"]).env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    assert!(r.stdout.contains("wrote [dev]"), "{}", r.dump());
    let text = std::fs::read_to_string(&sb.credentials).unwrap();
    assert!(
        text.starts_with(&format!("# work account\n[dev-long-term]\n{}", keys())),
        "{text}"
    );
    let dev = section_of(&text, "dev");
    assert_eq!(value(&dev, "managed_by"), Some("aws-mfa"));
    assert_eq!(
        value(&dev, "aws_session_token"),
        value(&dev, "aws_security_token")
    );
    // The Python aws-mfa's form (UTC), which it reads back (tests/seeds_python.rs).
    let expiration = format!("{}Z", value(&dev, "expiration").unwrap().replace(' ', "T"));
    assert!(rfc3339_utc_to_unix(&expiration).is_some(), "{expiration}");
    let calls = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].param("SerialNumber"), Some(DEVICE));
    assert_eq!(
        aws_identity(&sb, "dev", &sb.credentials)["Account"],
        ACCOUNT
    );

    // A second run within validity calls nothing and says until when.
    let r = run(sb
        .cmd(["-p", "dev"])
        .env("AWS_ENDPOINT_URL", dead_endpoint()));
    r.assert_success();
    assert!(
        r.stdout.contains("[dev] is still valid until"),
        "{}",
        r.dump()
    );
    assert!(r.stdout.contains(&expiration), "{}", r.dump());
    assert_eq!(sb.proxy.total(), 1);
    assert_eq!(
        std::fs::read_to_string(&sb.credentials).unwrap(),
        text,
        "file rewritten"
    );

    // AWS_PROFILE, MFA_DEVICE, MFA_STS_DURATION and the suffix options, as in the Python tool.
    let other = "arn:aws:iam::123456789012:mfa/other";
    let r = run(sb
        .cmd([
            "--long-term-suffix",
            "long-term",
            "--short-term-suffix",
            "short",
            "--force",
        ])
        .env("AWS_PROFILE", "dev")
        .env("MFA_DEVICE", other)
        .env("MFA_STS_DURATION", "1800")
        .env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    let calls = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(calls.len(), 2, "{}", sb.proxy.summary());
    assert_eq!(calls[1].param("SerialNumber"), Some(other));
    assert_eq!(calls[1].param("DurationSeconds"), Some("1800"));
    let text = std::fs::read_to_string(&sb.credentials).unwrap();
    assert!(!section_of(&text, "dev-short").is_empty(), "{text}");
    assert_eq!(
        aws_identity(&sb, "dev-short", &sb.credentials)["Account"],
        ACCOUNT
    );
}

#[test]
fn python_aws_mfa_assume_role_writes_the_role_and_the_aws_cli_uses_it() {
    let sb = sandbox(&format!(
        "[dev-long-term]\n{}aws_mfa_device = {DEVICE}\n",
        keys()
    ));
    let r = run(sb
        .cmd(["-p", "dev"])
        .env("MFA_ASSUME_ROLE", ROLE_ADMIN)
        .env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    let text = std::fs::read_to_string(&sb.credentials).unwrap();
    let dev = section_of(&text, "dev");
    assert_eq!(value(&dev, "assumed_role"), Some("True"));
    assert_eq!(value(&dev, "assumed_role_arn"), Some(ROLE_ADMIN));
    let arn = aws_identity(&sb, "dev", &sb.credentials)["Arn"].clone();
    assert!(
        arn.as_str().unwrap().contains(":assumed-role/Admin/"),
        "{arn}"
    );
    // Asking for no role now is not "still valid": the section is for a role.
    let r = run(sb.cmd(["-p", "dev"]).env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    assert!(r.stdout.contains("wrote [dev]"), "{}", r.dump());
}

#[test]
fn a_python_aws_mfa_section_is_recognised_as_still_valid() {
    // Written by the Python aws-mfa: its own expiration format, and no aws-mfa marker.
    let later = "2099-01-01 00:00:00";
    let sb = sandbox(&format!(
        "[dev-long-term]\n{}aws_mfa_device = {DEVICE}\n\n[dev]\nassumed_role = False\n\
         aws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\naws_session_token = t\n\
         aws_security_token = t\nexpiration = {later}\n",
        keys()
    ));
    let r = run(sb
        .cmd(["-p", "dev"])
        .env("AWS_ENDPOINT_URL", dead_endpoint()));
    r.assert_success();
    assert!(
        r.stdout.contains("still valid until 2099-01-01T00:00:00Z"),
        "{}",
        r.dump()
    );
}

#[test]
fn aws_mfa_spok_creds_file() {
    let sb = sandbox("");
    let creds = sb.root.join("work-credentials");
    std::fs::write(&creds, format!("[dev-long-term]\n{}", keys())).unwrap();
    let r = run(&mut sb.cmd([
        "-p",
        "dev",
        "--creds-file",
        &creds.to_string_lossy(),
        "--device",
        DEVICE,
        "--token-code",
        CODE,
    ]));
    r.assert_success();
    assert_eq!(
        std::fs::read_to_string(&sb.credentials).unwrap(),
        "",
        "default file touched"
    );
    assert_eq!(aws_identity(&sb, "dev", &creds)["Account"], ACCOUNT);
}

#[test]
fn awsmfa_profile_mfa_sections() {
    let sb = sandbox(&format!("[prodmfa]\n{}mfa_serial = {DEVICE}\n", keys()));
    let r = run(&mut sb.cmd(["-p", "prod", "--token-code", CODE]));
    r.assert_success();
    assert_eq!(
        sb.proxy.requests_for("GetSessionToken")[0].param("SerialNumber"),
        Some(DEVICE)
    );
    assert_eq!(
        aws_identity(&sb, "prod", &sb.credentials)["Account"],
        ACCOUNT
    );
}

#[test]
fn iam_mfa_source_and_destination() {
    let sb = sandbox(&format!("[corp]\n{}", keys()));
    let r = run(&mut sb.cmd([
        "--source-profile",
        "corp",
        "--write-profile",
        "corp-session",
        "--device",
        DEVICE,
        "--token-code",
        CODE,
    ]));
    r.assert_success();
    let text = std::fs::read_to_string(&sb.credentials).unwrap();
    assert!(text.starts_with(&format!("[corp]\n{}", keys())), "{text}");
    assert_eq!(
        aws_identity(&sb, "corp-session", &sb.credentials)["Account"],
        ACCOUNT
    );
}

#[test]
fn aws_2fa_access_keys_boto_file() {
    let sb = sandbox(&format!("[dev]\n{}mfa_serial = {DEVICE}\n", keys()));
    let boto = sb.root.join("boto.cfg");
    std::fs::write(&boto, "[Boto]\ndebug = 0\n").unwrap();
    let r = run(sb
        .cmd([
            "exec",
            "-p",
            "dev",
            "--write-boto",
            "--token-code",
            CODE,
            "--",
            "true",
        ])
        .env("BOTO_CONFIG", &boto));
    r.assert_success();
    let text = std::fs::read_to_string(&boto).unwrap();
    assert!(text.starts_with("[Boto]\ndebug = 0\n"), "{text}");
    let creds = section_of(&text, "Credentials");
    let json = run(&mut sb.cmd(["credential-process", "-p", "dev"]));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        value(&creds, "aws_access_key_id"),
        doc["AccessKeyId"].as_str()
    );
    assert_eq!(
        value(&creds, "aws_secret_access_key"),
        doc["SecretAccessKey"].as_str()
    );
    assert_eq!(
        value(&creds, "aws_security_token"),
        doc["SessionToken"].as_str()
    );
}

#[test]
fn write_profile_on_exec_env_and_credential_process() {
    let sb = Sandbox::new();
    for (args, section) in [
        (
            vec![
                "exec",
                "-p",
                "admin",
                "--write-profile=admin-now",
                "--",
                "true",
            ],
            "admin-now",
        ),
        (
            vec!["env", "-p", "dev", "--write-profile", "dev-now"],
            "dev-now",
        ),
        (
            vec![
                "credential-process",
                "-p",
                "readonly",
                "--write-profile",
                "ro-now",
            ],
            "ro-now",
        ),
    ] {
        let r = run(sb.cmd(&args).env("AWS_MFA_TOKEN_CODE", CODE));
        r.assert_success();
        let text = std::fs::read_to_string(&sb.credentials).unwrap();
        assert!(!section_of(&text, section).is_empty(), "{args:?}: {text}");
    }
    let arn = aws_identity(&sb, "ro-now", &sb.credentials)["Arn"].clone();
    assert!(
        arn.as_str().unwrap().contains(":assumed-role/ReadOnly/"),
        "{arn}"
    );
    assert_eq!(sb.proxy.count("GetSessionToken"), 1);
}

#[test]
fn a_section_with_long_term_keys_is_never_overwritten() {
    let sb = Sandbox::new();
    let before = std::fs::read(&sb.credentials).unwrap();
    // [alice] holds long-term keys and no aws-mfa marker.
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--write-profile=alice",
        "--token-code",
        CODE,
        "--",
        "true",
    ]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("[alice] holds long-term keys"),
        "{}",
        r.dump()
    );
    assert!(r.stderr.contains("--write-profile"), "{}", r.dump());
    assert_eq!(
        std::fs::read(&sb.credentials).unwrap(),
        before,
        "file changed"
    );

    // The classic form refuses [P] when it holds P's own long-term keys.
    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
    r.assert_code(1).assert_one_line_error();
    assert_eq!(
        std::fs::read(&sb.credentials).unwrap(),
        before,
        "file changed"
    );
}

#[test]
fn a_written_file_keeps_its_mode_and_a_new_one_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let sb = sandbox(&format!(
        "[dev-long-term]\n{}aws_mfa_device = {DEVICE}\n",
        keys()
    ));
    std::fs::set_permissions(&sb.credentials, std::fs::Permissions::from_mode(0o640)).unwrap();
    run(&mut sb.cmd(["-p", "dev", "--token-code", CODE])).assert_success();
    assert_eq!(mode(&sb.credentials), 0o640);

    // Keys in the config file, credentials file not there yet (nor its directory).
    let sb = Sandbox::empty();
    sb.write_config(&format!("[profile dev]\n{}mfa_serial = {DEVICE}\n", keys()));
    let fresh = sb.root.join("new-dir").join("credentials");
    let r = run(sb
        .cmd(["env", "-p", "dev", "--write-profile", "dev-session"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &fresh)
        .env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    assert_eq!(mode(&fresh), 0o600);
    assert_eq!(mode(fresh.parent().unwrap()), 0o700);
    assert_eq!(aws_identity(&sb, "dev-session", &fresh)["Account"], ACCOUNT);
}
