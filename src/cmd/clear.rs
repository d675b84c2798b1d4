//! `aws-mfa clear`: delete cached credentials. No network.

use crate::cli::FileOpts;
use crate::error::{Error, Result};

pub fn run(_profile: Option<&str>, _all: bool, _files: &FileOpts) -> Result<()> {
    Err(Error::new("clear is not written yet"))
}
