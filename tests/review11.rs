//! Review of issue 11 as merged: what a user coming from the older tools, a script author
//! or an adversary can still break. Each test failed on main b990d6a before its fix.

mod common;

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;

// ---------------------------------------------------------------------------------------
// Auto-renew and the new spellings of the options it must not repeat
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Sh {
    Bash,
    Zsh,
    Fish,
}

impl Sh {
    fn init(self) -> &'static str {
        match self {
            Sh::Bash => r#"eval "$(aws-mfa init bash)""#,
            Sh::Zsh => r#"eval "$(aws-mfa init zsh)""#,
            Sh::Fish => "aws-mfa init fish | source",
        }
    }

    /// Prints what `use` remembered for auto-renew, each argument in `<>`, on one line.
    fn print_remembered(self) -> &'static str {
        match self {
            Sh::Bash | Sh::Zsh => "printf '<%s>' \"${_aws_mfa_use_args[@]}\"; echo",
            Sh::Fish => "printf '<%s>' $_aws_mfa_use_args; echo",
        }
    }
}

/// PATH with the directory of the binary under test first, for `command aws-mfa`.
fn path_with_binary() -> OsString {
    let dir = Path::new(BIN).parent().expect("binary directory");
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH")
}

/// `script` in a non-interactive shell of the sandbox (bash and zsh under `-eu`).
fn shell(sb: &Sandbox, sh: Sh, script: &str) -> Command {
    let (program, args): (&str, &[&str]) = match sh {
        Sh::Bash => ("bash", &["--norc", "--noprofile", "-euo", "pipefail", "-c"]),
        Sh::Zsh => ("zsh", &["-f", "-euo", "pipefail", "-c"]),
        Sh::Fish => ("fish", &["--no-config", "-c"]),
    };
    let mut cmd = sb.command(require_tool(program));
    cmd.args(args).arg(script).env("PATH", path_with_binary());
    cmd
}

/// Every spelling the program now takes of `--token-code CODE`, `--refresh`,
/// `--min-remaining S` and `--no-prompt` (the hook adds its own, and clap refuses a flag
/// given twice): none may be remembered for the renewals. (A refresh needs a code: the
/// one `--token-code` gives, which is forgotten already; each refresh has its own code, as
/// a code STS accepted is not sent again within 90 s.)
const SPENT: &[&str] = &[
    "--token-code 123456",
    "--token-code=123456",
    "-m 123456",
    "-m123456",
    "--token 123456",
    "--token=123456",
    "--mfa-token 123456",
    "--mfa-token=123456",
    "--tok 123456",
    "--token-c=123456",
    "--mf 123456",
    "--refresh --token-code 222222",
    "--force --token-code 333333",
    "--ref --token-code 444444",
    "--forc --token-code 555555",
    "--min-remaining 600",
    "--min 600",
    "--min-rem=600",
    "--no-prompt",
    "--no-p",
];

