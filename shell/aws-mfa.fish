# aws-mfa shell integration for fish (see docs/design.md §7).
#
# Setup, in ~/.config/fish/config.fish:
#
#     aws-mfa init fish | source
#
# Use:
#
#     aws-mfa use PROFILE [OPTIONS]   set short-term credentials for PROFILE in this shell
#                                     (OPTIONS as for `aws-mfa env`; the MFA code, when one
#                                     is needed, is asked for on the terminal)
#     aws-mfa off                     erase them again
#     aws-mfa ANYTHING...             runs the aws-mfa program, exit status kept
#
# Prompt: `aws_mfa_prompt` prints the profile in use and the time left ("dev 42m",
# "dev 1h05m", "dev expired"), or nothing when no credentials are set. fish has no builtin
# clock, so while a profile is in use it runs `date +%s` once; otherwise it runs nothing.
# For example in ~/.config/fish/functions/fish_right_prompt.fish:
#
#     function fish_right_prompt
#         aws_mfa_prompt
#     end
#
# starship runs a custom module's command in a new shell, which does not have these
# functions; show what starship reads itself instead (no process at all). Its `aws` module
# shows the region and the time left from AWS_CREDENTIAL_EXPIRATION; add the profile with
# an `env_var` module. In ~/.config/starship.toml:
#
#     [env_var.AWS_MFA_PROFILE]
#     variable = 'AWS_MFA_PROFILE'
#     format = '[$env_value]($style) '
#     style = 'bold yellow'
#
# Auto-renew (opt in): with AWS_MFA_AUTO_RENEW=1, before each prompt, once fewer than
# 5 minutes are left, the credentials are renewed with
# `aws-mfa env --no-prompt -p $AWS_MFA_PROFILE` plus the options given to `use`. That
# works when it needs no MFA code: a role profile whose MFA session is still cached. When it
# does not, one line says so, once per expiry time; it is tried again silently at most once
# a minute (renewing elsewhere, e.g. `aws-mfa use` in another terminal, is then picked up).
#
# Sourcing this file twice is harmless: the functions are redefined, and redefining the
# fish_prompt handler replaces it.

# What `aws-mfa use` set (docs/design.md §5), hence what `aws-mfa off` erases: recorded
# from what each `use` or renewal handed over (the profile's settings vary), these until then.
if not set -q _aws_mfa_vars[1]
    set -g _aws_mfa_vars AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
        AWS_CREDENTIAL_EXPIRATION AWS_REGION AWS_DEFAULT_REGION AWS_MFA_PROFILE
end

# The names of the `set -gx NAME` lines of `aws-mfa env` output (the arguments) into
# _aws_mfa_vars.
function _aws_mfa_record
    set -g _aws_mfa_vars (string replace -r -f -- '^set -gx ([A-Z_][A-Z0-9_]*) .*$' '$1' $argv)
end

function aws-mfa --description 'aws-mfa use PROFILE | off | the aws-mfa program'
    switch "$argv[1]"
        case use
            _aws_mfa_use $argv[2..-1]
        case off
            _aws_mfa_off $argv[2..-1]
        case '*'
            command aws-mfa $argv
    end
end

