//! botocore (the aws CLI) as the oracle of how a credentials file reads (docs/design.md §8).
//!
//! `tests/botocore_parse.py`, one python3 process for the whole test binary, answers what
//! botocore makes of a file. A missing python3 or botocore fails the tests, naming it.
//!
//! - The end-to-end tests run the binary's classic workflow on files that botocore reads
//!   otherwise than a naive INI reader does (a repeated section, indented keys and headers).
//! - The property test generates credentials files (repeated sections and keys, indented
//!   keys, headers and continuation lines, comments, blank lines, LF/CRLF/CR mixes, a BOM,
//!   odd headers, nested values, missing final newlines) and a random edit, and checks the
//!   reader and the editor against botocore. It runs `src/ini.rs` and `src/ini_edit.rs`
//!   compiled into this test (the binary has no library to link), in-process: through the
//!   binary, each case would need an STS round trip to moto, and the reader's view could not
//!   be seen at all. 300 cases by default;
//!   `PROPTEST_CASES=10000 cargo test --test botocore_oracle` searches longer. Failures are not
//!   persisted: a failing input worth keeping belongs in the unit tests as a plain case.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout};
use std::sync::{Mutex, OnceLock};

use common::*;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::{Config, TestCaseError};
use serde_json::{Map, Value};

// The reader and the editor as the binary compiles them.
#[path = "../src/ini.rs"]
#[allow(dead_code)]
mod ini;
#[path = "../src/ini_edit.rs"]
#[allow(dead_code)]
mod ini_edit;
#[path = "../src/keys.rs"]
#[allow(dead_code)]
mod keys;
#[path = "../src/text.rs"]
#[allow(dead_code)]
mod text;

use ini::{Ini, Kind, Scanner};
use ini_edit::{EditError, MARKER_KEY, MARKER_VALUE};

// ---------------------------------------------------------------------------------------
// The oracle: botocore's raw_config_parse, in one python3 process
// ---------------------------------------------------------------------------------------

struct Oracle {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    _child: Child,
}

static ORACLE: OnceLock<Mutex<Oracle>> = OnceLock::new();

fn start_oracle() -> Mutex<Oracle> {
    let mut child = common::python3_script("botocore_parse.py");
    let stdin = child.stdin.take().expect("python3 stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("python3 stdout"));
    let mut first = String::new();
    let _ = stdout.read_line(&mut first);
    assert_eq!(
        first.trim(),
        "READY",
        "botocore is needed (pip install botocore); tests/botocore_parse.py said {first:?}"
    );
    Mutex::new(Oracle {
        stdin,
        stdout,
        _child: child,
    })
}

/// What botocore makes of the file at `path`: `{"ok": …, "own": …, "defaults": …}` or
/// `{"error": …}` (see tests/botocore_parse.py).
fn botocore(path: &Path) -> Value {
    let mut oracle = ORACLE
        .get_or_init(start_oracle)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let path = path.to_str().expect("a UTF-8 temp path");
    assert!(!path.contains('\n'));
    writeln!(oracle.stdin, "{path}").expect("write to python3");
    oracle.stdin.flush().expect("flush to python3");
    let mut answer = String::new();
    oracle
        .stdout
        .read_line(&mut answer)
        .expect("read from python3");
    assert!(!answer.is_empty(), "python3 (botocore) exited");
    serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{e}: {answer:?}"))
}

/// botocore's sections of a file it must be able to read.
#[track_caller]
fn botocore_ok(path: &Path) -> Map<String, Value> {
    let answer = botocore(path);
    match answer.get("ok") {
        Some(Value::Object(sections)) => sections.clone(),
        _ => panic!(
            "botocore cannot read {}: {answer}\n{}",
            path.display(),
            std::fs::read_to_string(path).unwrap_or_default()
        ),
    }
}

// ---------------------------------------------------------------------------------------
// End to end: the classic workflow on files botocore reads its own way
// ---------------------------------------------------------------------------------------

const SECRET: &str = SECRET_ACCESS_KEY;

/// `[dev-long-term]` as the Python aws-mfa lays it out: the keys and the device.
fn long_term() -> String {
    format!(
        "[dev-long-term]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET}\n\
         aws_mfa_device = {DEVICE}\n"
    )
}

fn sandbox(credentials: &str) -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_credentials(credentials);
    sb.write_config("");
    sb
}

