//! Issue 11, iam-mfa and aws-2fa-access-keys: `--user NAME` (`-u`) picks the MFA device of
//! that IAM user, `-m` is `--token-code`, and a bare `[my-keys]` of the config file is a key
//! source when `--source-profile` names it (docs/design.md §3.1, §3.2). Against moto's IAM
//! and STS through the counting proxy; the side-by-side runs with the real tools are in
//! tests/old_tools.rs.

mod common;

use common::*;

/// An IAM user of moto with long-term keys and `devices` virtual MFA devices.
struct IamUser {
    name: String,
    id: String,
    secret: String,
    serials: Vec<String>,
}

/// Creates it (moto is shared by the whole test binary: each test uses its own names).
fn iam_user(name: &str, devices: usize) -> IamUser {
    let sb = Sandbox::empty();
    moto_admin_aws(&sb, &["iam", "create-user", "--user-name", name]);
    let key = moto_admin_aws(&sb, &["iam", "create-access-key", "--user-name", name]);
    let field = |k: &str| key["AccessKey"][k].as_str().unwrap().to_string();
    let mut serials = Vec::new();
    for i in 0..devices {
        let device_name = format!("{name}-device-{i}");
        let seed = sb.root.join(format!("{device_name}.seed"));
        let device = moto_admin_aws(
            &sb,
            &[
                "iam",
                "create-virtual-mfa-device",
                "--virtual-mfa-device-name",
                &device_name,
                "--outfile",
                &seed.to_string_lossy(),
                "--bootstrap-method",
                "Base32StringSeed",
            ],
        );
        let serial = device["VirtualMFADevice"]["SerialNumber"]
            .as_str()
            .unwrap()
            .to_string();
        moto_admin_aws(
            &sb,
            &[
                "iam",
                "enable-mfa-device",
                "--user-name",
                name,
                "--serial-number",
                &serial,
                "--authentication-code1",
                "123456",
                "--authentication-code2",
                "654321",
            ],
        );
        serials.push(serial);
    }
    IamUser {
        name: name.to_string(),
        id: field("AccessKeyId"),
        secret: field("SecretAccessKey"),
        serials,
    }
}

impl IamUser {
    /// `[NAME]` holding this user's long-term keys (no trailing blank line).
    fn keys_section(&self, section: &str) -> String {
        format!(
            "[{section}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            self.id, self.secret
        )
    }
}

/// What IAM answers (HTTP 403) to ListMFADevices when the policy does not allow it.
fn list_denied_xml(user: &str) -> String {
    format!(
        r#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: iam:ListMFADevices on resource: user {user} because no identity-based policy allows the iam:ListMFADevices action</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"#
    )
}

fn deny_listing(sb: &Sandbox, user: &str) {
    sb.proxy.set_mode(Mode::for_action(
        "ListMFADevices",
        Mode::Respond {
            status: 403,
            body: list_denied_xml(user),
        },
        Mode::Forward,
    ));
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `[section]` of an INI text, as key → value.
fn section_of(text: &str, section: &str) -> Option<Vec<(String, String)>> {
    let header = format!("[{section}]");
    let mut lines = text.lines().skip_while(|l| l.trim() != header);
    lines.next()?;
    Some(
        lines
            .take_while(|l| !l.trim_start().starts_with('['))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect(),
    )
}

fn value<'a>(section: &'a [(String, String)], key: &str) -> Option<&'a str> {
    section
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The MFA device each GetSessionToken was asked with.
fn session_serials(sb: &Sandbox) -> Vec<String> {
    sb.proxy
        .requests_for("GetSessionToken")
        .iter()
        .map(|r| r.param("SerialNumber").unwrap_or("(none)").to_string())
        .collect()
}

fn listed_users(sb: &Sandbox) -> Vec<String> {
    sb.proxy
        .requests_for("ListMFADevices")
        .iter()
        .map(|r| r.param("UserName").unwrap_or("(none)").to_string())
        .collect()
}