function _aws_mfa_use
    switch "$argv[1]"
        case -h --help
            echo 'usage: aws-mfa use PROFILE [OPTIONS]  (OPTIONS as for: aws-mfa env)'
            return 0
        case '' '-*'
            echo 'aws-mfa: usage: aws-mfa use PROFILE [OPTIONS]  (OPTIONS as for: aws-mfa env)' >&2
            return 2
    end
    set -l profile $argv[1]
    set -l out
    set -l code
    begin
        # Switching profiles: the variables of the previous `use` must not reach the program
        # (its AWS_REGION would win over the new profile's region). Unexported variables
        # local to this block hide the global ones from it (eval, as `for` and `if` would
        # open blocks of their own).
        test -n "$AWS_MFA_PROFILE"
        and eval (printf 'set -lu %s; ' $_aws_mfa_vars)
        # stdin and stderr stay the terminal's: the MFA prompt goes to /dev/tty anyway.
        set out (command aws-mfa env --format fish --profile=$profile $argv[2..-1])
        set code $status
    end
    test $code -eq 0; or return $code
    # What the previous `use` set and this profile does not set must go (`off` forgets it).
    if test -n "$AWS_MFA_PROFILE"
        for name in $_aws_mfa_vars
            set -e $name
        end
    end
    string join \n -- $out | source
    _aws_mfa_record $out
    # Remembered for auto-renew; a one-time code, a forced refresh, another renewal margin
    # and a second --no-prompt would make every renewal fail or repeat. In any spelling the
    # program took: -m, an alias, or a prefix of the long name (it named one option).
    set -g _aws_mfa_use_profile $profile
    set -g _aws_mfa_use_args
    set -l skip 0
    for arg in $argv[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $arg
            case -m
                set skip 1
            case '-m?*'
            case '--?*=*'
                set -l name (string split -m 1 = -- $arg)[1]
                _aws_mfa_names $name --token-code --mfa-token --min-remaining
                or set -a _aws_mfa_use_args $arg
            case '--?*'
                if _aws_mfa_names $arg --token-code --mfa-token --min-remaining
                    set skip 1
                else if not _aws_mfa_names $arg --refresh --force --no-prompt
                    set -a _aws_mfa_use_args $arg
                end
            case '*'
                set -a _aws_mfa_use_args $arg
        end
    end
    set -g _aws_mfa_failed_key
    return 0
end

# Whether the long option $argv[1] names one of $argv[2..]: it is one, or a prefix of one.
function _aws_mfa_names
    set -l given $argv[1]
    set -l length (string length -- $given)
    for name in $argv[2..-1]
        if test (string sub -l $length -- $name) = $given
            return 0
        end
    end
    return 1
end

function _aws_mfa_off
    if set -q argv[1]
        echo 'aws-mfa: usage: aws-mfa off' >&2
        return 2
    end
    for name in $_aws_mfa_vars
        set -e $name
    end
    set -g _aws_mfa_use_profile
    set -g _aws_mfa_use_args
    set -g _aws_mfa_failed_key
    return 0
end

# Seconds left until $AWS_CREDENTIAL_EXPIRATION (RFC 3339) into _aws_mfa_left, and now into
# _aws_mfa_epoch; status 1 when it is unset or not such a timestamp.
function _aws_mfa_seconds_left
    set -l ts (string replace -r '\.\d+' '' -- "$AWS_CREDENTIAL_EXPIRATION")
    set -l p (string match -r -- '^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)([Zz]|[+-]\d\d:?\d\d)$' $ts)
    or return 1
    # p[1] is the whole match; fish's math reads "08" as 8.
    set -l y $p[2]
    set -l m (math $p[3])
    set -l d $p[4]
    set -l t (math "$p[5] * 3600 + $p[6] * 60 + $p[7]")
    set -l offset (string match -r -- '^([+-])(\d\d):?(\d\d)$' $p[8])
    if test "$offset[2]" = +
        set t (math "$t - ($offset[3] * 3600 + $offset[4] * 60)")
    else if test "$offset[2]" = -
        set t (math "$t + $offset[3] * 3600 + $offset[4] * 60")
    end
    # Days from civil (Howard Hinnant): the proleptic Gregorian date as days since 1970-01-01.
    if test $m -le 2
        set y (math $y - 1)
    end
    set -l era (math "floor($y / 400)")
    set -l yoe (math "$y - $era * 400")
    set -l doy (math "floor((153 * (($m + 9) % 12) + 2) / 5) + $d - 1")
    set -l doe (math "$yoe * 365 + floor($yoe / 4) - floor($yoe / 100) + $doy")
    set t (math "($era * 146097 + $doe - 719468) * 86400 + $t")
    set -g _aws_mfa_epoch (command date +%s)
    set -g _aws_mfa_left (math "$t - $_aws_mfa_epoch")
end

# Print seconds $argv[1] as time left is written everywhere: "11h59m", "1h05m", "42m"
# (whole minutes), "expired".
function _aws_mfa_time_left
    if test $argv[1] -le 0
        echo expired
    else if test $argv[1] -lt 3600
        echo (math "floor($argv[1] / 60)")m
    else
        printf '%dh%02dm\n' (math "floor($argv[1] / 3600)") (math "floor($argv[1] % 3600 / 60)")
    end
end

# Print $argv[1] with control characters (C0, DEL, C1), bidi controls and U+2028, U+2029
# shown as \t, \n, \r or \u{HEX} (as aws-mfa's messages show them), so that a name cannot
# drive the terminal.
function _aws_mfa_show
    set -l special '[\x00-\x1f\x7f-\x9f\x{61c}\x{200e}\x{200f}\x{2028}-\x{202e}\x{2066}-\x{2069}]'
    if not string match -qr -- $special $argv[1]
        printf '%s\n' $argv[1]
        return 0
    end
    # A newline first: the rest goes through lines.
    set -l s (string replace -a \n '\n' -- $argv[1] | string replace -a \t '\t' | string replace -a \r '\r')
    set -l out
    for c in (string split '' -- $s)
        if string match -qr -- $special $c
            set -a out (printf '\\\\u{%x}' "'$c")
        else
            set -a out $c
        end
    end
    string join '' -- $out
end

# Print "PROFILE 42m", "PROFILE 1h05m", "PROFILE expired" or nothing; the profile as
# _aws_mfa_show shows it.
function aws_mfa_prompt --description 'aws-mfa profile and time left, for a prompt'
    test -n "$AWS_MFA_PROFILE"; and test -n "$AWS_CREDENTIAL_EXPIRATION"; or return 0
    set -l name (_aws_mfa_show $AWS_MFA_PROFILE)
    if _aws_mfa_seconds_left
        echo "$name "(_aws_mfa_time_left $_aws_mfa_left)
    else
        echo $name
    end
end

# Runs before each prompt; does nothing unless AWS_MFA_AUTO_RENEW=1.
function _aws_mfa_hook --on-event fish_prompt
    if test "$AWS_MFA_AUTO_RENEW" = 1; and test -n "$AWS_MFA_PROFILE"
        _aws_mfa_auto_renew
    end
end

function _aws_mfa_auto_renew
    _aws_mfa_seconds_left; or return 0
    test $_aws_mfa_left -lt 300; or return 0
    set -l profile $AWS_MFA_PROFILE
    set -l key "$AWS_MFA_PROFILE $AWS_CREDENTIAL_EXPIRATION"
    if test "$key" = "$_aws_mfa_failed_key"
        and test (math "$_aws_mfa_epoch - $_aws_mfa_failed_at") -lt 60
        return 0
    end
    set -l args
    if test "$profile" = "$_aws_mfa_use_profile"
        set args $_aws_mfa_use_args
    end
    set -l out
    set -l code
    begin
        # As for `use`: a setting the last `use` set is not the caller's own, so it is
        # handed over again (eval: `for` would open a block of its own).
        set -lu AWS_MFA_TOKEN_CODE
        eval (printf 'set -lu %s; ' $_aws_mfa_vars)
        set out (command aws-mfa env --no-prompt --format fish --profile=$profile $args 2>/dev/null)
        set code $status
    end
    if test $code -eq 0
        for name in $_aws_mfa_vars
            set -e $name
        end
        string join \n -- $out | source
        _aws_mfa_record $out
        set -g _aws_mfa_failed_key
        return 0
    end
    set -l said "$_aws_mfa_failed_key"
    set -g _aws_mfa_failed_key $key
    set -g _aws_mfa_failed_at $_aws_mfa_epoch
    test "$said" != "$key"; or return 0
    set -l when expired
    if test $_aws_mfa_left -gt 0
        set when "expire in "(_aws_mfa_time_left $_aws_mfa_left)
    end
    # A name with control or bidi characters is shown escaped, not quoted for pasting.
    set -l shown (_aws_mfa_show $profile)
    set -l use $shown
    if test "$shown" = "$profile"
        set use (string escape -- $profile)
    end
    echo "aws-mfa: credentials for $shown $when; a new MFA code is needed: aws-mfa use $use" >&2
end
