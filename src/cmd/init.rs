//! `aws-mfa init SHELL`: print the shell integration (DESIGN.md §7).

use crate::cli::InitShell;
use crate::error::{Error, Result};

pub fn run(shell: InitShell) -> Result<()> {
    Err(Error::new(format!("init {shell:?} is not written yet")))
}
