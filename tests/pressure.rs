//! Proof under pressure: many parallel cold starts, STS failing in every way a network
//! can fail, hostile names and hostile STS answers, kill -9 in the middle of a write, and
//! secrets that must never show. See `tests/common/mod.rs` for the harness.
//!
//! Nothing here is skipped: a missing python3/moto, bash, zsh, fish, strace or ps fails the
//! test that needs it, with the reason.

mod common;

use std::collections::HashMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

const N: usize = 50;

/// `exec -p PROFILE --token-code CODE [EXTRA…] -- CMD…`
fn exec_with_code(
    sb: &Sandbox,
    profile: &str,
    extra: &[&str],
    cmd: &[&str],
) -> std::process::Command {
    let mut args = vec!["exec", "-p", profile, "--token-code", CODE];
    args.extend_from_slice(extra);
    args.push("--");
    args.extend_from_slice(cmd);
    sb.cmd(args)
}

/// Wait for every started command.
fn finish_all(running: Vec<Running>) -> Vec<Run> {
    running
        .into_iter()
        .map(|r| r.finish(DEFAULT_TIMEOUT))
        .collect()
}

/// The only line a successful run may print on stderr: the note of one that waited for
/// another aws-mfa's lock.
#[track_caller]
fn assert_stderr_only_waiting_notes(r: &Run) {
    for line in r.stderr.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.starts_with("aws-mfa: waiting for another aws-mfa"),
            "unexpected line on stderr: {line:?}\n{}",
            r.dump()
        );
    }
}

/// `credential-process -p PROFILE`, served from the cache: the credentials handed over.
#[track_caller]
fn cached_credentials(sb: &Sandbox, profile: &str) -> Value {
    let r = run(sb
        .cmd(["credential-process", "-p", profile])
        .env("AWS_ENDPOINT_URL", dead_endpoint()));
    r.assert_success();
    serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("credential-process printed no JSON: {e}\n{}", r.dump()))
}

fn field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing or not a string in {v}"))
}

/// Files under `dir` (recursively) whose name starts with `PWNED`.
fn pwned_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with("PWNED") {
                out.push(e.path());
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(e.path());
            }
        }
    }
    out
}

/// `text` with each run of more than 40 equal characters shortened: the 10 000-character
/// names would otherwise bury a failure message.
fn abbreviate(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|&&c| c == chars[i]).count();
        if run > 40 {
            out.push_str(&format!("{}…({run} × {:?})", chars[i], chars[i]));
        } else {
            out.extend(&chars[i..i + run]);
        }
        i += run;
    }
    out
}

/// [`Run::assert_success`] with a readable message.
#[track_caller]
fn assert_ok(r: &Run) {
    assert_eq!(
        r.code(),
        Some(0),
        "expected exit status 0\n{}",
        abbreviate(&r.dump())
    );
}

/// [`Run::assert_one_line_error`] with a readable message.
#[track_caller]
fn assert_one_line(r: &Run) {
    let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.is_empty()).collect();
    assert!(
        r.code() == Some(1) && lines.len() == 1 && lines[0].starts_with("aws-mfa: "),
        "expected exit 1 and a one-line error starting with `aws-mfa: `\n{}",
        abbreviate(&r.dump())
    );
}

#[track_caller]
fn assert_no_pwned(sb: &Sandbox, what: &str) {
    let found = pwned_files(&sb.root);
    assert!(found.is_empty(), "{what} ran injected code: {found:?}");
}

/// Names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The file cut at each section header: (header line, or "" for what precedes the first
/// header; the block's text including the header).
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), String::new())];
    for line in text.split_inclusive('\n') {
        if line.starts_with('[') {
            out.push((line.trim_end().to_string(), String::new()));
        }
        out.last_mut().expect("one block at least").1.push_str(line);
    }
    out
}

/// Every block of `before` is in `after` exactly once and byte for byte (the last one may
/// have gained or lost blank lines at its end, where a new section was appended).
#[track_caller]
fn assert_blocks_kept(before: &str, after: &str) {
    let old = blocks(before);
    let new = blocks(after);
    let last = old.len() - 1;
    for (i, (header, text)) in old.iter().enumerate() {
        let found: Vec<&String> = new
            .iter()
            .filter(|(h, _)| h == header)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "block {header:?} appears {} times after the edit\n--- before ---\n{before}\n--- after ---\n{after}",
            found.len()
        );
        let same = if i == last {
            found[0].trim_end_matches(['\n', '\r']) == text.trim_end_matches(['\n', '\r'])
        } else {
            found[0] == text
        };
        assert!(
            same,
            "block {header:?} changed:\n--- before ---\n{text}\n--- after ---\n{}",
            found[0]
        );
    }
}

const CONFIGPARSER: &str = r#"
import configparser, json, sys
p = configparser.ConfigParser(interpolation=None, strict=True, default_section="\x00")
with open(sys.argv[1], encoding="utf-8") as f:
    p.read_file(f)
print(json.dumps({s: dict(p.items(s)) for s in p.sections()}))
"#;

/// The file as Python's configparser (strict: no duplicate section or key) reads it:
/// section → key → value.
#[track_caller]
fn configparser(sb: &Sandbox, path: &Path) -> HashMap<String, HashMap<String, String>> {
    require_tool("python3");
    let r = run(sb.command("python3").arg("-c").arg(CONFIGPARSER).arg(path));
    assert_eq!(
        r.code(),
        Some(0),
        "Python's configparser cannot read {}\n{}\n--- file ---\n{}",
        path.display(),
        r.dump(),
        std::fs::read_to_string(path).unwrap_or_default()
    );
    serde_json::from_str(r.stdout.trim()).unwrap_or_else(|e| panic!("{e}\n{}", r.dump()))
}

/// A credentials file with comments everywhere around the standard sections.
fn commented_credentials() -> String {
    let mut text = String::from("# credentials of the pressure tests\n; a semicolon comment\n\n");
    for (i, block) in STANDARD_CREDENTIALS.split("\n\n").enumerate() {
        if i > 0 {
            text.push_str(&format!("\n# before section {i}\n\n"));
        }
        text.push_str(block.trim_end());
        text.push_str(&format!("\n# inside section {i}, after its keys\n"));
    }
    text.push_str("\n# the last line is a comment\n");
    text
}

/// XML character data for `s`, with line breaks and tabs as character references.
fn xml_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

fn credentials_xml(id: &str, secret: &str, token: &str) -> String {
    format!(
        "<Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>{}</SecretAccessKey>\
         <SessionToken>{}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>",
        xml_text(id),
        xml_text(secret),
        xml_text(token)
    )
}

/// A successful GetSessionToken answer with these credentials.
fn get_session_token_xml(id: &str, secret: &str, token: &str) -> String {
    format!(
        r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult>{}</GetSessionTokenResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetSessionTokenResponse>"#,
        credentials_xml(id, secret, token)
    )
}

/// A successful AssumeRole answer with these credentials.
fn assume_role_xml(id: &str, secret: &str, token: &str) -> String {
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>{}<AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Admin/s</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></AssumeRoleResponse>"#,
        credentials_xml(id, secret, token)
    )
}

