//! Side by side with the real older tools (issue 11): users of each switch to aws-mfa
//! without editing a line, and can go back.
//!
//! The real tools come from PyPI, each installed by pip into its own venv under
//! `target/old-tools/` on first use: aws-mfa 0.0.12 (the Python aws-mfa), aws-mfa-spok
//! 0.0.14, iam-mfa 0.1.0 and awsmfa 0.2.9 (dcoker's: `[identity]` to `[default]`). Two tools
//! are not on PyPI and are emulated from their READMEs by tests/old_tools_emulated.py:
//! cdodd's aws-2fa-access-keys and the awsmfa `[{profile}mfa]` convention.
//!
//! For each tool, on copies of the layout its README documents, the old tool and aws-mfa
//! run in both orders; after each run every byte outside the written section is the
//! original's, the second tool takes the first one's section as valid (no call through
//! the counting proxy) where the old tool records an expiration, and the aws CLI and boto3
//! use the result (without a region where the result carries one). Where an old tool
//! records no expiration or never checks one, it always calls STS: the tests say so and
//! assert that it still reads aws-mfa's file and works.
//!
//! The README's "Coming from …" commands are run as written, on the same layouts.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// The real tools, from PyPI
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    PythonAwsMfa,
    Spok,
    IamMfa,
    Awsmfa,
}

impl Tool {
    fn requirement(self) -> &'static str {
        match self {
            Tool::PythonAwsMfa => "aws-mfa==0.0.12",
            Tool::Spok => "aws-mfa-spok==0.0.14",
            Tool::IamMfa => "iam-mfa==0.1.0",
            Tool::Awsmfa => "awsmfa==0.2.9",
        }
    }

    fn script(self) -> &'static str {
        match self {
            Tool::PythonAwsMfa => "aws-mfa",
            Tool::Spok => "aws-mfa-spok",
            Tool::IamMfa => "iam-mfa",
            Tool::Awsmfa => "awsmfa",
        }
    }
}

/// pip may take a while on a slow network; nothing else here is allowed that long.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(600);

/// The `target/` directory the binary under test was built in.
fn target_dir() -> PathBuf {
    let bin = Path::new(BIN);
    bin.parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| panic!("{} is not in a target directory", bin.display()))
        .to_path_buf()
}

/// The venv holding `tool`, installed on first use (and once for all test binaries).
fn venv(tool: Tool) -> &'static Path {
    static VENVS: [OnceLock<PathBuf>; 4] = [const { OnceLock::new() }; 4];
    VENVS[tool as usize].get_or_init(|| install(tool))
}

/// `python3 -m venv` and `pip install`, under a lock file so that test binaries running at
/// once install each tool once; the marker, written last, says the venv is complete.
fn install(tool: Tool) -> PathBuf {
    let root = target_dir().join("old-tools");
    fs::create_dir_all(&root).unwrap_or_else(|e| panic!("mkdir {}: {e}", root.display()));
    let name = tool.requirement().replace("==", "-");
    let dir = root.join(&name);
    let marker = dir.join("installed.txt");
    if marker.is_file() {
        return dir;
    }
    let lock_path = root.join(format!("{name}.lock"));
    let lock = fs::File::create(&lock_path)
        .unwrap_or_else(|e| panic!("create {}: {e}", lock_path.display()));
    lock.lock()
        .unwrap_or_else(|e| panic!("lock {}: {e}", lock_path.display()));
    if marker.is_file() {
        return dir;
    }
    // What an interrupted install left.
    if dir.exists() {
        fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("rm -r {}: {e}", dir.display()));
    }
    let python3 = require_tool("python3");
    must(
        Command::new(&python3).args(["-m", "venv"]).arg(&dir),
        "python3 -m venv",
    );
    let python = dir.join("bin/python");
    must(
        Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            tool.requirement(),
        ]),
        &format!("pip install {}", tool.requirement()),
    );
    let freeze = must(
        Command::new(&python).args(["-m", "pip", "freeze", "--disable-pip-version-check"]),
        "pip freeze",
    );
    let partial = dir.join("installed.txt.partial");
    fs::write(&partial, freeze).expect("write the marker");
    fs::rename(&partial, &marker).expect("rename the marker");
    dir
}

/// Runs an install step; its failure fails the test with the tool's own words.
fn must(cmd: &mut Command, what: &str) -> String {
    let r = run_within(cmd, INSTALL_TIMEOUT);
    assert!(
        r.status.success(),
        "{what} failed, so the side-by-side tests cannot run:\n{}{}",
        r.stderr,
        r.stdout
    );
    r.stdout
}

// ---------------------------------------------------------------------------------------
// Running the tools
// ---------------------------------------------------------------------------------------

fn emulator() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/old_tools_emulated.py")
}

/// `input` as the command's standard input (where the old tools read the code).
fn feed(sb: &Sandbox, cmd: &mut Command, input: &str) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = sb
        .root
        .join(format!("stdin-{}", N.fetch_add(1, Ordering::SeqCst)));
    fs::write(&path, input).expect("write stdin");
    cmd.stdin(fs::File::open(&path).expect("open stdin"));
}

