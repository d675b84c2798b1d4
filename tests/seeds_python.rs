//! The Python aws-mfa family (aws-mfa 0.0.12, aws-mfa-spok 0.0.14, aws-mfa-utility) and
//! awsmfa, seen from aws-mfa (issue 11): their options and argparse's prefixes, `--setup`,
//! a code on standard input, an `expiration` the Python tool reads back, awsmfa's
//! `awsmfa_expiration`, and the `region` of a written section. The side-by-side runs with
//! the real tools are in tests/old_tools.rs; these pin aws-mfa's own behaviour.

mod common;

use std::process::Command;

use common::*;

fn keys() -> String {
    format!("aws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n")
}

/// The Python aws-mfa's README layout: long-term keys and device in `[dev-long-term]`.
const PYTHON_LAYOUT: &str = "# work account\n[dev-long-term]\n";

fn python_layout() -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_credentials(&format!(
        "{PYTHON_LAYOUT}{}aws_mfa_device = {DEVICE}\n",
        keys()
    ));
    sb.write_config("");
    sb
}

fn credentials(sb: &Sandbox) -> String {
    std::fs::read_to_string(&sb.credentials).unwrap_or_default()
}

/// The keys of `[name]` in `text`, as written (no continuation lines in these files).
fn section_of(text: &str, name: &str) -> Vec<(String, String)> {
    let header = format!("[{name}]");
    text.lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn value<'a>(entries: &'a [(String, String)], key: &str) -> Option<&'a str> {
    entries
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------------------
// 1. The Python tools' options
// ---------------------------------------------------------------------------------------

#[test]
fn the_python_tools_option_spellings_are_accepted() {
    let sb = python_layout();
    // aws-mfa-utility's suffixes under the Python aws-mfa's short names, aws-mfa-spok's --token.
    sb.write_credentials(&format!("[dev-lt]\n{}aws_mfa_device = {DEVICE}\n", keys()));
    let r = run(&mut sb.cmd([
        "--profile",
        "dev",
        "--long-suffix",
        "lt",
        "--short-suffix",
        "short",
        "--token",
        CODE,
    ]));
    r.assert_success();
    assert!(r.stdout.contains("wrote [dev-short]"), "{}", r.dump());
    // --assume (of --assume-role) and --mfa-token (aws-mfa-spok's other name of --token).
    let r = run(&mut sb.cmd([
        "--profile",
        "dev",
        "--long-suffix",
        "lt",
        "--short-suffix",
        "admin",
        "--assume",
        ROLE_ADMIN,
        "--mfa-token",
        // Another code: aws-mfa never sends a code STS just accepted.
        "654321",
        "--force",
    ]));
    r.assert_success();
    let admin = section_of(&credentials(&sb), "dev-admin");
    assert_eq!(value(&admin, "assumed_role_arn"), Some(ROLE_ADMIN));
    assert_eq!(sb.proxy.count("AssumeRole"), 1, "{}", sb.proxy.summary());
    // A malformed code under an alias is refused before anything is sent.
    let before = sb.proxy.total();
    let r = run(&mut sb.cmd(["-p", "dev", "--long-suffix", "lt", "--token", "12345"]));
    r.assert_one_line_error();
    assert!(r.stderr.contains("6 digits"), "{}", r.dump());
    assert_eq!(sb.proxy.total(), before);
}

#[test]
fn log_level_maps_onto_the_verbosity() {
    let sb = python_layout();
    run(&mut sb.cmd(["-p", "dev", "--token-code", CODE])).assert_success();
    let calls = sb.proxy.total();
    // The Python tool's choices are upper-case; any case is taken, and `warn` too.
    for (level, verbose) in [
        ("DEBUG", true),
        ("debug", true),
        ("Info", true),
        ("NOTSET", true),
        ("WARNING", false),
        ("warn", false),
        ("error", false),
        ("CRITICAL", false),
    ] {
        let r = run(&mut sb.cmd(["-p", "dev", "--log-level", level]));
        r.assert_success();
        assert!(r.stdout.contains("[dev] is still valid"), "{}", r.dump());
        assert_eq!(
            r.stderr.contains("aws-mfa: debug: "),
            verbose,
            "{level}\n{}",
            r.dump()
        );
    }
    // Before a command too (as -v may stand), and in argparse's `--log-level=LEVEL` form.
    let r = run(&mut sb.cmd(["--log-level=debug", "list"]));
    r.assert_success();
    assert!(r.stderr.contains("aws-mfa: debug: "), "{}", r.dump());
    let r = run(&mut sb.cmd(["-p", "dev", "--log-level", "loud"]));
    r.assert_code(2);
    assert!(
        r.stderr.contains("--log-level") && r.stderr.contains("debug"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), calls);
}