/// A shell evaluating `aws-mfa env`, and the format it asks for.
#[derive(Clone, Copy, Debug)]
enum Shell {
    /// `sh` with the default format.
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

const SHELLS: [Shell; 5] = [
    Shell::Sh,
    Shell::Bash,
    Shell::BashFormat,
    Shell::Zsh,
    Shell::Fish,
];

/// `aws-mfa env -p PROFILE` evaluated in a real shell, which then runs `env -0`: the
/// environment it ended with (NUL-separated, so values may hold line breaks), less the
/// test's own variables. `code` is given as `AWS_MFA_TOKEN_CODE` when set.
#[track_caller]
fn eval_env(
    sb: &Sandbox,
    shell: Shell,
    profile: &str,
    code: Option<&str>,
) -> (Run, HashMap<String, String>) {
    let posix = |format: &str| {
        format!(
            "out=\"$(\"$AWS_MFA_BIN\" env -p \"$AWS_MFA_TEST_PROFILE\"{format})\" || exit 3\n\
             eval \"$out\"\n\
             exec env -0\n"
        )
    };
    let (program, flags, script): (&str, Vec<&str>, String) = match shell {
        Shell::Sh => ("sh", vec!["-eu", "-c"], posix("")),
        Shell::Bash => ("bash", vec!["-eu", "-c"], posix("")),
        Shell::BashFormat => ("bash", vec!["-eu", "-c"], posix(" --format bash")),
        Shell::Zsh => ("zsh", vec!["-f", "-eu", "-c"], posix(" --format zsh")),
        Shell::Fish => (
            "fish",
            vec!["--no-config", "-c"],
            "$AWS_MFA_BIN env -p $AWS_MFA_TEST_PROFILE --format fish | source\n\
             if test $pipestatus[1] -ne 0\n    exit 3\nend\n\
             exec env -0\n"
                .to_string(),
        ),
    };
    require_tool(program);
    let mut cmd = sb.command(program);
    cmd.args(&flags)
        .arg(&script)
        // As in a user's terminal: without it, fish re-encodes non-ASCII arguments.
        .env("LC_ALL", "C.UTF-8")
        .env("AWS_MFA_BIN", BIN)
        .env("AWS_MFA_TEST_PROFILE", profile);
    if let Some(code) = code {
        cmd.env("AWS_MFA_TOKEN_CODE", code);
    }
    let r = run(&mut cmd);
    let mut env = parse_env0(&r.stdout);
    for k in ["AWS_MFA_BIN", "AWS_MFA_TEST_PROFILE", "AWS_MFA_TOKEN_CODE"] {
        env.remove(k);
    }
    (r, env)
}

/// `env -0` output.
fn parse_env0(text: &str) -> HashMap<String, String> {
    text.split('\0')
        .filter_map(|e| e.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Read `KEY=VALUE` lines the way `render::dotenv_quote` writes them (the dialect of
/// python-dotenv and docker compose for what it uses): a bare value is literal, `'…'` is
/// literal, `"…"` takes the escapes `\\ \" \$ \` \n \r`. Anything else is an error, as is a
/// line that is not one whole statement.
fn read_dotenv(text: &str) -> Result<HashMap<String, String>, String> {
    let mut vars = HashMap::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| format!("not a KEY=value line: {line:?}"))?;
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("not a variable name: {k:?} in {line:?}"));
        }
        let value = if let Some(inner) = v.strip_prefix('\'') {
            let inner = inner
                .strip_suffix('\'')
                .ok_or_else(|| format!("unterminated '…' in {line:?}"))?;
            if inner.contains('\'') {
                return Err(format!("a quote inside '…' in {line:?}"));
            }
            inner.to_string()
        } else if let Some(inner) = v.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = inner.chars();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('r') => out.push('\r'),
                        Some(c @ ('\\' | '"' | '$' | '`')) => out.push(c),
                        other => return Err(format!("escape \\{other:?} in {line:?}")),
                    },
                    c => out.push(c),
                }
            }
            if !closed || chars.next().is_some() {
                return Err(format!("bad \"…\" value in {line:?}"));
            }
            out
        } else {
            if v.contains(|c: char| c.is_whitespace() || "'\"\\$`#".contains(c)) {
                return Err(format!("a bare value that needs quotes in {line:?}"));
            }
            v.to_string()
        };
        vars.insert(k.to_string(), value);
    }
    Ok(vars)
}

// ---------------------------------------------------------------------------------------
// 1. parallel load
// ---------------------------------------------------------------------------------------

#[test]
fn fifty_parallel_cold_execs_make_one_sts_call() {
    let sb = Sandbox::new();
    let running: Vec<Running> = (0..N)
        .map(|_| spawn(&mut exec_with_code(&sb, "dev", &[], &["true"])))
        .collect();
    let runs = finish_all(running);
    for r in &runs {
        r.assert_success();
        assert_stderr_only_waiting_notes(r);
    }
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(sb.proxy.total(), 1, "{}", sb.proxy.summary());
    assert_eq!(sb.cache_entries().len(), 1, "{:?}", sb.cache_files());
}

