# The profile names that start with the word before the cursor, each quoted for where it
# goes on the line, so that the shell reads back exactly the name: compgen -W would expand
# `$(...)` in a name, and readline inserts COMPREPLY as it is. Nothing here is expanded.
_aws_mfa_profile_words() {
    local cur=$1 line=${COMP_LINE-} point=${COMP_POINT-0} name rest q c i cut
    local val='' head='' state=0 head_state=0 esc=0
    COMPREPLY=()
    line=${line:0:point}
    # cur is what readline replaces: the end of the word, after an opening quote if any.
    ((${#cur} <= ${#line})) || return 0
    cut=$((${#line} - ${#cur}))
    [[ ${line:cut} == "$cur" ]] || return 0
    # Read the word as the shell will: its value so far, and at cut the quoting in force.
    for ((i = 0; i <= ${#line}; i++)); do
        if ((i == cut)); then
            ((esc == 0)) || return 0
            head=$val head_state=$state
        fi
        ((i < ${#line})) || break
        c=${line:i:1}
        if ((esc)); then
            # In double quotes a backslash escapes only $ ` " \ and a newline.
            if ((state == 2)) && [[ $c != [\$\`\"\\] ]]; then val+=\\; fi
            val+=$c esc=0
        elif ((state == 1)); then
            if [[ $c == "'" ]]; then state=0; else val+=$c; fi
        elif ((state == 2)); then
            case $c in
            '"') state=0 ;;
            \\) esc=1 ;;
            *) val+=$c ;;
            esac
        else
            case $c in
            ' ' | $'\t' | $'\n') val='' ;;
            "'") state=1 ;;
            '"') state=2 ;;
            \\) esc=1 ;;
            *) val+=$c ;;
            esac
        fi
    done
    while IFS= read -r name; do
        [[ -n $name && ${name:0:${#val}} == "$val" ]] || continue
        rest=${name:${#head}}
        # In quotes the text starts with the quote character, so that readline replaces the
        # opening one, and ends with it, so that readline adds no closing one.
        case $head_state in
        0) printf -v q '%q' "$rest" ;;
        1) q="'${rest//\'/\'\\\'\'}'" ;;
        *)
            q='"'
            for ((i = 0; i < ${#rest}; i++)); do
                c=${rest:i:1}
                case $c in
                [\$\`\"\\]) q+=\\$c ;;
                # History expansion reads ! even in double quotes: end them around it.
                !) q+='"\!"' ;;
                *) q+=$c ;;
                esac
            done
            q+='"'
            ;;
        esac
        COMPREPLY+=("$q")
    done <<<"$(command aws-mfa list --names 2>/dev/null)"
}

_aws__mfa() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="aws__mfa"
                ;;
            aws__mfa,clear)
                cmd="aws__mfa__subcmd__clear"
                ;;
            aws__mfa,completions)
                cmd="aws__mfa__subcmd__completions"
                ;;
            aws__mfa,credential-process)
                cmd="aws__mfa__subcmd__credential__subcmd__process"
                ;;
            aws__mfa,env)
                cmd="aws__mfa__subcmd__env"
                ;;
            aws__mfa,exec)
                cmd="aws__mfa__subcmd__exec"
                ;;
            aws__mfa,help)
                cmd="aws__mfa__subcmd__help"
                ;;
            aws__mfa,init)
                cmd="aws__mfa__subcmd__init"
                ;;
            aws__mfa,list)
                cmd="aws__mfa__subcmd__list"
                ;;
            aws__mfa,off)
                cmd="aws__mfa__subcmd__off"
                ;;
            aws__mfa,use)
                cmd="aws__mfa__subcmd__use"
                ;;
            aws__mfa__subcmd__help,clear)
                cmd="aws__mfa__subcmd__help__subcmd__clear"
                ;;
            aws__mfa__subcmd__help,completions)
                cmd="aws__mfa__subcmd__help__subcmd__completions"
                ;;
            aws__mfa__subcmd__help,credential-process)
                cmd="aws__mfa__subcmd__help__subcmd__credential__subcmd__process"
                ;;
            aws__mfa__subcmd__help,env)
                cmd="aws__mfa__subcmd__help__subcmd__env"
                ;;
            aws__mfa__subcmd__help,exec)
                cmd="aws__mfa__subcmd__help__subcmd__exec"
                ;;
            aws__mfa__subcmd__help,help)
                cmd="aws__mfa__subcmd__help__subcmd__help"
                ;;
            aws__mfa__subcmd__help,init)
                cmd="aws__mfa__subcmd__help__subcmd__init"
                ;;
            aws__mfa__subcmd__help,list)
                cmd="aws__mfa__subcmd__help__subcmd__list"
                ;;
            aws__mfa__subcmd__help,off)
                cmd="aws__mfa__subcmd__help__subcmd__off"
                ;;
            aws__mfa__subcmd__help,use)
                cmd="aws__mfa__subcmd__help__subcmd__use"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        aws__mfa)
            opts="-v -p -u -m -h -V --verbose --log-level --profile --device --user --token-code --duration --role-arn --assume-role --role-session-name --external-id --region --source-profile --long-term-suffix --config-file --creds-file --credentials-file --force --refresh --no-session --no-prompt --write-profile --short-term-suffix --write-boto --min-remaining --setup --help --version exec env credential-process list clear init completions use off help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-level)
                    COMPREPLY=($(compgen -W "critical error warning info debug notset" -- "${cur}"))
                    return 0
                    ;;
                --profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                -p)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --device)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -m)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --duration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --assume-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role-arn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role-session-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --external-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --region)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --source-profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --long-term-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --credentials-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --creds-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --short-term-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --min-remaining)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__clear)
            opts="-p -v -h --profile --all --config-file --creds-file --credentials-file --verbose --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                -p)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --config-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --credentials-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --creds-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__completions)
            opts="-v -h --verbose --help bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__credential__subcmd__process)
            opts="-p -u -m -v -h --profile --device --user --token-code --duration --role-arn --assume-role --role-session-name --external-id --region --source-profile --long-term-suffix --config-file --creds-file --credentials-file --force --refresh --no-session --no-prompt --write-profile --short-term-suffix --write-boto --min-remaining --verbose --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                -p)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --device)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -m)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --duration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --assume-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role-arn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role-session-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --external-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --region)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --source-profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --long-term-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --credentials-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --creds-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --short-term-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --min-remaining)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__env)
            opts="-p -u -m -v -h --profile --device --user --token-code --duration --role-arn --assume-role --role-session-name --external-id --region --source-profile --long-term-suffix --config-file --creds-file --credentials-file --force --refresh --no-session --no-prompt --write-profile --short-term-suffix --write-boto --min-remaining --format --verbose --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                -p)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --device)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -m)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --duration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --assume-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role-arn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role-session-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --external-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --region)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --source-profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --long-term-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --credentials-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --creds-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --short-term-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --min-remaining)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "sh bash zsh fish powershell json dotenv" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__exec)
            opts="-p -u -m -v -h --profile --device --user --token-code --duration --role-arn --assume-role --role-session-name --external-id --region --source-profile --long-term-suffix --config-file --creds-file --credentials-file --force --refresh --no-session --no-prompt --short-term-suffix --write-boto --min-remaining --server --write-profile --verbose --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                -p)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --device)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token-code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -m)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --duration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --assume-role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role-arn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role-session-name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --external-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --region)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --source-profile)
                    _aws_mfa_profile_words "${cur}"
                    return 0
                    ;;
                --long-term-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --credentials-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --creds-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --short-term-suffix)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --min-remaining)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-profile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help)
            opts="exec env credential-process list clear init completions use off help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__clear)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__credential__subcmd__process)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__env)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__exec)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__init)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__off)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__help__subcmd__use)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__init)
            opts="-v -h --verbose --help bash zsh fish powershell"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__list)
            opts="-v -h --config-file --creds-file --credentials-file --json --names --verbose --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --config-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --credentials-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --creds-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__off)
            opts="-v -h --verbose --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        aws__mfa__subcmd__use)
            opts="-v -h --verbose --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _aws__mfa -o nosort -o bashdefault -o default aws-mfa
else
    complete -F _aws__mfa -o bashdefault -o default aws-mfa
fi
