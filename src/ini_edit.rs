//! Format-preserving edits of one section of an AWS credentials file or `~/.boto`
//! (DESIGN.md §8).
//!
//! Every byte outside the edited section is kept: comments, blank lines, order, key case,
//! line endings, other sections (duplicated ones too) and a missing final newline. Lines are
//! classified exactly as `crate::ini` reads them, so the editor and the reader agree on
//! which line belongs to which section. To read a section, use `crate::ini::Ini`.

use std::fmt;

use crate::ini::{Ini, Section};

/// The key of the line that marks a section as written by aws-mfa: `managed_by = aws-mfa`.
pub const MARKER_KEY: &str = "managed_by";
pub const MARKER_VALUE: &str = "aws-mfa";

const LONG_TERM_KEYS: [&str; 2] = ["aws_access_key_id", "aws_secret_access_key"];
/// `aws_security_token` is boto2's name for the session token; botocore still reads it.
const SESSION_TOKEN_KEYS: [&str; 2] = ["aws_session_token", "aws_security_token"];
/// Suggested instead of a section holding long-term keys: `[dev]` → `[dev-short-term]`.
const SUGGESTION_SUFFIX: &str = "-short-term";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The section holds long-term keys and no aws-mfa marker; `suggestion` names a section
    /// that is absent from the file or already managed by aws-mfa.
    LongTermKeys { section: String, suggestion: String },
    /// A section name or value that would not read back as written: it would break the
    /// line (and so could inject keys) or lose characters. Never holds the value itself.
    Unwritable { what: String, reason: &'static str },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::LongTermKeys {
                section,
                suggestion,
            } => write!(
                f,
                "[{section}] holds long-term keys, so aws-mfa will not overwrite it; write the \
                 short-term credentials to another section, e.g. --write-profile {}",
                shell_words::quote(suggestion)
            ),
            EditError::Unwritable { what, reason } => {
                write!(f, "cannot write {what} to a credentials file: it {reason}")
            }
        }
    }
}

impl std::error::Error for EditError {}

/// Sets `entries` (lower-case keys, in order) and the aws-mfa marker in `[section]` of
/// `text`, and returns the new text.
///
/// - A key already in the section is rewritten in place: its spelling and everything up to
///   the value stay as written; the indented lines that continued the old value go with it.
/// - Missing keys go after the section's last key line (and its continuation lines),
///   before the blank lines and comments that lead to the next header.
/// - A repeated section gets the values in its first occurrence, and the same keys are
///   deleted from later occurrences, so first-wins and last-wins readers agree.
/// - An absent section is appended after one blank line. If the file did not end with a
///   line ending, its last line gets one (unavoidable: it is no longer last); the new
///   last line then has none, so the file's final-newline state is kept (in every case but
///   one: when a deleted last line leaves an empty line last, that line keeps its ending).
/// - New lines use the file's line ending: CRLF if its first line ends so, else LF.
///
/// Refuses, writing nothing, a section that holds long-term keys (see
/// [`holds_long_term_keys`]), and names or values that would not read back (see
/// [`EditError::Unwritable`]).
///
/// # Panics
/// If a key is not lower-case `[a-z0-9_]+`, is repeated, or is [`MARKER_KEY`]: keys are
/// the caller's constants, not user input.
pub fn set_section(
    text: &str,
    section: &str,
    entries: &[(&str, &str)],
) -> Result<String, EditError> {
    for (i, (key, value)) in entries.iter().enumerate() {
        assert!(
            !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "key {key:?} is not a lower-case ini key"
        );
        assert!(
            *key != MARKER_KEY,
            "the marker is set by set_section itself"
        );
        assert!(
            entries[..i].iter().all(|(k, _)| k != key),
            "key {key:?} is set twice"
        );
        check_value(key, value)?;
    }
    check_writable(text, section)?;

    // A file without a final line ending stays so.
    let keep_open = !text.is_empty() && !text.ends_with('\n');
    let mut entries = entries.to_vec();
    entries.push((MARKER_KEY, MARKER_VALUE));
    let lines = split_lines(text);
    let mut out = Output {
        text: String::with_capacity(text.len() + 1024),
        newline: if text.find('\n').is_some_and(|i| text[..i].ends_with('\r')) {
            "\r\n"
        } else {
            "\n"
        },
    };

    let chunks = chunks(&lines);
    let is_target = |chunk: &Chunk| chunk.name == Some(section);
    if !chunks.iter().any(is_target) {
        out.text.push_str(text);
        if !text.is_empty() && !lines.last().is_some_and(|l| l.text.trim().is_empty()) {
            out.push_new("");
        }
        out.push_new(&format!("[{section}]"));
        for (key, value) in &entries {
            out.push_new(&format!("{key} = {value}"));
        }
    } else {
        let mut seen_target = false;
        for chunk in &chunks {
            let lines = &lines[chunk.start..chunk.end];
            if !is_target(chunk) {
                lines.iter().for_each(|line| out.push_line(line));
            } else if !seen_target {
                seen_target = true;
                edit_first(&mut out, lines, &entries);
            } else {
                delete_keys(&mut out, lines, &entries);
            }
        }
    }

    let mut edited = out.text;
    if keep_open {
        // Unless the last line is then empty: stripping its ending would drop it.
        let kept = edited
            .strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t));
        if let Some(kept) = kept.filter(|t| !t.is_empty() && !t.ends_with('\n')) {
            edited.truncate(kept.len());
        }
    }
    Ok(edited)
}