/// An `mfa_process` that counts its runs: one line per run in `counter`.
fn counting_mfa_process(sb: &Sandbox) -> PathBuf {
    let counter = sb.root.join("mfa-process-runs");
    let script = sb.root.join("mfa-process.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$$\" >> '{}'\necho {CODE}\n",
            counter.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    sb.write_config(&STANDARD_CONFIG.replace(
        "region = eu-west-1\n",
        &format!("region = eu-west-1\nmfa_process = {}\n", script.display()),
    ));
    counter
}

fn runs_of(counter: &Path) -> usize {
    std::fs::read_to_string(counter)
        .unwrap_or_default()
        .lines()
        .count()
}

#[test]
fn fifty_parallel_cold_envs_ask_for_one_code() {
    let sb = Sandbox::new();
    let counter = counting_mfa_process(&sb);
    let running: Vec<Running> = (0..N)
        .map(|_| spawn(&mut sb.cmd(["env", "-p", "dev"])))
        .collect();
    let runs = finish_all(running);
    for r in &runs {
        r.assert_success();
        assert_stderr_only_waiting_notes(r);
        assert!(
            r.stdout.contains("export AWS_SESSION_TOKEN='"),
            "{}",
            r.dump()
        );
        assert_eq!(r.stdout, runs[0].stdout, "every run hands over the same");
    }
    assert_eq!(
        runs_of(&counter),
        1,
        "mfa_process ran more than once: at most one code may be asked for"
    );
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

#[test]
fn fifty_parallel_cold_role_runs_share_one_session_and_one_code() {
    let sb = Sandbox::new();
    let counter = counting_mfa_process(&sb);
    let running: Vec<Running> = (0..N)
        .map(|i| {
            let profile = if i % 2 == 0 { "admin" } else { "readonly" };
            spawn(&mut sb.cmd(["credential-process", "-p", profile]))
        })
        .collect();
    let runs = finish_all(running);
    for r in &runs {
        r.assert_success();
        assert_stderr_only_waiting_notes(r);
    }
    assert_eq!(runs_of(&counter), 1, "one code for all");
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(sb.proxy.count("AssumeRole"), 2, "{}", sb.proxy.summary());
    assert_eq!(sb.cache_entries().len(), 3, "{:?}", sb.cache_files());
}

#[test]
fn parallel_write_profile_edits_keep_every_section() {
    let sb = Sandbox::new();
    let original = commented_credentials();
    sb.write_credentials(&original);
    let mut running = Vec::new();
    for i in 0..N {
        let own = format!("dev-session-{i}");
        running.push(spawn(&mut exec_with_code(
            &sb,
            "dev",
            &[&format!("--write-profile={own}")],
            &["true"],
        )));
        running.push(spawn(&mut exec_with_code(
            &sb,
            "dev",
            &["--write-profile=dev-shared"],
            &["true"],
        )));
    }
    let runs = finish_all(running);
    for r in &runs {
        r.assert_success();
        assert_stderr_only_waiting_notes(r);
    }
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );

    let text = std::fs::read_to_string(&sb.credentials).unwrap();
    assert_blocks_kept(&original, &text);
    let parsed = configparser(&sb, &sb.credentials);
    let creds = cached_credentials(&sb, "dev");
    let mut expected: Vec<String> = (0..N).map(|i| format!("dev-session-{i}")).collect();
    expected.push("dev-shared".into());
    for name in &expected {
        let headers = text.lines().filter(|l| *l == format!("[{name}]")).count();
        assert_eq!(headers, 1, "[{name}] appears {headers} times\n{text}");
        let s = parsed
            .get(name)
            .unwrap_or_else(|| panic!("[{name}] is missing\n{text}"));
        assert_eq!(
            s.get("aws_access_key_id").map(String::as_str),
            Some(field(&creds, "AccessKeyId"))
        );
        assert_eq!(
            s.get("aws_secret_access_key").map(String::as_str),
            Some(field(&creds, "SecretAccessKey"))
        );
        assert_eq!(
            s.get("aws_session_token").map(String::as_str),
            Some(field(&creds, "SessionToken"))
        );
    }
    assert_eq!(
        parsed.len(),
        3 + expected.len(),
        "sections: {:?}",
        parsed.keys()
    );
    assert_eq!(
        listing(sb.credentials.parent().unwrap()),
        [EDIT_LOCK, "config", "credentials"],
        "stray files beside the credentials file"
    );
}

// ---------------------------------------------------------------------------------------
// 2. faults
// ---------------------------------------------------------------------------------------

/// What a failing STS must produce, and within how long.
struct Fault {
    name: &'static str,
    mode: Option<Mode>,
    /// The message must contain one of these (lower case).
    says: &'static [&'static str],
    /// It must name the endpoint.
    names_endpoint: bool,
    within: Duration,
    attempts: std::ops::RangeInclusive<usize>,
}

const UNREACHABLE: &[&str] = &["cannot reach", "unreachable", "connection"];
const SLOW: &[&str] = &["in time", "timed out", "timeout", "slow"];
const UNREADABLE: &[&str] = &[
    "cannot be read",
    "unreadable",
    "malformed",
    "truncated",
    "incomplete",
    "not valid",
    "invalid",
];

/// Every fault: `env -p dev` exits 1 with one line that says what happened, within the
/// bound, prints nothing on stdout and caches nothing.
#[track_caller]
fn check_fault(f: Fault) {
    let sb = Sandbox::new();
    let endpoint = match f.mode {
        Some(mode) => {
            sb.proxy.set_mode(mode);
            sb.endpoint()
        }
        None => dead_endpoint(),
    };
    let start = Instant::now();
    let r = run_within(
        sb.cmd(["env", "-p", "dev", "--token-code", CODE])
            .env("AWS_ENDPOINT_URL", &endpoint),
        f.within + Duration::from_secs(30),
    );
    let took = start.elapsed();
    let attempts = sb.proxy.count("GetSessionToken");
    eprintln!(
        "fault {:<28} took {:>6.2} s, {attempts} attempt(s): {}",
        f.name,
        took.as_secs_f64(),
        r.stderr.trim()
    );
    r.assert_one_line_error();
    let msg = r.stderr.to_lowercase();
    assert!(
        f.says.iter().any(|w| msg.contains(w)),
        "{}: the message must say what happened (one of {:?})\n{}",
        f.name,
        f.says,
        r.dump()
    );
    assert!(
        !r.stderr.contains('<'),
        "{}: raw markup in the message\n{}",
        f.name,
        r.dump()
    );
    assert!(
        !r.stderr.contains(" { ") && !r.stderr.contains("Error("),
        "{}: a sentence, not a dump of Rust values\n{}",
        f.name,
        r.dump()
    );
    if f.names_endpoint {
        assert!(
            r.stderr.contains(&endpoint),
            "{}: the message must name the endpoint {endpoint}\n{}",
            f.name,
            r.dump()
        );
    }
    assert!(
        took < f.within,
        "{}: took {took:?}, more than {:?}\n{}",
        f.name,
        f.within,
        r.dump()
    );
    assert!(
        f.attempts.contains(&attempts),
        "{}: {attempts} attempts, expected {:?}: {}",
        f.name,
        f.attempts,
        sb.proxy.summary()
    );
    assert!(r.stdout.is_empty(), "{}: stdout\n{}", f.name, r.dump());
    assert!(
        sb.cache_entries().is_empty(),
        "{}: a failure cached {:?}",
        f.name,
        sb.cache_entries()
    );
}

#[test]
fn fault_sts_answers_after_30_s() {
    check_fault(Fault {
        name: "slow (answers after 30 s)",
        mode: Some(Mode::delay(Duration::from_secs(30), Mode::Forward)),
        says: SLOW,
        names_endpoint: true,
        // One attempt (it carries the code): the 10 s timeout, then a little for the
        // process and a loaded machine.
        within: Duration::from_secs(13),
        attempts: 1..=1,
    });
}

#[test]
fn fault_500_with_an_html_body() {
    check_fault(Fault {
        name: "500 with an HTML body",
        mode: Some(Mode::Respond {
            status: 500,
            body: "<html><body><h1>500 Internal Server Error</h1></body></html>".into(),
        }),
        says: &["500", "internal", "server error", "unavailable"],
        names_endpoint: false,
        within: Duration::from_secs(10),
        // The request carried the code: never sent again once it may have reached STS.
        attempts: 1..=1,
    });
}

#[test]
fn fault_500_with_an_aws_error_body() {
    check_fault(Fault {
        name: "500 InternalFailure",
        mode: Some(Mode::Respond {
            status: 500,
            body: concat!(
                r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#,
                "<Error><Type>Receiver</Type><Code>InternalFailure</Code>",
                "<Message>We encountered an internal error. Please try again.</Message>",
                "</Error><RequestId>x</RequestId></ErrorResponse>"
            )
            .into(),
        }),
        says: &["500", "internal", "server error", "unavailable"],
        names_endpoint: false,
        within: Duration::from_secs(10),
        // The request carried the code: never sent again once it may have reached STS.
        attempts: 1..=1,
    });
}

