
use builtin;
use str;

set edit:completion:arg-completer[aws-mfa] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'aws-mfa'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    # A profile option's value: the names of `aws-mfa list --names`, as plain strings (its
    # stderr closed: nothing of it reaches the line editor).
    if (and (> (count $words) 2) (has-value [-p --profile --source-profile] $words[-2])) {
        try { e:aws-mfa list --names 2>&- | from-lines } catch { }
    } else {
        var completions = [
            &'aws-mfa'= {
                cand --log-level 'The Python aws-mfa''s `--log-level`: debug and info say what -v says; warning, error and critical are the default. Not global, as -v is: the Python tool had no commands, and a global option costs every run''s parse'
                cand -p 'Profile to use [env: AWS_PROFILE] [default: default]'
                cand --profile 'Profile to use [env: AWS_PROFILE] [default: default]'
                cand --device 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]'
                cand -u 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial'
                cand --user 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial'
                cand -m 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]'
                cand --token-code 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]'
                cand --duration 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]'
                cand --assume-role 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]'
                cand --role-arn 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]'
                cand --role-session-name 'Role session name (default: the local user name)'
                cand --external-id 'External ID to pass when assuming the role'
                cand --region 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]'
                cand --source-profile 'Section holding the long-term keys (also a bare [NAME] of the config file)'
                cand --long-term-suffix 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)'
                cand --config-file 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]'
                cand --credentials-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --creds-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --write-profile 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`'
                cand --short-term-suffix 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)'
                cand --min-remaining 'Cached credentials with this many seconds left, or fewer, are renewed'
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand --refresh 'Ignore cached credentials and ask STS again'
                cand --force 'Ignore cached credentials and ask STS again'
                cand --no-session 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)'
                cand --no-prompt 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)'
                cand --write-boto 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]'
                cand --setup 'Ask on the terminal for a profile name and its long-term keys, write them into [NAME-long-term] of the credentials file, and exit (the Python aws-mfa''s --setup)'
                cand -h 'Print help (see more with ''--help'')'
                cand --help 'Print help (see more with ''--help'')'
                cand -V 'Print version'
                cand --version 'Print version'
                cand exec 'Run a command with short-term credentials in its environment'
                cand env 'Print shell statements that set short-term credentials (for eval)'
                cand credential-process 'Print credentials as the JSON an AWS profile''s `credential_process` expects'
                cand list 'List profiles: MFA device, role, source, cached time left'
                cand clear 'Delete cached credentials (no network)'
                cand init 'Print the shell integration, to eval from an rc file'
                cand completions 'Print a completion script for a shell'
                cand use '`use` and `off` are shell functions of the integration; the binary only explains that'
                cand off '`use` and `off` are shell functions of the integration; the binary only explains that'
                cand help 'Print this message or the help of the given subcommand(s)'
            }
            &'aws-mfa;exec'= {
                cand -p 'Profile to use [env: AWS_PROFILE] [default: default]'
                cand --profile 'Profile to use [env: AWS_PROFILE] [default: default]'
                cand --device 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]'
                cand -u 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial'
                cand --user 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial'
                cand -m 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]'
                cand --token-code 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]'
                cand --duration 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]'
                cand --assume-role 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]'
                cand --role-arn 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]'
                cand --role-session-name 'Role session name (default: the local user name)'
                cand --external-id 'External ID to pass when assuming the role'
                cand --region 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]'
                cand --source-profile 'Section holding the long-term keys (also a bare [NAME] of the config file)'
                cand --long-term-suffix 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)'
                cand --config-file 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]'
                cand --credentials-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --creds-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --short-term-suffix 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)'
                cand --min-remaining 'Cached credentials with this many seconds left, or fewer, are renewed'
                cand --write-profile 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`'
                cand --refresh 'Ignore cached credentials and ask STS again'
                cand --force 'Ignore cached credentials and ask STS again'
                cand --no-session 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)'
                cand --no-prompt 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)'
                cand --write-boto 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]'
                cand --server 'Serve the credentials to CMD from an endpoint on 127.0.0.1, renewed while it runs, instead of putting them in its environment (for the container provider of the SDKs)'
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;env'= {
                cand -p 'Profile to use [env: AWS_PROFILE] [default: default]'
                cand --profile 'Profile to use [env: AWS_PROFILE] [default: default]'
                cand --device 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]'
                cand -u 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial'
                cand --user 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial'
                cand -m 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]'
                cand --token-code 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]'
                cand --duration 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]'
                cand --assume-role 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]'
                cand --role-arn 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]'
                cand --role-session-name 'Role session name (default: the local user name)'
                cand --external-id 'External ID to pass when assuming the role'
                cand --region 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]'
                cand --source-profile 'Section holding the long-term keys (also a bare [NAME] of the config file)'
                cand --long-term-suffix 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)'
                cand --config-file 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]'
                cand --credentials-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --creds-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --write-profile 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`'
                cand --short-term-suffix 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)'
                cand --min-remaining 'Cached credentials with this many seconds left, or fewer, are renewed'
                cand --format 'Output format'
                cand --refresh 'Ignore cached credentials and ask STS again'
                cand --force 'Ignore cached credentials and ask STS again'
                cand --no-session 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)'
                cand --no-prompt 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)'
                cand --write-boto 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]'
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;credential-process'= {
                cand -p 'Profile to use [env: AWS_PROFILE] [default: default]'
                cand --profile 'Profile to use [env: AWS_PROFILE] [default: default]'
                cand --device 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]'
                cand -u 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial'
                cand --user 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial'
                cand -m 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]'
                cand --token-code 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]'
                cand --duration 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]'
                cand --assume-role 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]'
                cand --role-arn 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]'
                cand --role-session-name 'Role session name (default: the local user name)'
                cand --external-id 'External ID to pass when assuming the role'
                cand --region 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]'
                cand --source-profile 'Section holding the long-term keys (also a bare [NAME] of the config file)'
                cand --long-term-suffix 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)'
                cand --config-file 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]'
                cand --credentials-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --creds-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --write-profile 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`'
                cand --short-term-suffix 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)'
                cand --min-remaining 'Cached credentials with this many seconds left, or fewer, are renewed'
                cand --refresh 'Ignore cached credentials and ask STS again'
                cand --force 'Ignore cached credentials and ask STS again'
                cand --no-session 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)'
                cand --no-prompt 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)'
                cand --write-boto 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]'
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;list'= {
                cand --config-file 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]'
                cand --credentials-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --creds-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --json 'Print JSON instead of a table'
                cand --names 'Print profile names only, one per line (for completions)'
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;clear'= {
                cand -p 'Delete the credentials this profile uses (a role profile: its role session) [default: AWS_PROFILE, else default]'
                cand --profile 'Delete the credentials this profile uses (a role profile: its role session) [default: AWS_PROFILE, else default]'
                cand --config-file 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]'
                cand --credentials-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --creds-file 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]'
                cand --all 'Delete every cached entry and every remembered MFA device'
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;init'= {
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;completions'= {
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;use'= {
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;off'= {
                cand -v 'Say on stderr what is read, found and asked (never a secret)'
                cand --verbose 'Say on stderr what is read, found and asked (never a secret)'
                cand -h 'Print help'
                cand --help 'Print help'
            }
            &'aws-mfa;help'= {
                cand exec 'Run a command with short-term credentials in its environment'
                cand env 'Print shell statements that set short-term credentials (for eval)'
                cand credential-process 'Print credentials as the JSON an AWS profile''s `credential_process` expects'
                cand list 'List profiles: MFA device, role, source, cached time left'
                cand clear 'Delete cached credentials (no network)'
                cand init 'Print the shell integration, to eval from an rc file'
                cand completions 'Print a completion script for a shell'
                cand use '`use` and `off` are shell functions of the integration; the binary only explains that'
                cand off '`use` and `off` are shell functions of the integration; the binary only explains that'
                cand help 'Print this message or the help of the given subcommand(s)'
            }
            &'aws-mfa;help;exec'= {
            }
            &'aws-mfa;help;env'= {
            }
            &'aws-mfa;help;credential-process'= {
            }
            &'aws-mfa;help;list'= {
            }
            &'aws-mfa;help;clear'= {
            }
            &'aws-mfa;help;init'= {
            }
            &'aws-mfa;help;completions'= {
            }
            &'aws-mfa;help;use'= {
            }
            &'aws-mfa;help;off'= {
            }
            &'aws-mfa;help;help'= {
            }
        ]
        $completions[$command]
    }
}
