//! The shell integration (docs/design.md §7) run in real shells: `aws-mfa use`/`off`, the
//! pass-through, the prompt helper, the auto-renew hook and the include guard, in bash
//! (under `-euo pipefail`), zsh and fish; the PowerShell script is checked as text (pwsh
//! is not installed here). See `tests/common/mod.rs` for the harness.
//!
//! Nothing here is skipped: a missing bash, zsh, fish, shellcheck or strace fails the test
//! that needs it, with the reason.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sh {
    Bash,
    Zsh,
    Fish,
}

impl Sh {
    fn program(self) -> &'static str {
        match self {
            Sh::Bash => "bash",
            Sh::Zsh => "zsh",
            Sh::Fish => "fish",
        }
    }

    /// The setup line the README gives.
    fn init(self) -> &'static str {
        match self {
            Sh::Bash => r#"eval "$(aws-mfa init bash)""#,
            Sh::Zsh => r#"eval "$(aws-mfa init zsh)""#,
            Sh::Fish => "aws-mfa init fish | source",
        }
    }

    /// Run `command`, then print `@@ NAME` and its exit status (never stopping the script).
    fn status(self, name: &str, command: &str) -> String {
        match self {
            Sh::Bash | Sh::Zsh => {
                format!("{command} && st=0 || st=$?\necho '@@ {name}'; echo \"$st\"\n")
            }
            Sh::Fish => format!("{command}\nset st $status\necho '@@ {name}'; echo $st\n"),
        }
    }

    /// Set a global variable of the shell (exported or not).
    fn set(self, name: &str, value: &str, export: bool) -> String {
        match (self, export) {
            (Sh::Fish, true) => format!("set -gx {name} {value}\n"),
            (Sh::Fish, false) => format!("set -g {name} {value}\n"),
            (_, true) => format!("export {name}={value}\n"),
            (_, false) => format!("{name}={value}\n"),
        }
    }

    fn unset(self, name: &str) -> String {
        match self {
            Sh::Fish => format!("set -e {name}\n"),
            _ => format!("unset {name}\n"),
        }
    }

    /// Run the prompt hooks as the shell does before a prompt.
    fn run_prompt_hooks(self) -> &'static str {
        match self {
            Sh::Bash => "for c in \"${PROMPT_COMMAND[@]}\"; do eval \"$c\"; done\n",
            Sh::Zsh => "for f in $precmd_functions; do $f; done\n",
            Sh::Fish => "emit fish_prompt\n",
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

/// `shell` running `script` non-interactively in the sandbox: bash with `-euo pipefail`,
/// zsh with `-euo pipefail` and no rc files, fish with no config.
fn shell(sb: &Sandbox, sh: Sh, script: &str) -> Command {
    let program = require_tool(sh.program());
    let mut cmd = sb.command(program);
    match sh {
        Sh::Bash => cmd.args(["--norc", "--noprofile", "-euo", "pipefail", "-c"]),
        Sh::Zsh => cmd.args(["-f", "-euo", "pipefail", "-c"]),
        Sh::Fish => cmd.args(["--no-config", "-c"]),
    };
    cmd.arg(script).env("PATH", path_with_binary());
    cmd
}

/// An interactive bash or zsh reading `lines` from stdin: it runs its prompt hooks
/// (PROMPT_COMMAND, precmd) before each line, as at a terminal. Prompts go to stderr.
fn interactive(sb: &Sandbox, sh: Sh, lines: &str) -> Command {
    let program = require_tool(sh.program());
    let script = sb.root.join(format!("interactive-{}.txt", sh.program()));
    std::fs::write(&script, lines).expect("write script");
    let mut cmd = sb.command(program);
    match sh {
        Sh::Bash => cmd.args(["--norc", "--noprofile", "-i"]),
        Sh::Zsh => cmd.args(["-f", "-i"]),
        Sh::Fish => panic!("fish does not run fish_prompt with stdin from a file; use emit"),
    };
    cmd.env("PATH", path_with_binary())
        .stdin(std::fs::File::open(&script).expect("open script"));
    cmd
}

/// The output split at `@@ NAME` lines: NAME → the text that follows it.
fn sections(stdout: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut current: Option<String> = None;
    for line in stdout.lines() {
        if let Some(name) = line.strip_prefix("@@ ") {
            current = Some(name.to_string());
            out.insert(name.to_string(), String::new());
        } else if let Some(name) = &current {
            let text = out.get_mut(name).expect("section");
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

#[track_caller]
fn section<'a>(sections: &'a HashMap<String, String>, name: &str, run: &Run) -> &'a str {
    sections
        .get(name)
        .unwrap_or_else(|| panic!("no section {name:?} in the output\n{}", run.dump()))
}

/// The output of `env` in a section, less `_` (the shell's last argument).
#[track_caller]
fn env_section(
    sections: &HashMap<String, String>,
    name: &str,
    run: &Run,
) -> HashMap<String, String> {
    let mut env = parse_env(section(sections, name, run));
    env.remove("_");
    env
}

/// The lines of `stderr` from "aws-mfa: " on (a prompt may precede it on its line).
fn messages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.find("aws-mfa: ").map(|i| l[i..].to_string()))
        .collect()
}