#[test]
fn fault_throttling() {
    check_fault(Fault {
        name: "400 Throttling",
        mode: Some(Mode::Respond {
            status: 400,
            body: concat!(
                r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#,
                "<Error><Type>Sender</Type><Code>Throttling</Code>",
                "<Message>Rate exceeded</Message></Error>",
                "<RequestId>x</RequestId></ErrorResponse>"
            )
            .into(),
        }),
        says: &["throttl"],
        names_endpoint: false,
        within: Duration::from_secs(10),
        // The request carried the code: never sent again once it may have reached STS.
        attempts: 1..=1,
    });
}

/// A well-formed answer whose credentials are empty.
#[test]
fn fault_200_with_empty_credentials() {
    let body = get_session_token_xml("", "", "");
    let mut says = UNREADABLE.to_vec();
    says.extend_from_slice(&["without credentials", "empty", "missing", "no credentials"]);
    check_fault(Fault {
        name: "200 with empty credentials",
        mode: Some(Mode::Respond { status: 200, body }),
        says: says.leak(),
        names_endpoint: false,
        within: Duration::from_secs(10),
        attempts: 1..=3,
    });
}

/// The credentials are all there, the Expiration is not: nothing says until when they hold.
#[test]
fn fault_200_with_xml_cut_before_the_expiration() {
    let full = get_session_token_xml("ASIAEXAMPLE", "secret", "token");
    let cut = full.find("<Expiration>").unwrap();
    check_fault(Fault {
        name: "200 with XML cut before Expiration",
        mode: Some(Mode::Respond {
            status: 200,
            body: full[..cut].to_string(),
        }),
        says: UNREADABLE,
        names_endpoint: false,
        within: Duration::from_secs(10),
        attempts: 1..=3,
    });
}

#[test]
fn fault_200_with_truncated_xml() {
    let full = get_session_token_xml("ASIAEXAMPLE", "secret", "token");
    let cut = full.find("<SessionToken>").unwrap() + "<SessionToken>to".len();
    check_fault(Fault {
        name: "200 with XML cut mid-element",
        mode: Some(Mode::Respond {
            status: 200,
            body: full[..cut].to_string(),
        }),
        says: UNREADABLE,
        names_endpoint: false,
        within: Duration::from_secs(10),
        attempts: 1..=3,
    });
}

#[test]
fn fault_200_whose_body_stops_before_its_length() {
    let full = get_session_token_xml("ASIAEXAMPLE", "secret", "token");
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        full.len()
    )
    .into_bytes();
    raw.extend_from_slice(&full.as_bytes()[..full.len() / 2]);
    let mut says = UNREADABLE.to_vec();
    says.extend_from_slice(UNREACHABLE);
    check_fault(Fault {
        name: "200 cut short of Content-Length",
        mode: Some(Mode::Raw(raw)),
        says: says.leak(),
        names_endpoint: false,
        within: Duration::from_secs(10),
        attempts: 1..=3,
    });
}

#[test]
fn fault_connection_closed_without_an_answer() {
    let mut says = UNREACHABLE.to_vec();
    says.extend_from_slice(&["closed", "no answer", "did not answer"]);
    check_fault(Fault {
        name: "connection closed, no answer",
        mode: Some(Mode::Close),
        says: says.leak(),
        names_endpoint: true,
        within: Duration::from_secs(10),
        // The request carried the code: never sent again once it may have reached STS.
        attempts: 1..=1,
    });
}

#[test]
fn fault_nothing_listens() {
    check_fault(Fault {
        name: "connection refused",
        mode: None,
        says: UNREACHABLE,
        names_endpoint: true,
        within: Duration::from_secs(10),
        attempts: 0..=0,
    });
}

/// The MFA session was obtained, the role is throttled: the session stays cached (it is
/// good), the role caches nothing, and the next run needs no code.
#[test]
fn fault_throttled_assume_role_keeps_the_session_only() {
    let sb = Sandbox::new();
    sb.proxy.set_mode(Mode::for_action(
        "AssumeRole",
        Mode::Respond {
            status: 400,
            body: concat!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>",
                "<Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>"
            )
            .into(),
        },
        Mode::Forward,
    ));
    let r = run(&mut exec_with_code(&sb, "admin", &[], &["true"]));
    r.assert_one_line_error();
    assert!(r.stderr.to_lowercase().contains("throttl"), "{}", r.dump());
    assert_eq!(sb.proxy.count("AssumeRole"), 3, "{}", sb.proxy.summary());
    assert_eq!(
        sb.cache_entries().len(),
        1,
        "only the MFA session: {:?}",
        sb.cache_files()
    );
    sb.proxy.set_mode(Mode::Forward);
    run(&mut sb.cmd(["exec", "-p", "admin", "--", "true"])).assert_success();
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

// ---------------------------------------------------------------------------------------
// 3. hostile input
// ---------------------------------------------------------------------------------------

/// Names made to break quoting, parsing or buffers. None holds `]`, a line break, or a
/// leading `#`/`;`/space: an INI header cannot.
fn hostile_names() -> Vec<String> {
    vec![
        "quote'single".into(),
        "quote\"double".into(),
        "$(touch PWNED_subst)".into(),
        "`touch PWNED_backtick`".into(),
        "semi;touch PWNED_semi".into(),
        r"back\slash\'(touch PWNED_fish)\'".into(),
        "x'$(touch PWNED_sq)'\"$(touch PWNED_dq)\"`touch PWNED_bt`;\\".into(),
        "ünïcødé-名前-🔑-\u{202e}rtl".into(),
        "%(interp)s ${HOME} ~ * ?".into(),
        "x".repeat(10_000),
    ]
}

/// A section for `name` in the credentials file, with keys, device and region: botocore
/// splits a config header as a shell would, so `[profile quote'single]` names no profile.
fn add_profile(sb: &Sandbox, name: &str) {
    sb.append_credentials(&format!(
        "\n[{name}]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n\
         mfa_serial = {DEVICE}\nregion = eu-west-1\n"
    ));
}

