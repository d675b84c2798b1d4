//! Issue 8 ("Safety"): the defects found by attacking aws-mfa, each pinned by a test that
//! failed before its fix. Items 2, 5, 6, 7, 8, 10, 12, 13, 15 and 16 live here; the others
//! have their own files (shell_safety, mfa_process, sts_safety, botocore_oracle).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

/// A user and group id with no entry in the password database.
const NOBODY_KNOWN: u32 = 54_321;

/// Whether this process is root, as CI runs the suites.
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs the calling test as root. As root (CI), true: the test goes on. Otherwise the test
/// binary runs this one test again in a user namespace where this user is root and the
/// ids of /etc/subuid and /etc/subgid are the other users (`unshare --map-root-user
/// --map-auto`), and returns false once it passed there. Where the system allows no such
/// namespace, the test fails saying that it needs root.
#[track_caller]
fn as_root(test: &str, why: &str) -> bool {
    if is_root() {
        return true;
    }
    let unshare = require_tool("unshare");
    let probe = Command::new(&unshare)
        .args(["--map-root-user", "--map-auto", "true"])
        .output()
        .expect("run unshare");
    assert!(
        probe.status.success(),
        "this test must run as root: it {why}; as another user it runs in a user namespace \
         with the user's subordinate ids, which this system refused ({}): give the user ids in \
         /etc/subuid and /etc/subgid and install newuidmap (Debian's uidmap), or run the suite as root",
        String::from_utf8_lossy(&probe.stderr).trim()
    );
    let mut cmd = Command::new(&unshare);
    cmd.args(["--map-root-user", "--map-auto", "--"])
        .arg(std::env::current_exe().expect("the test binary"))
        .args([test, "--exact", "--nocapture", "--test-threads=1"]);
    let r = run(&mut cmd);
    assert!(
        r.code() == Some(0) && r.stdout.contains("test result: ok. 1 passed"),
        "{test}, run as root of a user namespace, failed:\n{}",
        r.dump()
    );
    false
}

/// Run the command as `uid`/`gid` with no supplementary groups (the test runs as root).
fn as_user(cmd: &mut Command, uid: u32, gid: u32) {
    // SAFETY: setgroups/setgid/setuid are async-signal-safe and touch no parent memory.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(gid) != 0
                || libc::setuid(uid) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// A new 0700 directory at `path` that belongs to `uid` (the test runs as root).
fn private_dir_of(path: &Path, uid: u32) -> std::path::PathBuf {
    std::fs::create_dir(path).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).unwrap();
    path.to_path_buf()
}

fn holds_section(file: &Path, section: &str) -> bool {
    std::fs::read_to_string(file)
        .unwrap()
        .contains(&format!("[{section}]"))
}

fn exec_env(sb: &Sandbox, extra: &[&str]) -> Command {
    let mut args = vec!["exec", "-p", "dev", "--token-code", CODE];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", "env"]);
    sb.cmd(args)
}

fn raw_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        })
        .collect()
}

#[track_caller]
fn assert_no_raw_controls(what: &str, text: &str) {
    let raw = raw_chars(text);
    assert!(
        raw.is_empty(),
        "{what} printed raw control or bidi characters {raw:?}:\n{}",
        text.escape_debug()
    );
}

// ---------------------------------------------------------------------------------------
// Item 2: no home directory means no relative defaults
// ---------------------------------------------------------------------------------------

