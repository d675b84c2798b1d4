//! What STS may do to aws-mfa, and what aws-mfa must then not do: cache an answer that no
//! environment can carry (control characters in the credentials), or send a one-time code
//! twice (retries after a failure that may have reached STS). See `tests/common/mod.rs`.

mod common;

use std::time::{Duration, Instant};

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

/// An AWS error document.
fn aws_error(kind: &str, code: &str, message: &str) -> String {
    format!(
        r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"#
    )
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

// ---------------------------------------------------------------------------------------
// Item 11: a request carrying a code is sent once once it may have reached STS
// ---------------------------------------------------------------------------------------

/// The two calls that carry a code: the MFA session, and a role assumed directly.
#[derive(Clone, Copy, Debug)]
enum CodeCall {
    /// `exec -p dev --token-code CODE`: GetSessionToken.
    Session,
    /// `exec -p admin --no-session --token-code CODE`: AssumeRole with the code.
    DirectRole,
}

impl CodeCall {
    fn action(self) -> &'static str {
        match self {
            CodeCall::Session => "GetSessionToken",
            CodeCall::DirectRole => "AssumeRole",
        }
    }

    fn args(self) -> Vec<&'static str> {
        let mut args = match self {
            CodeCall::Session => vec!["exec", "-p", "dev"],
            CodeCall::DirectRole => vec!["exec", "-p", "admin", "--no-session"],
        };
        args.extend(["--token-code", CODE, "--", "true"]);
        args
    }
}

/// A failure of STS, and the words (lower case) the message must hold for it.
struct StsFault {
    name: &'static str,
    mode: Mode,
    says: &'static str,
}

fn internal_failure() -> StsFault {
    StsFault {
        name: "500 InternalFailure",
        mode: Mode::Respond {
            status: 500,
            body: aws_error(
                "Receiver",
                "InternalFailure",
                "We encountered an internal error. Please try again.",
            ),
        },
        says: "http 500",
    }
}

fn html_500() -> StsFault {
    StsFault {
        name: "500 with an HTML body",
        mode: Mode::Respond {
            status: 500,
            body: "<html><body><h1>500 Internal Server Error</h1></body></html>".into(),
        },
        says: "http 500",
    }
}

fn throttling() -> StsFault {
    StsFault {
        name: "400 Throttling",
        mode: Mode::Respond {
            status: 400,
            body: aws_error("Sender", "Throttling", "Rate exceeded"),
        },
        says: "throttl",
    }
}

/// Later than the read timeout (10 s): the request reached STS, no answer came in time.
fn slow() -> StsFault {
    StsFault {
        name: "no answer within the read timeout",
        mode: Mode::delay(Duration::from_secs(15), Mode::Forward),
        says: "did not answer in time",
    }
}

/// The request went out, the connection closed without a byte of answer.
fn closed() -> StsFault {
    StsFault {
        name: "connection closed without an answer",
        mode: Mode::Close,
        says: "connection",
    }
}

/// STS answered 200 (it took the code), the body stops short of its Content-Length.
fn cut_short(action: &str) -> StsFault {
    let full = match answer(action, &good_credentials()) {
        Mode::Respond { body, .. } => body,
        _ => unreachable!(),
    };
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        full.len()
    )
    .into_bytes();
    raw.extend_from_slice(&full.as_bytes()[..full.len() / 2]);
    StsFault {
        name: "200 cut short of its Content-Length",
        mode: Mode::Raw(raw),
        says: "cannot be read",
    }
}

/// `call` against a failing STS: the code went out once, the message names the failure
/// and says the code may be spent, nothing is cached.
fn check_code_sent_once(call: CodeCall, fault: StsFault) {
    let sb = Sandbox::new();
    sb.proxy.set_mode(fault.mode);
    let start = Instant::now();
    let r = run(&mut sb.cmd(call.args()));
    let took = start.elapsed();
    let what = format!("{call:?} ({}), {}", call.action(), fault.name);
    let with_code: Vec<StsRequest> = sb
        .proxy
        .requests_for(call.action())
        .into_iter()
        .filter(|r| r.param("TokenCode") == Some(CODE))
        .collect();
    eprintln!(
        "{what}: failed after {:.2} s, {} request(s) with the code: {}",
        took.as_secs_f64(),
        with_code.len(),
        r.stderr.trim()
    );
    r.assert_one_line_error();
    assert_eq!(
        with_code.len(),
        1,
        "{what}: the code must be sent once: {}\n{}",
        sb.proxy.summary(),
        r.dump()
    );
    let msg = r.stderr.to_lowercase();
    assert!(
        msg.contains(fault.says),
        "{what}: the message must name the failure ({:?})\n{}",
        fault.says,
        r.dump()
    );
    assert!(
        !msg.contains("already used") && !msg.contains("rejected"),
        "{what}: the real failure, not a rejected code\n{}",
        r.dump()
    );
    assert!(
        msg.contains("may have been used") && msg.contains("next code"),
        "{what}: says the code may be spent and to wait for the next one\n{}",
        r.dump()
    );
    assert!(r.stdout.is_empty(), "{what}\n{}", r.dump());
    assert!(
        sb.cache_entries().is_empty(),
        "{what}: cached {:?}",
        sb.cache_entries()
    );
}

#[test]
fn get_session_token_is_not_resent_after_a_500() {
    check_code_sent_once(CodeCall::Session, internal_failure());
}

#[test]
fn get_session_token_is_not_resent_after_an_html_500() {
    check_code_sent_once(CodeCall::Session, html_500());
}

#[test]
fn get_session_token_is_not_resent_after_throttling() {
    check_code_sent_once(CodeCall::Session, throttling());
}