#[test]
fn hostile_profile_names_in_every_shell_and_format() {
    let sb = Sandbox::new();
    let names = hostile_names();
    for name in &names {
        add_profile(&sb, name);
    }
    for name in &names {
        let short: String = name.chars().take(40).collect();
        for shell in SHELLS {
            let (r, env) = eval_env(&sb, shell, name, Some(CODE));
            assert_no_pwned(&sb, &format!("{shell:?} with profile {short:?}"));
            assert_ok(&r);
            assert_eq!(
                env.get("AWS_MFA_PROFILE"),
                Some(name),
                "{shell:?} did not get the profile name {short:?} back\n{}",
                abbreviate(&r.dump())
            );
        }
        let r = run(&mut sb.cmd(["env", "-p", name, "--format", "json"]));
        assert_ok(&r);
        let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v["AWS_MFA_PROFILE"].as_str(), Some(name.as_str()));

        let r = run(&mut sb.cmd(["env", "-p", name, "--format", "dotenv"]));
        assert_ok(&r);
        let vars =
            read_dotenv(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}", abbreviate(&r.dump())));
        assert_eq!(
            vars.get("AWS_MFA_PROFILE"),
            Some(name),
            "{}",
            abbreviate(&r.dump())
        );

        let r = run(&mut sb.cmd([
            "exec",
            "-p",
            name,
            "--",
            "sh",
            "-c",
            "printf %s \"$AWS_MFA_PROFILE\"",
        ]));
        assert_ok(&r);
        assert_eq!(&r.stdout, name);
        assert_no_pwned(&sb, "exec");
    }
    // The cache key holds no profile name: one MFA session for all.
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    let r = run(&mut sb.cmd(["list", "--json"]));
    assert_ok(&r);
    let listed: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("list --json: {e}\n{}", abbreviate(&r.dump())));
    let mut strings = Vec::new();
    json_strings(&listed, &mut strings);
    for name in &names {
        assert!(
            strings.contains(&name.as_str()),
            "list --json lacks {:?}",
            name.chars().take(40).collect::<String>()
        );
    }
}

/// Every string in a JSON value, at any depth.
fn json_strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|i| json_strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| json_strings(i, out)),
        _ => {}
    }
}

#[test]
fn hostile_section_names_for_write_profile() {
    let sb = Sandbox::new();
    let original = commented_credentials();
    sb.write_credentials(&original);
    // A bidi control is no header's (issue 8, item 16): refused below.
    let names: Vec<String> = hostile_names()
        .into_iter()
        .filter(|n| !n.contains('\u{202e}'))
        .collect();
    for name in &names {
        let r = run(&mut exec_with_code(
            &sb,
            "dev",
            &[&format!("--write-profile={name}")],
            &["true"],
        ));
        assert_ok(&r);
        assert_no_pwned(&sb, "--write-profile");
    }
    let text = std::fs::read_to_string(&sb.credentials).unwrap();
    assert_blocks_kept(&original, &text);
    let parsed = configparser(&sb, &sb.credentials);
    let creds = cached_credentials(&sb, "dev");
    for name in &names {
        let s = parsed.get(name).unwrap_or_else(|| {
            panic!(
                "section {:?} is missing\n{text}",
                name.chars().take(40).collect::<String>()
            )
        });
        assert_eq!(
            s.get("aws_session_token").map(String::as_str),
            Some(field(&creds, "SessionToken"))
        );
    }

    // Names a header cannot hold are refused, in one line, before any code is used.
    let before = std::fs::read(&sb.credentials).unwrap();
    let calls = sb.proxy.total();
    for bad in [
        "a]b",
        "line\nbreak",
        "cr\rx",
        " lead",
        "trail ",
        "",
        "esc\u{1b}[2J",
        "ünïcødé-名前-🔑-\u{202e}rtl",
        "sep\u{2028}x",
    ] {
        let r = run(&mut exec_with_code(
            &sb,
            "dev",
            &["--refresh", &format!("--write-profile={bad}")],
            &["true"],
        ));
        assert_one_line(&r);
        assert_eq!(std::fs::read(&sb.credentials).unwrap(), before, "{bad:?}");
    }
    assert_eq!(sb.proxy.total(), calls, "{}", sb.proxy.summary());
}

#[test]
fn hostile_role_session_names_are_refused_in_one_line() {
    let sb = Sandbox::new();
    let mut bad = hostile_names();
    bad.extend([
        "a".to_string(),
        "x".repeat(65),
        "with space".into(),
        "new\nline".into(),
        "tab\tx".into(),
    ]);
    for name in &bad {
        let short: String = name.chars().take(40).collect();
        let r = run(&mut exec_with_code(
            &sb,
            "admin",
            &["--role-session-name", name],
            &["true"],
        ));
        assert_one_line(&r);
        assert!(
            r.stderr.contains("session name"),
            "{short:?}: the message must name the role session name\n{}",
            abbreviate(&r.dump())
        );
    }
    // The same from the profile.
    sb.append_config("\n[profile named]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = dev\nrole_session_name = $(touch PWNED_rsn);x\n");
    let r = run(&mut exec_with_code(&sb, "named", &[], &["true"]));
    assert_one_line(&r);
    assert_eq!(
        sb.proxy.total(),
        0,
        "refused before any call: {}",
        sb.proxy.summary()
    );
    assert_no_pwned(&sb, "role_session_name");

    // What STS allows goes through unchanged, at both ends of the length range.
    for good in ["ab", "a+=,.@_-z", &"y".repeat(64)] {
        let r = run(&mut exec_with_code(
            &sb,
            "admin",
            &["--role-session-name", good],
            &["true"],
        ));
        assert_ok(&r);
        let sent = sb.proxy.requests_for("AssumeRole");
        assert_eq!(
            sent.last().and_then(|r| r.param("RoleSessionName")),
            Some(good)
        );
    }
}

#[test]
fn a_hostile_user_name_becomes_an_allowed_role_session_name() {
    let sb = Sandbox::new();
    let users = [
        "$(touch PWNED_user)'x\"y;z`w`",
        "ünïcødé",
        "a",
        &"u".repeat(200),
        "",
    ];
    for (i, user) in users.iter().enumerate() {
        // Each run asks STS: two users may map to the same name, hence the same entry. Each
        // with a code of its own: aws-mfa never sends a code STS just accepted.
        let code = format!("65432{i}");
        let mut args = vec!["exec", "-p", "admin", "--token-code", &code];
        if i > 0 {
            args.push("--refresh");
        }
        args.extend(["--", "true"]);
        let r = run(sb.cmd(args).env("USER", user));
        assert_ok(&r);
        let sent = sb.proxy.requests_for("AssumeRole");
        let name = sent
            .last()
            .and_then(|r| r.param("RoleSessionName"))
            .unwrap_or_else(|| panic!("no RoleSessionName sent: {:?}", sent.last()))
            .to_string();
        assert!(
            (2..=64).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)),
            "USER={user:?} gave the role session name {name:?}, which STS refuses"
        );
    }
    assert_no_pwned(&sb, "USER");
}

/// The credentials a hostile STS hands out. Entities in the XML: line breaks, `<`, `&`,
/// and the text `&lt;` itself (which must not be decoded twice).
const HOSTILE_ID: &str = "ASIA'$(touch PWNED_id1)'`touch PWNED_id2`;\\\"";
const HOSTILE_SECRET: &str =
    "s\"$(touch PWNED_s1)\"\\'; touch PWNED_s2; echo '<&>&lt;&amp; %s {} #";
const HOSTILE_TOKEN: &str = "t\n$(touch PWNED_t1)\n'\n`touch PWNED_t2`\r\n\\\"\\'\ttab'; touch PWNED_t3 #\n[evil]\ncredential_process = touch PWNED_t4";