#[test]
fn unambiguous_prefixes_of_long_options_are_taken_as_argparse_takes_them() {
    let sb = python_layout();
    let r = run(&mut sb.cmd(["--prof", "dev", "--dur", "900", "--tok", CODE]));
    r.assert_success();
    let calls = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(calls.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(calls[0].param("DurationSeconds"), Some("900"));
    assert_eq!(calls[0].param("TokenCode"), Some(CODE));
    // `--long` is --long-term-suffix under either of its names: no ambiguity.
    // Another code: aws-mfa never sends a code STS just accepted.
    let r = run(&mut sb.cmd([
        "--prof=dev",
        "--long",
        "long-term",
        "--f",
        "--tok",
        "654321",
    ]));
    r.assert_success();
    assert!(r.stdout.contains("wrote [dev]"), "{}", r.dump());
    assert_eq!(sb.proxy.count("GetSessionToken"), 2);
}

#[test]
fn an_ambiguous_prefix_is_a_usage_error_naming_the_candidates() {
    let sb = python_layout();
    for (args, candidates) in [
        (
            &["--s", "x"][..],
            &["--source-profile", "--short-term-suffix", "--setup"][..],
        ),
        (
            &["exec", "--re", "x", "--", "true"][..],
            &["--region", "--refresh"][..],
        ),
        (&["env", "--for", "sh"][..], &["--format", "--force"][..]),
    ] {
        let r = run(&mut sb.cmd(args));
        r.assert_code(2);
        let typed = args.iter().find(|a| a.starts_with("--")).unwrap();
        assert!(
            r.stderr.contains(&format!("'{typed}' is ambiguous")),
            "{args:?}\n{}",
            r.dump()
        );
        for candidate in candidates {
            assert!(r.stderr.contains(candidate), "{candidate}\n{}", r.dump());
        }
    }
    // Unknown stays unknown, with clap's suggestion.
    let r = run(&mut sb.cmd(["--profle", "dev"]));
    r.assert_code(2);
    assert!(r.stderr.contains("--profile"), "{}", r.dump());
    assert_eq!(sb.proxy.total(), 0);
}

#[test]
fn prefixes_leave_the_command_of_exec_and_write_profiles_equals_alone() {
    let sb = python_layout();
    // What follows the command, or `--`, is the command's, prefix of ours or not.
    let r = run(&mut sb.cmd([
        "exec",
        "--prof",
        "dev",
        "--tok",
        CODE,
        "--",
        "sh",
        "-c",
        "echo \"$@\"",
        "sh",
        "--prof",
        "--dur",
    ]));
    r.assert_success();
    assert_eq!(r.stdout, "--prof --dur\n", "{}", r.dump());
    let r = run(&mut sb.cmd([
        "exec",
        "--prof",
        "dev",
        "sh",
        "-c",
        "echo \"$@\"",
        "sh",
        "--tok",
        CODE,
    ]));
    r.assert_success();
    assert_eq!(r.stdout, format!("--tok {CODE}\n"), "{}", r.dump());
    // `--write-prof` is --write-profile, which takes a value only after `=` on exec.
    let r = run(&mut sb.cmd([
        "exec",
        "--prof",
        "dev",
        "--write-prof",
        "printenv",
        "AWS_MFA_PROFILE",
    ]));
    r.assert_success();
    assert_eq!(r.stdout, "dev\n", "{}", r.dump());
    assert_eq!(
        value(&section_of(&credentials(&sb), "dev"), "managed_by"),
        Some("aws-mfa")
    );
    let r = run(&mut sb.cmd(["exec", "--prof", "dev", "--write-prof=dev-copy", "true"]));
    r.assert_success();
    assert!(
        credentials(&sb).contains("[dev-copy]\n"),
        "{}",
        credentials(&sb)
    );
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

#[test]
fn the_completions_offer_no_hidden_alias() {
    let r = run(Command::new(BIN).args(["completions", "bash"]));
    r.assert_success();
    for hidden in [
        "--long-suffix",
        "--short-suffix",
        "--assume ",
        "--mfa-token",
        "--token ",
    ] {
        assert!(!r.stdout.contains(hidden), "{hidden} offered");
    }
    assert!(r.stdout.contains("--setup"), "--setup is not offered");
}

// ---------------------------------------------------------------------------------------
// 2. --setup
// ---------------------------------------------------------------------------------------

const OTHER_KEY_ID: &str = "AKIAI44QH8DHBEXAMPLE";
const OTHER_SECRET: &str = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";

#[test]
fn setup_asks_for_the_keys_on_the_terminal_and_writes_the_long_term_section() {
    let sb = python_layout();
    let before = credentials(&sb);
    // The name defaults to --profile; neither key is echoed.
    let t = on_terminal(
        &sb,
        &[
            ("[work]", ""),
            ("aws_access_key_id", OTHER_KEY_ID),
            ("aws_secret_access_key", OTHER_SECRET),
        ],
        &["--setup", "-p", "work"],
    );
    assert_eq!((t.code, t.answered), (0, 3), "{}", t.dump());
    assert!(
        !t.tty.contains(OTHER_SECRET) && !t.tty.contains(OTHER_KEY_ID),
        "echoed\n{}",
        t.dump()
    );
    let text = credentials(&sb);
    assert_eq!(
        text,
        format!(
            "{before}\n[work-long-term]\naws_access_key_id = {OTHER_KEY_ID}\naws_secret_access_key = {OTHER_SECRET}\n"
        )
    );
    assert_eq!(mode(&sb.credentials), 0o600);
    assert!(t.stdout.contains("[work-long-term]"), "{}", t.dump());
    assert_eq!(sb.proxy.total(), 0, "--setup only sets up");
    // The section is a long-term one: the classic run reads it.
    let r = run(&mut sb.cmd(["-p", "work", "--device", DEVICE, "--token-code", CODE]));
    r.assert_success();
    let calls = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(calls.len(), 1);
    assert!(
        calls[0]
            .header("authorization")
            .is_some_and(|a| a.contains(OTHER_KEY_ID)),
        "signed with the key set up"
    );

    // A typed name, the long-term suffix, and `default` with no --profile.
    let t = on_terminal(
        &sb,
        &[
            ("[default]", "corp"),
            ("aws_access_key_id", OTHER_KEY_ID),
            ("aws_secret_access_key", OTHER_SECRET),
        ],
        &["--setup", "--long-term-suffix", "keys"],
    );
    assert_eq!(t.code, 0, "{}", t.dump());
    assert!(
        credentials(&sb).contains("\n[corp-keys]\n"),
        "{}",
        credentials(&sb)
    );
}

#[test]
fn setup_keeps_what_a_section_holds_and_never_replaces_keys() {
    let sb = python_layout();
    // A prepared section without keys gets them, after what it holds.
    sb.append_credentials(&format!("\n[ops-long-term]\naws_mfa_device = {DEVICE}\n"));
    let t = on_terminal(
        &sb,
        &[
            ("Profile name", "ops"),
            ("aws_access_key_id", OTHER_KEY_ID),
            ("aws_secret_access_key", OTHER_SECRET),
        ],
        &["--setup"],
    );
    assert_eq!(t.code, 0, "{}", t.dump());
    let ops = section_of(&credentials(&sb), "ops-long-term");
    assert_eq!(
        ops.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        [
            "aws_mfa_device",
            "aws_access_key_id",
            "aws_secret_access_key"
        ]
    );
    // A section holding keys (or a session token) is refused before any key is asked for.
    let before = credentials(&sb);
    let t = on_terminal(&sb, &[("Profile name", "dev")], &["--setup"]);
    assert_eq!(t.code, 1, "{}", t.dump());
    assert!(
        t.stderr.contains("[dev-long-term]") && t.stderr.contains("holds keys already"),
        "{}",
        t.dump()
    );
    assert!(!t.tty.contains("aws_access_key_id"), "{}", t.dump());
    assert_eq!(credentials(&sb), before);
    // A key that is given empty or is no access key id stops it, writing nothing.
    for (key_id, said) in [("", "no access key id"), ("not a key", "access key id")] {
        let t = on_terminal(
            &sb,
            &[("Profile name", "new"), ("aws_access_key_id", key_id)],
            &["--setup"],
        );
        assert_eq!(t.code, 1, "{}", t.dump());
        assert!(t.stderr.contains(said), "{}", t.dump());
        assert_eq!(credentials(&sb), before);
    }
}

#[test]
fn setup_creates_a_private_file_and_needs_a_terminal() {
    let sb = Sandbox::empty();
    let t = on_terminal(
        &sb,
        &[
            ("Profile name", "dev"),
            ("aws_access_key_id", ACCESS_KEY_ID),
            ("aws_secret_access_key", SECRET_ACCESS_KEY),
        ],
        &["--setup"],
    );
    assert_eq!(t.code, 0, "{}", t.dump());
    assert_eq!(credentials(&sb), format!("[dev-long-term]\n{}", keys()));
    assert_eq!(mode(&sb.credentials), 0o600);
    let r = run(&mut sb.cmd(["--setup"]));
    r.assert_one_line_error();
    assert!(r.stderr.contains("terminal"), "{}", r.dump());
    // --setup is of the classic form: not before a command.
    run(&mut sb.cmd(["--setup", "list"])).assert_code(2);
}

// ---------------------------------------------------------------------------------------
// 3. A code on standard input
// ---------------------------------------------------------------------------------------

/// `sh -c SCRIPT` in the sandbox, with `$AWS_MFA` the binary.
fn sh(sb: &Sandbox, script: &str) -> Command {
    let mut cmd = sb.command("sh");
    cmd.args(["-c", script]).env("AWS_MFA", BIN);
    cmd
}

#[test]
fn the_classic_run_reads_the_code_from_a_standard_input_that_is_no_terminal() {
    let sb = python_layout();
    let r = run(&mut sh(&sb, &format!("echo {CODE} | \"$AWS_MFA\" -p dev")));
    r.assert_success();
    assert!(r.stdout.contains("wrote [dev]"), "{}", r.dump());
    let calls = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].param("TokenCode"), Some(CODE));
    // Still valid: nothing is read, nothing is sent.
    let r = run(&mut sh(&sb, "echo nonsense | \"$AWS_MFA\" -p dev"));
    r.assert_success();
    assert!(r.stdout.contains("still valid"), "{}", r.dump());
    // A flag or variable comes first; the line is then not read. Each STS call has a
    // code of its own: aws-mfa never sends a code STS just accepted.
    let r = run(&mut sh(
        &sb,
        "echo 000000 | \"$AWS_MFA\" -p dev --force --token-code 654321",
    ));
    r.assert_success();
    assert_eq!(
        sb.proxy.requests_for("GetSessionToken")[1].param("TokenCode"),
        Some("654321")
    );
    // Only the first line counts, spaces and CR around it dropped.
    let r = run(&mut sh(
        &sb,
        "printf ' 246810\\r\\nmore\\n' | \"$AWS_MFA\" -p dev --force",
    ));
    r.assert_success();
    assert_eq!(sb.proxy.count("GetSessionToken"), 3);
}

