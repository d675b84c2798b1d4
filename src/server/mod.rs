//! `aws-mfa exec --server -- CMD` (docs/design.md §10): CMD runs as a child, and a
//! credentials endpoint on 127.0.0.1 inside this process answers its SDKs' container
//! provider (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, `AWS_CONTAINER_AUTHORIZATION_TOKEN`).
//!
//! Each request is answered by `provider::obtain` from the plan made once: the cache, else
//! the role assumed again from the cached MFA session, else a new session with a code. One
//! thread obtains, so requests are answered one at a time and a code is asked for once.
//! Threads, not tokio: a thread per connection (at most 64), one that obtains, one that
//! accepts; the main thread waits for the command and exits with its status.

mod child;
mod http;

use std::ffi::{OsStr, OsString};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use crate::cli::CredentialOpts;
use crate::error::{Error, Result, bail};
use crate::ini::Ini;
use crate::log::{debug, warning};
use crate::mfa::{self, MfaSource};
use crate::plan::{DeviceSource, Plan, Purpose};
use crate::provider::{self, Handover};
use crate::render;
use crate::settings::{self, Settings};
use crate::text;
use http::{Token, Verdict};

/// Connections handled at once; more are closed unanswered.
const MAX_CONNECTIONS: usize = 64;

/// After a failed attempt, how long requests get its error rather than a new attempt: the
/// SDKs retry within a second or two, and each retry would prompt (or call STS) again.
const QUIET_AFTER_FAILURE: Duration = Duration::from_secs(5);

/// Said under -v for each request answered with credentials or an error.
const ANSWERED: &str = "credentials endpoint: answered request";

/// Variables that no child of `--server` gets, beyond those `exec` unsets: the static
/// credentials, and botocore's legacy credentials file, which it reads before the endpoint.
const ALSO_UNSET: [&str; 1] = ["AWS_CREDENTIAL_FILE"];

/// A request for credentials, from a connection's thread to the one that obtains them.
struct Ask {
    arrived: Instant,
    reply: mpsc::Sender<Reply>,
}

/// The credentials document, or the sentence that says why there is none.
type Reply = std::result::Result<Vec<u8>, String>;

