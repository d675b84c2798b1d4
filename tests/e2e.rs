//! End-to-end tests of the `aws-mfa` binary against moto (through a counting proxy),
//! the real AWS CLI and real shells. See `tests/common/mod.rs` for the harness.
//!
//! Nothing here is skipped: a missing python3/moto, aws, bash, zsh or fish fails the test
//! that needs it, with the reason.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

/// `exec -p PROFILE [--token-code CODE] -- CMD…`
fn exec_args<'a>(profile: &'a str, code: Option<&'a str>, cmd: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["exec", "-p", profile];
    if let Some(code) = code {
        args.extend(["--token-code", code]);
    }
    args.push("--");
    args.extend_from_slice(cmd);
    args
}

/// `credential-process -p PROFILE` with no code available: must be served from the cache
/// (or, when `code` is given, may obtain credentials).
#[track_caller]
fn credential_process(sb: &Sandbox, profile: &str, code: Option<&str>) -> Value {
    let mut cmd = sb.cmd(["credential-process", "-p", profile]);
    if let Some(code) = code {
        cmd.env("AWS_MFA_TOKEN_CODE", code);
    }
    let r = run(&mut cmd);
    r.assert_success();
    serde_json::from_str(r.stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "credential-process output is not one JSON document: {e}\n{}",
            r.dump()
        )
    })
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("field {key} missing or not a string in {v}"))
}

/// The variables that must never reach the child (§5).
const MUST_BE_UNSET: [&str; 4] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_EXPIRATION",
];

/// Stale values a parent shell may carry; none may survive.
const STALE_ENV: [(&str, &str); 7] = [
    ("AWS_PROFILE", "dev"),
    ("AWS_DEFAULT_PROFILE", "x"),
    ("AWS_SECURITY_TOKEN", "stale"),
    ("AWS_SESSION_EXPIRATION", "2001-01-01T00:00:00Z"),
    ("AWS_SESSION_TOKEN", "stale"),
    ("AWS_ACCESS_KEY_ID", "ASIASTALESTALESTALE1"),
    ("AWS_SECRET_ACCESS_KEY", "stale"),
];

/// Check an environment handed over for `profile` against what `credential-process`
/// says for the same profile (served from the cache).
#[track_caller]
fn assert_env_matches_credentials(
    sb: &Sandbox,
    env: &HashMap<String, String>,
    profile: &str,
    region: Option<&str>,
) {
    let creds = credential_process(sb, profile, None);
    let show = || format!("environment seen: {env:#?}");
    let get = |k: &str| {
        env.get(k)
            .unwrap_or_else(|| panic!("{k} is not set\n{}", show()))
            .as_str()
    };
    assert_eq!(get("AWS_ACCESS_KEY_ID"), str_field(&creds, "AccessKeyId"));
    assert_eq!(
        get("AWS_SECRET_ACCESS_KEY"),
        str_field(&creds, "SecretAccessKey")
    );
    assert_eq!(get("AWS_SESSION_TOKEN"), str_field(&creds, "SessionToken"));
    assert_ne!(
        get("AWS_SECRET_ACCESS_KEY"),
        SECRET_ACCESS_KEY,
        "the long-term secret was handed over"
    );
    assert_eq!(
        get("AWS_CREDENTIAL_EXPIRATION"),
        str_field(&creds, "Expiration")
    );
    let exp = get("AWS_CREDENTIAL_EXPIRATION");
    let exp_t = rfc3339_utc_to_unix(exp)
        .unwrap_or_else(|| panic!("AWS_CREDENTIAL_EXPIRATION {exp:?} is not RFC 3339 UTC"));
    assert!(
        exp_t > now_unix() + 300,
        "AWS_CREDENTIAL_EXPIRATION {exp} is not in the future"
    );
    assert_eq!(get("AWS_MFA_PROFILE"), profile);
    if let Some(region) = region {
        assert_eq!(get("AWS_REGION"), region, "{}", show());
        assert_eq!(get("AWS_DEFAULT_REGION"), region, "{}", show());
    }
    for k in MUST_BE_UNSET {
        assert!(
            !env.contains_key(k),
            "{k} must be unset, is {:?}\n{}",
            env.get(k),
            show()
        );
    }
    for (k, v) in env {
        assert!(
            v != "stale" && !v.contains("STALE"),
            "stale value survived in {k}={v}"
        );
    }
}

