//! Harness for the end-to-end tests of `aws-mfa`.
//!
//! * [`moto`]: one moto server per test binary (`python3` + `moto[server]`), started on
//!   first use; it exits when this process exits (its stdin pipe closes).
//! * [`Proxy`]: a std-only HTTP/1.1 server used as `AWS_ENDPOINT_URL`. It counts the STS
//!   actions it sees and either forwards them to moto or answers with a canned response.
//! * [`Sandbox`]: a temporary HOME with `.aws/config`, `.aws/credentials` and a cache
//!   directory, and [`Sandbox::cmd`] to run the binary in it with a clean environment.
//! * [`pty_run`]: run a command under a pseudo-terminal (via python's `pty.fork()`), with
//!   stdout and stderr on pipes, answering the MFA prompt.

#![allow(dead_code)]

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::thread;
use std::time::Duration;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_aws-mfa");

/// AWS's documented example keys (the long-term keys of every fixture profile).
pub const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const ACCOUNT: &str = "123456789012";
pub const DEVICE: &str = "arn:aws:iam::123456789012:mfa/alice";
pub const ROLE_ADMIN: &str = "arn:aws:iam::123456789012:role/Admin";
pub const ROLE_READONLY: &str = "arn:aws:iam::123456789012:role/ReadOnly";
/// What `aws-mfa use` sets and `aws-mfa off` unsets (docs/design.md §5).
pub const USE_VARIABLES: [&str; 7] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_MFA_PROFILE",
];

pub const CODE: &str = "123456";

/// What STS answers (HTTP 403) to GetSessionToken with a wrong or reused code.
pub const REJECTED_CODE_XML: &str = concat!(
    r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#,
    "<Error><Type>Sender</Type><Code>AccessDenied</Code>",
    "<Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message>",
    "</Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>",
);

/// How long any single command may run before the test gives up on it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------
// moto
// ---------------------------------------------------------------------------------------

const MOTO_SCRIPT: &str = r#"
import os, sys
try:
    from moto.server import ThreadedMotoServer
except ImportError as e:
    print("NOMOTO " + repr(e), flush=True)
    sys.exit(3)
s = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
s.start()
print(s.get_host_and_port()[1], flush=True)
sys.stdin.read()
os._exit(0)
"#;

/// The moto server shared by every test of this binary.
pub struct Moto {
    pub port: u16,
    // Kept open for the life of the process: when it closes, moto exits.
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

impl Moto {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

static MOTO: OnceLock<Moto> = OnceLock::new();

/// Start (once) and return the moto server. Panics with the reason when python3 or moto
/// is missing: these tests never skip.
pub fn moto() -> &'static Moto {
    MOTO.get_or_init(start_moto)
}

fn start_moto() -> Moto {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(MOTO_SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run python3 ({e}): python3 and moto are needed: \
                 moto is not installed: pip install 'moto[server]'"
            )
        });
    let stdin = child.stdin.take().expect("moto stdin");
    let stderr_buf = drain(child.stderr.take().expect("moto stderr"));
    let mut stdout = BufReader::new(child.stdout.take().expect("moto stdout"));
    let mut line = String::new();
    // Blocking read of the first line: moto prints its port once it is listening.
    let read = stdout.read_line(&mut line);
    let port = line.trim().parse::<u16>().ok();
    let Some(port) = port else {
        let status = child.wait();
        let err = stderr_buf.wait();
        if line.starts_with("NOMOTO") || err.contains("No module named") {
            panic!(
                "moto is not installed: pip install 'moto[server]' \
                 (python3 said: {} {})",
                line.trim(),
                err.trim()
            );
        }
        panic!(
            "moto did not start: read {read:?}, first line {line:?}, exit {status:?}, stderr:\n{err}"
        );
    };
    // Keep draining stdout so that moto never blocks on a full pipe.
    drain(stdout.into_inner());
    Moto {
        port,
        _stdin: Mutex::new(stdin),
        _child: Mutex::new(child),
    }
}

/// A background reader collecting everything from a pipe.
pub struct Drained {
    rx: mpsc::Receiver<Vec<u8>>,
}

