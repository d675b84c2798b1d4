//! Format-preserving edits of one section of an AWS credentials file or `~/.boto`
//! (docs/design.md §8).
//!
//! Every byte outside the edited section is kept: comments, blank lines, order, key case,
//! line endings, other sections and a missing final newline. Lines are judged by
//! `crate::ini`'s scanner, the reader's, so the editor and the reader agree on which line
//! belongs to which section, and both agree with botocore. A file botocore refuses is not
//! edited (the edit could not make it readable, and would hide why the aws CLI fails). To
//! read a section, use `crate::ini::Ini`.

use std::fmt;

use crate::ini::{self, DEFAULT_SECTION, Ini, Kind, Problem, Scanner, Section};
use crate::keys;
use crate::text;

/// The key of the line that marks a section as written by aws-mfa: `managed_by = aws-mfa`.
pub const MARKER_KEY: &str = "managed_by";
pub const MARKER_VALUE: &str = "aws-mfa";

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
    /// botocore (the aws CLI) cannot read the file, for this reason.
    Unparseable(Problem),
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
                 short-term credentials to another section, e.g. --write-profile={}",
                shell_words::quote(suggestion)
            ),
            EditError::Unwritable { what, reason } => {
                write!(f, "cannot write {what} to a credentials file: it {reason}")
            }
            EditError::Unparseable(problem) => write!(
                f,
                "{problem}, which botocore (the aws CLI) refuses, so aws-mfa will not edit the \
                 file; {}",
                problem.fix()
            ),
        }
    }
}

impl std::error::Error for EditError {}

/// Sets `entries` (lower-case keys, in order) and the aws-mfa marker in `[section]` of
/// `text`, and returns the new text.
///
/// - A key already in the section is rewritten in place: its spelling and everything up to
///   the value stay as written; the lines that continued the old value go with it.
/// - Missing keys go after the section's last key line (and its continuation lines),
///   before the blank lines and comments that lead to the next header, indented as that
///   header is (so neither the new lines nor the header continue a value).
/// - An absent section is appended after one blank line. If the file did not end with a
///   line ending, its last line gets one (unavoidable: it is no longer last); the new
///   last line then has none, so the file's final-newline state is kept (in every case but
///   one: when a deleted last line leaves an empty line last, that line keeps its ending).
/// - New lines end as the file's first line does (`\n`, `\r\n` or `\r`), else with `\n`.
///
/// Refuses, writing nothing, what [`check_writable`] refuses.
///
/// # Panics
/// If a key is not lower-case `[a-z0-9_]+`, is repeated, or is [`MARKER_KEY`]: keys are
/// the caller's constants, not user input.
pub fn set_section(
    text: &str,
    section: &str,
    entries: &[(&str, &str)],
) -> Result<String, EditError> {
    edit_section(text, section, entries, &[], true)
}

/// [`set_section`] that also removes the `remove` keys (with their continuation lines)
/// from the section: the Python aws-mfa drops `assumed_role_arn` once there is no role.
pub fn set_section_removing(
    text: &str,
    section: &str,
    entries: &[(&str, &str)],
    remove: &[&str],
) -> Result<String, EditError> {
    edit_section(text, section, entries, remove, true)
}

/// [`set_section`] without the aws-mfa marker, for long-term keys (`aws-mfa --setup`): the
/// marker would make them a short-term section that the next write may overwrite.
pub fn set_unmarked(
    text: &str,
    section: &str,
    entries: &[(&str, &str)],
) -> Result<String, EditError> {
    edit_section(text, section, entries, &[], false)
}