#[test]
fn without_a_home_directory_nothing_is_read_from_the_working_directory() {
    if !as_root(
        "without_a_home_directory_nothing_is_read_from_the_working_directory",
        "runs aws-mfa as a user id that has no passwd entry",
    ) {
        return;
    }
    let sb = Sandbox::new();
    // What an attacker leaves in a directory: a config whose mfa_process runs their code.
    let trap = sb.root.join("trap");
    std::fs::create_dir_all(trap.join(".aws")).unwrap();
    std::fs::write(
        trap.join(".aws/config"),
        format!(
            "[default]\nmfa_serial = {DEVICE}\nmfa_process = touch {0}/PWNED\n\
             [profile dev]\nmfa_serial = {DEVICE}\nmfa_process = touch {0}/PWNED\n",
            trap.display()
        ),
    )
    .unwrap();
    std::fs::write(
        trap.join(".aws/credentials"),
        format!(
            "[default]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n\
             [dev]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&trap, std::fs::Permissions::from_mode(0o777)).unwrap();
    // The other user may pass through the sandbox to a cache directory of its own.
    std::fs::set_permissions(&sb.root, std::fs::Permissions::from_mode(0o711)).unwrap();
    let own_cache = private_dir_of(&sb.root.join("nohome-cache"), NOBODY_KNOWN);
    // With a cache directory given (else that alone stops it) and without one.
    for (args, cache) in [
        (vec!["exec", "-p", "dev", "--", "true"], Some(&own_cache)),
        (vec!["env"], Some(&own_cache)),
        (vec!["-p", "dev"], Some(&own_cache)),
        (vec!["list"], Some(&own_cache)),
        (vec!["exec", "-p", "dev", "--", "true"], None),
        (vec!["clear", "--all"], None),
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(&args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL", sb.endpoint())
            .current_dir(&trap)
            .stdin(std::process::Stdio::null());
        if let Some(cache) = cache {
            cmd.env("AWS_MFA_CACHE_DIR", cache);
        }
        detach_from_terminal(&mut cmd);
        as_user(&mut cmd, NOBODY_KNOWN, NOBODY_KNOWN);
        let r = run(&mut cmd);
        r.assert_one_line_error();
        assert!(
            r.stderr.contains("home directory"),
            "the error must say there is no home directory\n{}",
            r.dump()
        );
        assert!(
            !trap.join("PWNED").exists(),
            "{args:?}: the working directory's mfa_process ran"
        );
        assert!(
            !trap.join(".cache").exists(),
            "{args:?}: a cache was made in the working directory"
        );
    }
    assert_eq!(
        sb.proxy.total(),
        0,
        "STS was called: {}",
        sb.proxy.summary()
    );

    // With the paths given explicitly, no home is needed (and ~/.boto is not guessed).
    for file in [&sb.config, &sb.credentials] {
        std::os::unix::fs::chown(file, Some(NOBODY_KNOWN), Some(NOBODY_KNOWN)).unwrap();
    }
    let mut cmd = sb.cmd([
        "exec",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--write-boto",
        "--",
        "true",
    ]);
    cmd.env_remove("HOME").current_dir(&trap);
    as_user(&mut cmd, NOBODY_KNOWN, NOBODY_KNOWN);
    let r = run(&mut cmd);
    r.assert_one_line_error();
    assert!(r.stderr.contains("BOTO_CONFIG"), "{}", r.dump());
    assert!(!trap.join(".boto").exists());
}

// ---------------------------------------------------------------------------------------
// Item 5: writers serialize on the file, however its path is spelled
// ---------------------------------------------------------------------------------------

#[test]
fn parallel_writers_through_a_link_and_two_cache_dirs_keep_every_section() {
    let sb = Sandbox::new();
    let before = std::fs::read_to_string(&sb.credentials).unwrap();
    let link = sb.root.join("credentials-link");
    std::os::unix::fs::symlink(&sb.credentials, &link).unwrap();
    let spelled = sb.home.join(".aws/../.aws/credentials");
    let n = 40;
    let running: Vec<Running> = (0..n)
        .map(|i| {
            let path: &Path = match i % 3 {
                0 => &link,
                1 => &spelled,
                _ => &sb.credentials,
            };
            let section = format!("--write-profile=parallel-{i}");
            let mut cmd = sb.cmd([
                "exec",
                "-p",
                "dev",
                "--token-code",
                CODE,
                &section,
                "--",
                "true",
            ]);
            cmd.env("AWS_SHARED_CREDENTIALS_FILE", path).env(
                "AWS_MFA_CACHE_DIR",
                sb.root.join(format!("cache-{}", i % 2)),
            );
            spawn(&mut cmd)
        })
        .collect();
    let mut failed = Vec::new();
    for r in running {
        let r = r.finish(DEFAULT_TIMEOUT);
        if r.code() != Some(0) {
            failed.push(r.dump());
        }
    }
    assert!(
        failed.is_empty(),
        "{} runs failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    let after = std::fs::read_to_string(&sb.credentials).unwrap();
    assert!(
        after.starts_with(&before),
        "the original sections changed:\n{after}"
    );
    let missing: Vec<usize> = (0..n)
        .filter(|i| !after.contains(&format!("[parallel-{i}]\n")))
        .collect();
    assert!(missing.is_empty(), "sections lost: {missing:?}\n{after}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    let leftovers: Vec<String> = std::fs::read_dir(sb.home.join(".aws"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            !["credentials", "config", ".credentials.aws-mfa.lock"].contains(&name.as_str())
        })
        .collect();
    assert!(leftovers.is_empty(), "left beside the file: {leftovers:?}");
}

// ---------------------------------------------------------------------------------------
// Item 6: owner, group, hard links and mode of the credentials file
// ---------------------------------------------------------------------------------------

#[test]
fn root_editing_a_users_file_keeps_its_owner_and_group() {
    if !as_root(
        "root_editing_a_users_file_keeps_its_owner_and_group",
        "edits a file that belongs to another user",
    ) {
        return;
    }
    let sb = Sandbox::new();
    std::os::unix::fs::chown(&sb.credentials, Some(NOBODY_KNOWN), Some(NOBODY_KNOWN + 1)).unwrap();
    std::fs::set_permissions(&sb.credentials, std::fs::Permissions::from_mode(0o600)).unwrap();
    let r = run(&mut exec_env(&sb, &["--write-profile=dev-session"]));
    r.assert_success();
    let meta = std::fs::metadata(&sb.credentials).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (NOBODY_KNOWN, NOBODY_KNOWN + 1, 0o600),
        "owner, group or mode changed"
    );
    assert!(holds_section(&sb.credentials, "dev-session"));
}

#[test]
fn a_hard_linked_credentials_file_is_refused_before_a_code_is_asked() {
    let sb = Sandbox::new();
    let other = sb.root.join("credentials-hardlink");
    std::fs::hard_link(&sb.credentials, &other).unwrap();
    let before = std::fs::read(&sb.credentials).unwrap();
    let r = run(&mut exec_env(&sb, &["--write-profile=dev-session"]));
    r.assert_one_line_error();
    assert!(r.stderr.contains("hard link"), "{}", r.dump());
    assert_eq!(std::fs::read(&sb.credentials).unwrap(), before);
    let meta = std::fs::metadata(&sb.credentials).unwrap();
    assert_eq!(meta.nlink(), 2, "the hard link was split");
    assert_eq!(sb.proxy.total(), 0, "asked STS: {}", sb.proxy.summary());
    assert!(sb.cache_entries().is_empty());
}

#[test]
fn a_credentials_file_others_can_read_gets_one_warning_and_keeps_its_mode() {
    let sb = Sandbox::new();
    std::fs::set_permissions(&sb.credentials, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = run(&mut exec_env(&sb, &["--write-profile=dev-session"]));
    r.assert_success();
    assert_eq!(
        mode(&sb.credentials),
        0o644,
        "the mode was changed silently"
    );
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("readable"))
        .collect();
    assert_eq!(warnings.len(), 1, "one warning expected\n{}", r.dump());
    assert!(
        warnings[0].starts_with("aws-mfa: warning: "),
        "{}",
        r.dump()
    );
    assert!(warnings[0].contains("chmod 600"), "{}", r.dump());
}

// ---------------------------------------------------------------------------------------
// Item 7: a cache directory aws-mfa did not create is never chmod'ed
// ---------------------------------------------------------------------------------------

#[test]
fn a_shared_cache_directory_is_refused_and_left_as_it_is() {
    let sb = Sandbox::new();
    let shared = sb.root.join("shared-tmp");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let open_home = sb.root.join("open-home");
    std::fs::create_dir(&open_home).unwrap();
    std::fs::set_permissions(&open_home, std::fs::Permissions::from_mode(0o755)).unwrap();
    for (dir, mode_before) in [(&shared, 0o1777), (&open_home, 0o755)] {
        let r = run(exec_env(&sb, &[]).env("AWS_MFA_CACHE_DIR", dir));
        r.assert_one_line_error();
        assert!(
            r.stderr.contains(&dir.display().to_string()),
            "the message must name the directory\n{}",
            r.dump()
        );
        assert_eq!(mode(dir), mode_before, "the directory's mode was changed");
        assert_eq!(
            std::fs::read_dir(dir).unwrap().count(),
            0,
            "wrote into {}",
            dir.display()
        );
    }
    assert_eq!(sb.proxy.total(), 0, "asked STS: {}", sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// Item 8: a cache write that fails after STS answered still hands the credentials over
// ---------------------------------------------------------------------------------------

#[track_caller]
fn assert_handed_over_with_one_warning(r: &Run) {
    r.assert_success();
    let env = parse_env(&r.stdout);
    assert!(
        env.get("AWS_SESSION_TOKEN").is_some_and(|t| !t.is_empty()),
        "no credentials handed over\n{}",
        r.dump()
    );
    let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1, "one warning expected\n{}", r.dump());
    assert!(
        lines[0].starts_with("aws-mfa: warning: ") && lines[0].contains("not cached"),
        "{}",
        r.dump()
    );
}

#[test]
fn a_directory_where_the_cache_file_belongs_still_hands_over_and_says_so() {
    let sb = Sandbox::new();
    run(&mut exec_env(&sb, &[])).assert_success();
    let entry = sb.cache_entries().pop().expect("an entry");
    std::fs::remove_file(&entry).unwrap();
    std::fs::create_dir(&entry).unwrap();
    // Another code: aws-mfa never sends a code STS just accepted.
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "dev",
        "--token-code",
        "654321",
        "--refresh",
        "--",
        "env",
    ]));
    assert_handed_over_with_one_warning(&r);
    assert!(r.stderr.contains("is a directory"), "{}", r.dump());
    assert_eq!(sb.proxy.count("GetSessionToken"), 2);
}

