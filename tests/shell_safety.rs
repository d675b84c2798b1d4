//! Profile names that would run code, or drive the terminal, if a shell read them as code:
//! completion offers them as plain words in bash, zsh, fish and elvish (each driven as a
//! user's Tab would, in its interactive line editor under a pseudo-terminal), and the
//! prompt helpers show them literally in bash, zsh and fish (in their default interactive
//! modes). PowerShell is not installable here: its scripts are checked as text.
//!
//! Nothing here is skipped: a missing bash, zsh, fish, elvish, python3 or strace fails the
//! test that needs it, with the reason.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;

/// Names that run code, glob, split or change meaning if a shell reads them as code. No `]`:
/// aws-mfa's reader ends a header at the first one.
const HOSTILE: [&str; 16] = [
    "$(touch PWNED1)",
    "`touch PWNED2`",
    "a b",
    "it's",
    "\"q\"",
    "*",
    "x\\y",
    "$HOME",
    ";touch PWNED3",
    "-rf",
    "?",
    "[a",
    "a|b",
    "!!",
    "#x",
    "~root",
];

fn completions(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(file)
}

/// PATH with the directory of the binary under test first.
fn path_with_binary() -> OsString {
    let dir = Path::new(BIN).parent().expect("binary directory");
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH")
}

fn config_for(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("[profile {}]\nregion = eu-west-1\n", shlex_quote(n)))
        .collect()
}

/// Python's `shlex.quote`: botocore splits a config header as a shell would, so a header
/// names `[profile a b]` exactly only as `[profile 'a b']`.
fn shlex_quote(name: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !name.is_empty() && name.chars().all(safe) {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "'\"'\"'"))
    }
}

/// A sandbox whose only profiles are `names` (the config file; the credentials file empty).
fn hostile_sandbox(names: &[&str]) -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_credentials("");
    sb.write_config(&config_for(names));
    let listed = run(&mut sb.cmd(["list", "--names"]));
    listed.assert_success();
    let mut want: Vec<&str> = names.to_vec();
    want.sort();
    let mut got: Vec<&str> = listed.stdout.lines().collect();
    got.sort();
    assert_eq!(
        got, want,
        "the fixture's names as `list --names` reads them"
    );
    sb
}

/// Files whose name contains PWNED, anywhere in the sandbox.
fn pwned(sb: &Sandbox) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("PWNED"))
            {
                out.push(p.clone());
            }
            if p.is_dir() && !p.is_symlink() {
                walk(&p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&sb.root, &mut out);
    out
}

/// NUL-terminated fields of a file written by a recorder (missing file: none).
fn fields(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.split_terminator('\0').map(str::to_string).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

fn strings(names: &[&str]) -> Vec<String> {
    sorted(names.iter().map(|s| s.to_string()).collect())
}

// ---------------------------------------------------------------------------------------
// A shell under a pseudo-terminal, typed at as a user would
// ---------------------------------------------------------------------------------------

/// Runs argv[3:] on a pty and plays the steps: `send` writes keys, `expect` waits (up to the
/// deadline) for a regex in what the terminal shows after the previous match.
const PTY_DRIVER: &str = r#"
import json, os, pty, re, select, signal, sys, time
deadline = time.monotonic() + float(sys.argv[1])
steps = json.loads(sys.argv[2])
pid, master = pty.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[3], sys.argv[3:])
    finally:
        os._exit(127)
buf, pos, failed = b"", 0, None
for i, step in enumerate(steps):
    if "send" in step:
        os.write(master, step["send"].encode())
        continue
    pat = re.compile(step["expect"].encode(), re.S)
    while True:
        m = pat.search(buf, pos)
        if m:
            pos = m.end()
            break
        left = deadline - time.monotonic()
        ready = select.select([master], [], [], max(0.0, left))[0] if left > 0 else []
        data = b""
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                pass
        if not data:
            failed = i
            break
        buf += data
    if failed is not None:
        break
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
print(json.dumps({"failed_step": failed, "tty": buf.decode("utf-8", "replace")}))
"#;

enum Step {
    Send(String),
    Expect(String),
}

struct Session {
    tty: String,
    /// The expected text that never showed, if one did not.
    missing: Option<String>,
}

