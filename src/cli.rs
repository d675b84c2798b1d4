//! Command-line definitions (clap) and nothing else.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "aws-mfa",
    version,
    about = "Short-term AWS credentials from long-term keys and an MFA code",
    long_about = "Turns long-term AWS keys plus a one-time MFA code into short-term STS credentials, \
                  caches them privately, and hands them to a command, a shell or an AWS SDK.\n\n\
                  With no command, works like the Python aws-mfa: reads [PROFILE-long-term] and \
                  writes the short-term credentials into [PROFILE] of the credentials file.",
    // argparse takes any unambiguous prefix of a long option (`--prof dev`), and so do the
    // Python aws-mfa's users.
    infer_long_args = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Say on stderr what is read, found and asked (never a secret).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// The Python aws-mfa's `--log-level`: debug and info say what -v says; warning, error
    /// and critical are the default. Not global, as -v is: the Python tool had no commands,
    /// and a global option costs every run's parse.
    #[arg(
        long,
        hide = true,
        value_enum,
        ignore_case = true,
        value_name = "LEVEL"
    )]
    pub log_level: Option<LogLevel>,

    /// Options of the classic workflow (no command).
    #[command(flatten)]
    pub classic: CredentialOpts,

    /// Ask on the terminal for a profile name and its long-term keys, write them into
    /// [NAME-long-term] of the credentials file, and exit (the Python aws-mfa's --setup).
    #[arg(long)]
    pub setup: bool,
}

/// The Python aws-mfa's log levels (its argparse choices, in any case, and `warn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Critical,
    Error,
    #[value(alias = "warn")]
    Warning,
    Info,
    Debug,
    Notset,
}

impl LogLevel {
    /// Whether the level lets through what `-v` says (the Python tool's INFO lines and below).
    pub fn is_verbose(self) -> bool {
        matches!(self, LogLevel::Info | LogLevel::Debug | LogLevel::Notset)
    }
}

impl Cli {
    /// Parses the command line. The classic workflow's options belong to no command, so
    /// `aws-mfa -p dev exec …` is refused rather than silently ignoring `-p`.
    pub fn parse_checked() -> Self {
        use clap::{CommandFactory, FromArgMatches, error::ErrorKind, parser::ValueSource};
        let matches = matches_from(std::env::args_os().collect())
            .unwrap_or_else(|e| ambiguous_prefix(&e).unwrap_or(e).exit());
        let mut cli = Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        cli.verbose |= cli.log_level.is_some_and(LogLevel::is_verbose);
        if let Some((name, _)) = matches.subcommand() {
            let misplaced = matches.ids().find(|id| {
                !matches!(id.as_str(), "verbose" | "log_level")
                    && matches.value_source(id.as_str()) == Some(ValueSource::CommandLine)
            });
            if let Some(id) = misplaced {
                let mut command = Self::command();
                if id == "setup" {
                    command
                        .error(
                            ErrorKind::ArgumentConflict,
                            "--setup takes no command: run `aws-mfa --setup` on its own",
                        )
                        .exit();
                }
                // The option as typed (`--token-code`), not clap's id (`token_code`).
                let flag = command
                    .get_arguments()
                    .find(|a| a.get_id() == id)
                    .and_then(|a| a.get_long())
                    .map_or_else(|| id.to_string(), str::to_string);
                command
                    .error(
                        ErrorKind::ArgumentConflict,
                        format!("options go after the command: aws-mfa {name} --{flag} …"),
                    )
                    .exit();
            }
        }
        cli
    }
}

/// The Python aws-mfa's and aws-mfa-spok's long options, one option to a group: argparse
/// took a prefix of one group's names as that option (`--role` for `--role-session-name`,
/// `--m` for `--mfa-token`, `--c` for `--creds-file`), where aws-mfa has more that start so.
const PYTHON_OPTIONS: &[&[&str]] = &[
    &["device"],
    &["duration"],
    &["creds-file"],
    &["profile"],
    &["long-term-suffix", "long-suffix"],
    &["short-term-suffix", "short-suffix"],
    &["assume-role", "assume"],
    &["role-session-name"],
    &["force"],
    &["log-level"],
    &["setup"],
    &["token", "mfa-token"],
];

