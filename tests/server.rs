//! `aws-mfa exec --server` (docs/design.md §10): a credentials endpoint on 127.0.0.1 beside
//! the command, for the SDKs' container provider, renewing role credentials from the cached
//! MFA session while the command runs.
//!
//! Against moto through the counting proxy of tests/common: boto3, the aws CLI and the Node
//! SDK under the server; the token, the paths and the loopback listener; exit status and
//! signals; a code needed with no terminal, and at the terminal, one prompt at a time.
//! Nothing here is skipped: a missing python3/boto3, aws, node/npm or strace fails the test.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::Value;

/// Long-term keys for dev only: a `[default]` with keys would be what the command's SDK
/// takes before it asks the endpoint (that case is refused, below).
const CREDENTIALS: &str = "\
[dev]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
";

/// A role of 15 min: with `--min-remaining` above that, every request renews it.
const SHORT_ROLE: &str = "
[profile short]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = dev
duration_seconds = 900
";

/// What a served request says under -v, once per request answered.
const ANSWERED: &str = "credentials endpoint: answered request";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write_credentials(CREDENTIALS);
    sb.append_config(SHORT_ROLE);
    sb
}

fn child_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/server_child.py")
}

/// `aws-mfa -v exec --server -p PROFILE --token-code CODE [EXTRA…] -- CMD…`
fn server(sb: &Sandbox, profile: &str, extra: &[&str], command: &[&str]) -> Command {
    let mut cmd = sb.cmd([
        "-v",
        "exec",
        "--server",
        "-p",
        profile,
        "--token-code",
        CODE,
    ]);
    cmd.args(extra).arg("--").args(command);
    // As an interactive shell starts a command: no signal ignored. A test run from `&` in a
    // script inherits SIGINT and SIGQUIT ignored, which aws-mfa (as a shell) leaves ignored.
    // SAFETY: signal() with SIG_DFL is async-signal-safe, between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            for signal in [libc::SIGINT, libc::SIGQUIT, libc::SIGHUP, libc::SIGTERM] {
                libc::signal(signal, libc::SIG_DFL);
            }
            Ok(())
        });
    }
    cmd
}

/// `python3 tests/server_child.py MODE ARGS…`, as the command.
fn python_child<'a>(mode: &'a str, args: &[&'a str]) -> Vec<String> {
    require_tool("python3");
    let mut argv = vec![
        "python3".to_string(),
        child_script().display().to_string(),
        mode.to_string(),
    ];
    argv.extend(args.iter().map(|a| a.to_string()));
    argv
}

fn answered(r: &Run) -> usize {
    r.stderr.matches(ANSWERED).count()
}

fn json_line(r: &Run) -> Value {
    let line = r
        .stdout
        .lines()
        .rfind(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON line on stdout\n{}", r.dump()));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}\n{}", r.dump()))
}

