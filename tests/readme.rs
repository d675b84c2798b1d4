//! The README and docs/design.md against what they describe, so that a reader who copies
//! them gets what they say:
//!
//! - every ```ini block reads in botocore (the aws CLI) as written, with no inline comment
//!   taken into a value (botocore keeps `key = value  # note` whole), and the README's
//!   profiles resolve in aws-mfa to the values botocore reads;
//! - no link or path points outside the repository, and every link, anchor and repository
//!   path they name exists;
//! - the README's test and install commands are the ones `.ci/run` runs, and its figures
//!   are the ones the tests use.
//!
//! No network: botocore is asked through one python3 process, aws-mfa only runs `list`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

const DOCS: [&str; 2] = ["README.md", "docs/design.md"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

// ---------------------------------------------------------------------------------------
// Markdown, as far as these checks need it
// ---------------------------------------------------------------------------------------

/// A fenced code block: its language, the line of its opening fence (1-based), its text.
struct Block {
    lang: String,
    line: usize,
    text: String,
}

fn code_blocks(md: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in md.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => {
                open = Some(Block {
                    lang: info.split_whitespace().next().unwrap_or("").to_string(),
                    line: i + 1,
                    text: String::new(),
                });
            }
            (Some(_), Some(_)) => blocks.push(open.take().expect("an open block")),
            (Some(block), None) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    blocks
}

/// The lines outside code blocks, with their numbers (1-based).
fn prose(md: &str) -> Vec<(usize, &str)> {
    let mut inside = false;
    let mut out = Vec::new();
    for (i, line) in md.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
        } else if !inside {
            out.push((i + 1, line));
        }
    }
    out
}

