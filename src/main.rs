//! aws-mfa: parse, dispatch, map errors to exit codes — nothing else.

mod atomic;
mod cache;
mod cli;
mod cmd;
mod credentials;
mod error;
mod ini;
mod ini_edit;
mod log;
mod mfa;
mod paths;
mod profile;
mod provider;
mod render;
mod sts;
mod text;
mod write_profile;

use crate::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse_checked();
    if cli.verbose {
        log::enable();
    }
    let result = match &cli.command {
        None => cmd::classic::run(&cli.classic),
        Some(Command::Exec { opts, command }) => cmd::exec::run(opts, command),
        Some(Command::Env { opts, format }) => cmd::env::run(opts, *format),
        Some(Command::CredentialProcess { opts }) => cmd::credential_process::run(opts),
        Some(Command::List { files, json, names }) => cmd::list::run(files, *json, *names),
        Some(Command::Clear {
            profile,
            all,
            files,
        }) => cmd::clear::run(profile.as_deref(), *all, files),
        Some(Command::Init { shell }) => cmd::init::run(*shell),
        Some(Command::Completions { shell }) => cmd::completions::run(*shell),
    };
    if let Err(err) = result {
        eprintln!("aws-mfa: {err}");
        std::process::exit(err.exit_code());
    }
}
