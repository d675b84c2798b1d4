//! The shell integration (docs/design.md §7) in each shell's *default interactive* mode,
//! driven as a user drives it: `bash --norc -i`, `zsh -f -i` and `fish -i` on a
//! pseudo-terminal, lines typed one at a time after each prompt, the MFA code typed at
//! aws-mfa's own prompt, the prompt hooks (PROMPT_COMMAND, precmd, the fish_prompt event)
//! firing as they fire at a terminal; bash and zsh also with `set -u` / `setopt nounset`
//! on before the init line. See `tests/common/mod.rs` for the Sandbox and moto.
//!
//! Nothing here is skipped: a missing bash, zsh, fish or python3 fails the test that needs
//! it, with the reason.

mod common;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use common::*;

/// What a shell prints when a script breaks in it (parse errors, nounset, missing functions).
const BROKEN: [&str; 9] = [
    "parse error",
    "unmatched",
    "unbound variable",
    "parameter not set",
    "command not found",
    "Unknown command",
    "bad substitution",
    "syntax error",
    "fish: ",
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sh {
    Bash,
    Zsh,
    Fish,
}

/// A shell in its default interactive mode, possibly with nounset on from the start.
#[derive(Clone, Copy, Debug)]
struct Mode {
    sh: Sh,
    nounset: bool,
}

/// Every default mode the integration must work in.
const MODES: [Mode; 5] = [
    Mode {
        sh: Sh::Bash,
        nounset: false,
    },
    Mode {
        sh: Sh::Bash,
        nounset: true,
    },
    Mode {
        sh: Sh::Zsh,
        nounset: false,
    },
    Mode {
        sh: Sh::Zsh,
        nounset: true,
    },
    Mode {
        sh: Sh::Fish,
        nounset: false,
    },
];

impl Mode {
    /// The lines a user's rc file would hold, up to and including the init line (fish: in
    /// config.fish, see [`session`]).
    fn setup(self) -> Vec<String> {
        let mut lines = Vec::new();
        match (self.sh, self.nounset) {
            (Sh::Bash, true) => lines.push("set -u".to_string()),
            (Sh::Zsh, true) => lines.push("setopt nounset".to_string()),
            _ => {}
        }
        match self.sh {
            Sh::Bash => lines.push(r#"eval "$(aws-mfa init bash)""#.to_string()),
            Sh::Zsh => lines.push(r#"eval "$(aws-mfa init zsh)""#.to_string()),
            Sh::Fish => {}
        }
        lines
    }

    /// `$?` (fish: `$status`) into status.txt: the status of the line before it, unless a
    /// prompt hook in between changed it.
    fn save_status(self) -> String {
        match self.sh {
            Sh::Fish => "echo $status > status.txt".to_string(),
            _ => "echo $? > status.txt".to_string(),
        }
    }

    /// Set and export a variable of the shell.
    fn export(self, name: &str, value: &str) -> String {
        match self.sh {
            Sh::Fish => format!("set -gx {name} {value}"),
            _ => format!("export {name}={value}"),
        }
    }
}

/// The fish user's config: the README's setup line and a prompt that shows
/// `aws_mfa_prompt` and counts itself (fish_right_prompt, the README's example, is not
/// drawn on a dumb terminal; the function is the same).
const FISH_CONFIG: &str = "\
aws-mfa init fish | source
set -g _test_prompts 0
function fish_prompt
    set -g _test_prompts (math $_test_prompts + 1)
    set -l aws (aws_mfa_prompt)
    if test -n \"$aws\"
        printf '(%s) ' $aws
    end
    printf '#%d> ' $_test_prompts
end
";

/// Runs argv[5:] with the variables of the JSON object argv[4] added (python3 may be a
/// bash script, which drops PS1) on a new pseudo-terminal (its stdin, stdout, stderr and
/// controlling terminal), 250 columns wide. Types the next of the JSON list argv[2] (then
/// Enter) each time a prompt `#N> ` with a greater N than the last one appears, and
/// argv[3] each time a new "MFA code for" prompt waits for input. Prints JSON: exit code,
/// whether it timed out (argv[1] seconds), how many lines and codes were typed, the
/// terminal's text, and for each prompt number the text before `#N> ` on its line when
/// first drawn (less terminal control sequences).
const DRIVER: &str = r##"
import fcntl, json, os, pty, re, select, struct, sys, termios, time

timeout = float(sys.argv[1])
lines = json.loads(sys.argv[2])
code = sys.argv[3]
env = dict(os.environ, **json.loads(sys.argv[4]))
argv = sys.argv[5:]
deadline = time.monotonic() + timeout

pid, master = pty.fork()
if pid == 0:
    try:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))
        os.execve(argv[0], argv, env)
    finally:
        os._exit(127)

prompt = re.compile(rb"#(\d+)> ")
csi = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
tty = b""
scanned = 0
last = -1
sent = 0
codes = 0
mfa_seen = 0
prompts = {}
timed_out = False
while True:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        timed_out = True
        break
    ready, _, _ = select.select([master], [], [], remaining)
    if not ready:
        continue
    try:
        data = os.read(master, 65536)
    except OSError:
        data = b""
    if not data:
        break
    tty += data
    mfa = tty.count(b"MFA code for ")
    if mfa > mfa_seen and not tty.rstrip(b" ").endswith((b"\n", b"\r")):
        mfa_seen = mfa
        os.write(master, code.encode() + b"\r")
        codes += 1
    for m in prompt.finditer(tty, scanned):
        scanned = m.end()
        n = int(m.group(1))
        if n not in prompts:
            start = max(tty.rfind(b"\r", 0, m.start()), tty.rfind(b"\n", 0, m.start())) + 1
            text = csi.sub(b"", tty[start:m.start()])
            prompts[n] = text.decode("utf-8", "replace")
        if n > last and sent < len(lines):
            last = n
            os.write(master, lines[sent].encode() + b"\r")
            sent += 1
if timed_out:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({
    "code": os.waitstatus_to_exitcode(status),
    "timed_out": timed_out,
    "sent": sent,
    "codes": codes,
    "tty": tty.decode("utf-8", "replace"),
    "prompts": sorted([n, text] for n, text in prompts.items()),
}))
"##;

