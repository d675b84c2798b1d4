//! The one error type: a sentence for the user and the exit status that goes with it.

use std::fmt;

#[derive(Debug)]
pub struct Error {
    message: String,
    exit_code: i32,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of aws-mfa itself: exit status 1.
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_code(message, 1)
    }

    pub fn with_code(message: impl Into<String>, exit_code: i32) -> Self {
        Self {
            message: message.into(),
            exit_code,
        }
    }

    pub fn exit_code(&self) -> i32 {
        self.exit_code
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, whatever a file name or an AWS message brought in.
        for (i, line) in self
            .message
            .lines()
            .filter(|l| !l.trim().is_empty())
            .enumerate()
        {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(line.trim())?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// `bail!("...")` returns an `Error` with the formatted sentence.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::new(format!($($arg)*)))
    };
}
pub(crate) use bail;