#[test]
fn a_repeated_target_section_with_long_term_keys_is_refused_before_any_sts_call() {
    // botocore refuses the whole file (DuplicateSectionError); a reader that merges the two
    // sees the token of the second [dev] and would take the first for a session.
    let text = format!(
        "{}\n[dev]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET}\n\n\
         [dev]\naws_session_token = old-token\n",
        long_term()
    );
    let sb = sandbox(&text);
    assert!(botocore(&sb.credentials).get("error").is_some());
    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
    r.assert_code(1).assert_one_line_error();
    for words in ["line 10", "[dev]", "line 6", "botocore"] {
        assert!(r.stderr.contains(words), "{words}: {}", r.dump());
    }
    assert_eq!(std::fs::read_to_string(&sb.credentials).unwrap(), text);
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

#[test]
fn indented_long_term_keys_in_the_target_are_refused_before_any_sts_call() {
    // botocore reads indented lines under a header as keys: [dev] holds long-term keys.
    let text = format!(
        "{}\n[dev]\n    aws_access_key_id = {ACCESS_KEY_ID}\n    aws_secret_access_key = {SECRET}\n",
        long_term()
    );
    let sb = sandbox(&text);
    let dev = &botocore_ok(&sb.credentials)["dev"];
    assert_eq!(dev["aws_access_key_id"], ACCESS_KEY_ID);
    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("[dev] holds long-term keys"),
        "{}",
        r.dump()
    );
    assert_eq!(std::fs::read_to_string(&sb.credentials).unwrap(), text);
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

#[test]
fn an_edit_among_indented_lines_leaves_a_file_botocore_reads_the_same_elsewhere() {
    // Indented keys, an indented header, an indented comment and a nested value: botocore
    // reads [ci] as a section of its own, and [dev]'s region and output as its keys.
    let text = format!(
        "# work account\n{}\n[dev]\n  region = eu-west-1\n  output = json\n  [ci]\n  \
         aws_access_key_id = {ACCESS_KEY_ID}\n  aws_secret_access_key = {SECRET}\n    \
         ; an indented comment\n[tools]\ns3 =\n  max_concurrent_requests = 4\n",
        long_term()
    );
    let sb = sandbox(&text);
    let before = botocore_ok(&sb.credentials);
    // (serde_json's maps are sorted by name)
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        ["ci", "dev", "dev-long-term", "tools"]
    );
    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", CODE]));
    r.assert_success();
    let after = botocore_ok(&sb.credentials);
    for (name, section) in &before {
        if name != "dev" {
            assert_eq!(after.get(name), Some(section), "[{name}] changed");
        }
    }
    assert_eq!(after.len(), before.len(), "{after:?}");
    let dev = after["dev"].as_object().unwrap();
    assert_eq!(dev["region"], "eu-west-1");
    assert_eq!(dev["output"], "json");
    assert_eq!(dev["managed_by"], "aws-mfa");
    assert!(
        dev["aws_session_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(dev["aws_session_token"], dev["aws_security_token"]);
    assert_eq!(sb.proxy.count("GetSessionToken"), 1);
}

#[test]
fn a_header_with_control_or_bidi_characters_is_never_written() {
    let sb = Sandbox::new();
    let before = std::fs::read(&sb.credentials).unwrap();
    for name in ["dev\u{1b}[31m", "\u{202e}ved", "dev\u{2028}x", "dev\u{7}"] {
        let r = run(&mut sb.cmd([
            "exec",
            "-p",
            "dev",
            &format!("--write-profile={name}"),
            "--token-code",
            CODE,
            "--",
            "true",
        ]));
        r.assert_code(1).assert_one_line_error();
        assert!(
            r.stderr
                .contains("contains a control character, a bidi control or a line separator"),
            "{}",
            r.dump()
        );
        assert!(
            !r.stderr
                .contains(['\u{1b}', '\u{202e}', '\u{2028}', '\u{7}']),
            "{}",
            r.dump()
        );
    }
    assert_eq!(std::fs::read(&sb.credentials).unwrap(), before);
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// The property: generated files, read and edited, against botocore
// ---------------------------------------------------------------------------------------

/// A generated line; key lines know their key (lower-case), so a section can keep its keys
/// distinct.
#[derive(Debug, Clone)]
enum GenLine {
    Key { key: String, text: String },
    Other(String),
}

impl GenLine {
    fn text(&self) -> &str {
        match self {
            GenLine::Key { text, .. } | GenLine::Other(text) => text,
        }
    }
}

#[derive(Debug, Clone)]
struct GenSection {
    /// The name drawn from [`NAMES`], which sections are kept distinct by.
    name: &'static str,
    header: String,
    lines: Vec<GenLine>,
}

#[derive(Debug, Clone)]
struct GenFile {
    bom: bool,
    top: Vec<GenLine>,
    sections: Vec<GenSection>,
    /// Line endings: 0 LF, 1 CRLF, 2 CR, 3 a mix drawn from `mix`.
    endings: u8,
    mix: Vec<u8>,
    final_newline: bool,
}

impl GenFile {
    fn render(&self) -> String {
        let lines: Vec<&str> = self
            .top
            .iter()
            .map(GenLine::text)
            .chain(self.sections.iter().flat_map(|s| {
                std::iter::once(s.header.as_str()).chain(s.lines.iter().map(GenLine::text))
            }))
            .collect();
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        for (i, line) in lines.iter().enumerate() {
            out.push_str(line);
            if i + 1 < lines.len() || self.final_newline {
                let kind = match self.endings {
                    3 => self.mix[i % self.mix.len()],
                    n => n,
                };
                out.push_str(["\n", "\r\n", "\r"][usize::from(kind % 3)]);
            }
        }
        out
    }
}

const NAMES: &[&str] = &[
    "dev",
    "Dev",
    "prod",
    "default",
    "DEFAULT",
    "profile dev",
    " dev ",
    "dev ",
    "\tdev",
    "de]v",
    "dév",
    "名前",
    "a b",
    "dev-short-term",
    "x[y",
    "#x",
    "dev\u{3000}",
];

/// The keys of the files, the product's first.
const KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "expiration",
    "assumed_role",
    "assumed_role_arn",
    "managed_by",
    "region",
    "output",
    "mfa_serial",
];

/// What `--write-profile` and `--write-boto` write.
const WRITTEN: &[&str] = KEYS.split_at(7).0;

fn indent() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        12 => Just(""),
        2 => Just("  "),
        1 => Just(" "),
        1 => Just("    "),
        1 => Just("\t"),
        1 => select(vec!["\u{3000}", "\u{a0}", "\u{1f}", "\u{c}", " \t"]),
    ]
}