/// The environment every old tool gets on top of the sandbox's.
fn old_env(cmd: &mut Command, region: bool) {
    if region {
        // Signing for a custom endpoint needs a region, where AWS's global STS endpoint
        // would have given one: the test's artefact, not the layout's.
        cmd.env("AWS_DEFAULT_REGION", "us-east-1");
    }
    // Were AWS_ENDPOINT_URL ever ignored, a request for AWS fails at a dead proxy instead of
    // leaving the machine.
    let dead = dead_endpoint();
    cmd.env("HTTPS_PROXY", &dead)
        .env("HTTP_PROXY", &dead)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("PYTHONDONTWRITEBYTECODE", "1");
}

/// The real `tool ARGS…` in the sandbox, `input` on its standard input.
fn old(sb: &Sandbox, tool: Tool, args: &[&str], input: &str) -> Run {
    let dir = venv(tool);
    let mut cmd = sb.command(dir.join("bin/python"));
    cmd.arg(dir.join("bin").join(tool.script())).args(args);
    // iam-mfa and awsmfa read a region from the layout; the others have none to read.
    old_env(&mut cmd, matches!(tool, Tool::PythonAwsMfa | Tool::Spok));
    if tool == Tool::IamMfa {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(aws_v2(sb)).chain(std::env::split_paths(&path));
        cmd.env("PATH", std::env::join_paths(dirs).expect("PATH"));
    }
    feed(sb, &mut cmd, input);
    run(&mut cmd)
}

/// An emulated tool (`aws-get-token …`, `pmfa PROFILE`), in python3 with boto3.
fn emulated(sb: &Sandbox, args: &[&str], input: &str, region: bool) -> Run {
    let mut cmd = sb.command(require_tool("python3"));
    cmd.arg(emulator()).args(args);
    old_env(&mut cmd, region);
    feed(sb, &mut cmd, input);
    run(&mut cmd)
}

/// iam-mfa 0.1.0 needs the aws CLI v2 for `aws configure list-profiles`, which the CLI on
/// PyPI (v1) lacks: this `aws` answers that one call as v2 does (botocore's profiles, one
/// a line) and hands every other call to the real aws CLI. Returns its directory.
fn aws_v2(sb: &Sandbox) -> PathBuf {
    let dir = sb.root.join("aws-v2");
    let script = dir.join("aws");
    if !script.exists() {
        fs::create_dir_all(&dir).expect("mkdir aws-v2");
        let (real, python3) = (require_tool("aws"), require_tool("python3"));
        fs::write(
            &script,
            format!(
                "#!/bin/sh\n\
                 if [ \"$1\" = configure ] && [ \"$2\" = list-profiles ]; then\n\
                 exec '{}' -c 'import botocore.session; print(\"\\n\".join(botocore.session.Session().available_profiles))'\n\
                 fi\n\
                 exec '{}' \"$@\"\n",
                python3.display(),
                real.display()
            ),
        )
        .expect("write aws-v2");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod aws-v2");
    }
    dir
}

/// `aws-mfa ARGS…` in the sandbox, `input` on its standard input.
fn ours(sb: &Sandbox, args: &[&str], input: &str) -> Run {
    let mut cmd = sb.cmd(args);
    feed(sb, &mut cmd, input);
    run(&mut cmd)
}

/// Runs `f`, which must succeed, and returns it with the number of requests it made
/// through the proxy (STS and IAM alike).
#[track_caller]
fn counted(sb: &Sandbox, f: impl FnOnce() -> Run) -> (Run, usize) {
    let before = sb.proxy.total();
    let r = f();
    r.assert_success();
    (r, sb.proxy.total() - before)
}

/// The last GetSessionToken's MFA device.
fn last_serial(sb: &Sandbox) -> String {
    let calls = sb.proxy.requests_for("GetSessionToken");
    let last = calls.last().expect("a GetSessionToken call");
    last.param("SerialNumber").unwrap_or_default().to_string()
}

// ---------------------------------------------------------------------------------------
// What the result is
// ---------------------------------------------------------------------------------------

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// `text` without `[section]`: its header and lines up to the next header, and, when it is
/// the last section, the blank lines that set it apart from the one before.
fn outside(text: &str, section: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let header = format!("[{section}]");
    let Some(start) = lines.iter().position(|l| l.trim() == header) else {
        return text.to_string();
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |i| start + 1 + i);
    let mut from = start;
    while end == lines.len() && from > 0 && lines[from - 1].trim().is_empty() {
        from -= 1;
    }
    lines[..from].concat() + &lines[end..].concat()
}

/// The key/value pairs of `[section]` (the last one of that name).
fn section(text: &str, name: &str) -> Vec<(String, String)> {
    let header = format!("[{name}]");
    let mut out = None;
    let mut current: Option<Vec<(String, String)>> = None;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            if let Some(done) = current.take() {
                out = Some(done);
            }
            if t == header {
                current = Some(Vec::new());
            }
        } else if let (Some(entries), Some((k, v))) = (current.as_mut(), t.split_once('=')) {
            entries.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    current.or(out).unwrap_or_default()
}

