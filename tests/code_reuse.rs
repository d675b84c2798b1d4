//! A code is never sent twice (issue 13, docs/design.md §6): a code STS accepted for a
//! device is remembered (a salted hash, in the cache directory) for 90 s, and each source
//! of codes does its own thing when it offers that code again. moto accepts any code, so
//! every refusal here is aws-mfa's; the counting proxy shows what was sent.

mod common;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use common::*;

/// The code the first run of each test spends.
const SPENT: &str = "731904";
/// The next code the device shows.
const NEXT: &str = "284615";
const BOB: &str = "arn:aws:iam::123456789012:mfa/bob";

/// What the refusal of a spent code says, whatever its source.
const SPENT_SAID: &str = "was accepted by STS";

/// Every (device, code) pair the proxy saw, in order.
fn codes_sent(sb: &Sandbox) -> Vec<(String, String)> {
    sb.proxy
        .requests()
        .iter()
        .filter_map(|r| {
            let code = r.param("TokenCode")?;
            Some((
                r.param("SerialNumber").unwrap_or_default().to_string(),
                code.to_string(),
            ))
        })
        .collect()
}

/// No code went to STS twice for one device.
#[track_caller]
fn assert_no_code_sent_twice(sb: &Sandbox) {
    let sent = codes_sent(sb);
    let unique: HashSet<_> = sent.iter().collect();
    assert_eq!(unique.len(), sent.len(), "a code was sent twice: {sent:?}");
}

fn tokens(sb: &Sandbox) -> Vec<String> {
    codes_sent(sb).into_iter().map(|(_, code)| code).collect()
}

/// `exec -p dev --token-code SPENT -- true`: STS accepts SPENT.
fn spend(sb: &Sandbox) {
    run(&mut sb.cmd(["exec", "-p", "dev", "--token-code", SPENT, "--", "true"])).assert_success();
    assert_eq!(tokens(sb), [SPENT], "{}", sb.proxy.summary());
}

fn used_files(sb: &Sandbox) -> Vec<PathBuf> {
    sb.cache_files()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "used"))
        .collect()
}

#[track_caller]
fn assert_refused_unsent(sb: &Sandbox, r: &Run) {
    r.assert_one_line_error();
    assert!(
        r.stderr.contains(SPENT_SAID) && r.stderr.contains("only once"),
        "{}",
        r.dump()
    );
    assert!(
        !r.stderr.contains(SPENT),
        "the code is never shown\n{}",
        r.dump()
    );
    assert_eq!(tokens(sb), [SPENT], "{}", sb.proxy.summary());
}

#[test]
fn a_spent_code_from_the_flag_is_refused_at_once() {
    let sb = Sandbox::new();
    spend(&sb);
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--refresh",
        "--token-code",
        SPENT,
        "--",
        "true",
    ]));
    assert_refused_unsent(&sb, &r);
    assert!(r.stdout.is_empty(), "{}", r.dump());
}

#[test]
fn a_spent_code_from_the_variable_is_refused_at_once() {
    let sb = Sandbox::new();
    spend(&sb);
    let r = run(sb
        .cmd(["env", "-p", "dev", "--refresh"])
        .env("AWS_MFA_TOKEN_CODE", SPENT));
    assert_refused_unsent(&sb, &r);
    assert!(r.stdout.is_empty(), "{}", r.dump());
}

#[test]
fn a_code_spent_on_a_direct_role_session_is_refused_for_the_mfa_session() {
    let sb = Sandbox::new();
    run(&mut sb.cmd([
        "exec",
        "-p",
        "admin",
        "--no-session",
        "--token-code",
        SPENT,
        "--",
        "true",
    ]))
    .assert_success();
    assert_eq!(tokens(&sb), [SPENT]);
    let r = run(&mut sb.cmd(["exec", "-p", "dev", "--token-code", SPENT, "--", "true"]));
    assert_refused_unsent(&sb, &r);
}

