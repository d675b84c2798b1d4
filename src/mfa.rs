//! Where an MFA code comes from (DESIGN.md §6): the flag or `AWS_MFA_TOKEN_CODE`,
//! the profile's `mfa_process`, or a prompt on the controlling terminal (in the classic
//! workflow, the first line of a standard input that is no terminal).

use std::ffi::OsStr;
use std::io::{self, IsTerminal, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{ChildStdout, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result, bail};
use crate::log::{debug, note};
use crate::text;
use crate::used_codes::TOTP_STEP;

/// How a code will be obtained, decided before any code is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MfaSource {
    Given(String),
    /// `mfa_process`: the command, and how long it may take.
    Process {
        command: String,
        timeout: Duration,
    },
    Prompt,
    /// The classic workflow's standard input, when it is no terminal: its first line.
    Stdin,
    /// `--no-prompt`: a code is not to be had.
    Refuse,
}

impl MfaSource {
    /// `given` was checked by `check_given`; without it, `mfa_process`, else a prompt,
    /// unless `no_prompt` says no code is to be asked for. An invalid
    /// `AWS_MFA_PROCESS_TIMEOUT` is refused here, when `mfa_process` would be run: before
    /// anything is asked or run, even when the cache will make it unnecessary.
    pub fn choose(given: Option<&str>, mfa_process: Option<&str>, no_prompt: bool) -> Result<Self> {
        Self::choose_with(given, mfa_process, no_prompt, process_timeout)
    }

    fn choose_with(
        given: Option<&str>,
        mfa_process: Option<&str>,
        no_prompt: bool,
        timeout: impl FnOnce() -> Result<Duration>,
    ) -> Result<Self> {
        Ok(match (given, mfa_process) {
            (Some(code), _) => Self::Given(code.to_string()),
            _ if no_prompt => Self::Refuse,
            (None, Some(command)) => Self::Process {
                command: command.to_string(),
                timeout: timeout()?,
            },
            (None, None) => Self::Prompt,
        })
    }

    /// The classic workflow takes the code from a standard input that is no terminal
    /// (`echo 123456 | aws-mfa -p dev`, as the Python aws-mfa did) where it would prompt;
    /// exec, env and credential-process leave standard input to the command or the SDK.
    pub fn or_stdin(self) -> Self {
        match self {
            Self::Prompt if !io::stdin().is_terminal() => Self::Stdin,
            other => other,
        }
    }

    /// The code, asking for it if need be. `what` names the device and the duration.
    /// `spent` says how many seconds ago STS accepted a code for this device, when that is
    /// within `used_codes::REUSE_WINDOW`: such a code is never returned (§6).
    pub fn code(&self, device: &str, what: &str, spent: Spent) -> Result<String> {
        match self {
            Self::Given(code) => unspent(code.clone(), "given", device, spent),
            Self::Process { command, timeout } => fresh_from_process(
                || run_mfa_process(command, *timeout),
                &program_of(command),
                device,
                spent,
                thread::sleep,
                since_epoch,
            ),
            Self::Prompt => prompt(device, what, spent),
            Self::Stdin => unspent(stdin_code(device)?, "from standard input", device, spent),
            Self::Refuse => Err(Error::new(format!(
                "a new MFA code for {device} is needed ({what}) and --no-prompt forbids asking; run again without --no-prompt"
            ))),
        }
    }
}

/// How many seconds ago STS accepted a code for the device, if it counts as spent.
pub type Spent<'a> = &'a dyn Fn(&str) -> Option<i64>;

/// `code`, unless it is spent: then, at once, why it is not sent.
fn unspent(code: String, from: &str, device: &str, spent: Spent) -> Result<String> {
    match spent(&code) {
        None => Ok(code),
        Some(ago) => bail!(
            "the MFA code {from} for {device} was accepted by STS {} s ago, and AWS accepts each code only once; wait for the next code your device shows and give that one",
            ago.max(0)
        ),
    }
}

/// The code of `run` (mfa_process), run once more at the start of the next TOTP step when
/// the first is spent; the same spent code then is refused. `sleep` and `clock` (the time
/// since the Unix epoch) are the real ones but in tests.
fn fresh_from_process(
    mut run: impl FnMut() -> Result<String>,
    program: &str,
    device: &str,
    spent: Spent,
    mut sleep: impl FnMut(Duration),
    clock: impl Fn() -> Duration,
) -> Result<String> {
    let code = run()?;
    let Some(ago) = spent(&code) else {
        return Ok(code);
    };
    let wait = until_next_step(clock());
    note!(
        "mfa_process '{program}' gave the code STS accepted {} s ago, and AWS accepts each code only once: waiting {:.1} s for the next {TOTP_STEP}-second step to run it again",
        ago.max(0),
        wait.as_secs_f64()
    );
    sleep(wait);
    let code = run()?;
    match spent(&code) {
        None => Ok(code),
        Some(ago) => bail!(
            "mfa_process '{}' gave the code STS accepted {} s ago for {device} again at the next {TOTP_STEP}-second step, and AWS accepts each code only once; run it by hand to check that it prints the current code of that device",
            text::escaped(program),
            ago.max(0)
        ),
    }
}

