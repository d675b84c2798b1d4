//! One file per command; each turns its options into output or a process.

pub mod clear;
pub mod completions;
pub mod credential_process;
pub mod env;
pub mod exec;
pub mod init;
pub mod list;

use std::io::{self, Write};

use crate::error::{Error, Result};

/// Writes a command's output to stdout; a reader that went away is not an error of ours.
pub(crate) fn to_stdout(write: impl FnOnce(&mut io::StdoutLock) -> io::Result<()>) -> Result<()> {
    let mut out = io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::new(format!("cannot write to standard output: {e}"))),
    }
}
