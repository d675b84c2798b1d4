//! Endpoints as the SDKs choose them, and the settings handed to the child (issue 10):
//! FIPS and dual-stack, the `services` section, `sts_regional_endpoints = legacy`, and what
//! `exec`/`env` hand over.
//!
//! The host a client chooses is observed without real network: HTTPS_PROXY points at a
//! TLS-intercepting recorder on 127.0.0.1 (python3, a CA made by openssl for the test,
//! trusted through SSL_CERT_FILE by aws-mfa and AWS_CA_BUNDLE by the aws CLI). It logs
//! each CONNECT host with the request's Authorization header and answers STS itself.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::*;

const RECORDER: &str = r#"
import json, socket, ssl, sys, threading, time, urllib.parse
log = open(sys.argv[1], "a", buffering=1)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
lock = threading.Lock()
def head(f):
    lines = []
    while True:
        l = f.readline()
        if not l or l in (b"\r\n", b"\n"):
            return lines
        lines.append(l.decode("latin-1").rstrip("\r\n"))
def answer(action):
    exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    if action == "GetSessionToken":
        return 200, ("<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetSessionTokenResult><Credentials>"
            "<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>"
            "<SessionToken>AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT</SessionToken><Expiration>" + exp + "</Expiration>"
            "</Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId></ResponseMetadata></GetSessionTokenResponse>")
    if action == "GetCallerIdentity":
        return 200, ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
            "<Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"
            "</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>")
    return 400, ("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not recorded</Message></Error>"
        "<RequestId>x</RequestId></ErrorResponse>")
def serve(c):
    try:
        f = c.makefile("rb")
        first = head(f)
        if not first:
            return
        method, target = first[0].split(" ")[:2]
        if method != "CONNECT":
            with lock:
                log.write(json.dumps({"plain": target}) + "\n")
            c.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        t = ctx.wrap_socket(c, server_side=True)
        tf = t.makefile("rb")
        while True:
            req = head(tf)
            if not req:
                return
            headers = {}
            for h in req[1:]:
                k, _, v = h.partition(":")
                headers[k.strip().lower()] = v.strip()
            body = tf.read(int(headers.get("content-length", "0"))).decode("latin-1")
            form = dict(urllib.parse.parse_qsl(body))
            action = form.get("Action", "")
            with lock:
                log.write(json.dumps({"connect": target, "action": action,
                    "authorization": headers.get("authorization", "")}) + "\n")
            status, text = answer(action)
            data = text.encode()
            t.sendall(("HTTP/1.1 %d X\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n"
                "x-amzn-RequestId: 58c5dbae-abef-11e0-8cfe-09039844ac7d\r\n\r\n" % (status, len(data))).encode() + data)
    except Exception as e:
        with lock:
            log.write(json.dumps({"error": repr(e)}) + "\n")
    finally:
        c.close()
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(32)
print(srv.getsockname()[1], flush=True)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"#;

/// Every host name a test makes a client choose: the leaf certificate names them all.
const HOSTS: [&str; 7] = [
    "sts.amazonaws.com",
    "sts.eu-west-1.amazonaws.com",
    "sts-fips.eu-west-1.amazonaws.com",
    "sts.eu-west-1.api.aws",
    "sts-fips.eu-west-1.api.aws",
    "sts.us-east-1.amazonaws.com",
    "sts-fips.us-east-1.amazonaws.com",
];

/// One thing the recorder saw.
#[derive(Debug, Clone)]
struct Seen {
    host: String,
    action: String,
    authorization: String,
}

/// The TLS-intercepting recorder; killed when dropped.
struct Recorder {
    child: Child,
    port: u16,
    log: PathBuf,
    ca: PathBuf,
}

