//! Where an MFA code comes from (DESIGN.md §6): the flag or `AWS_MFA_TOKEN_CODE`,
//! the profile's `mfa_process`, or a prompt on the controlling terminal.

use std::process::{Command, Stdio};

use crate::error::{Error, Result, bail};

/// How a code will be obtained, decided before any code is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MfaSource {
    Given(String),
    Process(String),
    Prompt,
    /// `--no-prompt`: a code is not to be had.
    Refuse,
}

impl MfaSource {
    /// `given` was checked by `check_given`; without it, `mfa_process`, else a prompt,
    /// unless `no_prompt` says no code is to be asked for.
    pub fn choose(given: Option<&str>, mfa_process: Option<&str>, no_prompt: bool) -> Self {
        match (given, mfa_process) {
            (Some(code), _) => Self::Given(code.to_string()),
            _ if no_prompt => Self::Refuse,
            (None, Some(command)) => Self::Process(command.to_string()),
            (None, None) => Self::Prompt,
        }
    }

    /// The code, asking for it if need be. `what` names the device and the duration.
    pub fn code(&self, device: &str, what: &str) -> Result<String> {
        match self {
            Self::Given(code) => Ok(code.clone()),
            Self::Process(command) => run_mfa_process(command),
            Self::Prompt => prompt(device, what),
            Self::Refuse => Err(Error::new(format!(
                "a new MFA code for {device} is needed ({what}) and --no-prompt forbids asking; run again without --no-prompt"
            ))),
        }
    }
}

/// A code given on the command line or in the environment, checked at once so that a
/// malformed one never reaches STS.
pub fn check_given(token_code: Option<&str>) -> Result<Option<String>> {
    token_code
        .map(|code| {
            check_code(code, "--token-code or AWS_MFA_TOKEN_CODE").map(|()| code.to_string())
        })
        .transpose()
}

fn is_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

fn check_code(code: &str, from: &str) -> Result<()> {
    if is_code(code) {
        return Ok(());
    }
    bail!("the MFA code from {from} must be exactly 6 digits; give the code your device shows now")
}

fn run_mfa_process(command: &str) -> Result<String> {
    let argv = shell_words::split(command).map_err(|_| {
        Error::new("mfa_process has unbalanced quotes; fix the profile's mfa_process line")
    })?;
    let Some((program, args)) = argv.split_first() else {
        bail!("mfa_process is empty; remove it or give a command that prints the code");
    };
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::new(format!("cannot run mfa_process '{program}': {e}")))?;
    if !output.status.success() {
        bail!(
            "mfa_process '{program}' failed ({}); run it by hand to see why",
            output.status
        );
    }
    let code = String::from_utf8_lossy(&output.stdout).trim().to_string();
    check_code(&code, "mfa_process")?;
    Ok(code)
}

const ATTEMPTS: usize = 3;

fn prompt(device: &str, what: &str) -> Result<String> {
    for _ in 0..ATTEMPTS {
        let config = rpassword::ConfigBuilder::new()
            .password_feedback_mask('*')
            .build();
        let answer = rpassword::prompt_password_with_config(
            format!("MFA code for {device} ({what}): "),
            config,
        )
        .map_err(|_| no_terminal())?;
        let code = answer.trim();
        if is_code(code) {
            return Ok(code.to_string());
        }
        if code.is_empty() {
            // An empty line (or end of input) is a request to stop, not a typo.
            bail!("no MFA code was entered");
        }
        tty_say("That is not a 6-digit code; try again.\n");
    }
    bail!("no valid MFA code after {ATTEMPTS} tries")
}

fn tty_say(text: &str) {
    use std::io::Write;
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let _ = tty.write_all(text.as_bytes());
    }
}

fn no_terminal() -> Error {
    Error::new(
        "an MFA code is needed and there is no terminal to ask on; give it with --token-code CODE, the AWS_MFA_TOKEN_CODE variable, or an mfa_process command in the profile",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_codes_are_checked_before_use() {
        assert_eq!(
            check_given(Some("123456")).unwrap().as_deref(),
            Some("123456")
        );
        assert_eq!(check_given(None).unwrap(), None);
        for bad in ["12345", "1234567", "abcdef", "12 456", "１２３４５６", ""] {
            let err = check_given(Some(bad)).unwrap_err();
            assert!(err.to_string().contains("6 digits"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_code_source_follows_the_precedence() {
        let given = MfaSource::Given("123456".into());
        assert_eq!(MfaSource::choose(Some("123456"), Some("x"), true), given);
        assert_eq!(
            MfaSource::choose(None, Some("pass otp aws"), false),
            MfaSource::Process("pass otp aws".into())
        );
        assert_eq!(MfaSource::choose(None, None, false), MfaSource::Prompt);
        assert_eq!(MfaSource::choose(None, Some("x"), true), MfaSource::Refuse);
    }

    #[test]
    fn mfa_process_output_is_trimmed_and_checked() {
        assert_eq!(run_mfa_process("printf ' 654321\\n'").unwrap(), "654321");
        let err = run_mfa_process("echo 12").unwrap_err();
        assert!(err.to_string().contains("6 digits"));
        let err = run_mfa_process("false").unwrap_err();
        assert!(err.to_string().contains("failed"));
        let err = run_mfa_process("'unbalanced").unwrap_err();
        assert!(err.to_string().contains("quotes"));
    }
}
