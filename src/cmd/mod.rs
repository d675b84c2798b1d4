//! One file per command; each is a unit that runs from its parsed options (zoxide's `Run`).

pub mod classic;
pub mod clear;
pub mod completions;
pub mod credential_process;
pub mod env;
pub mod exec;
pub mod init;
pub mod list;
pub mod not_integrated;
pub mod setup;

use std::io::{self, Write};

use crate::cli::{Cli, Command, CredentialOpts};
use crate::error::{Error, Result};
use crate::plan::{Plan, Purpose};
use crate::provider::{self, Handover};
use crate::settings::{self, Settings};
use crate::write_profile;

pub trait Run {
    fn run(&self) -> Result<()>;
}

impl Run for Cli {
    fn run(&self) -> Result<()> {
        match &self.command {
            None if self.setup => setup::Setup(&self.classic).run(),
            None => classic::Classic(&self.classic).run(),
            Some(command) => command.run(),
        }
    }
}

impl Run for Command {
    fn run(&self) -> Result<()> {
        match self {
            Command::Exec(cmd) => cmd.run(),
            Command::Env(cmd) => cmd.run(),
            Command::CredentialProcess(cmd) => cmd.run(),
            Command::List(cmd) => cmd.run(),
            Command::Clear(cmd) => cmd.run(),
            Command::Init(cmd) => cmd.run(),
            Command::Completions(cmd) => cmd.run(),
            Command::Use(_) => not_integrated::run("use"),
            Command::Off(_) => not_integrated::run("off"),
        }
    }
}

/// The settings of a command's flags and the process environment.
pub(crate) fn settings(flags: &CredentialOpts) -> Result<Settings> {
    Settings::new(flags, &settings::process_env)
}

/// The settings of list and clear: the lifetime asked names no cache entry, so a variable
/// meant for other profiles (`MFA_STS_DURATION` too long for a role) stops neither.
pub(crate) fn offline_settings(flags: &CredentialOpts) -> Result<Settings> {
    let mut settings = settings(flags)?;
    settings.duration = None;
    Ok(settings)
}

/// Credentials for exec, env and credential-process, also written where
/// `--write-profile`/`--write-boto` ask.
pub(crate) fn handover(flags: &CredentialOpts) -> Result<Handover> {
    let plan = Plan::new(&settings(flags)?, Purpose::Handover)?;
    let handover = provider::obtain(&plan)?;
    write_profile::write_planned(&plan, &handover)?;
    Ok(handover)
}

/// Writes a command's output to stdout; a reader that went away is not an error of ours.
pub(crate) fn to_stdout(write: impl FnOnce(&mut io::StdoutLock) -> io::Result<()>) -> Result<()> {
    let mut out = io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::new(format!("cannot write to standard output: {e}"))),
    }
}
