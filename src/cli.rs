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
                  writes the short-term credentials into [PROFILE] of the credentials file."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Say on stderr what is read, found and asked (never a secret).
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Options of the classic workflow (no command).
    #[command(flatten)]
    pub classic: CredentialOpts,
}

impl Cli {
    /// Parses the command line. The classic workflow's options belong to no command, so
    /// `aws-mfa -p dev exec …` is refused rather than silently ignoring `-p`.
    pub fn parse_checked() -> Self {
        use clap::{CommandFactory, FromArgMatches, error::ErrorKind, parser::ValueSource};
        let matches = without_empty_env(Self::command()).get_matches();
        let cli = Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        if let Some((name, _)) = matches.subcommand() {
            let misplaced = matches.ids().find(|id| {
                id.as_str() != "verbose"
                    && matches.value_source(id.as_str()) == Some(ValueSource::CommandLine)
            });
            if let Some(id) = misplaced {
                Self::command()
                    .error(
                        ErrorKind::ArgumentConflict,
                        format!("options go after the command: aws-mfa {name} --{id} …"),
                    )
                    .exit();
            }
        }
        cli
    }
}

/// `cmd` with the variables that are set but empty taken as unset, as the AWS CLI takes
/// them (`AWS_PROFILE=` is no profile named "", `AWS_CONFIG_FILE=` no file named "").
fn without_empty_env(mut cmd: clap::Command) -> clap::Command {
    let empty: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|a| {
            a.get_env()
                .is_some_and(|name| std::env::var_os(name).is_some_and(|v| v.is_empty()))
        })
        .map(|a| a.get_id().clone())
        .collect();
    for id in empty {
        cmd = cmd.mut_arg(id, |a| a.env(None));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, without_empty_env);
    }
    cmd
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a command with short-term credentials in its environment.
    #[command(arg_required_else_help = true)]
    Exec {
        #[command(flatten)]
        opts: CredentialOpts,
        /// The command and its arguments (after `--`).
        // No hyphen values: a mistyped option before the command is a usage error, not the command.
        #[arg(required = true, trailing_var_arg = true, value_name = "CMD")]
        command: Vec<OsString>,
    },
    /// Print shell statements that set short-term credentials (for eval).
    Env {
        #[command(flatten)]
        opts: CredentialOpts,
        /// Output format.
        #[arg(long, value_enum, default_value_t = EnvFormat::Sh)]
        format: EnvFormat,
    },
    /// Print credentials as the JSON an AWS profile's `credential_process` expects.
    CredentialProcess {
        #[command(flatten)]
        opts: CredentialOpts,
    },
    /// List profiles: MFA device, role, source, cached time left.
    List {
        #[command(flatten)]
        files: FileOpts,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Print profile names only, one per line (for completions).
        #[arg(long, conflicts_with = "json")]
        names: bool,
    },
    /// Delete cached credentials (no network).
    #[command(group = clap::ArgGroup::new("which").required(true).args(["profile", "all"]))]
    Clear {
        /// Delete the credentials this profile uses (a role profile: its role session).
        #[arg(short, long, value_name = "NAME")]
        profile: Option<String>,
        /// Delete every cached entry.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        files: FileOpts,
    },
    /// Print the shell integration, to eval from an rc file.
    Init {
        #[arg(value_enum)]
        shell: InitShell,
    },
    /// Print a completion script for a shell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
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
    /// AWS config file [default: ~/.aws/config].
    #[arg(long, env = "AWS_CONFIG_FILE", value_name = "PATH")]
    pub config_file: Option<PathBuf>,

    /// AWS credentials file [default: ~/.aws/credentials].
    #[arg(
        long,
        visible_alias = "creds-file",
        env = "AWS_SHARED_CREDENTIALS_FILE",
        value_name = "PATH"
    )]
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

/// Options shared by every command that obtains credentials (DESIGN.md §2).
#[derive(Debug, Clone, Default, Args)]
pub struct CredentialOpts {
    /// Profile to use.
    #[arg(short, long, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE].
    #[arg(long, value_name = "ARN")]
    pub device: Option<String>,

    /// The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal.
    #[arg(
        long,
        env = "AWS_MFA_TOKEN_CODE",
        value_name = "CODE",
        hide_env_values = true
    )]
    pub token_code: Option<String>,

    /// Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600).
    #[arg(long, env = "MFA_STS_DURATION", value_name = "SECONDS")]
    pub duration: Option<String>,

    /// Role to assume with the MFA session.
    #[arg(
        long,
        visible_alias = "role-arn",
        env = "MFA_ASSUME_ROLE",
        value_name = "ARN"
    )]
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

    /// Section holding the long-term keys.
    #[arg(long, value_name = "NAME")]
    pub source_profile: Option<String>,

    /// Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix).
    #[arg(long, value_name = "SUFFIX")]
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
    /// short-term section, [PROFILE] or [PROFILE-SUFFIX]).
    #[arg(long, value_name = "NAME", num_args = 0..=1, require_equals = false)]
    pub write_profile: Option<Option<String>>,

    /// Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix).
    #[arg(long, value_name = "SUFFIX")]
    pub short_term_suffix: Option<String>,

    /// Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file].
    #[arg(long)]
    pub write_boto: bool,

    /// Cached credentials with less than this many seconds left are renewed.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub min_remaining: u64,
}