/// `iam-mfa SOURCE DEST USER` becomes `aws-mfa --source-profile SOURCE --write-profile DEST
/// --user USER`: IAM lists that user's devices, the one listed is used, DEST is written.
#[test]
fn user_names_the_iam_user_whose_listed_device_is_used() {
    let user = iam_user("seeds-iam-corp", 1);
    let sb = Sandbox::empty();
    let credentials = user.keys_section("corp");
    sb.write_credentials(&credentials);
    let r = run(&mut sb.cmd([
        "--source-profile",
        "corp",
        "--write-profile",
        "corp-session",
        "--user",
        &user.name,
        "--token-code",
        CODE,
    ]));
    r.assert_success();
    assert_eq!(listed_users(&sb), [user.name.as_str()], "{}", r.dump());
    assert_eq!(session_serials(&sb), user.serials, "{}", sb.proxy.summary());
    let text = read(&sb.credentials);
    assert!(text.starts_with(&credentials), "[corp] changed:\n{text}");
    let written = section_of(&text, "corp-session").expect("[corp-session] written");
    assert!(value(&written, "aws_session_token").is_some(), "{text}");
    assert!(r.stdout.contains("wrote [corp-session] of"), "{}", r.dump());

    // The same command again: the section is still valid, nothing is asked.
    let calls = sb.proxy.total();
    let r = run(&mut sb.cmd([
        "--source-profile",
        "corp",
        "--write-profile",
        "corp-session",
        "-u",
        &user.name,
    ]));
    r.assert_success();
    assert!(r.stdout.contains("is still valid"), "{}", r.dump());
    assert_eq!(sb.proxy.total(), calls, "{}", sb.proxy.summary());
}

