# aws-mfa shell integration for PowerShell 7 (see docs/design.md §7).
#
# Setup, in $PROFILE, after whatever sets up your prompt (starship, oh-my-posh, your own
# `function prompt`): the auto-renew hook wraps the prompt function that exists then.
#
#     aws-mfa init powershell | Out-String | Invoke-Expression
#
# Use:
#
#     aws-mfa use PROFILE [OPTIONS]   set short-term credentials for PROFILE in this session
#                                     (OPTIONS as for `aws-mfa env`; the MFA code, when one
#                                     is needed, is asked for on the terminal)
#     aws-mfa off                     remove them again
#     aws-mfa ANYTHING...             runs the aws-mfa program; $LASTEXITCODE is its status
#
# PowerShell drops the first `--` of a function's arguments, so through this function write
# `aws-mfa exec -p dev terraform plan` (or `-- --`).
#
# Prompt: `Get-AwsMfaPrompt` returns the profile in use and the time left ("dev 42m",
# "dev 1h05m", "dev expired"), or nothing when no credentials are set. It starts no process.
#
#     function prompt { "$(Get-AwsMfaPrompt) PS $($executionContext.SessionState.Path.CurrentLocation)> " }
#
# starship runs a custom module's command in a new shell, which does not have these
# functions; show what starship reads itself instead (no process either). Its `aws` module
# shows the region and the time left from AWS_CREDENTIAL_EXPIRATION; add the profile with
# an `env_var` module. In ~/.config/starship.toml:
#
#     [env_var.AWS_MFA_PROFILE]
#     variable = 'AWS_MFA_PROFILE'
#     format = '[$env_value]($style) '
#     style = 'bold yellow'
#
# Auto-renew (opt in): with $Env:AWS_MFA_AUTO_RENEW = '1', at each prompt, once fewer than
# 5 minutes are left, the credentials are renewed with
# `aws-mfa env --no-prompt -p $Env:AWS_MFA_PROFILE` plus the options given to `use`. That
# works when it needs no MFA code: a role profile whose MFA session is still cached. When it
# does not, one line says so, once per expiry time; it is tried again silently at most once
# a minute (renewing elsewhere, e.g. `aws-mfa use` in another terminal, is then picked up).
# It runs after the wrapped prompt, so that prompt still sees the last command's $?.
#
# Running this twice is harmless: the functions are redefined and the prompt is wrapped
# only when it is not wrapped already.

# What `aws-mfa use` set (docs/design.md §5), hence what `aws-mfa off` removes: recorded
# from what each `use` or renewal handed over (the profile's settings vary), these until then.
if ($null -eq $global:_AwsMfaVars) {
    $global:_AwsMfaVars = @(
        'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
        'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_MFA_PROFILE'
    )
}

# The names of the `$Env:NAME = ` lines of `aws-mfa env` output into $global:_AwsMfaVars.
function global:_AwsMfaRecord([object[]] $Lines) {
    $global:_AwsMfaVars = @(foreach ($line in $Lines) {
            if ([string]$line -cmatch '^\$Env:([A-Z_][A-Z0-9_]*) = ') { $Matches[1] }
        })
}
if ($null -eq $global:_AwsMfaUseArgs) { $global:_AwsMfaUseArgs = @() }

# The aws-mfa program itself, never this function.
function global:_AwsMfaBin {
    Get-Command -Name 'aws-mfa' -CommandType Application -ErrorAction Stop | Select-Object -First 1
}

function global:aws-mfa {
    $bin = _AwsMfaBin
    $rest = @()
    if ($args.Count -gt 1) { $rest = @($args[1..($args.Count - 1)]) }
    $sub = if ($args.Count -gt 0) { [string]$args[0] } else { '' }
    if ($sub -ceq 'use') {
        _AwsMfaUse $bin $rest
    } elseif ($sub -ceq 'off') {
        _AwsMfaOff $rest
    } else {
        & $bin @args
    }
}