/// The matches of `args`; in the classic workflow, a prefix that clap finds ambiguous and
/// that argparse took as one option of the Python tools is taken so (each one in turn).
fn matches_from(mut args: Vec<std::ffi::OsString>) -> Result<clap::ArgMatches, clap::Error> {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    for _ in 0..args.len() {
        let error = match Cli::command().try_get_matches_from(&args) {
            Ok(matches) => return Ok(matches),
            Err(error) => error,
        };
        let typed = match error.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(typed)) if error.kind() == ErrorKind::UnknownArgument => {
                typed.clone()
            }
            _ => return Err(error),
        };
        let prefix = typed.strip_prefix("--").filter(|p| !p.is_empty());
        let mut groups = PYTHON_OPTIONS
            .iter()
            .filter(|names| prefix.is_some_and(|p| names.iter().any(|n| n.starts_with(p))));
        let (Some(names), None) = (groups.next(), groups.next()) else {
            return Err(error);
        };
        // The first word that is the option, unless a command comes before it.
        let commands = Cli::command();
        let position = args.iter().skip(1).position(|arg| {
            let arg = arg.to_string_lossy();
            arg == typed.as_str()
                || arg.starts_with(&format!("{typed}="))
                || commands.find_subcommand(arg.as_ref()).is_some()
        });
        let Some(i) = position.map(|i| i + 1) else {
            return Err(error);
        };
        let arg = args[i].to_string_lossy().into_owned();
        let Some(rest) = arg.strip_prefix(typed.as_str()) else {
            return Err(error); // a command, whose own options decide
        };
        args[i] = format!("--{}{rest}", names[0]).into();
    }
    Cli::command().try_get_matches_from(&args)
}

/// clap says "unexpected argument" for a prefix of several long options; argparse names
/// them ("ambiguous option: --s could match …"), and so does this, as a usage error.
fn ambiguous_prefix(error: &clap::Error) -> Option<clap::Error> {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(typed)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    let prefix = typed.strip_prefix("--").filter(|p| !p.is_empty())?;
    let mut cli = Cli::command();
    cli.build();
    // The command the option was given to: the first word naming one, before the option.
    let name = std::env::args_os()
        .skip(1)
        .filter_map(|a| a.into_string().ok())
        .take_while(|a| a != typed && !a.starts_with(&format!("{typed}=")))
        .find(|a| cli.find_subcommand(a).is_some());
    let command = match name {
        Some(name) => cli.find_subcommand_mut(&name)?,
        None => &mut cli,
    };
    // As clap's inference matches: each option once, by its name or else an alias.
    let candidates: Vec<String> = command
        .get_arguments()
        .filter_map(|a| {
            let long = a.get_long().filter(|l| l.starts_with(prefix));
            let alias = || {
                a.get_all_aliases()
                    .into_iter()
                    .flatten()
                    .find(|alias| alias.starts_with(prefix))
            };
            long.or_else(alias).map(|name| format!("--{name}"))
        })
        .collect();
    (candidates.len() > 1).then(|| {
        command.error(
            ErrorKind::UnknownArgument,
            format!(
                "'{typed}' is ambiguous: it could be {}; type more of the option's name",
                candidates.join(", ")
            ),
        )
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Exec(Exec),
    Env(Env),
    CredentialProcess(CredentialProcess),
    List(List),
    Clear(Clear),
    Init(Init),
    Completions(Completions),
    #[command(hide = true)]
    Use(NotIntegrated),
    #[command(hide = true)]
    Off(NotIntegrated),
}

/// Run a command with short-term credentials in its environment.
#[derive(Debug, Args)]
#[command(
    arg_required_else_help = true,
    override_usage = "aws-mfa exec [OPTIONS] -- <CMD>...",
    // `--write-profile` takes a value only after `=` here, so that
    // `exec --write-profile aws sts …` runs `aws` (no other command has a CMD to mistake).
    mut_arg("write_profile", |a| a.require_equals(true)),
    after_help = "Examples:\n  aws-mfa exec -p dev -- terraform plan\n  aws-mfa exec -p admin --write-profile=admin-mfa -- aws sts get-caller-identity\n  aws-mfa exec --server -p admin -- terraform apply"
)]
pub struct Exec {
    #[command(flatten)]
    pub opts: CredentialOpts,
    /// Serve the credentials to CMD from an endpoint on 127.0.0.1, renewed while it runs,
    /// instead of putting them in its environment (for the container provider of the SDKs).
    // A file copy of credentials the endpoint renews would go stale.
    #[arg(long, conflicts_with_all = ["write_profile", "write_boto"])]
    pub server: bool,
    /// The command and its arguments (after `--`).
    // No hyphen values: a mistyped option before the command is a usage error, not the command.
    #[arg(required = true, trailing_var_arg = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

/// Print shell statements that set short-term credentials (for eval).
#[derive(Debug, Args)]
pub struct Env {
    #[command(flatten)]
    pub opts: CredentialOpts,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EnvFormat::Sh)]
    pub format: EnvFormat,
}