#[test]
fn get_session_token_is_not_resent_after_a_timeout() {
    check_code_sent_once(CodeCall::Session, slow());
}

#[test]
fn assume_role_with_a_code_is_not_resent_after_a_500() {
    check_code_sent_once(CodeCall::DirectRole, internal_failure());
}

#[test]
fn assume_role_with_a_code_is_not_resent_after_an_html_500() {
    check_code_sent_once(CodeCall::DirectRole, html_500());
}

#[test]
fn assume_role_with_a_code_is_not_resent_after_throttling() {
    check_code_sent_once(CodeCall::DirectRole, throttling());
}

#[test]
fn assume_role_with_a_code_is_not_resent_after_a_timeout() {
    check_code_sent_once(CodeCall::DirectRole, slow());
}

#[test]
fn get_session_token_is_not_resent_after_a_closed_connection() {
    check_code_sent_once(CodeCall::Session, closed());
}

#[test]
fn get_session_token_is_not_resent_after_an_answer_cut_short() {
    check_code_sent_once(CodeCall::Session, cut_short("GetSessionToken"));
}

#[test]
fn assume_role_with_a_code_is_not_resent_after_a_closed_connection() {
    check_code_sent_once(CodeCall::DirectRole, closed());
}

#[test]
fn assume_role_with_a_code_is_not_resent_after_an_answer_cut_short() {
    check_code_sent_once(CodeCall::DirectRole, cut_short("AssumeRole"));
}

/// The `connect()` calls to `port` that strace saw.
fn connects_to(trace: &str, port: u16) -> usize {
    let needle = format!("htons({port})");
    trace
        .lines()
        .filter(|l| l.contains("connect(") && l.contains(&needle))
        .count()
}

/// Nothing listens: no byte of the request left, so the code is still good. The SDK's
/// standard retries may try again (strace counts the connection attempts), and the
/// message says STS could not be reached and that the code was not sent.
fn check_refused(call: CodeCall) {
    let strace = require_tool("strace");
    let sb = Sandbox::new();
    let endpoint = dead_endpoint();
    let port: u16 = endpoint.rsplit(':').next().unwrap().parse().unwrap();
    let trace = sb.root.join("connect.trace");
    let mut cmd = sb.command(strace);
    cmd.args(["-f", "-qq", "-e", "trace=connect", "-o"])
        .arg(&trace)
        .arg(BIN)
        .args(call.args())
        .env("AWS_ENDPOINT_URL", &endpoint);
    let start = Instant::now();
    let r = run(&mut cmd);
    let took = start.elapsed();
    let trace = std::fs::read_to_string(&trace).unwrap_or_default();
    let attempts = connects_to(&trace, port);
    let what = format!("{call:?} ({}), connection refused", call.action());
    eprintln!(
        "{what}: failed after {:.2} s (under strace), {attempts} connection attempt(s): {}",
        took.as_secs_f64(),
        r.stderr.trim()
    );
    r.assert_one_line_error();
    assert!(
        (1..=3).contains(&attempts),
        "{what}: {attempts} connection attempts\n{trace}"
    );
    let msg = r.stderr.to_lowercase();
    assert!(
        msg.contains("cannot reach sts") && msg.contains(&endpoint),
        "{what}: says STS could not be reached\n{}",
        r.dump()
    );
    assert!(
        msg.contains("code was not sent") && !msg.contains("may have been used"),
        "{what}: says the code is still good\n{}",
        r.dump()
    );
    assert!(sb.cache_entries().is_empty(), "{what}");
}

#[test]
fn get_session_token_may_be_retried_when_the_connection_is_refused() {
    check_refused(CodeCall::Session);
}

#[test]
fn assume_role_with_a_code_may_be_retried_when_the_connection_is_refused() {
    check_refused(CodeCall::DirectRole);
}

/// A role profile through the MFA session: the step with the code (GetSessionToken) is
/// sent once; the role step, signed by the cached session and carrying no code, keeps the
/// SDK's standard retries (3 attempts) and gets through a passing fault.
#[test]
fn the_role_step_without_a_code_is_retried_the_session_step_is_not() {
    let sb = Sandbox::new();
    sb.proxy.set_mode(Mode::for_action(
        "GetSessionToken",
        internal_failure().mode,
        Mode::Forward,
    ));
    let r = run(&mut sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"]));
    r.assert_one_line_error();
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(sb.proxy.count("AssumeRole"), 0, "{}", sb.proxy.summary());
    assert!(sb.cache_entries().is_empty());

    // The session step works; the role step fails twice with a 500, then works.
    sb.proxy.set_mode(Mode::for_action(
        "AssumeRole",
        Mode::first_requests(2, internal_failure().mode, Mode::Forward),
        Mode::Forward,
    ));
    let r = run(&mut sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"]));
    r.assert_success();
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        2,
        "{}",
        sb.proxy.summary()
    );
    let role_requests = sb.proxy.requests_for("AssumeRole");
    assert_eq!(role_requests.len(), 3, "{}", sb.proxy.summary());
    assert!(
        role_requests.iter().all(|r| r.param("TokenCode").is_none()),
        "the role step carries no code"
    );
    assert_eq!(sb.cache_entries().len(), 2, "the session and the role");

    // A role step failing for good: three attempts, one line, the session stays cached.
    sb.proxy.set_mode(Mode::for_action(
        "AssumeRole",
        internal_failure().mode,
        Mode::Forward,
    ));
    let r = run(&mut sb.cmd(["exec", "-p", "readonly", "--", "true"]));
    r.assert_one_line_error();
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        2,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(sb.proxy.count("AssumeRole"), 6, "{}", sb.proxy.summary());
    assert!(
        r.stderr.contains("500") && !r.stderr.contains("next code"),
        "no code was involved\n{}",
        r.dump()
    );
}
