# aws-mfa shell integration for bash (4.2 or later; see docs/design.md §7).
#
# Setup, in ~/.bashrc:
#
#     eval "$(aws-mfa init bash)"
#
# Use:
#
#     aws-mfa use PROFILE [OPTIONS]   set short-term credentials for PROFILE in this shell
#                                     (OPTIONS as for `aws-mfa env`; the MFA code, when one
#                                     is needed, is asked for on the terminal)
#     aws-mfa off                     unset them again
#     aws-mfa ANYTHING...             runs the aws-mfa program, exit status kept
#
# Prompt: `aws_mfa_prompt` prints the profile in use and the time left ("dev 42m",
# "dev 1h05m", "dev expired"), or nothing when no credentials are set. It starts no
# process. In PS1 (one subshell per prompt, only while a profile is in use):
#
#     PS1='${AWS_MFA_PROFILE:+($(aws_mfa_prompt)) }'$PS1
#
# or with no subshell at all: `aws_mfa_prompt -v NAME` stores the text in NAME; run it
# from PROMPT_COMMAND, after the auto-renew hook (so below the eval line):
#
#     PROMPT_COMMAND+=$'\n''aws_mfa_prompt -v aws_mfa_ps1'
#     PS1='${aws_mfa_ps1:+($aws_mfa_ps1) }'$PS1
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
# Auto-renew (opt in): with AWS_MFA_AUTO_RENEW=1, before each prompt, once fewer than
# 5 minutes are left, the credentials are renewed with
# `aws-mfa env --no-prompt -p "$AWS_MFA_PROFILE"` plus the options given to `use`. That
# works when it needs no MFA code: a role profile whose MFA session is still cached. When it
# does not, one line says so, once per expiry time; it is tried again silently at most once
# a minute (renewing elsewhere, e.g. `aws-mfa use` in another terminal, is then picked up).
#
# Evaluating this file twice is harmless: the functions are redefined and the prompt hook
# is added to PROMPT_COMMAND only once.

# What `aws-mfa use` set (docs/design.md §5), hence what `aws-mfa off` unsets: recorded
# from what each `use` or renewal handed over (the profile's settings vary), these until then.
if [[ -z ${_aws_mfa_vars+set} ]]; then
    _aws_mfa_vars=(AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
        AWS_CREDENTIAL_EXPIRATION AWS_REGION AWS_DEFAULT_REGION AWS_MFA_PROFILE)
fi

# The names of the `export NAME=` lines of `aws-mfa env` output $1 into _aws_mfa_vars.
_aws_mfa_record() {
    local line re='^export ([A-Z_][A-Z0-9_]*)='
    _aws_mfa_vars=()
    while IFS= read -r line; do
        if [[ $line =~ $re ]]; then _aws_mfa_vars+=("${BASH_REMATCH[1]}"); fi
    done <<<"$1"
}

aws-mfa() {
    case ${1-} in
    use)
        shift
        _aws_mfa_use "$@"
        ;;
    off)
        shift
        _aws_mfa_off "$@"
        ;;
    *)
        command aws-mfa "$@"
        ;;
    esac
}

_aws_mfa_use() {
    case ${1-} in
    -h | --help)
        printf '%s\n' 'usage: aws-mfa use PROFILE [OPTIONS]  (OPTIONS as for: aws-mfa env)'
        return 0
        ;;
    '' | -*)
        printf '%s\n' 'aws-mfa: usage: aws-mfa use PROFILE [OPTIONS]  (OPTIONS as for: aws-mfa env)' >&2
        return 2
        ;;
    esac
    local profile=$1 out
    shift
    # stdin and stderr stay the terminal's: the MFA prompt goes to /dev/tty anyway.
    out=$(
        # Switching profiles: the variables of the previous `use` must not reach the program
        # (its AWS_REGION would win over the new profile's region).
        if [[ -n ${AWS_MFA_PROFILE-} ]]; then unset "${_aws_mfa_vars[@]}"; fi
        command aws-mfa env --format bash --profile="$profile" "$@"
    ) || return
    # What the previous `use` set and this profile does not set must go (`off` forgets it).
    if [[ -n ${AWS_MFA_PROFILE-} ]]; then unset "${_aws_mfa_vars[@]}"; fi
    eval "$out"
    _aws_mfa_record "$out"
    # Remembered for auto-renew; a one-time code, a forced refresh, another renewal margin
    # and a second --no-prompt would make every renewal fail or repeat. In any spelling the
    # program took: -m, an alias, or a prefix of the long name (it named one option).
    _aws_mfa_use_profile=$profile
    _aws_mfa_use_args=()
    while (($# > 0)); do
        case $1 in
        -m)
            if (($# > 1)); then shift; fi
            ;;
        -m?*) ;;
        --?*=*)
            _aws_mfa_names "${1%%=*}" --token-code --mfa-token --min-remaining ||
                _aws_mfa_use_args+=("$1")
            ;;
        --?*)
            if _aws_mfa_names "$1" --token-code --mfa-token --min-remaining; then
                if (($# > 1)); then shift; fi
            elif ! _aws_mfa_names "$1" --refresh --force --no-prompt; then
                _aws_mfa_use_args+=("$1")
            fi
            ;;
        *) _aws_mfa_use_args+=("$1") ;;
        esac
        shift
    done
    _aws_mfa_failed_key=
    return 0
}