fn get<'a>(entries: &'a [(String, String)], key: &str) -> Option<&'a str> {
    entries
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Every byte of the file outside `[name]` is the original's, and `[name]` holds
/// short-term credentials.
#[track_caller]
fn assert_written(path: &Path, name: &str, original: &str) {
    let text = read(path);
    assert_eq!(
        outside(&text, name),
        original,
        "{} changed outside [{name}]:\n{text}",
        path.display()
    );
    let s = section(&text, name);
    for key in ["aws_access_key_id", "aws_secret_access_key"] {
        assert!(get(&s, key).is_some(), "[{name}] has no {key}:\n{text}");
    }
    assert!(
        get(&s, "aws_session_token")
            .or(get(&s, "aws_security_token"))
            .is_some(),
        "[{name}] has no session token:\n{text}"
    );
}

/// Where the aws CLI and boto3 get their region from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Region {
    /// The written profile carries one: none is given.
    InResult,
    /// The result has none (nor had the old tool's): the test gives one.
    Given,
}

const BOTO3_IDENTITY: &str = "\
import boto3, json, sys
print(json.dumps(boto3.Session(profile_name=sys.argv[1]).client('sts').get_caller_identity()))
";

/// `aws sts get-caller-identity --profile PROFILE` and boto3's get_caller_identity with
/// that profile both work on the files as they are (straight to moto, not counted).
#[track_caller]
fn assert_used(sb: &Sandbox, profile: &str, credentials: &Path, region: Region) {
    let aws = require_tool("aws");
    let python3 = require_tool("python3");
    let mut cli = sb.command(aws);
    cli.args([
        "sts",
        "get-caller-identity",
        "--output",
        "json",
        "--profile",
        profile,
    ]);
    let mut sdk = sb.command(python3);
    sdk.args(["-c", BOTO3_IDENTITY, profile]);
    for (what, cmd) in [("the aws CLI", &mut cli), ("boto3", &mut sdk)] {
        cmd.env("AWS_SHARED_CREDENTIALS_FILE", credentials)
            .env("AWS_ENDPOINT_URL", moto().url());
        if region == Region::Given {
            cmd.env("AWS_DEFAULT_REGION", "us-east-1");
        }
        let r = run(cmd);
        assert!(
            r.status.success(),
            "{what} cannot use [{profile}]:\n{}\n--- {} ---\n{}",
            r.dump(),
            credentials.display(),
            fs::read_to_string(credentials).unwrap_or_default()
        );
        let v: Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.dump()));
        assert_eq!(v["Account"], ACCOUNT, "{what}: {}", r.dump());
    }
}

// ---------------------------------------------------------------------------------------
// IAM users in moto, for the tools that find the device through IAM
// ---------------------------------------------------------------------------------------

/// The aws CLI against moto as its administrator.
fn iam(sb: &Sandbox, args: &[&str]) -> Value {
    let args: Vec<&str> = ["iam"].iter().chain(args).copied().collect();
    moto_admin_aws(sb, &args)
}

/// An IAM user (in this binary's moto, so one name per test) with a virtual MFA device of
/// the same name, as the console names it; returns (access key id, secret, device).
fn iam_user(name: &str) -> (String, String, String) {
    let sb = Sandbox::empty();
    iam(&sb, &["create-user", "--user-name", name]);
    let key = iam(&sb, &["create-access-key", "--user-name", name]);
    let seed = sb.root.join("seed");
    let device = iam(
        &sb,
        &[
            "create-virtual-mfa-device",
            "--virtual-mfa-device-name",
            name,
            "--outfile",
            &seed.to_string_lossy(),
            "--bootstrap-method",
            "Base32StringSeed",
        ],
    );
    let serial = device["VirtualMFADevice"]["SerialNumber"]
        .as_str()
        .expect("serial")
        .to_string();
    iam(
        &sb,
        &[
            "enable-mfa-device",
            "--user-name",
            name,
            "--serial-number",
            &serial,
            "--authentication-code1",
            "123456",
            "--authentication-code2",
            "654321",
        ],
    );
    let s = |k: &str| key["AccessKey"][k].as_str().expect("key").to_string();
    (s("AccessKeyId"), s("SecretAccessKey"), serial)
}

// ---------------------------------------------------------------------------------------
// The layouts, as each tool's README documents them
// ---------------------------------------------------------------------------------------

fn keys() -> String {
    format!("aws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n")
}

/// The Python aws-mfa's (and aws-mfa-utility's): `[dev-long-term]` with `aws_mfa_device`.
fn python_layout() -> String {
    format!("[dev-long-term]\n{}aws_mfa_device = {DEVICE}\n", keys())
}

/// aws-mfa-spok's: `[default-long-term]` with `aws_mfa_device`, in a file named by
/// `--creds-file`.
fn spok_layout() -> String {
    format!("[default-long-term]\n{}aws_mfa_device = {DEVICE}\n", keys())
}

/// iam-mfa's: a source profile with the permanent keys of the IAM user it is given, as
/// `aws configure --profile corp` leaves it (its region in the config).
const IAM_MFA_CONFIG: &str = "[profile corp]\nregion = eu-west-1\n";

fn iam_mfa_layout(id: &str, secret: &str) -> String {
    format!("[corp]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n")
}

