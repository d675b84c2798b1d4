//! `aws-mfa init SHELL`: print the shell integration (docs/design.md §7).
//!
//! The scripts are real files under `shell/` (linted as such) embedded at build time.

use std::io::Write;

use super::Run;
use crate::cli::{Init, InitShell};
use crate::error::Result;

const BASH: &str = include_str!("../../shell/aws-mfa.bash");
const ZSH: &str = include_str!("../../shell/aws-mfa.zsh");
const FISH: &str = include_str!("../../shell/aws-mfa.fish");
const POWERSHELL: &str = include_str!("../../shell/aws-mfa.ps1");

impl Run for Init {
    fn run(&self) -> Result<()> {
        super::to_stdout(|w| w.write_all(script(self.shell).as_bytes()))
    }
}

/// The integration script for `shell`, byte for byte as in `shell/`.
fn script(shell: InitShell) -> &'static str {
    match shell {
        InitShell::Bash => BASH,
        InitShell::Zsh => ZSH,
        InitShell::Fish => FISH,
        InitShell::Powershell => POWERSHELL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [InitShell; 4] = [
        InitShell::Bash,
        InitShell::Zsh,
        InitShell::Fish,
        InitShell::Powershell,
    ];

    /// What `use` sets and `off` removes (docs/design.md §5).
    const VARIABLES: [&str; 7] = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_MFA_PROFILE",
    ];

    #[test]
    fn each_shell_gets_its_own_file() {
        assert!(script(InitShell::Bash).contains("aws-mfa() {"));
        assert!(script(InitShell::Zsh).contains("add-zsh-hook precmd _aws_mfa_hook"));
        assert!(script(InitShell::Fish).contains("function aws-mfa "));
        assert!(script(InitShell::Powershell).contains("function global:aws-mfa {"));
        let texts: Vec<&str> = ALL.iter().map(|s| script(*s)).collect();
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn each_script_asks_for_its_own_format_and_never_calls_itself() {
        let cases = [
            (InitShell::Bash, "--format bash", "command aws-mfa "),
            (InitShell::Zsh, "--format zsh", "command aws-mfa "),
            (InitShell::Fish, "--format fish", "command aws-mfa "),
            (
                InitShell::Powershell,
                "--format powershell",
                "-CommandType Application",
            ),
        ];
        for (shell, format, binary) in cases {
            let text = script(shell);
            assert!(text.contains(format), "{shell:?} lacks {format}");
            assert!(text.contains(binary), "{shell:?} lacks {binary}");
            assert!(text.contains("--no-prompt"), "{shell:?} has no renewal");
        }
    }

    #[test]
    fn each_script_lists_every_variable_it_sets() {
        for shell in ALL {
            let text = script(shell);
            for var in VARIABLES {
                assert!(text.contains(var), "{shell:?} does not name {var}");
            }
        }
    }

    #[test]
    fn scripts_start_with_the_usage_comment() {
        for shell in ALL {
            let text = script(shell);
            assert!(text.starts_with("# aws-mfa shell integration for "));
            assert!(text.contains("aws_mfa_prompt") || text.contains("Get-AwsMfaPrompt"));
            assert!(text.contains("[env_var.AWS_MFA_PROFILE]"), "{shell:?}");
            assert!(text.ends_with('\n'));
        }
    }
}