#[test]
fn an_empty_or_malformed_code_on_standard_input_is_one_sentence() {
    let sb = python_layout();
    for (input, said) in [
        ("", "no MFA code"),
        ("\n", "no MFA code"),
        ("98765\n", "6 digits"),
        ("9876543", "6 digits"),
    ] {
        let file = sb.root.join("stdin");
        std::fs::write(&file, input).unwrap();
        let r = run(sb
            .cmd(["-p", "dev"])
            .stdin(std::fs::File::open(&file).unwrap()));
        r.assert_one_line_error();
        assert!(
            r.stderr.contains(said) && r.stderr.contains("standard input"),
            "{input:?}\n{}",
            r.dump()
        );
        assert!(
            !r.stderr.contains("9876"),
            "the code is never shown\n{}",
            r.dump()
        );
    }
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    // exec keeps standard input for its command: no code is read from it.
    let r = run(&mut sh(
        &sb,
        &format!("echo {CODE} | \"$AWS_MFA\" exec -p dev -- cat"),
    ));
    r.assert_one_line_error();
    assert!(r.stderr.contains("no terminal"), "{}", r.dump());
    let r = run(&mut sh(
        &sb,
        &format!("echo {CODE} | \"$AWS_MFA\" env -p dev"),
    ));
    r.assert_one_line_error();
    assert_eq!(sb.proxy.total(), 0);
}

