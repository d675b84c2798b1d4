//! `-v/--verbose`: what aws-mfa decides and does, on stderr. Never a secret: the lines
//! name files, sections, key ids, devices, roles and endpoints only.

use std::sync::atomic::{AtomicBool, Ordering};

static VERBOSE: AtomicBool = AtomicBool::new(false);

pub fn enable() {
    VERBOSE.store(true, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// `debug!("...")`: a line on stderr when `-v` was given.
macro_rules! debug {
    ($($arg:tt)*) => {
        if $crate::log::enabled() {
            eprintln!("aws-mfa: debug: {}", format_args!($($arg)*));
        }
    };
}
pub(crate) use debug;