impl Session {
    #[track_caller]
    fn assert_complete(&self, argv: &[String]) {
        if let Some(missing) = &self.missing {
            panic!(
                "{argv:?}: {missing} never showed; the terminal showed:\n{}",
                self.tty.escape_debug()
            );
        }
    }
}

/// Plays `steps` against `argv` on a pseudo-terminal in the sandbox, up to the first
/// expected text that does not show.
fn pty_session(sb: &Sandbox, argv: &[String], steps: &[Step]) -> Session {
    let python = require_tool("python3");
    require_tool(&argv[0]);
    let json: Vec<serde_json::Value> = steps
        .iter()
        .map(|s| match s {
            Step::Send(t) => serde_json::json!({ "send": t }),
            Step::Expect(t) => serde_json::json!({ "expect": t }),
        })
        .collect();
    let timeout = Duration::from_secs(90);
    let mut cmd = sb.command(python);
    cmd.arg("-c")
        .arg(PTY_DRIVER)
        .arg(timeout.as_secs().to_string())
        .arg(serde_json::Value::Array(json).to_string())
        .args(argv)
        .env("PATH", path_with_binary())
        .env("TERM", "xterm");
    let r = run_within(&mut cmd, timeout + Duration::from_secs(30));
    r.assert_success();
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("pty driver output is not JSON ({e})\n{}", r.dump()));
    let tty = v["tty"].as_str().unwrap_or_default().to_string();
    let missing = v["failed_step"].as_u64().map(|n| match &steps[n as usize] {
        Step::Expect(t) => format!("{t:?} (step {n})"),
        Step::Send(_) => format!("step {n}"),
    });
    Session { tty, missing }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sh {
    Bash,
    Zsh,
    Fish,
    Elvish,
}

impl Sh {
    /// The shell in its default interactive mode, no rc files.
    fn argv(self) -> Vec<String> {
        let v: &[&str] = match self {
            Sh::Bash => &["bash", "--norc", "--noprofile", "-i"],
            Sh::Zsh => &["zsh", "-f", "-i"],
            Sh::Fish => &["fish", "--no-config", "-i"],
            Sh::Elvish => &["elvish", "-norc"],
        };
        v.iter().map(|s| s.to_string()).collect()
    }

    /// A command that prints `TAG-42`: the typed line itself shows no `TAG-42`, so seeing
    /// it means the command ran.
    fn marker(self, tag: &str) -> String {
        match self {
            Sh::Bash | Sh::Zsh => format!("echo {tag}-$((40+2))"),
            Sh::Fish => format!("echo {tag}-(math 40+2)"),
            Sh::Elvish => format!("echo {tag}-(+ 40 2)"),
        }
    }

    /// Exports a variable whose value is a plain path.
    fn export(self, name: &str, value: &Path) -> String {
        let v = value.display();
        match self {
            Sh::Bash | Sh::Zsh => format!("export {name}='{v}'"),
            Sh::Fish => format!("set -gx {name} '{v}'"),
            Sh::Elvish => format!("set E:{name} = '{v}'"),
        }
    }

    /// The prompt `> `, the completion script, and an `aws-mfa` function that records its
    /// arguments (NUL-terminated) in $ARGS_FILE but lets `list` through to the program.
    fn setup(self) -> String {
        let file = |f: &str| completions(f).display().to_string();
        match self {
            Sh::Bash => format!(
                "PS1='> '; source '{}'; aws-mfa() {{ if [[ $1 == list ]]; then command aws-mfa \"$@\"; else printf '%s\\0' \"$@\" > \"$ARGS_FILE\"; fi; }}",
                file("aws-mfa.bash")
            ),
            Sh::Zsh => format!(
                "PROMPT='> '; fpath=('{}' $fpath); autoload -U compinit && compinit -u -D; aws-mfa() {{ if [[ $1 == list ]]; then command aws-mfa \"$@\"; else print -rN -- \"$@\" > $ARGS_FILE; fi }}; compadd() {{ local -a offered; builtin compadd -O offered \"$@\"; if [[ $funcstack[2] == _aws_mfa_profiles ]]; then print -rN -- $offered >> $OFFERED_FILE; fi; builtin compadd \"$@\" }}",
                file("")
            ),
            Sh::Fish => format!(
                "function fish_prompt; printf '> '; end; source '{}'; function aws-mfa; if test \"$argv[1]\" = list; command aws-mfa $argv; else; printf '%s\\0' $argv > $ARGS_FILE; end; end",
                file("aws-mfa.fish")
            ),
            Sh::Elvish => format!(
                "set edit:prompt = {{ put '> ' }}; eval (slurp < '{}'); fn aws-mfa {{|@a| if (eq $a[0] list) {{ e:aws-mfa $@a }} else {{ each {{|x| print $x\"\\x00\" }} $a > $E:ARGS_FILE }} }}",
                file("aws-mfa.elv")
            ),
        }
    }

