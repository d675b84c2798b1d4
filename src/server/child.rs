//! The command as a child of aws-mfa: the signals a process sends aws-mfa go on to it, and
//! its exit status comes back (128 + N for signal N, as shells report it).
//!
//! The command stays in aws-mfa's process group, so it keeps the terminal as `exec` gave it
//! (job control, reading it, Ctrl-Z). What the terminal itself signals (Ctrl-C, Ctrl-\,
//! a window resize, a hangup) reaches the whole foreground group, the command included, so
//! it is not sent again: only signals sent by a process (`kill`) are forwarded.

use std::io;
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicI32, Ordering};

/// The signals handed on to the command.
const FORWARDED: [libc::c_int; 7] = [
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGQUIT,
    libc::SIGWINCH,
    libc::SIGUSR1,
    libc::SIGUSR2,
];

/// The command's pid, for the signal handler (0: none yet).
static CHILD: AtomicI32 = AtomicI32::new(0);

/// Starts the command and forwards signals to it from then on. The signals are held back
/// while it starts, so that none sent meanwhile is lost or ends aws-mfa alone; the command
/// starts with the mask aws-mfa had (std passes the parent's mask on).
pub fn spawn(command: &mut Command) -> io::Result<Child> {
    use std::os::unix::process::CommandExt;
    // SAFETY: sigset_t is plain data, initialised by sigemptyset; the mask is restored, in
    // the child too, where pthread_sigmask is async-signal-safe.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in FORWARDED {
            libc::sigaddset(&mut set, signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
        command.pre_exec(move || {
            libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
            Ok(())
        });
        let spawned = command.spawn();
        if let Ok(child) = &spawned {
            CHILD.store(child.id() as i32, Ordering::SeqCst);
            for signal in FORWARDED {
                install(signal);
            }
        }
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        spawned
    }
}

/// Puts `forward` in place for `signal`, unless aws-mfa was started with it ignored
/// (`nohup`): the command inherited that, and so it stays.
unsafe fn install(signal: libc::c_int) {
    // SAFETY: sigaction structs are plain data; the handler is async-signal-safe.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old);
        if old.sa_sigaction == libc::SIG_IGN {
            return;
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = forward as extern "C" fn(_, _, _) as usize;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
    }
}

/// The handler: a signal a process sent aws-mfa goes on to the command, unless the command
/// sent it (to its own group, say: it has it already). Async-signal-safe calls only.
extern "C" fn forward(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let child = CHILD.load(Ordering::Relaxed);
    if child <= 0 || info.is_null() {
        return;
    }
    // SAFETY: the kernel hands an SA_SIGINFO handler a valid siginfo.
    let sender = unsafe { sent_by(&*info) };
    if sender.is_some_and(|pid| pid != child) {
        let errno = errno();
        // SAFETY: kill and errno are async-signal-safe; errno is put back for the thread.
        unsafe {
            let saved = *errno;
            libc::kill(child, signal);
            *errno = saved;
        }
    }
}

/// The process that sent the signal; None for one the kernel raised (the terminal's).
#[cfg(any(target_os = "linux", target_os = "android"))]
unsafe fn sent_by(info: &libc::siginfo_t) -> Option<libc::pid_t> {
    matches!(
        info.si_code,
        libc::SI_USER | libc::SI_QUEUE | libc::SI_TKILL
    )
    // SAFETY: for these codes the kernel filled in the sender's pid.
    .then(|| unsafe { info.si_pid() })
}

/// The process that sent the signal; None for one the kernel raised (the terminal's).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
unsafe fn sent_by(info: &libc::siginfo_t) -> Option<libc::pid_t> {
    (info.si_pid != 0).then_some(info.si_pid)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn errno() -> *mut libc::c_int {
    // SAFETY: the calling thread's errno, always valid.
    unsafe { libc::__errno_location() }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn errno() -> *mut libc::c_int {
    // SAFETY: the calling thread's errno, always valid.
    unsafe { libc::__error() }
}

/// The status aws-mfa exits with: the command's, or 128 + N when signal N ended it.
pub fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(signal)) => 128 + signal,
        (None, None) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::exit_code;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    #[test]
    fn a_signal_is_128_plus_its_number() {
        assert_eq!(exit_code(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(exit_code(ExitStatus::from_raw(libc::SIGTERM)), 143);
        assert_eq!(exit_code(ExitStatus::from_raw(libc::SIGKILL)), 137);
    }
}
