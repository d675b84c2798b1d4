//! `aws-mfa list`: profiles, devices, roles, sources and cached time left. No network.

use crate::cli::FileOpts;
use crate::error::{Error, Result};

pub fn run(_files: &FileOpts, _json: bool, _names: bool) -> Result<()> {
    Err(Error::new("list is not written yet"))
}
