//! No command: the classic workflow of the Python aws-mfa. Reads `[P-long-term]`, writes
//! the short-term credentials into `[P]`, and calls nothing while `[P]` is still valid.

use std::io::Write;

use crate::cache::Cache;
use crate::cli::CredentialOpts;
use crate::credentials::{now, rfc3339};
use crate::error::Result;
use crate::provider;
use crate::text;
use crate::write_profile;

pub fn run(opts: &CredentialOpts) -> Result<()> {
    let (files, plan) = provider::plan(opts)?;
    let section = write_profile::target_section(opts, &plan)?;
    // Before "still valid": a section the aws CLI ignores is of no use, however fresh.
    write_profile::check_not_shadowed(&files, opts, &plan, &section)?;
    let path = provider::credentials_path(&opts.files)?;
    if !opts.refresh {
        let device = provider::known_device(&plan, &Cache::locate()?);
        let valid = write_profile::valid_until(
            &files.credentials,
            &section,
            &plan,
            device.as_deref(),
            opts.min_remaining,
        );
        if let Some(expiration) = valid {
            let message = format!(
                "[{section}] is still valid until {} ({} left); --force renews it",
                rfc3339(expiration),
                minutes_left(expiration)
            );
            return super::to_stdout(|w| writeln!(w, "{}", text::escaped(&message)));
        }
    }
    // Every file to be written is checked before a code is asked for.
    write_profile::check(&path, &section)?;
    if opts.write_boto {
        write_profile::check_boto()?;
    }
    let handover = provider::obtain(&plan, opts)?;
    write_profile::write_profile(&path, &section, &plan, &handover)?;
    if opts.write_boto {
        write_profile::write_boto(&write_profile::boto_path()?, &handover)?;
    }
    let expiration = handover.credentials.expiration;
    let message = format!(
        "wrote [{section}] of {}, valid until {} ({} left)",
        path.display(),
        rfc3339(expiration),
        minutes_left(expiration)
    );
    super::to_stdout(|w| writeln!(w, "{}", text::escaped(&message)))
}

fn minutes_left(expiration: i64) -> String {
    let seconds = u32::try_from((expiration - now()).max(0)).unwrap_or(u32::MAX);
    provider::human(seconds)
}
