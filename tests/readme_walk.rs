//! What a new user meets when following the README line by line: the README's own profile
//! blocks, copied as they stand, and the classic workflow and option placement it describes.

mod common;

use common::*;

/// The ```ini block under `heading` in the README, split into its credentials and config
/// parts at the `# ~/.aws/config` line, as a reader copies them into the two files.
fn readme_profile(heading: &str) -> (String, String) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("read README.md");
    let after = readme
        .split_once(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no heading {heading:?}"))
        .1;
    let block = after
        .split_once("```ini\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .unwrap_or_else(|| panic!("no ini block under {heading:?}"))
        .0;
    let (credentials, config) = block
        .split_once("# ~/.aws/config\n")
        .unwrap_or_else(|| panic!("the block under {heading:?} has no config part"));
    (format!("{credentials}\n"), format!("{config}\n"))
}

fn plain_profile_sandbox() -> Sandbox {
    let (credentials, config) = readme_profile("### A plain MFA profile");
    assert!(credentials.contains("[dev]") && config.contains("[profile dev]"));
    let sb = Sandbox::empty();
    sb.write_credentials(&credentials);
    sb.write_config(&config);
    sb
}

/// README, "The file-based workflow": with the keys in `[dev]` (the plain MFA profile) the
/// classic run is refused before any call, and `--short-term-suffix short-term` writes
/// `[dev-short-term]`, which the next run finds still valid.
#[test]
fn the_classic_run_on_the_plain_profile_needs_another_section() {
    let sb = plain_profile_sandbox();
    let before = std::fs::read_to_string(&sb.credentials).unwrap();

    let r = run(&mut sb.cmd(["-p", "dev", "--token-code", "123456"]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("[dev] is where the long-term keys are"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    assert_eq!(std::fs::read_to_string(&sb.credentials).unwrap(), before);

    let args = [
        "-p",
        "dev",
        "--short-term-suffix",
        "short-term",
        "--token-code",
        "123456",
    ];
    let r = run(&mut sb.cmd(args));
    r.assert_success();
    assert!(
        r.stdout.starts_with("wrote [dev-short-term] of "),
        "{}",
        r.dump()
    );
    let after = std::fs::read_to_string(&sb.credentials).unwrap();
    assert!(after.starts_with(&before), "[dev] changed:\n{after}");
    assert!(after.contains("\n[dev-short-term]\n"), "{after}");
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );

    let r = run(&mut sb.cmd(args));
    r.assert_success();
    assert!(
        r.stdout
            .starts_with("[dev-short-term] is still valid until "),
        "{}",
        r.dump()
    );
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
}

/// docs/design.md §2: options follow their command; only `-v` may stand before it.
#[test]
fn only_verbose_may_come_before_the_command() {
    let sb = plain_profile_sandbox();
    let r = run(&mut sb.cmd(["-p", "dev", "exec", "--", "true"]));
    r.assert_code(2);
    assert!(
        r.stderr.contains("options go after the command"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());

    let r = run(&mut sb.cmd([
        "-v",
        "exec",
        "-p",
        "dev",
        "--token-code",
        "123456",
        "--",
        "true",
    ]));
    r.assert_success();
    assert!(
        r.stderr.contains("profile 'dev' (from --profile)"),
        "{}",
        r.dump()
    );
}