#[test]
fn a_spent_code_on_standard_input_is_refused_in_the_classic_run() {
    let sb = Sandbox::empty();
    sb.write_credentials(&format!(
        "[dev-long-term]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\naws_mfa_device = {DEVICE}\n"
    ));
    sb.write_config("");
    let input = sb.root.join("stdin");
    std::fs::write(&input, format!("{SPENT}\n")).unwrap();
    let classic = |extra: &[&str]| {
        let mut cmd = sb.cmd(["-p", "dev"]);
        cmd.args(extra).stdin(std::fs::File::open(&input).unwrap());
        run(&mut cmd)
    };
    classic(&[]).assert_success();
    assert_eq!(tokens(&sb), [SPENT]);
    let before = std::fs::read_to_string(&sb.credentials).unwrap();
    let r = classic(&["--force"]);
    assert_refused_unsent(&sb, &r);
    assert!(r.stderr.contains("standard input"), "{}", r.dump());
    assert_eq!(std::fs::read_to_string(&sb.credentials).unwrap(), before);
}

#[test]
fn the_prompt_says_a_spent_code_was_just_used_and_asks_again() {
    let sb = Sandbox::new();
    spend(&sb);
    let p = pty_run(
        &sb,
        &[SPENT, NEXT],
        &["exec", "-p", "dev", "--refresh", "--", "true"],
        Duration::from_secs(60),
    );
    assert!(!p.timed_out, "{}", p.dump());
    assert_eq!(p.code, 0, "{}", p.dump());
    assert_eq!(p.answered, 2, "expected a second prompt\n{}", p.dump());
    assert!(
        p.tty
            .contains("This code was just used; wait for the next one."),
        "{}",
        p.dump()
    );
    assert_eq!(tokens(&sb), [SPENT, NEXT], "{}", sb.proxy.summary());
    assert_no_code_sent_twice(&sb);
}

#[test]
fn the_prompt_gives_up_after_three_spent_codes() {
    let sb = Sandbox::new();
    spend(&sb);
    let p = pty_run(
        &sb,
        &[SPENT, SPENT, SPENT],
        &["exec", "-p", "dev", "--refresh", "--", "true"],
        Duration::from_secs(60),
    );
    assert!(!p.timed_out, "{}", p.dump());
    assert_eq!(p.code, 1, "{}", p.dump());
    assert_eq!(p.answered, 3, "{}", p.dump());
    assert_eq!(tokens(&sb), [SPENT], "{}", sb.proxy.summary());
}

/// Seconds since the Unix epoch, as `date +%s.%N` wrote them, one a line.
fn times(file: &std::path::Path) -> Vec<f64> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(|l| l.trim().parse().unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

/// Real time: aws-mfa waits up to 30 s for the next step here, by design.
#[test]
fn mfa_process_is_run_again_at_the_next_step_when_it_gives_a_spent_code() {
    let sb = Sandbox::new();
    spend(&sb);
    let runs = sb.root.join("runs");
    let script = sb.root.join("otp.sh");
    // The same code on its first run, the next one after.
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ -s '{runs}' ]; then code={NEXT}; else code={SPENT}; fi\ndate +%s.%N >> '{runs}'\necho $code\n",
            runs = runs.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    sb.write_config(&STANDARD_CONFIG.replace(
        "region = eu-west-1\n",
        &format!("region = eu-west-1\nmfa_process = {}\n", script.display()),
    ));
    let r = run(&mut sb.cmd(["exec", "-p", "dev", "--refresh", "--", "true"]));
    r.assert_success();
    let ran = times(&runs);
    assert_eq!(ran.len(), 2, "mfa_process runs: {ran:?}\n{}", r.dump());
    let boundary = ((ran[0] / 30.0).floor() + 1.0) * 30.0;
    assert!(
        ran[1] >= boundary,
        "run again at {} before the step boundary {boundary}\n{}",
        ran[1],
        r.dump()
    );
    assert!(
        ran[1] < boundary + 5.0,
        "waited {} s past the boundary\n{}",
        ran[1] - boundary,
        r.dump()
    );
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.dump());
    assert!(
        lines[0].contains("waiting") && lines[0].contains("30-second step"),
        "{}",
        r.dump()
    );
    assert!(!r.stderr.contains(SPENT), "{}", r.dump());
    assert_eq!(tokens(&sb), [SPENT, NEXT], "{}", sb.proxy.summary());
}