# Whether the long option $1 names one of $2…: it is one, or a prefix of one.
_aws_mfa_names() {
    local given=$1 name
    shift
    for name in "$@"; do
        if [[ $name == "$given"* ]]; then return 0; fi
    done
    return 1
}

_aws_mfa_off() {
    if (($# > 0)); then
        printf '%s\n' 'aws-mfa: usage: aws-mfa off' >&2
        return 2
    fi
    unset "${_aws_mfa_vars[@]}"
    _aws_mfa_use_profile=
    _aws_mfa_use_args=()
    _aws_mfa_failed_key=
    return 0
}

# Seconds since the epoch into _aws_mfa_epoch, with no process.
_aws_mfa_now() {
    if [[ -n ${EPOCHSECONDS-} ]]; then
        _aws_mfa_epoch=$EPOCHSECONDS
    elif ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 402)); then
        printf -v _aws_mfa_epoch '%(%s)T' -1
    else
        _aws_mfa_epoch=$(date +%s) # bash older than 4.2 only
    fi
}

# Seconds left until $AWS_CREDENTIAL_EXPIRATION (RFC 3339) into _aws_mfa_left, and now into
# _aws_mfa_epoch; status 1 when it is unset or not such a timestamp.
_aws_mfa_seconds_left() {
    local re='^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2}):?([0-9]{2}))$'
    [[ ${AWS_CREDENTIAL_EXPIRATION-} =~ $re ]] || return 1
    local y=$((10#${BASH_REMATCH[1]})) m=$((10#${BASH_REMATCH[2]})) d=$((10#${BASH_REMATCH[3]}))
    local t=$((10#${BASH_REMATCH[4]} * 3600 + 10#${BASH_REMATCH[5]} * 60 + 10#${BASH_REMATCH[6]}))
    if [[ -n ${BASH_REMATCH[9]-} ]]; then
        local offset=$((10#${BASH_REMATCH[10]} * 3600 + 10#${BASH_REMATCH[11]} * 60))
        if [[ ${BASH_REMATCH[9]} == + ]]; then
            t=$((t - offset))
        else
            t=$((t + offset))
        fi
    fi
    # Days from civil (Howard Hinnant): the proleptic Gregorian date as days since 1970-01-01.
    y=$((m <= 2 ? y - 1 : y))
    local era=$(((y >= 0 ? y : y - 399) / 400))
    local yoe=$((y - era * 400))
    local doy=$(((153 * ((m + 9) % 12) + 2) / 5 + d - 1))
    local doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
    t=$(((era * 146097 + doe - 719468) * 86400 + t))
    _aws_mfa_now
    _aws_mfa_left=$((t - _aws_mfa_epoch))
}

# Seconds $1 into _aws_mfa_time as time left is written everywhere: "11h59m", "1h05m",
# "42m" (whole minutes), "expired".
_aws_mfa_time_left() {
    if (($1 <= 0)); then
        _aws_mfa_time=expired
    elif (($1 < 3600)); then
        _aws_mfa_time="$(($1 / 60))m"
    else
        printf -v _aws_mfa_time '%dh%02dm' $(($1 / 3600)) $(($1 % 3600 / 60))
    fi
}

# $1 into _aws_mfa_shown with control characters (C0, DEL, C1), bidi controls and U+2028,
# U+2029 shown as \t, \n, \r or \u{HEX} (as aws-mfa's messages show them), so that a name
# cannot drive the terminal. Reads UTF-8 bytes whatever the locale; starts no process.
_aws_mfa_show() {
    _aws_mfa_shown=$1
    [[ $1 == *[![:ascii:]]* || $1 == *[[:cntrl:]]* ]] || return 0
    local LC_ALL=C s=$1 out='' c v w x cp len i=0
    while ((i < ${#s})); do
        c=${s:i:1} w=0 x=0 len=1
        printf -v v '%d' "'$c"
        if ((i + 1 < ${#s})); then printf -v w '%d' "'${s:i+1:1}"; fi
        if ((i + 2 < ${#s})); then printf -v x '%d' "'${s:i+2:1}"; fi
        if ((v < 0x20 || v == 0x7f)); then
            cp=$v
        elif ((v == 0xc2 && w >= 0x80 && w <= 0x9f)); then
            cp=$w len=2
        elif ((v == 0xd8 && w == 0x9c)); then
            cp=0x61c len=2
        elif ((v == 0xe2 && w == 0x80 && (x == 0x8e || x == 0x8f || (x >= 0xa8 && x <= 0xae)))); then
            cp=$((0x2000 + x - 0x80)) len=3
        elif ((v == 0xe2 && w == 0x81 && x >= 0xa6 && x <= 0xa9)); then
            cp=$((0x2040 + x - 0x80)) len=3
        else
            cp=-1
        fi
        case $cp in
        -1) out+=$c ;;
        9) out+='\t' ;;
        10) out+='\n' ;;
        13) out+='\r' ;;
        *)
            printf -v c '\\u{%x}' "$cp"
            out+=$c
            ;;
        esac
        i=$((i + len))
    done
    _aws_mfa_shown=$out
}

# `aws_mfa_prompt`: print "PROFILE 42m", "PROFILE 1h05m", "PROFILE expired" or nothing.
# `aws_mfa_prompt -v NAME`: store that text (no newline) in the variable NAME instead.
# The profile is shown with _aws_mfa_show; nothing else needs escaping for PS1, as bash
# decodes PS1's backslash escapes before it expands `$(aws_mfa_prompt)` or `$NAME`, and
# does not read the expanded text again.
# No locals: one named like NAME would receive the text instead of the caller's variable.
aws_mfa_prompt() {
    _aws_mfa_text=
    if [[ -n ${AWS_MFA_PROFILE-} && -n ${AWS_CREDENTIAL_EXPIRATION-} ]]; then
        _aws_mfa_show "$AWS_MFA_PROFILE"
        _aws_mfa_text=$_aws_mfa_shown
        if _aws_mfa_seconds_left; then
            _aws_mfa_time_left "$_aws_mfa_left"
            _aws_mfa_text+=" $_aws_mfa_time"
        fi
    fi
    if [[ ${1-} == -v ]]; then
        printf -v "${2:?aws_mfa_prompt -v needs a variable name}" '%s' "$_aws_mfa_text"
    elif [[ -n $_aws_mfa_text ]]; then
        printf '%s\n' "$_aws_mfa_text"
    fi
}

# Runs before each prompt; does nothing unless AWS_MFA_AUTO_RENEW=1. Keeps $?.
_aws_mfa_hook() {
    local status=$?
    if [[ ${AWS_MFA_AUTO_RENEW-} == 1 && -n ${AWS_MFA_PROFILE-} ]]; then
        _aws_mfa_auto_renew || :
    fi
    return "$status"
}

_aws_mfa_auto_renew() {
    _aws_mfa_seconds_left || return 0
    ((_aws_mfa_left < 300)) || return 0
    local profile=$AWS_MFA_PROFILE key="$AWS_MFA_PROFILE $AWS_CREDENTIAL_EXPIRATION" out
    if [[ $key == "${_aws_mfa_failed_key-}" ]] && ((_aws_mfa_epoch - ${_aws_mfa_failed_at:-0} < 60)); then
        return 0
    fi
    local -a args=()
    if [[ $profile == "${_aws_mfa_use_profile-}" ]]; then
        args=(${_aws_mfa_use_args[@]+"${_aws_mfa_use_args[@]}"})
    fi
    if out=$(
        # As for `use`: a setting the last `use` set is not the caller's own, so it is handed over again.
        unset AWS_MFA_TOKEN_CODE "${_aws_mfa_vars[@]}"
        command aws-mfa env --no-prompt --format bash --profile="$profile" ${args[@]+"${args[@]}"} 2>/dev/null
    ); then
        unset "${_aws_mfa_vars[@]}"
        eval "$out"
        _aws_mfa_record "$out"
        _aws_mfa_failed_key=
        return 0
    fi
    local said=${_aws_mfa_failed_key-}
    _aws_mfa_failed_key=$key
    _aws_mfa_failed_at=$_aws_mfa_epoch
    [[ $said != "$key" ]] || return 0
    local when='expired'
    if ((_aws_mfa_left > 0)); then
        _aws_mfa_time_left "$_aws_mfa_left"
        when="expire in $_aws_mfa_time"
    fi
    # A name with control or bidi characters is shown escaped, not quoted for pasting.
    _aws_mfa_show "$profile"
    local use=$_aws_mfa_shown
    if [[ $use == "$profile" ]]; then printf -v use '%q' "$profile"; fi
    printf 'aws-mfa: credentials for %s %s; a new MFA code is needed: aws-mfa use %s\n' \
        "$_aws_mfa_shown" "$when" "$use" >&2
}

# Add the hook once, after what PROMPT_COMMAND already holds (a string, or an array in
# bash 5.1 or later).
_aws_mfa_install_hook() {
    local entry
    if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == 'declare -a'* ]]; then
        for entry in "${PROMPT_COMMAND[@]}"; do
            [[ $entry != *_aws_mfa_hook* ]] || return 0
        done
        PROMPT_COMMAND+=(_aws_mfa_hook)
    elif [[ ${PROMPT_COMMAND-} != *_aws_mfa_hook* ]]; then
        # shellcheck disable=SC2128,SC2178 # here PROMPT_COMMAND is a string, not an array
        PROMPT_COMMAND=${PROMPT_COMMAND:+$PROMPT_COMMAND$'\n'}_aws_mfa_hook
    fi
}
_aws_mfa_install_hook
unset -f _aws_mfa_install_hook
