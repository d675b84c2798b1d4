//! What a new user trips on: `--write-profile` before a command, cached answers that do not
//! fit the request, `list` and `clear` seeing other settings than `exec`, and the messages
//! that should say what is wrong and what to do.

mod common;

use common::*;
use serde_json::Value;

/// Long-term keys in `[work-long-term]`, the Python aws-mfa's layout: `[work]` is free.
fn work_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.append_credentials(&format!(
        "\n[work-long-term]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    sb.append_config(&format!("\n[profile work]\nmfa_serial = {DEVICE}\n"));
    sb
}

fn sections(sb: &Sandbox) -> Vec<String> {
    std::fs::read_to_string(&sb.credentials)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix('[')?.strip_suffix(']').map(str::to_string))
        .collect()
}

// --- Bug 3: `exec --write-profile NAME CMD` --------------------------------------------

#[test]
fn in_exec_write_profile_takes_a_value_only_after_equals() {
    let sb = work_sandbox();
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "work",
        "--token-code",
        CODE,
        "--write-profile",
        "echo",
        "ran",
    ]));
    r.assert_success();
    assert_eq!(r.stdout, "ran\n", "{}", r.dump());
    let names = sections(&sb);
    assert!(names.contains(&"work".to_string()), "{names:?}");
    assert!(!names.contains(&"echo".to_string()), "{names:?}");

    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "work",
        "--write-profile=work-now",
        "--",
        "true",
    ]));
    r.assert_success();
    assert!(sections(&sb).contains(&"work-now".to_string()));
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

// --- Bug 4: cached answers that do not fit --------------------------------------------

#[test]
fn no_session_is_not_served_a_cached_chained_role_session() {
    let sb = Sandbox::new();
    // The second code is another: aws-mfa never sends a code STS just accepted.
    let exec = |code: &str, extra: &[&str]| {
        let mut args = vec!["exec", "-p", "admin", "--token-code", code];
        args.extend_from_slice(extra);
        args.extend(["--", "true"]);
        run(&mut sb.cmd(args)).assert_success();
    };
    exec(CODE, &[]);
    assert_eq!(sb.proxy.count("AssumeRole"), 1);
    exec("654321", &["--no-session", "--duration", "43200"]);
    let calls = sb.proxy.requests_for("AssumeRole");
    assert_eq!(calls.len(), 2, "{}", sb.proxy.summary());
    assert_eq!(
        calls[1].param("TokenCode"),
        Some("654321"),
        "the code was not used"
    );
    assert_eq!(calls[1].param("DurationSeconds"), Some("43200"));
    // The direct session now serves both kinds of request.
    exec("654321", &["--no-session", "--duration", "43200"]);
    exec("654321", &[]);
    assert_eq!(sb.proxy.count("AssumeRole"), 2, "{}", sb.proxy.summary());
}

#[test]
fn a_cached_session_shorter_than_asked_is_renewed_and_a_longer_one_served() {
    let sb = Sandbox::new();
    // Each STS call with a code of its own: aws-mfa never sends a code STS just accepted.
    let exec = |duration: &str, code: &str| {
        run(&mut sb.cmd([
            "exec",
            "-p",
            "dev",
            "--token-code",
            code,
            "--duration",
            duration,
            "--",
            "true",
        ]))
        .assert_success();
    };
    exec("900", CODE);
    exec("43200", "654321");
    let calls = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(calls.len(), 2, "{}", sb.proxy.summary());
    assert_eq!(calls[1].param("DurationSeconds"), Some("43200"));
    exec("3600", "654321");
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        2,
        "a longer session serves a shorter ask"
    );
}

// --- Bug 5: list and clear see what exec sees ------------------------------------------