/// Ok if `[section]` of `text` may be written: its name can be written and it does not hold
/// long-term keys. Lets a caller refuse before asking for an MFA code.
pub fn check_writable(text: &str, section: &str) -> Result<(), EditError> {
    check_section_name(section)?;
    let ini = Ini::parse(text);
    match ini.section(section) {
        Some(found) if holds_long_term_keys(found) => Err(EditError::LongTermKeys {
            section: section.to_string(),
            suggestion: suggest_section(&ini, section),
        }),
        _ => Ok(()),
    }
}

/// True for a section (all its occurrences merged, as `Ini::parse` gives it) with a
/// long-term key — either half is worth keeping — and neither a session token nor the
/// aws-mfa marker.
pub fn holds_long_term_keys(section: &Section) -> bool {
    let has = |key: &str| {
        section
            .entries
            .iter()
            .any(|(k, v)| k == key && !v.is_empty())
    };
    LONG_TERM_KEYS.iter().any(|k| has(k))
        && !SESSION_TOKEN_KEYS.iter().any(|k| has(k))
        && !is_managed(section)
}

/// True if the section carries `managed_by = aws-mfa`.
pub fn is_managed(section: &Section) -> bool {
    section
        .entries
        .iter()
        .any(|(k, v)| k == MARKER_KEY && v == MARKER_VALUE)
}

/// `<name>-short-term`, or `-2`, `-3`… after it: the first that is absent or ours.
fn suggest_section(ini: &Ini, section: &str) -> String {
    (1..)
        .map(|n| match n {
            1 => format!("{section}{SUGGESTION_SUFFIX}"),
            n => format!("{section}{SUGGESTION_SUFFIX}-{n}"),
        })
        .find(|name| ini.section(name).is_none_or(is_managed))
        .expect("a file has finitely many sections")
}

fn check_section_name(section: &str) -> Result<(), EditError> {
    let reason = if section.is_empty() {
        Some("is empty")
    } else if section.contains(['\n', '\r', '\0']) {
        Some("contains a line break or a NUL character")
    } else if section.contains(']') {
        Some("contains ']', which would end the header")
    } else if section.trim() != section {
        Some("starts or ends with whitespace, which readers drop")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(EditError::Unwritable {
            what: format!("the section name {section:?}"),
            reason,
        }),
        None => Ok(()),
    }
}

fn check_value(key: &str, value: &str) -> Result<(), EditError> {
    let reason = if value.contains(['\n', '\r', '\0']) {
        Some("contains a line break or a NUL character")
    } else if value.trim() != value {
        Some("starts or ends with whitespace, which readers drop")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(EditError::Unwritable {
            what: format!("the value of {key}"),
            reason,
        }),
        None => Ok(()),
    }
}

/// One line of the file: its text without the line ending, and the ending ("" on a last
/// line that has none).
#[derive(Debug)]
struct Line<'a> {
    text: &'a str,
    ending: &'a str,
    kind: Kind<'a>,
}

/// What a line is to a reader. `crate::ini` keeps headers and keys and skips the rest;
/// botocore's configparser also reads continuation lines into the value above them.
#[derive(Debug, PartialEq, Eq)]
enum Kind<'a> {
    /// `[name]`; None for a `[` without `]`, which ends a section and starts none.
    Header(Option<&'a str>),
    /// `key = value` or `key: value`; `key` folded to lower case, `value_at` the byte offset
    /// in the line's text where the value (after the separator and its spaces) starts.
    Key { key: String, value_at: usize },
    /// Starts with a space or tab and is no comment: continues the value above it.
    Continuation,
    /// A blank line or a comment, indented or not.
    Comment,
    /// Anything else; readers skip it (botocore fails on it).
    Junk,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    text.split_inclusive('\n')
        .map(|raw| {
            let body = raw
                .strip_suffix("\r\n")
                .or_else(|| raw.strip_suffix('\n'))
                .unwrap_or(raw);
            Line {
                text: body,
                ending: &raw[body.len()..],
                kind: classify(body),
            }
        })
        .collect()
}

/// Mirrors `Ini::parse` line by line.
fn classify(text: &str) -> Kind<'_> {
    let line = text.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
        return Kind::Comment;
    }
    if text.starts_with([' ', '\t']) {
        return Kind::Continuation;
    }
    if let Some(rest) = line.strip_prefix('[') {
        return Kind::Header(rest.find(']').map(|end| rest[..end].trim()));
    }
    match text.find(['=', ':']) {
        Some(at) => {
            let after = &text[at + 1..];
            Kind::Key {
                key: text[..at].trim().to_ascii_lowercase(),
                value_at: text.len() - after.trim_start().len(),
            }
        }
        None => Kind::Junk,
    }
}