    /// Writes the candidates the completion offers after `aws-mfa exec -p ` (as the shell
    /// holds them, unquoted), NUL-terminated, to `out`.
    fn candidates(self, out: &Path) -> Vec<Step> {
        let o = out.display();
        let line = match self {
            // As `complete -F` calls the function; each candidate is read back by the shell
            // as it would read it on the command line.
            Sh::Bash => format!(
                "COMP_WORDS=(aws-mfa exec -p ''); COMP_CWORD=3; COMP_LINE='aws-mfa exec -p '; COMP_POINT=${{#COMP_LINE}}; _aws__mfa aws-mfa '' -p; for c in \"${{COMPREPLY[@]}}\"; do eval \"printf '%s\\0' $c\"; done > '{o}'"
            ),
            // A real TAB: the compadd wrapper records what _aws_mfa_profiles offers.
            Sh::Zsh => {
                return vec![
                    Step::Send(format!(
                        "{}; {}\n",
                        Sh::Zsh.export("OFFERED_FILE", out),
                        Sh::Zsh.marker("OFFER")
                    )),
                    Step::Expect("OFFER-42.*?> ".into()),
                    Step::Send("aws-mfa exec -p \t".into()),
                    Step::Send(format!("\x15{}\n", Sh::Zsh.marker("LISTED"))),
                    Step::Expect("LISTED-42.*?> ".into()),
                ];
            }
            Sh::Fish => format!(
                "for c in (complete -C 'aws-mfa exec -p '); printf '%s\\0' (string split -m1 \\t -- $c)[1]; end > '{o}'"
            ),
            Sh::Elvish => format!(
                "$edit:completion:arg-completer[aws-mfa] aws-mfa exec -p '' | each {{|c| print $c\"\\x00\" }} > '{o}'"
            ),
        };
        vec![
            Step::Send(format!("{line}; {}\n", self.marker("LISTED"))),
            Step::Expect("LISTED-42.*?> ".into()),
        ]
    }
}

/// What one TAB after `aws-mfa exec -p TYPED` made of the line: the command is run and the
/// recorder keeps its arguments.
struct Tab {
    config: PathBuf,
    typed: String,
    args: PathBuf,
}

fn tab_steps(sh: Sh, tab: &Tab) -> Vec<Step> {
    vec![
        Step::Send(format!(
            "{}; {}; {}\n",
            sh.export("AWS_CONFIG_FILE", &tab.config),
            sh.export("ARGS_FILE", &tab.args),
            sh.marker("SET")
        )),
        Step::Expect("SET-42.*?> ".into()),
        Step::Send(format!("aws-mfa exec -p {}\t", tab.typed)),
        // To the end of the line (the completion may have left the cursor elsewhere), run it.
        Step::Send(format!("\x05; {}\n", sh.marker("DONE"))),
        Step::Expect("DONE-42.*?> ".into()),
    ]
}