#[test]
fn a_full_disk_still_hands_over_the_credentials() {
    let sb = Sandbox::new();
    let cache = sb.root.join("full");
    std::fs::create_dir(&cache).unwrap();
    // A private mount namespace: a 64 KiB tmpfs, filled up before aws-mfa runs.
    let script = format!(
        "mount -t tmpfs -o size=64k,mode=0700 tmpfs {0} && \
         (dd if=/dev/zero of={0}/fill bs=4096 count=64 2>/dev/null; true) && exec \"$@\"",
        cache.display()
    );
    let mut cmd = sb.command(require_tool("unshare"));
    // Not root: a user namespace of this user alone may mount (where the kernel allows it).
    if !is_root() {
        cmd.arg("--map-root-user");
    }
    cmd.args([
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        &script,
        "sh",
        BIN,
    ])
    .args(["exec", "-p", "dev", "--token-code", CODE, "--", "env"])
    .env("AWS_MFA_CACHE_DIR", &cache);
    let r = run(&mut cmd);
    assert_handed_over_with_one_warning(&r);
    assert!(r.stderr.contains("No space left"), "{}", r.dump());
}

// ---------------------------------------------------------------------------------------
// Item 10: a short-term section made from other keys or another device is renewed
// ---------------------------------------------------------------------------------------

