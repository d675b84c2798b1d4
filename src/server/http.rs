//! The endpoint's HTTP/1.1, by hand over std's TcpStream: one GET per connection, a head of
//! at most 8 KiB read within 5 s, `Connection: close` on every answer. The container
//! providers of botocore, the Rust and the Node SDKs send nothing else.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The path of the credentials: the one part of `AWS_CONTAINER_CREDENTIALS_FULL_URI` after
/// the port.
pub const PATH: &str = "/credentials";

/// The longest request head taken (request line and headers).
const MAX_HEAD: usize = 8 * 1024;

/// How long a client has to send its request head, and to take the answer.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// The secret of `AWS_CONTAINER_AUTHORIZATION_TOKEN`: 32 bytes from the OS, in hex.
pub struct Token(String);

impl Token {
    pub fn random() -> Result<Token> {
        let mut bytes = [0u8; 32];
        // SAFETY: getentropy writes at most bytes.len() (≤ 256) bytes into bytes.
        if unsafe { libc::getentropy(bytes.as_mut_ptr().cast(), bytes.len()) } != 0 {
            return Err(Error::new(format!(
                "cannot get random bytes for the endpoint's token: {}",
                io::Error::last_os_error()
            )));
        }
        Ok(Token(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `given` is the token, in a time that does not depend on where they differ.
    fn matches(&self, given: &[u8]) -> bool {
        let ours = self.0.as_bytes();
        if given.len() != ours.len() {
            return false;
        }
        let diff = ours
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(diff) == 0
    }

    #[cfg(test)]
    fn fixed(text: &str) -> Token {
        Token(text.to_string())
    }
}

/// What a request gets.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A head that is no HTTP/1.x request, or one with a body.
    BadRequest,
    /// No token, a wrong one, or more than one: 403 and nothing else.
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// The credentials, from the cache or renewed.
    Credentials,
}

/// Judges a request head (up to and without its blank line). The token is checked before
/// anything else is said about the request.
pub fn judge(head: &[u8], token: &Token) -> Verdict {
    let Ok(head) = std::str::from_utf8(head) else {
        return Verdict::BadRequest;
    };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Verdict::BadRequest;
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") || method.is_empty() || target.is_empty() {
        return Verdict::BadRequest;
    }
    let mut authorization = None;
    let mut tokens = 0;
    let mut body = false;
    for line in lines {
        // A folded line, or one with no name: not a header line a client sends.
        let Some((name, value)) = line.split_once(':') else {
            return Verdict::BadRequest;
        };
        if name.is_empty() || name.contains([' ', '\t']) {
            return Verdict::BadRequest;
        }
        let value = value.trim_matches([' ', '\t']);
        if name.eq_ignore_ascii_case("authorization") {
            tokens += 1;
            authorization = Some(value);
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            || (name.eq_ignore_ascii_case("content-length") && value != "0")
        {
            body = true;
        }
    }
    let authorized = tokens == 1 && authorization.is_some_and(|t| token.matches(t.as_bytes()));
    if !authorized {
        return Verdict::Forbidden;
    }
    if body {
        return Verdict::BadRequest;
    }
    if method != "GET" {
        return Verdict::MethodNotAllowed;
    }
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    if path != PATH {
        return Verdict::NotFound;
    }
    Verdict::Credentials
}

/// Reads a request head: the bytes before the first blank line. None for a head that is
/// too long (or a connection closed before its end); an error when the client is too slow.
pub fn read_head(stream: &mut TcpStream, deadline: Instant) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(left))?;
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        // The end may straddle two reads: look again from 3 bytes before this one.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        if let Some(end) = head[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            head.truncate(from + end);
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
    }
}

/// A whole answer: status line, headers, body. Nothing in it is ever cached by a client.
pub fn response(status: u16, body: &[u8]) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    if !body.is_empty() {
        out.push_str("Content-Type: application/json\r\n");
    }
    if status == 405 {
        out.push_str("Allow: GET\r\n");
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// The status and body of an answer that holds no credentials.
pub fn refusal(verdict: &Verdict) -> (u16, Vec<u8>) {
    let (status, message) = match verdict {
        // Nothing but the status to a request without the token.
        Verdict::Forbidden => return (403, Vec::new()),
        Verdict::BadRequest => (400, "not a request of an AWS SDK's container provider"),
        Verdict::NotFound => (404, "no such path: the credentials are at /credentials"),
        Verdict::MethodNotAllowed => (405, "only GET is answered"),
        Verdict::Credentials => unreachable!("credentials are no refusal"),
    };
    (status, error_body(message))
}

/// The body of an error: `{"Code": …, "Message": …}`, as the ECS agent answers, which
/// botocore shows as it is and the Node SDK keeps on its error.
pub fn error_body(message: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"Code": "AwsMfaError", "Message": message}))
        .unwrap_or_default()
}