/// What happened on the terminal.
struct Session {
    mode: Mode,
    code: i64,
    timed_out: bool,
    /// Lines and MFA codes typed.
    sent: usize,
    codes: usize,
    tty: String,
    /// Each prompt's text before `#N> `, in order.
    prompts: Vec<String>,
}

impl Session {
    fn dump(&self) -> String {
        format!(
            "{:?}: code {} timed_out {} lines typed {} codes typed {}\nprompts: {:#?}\n--- terminal ---\n{}\n----------------",
            self.mode,
            self.code,
            self.timed_out,
            self.sent,
            self.codes,
            self.prompts,
            self.tty.replace('\r', "")
        )
    }

    /// The lines of the terminal from "aws-mfa: " on.
    fn messages(&self) -> Vec<String> {
        self.tty
            .split(['\r', '\n'])
            .filter_map(|l| l.find("aws-mfa: ").map(|i| l[i..].trim_end().to_string()))
            .collect()
    }

    /// The shell ran every line, exited 0 and printed no error of its own.
    #[track_caller]
    fn assert_clean(&self, lines: usize) {
        assert!(
            !self.timed_out && self.code == 0 && self.sent == lines,
            "the session did not run to its end\n{}",
            self.dump()
        );
        for broken in BROKEN {
            assert!(
                !self.tty.contains(broken),
                "{broken:?} on the terminal\n{}",
                self.dump()
            );
        }
    }
}

/// PATH with the directory of the binary under test first, for `command aws-mfa`.
fn path_with_binary() -> OsString {
    let dir = Path::new(BIN).parent().expect("binary directory");
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH")
}