/// Listing denied: the device named after the user, `arn:aws:iam::ACCOUNT:mfa/NAME`, with
/// the account from GetCallerIdentity; `-v` says so; it is remembered, so a cache hit stays
/// offline. Without `--user` a denied listing stays an error.
#[test]
fn listing_denied_falls_back_to_the_device_named_after_the_user() {
    let user = iam_user("seeds-iam-denied", 0);
    let sb = Sandbox::empty();
    sb.write_credentials(&user.keys_section("corp"));
    deny_listing(&sb, &user.name);
    let exec = |extra: &[&str]| {
        let mut args = vec!["exec", "--source-profile", "corp"];
        args.extend_from_slice(extra);
        args.extend(["--", "true"]);
        sb.cmd(args)
    };

    let r = run(&mut exec(&["--no-prompt", "--token-code", CODE]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("did not list") && r.stderr.contains("AccessDenied"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.count("GetSessionToken"), 0);

    let guess = format!("arn:aws:iam::{ACCOUNT}:mfa/{}", user.name);
    let r = run(&mut exec(&["-v", "-u", &user.name, "-m", CODE]));
    r.assert_success();
    assert_eq!(session_serials(&sb), [guess.as_str()], "{}", r.dump());
    let said = r
        .stderr
        .lines()
        .find(|l| l.contains("AccessDenied") && l.contains(&guess));
    assert!(said.is_some(), "-v does not say so:\n{}", r.dump());

    // Remembered: a cache hit needs neither IAM nor STS.
    let r = run(exec(&["-u", &user.name]).env("AWS_ENDPOINT_URL", dead_endpoint()));
    r.assert_success();
}

/// STS takes only the keys' own user's device, so `--user` naming someone else is refused
/// before a code is asked for, and nothing is remembered.
#[test]
fn a_user_other_than_the_owner_of_the_keys_is_refused() {
    let owner = iam_user("seeds-iam-owner", 1);
    let other = iam_user("seeds-iam-other", 1);
    let sb = Sandbox::empty();
    sb.write_credentials(&owner.keys_section("corp"));
    let r = run(&mut sb.cmd([
        "exec",
        "--source-profile",
        "corp",
        "--user",
        &other.name,
        "--no-prompt",
        "--",
        "true",
    ]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains(&owner.name) && r.stderr.contains(&other.name),
        "{}",
        r.dump()
    );
    assert_eq!(
        (
            sb.proxy.count("ListMFADevices"),
            sb.proxy.count("GetSessionToken")
        ),
        (0, 0),
        "{}",
        sb.proxy.summary()
    );

    // The owner's own name, spelled in another case (IAM user names ignore case), works.
    let upper = owner.name.to_uppercase();
    let r = run(&mut sb.cmd([
        "exec",
        "--source-profile",
        "corp",
        "-u",
        &upper,
        "-m",
        CODE,
        "--",
        "true",
    ]));
    r.assert_success();
    assert_eq!(
        session_serials(&sb),
        owner.serials,
        "{}",
        sb.proxy.summary()
    );
}

/// `--device` and `--user` both name the device: given together, a usage error. `--user`
/// is a command-line setting, so it wins over `MFA_DEVICE` and the profile's `mfa_serial`.
#[test]
fn user_wins_over_the_configured_device_but_not_with_device() {
    let user = iam_user("seeds-iam-precedence", 1);
    let sb = Sandbox::empty();
    sb.write_credentials(&user.keys_section("corp"));
    let r = run(&mut sb.cmd([
        "exec",
        "--source-profile",
        "corp",
        "--device",
        DEVICE,
        "-u",
        &user.name,
        "--",
        "true",
    ]));
    r.assert_code(2);
    assert!(r.stderr.contains("--device"), "{}", r.dump());
    assert_eq!(sb.proxy.total(), 0);

    let configured = "arn:aws:iam::123456789012:mfa/configured";
    sb.write_config(&format!("[profile corp]\nmfa_serial = {configured}\n"));
    let r = run(sb
        .cmd([
            "exec",
            "-v",
            "--source-profile",
            "corp",
            "-u",
            &user.name,
            "-m",
            CODE,
            "--",
            "true",
        ])
        .env("MFA_DEVICE", configured));
    r.assert_success();
    assert_eq!(session_serials(&sb), user.serials, "{}", r.dump());
    assert!(r.stderr.contains("(from --user)"), "{}", r.dump());
}

/// aws-2fa-access-keys' documented layout, unchanged: the keys in a bare `[my-keys]` of
/// ~/.aws/config, `aws-get-token -u USER -m CODE` writing `[default]` and ~/.boto's
/// `[Credentials]`.
#[test]
fn the_aws_2fa_access_keys_layout_works_as_its_readme_shows() {
    let user = iam_user("alice", 1);
    let sb = Sandbox::empty();
    let config = format!(
        "[my-keys]\nregion = eu-west-1\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        user.id, user.secret
    );
    sb.write_config(&config);
    let r = run(&mut sb.cmd([
        "--source-profile",
        "my-keys",
        "-u",
        "alice",
        "-m",
        "123456",
        "--write-profile=default",
        "--write-boto",
        "-v",
    ]));
    r.assert_success();
    let from = format!("long-term keys from [my-keys] of {}", sb.config.display());
    assert!(r.stderr.contains(&from), "{}", r.dump());
    let region = format!(
        "region eu-west-1 (from [my-keys] of {})",
        sb.config.display()
    );
    assert!(r.stderr.contains(&region), "{}", r.dump());
    assert_eq!(session_serials(&sb), user.serials, "{}", sb.proxy.summary());
    let signed = sb.proxy.requests_for("GetSessionToken")[0]
        .header("authorization")
        .unwrap_or_default()
        .to_string();
    assert!(signed.contains("/eu-west-1/sts/"), "{signed}");

    assert_eq!(read(&sb.config), config, "the config file changed");
    let credentials = read(&sb.credentials);
    let default = section_of(&credentials, "default").expect("[default] written");
    assert!(
        value(&default, "aws_session_token").is_some(),
        "{credentials}"
    );
    let boto = read(&sb.home.join(".boto"));
    let written = section_of(&boto, "Credentials").expect("[Credentials] written");
    assert_eq!(
        value(&written, "aws_access_key_id"),
        value(&default, "aws_access_key_id"),
        "{boto}"
    );

    // A bare section is never listed as a profile.
    let r = run(&mut sb.cmd(["list", "--names"]));
    r.assert_success();
    assert_eq!(r.stdout, "default\n", "{}", r.dump());

    // Named any other way it is no profile: botocore ignores it, and so does aws-mfa.
    let r = run(&mut sb.cmd(["exec", "-p", "my-keys", "--", "true"]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("[profile my-keys]") && r.stderr.contains("--source-profile my-keys"),
        "{}",
        r.dump()
    );

    // The same command again: [default] is still valid, nothing is asked.
    let calls = sb.proxy.total();
    let r = run(&mut sb.cmd([
        "--source-profile",
        "my-keys",
        "-u",
        "alice",
        "--write-profile=default",
    ]));
    r.assert_success();
    assert!(
        r.stdout.contains("[default] is still valid"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.total(), calls, "{}", sb.proxy.summary());
}
