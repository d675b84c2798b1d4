//! `aws-mfa credential-process`: the JSON an AWS profile's `credential_process` reads.

use crate::cli::CredentialOpts;
use crate::error::Result;
use crate::render;

pub fn run(opts: &CredentialOpts) -> Result<()> {
    let handover = super::handover(opts)?;
    super::to_stdout(|w| render::write_credential_process(w, &handover))
}