#[derive(Clone, Copy, Debug)]
enum Shell {
    /// `sh` (dash here) with the default format.
    Sh,
    /// bash with the default format.
    Bash,
    /// bash with `--format bash`.
    BashFormat,
    /// zsh with `--format zsh`.
    Zsh,
    /// fish with `--format fish | source`.
    Fish,
}

/// Evaluate `aws-mfa env -p PROFILE` in a real shell (which starts with stale AWS
/// variables and `AWS_MFA_TOKEN_CODE`), then run `env` in that shell.
#[track_caller]
fn shell_eval(sb: &Sandbox, shell: Shell, profile: &str) -> Run {
    let posix = |format: &str| {
        format!(
            "out=\"$(\"$AWS_MFA_BIN\" env -p \"$AWS_MFA_TEST_PROFILE\"{format})\"\n\
             eval \"$out\"\n\
             exec env\n"
        )
    };
    let (program, flags, script): (&str, Vec<&str>, String) = match shell {
        Shell::Sh => ("sh", vec!["-eu", "-c"], posix("")),
        Shell::Bash => ("bash", vec!["-euo", "pipefail", "-c"], posix("")),
        Shell::BashFormat => (
            "bash",
            vec!["-euo", "pipefail", "-c"],
            posix(" --format bash"),
        ),
        Shell::Zsh => ("zsh", vec!["-f", "-eu", "-c"], posix(" --format zsh")),
        Shell::Fish => (
            "fish",
            vec!["--no-config", "-c"],
            "$AWS_MFA_BIN env -p $AWS_MFA_TEST_PROFILE --format fish | source\n\
             if test $pipestatus[1] -ne 0\n    exit 3\nend\n\
             exec env\n"
                .to_string(),
        ),
    };
    require_tool(program);
    let mut cmd = sb.command(program);
    cmd.args(&flags)
        .arg(&script)
        .env("AWS_MFA_BIN", BIN)
        .env("AWS_MFA_TEST_PROFILE", profile)
        .env("AWS_MFA_TOKEN_CODE", CODE);
    for (k, v) in STALE_ENV {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

/// [`shell_eval`], which must succeed; what `env` showed, less the test's own variables.
#[track_caller]
fn eval_in_shell(sb: &Sandbox, shell: Shell, profile: &str) -> HashMap<String, String> {
    let r = shell_eval(sb, shell, profile);
    assert_eq!(
        r.code(),
        Some(0),
        "{shell:?} could not evaluate the output of `aws-mfa env`\n{}",
        r.dump()
    );
    let mut env = parse_env(&r.stdout);
    env.remove("AWS_MFA_BIN");
    env.remove("AWS_MFA_TEST_PROFILE");
    env.remove("AWS_MFA_TOKEN_CODE");
    env
}

#[track_caller]
fn check_shell(shell: Shell) {
    let sb = Sandbox::new();
    let env = eval_in_shell(&sb, shell, "dev");
    assert_env_matches_credentials(&sb, &env, "dev", Some("eu-west-1"));
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

/// Files under `dir` whose name contains `needle`.
fn files_named(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if e.file_name().to_string_lossy().contains(needle) {
                out.push(p.clone());
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            }
        }
    }
    out
}

/// Find `key` in a JSON value, at the top level or nested in objects.
fn find_key<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let obj = v.as_object()?;
    if let Some(found) = obj.get(key) {
        return Some(found);
    }
    obj.values().find_map(|inner| find_key(inner, key))
}

// ---------------------------------------------------------------------------------------
// exec
// ---------------------------------------------------------------------------------------

