//! Issue 10, "The STS call": a private CA (`AWS_CA_BUNDLE` / `ca_bundle`), the retry
//! settings (`AWS_MAX_ATTEMPTS` / `max_attempts`, `AWS_RETRY_MODE` / `retry_mode`) and the
//! proxy variables, for aws-mfa's own calls and for the command it runs.
//!
//! The CA case goes through [`Interceptor`]: a TLS-intercepting proxy on 127.0.0.1 whose
//! CA the test makes with the openssl CLI. It answers CONNECT, terminates TLS with a
//! certificate of that CA, and relays each request to the sandbox's counting proxy, which
//! forwards to moto. STS is named by a `.invalid` host, which never resolves: nothing can
//! leave 127.0.0.1.

mod common;

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;

use common::*;

/// The STS host the tests name: only the interceptor can reach it.
const STS_HOST: &str = "sts.eu-west-1.amazonaws.com.invalid";

fn sts_url() -> String {
    format!("https://{STS_HOST}")
}

// ---------------------------------------------------------------------------------------
// A private CA and a TLS-intercepting proxy
// ---------------------------------------------------------------------------------------

/// How a connection reached the interceptor.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Arrival {
    /// Through the proxy: `CONNECT host:port`.
    Connect(String),
    /// Straight to its port, TLS from the first byte (a client that bypassed a proxy).
    Direct,
}

struct Interceptor {
    port: u16,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    /// Connections whose TLS handshake failed (the client did not trust the certificate).
    refused: Arc<Mutex<usize>>,
}

impl Interceptor {
    /// Terminates TLS with `pki`'s server certificate and relays to `upstream` (`host:port`).
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
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let refused = Arc::new(Mutex::new(0));
        let (a, r) = (Arc::clone(&arrivals), Arc::clone(&refused));
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (config, upstream) = (Arc::clone(&config), upstream.clone());
                let (a, r) = (Arc::clone(&a), Arc::clone(&r));
                thread::spawn(move || intercept(conn, config, &upstream, &a, &r));
            }
        });
        Interceptor {
            port,
            arrivals,
            refused,
        }
    }

    fn proxy_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().unwrap().clone()
    }

    fn refused(&self) -> usize {
        *self.refused.lock().unwrap()
    }
}

fn intercept(
    conn: TcpStream,
    config: Arc<rustls::ServerConfig>,
    upstream: &str,
    arrivals: &Mutex<Vec<Arrival>>,
    refused: &Mutex<usize>,
) {
    let mut first = [0u8; 1];
    if conn.peek(&mut first).unwrap_or(0) == 0 {
        return;
    }
    let mut conn = conn;
    if first[0] == 0x16 {
        arrivals.lock().unwrap().push(Arrival::Direct);
    } else {
        // A CONNECT head, read byte by byte so that nothing of the TLS after it is consumed.
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut b = [0u8; 1];
            if conn.read(&mut b).unwrap_or(0) == 0 {
                return;
            }
            head.push(b[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let line = head.lines().next().unwrap_or_default().to_string();
        let Some(target) = line
            .strip_prefix("CONNECT ")
            .and_then(|rest| rest.split(' ').next())
        else {
            let _ = conn.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
            return;
        };
        arrivals
            .lock()
            .unwrap()
            .push(Arrival::Connect(target.to_string()));
        if conn
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .is_err()
        {
            return;
        }
    }
    let server = rustls::ServerConnection::new(config).unwrap();
    let mut tls = rustls::StreamOwned::new(server, conn);
    while tls.conn.is_handshaking() {
        if tls.conn.complete_io(&mut tls.sock).is_err() {
            *refused.lock().unwrap() += 1;
            return;
        }
    }
    // One request at a time: read it whole, relay it with `Connection: close`, answer.
    let mut reader = BufReader::new(tls);
    loop {
        let Some((text, body)) = read_http_request(&mut reader) else {
            return;
        };
        let mut rewritten = String::new();
        for l in text.split("\r\n").filter(|l| !l.is_empty()) {
            if l.to_ascii_lowercase().starts_with("connection:") {
                continue;
            }
            rewritten.push_str(l);
            rewritten.push_str("\r\n");
        }
        rewritten.push_str("Connection: close\r\n\r\n");
        let Ok(mut up) = TcpStream::connect(upstream) else {
            return;
        };
        let mut answer = Vec::new();
        let relayed = up
            .write_all(rewritten.as_bytes())
            .and_then(|_| up.write_all(&body))
            .and_then(|_| up.read_to_end(&mut answer));
        let tls = reader.get_mut();
        if relayed.is_err() || tls.write_all(&answer).and_then(|_| tls.flush()).is_err() {
            return;
        }
    }
}

/// A sandbox whose STS is reached only through an interceptor.
struct Intercepted {
    sb: Sandbox,
    pki: Pki,
    interceptor: Interceptor,
    _dir: tempfile::TempDir,
}

fn intercepted() -> Intercepted {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path(), &[STS_HOST, "localhost"]);
    let upstream = sb.proxy.url().trim_start_matches("http://").to_string();
    let interceptor = Interceptor::start(&pki, upstream);
    Intercepted {
        sb,
        pki,
        interceptor,
        _dir: dir,
    }
}

impl Intercepted {
    /// `aws-mfa ARGS…` with STS at STS_HOST through the intercepting proxy.
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.sb.cmd(args);
        cmd.env("AWS_ENDPOINT_URL", sts_url())
            .env("HTTPS_PROXY", self.interceptor.proxy_url());
        cmd
    }
}