#[test]
fn the_classic_section_is_renewed_when_its_keys_or_device_change() {
    let sb = Sandbox::empty();
    sb.write_config("");
    let long_term = |key: &str, device: &str| {
        format!(
            "[dev-long-term]\naws_access_key_id = {key}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n\
             aws_mfa_device = {device}\n"
        )
    };
    sb.write_credentials(&long_term(ACCESS_KEY_ID, DEVICE));
    let classic =
        |sb: &Sandbox, code: &str| run(sb.cmd(["-p", "dev"]).env("AWS_MFA_TOKEN_CODE", code));
    classic(&sb, CODE).assert_success();
    let r = classic(&sb, CODE);
    r.assert_success();
    assert!(r.stdout.contains("still valid"), "{}", r.dump());
    assert_eq!(sb.proxy.count("GetSessionToken"), 1);

    let replace_long_term = |sb: &Sandbox, text: &str| {
        let current = std::fs::read_to_string(&sb.credentials).unwrap();
        let short_term = &current[current.find("\n[dev]").expect("the short-term section")..];
        sb.write_credentials(&format!("{text}{short_term}"));
    };
    // A new key in [dev-long-term], then another device: [dev] was made from the old ones.
    let changes = [
        ("a key change", "AKIAI44QH8DHBEXAMPLE", DEVICE),
        (
            "a device change",
            "AKIAI44QH8DHBEXAMPLE",
            "arn:aws:iam::123456789012:mfa/bob",
        ),
    ];
    // Each renewal with a code of its own: aws-mfa never sends a code STS just accepted.
    for ((calls, code), (what, key, device)) in (2..).zip(["654321", "246810"]).zip(changes) {
        replace_long_term(&sb, &long_term(key, device));
        let r = classic(&sb, code);
        r.assert_success();
        assert!(
            r.stdout.contains("wrote [dev]"),
            "not renewed after {what}\n{}",
            r.dump()
        );
        assert_eq!(sb.proxy.count("GetSessionToken"), calls);
    }

    // What was recorded: the key id and the device, never a secret.
    let text = std::fs::read_to_string(&sb.credentials).unwrap();
    assert!(
        text.contains("aws_mfa_source_key_id = AKIAI44QH8DHBEXAMPLE"),
        "{text}"
    );
    assert!(
        text.contains("aws_mfa_source_device = arn:aws:iam::123456789012:mfa/bob"),
        "{text}"
    );
    assert_eq!(text.matches(SECRET_ACCESS_KEY).count(), 1, "{text}");
}

// ---------------------------------------------------------------------------------------
// Item 12: the code is not handed to the child
// ---------------------------------------------------------------------------------------