/// Writes the answer and closes the connection.
pub fn answer(mut stream: TcpStream, status: u16, body: &[u8]) {
    let _ = stream.set_write_timeout(Some(PATIENCE));
    let _ = stream.write_all(&response(status, body));
    let _ = stream.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "5f1e0c0a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";

    fn verdict(head: &str) -> Verdict {
        judge(head.as_bytes(), &Token::fixed(TOKEN))
    }

    fn get(path: &str, headers: &str) -> String {
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:4000{headers}")
    }

    #[test]
    fn the_token_opens_the_credentials_and_nothing_else_does() {
        let auth = format!("\r\nAuthorization: {TOKEN}");
        assert_eq!(verdict(&get(PATH, &auth)), Verdict::Credentials);
        assert_eq!(
            verdict(&get(&format!("{PATH}?x=1"), &auth)),
            Verdict::Credentials
        );
        assert_eq!(
            verdict(&get(PATH, &format!("\r\naUtHoRiZaTiOn:{TOKEN}  "))),
            Verdict::Credentials
        );
        assert_eq!(verdict(&get(PATH, "")), Verdict::Forbidden);
        assert_eq!(
            verdict(&get(PATH, &format!("\r\nAuthorization: Bearer {TOKEN}"))),
            Verdict::Forbidden
        );
        assert_eq!(
            verdict(&get(PATH, &format!("\r\nAuthorization: {}", &TOKEN[1..]))),
            Verdict::Forbidden
        );
        assert_eq!(
            verdict(&get(PATH, &format!("{auth}{auth}"))),
            Verdict::Forbidden,
            "two tokens"
        );
        // Without the token, nothing is said about the path or the method.
        assert_eq!(verdict(&get("/other", "")), Verdict::Forbidden);
        assert_eq!(
            verdict(&format!("POST {PATH} HTTP/1.1\r\nContent-Length: 5")),
            Verdict::Forbidden
        );
        assert_eq!(verdict(&get("/", &auth)), Verdict::NotFound);
        assert_eq!(
            verdict(&format!("DELETE {PATH} HTTP/1.1{auth}")),
            Verdict::MethodNotAllowed
        );
        assert_eq!(
            verdict(&format!("GET {PATH} HTTP/1.1{auth}\r\nContent-Length: 3")),
            Verdict::BadRequest
        );
        assert_eq!(
            verdict(&format!("GET {PATH} HTTP/1.1{auth}\r\nContent-Length: 0")),
            Verdict::Credentials
        );
    }

    #[test]
    fn what_is_no_http_request_is_bad() {
        for head in [
            "",
            "GET /credentials",
            "GET /credentials HTTP/2",
            "GET  /credentials HTTP/1.1",
            "GET /credentials HTTP/1.1\r\n folded",
            "GET /credentials HTTP/1.1\r\nNo colon",
            "GET /credentials HTTP/1.1\r\nBad Name: x",
        ] {
            assert_eq!(verdict(head), Verdict::BadRequest, "{head:?}");
        }
        assert_eq!(
            judge(b"GET / HTTP/1.1\r\n\xff: x", &Token::fixed(TOKEN)),
            Verdict::BadRequest
        );
    }

    #[test]
    fn answers_close_the_connection_and_refusals_hold_no_credentials() {
        let text = String::from_utf8(response(200, b"{}")).unwrap();
        assert_eq!(
            text,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n\r\n{}"
        );
        assert_eq!(refusal(&Verdict::Forbidden), (403, Vec::new()));
        let forbidden = String::from_utf8(response(403, &[])).unwrap();
        assert!(forbidden.ends_with(
            "Content-Length: 0\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
        ));
        assert!(!forbidden.contains("Content-Type"));
        let (status, body) = refusal(&Verdict::MethodNotAllowed);
        assert_eq!(status, 405);
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["Code"], "AwsMfaError");
        assert!(
            String::from_utf8(response(405, b"{}"))
                .unwrap()
                .contains("\r\nAllow: GET\r\n")
        );
    }

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (Token::random().unwrap(), Token::random().unwrap());
        assert_eq!(a.as_str().len(), 64);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.as_str(), b.as_str());
        assert!(a.matches(a.as_str().as_bytes()));
        assert!(!a.matches(b.as_str().as_bytes()));
    }
}