fn connect_target() -> Arrival {
    Arrival::Connect(format!("{STS_HOST}:443"))
}

/// The standard config with `keys` added to `[profile NAME]` (botocore refuses a second one).
fn with_keys(name: &str, keys: &str) -> String {
    let header = format!("[profile {name}]\n");
    assert!(STANDARD_CONFIG.contains(&header), "{name}");
    STANDARD_CONFIG.replacen(&header, &format!("{header}{keys}"), 1)
}

fn with_dev(keys: &str) -> String {
    with_keys("dev", keys)
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
// 1. AWS_CA_BUNDLE / ca_bundle
// ---------------------------------------------------------------------------------------

#[test]
fn a_private_ca_is_untrusted_and_the_message_names_the_ca_settings() {
    let t = intercepted();
    let r = run(&mut t.cmd(&["exec", "-p", "dev", "--token-code", CODE, "--", "true"]));
    let line = error_line(&r);
    eprintln!("{line}");
    assert!(
        line.contains("AWS_CA_BUNDLE") && line.contains("ca_bundle"),
        "names the CA settings\n{}",
        r.dump()
    );
    assert!(line.contains("not sent"), "{}", r.dump());
    // One CONNECT: the handshake was not retried (its failure is counted after the client
    // has gone, so the count is not asserted here).
    assert_eq!(t.interceptor.arrivals(), [connect_target()], "{}", r.dump());
    assert_eq!(t.sb.proxy.total(), 0, "{}", t.sb.proxy.summary());
    assert!(t.sb.cache_entries().is_empty());
}

#[test]
fn aws_ca_bundle_is_trusted_in_addition_to_the_system_roots() {
    let t = intercepted();
    let mut cmd = t.cmd(&["exec", "-p", "dev", "--token-code", CODE, "--", "true"]);
    cmd.env("AWS_CA_BUNDLE", &t.pki.ca);
    run(&mut cmd).assert_success();
    assert_eq!(
        t.sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        t.sb.proxy.summary()
    );
    assert_eq!(t.interceptor.arrivals(), [connect_target()]);
}

/// `ca_bundle` of the profile is trusted by aws-mfa, and handed to the child as
/// AWS_CA_BUNDLE: the aws CLI in it reaches STS through the same interceptor.
#[test]
fn the_profiles_ca_bundle_is_used_and_handed_to_the_command() {
    let t = intercepted();
    let aws = require_tool("aws");
    t.sb.write_config(&with_dev(&format!("ca_bundle = {}\n", t.pki.ca.display())));
    let mut cmd = t.cmd(&["exec", "-p", "dev", "--token-code", CODE, "--"]);
    cmd.arg(aws)
        .args(["sts", "get-caller-identity", "--output", "json"]);
    let r = run(&mut cmd);
    r.assert_success();
    assert!(r.stdout.contains(ACCOUNT), "{}", r.dump());
    assert_eq!(
        t.sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        t.sb.proxy.summary()
    );
    assert_eq!(
        t.sb.proxy.count("GetCallerIdentity"),
        1,
        "{}",
        t.sb.proxy.summary()
    );
    // Both aws-mfa and the aws CLI came through the interceptor, and trusted it.
    assert_eq!(
        t.interceptor.arrivals(),
        [connect_target(), connect_target()],
        "{}",
        r.dump()
    );
    assert_eq!(t.interceptor.refused(), 0);
}

#[test]
fn a_ca_bundle_that_cannot_be_used_is_one_sentence_before_any_request() {
    let t = intercepted();
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate\n").unwrap();
    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nMIIBnotbase64!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.pem");
    for (path, what) in [
        (&garbage, "no certificate"),
        (&broken, "cannot"),
        (&missing, "cannot read"),
    ] {
        let mut cmd = t.cmd(&["exec", "-p", "dev", "--token-code", CODE, "--", "true"]);
        cmd.env("AWS_CA_BUNDLE", path);
        let r = run(&mut cmd);
        let line = error_line(&r);
        eprintln!("{line}");
        assert!(
            line.contains(&path.display().to_string())
                && line.contains("AWS_CA_BUNDLE")
                && line.contains(what),
            "{what}\n{}",
            r.dump()
        );
    }
    assert!(t.interceptor.arrivals().is_empty());
    assert_eq!(t.sb.proxy.total(), 0, "{}", t.sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// 2. HTTPS_PROXY / NO_PROXY (the refusals are pinned in tests/messages.rs)
// ---------------------------------------------------------------------------------------

/// NO_PROXY lets STS bypass HTTPS_PROXY (here a proxy where nothing listens).
#[test]
fn no_proxy_bypasses_https_proxy() {
    let t = intercepted();
    let endpoint = format!("https://localhost:{}", t.interceptor.port);
    let mut cmd =
        t.sb.cmd(["exec", "-p", "dev", "--token-code", CODE, "--", "true"]);
    cmd.env("AWS_ENDPOINT_URL", &endpoint)
        .env("HTTPS_PROXY", dead_endpoint())
        .env("NO_PROXY", "example.com,localhost")
        .env("AWS_CA_BUNDLE", &t.pki.ca);
    run(&mut cmd).assert_success();
    assert_eq!(t.interceptor.arrivals(), [Arrival::Direct]);
    assert_eq!(
        t.sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        t.sb.proxy.summary()
    );
}

// ---------------------------------------------------------------------------------------
// 3. AWS_MAX_ATTEMPTS / max_attempts, AWS_RETRY_MODE / retry_mode
// ---------------------------------------------------------------------------------------

/// Variables to set, as name and value.
type Vars<'a> = &'a [(&'a str, &'a str)];

fn server_error() -> Mode {
    Mode::Respond {
        status: 500,
        body: "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>".into(),
    }
}

fn throttled() -> Mode {
    Mode::Respond {
        status: 400,
        body: "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>".into(),
    }
}

/// AssumeRole from the MFA session (no code in it) is attempted as often as the settings
/// say; GetSessionToken, which carries the code, once.
#[test]
fn assume_role_from_the_session_is_attempted_max_attempts_times() {
    // (extra config of [profile admin], environment, attempts expected)
    let cases: [(&str, Vars, usize); 4] = [
        ("", &[], 3),
        ("", &[("AWS_MAX_ATTEMPTS", "1")], 1),
        ("max_attempts = 4\n", &[], 4),
        // The variable wins over the profile, as for the aws CLI.
        (
            "max_attempts = 4\nretry_mode = adaptive\n",
            &[("AWS_MAX_ATTEMPTS", "2")],
            2,
        ),
    ];
    for (config, env, expected) in cases {
        let sb = Sandbox::new();
        sb.write_config(&with_keys("admin", config));
        sb.proxy.set_mode(Mode::for_action(
            "AssumeRole",
            server_error(),
            Mode::Forward,
        ));
        let mut cmd = sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"]);
        cmd.envs(env.iter().copied());
        let r = run(&mut cmd);
        assert_eq!(r.code(), Some(1), "{}", r.dump());
        assert_eq!(
            sb.proxy.count("AssumeRole"),
            expected,
            "{config:?} {env:?}: {}\n{}",
            sb.proxy.summary(),
            r.dump()
        );
        assert_eq!(
            sb.proxy.count("GetSessionToken"),
            1,
            "{}",
            sb.proxy.summary()
        );
    }
}

/// A request with a code is sent once, however many attempts the settings allow.
#[test]
fn a_request_with_a_code_is_sent_once_whatever_max_attempts_says() {
    for mode in ["standard", "adaptive", "legacy"] {
        let sb = Sandbox::new();
        sb.proxy.set_mode(server_error());
        let mut cmd = sb.cmd(["exec", "-p", "dev", "--token-code", CODE, "--", "true"]);
        cmd.env("AWS_MAX_ATTEMPTS", "5").env("AWS_RETRY_MODE", mode);
        let r = run(&mut cmd);
        assert_eq!(r.code(), Some(1), "{}", r.dump());
        assert_eq!(
            sb.proxy.count("GetSessionToken"),
            1,
            "{mode}: {}",
            sb.proxy.summary()
        );
    }
}

/// GetCallerIdentity (finding the MFA device) is retried on throttling as configured.
#[test]
fn get_caller_identity_is_retried_on_throttling_as_configured() {
    let sb = Sandbox::new();
    sb.append_config(
        "\n[profile nodevice]\nregion = eu-west-1\nmax_attempts = 2\nretry_mode = legacy\n",
    );
    sb.append_credentials(&format!(
        "\n[nodevice]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    sb.proxy.set_mode(throttled());
    let r = run(&mut sb.cmd(["exec", "-p", "nodevice", "--token-code", CODE, "--", "true"]));
    assert_eq!(r.code(), Some(1), "{}", r.dump());
    assert_eq!(
        sb.proxy.count("GetCallerIdentity"),
        2,
        "{}",
        sb.proxy.summary()
    );
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        0,
        "{}",
        sb.proxy.summary()
    );
}

#[test]
fn a_bad_retry_setting_is_one_sentence_naming_where_it_came_from() {
    let sb = Sandbox::new();
    let cases: [(Vars, &str, &[&str]); 4] = [
        (
            &[("AWS_MAX_ATTEMPTS", "0")],
            "",
            &["AWS_MAX_ATTEMPTS", "\"0\""],
        ),
        (
            &[("AWS_MAX_ATTEMPTS", "three")],
            "",
            &["AWS_MAX_ATTEMPTS", "three"],
        ),
        (
            &[("AWS_RETRY_MODE", "fast")],
            "",
            &["AWS_RETRY_MODE", "fast", "standard"],
        ),
        (
            &[],
            "retry_mode = sometimes\n",
            &["retry_mode", "[profile dev]", "sometimes"],
        ),
    ];
    for (env, config, words) in cases {
        sb.write_config(&with_dev(config));
        let mut cmd = sb.cmd(["exec", "-p", "dev", "--token-code", CODE, "--", "true"]);
        cmd.envs(env.iter().copied());
        let r = run(&mut cmd);
        let line = error_line(&r);
        eprintln!("{line}");
        for word in words {
            assert!(line.contains(word), "{word}\n{}", r.dump());
        }
    }
    assert_eq!(sb.proxy.total(), 0, "{}", sb.proxy.summary());
}

// ---------------------------------------------------------------------------------------
// 4. What the command gets
// ---------------------------------------------------------------------------------------

#[test]
fn the_profiles_transport_settings_are_handed_over() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let ca = make_pki(dir.path(), &[STS_HOST, "localhost"])
        .ca
        .display()
        .to_string();
    sb.write_config(&with_dev(&format!(
        "ca_bundle = {ca}\nmax_attempts = 7\nretry_mode = adaptive\n"
    )));
    let r = run(&mut sb.cmd([
        "env",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--format",
        "dotenv",
    ]));
    r.assert_success();
    let vars = parse_env(&r.stdout);
    assert_eq!(
        vars.get("AWS_CA_BUNDLE").map(String::as_str),
        Some(ca.as_str()),
        "{}",
        r.dump()
    );
    assert_eq!(
        vars.get("AWS_MAX_ATTEMPTS").map(String::as_str),
        Some("7"),
        "{}",
        r.dump()
    );
    assert_eq!(
        vars.get("AWS_RETRY_MODE").map(String::as_str),
        Some("adaptive"),
        "{}",
        r.dump()
    );
    // Served from the cache, the same.
    let r = run(&mut sb.cmd(["env", "-p", "dev", "--format", "dotenv"]));
    r.assert_success();
    let cached = parse_env(&r.stdout);
    assert_eq!(
        cached.get("AWS_MAX_ATTEMPTS").map(String::as_str),
        Some("7"),
        "{}",
        r.dump()
    );
    assert_eq!(sb.proxy.count("GetSessionToken"), 1);
    // Nothing set, nothing handed over.
    let sb = Sandbox::new();
    let r = run(&mut sb.cmd([
        "env",
        "-p",
        "dev",
        "--token-code",
        CODE,
        "--format",
        "dotenv",
    ]));
    r.assert_success();
    for name in ["AWS_CA_BUNDLE", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"] {
        assert!(!r.stdout.contains(name), "{name}\n{}", r.dump());
    }
}
