//! `mfa_process` is bounded (docs/design.md §6): a timeout (`AWS_MFA_PROCESS_TIMEOUT`, 60 s by
//! default) after which its whole process group is ended, its first line only (at most
//! 4 KiB), read without waiting for EOF. Each test runs a hostile `mfa_process` under the
//! Sandbox. See `tests/common/mod.rs` for the harness.
//!
//! The long-lived processes these tests start send their stderr to /dev/null: one holding
//! the test's stderr pipe would keep the harness waiting after aws-mfa is gone.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

const TIMEOUT_VAR: &str = "AWS_MFA_PROCESS_TIMEOUT";

/// How long the harness gives one aws-mfa run before killing it and failing the test: far
/// above every bound asserted here, and short enough to show a hang quickly.
const HANG: Duration = Duration::from_secs(15);

/// The standard config, with `mfa_process = COMMAND` in `[profile dev]`.
fn with_mfa_process(sb: &Sandbox, command: &str) {
    sb.write_config(&STANDARD_CONFIG.replace(
        "region = eu-west-1\n",
        &format!("region = eu-west-1\nmfa_process = {command}\n"),
    ));
}

/// An executable `/bin/sh` script in the sandbox; its path, to use as `mfa_process`.
fn script(sb: &Sandbox, name: &str, body: &str) -> PathBuf {
    let path = sb.root.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

/// `exec -p dev -- true` with this `AWS_MFA_PROCESS_TIMEOUT`.
fn exec_dev(sb: &Sandbox, timeout: &str) -> std::process::Command {
    let mut cmd = sb.cmd(["exec", "-p", "dev", "--", "true"]);
    cmd.env(TIMEOUT_VAR, timeout);
    cmd
}

/// The pids written to a file, one a line (none when it does not exist).
fn pids(file: &Path) -> Vec<i32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(|l| l.trim().parse().expect("a pid"))
        .collect()
}

/// Gone: no such process, or a zombie (dead; waiting for a parent that may never reap it).
fn is_gone(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    if unsafe { libc::kill(pid, 0) } == -1
        && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    {
        return true;
    }
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit_once(") ")
                .is_some_and(|(_, rest)| rest.starts_with('Z'))
        })
        .unwrap_or(true)
}