impl Drained {
    /// Wait for EOF and return what was read.
    pub fn wait(self) -> String {
        String::from_utf8_lossy(&self.rx.recv().unwrap_or_default()).into_owned()
    }
}

fn drain<R: Read + Send + 'static>(mut r: R) -> Drained {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    Drained { rx }
}

// ---------------------------------------------------------------------------------------
// Counting proxy / fault responder
// ---------------------------------------------------------------------------------------

/// What the proxy does with each request.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Relay the request to moto and its answer back.
    Forward,
    /// Answer every request with this status and body (`text/xml`).
    Respond { status: u16, body: String },
    /// Wait this long (the fault: a slow STS), then do what `then` says.
    Delay { delay: Duration, then: Box<Mode> },
    /// Read the request, then close the connection without a byte of answer.
    Close,
    /// Write these bytes as the whole answer (status line, headers, body), then close the
    /// connection: for answers that are malformed at the HTTP level (a body shorter than
    /// its Content-Length, …).
    Raw(Vec<u8>),
    /// The mode of the first entry naming the request's STS action, else `otherwise`.
    PerAction {
        actions: Vec<(String, Mode)>,
        otherwise: Box<Mode>,
    },
    /// `first` for the first `n` requests of each STS action (counted from the proxy's
    /// start), `then` for the later ones: a fault that heals, to count retries.
    FirstRequests {
        n: usize,
        first: Box<Mode>,
        then: Box<Mode>,
    },
}

impl Mode {
    /// `then` after `delay`.
    pub fn delay(delay: Duration, then: Mode) -> Mode {
        Mode::Delay {
            delay,
            then: Box::new(then),
        }
    }

    /// `mode` for requests with this STS action, `otherwise` for the others.
    pub fn for_action(action: &str, mode: Mode, otherwise: Mode) -> Mode {
        Mode::PerAction {
            actions: vec![(action.to_string(), mode)],
            otherwise: Box::new(otherwise),
        }
    }

    /// `first` for the first `n` requests of each action, `then` for the later ones.
    pub fn first_requests(n: usize, first: Mode, then: Mode) -> Mode {
        Mode::FirstRequests {
            n,
            first: Box::new(first),
            then: Box::new(then),
        }
    }
}

/// What the proxy does on the connection after a request.
enum Reply {
    /// Send this response; keep the connection unless the client asked to close it.
    Send(Vec<u8>),
    /// Send these bytes, then close.
    SendAndClose(Vec<u8>),
    /// Close without answering.
    Close,
}

/// One request seen by the proxy.
#[derive(Clone, Debug)]
pub struct StsRequest {
    /// The STS action (`GetSessionToken`, `AssumeRole`, …), or `<unknown>`.
    pub action: String,
    /// The decoded form parameters (query string and form body).
    pub params: Vec<(String, String)>,
    /// The request's headers (names lowercased).
    pub headers: Vec<(String, String)>,
}

impl StsRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct ProxyInner {
    mode: Mutex<Mode>,
    requests: Mutex<Vec<StsRequest>>,
    upstream: String,
    shutdown: AtomicBool,
}

/// The counting proxy. Dropping it stops accepting connections.
pub struct Proxy {
    addr: SocketAddr,
    inner: Arc<ProxyInner>,
}