/// Type `lines` into `mode`'s shell (after its [`Mode::setup`]; then `exit`) on a
/// pseudo-terminal, in the sandbox (cwd: its root), with `env` added to its environment.
fn session(sb: &Sandbox, mode: Mode, lines: &[String], env: &[(&str, String)]) -> Session {
    require_tool("python3");
    let program = require_tool(match mode.sh {
        Sh::Bash => "bash",
        Sh::Zsh => "zsh",
        Sh::Fish => "fish",
    });
    let mut typed = mode.setup();
    typed.extend(lines.iter().cloned());
    typed.push("exit".to_string());
    let mut cmd = sb.command("python3");
    cmd.arg("-c")
        .arg(DRIVER)
        .arg("60")
        .arg(serde_json::to_string(&typed).expect("JSON"))
        .arg(CODE);
    // The prompt each shell starts with, numbered, so that the driver knows when it is back.
    let ps1 = match mode.sh {
        Sh::Bash => serde_json::json!({ "PS1": r"#\#> " }),
        Sh::Zsh => serde_json::json!({ "PS1": "#%!> " }),
        Sh::Fish => {
            let dir = sb.home.join(".config/fish");
            std::fs::create_dir_all(&dir).expect("mkdir fish config");
            std::fs::write(dir.join("config.fish"), FISH_CONFIG).expect("write config.fish");
            serde_json::json!({})
        }
    };
    cmd.arg(ps1.to_string()).arg(program);
    match mode.sh {
        Sh::Bash => cmd.args(["--norc", "-i"]),
        Sh::Zsh => cmd.args(["-f", "-i"]),
        Sh::Fish => cmd.arg("-i"),
    };
    cmd.env("PATH", path_with_binary()).env("TERM", "dumb");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let r = run_within(&mut cmd, Duration::from_secs(150));
    r.assert_success();
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("driver output is not JSON ({e})\n{}", r.dump()));
    Session {
        mode,
        code: v["code"].as_i64().unwrap_or(-999),
        timed_out: v["timed_out"].as_bool().unwrap_or(true),
        sent: v["sent"].as_u64().unwrap_or(0) as usize,
        codes: v["codes"].as_u64().unwrap_or(0) as usize,
        tty: v["tty"].as_str().unwrap_or_default().to_string(),
        prompts: v["prompts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| p[1].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `env > NAME.env`: the shell's exported variables into a file of the sandbox.
fn dump_env(name: &str) -> String {
    format!("env > {name}.env")
}

#[track_caller]
fn read_env(sb: &Sandbox, name: &str, s: &Session) -> HashMap<String, String> {
    let text = std::fs::read_to_string(sb.root.join(format!("{name}.env")))
        .unwrap_or_else(|e| panic!("{name}.env: {e}\n{}", s.dump()));
    let mut env = parse_env(&text);
    env.remove("_");
    env
}

/// Is `text` a time left as the prompt writes it: `42m`, `1h05m`, `11h59m`?
fn is_time_left(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some(rest) = text.strip_suffix('m') else {
        return false;
    };
    match rest.split_once('h') {
        Some((h, m)) => digits(h) && !h.starts_with('0') && m.len() == 2 && digits(m),
        None => digits(rest) && (rest == "0" || !rest.starts_with('0')),
    }
}

#[test]
fn time_left_helper_accepts_only_the_one_format() {
    for ok in ["0m", "42m", "1h05m", "11h59m"] {
        assert!(is_time_left(ok), "{ok}");
    }
    for bad in [
        "42 min", "1h5m", "1h 05m", "05m", "0h42m", "m", "expired", "2h",
    ] {
        assert!(!is_time_left(bad), "{bad}");
    }
}

// ---------------------------------------------------------------------------------------
// use and off
// ---------------------------------------------------------------------------------------

/// `aws-mfa use dev`, the code typed at aws-mfa's prompt; a child sees the credentials;
/// `aws-mfa off` unsets exactly what `use` set.
#[test]
fn use_and_off_work_in_every_default_interactive_mode() {
    for mode in MODES {
        let sb = Sandbox::new();
        let lines = [
            dump_env("before"),
            "aws-mfa use dev".to_string(),
            dump_env("used"),
            "aws-mfa off".to_string(),
            dump_env("off"),
        ];
        let s = session(&sb, mode, &lines, &[("KEEP_ME", "1".to_string())]);
        s.assert_clean(mode.setup().len() + lines.len() + 1);
        assert_eq!(s.codes, 1, "one MFA prompt\n{}", s.dump());
        assert_eq!(
            sb.proxy.count("GetSessionToken"),
            1,
            "{}",
            sb.proxy.summary()
        );
        let used = read_env(&sb, "used", &s);
        for var in USE_VARIABLES {
            assert!(
                used.contains_key(var),
                "`use` did not set {var}\n{}",
                s.dump()
            );
        }
        assert_eq!(used["AWS_MFA_PROFILE"], "dev", "{}", s.dump());
        assert_eq!(used["AWS_REGION"], "eu-west-1", "{}", s.dump());
        assert_ne!(used["AWS_SECRET_ACCESS_KEY"], SECRET_ACCESS_KEY);
        let before = read_env(&sb, "before", &s);
        let off = read_env(&sb, "off", &s);
        assert_eq!(off.get("KEEP_ME").map(String::as_str), Some("1"));
        assert_eq!(
            before,
            off,
            "{mode:?}: `off` must unset what `use` set and nothing else\n{}",
            s.dump()
        );
    }
}

/// A profile whose SDK settings are handed over: `off` unsets exactly what `use` set, the
/// settings included (issue 10).
#[test]
fn off_unsets_the_handed_sdk_settings_in_every_default_interactive_mode() {
    for mode in MODES {
        let sb = Sandbox::new();
        sb.append_credentials(&format!(
            "[corp]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
        ));
        sb.append_config(&format!(
            "[profile corp]\nregion = eu-west-1\nmfa_serial = {DEVICE}\noutput = text\nuse_dualstack_endpoint = false\n"
        ));
        let lines = [
            dump_env("before"),
            format!("aws-mfa use corp --token-code {CODE}"),
            dump_env("used"),
            "aws-mfa off".to_string(),
            dump_env("off"),
        ];
        let s = session(&sb, mode, &lines, &[]);
        s.assert_clean(mode.setup().len() + lines.len() + 1);
        let used = read_env(&sb, "used", &s);
        assert_eq!(
            used.get("AWS_DEFAULT_OUTPUT").map(String::as_str),
            Some("text"),
            "{mode:?}\n{}",
            s.dump()
        );
        assert_eq!(
            used.get("AWS_USE_DUALSTACK_ENDPOINT").map(String::as_str),
            Some("false"),
            "{mode:?}"
        );
        let before = read_env(&sb, "before", &s);
        let off = read_env(&sb, "off", &s);
        assert_eq!(
            before,
            off,
            "{mode:?}: `off` must unset what `use` set\n{}",
            s.dump()
        );
    }
}

// ---------------------------------------------------------------------------------------
// The prompt
// ---------------------------------------------------------------------------------------

/// The prompt setups the scripts' comments give, typed as they are written there: the
/// subshell in PS1/PROMPT and the `aws_mfa_prompt -v` hook, both in one prompt (fish: its
/// config's fish_prompt calls `aws_mfa_prompt`).
fn documented_prompt(sh: Sh) -> Vec<String> {
    let lines: &[&str] = match sh {
        Sh::Bash => &[
            "PS1='${AWS_MFA_PROFILE:+($(aws_mfa_prompt)) }'$PS1",
            "PROMPT_COMMAND+=$'\\n''aws_mfa_prompt -v aws_mfa_ps1'",
            "PS1='${aws_mfa_ps1:+($aws_mfa_ps1) }'$PS1",
        ],
        Sh::Zsh => &[
            "setopt prompt_subst",
            "PROMPT='${AWS_MFA_PROFILE:+($(aws_mfa_prompt)) }'$PROMPT",
            "_aws_mfa_ps1() { aws_mfa_prompt -v aws_mfa_ps1 }",
            "precmd_functions+=(_aws_mfa_ps1)",
            "PROMPT='${aws_mfa_ps1:+($aws_mfa_ps1) }'$PROMPT",
        ],
        Sh::Fish => &[],
    };
    lines.iter().map(|l| l.to_string()).collect()
}

/// The time left the prompt shows, from a prompt's text before `#N> `: "(dev 42m) (dev
/// 42m) " in bash and zsh (both documented forms), "(dev 42m) " in fish; `None` when it
/// shows no profile, and a failed assertion when it shows anything else.
#[track_caller]
fn shown_time(prompt: &str, sh: Sh, s: &Session) -> Option<String> {
    if prompt.is_empty() {
        return None;
    }
    let copies = if sh == Sh::Fish { 1 } else { 2 };
    let one = prompt.len() / copies;
    let first = &prompt[..one];
    assert_eq!(
        prompt,
        first.repeat(copies),
        "both prompt forms must show the same text\n{}",
        s.dump()
    );
    let time = first
        .strip_prefix("(dev ")
        .and_then(|t| t.strip_suffix(") "))
        .unwrap_or_else(|| panic!("unexpected prompt {prompt:?}\n{}", s.dump()));
    Some(time.to_string())
}

/// The documented prompts show nothing, then the time left after `use` (`11h59m`), with
/// 42 minutes left (`42m`), once expired (`expired`), and nothing again after `off`.
#[test]
fn prompt_shows_the_time_left_in_every_default_interactive_mode() {
    for mode in MODES {
        let sb = Sandbox::new();
        let set_expiration =
            |var: &str| mode.export("AWS_CREDENTIAL_EXPIRATION", &format!("${var}"));
        let mut lines = documented_prompt(mode.sh);
        let first = mode.setup().len() + lines.len();
        lines.extend([
            "aws-mfa use dev".to_string(),
            set_expiration("T42"),
            set_expiration("TPAST"),
            "aws-mfa off".to_string(),
        ]);
        let now = now_unix();
        let env = [
            // Half a minute of margin: shown as 42m for 30 s.
            ("T42", rfc3339(now + 42 * 60 + 30)),
            ("TPAST", rfc3339(now - 1)),
        ];
        let s = session(&sb, mode, &lines, &env);
        s.assert_clean(mode.setup().len() + lines.len() + 1);
        assert_eq!(
            s.prompts.len(),
            mode.setup().len() + lines.len() + 1,
            "one prompt per line\n{}",
            s.dump()
        );
        // prompts[k] is drawn after the k-th typed line.
        let shown: Vec<Option<String>> = s.prompts[first..]
            .iter()
            .map(|p| shown_time(p, mode.sh, &s))
            .collect();
        assert_eq!(shown[0], None, "before `use`\n{}", s.dump());
        let fresh = shown[1]
            .clone()
            .unwrap_or_else(|| panic!("no prompt after `use`\n{}", s.dump()));
        assert!(
            is_time_left(&fresh) && (fresh.starts_with("11h") || fresh.starts_with("12h")),
            "12 hours left: {fresh:?}\n{}",
            s.dump()
        );
        assert_eq!(shown[2].as_deref(), Some("42m"), "{}", s.dump());
        assert_eq!(shown[3].as_deref(), Some("expired"), "{}", s.dump());
        assert_eq!(shown[4], None, "after `off`\n{}", s.dump());
    }
}

// ---------------------------------------------------------------------------------------
// Auto-renew
// ---------------------------------------------------------------------------------------

/// Where the credentials to renew come from.
#[derive(Clone, Copy, Debug)]
enum Origin {
    /// `aws-mfa use admin` earlier in the same shell.
    Use,
    /// Inherited: a shell started from one where `use` ran (a new tmux window, `bash`
    /// typed in it): its own `use` never ran, so what `use` remembers is unset.
    Inherited,
}

/// `aws-mfa use admin` (code typed) and its variables into used.env; then, in the same
/// shell or in a new one that inherits them, `forget` (an `aws-mfa clear`), and a line
/// that turns on auto-renew with `left` seconds left (counted from when the renewing shell
/// starts) and fails with 3; then `$?` into status.txt and the variables into NAME.env.
/// Returns the renewing session and the expiration it was given.
fn renewing_session(
    sb: &Sandbox,
    mode: Mode,
    origin: Origin,
    forget: &str,
    left: i64,
    name: &str,
) -> (Session, String) {
    let renew = match origin {
        Origin::Use => format!(
            "{}; {}; sh -c 'exit 3'",
            mode.export("AWS_MFA_AUTO_RENEW", "1"),
            mode.export("AWS_CREDENTIAL_EXPIRATION", "$SOON")
        ),
        Origin::Inherited => format!("{}; sh -c 'exit 3'", mode.export("AWS_MFA_AUTO_RENEW", "1")),
    };
    let rest = [
        forget.to_string(),
        renew,
        mode.save_status(),
        dump_env(name),
    ];
    let used = ["aws-mfa use admin".to_string(), dump_env("used")];
    let soon = || rfc3339(now_unix() + left);
    let (s, soon) = match origin {
        Origin::Use => {
            let lines: Vec<String> = used.iter().chain(&rest).cloned().collect();
            let soon = soon();
            let s = session(sb, mode, &lines, &[("SOON", soon.clone())]);
            s.assert_clean(mode.setup().len() + lines.len() + 1);
            (s, soon)
        }
        Origin::Inherited => {
            let first = session(sb, mode, &used, &[]);
            first.assert_clean(mode.setup().len() + used.len() + 1);
            let vars = read_env(sb, "used", &first);
            let mut env: Vec<(&str, String)> = USE_VARIABLES
                .iter()
                .map(|v| (*v, vars.get(*v).cloned().unwrap_or_default()))
                .collect();
            let soon = soon();
            env.push(("AWS_CREDENTIAL_EXPIRATION", soon.clone()));
            let s = session(sb, mode, &rest, &env);
            s.assert_clean(mode.setup().len() + rest.len() + 1);
            (s, soon)
        }
    };
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "one MFA session, for `use`\n{}",
        s.dump()
    );
    (s, soon)
}

/// The prompt hooks that renewed (or tried to) kept the status of the line before them.
#[track_caller]
fn assert_status_kept(sb: &Sandbox, s: &Session) {
    let status = std::fs::read_to_string(sb.root.join("status.txt"))
        .unwrap_or_else(|e| panic!("status.txt: {e}\n{}", s.dump()));
    assert_eq!(status, "3\n", "the prompt hooks changed $?\n{}", s.dump());
}

/// With the MFA session still cached, the next prompt renews the role credentials with no
/// code and no message.
#[test]
fn auto_renew_renews_without_a_code_in_every_default_interactive_mode() {
    for mode in MODES {
        for origin in [Origin::Use, Origin::Inherited] {
            let sb = Sandbox::new();
            let (s, _) =
                renewing_session(&sb, mode, origin, "aws-mfa clear -p admin", 60, "renewed");
            let used = read_env(&sb, "used", &s);
            let renewed = read_env(&sb, "renewed", &s);
            assert_eq!(used["AWS_MFA_PROFILE"], "admin", "{}", s.dump());
            assert_eq!(renewed["AWS_MFA_PROFILE"], "admin", "{}", s.dump());
            assert_ne!(
                renewed["AWS_ACCESS_KEY_ID"],
                used["AWS_ACCESS_KEY_ID"],
                "{mode:?} {origin:?}: the prompt hook did not renew\n{}",
                s.dump()
            );
            assert_ne!(renewed["AWS_SESSION_TOKEN"], used["AWS_SESSION_TOKEN"]);
            let exp = rfc3339_utc_to_unix(&renewed["AWS_CREDENTIAL_EXPIRATION"])
                .unwrap_or_else(|| panic!("renewed expiration is not RFC 3339\n{}", s.dump()));
            assert!(exp > now_unix() + 3000, "{}", s.dump());
            assert_eq!(s.messages(), Vec::<String>::new(), "{}", s.dump());
            assert_status_kept(&sb, &s);
            assert_eq!(
                sb.proxy.count("AssumeRole"),
                2,
                "{mode:?} {origin:?}: the renewal assumes the role again\n{}",
                sb.proxy.summary()
            );
        }
    }
}

/// With nothing cached, the next prompt says once, in the one time format, that a code is
/// needed; the credentials stay as they are.
#[test]
fn auto_renew_says_once_that_a_code_is_needed_in_every_default_interactive_mode() {
    for mode in MODES {
        for origin in [Origin::Use, Origin::Inherited] {
            let sb = Sandbox::new();
            // 2 min 50 s: shown as 2m for 50 s.
            let (s, soon) = renewing_session(&sb, mode, origin, "aws-mfa clear --all", 170, "kept");
            assert_eq!(
                s.messages(),
                vec![
                    "aws-mfa: credentials for admin expire in 2m; a new MFA code is needed: aws-mfa use admin"
                ],
                "{mode:?} {origin:?}: exactly one line, once per expiry\n{}",
                s.dump()
            );
            assert_status_kept(&sb, &s);
            let used = read_env(&sb, "used", &s);
            let kept = read_env(&sb, "kept", &s);
            for var in USE_VARIABLES {
                let expected = if var == "AWS_CREDENTIAL_EXPIRATION" {
                    soon.clone()
                } else {
                    used[var].clone()
                };
                assert_eq!(
                    kept.get(var),
                    Some(&expected),
                    "{mode:?} {origin:?}: a failed renewal must keep {var}\n{}",
                    s.dump()
                );
            }
            assert_eq!(
                sb.proxy.count("AssumeRole"),
                1,
                "no STS call without a code: {}",
                sb.proxy.summary()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The files as text
// ---------------------------------------------------------------------------------------

const SCRIPTS: [&str; 4] = [
    "shell/aws-mfa.bash",
    "shell/aws-mfa.zsh",
    "shell/aws-mfa.fish",
    "shell/aws-mfa.ps1",
];

fn script(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Time left is written one way, `1h05m` / `42m`, also where no test can run the script
/// (PowerShell): no code line writes minutes as "min".
#[test]
fn no_script_writes_time_left_as_min() {
    let mut found = Vec::new();
    for file in SCRIPTS {
        for (n, line) in script(file).lines().enumerate() {
            let code = !line.trim_start().starts_with('#');
            if code && (line.contains(" min\"") || line.contains(" min'")) {
                found.push(format!("{file}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert_eq!(
        found,
        Vec::<String>::new(),
        "time left written as \"N min\""
    );
}

/// The contract lives in the repository: the scripts cite docs/design.md, never DESIGN.md.
#[test]
fn scripts_cite_the_design_doc_in_the_repository() {
    for file in SCRIPTS {
        let text = script(file);
        assert!(!text.contains("DESIGN.md"), "{file} cites DESIGN.md");
        assert!(text.contains("docs/design.md §7"), "{file}");
    }
}