/// Everything `env` hands over, in every shell and format, equals what STS said, and no
/// code ran; or the binary refused the answer in one line and cached nothing.
#[track_caller]
fn check_hostile_answer(sb: &Sandbox, profile: &str) {
    let r = run(&mut sb.cmd(["credential-process", "-p", profile, "--token-code", CODE]));
    assert_no_pwned(sb, "credential-process");
    if r.code() != Some(0) {
        eprintln!(
            "hostile STS answer for {profile}: refused: {}",
            r.stderr.trim()
        );
        assert_one_line(&r);
        assert!(r.stderr.contains("STS"), "{}", abbreviate(&r.dump()));
        return;
    }
    eprintln!("hostile STS answer for {profile}: accepted");
    let v: Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("credential-process JSON: {e}\n{}", abbreviate(&r.dump())));
    let want = [
        ("AWS_ACCESS_KEY_ID", "AccessKeyId", HOSTILE_ID),
        ("AWS_SECRET_ACCESS_KEY", "SecretAccessKey", HOSTILE_SECRET),
        ("AWS_SESSION_TOKEN", "SessionToken", HOSTILE_TOKEN),
    ];
    for (_, key, value) in want {
        assert_eq!(field(&v, key), value, "credential-process {key}");
    }
    for shell in SHELLS {
        let (r, env) = eval_env(sb, shell, profile, None);
        assert_no_pwned(sb, &format!("{shell:?}"));
        assert_ok(&r);
        for (var, _, value) in want {
            assert_eq!(
                env.get(var).map(String::as_str),
                Some(value),
                "{shell:?}: {var}\n{}",
                abbreviate(&r.dump())
            );
        }
    }
    let r = run(&mut sb.cmd(["env", "-p", profile, "--format", "json"]));
    assert_ok(&r);
    let json: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("--format json: {e}\n{}", abbreviate(&r.dump())));
    for (var, _, value) in want {
        assert_eq!(json[var].as_str(), Some(value), "json {var}");
    }

    let r = run(&mut sb.cmd(["env", "-p", profile, "--format", "dotenv"]));
    assert_ok(&r);
    let vars = read_dotenv(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}", abbreviate(&r.dump())));
    for (var, _, value) in want {
        assert_eq!(
            vars.get(var).map(String::as_str),
            Some(value),
            "dotenv {var}"
        );
    }
    // People also `set -a; . ./.env`: that must run nothing either.
    let dotenv = sb.root.join("hostile.env");
    std::fs::write(&dotenv, &r.stdout).unwrap();
    require_tool("bash");
    let r = run(sb
        .command("bash")
        .arg("-c")
        .arg("set -a; . \"$1\"")
        .arg("bash")
        .arg(&dotenv));
    assert_no_pwned(sb, "bash sourcing the dotenv output");
    assert_ok(&r);

    let r = run(&mut sb.cmd(["exec", "-p", profile, "--", "env", "-0"]));
    assert_ok(&r);
    let env = parse_env0(&r.stdout);
    for (var, _, value) in want {
        assert_eq!(env.get(var).map(String::as_str), Some(value), "exec {var}");
    }

    // A value with a line break cannot go into an INI file: refused in one line, and the
    // file is left as it was (no [evil] section, no credential_process).
    let before = std::fs::read(&sb.credentials).unwrap();
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        profile,
        "--write-profile=hostile-out",
        "--",
        "true",
    ]));
    eprintln!("--write-profile of a hostile answer: {}", r.stderr.trim());
    assert_one_line(&r);
    assert_eq!(std::fs::read(&sb.credentials).unwrap(), before);
    assert_no_pwned(sb, "--write-profile");
}

#[test]
fn hostile_get_session_token_answer() {
    let sb = Sandbox::new();
    sb.proxy.set_mode(Mode::Respond {
        status: 200,
        body: get_session_token_xml(HOSTILE_ID, HOSTILE_SECRET, HOSTILE_TOKEN),
    });
    check_hostile_answer(&sb, "dev");
}

#[test]
fn hostile_assume_role_answer() {
    let sb = Sandbox::new();
    sb.proxy.set_mode(Mode::for_action(
        "AssumeRole",
        Mode::Respond {
            status: 200,
            body: assume_role_xml(HOSTILE_ID, HOSTILE_SECRET, HOSTILE_TOKEN),
        },
        Mode::Forward,
    ));
    check_hostile_answer(&sb, "admin");
}

/// One-line values full of INI and shell syntax are written and read back intact by
/// Python's configparser, with no section or key injected.
#[test]
fn hostile_one_line_answer_is_written_intact() {
    let sb = Sandbox::new();
    let secret = "s = t ; #not a comment [x] %(y)s $(touch PWNED_w) '\"\\";
    let token = "tok]\\[evil]=credential_process = touch PWNED_w2";
    sb.proxy.set_mode(Mode::Respond {
        status: 200,
        body: get_session_token_xml("ASIAHOSTILE", secret, token),
    });
    let r = run(&mut exec_with_code(
        &sb,
        "dev",
        &["--write-profile=dev-session"],
        &["true"],
    ));
    assert_ok(&r);
    let parsed = configparser(&sb, &sb.credentials);
    let s = &parsed["dev-session"];
    assert_eq!(s["aws_secret_access_key"], secret);
    assert_eq!(s["aws_session_token"], token);
    assert_eq!(s["aws_security_token"], token);
    assert_eq!(parsed.len(), 4, "sections: {:?}", parsed.keys());
    assert_no_pwned(&sb, "--write-profile");
}

#[test]
fn unknown_hostile_profile_names_fail_in_one_line() {
    let sb = Sandbox::new();
    let mut names = hostile_names();
    names.extend(["new\nline".into(), "two\n\nbreaks\n".into()]);
    for name in &names {
        let r = run(&mut exec_with_code(
            &sb,
            &format!("nope-{name}"),
            &[],
            &["true"],
        ));
        assert_one_line(&r);
        assert!(
            r.stderr.contains("dev"),
            "lists the profiles\n{}",
            abbreviate(&r.dump())
        );
    }
    assert_eq!(sb.proxy.total(), 0);
    assert_no_pwned(&sb, "an unknown profile");
}

/// A name given on the command line comes back in the error: a carriage return or an
/// escape sequence in it must not reach the terminal raw (it would overwrite or recolour
/// the line).
#[test]
fn errors_carry_no_raw_control_characters() {
    let sb = Sandbox::new();
    for name in [
        "cr\rover",
        "esc\x1b[2J\x1b[31mred",
        "bell\x07",
        "nul-free\x08back",
    ] {
        let r = run(&mut exec_with_code(&sb, name, &[], &["true"]));
        assert_one_line(&r);
        let line = r.stderr.strip_suffix('\n').unwrap_or(&r.stderr);
        assert!(
            !line.chars().any(char::is_control),
            "raw control characters in the error for {name:?}: {line:?}"
        );
    }
}