impl Proxy {
    /// Start a proxy forwarding to `upstream` (`host:port`).
    pub fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let inner = Arc::new(ProxyInner {
            mode: Mutex::new(Mode::Forward),
            requests: Mutex::new(Vec::new()),
            upstream,
            shutdown: AtomicBool::new(false),
        });
        let accept_inner = Arc::clone(&inner);
        thread::spawn(move || {
            for conn in listener.incoming() {
                if accept_inner.shutdown.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let inner = Arc::clone(&accept_inner);
                thread::spawn(move || serve_connection(conn, &inner));
            }
        });
        Proxy { addr, inner }
    }

    /// The URL to use as `AWS_ENDPOINT_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.inner.mode.lock().unwrap() = mode;
    }

    /// How many requests with this STS action were seen.
    pub fn count(&self, action: &str) -> usize {
        self.inner
            .requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.action == action)
            .count()
    }

    /// How many requests were seen, whatever their action.
    pub fn total(&self) -> usize {
        self.inner.requests.lock().unwrap().len()
    }

    /// All requests seen so far, in order.
    pub fn requests(&self) -> Vec<StsRequest> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// The requests with this action, in order.
    pub fn requests_for(&self, action: &str) -> Vec<StsRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.action == action)
            .collect()
    }

    /// A one-line summary of the actions seen, for assertion messages.
    pub fn summary(&self) -> String {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for r in self.requests() {
            match counts.iter_mut().find(|(a, _)| *a == r.action) {
                Some((_, n)) => *n += 1,
                None => counts.push((r.action, 1)),
            }
        }
        format!("{counts:?}")
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.inner.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// An `http://` URL on which nothing listens: "STS unreachable".
pub fn dead_endpoint() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

struct HttpRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn serve_connection(conn: TcpStream, inner: &ProxyInner) {
    let Ok(read_half) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = conn;
    loop {
        let req = match read_request(&mut reader, &mut writer) {
            Ok(Some(req)) => req,
            Ok(None) | Err(_) => return,
        };
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let described = describe(&req);
        let action = described.action.clone();
        let earlier = {
            let mut requests = inner.requests.lock().unwrap();
            let earlier = requests.iter().filter(|r| r.action == action).count();
            requests.push(described);
            earlier
        };
        let mode = inner.mode.lock().unwrap().clone();
        let seen = Seen {
            action: &action,
            earlier,
        };
        let (response, close) = match reply(&mode, &req, &seen, &inner.upstream) {
            Reply::Send(bytes) => (bytes, close),
            Reply::SendAndClose(bytes) => (bytes, true),
            Reply::Close => return,
        };
        if writer
            .write_all(&response)
            .and_then(|_| writer.flush())
            .is_err()
            || close
        {
            return;
        }
    }
}

/// The request being answered: its STS action, and how many of that action came before it.
struct Seen<'a> {
    action: &'a str,
    earlier: usize,
}

fn reply(mode: &Mode, req: &HttpRequest, seen: &Seen, upstream: &str) -> Reply {
    match mode {
        Mode::Forward => Reply::Send(forward(req, upstream).unwrap_or_else(|e| {
            build_response(
                502,
                &[("Content-Type", "text/plain")],
                format!("proxy: upstream failed: {e}").as_bytes(),
            )
        })),
        Mode::Respond { status, body } => Reply::Send(build_response(
            *status,
            &[
                ("Content-Type", "text/xml"),
                ("x-amzn-RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c7"),
            ],
            body.as_bytes(),
        )),
        Mode::Delay { delay, then } => {
            // The fault itself: this connection's answer is late.
            thread::sleep(*delay);
            reply(then, req, seen, upstream)
        }
        Mode::Close => Reply::Close,
        Mode::Raw(bytes) => Reply::SendAndClose(bytes.clone()),
        Mode::PerAction { actions, otherwise } => {
            let mode = actions
                .iter()
                .find(|(a, _)| a == seen.action)
                .map_or(&**otherwise, |(_, m)| m);
            reply(mode, req, seen, upstream)
        }
        Mode::FirstRequests { n, first, then } => {
            let mode = if seen.earlier < *n { first } else { then };
            reply(mode, req, seen, upstream)
        }
    }
}

/// Read one request; `None` at a clean EOF between requests.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> io::Result<Option<HttpRequest>> {
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut req = HttpRequest {
        method,
        target,
        headers,
        body: Vec::new(),
    };
    if req
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    if req
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        req.body = read_chunked(reader)?;
    } else if let Some(len) = req.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "content-length"))?;
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        req.body = body;
    }
    Ok(Some(req))
}

fn read_chunked<R: BufRead>(reader: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        if reader.read_line(&mut size)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let size = size
            .trim()
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let n = usize::from_str_radix(&size, 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "chunk size"))?;
        if n == 0 {
            // Trailers until an empty line.
            loop {
                let mut t = String::new();
                if reader.read_line(&mut t)? == 0 || t.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + n, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = String::new();
        reader.read_line(&mut crlf)?;
    }
}