impl Recorder {
    fn start(dir: &Path) -> Recorder {
        require_tool("python3");
        let pki = make_pki(dir, &HOSTS);
        let ca = pki.ca.clone();
        let log = dir.join("recorded.jsonl");
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(RECORDER)
            .arg(&log)
            .arg(&pki.cert)
            .arg(&pki.key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run python3");
        let mut line = String::new();
        // The recorder prints its port once it listens.
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("recorder did not start: {line:?}"));
        Recorder {
            child,
            port,
            log,
            ca,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything seen so far (each line is written before the answer is sent).
    fn seen(&self) -> Vec<Seen> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                assert!(v.get("error").is_none(), "recorder failed: {l}");
                assert!(v.get("plain").is_none(), "a request went past TLS: {l}");
                let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
                Seen {
                    host: s("connect"),
                    action: s("action"),
                    authorization: s("authorization"),
                }
            })
            .collect()
    }

    fn hosts_of(&self, action: &str) -> Vec<String> {
        let mut hosts: Vec<String> = self
            .seen()
            .into_iter()
            .filter(|s| s.action == action)
            .map(|s| s.host)
            .collect();
        hosts.dedup();
        hosts
    }

    /// A command with no endpoint of the sandbox: STS is reached through the recorder.
    fn through(&self, mut cmd: Command) -> Command {
        cmd.env_remove("AWS_ENDPOINT_URL")
            .env("HTTPS_PROXY", self.url())
            .env("SSL_CERT_FILE", &self.ca)
            .env("AWS_CA_BUNDLE", &self.ca)
            .env("AWS_MAX_ATTEMPTS", "1");
        cmd
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox(config: &str, credentials_profiles: &[&str]) -> Sandbox {
    let sb = Sandbox::empty();
    let creds: String = credentials_profiles
        .iter()
        .map(|p| {
            format!(
                "[{p}]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
            )
        })
        .collect();
    sb.write_credentials(&creds);
    sb.write_config(config);
    sb
}

fn env_through(sb: &Sandbox, rec: &Recorder, profile: &str, vars: &[(&str, &str)]) -> Run {
    let mut cmd = rec.through(sb.cmd(["env", "-p", profile, "--token-code", CODE]));
    cmd.envs(vars.iter().copied());
    run(&mut cmd)
}

#[test]
fn fips_and_dualstack_choose_the_sts_host_as_the_sdks_do() {
    let sb = sandbox(
        &format!(
            "[profile plain]\nregion = eu-west-1\nmfa_serial = {DEVICE}\n\
             [profile fips]\nregion = eu-west-1\nmfa_serial = {DEVICE}\nuse_fips_endpoint = true\n\
             [profile dual]\nregion = eu-west-1\nmfa_serial = {DEVICE}\nuse_dualstack_endpoint = true\n\
             [profile both]\nregion = eu-west-1\nmfa_serial = {DEVICE}\nuse_fips_endpoint = true\nuse_dualstack_endpoint = True\n"
        ),
        &["plain", "fips", "dual", "both"],
    );
    let rec = Recorder::start(&sb.root);
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        ("plain", &[], "sts.eu-west-1.amazonaws.com:443"),
        ("fips", &[], "sts-fips.eu-west-1.amazonaws.com:443"),
        (
            "plain",
            &[("AWS_USE_FIPS_ENDPOINT", "true")],
            "sts-fips.eu-west-1.amazonaws.com:443",
        ),
        // The variable beats the profile, as for the SDKs.
        (
            "fips",
            &[("AWS_USE_FIPS_ENDPOINT", "false")],
            "sts.eu-west-1.amazonaws.com:443",
        ),
        ("dual", &[], "sts.eu-west-1.api.aws:443"),
        (
            "plain",
            &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
            "sts.eu-west-1.api.aws:443",
        ),
        ("both", &[], "sts-fips.eu-west-1.api.aws:443"),
    ];
    for (profile, vars, host) in cases {
        let before = rec.seen().len();
        let r = env_through(&sb, &rec, profile, vars);
        r.assert_success();
        let seen: Vec<Seen> = rec.seen().split_off(before);
        assert_eq!(seen.len(), 1, "{profile} {vars:?}: {seen:?}");
        assert_eq!(seen[0].action, "GetSessionToken");
        assert_eq!(&seen[0].host, host, "{profile} {vars:?}");
        assert!(
            seen[0]
                .authorization
                .contains("/eu-west-1/sts/aws4_request"),
            "{seen:?}"
        );
        // Cached: each case asks STS again.
        std::fs::remove_dir_all(&sb.cache).unwrap();
    }
}