#[test]
fn parallel_runs_for_one_device_never_send_one_code_twice() {
    let sb = Sandbox::new();
    let running: Vec<Running> = (0..16)
        .map(|i| {
            let mut args = vec!["exec", "-p"];
            // Two entries of one device: the MFA session, and a role session assumed with the code.
            args.extend(if i % 2 == 0 {
                &["dev"][..]
            } else {
                &["admin", "--no-session"][..]
            });
            args.extend(["--token-code", SPENT, "--", "true"]);
            spawn(&mut sb.cmd(args))
        })
        .collect();
    let runs: Vec<Run> = running
        .into_iter()
        .map(|r| r.finish(DEFAULT_TIMEOUT))
        .collect();
    let ok = runs.iter().filter(|r| r.code() == Some(0)).count();
    assert!(ok >= 1, "none succeeded");
    for r in runs.iter().filter(|r| r.code() != Some(0)) {
        let error = r.stderr.lines().last().unwrap_or_default();
        assert!(error.contains(SPENT_SAID), "{}", r.dump());
    }
    assert_eq!(tokens(&sb), [SPENT], "{}", sb.proxy.summary());
}

#[test]
fn a_code_sts_refused_is_not_remembered() {
    let sb = Sandbox::new();
    sb.proxy.set_mode(Mode::for_action(
        "GetSessionToken",
        Mode::Respond {
            status: 403,
            body: REJECTED_CODE_XML.to_string(),
        },
        Mode::Forward,
    ));
    let exec = || run(&mut sb.cmd(["exec", "-p", "dev", "--token-code", SPENT, "--", "true"]));
    exec().assert_one_line_error();
    assert!(used_files(&sb).is_empty(), "{:?}", sb.cache_files());
    sb.proxy.set_mode(Mode::Forward);
    // Refused, it was not spent: sent again, and accepted.
    exec().assert_success();
    assert_eq!(tokens(&sb), [SPENT, SPENT], "{}", sb.proxy.summary());
    assert_eq!(used_files(&sb).len(), 1, "{:?}", sb.cache_files());
}

#[test]
fn the_record_holds_no_code_and_clear_all_forgets_it() {
    let sb = Sandbox::new();
    spend(&sb);
    let used = used_files(&sb);
    assert_eq!(used.len(), 1, "{:?}", sb.cache_files());
    assert_eq!(mode(&used[0]), 0o600);
    for file in sb.cache_files() {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(
            !text.contains(SPENT),
            "{} holds the code: {text}",
            file.display()
        );
    }
    let r = run(&mut sb.cmd(["clear", "--all"]));
    r.assert_success();
    assert!(used_files(&sb).is_empty(), "{:?}", sb.cache_files());
    run(&mut sb.cmd(["exec", "-p", "dev", "--token-code", SPENT, "--", "true"])).assert_success();
    assert_eq!(tokens(&sb), [SPENT, SPENT], "{}", sb.proxy.summary());
}

#[test]
fn devices_do_not_share_their_spent_codes() {
    let sb = Sandbox::new();
    sb.append_config(&format!("\n[profile bob]\nmfa_serial = {BOB}\n"));
    sb.append_credentials(&format!(
        "\n[bob]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    spend(&sb);
    run(&mut sb.cmd(["exec", "-p", "bob", "--token-code", SPENT, "--", "true"])).assert_success();
    assert_eq!(
        codes_sent(&sb),
        [
            (DEVICE.to_string(), SPENT.to_string()),
            (BOB.to_string(), SPENT.to_string())
        ]
    );
    assert_no_code_sent_twice(&sb);
    assert_eq!(used_files(&sb).len(), 2, "{:?}", sb.cache_files());
    // And each still refuses its own.
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "bob",
        "--refresh",
        "--token-code",
        SPENT,
        "--",
        "true",
    ]));
    r.assert_one_line_error();
    assert!(
        r.stderr.contains(SPENT_SAID) && r.stderr.contains(BOB),
        "{}",
        r.dump()
    );
}