// ---------------------------------------------------------------------------------------
// 4. expiration as the Python aws-mfa reads it
// ---------------------------------------------------------------------------------------

/// What aws-mfa 0.0.12's `validate()` does with `[section]`, short of calling STS: its
/// RawConfigParser, the options it requires, the role it compares, `strptime` of
/// `expiration` against the UTC clock. Prints `valid`, or why the tool would renew.
const PYTHON_VALIDATE: &str = r#"
import configparser, datetime, sys
path, section, role = sys.argv[1], sys.argv[2], sys.argv[3] or None
config = configparser.RawConfigParser()
config.read(path)
required = ['assumed_role', 'aws_access_key_id', 'aws_secret_access_key',
            'aws_session_token', 'aws_security_token', 'expiration']
missing = [o for o in required if not config.has_option(section, o)]
if missing:
    print("missing " + " ".join(missing)); sys.exit()
current = config.get(section, 'assumed_role_arn') if config.has_option(section, 'assumed_role_arn') else None
if current != role:
    print("other role %r" % current); sys.exit()
exp = datetime.datetime.strptime(config.get(section, 'expiration'), '%Y-%m-%d %H:%M:%S')
print("valid" if (exp - datetime.datetime.utcnow()).total_seconds() > 0 else "expired")
"#;