fn key_line() -> impl Strategy<Value = GenLine> {
    let value = prop_oneof![
        6 => "[A-Za-z0-9/+=]{1,12}",
        1 => Just(String::new()),
        2 => Just(MARKER_VALUE.to_string()),
        1 => Just("someone-else".to_string()),
        1 => select(vec!["a ; b", "x # y", "é ü", "a=b", "[dev]", "a:b"]).prop_map(String::from),
    ];
    let sep = select(vec!["=", " = ", " =", "= ", ":", ": ", "\t=\t", "  :  "]);
    let trailing = select(vec!["", "", "  ", "\t"]);
    (indent(), select(KEYS), 0u8..8, sep, value, trailing).prop_map(
        |(indent, key, spelling, sep, value, trailing)| {
            let spelled = match spelling {
                5 => key.to_uppercase(),
                6 => key[..1].to_uppercase() + &key[1..],
                // U+212A KELVIN SIGN, which lower-cases to `k`.
                7 => key.replace('k', "\u{212a}"),
                _ => key.to_string(),
            };
            GenLine::Key {
                key: key.to_string(),
                text: format!("{indent}{spelled}{sep}{value}{trailing}"),
            }
        },
    )
}

/// One line or a few: a key and the lines continuing its value, comments, blank lines,
/// nested values, stray indented lines and, rarely, lines botocore refuses.
fn lines() -> impl Strategy<Value = Vec<GenLine>> {
    let other = |s: String| vec![GenLine::Other(s)];
    let continuation = (
        prop_oneof![3 => Just(true), 1 => Just(false)],
        indent(),
        select(vec![
            "more",
            "[dev]",
            "x = y",
            "a:b",
            "MORE = 2",
            "[prod] ; c",
            "# c",
            "",
        ]),
    );
    prop_oneof![
        24 => (key_line(), prop::collection::vec(continuation, 0..3)).prop_map(|(key, rest)| {
            // Deeper than the key line mostly, so they continue its value.
            let key_indent: String =
                key.text().chars().take_while(|&c| ini::is_space(c)).collect();
            let mut lines = vec![key];
            for (deeper, indent, text) in rest {
                let indent = if deeper { format!("{key_indent}  ") } else { indent.to_string() };
                lines.push(GenLine::Other(format!("{indent}{text}")));
            }
            lines
        }),
        6 => (
            indent(),
            select(vec!["# c", ";c", "# aws_access_key_id = AKIA", "#[dev]", "; [prod]"]),
        )
            .prop_map(move |(i, t)| other(format!("{i}{t}"))),
        6 => select(vec!["", "", "  ", "\t", "\u{c}"]).prop_map(move |t| other(t.to_string())),
        3 => (
            select(vec!["s3 =", "S3=", "nested :"]),
            prop::collection::vec(
                prop_oneof![
                    12 => select(vec!["  a = 1", "    b=2", "  c = x = y", "\tD = 4", "  e=1\u{2028}f=2"]),
                    2 => Just(""),
                    2 => Just("  # c"),
                    1 => Just("  bad"),
                ],
                1..4,
            ),
        )
            .prop_map(|(head, rest)| {
                let key = head.split([' ', '=', ':']).next().unwrap().to_lowercase();
                let mut lines = vec![GenLine::Key {
                    key,
                    text: head.to_string(),
                }];
                lines.extend(rest.into_iter().map(|t| GenLine::Other(t.to_string())));
                lines
            }),
        2 => (select(vec![" ", "  ", "\t"]), select(vec!["[dev]", "x = y", "[prod] ; c", "more"]))
            .prop_map(move |(i, t)| other(format!("{i}{t}"))),
        1 => select(vec!["junk", "aws_session_token", "= x", "[dev", "[]", ": y"])
            .prop_map(move |t| other(t.to_string())),
    ]
}

