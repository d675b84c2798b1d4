//! `aws-mfa clear`: delete cached credentials. No network.

use std::io::Write;

use super::Run;
use crate::cache::{Cache, EntryId};
use crate::cli::{Clear, CredentialOpts};
use crate::error::Result;
use crate::plan::{Plan, Purpose};
use crate::text;

impl Run for Clear {
    fn run(&self) -> Result<()> {
        let message = if self.all {
            let (entries, devices) = Cache::locate()?.remove_all()?;
            format!(
                "deleted {entries} cached {} and {devices} remembered MFA {}",
                plural(entries, "entry", "entries"),
                plural(devices, "device", "devices")
            )
        } else {
            // The entry exec would use: the same flags, variables and files.
            let flags = CredentialOpts {
                profile: self.profile.clone(),
                files: self.files.clone(),
                ..Default::default()
            };
            let plan = Plan::new(&super::offline_settings(&flags)?, Purpose::Offline)?;
            let name = &plan.profile.profile;
            let what = if plan.profile.role.is_some() {
                "role session"
            } else {
                "MFA session"
            };
            let removed = match plan.device.known() {
                Some(device) => plan
                    .cache
                    .remove(&EntryId::handed_over(&plan.profile, device))?,
                None => false,
            };
            if removed {
                format!("deleted the cached {what} of '{name}'")
            } else {
                format!("no cached {what} for '{name}'")
            }
        };
        super::to_stdout(|w| writeln!(w, "{}", text::escaped(&message)))
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
