//! `aws-mfa list`: profiles, devices, roles, sources and cached time left. No network.

use std::io::{self, Write};

use serde::Serialize;

use super::Run;
use crate::cache::EntryId;
use crate::cli::{CredentialOpts, List};
use crate::credentials::now;
use crate::error::Result;
use crate::plan::{self, Plan, Purpose};
use crate::profile;
use crate::settings;
use crate::text;

#[derive(Debug, Serialize)]
struct Row {
    profile: String,
    device: Option<String>,
    role: Option<String>,
    /// Section holding the long-term keys.
    source: Option<String>,
    /// Expiration of the cached credentials this profile hands over, if any.
    expiration: Option<String>,
    seconds_left: Option<i64>,
    /// Why the profile cannot be used as it is (not an MFA profile, keys missing, …).
    error: Option<String>,
}

impl Run for List {
    fn run(&self) -> Result<()> {
        run(self)
    }
}

fn run(list: &List) -> Result<()> {
    let flags = CredentialOpts {
        files: list.files.clone(),
        ..Default::default()
    };
    // The settings exec would use, the variables included; each row takes its own profile.
    let settings = super::offline_settings(&flags)?;
    let parsed = plan::read_files(&settings)?;
    let profiles = parsed.profile_names();
    let (json, names) = (list.json, list.names);
    if names {
        // For completions: a name with control or bidi characters is not offered, since
        // it would reach the terminal raw on the command line.
        return super::to_stdout(|w| {
            profiles
                .iter()
                .filter(|p| !text::has_unsafe_chars(p))
                .try_for_each(|p| writeln!(w, "{p}"))
        });
    }
    let rows: Vec<Row> = profiles
        .into_iter()
        .map(|name| {
            let settings = settings.for_profile(&name);
            let plan =
                profile::resolve(&parsed, &settings, &settings::process_env).and_then(|profile| {
                    Plan::with_files(&settings, Purpose::Offline, &parsed, profile)
                });
            match plan {
                Ok(plan) => {
                    let device = plan.device.known().map(str::to_string);
                    let cached = device.as_deref().and_then(|d| {
                        plan.cache
                            .load(&EntryId::handed_over(&plan.profile, d))
                            .map(|c| c.credentials)
                    });
                    Row {
                        device,
                        role: plan.profile.role.as_ref().map(|r| r.arn.clone()),
                        source: Some(plan.profile.key_section.clone()),
                        expiration: cached.as_ref().map(|c| c.expiration_rfc3339()),
                        seconds_left: cached.map(|c| c.expiration - now()),
                        error: None,
                        profile: name,
                    }
                }
                Err(e) => Row {
                    profile: name,
                    device: None,
                    role: None,
                    source: None,
                    expiration: None,
                    seconds_left: None,
                    error: Some(e.to_string()),
                },
            }
        })
        .collect();
    super::to_stdout(|w| {
        if json {
            let json = serde_json::to_string_pretty(&rows)?;
            writeln!(w, "{}", text::json_escaped(&json))
        } else {
            write_table(w, &rows)
        }
    })
}

fn write_table(w: &mut impl Write, rows: &[Row]) -> io::Result<()> {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let dash = |v: &Option<String>| {
                v.as_deref()
                    .map_or_else(|| "-".into(), |v| text::escaped(v).into_owned())
            };
            [
                text::escaped(&r.profile).into_owned(),
                dash(&r.device),
                dash(&r.role),
                dash(&r.source),
                r.seconds_left.map_or_else(|| "-".into(), text::time_left),
            ]
        })
        .collect();
    let header = ["PROFILE", "MFA DEVICE", "ROLE", "SOURCE", "CACHED"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&cells) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  "));
            }
        }
        writeln!(w, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns_and_dashes_what_is_unknown() {
        let rows = [
            Row {
                profile: "admin".into(),
                device: Some("arn:aws:iam::123456789012:mfa/alice".into()),
                role: Some("arn:aws:iam::123456789012:role/Admin".into()),
                source: Some("dev".into()),
                expiration: None,
                seconds_left: Some(3 * 3600 + 5 * 60 + 7),
                error: None,
            },
            Row {
                profile: "default".into(),
                device: None,
                role: None,
                source: None,
                expiration: None,
                seconds_left: None,
                error: Some("no long-term keys".into()),
            },
        ];
        let mut out = Vec::new();
        write_table(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "PROFILE  MFA DEVICE                           ROLE                                  SOURCE  CACHED\n\
             admin    arn:aws:iam::123456789012:mfa/alice  arn:aws:iam::123456789012:role/Admin  dev     3h05m\n\
             default  -                                    -                                     -       -\n"
        );
    }
}