fn edit_section(
    text: &str,
    section: &str,
    entries: &[(&str, &str)],
    remove: &[&str],
    mark: bool,
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
    assert!(
        remove.iter().all(|r| entries.iter().all(|(k, _)| k != r)),
        "a key is both set and removed"
    );
    check_writable(text, section)?;

    // A file without a final line ending stays so.
    let keep_open = !text.is_empty() && !text.ends_with(['\n', '\r']);
    let mut entries = entries.to_vec();
    if mark {
        entries.push((MARKER_KEY, MARKER_VALUE));
    }
    let lines = scan(text);
    let mut out = Output {
        text: String::with_capacity(text.len() + 1024),
        newline: lines
            .iter()
            .map(|l| l.ending)
            .find(|e| !e.is_empty())
            .unwrap_or("\n"),
    };

    // check_writable refused a repeated section: there is one header of this name at most.
    match lines.iter().position(|l| l.kind == Kind::Header(section)) {
        None => {
            out.text.push_str(text);
            if !text.is_empty() && lines.last().is_some_and(|l| l.kind != Kind::Blank) {
                out.push_new("");
            }
            out.push_new(&format!("[{section}]"));
            for (key, value) in &entries {
                out.push_new(&format!("{key} = {value}"));
            }
        }
        Some(start) => {
            let end = lines[start + 1..]
                .iter()
                .position(|l| matches!(l.kind, Kind::Header(_)))
                .map_or(lines.len(), |n| start + 1 + n);
            // New lines at the next header's indentation, so that the header does not
            // continue their value; the key line above is never less indented than it.
            let indent = lines.get(end).map_or(0, |l| ini::indentation(l.text));
            lines[..start].iter().for_each(|line| out.push_line(line));
            edit(
                &mut out,
                &lines[start..end],
                &entries,
                remove,
                &" ".repeat(indent),
            );
            lines[end..].iter().for_each(|line| out.push_line(line));
        }
    }

    let mut edited = out.text;
    if keep_open {
        // Unless the last line is then empty: stripping its ending would drop it.
        let kept = edited
            .strip_suffix("\r\n")
            .or_else(|| edited.strip_suffix(['\n', '\r']));
        if let Some(kept) = kept.filter(|t| !t.is_empty() && !t.ends_with(['\n', '\r'])) {
            edited.truncate(kept.len());
        }
    }
    Ok(edited)
}

/// Ok if `[section]` of `text` may be written: its name can be written, botocore can read
/// the file, and the section does not hold long-term keys. Lets a caller refuse before
/// asking for an MFA code; [`set_section`] runs it too.
pub fn check_writable(text: &str, section: &str) -> Result<(), EditError> {
    check_section_name(section)?;
    ini::check(text).map_err(EditError::Unparseable)?;
    let ini = Ini::parse(text);
    if keeps_long_term_keys(&ini, section) {
        return Err(EditError::LongTermKeys {
            section: section.to_string(),
            suggestion: suggest_section(&ini, section),
        });
    }
    Ok(())
}

/// True for a section with a long-term key — either half is worth keeping — and neither a
/// session token nor the aws-mfa marker.
pub fn holds_long_term_keys(section: &Section) -> bool {
    // Every entry counts, even one spanning lines (it may be a mis-indented secret).
    let raw = |key: &str| {
        section
            .entries
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    };
    keys::has_long_term_key(raw) && !is_managed(section)
}

/// True if the section carries `managed_by = aws-mfa`.
pub fn is_managed(section: &Section) -> bool {
    section
        .entries
        .iter()
        .any(|(k, v)| k == MARKER_KEY && v == MARKER_VALUE)
}

/// Whether `[section]` holds long-term keys as botocore reads it (with `[DEFAULT]`'s keys)
/// or in its own lines: a token or a marker in `[DEFAULT]` does not make them disposable.
fn keeps_long_term_keys(ini: &Ini, section: &str) -> bool {
    ini.section(section).is_some_and(holds_long_term_keys)
        || ini
            .own_section(section)
            .is_some_and(|own| holds_long_term_keys(&own))
}

/// `<name>-short-term`, or `-2`, `-3`… after it: the first that is absent or ours.
fn suggest_section(ini: &Ini, section: &str) -> String {
    (1..)
        .map(|n| match n {
            1 => format!("{section}{SUGGESTION_SUFFIX}"),
            n => format!("{section}{SUGGESTION_SUFFIX}-{n}"),
        })
        .find(|name| ini.section(name).is_none_or(is_managed) && !keeps_long_term_keys(ini, name))
        .expect("a file has finitely many sections")
}

fn check_section_name(section: &str) -> Result<(), EditError> {
    let reason = if section.is_empty() {
        Some("is empty")
    } else if section.chars().any(text::is_unsafe_char) {
        Some("contains a control character, a bidi control or a line separator")
    } else if section.contains(']') {
        Some("contains ']', which ends the header for other readers")
    } else if section.trim_matches(ini::is_space) != section {
        Some("starts or ends with white space, which other readers drop")
    } else if section == DEFAULT_SECTION {
        Some(
            "is configparser's DEFAULT section, whose keys botocore (the aws CLI) gives every other section",
        )
    } else {
        None
    };
    match reason {
        Some(reason) => Err(EditError::Unwritable {
            what: format!("the section name \"{}\"", text::escaped(section)),
            reason,
        }),
        None => Ok(()),
    }
}