/// From `since_epoch` to the start of the next TOTP step (steps are aligned to the epoch).
fn until_next_step(since_epoch: Duration) -> Duration {
    let step = Duration::from_secs(TOTP_STEP);
    let into = since_epoch.as_nanos() % step.as_nanos();
    step - Duration::from_nanos(into as u64)
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// The program of an `mfa_process` command, for messages (never its arguments).
fn program_of(command: &str) -> String {
    shell_words::split(command)
        .ok()
        .and_then(|words| words.into_iter().next())
        .unwrap_or_default()
}

/// A code given on the command line or in the environment (`from` says which), checked
/// at once so that a malformed one never reaches STS.
pub fn check_given(token_code: Option<&str>, from: &str) -> Result<Option<String>> {
    token_code
        .map(|code| check_code(code, from).map(|()| code.to_string()))
        .transpose()
}

fn is_code(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

fn check_code(code: &str, from: &str) -> Result<()> {
    if is_code(code) {
        return Ok(());
    }
    bail!("the MFA code from {from} must be exactly 6 digits; give the code your device shows now")
}

/// The variable that sets how long `mfa_process` may run.
pub const PROCESS_TIMEOUT_VAR: &str = "AWS_MFA_PROCESS_TIMEOUT";
const DEFAULT_PROCESS_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_PROCESS_TIMEOUT_SECS: u64 = 86_400;
/// The longest first line taken from `mfa_process`, its line break not counted.
const MAX_LINE: usize = 4096;
/// How long an ended process group has between SIGTERM and SIGKILL.
const TERM_GRACE: Duration = Duration::from_millis(500);

/// How long `mfa_process` may run: `AWS_MFA_PROCESS_TIMEOUT` (whole seconds), else 60 s.
pub fn process_timeout() -> Result<Duration> {
    parse_process_timeout(std::env::var_os(PROCESS_TIMEOUT_VAR).as_deref())
}

fn parse_process_timeout(value: Option<&OsStr>) -> Result<Duration> {
    // Empty is unset, as for AWS_MFA_CACHE_DIR.
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(DEFAULT_PROCESS_TIMEOUT);
    };
    let seconds = value
        .to_str()
        .filter(|v| v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|s| (1..=MAX_PROCESS_TIMEOUT_SECS).contains(s));
    match seconds {
        Some(seconds) => Ok(Duration::from_secs(seconds)),
        None => bail!(
            "{PROCESS_TIMEOUT_VAR} must be a whole number of seconds from 1 to {MAX_PROCESS_TIMEOUT_SECS} (it is {:?}); fix it or unset it for the default of 60",
            value.to_string_lossy()
        ),
    }
}

/// Runs `mfa_process` in a process group of its own, and takes the code from the first
/// line of its stdout, without waiting for EOF. Its stdin and stderr are aws-mfa's, and it
/// holds the terminal's foreground while it runs, so it may prompt there.
///
/// Bounded by `timeout` from start to exit: a process that has printed no line by then,
/// or whose first line is longer than `MAX_LINE`, is ended with its whole group. Once the
/// line is read our end of the pipe is closed, so a process that keeps writing gets
/// SIGPIPE (an end that counts as success); it must then exit within what is left of
/// `timeout`, with status 0, else its group is ended and nothing is used. What it leaves
/// running in the background after a success is its own business: it holds nothing of
/// aws-mfa's but a pipe nobody reads.
fn run_mfa_process(command: &str, timeout: Duration) -> Result<String> {
    let argv = shell_words::split(command).map_err(|_| {
        Error::new("mfa_process has unbalanced quotes; fix the profile's mfa_process line")
    })?;
    let Some((program, args)) = argv.split_first() else {
        bail!("mfa_process is empty; remove it or give a command that prints the code");
    };
    let deadline = Instant::now() + timeout;
    let seconds = timeout.as_secs();
    // The program only: its arguments may hold a secret (oathtool --totp -b SEED).
    debug!("asking mfa_process '{program}' for the code (it may take {seconds} s)");
    let more_time = format!("allow it more time with {PROCESS_TIMEOUT_VAR} (in seconds)");
    let terminal = Foreground::claim();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .process_group(0);
    if let Some(tty) = terminal.as_ref().map(|t| t.tty.as_raw_fd()) {
        // SAFETY: take_foreground only makes async-signal-safe calls.
        unsafe {
            cmd.pre_exec(move || {
                take_foreground(tty);
                Ok(())
            });
        }
    }
    let (mut group, mut stdout) = Group::spawn(&mut cmd)
        .map_err(|e| Error::new(format!("cannot run mfa_process '{program}': {e}")))?;
    let line = first_line(&mut stdout, &mut group, deadline);
    // A process that goes on writing gets SIGPIPE.
    drop(stdout);
    let give_up = |message: String| (Err(Error::new(message)), true);
    let (outcome, ended) = match line {
        Ok(Line::Read(line)) => match group.wait(deadline) {
            Ok(Some(status)) if status.success() || status.signal() == Some(libc::SIGPIPE) => {
                (Ok(line), false)
            }
            Ok(Some(status)) => (Err(failed(program, status)), false),
            Ok(None) => give_up(format!(
                "mfa_process '{program}' printed a line but did not exit within {seconds} s and was stopped; make it exit once it has printed the code, or {more_time}"
            )),
            Err(e) => give_up(format!("cannot wait for mfa_process '{program}': {e}")),
        },
        Ok(Line::Failed(status)) => (Err(failed(program, status)), false),
        Ok(Line::TimedOut) => give_up(format!(
            "mfa_process '{program}' did not print a code within {seconds} s and was stopped; run it by hand to see why, or {more_time}"
        )),
        Ok(Line::TooLong) => give_up(format!(
            "mfa_process '{program}' printed more than {MAX_LINE} bytes without a line break and was stopped; it must print the code on its first line"
        )),
        Err(e) => give_up(format!(
            "cannot read the output of mfa_process '{program}': {e}"
        )),
    };
    if ended {
        group.end();
    }
    drop(group);
    if let Some(terminal) = terminal {
        terminal.restore(ended);
    }
    code_in_output(&outcome?, program)
}

/// The code on mfa_process's first line (its line break included, if any); else a
/// sentence about what it printed, which describes the output without showing it.
fn code_in_output(line: &[u8], program: &str) -> Result<String> {
    let described = match std::str::from_utf8(line) {
        Ok(line) => {
            let code = line.trim();
            if is_code(code) {
                return Ok(code.to_string());
            }
            let length = code.chars().count();
            if line.is_empty() {
                "nothing".to_string()
            } else if code.is_empty() {
                "an empty line".to_string()
            } else if code.bytes().all(|b| b.is_ascii_digit()) {
                format!("{length} digits")
            } else {
                format!("a line of {length} characters that are not all digits 0-9")
            }
        }
        Err(_) => "a line that is not UTF-8 text".to_string(),
    };
    bail!(
        "mfa_process '{}' printed {described} where an MFA code of 6 digits was expected; run it by hand to see what it prints, and make it print only the code on its first line",
        text::escaped(program)
    )
}

fn failed(program: &str, status: ExitStatus) -> Error {
    Error::new(format!(
        "mfa_process '{program}' failed ({status}); run it by hand to see why"
    ))
}

/// How reading the first line ended.
enum Line {
    /// The line with its line break (or all there was, at EOF: maybe nothing).
    Read(Vec<u8>),
    /// No line by the deadline.
    TimedOut,
    /// More than `MAX_LINE` bytes and no line break.
    TooLong,
    /// The process exited unsuccessfully before a line came.
    Failed(ExitStatus),
}

/// Reads until a line break, EOF or the deadline, whichever comes first.
fn first_line(stdout: &mut ChildStdout, group: &mut Group, deadline: Instant) -> io::Result<Line> {
    let mut buf = [0; MAX_LINE + 1];
    let mut len = 0;
    let mut exited = group.exited.as_raw_fd();
    loop {
        let mut fds = [pollfd(stdout.as_raw_fd()), pollfd(exited)];
        if !poll_until(&mut fds, deadline)? {
            return Ok(Line::TimedOut);
        }
        if fds[0].revents != 0 {
            let n = match stdout.read(&mut buf[len..]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok(Line::Read(buf[..len].to_vec()));
            }
            if let Some(end) = buf[len..len + n].iter().position(|&b| b == b'\n') {
                return Ok(Line::Read(buf[..=len + end].to_vec()));
            }
            len += n;
            if len > MAX_LINE {
                return Ok(Line::TooLong);
            }
        } else if fds[1].revents != 0 {
            // It exited, yet something it started still holds stdout open.
            let status = group.reap()?;
            if !status.success() {
                return Ok(Line::Failed(status));
            }
            // A negative descriptor is one poll ignores.
            exited = -1;
        }
    }
}

fn pollfd(fd: RawFd) -> libc::pollfd {
    libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }
}

