//! One file per command; each turns its options into output or a process.

pub mod classic;
pub mod clear;
pub mod completions;
pub mod credential_process;
pub mod env;
pub mod exec;
pub mod init;
pub mod list;

use std::io::{self, Write};

use crate::cli::CredentialOpts;
use crate::error::{Error, Result};
use crate::provider::{self, Handover};
use crate::write_profile;

/// Credentials for exec, env and credential-process, also written where
/// `--write-profile`/`--write-boto` ask.
pub(crate) fn handover(opts: &CredentialOpts) -> Result<Handover> {
    let (files, plan) = provider::plan(opts)?;
    write_profile::check_requested(opts, &files, &plan)?;
    let handover = provider::obtain(&plan, opts)?;
    write_profile::write_requested(opts, &plan, &handover)?;
    Ok(handover)
}

/// Writes a command's output to stdout; a reader that went away is not an error of ours.
pub(crate) fn to_stdout(write: impl FnOnce(&mut io::StdoutLock) -> io::Result<()>) -> Result<()> {
    let mut out = io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::new(format!("cannot write to standard output: {e}"))),
    }
}