#[test]
fn the_token_code_variable_does_not_reach_the_child() {
    let sb = Sandbox::new();
    let r = run(sb
        .cmd(["exec", "-p", "dev", "--", "env"])
        .env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    let env = parse_env(&r.stdout);
    assert!(env.contains_key("AWS_SESSION_TOKEN"), "{}", r.dump());
    assert!(
        !env.contains_key("AWS_MFA_TOKEN_CODE"),
        "the code reached the child"
    );
    let r = run(&mut sb.cmd(["env", "-p", "dev"]));
    r.assert_success();
    assert!(
        r.stdout
            .lines()
            .next()
            .unwrap_or("")
            .contains("AWS_MFA_TOKEN_CODE"),
        "env does not unset AWS_MFA_TOKEN_CODE\n{}",
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// Item 13: --no-prompt never waits on another terminal's prompt
// ---------------------------------------------------------------------------------------

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

#[test]
fn no_prompt_gives_up_on_a_busy_lock_within_a_second() {
    let sb = Sandbox::new();
    let (ready, go) = (sb.root.join("ready"), sb.root.join("go"));
    mkfifo(&ready);
    mkfifo(&go);
    // The first aws-mfa holds the entry's lock while its mfa_process "waits for the user".
    sb.append_config(&format!(
        "\n[profile slow]\nsource_profile = dev\nmfa_serial = {DEVICE}\n\
         mfa_process = sh -c 'echo started > {}; read x < {}; echo {CODE}'\n",
        ready.display(),
        go.display()
    ));
    let first = spawn(&mut sb.cmd(["exec", "-p", "slow", "--", "true"]));
    // Whatever happens below, the first aws-mfa's mfa_process is let go in the end.
    let release = Release(go.clone());
    let mut line = String::new();
    BufReader::new(std::fs::File::open(&ready).unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "started");

    let started = Instant::now();
    let hook = run_within(
        &mut sb.cmd(["env", "--no-prompt", "-p", "slow"]),
        Duration::from_secs(20),
    );
    let waited = started.elapsed();
    eprintln!("--no-prompt gave up after {waited:?}");
    hook.assert_one_line_error();
    assert!(hook.stdout.is_empty(), "{}", hook.dump());
    assert!(
        waited < Duration::from_secs(5),
        "--no-prompt waited {waited:?} for the lock"
    );

    drop(release);
    first.finish(DEFAULT_TIMEOUT).assert_success();
}

/// Writes a line into a FIFO when dropped, if something reads it (never blocks).
struct Release(std::path::PathBuf);

impl Drop for Release {
    fn drop(&mut self) {
        use std::os::unix::fs::OpenOptionsExt;
        if let Ok(mut fifo) = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&self.0)
        {
            let _ = fifo.write_all(b"go\n");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Item 15: long source_profile chains
// ---------------------------------------------------------------------------------------

fn chain_config(links: usize) -> String {
    let mut text = String::with_capacity(links * 48);
    for i in 0..links {
        text.push_str(&format!("[profile p{i}]\nsource_profile = p{}\n", i + 1));
    }
    text.push_str(&format!("[profile p{links}]\nmfa_serial = {DEVICE}\n"));
    text
}

#[test]
fn a_chain_longer_than_100_is_an_error_naming_the_profile() {
    let sb = Sandbox::new();
    sb.write_config(&chain_config(150));
    sb.append_credentials(&format!(
        "[p150]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    let r = run(&mut sb.cmd(["exec", "-p", "p0", "--token-code", CODE, "--", "true"]));
    r.assert_one_line_error();
    assert!(
        r.stderr.contains("'p0'") && r.stderr.contains("100"),
        "{}",
        r.dump()
    );
    // 60 links away from the keys is fine.
    run(&mut sb.cmd(["exec", "-p", "p90", "--token-code", CODE, "--", "true"])).assert_success();
}

#[test]
fn list_of_a_ten_thousand_link_chain_finishes() {
    let sb = Sandbox::new();
    sb.write_config(&chain_config(10_000));
    let started = Instant::now();
    // Before the fix this took over ten minutes; linear work takes well under a second.
    let r = run_within(&mut sb.cmd(["list", "--json"]), Duration::from_secs(60));
    eprintln!("list of a 10,000-link chain: {:?}", started.elapsed());
    r.assert_success();
    let rows: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows.as_array().map(Vec::len), Some(10_001 + 3));
}

// ---------------------------------------------------------------------------------------
// Item 16: names and values reach the terminal escaped
// ---------------------------------------------------------------------------------------

const EVIL: &str = "evil\u{1b}[2J\u{7}\u{202e}txt.exe\u{2028}x";

#[test]
fn hostile_names_reach_the_terminal_escaped() {
    let sb = Sandbox::new();
    let role = "arn:aws:iam::123456789012:role/R\u{1b}[31m\u{202e}";
    sb.append_config(&format!(
        "\n[profile {EVIL}]\nsource_profile = dev\nrole_arn = {role}\n"
    ));
    let cache = sb.root.join("cache\u{1b}[2J\u{202e}");
    let outputs = [
        ("list", run(&mut sb.cmd(["list"]))),
        ("list --json", run(&mut sb.cmd(["list", "--json"]))),
        ("list --names", run(&mut sb.cmd(["list", "--names"]))),
        ("clear", run(&mut sb.cmd(["clear", "-p", EVIL]))),
        (
            "-v exec",
            run(sb
                .cmd(["-v", "exec", "-p", EVIL, "--token-code", CODE, "--", "true"])
                .env("AWS_MFA_CACHE_DIR", &cache)),
        ),
        ("note", {
            // A cache file that is not trusted gets a note naming it.
            for entry in std::fs::read_dir(&cache).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
                        .unwrap();
                }
            }
            run(sb
                .cmd(["exec", "-p", "dev", "--token-code", CODE, "--", "true"])
                .env("AWS_MFA_CACHE_DIR", &cache))
        }),
    ];
    for (what, r) in &outputs {
        assert_no_raw_controls(&format!("{what} (stdout)"), &r.stdout);
        assert_no_raw_controls(&format!("{what} (stderr)"), &r.stderr);
    }
    let list = &outputs[0].1;
    list.assert_success();
    assert!(list.stdout.contains("evil\\u{1b}"), "{}", list.dump());
    let json: serde_json::Value = serde_json::from_str(&outputs[1].1.stdout).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|row| row["profile"] == EVIL),
        "the JSON must carry the name itself, escaped as JSON"
    );
    assert!(
        !outputs[2].1.stdout.lines().any(|l| l.starts_with("evil")),
        "list --names offers a name that cannot be typed safely"
    );
    assert!(
        outputs[3].1.stdout.contains("evil\\u{1b}"),
        "{}",
        outputs[3].1.dump()
    );
    assert!(
        outputs[4].1.stderr.contains("debug:"),
        "{}",
        outputs[4].1.dump()
    );
    assert!(
        outputs[5].1.stderr.contains("note:"),
        "{}",
        outputs[5].1.dump()
    );
}

/// The same for the names as files and ~/.boto carry them: a path with control characters.
#[test]
fn a_path_with_control_characters_is_escaped_in_messages() {
    let sb = Sandbox::new();
    let odd = sb.root.join("creds\u{1b}[2J\u{202e}");
    std::fs::copy(&sb.credentials, &odd).unwrap();
    let r = run(sb
        .cmd([
            "-p",
            "dev",
            "--token-code",
            CODE,
            "--long-term-suffix",
            "none",
            "--short-term-suffix",
            "short",
        ])
        .env("AWS_SHARED_CREDENTIALS_FILE", &odd));
    r.assert_success();
    assert!(r.stdout.contains("wrote [dev-short]"), "{}", r.dump());
    assert_no_raw_controls("classic", &r.stdout);
}

// ---------------------------------------------------------------------------------------
// What the review of the fixes above found (each failed on the first fix)
// ---------------------------------------------------------------------------------------

const LONG_TERM: &str = "[dev-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n\
                         aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// Item 5: the edit lock is no lock another user can hold (an flock on ~/.aws, which any
/// user may open, was one).
#[test]
fn a_lock_held_on_the_aws_directory_does_not_hold_up_a_write() {
    let sb = Sandbox::new();
    let dir = std::fs::File::open(sb.home.join(".aws")).unwrap();
    dir.lock().unwrap(); // what any local user can do to a 0755 directory
    let r = run_within(
        &mut exec_env(&sb, &["--no-prompt", "--write-profile=dev-session"]),
        Duration::from_secs(30),
    );
    drop(dir);
    r.assert_success();
    assert!(holds_section(&sb.credentials, "dev-session"));
}

/// Item 6: a file of the user whose group is not theirs (root ran `chown alice FILE`) is
/// refused before a code is asked, saying what to do, instead of failing after.
#[test]
fn a_users_file_with_a_foreign_group_is_refused_before_the_code() {
    if !as_root(
        "a_users_file_with_a_foreign_group_is_refused_before_the_code",
        "runs aws-mfa as another user",
    ) {
        return;
    }
    let sb = Sandbox::empty();
    sb.write_credentials(LONG_TERM);
    sb.write_config(&format!("[profile dev]\nmfa_serial = {DEVICE}\n"));
    std::fs::set_permissions(&sb.root, std::fs::Permissions::from_mode(0o711)).unwrap();
    for dir in [&sb.home, &sb.home.join(".aws"), &sb.config] {
        std::os::unix::fs::chown(dir, Some(NOBODY_KNOWN), Some(NOBODY_KNOWN)).unwrap();
    }
    std::os::unix::fs::chown(&sb.credentials, Some(NOBODY_KNOWN), Some(0)).unwrap();
    let cache = private_dir_of(&sb.root.join("own-cache"), NOBODY_KNOWN);
    let before = std::fs::read(&sb.credentials).unwrap();
    let mut cmd = sb.cmd(["-p", "dev", "--token-code", CODE]);
    cmd.env("AWS_MFA_CACHE_DIR", &cache);
    as_user(&mut cmd, NOBODY_KNOWN, NOBODY_KNOWN);
    let r = run(&mut cmd);
    r.assert_one_line_error();
    assert!(r.stderr.contains("chgrp"), "{}", r.dump());
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        0,
        "the code was spent first"
    );
    assert_eq!(std::fs::read(&sb.credentials).unwrap(), before);
}

/// Items 2 and 6: the classic run checks ~/.boto, too, before a code is asked.
#[test]
fn classic_write_boto_is_refused_before_the_code() {
    let sb = Sandbox::empty();
    sb.write_credentials(LONG_TERM);
    sb.write_config(&format!("[profile dev]\nmfa_serial = {DEVICE}\n"));
    let boto = sb.root.join("boto");
    std::fs::write(&boto, format!("[Credentials]\n{}", &LONG_TERM[16..])).unwrap();
    let r = run(sb
        .cmd(["-p", "dev", "--token-code", CODE, "--write-boto"])
        .env("BOTO_CONFIG", &boto));
    r.assert_one_line_error();
    assert_eq!(sb.proxy.count("GetSessionToken"), 0, "{}", r.dump());
    assert!(
        !std::fs::read_to_string(&sb.credentials)
            .unwrap()
            .contains("[dev]")
    );
}

/// Item 6: a device node (BOTO_CONFIG=/dev/null is a common idiom) is never replaced by a
/// file of secrets; as a file to read it is empty, as for botocore.
#[test]
fn a_device_node_is_not_replaced_by_a_file_of_secrets() {
    let sb = Sandbox::new();
    // Root makes a node of its own; another user takes /dev/null itself, which it could not
    // replace anyway (no user namespace may make a device node).
    let null = if is_root() {
        let null = sb.root.join("null");
        let c = std::ffi::CString::new(null.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string; makedev(1, 3) is /dev/null's device.
        assert_eq!(
            unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) },
            0
        );
        null
    } else {
        std::path::PathBuf::from("/dev/null")
    };
    let r = run(exec_env(&sb, &["--write-boto"]).env("BOTO_CONFIG", &null));
    r.assert_one_line_error();
    assert!(r.stderr.contains("not a regular file"), "{}", r.dump());
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&null)
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // A FIFO as the config file reads as empty instead of hanging.
    let fifo = sb.root.join("config-fifo");
    mkfifo(&fifo);
    let r = run_within(
        sb.cmd(["list", "--names"]).env("AWS_CONFIG_FILE", &fifo),
        Duration::from_secs(30),
    );
    r.assert_success();
    assert!(r.stdout.contains("dev"), "{}", r.dump());
}

