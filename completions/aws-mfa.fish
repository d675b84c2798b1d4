# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_aws_mfa_global_optspecs
    string join \n v/verbose log-level= p/profile= device= u/user= m/token-code= duration= assume-role= role-session-name= external-id= region= source-profile= long-term-suffix= config-file= credentials-file= refresh no-session no-prompt write-profile= short-term-suffix= write-boto min-remaining= setup h/help V/version
end

function __fish_aws_mfa_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_aws_mfa_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_aws_mfa_using_subcommand
    set -l cmd (__fish_aws_mfa_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l log-level -d 'The Python aws-mfa\'s `--log-level`: debug and info say what -v says; warning, error and critical are the default. Not global, as -v is: the Python tool had no commands, and a global option costs every run\'s parse' -r -f -a "critical\t''
error\t''
warning\t''
info\t''
debug\t''
notset\t''"
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -s p -l profile -d 'Profile to use [env: AWS_PROFILE] [default: default]' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l device -d 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -s u -l user -d 'The IAM user whose MFA device IAM lists (iam-mfa\'s USERNAME); wins over MFA_DEVICE and mfa_serial' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -s m -l token-code -d 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l duration -d 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l assume-role -l role-arn -d 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l role-session-name -d 'Role session name (default: the local user name)' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l external-id -d 'External ID to pass when assuming the role' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l region -d 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l source-profile -d 'Section holding the long-term keys (also a bare [NAME] of the config file)' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l long-term-suffix -d 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l config-file -d 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l credentials-file -l creds-file -d 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l write-profile -d 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l short-term-suffix -d 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l min-remaining -d 'Cached credentials with this many seconds left, or fewer, are renewed' -r
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l refresh -l force -d 'Ignore cached credentials and ask STS again'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l no-session -d 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l no-prompt -d 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l write-boto -d 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -l setup -d 'Ask on the terminal for a profile name and its long-term keys, write them into [NAME-long-term] of the credentials file, and exit (the Python aws-mfa\'s --setup)'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -s V -l version -d 'Print version'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "exec" -d 'Run a command with short-term credentials in its environment'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "env" -d 'Print shell statements that set short-term credentials (for eval)'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "credential-process" -d 'Print credentials as the JSON an AWS profile\'s `credential_process` expects'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "list" -d 'List profiles: MFA device, role, source, cached time left'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "clear" -d 'Delete cached credentials (no network)'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "init" -d 'Print the shell integration, to eval from an rc file'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "completions" -d 'Print a completion script for a shell'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "use" -d '`use` and `off` are shell functions of the integration; the binary only explains that'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "off" -d '`use` and `off` are shell functions of the integration; the binary only explains that'
complete -c aws-mfa -n "__fish_aws_mfa_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -s p -l profile -d 'Profile to use [env: AWS_PROFILE] [default: default]' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l device -d 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -s u -l user -d 'The IAM user whose MFA device IAM lists (iam-mfa\'s USERNAME); wins over MFA_DEVICE and mfa_serial' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -s m -l token-code -d 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l duration -d 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l assume-role -l role-arn -d 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l role-session-name -d 'Role session name (default: the local user name)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l external-id -d 'External ID to pass when assuming the role' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l region -d 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l source-profile -d 'Section holding the long-term keys (also a bare [NAME] of the config file)' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l long-term-suffix -d 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l config-file -d 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l credentials-file -l creds-file -d 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l short-term-suffix -d 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l min-remaining -d 'Cached credentials with this many seconds left, or fewer, are renewed' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l write-profile -d 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l refresh -l force -d 'Ignore cached credentials and ask STS again'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l no-session -d 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l no-prompt -d 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l write-boto -d 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -l server -d 'Serve the credentials to CMD from an endpoint on 127.0.0.1, renewed while it runs, instead of putting them in its environment (for the container provider of the SDKs)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand exec" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -s p -l profile -d 'Profile to use [env: AWS_PROFILE] [default: default]' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l device -d 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -s u -l user -d 'The IAM user whose MFA device IAM lists (iam-mfa\'s USERNAME); wins over MFA_DEVICE and mfa_serial' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -s m -l token-code -d 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l duration -d 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l assume-role -l role-arn -d 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l role-session-name -d 'Role session name (default: the local user name)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l external-id -d 'External ID to pass when assuming the role' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l region -d 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l source-profile -d 'Section holding the long-term keys (also a bare [NAME] of the config file)' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l long-term-suffix -d 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l config-file -d 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l credentials-file -l creds-file -d 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l write-profile -d 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l short-term-suffix -d 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l min-remaining -d 'Cached credentials with this many seconds left, or fewer, are renewed' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l format -d 'Output format' -r -f -a "sh\t''
bash\t''
zsh\t''
fish\t''
powershell\t''
json\t''
dotenv\t''"
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l refresh -l force -d 'Ignore cached credentials and ask STS again'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l no-session -d 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l no-prompt -d 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -l write-boto -d 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand env" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -s p -l profile -d 'Profile to use [env: AWS_PROFILE] [default: default]' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l device -d 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -s u -l user -d 'The IAM user whose MFA device IAM lists (iam-mfa\'s USERNAME); wins over MFA_DEVICE and mfa_serial' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -s m -l token-code -d 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l duration -d 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l assume-role -l role-arn -d 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l role-session-name -d 'Role session name (default: the local user name)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l external-id -d 'External ID to pass when assuming the role' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l region -d 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l source-profile -d 'Section holding the long-term keys (also a bare [NAME] of the config file)' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l long-term-suffix -d 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l config-file -d 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l credentials-file -l creds-file -d 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l write-profile -d 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l short-term-suffix -d 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l min-remaining -d 'Cached credentials with this many seconds left, or fewer, are renewed' -r
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l refresh -l force -d 'Ignore cached credentials and ask STS again'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l no-session -d 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l no-prompt -d 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -l write-boto -d 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand credential-process" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand list" -l config-file -d 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand list" -l credentials-file -l creds-file -d 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand list" -l json -d 'Print JSON instead of a table'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand list" -l names -d 'Print profile names only, one per line (for completions)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand list" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand list" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand clear" -s p -l profile -d 'Delete the credentials this profile uses (a role profile: its role session) [default: AWS_PROFILE, else default]' -r -f -a "(command aws-mfa list --names 2>/dev/null)"
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand clear" -l config-file -d 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand clear" -l credentials-file -l creds-file -d 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]' -r -F
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand clear" -l all -d 'Delete every cached entry and every remembered MFA device'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand clear" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand clear" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand init" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand init" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand completions" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand completions" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand use" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand use" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand off" -s v -l verbose -d 'Say on stderr what is read, found and asked (never a secret)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand off" -s h -l help -d 'Print help'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "exec" -d 'Run a command with short-term credentials in its environment'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "env" -d 'Print shell statements that set short-term credentials (for eval)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "credential-process" -d 'Print credentials as the JSON an AWS profile\'s `credential_process` expects'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "list" -d 'List profiles: MFA device, role, source, cached time left'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "clear" -d 'Delete cached credentials (no network)'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "init" -d 'Print the shell integration, to eval from an rc file'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "completions" -d 'Print a completion script for a shell'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "use" -d '`use` and `off` are shell functions of the integration; the binary only explains that'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "off" -d '`use` and `off` are shell functions of the integration; the binary only explains that'
complete -c aws-mfa -n "__fish_aws_mfa_using_subcommand help; and not __fish_seen_subcommand_from exec env credential-process list clear init completions use off help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
