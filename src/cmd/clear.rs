//! `aws-mfa clear`: delete cached credentials. No network.

use std::io::Write;

use crate::cache::{Cache, EntryId};
use crate::cli::{CredentialOpts, FileOpts};
use crate::error::Result;
use crate::provider;
use crate::text;

pub fn run(profile: Option<&str>, all: bool, files: &FileOpts) -> Result<()> {
    let cache = Cache::locate()?;
    let message = match profile {
        _ if all => {
            let n = cache.remove_all()?;
            format!("deleted {n} cached {}", plural(n))
        }
        None => unreachable!("clap requires --profile or --all"),
        Some(name) => {
            let opts = CredentialOpts {
                profile: Some(name.to_string()),
                files: files.clone(),
                ..Default::default()
            };
            let (_, plan) = provider::plan(&opts)?;
            let what = if plan.role.is_some() {
                "role session"
            } else {
                "MFA session"
            };
            let device = provider::known_device(&plan, &cache);
            let removed = match &device {
                Some(device) => cache.remove(&EntryId::handed_over(&plan, device))?,
                None => false,
            };
            if removed {
                format!("deleted the cached {what} of '{name}'")
            } else {
                format!("no cached {what} for '{name}'")
            }
        }
    };
    super::to_stdout(|w| writeln!(w, "{}", text::escaped(&message)))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "entry" } else { "entries" }
}