fn check_value(key: &str, value: &str) -> Result<(), EditError> {
    let reason = if value.chars().any(text::is_unsafe_char) {
        Some("contains a line break or another control character")
    } else if value.trim_matches(ini::is_space) != value {
        Some("starts or ends with white space, which readers drop")
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

/// One line of the file: its text without the line ending, the ending ("" on a last line
/// that has none), and what it is.
#[derive(Debug)]
struct Line<'a> {
    text: &'a str,
    ending: &'a str,
    kind: Kind<'a>,
}

fn scan(text: &str) -> Vec<Line<'_>> {
    let mut scanner = Scanner::default();
    ini::lines(text)
        .map(|line| Line {
            text: line.text,
            ending: line.ending,
            kind: scanner.classify(line.text),
        })
        .collect()
}

/// The target section (its header line first): values replaced in place, `remove` keys
/// dropped, missing keys inserted after the last key line (and its continuation lines),
/// with `indent` before them.
fn edit(out: &mut Output, lines: &[Line], entries: &[(&str, &str)], remove: &[&str], indent: &str) {
    let entry = |key: &str| {
        let key = ini::fold_key(key);
        entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    };
    let removed = |key: &str| remove.contains(&ini::fold_key(key).as_ref());
    // Our key lines and the continuation lines of their values; not the comments and blank
    // lines among them.
    let mut continues_ours = false;
    let owned: Vec<bool> = lines
        .iter()
        .map(|line| match &line.kind {
            Kind::Key { key, .. } => {
                continues_ours = entry(key).is_some() || removed(key);
                continues_ours
            }
            Kind::Continuation(_) => continues_ours,
            _ => false,
        })
        .collect();
    // So an inserted line never takes over a continuation.
    let insert_at = 1 + lines
        .iter()
        .rposition(|l| {
            matches!(
                l.kind,
                Kind::Header(_) | Kind::Key { .. } | Kind::Continuation(_)
            )
        })
        .expect("starts with its header");
    let present = |key: &str| {
        lines
            .iter()
            .any(|l| matches!(&l.kind, Kind::Key { key: k, .. } if ini::fold_key(k) == key))
    };
    let insert_missing = |out: &mut Output| {
        for (key, value) in entries.iter().filter(|(k, _)| !present(k)) {
            out.push_new(&format!("{indent}{key} = {value}"));
        }
    };
    for (i, line) in lines.iter().enumerate() {
        if i == insert_at {
            insert_missing(out);
        }
        match &line.kind {
            Kind::Key { key, .. } if owned[i] && removed(key) => {}
            Kind::Key { key, value_at, .. } if owned[i] => {
                let value = entry(key).expect("owned keys are entries");
                let prefix = &line.text[..*value_at];
                // `key =` with nothing after it: spaced on the right as on the left.
                let space = *value_at == line.text.len()
                    && prefix
                        .strip_suffix(['=', ':'])
                        .is_some_and(|key| key.ends_with(ini::is_space));
                let space = if space { " " } else { "" };
                out.push_text(&format!("{prefix}{space}{value}"), line.ending);
            }
            _ if owned[i] => {} // a continuation of a value we replaced
            _ => out.push_line(line),
        }
    }
    if insert_at == lines.len() {
        insert_missing(out);
    }
}

struct Output<'a> {
    text: String,
    newline: &'a str,
}