/// Print credentials as the JSON an AWS profile's `credential_process` expects.
#[derive(Debug, Args)]
pub struct CredentialProcess {
    #[command(flatten)]
    pub opts: CredentialOpts,
}

/// List profiles: MFA device, role, source, cached time left.
#[derive(Debug, Args)]
pub struct List {
    #[command(flatten)]
    pub files: FileOpts,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Print profile names only, one per line (for completions).
    #[arg(long, conflicts_with = "json")]
    pub names: bool,
}

/// Delete cached credentials (no network).
#[derive(Debug, Args)]
pub struct Clear {
    /// Delete the credentials this profile uses (a role profile: its role session)
    /// [default: AWS_PROFILE, else default].
    #[arg(short, long, value_name = "NAME", conflicts_with = "all")]
    pub profile: Option<String>,
    /// Delete every cached entry and every remembered MFA device.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub files: FileOpts,
}

/// Print the shell integration, to eval from an rc file.
#[derive(Debug, Args)]
pub struct Init {
    #[arg(value_enum)]
    pub shell: InitShell,
}

/// Print a completion script for a shell.
#[derive(Debug, Args)]
pub struct Completions {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `use` and `off` are shell functions of the integration; the binary only explains that.
#[derive(Debug, Args)]
pub struct NotIntegrated {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub rest: Vec<OsString>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitShell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// Where the AWS files are, for commands that read them without obtaining credentials.
#[derive(Debug, Clone, Default, Args)]
pub struct FileOpts {
    /// AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub config_file: Option<PathBuf>,

    /// AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials].
    #[arg(long, visible_alias = "creds-file", value_name = "PATH")]
    pub credentials_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvFormat {
    Sh,
    Bash,
    Zsh,
    Fish,
    Powershell,
    Json,
    Dotenv,
}

/// Options shared by every command that obtains credentials (docs/design.md §2).
#[derive(Debug, Clone, Default, Args)]
pub struct CredentialOpts {
    /// Profile to use [env: AWS_PROFILE] [default: default].
    #[arg(short, long, value_name = "NAME")]
    pub profile: Option<String>,

    /// MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE].
    #[arg(long, value_name = "ARN")]
    pub device: Option<String>,

    /// The IAM user whose MFA device IAM lists (iam-mfa's USERNAME); wins over MFA_DEVICE
    /// and mfa_serial.
    #[arg(short, long, value_name = "NAME", conflicts_with = "device")]
    pub user: Option<String>,