/// A run of lines that starts at a header (or at the top of the file) and ends before
/// the next header. `name` is None for the top of the file and after an unclosed `[`.
#[derive(Debug)]
struct Chunk<'a> {
    name: Option<&'a str>,
    start: usize,
    end: usize,
}

fn chunks<'a>(lines: &[Line<'a>]) -> Vec<Chunk<'a>> {
    let mut chunks = vec![Chunk {
        name: None,
        start: 0,
        end: 0,
    }];
    for (i, line) in lines.iter().enumerate() {
        if let Kind::Header(name) = line.kind {
            chunks.push(Chunk {
                name,
                start: i,
                end: i,
            });
        }
        chunks.last_mut().expect("starts with one").end = i + 1;
    }
    chunks
}

/// For each line of a chunk, the index of the header or key line whose value it continues.
/// Like configparser: every continuation line up to the next header, key or junk line,
/// across blank lines and comments.
fn continued(lines: &[Line]) -> Vec<Option<usize>> {
    let mut owner = None;
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| match line.kind {
            Kind::Header(_) | Kind::Key { .. } => {
                owner = Some(i);
                None
            }
            Kind::Continuation => owner,
            Kind::Comment => None,
            Kind::Junk => {
                owner = None;
                None
            }
        })
        .collect()
}

/// Which of a chunk's lines are ours: key lines for one of `entries`, and the continuation
/// lines of their values. Comments and blank lines among them are not.
fn ours(lines: &[Line], entries: &[(&str, &str)]) -> Vec<bool> {
    let is_ours = |line: &Line| match &line.kind {
        Kind::Key { key, .. } => entries.iter().any(|(k, _)| k == key),
        _ => false,
    };
    let continued = continued(lines);
    lines
        .iter()
        .zip(continued)
        .map(|(line, owner)| is_ours(line) || owner.is_some_and(|o| is_ours(&lines[o])))
        .collect()
}

/// The first occurrence of the target: values replaced in place, missing keys inserted
/// after the last key line (and its continuation lines).
fn edit_first(out: &mut Output, lines: &[Line], entries: &[(&str, &str)]) {
    let owned = ours(lines, entries);
    // After the last key line or the last line continuing a key's (or the header's) value,
    // so an inserted line never takes over a continuation.
    let insert_at = 1 + lines
        .iter()
        .zip(continued(lines))
        .rposition(|(line, owner)| {
            matches!(line.kind, Kind::Header(_) | Kind::Key { .. }) || owner.is_some()
        })
        .expect("a chunk starts with its header");
    let present = |key: &str| {
        lines
            .iter()
            .any(|l| matches!(&l.kind, Kind::Key { key: k, .. } if k == key))
    };
    for (i, line) in lines.iter().enumerate() {
        if i == insert_at {
            insert_missing(out, entries, &present);
        }
        match &line.kind {
            Kind::Key { key, value_at } if owned[i] => {
                let value = entries
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| *v)
                    .expect("owned keys are entries");
                let prefix = &line.text[..*value_at];
                // `key =` with nothing after it: spaced on the right as on the left.
                let space = *value_at == line.text.len()
                    && prefix
                        .strip_suffix(['=', ':'])
                        .is_some_and(|key| key.ends_with(char::is_whitespace));
                let space = if space { " " } else { "" };
                out.push_text(&format!("{prefix}{space}{value}"), line.ending);
            }
            _ if owned[i] => {} // a continuation of a value we replaced
            _ => out.push_line(line),
        }
    }
    if insert_at == lines.len() {
        insert_missing(out, entries, &present);
    }
}

fn insert_missing(out: &mut Output, entries: &[(&str, &str)], present: &dyn Fn(&str) -> bool) {
    for (key, value) in entries.iter().filter(|(k, _)| !present(k)) {
        out.push_new(&format!("{key} = {value}"));
    }
}

/// A later occurrence of the target: our keys (and their continuation lines) removed.
fn delete_keys(out: &mut Output, lines: &[Line], entries: &[(&str, &str)]) {
    let owned = ours(lines, entries);
    for (line, owned) in lines.iter().zip(owned) {
        if !owned {
            out.push_line(line);
        }
    }
}

struct Output {
    text: String,
    newline: &'static str,
}

impl Output {
    /// An original line, byte for byte.
    fn push_line(&mut self, line: &Line) {
        self.push_text(line.text, line.ending);
    }

    /// A new line, ended with the file's line ending.
    fn push_new(&mut self, text: &str) {
        let newline = self.newline;
        self.push_text(text, newline);
    }

    fn push_text(&mut self, text: &str, ending: &str) {
        // A last line without an ending is no longer last: it gets one.
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push_str(self.newline);
        }
        self.text.push_str(text);
        self.text.push_str(ending);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREDS: [(&str, &str); 3] = [
        ("aws_access_key_id", "ASIANEW"),
        ("aws_secret_access_key", "new/secret+"),
        ("aws_session_token", "tok=en"),
    ];

