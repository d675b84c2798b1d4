//! `aws-mfa use` and `aws-mfa off` reaching the binary: the shell integration is not loaded.

use std::path::Path;

use crate::error::{Error, Result};

/// Says how to load the integration, for the user's shell when `$SHELL` names one.
pub fn run(command: &str) -> Result<()> {
    let shell = std::env::var_os("SHELL").and_then(|s| {
        Path::new(&s)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    });
    let (line, rc) = match shell.as_deref() {
        Some("bash") => (r#"eval "$(aws-mfa init bash)""#, "~/.bashrc"),
        Some("zsh") => (r#"eval "$(aws-mfa init zsh)""#, "~/.zshrc"),
        Some("fish") => ("aws-mfa init fish | source", "~/.config/fish/config.fish"),
        Some("pwsh") => (
            "aws-mfa init powershell | Out-String | Invoke-Expression",
            "$PROFILE",
        ),
        _ => (
            r#"eval "$(aws-mfa init SHELL)""#,
            "your shell's startup file (SHELL: bash or zsh; fish and PowerShell as the README shows)",
        ),
    };
    Err(Error::new(format!(
        "`aws-mfa {command}` is a shell function of the shell integration, which this shell has not loaded; add `{line}` to {rc} and open a new shell"
    )))
}