#[test]
fn non_utf8_bytes_in_the_files() {
    let sb = Sandbox::new();
    let mut creds = b"# caf\xe9: a latin-1 comment \xff\xfe\n".to_vec();
    creds.extend_from_slice(STANDARD_CREDENTIALS.as_bytes());
    creds
        .extend_from_slice(b"\n[bin\xff\xfename]\naws_access_key_id = AKIA\xff\nnote = \xc3\x28\n");
    std::fs::write(&sb.credentials, &creds).unwrap();
    let mut config = STANDARD_CONFIG.as_bytes().to_vec();
    config.extend_from_slice(b"\n[profile caf\xe9]\nregion = \xff\n");
    std::fs::write(&sb.config, &config).unwrap();

    // A file aws-mfa would not write back is refused before any code is used.
    let r = run(&mut exec_with_code(
        &sb,
        "dev",
        &["--write-profile=dev-session"],
        &["true"],
    ));
    eprintln!("--write-profile into a non-UTF-8 file: {}", r.stderr.trim());
    assert_one_line(&r);
    assert!(r.stderr.contains("UTF-8"), "{}", abbreviate(&r.dump()));
    assert_eq!(std::fs::read(&sb.credentials).unwrap(), creds);
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    assert!(sb.cache_entries().is_empty());

    // Reading is fine.
    let r = run(&mut exec_with_code(
        &sb,
        "dev",
        &[],
        &["sh", "-c", "printf %s \"$AWS_ACCESS_KEY_ID\""],
    ));
    assert_ok(&r);
    assert!(!r.stdout.is_empty());
    let r = run(&mut sb.cmd(["list", "--json"]));
    assert_ok(&r);
    serde_json::from_str::<Value>(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}", abbreviate(&r.dump())));
    assert_eq!(std::fs::read(&sb.credentials).unwrap(), creds);

    // A profile name that is not UTF-8 on the command line: refused, no crash.
    let mut cmd = sb.command(BIN);
    cmd.arg("exec")
        .arg("-p")
        .arg(OsString::from_vec(b"caf\xe9".to_vec()))
        .args(["--token-code", CODE, "--", "true"]);
    let r = run(&mut cmd);
    assert_eq!(r.status.signal(), None, "{}", abbreviate(&r.dump()));
    assert!(!r.stderr.contains("panicked"), "{}", abbreviate(&r.dump()));
    assert_ne!(r.code(), Some(0), "{}", abbreviate(&r.dump()));
    assert!(r.stderr.contains("UTF-8"), "{}", abbreviate(&r.dump()));
}

