//! Adversarial review of issue 10's merged work: each test pins one finding.

mod common;

use std::ffi::OsString;
use std::path::Path;

use common::*;

/// PATH with the directory of the binary under test first, for `command aws-mfa`.
fn path_with_binary() -> OsString {
    let bin = Path::new(BIN)
        .parent()
        .expect("binary directory")
        .to_path_buf();
    let mut dirs = vec![bin];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH")
}

/// Runs `script` in bash and in zsh with the integration loaded; the stdout of each.
fn shells(sb: &Sandbox, script: &str) -> Vec<String> {
    [("bash", ["--norc", "--noprofile"]), ("zsh", ["-f", "-f"])]
        .into_iter()
        .map(|(sh, flags)| {
            require_tool(sh);
            let script = format!("eval \"$(aws-mfa init {sh})\"\n{script}");
            let r = run(sb
                .command(sh)
                .args(flags)
                .args(["-c", &script])
                .env("PATH", path_with_binary()));
            r.assert_success();
            format!("{sh}:\n{}", r.stdout)
        })
        .collect()
}

/// A profile `name` with its own keys and `extra` config lines.
fn profile(sb: &Sandbox, name: &str, extra: &str) {
    sb.append_credentials(&format!(
        "\n[{name}]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    sb.append_config(&format!(
        "\n[profile {name}]\nregion = eu-west-1\nmfa_serial = {DEVICE}\n{extra}"
    ));
}

/// `use A` (whose settings are handed over), `use B` (which has none), `off`: the shell
/// must hold none of A's settings, neither while B is in use nor after `off`.
#[test]
fn switching_profiles_drops_the_settings_of_the_previous_one() {
    let sb = Sandbox::new();
    profile(
        &sb,
        "dual",
        "use_dualstack_endpoint = true\noutput = table\n",
    );
    profile(&sb, "plain", "");
    for out in shells(
        &sb,
        &format!(
            "aws-mfa use dual --token-code {CODE} >/dev/null\n\
             echo \"dual:${{AWS_USE_DUALSTACK_ENDPOINT-unset}}:${{AWS_DEFAULT_OUTPUT-unset}}\"\n\
             aws-mfa use plain --token-code 654321 >/dev/null\n\
             echo \"plain:${{AWS_USE_DUALSTACK_ENDPOINT-unset}}:${{AWS_DEFAULT_OUTPUT-unset}}\"\n\
             aws-mfa off\n\
             echo \"off:${{AWS_USE_DUALSTACK_ENDPOINT-unset}}:${{AWS_DEFAULT_OUTPUT-unset}}\"\n"
        ),
    ) {
        assert!(out.contains("dual:true:table"), "{out}");
        assert!(out.contains("plain:unset:unset"), "{out}");
        assert!(out.contains("off:unset:unset"), "{out}");
    }
}

/// A renewal by the prompt hook sees the settings the first `use` set as the caller's own,
/// hands them over no more, and `off` then leaves them set.
#[test]
fn off_after_a_renewal_still_unsets_the_handed_settings() {
    let sb = Sandbox::new();
    profile(
        &sb,
        "dual",
        "use_dualstack_endpoint = true\noutput = table\n",
    );
    for out in shells(
        &sb,
        &format!(
            "aws-mfa use dual --token-code {CODE} >/dev/null\n\
             AWS_CREDENTIAL_EXPIRATION=$(date -u -d @$(( $(date +%s) + 60 )) +%Y-%m-%dT%H:%M:%SZ)\n\
             AWS_MFA_AUTO_RENEW=1 _aws_mfa_hook\n\
             echo \"renewed:${{AWS_USE_DUALSTACK_ENDPOINT-unset}}:${{AWS_DEFAULT_OUTPUT-unset}}\"\n\
             aws-mfa off\n\
             echo \"off:${{AWS_USE_DUALSTACK_ENDPOINT-unset}}:${{AWS_DEFAULT_OUTPUT-unset}}\"\n"
        ),
    ) {
        assert!(out.contains("renewed:true:table"), "{out}");
        assert!(out.contains("off:unset:unset"), "{out}");
    }
}

/// `script` in fish with the integration loaded; its stdout.
fn fish(sb: &Sandbox, script: &str) -> String {
    let script = format!("aws-mfa init fish | source\n{script}");
    let r = run(sb
        .command(require_tool("fish"))
        .args(["--no-config", "-c", &script])
        .env("PATH", path_with_binary()));
    r.assert_success();
    r.stdout
}

/// fish prints a variable or `unset`.
const FISH_SHOW: &str =
    "function show; set -q $argv[1]; and echo -n $$argv[1]; or echo -n unset; end\n";

#[test]
fn in_fish_too_switching_profiles_and_renewals_leave_nothing_for_off() {
    let sb = Sandbox::new();
    profile(
        &sb,
        "dual",
        "use_dualstack_endpoint = true\noutput = table\n",
    );
    profile(&sb, "plain", "");
    let out = fish(
        &sb,
        &format!(
            "{FISH_SHOW}\
             aws-mfa use dual --token-code {CODE} >/dev/null\n\
             echo dual:(show AWS_USE_DUALSTACK_ENDPOINT):(show AWS_DEFAULT_OUTPUT)\n\
             aws-mfa use plain --token-code 654321 >/dev/null\n\
             echo plain:(show AWS_USE_DUALSTACK_ENDPOINT):(show AWS_DEFAULT_OUTPUT)\n\
             aws-mfa off\n\
             echo off:(show AWS_USE_DUALSTACK_ENDPOINT):(show AWS_DEFAULT_OUTPUT)\n\
             aws-mfa use dual --token-code 111111 >/dev/null\n\
             set -gx AWS_CREDENTIAL_EXPIRATION (date -u -d @(math (date +%s) + 60) +%Y-%m-%dT%H:%M:%SZ)\n\
             _aws_mfa_auto_renew\n\
             echo renewed:(show AWS_USE_DUALSTACK_ENDPOINT):(show AWS_DEFAULT_OUTPUT)\n\
             aws-mfa off\n\
             echo renewed-off:(show AWS_USE_DUALSTACK_ENDPOINT):(show AWS_DEFAULT_OUTPUT)\n"
        ),
    );
    for line in [
        "dual:true:table",
        "plain:unset:unset",
        "off:unset:unset",
        "renewed:true:table",
        "renewed-off:unset:unset",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} not in:\n{out}");
    }
}
