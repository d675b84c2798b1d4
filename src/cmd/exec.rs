//! `aws-mfa exec -- CMD`: replace this process with CMD, credentials in its environment.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::os::unix::process::CommandExt;
use std::process::Command;

use crate::cli::CredentialOpts;
use crate::error::{Error, Result};
use crate::render;

pub fn run(opts: &CredentialOpts, command: &[OsString]) -> Result<()> {
    let Some((program, args)) = command.split_first() else {
        return Err(Error::new("no command to run; give one after --"));
    };
    let handover = super::handover(opts)?;
    let mut child = Command::new(program);
    child.args(args);
    for name in render::UNSET {
        child.env_remove(name);
    }
    child.envs(render::variables(&handover));
    // execvp: on success this never returns, so signals and the exit status are the child's.
    let err = child.exec();
    let name = program.to_string_lossy();
    Err(match err.kind() {
        ErrorKind::NotFound => Error::with_code(format!("command not found: {name}"), 127),
        ErrorKind::PermissionDenied => Error::with_code(
            format!("cannot run {name}: permission denied (is it executable?)"),
            126,
        ),
        _ => Error::with_code(format!("cannot run {name}: {err}"), 126),
    })
}