#[test]
fn nul_in_a_profile_name_in_the_files() {
    let sb = Sandbox::new();
    let original = format!(
        "{STANDARD_CREDENTIALS}\n[nul\0name]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    );
    sb.write_credentials(&original);
    sb.append_config(&format!("\n[profile nul\0name]\nmfa_serial = {DEVICE}\n"));

    let r = run(&mut exec_with_code(&sb, "dev", &[], &["true"]));
    assert_ok(&r);
    let r = run(&mut sb.cmd(["list"]));
    assert_eq!(r.status.signal(), None, "{}", abbreviate(&r.dump()));
    assert!(!r.stderr.contains("panicked"), "{}", abbreviate(&r.dump()));
    if r.code() != Some(0) {
        assert_one_line(&r);
    }
    let r = run(&mut sb.cmd(["list", "--json"]));
    if r.code() == Some(0) {
        serde_json::from_str::<Value>(&r.stdout)
            .unwrap_or_else(|e| panic!("{e}\n{}", abbreviate(&r.dump())));
    } else {
        assert_one_line(&r);
    }
    let r = run(&mut exec_with_code(&sb, "nope", &[], &["true"]));
    assert_one_line(&r);

    let r = run(&mut exec_with_code(
        &sb,
        "dev",
        &["--write-profile=dev-session"],
        &["true"],
    ));
    assert_eq!(r.status.signal(), None, "{}", abbreviate(&r.dump()));
    let after = std::fs::read_to_string(&sb.credentials).unwrap();
    if r.code() == Some(0) {
        assert_blocks_kept(&original, &after);
        assert!(after.contains("[dev-session]"), "{after}");
    } else {
        assert_one_line(&r);
        assert_eq!(after, original);
    }
}

// ---------------------------------------------------------------------------------------
// 4. kill -9 during a write
// ---------------------------------------------------------------------------------------

/// What the directory of the credentials file may hold: the two files, and temp files
/// left by a killed run (reported, and they must be private).
/// The lock file writers of the credentials file serialize on.
const EDIT_LOCK: &str = ".credentials.aws-mfa.lock";

#[track_caller]
fn check_dir_after_kill(sb: &Sandbox, leftovers: &mut Vec<String>) {
    let dir = sb.credentials.parent().unwrap();
    for name in listing(dir) {
        // The edit lock (empty, 0600) stays beside the file it serializes writers of.
        if ["config", "credentials", EDIT_LOCK].contains(&name.as_str()) {
            continue;
        }
        let path = dir.join(&name);
        assert!(
            name.starts_with(".credentials.") && name.ends_with(".tmp"),
            "stray file {name} beside the credentials file"
        );
        assert_eq!(
            mode(&path) & !mode(&sb.credentials),
            0,
            "leftover {name} (mode {:o}) is more open than the credentials file ({:o})",
            mode(&path),
            mode(&sb.credentials)
        );
        if !leftovers.contains(&name) {
            leftovers.push(name);
        }
    }
}

/// The file after a killed `--write-profile NAME` must be the old text or what an
/// uninterrupted run writes from it (computed on a copy, only when it changed).
#[track_caller]
fn check_old_or_new(sb: &Sandbox, old: &str, section: &str, what: &str) -> bool {
    let after = std::fs::read_to_string(&sb.credentials)
        .unwrap_or_else(|e| panic!("{what}: the credentials file is gone or unreadable: {e}"));
    if after == old {
        return false;
    }
    let copy_dir = sb.root.join("reference");
    std::fs::create_dir_all(&copy_dir).unwrap();
    let copy = copy_dir.join("credentials");
    std::fs::write(&copy, old).unwrap();
    let mut cmd = sb.cmd(["env", "-p", "dev", "--write-profile", section]);
    cmd.arg("--credentials-file").arg(&copy);
    run(&mut cmd).assert_success();
    let new = std::fs::read_to_string(&copy).unwrap();
    assert_eq!(
        after, new,
        "{what}: the file is neither the old nor the new content"
    );
    true
}

fn warm_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write_credentials(&commented_credentials());
    // As the AWS CLI creates it: a leftover temp file must be as private.
    std::fs::set_permissions(
        &sb.credentials,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    run(&mut exec_with_code(&sb, "dev", &[], &["true"])).assert_success();
    sb
}

/// strace kills the process on entering the K-th call of each system call it makes (every
/// open, write, fsync, rename, close, …), so every point of the write is hit once.
#[test]
fn kill_9_at_every_system_call_of_a_write_leaves_the_old_or_the_new_file() {
    let strace = require_tool("strace");
    let sb = warm_sandbox();
    let trace = sb.root.join("write.trace");

    // Which system calls one write makes.
    let mut cmd = sb.command(&strace);
    cmd.args(["-f", "-qq", "-o"])
        .arg(&trace)
        .args(["-e", "trace=%file,%desc"])
        .arg(BIN)
        .args(["env", "-p", "dev", "--write-profile", "probe"]);
    run(&mut cmd).assert_success();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in std::fs::read_to_string(&trace).unwrap().lines() {
        let call = line
            .split_whitespace()
            .nth(1)
            .and_then(|w| w.split('(').next())
            .filter(|c| {
                !c.is_empty()
                    && c.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            });
        if let Some(call) = call {
            match counts.iter_mut().find(|(c, _)| c == call) {
                Some((_, n)) => *n += 1,
                None => counts.push((call.to_string(), 1)),
            }
        }
    }
    for must in ["write", "fsync"] {
        assert!(
            counts.iter().any(|(c, _)| c == must),
            "the trace shows no {must}: {counts:?}"
        );
    }
    assert!(
        counts.iter().any(|(c, _)| c.starts_with("rename")),
        "the trace shows no rename: {counts:?}"
    );

    let mut leftovers = Vec::new();
    let (mut killed, mut changed, mut n) = (0, 0, 0);
    for (call, count) in &counts {
        for k in 1..=*count {
            n += 1;
            let old = std::fs::read_to_string(&sb.credentials).unwrap();
            let section = format!("s-{n}");
            let mut cmd = sb.command(&strace);
            cmd.args(["-f", "-qq", "-o", "/dev/null", "-e"])
                .arg(format!("inject={call}:signal=KILL:when={k}"))
                .arg(BIN)
                .args(["env", "-p", "dev", "--write-profile", &section]);
            let r = run(&mut cmd);
            let what = format!("killed at {call} #{k}");
            if r.code() != Some(0) {
                killed += 1;
            }
            if check_old_or_new(&sb, &old, &section, &what) {
                changed += 1;
            }
            check_dir_after_kill(&sb, &mut leftovers);
        }
    }
    eprintln!(
        "kill -9 at each of {n} system calls: {killed} killed, {changed} left the new file; \
         leftover temp files: {leftovers:?}; calls: {counts:?}"
    );
    assert!(killed > 0, "no run was killed: {counts:?}");
    // The file still works, leftovers or not.
    run(&mut sb.cmd(["env", "-p", "dev", "--write-profile", "after-kills"])).assert_success();
    configparser(&sb, &sb.credentials);
}

/// A cheap xorshift: random kill times without a crate; the seed is printed on failure.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn kill_9_at_random_times_during_writes_leaves_the_old_or_the_new_file() {
    let sb = warm_sandbox();
    // How long one uninterrupted write takes here.
    let mut span = Duration::MAX;
    for i in 0..3 {
        let start = Instant::now();
        run(&mut sb.cmd(["env", "-p", "dev", "--write-profile", &format!("t-{i}")]))
            .assert_success();
        span = span.min(start.elapsed());
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let mut leftovers = Vec::new();
    let (mut killed, mut changed) = (0, 0);
    for i in 0..60 {
        let old = std::fs::read_to_string(&sb.credentials).unwrap();
        let section = format!("r-{i}");
        let mut cmd = sb.cmd(["env", "-p", "dev", "--write-profile", &section]);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().expect("start aws-mfa");
        // The fault: SIGKILL at a random time within one write's span.
        let at = Duration::from_micros(rng.below(span.as_micros() as u64 * 5 / 4));
        std::thread::sleep(at);
        child.kill().expect("kill -9");
        let status = child.wait().expect("wait");
        if status.signal() == Some(9) {
            killed += 1;
        }
        let what = format!("killed after {at:?} (seed {seed})");
        if check_old_or_new(&sb, &old, &section, &what) {
            changed += 1;
        }
        check_dir_after_kill(&sb, &mut leftovers);
    }
    eprintln!(
        "kill -9 at random times within {span:?}: {killed} of 60 killed, {changed} left the new file; \
         leftover temp files: {leftovers:?}"
    );
    run(&mut sb.cmd(["env", "-p", "dev", "--write-profile", "after-kills"])).assert_success();
    configparser(&sb, &sb.credentials);
}

// ---------------------------------------------------------------------------------------
// 5. secrets
// ---------------------------------------------------------------------------------------

/// The child prints its own argv twice: from /proc and from ps.
const SHOW_ARGV: &str = "tr '\\0' ' ' < /proc/$$/cmdline; echo; ps -o args= -p $$";

#[test]
fn verbose_output_and_the_childs_argv_hold_no_secret() {
    require_tool("ps");
    let sb = Sandbox::new();
    let show = ["sh", "-c", SHOW_ARGV];
    let runs = [
        // Obtains the MFA session (and writes a section), then a cache hit.
        run(&mut exec_with_code(
            &sb,
            "dev",
            &["-v", "--write-profile=dev-session"],
            &show,
        )),
        run(sb.cmd(["exec", "-v", "-p", "dev", "--"]).args(show)),
        // Assumes a role from the cached session, then a cache hit.
        run(sb.cmd(["exec", "-v", "-p", "admin", "--"]).args(show)),
        run(sb.cmd(["exec", "-v", "-p", "admin", "--"]).args(show)),
        run(&mut sb.cmd(["-v", "credential-process", "-p", "admin"])),
    ];
    let env = run(&mut sb.cmd(["env", "-v", "-p", "dev"]));
    for r in runs.iter().chain([&env]) {
        r.assert_success();
        assert!(
            r.stderr.contains("debug"),
            "-v printed no debug line\n{}",
            r.dump()
        );
    }
    // A failure under -v.
    sb.proxy.set_mode(Mode::Respond {
        status: 403,
        body: REJECTED_CODE_XML.to_string(),
    });
    let failed = run(&mut exec_with_code(
        &sb,
        "dev",
        &["-v", "--refresh"],
        &["true"],
    ));
    failed.assert_code(1);
    sb.proxy.set_mode(Mode::Forward);

    let dev = cached_credentials(&sb, "dev");
    let admin = cached_credentials(&sb, "admin");
    let secrets = [
        ("the long-term secret", SECRET_ACCESS_KEY),
        ("the session's secret", field(&dev, "SecretAccessKey")),
        ("the session token", field(&dev, "SessionToken")),
        ("the role's secret", field(&admin, "SecretAccessKey")),
        ("the role's session token", field(&admin, "SessionToken")),
    ];
    for (what, secret) in secrets {
        assert!(
            secret.len() >= 16,
            "{what} is too short to search for: {secret:?}"
        );
        for r in runs.iter().chain([&env, &failed]) {
            assert!(
                !r.stderr.contains(secret),
                "{what} is on stderr\n{}",
                r.dump()
            );
        }
        for r in &runs[..4] {
            assert!(r.stdout.contains("sh -c"), "argv not shown\n{}", r.dump());
            assert!(
                !r.stdout.contains(secret),
                "{what} is in the child's argv\n{}",
                r.dump()
            );
        }
    }
    // The long-term secret never goes over the wire either (SigV4 signs with it).
    for req in sb.proxy.requests() {
        for (k, v) in req.params.iter().chain(&req.headers) {
            assert!(
                !v.contains(SECRET_ACCESS_KEY),
                "the long-term secret was sent in {k}"
            );
        }
    }
}
