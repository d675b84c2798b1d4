//! aws-mfa: parse, dispatch, map errors to exit codes — nothing else.

mod cache;
mod cli;
mod cmd;
mod credentials;
mod error;
mod ini;
mod mfa;
mod profile;
mod provider;
mod render;
mod sts;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Exec { opts, command } => cmd::exec::run(opts, command),
        Command::Env { opts, format } => cmd::env::run(opts, *format),
        Command::CredentialProcess { opts } => cmd::credential_process::run(opts),
        Command::List { files, json, names } => cmd::list::run(files, *json, *names),
        Command::Clear {
            profile,
            all,
            files,
        } => cmd::clear::run(profile.as_deref(), *all, files),
        Command::Init { shell } => cmd::init::run(*shell),
        Command::Completions { shell } => cmd::completions::run(*shell),
    };
    if let Err(err) = result {
        eprintln!("aws-mfa: {err}");
        std::process::exit(err.exit_code());
    }
}
