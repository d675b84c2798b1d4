//! No command: the classic workflow of the Python aws-mfa. Reads `[P-long-term]`, writes
//! the short-term credentials into `[P]`, and calls nothing while `[P]` is still valid.

use std::io::Write;

use super::Run;
use crate::cli::CredentialOpts;
use crate::credentials::{now, rfc3339};
use crate::error::Result;
use crate::plan::{Plan, Purpose};
use crate::provider;
use crate::text;
use crate::write_profile;

/// The options given with no command.
pub struct Classic<'a>(pub &'a CredentialOpts);

impl Run for Classic<'_> {
    fn run(&self) -> Result<()> {
        let mut plan = Plan::new(&super::settings(self.0)?, Purpose::Classic)?;
        plan.code = plan.code.or_stdin();
        let target = plan
            .writes
            .profile
            .as_ref()
            .expect("a classic plan writes the short-term section");
        let section = &target.section;
        if let Some(expiration) = plan.still_valid {
            let message = format!(
                "[{section}] is still valid until {} ({} left); --force renews it",
                rfc3339(expiration),
                text::time_left(expiration - now())
            );
            return super::to_stdout(|w| writeln!(w, "{}", text::escaped(&message)));
        }
        let handover = provider::obtain(&plan)?;
        write_profile::write_planned(&plan, &handover)?;
        let expiration = handover.credentials.expiration;
        let message = format!(
            "wrote [{section}] of {}, valid until {} ({} left)",
            target.path.display(),
            rfc3339(expiration),
            text::time_left(expiration - now())
        );
        super::to_stdout(|w| writeln!(w, "{}", text::escaped(&message)))
    }
}