    fn set(text: &str, section: &str) -> String {
        set_section(text, section, &CREDS).unwrap()
    }

    #[test]
    fn rewrites_values_in_place_keeping_key_case_and_spacing() {
        let text = "[dev]\n\
                    AWS_Access_Key_ID=ASIAOLD\n\
                    # keep me\n\
                    aws_secret_access_key :\told secret  \n\
                    region = eu-west-1\n\
                    Aws_Session_Token =\n\
                    managed_by=aws-mfa\n";
        assert_eq!(
            set(text, "dev"),
            "[dev]\n\
             AWS_Access_Key_ID=ASIANEW\n\
             # keep me\n\
             aws_secret_access_key :\tnew/secret+\n\
             region = eu-west-1\n\
             Aws_Session_Token = tok=en\n\
             managed_by=aws-mfa\n"
        );
    }

    #[test]
    fn inserts_missing_keys_after_the_last_key_line() {
        let text = "[dev]\n\
                    region = eu-west-1\n\
                    s3 =\n  max_concurrent_requests = 2\n\
                    \n\
                    # about prod\n\
                    [prod]\n\
                    region = us-east-1\n";
        assert_eq!(
            set(text, "dev"),
            "[dev]\n\
             region = eu-west-1\n\
             s3 =\n  max_concurrent_requests = 2\n\
             aws_access_key_id = ASIANEW\n\
             aws_secret_access_key = new/secret+\n\
             aws_session_token = tok=en\n\
             managed_by = aws-mfa\n\
             \n\
             # about prod\n\
             [prod]\n\
             region = us-east-1\n"
        );
        // A section with no key gets them right after its header.
        assert_eq!(
            set("[dev] ; mine\n; note\n\n[x]\n", "dev"),
            "[dev] ; mine\naws_access_key_id = ASIANEW\naws_secret_access_key = new/secret+\n\
             aws_session_token = tok=en\nmanaged_by = aws-mfa\n; note\n\n[x]\n"
        );
    }

    #[test]
    fn the_old_value_goes_with_its_continuation_lines_and_others_stay() {
        // As configparser reads it, `part3` continues the token across the comment.
        let text = "[dev]\naws_session_token = part1\n  part2\n  # note\n\n  part3\n\
                    region =\n  nested = 1\n# note\n\n  nested_too = 2\n\n[next]\n";
        assert_eq!(
            set(text, "dev"),
            "[dev]\naws_session_token = tok=en\n  # note\n\n\
             region =\n  nested = 1\n# note\n\n  nested_too = 2\n\
             aws_access_key_id = ASIANEW\naws_secret_access_key = new/secret+\n\
             managed_by = aws-mfa\n\n[next]\n"
        );
    }

    #[test]
    fn keeps_crlf_and_uses_it_for_new_lines() {
        let text = "# top\r\n[dev]\r\nregion = x\r\n\r\n[prod]\nregion = y\n";
        let out = set(text, "dev");
        assert_eq!(
            out,
            "# top\r\n[dev]\r\nregion = x\r\naws_access_key_id = ASIANEW\r\n\
             aws_secret_access_key = new/secret+\r\naws_session_token = tok=en\r\n\
             managed_by = aws-mfa\r\n\r\n[prod]\nregion = y\n"
        );
        let appended = set("[prod]\r\nregion = y\r\n", "dev");
        assert_eq!(
            appended,
            "[prod]\r\nregion = y\r\n\r\n[dev]\r\naws_access_key_id = ASIANEW\r\n\
             aws_secret_access_key = new/secret+\r\naws_session_token = tok=en\r\n\
             managed_by = aws-mfa\r\n"
        );
    }

    #[test]
    fn keeps_a_missing_final_newline() {
        // The section is last: its new last line has no ending either.
        assert_eq!(
            set("[a]\nx = 1\n[dev]\naws_session_token = old", "dev"),
            "[a]\nx = 1\n[dev]\naws_session_token = tok=en\naws_access_key_id = ASIANEW\n\
             aws_secret_access_key = new/secret+\nmanaged_by = aws-mfa"
        );
        // Another section is last: not one of its bytes changes.
        assert_eq!(
            set("[dev]\nregion = x\n[b]\ny = 2", "dev"),
            "[dev]\nregion = x\naws_access_key_id = ASIANEW\n\
             aws_secret_access_key = new/secret+\naws_session_token = tok=en\n\
             managed_by = aws-mfa\n[b]\ny = 2"
        );
        // Appended: the old last line needs an ending; the new last line has none.
        assert_eq!(
            set("[b]\r\ny = 2", "dev"),
            "[b]\r\ny = 2\r\n\r\n[dev]\r\naws_access_key_id = ASIANEW\r\n\
             aws_secret_access_key = new/secret+\r\naws_session_token = tok=en\r\n\
             managed_by = aws-mfa"
        );
    }