    /// The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal
    /// [env: AWS_MFA_TOKEN_CODE].
    #[arg(short = 'm', long, value_name = "CODE")]
    // aws-mfa-spok's names, as the other older tools' spellings below: taken, not shown.
    #[arg(aliases = ["token", "mfa-token"])]
    pub token_code: Option<String>,

    /// Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION].
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<String>,

    /// Role to assume with the MFA session [env: MFA_ASSUME_ROLE].
    #[arg(long, visible_alias = "role-arn", value_name = "ARN")]
    #[arg(alias = "assume")]
    pub assume_role: Option<String>,

    /// Role session name (default: the local user name).
    #[arg(long, value_name = "NAME")]
    pub role_session_name: Option<String>,

    /// External ID to pass when assuming the role.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,

    /// Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Section holding the long-term keys (also a bare [NAME] of the config file).
    #[arg(long, value_name = "NAME")]
    pub source_profile: Option<String>,

    /// Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix).
    #[arg(long, value_name = "SUFFIX")]
    #[arg(alias = "long-suffix")]
    pub long_term_suffix: Option<String>,

    #[command(flatten)]
    pub files: FileOpts,

    /// Ignore cached credentials and ask STS again.
    #[arg(long, visible_alias = "force")]
    pub refresh: bool,

    /// Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h).
    #[arg(long)]
    pub no_session: bool,

    /// Never ask for a code, nor run mfa_process: fail when a new MFA session is needed
    /// (for prompt hooks and scripts).
    #[arg(long)]
    pub no_prompt: bool,

    /// Also write the credentials into [NAME] of the credentials file (default: the
    /// short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`.
    #[arg(long, value_name = "NAME", num_args = 0..=1)]
    pub write_profile: Option<Option<String>>,

    /// Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix).
    #[arg(long, value_name = "SUFFIX")]
    #[arg(alias = "short-suffix")]
    pub short_term_suffix: Option<String>,

    /// Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file].
    #[arg(long)]
    pub write_boto: bool,

    /// Cached credentials with this many seconds left, or fewer, are renewed.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub min_remaining: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    #[test]
    fn no_two_options_share_a_name() {
        // clap's own check: a short or long taken twice panics here, not at a user's run.
        Cli::command().debug_assert();
    }

    #[test]
    fn m_is_the_short_of_token_code() {
        let cli = Cli::try_parse_from(["aws-mfa", "-m", "123456"]).unwrap();
        assert_eq!(cli.classic.token_code.as_deref(), Some("123456"));
        let cli = Cli::try_parse_from(["aws-mfa", "exec", "-m", "1", "--", "true"]).unwrap();
        let Some(Command::Exec(exec)) = cli.command else {
            panic!("not exec");
        };
        assert_eq!(exec.opts.token_code.as_deref(), Some("1"));
    }

    #[test]
    fn a_prefix_of_one_python_option_is_it_before_any_command() {
        let parse = |args: &[&str]| {
            let args = args.iter().map(OsString::from).collect();
            matches_from(args).and_then(|m| Cli::from_arg_matches(&m))
        };
        let cli = parse(&["aws-mfa", "--role=me", "--m", "123456", "--c", "/k"]).unwrap();
        assert_eq!(cli.classic.role_session_name.as_deref(), Some("me"));
        assert_eq!(cli.classic.token_code.as_deref(), Some("123456"));
        assert_eq!(cli.classic.files.credentials_file, Some("/k".into()));
        // Several Python options start so, or a command's own options decide: ambiguous.
        for args in [
            &["aws-mfa", "--d", "1"][..],
            &["aws-mfa", "env", "--role", "x"],
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::UnknownArgument,
                "{args:?}"
            );
        }
    }

    #[test]
    fn u_is_user_and_it_excludes_device() {
        let cli = Cli::try_parse_from(["aws-mfa", "-u", "alice"]).unwrap();
        assert_eq!(cli.classic.user.as_deref(), Some("alice"));
        let both = Cli::try_parse_from(["aws-mfa", "--device", "GAHT12345678", "--user", "a"]);
        assert!(both.is_err());
    }
}