fn describe(req: &HttpRequest) -> StsRequest {
    let mut params = Vec::new();
    if let Some((_, query)) = req.target.split_once('?') {
        params.extend(parse_form(query));
    }
    let is_json = req
        .header("content-type")
        .is_some_and(|v| v.contains("json") || v.contains("cbor"));
    if !is_json {
        params.extend(parse_form(&String::from_utf8_lossy(&req.body)));
    }
    let action = params
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone())
        .or_else(|| {
            // The JSON flavours of the protocol name the operation in X-Amz-Target.
            req.header("x-amz-target")
                .and_then(|t| t.rsplit('.').next())
                .map(str::to_string)
        })
        .unwrap_or_else(|| "<unknown>".to_string());
    StsRequest {
        action,
        params,
        headers: req
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect(),
    }
}

/// Decode `application/x-www-form-urlencoded`.
pub fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (url_decode(k), url_decode(v))
        })
        .collect()
}

fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn forward(req: &HttpRequest, upstream: &str) -> io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream)?;
    up.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
    for (k, v) in &req.headers {
        let lower = k.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "connection" | "keep-alive" | "transfer-encoding" | "content-length" | "expect"
        ) {
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        req.body.len()
    ));
    up.write_all(head.as_bytes())?;
    up.write_all(&req.body)?;
    up.flush()?;
    // With `Connection: close` the server ends the response by closing the connection.
    let mut raw = Vec::new();
    up.read_to_end(&mut raw)?;
    let split = find(&raw, b"\r\n\r\n")
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no response head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    let mut chunked = false;
    let mut length = None;
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        match k.to_ascii_lowercase().as_str() {
            "transfer-encoding" => chunked = v.to_ascii_lowercase().contains("chunked"),
            "content-length" => length = v.parse::<usize>().ok(),
            "connection" | "keep-alive" => {}
            _ => headers.push((k.to_string(), v.to_string())),
        }
    }
    if chunked {
        body = read_chunked(&mut BufReader::new(&body[..]))?;
    } else if let Some(n) = length {
        body.truncate(n);
    }
    let mut out = format!("{status_line}\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(&body);
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn build_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

// ---------------------------------------------------------------------------------------
// Sandbox
// ---------------------------------------------------------------------------------------

pub const STANDARD_CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[alice]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[dev]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
";

pub const STANDARD_CONFIG: &str = "\
[profile dev]
mfa_serial = arn:aws:iam::123456789012:mfa/alice
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = dev

[profile readonly]
role_arn = arn:aws:iam::123456789012:role/ReadOnly
source_profile = dev
";

/// A temporary HOME with AWS files, a (not yet created) cache directory and a proxy.
pub struct Sandbox {
    pub root: PathBuf,
    pub home: PathBuf,
    pub config: PathBuf,
    pub credentials: PathBuf,
    pub cache: PathBuf,
    pub proxy: Proxy,
    _dir: tempfile::TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    /// The standard fixture: profiles default, alice, dev (session), admin and readonly
    /// (roles sourced from dev).
    pub fn new() -> Sandbox {
        let sb = Sandbox::empty();
        sb.write_credentials(STANDARD_CREDENTIALS);
        sb.write_config(STANDARD_CONFIG);
        sb
    }

    /// A sandbox with no config or credentials file yet.
    pub fn empty() -> Sandbox {
        let moto = moto();
        let dir = tempfile::Builder::new()
            .prefix("aws-mfa-e2e-")
            .tempdir()
            .expect("tempdir");
        let root = dir.path().canonicalize().expect("canonicalize tempdir");
        let home = root.join("home");
        let aws = home.join(".aws");
        std::fs::create_dir_all(&aws).expect("mkdir .aws");
        // A fish that has run before: a first interactive fish leaves a man-page parser in
        // the background on its terminal, which then stays open for a minute or more.
        std::fs::create_dir_all(home.join(".local/share/fish/generated_completions"))
            .expect("mkdir fish's generated completions");
        Sandbox {
            config: aws.join("config"),
            credentials: aws.join("credentials"),
            // Not created: the binary must create it (mode 0700).
            cache: root.join("cache").join("aws-mfa"),
            home,
            proxy: Proxy::start(format!("127.0.0.1:{}", moto.port)),
            root,
            _dir: dir,
        }
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(&self.config, text).expect("write config");
    }

    pub fn append_config(&self, text: &str) {
        append(&self.config, text);
    }

    /// Writes the credentials file 0600, as `aws configure` leaves it.
    pub fn write_credentials(&self, text: &str) {
        std::fs::write(&self.credentials, text).expect("write credentials");
        std::fs::set_permissions(&self.credentials, std::fs::Permissions::from_mode(0o600))
            .expect("chmod credentials");
    }

    pub fn append_credentials(&self, text: &str) {
        append(&self.credentials, text);
    }

    /// The endpoint handed to the binary: the proxy.
    pub fn endpoint(&self) -> String {
        self.proxy.url()
    }

    /// A command for `program` with the sandbox's clean environment: only PATH, HOME,
    /// the AWS file locations, the cache directory, the endpoint and
    /// AWS_EC2_METADATA_DISABLED are set; stdin is null; cwd is the sandbox root; the
    /// process starts a new session, so it has no controlling terminal.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("AWS_CONFIG_FILE", &self.config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &self.credentials)
            .env("AWS_MFA_CACHE_DIR", &self.cache)
            .env("AWS_ENDPOINT_URL", self.endpoint())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .current_dir(&self.root)
            .stdin(Stdio::null());
        detach_from_terminal(&mut cmd);
        cmd
    }

    /// `aws-mfa ARGS…` in the sandbox (see [`Sandbox::command`]).
    pub fn cmd<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command(BIN);
        cmd.args(args);
        cmd
    }

    /// Every file in the cache directory (recursively), sorted.
    pub fn cache_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        walk(&self.cache, &mut out);
        out.sort();
        out
    }

    /// The `.json` entries of the cache directory.
    pub fn cache_entries(&self) -> Vec<PathBuf> {
        self.cache_files()
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect()
    }
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .expect("open for append");
    f.write_all(text.as_bytes()).expect("append");
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