/// Delete the cache entries of this kind (`role` or `session`); returns how many.
fn delete_cache_entries(sb: &Sandbox, kind: &str) -> usize {
    let mut n = 0;
    for path in sb.cache_entries() {
        let text = std::fs::read_to_string(&path).expect("read cache entry");
        let entry: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        if entry["kind"] == kind {
            std::fs::remove_file(&path).expect("delete cache entry");
            n += 1;
        }
    }
    n
}

/// The variable list a script declares for `off`, in order.
fn declared_variables(script: &str) -> Vec<String> {
    let start = script
        .find("_aws_mfa_vars")
        .or_else(|| script.find("_AwsMfaVars"))
        .expect("variable list");
    script[start..]
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("AWS_"))
        .take(USE_VARIABLES.len())
        .map(str::to_string)
        .collect()
}

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

// ---------------------------------------------------------------------------------------
// use → set in the shell and seen by a child → off → all gone
// ---------------------------------------------------------------------------------------

fn use_and_off(sh: Sh) {
    let sb = Sandbox::new();
    let is_function = match sh {
        Sh::Bash => "type -t aws-mfa",
        Sh::Zsh => "whence -w aws-mfa",
        Sh::Fish => "type -t aws-mfa",
    };
    let script = format!(
        "{init}\n\
         echo '@@ type'; {is_function}\n\
         echo '@@ before'; env\n\
         aws-mfa use dev --token-code {CODE}\n\
         echo '@@ shell'; printf '%s\\n' \"$AWS_MFA_PROFILE\" \"$AWS_REGION\"\n\
         echo '@@ child'; sh -c env\n\
         aws-mfa off\n\
         echo '@@ after'; env\n\
         echo '@@ end'\n",
        init = sh.init(),
    );
    let mut cmd = shell(&sb, sh, &script);
    cmd.env("KEEP_ME", "1");
    let r = run(&mut cmd);
    r.assert_success();
    let s = sections(&r.stdout);
    assert!(
        section(&s, "type", &r).contains("function"),
        "{sh:?}: aws-mfa is not a shell function\n{}",
        r.dump()
    );
    assert_eq!(
        section(&s, "shell", &r),
        "dev\neu-west-1\n",
        "{sh:?}: the shell's own variables\n{}",
        r.dump()
    );

    let child = env_section(&s, "child", &r);
    let get = |k: &str| {
        child
            .get(k)
            .unwrap_or_else(|| panic!("{sh:?}: the child does not see {k}\n{}", r.dump()))
            .as_str()
    };
    // The credentials cached for dev (credential-process serves them from the cache).
    let cached = run(&mut sb.cmd(["credential-process", "-p", "dev"]));
    cached.assert_success();
    let cached: serde_json::Value =
        serde_json::from_str(&cached.stdout).expect("credential-process JSON");
    assert_eq!(get("AWS_ACCESS_KEY_ID"), cached["AccessKeyId"]);
    assert_eq!(get("AWS_SECRET_ACCESS_KEY"), cached["SecretAccessKey"]);
    assert_eq!(get("AWS_SESSION_TOKEN"), cached["SessionToken"]);
    assert_eq!(get("AWS_CREDENTIAL_EXPIRATION"), cached["Expiration"]);
    assert_ne!(get("AWS_SECRET_ACCESS_KEY"), SECRET_ACCESS_KEY);
    let exp = rfc3339_utc_to_unix(get("AWS_CREDENTIAL_EXPIRATION"))
        .unwrap_or_else(|| panic!("expiration is not RFC 3339\n{}", r.dump()));
    assert!(exp > now_unix() + 3600, "{}", r.dump());
    assert_eq!(get("AWS_REGION"), "eu-west-1");
    assert_eq!(get("AWS_DEFAULT_REGION"), "eu-west-1");
    assert_eq!(get("AWS_MFA_PROFILE"), "dev");
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );

    let before = env_section(&s, "before", &r);
    let after = env_section(&s, "after", &r);
    for var in USE_VARIABLES {
        assert!(
            !after.contains_key(var),
            "{sh:?}: {var} survived `aws-mfa off`\n{}",
            r.dump()
        );
    }
    assert_eq!(after.get("KEEP_ME").map(String::as_str), Some("1"));
    assert_eq!(
        before, after,
        "{sh:?}: `off` must unset what `use` set and nothing else"
    );
}

#[test]
fn use_sets_credentials_and_off_removes_them_bash() {
    use_and_off(Sh::Bash);
}

#[test]
fn use_sets_credentials_and_off_removes_them_zsh() {
    use_and_off(Sh::Zsh);
}

#[test]
fn use_sets_credentials_and_off_removes_them_fish() {
    use_and_off(Sh::Fish);
}

// ---------------------------------------------------------------------------------------
// Include guard
// ---------------------------------------------------------------------------------------

