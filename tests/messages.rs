//! Issue 9, "Messages": what aws-mfa says when STS, the network or the code source fails.
//! Each failure is one sentence saying what is wrong and what to do, exit 1, with nothing
//! cached and nothing written. See `tests/common/mod.rs` for the sandbox and the proxy.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::*;

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

/// An AWS error document, as STS sends it.
fn aws_error(code: &str, message: &str) -> String {
    format!(
        r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"#
    )
}

/// `exec -p PROFILE --token-code CODE ARGS… -- true`.
fn exec_with_code(sb: &Sandbox, profile: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = sb.cmd(["exec", "-p", profile, "--token-code", CODE]);
    cmd.args(args).args(["--", "true"]);
    cmd
}

/// The one line of a one-line error, without `aws-mfa: `.
#[track_caller]
fn error_line(r: &Run) -> String {
    r.assert_one_line_error();
    r.stderr
        .lines()
        .find(|l| !l.is_empty())
        .unwrap()
        .trim_start_matches("aws-mfa: ")
        .to_string()
}

/// Nothing cached, nothing written to the AWS files.
#[track_caller]
fn nothing_kept(sb: &Sandbox, credentials: &str, r: &Run) {
    assert!(
        sb.cache_entries().is_empty(),
        "cached {:?}\n{}",
        sb.cache_files(),
        r.dump()
    );
    assert_eq!(
        std::fs::read_to_string(&sb.credentials).unwrap(),
        credentials,
        "the credentials file changed\n{}",
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// 1. Clock skew
// ---------------------------------------------------------------------------------------

/// `Mon, 01 Jan 2024 00:00:00 GMT`, the form of an HTTP `Date` header.
fn http_date(unix: i64) -> String {
    let stamp = rfc3339(unix); // 2024-01-01T00:00:00Z
    let (y, m, d) = (&stamp[0..4], &stamp[5..7], &stamp[8..10]);
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months[m.parse::<usize>().unwrap() - 1];
    // 1970-01-01 was a Thursday.
    let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let weekday = days[unix.div_euclid(86_400).rem_euclid(7) as usize];
    format!("{weekday}, {d} {month} {y} {} GMT", &stamp[11..19])
}

/// STS refuses a request signed with a time more than 15 minutes off AWS's in these words
/// (HTTP 403; the Query protocol's SignatureDoesNotMatch, the JSON protocols'
/// InvalidSignatureException).
#[test]
fn a_clock_that_is_off_is_named_not_the_secret() {
    let cases = [
        (
            "SignatureDoesNotMatch",
            "Signature expired: 20240101T000000Z is now earlier than 20240101T001500Z (20240101T003000Z - 15 min.)",
            "30m behind",
        ),
        (
            "InvalidSignatureException",
            "Signature expired: 20240101T000000Z is now earlier than 20240101T010500Z (20240101T012000Z - 15 min.)",
            "1h20m behind",
        ),
        (
            "SignatureDoesNotMatch",
            "Signature not yet current: 20240101T010000Z is still later than 20240101T002000Z (20240101T000500Z + 15 min.)",
            "55m ahead",
        ),
    ];
    for (code, message, how_far) in cases {
        let sb = Sandbox::new();
        sb.proxy.set_mode(Mode::Respond {
            status: 403,
            body: aws_error(code, message),
        });
        let r = run(&mut exec_with_code(&sb, "dev", &[]));
        let line = error_line(&r);
        eprintln!("{code}: {line}");
        let lower = line.to_lowercase();
        assert!(
            lower.contains("clock") && line.contains(how_far),
            "{code}: says the clock is {how_far}\n{}",
            r.dump()
        );
        assert!(
            lower.contains("correct") || lower.contains("set the clock"),
            "{code}: says to correct it\n{}",
            r.dump()
        );
        assert!(
            !lower.contains("secret") && !lower.contains("aws_secret_access_key"),
            "{code}: blames the secret\n{}",
            r.dump()
        );
        assert_eq!(
            sb.proxy.count("GetSessionToken"),
            1,
            "{}",
            sb.proxy.summary()
        );
        nothing_kept(&sb, STANDARD_CREDENTIALS, &r);
    }
}

/// An answer that does not say by how much (RequestExpired) still names the clock; the
/// `Date` header of the answer tells how far off it is.
#[test]
fn a_clock_off_by_the_date_header_of_the_answer() {
    let sb = Sandbox::new();
    // AWS's clock is 2 h 30 s behind this computer's: ours is 2h00m ahead.
    let date = http_date(now_unix() - 7230);
    let body = aws_error("RequestExpired", "Request has expired.");
    let head = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\nDate: {date}\r\nx-amzn-RequestId: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    sb.proxy
        .set_mode(Mode::Raw([head.as_bytes(), body.as_bytes()].concat()));
    let r = run(&mut exec_with_code(&sb, "dev", &[]));
    let line = error_line(&r);
    eprintln!("RequestExpired: {line}");
    assert!(
        line.to_lowercase().contains("clock") && line.contains("2h00m ahead"),
        "{}",
        r.dump()
    );
    nothing_kept(&sb, STANDARD_CREDENTIALS, &r);

    // Without a Date header, the clock is named all the same.
    sb.proxy.set_mode(Mode::Respond {
        status: 400,
        body: aws_error("RequestExpired", "Request has expired."),
    });
    let r = run(&mut exec_with_code(&sb, "dev", &[]));
    let line = error_line(&r);
    assert!(line.to_lowercase().contains("clock"), "{}", r.dump());
    nothing_kept(&sb, STANDARD_CREDENTIALS, &r);
}

/// A signature that does not match for another reason is still the secret's fault.
#[test]
fn a_wrong_secret_is_still_the_secret() {
    let sb = Sandbox::new();
    sb.proxy.set_mode(Mode::Respond {
        status: 403,
        body: aws_error(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ),
    });
    let r = run(&mut exec_with_code(&sb, "dev", &[]));
    let line = error_line(&r);
    assert!(
        line.contains("aws_secret_access_key") && !line.contains("clock"),
        "{}",
        r.dump()
    );
}

// ---------------------------------------------------------------------------------------
// 2. A bad region
// ---------------------------------------------------------------------------------------

/// A region that is no region is refused in one sentence naming it, before a code is asked
/// for (there is no terminal and no code: asking would fail with "no terminal") and before
/// anything is sent. The AWS endpoint is what a user gets (no AWS_ENDPOINT_URL); a proxy on
/// which nothing listens keeps anything that would leave from reaching AWS.
#[test]
fn a_bad_region_is_one_sentence_before_any_code() {
    let sb = Sandbox::new();
    let guard = dead_endpoint();
    let regions = [
        "not a region",
        "us-east-1/x",
        "",
        " ",
        "-east-1",
        "eu_west_1",
        "us-east-1.",
        "caf\u{e9}",
    ];
    for region in regions {
        for how in ["flag", "AWS_REGION", "file"] {
            let mut cmd = sb.cmd(["exec", "-p", "dev"]);
            match how {
                "flag" => {
                    cmd.arg(format!("--region={region}"));
                }
                "AWS_REGION" => {
                    cmd.env("AWS_REGION", region);
                }
                _ => sb.write_config(
                    &STANDARD_CONFIG.replace("region = eu-west-1", &format!("region = {region}")),
                ),
            }
            cmd.args(["--", "true"])
                .env_remove("AWS_ENDPOINT_URL")
                .env("HTTPS_PROXY", &guard);
            let r = run(&mut cmd);
            sb.write_config(STANDARD_CONFIG);
            // An empty or blank variable or value is no region at all: us-east-1 then.
            if how != "flag" && region.trim().is_empty() {
                continue;
            }
            let what = format!("{region:?} from {how}");
            let line = error_line(&r);
            eprintln!("{what}: {line}");
            assert!(
                !line.contains("ConstructionFailure") && !line.contains("no terminal"),
                "{what}\n{}",
                r.dump()
            );
            assert!(
                line.contains(&format!("'{region}'")) && line.contains("region"),
                "{what}: names the region\n{}",
                r.dump()
            );
            assert!(
                line.contains("us-east-1") || line.contains("eu-west-1"),
                "{what}: says what a region looks like\n{}",
                r.dump()
            );
            nothing_kept(&sb, STANDARD_CREDENTIALS, &r);
        }
    }
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// 3. A proxy that refuses
// ---------------------------------------------------------------------------------------

/// What the fake HTTPS proxy does with a CONNECT.
#[derive(Clone, Copy, Debug)]
enum ProxyAnswer {
    /// Close the connection without an answer.
    Close,
    /// Answer with this status.
    Status(u16, &'static str),
}

/// A proxy on 127.0.0.1 that never connects anywhere: it reads a request head, keeps its
/// first line, and answers as told.
struct FakeProxy {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FakeProxy {
    fn start(answer: ProxyAnswer) -> FakeProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let log = Arc::clone(&log);
                thread::spawn(move || serve_proxy(conn, answer, &log));
            }
        });
        FakeProxy { port, seen }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve_proxy(conn: TcpStream, answer: ProxyAnswer, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).unwrap_or(0) == 0 {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
    }
    log.lock().unwrap().push(first.trim().to_string());
    let mut conn = conn;
    if let ProxyAnswer::Status(status, reason) = answer {
        let _ = write!(
            conn,
            "HTTP/1.1 {status} {reason}\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n"
        );
    }
}

/// An STS endpoint that can never be reached except through the proxy: `.invalid` names
/// never resolve, so nothing of these tests can go anywhere but to 127.0.0.1.
const UNREACHABLE_STS: &str = "https://sts.eu-west-1.amazonaws.com.invalid";

/// `exec -p dev` with a code, through `proxy`, to an STS that only the proxy could reach.
fn exec_through(sb: &Sandbox, proxy: &str, verbose: bool) -> Run {
    let mut cmd = exec_with_code(sb, "dev", if verbose { &["-v"] } else { &[] });
    cmd.env("AWS_ENDPOINT_URL", UNREACHABLE_STS)
        .env("HTTPS_PROXY", proxy);
    run(&mut cmd)
}

/// The proxy named by host and port, never with the user and password of its URL; told to
/// check HTTPS_PROXY and NO_PROXY.
#[track_caller]
fn names_the_proxy(r: &Run, port: u16, what: &str) -> String {
    let line = error_line(r);
    eprintln!("{what}: {line}");
    assert!(
        line.contains(&format!("127.0.0.1:{port}")) && line.contains("proxy"),
        "{what}: names the proxy\n{}",
        r.dump()
    );
    assert!(
        line.contains("HTTPS_PROXY") && line.contains("NO_PROXY"),
        "{what}: says what to check\n{}",
        r.dump()
    );
    for secret in ["proxyuser", "s3cr3t"] {
        assert!(
            !r.stderr.contains(secret),
            "{what}: shows the proxy's credentials\n{}",
            r.dump()
        );
    }
    line
}

#[test]
fn a_proxy_where_nothing_listens_is_named() {
    let sb = Sandbox::new();
    let dead = dead_endpoint();
    let port: u16 = dead.rsplit(':').next().unwrap().parse().unwrap();
    let proxy = format!("http://proxyuser:s3cr3t@127.0.0.1:{port}");
    let r = exec_through(&sb, &proxy, false);
    let line = names_the_proxy(&r, port, "refused");
    assert!(line.contains("not sent"), "{}", r.dump());
    nothing_kept(&sb, STANDARD_CREDENTIALS, &r);
}

#[test]
fn a_proxy_that_refuses_the_tunnel_is_named() {
    let answers = [
        (ProxyAnswer::Close, "closes the connection"),
        (
            ProxyAnswer::Status(407, "Proxy Authentication Required"),
            "407",
        ),
        (ProxyAnswer::Status(403, "Forbidden"), "403"),
    ];
    for (answer, what) in answers {
        let sb = Sandbox::new();
        let fake = FakeProxy::start(answer);
        let proxy = format!("http://proxyuser:s3cr3t@127.0.0.1:{}", fake.port);
        let r = exec_through(&sb, &proxy, false);
        let line = names_the_proxy(&r, fake.port, what);
        // The tunnel never opened: the request, and the code in it, never left.
        assert!(line.contains("not sent"), "{what}\n{}", r.dump());
        if let ProxyAnswer::Status(407, _) = answer {
            assert!(line.contains("credentials"), "{what}\n{}", r.dump());
        }
        let requests = fake.requests();
        assert_eq!(
            requests,
            ["CONNECT sts.eu-west-1.amazonaws.com.invalid:443 HTTP/1.1"],
            "{what}: one CONNECT, never retried\n{}",
            r.dump()
        );
        nothing_kept(&sb, STANDARD_CREDENTIALS, &r);
    }
}

/// `-v` says which proxy the request goes through, without its credentials.
#[test]
fn verbose_names_the_proxy_without_its_credentials() {
    let sb = Sandbox::new();
    let fake = FakeProxy::start(ProxyAnswer::Status(403, "Forbidden"));
    let proxy = format!("http://proxyuser:s3cr3t@127.0.0.1:{}", fake.port);
    let r = exec_through(&sb, &proxy, true);
    assert_eq!(r.code(), Some(1), "{}", r.dump());
    let said = r
        .stderr
        .lines()
        .find(|l| l.contains("debug:") && l.contains("proxy"))
        .unwrap_or_else(|| panic!("-v does not name the proxy\n{}", r.dump()));
    assert!(
        said.contains(&format!("127.0.0.1:{}", fake.port)) && said.contains("HTTPS_PROXY"),
        "{}",
        r.dump()
    );
    assert!(!r.stderr.contains("s3cr3t"), "{}", r.dump());
    assert!(!r.stderr.contains("proxyuser"), "{}", r.dump());
}

// ---------------------------------------------------------------------------------------
// 4. Ctrl-D at the prompt
// ---------------------------------------------------------------------------------------

#[test]
fn ctrl_d_at_the_prompt_is_no_code_given() {
    let sb = Sandbox::new();
    let p = pty_run(
        &sb,
        &["\u{4}"],
        &["exec", "-p", "dev", "--", "true"],
        Duration::from_secs(60),
    );
    assert!(!p.timed_out, "{}", p.dump());
    assert_eq!(p.answered, 1, "the prompt was not shown\n{}", p.dump());
    assert_eq!(p.code, 1, "{}", p.dump());
    let lines: Vec<&str> = p.stderr.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line\n{}", p.dump());
    let line = lines[0];
    assert!(
        line.contains("no MFA code was given") && line.contains("--token-code"),
        "{}",
        p.dump()
    );
    assert!(!line.contains("terminal"), "{}", p.dump());
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
    assert!(sb.cache_entries().is_empty());
}

// ---------------------------------------------------------------------------------------
// 5. A bad mfa_process output
// ---------------------------------------------------------------------------------------

/// An executable `/bin/sh` script in the sandbox.
fn script(sb: &Sandbox, name: &str, body: &str) -> PathBuf {
    let path = sb.root.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_bad_mfa_process_output_is_a_sentence_about_that_command() {
    // (what it prints, how the message describes it)
    let cases: [(&str, &str); 7] = [
        ("printf ''", "nothing"),
        ("echo", "an empty line"),
        ("echo 12345", "5 digits"),
        ("echo 1234567", "7 digits"),
        ("echo 'Code: 123456'", "12 characters"),
        ("echo '123 456'", "7 characters"),
        ("printf '\\377\\376123456\\n'", "not UTF-8"),
    ];
    for (body, described) in cases {
        let sb = Sandbox::new();
        let otp = script(&sb, "otp-tool", body);
        // A seed on the command line is a secret: the message names the program alone.
        let command = format!("{} --seed JBSWY3DPEHPK3PXP", otp.display());
        sb.write_config(&STANDARD_CONFIG.replace(
            "region = eu-west-1\n",
            &format!("region = eu-west-1\nmfa_process = {command}\n"),
        ));
        let r = run(&mut sb.cmd(["exec", "-p", "dev", "--", "true"]));
        let line = error_line(&r);
        eprintln!("{body}: {line}");
        assert!(
            line.contains(&format!("mfa_process '{}'", otp.display())),
            "{body}: names the command\n{}",
            r.dump()
        );
        assert!(
            line.contains(described) && line.contains("6 digits"),
            "{body}: says what it printed\n{}",
            r.dump()
        );
        assert!(
            !line.contains("JBSWY3DPEHPK3PXP"),
            "{body}: shows the seed\n{}",
            r.dump()
        );
        for shown in ["12345", "Code:", "123 456"] {
            assert!(
                !line.contains(shown),
                "{body}: shows the output\n{}",
                r.dump()
            );
        }
        assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
        nothing_kept(&sb, STANDARD_CREDENTIALS, &r);
    }
}

/// `-v` says which command is asked for the code, not its arguments.
#[test]
fn verbose_names_the_mfa_process() {
    let sb = Sandbox::new();
    // Not CODE: the account id in the device's ARN holds that.
    let otp = script(&sb, "otp-tool", "echo 975310");
    let command = format!("{} --seed JBSWY3DPEHPK3PXP", otp.display());
    sb.write_config(&STANDARD_CONFIG.replace(
        "region = eu-west-1\n",
        &format!("region = eu-west-1\nmfa_process = {command}\n"),
    ));
    let r = run(&mut sb.cmd(["exec", "-v", "-p", "dev", "--", "true"]));
    r.assert_success();
    assert!(
        r.stderr.lines().any(
            |l| l.contains("debug:") && l.contains(&format!("mfa_process '{}'", otp.display()))
        ),
        "{}",
        r.dump()
    );
    assert!(!r.stderr.contains("JBSWY3DPEHPK3PXP"), "{}", r.dump());
    assert!(!r.stderr.contains("975310"), "{}", r.dump());
}