unsafe extern "C" {
    fn setsid() -> i32;
}

/// Make the child the leader of a new session, so that it has no controlling terminal
/// (opening /dev/tty fails) even when the tests run from one.
pub fn detach_from_terminal(cmd: &mut Command) {
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            setsid();
            Ok(())
        });
    }
}

/// The permission bits of a path.
pub fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

// ---------------------------------------------------------------------------------------
// Running commands
// ---------------------------------------------------------------------------------------

/// The outcome of a finished command.
#[derive(Debug)]
pub struct Run {
    pub what: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The exit code (`None` when killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Everything about the run, for assertion messages.
    pub fn dump(&self) -> String {
        format!(
            "command: {}\nstatus: {:?} (signal {:?})\n--- stdout ---\n{}\n--- stderr ---\n{}--------------",
            self.what,
            self.status.code(),
            self.status.signal(),
            self.stdout,
            self.stderr
        )
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            Some(code),
            "expected exit status {code}\n{}",
            self.dump()
        );
        self
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        self.assert_code(0)
    }

    /// Exit 1 with exactly one line on stderr, starting with `aws-mfa: `.
    #[track_caller]
    pub fn assert_one_line_error(&self) -> &Self {
        self.assert_code(1);
        let lines: Vec<&str> = self.stderr.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines.len(),
            1,
            "expected a one-line error on stderr\n{}",
            self.dump()
        );
        assert!(
            lines[0].starts_with("aws-mfa: "),
            "the error must start with `aws-mfa: `\n{}",
            self.dump()
        );
        self
    }
}

/// A command that has been started; see [`Running::finish`].
pub struct Running {
    what: String,
    pid: u32,
    rx: mpsc::Receiver<io::Result<std::process::Output>>,
}

/// Start a command with stdout and stderr piped.
pub fn spawn(cmd: &mut Command) -> Running {
    let what = describe_command(cmd);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    Running { what, pid, rx }
}

