//! `aws-mfa env`: statements that set the credentials in the calling shell.

use crate::cli::{CredentialOpts, EnvFormat};
use crate::error::Result;
use crate::render;

pub fn run(opts: &CredentialOpts, format: EnvFormat) -> Result<()> {
    let handover = super::handover(opts)?;
    let set = render::variables(&handover);
    super::to_stdout(|w| render::write_env(w, format, &set, render::UNSET))
}
