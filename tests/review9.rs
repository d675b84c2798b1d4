//! Review of the settings/plan restructuring (issue 9): what it must not have broken.

mod common;

use common::*;
use serde_json::Value;

fn list_json(sb: &Sandbox, env: &[(&str, &str)]) -> Vec<Value> {
    let r = run(sb.cmd(["list", "--json"]).envs(env.iter().copied()));
    r.assert_success();
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}", r.dump()))
}

fn row<'a>(rows: &'a [Value], profile: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["profile"] == profile)
        .unwrap_or_else(|| panic!("no row for {profile}: {rows:?}"))
}

// --- list and clear never obtain anything: the lifetime asked is not theirs to refuse ----

#[test]
fn a_duration_variable_meant_for_sessions_stops_neither_list_nor_clear() {
    let sb = Sandbox::new();
    run(&mut sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"])).assert_success();
    // 36 h: a valid MFA session, too long for a role session (exec -p admin refuses it).
    let env = [("MFA_STS_DURATION", "129600")];
    let rows = list_json(&sb, &env);
    let admin = row(&rows, "admin");
    assert_eq!(admin["error"], Value::Null, "{admin}");
    assert_eq!(admin["role"], ROLE_ADMIN, "{admin}");
    let r = run(sb.cmd(["clear", "-p", "admin"]).envs(env));
    r.assert_success();
    assert_eq!(r.stdout, "deleted the cached role session of 'admin'\n");
}

// --- cache entries of earlier versions ---------------------------------------------------

/// Takes out what entries of earlier versions did not record.
fn make_old(sb: &Sandbox) {
    for path in sb.cache_entries() {
        let mut entry: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let entry_map = entry.as_object_mut().unwrap();
        assert!(entry_map.remove("asked_seconds").is_some(), "{entry_map:?}");
        entry_map.remove("chained");
        std::fs::write(&path, entry.to_string()).unwrap();
    }
}

#[test]
fn an_old_role_entry_longer_than_an_hour_was_assumed_directly_and_serves_no_session() {
    let sb = Sandbox::new();
    let exec = |code: Option<&str>| {
        let mut args = vec!["exec", "-p", "admin", "--no-session", "--duration", "7200"];
        if let Some(code) = code {
            args.extend(["--token-code", code]);
        }
        args.extend(["--", "true"]);
        run(&mut sb.cmd(args))
    };
    exec(Some(CODE)).assert_success();
    assert_eq!(sb.proxy.count("AssumeRole"), 1);
    make_old(&sb);
    // Two hours: role chaining lasts one at most, so this entry was assumed with the code.
    let r = exec(None);
    r.assert_success();
    assert_eq!(sb.proxy.count("AssumeRole"), 1, "{}", sb.proxy.summary());
}

#[test]
fn old_entries_that_fit_are_served() {
    let sb = Sandbox::new();
    run(&mut sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"])).assert_success();
    run(&mut sb.cmd(["exec", "-p", "dev", "--", "true"])).assert_success();
    make_old(&sb);
    for profile in ["admin", "dev"] {
        run(&mut sb.cmd(["exec", "-p", profile, "--", "true"])).assert_success();
    }
    assert_eq!(sb.proxy.total(), 2, "{}", sb.proxy.summary());
}

// --- the misplaced-option check ----------------------------------------------------------

#[test]
fn a_misplaced_option_is_named_as_it_is_typed() {
    let sb = Sandbox::new();
    for (flag, shown) in [
        (vec!["--token-code", CODE], "--token-code"),
        (vec!["--no-session"], "--no-session"),
        (vec!["--write-profile=x"], "--write-profile"),
    ] {
        let mut args = flag.clone();
        args.extend(["credential-process", "-p", "dev"]);
        let r = run(&mut sb.cmd(args));
        r.assert_code(2);
        assert!(
            r.stderr
                .contains(&format!("aws-mfa credential-process {shown} ")),
            "{}",
            r.dump()
        );
        assert_eq!(sb.proxy.total(), 0);
    }
}

// --- every variable, every command -------------------------------------------------------

#[test]
fn empty_variables_are_unset_and_flags_beat_variables_in_every_command() {
    let sb = Sandbox::new();
    let empty = [
        ("AWS_PROFILE", ""),
        ("AWS_MFA_TOKEN_CODE", ""),
        ("MFA_STS_DURATION", ""),
        ("MFA_ASSUME_ROLE", ""),
        ("MFA_DEVICE", ""),
        ("AWS_MFA_DEVICE", ""),
        ("AWS_REGION", ""),
        ("AWS_DEFAULT_REGION", ""),
    ];
    let r = run(sb
        .cmd(["env", "-p", "dev", "--token-code", CODE, "--format", "json"])
        .envs(empty));
    r.assert_success();
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["AWS_REGION"], "eu-west-1", "{}", r.dump());
    let gst = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(gst[0].param("DurationSeconds"), Some("43200"));
    for args in [
        vec!["list", "--json"],
        vec!["credential-process", "-p", "dev"],
        vec!["exec", "-p", "dev", "--", "true"],
    ] {
        run(sb.cmd(&args).envs(empty)).assert_success();
    }
    // A flag beats its variable; the variable names what exec and list see alike.
    let missing = sb.root.join("missing");
    let missing = missing.to_str().unwrap();
    let r = run(sb
        .cmd(["exec", "-p", "dev", "--config-file"])
        .arg(&sb.config)
        .args(["--", "true"])
        .env("AWS_PROFILE", "nope")
        .env("AWS_CONFIG_FILE", missing));
    r.assert_success();
    let rows = list_json(&sb, &[("AWS_PROFILE", "nope")]);
    assert!(
        row(&rows, "admin")["error"].is_null(),
        "list lists whatever AWS_PROFILE names"
    );
    let rows = list_json(&sb, &[("AWS_CONFIG_FILE", missing)]);
    assert!(rows.iter().all(|r| r["profile"] != "admin"), "{rows:?}");
    let r = run(sb
        .cmd(["clear"])
        .env("AWS_PROFILE", "dev")
        .env("AWS_REGION", ""));
    assert_eq!(
        r.stdout,
        "deleted the cached MFA session of 'dev'\n",
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), 1, "{}", sb.proxy.summary());
}

// --- -v never says a secret --------------------------------------------------------------

#[test]
fn verbose_says_no_secret_on_any_path() {
    let sb = Sandbox::new();
    let boto = sb.root.join("boto");
    let mut stderr = String::new();
    for args in [
        vec![
            "-v",
            "exec",
            "-p",
            "admin",
            "--token-code",
            CODE,
            "--",
            "true",
        ],
        vec!["-v", "env", "-p", "dev", "--write-profile=w"],
        vec!["-v", "credential-process", "-p", "admin"],
        vec![
            "-v",
            "-p",
            "admin",
            "--short-term-suffix",
            "mfa",
            "--token-code",
            CODE,
            "--write-boto",
        ],
        vec!["-v", "list"],
        vec!["-v", "clear", "-p", "admin"],
    ] {
        let r = run(sb.cmd(&args).env("BOTO_CONFIG", &boto));
        r.assert_success();
        stderr.push_str(&r.stderr);
    }
    assert!(stderr.contains("cache hit"), "{stderr}");
    let mut secrets = vec![SECRET_ACCESS_KEY.to_string(), format!("{CODE} ")];
    for path in sb.cache_entries() {
        let entry: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        secrets.push(entry["secret_access_key"].as_str().unwrap().into());
        secrets.push(entry["session_token"].as_str().unwrap().into());
    }
    for secret in secrets {
        assert!(!stderr.contains(&secret), "{secret} in\n{stderr}");
    }
}