impl Running {
    /// Wait for the command; if it is still running after `timeout`, kill it (by its pid)
    /// and fail the test.
    #[track_caller]
    pub fn finish(self, timeout: Duration) -> Run {
        let out = match self.rx.recv_timeout(timeout) {
            Ok(out) => out,
            Err(_) => {
                let _ = Command::new("kill")
                    .args(["-KILL", &self.pid.to_string()])
                    .status();
                let out = self.rx.recv().ok().and_then(Result::ok);
                panic!(
                    "{} did not finish within {timeout:?}; killed.\nstdout: {}\nstderr: {}",
                    self.what,
                    out.as_ref()
                        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                        .unwrap_or_default(),
                    out.as_ref()
                        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                        .unwrap_or_default(),
                );
            }
        };
        let out = out.unwrap_or_else(|e| panic!("waiting for {}: {e}", self.what));
        Run {
            what: self.what,
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Run a command to completion (at most [`DEFAULT_TIMEOUT`]).
#[track_caller]
pub fn run(cmd: &mut Command) -> Run {
    spawn(cmd).finish(DEFAULT_TIMEOUT)
}

/// Run a command that must finish within `timeout`.
#[track_caller]
pub fn run_within(cmd: &mut Command, timeout: Duration) -> Run {
    spawn(cmd).finish(timeout)
}

fn describe_command(cmd: &Command) -> String {
    let mut words = vec![cmd.get_program().to_string_lossy().into_owned()];
    words.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    let env: Vec<String> = cmd
        .get_envs()
        .filter(|(k, _)| {
            let k = k.to_string_lossy();
            !matches!(
                k.as_ref(),
                "PATH"
                    | "HOME"
                    | "AWS_CONFIG_FILE"
                    | "AWS_SHARED_CREDENTIALS_FILE"
                    | "AWS_MFA_CACHE_DIR"
                    | "AWS_EC2_METADATA_DISABLED"
            )
        })
        .map(|(k, v)| match v {
            Some(v) => format!("{}={}", k.to_string_lossy(), v.to_string_lossy()),
            None => format!("-u {}", k.to_string_lossy()),
        })
        .collect();
    shell_words::join(
        env.iter()
            .map(String::as_str)
            .chain(words.iter().map(String::as_str)),
    )
}

/// Fail (never skip) when a tool a test needs is not on PATH.
#[track_caller]
pub fn require_tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let p = dir.join(name);
        if let Ok(md) = std::fs::metadata(&p)
            && md.is_file()
            && md.permissions().mode() & 0o111 != 0
        {
            return p;
        }
    }
    panic!("`{name}` is not installed (not found on PATH); this test needs it");
}

// ---------------------------------------------------------------------------------------
// Pseudo-terminal
// ---------------------------------------------------------------------------------------

const PTY_SCRIPT: &str = r#"
import json, os, pty, select, sys, time

timeout = float(sys.argv[1])
answers = [a + "\n" for a in sys.argv[2].split(",")] if sys.argv[2] else []
argv = sys.argv[3:]
deadline = time.monotonic() + timeout

out_r, out_w = os.pipe()
err_r, err_w = os.pipe()
pid, master = pty.fork()
if pid == 0:
    # Child: a new session whose controlling terminal is the pty (stdin too);
    # stdout and stderr are pipes, as under eval "$(...)" or credential_process.
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    for fd in (out_r, out_w, err_r, err_w):
        os.close(fd)
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)

os.close(out_w)
os.close(err_w)
bufs = {"tty": b"", "stdout": b"", "stderr": b""}
fds = {master: "tty", out_r: "stdout", err_r: "stderr"}
prompts_seen = 0
answered = 0
timed_out = False
while fds:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        timed_out = True
        break
    ready, _, _ = select.select(list(fds), [], [], remaining)
    for fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            del fds[fd]
            continue
        name = fds[fd]
        bufs[name] += data
        if name == "tty":
            text = bufs["tty"].decode("utf-8", "replace")
            # A prompt: a new mention of "MFA code", on a line still waiting for input.
            seen = text.lower().count("mfa code")
            waiting = not text.rstrip(" ").endswith(("\n", "\r"))
            if seen > prompts_seen and waiting and answered < len(answers):
                prompts_seen = seen
                os.write(master, answers[answered].encode())
                answered += 1