fn section() -> impl Strategy<Value = GenSection> {
    let trailer = select(vec![
        "", "", "", "", " ; note", "  ", " # x", "x", "]", "\t",
    ]);
    let name = prop_oneof![
        3 => select(vec!["dev", "prod", "default", "Dev", "dev-short-term", "profile dev", "dév"]),
        2 => select(NAMES),
    ];
    (
        indent(),
        name,
        trailer,
        prop::collection::vec(lines(), 0..6),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(indent, name, trailer, groups, repeat_keys)| {
            let mut lines: Vec<GenLine> = groups.into_iter().flatten().collect();
            if !repeat_keys {
                let mut seen = Vec::new();
                lines.retain(|l| match l {
                    GenLine::Key { key, .. } if seen.contains(key) => false,
                    GenLine::Key { key, .. } => {
                        seen.push(key.clone());
                        true
                    }
                    GenLine::Other(_) => true,
                });
            }
            GenSection {
                name,
                header: format!("{indent}[{name}]{trailer}"),
                lines,
            }
        })
}

fn file() -> impl Strategy<Value = GenFile> {
    let top = prop_oneof![
        30 => select(vec!["# top", "; top", "", "  ", "  # indented", "#[dev]"])
            .prop_map(|t| GenLine::Other(t.to_string())),
        1 => key_line(),
    ];
    (
        prop::bool::weighted(0.03),
        prop::collection::vec(top, 0..3),
        prop::collection::vec(section(), 0..6),
        prop::bool::weighted(0.15),
        prop_oneof![4 => Just(0u8), 2 => Just(1), 1 => Just(2), 2 => Just(3)],
        prop::collection::vec(0u8..3, 1..8),
        any::<bool>(),
    )
        .prop_map(
            |(bom, top, mut sections, repeat, endings, mix, final_newline)| {
                if !repeat {
                    let mut seen = Vec::new();
                    sections.retain(|s| {
                        let new = !seen.contains(&s.name);
                        seen.push(s.name);
                        new
                    });
                }
                GenFile {
                    bom,
                    top,
                    sections,
                    endings,
                    mix,
                    final_newline,
                }
            },
        )
}

