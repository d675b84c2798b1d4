//! `aws-mfa credential-process`: the JSON an AWS profile's `credential_process` reads.

use super::Run;
use crate::cli::CredentialProcess;
use crate::error::Result;
use crate::render;

impl Run for CredentialProcess {
    fn run(&self) -> Result<()> {
        let handover = super::handover(&self.opts)?;
        super::to_stdout(|w| render::write_credential_process(w, &handover))
    }
}