if timed_out:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({
    "code": os.waitstatus_to_exitcode(status),
    "timed_out": timed_out,
    "answered": answered,
    "tty": bufs["tty"].decode("utf-8", "replace"),
    "stdout": bufs["stdout"].decode("utf-8", "replace"),
    "stderr": bufs["stderr"].decode("utf-8", "replace"),
}))
"#;

/// What happened under the pseudo-terminal.
#[derive(Debug)]
pub struct PtyRun {
    /// Exit code (negative: killed by that signal).
    pub code: i64,
    pub timed_out: bool,
    /// How many answers were typed.
    pub answered: u64,
    /// Everything written to the terminal.
    pub tty: String,
    pub stdout: String,
    pub stderr: String,
}

impl PtyRun {
    pub fn dump(&self) -> String {
        format!(
            "code: {} timed_out: {} answered: {}\n--- terminal ---\n{}\n--- stdout ---\n{}\n--- stderr ---\n{}--------------",
            self.code, self.timed_out, self.answered, self.tty, self.stdout, self.stderr
        )
    }
}

/// Run `aws-mfa ARGS…` in the sandbox with a pseudo-terminal as its controlling terminal
/// and stdin, stdout and stderr on pipes. Each time a prompt mentioning "MFA code"
/// waits for input on the terminal, the next of `answers` is typed (followed by Enter).
#[track_caller]
pub fn pty_run(sb: &Sandbox, answers: &[&str], args: &[&str], timeout: Duration) -> PtyRun {
    require_tool("python3");
    let mut cmd = sb.command("python3");
    cmd.arg("-c")
        .arg(PTY_SCRIPT)
        .arg(timeout.as_secs().to_string())
        .arg(answers.join(","))
        .arg(BIN)
        .args(args);
    let run = run_within(&mut cmd, timeout + Duration::from_secs(30));
    run.assert_success();
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|e| panic!("pty helper output is not JSON ({e})\n{}", run.dump()));
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    PtyRun {
        code: v["code"].as_i64().unwrap_or(-999),
        timed_out: v["timed_out"].as_bool().unwrap_or(true),
        answered: v["answered"].as_u64().unwrap_or(0),
        tty: s("tty"),
        stdout: s("stdout"),
        stderr: s("stderr"),
    }
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