function global:_AwsMfaUse([System.Management.Automation.CommandInfo] $Bin, [object[]] $Rest) {
    $usage = 'usage: aws-mfa use PROFILE [OPTIONS]  (OPTIONS as for: aws-mfa env)'
    $first = if ($Rest.Count -gt 0) { [string]$Rest[0] } else { '' }
    if ($first -ceq '-h' -or $first -ceq '--help') {
        $usage
        $global:LASTEXITCODE = 0
        return
    }
    if ($first -eq '' -or $first.StartsWith('-')) {
        [Console]::Error.WriteLine("aws-mfa: $usage")
        $global:LASTEXITCODE = 2
        return
    }
    $name = $first
    $options = @()
    if ($Rest.Count -gt 1) { $options = @($Rest[1..($Rest.Count - 1)]) }
    # Switching profiles: the variables of the previous `use` must not reach the program
    # (its AWS_REGION would win over the new profile's region); put back if it fails.
    $saved = @{}
    if ($env:AWS_MFA_PROFILE) {
        foreach ($var in $global:_AwsMfaVars) {
            $saved[$var] = [Environment]::GetEnvironmentVariable($var)
            [Environment]::SetEnvironmentVariable($var, $null)
        }
    }
    $code = 1
    try {
        # stdin and stderr stay the terminal's: the MFA prompt goes to the terminal anyway.
        $out = & $Bin env --format powershell "--profile=$name" @options
        $code = $LASTEXITCODE
    } finally {
        if ($code -ne 0) {
            foreach ($entry in $saved.GetEnumerator()) {
                [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value)
            }
        }
    }
    if ($code -ne 0) {
        $global:LASTEXITCODE = $code
        return
    }
    Invoke-Expression (@($out) -join "`n")
    _AwsMfaRecord @($out)
    # Remembered for auto-renew; a one-time code, a forced refresh, another renewal margin
    # and a second --no-prompt would make every renewal fail or repeat. In any spelling the
    # program took: -m, an alias, or a prefix of the long name (it named one option).
    $withValue = @('--token-code', '--mfa-token', '--min-remaining')
    $flags = @('--refresh', '--force', '--no-prompt')
    $keep = @()
    $skip = $false
    foreach ($arg in $options) {
        $text = [string]$arg
        if ($skip) { $skip = $false; continue }
        if ($text -ceq '-m') { $skip = $true; continue }
        if ($text -clike '-m?*') { continue }
        if ($text -clike '--?*=*') {
            $long = ($text -split '=', 2)[0]
            if (_AwsMfaAbbreviates $long $withValue) { continue }
        } elseif ($text -clike '--?*') {
            if (_AwsMfaAbbreviates $text $withValue) { $skip = $true; continue }
            if (_AwsMfaAbbreviates $text $flags) { continue }
        }
        $keep += $text
    }
    $global:_AwsMfaUseProfile = $name
    $global:_AwsMfaUseArgs = $keep
    $global:_AwsMfaFailedKey = $null
    $global:LASTEXITCODE = 0
}

# Whether the long option $Given names one of $Names: it is one, or a prefix of one.
function global:_AwsMfaAbbreviates([string] $Given, [string[]] $Names) {
    foreach ($name in $Names) {
        if ($name.StartsWith($Given, [System.StringComparison]::Ordinal)) { return $true }
    }
    return $false
}

function global:_AwsMfaOff([object[]] $Rest) {
    if ($Rest.Count -gt 0) {
        [Console]::Error.WriteLine('aws-mfa: usage: aws-mfa off')
        $global:LASTEXITCODE = 2
        return
    }
    foreach ($var in $global:_AwsMfaVars) {
        Remove-Item -Path "Env:$var" -ErrorAction SilentlyContinue
    }
    $global:_AwsMfaUseProfile = $null
    $global:_AwsMfaUseArgs = @()
    $global:_AwsMfaFailedKey = $null
    $global:LASTEXITCODE = 0
}

# Seconds left until $Env:AWS_CREDENTIAL_EXPIRATION (RFC 3339), or $null when it is unset
# or not a timestamp.
function global:_AwsMfaSecondsLeft {
    $when = [DateTimeOffset]::MinValue
    $styles = [Globalization.DateTimeStyles]::AssumeUniversal
    $culture = [Globalization.CultureInfo]::InvariantCulture
    if (-not $env:AWS_CREDENTIAL_EXPIRATION -or
        -not [DateTimeOffset]::TryParse($env:AWS_CREDENTIAL_EXPIRATION, $culture, $styles, [ref]$when)) {
        return $null
    }
    [long][Math]::Floor(($when - [DateTimeOffset]::UtcNow).TotalSeconds)
}

# Seconds as time left is written everywhere: "11h59m", "1h05m", "42m" (whole minutes),
# "expired".
function global:_AwsMfaTimeLeft([long] $Seconds) {
    if ($Seconds -le 0) { return 'expired' }
    if ($Seconds -lt 3600) { return '{0}m' -f [Math]::Floor($Seconds / 60) }
    '{0}h{1:00}m' -f [Math]::Floor($Seconds / 3600), [Math]::Floor(($Seconds % 3600) / 60)
}

