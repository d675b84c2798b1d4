//! Issue 12, item 4: IAM ListMFADevices is one SigV4-signed query sent through the STS
//! client's HTTP stack, not the IAM SDK: the request IAM gets (host, signature, Action,
//! Version, UserName), the proxy and CA bundle it goes through, the retry policy, and the
//! answers it may get.
//!
//! IAM's global endpoint is reached through [`Interceptor`], a TLS-intercepting proxy on
//! 127.0.0.1 with a CA the test makes: nothing leaves the machine. The signature is checked
//! by botocore's own SigV4 signer, an implementation other than the one aws-mfa uses.

mod common;

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

use common::*;
use serde_json::{Value, json};

const USER: &str = "alice";

fn caller_identity() -> Mode {
    Mode::Respond {
        status: 200,
        body: format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/team/{USER}</Arn>\
             <UserId>AIDAEXAMPLE</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        ),
    }
}

fn listed(serials: &[&str]) -> Mode {
    let members: String = serials
        .iter()
        .map(|s| {
            format!(
                "<member><UserName>{USER}</UserName><SerialNumber>{s}</SerialNumber>\
                 <EnableDate>2024-01-01T00:00:00Z</EnableDate></member>"
            )
        })
        .collect();
    Mode::Respond {
        status: 200,
        body: format!(
            "<ListMFADevicesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
             <ListMFADevicesResult><IsTruncated>false</IsTruncated><MFADevices>{members}</MFADevices>\
             </ListMFADevicesResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata>\
             </ListMFADevicesResponse>"
        ),
    }
}

/// A sandbox whose keys belong to IAM user team/alice, with no MFA device configured; IAM
/// answers `iam` and STS GetSessionToken is moto's.
fn sandbox(iam: Mode) -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_credentials(&format!(
        "[disc]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    sb.write_config("[profile disc]\nregion = eu-west-1\n");
    sb.proxy.set_mode(Mode::PerAction {
        actions: vec![
            ("GetCallerIdentity".to_string(), caller_identity()),
            ("ListMFADevices".to_string(), iam),
        ],
        otherwise: Box::new(Mode::Forward),
    });
    sb
}

fn exec(sb: &Sandbox) -> Command {
    sb.cmd(["exec", "-p", "disc", "--token-code", CODE, "--", "true"])
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

// ---------------------------------------------------------------------------------------
// A TLS-intercepting proxy that keeps each request whole
// ---------------------------------------------------------------------------------------

/// One request as it arrived, decrypted: the CONNECT target, its head and its body.
#[derive(Debug, Clone)]
struct Seen {
    connect: String,
    head: String,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

struct Interceptor {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Interceptor {
    /// Answers CONNECT, terminates TLS with `pki`'s server certificate, and relays each
    /// request to `upstream` (`host:port`).
    fn start(pki: &Pki, upstream: String) -> Interceptor {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&pki.cert)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file(&pki.key).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&seen);
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (config, upstream, kept) =
                    (Arc::clone(&config), upstream.clone(), Arc::clone(&kept));
                thread::spawn(move || intercept(conn, config, &upstream, &kept));
            }
        });
        Interceptor { port, seen }
    }

    fn proxy_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn intercept(
    mut conn: TcpStream,
    config: Arc<rustls::ServerConfig>,
    upstream: &str,
    kept: &Mutex<Vec<Seen>>,
) {
    // The CONNECT head, read byte by byte so that nothing of the TLS after it is consumed.
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut b = [0u8; 1];
        if conn.read(&mut b).unwrap_or(0) == 0 {
            return;
        }
        head.push(b[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let Some(connect) = head
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("CONNECT "))
        .and_then(|rest| rest.split(' ').next())
        .map(str::to_string)
    else {
        let _ = conn.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if conn
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let mut tls = rustls::StreamOwned::new(rustls::ServerConnection::new(config).unwrap(), conn);
    while tls.conn.is_handshaking() {
        if tls.conn.complete_io(&mut tls.sock).is_err() {
            return;
        }
    }
    let mut reader = BufReader::new(tls);
    loop {
        let Some((head, body)) = read_http_request(&mut reader) else {
            return;
        };
        kept.lock().unwrap().push(Seen {
            connect: connect.clone(),
            head: head.clone(),
            body: body.clone(),
        });
        let mut relayed: String = head
            .split("\r\n")
            .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("connection:"))
            .map(|l| format!("{l}\r\n"))
            .collect();
        relayed.push_str("Connection: close\r\n\r\n");
        let Ok(mut up) = TcpStream::connect(upstream) else {
            return;
        };
        let mut answer = Vec::new();
        let sent = up
            .write_all(relayed.as_bytes())
            .and_then(|_| up.write_all(&body))
            .and_then(|_| up.read_to_end(&mut answer));
        let tls = reader.get_mut();
        if sent.is_err() || tls.write_all(&answer).and_then(|_| tls.flush()).is_err() {
            return;
        }
    }
}

/// The signature botocore's SigV4 signer computes for this request with the example keys,
/// signing exactly the headers the request says it signed.
fn botocore_signature(seen: &Seen, host: &str, region: &str) -> String {
    let auth = seen
        .header("authorization")
        .expect("an Authorization header");
    let signed = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .expect("SignedHeaders");
    let headers: serde_json::Map<String, Value> = signed
        .split(';')
        .map(|name| {
            let value = seen
                .header(name)
                .unwrap_or_else(|| panic!("signed header {name} is not in the request"));
            (name.to_string(), json!(value))
        })
        .collect();
    let path = seen
        .head
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap()
        .to_string();
    let input = json!({
        "method": seen.head.split(' ').next().unwrap(),
        "url": format!("https://{host}{path}"),
        "headers": headers,
        "body": String::from_utf8(seen.body.clone()).unwrap(),
        "region": region,
        "key": ACCESS_KEY_ID,
        "secret": SECRET_ACCESS_KEY,
    });
    let script = r#"
import json, sys
try:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:
    sys.exit("botocore is missing (pip install botocore): %r" % e)
i = json.load(sys.stdin)
request = AWSRequest(method=i["method"], url=i["url"], data=i["body"].encode(), headers=i["headers"])
request.context["timestamp"] = i["headers"]["x-amz-date"]
auth = SigV4Auth(Credentials(i["key"], i["secret"]), "iam", i["region"])
canonical = auth.canonical_request(request)
print(auth.signature(auth.string_to_sign(request, canonical), request))
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): this test needs python3 and botocore")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "botocore failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

/// The build holds no IAM SDK: one query needs none (issue 12: it was half the install).
#[test]
fn the_iam_sdk_is_not_in_the_build() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        !lock.contains("name = \"aws-sdk-iam\"") && !manifest.contains("aws-sdk-iam"),
        "aws-sdk-iam is still a dependency"
    );
}

