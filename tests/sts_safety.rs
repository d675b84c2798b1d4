//! What STS may do to aws-mfa, and what aws-mfa must then not do: cache an answer that no
//! environment can carry (control characters in the credentials), or send a one-time code
//! twice (retries after a failure that may have reached STS). See `tests/common/mod.rs`.

mod common;

use common::*;

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

/// A well-formed `<Credentials>` element; each part is XML text, written as given.
fn credentials_xml(id: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        "<Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>"
    )
}

fn get_session_token_xml(credentials: &str) -> String {
    format!(
        r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult>{credentials}</GetSessionTokenResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetSessionTokenResponse>"#
    )
}

fn assume_role_xml(credentials: &str) -> String {
    format!(
        r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>{credentials}<AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Admin/s</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></AssumeRoleResponse>"#
    )
}

const GOOD_ID: &str = "ASIAGOODEXAMPLE";
const GOOD_SECRET: &str = "c2VjcmV0LWdvb2QtZXhhbXBsZQ";
const GOOD_TOKEN: &str = "dG9rZW4tZ29vZC1leGFtcGxl";
const GOOD_EXPIRATION: &str = "2099-01-01T00:00:00Z";

/// An HTTP 200 answer of `action` with these credentials.
fn answer(action: &str, credentials: &str) -> Mode {
    let body = match action {
        "GetSessionToken" => get_session_token_xml(credentials),
        "AssumeRole" => assume_role_xml(credentials),
        other => panic!("no answer for {other}"),
    };
    Mode::Respond { status: 200, body }
}

fn good_credentials() -> String {
    credentials_xml(GOOD_ID, GOOD_SECRET, GOOD_TOKEN, GOOD_EXPIRATION)
}

// ---------------------------------------------------------------------------------------
// Item 9: control characters in STS's answer
// ---------------------------------------------------------------------------------------

/// The ways a control character can reach the SDK's XML reader: as a character reference
/// (which the reader decodes into the value) or as the raw character; and whether the
/// reader takes it into the value (`true`) or refuses the whole document (`false`: raw
/// characters XML does not allow).
const CONTROL_KINDS: &[(&str, &str, bool)] = &[
    ("NUL as &#x0;", "&#x0;", true),
    ("NUL as &#0;", "&#0;", true),
    ("ESC as &#x1b;", "&#x1b;", true),
    ("SOH as &#1;", "&#1;", true),
    ("DEL as &#x7f;", "&#x7f;", true),
    ("C1 NEL as &#x85;", "&#x85;", true),
    ("C1 CSI as &#x9b;", "&#x9b;", true),
    ("LF as &#10;", "&#10;", true),
    ("CR as &#xD;", "&#xD;", true),
    ("TAB as &#9;", "&#9;", true),
    ("raw DEL", "\x7f", true),
    ("raw C1 NEL", "\u{85}", true),
    ("raw LF", "\n", true),
    ("raw CR LF", "\r\n", true),
    ("raw TAB", "\t", true),
    ("raw NUL", "\0", false),
    ("raw ESC", "\x1b", false),
    ("raw SOH", "\x01", false),
];

/// The parts of the credentials, as the message names them.
const PARTS: &[(&str, &str)] = &[
    ("AccessKeyId", "access key id"),
    ("SecretAccessKey", "secret access key"),
    ("SessionToken", "session token"),
    ("Expiration", "expiration"),
];

/// Text no message may show: it is only in the hostile value.
const MARKER: &str = "HOSTILEVALUE";

/// Credentials whose `part` holds the control character `raw` (XML text).
fn hostile_credentials(part: &str, raw: &str) -> String {
    let mut id = GOOD_ID.to_string();
    let mut secret = GOOD_SECRET.to_string();
    let mut token = GOOD_TOKEN.to_string();
    let mut expiration = GOOD_EXPIRATION.to_string();
    match part {
        "AccessKeyId" => id = format!("ASIA{MARKER}{raw}EXAMPLE"),
        "SecretAccessKey" => secret = format!("{MARKER}{raw}secret"),
        "SessionToken" => token = format!("{MARKER}{raw}token"),
        "Expiration" => expiration = format!("2099-01-01T00:00:00{raw}Z"),
        other => panic!("no part {other}"),
    }
    credentials_xml(&id, &secret, &token, &expiration)
}

