
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'aws-mfa' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'aws-mfa'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    # A profile option's value: the names of `aws-mfa list --names`, compared as plain text
    # with the word typed (its opening quote removed) and inserted as plain words.
    $before = @($commandElements | Where-Object {
        $_.Extent.EndOffset -lt ($cursorPosition - $wordToComplete.Length)
    })
    if ($before.Count -gt 1 -and $before[-1].Extent.Text -cin @('-p', '--profile', '--source-profile')) {
        $typed = "$wordToComplete"
        if ($typed -match "^['\u2018\u2019\u201A\u201B]") {
            $typed = $typed.Substring(1) -replace "['\u2018\u2019\u201A\u201B](['\u2018\u2019\u201A\u201B])", '$1'
        } elseif ($typed -match "^[`"\u201C\u201D\u201E]") {
            $typed = $typed.Substring(1)
        }
        $bin = Get-Command -Name 'aws-mfa' -CommandType Application -ErrorAction SilentlyContinue |
            Select-Object -First 1
        if ($bin) {
            foreach ($name in @(& $bin list --names 2>$null)) {
                if (-not $name -or -not $name.StartsWith($typed, [StringComparison]::Ordinal)) { continue }
                $text = if ($name -cmatch '^[A-Za-z0-9_][A-Za-z0-9_.-]*$') { $name } else {
                    "'" + [CodeGeneration]::EscapeSingleQuotedStringContent($name) + "'"
                }
                [CompletionResult]::new($text, $name, [CompletionResultType]::ParameterValue, $name)
            }
        }
        return
    }

    $completions = @(switch ($command) {
        'aws-mfa' {
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'The Python aws-mfa''s `--log-level`: debug and info say what -v says; warning, error and critical are the default. Not global, as -v is: the Python tool had no commands, and a global option costs every run''s parse')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use [env: AWS_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use [env: AWS_PROFILE] [default: default]')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]')
            [CompletionResult]::new('--token-code', '--token-code', [CompletionResultType]::ParameterName, 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]')
            [CompletionResult]::new('--role-session-name', '--role-session-name', [CompletionResultType]::ParameterName, 'Role session name (default: the local user name)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID to pass when assuming the role')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--source-profile', '--source-profile', [CompletionResultType]::ParameterName, 'Section holding the long-term keys (also a bare [NAME] of the config file)')
            [CompletionResult]::new('--long-term-suffix', '--long-term-suffix', [CompletionResultType]::ParameterName, 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]')
            [CompletionResult]::new('--credentials-file', '--credentials-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--creds-file', '--creds-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--write-profile', '--write-profile', [CompletionResultType]::ParameterName, 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`')
            [CompletionResult]::new('--short-term-suffix', '--short-term-suffix', [CompletionResultType]::ParameterName, 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)')
            [CompletionResult]::new('--min-remaining', '--min-remaining', [CompletionResultType]::ParameterName, 'Cached credentials with this many seconds left, or fewer, are renewed')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached credentials and ask STS again')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Ignore cached credentials and ask STS again')
            [CompletionResult]::new('--no-session', '--no-session', [CompletionResultType]::ParameterName, 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)')
            [CompletionResult]::new('--write-boto', '--write-boto', [CompletionResultType]::ParameterName, 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]')
            [CompletionResult]::new('--setup', '--setup', [CompletionResultType]::ParameterName, 'Ask on the terminal for a profile name and its long-term keys, write them into [NAME-long-term] of the credentials file, and exit (the Python aws-mfa''s --setup)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with short-term credentials in its environment')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print shell statements that set short-term credentials (for eval)')
            [CompletionResult]::new('credential-process', 'credential-process', [CompletionResultType]::ParameterValue, 'Print credentials as the JSON an AWS profile''s `credential_process` expects')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles: MFA device, role, source, cached time left')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete cached credentials (no network)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell integration, to eval from an rc file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for a shell')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, '`use` and `off` are shell functions of the integration; the binary only explains that')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, '`use` and `off` are shell functions of the integration; the binary only explains that')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aws-mfa;exec' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use [env: AWS_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use [env: AWS_PROFILE] [default: default]')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]')
            [CompletionResult]::new('--token-code', '--token-code', [CompletionResultType]::ParameterName, 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]')
            [CompletionResult]::new('--role-session-name', '--role-session-name', [CompletionResultType]::ParameterName, 'Role session name (default: the local user name)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID to pass when assuming the role')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--source-profile', '--source-profile', [CompletionResultType]::ParameterName, 'Section holding the long-term keys (also a bare [NAME] of the config file)')
            [CompletionResult]::new('--long-term-suffix', '--long-term-suffix', [CompletionResultType]::ParameterName, 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]')
            [CompletionResult]::new('--credentials-file', '--credentials-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--creds-file', '--creds-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--short-term-suffix', '--short-term-suffix', [CompletionResultType]::ParameterName, 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)')
            [CompletionResult]::new('--min-remaining', '--min-remaining', [CompletionResultType]::ParameterName, 'Cached credentials with this many seconds left, or fewer, are renewed')
            [CompletionResult]::new('--write-profile', '--write-profile', [CompletionResultType]::ParameterName, 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached credentials and ask STS again')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Ignore cached credentials and ask STS again')
            [CompletionResult]::new('--no-session', '--no-session', [CompletionResultType]::ParameterName, 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)')
            [CompletionResult]::new('--write-boto', '--write-boto', [CompletionResultType]::ParameterName, 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Serve the credentials to CMD from an endpoint on 127.0.0.1, renewed while it runs, instead of putting them in its environment (for the container provider of the SDKs)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;env' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use [env: AWS_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use [env: AWS_PROFILE] [default: default]')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]')
            [CompletionResult]::new('--token-code', '--token-code', [CompletionResultType]::ParameterName, 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]')
            [CompletionResult]::new('--role-session-name', '--role-session-name', [CompletionResultType]::ParameterName, 'Role session name (default: the local user name)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID to pass when assuming the role')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--source-profile', '--source-profile', [CompletionResultType]::ParameterName, 'Section holding the long-term keys (also a bare [NAME] of the config file)')
            [CompletionResult]::new('--long-term-suffix', '--long-term-suffix', [CompletionResultType]::ParameterName, 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]')
            [CompletionResult]::new('--credentials-file', '--credentials-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--creds-file', '--creds-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--write-profile', '--write-profile', [CompletionResultType]::ParameterName, 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`')
            [CompletionResult]::new('--short-term-suffix', '--short-term-suffix', [CompletionResultType]::ParameterName, 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)')
            [CompletionResult]::new('--min-remaining', '--min-remaining', [CompletionResultType]::ParameterName, 'Cached credentials with this many seconds left, or fewer, are renewed')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached credentials and ask STS again')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Ignore cached credentials and ask STS again')
            [CompletionResult]::new('--no-session', '--no-session', [CompletionResultType]::ParameterName, 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)')
            [CompletionResult]::new('--write-boto', '--write-boto', [CompletionResultType]::ParameterName, 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;credential-process' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Profile to use [env: AWS_PROFILE] [default: default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile to use [env: AWS_PROFILE] [default: default]')
            [CompletionResult]::new('--device', '--device', [CompletionResultType]::ParameterName, 'MFA device serial number or ARN [env: MFA_DEVICE, AWS_MFA_DEVICE]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The IAM user whose MFA device IAM lists (iam-mfa''s USERNAME); wins over MFA_DEVICE and mfa_serial')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]')
            [CompletionResult]::new('--token-code', '--token-code', [CompletionResultType]::ParameterName, 'The one-time MFA code; otherwise mfa_process, otherwise a prompt on the terminal [env: AWS_MFA_TOKEN_CODE]')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Lifetime of the credentials in seconds (session 900-129600, default 43200; role 900-43200, default 3600) [env: MFA_STS_DURATION]')
            [CompletionResult]::new('--assume-role', '--assume-role', [CompletionResultType]::ParameterName, 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]')
            [CompletionResult]::new('--role-arn', '--role-arn', [CompletionResultType]::ParameterName, 'Role to assume with the MFA session [env: MFA_ASSUME_ROLE]')
            [CompletionResult]::new('--role-session-name', '--role-session-name', [CompletionResultType]::ParameterName, 'Role session name (default: the local user name)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External ID to pass when assuming the role')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region of the STS call and of the command [env: AWS_REGION, AWS_DEFAULT_REGION]')
            [CompletionResult]::new('--source-profile', '--source-profile', [CompletionResultType]::ParameterName, 'Section holding the long-term keys (also a bare [NAME] of the config file)')
            [CompletionResult]::new('--long-term-suffix', '--long-term-suffix', [CompletionResultType]::ParameterName, 'Suffix of the long-term section, as in the Python aws-mfa (`none` for no suffix)')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]')
            [CompletionResult]::new('--credentials-file', '--credentials-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--creds-file', '--creds-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--write-profile', '--write-profile', [CompletionResultType]::ParameterName, 'Also write the credentials into [NAME] of the credentials file (default: the short-term section, [PROFILE] or [PROFILE-SUFFIX]); in exec, give NAME with `=`')
            [CompletionResult]::new('--short-term-suffix', '--short-term-suffix', [CompletionResultType]::ParameterName, 'Suffix of the short-term section, as in the Python aws-mfa (`none` for no suffix)')
            [CompletionResult]::new('--min-remaining', '--min-remaining', [CompletionResultType]::ParameterName, 'Cached credentials with this many seconds left, or fewer, are renewed')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore cached credentials and ask STS again')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Ignore cached credentials and ask STS again')
            [CompletionResult]::new('--no-session', '--no-session', [CompletionResultType]::ParameterName, 'Assume the role directly with the MFA code, without an MFA session (allows role sessions over 1 h)')
            [CompletionResult]::new('--no-prompt', '--no-prompt', [CompletionResultType]::ParameterName, 'Never ask for a code, nor run mfa_process: fail when a new MFA session is needed (for prompt hooks and scripts)')
            [CompletionResult]::new('--write-boto', '--write-boto', [CompletionResultType]::ParameterName, 'Also write the credentials into [Credentials] of ~/.boto [env: BOTO_CONFIG names the file]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;list' {
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]')
            [CompletionResult]::new('--credentials-file', '--credentials-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--creds-file', '--creds-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Print profile names only, one per line (for completions)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;clear' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Delete the credentials this profile uses (a role profile: its role session) [default: AWS_PROFILE, else default]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Delete the credentials this profile uses (a role profile: its role session) [default: AWS_PROFILE, else default]')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'AWS config file [env: AWS_CONFIG_FILE] [default: ~/.aws/config]')
            [CompletionResult]::new('--credentials-file', '--credentials-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--creds-file', '--creds-file', [CompletionResultType]::ParameterName, 'AWS credentials file [env: AWS_SHARED_CREDENTIALS_FILE] [default: ~/.aws/credentials]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete every cached entry and every remembered MFA device')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;init' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;completions' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;use' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;off' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what is read, found and asked (never a secret)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'aws-mfa;help' {
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with short-term credentials in its environment')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print shell statements that set short-term credentials (for eval)')
            [CompletionResult]::new('credential-process', 'credential-process', [CompletionResultType]::ParameterValue, 'Print credentials as the JSON an AWS profile''s `credential_process` expects')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles: MFA device, role, source, cached time left')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete cached credentials (no network)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell integration, to eval from an rc file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for a shell')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, '`use` and `off` are shell functions of the integration; the binary only explains that')
            [CompletionResult]::new('off', 'off', [CompletionResultType]::ParameterValue, '`use` and `off` are shell functions of the integration; the binary only explains that')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aws-mfa;help;exec' {
            break
        }
        'aws-mfa;help;env' {
            break
        }
        'aws-mfa;help;credential-process' {
            break
        }
        'aws-mfa;help;list' {
            break
        }
        'aws-mfa;help;clear' {
            break
        }
        'aws-mfa;help;init' {
            break
        }
        'aws-mfa;help;completions' {
            break
        }
        'aws-mfa;help;use' {
            break
        }
        'aws-mfa;help;off' {
            break
        }
        'aws-mfa;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