#[test]
fn exec_session_profile_runs_the_aws_cli() {
    require_tool("aws");
    let sb = Sandbox::new();
    let r = run(&mut sb.cmd(exec_args(
        "dev",
        Some(CODE),
        &["aws", "sts", "get-caller-identity", "--output", "json"],
    )));
    r.assert_success();
    let id: Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("aws printed no JSON: {e}\n{}", r.dump()));
    assert_eq!(id["Account"], ACCOUNT, "{}", r.dump());
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    // The child used the credentials against the same endpoint.
    assert_eq!(
        sb.proxy.count("GetCallerIdentity"),
        1,
        "{}",
        sb.proxy.summary()
    );
    let gst = &sb.proxy.requests_for("GetSessionToken")[0];
    assert_eq!(gst.param("SerialNumber"), Some(DEVICE), "{gst:?}");
    assert_eq!(gst.param("TokenCode"), Some(CODE), "{gst:?}");
    if let Some(d) = gst.param("DurationSeconds") {
        assert_eq!(d, "43200", "session default duration (§2)");
    }
}

#[test]
fn exec_hands_over_a_clean_environment() {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd(exec_args("dev", Some(CODE), &["sh", "-c", "env"]));
    for (k, v) in STALE_ENV {
        cmd.env(k, v);
    }
    let r = run(&mut cmd);
    r.assert_success();
    let env = parse_env(&r.stdout);
    assert_env_matches_credentials(&sb, &env, "dev", Some("eu-west-1"));
    // credential-process above was served from the cache.
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

#[test]
fn role_profiles_share_one_mfa_session() {
    require_tool("aws");
    let sb = Sandbox::new();
    let whoami = ["aws", "sts", "get-caller-identity", "--output", "json"];

    let r = run(&mut sb.cmd(exec_args("admin", Some(CODE), &whoami)));
    r.assert_success();
    assert!(
        r.stdout.contains("assumed-role/Admin/"),
        "expected the Admin role\n{}",
        r.dump()
    );

    // No code anywhere (no --token-code, no AWS_MFA_TOKEN_CODE, no terminal): the role
    // must be assumed from the cached MFA session.
    let r = run(&mut sb.cmd(exec_args("readonly", None, &whoami)));
    r.assert_success();
    assert!(
        r.stdout.contains("assumed-role/ReadOnly/"),
        "expected the ReadOnly role\n{}",
        r.dump()
    );

    // And the cached Admin role session is reused as is.
    let r = run(&mut sb.cmd(exec_args("admin", None, &whoami)));
    r.assert_success();
    assert!(r.stdout.contains("assumed-role/Admin/"), "{}", r.dump());

    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(sb.proxy.count("AssumeRole"), 2, "{}", sb.proxy.summary());
    let roles: Vec<String> = sb
        .proxy
        .requests_for("AssumeRole")
        .iter()
        .map(|r| r.param("RoleArn").unwrap_or_default().to_string())
        .collect();
    assert_eq!(roles, [ROLE_ADMIN, ROLE_READONLY]);
    for ar in sb.proxy.requests_for("AssumeRole") {
        assert_eq!(
            ar.param("TokenCode"),
            None,
            "a role must be assumed from the MFA session, without a code: {ar:?}"
        );
    }
}

#[test]
fn exec_returns_the_exit_status_of_the_command() {
    let sb = Sandbox::new();
    run(&mut sb.cmd(exec_args("dev", Some(CODE), &["sh", "-c", "exit 42"]))).assert_code(42);
}

#[test]
fn exec_of_a_missing_command_exits_127() {
    let sb = Sandbox::new();
    let r = run(&mut sb.cmd(exec_args("dev", Some(CODE), &["no-such-cmd-xyz"])));
    r.assert_code(127);
    assert!(r.stderr.contains("no-such-cmd-xyz"), "{}", r.dump());
}

#[test]
fn exec_of_a_non_executable_file_exits_126() {
    let sb = Sandbox::new();
    let script = sb.root.join("not-executable.sh");
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let path = script.to_str().unwrap();
    run(&mut sb.cmd(exec_args("dev", Some(CODE), &[path]))).assert_code(126);
}

// ---------------------------------------------------------------------------------------
// env
// ---------------------------------------------------------------------------------------

#[test]
fn env_default_format_evaluated_by_sh() {
    check_shell(Shell::Sh);
}

#[test]
fn env_default_format_evaluated_by_bash() {
    check_shell(Shell::Bash);
}

#[test]
fn env_bash_format_evaluated_by_bash() {
    check_shell(Shell::BashFormat);
}

#[test]
fn env_zsh_format_evaluated_by_zsh() {
    check_shell(Shell::Zsh);
}

#[test]
fn env_fish_format_sourced_by_fish() {
    check_shell(Shell::Fish);
}

#[test]
fn env_sh_format_is_export_statements() {
    let sb = Sandbox::new();
    let r = run(sb.cmd(["env", "-p", "dev"]).env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    let creds = credential_process(&sb, "dev", None);
    let key = str_field(&creds, "AccessKeyId");
    assert!(
        r.stdout
            .lines()
            .any(|l| l == format!("export AWS_ACCESS_KEY_ID='{key}'")),
        "{}",
        r.dump()
    );
    for line in r.stdout.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.starts_with("export ") || line.starts_with("unset "),
            "unexpected line {line:?} in sh output\n{}",
            r.dump()
        );
    }
    for k in MUST_BE_UNSET {
        assert!(
            r.stdout
                .lines()
                .any(|l| l.starts_with("unset ") && l.split_whitespace().any(|w| w == k)),
            "sh output does not unset {k}\n{}",
            r.dump()
        );
    }
}