/// Drives `sh`'s completion with the hostile names: the candidates after `-p ` must be
/// exactly the names; TAB with one profile in the config must put it on the line so that
/// the shell passes exactly it; so must TAB after each typed prefix of `typed`
/// (prefix, name); and nothing may run.
fn completion_offers_plain_words(sh: Sh, names: &[&str], typed: &[(&str, &str)]) {
    let sb = hostile_sandbox(&HOSTILE);
    let offered = sb.root.join("offered");
    let mut steps = vec![
        Step::Send(format!("{}; {}\n", sh.setup(), sh.marker("READY"))),
        Step::Expect("READY-42.*?> ".into()),
    ];
    steps.extend(sh.candidates(&offered));
    let mut tabs = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let config = sb.root.join(format!("config-{i}"));
        std::fs::write(&config, config_for(&[name])).unwrap();
        tabs.push((
            name.to_string(),
            Tab {
                config,
                typed: String::new(),
                args: sb.root.join(format!("args-{i}")),
            },
        ));
    }
    for (i, (prefix, name)) in typed.iter().enumerate() {
        tabs.push((
            name.to_string(),
            Tab {
                config: sb.config.clone(),
                typed: prefix.to_string(),
                args: sb.root.join(format!("typed-args-{i}")),
            },
        ));
    }
    for (_, tab) in &tabs {
        steps.extend(tab_steps(sh, tab));
    }
    let session = pty_session(&sb, &sh.argv(), &steps);

    assert_eq!(
        pwned(&sb),
        Vec::<PathBuf>::new(),
        "{sh:?}: completion ran code from a profile name; the terminal showed:\n{}",
        session.tty.escape_debug()
    );
    session.assert_complete(&sh.argv());
    assert_eq!(
        sorted(fields(&offered)),
        strings(&HOSTILE),
        "{sh:?}: the candidates after `-p ` are not exactly the names"
    );
    for (name, tab) in &tabs {
        assert_eq!(
            fields(&tab.args),
            ["exec", "-p", name.as_str()],
            "{sh:?}: `aws-mfa exec -p {}` + TAB did not pass {name:?}; the terminal showed:\n{}",
            tab.typed,
            session.tty.escape_debug()
        );
    }
}

/// Prefixes typed before TAB, in the quoting a user would use, and the one name each
/// completes to.
const TYPED_PREFIXES: [(&str, &str); 14] = [
    ("it", "it's"),
    ("'it", "it's"),
    ("\"it", "it's"),
    ("\\$\\(", "$(touch PWNED1)"),
    ("'$(", "$(touch PWNED1)"),
    ("\"\\$(", "$(touch PWNED1)"),
    ("'`", "`touch PWNED2`"),
    ("\"a ", "a b"),
    ("x", "x\\y"),
    ("'\"", "\"q\""),
    ("\\*", "*"),
    ("\\;", ";touch PWNED3"),
    ("'$H", "$HOME"),
    ("\"!", "!!"),
];

#[test]
fn bash_completion_offers_hostile_names_as_plain_words() {
    completion_offers_plain_words(Sh::Bash, &HOSTILE, &TYPED_PREFIXES);
}

#[test]
fn zsh_completion_offers_hostile_names_as_plain_words() {
    completion_offers_plain_words(Sh::Zsh, &HOSTILE, &TYPED_PREFIXES);
}

#[test]
fn fish_completion_offers_hostile_names_as_plain_words() {
    // fish 3.6's line editor inserts a leading `~` of a candidate unescaped, so that it
    // then expands as a home directory (it runs nothing): not something a script can change.
    let names: Vec<&str> = HOSTILE
        .iter()
        .copied()
        .filter(|n| !n.starts_with('~'))
        .collect();
    // fish has no history expansion, and `$(` opens a substitution in its double quotes.
    let typed: Vec<(&str, &str)> = TYPED_PREFIXES
        .iter()
        .copied()
        .filter(|(p, _)| *p != "\"\\$(")
        .collect();
    completion_offers_plain_words(Sh::Fish, &names, &typed);
}

#[test]
fn elvish_completion_offers_hostile_names_as_plain_words() {
    // With several candidates elvish opens its completion list instead of inserting one:
    // only TAB from an empty word, with one profile, is typed.
    completion_offers_plain_words(Sh::Elvish, &HOSTILE, &[]);
}

#[test]
fn powershell_completion_inserts_profile_names_in_single_quotes() {
    let text = std::fs::read_to_string(completions("_aws-mfa.ps1")).unwrap();
    let start = text
        .find("# A profile option's value")
        .unwrap_or_else(|| panic!("no profile-name completion in _aws-mfa.ps1:\n{text}"));
    let block = &text[start..text[start..].find("\n    }\n").unwrap() + start];
    for needle in [
        "-cin @('-p', '--profile', '--source-profile')",
        "& $bin list --names 2>$null",
        // Anything but a plain bare word goes in single quotes, each single quote of every
        // kind PowerShell knows doubled.
        "$name -cmatch '^[A-Za-z0-9_][A-Za-z0-9_.-]*$'",
        "\"'\" + [CodeGeneration]::EscapeSingleQuotedStringContent($name) + \"'\"",
        "[CompletionResult]::new($text, $name, [CompletionResultType]::ParameterValue, $name)",
        "return",
    ] {
        assert!(block.contains(needle), "{needle:?} not in:\n{block}");
    }
    for evaluates in [
        "Invoke-Expression",
        "iex ",
        "ExpandString",
        "& $name",
        ".Invoke(",
    ] {
        assert!(!block.contains(evaluates), "{evaluates:?} in:\n{block}");
    }
    // Before the generated candidates and their `-like` filter (which would read `[`, `*`
    // and `?` in a name as wildcards).
    assert!(start < text.find("$completions = @(switch").unwrap());
}