/// Item 15: `list` is linear in the number of profiles (it was quadratic).
#[test]
fn list_is_linear_in_the_number_of_profiles() {
    let sb = Sandbox::new();
    let time = |n: usize| {
        let config: String = (0..n)
            .map(|i| format!("[profile q{i}]\nregion = eu-west-1\n"))
            .collect();
        sb.write_config(&config);
        let started = Instant::now();
        run_within(&mut sb.cmd(["list"]), Duration::from_secs(120)).assert_success();
        started.elapsed().as_secs_f64()
    };
    let small = time(3000);
    let large = time(12_000);
    eprintln!("list: 3000 profiles {small:.2} s, 12000 profiles {large:.2} s");
    assert!(
        large / small < 8.0,
        "4x the profiles took {:.1}x the time ({small:.2} s -> {large:.2} s)",
        large / small
    );
}

/// Item 8: a directory in place of an entry is said once, not at each look at the cache.
#[test]
fn a_directory_in_place_of_an_entry_is_said_once() {
    let sb = Sandbox::new();
    run(&mut sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"])).assert_success();
    let role_entry = sb
        .cache_entries()
        .into_iter()
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("\"kind\": \"role\"")
        })
        .expect("a role entry");
    for entry in sb.cache_entries() {
        std::fs::remove_file(entry).unwrap();
    }
    std::fs::create_dir(&role_entry).unwrap();
    // Another code: aws-mfa never sends a code STS just accepted.
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "admin",
        "--token-code",
        "654321",
        "--",
        "true",
    ]));
    r.assert_success();
    let said = r
        .stderr
        .lines()
        .filter(|l| l.contains("is a directory where"))
        .count();
    assert_eq!(said, 2, "a note and the warning expected\n{}", r.dump());
}