#[test]
fn env_json_format_parses() {
    let sb = Sandbox::new();
    let r = run(sb
        .cmd(["env", "-p", "dev", "--format", "json"])
        .env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    let v: Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("--format json is not JSON: {e}\n{}", r.dump()));
    let creds = credential_process(&sb, "dev", None);
    for (var, field) in [
        ("AWS_ACCESS_KEY_ID", "AccessKeyId"),
        ("AWS_SECRET_ACCESS_KEY", "SecretAccessKey"),
        ("AWS_SESSION_TOKEN", "SessionToken"),
    ] {
        assert_eq!(
            find_key(&v, var).and_then(Value::as_str),
            Some(str_field(&creds, field)),
            "{var} in {v:#}"
        );
    }
    assert_eq!(
        find_key(&v, "AWS_MFA_PROFILE").and_then(Value::as_str),
        Some("dev"),
        "{v:#}"
    );
    // Variables to unset may be listed (as null), never with a value.
    for k in MUST_BE_UNSET {
        assert!(
            find_key(&v, k).is_none_or(Value::is_null),
            "{k} has a value in {v:#}"
        );
    }
}

#[test]
fn env_dotenv_format_is_key_value_lines() {
    let sb = Sandbox::new();
    let r = run(sb
        .cmd(["env", "-p", "dev", "--format", "dotenv"])
        .env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    let mut vars = HashMap::new();
    for line in r.stdout.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("not a KEY=value line: {line:?}\n{}", r.dump()));
        assert!(
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "not a variable name: {k:?} (line {line:?})"
        );
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(v);
        vars.insert(k.to_string(), v.to_string());
    }
    let creds = credential_process(&sb, "dev", None);
    assert_eq!(
        vars.get("AWS_ACCESS_KEY_ID").map(String::as_str),
        Some(str_field(&creds, "AccessKeyId")),
        "{}",
        r.dump()
    );
    assert_eq!(
        vars.get("AWS_SESSION_TOKEN").map(String::as_str),
        Some(str_field(&creds, "SessionToken")),
        "{}",
        r.dump()
    );
    assert_eq!(
        vars.get("AWS_MFA_PROFILE").map(String::as_str),
        Some("dev"),
        "{}",
        r.dump()
    );
}