fn init_twice(sh: Sh, setup: &str, show_hooks: &str) -> (Run, HashMap<String, String>) {
    let sb = Sandbox::new();
    // The hook's work replaced by a trace, to count how often the prompt hooks call it.
    let traced_renewal = match sh {
        Sh::Fish => "function _aws_mfa_auto_renew; echo RAN; end",
        _ => "_aws_mfa_auto_renew() { echo RAN; }",
    };
    let script = format!(
        "{setup}\n{init}\n{init}\n\
         echo '@@ hooks'; {show_hooks}\n\
         aws-mfa use dev --token-code {CODE}\n\
         echo '@@ use'; printf '%s\\n' \"$AWS_MFA_PROFILE\"\n\
         {traced_renewal}\n\
         {auto}\
         echo '@@ prompt'\n\
         {hooks}\
         aws-mfa off\n\
         echo '@@ off'; sh -c 'echo \"[${{AWS_MFA_PROFILE-}}]\"'\n",
        init = sh.init(),
        auto = sh.set("AWS_MFA_AUTO_RENEW", "1", false),
        hooks = sh.run_prompt_hooks(),
    );
    let r = run(&mut shell(&sb, sh, &script));
    r.assert_success();
    let s = sections(&r.stdout);
    assert_eq!(section(&s, "use", &r), "dev\n", "{}", r.dump());
    assert_eq!(
        section(&s, "prompt", &r),
        "RAN\n",
        "{sh:?}: the hook must run exactly once per prompt\n{}",
        r.dump()
    );
    assert_eq!(section(&s, "off", &r), "[]\n", "{}", r.dump());
    (r, s)
}

#[test]
fn init_twice_adds_one_hook_and_keeps_prompt_command_bash() {
    let (r, s) = init_twice(
        Sh::Bash,
        "PROMPT_COMMAND='echo keep >/dev/null'",
        "printf '%s\\n' \"$PROMPT_COMMAND\"",
    );
    assert_eq!(
        section(&s, "hooks", &r),
        "echo keep >/dev/null\n_aws_mfa_hook\n",
        "{}",
        r.dump()
    );
}

#[test]
fn init_twice_appends_to_a_prompt_command_array_once_bash() {
    let (r, s) = init_twice(
        Sh::Bash,
        "PROMPT_COMMAND=(': first' ': second')",
        "declare -p PROMPT_COMMAND",
    );
    assert_eq!(
        section(&s, "hooks", &r),
        "declare -a PROMPT_COMMAND=([0]=\": first\" [1]=\": second\" [2]=\"_aws_mfa_hook\")\n",
        "{}",
        r.dump()
    );
}

#[test]
fn init_twice_adds_one_precmd_hook_zsh() {
    let (r, s) = init_twice(
        Sh::Zsh,
        "keep() { : }; precmd_functions=(keep)",
        "print -l -- $precmd_functions",
    );
    assert_eq!(
        section(&s, "hooks", &r),
        "keep\n_aws_mfa_hook\n",
        "{}",
        r.dump()
    );
}