/// Waits until one of `fds` is ready (true) or the deadline has passed (false).
fn poll_until(fds: &mut [libc::pollfd], deadline: Instant) -> io::Result<bool> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        // Rounded up: a timeout of 0 ms just before the deadline would spin.
        let ms = i32::try_from(left.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX);
        // SAFETY: fds is a valid, exclusively borrowed array of fds.len() pollfds.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if ready > 0 {
            return Ok(true);
        }
        if ready < 0 {
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

/// The running `mfa_process`: the process group it leads, and a thread that reaps it.
struct Group {
    pgid: libc::pid_t,
    /// Hangs up once the leader has been reaped: something poll can wait for.
    exited: io::PipeReader,
    reaper: Option<JoinHandle<io::Result<ExitStatus>>>,
    status: Option<ExitStatus>,
}

impl Group {
    /// Starts `cmd`, which must be in a process group of its own, with stdout piped.
    fn spawn(cmd: &mut Command) -> io::Result<(Group, ChildStdout)> {
        let (exited, exited_writer) = io::pipe()?;
        let mut child = cmd.spawn()?;
        let pgid = child.id() as libc::pid_t;
        let stdout = child.stdout.take();
        let reaper = thread::Builder::new()
            .name("mfa_process".into())
            .spawn(move || {
                let status = child.wait();
                drop(exited_writer);
                status
            });
        let mut group = Group {
            pgid,
            exited,
            reaper: None,
            status: None,
        };
        match reaper {
            Ok(reaper) => group.reaper = Some(reaper),
            Err(e) => {
                // The child went with the thread that could not start: end and reap it here.
                signal_group(pgid, libc::SIGKILL);
                // SAFETY: waitpid on our own child, with no status wanted.
                unsafe { libc::waitpid(pgid, std::ptr::null_mut(), 0) };
                group.status = Some(ExitStatus::from_raw(libc::SIGKILL));
                return Err(e);
            }
        }
        let stdout = stdout.ok_or_else(|| io::Error::other("its stdout is not a pipe"))?;
        Ok((group, stdout))
    }

    /// The leader's exit status, waiting for it until the deadline (`None` then).
    fn wait(&mut self, deadline: Instant) -> io::Result<Option<ExitStatus>> {
        if self.reaper.is_some() && !poll_until(&mut [pollfd(self.exited.as_raw_fd())], deadline)? {
            return Ok(None);
        }
        self.reap().map(Some)
    }

    /// The leader's exit status, once `exited` has hung up (or it is sure to, soon).
    fn reap(&mut self) -> io::Result<ExitStatus> {
        if let Some(reaper) = self.reaper.take() {
            let status = reaper
                .join()
                .map_err(|_| io::Error::other("the thread waiting for it failed"))??;
            self.status = Some(status);
        }
        self.status
            .ok_or_else(|| io::Error::other("it has no exit status"))
    }

    /// Ends the whole group and reaps its leader. SIGTERM first (SIGCONT too, for a stopped
    /// member) lets a program that prompts restore the terminal; the grace ends as soon as
    /// the leader is gone; SIGKILL then ends whatever is left, including members that
    /// ignore SIGTERM and ones the leader left behind, which cannot be waited for.
    fn end(&mut self) {
        if self.reaper.is_some() {
            signal_group(self.pgid, libc::SIGTERM);
            signal_group(self.pgid, libc::SIGCONT);
            let _ = self.wait(Instant::now() + TERM_GRACE);
        }
        signal_group(self.pgid, libc::SIGKILL);
        let _ = self.reap();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        // Never leave the leader running, nor unreaped.
        if self.reaper.is_some() {
            self.end();
        }
    }
}

fn signal_group(pgid: libc::pid_t, signal: libc::c_int) {
    // SAFETY: kill has no memory effects; a group already gone is ESRCH, which is fine.
    unsafe { libc::kill(-pgid, signal) };
}

/// The controlling terminal, handed to `mfa_process`'s group while it runs: a process
/// group of its own that is not in the foreground would be stopped (SIGTTIN) on reading it.
struct Foreground {
    tty: OwnedFd,
    ours: libc::pid_t,
    /// Its settings before `mfa_process` ran (echo, line mode…).
    saved: Option<libc::termios>,
}

impl Foreground {
    /// The terminal, when aws-mfa has one and is in its foreground (else there is nothing
    /// to hand over: a background aws-mfa leaves the terminal alone).
    fn claim() -> Option<Foreground> {
        // SAFETY: a NUL-terminated path; the descriptor returned is ours alone.
        let fd = unsafe {
            libc::open(
                c"/dev/tty".as_ptr(),
                libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return None;
        }
        // SAFETY: fd was just opened, and nothing else owns it.
        let tty = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: plain queries on a descriptor we own.
        let ours = unsafe { libc::getpgrp() };
        if unsafe { libc::tcgetpgrp(fd) } != ours {
            return None;
        }
        // SAFETY: termios is plain data, filled in by tcgetattr.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        let saved = (unsafe { libc::tcgetattr(fd, &mut saved) } == 0).then_some(saved);
        Some(Foreground { tty, ours, saved })
    }

    /// Takes the foreground back; after a process that had to be ended, also puts back the
    /// settings it may have changed (a prompt that turned echo off).
    fn restore(self, ended: bool) {
        let fd = self.tty.as_raw_fd();
        without_sigttou(|| {
            if ended && let Some(saved) = &self.saved {
                // SAFETY: saved came from tcgetattr on this terminal.
                unsafe { libc::tcsetattr(fd, libc::TCSANOW, saved) };
            }
            // SAFETY: gives the terminal back to our own process group.
            unsafe { libc::tcsetpgrp(fd, self.ours) };
        });
    }
}

/// Runs `f` with SIGTTOU blocked in this thread: a process that is not in the terminal's
/// foreground may then still change it (tcsetpgrp, tcsetattr) instead of being stopped.
fn without_sigttou(f: impl FnOnce()) {
    // SAFETY: sigset_t is plain data, initialised by sigemptyset; the mask is restored.
    unsafe {
        let mut block: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut block);
        libc::sigaddset(&mut block, libc::SIGTTOU);
        libc::pthread_sigmask(libc::SIG_BLOCK, &block, &mut old);
        f();
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
    }
}

/// In the child, between fork and exec, once it leads its own group: take the foreground,
/// before the program can read the terminal. Async-signal-safe calls only.
fn take_foreground(tty: RawFd) {
    // SAFETY: as in without_sigttou; sigprocmask, tcsetpgrp and getpid are
    // async-signal-safe, and the child has a single thread.
    unsafe {
        let mut block: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut block);
        libc::sigaddset(&mut block, libc::SIGTTOU);
        libc::sigprocmask(libc::SIG_BLOCK, &block, &mut old);
        libc::tcsetpgrp(tty, libc::getpid());
        libc::sigprocmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
    }
}