/// Profile names made to break out of the quoting of the formats. Each one runs a command
/// under a naive quoting: the first under `'…'` without escaping `'` (sh, bash, zsh), the
/// second under fish quoting that escapes `'` but not `\`, the third under double quotes.
const HOSTILE_NAMES: [&str; 3] = [
    r#"x'$(touch PWNED1)'"#,
    r#"x\'(touch PWNED2)\'"#,
    r#"x"$(touch PWNED3)"`touch PWNED4`"#,
];

#[test]
fn hostile_profile_name_runs_no_code_in_any_shell() {
    let sb = Sandbox::new();
    for name in HOSTILE_NAMES {
        // In the credentials file alone: botocore splits a config header as a shell would, so
        // `[profile x'…']` would name another profile.
        sb.append_credentials(&format!(
            "\n[{name}]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n\
             mfa_serial = {DEVICE}\nregion = eu-west-1\n"
        ));
    }
    for name in HOSTILE_NAMES {
        for shell in [Shell::Sh, Shell::Bash, Shell::Zsh, Shell::Fish] {
            let r = shell_eval(&sb, shell, name);
            let pwned = files_named(&sb.root, "PWNED");
            assert!(
                pwned.is_empty(),
                "{shell:?} ran code from the profile name {name:?}: {pwned:?}\n{}",
                r.dump()
            );
            r.assert_success();
            let env = parse_env(&r.stdout);
            assert_eq!(
                env.get("AWS_MFA_PROFILE").map(String::as_str),
                Some(name),
                "{shell:?} did not get the profile name back intact\n{}",
                r.dump()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// credential-process
// ---------------------------------------------------------------------------------------

#[test]
fn credential_process_prints_the_aws_json() {
    let sb = Sandbox::new();
    let v = credential_process(&sb, "dev", Some(CODE));
    assert_eq!(v["Version"], 1, "{v}");
    assert_eq!(str_field(&v, "AccessKeyId"), ACCESS_KEY_ID); // what moto answers
    assert_ne!(str_field(&v, "SecretAccessKey"), SECRET_ACCESS_KEY);
    assert!(!str_field(&v, "SessionToken").is_empty());
    let exp = str_field(&v, "Expiration");
    assert!(exp.ends_with('Z'), "Expiration must be UTC with Z: {exp}");
    let t = rfc3339_utc_to_unix(exp).unwrap_or_else(|| panic!("not RFC 3339: {exp}"));
    assert!(
        t > now_unix() + 300,
        "Expiration {exp} is not in the future"
    );
    assert_eq!(
        v.as_object().map(|o| o.len()),
        Some(5),
        "unexpected fields: {v}"
    );
}

#[test]
fn aws_cli_uses_credential_process() {
    require_tool("aws");
    let sb = Sandbox::new();
    sb.append_config(&format!(
        "\n[profile viaproc]\ncredential_process = {} credential-process -p dev\nregion = eu-west-1\n",
        shell_words::quote(BIN)
    ));
    let r = run(sb
        .command("aws")
        .args([
            "sts",
            "get-caller-identity",
            "--profile",
            "viaproc",
            "--output",
            "json",
        ])
        .env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    let id: Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("aws printed no JSON: {e}\n{}", r.dump()));
    assert_eq!(id["Account"], ACCOUNT, "{}", r.dump());
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(
        sb.proxy.count("GetCallerIdentity"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

// ---------------------------------------------------------------------------------------
// the MFA code
// ---------------------------------------------------------------------------------------

#[test]
fn prompt_goes_to_the_terminal_not_stdout() {
    let sb = Sandbox::new();
    let p = pty_run(&sb, &[CODE], &["env", "-p", "dev"], Duration::from_secs(60));
    assert!(!p.timed_out, "no prompt answered in time\n{}", p.dump());
    assert_eq!(p.code, 0, "{}", p.dump());
    assert_eq!(p.answered, 1, "{}", p.dump());
    assert!(
        p.tty.contains("MFA code"),
        "the prompt must be on the terminal\n{}",
        p.dump()
    );
    assert!(
        p.tty.contains(DEVICE),
        "the prompt must name the device\n{}",
        p.dump()
    );
    assert!(
        p.tty.contains("12") || p.tty.contains("43200"),
        "the prompt must name the duration (12 h by default)\n{}",
        p.dump()
    );
    assert!(
        !p.stdout.to_lowercase().contains("mfa code"),
        "the prompt leaked into stdout\n{}",
        p.dump()
    );
    assert!(
        !p.stderr.to_lowercase().contains("mfa code"),
        "the prompt must be written to the terminal (/dev/tty), not stderr\n{}",
        p.dump()
    );
    assert!(
        p.stdout
            .lines()
            .any(|l| l == format!("export AWS_ACCESS_KEY_ID='{ACCESS_KEY_ID}'")),
        "stdout must hold the env statements\n{}",
        p.dump()
    );
    let gst = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(gst.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(gst[0].param("TokenCode"), Some(CODE));
}

#[test]
fn prompt_asks_again_after_a_malformed_code() {
    let sb = Sandbox::new();
    let p = pty_run(
        &sb,
        &["12345", CODE],
        &["credential-process", "-p", "dev"],
        Duration::from_secs(60),
    );
    assert!(!p.timed_out, "{}", p.dump());
    assert_eq!(p.code, 0, "{}", p.dump());
    assert_eq!(p.answered, 2, "expected a second prompt\n{}", p.dump());
    let v: Value = serde_json::from_str(p.stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not the credential JSON: {e}\n{}", p.dump()));
    assert_eq!(v["Version"], 1);
    let gst = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(gst.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(gst[0].param("TokenCode"), Some(CODE));
}

#[test]
fn mfa_process_supplies_the_code() {
    let sb = Sandbox::new();
    sb.append_config(&format!(
        "\n[profile withproc]\nsource_profile = dev\nmfa_serial = {DEVICE}\nmfa_process = echo {CODE}\n"
    ));
    run(&mut sb.cmd(exec_args("withproc", None, &["true"]))).assert_success();
    let gst = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(gst.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(gst[0].param("TokenCode"), Some(CODE));
}

#[test]
fn no_code_and_no_terminal_fails_at_once() {
    let sb = Sandbox::new();
    let start = Instant::now();
    let r = run_within(
        &mut sb.cmd(exec_args("dev", None, &["true"])),
        Duration::from_secs(20),
    );
    r.assert_one_line_error();
    for way in ["--token-code", "AWS_MFA_TOKEN_CODE", "mfa_process"] {
        assert!(
            r.stderr.contains(way),
            "the message must name {way}\n{}",
            r.dump()
        );
    }
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(sb.proxy.count("GetSessionToken"), 0);
    assert!(sb.cache_entries().is_empty(), "{:?}", sb.cache_entries());
}

#[test]
fn malformed_codes_are_refused_before_any_call() {
    let sb = Sandbox::new();
    for bad in ["12345", "abcdef", "1234567", "12 345"] {
        for via_env in [false, true] {
            let mut cmd = if via_env {
                let mut c = sb.cmd(exec_args("dev", None, &["true"]));
                c.env("AWS_MFA_TOKEN_CODE", bad);
                c
            } else {
                sb.cmd(exec_args("dev", Some(bad), &["true"]))
            };
            let r = run(&mut cmd);
            r.assert_one_line_error();
            let msg = r.stderr.to_lowercase();
            assert!(
                msg.contains("digit") && (msg.contains('6') || msg.contains("six")),
                "the message must say the code is 6 digits\n{}",
                r.dump()
            );
        }
    }
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    assert!(sb.cache_entries().is_empty());
}

#[test]
fn rejected_code_is_explained_and_nothing_is_cached() {
    let sb = Sandbox::new();
    sb.proxy.set_mode(Mode::Respond {
        status: 403,
        body: REJECTED_CODE_XML.to_string(),
    });
    let r = run(&mut sb.cmd(exec_args("dev", Some(CODE), &["true"])));
    r.assert_one_line_error();
    let msg = r.stderr.to_lowercase();
    assert!(
        msg.contains("mfa") && msg.contains("code"),
        "the message must be about the MFA code\n{}",
        r.dump()
    );
    assert!(
        !r.stderr.contains("<ErrorResponse"),
        "raw XML must be translated\n{}",
        r.dump()
    );
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "a rejected code must not be retried: {}",
        sb.proxy.summary()
    );
    assert!(
        sb.cache_entries().is_empty(),
        "nothing may be cached after a rejection: {:?}",
        sb.cache_entries()
    );
}

// ---------------------------------------------------------------------------------------
// profiles
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_profile_is_named_with_the_known_ones() {
    let sb = Sandbox::new();
    let r = run(&mut sb.cmd(exec_args("nope", Some(CODE), &["true"])));
    r.assert_one_line_error();
    for word in ["nope", "dev", "admin"] {
        assert!(r.stderr.contains(word), "must mention {word}\n{}", r.dump());
    }
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// the cache
// ---------------------------------------------------------------------------------------

#[test]
fn cached_credentials_work_while_sts_is_unreachable() {
    let sb = Sandbox::new();
    run(&mut sb.cmd(exec_args("dev", Some(CODE), &["true"]))).assert_success();
    run(&mut sb.cmd(exec_args("admin", None, &["true"]))).assert_success();
    let seen = sb.proxy.total();

    let dead = dead_endpoint();
    for profile in ["dev", "admin"] {
        let r = run(sb
            .cmd(exec_args(
                profile,
                None,
                &["sh", "-c", "echo $AWS_ACCESS_KEY_ID"],
            ))
            .env("AWS_ENDPOINT_URL", &dead));
        r.assert_success();
        assert!(r.stdout.trim().starts_with("A"), "{}", r.dump());
    }
    assert_eq!(sb.proxy.total(), seen, "{}", sb.proxy.summary());
}

/// The cache-hit path builds no async runtime and no client: no thread, no socket, no epoll.
#[test]
fn a_cache_hit_starts_no_thread_and_opens_no_socket() {
    let strace = require_tool("strace");
    let sb = Sandbox::new();
    run(&mut sb.cmd(exec_args("admin", Some(CODE), &["true"]))).assert_success();
    let trace = sb.home.join("hit.trace");
    let mut cmd = sb.command(&strace);
    cmd.args([
        "-f",
        "-qq",
        "-e",
        "trace=clone,clone3,socket,connect,epoll_create1",
        "-o",
    ])
    .arg(&trace)
    .arg(env!("CARGO_BIN_EXE_aws-mfa"))
    .args(["env", "-p", "admin"]);
    run(&mut cmd).assert_success();
    let calls = std::fs::read_to_string(&trace).expect("strace wrote its trace");
    assert!(
        calls.trim().is_empty(),
        "a cache hit made these system calls:\n{calls}"
    );
    // The same trace on a miss is not empty, so the check above can fail.
    let mut cmd = sb.command(&strace);
    cmd.args(["-f", "-qq", "-e", "trace=socket", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_aws-mfa"))
        // Another code: STS accepted CODE a moment ago, and aws-mfa never sends it again.
        .args(["env", "-p", "admin", "--refresh", "--token-code", "654321"]);
    run(&mut cmd).assert_success();
    let calls = std::fs::read_to_string(&trace).expect("strace wrote its trace");
    assert!(
        calls.contains("socket("),
        "a miss opened no socket:\n{calls}"
    );
}

#[test]
fn cache_files_are_private_and_hold_no_long_term_secret() {
    let sb = Sandbox::new();
    run(&mut sb.cmd(exec_args("dev", Some(CODE), &["true"]))).assert_success();
    run(&mut sb.cmd(exec_args("admin", None, &["true"]))).assert_success();

    assert_eq!(
        mode(&sb.cache),
        0o700,
        "cache dir {} mode {:o}",
        sb.cache.display(),
        mode(&sb.cache)
    );
    let entries = sb.cache_entries();
    assert!(
        entries.len() >= 2,
        "expected a session and a role entry, found {:?}",
        sb.cache_files()
    );
    for f in &entries {
        assert_eq!(mode(f), 0o600, "{} mode {:o}", f.display(), mode(f));
        let v: Value = serde_json::from_slice(&std::fs::read(f).unwrap())
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", f.display()));
        assert!(v.is_object(), "{}: {v}", f.display());
    }
    for f in sb.cache_files() {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET_ACCESS_KEY),
            "{} holds the long-term secret",
            f.display()
        );
        assert_eq!(
            mode(&f) & 0o077,
            0,
            "{} is accessible to others: {:o}",
            f.display(),
            mode(&f)
        );
    }
}

#[test]
fn parallel_cold_invocations_make_one_sts_call() {
    let sb = Sandbox::new();
    let running: Vec<Running> = (0..12)
        .map(|_| spawn(&mut sb.cmd(exec_args("dev", Some(CODE), &["true"]))))
        .collect();
    let runs: Vec<Run> = running
        .into_iter()
        .map(|r| r.finish(DEFAULT_TIMEOUT))
        .collect();
    for r in &runs {
        r.assert_success();
    }
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(sb.cache_entries().len(), 1, "{:?}", sb.cache_files());
}

/// A mistyped option before `--` is a usage error (with clap's suggestion), and a command
/// that is not there is found missing, both before any STS call or cache write.
#[test]
fn typos_in_exec_cost_no_code() {
    let sb = Sandbox::new();
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--duraton",
        "3600",
        "--",
        "echo",
        "hi",
    ]));
    r.assert_code(2);
    assert!(
        r.stderr.contains("--duration"),
        "no suggestion\n{}",
        r.dump()
    );
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--",
        "no-such-command-here",
        "x",
    ]));
    r.assert_code(127);
    assert!(
        r.stderr.contains("command not found: no-such-command-here"),
        "{}",
        r.dump()
    );
    let script = sb.root.join("not-executable");
    std::fs::write(&script, "#!/bin/sh\n").unwrap();
    let r = run(sb
        .cmd(["exec", "-p", "dev", "--token-code", CODE, "--"])
        .arg(&script));
    r.assert_code(126);
    assert_eq!(
        sb.proxy.total(),
        0,
        "STS was called: {}",
        sb.proxy.summary()
    );
    assert!(
        sb.cache_entries().is_empty(),
        "cached: {:?}",
        sb.cache_entries()
    );
    // Options of the command itself still pass through after its name.
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--",
        "sh",
        "-c",
        "echo $0",
        "--duraton",
    ]));
    r.assert_success();
    assert_eq!(r.stdout.trim(), "--duraton");
}

/// A variable set but empty is unset, as for the AWS CLI: `AWS_PROFILE=` is the default
/// profile, `AWS_CONFIG_FILE=` the default file, `MFA_STS_DURATION=` the default duration,
/// `AWS_MFA_TOKEN_CODE=` no code (so the prompt is asked for, and there is no terminal).
#[test]
fn empty_variables_count_as_unset() {
    let sb = Sandbox::new();
    let r = run(sb
        .cmd(["exec", "--token-code", CODE, "--", "env"])
        .env("AWS_PROFILE", "")
        .env("MFA_STS_DURATION", "")
        .env("AWS_MFA_DEVICE", DEVICE));
    r.assert_success();
    assert_eq!(
        parse_env(&r.stdout)
            .get("AWS_MFA_PROFILE")
            .map(String::as_str),
        Some("default")
    );
    let r = run(sb
        .cmd(["list", "--names"])
        .env("AWS_CONFIG_FILE", "")
        .env("AWS_SHARED_CREDENTIALS_FILE", ""));
    r.assert_success();
    assert!(r.stdout.lines().any(|l| l == "admin"), "{}", r.dump());
    let r = run(sb
        .cmd(["exec", "-p", "dev", "--refresh", "--", "true"])
        .env("AWS_MFA_TOKEN_CODE", ""));
    r.assert_one_line_error();
    assert!(r.stderr.contains("no terminal"), "{}", r.dump());
}