/// Without an IAM endpoint configured, ListMFADevices goes to IAM's global endpoint
/// through HTTPS_PROXY, trusting AWS_CA_BUNDLE, signed for us-east-1 as botocore signs it.
#[test]
fn the_query_goes_to_the_global_endpoint_through_the_proxy_signed_for_us_east_1() {
    let sb = sandbox(listed(&[DEVICE]));
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path(), &["iam.amazonaws.com"]);
    let interceptor = Interceptor::start(&pki, sb.endpoint().replace("http://", ""));
    let mut cmd = exec(&sb);
    // STS at the sandbox (plain http: no proxy); IAM by the endpoint rules.
    cmd.env_remove("AWS_ENDPOINT_URL")
        .env("AWS_ENDPOINT_URL_STS", sb.endpoint())
        .env("HTTPS_PROXY", interceptor.proxy_url())
        .env("AWS_CA_BUNDLE", &pki.ca);
    let r = run(&mut cmd);
    r.assert_success();

    let seen = interceptor.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let iam = &seen[0];
    assert_eq!(iam.connect, "iam.amazonaws.com:443");
    assert_eq!(iam.header("host"), Some("iam.amazonaws.com"));
    assert!(iam.head.starts_with("POST / HTTP/1.1\r\n"), "{}", iam.head);
    let params = parse_form(std::str::from_utf8(&iam.body).unwrap());
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        (
            param("Action"),
            param("Version"),
            param("UserName"),
            params.len()
        ),
        (Some("ListMFADevices"), Some("2010-05-08"), Some(USER), 3),
        "{params:?}"
    );
    let auth = iam.header("authorization").unwrap();
    let date = iam.header("x-amz-date").unwrap();
    let scope = format!(
        "AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/{}/us-east-1/iam/aws4_request,",
        &date[..8]
    );
    assert!(auth.starts_with(&scope), "{auth}");
    assert!(
        !auth.contains(SECRET_ACCESS_KEY) && !iam.head.contains(SECRET_ACCESS_KEY),
        "{}",
        iam.head
    );
    let signature = auth.rsplit("Signature=").next().unwrap();
    assert_eq!(
        signature,
        botocore_signature(iam, "iam.amazonaws.com", "us-east-1"),
        "botocore signs this request otherwise: {}",
        iam.head
    );
    // The device IAM listed is the one the code is sent with.
    let sts = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(sts.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(sts[0].param("SerialNumber"), Some(DEVICE));
}