/// How long the classic workflow waits for the code's line on standard input.
const STDIN_PATIENCE: Duration = Duration::from_secs(60);
/// How long standard input may stay silent before aws-mfa says what it waits for.
const STDIN_SILENCE: Duration = Duration::from_secs(1);

/// The code on the first line of standard input (spaces and a CR around it dropped).
fn stdin_code(device: &str) -> Result<String> {
    debug!("reading the code from standard input (it is not a terminal)");
    // A pipe left open with nothing in it would wait in silence: the Python tool showed
    // its prompt. An error of poll shows when the line is read.
    let silent = !poll_until(
        &mut [pollfd(libc::STDIN_FILENO)],
        Instant::now() + STDIN_SILENCE,
    )
    .unwrap_or(true);
    if silent {
        note!(
            "waiting up to {} s for the MFA code for {device} on standard input, which is not a terminal; pipe it in (echo CODE | aws-mfa …) or pass it with --token-code CODE",
            STDIN_PATIENCE.as_secs()
        );
    }
    let read = first_line_of(libc::STDIN_FILENO, Instant::now() + STDIN_PATIENCE)
        .map_err(|e| Error::new(format!("cannot read the MFA code from standard input: {e}")))?;
    let Some(line) = read else {
        bail!(
            "no line came on standard input within {} s, where aws-mfa reads the MFA code for {device} when it is not a terminal; pipe the code in (echo CODE | aws-mfa …) or pass it with --token-code CODE",
            STDIN_PATIENCE.as_secs()
        );
    };
    let code = String::from_utf8_lossy(&line).trim().to_string();
    if code.is_empty() {
        bail!(
            "no MFA code was given on standard input for {device} (it is not a terminal, so aws-mfa reads the code from its first line); pipe the code in (echo CODE | aws-mfa …) or pass it with --token-code CODE"
        );
    }
    check_code(&code, "standard input")?;
    Ok(code)
}

