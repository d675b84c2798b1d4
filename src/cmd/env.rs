//! `aws-mfa env`: statements that set the credentials in the calling shell.

use super::Run;
use crate::cli::Env;
use crate::error::Result;
use crate::render;

impl Run for Env {
    fn run(&self) -> Result<()> {
        let handover = super::handover(&self.opts)?;
        let set = render::variables(&handover);
        super::to_stdout(|w| render::write_env(w, self.format, &set, render::UNSET))
    }
}
