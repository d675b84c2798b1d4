//! aws-mfa: parse, run, map errors to exit codes — nothing else.

mod atomic;
mod cache;
mod cli;
mod cmd;
mod credentials;
mod error;
mod iam;
mod ini;
mod ini_edit;
mod keys;
mod log;
mod mfa;
mod paths;
mod plan;
mod profile;
mod provider;
mod render;
mod sdk_settings;
mod sdk_tls_retry;
mod server;
mod settings;
mod sts;
mod text;
mod used_codes;
mod write_profile;

use crate::cli::Cli;
use crate::cmd::Run;

fn main() {
    let cli = Cli::parse_checked();
    if cli.verbose {
        log::enable();
    }
    if let Err(err) = cli.run() {
        log::say(&format!("aws-mfa: {err}"));
        std::process::exit(err.exit_code());
    }
}
