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
        // One line, whatever a file name, a profile name or an AWS message brought in: line
        // breaks become spaces and other control and bidi characters are shown escaped,
        // never sent raw to the terminal.
        let mut words = self
            .message
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| !l.is_empty());
        if let Some(first) = words.next() {
            write_escaped(f, first)?;
        }
        for line in words {
            f.write_str(" ")?;
            write_escaped(f, line)?;
        }
        Ok(())
    }
}

fn write_escaped(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str(&crate::text::escaped(text))
}

impl std::error::Error for Error {}

/// `bail!("...")` returns an `Error` with the formatted sentence.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::new(format!($($arg)*)))
    };
}
pub(crate) use bail;

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn messages_are_one_line_without_raw_control_characters() {
        let e = Error::new("profile 'a\rb\x1b[2J' is missing\nsecond line\r\n");
        assert_eq!(
            e.to_string(),
            "profile 'a b\\u{1b}[2J' is missing second line"
        );
        assert_eq!(Error::new("tab\there").to_string(), "tab\\there");
        assert_eq!(Error::new("a\u{202e}b").to_string(), "a\\u{202e}b");
    }
}
