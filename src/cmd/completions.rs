//! `aws-mfa completions SHELL`: print a completion script.
//!
//! Generated from the clap definitions; then the values of `-p/--profile` and
//! `--source-profile` are completed from `aws-mfa list --names` in every shell. A name is
//! always a plain word: never expanded, and quoted for the command line where it is inserted
//! (bash by a helper of ours; zsh, fish and elvish by their line editors; PowerShell by
//! single quotes of ours). The same scripts are committed under `completions/` and a test
//! keeps them current.

use std::io::Write;

use clap_complete::Shell;

use super::Run;
use clap::CommandFactory;

use crate::cli::{Cli, Completions};
use crate::error::Result;

impl Run for Completions {
    fn run(&self) -> Result<()> {
        let text = script(self.shell);
        super::to_stdout(|w| w.write_all(text.as_bytes()))
    }
}

/// Options whose value is a profile name.
const PROFILE_OPTIONS: [&str; 3] = ["-p", "--profile", "--source-profile"];

/// `command`: the program, not the `aws-mfa` function of the shell integration.
const LIST_NAMES: &str = "command aws-mfa list --names 2>/dev/null";

pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "aws-mfa", &mut buf);
    let text = String::from_utf8(buf).expect("clap_complete writes UTF-8");
    match shell {
        // clap_complete names the case labels `aws__subcmd__mfa…` but sets `cmd` to
        // `aws__mfa…` for a binary name with a hyphen, so no subcommand's options would complete.
        Shell::Bash => bash_profiles(&text.replace("aws__subcmd__mfa", "aws__mfa")),
        Shell::Zsh => zsh_profiles(&text),
        Shell::Fish => fish_profiles(&text),
        Shell::PowerShell => powershell_profiles(&text),
        Shell::Elvish => elvish_profiles(&text),
        _ => text,
    }
}

fn is_profile_option(name: &str) -> bool {
    PROFILE_OPTIONS.contains(&name)
}

/// Inserts `insert` before the first line of `text` that is `anchor`.
fn insert_before(text: &str, anchor: &str, insert: &str) -> String {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end_matches('\n') == anchor {
            return format!("{}{insert}{}", &text[..at], &text[at..]);
        }
        at += line.len();
    }
    panic!("clap_complete's output has no line {anchor:?}")
}

/// The bash helper: `compgen -W` would expand `$(…)` and backticks in a name, and readline
/// inserts what COMPREPLY holds as it is, so the helper filters and quotes the names itself.
const BASH_PROFILE_WORDS: &str = r#"# The profile names that start with the word before the cursor, each quoted for where it
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
    done <<<"$(LIST_NAMES)"
}

"#;

/// `--profile)` followed by a file completion becomes `_aws_mfa_profile_words`.
fn bash_profiles(text: &str) -> String {
    let helper = BASH_PROFILE_WORDS.replace("LIST_NAMES", LIST_NAMES);
    let mut out = String::with_capacity(text.len() + 1024);
    let mut after_profile_case = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if after_profile_case && trimmed == r#"COMPREPLY=($(compgen -f "${cur}"))"# {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!("{indent}_aws_mfa_profile_words \"${{cur}}\"\n"));
        } else {
            out.push_str(line);
        }
        after_profile_case = trimmed.strip_suffix(')').is_some_and(is_profile_option);
    }
    insert_before(&out, "_aws__mfa() {", &helper)
}

/// `'--profile=[…]:NAME:_default'` completes with `_aws_mfa_profiles`, defined after `#compdef`.
/// compadd quotes the name it inserts; `(f)` splits the output at newlines only.
fn zsh_profiles(text: &str) -> String {
    let helper = format!(
        "\n_aws_mfa_profiles() {{\n    local -a profiles\n    profiles=(${{(f)\"$({LIST_NAMES})\"}})\n    compadd \"$@\" -a profiles\n}}\n"
    );
    let mut out = String::with_capacity(text.len() + 1024);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let option = line
            .trim_start()
            .strip_prefix('\'')
            // `(--all)-p+[…]`: the options it excludes come first.
            .map(|l| {
                l.strip_prefix('(')
                    .map_or(l, |l| l.split_once(')').map_or(l, |(_, o)| o))
            })
            .and_then(|l| l.split(['+', '=', '[']).next())
            .unwrap_or("");
        if is_profile_option(option) && line.contains(":NAME:_default'") {
            out.push_str(&line.replace(":NAME:_default'", ":NAME:_aws_mfa_profiles'"));
        } else {
            out.push_str(line);
        }
        if i == 0 {
            out.push_str(&helper);
        }
    }
    out
}