#[track_caller]
fn assert_assumed_role(arn: &str, r: &Run) {
    assert!(
        arn.starts_with("arn:aws:sts::123456789012:assumed-role/Admin/"),
        "signed with something other than the role's credentials: {arn}\n{}",
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// The SDKs under the server
// ---------------------------------------------------------------------------------------

/// A long-lived boto3 process whose role credentials (15 min) always have less than
/// --min-remaining (1000 s) left: botocore refreshes them before each call (they are inside
/// its 15-minute window), each refresh is a request to the endpoint, and each request
/// assumes the role again from the cached MFA session, with no code.
#[test]
fn boto3_renews_through_the_endpoint_with_one_code() {
    let sb = sandbox();
    let calls = 5;
    let argv = python_child("boto3", &[&calls.to_string()]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let r = run(&mut server(
        &sb,
        "short",
        &["--min-remaining", "1000"],
        &argv,
    ));
    r.assert_success();
    let out = json_line(&r);
    let arns = out["arns"].as_array().expect("arns");
    assert_eq!(arns.len(), calls, "{}", r.dump());
    for arn in arns {
        assert_assumed_role(arn.as_str().unwrap(), &r);
    }
    // Each call was signed with credentials the endpoint had just renewed.
    let keys: std::collections::BTreeSet<&str> = out["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(
        keys.len(),
        calls,
        "each call's key is new: {keys:?}\n{}",
        r.dump()
    );
    let requests = answered(&r);
    assert!(requests >= calls, "{requests} requests\n{}", r.dump());
    // One AssumeRole before the command started, then one per request; one code in all.
    assert_eq!(
        sb.proxy.count("AssumeRole"),
        requests + 1,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert!(!r.stderr.contains("MFA code for"), "{}", r.dump());
}

#[test]
fn the_aws_cli_in_a_loop_gets_renewed_credentials() {
    require_tool("aws");
    let sb = sandbox();
    let script =
        "for i in 1 2 3; do aws sts get-caller-identity --query Arn --output text || exit 1; done";
    let r = run(&mut server(
        &sb,
        "short",
        &["--min-remaining", "1000"],
        &["sh", "-c", script],
    ));
    r.assert_success();
    let arns: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(arns.len(), 3, "{}", r.dump());
    for arn in arns {
        assert_assumed_role(arn, &r);
    }
    let requests = answered(&r);
    assert!(requests >= 3, "{}", r.dump());
    assert_eq!(
        sb.proxy.count("AssumeRole"),
        requests + 1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

/// `npm install @aws-sdk/client-sts` once into target/tmp; a missing npm fails the test.
fn node_sdk() -> PathBuf {
    require_tool("node");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("server-node");
    if dir
        .join("node_modules/@aws-sdk/client-sts/package.json")
        .is_file()
    {
        return dir;
    }
    let npm = require_tool("npm");
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(npm)
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "@aws-sdk/client-sts",
        ])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("run npm");
    assert!(
        out.status.success(),
        "npm install @aws-sdk/client-sts failed (the Node SDK test needs it from the registry): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

const NODE_SCRIPT: &str = r#"
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
(async () => {
  const client = new STSClient({});
  for (let i = 0; i < 2; i++) {
    const r = await client.send(new GetCallerIdentityCommand({}));
    console.log(r.Arn);
  }
})().catch((e) => {
  console.error("node: " + e.name + ": " + e.message);
  process.exit(1);
});
"#;

/// The Node SDK's default chain takes the container provider (fromHttp) from the two
/// variables, and signs with the role's credentials.
#[test]
fn the_node_sdk_uses_the_endpoint() {
    let dir = node_sdk();
    let sb = sandbox();
    let r = run(server(&sb, "admin", &[], &["node", "-e", NODE_SCRIPT])
        .env("NODE_PATH", dir.join("node_modules")));
    r.assert_success();
    let arns: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(arns.len(), 2, "{}", r.dump());
    for arn in arns {
        assert_assumed_role(arn, &r);
    }
    assert!(answered(&r) >= 1, "{}", r.dump());
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

// ---------------------------------------------------------------------------------------
// The endpoint itself
// ---------------------------------------------------------------------------------------

fn is_refused(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2))
        .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused)
}

/// Only the token opens it: no token, a wrong one, a prefix of it or a "Bearer" form get
/// 403 and an empty body, whatever the path; the right one gets 404 elsewhere, 405 for
/// POST. The command's environment holds the endpoint and no static credentials; the
/// listener is on 127.0.0.1 only, and gone once the command has exited.
#[test]
fn only_the_token_opens_the_endpoint_and_nothing_listens_after() {
    let sb = sandbox();
    let argv = python_child("probe", &[]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let r = run(server(&sb, "admin", &[], &argv)
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7STALE00")
        .env("AWS_SECRET_ACCESS_KEY", "stale")
        .env("AWS_SESSION_TOKEN", "stale")
        .env("AWS_CREDENTIAL_FILE", "/tmp/stale")
        .env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/stale"));
    r.assert_success();
    let out = json_line(&r);
    let uri = out["uri"].as_str().unwrap();
    let rest = uri
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("{uri}"));
    let (port, path) = rest.split_once('/').unwrap();
    let port: u16 = port.parse().unwrap();
    assert_eq!(path, "credentials", "{uri}");
    let token = out["token"].as_str().unwrap();
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "32 random bytes in hex: {token}"
    );
    let case = |name: &str| {
        (
            out["cases"][name]["status"].as_u64().unwrap(),
            out["cases"][name]["body"].as_str().unwrap().to_string(),
        )
    };
    for name in [
        "no_token",
        "wrong_token",
        "bearer",
        "token_prefix",
        "no_token_other_path",
    ] {
        assert_eq!(case(name), (403, String::new()), "{name}\n{}", r.dump());
    }
    let (status, body) = case("other_path");
    assert_eq!(status, 404, "{body}");
    assert!(!body.contains("AccessKeyId"), "{body}");
    let (status, body) = case("post");
    assert_eq!(status, 405, "{body}");
    assert!(!body.contains("AccessKeyId"), "{body}");
    let (status, body) = case("good");
    assert_eq!(status, 200, "{body}");
    let creds: Value = serde_json::from_str(&body).unwrap();
    assert!(
        creds["AccessKeyId"].as_str().unwrap().starts_with("ASIA"),
        "{body}"
    );
    assert!(
        !creds["SecretAccessKey"].as_str().unwrap().is_empty(),
        "{body}"
    );
    assert!(!creds["Token"].as_str().unwrap().is_empty(), "{body}");
    let expiration = creds["Expiration"].as_str().unwrap();
    let left = rfc3339_utc_to_unix(expiration).expect("RFC 3339") - now_unix();
    assert!((3000..=3600).contains(&left), "{expiration}: {left} s left");
    // The environment: the endpoint, no static credentials, what exec hands over.
    let env = &out["env"];
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_CREDENTIAL_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ] {
        assert!(
            env[name].is_null(),
            "{name} reached the command: {}",
            env[name]
        );
    }
    assert_eq!(env["AWS_REGION"], "eu-west-1");
    assert_eq!(env["AWS_MFA_PROFILE"], "admin");
    // Listening on 127.0.0.1 only (/proc/net/tcp writes it 0100007F), and not after exit.
    assert_eq!(
        out["listening"],
        serde_json::json!(["0100007F"]),
        "{}",
        r.dump()
    );
    // The command holds no descriptor of the listener, so nothing it leaves behind keeps it.
    assert_eq!(out["inherited"], serde_json::json!([]), "{}", r.dump());
    assert!(is_refused(port), "something still listens on {port}");
    // Of the probes, only the good one reached the credentials.
    assert_eq!(answered(&r), 1, "{}", r.dump());
}

#[test]
fn the_exit_status_is_the_commands() {
    let sb = sandbox();
    let r = run(&mut server(&sb, "admin", &[], &["sh", "-c", "exit 3"]));
    r.assert_code(3);
    // Killed by a signal: 128 + its number, as shells report it.
    let r = run(&mut server(
        &sb,
        "admin",
        &[],
        &["sh", "-c", "kill -TERM $$"],
    ));
    r.assert_code(143);
    let r = run(&mut server(
        &sb,
        "admin",
        &[],
        &["sh", "-c", "kill -KILL $$"],
    ));
    r.assert_code(137);
}

/// Signals sent to aws-mfa reach the command, once each; its exit status comes back.
#[test]
fn signals_sent_to_aws_mfa_reach_the_command() {
    let sb = sandbox();
    let argv = python_child("signals", &[]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let mut cmd = server(&sb, "admin", &[], &argv);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start aws-mfa");
    let pid = child.id().to_string();
    let stderr = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = || lines.next().map(|l| l.unwrap()).unwrap_or_default();
    assert_eq!(next(), "ready");
    for name in ["INT", "HUP", "QUIT", "WINCH", "USR1", "USR2"] {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        assert_eq!(next(), format!("got SIG{name}"));
    }
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert_eq!(next(), "got SIGTERM");
    // Nothing more: each signal came once.
    assert_eq!(next(), "");
    let status = child.wait().unwrap();
    let stderr = stderr.join().unwrap();
    assert_eq!(status.code(), Some(7), "{stderr}");
}

/// A Ctrl-C typed on the terminal reaches the command once: the terminal signals the whole
/// foreground group, aws-mfa and the command alike, and aws-mfa does not send it again.
/// Two SIGINTs close together may merge into one, so the count alone could miss a second:
/// strace shows that aws-mfa sent none.
#[test]
fn a_ctrl_c_on_the_terminal_reaches_the_command_once() {
    let strace = require_tool("strace");
    let sb = sandbox();
    let argv = python_child("count-int", &[]);
    let trace = sb.home.join("kill.trace");
    let mut cmd = sb.command("python3");
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/server_pty.py"))
        .arg("60")
        .arg(&strace)
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=kill,tgkill,tkill",
            "-e",
            "signal=none",
            "-o",
        ])
        .arg(&trace)
        .args([
            BIN,
            "exec",
            "--server",
            "-p",
            "admin",
            "--token-code",
            CODE,
            "--",
        ])
        .args(&argv);
    let r = run(&mut cmd);
    r.assert_success();
    let out: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let tty = out["tty"].as_str().unwrap();
    assert!(!out["timed_out"].as_bool().unwrap(), "{tty}");
    assert_eq!(out["code"], 0, "{tty}");
    assert!(
        tty.contains("INT 1"),
        "the command got the Ctrl-C other than once:\n{tty}"
    );
    let calls = std::fs::read_to_string(&trace).expect("strace wrote its trace");
    assert!(
        !calls.contains("SIGINT"),
        "aws-mfa sent a SIGINT on:\n{calls}"
    );
}

/// The figures of the README's "Long-running commands": a request answered from the cache
/// (the entry read again each time) takes about a millisecond, a renewal (AssumeRole from
/// the cached MFA session, here against moto) tens. Bounds far above those, so that only a
/// hit that went to the network, or a renewal that waited on something, fails.
#[test]
fn a_hit_is_answered_in_milliseconds() {
    let figures = |sb: &Sandbox, profile: &str, extra: &[&str], n: &str| {
        let argv = python_child("latency", &[n]);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let r = run(&mut server(sb, profile, extra, &argv));
        r.assert_success();
        let out = json_line(&r);
        assert_eq!(out["statuses"], serde_json::json!([200]), "{}", r.dump());
        let ms = |k: &str| out[k].as_f64().unwrap();
        (ms("median_ms"), ms("p90_ms"), ms("max_ms"))
    };
    let hit = figures(&sandbox(), "admin", &[], "200");
    // A sandbox of its own: short shares admin's role, and so its cache entry.
    let sb = sandbox();
    let renewal = figures(&sb, "short", &["--min-remaining", "1000"], "20");
    assert_eq!(
        sb.proxy.count("AssumeRole"),
        1 + 20,
        "{}",
        sb.proxy.summary()
    );
    println!(
        "hit: median {:.2} ms, p90 {:.2} ms, max {:.2} ms",
        hit.0, hit.1, hit.2
    );
    println!(
        "renewal: median {:.2} ms, p90 {:.2} ms, max {:.2} ms",
        renewal.0, renewal.1, renewal.2
    );
    assert!(hit.0 < 50.0, "a hit took {:.2} ms (median)", hit.0);
    assert!(
        renewal.0 < 2000.0,
        "a renewal took {:.2} ms (median)",
        renewal.0
    );
}

// ---------------------------------------------------------------------------------------
// A new code, while the command runs
// ---------------------------------------------------------------------------------------

/// The command deletes the cache (as `clear --all` or an expired MFA session would leave
/// it), then asks: a new MFA session needs a code, and there is no terminal to ask on. The
/// aws CLI shows the endpoint's error, which says why; no code is sent.
#[test]
fn a_code_needed_with_no_terminal_is_an_error_the_sdk_shows() {
    require_tool("aws");
    let sb = sandbox();
    let script = format!("{BIN} clear --all >/dev/null && aws sts get-caller-identity");
    for (extra, says) in [
        (&[][..], "there is no terminal to ask on"),
        (&["--no-prompt"][..], "--no-prompt forbids asking"),
    ] {
        let before = sb.proxy.count("GetSessionToken");
        let r = run(&mut server(&sb, "admin", extra, &["sh", "-c", &script]));
        assert_eq!(r.code(), Some(255), "the aws CLI's failure\n{}", r.dump());
        let aws_said = r
            .stderr
            .lines()
            .find(|l| l.contains("Error when retrieving credentials from container-role"))
            .unwrap_or_else(|| panic!("the aws CLI said no credential error\n{}", r.dump()));
        assert!(aws_said.contains(says), "{aws_said}\n{}", r.dump());
        assert_eq!(
            sb.proxy.count("GetSessionToken"),
            before + 1,
            "{}",
            sb.proxy.summary()
        );
    }
}

/// At the terminal: two commands ask at once for credentials that need a new MFA session;
/// one prompt, after a line naming the command, serves both.
#[test]
fn a_code_needed_at_the_terminal_is_asked_once_for_parallel_requests() {
    require_tool("aws");
    let sb = sandbox();
    let script = format!(
        "{BIN} clear --all >/dev/null && \
         {{ aws sts get-caller-identity --query Arn --output text & \
            aws sts get-caller-identity --query Arn --output text & wait; }}"
    );
    let r = pty_run(
        &sb,
        &["654321"],
        &[
            "exec",
            "--server",
            "-p",
            "admin",
            "--token-code",
            CODE,
            "--",
            "sh",
            "-c",
            &script,
        ],
        Duration::from_secs(90),
    );
    assert_eq!(r.code, 0, "{}", r.dump());
    assert_eq!(r.answered, 1, "{}", r.dump());
    assert_eq!(r.tty.matches("MFA code for ").count(), 1, "{}", r.dump());
    assert!(
        r.tty
            .contains("`sh` (exec --server) needs new credentials for profile admin"),
        "{}",
        r.dump()
    );
    let arns: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(arns.len(), 2, "{}", r.dump());
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        2,
        "{}",
        sb.proxy.summary()
    );
    let codes: Vec<String> = sb
        .proxy
        .requests_for("GetSessionToken")
        .iter()
        .map(|q| q.param("TokenCode").unwrap_or_default().to_string())
        .collect();
    assert_eq!(codes, [CODE, "654321"]);
}

// ---------------------------------------------------------------------------------------
// What --server refuses, and what it leaves alone
// ---------------------------------------------------------------------------------------

/// A `[default]` with keys is what the command's SDK would use before it asks the endpoint:
/// refused before any code is asked for, naming the section and the way out.
#[test]
fn credentials_in_default_are_refused_before_any_call() {
    let refused = |sb: &Sandbox| {
        run(&mut sb.cmd([
            "exec",
            "--server",
            "-p",
            "admin",
            "--token-code",
            CODE,
            "--",
            "true",
        ]))
    };
    let sb = Sandbox::new();
    let r = refused(&sb);
    r.assert_one_line_error();
    assert!(
        r.stderr.contains("[default] of ") && r.stderr.contains("aws_access_key_id"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    // The same in the config file, as credential_process.
    let sb = sandbox();
    sb.append_config("\n[default]\ncredential_process = /bin/false\n");
    let r = refused(&sb);
    r.assert_one_line_error();
    assert!(r.stderr.contains("credential_process"), "{}", r.dump());
}

/// A file copy of credentials that the endpoint renews would go stale: a usage error.
#[test]
fn server_takes_no_write_profile() {
    let sb = sandbox();
    for flag in ["--write-profile", "--write-boto"] {
        let r = run(&mut server(&sb, "admin", &[flag], &["true"]));
        r.assert_code(2);
        assert!(r.stderr.contains("--server"), "{}", r.dump());
    }
    assert_eq!(sb.proxy.total(), 0);
}

/// Plain `exec` on a cache hit is what it was: no thread, no socket, no runtime.
#[test]
fn plain_exec_on_a_cache_hit_opens_no_socket() {
    let strace = require_tool("strace");
    let sb = sandbox();
    run(&mut sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"])).assert_success();
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
    .arg(BIN)
    .args(["exec", "-p", "admin", "--", "true"]);
    run(&mut cmd).assert_success();
    let calls = std::fs::read_to_string(&trace).expect("strace wrote its trace");
    assert!(
        calls.trim().is_empty(),
        "a cache hit made these calls:\n{calls}"
    );
}