impl Output<'_> {
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
        if !self.text.is_empty() && !self.text.ends_with(['\n', '\r']) {
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
        // Matching is by the exact name, as botocore reads it: `[ dev ]` is section " dev ".
        assert_eq!(set("[Dev]\n", "dev"), format!("[Dev]\n\n{section}"));
        assert_eq!(set("[ dev ]\n", "dev"), format!("[ dev ]\n\n{section}"));
        // A file of lone-CR line ends gets them on its new lines too.
        assert_eq!(
            set("[a]\r", "dev"),
            format!("[a]\r\r{}", section.replace('\n', "\r"))
        );
    }

    #[test]
    fn a_file_botocore_refuses_is_not_edited() {
        // A repeated section (the target's or another's), a line that is no key, an unclosed
        // header: botocore (the aws CLI) fails on the whole file.
        for (text, line) in [
            (
                "[dev]\nregion = a\n[other]\n[dev]\naws_session_token = old\n",
                4,
            ),
            ("[dev]\n[other]\nx = 1\n[other]\n", 4),
            ("[dev]\nregion = a\n[broken\naws_session_token = x\n", 3),
            ("[dev]\naws_session_token = a\nAWS_SESSION_TOKEN = b\n", 3),
            ("region = a\n[dev]\n", 1),
            ("[dev]\ns3 =\n  max_concurrent_requests\n", 3),
        ] {
            let err = set_section(text, "dev", &CREDS).unwrap_err();
            assert!(
                matches!(&err, EditError::Unparseable(problem) if problem.to_string()
                    .split([' ', ',']).nth(1) == Some(line.to_string().as_str())),
                "{text:?}: {err:?}"
            );
            assert_eq!(check_writable(text, "dev"), Err(err));
        }
        let err = set_section("\u{feff}[dev]\n", "dev", &CREDS).unwrap_err();
        assert_eq!(err, EditError::Unparseable(Problem::ByteOrderMark));
        let text = "[dev]\naws_access_key_id = AKIA\naws_secret_access_key = s\n\n\
                    [dev]\naws_session_token = t\n";
        assert_eq!(
            set_section(text, "dev", &CREDS).unwrap_err().to_string(),
            "line 5 repeats the section [dev] of line 1, which botocore (the aws CLI) refuses, \
             so aws-mfa will not edit the file; merge the two sections into one"
        );
    }

    #[test]
    fn indented_keys_count_and_new_lines_keep_an_indented_header_a_header() {
        // botocore reads indented keys under a header as keys: these are long-term keys.
        let text = "[dev]\n    aws_access_key_id = AKIA\n    aws_secret_access_key = s\n";
        assert!(matches!(
            set_section(text, "dev", &CREDS),
            Err(EditError::LongTermKeys { .. })
        ));
        // A line at column 0 after `  region` would make `  [next]` continue its value.
        let text = "[dev]\n  region = x\n\n  [next]\n  k = 1\n";
        assert_eq!(
            set(text, "dev"),
            "[dev]\n  region = x\n  aws_access_key_id = ASIANEW\n  \
             aws_secret_access_key = new/secret+\n  aws_session_token = tok=en\n  \
             managed_by = aws-mfa\n\n  [next]\n  k = 1\n"
        );
        // An indented value replaced: its deeper continuation lines go with it.
        let text = "[dev]\n  aws_session_token = a\n     b\n  region = x\n";
        assert_eq!(
            set_section(text, "dev", &[("aws_session_token", "new")]).unwrap(),
            "[dev]\n  aws_session_token = new\n  region = x\nmanaged_by = aws-mfa\n"
        );
    }

    #[test]
    fn keys_match_as_botocore_folds_them() {
        // U+212A KELVIN SIGN lower-cases to `k`: botocore reads aws_access_key_id.
        let text = "[dev]\nAWS_ACCESS_\u{212a}EY_ID = AKIA\n";
        assert!(matches!(
            set_section(text, "dev", &CREDS),
            Err(EditError::LongTermKeys { .. })
        ));
        let text = "[dev]\nAWS_SESSION_TO\u{212a}EN = old\n";
        assert_eq!(
            set_section(text, "dev", &[("aws_session_token", "new")]).unwrap(),
            "[dev]\nAWS_SESSION_TO\u{212a}EN = new\nmanaged_by = aws-mfa\n"
        );
    }

    #[test]
    fn default_keys_count_as_botocore_reads_them_but_do_not_excuse_the_own_ones() {
        // [DEFAULT]'s keys are [dev]'s as botocore reads it.
        let text = "[DEFAULT]\naws_access_key_id = AKIA\n[dev]\nregion = x\n";
        assert!(matches!(
            set_section(text, "dev", &CREDS),
            Err(EditError::LongTermKeys { .. })
        ));
        // A token or a marker in [DEFAULT] does not make [dev]'s own keys disposable.
        for shared in ["aws_session_token = t", "managed_by = aws-mfa"] {
            let text = format!("[DEFAULT]\n{shared}\n[dev]\naws_access_key_id = AKIA\n");
            let err = set_section(&text, "dev", &CREDS).unwrap_err();
            assert!(matches!(err, EditError::LongTermKeys { .. }), "{shared}");
        }
        // [DEFAULT] itself is never written.
        let err = set_section("", "DEFAULT", &CREDS).unwrap_err();
        assert!(
            err.to_string()
                .contains("DEFAULT section, whose keys botocore"),
            "{err}"
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
             credentials to another section, e.g. --write-profile=dev-short-term-2"
        );
        assert_eq!(check_writable(text, "dev"), Err(err));
        // A suggestion may be a section aws-mfa already manages; names are quoted for a shell.
        let text = "[my dev]\naws_secret_access_key = secret\n\
                    [my dev-short-term]\nmanaged_by = aws-mfa\n";
        assert_eq!(
            set_section(text, "my dev", &CREDS).unwrap_err().to_string(),
            "[my dev] holds long-term keys, so aws-mfa will not overwrite it; write the short-term \
             credentials to another section, e.g. --write-profile='my dev-short-term'"
        );
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
        let text = "[x]\naws_access_key_id = A\n[dev]\n[y]\naws_secret_access_key = s\n";
        assert!(set_section(text, "dev", &CREDS).is_ok());
    }

    #[test]
    fn refuses_names_and_values_that_would_not_read_back() {
        for bad in [
            "dev\n[x",
            "dev\r",
            "de\0v",
            "dev]x",
            "",
            " dev",
            "dev\u{3000}",
            "DEFAULT",
        ] {
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
            "tok\u{1c}",
            "to\u{2028}k",
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
             it contains a line break or another control character"
        );
    }

    #[test]
    fn refuses_headers_with_control_or_bidi_characters_without_printing_them() {
        for bad in [
            "dev\u{1b}[31m",
            "dev\u{7f}",
            "dev\u{85}",
            "\u{202e}ved",
            "dev\u{2028}",
            "d\u{2029}",
            "d\u{61c}",
            "d\u{200e}",
            "d\u{200f}",
            "d\u{202a}",
            "d\u{2066}",
            "d\u{2069}",
        ] {
            let err = set_section("", bad, &CREDS).unwrap_err();
            let message = err.to_string();
            assert!(
                message
                    .contains("contains a control character, a bidi control or a line separator"),
                "{bad:?}: {message}"
            );
            assert!(!message.chars().any(text::is_unsafe_char), "{message:?}");
            assert_eq!(check_writable("[x]\n", bad), Err(err));
        }
        assert_eq!(
            set_section("", "dev\u{1b}[2J", &CREDS)
                .unwrap_err()
                .to_string(),
            "cannot write the section name \"dev\\u{1b}[2J\" to a credentials file: it contains \
             a control character, a bidi control or a line separator"
        );
    }

    #[test]
    #[should_panic(expected = "set by set_section itself")]
    fn the_caller_does_not_set_the_marker() {
        let _ = set_section("", "dev", &[(MARKER_KEY, MARKER_VALUE)]);
    }

    #[test]
    fn removed_keys_go_with_their_continuation_lines_and_nothing_else() {
        let text = "[dev]\nassumed_role = True\nAssumed_Role_Arn = arn\n  more\n# kept\nregion = x\n[b]\nassumed_role_arn = other\n";
        let edited = set_section_removing(
            text,
            "dev",
            &[("assumed_role", "False")],
            &["assumed_role_arn"],
        )
        .unwrap();
        assert_eq!(
            edited,
            "[dev]\nassumed_role = False\n# kept\nregion = x\nmanaged_by = aws-mfa\n[b]\nassumed_role_arn = other\n"
        );
        // Absent, nothing to remove; the last key line removed, new keys take its place.
        let edited = set_section_removing("[dev]\nx = 1\n", "dev", &[("y", "2")], &["z"]).unwrap();
        assert_eq!(edited, "[dev]\nx = 1\ny = 2\nmanaged_by = aws-mfa\n");
        let edited =
            set_section_removing("[dev]\nz = 1\n\n[b]\n", "dev", &[("y", "2")], &["z"]).unwrap();
        assert_eq!(edited, "[dev]\ny = 2\nmanaged_by = aws-mfa\n\n[b]\n");
    }

    #[test]
    fn long_term_keys_are_written_without_the_marker_and_never_over_keys() {
        let keys = [
            ("aws_access_key_id", "AKIA"),
            ("aws_secret_access_key", "s"),
        ];
        let edited = set_unmarked("[dev]\naws_mfa_device = d\n", "dev", &keys).unwrap();
        assert_eq!(
            edited,
            "[dev]\naws_mfa_device = d\naws_access_key_id = AKIA\naws_secret_access_key = s\n"
        );
        assert!(matches!(
            set_unmarked(&edited, "dev", &keys),
            Err(EditError::LongTermKeys { .. })
        ));
    }

    #[test]
    fn editing_twice_changes_nothing_more() {
        for text in [
            "",
            "[dev]\nx = 1",
            "[dev]\r\naws_session_token =\r\n[x]\r\naws_session_token: b",
            "[dev]\r  region = x\r\n  [b]\r",
            "[a]\n\n\n",
        ] {
            let once = set(text, "dev");
            assert_eq!(set(&once, "dev"), once, "{text:?}");
        }
    }
}