fn python_aws_mfa_says(sb: &Sandbox, section: &str, role: Option<&str>) -> String {
    let mut cmd = sb.command(require_tool("python3"));
    cmd.args(["-c", PYTHON_VALIDATE])
        .arg(&sb.credentials)
        .args([section, role.unwrap_or("")]);
    let r = run(&mut cmd);
    r.assert_success();
    r.stdout.trim().to_string()
}

#[test]
fn the_written_expiration_is_the_python_aws_mfas_and_its_check_passes() {
    let sb = python_layout();
    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
    r.assert_success();
    let dev = section_of(&credentials(&sb), "dev");
    let expiration = value(&dev, "expiration").unwrap();
    let b = expiration.as_bytes();
    assert!(
        b.len() == 19
            && b[10] == b' '
            && expiration
                .replace([' ', '-', ':'], "")
                .bytes()
                .all(|c| c.is_ascii_digit()),
        "{expiration}"
    );
    // The same instant as the one aws-mfa says, in UTC.
    let said = format!("{}Z", expiration.replace(' ', "T"));
    assert!(r.stdout.contains(&said), "{said}\n{}", r.dump());
    let left = rfc3339_utc_to_unix(&said).unwrap() - now_unix();
    assert!((43_000..=43_200).contains(&left), "{left}");
    assert_eq!(python_aws_mfa_says(&sb, "dev", None), "valid");

    // With a role, then without: the role's ARN goes with it, as the Python tool removes it.
    let r = run(&mut sb.cmd([
        "-p",
        "dev",
        "--assume-role",
        ROLE_ADMIN,
        "--token-code",
        CODE,
    ]));
    r.assert_success();
    assert_eq!(python_aws_mfa_says(&sb, "dev", Some(ROLE_ADMIN)), "valid");
    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
    r.assert_success();
    assert!(r.stdout.contains("wrote [dev]"), "{}", r.dump());
    let dev = section_of(&credentials(&sb), "dev");
    assert_eq!(value(&dev, "assumed_role"), Some("False"));
    assert_eq!(value(&dev, "assumed_role_arn"), None, "{dev:?}");
    assert_eq!(python_aws_mfa_says(&sb, "dev", None), "valid");
    // And aws-mfa reads its own section back as valid.
    let r = run(&mut sb.cmd(["-p", "dev"]));
    r.assert_success();
    assert!(r.stdout.contains("[dev] is still valid"), "{}", r.dump());
}