    #[test]
    fn appends_an_absent_section_after_one_blank_line() {
        let section = "[dev]\naws_access_key_id = ASIANEW\naws_secret_access_key = new/secret+\n\
                       aws_session_token = tok=en\nmanaged_by = aws-mfa\n";
        assert_eq!(set("", "dev"), section);
        assert_eq!(
            set("[a]\nx = 1\n", "dev"),
            format!("[a]\nx = 1\n\n{section}")
        );
        assert_eq!(
            set("[a]\nx = 1\n\n", "dev"),
            format!("[a]\nx = 1\n\n{section}")
        );
        assert_eq!(set("# only\n", "dev"), format!("# only\n\n{section}"));
        // Matching is by the trimmed name, case-sensitive, like the reader.
        assert_eq!(set("[Dev]\n", "dev"), format!("[Dev]\n\n{section}"));
        assert!(set("[ dev ]\n", "dev").starts_with("[ dev ]\naws_access_key_id = ASIANEW\n"));
    }

    #[test]
    fn a_repeated_section_gets_the_values_first_and_loses_them_later() {
        let text = "[dev]\nregion = a\n[other]\naws_session_token = theirs\n\
                    [dev]\nAWS_SESSION_TOKEN = old\n  more\n# kept\nregion = b\naws_access_key_id = OLD";
        let out = set(text, "dev");
        assert_eq!(
            out,
            "[dev]\nregion = a\naws_access_key_id = ASIANEW\naws_secret_access_key = new/secret+\n\
             aws_session_token = tok=en\nmanaged_by = aws-mfa\n[other]\naws_session_token = theirs\n\
             [dev]\n# kept\nregion = b"
        );
        let dev = Ini::parse(&out).section("dev").unwrap().clone();
        assert_eq!(dev.get("aws_session_token"), Some("tok=en"));
        assert_eq!(dev.get("region"), Some("b"));
    }

    #[test]
    fn an_unclosed_header_ends_the_section() {
        let text = "[dev]\nregion = a\n[broken\naws_session_token = not-in-dev\n";
        assert_eq!(
            set(text, "dev"),
            "[dev]\nregion = a\naws_access_key_id = ASIANEW\naws_secret_access_key = new/secret+\n\
             aws_session_token = tok=en\nmanaged_by = aws-mfa\n[broken\naws_session_token = not-in-dev\n"
        );
    }