/// What `fd` (standard input) gives up to its first line break or its end, at most
/// `MAX_LINE` bytes and one more (more is no code anyway); None when nothing ends the line
/// by the deadline.
fn first_line_of(fd: RawFd, deadline: Instant) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let mut chunk = [0u8; 512];
    while line.len() <= MAX_LINE {
        if !poll_until(&mut [pollfd(fd)], deadline)? {
            return Ok(None);
        }
        // Unbuffered, so that what poll saw is what is read: std's Stdin would keep the
        // rest of a long read where poll cannot see it.
        // SAFETY: reads at most chunk.len() bytes into chunk, which we own.
        let n = unsafe { libc::read(fd, chunk.as_mut_ptr().cast(), chunk.len()) };
        let n = match usize::try_from(n) {
            Ok(n) => n,
            Err(_) => match io::Error::last_os_error() {
                e if e.kind() == io::ErrorKind::Interrupted => continue,
                e => return Err(e),
            },
        };
        if n == 0 {
            break;
        }
        if let Some(end) = chunk[..n].iter().position(|&b| b == b'\n') {
            line.extend_from_slice(&chunk[..end]);
            break;
        }
        line.extend_from_slice(&chunk[..n]);
    }
    Ok(Some(line))
}

const ATTEMPTS: usize = 3;

/// A line said on the terminal before the next prompt, once: `exec --server` names the
/// command whose request needs the code.
static PROMPT_PREFACE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Sets the line said before the next prompt (None: no line); gives back the one set
/// before, None when a prompt has said it since.
pub fn replace_prompt_preface(line: Option<String>) -> Option<String> {
    std::mem::replace(
        &mut *PROMPT_PREFACE.lock().unwrap_or_else(|e| e.into_inner()),
        line,
    )
}

fn prompt(device: &str, what: &str, spent: Spent) -> Result<String> {
    debug!("asking for the code on the terminal");
    if let Some(line) = replace_prompt_preface(None) {
        tty_say(&line);
    }
    for _ in 0..ATTEMPTS {
        let config = rpassword::ConfigBuilder::new()
            .password_feedback_mask('*')
            .build();
        let answer = match rpassword::prompt_password_with_config(
            format!("MFA code for {device} ({what}): "),
            config,
        ) {
            Ok(answer) => answer,
            // Ctrl-D on an empty line: the line the prompt is on is ended for the message.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                tty_say("\n");
                return Err(no_code_given(device));
            }
            Err(_) => return Err(no_terminal()),
        };
        let code = answer.trim();
        if is_code(code) && spent(code).is_some() {
            // A try spent, as a typo is: the next code comes within 30 s.
            tty_say("This code was just used; wait for the next one.\n");
            continue;
        }
        if is_code(code) {
            return Ok(code.to_string());
        }
        if code.is_empty() {
            // An empty line (or end of input) is a request to stop, not a typo.
            return Err(no_code_given(device));
        }
        tty_say("That is not a 6-digit code; try again.\n");
    }
    bail!(
        "no valid MFA code after {ATTEMPTS} tries; run again and type the code your device shows now"
    )
}