/// The anchors GitHub gives a document's headings: lower case, punctuation dropped,
/// spaces as hyphens, `-1`, `-2`… for repeats.
fn anchors(md: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for (_, line) in prose(md) {
        let Some(title) = line.strip_prefix('#') else {
            continue;
        };
        let title = title.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let slug: String = title
            .trim()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        out.insert(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// The targets of the inline links `[text](target)` and reference definitions
/// `[name]: target` outside code blocks, with their line numbers.
fn link_targets(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in prose(md) {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            let target = after[..end].split_whitespace().next().unwrap_or("");
            out.push((n, target.trim_matches(['<', '>']).to_string()));
            rest = &after[end..];
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('[')
            && let Some((_, target)) = trimmed.split_once("]: ")
        {
            out.push((
                n,
                target.split_whitespace().next().unwrap_or("").to_string(),
            ));
        }
    }
    out
}

/// Words in backticks outside code blocks that name a file or directory of the repository
/// (`src/ini.rs`, `shell/`, `shell/aws-mfa.{bash,zsh}`), each expanded, with its line.
fn repository_paths(md: &str) -> Vec<(usize, String)> {
    const TOP: [&str; 8] = [
        "src/",
        "tests/",
        "shell/",
        "benches/",
        "completions/",
        "docs/",
        ".ci/",
        "Cargo.",
    ];
    let mut out = Vec::new();
    for (n, line) in prose(md) {
        for (i, word) in line.split('`').enumerate() {
            // Odd pieces are inside backticks.
            if i % 2 == 0
                || word.contains([' ', '*', '<'])
                || !TOP.iter().any(|t| word.starts_with(t))
            {
                continue;
            }
            let word = word.trim_end_matches([':', ',', '.']);
            match (word.find('{'), word.find('}')) {
                (Some(open), Some(close)) if open < close => {
                    for alt in word[open + 1..close].split(',') {
                        out.push((n, format!("{}{alt}{}", &word[..open], &word[close + 1..])));
                    }
                }
                _ => out.push((n, word.to_string())),
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// botocore
// ---------------------------------------------------------------------------------------

/// What botocore's `raw_config_parse` reads from each file (the aws CLI's reading), or
/// `Err` with what it said when it refuses the file. One python3 for all the files.
fn botocore_read(paths: &[PathBuf]) -> Vec<Result<Value, String>> {
    const SCRIPT: &str = r#"
import json, sys
try:
    from botocore.configloader import raw_config_parse
    from botocore.exceptions import ConfigParseError
except ImportError as e:
    print("botocore is missing (pip install awscli): " + repr(e), file=sys.stderr)
    sys.exit(3)
answers = []
for path in sys.argv[1:]:
    try:
        answers.append({"ok": raw_config_parse(path)})
    except ConfigParseError as e:
        answers.append({"error": str(e)})
print(json.dumps(answers))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .args(paths)
        .env("PYTHONUTF8", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): this test needs python3 and botocore (pip install awscli)")
        });
    assert!(
        out.status.success(),
        "python3 with botocore failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> =
        serde_json::from_slice(&out.stdout).expect("botocore's answer is JSON");
    assert_eq!(answers.len(), paths.len());
    answers
        .into_iter()
        .map(|a| match a.get("ok") {
            Some(ok) => Ok(ok.clone()),
            None => Err(a["error"].as_str().unwrap_or("refused").to_string()),
        })
        .collect()
}

/// Which AWS file an ini block (or a part of one) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AwsFile {
    Config,
    Credentials,
}

/// One file of an ini block, as a reader copies it.
struct IniFile {
    doc: &'static str,
    /// Line of the block's opening fence.
    line: usize,
    kind: AwsFile,
    text: String,
}

/// Every ```ini block of `doc`, split into its files at the comment lines that name them
/// (`# ~/.aws/config`, `# ~/.aws/credentials`). A block that names none holds long-term
/// keys for the credentials file (the "Coming from …" examples).
fn ini_files(doc: &'static str) -> Vec<IniFile> {
    let mut out = Vec::new();
    for block in code_blocks(&read(doc))
        .into_iter()
        .filter(|b| b.lang == "ini")
    {
        let mut current = IniFile {
            doc,
            line: block.line,
            kind: AwsFile::Credentials,
            text: String::new(),
        };
        for line in block.text.lines() {
            let named = match line.trim() {
                "# ~/.aws/config" => Some(AwsFile::Config),
                "# ~/.aws/credentials" => Some(AwsFile::Credentials),
                _ => None,
            };
            if let Some(kind) = named {
                if !current.text.trim().is_empty() {
                    out.push(current);
                }
                current = IniFile {
                    doc,
                    line: block.line,
                    kind,
                    text: String::new(),
                };
            }
            current.text.push_str(line);
            current.text.push('\n');
        }
        out.push(current);
    }
    out
}

/// Every string value in botocore's reading (nested values are dicts), with its section
/// and key.
fn values(read: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (section, keys) in read.as_object().into_iter().flatten() {
        for (key, value) in keys.as_object().into_iter().flatten() {
            match value {
                Value::String(v) => out.push((section.clone(), key.clone(), v.clone())),
                Value::Object(nested) => {
                    for (sub, v) in nested {
                        let v = v.as_str().unwrap_or_default().to_string();
                        out.push((section.clone(), format!("{key}.{sub}"), v));
                    }
                }
                other => out.push((section.clone(), key.clone(), other.to_string())),
            }
        }
    }
    out
}

fn write_files(dir: &Path, files: &[&IniFile]) -> Vec<PathBuf> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let path = dir.join(format!("block-{i}.ini"));
            std::fs::write(&path, &f.text).expect("write a block");
            path
        })
        .collect()
}

/// (a) What a reader copies from an ```ini block is what botocore reads: the file parses,
/// defines a section, and no value holds `#` or `;` (an inline comment botocore kept).
#[test]
fn every_ini_block_reads_in_botocore_without_comments_in_values() {
    let files: Vec<IniFile> = DOCS.iter().flat_map(|d| ini_files(d)).collect();
    let in_readme = files.iter().filter(|f| f.doc == "README.md").count();
    assert!(
        in_readme >= 6,
        "only {in_readme} ini files found in README.md: the block reader is broken"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let refs: Vec<&IniFile> = files.iter().collect();
    let paths = write_files(dir.path(), &refs);
    let mut problems = Vec::new();
    for (file, read) in files.iter().zip(botocore_read(&paths)) {
        let at = format!("{} (block at line {})", file.doc, file.line);
        match read {
            Err(e) => problems.push(format!("{at}: botocore refuses it: {e}")),
            Ok(read) if read.as_object().is_none_or(|o| o.is_empty()) => {
                problems.push(format!("{at}: botocore reads no section"));
            }
            Ok(read) => {
                for (section, key, value) in values(&read) {
                    if value.contains(['#', ';']) {
                        problems.push(format!(
                            "{at}: [{section}] {key} reads as {value:?}: botocore keeps an inline comment in the value; put the comment on a line of its own"
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// (a) The README's profiles, put together as a reader would (its config parts into
/// ~/.aws/config, its key sections into ~/.aws/credentials), mean in aws-mfa what they mean
/// in botocore: each role, device and session setting resolves, to the same value.
#[test]
fn the_readme_profiles_resolve_in_aws_mfa_as_botocore_reads_them() {
    let files = ini_files("README.md");
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".aws")).expect("mkdir .aws");
    let config = home.join(".aws/config");
    let credentials = home.join(".aws/credentials");
    for (path, kind) in [
        (&config, AwsFile::Config),
        (&credentials, AwsFile::Credentials),
    ] {
        let text: Vec<&str> = files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.text.as_str())
            .collect();
        std::fs::write(path, text.join("\n")).expect("write an AWS file");
    }
    let read = botocore_read(&[config.clone(), credentials.clone()]);
    let [Ok(config_read), Ok(credentials_read)] = read.as_slice() else {
        panic!("botocore refuses the README's files put together: {read:?}");
    };

    let r = run(Command::new(BIN)
        .args(["list", "--json"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_MFA_CACHE_DIR", dir.path().join("cache"))
        .env("USER", "alice"));
    r.assert_success();
    let rows: Vec<Value> =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}\n{}", r.dump()));
    let row = |profile: &str| {
        rows.iter()
            .find(|row| row["profile"] == profile)
            .unwrap_or_else(|| panic!("aws-mfa list has no profile {profile}\n{}", r.dump()))
    };

    let mut checked = 0;
    let mut problems = Vec::new();
    let sections = config_read.as_object().expect("sections");
    for (section, keys) in sections {
        let Some(profile) = section
            .strip_prefix("profile ")
            .or((section == "default").then_some("default"))
        else {
            continue;
        };
        let key = |k: &str| {
            keys.get(k)
                .or_else(|| credentials_read.get(profile).and_then(|s| s.get(k)))
                .and_then(Value::as_str)
        };
        // A profile aws-mfa does not serve (credential_process, …) is not aws-mfa's to resolve.
        if key("role_arn").is_none() && key("mfa_serial").is_none() {
            continue;
        }
        checked += 1;
        let row = row(profile);
        if !row["error"].is_null() {
            problems.push(format!(
                "[{section}]: aws-mfa cannot use it: {}",
                row["error"]
            ));
            continue;
        }
        for (field, k) in [("role", "role_arn"), ("device", "mfa_serial")] {
            if let Some(want) = key(k)
                && row[field] != want
            {
                problems.push(format!(
                    "[{section}]: {k} is {want:?} for botocore, aws-mfa's {field} is {}",
                    row[field]
                ));
            }
        }
    }
    assert!(
        checked >= 3,
        "only {checked} README profiles use MFA or a role: the block reader is broken"
    );
    assert!(
        problems.is_empty(),
        "\n{}\n{}",
        problems.join("\n"),
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// (b) links and paths
// ---------------------------------------------------------------------------------------

/// (b) Nothing points outside the repository: no `../` anywhere, no absolute link, and no
/// name for the design other than docs/design.md.
#[test]
fn no_link_or_path_points_outside_the_repository() {
    let mut problems = Vec::new();
    for doc in DOCS {
        let text = read(doc);
        for (n, line) in text.lines().enumerate() {
            if line.contains("../") {
                problems.push(format!(
                    "{doc}:{}: `../` points outside the repository: {line}",
                    n + 1
                ));
            }
            if line.contains("DESIGN.md") || line.contains("DESIGN §") {
                problems.push(format!(
                    "{doc}:{}: the design is docs/design.md: {line}",
                    n + 1
                ));
            }
        }
        for (n, target) in link_targets(&text) {
            if target.starts_with('/') || target.starts_with("file:") {
                problems.push(format!("{doc}:{n}: absolute link {target}"));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// (b) Every relative link, every `#anchor` and every repository path named in backticks
/// exists.
#[test]
fn every_relative_link_anchor_and_named_path_exists() {
    let mut problems = Vec::new();
    let mut links = 0;
    for doc in DOCS {
        let text = read(doc);
        let dir = root()
            .join(doc)
            .parent()
            .expect("a directory")
            .to_path_buf();
        for (n, target) in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            links += 1;
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                root().join(doc)
            } else {
                dir.join(path)
            };
            // A file beside the clone, outside it, is no file of the repository.
            let inside = file
                .canonicalize()
                .is_ok_and(|f| f.starts_with(root().canonicalize().expect("the repository")));
            if !inside {
                problems.push(format!(
                    "{doc}:{n}: link to {target}: no such file in the repository"
                ));
                continue;
            }
            if let Some(anchor) = anchor {
                let linked = std::fs::read_to_string(&file).unwrap_or_default();
                if !anchors(&linked).contains(anchor) {
                    problems.push(format!("{doc}:{n}: link to {target}: no such heading"));
                }
            }
        }
        for (n, path) in repository_paths(&text) {
            if !root().join(&path).exists() {
                problems.push(format!(
                    "{doc}:{n}: `{path}` does not exist in the repository"
                ));
            }
        }
    }
    assert!(
        links >= 2,
        "only {links} relative links found: the link reader is broken"
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------
// (c) commands and figures
// ---------------------------------------------------------------------------------------

/// The command lines of the README's shell blocks (a `$ ` prompt taken off).
fn readme_commands() -> Vec<String> {
    code_blocks(&read("README.md"))
        .into_iter()
        .filter(|b| matches!(b.lang.as_str(), "sh" | "console" | "bash" | "shell"))
        .flat_map(|b| {
            b.text
                .lines()
                .map(|l| l.trim_start_matches("$ ").trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// (c) The README's test command is the one `.ci/run` runs, alone, and its install command
/// builds what CI checks: the same `Cargo.lock` (`--locked`, as every cargo command of the
/// test command) and the toolchain of `rust-version`.
#[test]
fn the_readme_test_and_install_commands_are_the_ones_ci_runs() {
    let ci = read(".ci/run");
    let ci_commands: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(
        ci_commands,
        [r#"cd "$(dirname "$0")/.." && exec tests/run"#],
        ".ci/run must run the README's test command, tests/run, and nothing else"
    );

    let commands = readme_commands();
    let tests: Vec<&String> = commands
        .iter()
        .filter(|c| c.starts_with("tests/run"))
        .collect();
    assert!(!tests.is_empty(), "the README gives no test command");
    for command in &tests {
        assert_eq!(
            command.as_str(),
            "tests/run",
            "the README's test command is not the one .ci/run runs"
        );
    }
    // Any other cargo test of the README is the fast loop, the unit tests alone.
    for command in commands.iter().filter(|c| c.starts_with("cargo test")) {
        assert_eq!(
            command.as_str(),
            "cargo test --locked --bins",
            "the README gives a test command that CI does not run"
        );
    }

    let run = read("tests/run");
    let cargo_in_run: Vec<&str> = run
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.find("cargo ").map(|at| &l[at..]))
        .collect();
    assert!(
        cargo_in_run.contains(&"cargo test --locked"),
        "tests/run does not run the suites: {cargo_in_run:?}"
    );
    for line in cargo_in_run.iter().filter(|l| !l.starts_with("cargo fmt")) {
        assert!(
            line.contains(" --locked"),
            "tests/run builds without --locked: {line}"
        );
    }
    let installs: Vec<&String> = commands
        .iter()
        .filter(|c| c.starts_with("cargo install"))
        .collect();
    assert!(!installs.is_empty(), "the README gives no install command");
    for command in &installs {
        assert_eq!(
            command.as_str(),
            "cargo install --locked --path .",
            "the README's install command must build the Cargo.lock that .ci/run checks"
        );
    }

    let manifest = read("Cargo.toml");
    let rust_version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .expect("Cargo.toml has a rust-version")
        .trim_matches('"');
    assert!(
        read("README.md").contains(&format!("Rust {rust_version} or newer")),
        "the README does not say Rust {rust_version} or newer, as Cargo.toml's rust-version"
    );
}

/// The README's parallel figure is the number of parallel cold runs tests/pressure.rs starts.
#[test]
fn the_readme_parallel_figure_is_the_one_the_tests_use() {
    let pressure = read("tests/pressure.rs");
    let n = pressure
        .lines()
        .find_map(|l| l.strip_prefix("const N: usize = "))
        .expect("tests/pressure.rs has `const N: usize = …;`")
        .trim_end_matches(';');
    let readme = read("README.md");
    let figures: Vec<&str> = readme
        .match_indices("tested with ")
        .map(|(at, m)| {
            let rest = &readme[at + m.len()..];
            &rest[..rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len())]
        })
        .filter(|f| !f.is_empty())
        .collect();
    assert!(
        !figures.is_empty(),
        "the README gives no parallel figure (\"tested with N\")"
    );
    for figure in figures {
        assert_eq!(
            figure, n,
            "the README says tested with {figure}, tests/pressure.rs starts {n}"
        );
    }
}