#[test]
fn legacy_global_endpoint_is_signed_for_us_east_1() {
    let sb = sandbox(
        &format!(
            "[profile legacy]\nregion = eu-west-1\nmfa_serial = {DEVICE}\nsts_regional_endpoints = legacy\n"
        ),
        &["legacy"],
    );
    let rec = Recorder::start(&sb.root);
    env_through(&sb, &rec, "legacy", &[]).assert_success();
    let seen = rec.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].host, "sts.amazonaws.com:443");
    assert!(
        seen[0]
            .authorization
            .contains("/us-east-1/sts/aws4_request"),
        "the global endpoint accepts only us-east-1: {}",
        seen[0].authorization
    );
}

#[test]
fn exec_fips_reaches_the_host_the_aws_cli_reaches() {
    require_tool("aws");
    let sb = sandbox(
        &format!(
            "[default]\nregion = us-east-1\n\
             [profile fips]\nregion = eu-west-1\nmfa_serial = {DEVICE}\nuse_fips_endpoint = true\n"
        ),
        &["fips"],
    );
    let rec = Recorder::start(&sb.root);
    let aws = ["aws", "sts", "get-caller-identity"];
    let mut cmd = rec.through(sb.cmd(["exec", "-p", "fips", "--token-code", CODE, "--"]));
    cmd.args(aws);
    run(&mut cmd).assert_success();
    let by_aws_mfa = rec.hosts_of("GetCallerIdentity");
    let mut cmd = rec.through(sb.command("aws"));
    cmd.args(["--profile", "fips", "sts", "get-caller-identity"]);
    run(&mut cmd).assert_success();
    let all = rec.hosts_of("GetCallerIdentity");
    assert_eq!(all.len(), 1, "both must reach one host: {all:?}");
    assert_eq!(by_aws_mfa, ["sts-fips.eu-west-1.amazonaws.com:443"]);
    assert_eq!(
        rec.hosts_of("GetSessionToken"),
        ["sts-fips.eu-west-1.amazonaws.com:443"]
    );
}

/// A config whose `corp` profile names `[services corp]`, whose sts endpoint is `sts`,
/// and whose own endpoint_url is `profile`; `extra`: more lines of the profile.
fn services_config(sts: &str, profile: &str, extra: &str) -> String {
    format!(
        "[profile corp]\nregion = eu-west-1\nmfa_serial = {DEVICE}\nservices = corp\nendpoint_url = {profile}\n{extra}\
         [services corp]\nsts =\n  endpoint_url = {sts}\ns3 =\n  endpoint_url = http://s3.corp.example\n"
    )
}

#[test]
fn services_section_endpoint_is_used_with_botocores_precedence() {
    let dead = dead_endpoint();
    let sb = sandbox("", &["corp"]);
    // The services section beats the profile's endpoint_url.
    sb.write_config(&services_config(&sb.endpoint(), &dead, ""));
    let mut cmd = sb.cmd(["env", "-p", "corp", "--token-code", CODE]);
    cmd.env_remove("AWS_ENDPOINT_URL");
    run(&mut cmd).assert_success();
    assert_eq!(
        sb.proxy.count("GetSessionToken"),
        1,
        "{}",
        sb.proxy.summary()
    );

    // AWS_ENDPOINT_URL beats the services section; AWS_ENDPOINT_URL_STS beats both. Each
    // call has a code of its own: aws-mfa never sends a code STS just accepted.
    sb.write_config(&services_config(&dead, &dead, ""));
    run(&mut sb.cmd(["env", "-p", "corp", "--token-code", "654321", "--refresh"])).assert_success();
    assert_eq!(sb.proxy.count("GetSessionToken"), 2);
    let mut cmd = sb.cmd(["env", "-p", "corp", "--token-code", "246810", "--refresh"]);
    cmd.env("AWS_ENDPOINT_URL", &dead)
        .env("AWS_ENDPOINT_URL_STS", sb.endpoint());
    run(&mut cmd).assert_success();
    assert_eq!(sb.proxy.count("GetSessionToken"), 3);
}