#[test]
fn list_and_clear_see_the_variables_exec_sees() {
    let sb = Sandbox::new();
    let with_role = |cmd: &mut std::process::Command| {
        cmd.env("MFA_ASSUME_ROLE", ROLE_READONLY);
    };
    let mut exec = sb.cmd(["exec", "-p", "dev", "--token-code", CODE, "--", "true"]);
    with_role(&mut exec);
    run(&mut exec).assert_success();
    assert_eq!(sb.proxy.count("AssumeRole"), 1);
    let entries = sb.cache_entries().len();
    assert_eq!(entries, 2, "the MFA session and the role session");

    let mut list = sb.cmd(["list", "--json"]);
    with_role(&mut list);
    let r = run(&mut list);
    r.assert_success();
    let rows: Value = serde_json::from_str(&r.stdout).unwrap();
    let dev = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["profile"] == "dev")
        .unwrap();
    assert_eq!(dev["role"], ROLE_READONLY, "{}", r.dump());
    assert!(dev["seconds_left"].as_i64().is_some(), "{}", r.dump());

    // `clear` with no -p clears the profile AWS_PROFILE names, with the role of MFA_ASSUME_ROLE.
    let mut clear = sb.cmd(["clear"]);
    clear.env("AWS_PROFILE", "dev");
    with_role(&mut clear);
    let r = run(&mut clear);
    r.assert_success();
    assert_eq!(
        r.stdout,
        "deleted the cached role session of 'dev'\n",
        "{}",
        r.dump()
    );
    assert_eq!(sb.cache_entries().len(), 1, "the MFA session stays");
}

// --- Messages -------------------------------------------------------------------------