#[test]
fn an_earlier_aws_mfas_rfc_3339_expiration_is_still_read() {
    let sb = python_layout();
    let later = rfc3339(now_unix() + 3600);
    sb.append_credentials(&format!(
        "\n[dev]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\n\
         aws_session_token = t\naws_security_token = t\nexpiration = {later}\n\
         assumed_role = False\naws_mfa_source_key_id = {ACCESS_KEY_ID}\n\
         aws_mfa_source_device = {DEVICE}\nmanaged_by = aws-mfa\n"
    ));
    let r = run(&mut sb.cmd(["-p", "dev"]));
    r.assert_success();
    assert!(
        r.stdout
            .contains(&format!("[dev] is still valid until {later}")),
        "{}",
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// 5. awsmfa's awsmfa_expiration
// ---------------------------------------------------------------------------------------

/// dcoker's awsmfa: long-term keys in `[identity]`, and `[default]` rewritten with the
/// identity's keys copied, the session's keys, and `awsmfa_expiration` (Python's
/// `isoformat()` of an aware UTC time).
fn awsmfa_layout(expiration: &str) -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_credentials(&format!(
        "[identity]\n{}region = eu-west-1\n\n[default]\nregion = eu-west-1\n\
         aws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = s\naws_session_token = t\n\
         awsmfa_expiration = {expiration}\n",
        keys()
    ));
    sb.write_config("");
    sb
}

#[test]
fn a_section_awsmfa_wrote_is_valid_until_its_awsmfa_expiration() {
    let later = now_unix() + 3600;
    let iso = rfc3339(later).replace('Z', "+00:00");
    let args = ["--source-profile", "identity", "--device", DEVICE];
    for written in [iso.clone(), iso.replace("+00:00", ".250000+00:00")] {
        let sb = awsmfa_layout(&written);
        let r = run(&mut sb.cmd(args));
        r.assert_success();
        assert!(
            r.stdout.contains(&format!(
                "[default] is still valid until {}",
                rfc3339(later)
            )),
            "{written}\n{}",
            r.dump()
        );
        assert_eq!(sb.proxy.total(), 0);
    }
    // Expired (or due within --min-remaining) is renewed.
    let sb = awsmfa_layout(&rfc3339(now_unix() + 60).replace('Z', "+00:00"));
    let r = run(sb.cmd(args).arg("--token-code").arg(CODE));
    r.assert_success();
    assert!(r.stdout.contains("wrote [default]"), "{}", r.dump());
    assert_eq!(sb.proxy.count("GetSessionToken"), 1);
}

// ---------------------------------------------------------------------------------------
// 6. region
// ---------------------------------------------------------------------------------------

/// `aws sts get-caller-identity --profile P` with no region given anywhere but the files.
fn aws_identity_without_region(sb: &Sandbox, profile: &str) -> Run {
    let mut cmd = sb.command(require_tool("aws"));
    cmd.args([
        "sts",
        "get-caller-identity",
        "--output",
        "json",
        "--profile",
        profile,
    ])
    .env("AWS_ENDPOINT_URL", moto().url())
    .env_remove("AWS_REGION")
    .env_remove("AWS_DEFAULT_REGION");
    run(&mut cmd)
}

#[test]
fn the_written_section_gets_the_region_of_the_key_source_for_the_aws_cli() {
    let sb = python_layout();
    sb.write_credentials(&format!(
        "[dev-long-term]\n{}aws_mfa_device = {DEVICE}\nregion = eu-west-2\n",
        keys()
    ));
    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
    r.assert_success();
    assert_eq!(
        value(&section_of(&credentials(&sb), "dev"), "region"),
        Some("eu-west-2")
    );
    let r = aws_identity_without_region(&sb, "dev");
    r.assert_success();
    assert!(r.stdout.contains(ACCOUNT), "{}", r.dump());

    // A region of the target's own, in either file, is never changed nor shadowed.
    let sb = python_layout();
    sb.write_credentials(&format!(
        "[dev-long-term]\n{}aws_mfa_device = {DEVICE}\nregion = eu-west-2\n\n[dev]\nregion = ap-south-1\n",
        keys()
    ));
    sb.write_config("[profile ops]\nregion = sa-east-1\n");
    run(&mut sb.cmd(["-p", "dev", "--token-code", CODE])).assert_success();
    let text = credentials(&sb);
    assert_eq!(
        value(&section_of(&text, "dev"), "region"),
        Some("ap-south-1")
    );
    assert_eq!(text.matches("region = ").count(), 2, "{text}");
    run(&mut sb.cmd(["exec", "-p", "dev", "--write-profile=ops", "true"])).assert_success();
    assert_eq!(value(&section_of(&credentials(&sb), "ops"), "region"), None);

    // A region given for this run only (flag, variable) is not written.
    let sb = python_layout();
    let r = run(sb
        .cmd(["-p", "dev", "--token-code", CODE, "--region", "eu-north-1"])
        .env("AWS_REGION", "eu-north-1"));
    r.assert_success();
    assert_eq!(value(&section_of(&credentials(&sb), "dev"), "region"), None);
}

#[test]
fn write_profile_gets_the_region_of_the_profile() {
    let sb = Sandbox::new();
    // admin's region is dev's (its source), from the config file.
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "admin",
        "--token-code",
        CODE,
        "--write-profile=admin-mfa",
        "true",
    ]));
    r.assert_success();
    assert_eq!(
        value(&section_of(&credentials(&sb), "admin-mfa"), "region"),
        Some("eu-west-1")
    );
    let r = aws_identity_without_region(&sb, "admin-mfa");
    r.assert_success();
    assert!(r.stdout.contains(":assumed-role/Admin/"), "{}", r.dump());
}
