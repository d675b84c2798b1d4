//! The committed completion scripts, run in the real shells: subcommands and profile names
//! (from both AWS files, through `aws-mfa list --names`) complete in bash, zsh and fish.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn completions(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(file)
}

/// A shell in the sandbox with the binary's directory first on PATH.
fn shell(sb: &Sandbox, name: &str) -> Command {
    let program = require_tool(name);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_aws-mfa")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut cmd = sb.command(program);
    cmd.env("PATH", path);
    cmd
}

/// Profiles in both files: `dev`, `alice` and `default` in the credentials file, `admin`
/// and `readonly` in the config file, plus one that exists only in the config file.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.append_config("\n[profile only-in-config]\nregion = eu-west-1\n");
    sb
}

fn lines(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

const SUBCOMMANDS: [&str; 7] = [
    "clear",
    "completions",
    "credential-process",
    "env",
    "exec",
    "init",
    "list",
];

fn assert_profiles(candidates: &[&str], context: &str) {
    for profile in ["admin", "dev", "readonly", "only-in-config", "alice"] {
        assert!(
            candidates.contains(&profile),
            "{context}: profile {profile} not offered in {candidates:?}"
        );
    }
    assert!(
        !candidates.iter().any(|c| c.starts_with("--")),
        "{context}: options offered where a profile goes: {candidates:?}"
    );
}

/// Runs bash's completion function as `complete -F` would for the words typed.
fn bash_complete(sb: &Sandbox, words: &[&str]) -> Run {
    let script = format!(
        r#"source {file}
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
spec=$(complete -p aws-mfa)
fn=${{spec#*-F }}
fn=${{fn%% *}}
"$fn" aws-mfa "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        file = shell_words::quote(&completions("aws-mfa.bash").to_string_lossy()),
        words = words
            .iter()
            .map(|w| shell_words::quote(w).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    run(shell(sb, "bash").args(["-c", &script]))
}

#[test]
fn bash_completes_subcommands_and_profiles() {
    let sb = sandbox();
    let r = bash_complete(&sb, &["aws-mfa", ""]);
    r.assert_success();
    let got = lines(&r.stdout);
    for sub in SUBCOMMANDS {
        assert!(got.contains(&sub), "{sub} missing: {}", r.dump());
    }
    for words in [
        &["aws-mfa", "exec", "-p", ""][..],
        &["aws-mfa", "env", "--profile", ""],
        &["aws-mfa", "clear", "-p", ""],
    ] {
        let r = bash_complete(&sb, words);
        r.assert_success();
        assert_profiles(&lines(&r.stdout), &format!("bash {words:?}"));
    }
    let r = bash_complete(&sb, &["aws-mfa", "exec", "-p", "re"]);
    assert_eq!(lines(&r.stdout), ["readonly"], "{}", r.dump());
}

fn fish_complete(sb: &Sandbox, line: &str) -> Run {
    let script = format!(
        "source {}; complete -C {}",
        shell_words::quote(&completions("aws-mfa.fish").to_string_lossy()),
        shell_words::quote(line)
    );
    run(shell(sb, "fish").args(["--no-config", "-c", &script]))
}

/// fish prints `candidate<TAB>description`.
fn first_column(text: &str) -> String {
    text.lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fish_completes_subcommands_and_profiles() {
    let sb = sandbox();
    let r = fish_complete(&sb, "aws-mfa ");
    r.assert_success();
    let out = first_column(&r.stdout);
    let got = lines(&out);
    for sub in SUBCOMMANDS {
        assert!(got.contains(&sub), "{sub} missing: {}", r.dump());
    }
    for line in [
        "aws-mfa exec -p ",
        "aws-mfa env --profile ",
        "aws-mfa clear -p ",
    ] {
        let r = fish_complete(&sb, line);
        r.assert_success();
        let out = first_column(&r.stdout);
        assert_profiles(&lines(&out), &format!("fish {line:?}"));
    }
}

/// zsh completes only inside its line editor, so an interactive zsh runs under `zpty`;
/// `compadd` is wrapped to record what the completion system offers. Keys are typed only
/// once the prompt shows (the line editor is reading), and a marker command typed after
/// TAB is read back: that is the synchronisation.
fn zsh_complete(sb: &Sandbox, typed: &str) -> (Run, Vec<String>) {
    let out = sb.root.join(format!("zsh-offers-{}", typed.len()));
    let inner = format!(
        r#"PROMPT='> '
fpath=({dir} $fpath)
autoload -U compinit && compinit -u -D
compadd() {{
  local -a offered
  builtin compadd -O offered "$@"
  print -rl -- $offered >> {out}
  builtin compadd "$@"
}}
"#,
        dir = shell_words::quote(&completions("").to_string_lossy()),
        out = shell_words::quote(&out.to_string_lossy()),
    );
    let init = sb.root.join("zsh-init");
    std::fs::write(&init, inner).unwrap();
    let script = format!(
        r#"zmodload zsh/zpty || exit 3
zpty -b z 'zsh -f -i'
zpty -w z 'source {init}; print READY-$((40+2))'
zpty -r z line '*READY-42*' || exit 4
zpty -r z line '*> ' || exit 6
zpty -w -n z $'{typed}\t'
zpty -w z $'\x15print DONE-$((40+2))'
zpty -r z line '*DONE-42*' || exit 5
zpty -d z
"#,
        init = init.display(),
        typed = typed
    );
    let r = run(shell(sb, "zsh").args(["-f", "-c", &script]));
    let offered = std::fs::read_to_string(&out).unwrap_or_default();
    (r, offered.lines().map(str::to_string).collect())
}

#[test]
fn zsh_completes_subcommands_and_profiles() {
    let sb = sandbox();
    let (r, offered) = zsh_complete(&sb, "aws-mfa ");
    r.assert_success();
    let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
    for sub in SUBCOMMANDS {
        assert!(
            offered.contains(&sub),
            "{sub} missing from {offered:?}: {}",
            r.dump()
        );
    }
    for typed in [
        "aws-mfa exec -p ",
        "aws-mfa env --profile ",
        "aws-mfa clear -p ",
    ] {
        let (r, offered) = zsh_complete(&sb, typed);
        r.assert_success();
        let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
        assert_profiles(&offered, &format!("zsh {typed:?}"));
    }
}