/// Parse `KEY=VALUE` lines (the output of `env`).
pub fn parse_env(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Seconds since the Unix epoch of an RFC 3339 UTC timestamp
/// (`YYYY-MM-DDTHH:MM:SS[.frac]Z` or with `+00:00`), or `None` if it is not one.
pub fn rfc3339_utc_to_unix(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    if !matches!(rest, "Z" | "z" | "+00:00") {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(days * 86400 + h * 3600 + mi * 60 + se)
}

/// Unix time → RFC 3339 UTC (`2026-11-24T06:33:56Z`), as the binary writes it.
pub fn rfc3339(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// A CA the test made, and a server certificate it signed, as PEM files.
pub struct Pki {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let tool = require_tool("openssl");
    let out = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A private CA in `dir`, and a server certificate it signed for `hosts` (openssl CLI).
pub fn make_pki(dir: &Path, hosts: &[&str]) -> Pki {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=aws-mfa test corporate CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=sts intercepted",
        ],
    );
    let sans: Vec<String> = hosts.iter().map(|h| format!("DNS:{h}")).collect();
    std::fs::write(
        dir.join("server.ext"),
        format!(
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName={}\n",
            sans.join(",")
        ),
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    );
    Pki {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    }
}

/// Runs `aws-mfa ARGS…` with a pseudo-terminal as its controlling terminal and stdin
/// (stdout and stderr are pipes); each time the terminal shows the next `(prompt, answer)`'s
/// prompt on a line that waits for input, the answer is typed with Enter. An answer to a
/// prompt that must not echo is typed once the terminal's echo is off (read on the master,
/// as pexpect's waitnoecho does), so that nothing typed too early is shown by the terminal.
const PTY_ANSWERS_SCRIPT: &str = r#"
import json, os, pty, select, sys, termios, time

timeout = float(sys.argv[1])
script = json.loads(sys.argv[2])
argv = sys.argv[3:]
deadline = time.monotonic() + timeout
out_r, out_w = os.pipe()
err_r, err_w = os.pipe()
pid, master = pty.fork()
if pid == 0:
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    for fd in (out_r, out_w, err_r, err_w):
        os.close(fd)
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
os.close(out_w)
os.close(err_w)
bufs = {"tty": b"", "stdout": b"", "stderr": b""}
fds = {master: "tty", out_r: "stdout", err_r: "stderr"}
answered, since, timed_out = 0, 0, False
while fds:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        timed_out = True
        break
    ready, _, _ = select.select(list(fds), [], [], remaining)
    for fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            del fds[fd]
            continue
        bufs[fds[fd]] += data
        if fds[fd] == "tty" and answered < len(script):
            text = bufs["tty"][since:].decode("utf-8", "replace")
            prompt, answer = script[answered]
            if prompt in text and not text.endswith(("\n", "\r")):
                if prompt.startswith("aws_"):
                    while termios.tcgetattr(master)[3] & termios.ECHO:
                        if time.monotonic() > deadline:
                            sys.exit("echo stayed on at " + prompt)
                        time.sleep(0.005)
                os.write(master, (answer + "\n").encode())
                answered += 1
                since = len(bufs["tty"])
if timed_out:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({
    "code": os.waitstatus_to_exitcode(status),
    "timed_out": timed_out,
    "answered": answered,
    "tty": bufs["tty"].decode("utf-8", "replace"),
    "stdout": bufs["stdout"].decode("utf-8", "replace"),
    "stderr": bufs["stderr"].decode("utf-8", "replace"),
}))
"#;

pub struct Terminal {
    pub code: i64,
    pub answered: usize,
    pub tty: String,
    pub stdout: String,
    pub stderr: String,
}

impl Terminal {
    pub fn dump(&self) -> String {
        format!(
            "code {} answered {}\n--- terminal ---\n{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.answered, self.tty, self.stdout, self.stderr
        )
    }
}

pub fn on_terminal(sb: &Sandbox, script: &[(&str, &str)], args: &[&str]) -> Terminal {
    require_tool("python3");
    let timeout = Duration::from_secs(60);
    let script = serde_json::to_string(script).unwrap();
    let mut cmd = sb.command("python3");
    cmd.arg("-c")
        .arg(PTY_ANSWERS_SCRIPT)
        .arg(timeout.as_secs().to_string())
        .arg(script)
        .arg(BIN)
        .args(args);
    let r = run_within(&mut cmd, timeout + Duration::from_secs(30));
    r.assert_success();
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("pty helper output is not JSON ({e})\n{}", r.dump()));
    assert_eq!(v["timed_out"], false, "{}", r.dump());
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    Terminal {
        code: v["code"].as_i64().unwrap(),
        answered: v["answered"].as_u64().unwrap() as usize,
        tty: s("tty"),
        stdout: s("stdout"),
        stderr: s("stderr"),
    }
}

/// Runs the real `aws` CLI against moto as moto's default administrator (to create IAM
/// users and devices): its JSON answer, Null for none.
pub fn moto_admin_aws(sb: &Sandbox, args: &[&str]) -> serde_json::Value {
    let mut cmd = sb.command(require_tool("aws"));
    cmd.args(args)
        .args(["--output", "json", "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_ENDPOINT_URL", moto().url());
    let r = run(&mut cmd);
    r.assert_success();
    if r.stdout.trim().is_empty() {
        return serde_json::Value::Null;
    }
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.dump()))
}

/// One HTTP/1.1 request from `reader`: its head (request line and headers, as text) and
/// its body of `Content-Length` bytes; None when the connection ends first.
pub fn read_http_request(reader: &mut impl BufRead) -> Option<(String, Vec<u8>)> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let end = line == b"\r\n";
        head.extend_from_slice(&line);
        if end {
            break;
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// `python3 tests/NAME` with piped stdin and stdout, reading files as UTF-8 whatever the
/// locale (as botocore reads them on any usual system); a missing python3 fails the test.
pub fn python3_script(name: &str) -> Child {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name);
    Command::new("python3")
        .arg(&script)
        .env("PYTHONUTF8", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}): this test needs python3 and botocore (pip install botocore)")
        })
}