/// dcoker awsmfa's: the long-lived keys in `[identity]`, with values (a region) it copies
/// to `[default]`. Its keys are a moto user's: awsmfa finds the device through the key's
/// IAM user (GetUser).
fn awsmfa_layout(id: &str, secret: &str) -> String {
    format!(
        "[identity]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\nregion = eu-west-1\n"
    )
}

/// The awsmfa `[{profile}mfa]` convention, written as its README shows it.
fn pmfa_layout() -> String {
    format!(
        "[georgemfa]\nmfa_serial={DEVICE}\naws_access_key_id={ACCESS_KEY_ID}\naws_secret_access_key={SECRET_ACCESS_KEY}\n"
    )
}

/// aws-2fa-access-keys': a bare `[my-keys]` in ~/.aws/config with the keys of the user
/// given by `-u`, and no credentials file.
fn two_fa_config(id: &str, secret: &str) -> String {
    format!(
        "[my-keys]\nregion = eu-west-1\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"
    )
}

/// An existing ~/.boto, whose other sections both tools keep.
const BOTO: &str = "[Boto]\ndebug = 0\nnum_retries = 10\n";

// ---------------------------------------------------------------------------------------
// The Python aws-mfa 0.0.12
// ---------------------------------------------------------------------------------------

fn python_sandbox() -> (Sandbox, String) {
    let sb = Sandbox::empty();
    let original = python_layout();
    sb.write_credentials(&original);
    sb.write_config("");
    (sb, original)
}

const CODE_LINE: &str = "123456\n";

#[test]
fn python_aws_mfa_then_aws_mfa() {
    let (sb, original) = python_sandbox();
    let (r, calls) = counted(&sb, || {
        old(&sb, Tool::PythonAwsMfa, &["--profile", "dev"], CODE_LINE)
    });
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_eq!(last_serial(&sb), DEVICE);
    assert_written(&sb.credentials, "dev", &original);
    assert_used(&sb, "dev", &sb.credentials, Region::Given);
    let written = read(&sb.credentials);

    // aws-mfa takes the Python tool's [dev] as valid: no call, no byte changed.
    let (r, calls) = counted(&sb, || ours(&sb, &["--profile", "dev"], CODE_LINE));
    assert_eq!(calls, 0, "{}\n{}", sb.proxy.summary(), r.dump());
    assert!(r.stdout.contains("[dev] is still valid"), "{}", r.dump());
    assert_eq!(read(&sb.credentials), written);
    assert_used(&sb, "dev", &sb.credentials, Region::Given);
}

#[test]
fn aws_mfa_then_python_aws_mfa() {
    let (sb, original) = python_sandbox();
    // The code on standard input, as `echo 123456 | aws-mfa --profile dev` gave it.
    let (r, calls) = counted(&sb, || ours(&sb, &["--profile", "dev"], CODE_LINE));
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_eq!(last_serial(&sb), DEVICE);
    assert_written(&sb.credentials, "dev", &original);
    assert_used(&sb, "dev", &sb.credentials, Region::Given);

    // Going back, without --force: the Python tool takes aws-mfa's [dev] as valid.
    let written = read(&sb.credentials);
    let (r, calls) = counted(&sb, || {
        old(&sb, Tool::PythonAwsMfa, &["--profile", "dev"], CODE_LINE)
    });
    assert_eq!(calls, 0, "{}\n{}", sb.proxy.summary(), r.dump());
    assert!(
        r.stdout.contains("Your credentials are still valid"),
        "{}",
        r.dump()
    );
    assert_eq!(outside(&read(&sb.credentials), "dev"), original);
    assert_eq!(
        section(&read(&sb.credentials), "dev"),
        section(&written, "dev")
    );
    assert_used(&sb, "dev", &sb.credentials, Region::Given);
}

/// aws-mfa-utility's multi-account layout (its README): the long-term keys in
/// `[myorganization]` (`--long-term-suffix none`), one short-term section per environment.
fn utility_layout() -> String {
    format!("[myorganization]\n{}", keys())
}

/// Its command line, the same for both tools: the suffixes, `--device` and `--duration`.
const UTILITY_ARGS: [&str; 10] = [
    "--profile",
    "myorganization",
    "--long-term-suffix",
    "none",
    "--short-term-suffix",
    "development",
    "--device",
    DEVICE,
    "--duration",
    "1800",
];

