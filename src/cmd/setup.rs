//! `aws-mfa --setup`: the Python aws-mfa's first step. Asks on the terminal for a profile
//! name and its long-term keys (not echoed), writes them into `[NAME-long-term]` of the
//! credentials file with the editor of §8, and calls nothing.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};

use super::Run;
use crate::cli::CredentialOpts;
use crate::error::{Error, Result, bail};
use crate::keys;
use crate::profile;
use crate::text;
use crate::write_profile;

/// The options given with `--setup`: the profile (the name's default), the long-term
/// suffix and the credentials file; the others have nothing to do here.
pub struct Setup<'a>(pub &'a CredentialOpts);

impl Run for Setup<'_> {
    fn run(&self) -> Result<()> {
        let settings = super::settings(self.0)?;
        let path = &settings.credentials_file.value;
        let mut tty = Terminal::open()?;
        let default = &settings.profile.value;
        let typed = tty.ask(&format!("Profile name [{}]: ", text::escaped(default)))?;
        let name = match typed.trim() {
            "" => default.as_str(),
            name => name,
        };
        let section = profile::long_term_section(name, settings.long_term_suffix.as_deref());
        // Before any key is typed: a section that cannot take them says so first.
        write_profile::check_long_term(path, &section)?;
        let key_id = hidden(&format!("{}: ", keys::ACCESS_KEY_ID), "an access key id")?;
        check_key_id(&key_id)?;
        let secret = hidden(
            &format!("{}: ", keys::SECRET_ACCESS_KEY),
            "a secret access key",
        )?;
        check_secret(&secret)?;
        write_profile::write_long_term(
            path,
            &section,
            &[
                (keys::ACCESS_KEY_ID, &key_id),
                (keys::SECRET_ACCESS_KEY, &secret),
            ],
        )?;
        let message = format!(
            "wrote the long-term keys of {key_id} into [{section}] of {}",
            path.display()
        );
        super::to_stdout(|w| writeln!(w, "{}", text::escaped(&message)))
    }
}

/// The controlling terminal, for the one question whose answer is shown.
struct Terminal {
    reader: BufReader<File>,
    writer: File,
}

impl Terminal {
    fn open() -> Result<Terminal> {
        let opened = File::options().read(true).write(true).open("/dev/tty");
        let file = opened.map_err(|_| {
            Error::new(
                "aws-mfa --setup asks for the profile name and the long-term keys on the terminal, and there is none; run it in a terminal",
            )
        })?;
        let writer = file
            .try_clone()
            .map_err(|e| Error::new(format!("cannot use the terminal: {e}")))?;
        Ok(Terminal {
            reader: BufReader::new(file),
            writer,
        })
    }

    /// One line typed after `prompt`, without its line break.
    fn ask(&mut self, prompt: &str) -> Result<String> {
        let terminal = |e: io::Error| Error::new(format!("cannot use the terminal: {e}"));
        self.writer.write_all(prompt.as_bytes()).map_err(terminal)?;
        let mut line = String::new();
        if self.reader.read_line(&mut line).map_err(terminal)? == 0 {
            bail!(
                "aws-mfa --setup was stopped at the profile name (end of input); nothing was written"
            );
        }
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

/// A secret typed after `prompt` on the terminal, not echoed; `what` names it for messages.
fn hidden(prompt: &str, what: &str) -> Result<String> {
    match rpassword::prompt_password(prompt) {
        Ok(answer) => Ok(answer.trim().to_string()),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            bail!(
                "no {what} was given (end of input), so nothing was written; run aws-mfa --setup again"
            )
        }
        Err(e) => bail!("cannot read {what} from the terminal: {e}"),
    }
}

/// An access key id as IAM makes them: 16 to 128 letters and digits, `AKIA…` for a user's
/// long-term key. What was typed is never shown: it may be the secret, pasted one field early.
fn check_key_id(key_id: &str) -> Result<()> {
    if key_id.is_empty() {
        bail!(
            "no access key id was given, so nothing was written; run aws-mfa --setup again and give the key id (AKIA…)"
        );
    }
    if !(16..=128).contains(&key_id.len()) || !key_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        bail!(
            "what was given is not an access key id (16 to 128 letters and digits, such as AKIAIOSFODNN7EXAMPLE), so nothing was written; run aws-mfa --setup again"
        );
    }
    if key_id.starts_with("ASIA") {
        bail!(
            "{key_id} is a temporary key id, which works only with its session token, so nothing was written; give a long-term key (AKIA…)"
        );
    }
    Ok(())
}

fn check_secret(secret: &str) -> Result<()> {
    if secret.is_empty() {
        bail!("no secret access key was given, so nothing was written; run aws-mfa --setup again");
    }
    if secret
        .chars()
        .any(|c| c.is_whitespace() || text::is_unsafe_char(c))
    {
        bail!(
            "the secret access key that was given holds white space or control characters, so nothing was written; run aws-mfa --setup again and paste the secret alone"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_and_secrets_are_checked_without_being_shown() {
        assert!(check_key_id("AKIAIOSFODNN7EXAMPLE").is_ok());
        for bad in [
            "AKIA1",
            "not a key id at all",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ] {
            let err = check_key_id(bad).unwrap_err().to_string();
            assert!(
                err.contains("not an access key id") && !err.contains(bad),
                "{err}"
            );
        }
        let err = check_key_id("ASIAIOSFODNN7EXAMPLE")
            .unwrap_err()
            .to_string();
        assert!(err.contains("temporary"), "{err}");
        assert!(check_secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_ok());
        for bad in ["", "a b", "a\u{1b}b"] {
            let err = check_secret(bad).unwrap_err().to_string();
            assert!(!bad.is_empty() || err.contains("no secret"), "{err}");
            assert!(bad.is_empty() || !err.contains(bad), "{err}");
        }
    }
}