/// `complete … -s p -l profile … -r` also offers the profile names: fish splits the output
/// of `(…)` at newlines only, and escapes the candidate it inserts.
fn fish_profiles(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    for line in text.split_inclusive('\n') {
        let words: Vec<&str> = line.split_whitespace().collect();
        let long = words
            .windows(2)
            .find(|w| w[0] == "-l")
            .map(|w| format!("--{}", w[1]));
        let takes_profile = long.as_deref().is_some_and(is_profile_option);
        match line.trim_end().strip_suffix(" -r") {
            Some(head) if takes_profile => {
                out.push_str(&format!("{head} -r -f -a \"({LIST_NAMES})\"\n"));
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// PowerShell inserts a CompletionText as it is: each name goes in single quotes (doubling
/// every kind of single quote PowerShell knows), unless it is a plain bare word.
const POWERSHELL_PROFILE_NAMES: &str = r#"    # A profile option's value: the names of `aws-mfa list --names`, compared as plain text
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

"#;

fn powershell_profiles(text: &str) -> String {
    insert_before(
        text,
        "    $completions = @(switch ($command) {",
        POWERSHELL_PROFILE_NAMES,
    )
}

/// Elvish quotes the candidate it inserts, and `from-lines` makes each line one string.
const ELVISH_PROFILE_NAMES: &str = r#"    # A profile option's value: the names of `aws-mfa list --names`, as plain strings (its
    # stderr closed: nothing of it reaches the line editor).
    if (and (> (count $words) 2) (has-value [-p --profile --source-profile] $words[-2])) {
        try { e:aws-mfa list --names 2>&- | from-lines } catch { }
    } else {
"#;

/// Everything from `var completions` to its use goes, indented, in the `else` of the
/// profile case.
fn elvish_profiles(text: &str) -> String {
    let (first, last) = ("    var completions = [\n", "    $completions[$command]\n");
    let start = text
        .find(first)
        .expect("clap_complete's elvish output has `var completions`");
    let end = text[start..]
        .find(last)
        .expect("clap_complete's elvish output uses $completions[$command]")
        + start
        + last.len();
    let mut out = format!("{}{ELVISH_PROFILE_NAMES}", &text[..start]);
    for line in text[start..end].split_inclusive('\n') {
        out.push_str(if line == "\n" { "" } else { "    " });
        out.push_str(line);
    }
    out.push_str("    }\n");
    out.push_str(&text[end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHELLS: [Shell; 5] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ];

    /// The committed scripts are what the binary prints; `UPDATE_COMPLETIONS=1` rewrites them.
    #[test]
    fn committed_completions_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
        for shell in SHELLS {
            let path = dir.join(clap_complete::Generator::file_name(&shell, "aws-mfa"));
            let fresh = script(shell);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &fresh).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == fresh,
                "{} is stale: run `UPDATE_COMPLETIONS=1 cargo test committed_completions` and commit it",
                path.display()
            );
        }
    }

    #[test]
    fn profile_values_complete_from_list_names() {
        let bash = script(Shell::Bash);
        // the classic form, exec, env, credential-process and clear take -p and --profile;
        // all but clear take --source-profile.
        let call = "_aws_mfa_profile_words \"${cur}\"\n";
        assert_eq!(bash.matches(call).count(), 5 * 2 + 4, "{bash}");
        assert_eq!(bash.matches(LIST_NAMES).count(), 1, "{bash}");
        assert!(!bash.contains("compgen -W \"$("), "{bash}");
        let zsh = script(Shell::Zsh);
        assert_eq!(zsh.matches(":NAME:_aws_mfa_profiles'").count(), 5 * 2 + 4);
        assert!(zsh.starts_with("#compdef aws-mfa\n\n_aws_mfa_profiles() {"));
        let fish = script(Shell::Fish);
        assert_eq!(fish.matches(LIST_NAMES).count(), 5 + 4, "{fish}");
        let powershell = script(Shell::PowerShell);
        assert_eq!(powershell.matches(" list --names 2>$null").count(), 1);
        assert_eq!(
            powershell
                .matches("EscapeSingleQuotedStringContent")
                .count(),
            1
        );
        let elvish = script(Shell::Elvish);
        assert_eq!(
            elvish
                .matches("e:aws-mfa list --names 2>&- | from-lines")
                .count(),
            1
        );
    }
}