fn tty_say(text: &str) {
    use std::io::Write;
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let _ = tty.write_all(text.as_bytes());
    }
}

fn no_code_given(device: &str) -> Error {
    Error::new(format!(
        "no MFA code was given at the prompt for {device}; run again and type the code your device shows, or pass it with --token-code CODE"
    ))
}

fn no_terminal() -> Error {
    Error::new(
        "an MFA code is needed and there is no terminal to ask on; give it with --token-code CODE, the AWS_MFA_TOKEN_CODE variable, or an mfa_process command in the profile",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_codes_are_checked_before_use() {
        assert_eq!(
            check_given(Some("123456"), "--token-code")
                .unwrap()
                .as_deref(),
            Some("123456")
        );
        assert_eq!(check_given(None, "--token-code").unwrap(), None);
        for bad in ["12345", "1234567", "abcdef", "12 456", "１２３４５６", ""] {
            let err = check_given(Some(bad), "AWS_MFA_TOKEN_CODE").unwrap_err();
            assert!(err.to_string().contains("6 digits"), "{bad}: {err}");
            assert!(err.to_string().contains("from AWS_MFA_TOKEN_CODE"), "{err}");
        }
    }

    fn never() -> Result<Duration> {
        panic!("the timeout is read only for mfa_process")
    }

    #[test]
    fn the_code_source_follows_the_precedence() {
        let given = MfaSource::Given("123456".into());
        let choose = |given, process, no_prompt| {
            MfaSource::choose_with(given, process, no_prompt, never).unwrap()
        };
        assert_eq!(choose(Some("123456"), Some("x"), true), given);
        assert_eq!(choose(Some("123456"), Some("x"), false), given);
        assert_eq!(choose(None, None, false), MfaSource::Prompt);
        assert_eq!(choose(None, Some("x"), true), MfaSource::Refuse);
        assert_eq!(
            MfaSource::choose_with(None, Some("pass otp aws"), false, || Ok(
                Duration::from_secs(7)
            ))
            .unwrap(),
            MfaSource::Process {
                command: "pass otp aws".into(),
                timeout: Duration::from_secs(7)
            }
        );
        let err = MfaSource::choose_with(None, Some("x"), false, || {
            parse_process_timeout(Some(OsStr::new("0")))
        })
        .unwrap_err();
        assert!(err.to_string().contains(PROCESS_TIMEOUT_VAR), "{err}");
    }

    #[test]
    fn the_timeout_is_whole_seconds_from_1_to_a_day() {
        let parse = |v: Option<&str>| parse_process_timeout(v.map(OsStr::new));
        assert_eq!(parse(None).unwrap(), Duration::from_secs(60));
        assert_eq!(parse(Some("")).unwrap(), Duration::from_secs(60));
        assert_eq!(parse(Some("1")).unwrap(), Duration::from_secs(1));
        assert_eq!(parse(Some("090")).unwrap(), Duration::from_secs(90));
        assert_eq!(parse(Some("86400")).unwrap(), Duration::from_secs(86_400));
        for bad in [
            "0",
            "-1",
            "+5",
            " 5",
            "5 ",
            "1.5",
            "60s",
            "1e3",
            "abc",
            "86401",
            "99999999999999999999999",
        ] {
            let err = parse(Some(bad)).unwrap_err().to_string();
            assert!(
                err.starts_with(PROCESS_TIMEOUT_VAR)
                    && err.contains("whole number of seconds from 1 to 86400"),
                "{bad:?}: {err}"
            );
        }
        use std::os::unix::ffi::OsStrExt;
        let err = parse_process_timeout(Some(OsStr::from_bytes(b"6\xff"))).unwrap_err();
        assert!(err.to_string().contains(PROCESS_TIMEOUT_VAR), "{err}");
    }

    /// Spent: 111111, accepted 12 s ago.
    fn spent_111111(code: &str) -> Option<i64> {
        (code == "111111").then_some(12)
    }

    #[test]
    fn a_spent_given_code_is_refused_and_another_passes() {
        let given = MfaSource::Given("111111".into());
        let err = given
            .code("arn:aws:iam::123456789012:mfa/alice", "x", &spent_111111)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("the MFA code given for arn:aws:iam::123456789012:mfa/alice was accepted by STS 12 s ago")
                && err.contains("only once"),
            "{err}"
        );
        assert!(!err.contains("111111"), "{err}");
        let given = MfaSource::Given("222222".into());
        assert_eq!(given.code("d", "x", &spent_111111).unwrap(), "222222");
    }

    #[test]
    fn the_next_step_starts_on_a_multiple_of_30_seconds_since_the_epoch() {
        let at = |s: f64| until_next_step(Duration::from_secs_f64(s));
        assert_eq!(at(1_800_000_000.0), Duration::from_secs(30));
        assert_eq!(at(1_800_000_001.0), Duration::from_secs(29));
        assert_eq!(at(1_800_000_029.5), Duration::from_millis(500));
        assert_eq!(at(1_800_000_030.25), Duration::from_millis(29_750));
    }

    /// mfa_process giving `codes` one after the other, at 1800000017 s since the epoch.
    fn from_process(codes: &[&str]) -> (Result<String>, usize, Vec<Duration>) {
        let mut codes = codes.iter();
        let mut runs = 0;
        let mut slept = Vec::new();
        let code = fresh_from_process(
            || {
                runs += 1;
                Ok(codes.next().unwrap().to_string())
            },
            "otp",
            "arn:aws:iam::123456789012:mfa/alice",
            &spent_111111,
            |d| slept.push(d),
            || Duration::from_secs(1_800_000_017),
        );
        (code, runs, slept)
    }

    #[test]
    fn mfa_process_is_run_again_at_the_next_step_after_a_spent_code() {
        let (code, runs, slept) = from_process(&["222222"]);
        assert_eq!((code.unwrap().as_str(), runs, slept), ("222222", 1, vec![]));
        let (code, runs, slept) = from_process(&["111111", "333333"]);
        assert_eq!(code.unwrap(), "333333");
        assert_eq!(runs, 2);
        assert_eq!(slept, [Duration::from_secs(13)], "to 1800000030");
        let (code, runs, slept) = from_process(&["111111", "111111"]);
        let err = code.unwrap_err().to_string();
        assert!(
            err.starts_with("mfa_process 'otp' gave the code STS accepted 12 s ago for arn:aws:iam::123456789012:mfa/alice again at the next 30-second step"),
            "{err}"
        );
        assert!(!err.contains("111111"), "{err}");
        assert_eq!((runs, slept.len()), (2, 1), "run twice, no more");
    }

    const SECOND: Duration = Duration::from_secs(1);
    const TEN: Duration = Duration::from_secs(10);

    fn run(command: &str) -> Result<String> {
        run_mfa_process(command, TEN)
    }

    #[test]
    fn mfa_process_output_is_trimmed_and_checked() {
        assert_eq!(run("printf ' 654321\\n'").unwrap(), "654321");
        assert_eq!(run("printf '654321\\r\\n'").unwrap(), "654321");
        let err = run("echo 12").unwrap_err();
        assert!(err.to_string().contains("6 digits"));
        let err = run("true").unwrap_err();
        assert!(err.to_string().contains("6 digits"));
        let err = run("false").unwrap_err();
        assert!(err.to_string().contains("failed"));
        let err = run("'unbalanced").unwrap_err();
        assert!(err.to_string().contains("quotes"));
        let err = run("").unwrap_err();
        assert!(err.to_string().contains("empty"));
        let err = run("/nonexistent/mfa-tool").unwrap_err();
        assert!(err.to_string().contains("cannot run mfa_process"), "{err}");
    }

    #[test]
    fn a_bad_output_is_described_not_shown() {
        let said = |output: &[u8]| {
            code_in_output(output, "otp\x1b[2J")
                .unwrap_err()
                .to_string()
        };
        for (output, described) in [
            (&b""[..], "printed nothing where"),
            (b"\n", "printed an empty line where"),
            (b" \r\n", "printed an empty line where"),
            (b"98765\n", "printed 5 digits where"),
            (b"9876543", "printed 7 digits where"),
            (
                b"Code: 987654\n",
                "printed a line of 12 characters that are not all digits 0-9 where",
            ),
            (
                "９８７６５４\n".as_bytes(),
                "printed a line of 6 characters that",
            ),
            (
                b"\xff\xfe987654\n",
                "printed a line that is not UTF-8 text where",
            ),
        ] {
            let text = said(output);
            assert!(
                text.starts_with("mfa_process 'otp\\u{1b}[2J' printed")
                    && text.contains(described)
                    && text.contains("6 digits"),
                "{output:?}: {text}"
            );
            assert!(!text.contains("9876"), "{output:?}: {text}");
        }
        assert_eq!(code_in_output(b" 987654\r\n", "otp").unwrap(), "987654");
    }

    #[test]
    fn only_the_first_line_counts() {
        assert_eq!(run("printf '123456\\nnot a code\\n'").unwrap(), "123456");
        // EOF ends a line as well as a line break does.
        assert_eq!(run("printf 123456").unwrap(), "123456");
        // 4096 bytes is the longest line; one more, and it is refused unread.
        let err = run("printf %04096d 0").unwrap_err().to_string();
        assert!(err.contains("6 digits"), "{err}");
        let err = run("printf %04097d 0").unwrap_err().to_string();
        assert!(err.contains("more than 4096 bytes"), "{err}");
        assert!(!err.contains("0000"), "the output is never shown: {err}");
    }

    #[test]
    fn the_code_is_never_in_the_message() {
        for command in ["sh -c 'echo 987654; exit 1'", "echo 98765x"] {
            let err = run(command).unwrap_err().to_string();
            assert!(!err.contains("98765"), "{command}: {err}");
        }
    }

    #[test]
    fn a_line_on_standard_input_ends_at_its_break_its_end_or_the_deadline() {
        use std::io::Write;
        let soon = || Instant::now() + Duration::from_millis(200);
        let (reader, mut writer) = io::pipe().unwrap();
        let fd = reader.as_raw_fd();
        writer.write_all(b"123456\nrest").unwrap();
        assert_eq!(first_line_of(fd, soon()).unwrap().unwrap(), b"123456");
        // A pipe kept open with no line break: nothing by the deadline.
        let start = Instant::now();
        assert_eq!(first_line_of(fd, soon()).unwrap(), None);
        assert!(start.elapsed() < SECOND, "{:?}", start.elapsed());
        drop(writer);
        assert_eq!(first_line_of(fd, soon()).unwrap().unwrap(), b"");
        // A line longer than any code is cut short, unread to its end.
        let (reader, mut writer) = io::pipe().unwrap();
        writer.write_all(&[b'1'; MAX_LINE + 100]).unwrap();
        let line = first_line_of(reader.as_raw_fd(), soon()).unwrap().unwrap();
        assert!(
            line.len() > MAX_LINE && line.len() <= MAX_LINE + 512,
            "{}",
            line.len()
        );
    }

    #[test]
    fn a_line_then_a_failure_is_a_failure() {
        let err = run("sh -c 'echo 123456; exit 2'").unwrap_err().to_string();
        assert!(err.contains("failed (exit status: 2)"), "{err}");
    }

    #[test]
    fn an_endless_writer_ends_on_sigpipe() {
        let start = Instant::now();
        assert_eq!(run("yes 123456").unwrap(), "123456");
        assert!(start.elapsed() < TEN / 2, "{:?}", start.elapsed());
    }

    fn pid_in(file: &std::path::Path) -> libc::pid_t {
        std::fs::read_to_string(file)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    /// Reaped, not merely dead: a zombie child of this test process would still be there.
    fn is_reaped(pid: libc::pid_t) -> bool {
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
    }

    /// The CPU time this thread has used.
    fn thread_cpu_time() -> Duration {
        // SAFETY: getrusage fills the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        assert_eq!(
            unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) },
            0
        );
        let time = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
        };
        time(usage.ru_utime) + time(usage.ru_stime)
    }

    #[test]
    fn a_silent_process_is_ended_and_reaped_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let pid = dir.path().join("pid");
        let command = format!("sh -c 'echo $$ > {}; exec sleep 100'", pid.display());
        let start = Instant::now();
        let cpu = thread_cpu_time();
        let err = run_mfa_process(&command, SECOND).unwrap_err().to_string();
        let (took, cpu) = (start.elapsed(), thread_cpu_time() - cpu);
        assert!(
            err.contains("did not print a code within 1 s") && err.contains(PROCESS_TIMEOUT_VAR),
            "{err}"
        );
        assert!(took >= SECOND && took < 2 * SECOND, "{took:?}");
        // Waiting is sleeping in poll, not spinning.
        assert!(cpu < SECOND / 10, "{cpu:?} of CPU in {took:?}");
        assert!(is_reaped(pid_in(&pid)));
    }

    #[test]
    fn a_process_that_prints_but_does_not_exit_is_ended() {
        let dir = tempfile::tempdir().unwrap();
        let pid = dir.path().join("pid");
        let command = format!(
            "sh -c 'echo $$ > {}; echo 123456; exec sleep 100'",
            pid.display()
        );
        let err = run_mfa_process(&command, SECOND).unwrap_err().to_string();
        assert!(
            err.contains("printed a line but did not exit within 1 s")
                && err.contains(PROCESS_TIMEOUT_VAR),
            "{err}"
        );
        assert!(is_reaped(pid_in(&pid)));
    }

    #[test]
    fn a_failure_is_seen_at_once_even_when_stdout_stays_open() {
        let dir = tempfile::tempdir().unwrap();
        let pid = dir.path().join("pid");
        let command = format!(
            "sh -c 'sleep 100 2>/dev/null & echo $! > {}; exit 3'",
            pid.display()
        );
        let start = Instant::now();
        let err = run(&command).unwrap_err().to_string();
        assert!(err.contains("failed (exit status: 3)"), "{err}");
        assert!(start.elapsed() < TEN / 2, "{:?}", start.elapsed());
        // SAFETY: the sleep this test started, which its shell left behind.
        unsafe { libc::kill(pid_in(&pid), libc::SIGKILL) };
    }

    #[test]
    fn a_line_from_what_the_process_left_behind_is_read() {
        // The shell exits 0 first; its background child prints the line once the shell's
        // end of the FIFO has closed, that is, once the shell is gone.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let command = format!(
            "sh -c 'mkfifo {0}; (read x < {0}; echo 123456) & exec 4> {0}; exit 0'",
            fifo.display()
        );
        assert_eq!(run(&command).unwrap(), "123456");
    }
}