/// A configured IAM endpoint is used as it is and signed for the profile's region, as the
/// SDKs sign a custom endpoint; the MFA session's token never signs it (long-term keys).
#[test]
fn a_configured_iam_endpoint_is_signed_for_the_profiles_region() {
    let sb = sandbox(listed(&[DEVICE]));
    run(&mut exec(&sb)).assert_success();
    let iam = sb.proxy.requests_for("ListMFADevices");
    assert_eq!(iam.len(), 1, "{}", sb.proxy.summary());
    let auth = iam[0].header("authorization").unwrap();
    assert!(auth.contains("/eu-west-1/iam/aws4_request"), "{auth}");
    assert_eq!(
        iam[0].header("host"),
        Some(sb.endpoint().trim_start_matches("http://"))
    );
    assert_eq!(iam[0].header("x-amz-security-token"), None);
    assert_eq!(iam[0].param("UserName"), Some(USER));
}

/// Throttling and server errors are retried as the settings say; the answer then counts.
#[test]
fn the_query_is_retried_as_configured() {
    let throttled = Mode::Respond {
        status: 400,
        body: "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>".into(),
    };
    let sb = sandbox(Mode::first_requests(2, throttled, listed(&[DEVICE])));
    sb.append_config("max_attempts = 3\n");
    run(&mut exec(&sb)).assert_success();
    assert_eq!(
        sb.proxy.count("ListMFADevices"),
        3,
        "{}",
        sb.proxy.summary()
    );

    let failing = Mode::Respond {
        status: 503,
        body: "<html>unavailable</html>".into(),
    };
    let sb = sandbox(failing);
    let mut cmd = exec(&sb);
    cmd.env("AWS_MAX_ATTEMPTS", "2");
    let line = error_line(&run(&mut cmd));
    assert_eq!(
        sb.proxy.count("ListMFADevices"),
        2,
        "{}",
        sb.proxy.summary()
    );
    assert!(
        line.contains("HTTP 503") && line.contains("--device"),
        "{line}"
    );
    assert_eq!(sb.proxy.count("GetSessionToken"), 0);
}

/// AccessDenied is said as IAM's code, once (no retry); an answer that is not the
/// document is one sentence, and nothing is remembered or sent to STS.
#[test]
fn a_refusal_or_an_unreadable_answer_is_one_sentence() {
    let denied = Mode::Respond {
        status: 403,
        body: "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/team/alice is not authorized to perform: iam:ListMFADevices</Message></Error><RequestId>3</RequestId></ErrorResponse>".into(),
    };
    let unreadable = Mode::Respond {
        status: 200,
        body: "<html><body>Sign in to the proxy</body></html>".into(),
    };
    let control = listed(&["arn:aws:iam::123456789012:mfa/a&#x1b;[2Jb"]);
    for (mode, says) in [
        (denied, "(AccessDenied)"),
        (unreadable, "cannot be read"),
        (control, "no serial number IAM gives"),
    ] {
        let sb = sandbox(mode);
        let line = error_line(&run(&mut exec(&sb)));
        assert!(
            line.contains(says)
                && line.contains(&format!("those of user {USER}"))
                && line.contains("--device"),
            "{says}: {line}"
        );
        assert!(!line.contains('\x1b'), "{line:?}");
        assert_eq!(
            sb.proxy.count("ListMFADevices"),
            1,
            "{}",
            sb.proxy.summary()
        );
        assert_eq!(sb.proxy.count("GetSessionToken"), 0);
        assert!(
            !sb.cache_files()
                .iter()
                .any(|p| p.extension().is_some_and(|e| e == "device")),
            "{:?}",
            sb.cache_files()
        );
    }
}
