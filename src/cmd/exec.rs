//! `aws-mfa exec -- CMD`: replace this process with CMD, credentials in its environment;
//! with `--server`, run CMD as a child beside a credentials endpoint (`crate::server`).

use std::ffi::{OsStr, OsString};
use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use super::Run;
use crate::cli::Exec;
use crate::error::{Error, Result};
use crate::render;

impl Run for Exec {
    fn run(&self) -> Result<()> {
        run(&self.opts, &self.command, self.server)
    }
}

fn run(opts: &crate::cli::CredentialOpts, command: &[OsString], server: bool) -> Result<()> {
    let Some((program, args)) = command.split_first() else {
        return Err(Error::new("no command to run; give one after --"));
    };
    // A mistyped command costs no code: it is looked up before credentials are obtained.
    check_runnable(program)?;
    if server {
        return crate::server::run(opts, program, args);
    }
    let handover = super::handover(opts)?;
    let mut child = Command::new(program);
    child.args(args);
    for name in render::UNSET {
        child.env_remove(name);
    }
    child.envs(render::variables(&handover));
    // execvp: on success this never returns, so signals and the exit status are the child's.
    let err = child.exec();
    Err(not_run(program, &err))
}

/// Exit 127 for a command that is not there, 126 for one that cannot run, as shells say.
pub(crate) fn not_run(program: &OsStr, err: &std::io::Error) -> Error {
    let name = program.to_string_lossy();
    match err.kind() {
        ErrorKind::NotFound => Error::with_code(format!("command not found: {name}"), 127),
        ErrorKind::PermissionDenied => Error::with_code(
            format!("cannot run {name}: permission denied (is it executable?)"),
            126,
        ),
        _ => Error::with_code(format!("cannot run {name}: {err}"), 126),
    }
}

/// What execvp would find for `program` — a path with a `/` as it is, else the first
/// executable file of that name on PATH — refused as execvp would refuse it.
fn check_runnable(program: &OsStr) -> Result<()> {
    let executable = |path: &Path| {
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.as_encoded_bytes().contains(&b'/') {
        let path = Path::new(program);
        return match std::fs::metadata(path) {
            Err(e) => Err(not_run(program, &e)),
            Ok(_) if !executable(path) => Err(not_run(
                program,
                &std::io::Error::from(ErrorKind::PermissionDenied),
            )),
            Ok(_) => Ok(()),
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    // An empty PATH entry is the working directory, as execvp reads it.
    let found = std::env::split_paths(&path)
        .map(|dir| {
            if dir.as_os_str().is_empty() {
                ".".into()
            } else {
                dir
            }
        })
        .any(|dir| executable(&dir.join(program)));
    if found {
        Ok(())
    } else {
        Err(not_run(program, &std::io::Error::from(ErrorKind::NotFound)))
    }
}