// ---------------------------------------------------------------------------------------
// The prompt helpers
// ---------------------------------------------------------------------------------------

/// Profile names that would drive the prompt or the terminal if read as more than text.
const PROMPT_NAMES: [&str; 8] = [
    "%F{red}x%f",
    "%{\x1b[2J%}",
    "$(touch PWNED)",
    "`touch PWNED2`",
    "\\u@\\h \\w \\$",
    "a\x1b[31mb\u{202e}c",
    "t\tn\nr\rd\x7fc\u{9b}\u{2028}\u{2066}\u{200f}\u{61c}",
    "100%% it's",
];

/// How every helper shows a name: control and bidi characters as `\t`, `\n`, `\r` or
/// `\u{HEX}` (as aws-mfa's messages show them).
fn shown(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// 2 h 5 min 30 s from now: the helpers show "2h05m" for half a minute.
fn expiration() -> String {
    rfc3339(now_unix() + 125 * 60 + 30)
}

/// An interactive bash or zsh in its default mode reading `lines` from a file: it prints
/// each prompt (to stderr) before it reads a line, as at a terminal.
fn interactive(sb: &Sandbox, program: &str, args: &[&str], lines: &str, name: &str) -> Run {
    let program = require_tool(program);
    let script = sb.root.join("typed-lines");
    std::fs::write(&script, lines).unwrap();
    let mut cmd = sb.command(program);
    cmd.args(args)
        .env("PATH", path_with_binary())
        .env("AWS_MFA_PROFILE", name)
        .env("AWS_CREDENTIAL_EXPIRATION", expiration())
        .stdin(std::fs::File::open(&script).unwrap());
    run(&mut cmd)
}

/// The prompts must show `want` between the markers, and nothing else of the name.
fn assert_prompt_shows(sh: &str, name: &str, rendered: &str, want: &str, sb: &Sandbox) {
    assert_eq!(
        pwned(sb),
        Vec::<PathBuf>::new(),
        "{sh}: the prompt ran {name:?}"
    );
    assert!(
        rendered.contains(want),
        "{sh}: the prompt for {name:?} does not show {want:?}:\n{}",
        rendered.escape_debug()
    );
    for c in ['\x1b', '\u{202e}', '\u{9b}', '\u{2028}'] {
        assert!(
            !rendered.contains(c),
            "{sh}: {c:?} reached the terminal:\n{}",
            rendered.escape_debug()
        );
    }
}

/// The two documented PS1 forms (one `$(aws_mfa_prompt)` per prompt, and
/// `aws_mfa_prompt -v` from PROMPT_COMMAND), in `bash --norc -i`, with and without `set -u`.
#[test]
fn bash_prompt_shows_hostile_names_literally() {
    for nounset in ["", "set -u\n"] {
        for name in PROMPT_NAMES {
            let sb = Sandbox::new();
            let lines = format!(
                "{nounset}eval \"$(aws-mfa init bash)\"\n\
                 PROMPT_COMMAND+=$'\\n''aws_mfa_prompt -v aws_mfa_ps1'\n\
                 PS1='<P>${{AWS_MFA_PROFILE:+($(aws_mfa_prompt)) }}</P><V>${{aws_mfa_ps1:+($aws_mfa_ps1) }}</V>\\n'\n\
                 echo one\n"
            );
            let r = interactive(&sb, "bash", &["--norc", "--noprofile", "-i"], &lines, name);
            let want = format!("<P>({0} 2h05m) </P><V>({0} 2h05m) </V>\r\n", shown(name));
            assert_prompt_shows("bash", name, &r.stderr, &want, &sb);
        }
    }
}

/// The two documented PROMPT forms with prompt_subst, in `zsh -f -i` (where
/// interactive_comments is off), with and without nounset; with prompt_bang, `!` too.
#[test]
fn zsh_prompt_shows_hostile_names_literally() {
    let mut names = PROMPT_NAMES.to_vec();
    names.push("bang!here");
    for options in ["", "setopt nounset\n", "setopt prompt_bang\n"] {
        for name in &names {
            let sb = Sandbox::new();
            let lines = format!(
                "{options}eval \"$(aws-mfa init zsh)\"\n\
                 setopt prompt_subst\n\
                 _aws_mfa_ps1() {{ aws_mfa_prompt -v aws_mfa_ps1 }}\n\
                 precmd_functions+=(_aws_mfa_ps1)\n\
                 PROMPT='<P>${{AWS_MFA_PROFILE:+($(aws_mfa_prompt)) }}</P><V>${{aws_mfa_ps1:+($aws_mfa_ps1) }}</V>'$'\\n'\n\
                 echo one\n"
            );
            let r = interactive(&sb, "zsh", &["-f", "-i"], &lines, name);
            let want = format!("<P>({0} 2h05m) </P><V>({0} 2h05m) </V>\n", shown(name));
            assert_prompt_shows("zsh", name, &r.stderr, &want, &sb);
        }
    }
}

/// fish runs fish_prompt only at a terminal: `fish -i` under a pty.
#[test]
fn fish_prompt_shows_hostile_names_literally() {
    for name in PROMPT_NAMES {
        let sb = Sandbox::new();
        let steps = [
            Step::Send(format!(
                "aws-mfa init fish | source; function fish_prompt; printf '<P>%s</P>> ' (aws_mfa_prompt); end; set -gx AWS_MFA_PROFILE $NAME; set -gx AWS_CREDENTIAL_EXPIRATION $EXPIRATION; {}\n",
                Sh::Fish.marker("READY")
            )),
            Step::Expect("READY-42.*?</P>> ".into()),
        ];
        let mut argv = vec!["env".to_string(), format!("EXPIRATION={}", expiration())];
        argv.push(format!("NAME={name}"));
        argv.extend(Sh::Fish.argv());
        let session = pty_session(&sb, &argv, &steps);
        assert_eq!(
            pwned(&sb),
            Vec::<PathBuf>::new(),
            "fish: the prompt ran {name:?}"
        );
        session.assert_complete(&argv);
        let after = &session.tty[session.tty.rfind("READY-42").unwrap()..];
        let prompt = &after[after.find("<P>").unwrap()..];
        let prompt = &prompt[..prompt.find("</P>> ").unwrap() + 6];
        let want = format!("<P>{} 2h05m</P>> ", shown(name));
        assert_prompt_shows("fish", name, prompt, &want, &sb);
    }
}

/// A name that needs escaping takes the slow path of the helpers: it too starts no process.
#[test]
fn prompt_helper_escapes_without_a_process() {
    let strace = require_tool("strace");
    let name = "a\x1b[2J\u{202e}%F{red}\t$(x)";
    for (sh, args) in [
        ("bash", &["--norc", "--noprofile", "-u", "-c"][..]),
        ("zsh", &["-f", "-u", "-c"][..]),
    ] {
        let sb = Sandbox::new();
        let marker =
            |n: u8| format!("{{ : < /nonexistent/aws-mfa-marker-{n}; }} 2>/dev/null || true\n");
        let script = format!(
            "eval \"$(aws-mfa init {sh})\"\n{}aws_mfa_prompt\naws_mfa_prompt -v text\nprintf '%s\\n' \"$text\"\n{}text=$(:)\n{}",
            marker(1),
            marker(2),
            marker(3)
        );
        let trace = sb.root.join("strace.txt");
        let mut cmd = sb.command(&strace);
        cmd.args(["-f", "-qq", "-e", "trace=process,openat", "-o"])
            .arg(&trace)
            .arg(require_tool(sh))
            .args(args)
            .arg(&script)
            .env("PATH", path_with_binary())
            .env("AWS_MFA_PROFILE", name)
            .env("AWS_CREDENTIAL_EXPIRATION", expiration());
        let r = run(&mut cmd);
        r.assert_success();
        let mut want = shown(name);
        if sh == "zsh" {
            want = want.replace('%', "%%");
        }
        assert_eq!(
            r.stdout,
            format!("{want} 2h05m\n{want} 2h05m\n"),
            "{}",
            r.dump()
        );
        let text = std::fs::read_to_string(&trace).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let at = |n: u8| {
            let needle = format!("aws-mfa-marker-{n}");
            lines
                .iter()
                .position(|l| l.contains(&needle))
                .unwrap_or_else(|| panic!("marker {n} not in the trace:\n{text}"))
        };
        let spawns = |from: usize, to: usize| {
            lines[from..to]
                .iter()
                .filter(|l| {
                    ["clone(", "clone3(", "fork(", "vfork(", "execve("]
                        .iter()
                        .any(|c| l.contains(c))
                })
                .count()
        };
        assert_eq!(
            spawns(at(1), at(2)),
            0,
            "{sh}: the prompt helper started a process"
        );
        assert!(
            spawns(at(2), at(3)) > 0,
            "strace did not see the control subshell"
        );
    }
}

/// The PowerShell helper, as text: the name goes through _AwsMfaShow, whose pattern covers
/// the same characters as the other shells'.
#[test]
fn powershell_prompt_shows_the_name_escaped() {
    let ps =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("shell/aws-mfa.ps1"))
            .unwrap();
    assert!(
        ps.contains("$name = _AwsMfaShow $env:AWS_MFA_PROFILE"),
        "{ps}"
    );
    assert!(
        ps.contains(
            "$special = '[\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069]'"
        ),
        "{ps}"
    );
    assert!(ps.contains("'\\u{{{0:x}}}' -f $code"), "{ps}");
    let prompt = &ps[ps.find("function global:Get-AwsMfaPrompt").unwrap()..];
    let prompt = &prompt[..prompt.find("\n}\n").unwrap()];
    assert!(!prompt.contains("$env:AWS_MFA_PROFILE\""), "{prompt}");
    assert_eq!(
        prompt.matches("$env:AWS_MFA_PROFILE").count(),
        2,
        "{prompt}"
    );
}