/// A file and the section to edit: mostly one of its own, else any name.
fn file_and_target() -> impl Strategy<Value = (GenFile, &'static str)> {
    file().prop_flat_map(|file| {
        let names: Vec<&'static str> = file.sections.iter().map(|s| s.name).collect();
        let own = if names.is_empty() {
            Just("dev").boxed()
        } else {
            select(names).boxed()
        };
        let other = prop_oneof![
            2 => select(NAMES),
            1 => select(vec!["new", "dev-short-term", "x"]),
        ];
        (Just(file), prop_oneof![3 => own, 1 => other])
    })
}

fn entries() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let value = prop_oneof![
        4 => "[A-Za-z0-9/+=]{1,24}",
        1 => select(vec![
            "arn:aws:iam::123456789012:role/Admin",
            "True",
            "False",
            "2026-11-23T18:30:00Z",
        ])
        .prop_map(String::from),
    ];
    (
        subsequence(WRITTEN.to_vec(), 1..=WRITTEN.len()),
        prop::collection::vec(value, WRITTEN.len()),
    )
        .prop_map(|(keys, values)| keys.into_iter().zip(values).collect())
}

/// A name `set_section` must refuse to write, by the rules of docs/design.md §8 and §9.
fn unwritable(name: &str) -> bool {
    name.is_empty()
        || name.chars().any(text::is_unsafe_char)
        || name.contains(']')
        || name.trim_matches(ini::is_space) != name
        || name == "DEFAULT"
}

/// botocore's `_parse_nested`, for a file botocore read.
fn nested(value: &str) -> Map<String, Value> {
    ini::split_py_lines(value)
        .map(|l| l.trim_matches(ini::is_space))
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once('=').expect("botocore read it");
            (
                k.trim_matches(ini::is_space).to_string(),
                Value::from(v.trim_matches(ini::is_space)),
            )
        })
        .collect()
}

fn as_botocore(value: &str) -> Value {
    if value.starts_with('\n') {
        Value::Object(nested(value))
    } else {
        Value::from(value)
    }
}

type Sections = Vec<(String, Vec<(String, Value)>)>;

/// The sections and keys in botocore's order, as its answer gives them.
fn botocore_sections(answer: &Value) -> Sections {
    answer["order"]
        .as_array()
        .expect("order")
        .iter()
        .map(|pair| {
            let name = pair[0].as_str().unwrap();
            let keys = pair[1].as_array().unwrap();
            let values = keys
                .iter()
                .map(|k| {
                    let k = k.as_str().unwrap();
                    (k.to_string(), answer["ok"][name][k].clone())
                })
                .collect();
            (name.to_string(), values)
        })
        .collect()
}

fn reader_sections(text: &str) -> Sections {
    Ini::parse(text)
        .sections()
        .iter()
        .map(|s| {
            let values = s
                .entries
                .iter()
                .map(|(k, v)| (k.clone(), as_botocore(v)))
                .collect();
            (s.name.clone(), values)
        })
        .collect()
}

/// botocore's long-term-keys rule on a section's keys: a key half, no token, no marker.
fn holds_long_term_keys(keys: &Map<String, Value>) -> bool {
    let has = |k: &str| match keys.get(k) {
        Some(Value::String(v)) => !v.is_empty(),
        Some(Value::Object(map)) => !map.is_empty(),
        _ => false,
    };
    (has("aws_access_key_id") || has("aws_secret_access_key"))
        && !has("aws_session_token")
        && !has("aws_security_token")
        && keys.get(MARKER_KEY) != Some(&Value::from(MARKER_VALUE))
}