fn use_remembers_no_spent_spelling(sh: Sh) {
    let sb = Sandbox::new();
    let mut script = format!("{}\n", sh.init());
    for (i, spelling) in SPENT.iter().enumerate() {
        script.push_str(&format!(
            "aws-mfa use dev {spelling} --region eu-west-1\necho '@@ {i}'\n{}\n",
            sh.print_remembered()
        ));
    }
    let r = run(&mut shell(&sb, sh, &script));
    r.assert_success();
    let mut lines = r.stdout.lines();
    let mut wrong = Vec::new();
    for (i, spelling) in SPENT.iter().enumerate() {
        assert_eq!(
            lines.next(),
            Some(format!("@@ {i}").as_str()),
            "{}",
            r.dump()
        );
        let remembered = lines.next().unwrap_or_default();
        if remembered != "<--region><eu-west-1>" {
            wrong.push(format!(
                "use dev {spelling} --region eu-west-1 → {remembered}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{sh:?}: the renewals would repeat these:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn use_remembers_no_spelling_of_a_spent_code_a_refresh_a_margin_or_no_prompt_bash() {
    use_remembers_no_spent_spelling(Sh::Bash);
}

#[test]
fn use_remembers_no_spelling_of_a_spent_code_a_refresh_a_margin_or_no_prompt_zsh() {
    use_remembers_no_spent_spelling(Sh::Zsh);
}

#[test]
fn use_remembers_no_spelling_of_a_spent_code_a_refresh_a_margin_or_no_prompt_fish() {
    use_remembers_no_spent_spelling(Sh::Fish);
}

/// The consequence, end to end: after `aws-mfa use admin -m CODE` (iam-mfa's and
/// aws-2fa-access-keys' spelling), a renewal that needs a new code must not send the spent
/// one to STS (AWS refuses it, and failed MFA attempts count against the device).
#[test]
fn a_renewal_after_use_with_m_sends_no_spent_code_to_sts() {
    let sb = Sandbox::new();
    // One shell: `use`, then nothing cached any more (a renewal needs a new code), then
    // the prompt hook with the credentials about to expire.
    let script = format!(
        "{}\naws-mfa use admin -m {CODE}\n\
         find \"$AWS_MFA_CACHE_DIR\" -name '*.json' -delete\n\
         echo \"@@ left $(find \"$AWS_MFA_CACHE_DIR\" -name '*.json' | wc -l)\"\n\
         export AWS_MFA_AUTO_RENEW=1 AWS_CREDENTIAL_EXPIRATION={}\n\
         for c in \"${{PROMPT_COMMAND[@]}}\"; do eval \"$c\"; done\n",
        Sh::Bash.init(),
        rfc3339(now_unix() + 60)
    );
    let r = run(&mut shell(&sb, Sh::Bash, &script));
    r.assert_success();
    assert!(r.stdout.contains("@@ left 0\n"), "{}", r.dump());
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "the renewal sent the code of `use` again\n{}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    assert!(
        r.stderr.contains("a new MFA code is needed"),
        "the renewal says a code is needed\n{}",
        r.dump()
    );
}

/// PowerShell is not installed here: its script names the same spellings as the others.
#[test]
fn the_powershell_script_forgets_the_same_spellings() {
    let ps =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("shell/aws-mfa.ps1"))
            .expect("read the PowerShell script");
    let body = &ps[ps.find("function global:_AwsMfaUse(").expect("_AwsMfaUse")..];
    let body = &body[..body.find("\n}\n").expect("end of _AwsMfaUse")];
    for name in [
        "'-m'",
        "'-m?*'",
        "'--token-code'",
        "'--mfa-token'",
        "'--min-remaining'",
        "'--refresh'",
        "'--force'",
        "'--no-prompt'",
        "_AwsMfaAbbreviates",
    ] {
        assert!(body.contains(name), "_AwsMfaUse does not name {name}");
    }
    assert!(
        ps.contains("function global:_AwsMfaAbbreviates("),
        "no prefix helper"
    );
}

// ---------------------------------------------------------------------------------------
// --setup
// ---------------------------------------------------------------------------------------

#[test]
fn setup_into_a_readable_file_warns_about_long_term_keys_not_session_credentials() {
    require_tool("python3");
    let sb = Sandbox::empty();
    std::fs::write(&sb.credentials, "[other]\nregion = eu-west-1\n").unwrap();
    std::fs::set_permissions(
        &sb.credentials,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
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
    let stderr = &t.stderr;
    assert!(
        stderr.contains("readable by other users") && stderr.contains("long-term keys"),
        "{stderr}"
    );
    assert!(!stderr.contains("session credentials"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// The Python tools' prefixes
// ---------------------------------------------------------------------------------------

/// Prefixes argparse took as one option of the Python aws-mfa (0.0.12) or aws-mfa-spok
/// (0.0.14), where aws-mfa has more options starting so.
const PYTHON_ONLY_PREFIXES: &[&str] = &["--r", "--ro", "--rol", "--role", "--role-", "--c", "--m"];

#[test]
fn a_prefix_of_one_python_option_is_that_option_in_the_classic_workflow() {
    let sb = Sandbox::empty();
    sb.write_config("");
    for prefix in PYTHON_ONLY_PREFIXES {
        // No such profile: an error of the run (exit 1), not of the command line (exit 2).
        let r = run(&mut sb.cmd(["-p", "nothing", prefix, "value"]));
        assert_eq!(r.code(), Some(1), "{prefix}: {}", r.dump());
    }
    // What they mean: --role is --role-session-name, --m is --mfa-token (the code), --c is
    // --creds-file.
    let credentials = sb.root.join("python-credentials");
    std::fs::write(
        &credentials,
        format!(
            "[dev-long-term]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\naws_mfa_device = {DEVICE}\n"
        ),
    )
    .unwrap();
    let path = credentials.to_string_lossy().to_string();
    let r = run(&mut sb.cmd([
        "-p", "dev", "--assume", ROLE_ADMIN, "--role", "rev11", "--m", CODE, "--c", &path,
    ]));
    r.assert_success();
    let assumed = sb.proxy.requests_for("AssumeRole");
    assert_eq!(assumed.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(assumed[0].param("RoleSessionName"), Some("rev11"));
    let sessions = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(sessions[0].param("TokenCode"), Some(CODE));
    let written = std::fs::read_to_string(&credentials).unwrap();
    assert!(written.contains("\n[dev]\n"), "{written}");
    // After a command, aws-mfa's own options decide: still ambiguous.
    let r = run(&mut sb.cmd(["env", "-p", "dev", "--role", "x"]));
    r.assert_code(2);
    assert!(r.stderr.contains("ambiguous"), "{}", r.dump());
}

// ---------------------------------------------------------------------------------------
// A code on standard input that does not come at once
// ---------------------------------------------------------------------------------------

/// A tool that leaves standard input open with nothing written (an IDE's task runner, a
/// parent's `subprocess` pipe): the Python aws-mfa printed its prompt and waited; aws-mfa
/// says at once what it waits for, and still takes the code when it comes.
#[test]
fn a_silent_standard_input_is_told_what_it_is_waited_for() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let sb = Sandbox::empty();
    sb.write_config("");
    sb.write_credentials(&format!(
        "[dev-long-term]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\naws_mfa_device = {DEVICE}\n"
    ));
    let mut child = sb
        .cmd(["-p", "dev"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aws-mfa");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let said = rx.recv_timeout(Duration::from_secs(15));
    let Ok(line) = said else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("nothing said on stderr within 15 s while waiting on standard input");
    };
    assert!(
        line.contains("standard input") && line.contains(DEVICE) && line.contains("60 s"),
        "{line}"
    );
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{CODE}").unwrap();
    drop(stdin);
    let out = child.wait_with_output().expect("wait for aws-mfa");
    reader.join().expect("stderr reader");
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(out.status.success(), "{out:?}\n{rest:?}");
    assert!(rest.is_empty(), "one line only: {rest:?}");
    let sessions = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(sessions.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(sessions[0].param("TokenCode"), Some(CODE));
}

// ---------------------------------------------------------------------------------------
// The README's iam-mfa command beside a `[default]` of the config
// ---------------------------------------------------------------------------------------

/// The command lines of the ```sh blocks of the README section headed `heading`.
fn readme_commands(heading: &str) -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let (mut inside, mut in_sh, mut commands) = (false, false, Vec::new());
    for line in readme.lines() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            in_sh = !in_sh && inside && info.trim() == "sh";
            continue;
        }
        if line.starts_with('#') {
            inside = line.trim_start_matches('#').trim() == heading;
        } else if in_sh && !line.trim().is_empty() {
            commands.push(shell_words::split(line).expect("a command line"));
        }
    }
    commands
}

/// iam-mfa's SOURCE gives the keys and the settings; the `[default]` that `aws configure`
/// leaves (its region, here also a role) is none of iam-mfa's business, nor of its
/// replacement's: the README says `[corp-session]` gets corp's region.
#[test]
fn the_readme_iam_mfa_command_takes_corps_settings_not_defaults() {
    let sb = Sandbox::empty();
    let user = "rev11-iam-mfa";
    moto_admin_aws(&sb, &["iam", "create-user", "--user-name", user]);
    let key = moto_admin_aws(&sb, &["iam", "create-access-key", "--user-name", user]);
    let field = |k: &str| key["AccessKey"][k].as_str().unwrap().to_string();
    let seed = sb.root.join("device.seed");
    let device = moto_admin_aws(
        &sb,
        &[
            "iam",
            "create-virtual-mfa-device",
            "--virtual-mfa-device-name",
            user,
            "--outfile",
            &seed.to_string_lossy(),
            "--bootstrap-method",
            "Base32StringSeed",
        ],
    );
    let serial = device["VirtualMFADevice"]["SerialNumber"].as_str().unwrap();
    moto_admin_aws(
        &sb,
        &[
            "iam",
            "enable-mfa-device",
            "--user-name",
            user,
            "--serial-number",
            serial,
            "--authentication-code1",
            "123456",
            "--authentication-code2",
            "654321",
        ],
    );
    let corp = format!(
        "[corp]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        field("AccessKeyId"),
        field("SecretAccessKey")
    );
    sb.write_credentials(&corp);
    sb.write_config(&format!(
        "[default]\nregion = us-east-1\nrole_arn = {ROLE_ADMIN}\nsource_profile = corp\n\n\
         [profile corp]\nregion = eu-west-1\n"
    ));
    let commands = readme_commands("Coming from iam-mfa");
    assert_eq!(commands.len(), 1, "{commands:?}");
    let args: Vec<String> = commands[0][1..]
        .iter()
        .map(|a| {
            if a == "alice" {
                user.to_string()
            } else {
                a.clone()
            }
        })
        .chain(["--token-code".to_string(), CODE.to_string()])
        .collect();
    let r = run(&mut sb.cmd(&args));
    r.assert_success();
    assert_eq!(
        sb.proxy.count("AssumeRole"),
        0,
        "{args:?}: {}",
        sb.proxy.summary()
    );
    let text = std::fs::read_to_string(&sb.credentials).unwrap();
    let session = &text[text.find("[corp-session]").expect("[corp-session]")..];
    assert!(
        session.contains("\nregion = eu-west-1\n"),
        "{args:?}:\n{text}"
    );
    let sessions = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(sessions[0].param("SerialNumber"), Some(serial));
}