# The text with control characters (C0, DEL, C1), bidi controls and U+2028, U+2029 shown
# as \t, \n, \r or \u{HEX} (as aws-mfa's messages show them), so that a name cannot drive
# the terminal.
function global:_AwsMfaShow([string] $Text) {
    $special = '[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]'
    $Text -replace $special, {
        $code = [int][char]$_.Value
        if ($code -eq 9) { '\t' } elseif ($code -eq 10) { '\n' } elseif ($code -eq 13) { '\r' }
        else { '\u{{{0:x}}}' -f $code }
    }
}

# "PROFILE 42m", "PROFILE 1h05m", "PROFILE expired" or nothing; the profile as _AwsMfaShow
# shows it.
function global:Get-AwsMfaPrompt {
    if (-not $env:AWS_MFA_PROFILE -or -not $env:AWS_CREDENTIAL_EXPIRATION) { return }
    $name = _AwsMfaShow $env:AWS_MFA_PROFILE
    $left = _AwsMfaSecondsLeft
    if ($null -eq $left) { return $name }
    "$name $(_AwsMfaTimeLeft $left)"
}

# Runs at each prompt; does nothing unless AWS_MFA_AUTO_RENEW=1. Keeps $LASTEXITCODE.
function global:_AwsMfaHook {
    if ($env:AWS_MFA_AUTO_RENEW -ne '1' -or -not $env:AWS_MFA_PROFILE) { return }
    $savedExitCode = $global:LASTEXITCODE
    try {
        _AwsMfaAutoRenew
    } catch {
        # A prompt hook must never break the prompt.
    } finally {
        $global:LASTEXITCODE = $savedExitCode
    }
}

function global:_AwsMfaAutoRenew {
    $left = _AwsMfaSecondsLeft
    if ($null -eq $left -or $left -ge 300) { return }
    $name = $env:AWS_MFA_PROFILE
    $key = "$name $env:AWS_CREDENTIAL_EXPIRATION"
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($key -ceq $global:_AwsMfaFailedKey -and $now - $global:_AwsMfaFailedAt -lt 60) { return }
    $options = @()
    if ($name -ceq $global:_AwsMfaUseProfile) { $options = @($global:_AwsMfaUseArgs) }
    $bin = _AwsMfaBin
    $tokenCode = $env:AWS_MFA_TOKEN_CODE
    # As for `use`: a setting the last `use` set is not the caller's own, so it is handed
    # over again; put back if the renewal fails.
    $saved = @{}
    foreach ($var in $global:_AwsMfaVars) {
        $saved[$var] = [Environment]::GetEnvironmentVariable($var)
        [Environment]::SetEnvironmentVariable($var, $null)
    }
    $code = 1
    try {
        Remove-Item -Path Env:AWS_MFA_TOKEN_CODE -ErrorAction SilentlyContinue
        $out = & $bin env --no-prompt --format powershell "--profile=$name" @options 2>$null
        $code = $LASTEXITCODE
    } finally {
        if ($null -ne $tokenCode) { $env:AWS_MFA_TOKEN_CODE = $tokenCode }
        if ($code -ne 0) {
            foreach ($entry in $saved.GetEnumerator()) {
                [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value)
            }
        }
    }
    if ($code -eq 0) {
        Invoke-Expression (@($out) -join "`n")
        _AwsMfaRecord @($out)
        $global:_AwsMfaFailedKey = $null
        return
    }
    $said = $global:_AwsMfaFailedKey
    $global:_AwsMfaFailedKey = $key
    $global:_AwsMfaFailedAt = $now
    if ($said -ceq $key) { return }
    $when = 'expired'
    if ($left -gt 0) { $when = "expire in $(_AwsMfaTimeLeft $left)" }
    $shown = _AwsMfaShow $name
    [Console]::Error.WriteLine("aws-mfa: credentials for $shown $when; a new MFA code is needed: aws-mfa use $shown")
}

# Wrap the current prompt once: the wrapper names _AwsMfaHook, which is how it is recognised.
if ("$function:prompt" -notmatch '_AwsMfaHook') {
    $global:_AwsMfaPreviousPrompt = $function:prompt
    function global:prompt {
        $text = if ($global:_AwsMfaPreviousPrompt) {
            & $global:_AwsMfaPreviousPrompt
        } else {
            "PS $($executionContext.SessionState.Path.CurrentLocation)$('>' * ($nestedPromptLevel + 1)) "
        }
        _AwsMfaHook
        $text
    }
}