pub fn run(opts: &CredentialOpts, program: &OsStr, args: &[OsString]) -> Result<()> {
    let settings = crate::cmd::settings(opts)?;
    let mut plan = Plan::new(&settings, Purpose::Handover)?;
    refuse_credentials_the_sdk_prefers()?;
    // As `exec`: the first credentials (and a code, if one is needed) before the command runs.
    let first = provider::obtain(&plan)?;
    for_later_requests(&mut plan, &first, &settings)?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| {
        Error::new(format!(
            "cannot listen on 127.0.0.1 for the credentials endpoint: {e}"
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::new(format!("cannot read the credentials endpoint's port: {e}")))?
        .port();
    let token = Arc::new(Token::random()?);
    let uri = format!("http://127.0.0.1:{port}{}", http::PATH);
    let mut command = Command::new(program);
    command.args(args);
    for name in render::UNSET
        .iter()
        .chain(&render::CREDENTIAL_VARIABLES)
        .chain(&ALSO_UNSET)
    {
        command.env_remove(name);
    }
    command.envs(render::server_variables(&first, &uri, token.as_str()));
    let name = text::escaped(&program.to_string_lossy()).into_owned();
    let (asks, asked) = mpsc::channel::<Ask>();
    let mut child =
        child::spawn(&mut command).map_err(|e| crate::cmd::exec::not_run(program, &e))?;
    debug!(
        "credentials endpoint on 127.0.0.1:{port} for `{name}` (pid {})",
        child.id()
    );
    let preface = format!(
        "aws-mfa: `{name}` (exec --server) needs new credentials for profile {}.\n",
        text::escaped(&plan.profile.profile)
    );
    let started = thread::Builder::new()
        .name("aws-mfa-obtain".into())
        .spawn(move || serve(plan, asked, &preface))
        .and_then(|_| {
            thread::Builder::new()
                .name("aws-mfa-accept".into())
                .spawn(move || accept(listener, token, asks))
        });
    if let Err(e) = started {
        // Without an endpoint the command could not get credentials: it is not left running.
        let _ = child.kill();
        let _ = child.wait();
        bail!("cannot start the credentials endpoint: {e}");
    }
    let status = child.wait();
    Terminal::restore_if_prompting();
    let code = match status {
        Ok(status) => child::exit_code(status),
        Err(e) => {
            warning!("cannot wait for `{name}`: {e}");
            1
        }
    };
    // The endpoint ends with this process: nothing is left listening.
    std::process::exit(code)
}

/// What the first answer settled, so that later requests do not repeat it: `--refresh`
/// applied once, the device IAM named is known, and a code given on the command line or
/// in the environment is spent (a later one comes from mfa_process or the terminal).
fn for_later_requests(plan: &mut Plan, first: &Handover, settings: &Settings) -> Result<()> {
    plan.policy.refresh = false;
    if plan.device.known().is_none() {
        plan.device = DeviceSource::Remembered(first.device.clone());
    }
    if matches!(plan.code, MfaSource::Given(_)) {
        plan.code = MfaSource::choose(
            None,
            plan.profile.mfa_process.as_deref(),
            settings.no_prompt,
        )?;
    }
    Ok(())
}

/// Keys of the config file's `[default]` with which an SDK finds credentials before it
/// asks a container endpoint (botocore's order: env, assume-role, web identity, SSO,
/// shared credentials, process, config file, …, container).
const CONFIG_CREDENTIAL_KEYS: [&str; 6] = [
    "aws_access_key_id",
    "credential_process",
    "role_arn",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
];

/// The command gets no AWS_PROFILE, so its SDK reads `[default]` of the files it finds —
/// and takes credentials from there before it asks the endpoint. Refused, naming them,
/// before any code is asked for; so are botocore's `[Credentials]` of ~/.boto.
fn refuse_credentials_the_sdk_prefers() -> Result<()> {
    // The files as the command finds them: from its environment, not aws-mfa's flags.
    let Ok(child) = Settings::new(&CredentialOpts::default(), &settings::process_env) else {
        return Ok(());
    };
    let files = crate::plan::read_files(&child)?;
    let found = files
        .credentials
        .section("default")
        .filter(|s| s.get("aws_access_key_id").is_some())
        .map(|_| (files.credentials_path.as_str(), "aws_access_key_id"))
        .or_else(|| {
            let section = files.config.profile("default")?;
            let key = CONFIG_CREDENTIAL_KEYS
                .into_iter()
                .find(|k| section.get(k).is_some())?;
            Some((files.config_path.as_str(), key))
        });
    if let Some((path, key)) = found {
        bail!(
            "[default] of {path} sets {key}, which the command's AWS SDK would use before it asks the credentials endpoint of --server; move it to another section (long-term keys to [default-long-term], where aws-mfa also finds them), or run exec without --server"
        );
    }
    let boto = match settings::process_env("BOTO_CONFIG") {
        Some(_) => vec![crate::write_profile::boto_path()?],
        None => vec!["/etc/boto.cfg".into(), crate::write_profile::boto_path()?],
    };
    for path in boto {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let ini = Ini::parse(&text);
        if ini
            .section("Credentials")
            .is_some_and(|s| s.get("aws_access_key_id").is_some())
        {
            bail!(
                "[Credentials] of {} sets aws_access_key_id, which botocore (the aws CLI, boto3) would use before it asks the credentials endpoint of --server; remove that section, or run exec without --server",
                path.display()
            );
        }
    }
    Ok(())
}

/// The thread that obtains: one request at a time, each from the cache or renewed.
fn serve(plan: Plan, asked: mpsc::Receiver<Ask>, preface: &str) {
    let terminal = Terminal::open();
    // The error of the last failed attempt, and until when it stands for new requests.
    let mut failed: Option<(Instant, String)> = None;
    for (n, ask) in asked.into_iter().enumerate() {
        let n = n + 1;
        if let Some((until, message)) = &failed
            && ask.arrived < *until
        {
            debug!("{ANSWERED} {n} with the error of the attempt just made");
            let _ = ask.reply.send(Err(message.clone()));
            continue;
        }
        let prompting = plan.code == MfaSource::Prompt;
        if prompting && let Some(terminal) = &terminal {
            terminal.note_prompting();
        }
        mfa::replace_prompt_preface(prompting.then(|| preface.to_string()));
        let obtained = provider::obtain(&plan);
        mfa::replace_prompt_preface(None);
        Terminal::forget_prompting();
        let reply = match obtained {
            Ok(handover) => {
                failed = None;
                let c = &handover.credentials;
                debug!(
                    "{ANSWERED} {n} with credentials valid until {}",
                    c.expiration_rfc3339()
                );
                Ok(serde_json::to_vec(&serde_json::json!({
                    "AccessKeyId": c.access_key_id,
                    "SecretAccessKey": c.secret_access_key,
                    "Token": c.session_token,
                    "Expiration": c.expiration_rfc3339(),
                }))
                .unwrap_or_default())
            }
            Err(e) => {
                debug!("{ANSWERED} {n} with an error");
                warning!("the credentials endpoint could not renew the credentials: {e}");
                let message = format!(
                    "aws-mfa exec --server (profile {}): {e}",
                    text::escaped(&plan.profile.profile)
                );
                failed = Some((Instant::now() + QUIET_AFTER_FAILURE, message.clone()));
                Err(message)
            }
        };
        let _ = ask.reply.send(reply);
    }
}

/// The thread that accepts: each connection gets a thread of its own, up to a bound.
fn accept(listener: TcpListener, token: Arc<Token>, asks: mpsc::Sender<Ask>) {
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // Out of descriptors, say: give the others a moment to finish.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        if LIVE.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            LIVE.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let (token, asks) = (Arc::clone(&token), asks.clone());
        let spawned = thread::Builder::new()
            .name("aws-mfa-request".into())
            .spawn(move || {
                connection(stream, &token, &asks);
                LIVE.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            LIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One connection: one request, one answer.
fn connection(mut stream: TcpStream, token: &Token, asks: &mpsc::Sender<Ask>) {
    let arrived = Instant::now();
    // Bound to 127.0.0.1, every peer is local; one that is not gets no byte.
    if !stream.peer_addr().is_ok_and(|peer| peer.ip().is_loopback()) {
        return;
    }
    let head = match http::read_head(&mut stream, arrived + http::PATIENCE) {
        Ok(Some(head)) => head,
        Ok(None) => {
            let (status, body) = http::refusal(&Verdict::BadRequest);
            return http::answer(stream, status, &body);
        }
        // Too slow, or gone.
        Err(_) => return,
    };
    let verdict = http::judge(&head, token);
    if verdict != Verdict::Credentials {
        let (status, body) = http::refusal(&verdict);
        return http::answer(stream, status, &body);
    }
    let (reply, replied) = mpsc::channel();
    if asks.send(Ask { arrived, reply }).is_err() {
        return;
    }
    match replied.recv() {
        Ok(Ok(body)) => http::answer(stream, 200, &body),
        Ok(Err(message)) => http::answer(stream, 500, &http::error_body(&message)),
        Err(_) => {}
    }
}

/// The controlling terminal, whose settings are put back when the command exits while a
/// prompt has echo off: aws-mfa exits with it, and the prompt never restores them.
struct Terminal {
    tty: OwnedFd,
}

/// The terminal and its settings from before the prompt that may be running.
static PROMPTING: Mutex<Option<(RawFd, libc::termios)>> = Mutex::new(None);

impl Terminal {
    fn open() -> Option<Terminal> {
        // SAFETY: a NUL-terminated path; the descriptor returned is ours alone.
        let fd = unsafe {
            libc::open(
                c"/dev/tty".as_ptr(),
                libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
            )
        };
        // SAFETY: fd was just opened, and nothing else owns it.
        (fd >= 0).then(|| Terminal {
            tty: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    fn note_prompting(&self) {
        let fd = self.tty.as_raw_fd();
        // SAFETY: termios is plain data, filled in by tcgetattr.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut saved) } == 0 {
            *PROMPTING.lock().unwrap_or_else(|e| e.into_inner()) = Some((fd, saved));
        }
    }

    fn forget_prompting() {
        *PROMPTING.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Called once the command has exited, just before aws-mfa does.
    fn restore_if_prompting() {
        let Some((fd, saved)) = *PROMPTING.lock().unwrap_or_else(|e| e.into_inner()) else {
            return;
        };
        // SAFETY: ignoring SIGTTOU lets a background aws-mfa change the terminal instead of
        // being stopped; saved came from tcgetattr on fd, which is still open.
        unsafe {
            libc::signal(libc::SIGTTOU, libc::SIG_IGN);
            libc::tcsetattr(fd, libc::TCSANOW, &saved);
            libc::write(fd, b"\n".as_ptr().cast(), 1);
        }
    }
}