#[test]
fn services_section_iam_endpoint_is_asked_for_the_device() {
    let sb = Sandbox::empty();
    let iam = Proxy::start(format!("127.0.0.1:{}", moto().port));
    sb.write_credentials(&format!(
        "[corp]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    ));
    sb.write_config(&format!(
        "[profile corp]\nregion = eu-west-1\nservices = corp\n\
         [services corp]\nsts =\n  endpoint_url = {}\niam =\n  endpoint_url = {}\n",
        sb.endpoint(),
        iam.url()
    ));
    let mut cmd = sb.cmd(["env", "-p", "corp", "--token-code", CODE]);
    cmd.env_remove("AWS_ENDPOINT_URL");
    // moto knows no MFA device of this user: the command fails, after asking IAM there.
    let r = run(&mut cmd);
    assert_eq!(sb.proxy.count("GetCallerIdentity"), 1, "{}", r.dump());
    assert_eq!(iam.count("ListMFADevices"), 1, "{}", r.dump());
}

#[test]
fn exec_and_env_hand_the_profiles_sdk_settings_to_the_child() {
    let dead = dead_endpoint();
    let sb = sandbox(
        &services_config(
            &dead,
            &dead,
            "output = text\nuse_fips_endpoint = true\nuse_dualstack_endpoint = false\n",
        ),
        &["corp"],
    );
    // The STS call goes to the sandbox (AWS_ENDPOINT_URL beats the files); FIPS is kept off
    // for it, as no custom endpoint may be FIPS.
    let mut cmd = sb.cmd(["exec", "-p", "corp", "--token-code", CODE, "--", "env"]);
    cmd.env("AWS_USE_FIPS_ENDPOINT", "false");
    let r = run(&mut cmd);
    r.assert_success();
    let env = parse_env(&r.stdout);
    assert_eq!(
        env.get("AWS_DEFAULT_OUTPUT").map(String::as_str),
        Some("text")
    );
    assert_eq!(
        env.get("AWS_USE_DUALSTACK_ENDPOINT").map(String::as_str),
        Some("false")
    );
    // Inherited, not handed over: the variable stays the caller's.
    assert_eq!(
        env.get("AWS_USE_FIPS_ENDPOINT").map(String::as_str),
        Some("false")
    );
    // AWS_ENDPOINT_URL of the caller beats every file endpoint: none is handed over.
    assert_eq!(env.get("AWS_ENDPOINT_URL"), Some(&sb.endpoint()));
    assert!(!env.contains_key("AWS_ENDPOINT_URL_S3"), "{env:?}");
    assert!(!env.contains_key("AWS_PROFILE"));

    // Without AWS_ENDPOINT_URL, the profile's endpoints are handed over (from the cache).
    let mut cmd = sb.cmd(["env", "-p", "corp", "--format", "json"]);
    cmd.env_remove("AWS_ENDPOINT_URL");
    let r = run(&mut cmd);
    r.assert_success();
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["AWS_ENDPOINT_URL"], dead.as_str());
    assert_eq!(json["AWS_ENDPOINT_URL_STS"], dead.as_str());
    assert_eq!(json["AWS_ENDPOINT_URL_S3"], "http://s3.corp.example");
    assert_eq!(json["AWS_USE_FIPS_ENDPOINT"], "true");
    assert_eq!(json["AWS_USE_DUALSTACK_ENDPOINT"], "false");
    assert_eq!(json["AWS_DEFAULT_OUTPUT"], "text");
    assert!(json["AWS_PROFILE"].is_null());
}
