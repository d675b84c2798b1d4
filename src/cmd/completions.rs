//! `aws-mfa completions SHELL`: print a completion script.
//!
//! Generated from the clap definitions; for bash, zsh and fish the values of
//! `-p/--profile` and `--source-profile` are then completed from `aws-mfa list --names`.
//! The same scripts are committed under `completions/` and a test keeps them current.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Result;

pub fn run(shell: Shell) -> Result<()> {
    let text = script(shell);
    super::to_stdout(|w| w.write_all(text.as_bytes()))
}

/// Options whose value is a profile name.
const PROFILE_OPTIONS: [&str; 3] = ["-p", "--profile", "--source-profile"];

const LIST_NAMES: &str = "aws-mfa list --names 2>/dev/null";

pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "aws-mfa", &mut buf);
    let text = String::from_utf8(buf).expect("clap_complete writes UTF-8");
    match shell {
        // clap_complete names the case labels `aws__subcmd__mfa…` but sets `cmd` to
        // `aws__mfa…` for a binary name with a hyphen, so no subcommand's options would complete.
        Shell::Bash => bash_profiles(&text.replace("aws__subcmd__mfa", "aws__mfa")),
        Shell::Zsh => zsh_profiles(&text),
        Shell::Fish => fish_profiles(&text),
        _ => text,
    }
}

fn is_profile_option(name: &str) -> bool {
    PROFILE_OPTIONS.contains(&name)
}

/// `--profile)` followed by a file completion becomes a word list of profile names.
fn bash_profiles(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    let mut after_profile_case = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if after_profile_case && trimmed == r#"COMPREPLY=($(compgen -f "${cur}"))"# {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!(
                "{indent}COMPREPLY=($(compgen -W \"$({LIST_NAMES})\" -- \"${{cur}}\"))\n"
            ));
        } else {
            out.push_str(line);
        }
        after_profile_case = trimmed.strip_suffix(')').is_some_and(is_profile_option);
    }
    out
}

/// `'--profile=[…]:NAME:_default'` completes with `_aws_mfa_profiles`, defined after `#compdef`.
fn zsh_profiles(text: &str) -> String {
    let helper = format!(
        "\n_aws_mfa_profiles() {{\n    local -a profiles\n    profiles=(${{(f)\"$({LIST_NAMES})\"}})\n    compadd -a profiles\n}}\n"
    );
    let mut out = String::with_capacity(text.len() + 1024);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let option = line
            .trim_start()
            .strip_prefix('\'')
            .and_then(|l| l.split(['+', '=', '[']).next())
            .unwrap_or("");
        if is_profile_option(option) && line.contains(":NAME:_default'") {
            out.push_str(&line.replace(":NAME:_default'", ":NAME:_aws_mfa_profiles'"));
        } else {
            out.push_str(line);
        }
        if i == 0 {
            out.push_str(&helper);
        }
    }
    out
}

/// `complete … -s p -l profile … -r` also offers the profile names.
fn fish_profiles(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    for line in text.split_inclusive('\n') {
        let words: Vec<&str> = line.split_whitespace().collect();
        let long = words
            .windows(2)
            .find(|w| w[0] == "-l")
            .map(|w| format!("--{}", w[1]));
        let takes_profile = long.as_deref().is_some_and(is_profile_option);
        match line.trim_end().strip_suffix(" -r") {
            Some(head) if takes_profile => {
                out.push_str(&format!("{head} -r -f -a \"({LIST_NAMES})\"\n"));
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHELLS: [Shell; 5] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ];

    /// The committed scripts are what the binary prints; `UPDATE_COMPLETIONS=1` rewrites them.
    #[test]
    fn committed_completions_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
        for shell in SHELLS {
            let path = dir.join(clap_complete::Generator::file_name(&shell, "aws-mfa"));
            let fresh = script(shell);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &fresh).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == fresh,
                "{} is stale: run `UPDATE_COMPLETIONS=1 cargo test committed_completions` and commit it",
                path.display()
            );
        }
    }

    #[test]
    fn profile_values_complete_from_list_names() {
        let bash = script(Shell::Bash);
        // the classic form, exec, env, credential-process and clear take -p and --profile;
        // all but clear take --source-profile.
        assert_eq!(bash.matches(LIST_NAMES).count(), 5 * 2 + 4, "{bash}");
        let zsh = script(Shell::Zsh);
        assert_eq!(zsh.matches(":NAME:_aws_mfa_profiles'").count(), 5 * 2 + 4);
        assert!(zsh.starts_with("#compdef aws-mfa\n\n_aws_mfa_profiles() {"));
        let fish = script(Shell::Fish);
        assert_eq!(fish.matches(LIST_NAMES).count(), 5 + 4, "{fish}");
    }
}