/// The auto-renew hook's one line about a needed code shows the name escaped too (issue 8
/// item 16), in `bash --norc -i`, `zsh -f -i` and fish running its prompt event.
#[test]
fn the_renewal_message_shows_hostile_names_escaped() {
    let name = "a\x1b[2J\u{202e}b";
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "bash",
            &["--norc", "--noprofile", "-i"],
            "eval \"$(aws-mfa init bash)\"\nAWS_MFA_AUTO_RENEW=1\necho one\n",
        ),
        (
            "zsh",
            &["-f", "-i"],
            "eval \"$(aws-mfa init zsh)\"\nAWS_MFA_AUTO_RENEW=1\necho one\n",
        ),
        (
            "fish",
            &["--no-config"],
            "aws-mfa init fish | source\nset -gx AWS_MFA_AUTO_RENEW 1\nemit fish_prompt\n",
        ),
    ];
    for (sh, args, lines) in cases {
        let sb = Sandbox::new();
        let script = sb.root.join("typed-lines");
        std::fs::write(&script, lines).unwrap();
        // Three minutes left, nothing cached: renewing needs a code, so the hook says so.
        let mut cmd = sb.command(require_tool(sh));
        cmd.args(args)
            .env("PATH", path_with_binary())
            .env("LC_ALL", "C.UTF-8")
            .env("AWS_MFA_PROFILE", name)
            .env("AWS_CREDENTIAL_EXPIRATION", rfc3339(now_unix() + 180))
            .stdin(std::fs::File::open(&script).unwrap());
        let r = run(&mut cmd);
        let said: Vec<&str> = r
            .stderr
            .lines()
            .filter(|l| l.contains("a new MFA code is needed"))
            .collect();
        assert_eq!(said.len(), 1, "{sh}: one line expected\n{}", r.dump());
        assert!(
            said[0].contains(&format!("credentials for {} expire", shown(name))),
            "{sh}: {}",
            said[0].escape_debug()
        );
        for c in ['\x1b', '\u{202e}'] {
            assert!(
                !r.stderr.contains(c),
                "{sh}: {c:?} reached the terminal:\n{}",
                r.stderr.escape_debug()
            );
        }
    }
}