#[test]
fn use_without_the_shell_integration_says_how_to_load_it() {
    let sb = Sandbox::new();
    for (shell, line) in [
        ("/bin/zsh", r#"eval "$(aws-mfa init zsh)""#),
        ("/usr/bin/fish", "aws-mfa init fish | source"),
        ("", r#"eval "$(aws-mfa init SHELL)""#),
    ] {
        for command in ["use", "off"] {
            let r = run(sb.cmd([command, "dev"]).env("SHELL", shell));
            r.assert_code(1).assert_one_line_error();
            assert!(r.stderr.contains(line), "{}", r.dump());
            assert!(
                r.stderr.contains(&format!("`aws-mfa {command}`")),
                "{}",
                r.dump()
            );
        }
    }
}

#[test]
fn a_profile_named_by_aws_profile_says_so() {
    let sb = Sandbox::new();
    let r = run(sb.cmd(["exec", "--", "true"]).env("AWS_PROFILE", "nope"));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("profile 'nope' (named by AWS_PROFILE"),
        "{}",
        r.dump()
    );
    assert!(
        r.stderr.contains("profiles that exist: admin"),
        "{}",
        r.dump()
    );
}

#[test]
fn sections_named_as_the_other_file_names_them_are_pointed_out() {
    // `[profile work]` in the credentials file: that file takes no prefix.
    let sb = Sandbox::new();
    sb.append_credentials(&format!(
        "\n[profile work]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    sb.append_config(&format!("\n[profile work]\nmfa_serial = {DEVICE}\n"));
    let r = run(&mut sb.cmd(["exec", "-p", "work", "--", "true"]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr
            .contains("names sections without the `profile ` prefix, so rename [profile work]"),
        "{}",
        r.dump()
    );
    // `[work]` in the config file: that file needs it.
    let sb = Sandbox::new();
    sb.append_config(&format!("\n[work]\nmfa_serial = {DEVICE}\n"));
    let r = run(&mut sb.cmd(["exec", "-p", "work", "--", "true"]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr
            .contains("names profiles with the `profile ` prefix, so rename [work]"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), 0);
}

#[test]
fn a_role_profile_without_source_profile_is_told_to_add_one() {
    let sb = Sandbox::new();
    sb.append_config(&format!("\n[profile ops]\nrole_arn = {ROLE_ADMIN}\n"));
    let r = run(&mut sb.cmd(["exec", "-p", "ops", "--", "true"]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr
            .contains("has role_arn but no source_profile; add `source_profile = alice`"),
        "{}",
        r.dump()
    );
    assert!(!r.stderr.contains("ops-long-term"), "{}", r.dump());
}

#[test]
fn no_aws_files_at_all_says_so_and_where_to_start() {
    let sb = Sandbox::empty();
    let r = run(&mut sb.cmd(["exec", "-p", "dev", "--", "true"]));
    r.assert_code(1).assert_one_line_error();
    assert!(r.stderr.contains("neither "), "{}", r.dump());
    assert!(r.stderr.contains("exists"), "{}", r.dump());
    assert!(
        r.stderr.contains("\"Configuration\" in the README"),
        "{}",
        r.dump()
    );
}

/// `11h59m`, `1h05m`, `42m`: one way everywhere.
fn is_time_left(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.strip_suffix('m').map(|t| t.split_once('h')) {
        Some(Some((h, m))) => digits(h) && m.len() == 2 && digits(m),
        Some(None) => digits(text.trim_end_matches('m')),
        None => text == "expired",
    }
}

#[test]
fn time_left_is_written_one_way_in_list_and_the_classic_run() {
    let sb = work_sandbox();
    let r = run(&mut sb.cmd(["-p", "work", "--token-code", CODE]));
    r.assert_success();
    let left = r
        .stdout
        .rsplit_once('(')
        .and_then(|(_, t)| t.strip_suffix(" left)\n"))
        .unwrap_or_else(|| panic!("{}", r.dump()));
    assert!(
        is_time_left(left) && left.contains('h'),
        "{left:?}: {}",
        r.dump()
    );
    let r = run(&mut sb.cmd(["-p", "work"]));
    r.assert_success();
    assert!(r.stdout.contains("is still valid"), "{}", r.dump());
    let left = r
        .stdout
        .rsplit_once('(')
        .unwrap()
        .1
        .trim_end_matches(" left); --force renews it\n");
    assert!(is_time_left(left), "{left:?}: {}", r.dump());

    run(&mut sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"])).assert_success();
    let r = run(&mut sb.cmd(["list"]));
    r.assert_success();
    let admin = r.stdout.lines().find(|l| l.starts_with("admin ")).unwrap();
    let cached = admin.split_whitespace().last().unwrap();
    assert!(is_time_left(cached), "{cached:?}: {}", r.dump());
    let work = r.stdout.lines().find(|l| l.starts_with("work ")).unwrap();
    let cached = work.split_whitespace().last().unwrap();
    assert!(
        is_time_left(cached) && cached.contains('h'),
        "{cached:?}: {}",
        r.dump()
    );
}

#[test]
fn verbose_says_where_each_value_came_from() {
    let sb = Sandbox::new();
    let r = run(sb
        .cmd([
            "exec",
            "-v",
            "-p",
            "dev",
            "--token-code",
            CODE,
            "--",
            "true",
        ])
        .env("AWS_REGION", "eu-west-2"));
    r.assert_success();
    let config = sb.config.display().to_string();
    for said in [
        "profile 'dev' (from --profile)".to_string(),
        format!("MFA device {DEVICE} (from [profile dev] of {config})"),
        "region eu-west-2 (from AWS_REGION)".to_string(),
        "(from AWS_CONFIG_FILE)".to_string(),
        "MFA session of 43200 s".to_string(),
    ] {
        assert!(r.stderr.contains(&said), "{said:?} not said:\n{}", r.dump());
    }
    assert!(!r.stderr.contains(SECRET_ACCESS_KEY));
}

#[test]
fn exec_help_shows_the_double_dash_examples_and_no_empty_variables() {
    let sb = Sandbox::new();
    let r = run(sb.cmd(["exec", "--help"]).env("AWS_PROFILE", "dev"));
    r.assert_success();
    assert!(
        r.stdout
            .contains("Usage: aws-mfa exec [OPTIONS] -- <CMD>..."),
        "{}",
        r.dump()
    );
    assert!(
        r.stdout
            .contains("Examples:\n  aws-mfa exec -p dev -- terraform plan")
    );
    assert!(!r.stdout.contains("AWS_PROFILE="), "{}", r.stdout);
    assert!(!r.stdout.contains("AWS_MFA_TOKEN_CODE="), "{}", r.stdout);
    assert!(r.stdout.contains("[env: AWS_PROFILE]"), "{}", r.stdout);
}

// --- Bug 7: one definition of a short-term section -------------------------------------

#[test]
fn a_section_with_boto2s_token_name_is_short_term_for_the_resolver_too() {
    let sb = Sandbox::empty();
    // What boto2-era tools wrote: a session under `aws_security_token` only.
    sb.write_credentials(
        "[old]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = short\naws_security_token = token\n",
    );
    sb.write_config(&format!("[profile old]\nmfa_serial = {DEVICE}\n"));
    let r = run(&mut sb.cmd(["exec", "-p", "old", "--token-code", CODE, "--", "true"]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("no long-term keys for profile 'old'"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    // The guard reads it the same way: the section may be overwritten.
    sb.append_credentials(&format!(
        "\n[old-long-term]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    run(&mut sb.cmd(["-p", "old", "--token-code", CODE])).assert_success();
}

// --- A stderr that cannot be written ----------------------------------------------------

#[test]
fn an_unwritable_stderr_loses_the_message_not_the_exit_status() {
    let sb = Sandbox::new();
    // `run` pipes stderr; here it is /dev/full, where every write fails (ENOSPC).
    let status = |cmd: &mut std::process::Command| {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let status = cmd
            .stdout(std::process::Stdio::null())
            .stderr(full)
            .status()
            .expect("aws-mfa runs");
        (
            status.code(),
            std::os::unix::process::ExitStatusExt::signal(&status),
        )
    };
    // An error: exit 1 as always, not an abort.
    assert_eq!(
        status(&mut sb.cmd(["exec", "-p", "nope", "--", "true"])),
        (Some(1), None)
    );
    // -v lines, then the command's own status.
    let args = [
        "exec",
        "-v",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--",
        "sh",
        "-c",
        "exit 3",
    ];
    assert_eq!(status(&mut sb.cmd(args)), (Some(3), None));
}

#[test]
fn a_still_valid_section_needs_no_code_source_at_all() {
    let sb = work_sandbox();
    sb.append_config("mfa_process = /nonexistent/otp\n");
    run(&mut sb.cmd(["-p", "work", "--token-code", CODE])).assert_success();
    // Nothing is to be obtained, so what would run mfa_process is not even looked at.
    let r = run(sb.cmd(["-p", "work"]).env("AWS_MFA_PROCESS_TIMEOUT", "abc"));
    r.assert_success();
    assert!(r.stdout.contains("[work] is still valid"), "{}", r.dump());
    assert_eq!(sb.proxy.count("GetSessionToken"), 1);
}

// --- What the STS client refuses is said before a code is asked for --------------------

#[test]
fn a_client_setting_that_cannot_work_is_refused_before_the_code() {
    for (setting, said) in [
        ("use_fips_endpoint = true", "FIPS"),
        ("ca_bundle = /nonexistent/ca.pem", "ca.pem"),
    ] {
        let sb = Sandbox::new();
        let ran = sb.root.join("mfa_process-ran");
        sb.append_config(&format!(
            "\n[profile coded]\nsource_profile = dev\nmfa_serial = {DEVICE}\n{setting}\nmfa_process = sh -c 'touch {}; echo 123456'\n",
            ran.display()
        ));
        // The sandbox's AWS_ENDPOINT_URL is a configured endpoint: FIPS cannot go with it.
        let r = run(&mut sb.cmd(["exec", "-p", "coded", "--", "true"]));
        r.assert_code(1).assert_one_line_error();
        assert!(r.stderr.contains(said), "{setting}: {}", r.dump());
        assert!(
            !ran.exists(),
            "{setting}: mfa_process ran before the refusal"
        );
        assert_eq!(sb.proxy.total(), 0, "{setting}: {}", sb.proxy.summary());
    }
}
