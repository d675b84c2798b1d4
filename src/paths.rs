//! Where aws-mfa's files are when no flag or variable names them: under the home
//! directory, and never relative to the working directory (a directory's own
//! `.aws/config` could run its `mfa_process`).

use std::path::PathBuf;

use crate::error::{Error, Result};

/// The home directory, absolute; without one, an error naming `what` was needed and the
/// flags or variables (`how`) that give it instead.
fn home(what: &str, how: &str) -> Result<PathBuf> {
    let why = match dirs::home_dir() {
        Some(home) if home.is_absolute() => return Ok(home),
        // dirs takes a non-empty HOME as it is, and asks the password database only without one.
        Some(home) => format!("HOME ({}) is not an absolute path", home.display()),
        None => "there is no home directory (HOME is unset and the password database has no entry for this user)".to_string(),
    };
    Err(Error::new(format!(
        "{why}, so aws-mfa will not guess where {what} is; set HOME to your home directory, or give {how}"
    )))
}

pub fn config() -> Result<PathBuf> {
    Ok(home("~/.aws/config", "--config-file or AWS_CONFIG_FILE")?.join(".aws/config"))
}

pub fn credentials() -> Result<PathBuf> {
    Ok(home(
        "~/.aws/credentials",
        "--credentials-file or AWS_SHARED_CREDENTIALS_FILE",
    )?
    .join(".aws/credentials"))
}

pub fn boto() -> Result<PathBuf> {
    Ok(home("~/.boto", "BOTO_CONFIG")?.join(".boto"))
}

/// The platform cache directory (`$XDG_CACHE_HOME`, else `~/.cache`) for aws-mfa.
pub fn cache_dir() -> Result<PathBuf> {
    match dirs::cache_dir() {
        Some(dir) if dir.is_absolute() => Ok(dir.join("aws-mfa")),
        _ => Err(home("the cache directory", "AWS_MFA_CACHE_DIR")
            .err()
            .unwrap_or_else(|| {
                Error::new(
                    "no cache directory is known for this user; set AWS_MFA_CACHE_DIR to a private directory",
                )
            })),
    }
}