#[test]
fn init_twice_leaves_one_prompt_handler_fish() {
    let (r, s) = init_twice(
        Sh::Fish,
        "",
        "functions --handlers-type generic | string match '*_aws_mfa*'",
    );
    assert_eq!(
        section(&s, "hooks", &r),
        "fish_prompt _aws_mfa_hook\n",
        "{}",
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// Pass-through and failures
// ---------------------------------------------------------------------------------------

fn pass_through(sh: Sh) {
    let sb = Sandbox::new();
    let script = [
        format!("{}\n", sh.init()),
        sh.status(
            "exec",
            &format!("aws-mfa exec -p dev --token-code {CODE} -- sh -c 'exit 7'"),
        ),
        sh.status("unknown", "aws-mfa use nosuch"),
        "echo '@@ unknown-env'; env\n".to_string(),
        format!("aws-mfa use dev --token-code {CODE}\n"),
        sh.status("unknown-after-dev", "aws-mfa use nosuch"),
        "echo '@@ still-dev'; sh -c 'echo \"$AWS_MFA_PROFILE $AWS_REGION\"'\n".to_string(),
        sh.status("no-profile", "aws-mfa use"),
        sh.status("off-extra", "aws-mfa off now"),
        sh.status("version", "aws-mfa --version >/dev/null"),
    ]
    .concat();
    let r = run(&mut shell(&sb, sh, &script));
    r.assert_success();
    let s = sections(&r.stdout);
    let status = |name: &str| section(&s, name, &r).trim().to_string();
    assert_eq!(status("exec"), "7", "{sh:?}: exec's status\n{}", r.dump());
    assert_eq!(status("unknown"), "1", "{}", r.dump());
    let env = env_section(&s, "unknown-env", &r);
    for var in USE_VARIABLES {
        assert!(
            !env.contains_key(var),
            "{sh:?}: a failed `use` set {var}\n{}",
            r.dump()
        );
    }
    assert_eq!(status("unknown-after-dev"), "1", "{}", r.dump());
    assert_eq!(
        section(&s, "still-dev", &r),
        "dev eu-west-1\n",
        "{sh:?}: a failed `use` must keep the credentials already set\n{}",
        r.dump()
    );
    assert_eq!(status("no-profile"), "2", "{}", r.dump());
    assert_eq!(status("off-extra"), "2", "{}", r.dump());
    assert_eq!(status("version"), "0", "{}", r.dump());
    let errors = messages(&r.stderr);
    assert_eq!(
        errors.len(),
        4,
        "{sh:?}: one line per failed `use`/`off`\n{}",
        r.dump()
    );
    assert!(errors[0].contains("nosuch"), "{}", r.dump());
    assert!(
        errors[2].contains("usage: aws-mfa use PROFILE"),
        "{}",
        r.dump()
    );
}

#[test]
fn other_commands_pass_through_with_their_status_bash() {
    pass_through(Sh::Bash);
}

#[test]
fn other_commands_pass_through_with_their_status_zsh() {
    pass_through(Sh::Zsh);
}

#[test]
fn other_commands_pass_through_with_their_status_fish() {
    pass_through(Sh::Fish);
}

/// Profile names that would run code if anything evaluated them (as in e2e.rs).
const HOSTILE_NAMES: [&str; 3] = [
    r#"x'$(touch PWNED1)'"#,
    r#"x\'(touch PWNED2)\'"#,
    r#"x"$(touch PWNED3)"`touch PWNED4`"#,
];

fn hostile_names(sh: Sh) {
    let sb = Sandbox::new();
    for name in HOSTILE_NAMES {
        // In the credentials file alone: botocore splits a config header as a shell would, so
        // `[profile x'…']` would name another profile.
        sb.append_credentials(&format!(
            "\n[{name}]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n\
             mfa_serial = {DEVICE}\nregion = eu-west-1\n"
        ));
    }
    for name in HOSTILE_NAMES {
        let script = format!(
            "{init}\n\
             aws-mfa use \"$NAME\" --token-code {CODE}\n\
             echo '@@ child'; sh -c 'printf \"%s\\n\" \"$AWS_MFA_PROFILE\"'\n\
             echo '@@ prompt'; aws_mfa_prompt\n",
            init = sh.init()
        );
        let mut cmd = shell(&sb, sh, &script);
        cmd.env("NAME", name);
        let r = run(&mut cmd);
        let pwned = std::fs::read_dir(&sb.root)
            .expect("read sandbox")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("PWNED"))
            .count();
        assert_eq!(pwned, 0, "{sh:?} ran code from {name:?}\n{}", r.dump());
        r.assert_success();
        let s = sections(&r.stdout);
        assert_eq!(
            section(&s, "child", &r),
            format!("{name}\n"),
            "{}",
            r.dump()
        );
        assert!(
            section(&s, "prompt", &r).starts_with(&format!("{name} ")),
            "{}",
            r.dump()
        );
    }
}

#[test]
fn hostile_profile_names_run_nothing_through_use_and_prompt_bash() {
    hostile_names(Sh::Bash);
}

#[test]
fn hostile_profile_names_run_nothing_through_use_and_prompt_zsh() {
    hostile_names(Sh::Zsh);
}

#[test]
fn hostile_profile_names_run_nothing_through_use_and_prompt_fish() {
    hostile_names(Sh::Fish);
}

#[test]
fn use_of_another_profile_takes_its_own_region_bash() {
    // dev's AWS_REGION, set by the first `use`, must not win over the next profile's.
    let sb = Sandbox::new();
    sb.append_config("\n[profile west]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = dev\nregion = us-west-2\n");
    let script = format!(
        "{init}\n\
         aws-mfa use dev --token-code {CODE}\n\
         aws-mfa use west\n\
         echo '@@ region'; sh -c 'echo \"$AWS_MFA_PROFILE $AWS_REGION $AWS_DEFAULT_REGION\"'\n",
        init = Sh::Bash.init()
    );
    let r = run(&mut shell(&sb, Sh::Bash, &script));
    r.assert_success();
    let s = sections(&r.stdout);
    assert_eq!(
        section(&s, "region", &r),
        "west us-west-2 us-west-2\n",
        "{}",
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// The prompt helper
// ---------------------------------------------------------------------------------------

fn prompt_helper(sh: Sh) {
    let sb = Sandbox::new();
    let now = now_unix();
    let script = [
        format!("{}\n", sh.init()),
        "echo '@@ nothing'; aws_mfa_prompt\n".into(),
        sh.set("AWS_MFA_PROFILE", "dev", true),
        "echo '@@ no-expiration'; aws_mfa_prompt\n".into(),
        sh.set("AWS_CREDENTIAL_EXPIRATION", "$T42", true),
        "echo '@@ 42'; aws_mfa_prompt\n".into(),
        sh.set("AWS_CREDENTIAL_EXPIRATION", "$T125", true),
        "echo '@@ 125'; aws_mfa_prompt\n".into(),
        sh.set("AWS_CREDENTIAL_EXPIRATION", "$TPAST", true),
        "echo '@@ past'; aws_mfa_prompt\n".into(),
        sh.set("AWS_CREDENTIAL_EXPIRATION", "not-a-time", true),
        "echo '@@ garbage'; aws_mfa_prompt\n".into(),
        sh.set("AWS_CREDENTIAL_EXPIRATION", "$T42", true),
        sh.unset("AWS_MFA_PROFILE"),
        "echo '@@ no-profile'; aws_mfa_prompt\n".into(),
    ]
    .concat();
    let mut cmd = shell(&sb, sh, &script);
    cmd.env("T42", rfc3339(now + 42 * 60))
        // Half a minute of margin: 2 h 5 min 30 s shows as 2h05m for 30 s.
        .env("T125", rfc3339(now + 125 * 60 + 30))
        .env("TPAST", rfc3339(now - 1));
    let r = run(&mut cmd);
    r.assert_success();
    let s = sections(&r.stdout);
    let at = |name: &str| section(&s, name, &r).to_string();
    assert_eq!(at("nothing"), "", "{}", r.dump());
    assert_eq!(at("no-expiration"), "", "{}", r.dump());
    assert!(
        matches!(at("42").as_str(), "dev 41m\n" | "dev 42m\n"),
        "{sh:?}: 42 minutes left\n{}",
        r.dump()
    );
    assert_eq!(at("125"), "dev 2h05m\n", "{}", r.dump());
    assert_eq!(at("past"), "dev expired\n", "{}", r.dump());
    assert_eq!(at("garbage"), "dev\n", "{}", r.dump());
    assert_eq!(at("no-profile"), "", "{}", r.dump());
    assert_eq!(r.stderr, "", "{}", r.dump());
}

#[test]
fn prompt_helper_shows_profile_and_minutes_left_bash() {
    prompt_helper(Sh::Bash);
}

#[test]
fn prompt_helper_shows_profile_and_minutes_left_zsh() {
    prompt_helper(Sh::Zsh);
}

#[test]
fn prompt_helper_shows_profile_and_minutes_left_fish() {
    prompt_helper(Sh::Fish);
}

/// Under strace: between two markers (opens of a missing file) the prompt helper runs and
/// neither a fork nor an exec may happen; between the next two a subshell runs, which
/// strace must see (so that the check can fail).
fn prompt_helper_starts_no_process(sh: Sh) {
    let strace = require_tool("strace");
    let sb = Sandbox::new();
    let now = now_unix();
    let marker =
        |n: u8| format!("{{ : < /nonexistent/aws-mfa-marker-{n}; }} 2>/dev/null || true\n");
    let script = [
        format!("{}\n", sh.init()),
        sh.set("AWS_MFA_PROFILE", "dev", true),
        sh.set("AWS_CREDENTIAL_EXPIRATION", "$T42", true),
        marker(1),
        "echo '@@ plain'; aws_mfa_prompt\n".into(),
        "aws_mfa_prompt -v text; echo '@@ var'; echo \"$text\"\n".into(),
        sh.set("AWS_CREDENTIAL_EXPIRATION", "$TPAST", true),
        "echo '@@ past'; aws_mfa_prompt\n".into(),
        marker(2),
        "text=$(:)\n".into(),
        marker(3),
    ]
    .concat();
    let trace = sb.root.join("strace.txt");
    let cmd = shell(&sb, sh, &script);
    let program = cmd.get_program().to_owned();
    let args: Vec<OsString> = cmd.get_args().map(OsString::from).collect();
    // The same command, under strace.
    let mut traced = sb.command(&strace);
    traced
        .args(["-f", "-qq", "-e", "trace=process,openat", "-o"])
        .arg(&trace)
        .arg(program)
        .args(args)
        .env("PATH", path_with_binary())
        .env("T42", rfc3339(now + 42 * 60))
        .env("TPAST", rfc3339(now - 1));
    let r = run(&mut traced);
    r.assert_success();
    let s = sections(&r.stdout);
    assert!(
        matches!(section(&s, "plain", &r), "dev 41m\n" | "dev 42m\n"),
        "{}",
        r.dump()
    );
    assert!(
        matches!(section(&s, "var", &r), "dev 41m\n" | "dev 42m\n"),
        "{}",
        r.dump()
    );
    assert_eq!(section(&s, "past", &r), "dev expired\n", "{}", r.dump());

    let text = std::fs::read_to_string(&trace).expect("read strace output");
    let lines: Vec<&str> = text.lines().collect();
    let at = |n: u8| {
        let needle = format!("aws-mfa-marker-{n}");
        lines
            .iter()
            .position(|l| l.contains(&needle))
            .unwrap_or_else(|| panic!("marker {n} not in the trace:\n{text}"))
    };
    let spawns = |from: usize, to: usize| -> Vec<&str> {
        lines[from..to]
            .iter()
            .copied()
            .filter(|l| {
                ["clone(", "clone3(", "fork(", "vfork(", "execve("]
                    .iter()
                    .any(|call| l.contains(call))
            })
            .collect()
    };
    let (m1, m2, m3) = (at(1), at(2), at(3));
    assert_eq!(
        spawns(m1, m2),
        Vec::<&str>::new(),
        "{sh:?}: the prompt helper started a process"
    );
    assert!(
        !spawns(m2, m3).is_empty(),
        "strace did not see the control subshell:\n{}",
        lines[m2..=m3].join("\n")
    );
}

#[test]
fn prompt_helper_starts_no_process_bash() {
    prompt_helper_starts_no_process(Sh::Bash);
}

#[test]
fn prompt_helper_starts_no_process_zsh() {
    prompt_helper_starts_no_process(Sh::Zsh);
}

// ---------------------------------------------------------------------------------------
// Auto-renew
// ---------------------------------------------------------------------------------------

/// `aws-mfa use admin` with a code in a first shell: the MFA session and the role
/// credentials are cached. Returns the variables it set.
fn use_admin(sb: &Sandbox, sh: Sh) -> HashMap<String, String> {
    let script = format!(
        "{}\naws-mfa use admin --token-code {CODE}\necho '@@ env'; env\n",
        sh.init()
    );
    let r = run(&mut shell(sb, sh, &script));
    r.assert_success();
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(sb.proxy.count("AssumeRole"), 1, "{}", sb.proxy.summary());
    let env = env_section(&sections(&r.stdout), "env", &r);
    USE_VARIABLES
        .iter()
        .map(|k| {
            let v = env
                .get(*k)
                .unwrap_or_else(|| panic!("`use admin` did not set {k}\n{}", r.dump()));
            (k.to_string(), v.clone())
        })
        .collect()
}

/// A second shell that inherits those variables, but with `expiration` instead; `lines` run interactively (bash, zsh) so that the prompt hooks run before each.
fn renewing_shell(
    sb: &Sandbox,
    sh: Sh,
    vars: &HashMap<String, String>,
    expiration: &str,
    lines: &str,
) -> Run {
    let mut cmd = if sh == Sh::Fish {
        shell(sb, sh, lines)
    } else {
        interactive(sb, sh, lines)
    };
    cmd.envs(vars).env("AWS_CREDENTIAL_EXPIRATION", expiration);
    run(&mut cmd)
}

fn auto_renew_without_a_code(sh: Sh) {
    let sb = Sandbox::new();
    let vars = use_admin(&sb, sh);
    // The role credentials are renewed from the cached MFA session, not taken from the cache.
    assert_eq!(delete_cache_entries(&sb, "role"), 1);
    assert_eq!(sb.cache_entries().len(), 1, "the MFA session stays cached");
    // Each line is one command; before each the shell runs its prompt hooks (fish: emit).
    let prompt = if sh == Sh::Fish {
        "emit fish_prompt\n"
    } else {
        ""
    };
    let lines = [
        format!("{}\n", sh.init()),
        prompt.into(),
        "echo '@@ opted-out'; env\n".into(),
        sh.set("AWS_MFA_AUTO_RENEW", "1", false),
        prompt.into(),
        "echo '@@ renewed'; env\n".into(),
    ]
    .concat();
    let fake_expiration = rfc3339(now_unix() + 60);
    let r = renewing_shell(&sb, sh, &vars, &fake_expiration, &lines);
    r.assert_success();
    let s = sections(&r.stdout);

    let opted_out = env_section(&s, "opted-out", &r);
    assert_eq!(
        opted_out.get("AWS_ACCESS_KEY_ID"),
        vars.get("AWS_ACCESS_KEY_ID"),
        "{sh:?}: renewed without AWS_MFA_AUTO_RENEW=1\n{}",
        r.dump()
    );

    let renewed = env_section(&s, "renewed", &r);
    let get = |k: &str| renewed.get(k).map(String::as_str).unwrap_or_default();
    assert_ne!(
        get("AWS_ACCESS_KEY_ID"),
        vars["AWS_ACCESS_KEY_ID"],
        "{sh:?}: the hook did not renew\n{}",
        r.dump()
    );
    assert_ne!(get("AWS_SESSION_TOKEN"), vars["AWS_SESSION_TOKEN"]);
    assert_ne!(get("AWS_CREDENTIAL_EXPIRATION"), fake_expiration);
    let exp = rfc3339_utc_to_unix(get("AWS_CREDENTIAL_EXPIRATION"))
        .unwrap_or_else(|| panic!("renewed expiration is not RFC 3339\n{}", r.dump()));
    assert!(exp > now_unix() + 3000, "{}", r.dump());
    assert_eq!(get("AWS_MFA_PROFILE"), "admin");
    assert_eq!(
        messages(&r.stderr),
        Vec::<String>::new(),
        "{sh:?}: a renewal says nothing\n{}",
        r.dump()
    );
    // No code was needed: the session from the first `use` was the only one.
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(sb.proxy.count("AssumeRole"), 2, "{}", sb.proxy.summary());
}

#[test]
fn auto_renew_renews_role_credentials_without_a_code_bash() {
    auto_renew_without_a_code(Sh::Bash);
}

#[test]
fn auto_renew_renews_role_credentials_without_a_code_zsh() {
    auto_renew_without_a_code(Sh::Zsh);
}

#[test]
fn auto_renew_renews_role_credentials_without_a_code_fish() {
    auto_renew_without_a_code(Sh::Fish);
}

fn auto_renew_needing_a_code(sh: Sh) {
    let sb = Sandbox::new();
    let vars = use_admin(&sb, sh);
    // Nothing cached any more: renewing would need a new MFA code.
    assert_eq!(delete_cache_entries(&sb, "role"), 1);
    assert_eq!(delete_cache_entries(&sb, "session"), 1);
    let prompt = if sh == Sh::Fish {
        "emit fish_prompt\n"
    } else {
        ""
    };
    let lines = [
        format!("{}\n", sh.init()),
        sh.set("AWS_MFA_AUTO_RENEW", "1", true),
        prompt.into(),
        ":\n".into(),
        prompt.into(),
        // As if a minute had passed: tried again, silently.
        sh.set("_aws_mfa_failed_at", "0", false),
        prompt.into(),
        "echo '@@ kept'; env\n".into(),
    ]
    .concat();
    // 2 min 50 s: shown as 2m (as in the prompt) for 50 s.
    let fake_expiration = rfc3339(now_unix() + 170);
    let r = renewing_shell(&sb, sh, &vars, &fake_expiration, &lines);
    r.assert_success();
    assert_eq!(
        messages(&r.stderr),
        vec![
            "aws-mfa: credentials for admin expire in 2m; a new MFA code is needed: aws-mfa use admin"
        ],
        "{sh:?}: exactly one line, once per expiry\n{}",
        r.dump()
    );
    let kept = env_section(&sections(&r.stdout), "kept", &r);
    for var in USE_VARIABLES {
        let expected = if var == "AWS_CREDENTIAL_EXPIRATION" {
            &fake_expiration
        } else {
            &vars[var]
        };
        assert_eq!(
            kept.get(var),
            Some(expected),
            "{sh:?}: a failed renewal must keep {var}\n{}",
            r.dump()
        );
    }
    assert_eq!(
        (
            sb.proxy.count("GetSessionToken"),
            sb.proxy.count("AssumeRole")
        ),
        (1, 1),
        "no STS call without a code: {}",
        sb.proxy.summary()
    );
}

#[test]
fn auto_renew_says_once_that_a_code_is_needed_bash() {
    auto_renew_needing_a_code(Sh::Bash);
}

#[test]
fn auto_renew_says_once_that_a_code_is_needed_zsh() {
    auto_renew_needing_a_code(Sh::Zsh);
}

#[test]
fn auto_renew_says_once_that_a_code_is_needed_fish() {
    auto_renew_needing_a_code(Sh::Fish);
}

// ---------------------------------------------------------------------------------------
// The files themselves
// ---------------------------------------------------------------------------------------

#[test]
fn init_prints_the_files_byte_for_byte() {
    for (shell, file) in [
        ("bash", "shell/aws-mfa.bash"),
        ("zsh", "shell/aws-mfa.zsh"),
        ("fish", "shell/aws-mfa.fish"),
        ("powershell", "shell/aws-mfa.ps1"),
    ] {
        let out = Command::new(BIN)
            .args(["init", shell])
            .output()
            .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
        assert!(out.status.success(), "init {shell}: {out:?}");
        let expected = std::fs::read(repo_file(file)).expect("read shell file");
        assert!(
            out.stdout == expected,
            "`aws-mfa init {shell}` differs from {file}"
        );
    }
}

#[test]
fn bash_script_passes_shellcheck() {
    let shellcheck = require_tool("shellcheck");
    let out = Command::new(shellcheck)
        .args(["-s", "bash"])
        .arg(repo_file("shell/aws-mfa.bash"))
        .output()
        .expect("run shellcheck");
    assert!(
        out.status.success(),
        "shellcheck:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn scripts_parse_in_their_shells() {
    for (program, args, file) in [
        ("bash", &["-n"][..], "shell/aws-mfa.bash"),
        ("zsh", &["-n"][..], "shell/aws-mfa.zsh"),
        ("fish", &["--no-execute"][..], "shell/aws-mfa.fish"),
    ] {
        let out = Command::new(require_tool(program))
            .args(args)
            .arg(repo_file(file))
            .output()
            .expect("run shell");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{program} {args:?} {file}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn every_script_unsets_what_env_sets() {
    // What `aws-mfa env` sets for a profile with a region, in every format.
    let sb = Sandbox::new();
    let r = run(&mut sb.cmd([
        "env",
        "-p",
        "dev",
        "--format",
        "powershell",
        "--token-code",
        CODE,
    ]));
    r.assert_success();
    let set: BTreeSet<String> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("$Env:"))
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.to_string()))
        .collect();
    let expected: BTreeSet<String> = USE_VARIABLES.iter().map(|v| v.to_string()).collect();
    assert_eq!(set, expected, "{}", r.dump());
    for file in [
        "shell/aws-mfa.bash",
        "shell/aws-mfa.zsh",
        "shell/aws-mfa.fish",
        "shell/aws-mfa.ps1",
    ] {
        let text = std::fs::read_to_string(repo_file(file)).expect("read");
        assert_eq!(declared_variables(&text), USE_VARIABLES, "{file}");
    }
}

// ---------------------------------------------------------------------------------------
// PowerShell (no pwsh here: the script as text, and what it evaluates)
// ---------------------------------------------------------------------------------------

fn powershell_script() -> String {
    let out = Command::new(BIN)
        .args(["init", "powershell"])
        .output()
        .expect("run init powershell");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn powershell_script_defines_the_functions_and_calls_the_program() {
    let ps = powershell_script();
    for function in [
        "function global:aws-mfa {",
        "function global:_AwsMfaUse(",
        "function global:_AwsMfaOff(",
        "function global:Get-AwsMfaPrompt {",
        "function global:_AwsMfaHook {",
        "function global:_AwsMfaAutoRenew {",
        "function global:prompt {",
    ] {
        assert!(ps.contains(function), "missing {function}");
    }
    // The program, never the function: found as an application, then called with `&`.
    assert!(ps.contains("Get-Command -Name 'aws-mfa' -CommandType Application"));
    for call in [
        "& $bin @args",
        "& $Bin env --format powershell \"--profile=$name\" @options",
        "& $bin env --no-prompt --format powershell \"--profile=$name\" @options 2>$null",
    ] {
        assert!(ps.contains(call), "missing {call}");
    }
    // Every other mention of aws-mfa is in a comment or a string.
    for line in ps.lines() {
        let code = line.split('#').next().unwrap_or_default();
        let outside_strings: String = code
            .split('\'')
            .step_by(2)
            .flat_map(|part| part.split('"').step_by(2))
            .collect();
        assert!(
            !outside_strings.contains("aws-mfa ")
                || outside_strings.contains("function global:aws-mfa"),
            "a bare call of aws-mfa would call the function again: {line}"
        );
    }
    // The output is evaluated only after the program succeeded.
    let use_body = &ps[ps.find("function global:_AwsMfaUse(").unwrap()..];
    let check = use_body
        .find("if ($code -ne 0) {\n        $global:LASTEXITCODE = $code\n        return")
        .expect("status check");
    let eval = use_body
        .find("Invoke-Expression")
        .expect("Invoke-Expression");
    assert!(check < eval, "use evaluates before checking the status");
    // The prompt is wrapped only once.
    assert!(ps.contains("if (\"$function:prompt\" -notmatch '_AwsMfaHook') {"));
    assert_balanced(&ps);
}

/// Braces, brackets and parentheses balance outside strings and comments: a coarse
/// syntax check in place of pwsh.
#[track_caller]
fn assert_balanced(ps: &str) {
    let mut stack = Vec::new();
    for (n, line) in ps.lines().enumerate() {
        let mut chars = line.chars().peekable();
        let mut quote: Option<char> = None;
        while let Some(c) = chars.next() {
            match quote {
                Some('\'') if c == '\'' => {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                Some('"') if c == '`' => {
                    chars.next();
                }
                Some('"') if c == '"' => quote = None,
                Some(_) => {}
                None => match c {
                    '#' => break,
                    '\'' | '"' => quote = Some(c),
                    '`' => {
                        chars.next();
                    }
                    '(' | '{' | '[' => stack.push((c, n + 1)),
                    ')' | '}' | ']' => {
                        let open = match c {
                            ')' => '(',
                            '}' => '{',
                            _ => '[',
                        };
                        match stack.pop() {
                            Some((o, _)) if o == open => {}
                            other => panic!("line {}: {c} closes {other:?}: {line}", n + 1),
                        }
                    }
                    _ => {}
                },
            }
        }
        assert!(
            quote.is_none(),
            "line {}: unterminated string: {line}",
            n + 1
        );
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn powershell_evaluates_single_quoted_values_only() {
    let sb = Sandbox::new();
    let name = "o'dev";
    // In the credentials file alone: botocore splits `[profile o'dev]` as a shell would.
    sb.append_credentials(&format!(
        "\n[{name}]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n\
         mfa_serial = {DEVICE}\nregion = eu-west-1\n"
    ));
    // What `aws-mfa use` in PowerShell runs and then evaluates.
    let r = run(&mut sb.cmd([
        "env",
        "--format",
        "powershell",
        &format!("--profile={name}"),
        "--token-code",
        CODE,
    ]));
    r.assert_success();
    assert!(
        r.stdout.contains("$Env:AWS_MFA_PROFILE = 'o''dev'\n"),
        "{}",
        r.dump()
    );
    for line in r.stdout.lines() {
        if let Some(rest) = line.strip_prefix("$Env:") {
            let (name, value) = rest.split_once(" = ").expect("assignment");
            assert!(
                name.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{line}"
            );
            let inner = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or_else(|| panic!("not single-quoted: {line}"));
            assert!(
                !inner.replace("''", "").contains('\''),
                "a lone quote would end the string: {line}"
            );
        } else {
            assert!(
                line.starts_with("Remove-Item -Path Env:AWS_")
                    && line.ends_with(" -ErrorAction SilentlyContinue"),
                "unexpected statement: {line}"
            );
        }
    }
}

#[test]
fn rfc3339_helper_round_trips() {
    for t in [0, 951_868_799, 1_795_502_036, 4_107_605_400] {
        assert_eq!(rfc3339_utc_to_unix(&rfc3339(t)), Some(t), "{t}");
    }
    assert_eq!(rfc3339(1_795_502_036), "2026-11-24T06:33:56Z");
}

/// `use` and `off` in each shell's default interactive mode (zsh: interactive_comments off,
/// so a comment inside `$( … )` broke `use`), with and without nounset.
#[test]
fn use_and_off_work_in_the_default_interactive_shells() {
    for (sh, nounset) in [
        (Sh::Bash, ""),
        (Sh::Bash, "set -u\n"),
        (Sh::Zsh, ""),
        (Sh::Zsh, "setopt nounset\n"),
    ] {
        let sb = Sandbox::new();
        let lines = format!(
            "{}\n{nounset}aws-mfa use dev --token-code {CODE}\necho '@@ used'; env\n\
             aws-mfa off\necho '@@ off'; env\n",
            sh.init()
        );
        let r = run(&mut interactive(&sb, sh, &lines));
        for broken in ["parse error", "unmatched", "unbound", "parameter not set"] {
            assert!(
                !r.stderr.contains(broken),
                "{sh:?} {nounset:?}: {}",
                r.dump()
            );
        }
        let s = sections(&r.stdout);
        let used = env_section(&s, "used", &r);
        assert_eq!(
            used.get("AWS_MFA_PROFILE").map(String::as_str),
            Some("dev"),
            "{sh:?} {nounset:?}: {}",
            r.dump()
        );
        assert!(used.contains_key("AWS_SESSION_TOKEN"), "{sh:?} {nounset:?}");
        let off = env_section(&s, "off", &r);
        assert!(
            !off.contains_key("AWS_MFA_PROFILE") && !off.contains_key("AWS_SESSION_TOKEN"),
            "{sh:?} {nounset:?}: {}",
            r.dump()
        );
    }
}