    #[test]
    fn refuses_a_section_with_long_term_keys_and_suggests_a_free_name() {
        let text = "[dev]\naws_access_key_id = AKIA\naws_secret_access_key = secret\n\
                    [dev-short-term]\nregion = x\n";
        let err = set_section(text, "dev", &CREDS).unwrap_err();
        assert_eq!(
            err,
            EditError::LongTermKeys {
                section: "dev".into(),
                suggestion: "dev-short-term-2".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "[dev] holds long-term keys, so aws-mfa will not overwrite it; write the short-term \
             credentials to another section, e.g. --write-profile dev-short-term-2"
        );
        assert_eq!(check_writable(text, "dev"), Err(err));
        // A suggestion may be a section aws-mfa already manages; names are quoted for a shell.
        let text = "[my dev]\naws_secret_access_key = secret\n\
                    [my dev-short-term]\nmanaged_by = aws-mfa\n";
        assert_eq!(
            set_section(text, "my dev", &CREDS).unwrap_err().to_string(),
            "[my dev] holds long-term keys, so aws-mfa will not overwrite it; write the short-term \
             credentials to another section, e.g. --write-profile 'my dev-short-term'"
        );
    }

    #[test]
    fn long_term_keys_in_any_occurrence_count() {
        let text = "[dev]\naws_access_key_id = AKIA\n[x]\n[dev]\naws_secret_access_key = s\n";
        assert!(matches!(
            set_section(text, "dev", &CREDS),
            Err(EditError::LongTermKeys { .. })
        ));
    }

    #[test]
    fn a_session_token_or_the_marker_makes_a_section_writable() {
        for extra in [
            "aws_session_token = t",
            "aws_security_token = t",
            "Managed_By: aws-mfa",
        ] {
            let text =
                format!("[dev]\naws_access_key_id = A\naws_secret_access_key = s\n{extra}\n");
            assert!(set_section(&text, "dev", &CREDS).is_ok(), "{extra}");
        }
        for not_enough in ["aws_session_token =", "managed_by = someone-else"] {
            let text =
                format!("[dev]\naws_access_key_id = A\naws_secret_access_key = s\n{not_enough}\n");
            assert!(set_section(&text, "dev", &CREDS).is_err(), "{not_enough}");
        }
        // Long-term keys elsewhere in the file do not matter.
        let text = "aws_access_key_id = A\n[dev]\n[x]\naws_secret_access_key = s\n";
        assert!(set_section(text, "dev", &CREDS).is_ok());
    }

    #[test]
    fn refuses_names_and_values_that_would_not_read_back() {
        for bad in ["dev\n[x", "dev\r", "de\0v", "dev]x", "", " dev"] {
            let err = set_section("", bad, &CREDS).unwrap_err();
            assert!(matches!(err, EditError::Unwritable { .. }), "{bad:?}");
            assert_eq!(check_writable("", bad), Err(err));
        }
        for bad in [
            "tok\naws_access_key_id = EVIL",
            "tok\r",
            "tok\0",
            " tok",
            "tok\t",
        ] {
            let err = set_section("", "dev", &[("aws_session_token", bad)]).unwrap_err();
            assert!(
                matches!(&err, EditError::Unwritable { what, .. }
                    if what == "the value of aws_session_token"),
                "{bad:?}"
            );
            assert!(!err.to_string().contains("EVIL"), "no value in messages");
        }
        let err = set_section("", "dev", &[("aws_session_token", "a\nb")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot write the value of aws_session_token to a credentials file: \
             it contains a line break or a NUL character"
        );
    }

    #[test]
    #[should_panic(expected = "set by set_section itself")]
    fn the_caller_does_not_set_the_marker() {
        let _ = set_section("", "dev", &[(MARKER_KEY, MARKER_VALUE)]);
    }

    #[test]
    fn editing_twice_changes_nothing_more() {
        for text in [
            "",
            "[dev]\nx = 1",
            "[dev]\r\naws_session_token =\r\n[dev]\r\naws_session_token: b",
            "[a]\n\n\n",
        ] {
            let once = set(text, "dev");
            assert_eq!(set(&once, "dev"), once, "{text:?}");
        }
    }

    /// Generated credentials files, and the properties of an edit.
    mod properties {
        use super::*;
        use proptest::prelude::*;
        use proptest::sample::{select, subsequence};

        const OURS: [&str; 5] = [
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
            "aws_security_token",
            "expiration",
        ];
        const NAMES: [&str; 5] = ["dev", "default", "Dev", "dev-short-term", "prod"];

        /// A line as generated, so the test knows what it holds without parsing.
        #[derive(Debug, Clone)]
        enum Gen {
            Comment(String),
            Blank(String),
            Key {
                key: String,
                text: String,
                value: String,
            },
            Continuation(String),
            Junk(String),
        }

        #[derive(Debug, Clone)]
        struct GenSection {
            /// The header line; `name` is None for an unclosed `[`.
            header: String,
            name: Option<String>,
            lines: Vec<Gen>,
        }

        #[derive(Debug, Clone)]
        struct GenFile {
            top: Vec<Gen>,
            sections: Vec<GenSection>,
            /// 0: LF, 1: CRLF, 2: mixed.
            endings: u8,
            final_newline: bool,
        }

        impl GenFile {
            fn render(&self) -> String {
                let mut lines: Vec<String> = self.top.iter().map(Gen::text).collect();
                for s in &self.sections {
                    lines.push(s.header.clone());
                    lines.extend(s.lines.iter().map(Gen::text));
                }
                let mut out = String::new();
                let count = lines.len();
                for (i, line) in lines.into_iter().enumerate() {
                    out.push_str(&line);
                    if i + 1 < count || self.final_newline {
                        let crlf = match self.endings {
                            0 => false,
                            1 => true,
                            _ => i % 3 == 1,
                        };
                        out.push_str(if crlf { "\r\n" } else { "\n" });
                    }
                }
                out
            }

            /// The target's key lines: (lower-case key, value), all occurrences in order.
            fn target_keys(&self, target: &str) -> Vec<(String, String)> {
                self.sections
                    .iter()
                    .filter(|s| s.name.as_deref() == Some(target))
                    .flat_map(|s| &s.lines)
                    .filter_map(|l| match l {
                        Gen::Key { key, value, .. } => Some((key.to_lowercase(), value.clone())),
                        _ => None,
                    })
                    .collect()
            }

            fn expect_refusal(&self, target: &str) -> bool {
                let keys = self.target_keys(target);
                let has = |k: &str| keys.iter().any(|(key, v)| key == k && !v.is_empty());
                (has("aws_access_key_id") || has("aws_secret_access_key"))
                    && !has("aws_session_token")
                    && !has("aws_security_token")
                    && !keys
                        .iter()
                        .any(|(k, v)| k == MARKER_KEY && v == MARKER_VALUE)
            }

            /// The texts of the target's lines an edit must keep: all but our key lines
            /// and the continuation lines right after them.
            fn target_kept(&self, target: &str, keys: &[&str]) -> Vec<String> {
                let mut kept = Vec::new();
                for s in self
                    .sections
                    .iter()
                    .filter(|s| s.name.as_deref() == Some(target))
                {
                    kept.push(s.header.clone());
                    // Continuation lines go with the value above, across comments.
                    let mut ours = false;
                    for line in &s.lines {
                        let dropped = match line {
                            Gen::Key { key, .. } => {
                                ours = is_ours(key, keys);
                                ours
                            }
                            Gen::Continuation(_) => ours,
                            Gen::Comment(_) | Gen::Blank(_) => false,
                            Gen::Junk(_) => {
                                ours = false;
                                false
                            }
                        };
                        if !dropped {
                            kept.push(line.text());
                        }
                    }
                }
                kept
            }
        }

        impl Gen {
            fn text(&self) -> String {
                match self {
                    Gen::Comment(t) | Gen::Blank(t) | Gen::Continuation(t) | Gen::Junk(t) => {
                        t.clone()
                    }
                    Gen::Key { text, .. } => text.clone(),
                }
            }
        }

        /// True for a key the edit sets: one of `keys`, or the marker.
        fn is_ours(key: &str, keys: &[&str]) -> bool {
            let key = key.to_lowercase();
            keys.contains(&key.as_str()) || key == MARKER_KEY
        }

        fn key_line() -> impl Strategy<Value = Gen> {
            let key = select(vec![
                "aws_access_key_id",
                "aws_secret_access_key",
                "aws_session_token",
                "aws_security_token",
                "expiration",
                "managed_by",
                "region",
                "output",
                "mfa_serial",
            ]);
            let spelling = select(vec![0u8, 1, 2]);
            let sep = select(vec!["=", " = ", " =", "= ", ":", ": ", "\t=\t", "  :  "]);
            let value = prop_oneof![
                "[A-Za-z0-9/+=]{0,10}",
                Just("aws-mfa".to_string()),
                Just("someone-else".to_string()),
            ];
            let trailing = select(vec!["", "  ", "\t"]);
            (key, spelling, sep, value, trailing).prop_map(
                |(key, spelling, sep, value, trailing)| {
                    let key = match spelling {
                        0 => key.to_string(),
                        1 => key.to_uppercase(),
                        _ => key[..1].to_uppercase() + &key[1..],
                    };
                    let text = format!("{key}{sep}{value}{trailing}");
                    Gen::Key { key, text, value }
                },
            )
        }

        fn line() -> impl Strategy<Value = Gen> {
            prop_oneof![
                4 => key_line(),
                1 => select(vec!["# c", ";c", "# aws_access_key_id = AKIA", "#[dev]", "  ; indented"])
                    .prop_map(|t| Gen::Comment(t.to_string())),
                1 => select(vec!["", "  ", "\t"]).prop_map(|t| Gen::Blank(t.to_string())),
                1 => select(vec!["  nested = 1", "\tmore", "  [dev]"]).prop_map(|t| Gen::Continuation(t.to_string())),
                1 => select(vec!["junk", "aws_session_token"]).prop_map(|t| Gen::Junk(t.to_string())),
            ]
        }

        fn section() -> impl Strategy<Value = GenSection> {
            let header = prop_oneof![
                8 => (prop_oneof![Just("dev"), select(NAMES.to_vec())], select(vec!["[{}]", "[ {} ]", "[{}] ; note"]))
                    .prop_map(|(name, form)| (form.replace("{}", name), Some(name.to_string()))),
                1 => Just(("[dev".to_string(), None)),
            ];
            (header, prop::collection::vec(line(), 0..7)).prop_map(|((header, name), lines)| {
                GenSection {
                    header,
                    name,
                    lines,
                }
            })
        }

        fn file() -> impl Strategy<Value = GenFile> {
            (
                prop::collection::vec(line(), 0..3),
                prop::collection::vec(section(), 0..7),
                0u8..3,
                any::<bool>(),
            )
                .prop_map(|(top, sections, endings, final_newline)| {
                    let mut file = GenFile {
                        top,
                        sections,
                        endings,
                        final_newline,
                    };
                    // An empty last line without an ending is no line at all.
                    file.final_newline |= file.render().ends_with('\n');
                    file
                })
        }

        fn entries() -> impl Strategy<Value = Vec<(&'static str, String)>> {
            (
                subsequence(OURS.to_vec(), 1..=OURS.len()),
                prop::collection::vec("[A-Za-z0-9/+=]{1,12}", OURS.len()),
            )
                .prop_map(|(keys, values)| keys.into_iter().zip(values).collect())
        }

        /// Lines with their endings, split where the reader splits them.
        fn raw_lines(text: &str) -> Vec<&str> {
            text.split_inclusive('\n').collect()
        }

        fn header_name(line: &str) -> Option<Option<&str>> {
            let body = line.trim_end_matches(['\r', '\n']);
            if body.starts_with([' ', '\t']) {
                return None;
            }
            let rest = body.trim().strip_prefix('[')?;
            Some(rest.find(']').map(|end| rest[..end].trim()))
        }

        /// The file as a list of chunks (top of file, then one per header), each the exact
        /// text of a non-target chunk, or None where a target chunk stands.
        fn skeleton(text: &str, target: &str) -> Vec<Option<String>> {
            let mut chunks: Vec<(Option<&str>, String)> = vec![(None, String::new())];
            for line in raw_lines(text) {
                if let Some(name) = header_name(line) {
                    chunks.push((name, String::new()));
                }
                chunks.last_mut().unwrap().1.push_str(line);
            }
            chunks
                .into_iter()
                .map(|(name, text)| (name != Some(target)).then_some(text))
                .collect()
        }

        /// The target chunks' lines, without endings.
        fn target_lines(text: &str, target: &str) -> Vec<String> {
            let mut inside = false;
            let mut lines = Vec::new();
            for line in raw_lines(text) {
                if let Some(name) = header_name(line) {
                    inside = name == Some(target);
                }
                if inside {
                    let body = line.strip_suffix('\n').unwrap_or(line);
                    lines.push(body.strip_suffix('\r').unwrap_or(body).to_string());
                }
            }
            lines
        }

        fn others(ini: &Ini, target: &str) -> Vec<Section> {
            ini.sections()
                .into_iter()
                .filter(|s| s.name != target)
                .cloned()
                .collect()
        }

        fn not_ours(section: Option<&Section>, keys: &[&str]) -> Vec<(String, String)> {
            section
                .map(|s| {
                    s.entries
                        .iter()
                        .filter(|(k, _)| !is_ours(k, keys))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn an_edit_keeps_everything_else_and_reads_back(
                file in file(),
                target in prop_oneof![3 => Just("dev"), 1 => select(vec!["Dev", "dev-short-term", "new"])],
                entries in entries(),
            ) {
                let text = file.render();
                let entries: Vec<(&str, &str)> =
                    entries.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let result = set_section(&text, target, &entries);

                // (3) Long-term keys are refused before anything is written.
                if file.expect_refusal(target) {
                    let is_long_term = matches!(result, Err(EditError::LongTermKeys { .. }));
                    prop_assert!(is_long_term, "{:?}", result);
                    prop_assert_eq!(check_writable(&text, target), result.map(drop));
                    return Ok(());
                }
                let out = result.expect("a section without long-term keys is written");
                prop_assert_eq!(check_writable(&text, target), Ok(()));

                // (1) Every chunk outside the target is byte-identical and in its place.
                let appended = !skeleton(&text, target).contains(&None);
                if appended {
                    // The input is a prefix of the output, but for the ending its last line
                    // then needs; a blank line follows unless it was one; then the section.
                    let newline = if text.split('\n').next().unwrap().ends_with('\r')
                        && text.contains('\n')
                    {
                        "\r\n"
                    } else {
                        "\n"
                    };
                    let base = if text.is_empty() || text.ends_with('\n') {
                        text.clone()
                    } else {
                        format!("{text}{newline}")
                    };
                    let rest = out.strip_prefix(&base);
                    prop_assert!(rest.is_some(), "{:?} is not a prefix of {:?}", base, out);
                    let rest = rest.unwrap();
                    let without_ending = base.strip_suffix('\n').unwrap_or(&base);
                    let last_line = without_ending.rsplit('\n').next().unwrap();
                    let last_blank = last_line.trim().is_empty();
                    let blank_added = !text.is_empty() && !last_blank;
                    let header = format!("[{target}]");
                    prop_assert_eq!(rest.strip_prefix(newline).is_some(), blank_added);
                    let rest = if blank_added { &rest[newline.len()..] } else { rest };
                    prop_assert!(rest.starts_with(&header), "{:?}", rest);
                } else {
                    prop_assert_eq!(skeleton(&out, target), skeleton(&text, target));
                }
                // The final-newline state is kept, unless the last line is then an empty one.
                let body = out.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t));
                let last_empty = body.is_some_and(|t| t.is_empty() || t.ends_with('\n'));
                prop_assert_eq!(
                    out.ends_with('\n'),
                    text.ends_with('\n') || text.is_empty() || last_empty
                );
                match file.endings {
                    0 => prop_assert!(!out.contains('\r')),
                    1 if text.contains('\n') => {
                        prop_assert_eq!(out.matches('\n').count(), out.matches("\r\n").count());
                    }
                    _ => {}
                }

                // (2) A reader sees our values, whether the first or the last one wins...
                let before = Ini::parse(&text);
                let after = Ini::parse(&out);
                let section = after.section(target).expect("the section is there");
                for (key, value) in entries.iter().chain([&(MARKER_KEY, MARKER_VALUE)]) {
                    let values: Vec<&str> = section
                        .entries
                        .iter()
                        .filter(|(k, _)| k == key)
                        .map(|(_, v)| v.as_str())
                        .collect();
                    prop_assert!(!values.is_empty() && values.iter().all(|v| v == value),
                        "{}: {:?}", key, values);
                }
                // ...and every other section as before.
                prop_assert_eq!(others(&after, target), others(&before, target));

                // (4) The target's other keys, comments and blank lines survive, in order;
                // the only lines added are our keys.
                let keys: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
                prop_assert_eq!(not_ours(Some(section), &keys), not_ours(before.section(target), &keys));
                let kept = if appended {
                    vec![format!("[{target}]")]
                } else {
                    file.target_kept(target, &keys)
                };
                let mut kept = kept.into_iter().peekable();
                for line in target_lines(&out, target) {
                    if kept.peek() == Some(&line) {
                        kept.next();
                    } else {
                        let key = line.split(['=', ':']).next().unwrap_or("").trim();
                        prop_assert!(line.contains(['=', ':']) && is_ours(key, &keys), "added {:?}", line);
                    }
                }
                prop_assert_eq!(kept.next(), None);

                // (3) Editing twice is editing once.
                prop_assert_eq!(set_section(&out, target, &entries), Ok(out.clone()));
            }
        }
    }
}
