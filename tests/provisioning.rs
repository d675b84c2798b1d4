//! Issue 12: the README's test command (tests/run) provisions what the suites need on a
//! fresh machine: every tool a test requires, and every Python module the tests import,
//! so that none of them fails there for a missing tool.
//!
//! Text only: tests/run is read, not run (it installs packages).

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// The test sources: tests/*.rs, tests/common/*.rs, and the Python helpers.
fn sources(ext: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["tests", "tests/common"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == ext) {
                let rel = path.strip_prefix(root()).unwrap().display().to_string();
                out.push((rel.clone(), read(&rel)));
            }
        }
    }
    out.sort();
    out
}

/// The `tool:package` pairs tests/run installs from Debian.
fn provisioned_tools(run: &str) -> BTreeSet<String> {
    let start = run
        .find("for pair in ")
        .expect("tests/run has its `for pair in TOOL:PACKAGE ...` list");
    let list = &run[start + "for pair in ".len()..];
    let list = &list[..list.find("; do").expect("the list ends with `; do`")];
    list.split_whitespace()
        .filter(|w| *w != "\\")
        .map(|pair| {
            let (tool, package) = pair
                .split_once(':')
                .unwrap_or_else(|| panic!("{pair:?} is not TOOL:PACKAGE"));
            assert!(!package.is_empty(), "{pair:?} names no package");
            tool.to_string()
        })
        .collect()
}

/// Every program a test requires (by name, through `require_tool`, and the shells the tests
/// drive) is installed by tests/run, or comes with its Python packages.
#[test]
fn tests_run_provisions_every_tool_a_test_requires() {
    let run = read("tests/run");
    let mut provisioned = provisioned_tools(&run);
    // The venv's: the aws CLI (awscli) and python3 itself.
    provisioned.extend(["aws".to_string(), "python3".to_string()]);
    let mut required = BTreeSet::new();
    for (file, text) in sources("rs") {
        let mut rest = text.as_str();
        while let Some(at) = rest.find("require_tool(\"") {
            rest = &rest[at + "require_tool(\"".len()..];
            let name = &rest[..rest.find('"').unwrap()];
            required.insert((name.to_string(), file.clone()));
        }
        // The shells driven through `require_tool(sh)` and the like.
        for shell in ["bash", "zsh", "fish", "elvish"] {
            if text.contains(&format!("\"{shell}\"")) {
                required.insert((shell.to_string(), file.clone()));
            }
        }
    }
    assert!(
        required.len() > 10,
        "only {required:?} found: the scan is broken"
    );
    let missing: Vec<String> = required
        .iter()
        .filter(|(name, _)| !provisioned.contains(name))
        .map(|(name, file)| format!("{name} (required in {file})"))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/run does not install: {}",
        missing.join(", ")
    );
}

/// Every Python module outside the standard library that the tests import is in
/// tests/requirements.txt, pinned.
#[test]
fn the_python_modules_the_tests_import_are_pinned_requirements() {
    let requirements = read("tests/requirements.txt");
    let pinned: BTreeSet<String> = requirements
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, version) = l
                .split_once("==")
                .unwrap_or_else(|| panic!("{l:?} is not pinned (NAME==VERSION)"));
            assert!(!version.is_empty(), "{l:?}");
            name.split('[').next().unwrap().to_ascii_lowercase()
        })
        .collect();
    let mut texts = sources("rs");
    texts.extend(sources("py"));
    let mut imported = BTreeSet::new();
    for (file, text) in &texts {
        for line in text.lines() {
            let line = line.trim();
            let module = line
                .strip_prefix("import ")
                .or_else(|| line.strip_prefix("from "))
                .and_then(|rest| rest.split(['.', ' ', ',']).next());
            if let Some(module) = module
                && ["moto", "botocore", "boto3", "awscli", "yaml", "requests"].contains(&module)
            {
                imported.insert((module.to_string(), file.clone()));
            }
        }
    }
    assert!(
        imported.iter().any(|(m, _)| m == "moto") && imported.iter().any(|(m, _)| m == "botocore"),
        "{imported:?}: the scan is broken"
    );
    let missing: Vec<String> = imported
        .iter()
        .filter(|(module, _)| !pinned.contains(module))
        .map(|(module, file)| format!("{module} (imported in {file})"))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/requirements.txt does not pin: {}",
        missing.join(", ")
    );
    for needed in ["moto", "awscli"] {
        assert!(
            pinned.contains(needed),
            "{needed} is not in tests/requirements.txt"
        );
    }
}

/// The Python packages go into a virtual environment under target/, never the system
/// Python, and its bin comes first on PATH for the suites.
#[test]
fn tests_run_installs_python_packages_into_target_venv_only() {
    let run = read("tests/run");
    assert!(
        run.contains("venv=target/venv"),
        "tests/run's venv is not target/venv"
    );
    assert!(
        run.contains(r#"PATH="$PWD/$venv/bin:$PATH""#),
        "tests/run does not put the venv first on PATH"
    );
    for line in run.lines().map(str::trim).filter(|l| !l.starts_with('#')) {
        if line.contains("pip install") {
            assert!(
                line.starts_with(r#""$venv/bin/python3" -m pip install"#),
                "tests/run installs outside the venv: {line}"
            );
        }
    }
}
