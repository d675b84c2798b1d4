//! Lines on stderr: `-v/--verbose` says what aws-mfa decides and does; notes and warnings.
//! Never a secret: the lines name files, sections, key ids, devices, roles and endpoints only.

use std::sync::atomic::{AtomicBool, Ordering};

static VERBOSE: AtomicBool = AtomicBool::new(false);

pub fn enable() {
    VERBOSE.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// One line on stderr, `aws-mfa: KIND: TEXT`, whatever names and values TEXT holds: line
/// breaks, control and bidi characters are shown escaped.
pub fn line(kind: &str, text: &str) {
    say(&format!("aws-mfa: {kind}: {}", crate::text::escaped(text)));
}

/// A line on stderr. A stderr that cannot be written (a closed pipe, a full disk) loses
/// the line, not the command: `eprintln!` would panic, and the panic abort.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `debug!("...")`: a line on stderr when `-v` was given.
macro_rules! debug {
    ($($arg:tt)*) => {
        if $crate::log::enabled() {
            $crate::log::line("debug", &format!($($arg)*));
        }
    };
}
pub(crate) use debug;

/// `note!("...")`: something the user may want to know; the command goes on.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::log::line("note", &format!($($arg)*))
    };
}
pub(crate) use note;

/// `warning!("...")`: something went wrong that the command worked around.
macro_rules! warning {
    ($($arg:tt)*) => {
        $crate::log::line("warning", &format!($($arg)*))
    };
}
pub(crate) use warning;