/// Item 10: a section an earlier aws-mfa wrote, recording no source, is renewed once after
/// the long-term key changed.
#[test]
fn a_managed_section_without_a_source_record_is_renewed() {
    let sb = Sandbox::empty();
    sb.write_config("");
    let later = "2099-01-01T00:00:00Z";
    sb.write_credentials(&format!(
        "[dev-long-term]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\n\
         aws_secret_access_key = {SECRET_ACCESS_KEY}\naws_mfa_device = {DEVICE}\n\n\
         [dev]\naws_access_key_id = ASIAOLD\naws_secret_access_key = old\n\
         aws_session_token = old\nexpiration = {later}\nassumed_role = False\n\
         managed_by = aws-mfa\n"
    ));
    let r = run(sb.cmd(["-p", "dev"]).env("AWS_MFA_TOKEN_CODE", CODE));
    r.assert_success();
    assert!(r.stdout.contains("wrote [dev]"), "{}", r.dump());
    let r = run(sb.cmd(["-p", "dev"]).env("AWS_MFA_TOKEN_CODE", CODE));
    assert!(r.stdout.contains("still valid"), "{}", r.dump());
    assert_eq!(sb.proxy.count("GetSessionToken"), 1);
}

// ---------------------------------------------------------------------------------------
// What the second review found (each failed on the fixes above)
// ---------------------------------------------------------------------------------------

