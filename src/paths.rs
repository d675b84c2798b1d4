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

/// A path from a variable as botocore expands it: Python's `os.path.expandvars` (`$NAME`
/// and `${NAME}` of set variables; others are left as written), then `expanduser` (a
/// leading `~` or `~/`: `$HOME`, else the home directory; `~user` is left as written).
pub fn expand(text: &str, env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        match Some(name).filter(|n| !n.is_empty()).and_then(env) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    if let Some(tail) = out.strip_prefix('~')
        && (tail.is_empty() || tail.starts_with('/'))
    {
        let home = env("HOME").map(PathBuf::from).or_else(dirs::home_dir);
        if let Some(home) = home {
            let home = home.to_string_lossy();
            let joined = format!("{}{tail}", home.trim_end_matches('/'));
            return PathBuf::from(if joined.is_empty() {
                "/".into()
            } else {
                joined
            });
        }
    }
    PathBuf::from(out)
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