/// The lines of `text` as the scanner judges them, from the top.
fn judged(text: &str) -> Vec<(ini::Line<'_>, Kind<'_>)> {
    let mut scanner = Scanner::default();
    ini::lines(text)
        .map(|line| (line, scanner.classify(line.text)))
        .collect()
}

/// The byte range of `[target]`: from its header's line to the next header's.
fn region(text: &str, target: &str) -> Option<(usize, usize)> {
    let headers: Vec<(usize, &str)> = judged(text)
        .into_iter()
        .filter_map(|(line, kind)| match kind {
            Kind::Header(name) => Some((line.at, name)),
            _ => None,
        })
        .collect();
    let i = headers.iter().position(|&(_, name)| name == target)?;
    Some((headers[i].0, headers.get(i + 1).map_or(text.len(), |h| h.0)))
}

struct Case<'a> {
    text: &'a str,
    target: &'a str,
    entries: &'a [(&'a str, &'a str)],
    dir: &'a Path,
}

impl Case<'_> {
    fn ours(&self, key: &str) -> Option<&str> {
        let key = ini::fold_key(key);
        (key == MARKER_KEY).then_some(MARKER_VALUE).or_else(|| {
            self.entries
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
        })
    }

    fn botocore(&self, name: &str, text: &str) -> Value {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        botocore(&path)
    }

    fn check(&self) -> Result<(), TestCaseError> {
        let (text, target) = (self.text, self.target);
        let result = ini_edit::set_section(text, target, self.entries);
        prop_assert_eq!(
            ini_edit::check_writable(text, target),
            result.clone().map(drop),
            "check_writable and set_section disagree"
        );
        if unwritable(target) {
            prop_assert!(
                matches!(result, Err(EditError::Unwritable { .. })),
                "{:?}",
                result
            );
            return Ok(());
        }
        let before = self.botocore("in.ini", text);
        if let Some(error) = before.get("error") {
            // (1) A file botocore refuses is refused.
            prop_assert!(
                matches!(result, Err(EditError::Unparseable(_))),
                "botocore: {}; editor: {:?}",
                error,
                result
            );
            return Ok(());
        }
        // (2) The reader sees what botocore sees.
        prop_assert_eq!(
            reader_sections(text),
            botocore_sections(&before),
            "the reader"
        );

        // (3) A refusal for botocore's reason, or a file botocore reads as intended.
        let view = before["ok"].get(target).and_then(Value::as_object);
        let own = before["own"].get(target).and_then(Value::as_object);
        let keeps_keys =
            view.is_some_and(holds_long_term_keys) || own.is_some_and(holds_long_term_keys);
        let out = match result {
            Err(EditError::LongTermKeys { .. }) if keeps_keys => return Ok(()),
            // [DEFAULT]'s nested values are checked even while no section inherits them.
            Err(EditError::Unparseable(ini::Problem::Nested { .. }))
                if text.contains("[DEFAULT]") =>
            {
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("refused: {e:?}"))),
            Ok(_) if keeps_keys => {
                return Err(TestCaseError::fail("long-term keys overwritten"));
            }
            Ok(out) => out,
        };
        let after = self.botocore("out.ini", &out);
        prop_assert!(after.get("ok").is_some(), "botocore: {}\n{:?}", after, out);
        prop_assert_eq!(
            reader_sections(&out),
            botocore_sections(&after),
            "the reader, after"
        );
        let mut expected = botocore_sections(&before);
        let mut got = botocore_sections(&after);
        let place = |sections: &Sections| sections.iter().position(|(n, _)| n == target);
        let Some(at) = place(&got) else {
            return Err(TestCaseError::fail("the target is not there"));
        };
        let (_, target_keys) = got.remove(at);
        let kept_keys: Vec<(String, Value)> = match place(&expected) {
            Some(at) => expected.remove(at).1,
            None => {
                // Appended: last, with only [DEFAULT]'s keys besides ours.
                prop_assert_eq!(at, got.len());
                before["defaults"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), as_botocore(v.as_str().unwrap())))
                    .collect()
            }
        };
        // Every other section exactly as before.
        prop_assert_eq!(got, expected);
        // The target: the values written, and its other keys as before.
        for (key, value) in self.entries.iter().chain([&(MARKER_KEY, MARKER_VALUE)]) {
            let found = target_keys.iter().find(|(k, _)| k == key).map(|(_, v)| v);
            prop_assert_eq!(found, Some(&Value::from(*value)), "{}", key);
        }
        let others = |keys: &[(String, Value)]| -> Vec<(String, Value)> {
            let mut keys: Vec<_> = keys
                .iter()
                .filter(|(k, _)| self.ours(k).is_none())
                .cloned()
                .collect();
            keys.sort_by(|a, b| a.0.cmp(&b.0));
            keys
        };
        prop_assert_eq!(others(&target_keys), others(&kept_keys));

        self.check_bytes(&out)?;
        // Editing twice is editing once.
        prop_assert_eq!(
            ini_edit::set_section(&out, target, self.entries),
            Ok(out.clone())
        );
        Ok(())
    }

    /// Every byte outside the target kept; in it, the header, the comments and the other
    /// keys kept in order; new or rewritten lines are key lines of ours.
    fn check_bytes(&self, out: &str) -> Result<(), TestCaseError> {
        let text = self.text;
        let (old, new) = match region(text, self.target) {
            Some((start, end)) => {
                let suffix = &text[end..];
                prop_assert!(out.starts_with(&text[..start]) && out.ends_with(suffix));
                prop_assert!(out.len() >= start + suffix.len());
                (&text[start..end], &out[start..out.len() - suffix.len()])
            }
            None => {
                let open = !text.is_empty() && !text.ends_with(['\n', '\r']);
                let base = if open { text.len() + 1 } else { text.len() };
                prop_assert!(out.starts_with(text), "not appended");
                let rest = &out[base.min(out.len())..];
                let rest = rest.trim_start_matches(['\r', '\n']);
                prop_assert!(
                    rest.starts_with(&format!("[{}]", self.target)),
                    "{:?}",
                    rest
                );
                ("", rest)
            }
        };
        let old_lines = judged(old);
        let new_lines = judged(new);
        prop_assert_eq!(&new_lines[0].1, &Kind::Header(self.target));
        let kept = |lines: &[(ini::Line, Kind)]| -> Vec<String> {
            lines
                .iter()
                .filter(|(_, kind)| match kind {
                    Kind::Header(_) | Kind::Comment => true,
                    Kind::Key { key, .. } => self.ours(key).is_none(),
                    _ => false,
                })
                .map(|(line, _)| line.text.to_string())
                .collect()
        };
        if !old.is_empty() {
            prop_assert_eq!(kept(&new_lines), kept(&old_lines));
        }
        for (line, kind) in &new_lines[1..] {
            if old_lines.iter().any(|(l, _)| l.text == line.text) {
                continue;
            }
            match kind {
                Kind::Key { key, value, .. } => {
                    prop_assert_eq!(Some(*value), self.ours(key), "{:?}", line.text)
                }
                _ => prop_assert!(false, "added {:?}", line.text),
            }
        }
        // New lines end as the file does; a missing final newline stays missing.
        let endings: Vec<&str> = judged(text).iter().map(|(l, _)| l.ending).collect();
        for style in ["\n", "\r\n", "\r"] {
            if endings.contains(&style) && endings.iter().all(|e| e.is_empty() || *e == style) {
                prop_assert!(
                    judged(out)
                        .iter()
                        .all(|(l, _)| l.ending.is_empty() || l.ending == style)
                );
            }
        }
        let last_empty = ini::lines(out).last().is_some_and(|l| l.text.is_empty());
        if !last_empty {
            prop_assert_eq!(
                out.ends_with(['\n', '\r']),
                text.is_empty() || text.ends_with(['\n', '\r'])
            );
        }
        Ok(())
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}

proptest! {
    #![proptest_config(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn the_reader_and_the_editor_agree_with_botocore(
        (file, target) in file_and_target(),
        entries in entries(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = file.render();
        let entries: Vec<(&str, &str)> = entries.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Case { text: &text, target, entries: &entries, dir: dir.path() }.check()?;
    }
}