#[test]
fn python_aws_mfa_suffixes_then_aws_mfa() {
    let sb = Sandbox::empty();
    let original = utility_layout();
    sb.write_credentials(&original);
    sb.write_config("");
    let (r, calls) = counted(&sb, || {
        old(&sb, Tool::PythonAwsMfa, &UTILITY_ARGS, CODE_LINE)
    });
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    let call = &sb.proxy.requests_for("GetSessionToken")[0];
    assert_eq!(call.param("DurationSeconds"), Some("1800"));
    assert_written(&sb.credentials, "myorganization-development", &original);
    let written = read(&sb.credentials);

    let (r, calls) = counted(&sb, || ours(&sb, &UTILITY_ARGS, CODE_LINE));
    assert_eq!(calls, 0, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_eq!(read(&sb.credentials), written);
    assert_used(
        &sb,
        "myorganization-development",
        &sb.credentials,
        Region::Given,
    );
}

#[test]
fn aws_mfa_suffixes_then_python_aws_mfa() {
    let sb = Sandbox::empty();
    let original = utility_layout();
    sb.write_credentials(&original);
    sb.write_config("");
    let (r, calls) = counted(&sb, || ours(&sb, &UTILITY_ARGS, CODE_LINE));
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    let call = &sb.proxy.requests_for("GetSessionToken")[0];
    assert_eq!(call.param("DurationSeconds"), Some("1800"));
    assert_eq!(call.param("SerialNumber"), Some(DEVICE));
    assert_written(&sb.credentials, "myorganization-development", &original);

    let (r, calls) = counted(&sb, || {
        old(&sb, Tool::PythonAwsMfa, &UTILITY_ARGS, CODE_LINE)
    });
    assert_eq!(calls, 0, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_eq!(
        outside(&read(&sb.credentials), "myorganization-development"),
        original
    );
    assert_used(
        &sb,
        "myorganization-development",
        &sb.credentials,
        Region::Given,
    );
}

// ---------------------------------------------------------------------------------------
// aws-mfa-spok 0.0.14
// ---------------------------------------------------------------------------------------

/// The file named by `--creds-file` (spok's way for a file elsewhere), and its text.
fn spok_sandbox() -> (Sandbox, PathBuf, String) {
    let sb = Sandbox::empty();
    sb.write_config("");
    let file = sb.root.join("work-credentials");
    let original = spok_layout();
    fs::write(&file, &original).expect("write the creds file");
    (sb, file, original)
}

#[test]
fn aws_mfa_spok_then_aws_mfa() {
    let (sb, file, original) = spok_sandbox();
    let f = file.to_str().unwrap();
    let args = ["--creds-file", f, "--token", CODE];
    let (r, calls) = counted(&sb, || old(&sb, Tool::Spok, &args, ""));
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_written(&file, "default", &original);
    assert_used(&sb, "default", &file, Region::Given);
    let written = read(&file);

    // The same command line, aws-mfa's: spok's [default] is valid.
    let (r, calls) = counted(&sb, || ours(&sb, &args, ""));
    assert_eq!(calls, 0, "{}\n{}", sb.proxy.summary(), r.dump());
    assert!(
        r.stdout.contains("[default] is still valid"),
        "{}",
        r.dump()
    );
    assert_eq!(read(&file), written);
    assert!(
        !sb.credentials.exists(),
        "aws-mfa wrote ~/.aws/credentials, not the --creds-file"
    );
}

#[test]
fn aws_mfa_then_aws_mfa_spok() {
    let (sb, file, original) = spok_sandbox();
    let f = file.to_str().unwrap();
    let args = ["--creds-file", f, "--token", CODE];
    let (r, calls) = counted(&sb, || ours(&sb, &args, ""));
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_eq!(last_serial(&sb), DEVICE);
    assert_written(&file, "default", &original);
    assert_used(&sb, "default", &file, Region::Given);

    let (r, calls) = counted(&sb, || old(&sb, Tool::Spok, &args, ""));
    assert_eq!(calls, 0, "{}\n{}", sb.proxy.summary(), r.dump());
    assert!(
        r.stdout.contains("Your credentials are still valid"),
        "{}",
        r.dump()
    );
    assert_eq!(outside(&read(&file), "default"), original);
    assert_used(&sb, "default", &file, Region::Given);
}

// ---------------------------------------------------------------------------------------
// iam-mfa 0.1.0: it records no expiration and always calls IAM and STS
// ---------------------------------------------------------------------------------------

fn iam_mfa_sandbox(user: &str) -> (Sandbox, String, String) {
    let (id, secret, serial) = iam_user(user);
    let sb = Sandbox::empty();
    let original = iam_mfa_layout(&id, &secret);
    sb.write_credentials(&original);
    sb.write_config(IAM_MFA_CONFIG);
    (sb, original, serial)
}

#[test]
fn iam_mfa_then_aws_mfa() {
    let user = "old-tools-iam-mfa-first";
    let (sb, original, serial) = iam_mfa_sandbox(user);
    let (r, _) = counted(&sb, || {
        old(
            &sb,
            Tool::IamMfa,
            &["corp", "corp-session", user],
            CODE_LINE,
        )
    });
    assert_eq!(
        (
            sb.proxy.count("ListMFADevices"),
            sb.proxy.count("GetSessionToken")
        ),
        (1, 1),
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(last_serial(&sb), serial);
    assert_written(&sb.credentials, "corp-session", &original);
    // iam-mfa writes no region for the new profile: the CLI needs one given.
    assert_used(&sb, "corp-session", &sb.credentials, Region::Given);

    // iam-mfa's [corp-session] records no expiration, so aws-mfa cannot know it is valid:
    // it renews it (one call), for the same user's device.
    let (r, _) = counted(&sb, || {
        ours(
            &sb,
            &[
                "--source-profile",
                "corp",
                "--write-profile",
                "corp-session",
                "--user",
                user,
            ],
            CODE_LINE,
        )
    });
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        2,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(last_serial(&sb), serial);
    assert_written(&sb.credentials, "corp-session", &original);
    assert_eq!(read(&sb.config), IAM_MFA_CONFIG);
    // aws-mfa writes corp's region into [corp-session].
    assert_used(&sb, "corp-session", &sb.credentials, Region::InResult);
}

#[test]
fn aws_mfa_then_iam_mfa() {
    let user = "old-tools-iam-mfa-second";
    let (sb, original, serial) = iam_mfa_sandbox(user);
    let (r, _) = counted(&sb, || {
        ours(
            &sb,
            &[
                "--source-profile",
                "corp",
                "--write-profile",
                "corp-session",
                "--user",
                user,
            ],
            CODE_LINE,
        )
    });
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(last_serial(&sb), serial);
    assert_written(&sb.credentials, "corp-session", &original);
    assert_used(&sb, "corp-session", &sb.credentials, Region::InResult);

    // Going back: iam-mfa never checks validity (it always calls IAM and STS), but it takes
    // aws-mfa's [corp-session] as short-term (no "keys will be overwritten" question) and
    // updates it in place.
    let (r, _) = counted(&sb, || {
        old(
            &sb,
            Tool::IamMfa,
            &["corp", "corp-session", user],
            CODE_LINE,
        )
    });
    assert!(
        !r.stdout.contains("WARNING") && !r.stdout.contains("canceled"),
        "{}",
        r.dump()
    );
    assert!(
        r.stdout.contains("corp-session credentials valid until"),
        "{}",
        r.dump()
    );
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        2,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(last_serial(&sb), serial);
    assert_written(&sb.credentials, "corp-session", &original);
    assert_used(&sb, "corp-session", &sb.credentials, Region::InResult);
}

// ---------------------------------------------------------------------------------------
// awsmfa 0.2.9 (dcoker's): it always calls, and records awsmfa_expiration
// ---------------------------------------------------------------------------------------

fn awsmfa_sandbox(user: &str) -> (Sandbox, String, String) {
    let (id, secret, serial) = iam_user(user);
    let sb = Sandbox::empty();
    let original = awsmfa_layout(&id, &secret);
    sb.write_credentials(&original);
    sb.write_config("");
    (sb, original, serial)
}

const AWSMFA_REPLACED: [&str; 4] = ["--source-profile", "identity", "--write-profile", "default"];

#[test]
fn awsmfa_then_aws_mfa() {
    let (sb, original, serial) = awsmfa_sandbox("old-tools-awsmfa-first");
    let (r, _) = counted(&sb, || old(&sb, Tool::Awsmfa, &[], CODE_LINE));
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(last_serial(&sb), serial);
    assert_written(&sb.credentials, "default", &original);
    // awsmfa copies [identity]'s region: the CLI needs no --region.
    assert_used(&sb, "default", &sb.credentials, Region::InResult);
    let written = read(&sb.credentials);

    // Its awsmfa_expiration makes the section valid for aws-mfa.
    let (r, calls) = counted(&sb, || ours(&sb, &AWSMFA_REPLACED, CODE_LINE));
    assert_eq!(calls, 0, "{}\n{}", sb.proxy.summary(), r.dump());
    assert!(
        r.stdout.contains("[default] is still valid"),
        "{}",
        r.dump()
    );
    assert_eq!(read(&sb.credentials), written);
}

#[test]
fn aws_mfa_then_awsmfa() {
    let (sb, original, serial) = awsmfa_sandbox("old-tools-awsmfa-second");
    let (r, _) = counted(&sb, || ours(&sb, &AWSMFA_REPLACED, CODE_LINE));
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(last_serial(&sb), serial);
    assert_written(&sb.credentials, "default", &original);
    // aws-mfa writes [identity]'s region into [default], as awsmfa did.
    assert_used(&sb, "default", &sb.credentials, Region::InResult);

    // Going back: awsmfa never checks validity (it always calls STS); it reads aws-mfa's
    // file and replaces [default] as it always did.
    let (r, _) = counted(&sb, || old(&sb, Tool::Awsmfa, &[], CODE_LINE));
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        2,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_written(&sb.credentials, "default", &original);
    assert_used(&sb, "default", &sb.credentials, Region::InResult);
}

// ---------------------------------------------------------------------------------------
// The awsmfa `[{profile}mfa]` convention (emulated): it records no expiration
// ---------------------------------------------------------------------------------------

fn pmfa_sandbox() -> (Sandbox, String) {
    let sb = Sandbox::empty();
    let original = pmfa_layout();
    sb.write_credentials(&original);
    sb.write_config("");
    (sb, original)
}

#[test]
fn pmfa_convention_then_aws_mfa() {
    let (sb, original) = pmfa_sandbox();
    let (r, calls) = counted(&sb, || emulated(&sb, &["pmfa", "george"], CODE_LINE, true));
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_written(&sb.credentials, "george", &original);
    assert_used(&sb, "george", &sb.credentials, Region::Given);

    // No expiration recorded: aws-mfa renews [george] (one call) from [georgemfa].
    let (r, calls) = counted(&sb, || ours(&sb, &["-p", "george"], CODE_LINE));
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_eq!(last_serial(&sb), DEVICE);
    assert_written(&sb.credentials, "george", &original);
    assert_used(&sb, "george", &sb.credentials, Region::Given);
}

#[test]
fn aws_mfa_then_pmfa_convention() {
    let (sb, original) = pmfa_sandbox();
    let (r, calls) = counted(&sb, || ours(&sb, &["-p", "george"], CODE_LINE));
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_eq!(last_serial(&sb), DEVICE);
    assert_written(&sb.credentials, "george", &original);
    assert_used(&sb, "george", &sb.credentials, Region::Given);

    let (r, calls) = counted(&sb, || emulated(&sb, &["pmfa", "george"], CODE_LINE, true));
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_written(&sb.credentials, "george", &original);
    assert_used(&sb, "george", &sb.credentials, Region::Given);
}

// ---------------------------------------------------------------------------------------
// aws-2fa-access-keys (emulated): it records no expiration
// ---------------------------------------------------------------------------------------

fn two_fa_sandbox(user: &str) -> (Sandbox, String, String) {
    let (id, secret, serial) = iam_user(user);
    let sb = Sandbox::empty();
    let config = two_fa_config(&id, &secret);
    sb.write_config(&config);
    fs::write(sb.home.join(".boto"), BOTO).expect("write ~/.boto");
    (sb, config, serial)
}

fn two_fa_replaced(user: &str) -> Vec<&str> {
    vec![
        "--source-profile",
        "my-keys",
        "-u",
        user,
        "-m",
        CODE,
        "--write-profile=default",
        "--write-boto",
    ]
}

#[test]
fn aws_2fa_access_keys_then_aws_mfa() {
    let user = "old-tools-2fa-first";
    let (sb, config, serial) = two_fa_sandbox(user);
    let boto = sb.home.join(".boto");
    let (r, calls) = counted(&sb, || {
        emulated(&sb, &["aws-get-token", "-u", user, "-m", CODE], "", false)
    });
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_eq!(last_serial(&sb), serial);
    assert_written(&sb.config, "default", &config);
    assert_written(&boto, "Credentials", BOTO);
    // Its [default] of the config has the region of [my-keys].
    assert_used(&sb, "default", &sb.credentials, Region::InResult);
    let written_config = read(&sb.config);

    // It records no expiration, so aws-mfa renews: [default] of the credentials file (which
    // the aws CLI reads before the config's) and [Credentials] of ~/.boto.
    let (r, _) = counted(&sb, || ours(&sb, &two_fa_replaced(user), ""));
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        2,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(last_serial(&sb), serial);
    assert_eq!(read(&sb.config), written_config);
    assert_written(&sb.credentials, "default", "");
    assert_written(&boto, "Credentials", BOTO);
    assert_used(&sb, "default", &sb.credentials, Region::InResult);
}

#[test]
fn aws_mfa_then_aws_2fa_access_keys() {
    let user = "old-tools-2fa-second";
    let (sb, config, serial) = two_fa_sandbox(user);
    let boto = sb.home.join(".boto");
    let (r, _) = counted(&sb, || ours(&sb, &two_fa_replaced(user), ""));
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert_eq!(last_serial(&sb), serial);
    assert_eq!(read(&sb.config), config);
    assert_written(&sb.credentials, "default", "");
    assert_written(&boto, "Credentials", BOTO);
    // aws-mfa writes [my-keys]' region into [default]: the CLI needs no --region.
    assert_used(&sb, "default", &sb.credentials, Region::InResult);
    let written = read(&sb.credentials);

    // Going back: the old script always calls; it reads the config aws-mfa left alone and
    // rewrites [Credentials] of ~/.boto, which aws-mfa wrote.
    let (r, calls) = counted(&sb, || {
        emulated(&sb, &["aws-get-token", "-u", user, "-m", CODE], "", false)
    });
    assert_eq!(calls, 1, "{}\n{}", sb.proxy.summary(), r.dump());
    assert_written(&sb.config, "default", &config);
    assert_written(&boto, "Credentials", BOTO);
    assert_eq!(read(&sb.credentials), written);
    assert_used(&sb, "default", &sb.credentials, Region::InResult);
}

// ---------------------------------------------------------------------------------------
// The README's "Coming from …" commands, as written
// ---------------------------------------------------------------------------------------

/// The ```ini blocks and the ```sh command lines (split as the shell splits them) of the
/// README section whose heading starts with `heading`.
fn readme_section(heading: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    let (mut blocks, mut commands) = (Vec::new(), Vec::new());
    let (mut found, mut inside, mut block) = (false, false, None::<(String, String)>);
    for line in readme.lines() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            match block.take() {
                Some((lang, text)) if inside => match lang.as_str() {
                    "ini" => blocks.push(text),
                    "sh" => {
                        for l in text.lines().filter(|l| !l.trim().is_empty()) {
                            let words = shell_words::split(l)
                                .unwrap_or_else(|e| panic!("README: {l:?}: {e}"));
                            commands.push(words);
                        }
                    }
                    _ => {}
                },
                Some(_) => {}
                None => block = Some((info.trim().to_string(), String::new())),
            }
            continue;
        }
        if let Some((_, text)) = block.as_mut() {
            text.push_str(line);
            text.push('\n');
        } else if line.starts_with('#') {
            inside = line.trim_start_matches('#').trim().starts_with(heading);
            found |= inside;
        }
    }
    assert!(found, "README.md has no section \"{heading}…\"");
    for c in &commands {
        assert_eq!(
            c.first().map(String::as_str),
            Some("aws-mfa"),
            "README \"{heading}…\": {c:?} is not an aws-mfa command"
        );
    }
    (blocks, commands)
}

/// `aws-mfa ARGS…` as a person runs it: the code, when one is asked, typed on the terminal.
#[track_caller]
fn typed(sb: &Sandbox, command: &[String]) {
    let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    let r = pty_run(sb, &[CODE], &args, DEFAULT_TIMEOUT);
    assert_eq!(r.code, 0, "{command:?}\n{}", r.dump());
}

/// `text` with the keys of the README's IAM user alice (created in moto, with the device
/// DEVICE) for AWS's example keys, where a tool checks whose keys they are.
fn with_alices_keys(text: &str) -> String {
    static ALICE: OnceLock<(String, String, String)> = OnceLock::new();
    let (id, secret, serial) = ALICE.get_or_init(|| iam_user("alice"));
    assert_eq!(serial, DEVICE);
    let out = text
        .replace(ACCESS_KEY_ID, id)
        .replace(SECRET_ACCESS_KEY, secret);
    assert_ne!(out, text, "the README's layout has no example keys");
    out
}

#[test]
fn readme_coming_from_the_python_aws_mfa() {
    let (blocks, commands) = readme_section("Coming from the Python aws-mfa");
    assert_eq!((blocks.len(), commands.len()), (1, 2), "{commands:?}");
    for command in &commands {
        let sb = Sandbox::empty();
        sb.write_credentials(&blocks[0]);
        sb.write_config("");
        typed(&sb, command);
        assert_eq!(sb.proxy.count("GetSessionToken"), 1, "{command:?}");
        assert_written(&sb.credentials, "dev", &blocks[0]);
        assert_used(&sb, "dev", &sb.credentials, Region::Given);
        // And the Python tool takes the result as valid.
        let (r, calls) = counted(&sb, || {
            old(&sb, Tool::PythonAwsMfa, &["--profile", "dev"], "")
        });
        assert_eq!(calls, 0, "{command:?}\n{}", r.dump());
    }
}

#[test]
fn readme_coming_from_awsmfa() {
    let (blocks, commands) = readme_section("Coming from awsmfa");
    assert_eq!((blocks.len(), commands.len()), (2, 2), "{commands:?}");

    // The [{profile}mfa] convention.
    let sb = Sandbox::empty();
    sb.write_credentials(&blocks[0]);
    sb.write_config("");
    typed(&sb, &commands[0]);
    assert_eq!(last_serial(&sb), DEVICE);
    assert_written(&sb.credentials, "prod", &blocks[0]);
    assert_used(&sb, "prod", &sb.credentials, Region::Given);

    // dcoker's awsmfa, with a moto user's keys for the README's: the device is found
    // through the key's IAM user.
    let (id, secret, serial) = iam_user("old-tools-readme-awsmfa");
    let layout = blocks[1]
        .replace(ACCESS_KEY_ID, &id)
        .replace(SECRET_ACCESS_KEY, &secret);
    assert_ne!(
        layout, blocks[1],
        "the README's [identity] has no example keys"
    );
    let sb = Sandbox::empty();
    sb.write_credentials(&layout);
    sb.write_config("");
    typed(&sb, &commands[1]);
    assert_eq!(last_serial(&sb), serial);
    assert_written(&sb.credentials, "default", &layout);
    assert_used(&sb, "default", &sb.credentials, Region::InResult);
}

#[test]
fn readme_coming_from_iam_mfa() {
    let (blocks, commands) = readme_section("Coming from iam-mfa");
    assert_eq!((blocks.len(), commands.len()), (1, 1), "{commands:?}");
    // iam-mfa's USERNAME owns the source profile's keys.
    let layout = with_alices_keys(&blocks[0]);
    let sb = Sandbox::empty();
    sb.write_credentials(&layout);
    sb.write_config(IAM_MFA_CONFIG);
    typed(&sb, &commands[0]);
    assert_eq!(last_serial(&sb), DEVICE);
    assert_written(&sb.credentials, "corp-session", &layout);
    assert_used(&sb, "corp-session", &sb.credentials, Region::InResult);
}

#[test]
fn readme_coming_from_aws_2fa_access_keys() {
    let (blocks, commands) = readme_section("Coming from aws-2fa-access-keys");
    assert_eq!((blocks.len(), commands.len()), (1, 1), "{commands:?}");
    let layout = with_alices_keys(&blocks[0]);
    let sb = Sandbox::empty();
    sb.write_config(&layout);
    typed(&sb, &commands[0]);
    assert_eq!(last_serial(&sb), DEVICE);
    assert_eq!(read(&sb.config), layout);
    assert_written(&sb.credentials, "default", "");
    assert_written(&sb.home.join(".boto"), "Credentials", "");
    assert_used(&sb, "default", &sb.credentials, Region::InResult);
}