/// Wait (at most 5 s) until every pid is gone; false when one is still alive.
fn all_gone(pids: &[i32]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if pids.iter().all(|&p| is_gone(p)) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Kills, when dropped, the processes recorded in these files that are still alive: the
/// tests' own `sleep`s, which must not outlive a failed test.
struct Reap(Vec<PathBuf>);

impl Drop for Reap {
    fn drop(&mut self) {
        for pid in self.0.iter().flat_map(|f| pids(f)) {
            if !is_gone(pid) {
                // SAFETY: a pid this test's own script recorded.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
    }
}

/// Wait (at most `HANG`) for a file to exist.
fn wait_for_file(path: &Path) {
    let deadline = Instant::now() + HANG;
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The error line of a failed run, after any note that it waited for a lock.
#[track_caller]
fn error_line(r: &Run) -> String {
    r.assert_code(1);
    let lines: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("aws-mfa: waiting for another"))
        .collect();
    assert_eq!(lines.len(), 1, "expected one error line\n{}", r.dump());
    assert!(lines[0].starts_with("aws-mfa: "), "{}", r.dump());
    lines[0].to_string()
}

#[track_caller]
fn assert_timeout_message(r: &Run, seconds: u64) {
    let line = error_line(r);
    assert!(
        line.contains(&format!("within {seconds} s")) && line.contains(TIMEOUT_VAR),
        "the message must say it printed no code within {seconds} s and name {TIMEOUT_VAR}\n{}",
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// (a) a process that never prints
// ---------------------------------------------------------------------------------------

#[test]
fn a_silent_mfa_process_is_ended_at_the_timeout() {
    let sb = Sandbox::new();
    let pidfile = sb.root.join("pid");
    let _reap = Reap(vec![pidfile.clone()]);
    let hang = script(
        &sb,
        "hang.sh",
        &format!(
            "echo $$ > '{}'\nexec sleep 100000 2>/dev/null",
            pidfile.display()
        ),
    );
    with_mfa_process(&sb, &hang.display().to_string());
    let start = Instant::now();
    let r = run_within(&mut exec_dev(&sb, "1"), HANG);
    let took = start.elapsed();
    eprintln!("silent mfa_process, timeout 1 s: failed after {took:?}");
    assert_timeout_message(&r, 1);
    assert!(
        took >= Duration::from_secs(1),
        "failed before the timeout: {took:?}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}\n{}", r.dump());
    let recorded = pids(&pidfile);
    assert_eq!(recorded.len(), 1, "the script did not run");
    assert!(
        all_gone(&recorded),
        "mfa_process {recorded:?} outlived aws-mfa"
    );
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    assert!(sb.cache_entries().is_empty(), "{:?}", sb.cache_files());
}

/// SIGTERM is ignored by the whole group (a shell and its grandchild): SIGKILL after the
/// grace ends it all the same.
#[test]
fn a_group_that_ignores_sigterm_is_killed() {
    let sb = Sandbox::new();
    let pidfile = sb.root.join("pids");
    let _reap = Reap(vec![pidfile.clone()]);
    let hang = script(
        &sb,
        "stubborn.sh",
        &format!(
            "exec 2>/dev/null\ntrap '' TERM\necho $$ >> '{0}'\nsleep 100000 &\necho $! >> '{0}'\nwait\nwait",
            pidfile.display()
        ),
    );
    with_mfa_process(&sb, &hang.display().to_string());
    let start = Instant::now();
    let r = run_within(&mut exec_dev(&sb, "1"), HANG);
    let took = start.elapsed();
    eprintln!("SIGTERM-ignoring mfa_process, timeout 1 s: failed after {took:?}");
    assert_timeout_message(&r, 1);
    assert!(took < Duration::from_secs(4), "took {took:?}\n{}", r.dump());
    let recorded = pids(&pidfile);
    assert_eq!(recorded.len(), 2, "the script did not run");
    assert!(
        all_gone(&recorded),
        "the group {recorded:?} outlived aws-mfa"
    );
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// (b) a line, then a background process that holds stdout open
// ---------------------------------------------------------------------------------------

#[test]
fn the_code_is_used_without_waiting_for_eof() {
    let sb = Sandbox::new();
    let pidfile = sb.root.join("pid");
    let _reap = Reap(vec![pidfile.clone()]);
    let holder = script(
        &sb,
        "holder.sh",
        &format!(
            "echo {CODE}\nsleep 100000 2>/dev/null &\necho $! > '{}'",
            pidfile.display()
        ),
    );
    with_mfa_process(&sb, &holder.display().to_string());
    let start = Instant::now();
    let r = run_within(&mut exec_dev(&sb, "2"), HANG);
    let took = start.elapsed();
    eprintln!("code then a background holder of stdout, timeout 2 s: done after {took:?}");
    r.assert_success();
    assert_eq!(r.stderr, "", "{}", r.dump());
    assert!(took < Duration::from_secs(2), "waited for EOF? {took:?}");
    let gst = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(gst.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(gst[0].param("TokenCode"), Some(CODE));
    // What the process left in the background after exiting 0 is its own business.
    let recorded = pids(&pidfile);
    assert_eq!(recorded.len(), 1, "the script did not run");
    assert!(!is_gone(recorded[0]), "the background process was ended");
}

// ---------------------------------------------------------------------------------------
// (c) a process that never stops writing
// ---------------------------------------------------------------------------------------

fn max_rss_of_children_kib() -> i64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss
}

#[test]
fn an_endless_writer_is_cut_off_after_the_first_line() {
    let sb = Sandbox::new();
    let pidfile = sb.root.join("pid");
    let _reap = Reap(vec![pidfile.clone()]);
    let yes = script(
        &sb,
        "yes.sh",
        &format!("echo $$ > '{}'\nexec yes {CODE}", pidfile.display()),
    );
    with_mfa_process(&sb, &yes.display().to_string());
    let start = Instant::now();
    let r = run_within(&mut exec_dev(&sb, "2"), HANG);
    let took = start.elapsed();
    eprintln!("yes {CODE}, timeout 2 s: done after {took:?}");
    r.assert_success();
    assert_eq!(r.stderr, "", "{}", r.dump());
    assert!(took < Duration::from_secs(2), "took {took:?}");
    let gst = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(gst.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(gst[0].param("TokenCode"), Some(CODE));
    let recorded = pids(&pidfile);
    assert_eq!(recorded.len(), 1, "the script did not run");
    assert!(all_gone(&recorded), "`yes` {recorded:?} still runs");
    // Every aws-mfa this test binary ran so far stayed small (the largest is reported).
    let rss = max_rss_of_children_kib();
    eprintln!("largest child so far: {rss} KiB");
    assert!(rss < 200 * 1024, "a child of the tests reached {rss} KiB");
}

// ---------------------------------------------------------------------------------------
// (d) a first line longer than 4 KiB
// ---------------------------------------------------------------------------------------

#[test]
fn a_line_longer_than_4_kib_is_refused_at_once() {
    let sb = Sandbox::new();
    let pidfile = sb.root.join("pid");
    let _reap = Reap(vec![pidfile.clone()]);
    // 5000 digits, no newline, and the pipe stays open.
    let long = script(
        &sb,
        "long.sh",
        &format!(
            "echo $$ > '{}'\nprintf '%05000d' 0\nexec sleep 100000 2>/dev/null",
            pidfile.display()
        ),
    );
    with_mfa_process(&sb, &long.display().to_string());
    let start = Instant::now();
    let r = run_within(&mut exec_dev(&sb, "2"), HANG);
    let took = start.elapsed();
    let line = error_line(&r);
    assert!(line.contains("4096 bytes"), "{}", r.dump());
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(all_gone(&pids(&pidfile)), "mfa_process outlived aws-mfa");
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

#[test]
fn long_output_that_ends_is_refused_as_too_long() {
    let sb = Sandbox::new();
    with_mfa_process(&sb, "printf %05000d 0");
    let r = run_within(&mut exec_dev(&sb, "2"), HANG);
    let line = error_line(&r);
    assert!(line.contains("4096 bytes"), "{}", r.dump());
    assert!(
        !line.contains("00000"),
        "the output must not be shown\n{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// (e) an invalid AWS_MFA_PROCESS_TIMEOUT
// ---------------------------------------------------------------------------------------

#[test]
fn an_invalid_timeout_is_refused_before_the_process_runs() {
    let sb = Sandbox::new();
    let ran = sb.root.join("ran");
    let marker = script(
        &sb,
        "marker.sh",
        &format!("touch '{}'\necho {CODE}", ran.display()),
    );
    with_mfa_process(&sb, &marker.display().to_string());
    for bad in [
        "0",
        "-1",
        "1.5",
        "60s",
        " 5",
        "+5",
        "abc",
        "86401",
        "99999999999999999999",
    ] {
        let r = run_within(&mut exec_dev(&sb, bad), HANG);
        r.assert_one_line_error();
        assert!(
            r.stderr.contains(TIMEOUT_VAR) && r.stderr.contains("whole number of seconds"),
            "{bad:?}: the message must name {TIMEOUT_VAR} and say what is allowed\n{}",
            r.dump()
        );
        assert!(!ran.exists(), "{bad:?}: mfa_process ran");
    }
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    // A valid value lets it run.
    run_within(&mut exec_dev(&sb, "86400"), HANG).assert_success();
    assert!(ran.exists());
}

// ---------------------------------------------------------------------------------------
// (f) another aws-mfa waiting on the entry's lock
// ---------------------------------------------------------------------------------------

#[test]
fn a_waiter_on_the_lock_is_released_when_the_holder_times_out() {
    let sb = Sandbox::new();
    let pidfile = sb.root.join("pids");
    let _reap = Reap(vec![pidfile.clone()]);
    let hang = script(
        &sb,
        "hang.sh",
        &format!(
            "echo $$ >> '{}'\nexec sleep 100000 2>/dev/null",
            pidfile.display()
        ),
    );
    with_mfa_process(&sb, &hang.display().to_string());
    let start = Instant::now();
    let first = spawn(&mut exec_dev(&sb, "1"));
    // The first runs mfa_process, so it holds the lock when the second starts.
    wait_for_file(&pidfile);
    let second = spawn(&mut exec_dev(&sb, "1"));
    // Both are waited for, whatever happens to the first: neither may outlive the test.
    let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| first.finish(HANG)));
    let second = second.finish(HANG);
    let first = first.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let took = start.elapsed();
    eprintln!("two aws-mfa on one lock, timeout 1 s: both done after {took:?}");
    assert_timeout_message(&first, 1);
    assert_timeout_message(&second, 1);
    assert!(
        second.stderr.contains("waiting for another aws-mfa"),
        "the second did not wait for the lock\n{}",
        second.dump()
    );
    assert!(took < Duration::from_secs(6), "took {took:?}");
    let recorded = pids(&pidfile);
    assert_eq!(recorded.len(), 2, "each runs mfa_process once");
    assert!(all_gone(&recorded), "{recorded:?} outlived aws-mfa");
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// the rest of the contract
// ---------------------------------------------------------------------------------------

#[test]
fn a_failing_mfa_process_is_reported_with_its_status() {
    let sb = Sandbox::new();
    with_mfa_process(&sb, "sh -c 'exit 3'");
    let r = run_within(&mut exec_dev(&sb, "2"), HANG);
    let line = error_line(&r);
    assert!(
        line.contains("mfa_process 'sh' failed") && line.contains("exit status: 3"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

/// Its own process group must not cost the terminal: a process that prompts on it and
/// reads the answer from it is in the terminal's foreground while it runs.
#[test]
fn an_mfa_process_may_prompt_on_the_terminal() {
    let sb = Sandbox::new();
    let ask = script(
        &sb,
        "ask.sh",
        "printf 'MFA code for the script: ' > /dev/tty\nread -r code < /dev/tty\necho \"$code\"",
    );
    with_mfa_process(&sb, &ask.display().to_string());
    let p = pty_run(
        &sb,
        &[CODE],
        &["exec", "-p", "dev", "--", "true"],
        Duration::from_secs(20),
    );
    assert!(!p.timed_out, "{}", p.dump());
    assert_eq!(p.code, 0, "{}", p.dump());
    assert_eq!(p.answered, 1, "{}", p.dump());
    let gst = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(gst.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(gst[0].param("TokenCode"), Some(CODE));
}

/// Runs ARGV with a new pseudo-terminal as its controlling terminal, stdin and stdout,
/// stderr on a pipe; once it has exited, prints its exit code, its stderr and whether the
/// terminal still echoes.
const ECHO_SCRIPT: &str = r#"
import fcntl, json, os, sys, termios
master, slave = os.openpty()
err_r, err_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    os.dup2(slave, 0)
    os.dup2(slave, 1)
    os.dup2(err_w, 2)
    try:
        os.execv(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
os.close(err_w)
err = b""
while True:
    chunk = os.read(err_r, 4096)
    if not chunk:
        break
    err += chunk
_, status = os.waitpid(pid, 0)
print(json.dumps({
    "code": os.waitstatus_to_exitcode(status),
    "stderr": err.decode("utf-8", "replace"),
    "echo": bool(termios.tcgetattr(slave)[3] & termios.ECHO),
}))
"#;

/// A prompt that turned echo off and was ended at the timeout: the terminal gets its
/// settings back.
#[test]
fn the_terminal_settings_survive_an_ended_prompt() {
    require_tool("python3");
    let sb = Sandbox::new();
    let pidfile = sb.root.join("pid");
    let _reap = Reap(vec![pidfile.clone()]);
    let prompt = script(
        &sb,
        "noecho.sh",
        &format!(
            "echo $$ > '{}'\nstty -echo\nexec sleep 100000 2>/dev/null",
            pidfile.display()
        ),
    );
    with_mfa_process(&sb, &prompt.display().to_string());
    let mut cmd = sb.command("python3");
    cmd.arg("-c")
        .arg(ECHO_SCRIPT)
        .args([BIN, "exec", "-p", "dev", "--", "true"])
        .env(TIMEOUT_VAR, "1");
    let r = run_within(&mut cmd, HANG);
    r.assert_success();
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("the helper's output is not JSON ({e})\n{}", r.dump()));
    assert_eq!(v["code"], 1, "{}", r.dump());
    let stderr = v["stderr"].as_str().unwrap_or_default();
    assert!(stderr.contains("within 1 s"), "{}", r.dump());
    assert!(pids(&pidfile).len() == 1, "the script did not run");
    assert_eq!(
        v["echo"],
        true,
        "the terminal was left without echo\n{}",
        r.dump()
    );
}