/// One hostile answer of `action`: exit 1 with one line naming STS and the part (never
/// the value), nothing cached for it; then a good answer works.
fn check_control_answer(action: &str, part: &str, said: &str, kind: &str, raw: &str, read: bool) {
    let sb = Sandbox::new();
    let (profile, entries_before) = match action {
        // The MFA session is obtained (from moto) and cached; the role's answer is hostile.
        "AssumeRole" => ("admin", 1),
        _ => ("dev", 0),
    };
    let hostile = answer(action, &hostile_credentials(part, raw));
    sb.proxy
        .set_mode(Mode::for_action(action, hostile, Mode::Forward));
    let r = run(&mut sb.cmd(["exec", "-p", profile, "--token-code", CODE, "--", "true"]));
    let what = format!("{action} answer with {kind} in {part}");
    eprintln!("{what}: {}", r.stderr.trim());
    assert_eq!(
        r.code(),
        Some(1),
        "{what}: must be refused\n{}\ncache: {:?}",
        r.dump(),
        sb.cache_entries()
    );
    r.assert_one_line_error();
    let msg = r.stderr.to_lowercase();
    assert!(r.stderr.contains("STS"), "{what}: names STS\n{}", r.dump());
    // The SDK itself refuses an expiration that is not a timestamp, and a document with
    // a character XML does not allow.
    if part == "Expiration" || !read {
        assert!(
            msg.contains("cannot be read"),
            "{what}: says the answer cannot be read\n{}",
            r.dump()
        );
    }
    if part != "Expiration" && read {
        assert!(msg.contains(said), "{what}: names the {said}\n{}", r.dump());
        assert!(
            msg.contains("control character"),
            "{what}: says why\n{}",
            r.dump()
        );
    }
    if part == "Expiration" && read {
        assert!(msg.contains(said), "{what}: names the {said}\n{}", r.dump());
    }
    assert!(
        !r.stderr.contains(MARKER),
        "{what}: the message shows the value\n{}",
        r.dump()
    );
    assert!(
        !msg.contains("nul byte"),
        "{what}: refused for what it is\n{}",
        r.dump()
    );
    assert_eq!(
        sb.cache_entries().len(),
        entries_before,
        "{what}: cached {:?}",
        sb.cache_files()
    );

    sb.proxy.set_mode(Mode::for_action(
        action,
        answer(action, &good_credentials()),
        Mode::Forward,
    ));
    let r = run(&mut sb.cmd(["exec", "-p", profile, "--token-code", CODE, "--", "env"]));
    r.assert_success();
    let env = parse_env(&r.stdout);
    assert_eq!(
        env.get("AWS_ACCESS_KEY_ID").map(String::as_str),
        Some(GOOD_ID),
        "{what}: then a good answer\n{}",
        r.dump()
    );
    assert_eq!(sb.cache_entries().len(), entries_before + 1, "{what}");
}

/// Every kind in `part` of `action`'s answer; the failures of all kinds are listed at once.
fn check_control_answers(action: &str, part: &str) {
    let (_, said) = PARTS.iter().find(|(p, _)| *p == part).unwrap();
    let failed: Vec<&str> = CONTROL_KINDS
        .iter()
        .filter(|(kind, raw, read)| {
            std::panic::catch_unwind(|| check_control_answer(action, part, said, kind, raw, *read))
                .is_err()
        })
        .map(|(kind, _, _)| *kind)
        .collect();
    assert!(
        failed.is_empty(),
        "{action}, {part}: not refused as it must be: {failed:?}"
    );
}

#[test]
fn control_characters_in_the_access_key_id_of_get_session_token() {
    check_control_answers("GetSessionToken", "AccessKeyId");
}

#[test]
fn control_characters_in_the_secret_of_get_session_token() {
    check_control_answers("GetSessionToken", "SecretAccessKey");
}

#[test]
fn control_characters_in_the_session_token_of_get_session_token() {
    check_control_answers("GetSessionToken", "SessionToken");
}

#[test]
fn control_characters_in_the_expiration_of_get_session_token() {
    check_control_answers("GetSessionToken", "Expiration");
}

#[test]
fn control_characters_in_the_access_key_id_of_assume_role() {
    check_control_answers("AssumeRole", "AccessKeyId");
}

#[test]
fn control_characters_in_the_secret_of_assume_role() {
    check_control_answers("AssumeRole", "SecretAccessKey");
}

#[test]
fn control_characters_in_the_session_token_of_assume_role() {
    check_control_answers("AssumeRole", "SessionToken");
}

#[test]
fn control_characters_in_the_expiration_of_assume_role() {
    check_control_answers("AssumeRole", "Expiration");
}