/// Item 6: root never chowns an existing lock file — a user could have hard-linked a root
/// file there to be handed it.
#[test]
fn root_does_not_chown_a_hard_linked_lock_file() {
    if !as_root(
        "root_does_not_chown_a_hard_linked_lock_file",
        "edits a user's file as root",
    ) {
        return;
    }
    let sb = Sandbox::empty();
    sb.write_credentials(LONG_TERM);
    sb.write_config(&format!("[profile dev]\nmfa_serial = {DEVICE}\n"));
    for p in [&sb.home, &sb.home.join(".aws"), &sb.credentials, &sb.config] {
        std::os::unix::fs::chown(p, Some(NOBODY_KNOWN), Some(NOBODY_KNOWN)).unwrap();
    }
    let root_file = sb.root.join("root-only");
    std::fs::write(&root_file, "root:secret\n").unwrap();
    std::fs::set_permissions(&root_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::hard_link(&root_file, sb.home.join(".aws/.credentials.aws-mfa.lock")).unwrap();
    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
    let meta = std::fs::metadata(&root_file).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid()),
        (0, 0),
        "root chowned a linked-in root file to the user\n{}",
        r.dump()
    );
    r.assert_one_line_error();
    assert!(r.stderr.contains("hard links"), "{}", r.dump());
    assert_eq!(sb.proxy.count("GetSessionToken"), 0, "{}", r.dump());
}

/// Items 5 and 6: a lock file that cannot serve (a FIFO, a directory, a symlink, another
/// user's) is found before the code is spent, like every other refusal of the edit.
#[test]
fn an_unusable_lock_file_is_refused_before_the_code() {
    if !as_root(
        "an_unusable_lock_file_is_refused_before_the_code",
        "gives a lock file to another user",
    ) {
        return;
    }
    for kind in ["fifo", "dir", "symlink", "foreign"] {
        let sb = Sandbox::empty();
        sb.write_credentials(LONG_TERM);
        sb.write_config(&format!("[profile dev]\nmfa_serial = {DEVICE}\n"));
        let lock = sb.home.join(".aws/.credentials.aws-mfa.lock");
        match kind {
            "fifo" => mkfifo(&lock),
            "dir" => std::fs::create_dir(&lock).unwrap(),
            "symlink" => std::os::unix::fs::symlink("/nonexistent", &lock).unwrap(),
            _ => {
                std::fs::write(&lock, "").unwrap();
                std::os::unix::fs::chown(&lock, Some(NOBODY_KNOWN), Some(NOBODY_KNOWN)).unwrap();
            }
        }
        let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
        r.assert_one_line_error();
        assert!(r.stderr.contains("lock file"), "{kind}: {}", r.dump());
        assert_eq!(
            sb.proxy.count("GetSessionToken"),
            0,
            "{kind}: the code was spent, then the credentials thrown away\n{}",
            r.dump()
        );
    }
}

/// Item 5: in a shared sticky directory, another user's file named like a leftover temp
/// file is not ours to tidy, and does not stop the edit.
#[test]
fn another_users_file_beside_the_credentials_does_not_stop_the_edit() {
    if !as_root(
        "another_users_file_beside_the_credentials_does_not_stop_the_edit",
        "runs aws-mfa as one user beside another's files",
    ) {
        return;
    }
    let sb = Sandbox::empty();
    sb.write_config(&format!("[profile dev]\nmfa_serial = {DEVICE}\n"));
    std::fs::set_permissions(&sb.root, std::fs::Permissions::from_mode(0o711)).unwrap();
    let shared = sb.root.join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let creds = shared.join("creds");
    std::fs::write(&creds, LONG_TERM).unwrap();
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&creds, Some(NOBODY_KNOWN), Some(NOBODY_KNOWN)).unwrap();
    let theirs = shared.join(".creds.aws-mfa-EVIL00.tmp");
    std::fs::write(&theirs, "not yours").unwrap();
    std::os::unix::fs::chown(&theirs, Some(NOBODY_KNOWN + 1), Some(NOBODY_KNOWN + 1)).unwrap();
    for p in [&sb.home, &sb.config] {
        std::os::unix::fs::chown(p, Some(NOBODY_KNOWN), Some(NOBODY_KNOWN)).unwrap();
    }
    let cache = private_dir_of(&sb.root.join("own-cache"), NOBODY_KNOWN);
    let mut cmd = sb.cmd(["-p", "dev", "--token-code", CODE]);
    cmd.env("AWS_MFA_CACHE_DIR", &cache)
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds);
    as_user(&mut cmd, NOBODY_KNOWN, NOBODY_KNOWN);
    let r = run(&mut cmd);
    r.assert_success();
    assert!(std::fs::read_to_string(&creds).unwrap().contains("[dev]"));
    assert!(theirs.exists(), "another user's file was removed");
}
