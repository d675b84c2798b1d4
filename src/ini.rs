//! Read-only parser for the AWS config and credentials files, as botocore (the aws CLI)
//! reads them: Python's `configparser.RawConfigParser` (docs/design.md §8).
//!
//! One line scanner, [`Scanner`], judges every line for the reader and for the editor
//! (`crate::ini_edit`), so the two never disagree. Its rules are configparser's:
//! - a line ends at `\n`, `\r\n` or a lone `\r`; white space is Python's (`str.isspace`:
//!   Unicode white space and U+001C..U+001F), and a BOM is none;
//! - blank lines and `#` or `;` comment lines, indented or not, are skipped (no inline
//!   comments);
//! - a line indented deeper than the line that started the current key continues its value
//!   (blank lines in between are kept in it);
//! - else `[name]` is a header, indented or not: the name is all up to the last `]`, not
//!   trimmed (`[ dev ] ; x` is section " dev ");
//! - else `key = value` or `key: value`: the key up to the first delimiter, trimmed and
//!   lower-cased as `str.lower` does, the value trimmed.
//!
//! `[DEFAULT]` is no section: its keys show in every section that lacks them. Where botocore
//! refuses a file ([`check`] says why), the reader still reads what it can: a leading BOM is
//! dropped, a repeated section is merged, later keys winning, and lines it cannot read are
//! skipped; [`Ini::reporting`] tells of the BOM and of repeats as it meets them.
//!
//! Which config-file section is which profile is botocore's `build_profile_map`'s rule
//! ([`profile_of_header`]), looked up by [`Ini::profile`].
//!
//! Lazy, because the cache-hit path reads files of thousands of profiles to use two or
//! three: `parse` only finds the headers; a section's lines are read when it is looked up.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use crate::text::escaped;

/// configparser's section of fallbacks for every other section; no section itself.
pub const DEFAULT_SECTION: &str = "DEFAULT";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub entries: Vec<(String, String)>,
}

impl Section {
    /// The value of `key`; None when it is empty or spans lines: nested (`s3 =` with
    /// indented lines under it, settings of their own to botocore) or continued by deeper
    /// indented lines, which no setting can use (and which may be a mis-indented secret).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty() && !v.contains('\n'))
    }

    /// Whether the section has `key` at all, with any value.
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// The value of `key` as `get` gives it, but an empty one too (`region =`), which
    /// botocore reads as "" rather than as no key.
    pub fn get_even_empty(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.contains('\n'))
    }
}

// ---------------------------------------------------------------------------------------
// Lines, as configparser reads them
// ---------------------------------------------------------------------------------------

/// Python's `str.isspace`, which configparser strips lines and measures indentation with.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn strip(text: &str) -> &str {
    text.trim_matches(is_space)
}

fn rstrip(text: &str) -> &str {
    text.trim_end_matches(is_space)
}

/// Indentation in characters, as configparser counts it.
pub(crate) fn indentation(line: &str) -> usize {
    line.chars().take_while(|&c| is_space(c)).count()
}

/// A key folded as configparser folds it (`str.lower`): `AWS_Access_\u{212a}ey_ID` is
/// `aws_access_key_id`.
pub fn fold_key(key: &str) -> Cow<'_, str> {
    if !key.is_ascii() {
        Cow::Owned(key.to_lowercase())
    } else if key.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(key.to_ascii_lowercase())
    } else {
        Cow::Borrowed(key)
    }
}

/// The pieces of `text` split as Python's `str.splitlines` splits (botocore splits nested
/// values so): at line ends and also at U+000B, U+000C, U+001C..U+001E, U+0085, U+2028, U+2029.
pub(crate) fn split_py_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split([
        '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
        '\u{2029}',
    ])
}

/// One line: where it starts in the text, its text and its ending (`\n`, `\r\n`, `\r`, or
/// "" on a last line without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    pub at: usize,
    pub text: &'a str,
    pub ending: &'a str,
}

/// The lines of `text`, split where Python's universal newlines split them.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &text[at..];
        if rest.is_empty() {
            return None;
        }
        let (len, ending) = match line_end(rest) {
            Some(n) if rest[n..].starts_with("\r\n") => (n, 2),
            Some(n) => (n, 1),
            None => (rest.len(), 0),
        };
        let line = Line {
            at,
            text: &rest[..len],
            ending: &rest[len..len + ending],
        };
        at += len + ending;
        Some(line)
    })
}

fn line_end(text: &str) -> Option<usize> {
    text.bytes().position(|b| b == b'\n' || b == b'\r')
}

/// What a line is, in the place where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind<'a> {
    Blank,
    Comment,
    /// `[name]`: the exact name.
    Header(&'a str),
    /// `key = value`: `key` as written (trimmed, not folded), `value` trimmed, and
    /// `value_at` the byte offset in the line where the value (after the delimiter and the
    /// white space after it) starts.
    Key {
        key: &'a str,
        value: &'a str,
        value_at: usize,
    },
    /// Continues the value of the key above it: the line's text, trimmed.
    Continuation(&'a str),
    /// Neither blank nor a comment nor a header, before any header.
    BeforeHeader,
    /// No header, and no `=` or `:`.
    NotKeyValue,
    /// `= value`: a delimiter with no key before it.
    EmptyKey,
}

/// configparser's state between lines: whether a header was seen, and the indentation of
/// the line that started the current key, while there is one.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Scanner {
    in_section: bool,
    key_indent: Option<usize>,
}

impl Scanner {
    /// The state right after a header line.
    pub(crate) fn after_header() -> Scanner {
        Scanner {
            in_section: true,
            key_indent: None,
        }
    }

    /// Judges the next line (its text without the line ending), as configparser's `_read`.
    pub(crate) fn classify<'a>(&mut self, line: &'a str) -> Kind<'a> {
        let text = strip(line);
        if text.starts_with(['#', ';']) {
            return Kind::Comment;
        }
        if text.is_empty() {
            return Kind::Blank;
        }
        let indent = if line.starts_with(|c: char| !is_space(c)) {
            0
        } else {
            indentation(line)
        };
        if self.key_indent.is_some_and(|level| indent > level) {
            return Kind::Continuation(text);
        }
        if let Some(name) = header_name(text) {
            *self = Scanner::after_header();
            return Kind::Header(name);
        }
        if !self.in_section {
            return Kind::BeforeHeader;
        }
        let Some(at) = text.find(['=', ':']) else {
            // configparser keeps the current key, measured from this line now.
            self.key_indent = self.key_indent.map(|_| indent);
            return Kind::NotKeyValue;
        };
        let key = rstrip(&text[..at]);
        if key.is_empty() {
            self.key_indent = None;
            return Kind::EmptyKey;
        }
        self.key_indent = Some(indent);
        let value = text[at + 1..].trim_start_matches(is_space);
        Kind::Key {
            key,
            value,
            value_at: value.as_ptr() as usize - line.as_ptr() as usize,
        }
    }
}

/// configparser's `\[(?P<header>.+)\]`, matched at the start of a trimmed line: greedy, so
/// up to the last `]`, and not anchored at the end.
fn header_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// The profile a config-file header names, as botocore's `build_profile_map` reads it;
/// borrowed for `[default]` and a plain `[profile NAME]` (found by name), owned otherwise.
pub fn profile_of_header(header: &str) -> Option<Cow<'_, str>> {
    if header == "default" {
        return Some(Cow::Borrowed(header));
    }
    if !header.starts_with("profile") {
        return None;
    }
    let shell = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\'' | b'"' | b'\\');
    if let Some(name) = header.strip_prefix("profile ")
        && !name.is_empty()
        && !name.as_bytes().iter().any(shell)
    {
        return Some(Cow::Borrowed(name));
    }
    match <[String; 2]>::try_from(shlex_split(header)?) {
        Ok([_, name]) => Some(Cow::Owned(name)),
        Err(_) => None,
    }
}

/// Python's `shlex.split` (POSIX mode, no comments); None where it raises ValueError (an
/// unclosed quote, a trailing backslash).
fn shlex_split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => words.extend(word.take()),
            '\\' => word.get_or_insert_default().push(chars.next()?),
            '\'' => {
                let word = word.get_or_insert_default();
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                let word = word.get_or_insert_default();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\') => word.push(c),
                            c => {
                                word.push('\\');
                                word.push(c);
                            }
                        },
                        c => word.push(c),
                    }
                }
            }
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    Some(words)
}

// ---------------------------------------------------------------------------------------
// What botocore refuses
// ---------------------------------------------------------------------------------------

/// Why botocore (the aws CLI) cannot read a file: it then fails for every profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file starts with U+FEFF, which Python reads as text before any header.
    ByteOrderMark,
    BeforeHeader {
        line: usize,
    },
    NotKeyValue {
        line: usize,
    },
    EmptyKey {
        line: usize,
    },
    DuplicateSection {
        name: String,
        first: usize,
        line: usize,
    },
    DuplicateKey {
        section: String,
        key: String,
        first: usize,
        line: usize,
    },
    /// A line of a nested value (`s3 =` and indented lines under it) without `=`.
    Nested {
        key: String,
        line: usize,
    },
}

impl Problem {
    /// What to do about it.
    pub fn fix(&self) -> &'static str {
        match self {
            Problem::ByteOrderMark => "save it as UTF-8 without a byte-order mark",
            Problem::BeforeHeader { .. } => {
                "move that line under a [section] header, or make it a # comment"
            }
            Problem::NotKeyValue { .. } | Problem::EmptyKey { .. } => {
                "write that line as key = value, or make it a # comment"
            }
            Problem::DuplicateSection { .. } => "merge the two sections into one",
            Problem::DuplicateKey { .. } => "keep one of the two lines",
            Problem::Nested { .. } => "write that line as name = value, or indent it less",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::ByteOrderMark => write!(f, "the file starts with a byte-order mark"),
            Problem::BeforeHeader { line } => {
                write!(f, "line {line} comes before any [section] header")
            }
            Problem::NotKeyValue { line } => {
                write!(
                    f,
                    "line {line} is neither a [section] header nor key = value"
                )
            }
            Problem::EmptyKey { line } => write!(f, "line {line} has no key before its = or :"),
            Problem::DuplicateSection { name, first, line } => write!(
                f,
                "line {line} repeats the section [{}] of line {first}",
                escaped(name)
            ),
            Problem::DuplicateKey {
                section,
                key,
                first,
                line,
            } => write!(
                f,
                "line {line} repeats the key {} of line {first} in [{}]",
                escaped(key),
                escaped(section)
            ),
            Problem::Nested { key, line } => write!(
                f,
                "line {line}, in the nested settings of {}, has no =",
                escaped(key)
            ),
        }
    }
}

/// Ok if botocore reads `text`; else the first line it refuses (configparser's errors, and
/// botocore's own on nested values, also those of `[DEFAULT]` that no section inherits yet).
pub fn check(text: &str) -> Result<(), Problem> {
    if text.starts_with('\u{feff}') {
        return Err(Problem::ByteOrderMark);
    }
    let mut scanner = Scanner::default();
    let mut sections: HashMap<&str, usize> = HashMap::new();
    let mut keys: HashMap<(&str, Cow<str>), usize> = HashMap::new();
    let mut section = "";
    // The current key, while its value is nested: it was empty on the key's line.
    let mut nested: Option<Cow<str>> = None;
    for (n, line) in lines(text).enumerate() {
        let line_no = n + 1;
        match scanner.classify(line.text) {
            Kind::Blank | Kind::Comment => {}
            Kind::Header(name) => {
                if name != DEFAULT_SECTION {
                    if let Some(&first) = sections.get(name) {
                        return Err(Problem::DuplicateSection {
                            name: name.to_string(),
                            first,
                            line: line_no,
                        });
                    }
                    sections.insert(name, line_no);
                }
                section = name;
                nested = None;
            }
            Kind::Key { key, value, .. } => {
                let key = fold_key(key);
                match keys.entry((section, key.clone())) {
                    Entry::Occupied(first) => {
                        return Err(Problem::DuplicateKey {
                            section: section.to_string(),
                            key: key.into_owned(),
                            first: *first.get(),
                            line: line_no,
                        });
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(line_no);
                    }
                }
                nested = value.is_empty().then_some(key);
            }
            Kind::Continuation(text) => {
                let bad = |part: &str| !strip(part).is_empty() && !part.contains('=');
                if let Some(key) = &nested
                    && split_py_lines(text).any(bad)
                {
                    return Err(Problem::Nested {
                        key: key.to_string(),
                        line: line_no,
                    });
                }
            }
            Kind::BeforeHeader => return Err(Problem::BeforeHeader { line: line_no }),
            Kind::NotKeyValue => return Err(Problem::NotKeyValue { line: line_no }),
            Kind::EmptyKey => return Err(Problem::EmptyKey { line: line_no }),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The reader
// ---------------------------------------------------------------------------------------

/// One `[header]` line and the lines up to the next one, as byte offsets into the text
/// (kept small: a file may hold thousands).
#[derive(Debug, Clone)]
struct Header {
    /// The exact name.
    name: (u32, u32),
    /// The lines after the header line, up to the next header's line.
    body: (u32, u32),
    /// The next header of this name (a repeated section), or [`NONE`].
    next: u32,
    /// False for a repeat of an earlier header's name.
    first: bool,
    /// On a name's first header, the section as `section` gives it, read on first use; on
    /// [`DEFAULT_SECTION`]'s, its own keys.
    merged: OnceCell<Box<Section>>,
}

const NONE: u32 = u32::MAX;

/// Who hears, with the file's name, what botocore refuses in it.
pub type Report = fn(&str, &Problem);

#[derive(Debug, Clone)]
pub struct Ini {
    text: String,
    headers: Vec<Header>,
    /// Hash of a name → its first and last headers. A name not in here (nor in `collided`)
    /// is in no header.
    index: HashMap<u64, (u32, u32), BuildHasherDefault<Prehashed>>,
    /// Names whose hash an earlier name has → their first and last headers.
    collided: HashMap<Box<str>, (u32, u32)>,
    hash: fn(&str) -> u64,
    /// The config file's profiles whose header is not plainly `[profile NAME]`: (profile,
    /// header), read on first use (see [`Ini::profile`]).
    odd_profiles: OnceCell<Vec<(String, u32)>>,
    /// The text started with a byte-order mark, which was dropped.
    bom: bool,
    /// Who hears what botocore refuses, and the file's name for it (see [`Ini::reporting`]).
    report: Option<(Box<str>, Report)>,
    reported: Cell<bool>,
}

impl Default for Ini {
    fn default() -> Ini {
        Ini::from_text(String::new())
    }
}

impl Ini {
    pub fn parse(text: &str) -> Ini {
        Self::from_text(text.to_string())
    }

    /// `parse` without a copy of the text.
    pub fn from_text(text: String) -> Ini {
        Self::with_hash(text, fnv1a)
    }

    fn with_hash(mut text: String, hash: fn(&str) -> u64) -> Ini {
        // botocore refuses the file (`reporting` says so); its first section is still read.
        let bom = text.starts_with('\u{feff}');
        if bom {
            text.drain(..'\u{feff}'.len_utf8());
        }
        // Offsets are u32: a file of 4 GiB is no AWS config file; read no further than that.
        let mut limit = text.len().min(u32::MAX as usize);
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        // About one header per 64 bytes in files of many profiles: growing by doubling
        // would copy and rehash, and touch more fresh pages, than sizing once.
        let guess = limit / 64;
        let mut ini = Ini {
            text: String::new(),
            headers: Vec::with_capacity(guess),
            index: HashMap::with_capacity_and_hasher(guess, Default::default()),
            collided: HashMap::new(),
            hash,
            odd_profiles: OnceCell::new(),
            bom,
            report: None,
            reported: Cell::new(false),
        };
        ini.find_headers(&text[..limit]);
        ini.text = text;
        ini
    }

    /// This reader, telling `report` (with `path`) the first thing botocore refuses that it
    /// sees: a byte-order mark or a repeated section now, from the headers alone (and a
    /// repeated key of `[DEFAULT]`); a repeated key of another section when it is read. Once per file, and no full scan of the
    /// text: the cache-hit path reads files of thousands of profiles to use a few.
    pub fn reporting(mut self, path: &str, report: Report) -> Ini {
        self.report = Some((path.into(), report));
        if self.bom {
            self.tell(Problem::ByteOrderMark);
        } else if let Some(repeat) = (0..self.headers.len())
            .find(|&i| !self.headers[i].first && self.name(i) != DEFAULT_SECTION)
        {
            let name = self.name(repeat);
            let first = self
                .first_header(name)
                .expect("a repeat has a first header");
            self.tell(Problem::DuplicateSection {
                name: name.to_string(),
                first: self.line_at(self.headers[first].name.0 as usize),
                line: self.line_at(self.headers[repeat].name.0 as usize),
            });
        }
        // `[DEFAULT]` is read now: its keys are in every section, even when there is none.
        self.defaults();
        self
    }

    fn tell(&self, problem: Problem) {
        if let Some((path, report)) = &self.report
            && !self.reported.replace(true)
        {
            report(path, &problem);
        }
    }

    /// The line number of a byte offset.
    fn line_at(&self, offset: usize) -> usize {
        1 + lines(&self.text[..offset])
            .filter(|line| !line.ending.is_empty())
            .count()
    }

    /// The first key repeated in the bodies of a section (its first header's index).
    fn repeated_key(&self, first: usize) -> Option<Problem> {
        let mut seen: HashMap<Cow<str>, usize> = HashMap::new();
        let mut at = first as u32;
        while at != NONE {
            let (from, to) = self.headers[at as usize].body;
            let mut scanner = Scanner::after_header();
            for line in lines(&self.text[from as usize..to as usize]) {
                if let Kind::Key { key, .. } = scanner.classify(line.text) {
                    let line_no = self.line_at(from as usize + line.at);
                    if let Some(&first_line) = seen.get(&fold_key(key)) {
                        return Some(Problem::DuplicateKey {
                            section: self.name(first).to_string(),
                            key: fold_key(key).into_owned(),
                            first: first_line,
                            line: line_no,
                        });
                    }
                    seen.insert(fold_key(key), line_no);
                }
            }
            at = self.headers[at as usize].next;
        }
        None
    }

    /// Every header line, in order, as [`Scanner`] judges it, without judging every line:
    /// a header's line starts with `[` after white space, and one in the first column is a
    /// header whatever came before. Only an indented one may continue a value, so only
    /// then are the lines since the last header judged.
    fn find_headers(&mut self, text: &str) {
        let not_break = |c: char| is_space(c) && c != '\n' && c != '\r';
        // The scanner's state is the one before the line that starts at `scanned`.
        let mut scanner = Scanner::default();
        let mut scanned = 0;
        for (at, _) in text.match_indices('[') {
            if at < scanned {
                continue; // on a line judged already
            }
            let line_at = match at {
                0 => 0,
                _ if matches!(text.as_bytes()[at - 1], b'\n' | b'\r') => at,
                _ => {
                    let before = text[..at].trim_end_matches(not_break);
                    if !before.is_empty() && !before.ends_with(['\n', '\r']) {
                        continue; // not the first character of its line
                    }
                    before.len()
                }
            };
            let line = lines(&text[line_at..]).next().expect("a '[' is on a line");
            let body = line_at + line.text.len() + line.ending.len();
            let Some(name) = header_name(strip(line.text)) else {
                continue;
            };
            if line_at != at {
                for line in lines(&text[scanned..line_at]) {
                    scanner.classify(line.text);
                }
                let kind = scanner.classify(line.text);
                scanned = body;
                if kind != Kind::Header(name) {
                    continue; // it continues the value above it
                }
            }
            scanner = Scanner::after_header();
            scanned = body;
            let from = name.as_ptr() as usize - text.as_ptr() as usize;
            self.push_header(text, line_at, (from, from + name.len()), body);
        }
    }

    fn push_header(&mut self, text: &str, line_at: usize, name: (usize, usize), body: usize) {
        if let Some(last) = self.headers.last_mut() {
            last.body.1 = line_at as u32;
        }
        let i = self.headers.len() as u32;
        let name_text = &text[name.0..name.1];
        let hash = (self.hash)(name_text);
        let same = |h: &Header| &text[h.name.0 as usize..h.name.1 as usize] == name_text;
        // The first and last headers of this name so far, if it had one.
        let seen = match self.index.get(&hash) {
            None => {
                self.index.insert(hash, (i, i));
                None
            }
            Some(&(first, _)) if same(&self.headers[first as usize]) => self.index.get_mut(&hash),
            Some(_) if self.collided.contains_key(name_text) => self.collided.get_mut(name_text),
            Some(_) => {
                self.collided.insert(name_text.into(), (i, i));
                None
            }
        };
        let first = match seen {
            Some((_, last)) => {
                self.headers[*last as usize].next = i;
                *last = i;
                false
            }
            None => true,
        };
        self.headers.push(Header {
            name: (name.0 as u32, name.1 as u32),
            body: (body as u32, text.len() as u32),
            next: NONE,
            first,
            merged: OnceCell::new(),
        });
    }

    fn name(&self, header: usize) -> &str {
        let (from, to) = self.headers[header].name;
        &self.text[from as usize..to as usize]
    }

    fn first_header(&self, name: &str) -> Option<usize> {
        match self.index.get(&(self.hash)(name)) {
            None => None,
            Some(&(first, _)) if self.name(first as usize) == name => Some(first as usize),
            Some(_) => self.collided.get(name).map(|&(first, _)| first as usize),
        }
    }

    /// The section as botocore reads it: the keys of all its occurrences (botocore refuses a
    /// repeated section; here later keys win), then those of `[DEFAULT]` it lacks. None for
    /// `DEFAULT` itself.
    pub fn section(&self, name: &str) -> Option<&Section> {
        if name == DEFAULT_SECTION {
            return None;
        }
        Some(self.view(self.first_header(name)?))
    }

    /// Every section but `[DEFAULT]`, in the order of their first headers.
    pub fn sections(&self) -> Vec<&Section> {
        (0..self.headers.len())
            .filter(|&i| self.headers[i].first && self.name(i) != DEFAULT_SECTION)
            .map(|i| self.view(i))
            .collect()
    }

    /// The config file's section of a profile, as botocore's `build_profile_map` finds it:
    /// `[default]`, or a header that starts with `profile` and splits as a shell would
    /// (`shlex.split`) into exactly two words, the second the name (`[profile  p]`,
    /// `[profile "my dev"]`, `[profile a]b]`); of several, the last in the file.
    pub fn profile(&self, profile: &str) -> Option<&Section> {
        let plain = format!("profile {profile}");
        let mut best = [plain.as_str(), "default"]
            .into_iter()
            .filter_map(|name| self.first_header(name))
            .filter(|&i| profile_of_header(self.name(i)).as_deref() == Some(profile))
            .max();
        for (name, at) in self.odd_profiles() {
            if name == profile && best.is_none_or(|b| *at as usize > b) {
                best = Some(*at as usize);
            }
        }
        best.map(|i| self.view(i))
    }

    /// Every profile the config file names, in the order of their headers, each once.
    pub fn profile_names(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        (0..self.headers.len())
            .filter(|&i| self.headers[i].first)
            .filter_map(|i| profile_of_header(self.name(i)).map(Cow::into_owned))
            .filter(|name| seen.insert(name.clone()))
            .collect()
    }

    /// The profiles of headers other than `[default]` and a plain `[profile NAME]`: the
    /// few the fast lookup by name cannot find.
    fn odd_profiles(&self) -> &[(String, u32)] {
        self.odd_profiles.get_or_init(|| {
            (0..self.headers.len())
                .filter(|&i| self.headers[i].first)
                .filter_map(|i| match profile_of_header(self.name(i))? {
                    Cow::Owned(name) => Some((name, i as u32)),
                    Cow::Borrowed(_) => None,
                })
                .collect()
        })
    }

    /// The keys of a section's own lines, without those of `[DEFAULT]`.
    pub fn own_section(&self, name: &str) -> Option<Section> {
        Some(self.own(self.first_header(name)?))
    }

    fn view(&self, first: usize) -> &Section {
        self.headers[first].merged.get_or_init(|| {
            let mut section = self.own(first);
            if let Some(defaults) = self.defaults() {
                let own = section.entries.len();
                for (key, value) in &defaults.entries {
                    if !section.entries[..own].iter().any(|(k, _)| k == key) {
                        section.entries.push((key.clone(), value.clone()));
                    }
                }
            }
            Box::new(section)
        })
    }

    fn defaults(&self) -> Option<&Section> {
        let first = self.first_header(DEFAULT_SECTION)?;
        Some(
            self.headers[first]
                .merged
                .get_or_init(|| Box::new(self.own(first))),
        )
    }

    fn own(&self, first: usize) -> Section {
        let mut entries = Vec::new();
        let mut at = first as u32;
        while at != NONE {
            let header = &self.headers[at as usize];
            let (from, to) = header.body;
            read_entries(&self.text[from as usize..to as usize], &mut entries);
            at = header.next;
        }
        let repeats =
            |e: &[(String, String)]| (1..e.len()).any(|i| e[..i].iter().any(|(k, _)| *k == e[i].0));
        if self.report.is_some()
            && !self.reported.get()
            && repeats(&entries)
            && let Some(problem) = self.repeated_key(first)
        {
            self.tell(problem);
        }
        Section {
            name: self.name(first).to_string(),
            entries,
        }
    }
}

/// The keys of a section's body: values joined with their continuation lines (and the blank
/// lines among them), as configparser joins them.
fn read_entries(body: &str, entries: &mut Vec<(String, String)>) {
    let finish = |entries: &mut Vec<(String, String)>, key: Option<usize>| {
        if let Some(value) = key.map(|i| &mut entries[i].1) {
            value.truncate(rstrip(value).len());
        }
    };
    let mut scanner = Scanner::after_header();
    let mut current = None;
    for line in lines(body) {
        match scanner.classify(line.text) {
            Kind::Key { key, value, .. } => {
                finish(entries, current);
                entries.push((fold_key(key).into_owned(), value.to_string()));
                current = Some(entries.len() - 1);
            }
            Kind::Continuation(text) => {
                if let Some(i) = current {
                    entries[i].1.push('\n');
                    entries[i].1.push_str(text);
                }
            }
            Kind::Blank => {
                if let Some(i) = current {
                    entries[i].1.push('\n');
                }
            }
            Kind::EmptyKey => {
                finish(entries, current);
                current = None;
            }
            Kind::Comment | Kind::NotKeyValue | Kind::Header(_) | Kind::BeforeHeader => {}
        }
    }
    finish(entries, current);
}

/// The index's keys are hashes already: use them as they are.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed here; fold anything else in all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// FNV-1a: a fast, stable hash for the name index.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(ini: &Ini, name: &str) -> Vec<(String, String)> {
        ini.section(name)
            .unwrap_or_else(|| panic!("no [{name}]"))
            .entries
            .clone()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn names(ini: &Ini) -> Vec<&str> {
        ini.sections().iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn parses_sections_keys_and_comments() {
        let ini = Ini::parse(
            "# comment\n[default]\nregion = eu-west-1\r\n; other\n[profile dev]\n\
             Role_Arn=arn:aws:iam::123456789012:role/A\ns3 =\n  max_concurrent_requests = 2\n\
             mfa_serial: arn:aws:iam::123456789012:mfa/alice\n[profile dev]\nregion = us-east-2\n",
        );
        assert_eq!(ini.sections().len(), 2);
        assert_eq!(
            ini.section("default").unwrap().get("region"),
            Some("eu-west-1")
        );
        let dev = ini.section("profile dev").unwrap();
        assert_eq!(
            dev.get("role_arn"),
            Some("arn:aws:iam::123456789012:role/A")
        );
        assert_eq!(
            dev.get("mfa_serial"),
            Some("arn:aws:iam::123456789012:mfa/alice")
        );
        assert_eq!(dev.get("region"), Some("us-east-2"));
        assert_eq!(dev.get("max_concurrent_requests"), None);
        // A nested value is kept as configparser joins it, and is no value to `get`; nor is
        // one continued by an indented line.
        assert!(
            dev.entries
                .contains(&("s3".into(), "\nmax_concurrent_requests = 2".into()))
        );
        assert_eq!(dev.get("s3"), None);
    }

    #[test]
    fn config_headers_name_profiles_as_shlex_splits_them() {
        // Python's answers (shlex.split, then botocore's two-word rule).
        let cases: &[(&str, Option<&str>)] = &[
            ("default", Some("default")),
            ("profile p", Some("p")),
            ("profile  p", Some("p")),
            ("profile\tp", Some("p")),
            ("profile \"p q\"", Some("p q")),
            ("profile 'p'", Some("p")),
            ("profile p\"q r\"s", Some("pq rs")),
            ("profile a\\ b", Some("a b")),
            ("profile \"a\\\"b\"", Some("a\"b")),
            ("profile \"a\\xb\"", Some("a\\xb")),
            ("profile \"p", None),
            ("profile p\\", None),
            ("profile", None),
            ("profilex p", Some("p")),
            ("profile \"\"", Some("")),
            ("profile p q", None),
            (" profile p", None),
            (" default ", None),
            ("profile\u{3000}p", None),
            ("profile a]b", Some("a]b")),
        ];
        for (header, profile) in cases {
            assert_eq!(profile_of_header(header).as_deref(), *profile, "{header:?}");
        }
    }

    #[test]
    fn every_name_collides_and_every_section_is_still_found() {
        let text = "[a]\nk = 1\n[b]\nk = 2\n[a]\nj = 3\n[c]\n[b]\nj = 4\n";
        let ini = Ini::with_hash(text.to_string(), |_| 0);
        assert_eq!(names(&ini), ["a", "b", "c"]);
        assert_eq!(entries(&ini, "a"), pairs(&[("k", "1"), ("j", "3")]));
        assert_eq!(entries(&ini, "b"), pairs(&[("k", "2"), ("j", "4")]));
        assert!(entries(&ini, "c").is_empty());
        assert!(ini.section("d").is_none());
    }

    #[test]
    fn empty_values_count_as_absent() {
        let ini = Ini::parse("[a]\nregion =\n");
        assert_eq!(ini.section("a").unwrap().get("region"), None);
    }

    #[test]
    fn header_names_are_exact_and_end_at_the_last_bracket() {
        // As configparser reads them (checked against botocore 1.43): `[b` is no header but
        // a line botocore refuses, and `  [d]` continues the value of k.
        let ini = Ini::parse("[ a ] ; note\nk = 1\n[profile x]y]\n  [c]\nk = 3\n  [d]\n[b\n");
        assert_eq!(names(&ini), [" a ", "profile x]y", "c"]);
        assert_eq!(entries(&ini, " a "), pairs(&[("k", "1")]));
        assert!(entries(&ini, "profile x]y").is_empty());
        assert_eq!(entries(&ini, "c"), pairs(&[("k", "3\n[d]")]));
        assert!(ini.section("a").is_none() && ini.section("d").is_none());
    }

    #[test]
    fn indentation_counts_against_the_line_that_started_the_key() {
        let text = "[dev]\n    aws_access_key_id = AKIA\n    aws_secret_access_key = s\n\
                    \x20 region = x\n      more\n\n      and more\n  output = json\n\
                    \u{1c}\u{1c}[next]\nk =\n\u{3000}a = 1\n";
        let ini = Ini::parse(text);
        assert_eq!(names(&ini), ["dev", "next"]);
        assert_eq!(
            entries(&ini, "dev"),
            pairs(&[
                ("aws_access_key_id", "AKIA"),
                ("aws_secret_access_key", "s"),
                ("region", "x\nmore\n\nand more"),
                ("output", "json"),
            ])
        );
        assert_eq!(entries(&ini, "next"), pairs(&[("k", "\na = 1")]));
        let dev = ini.section("dev").unwrap();
        assert_eq!((dev.get("region"), dev.get("output")), (None, Some("json")));
        assert_eq!(check(text), Ok(()));
    }

    #[test]
    fn an_indented_header_is_one_unless_it_continues_a_value() {
        let ini = Ini::parse("  [a]\n  k = 1\n  [b]\n k = 2\n  [c]\n");
        assert_eq!(names(&ini), ["a", "b"]);
        assert_eq!(entries(&ini, "b"), pairs(&[("k", "2\n[c]")]));
    }

    #[test]
    fn lines_end_at_lf_crlf_and_a_lone_cr() {
        let ini = Ini::parse("[a]\rk = 1\r[b]\r\nk = 2\r\r\n[c]\nk = 3");
        assert_eq!(names(&ini), ["a", "b", "c"]);
        assert_eq!(entries(&ini, "b"), pairs(&[("k", "2")]));
        assert_eq!(entries(&ini, "c"), pairs(&[("k", "3")]));
        let split: Vec<_> = lines("a\rb\r\n\r\rc").map(|l| (l.text, l.ending)).collect();
        assert_eq!(
            split,
            [
                ("a", "\r"),
                ("b", "\r\n"),
                ("", "\r"),
                ("", "\r"),
                ("c", "")
            ]
        );
    }

    #[test]
    fn keys_fold_as_python_lowercases() {
        let ini = Ini::parse("[a]\nAWS_Access_\u{212a}ey_ID = AKIA\nRÉGION = x\n");
        assert_eq!(
            entries(&ini, "a"),
            pairs(&[("aws_access_key_id", "AKIA"), ("région", "x")])
        );
    }

    #[test]
    fn default_keys_show_in_every_section_that_lacks_them() {
        let ini = Ini::parse("[DEFAULT]\nregion = x\noutput = json\n[a]\nregion = y\n[b]\n");
        assert_eq!(names(&ini), ["a", "b"]);
        assert_eq!(
            entries(&ini, "a"),
            pairs(&[("region", "y"), ("output", "json")])
        );
        assert_eq!(
            entries(&ini, "b"),
            pairs(&[("region", "x"), ("output", "json")])
        );
        assert!(ini.section("DEFAULT").is_none());
        assert_eq!(ini.own_section("b").unwrap().entries, []);
    }

    #[test]
    fn check_names_the_first_line_botocore_refuses() {
        let cases: &[(&str, Problem)] = &[
            ("\u{feff}[a]\n", Problem::ByteOrderMark),
            ("# ok\nk = 1\n[a]\n", Problem::BeforeHeader { line: 2 }),
            ("[a]\nk = 1\njunk\n", Problem::NotKeyValue { line: 3 }),
            ("[a]\n = 1\n", Problem::EmptyKey { line: 2 }),
            (
                "[a]\n[b]\r[a]\n",
                Problem::DuplicateSection {
                    name: "a".into(),
                    first: 1,
                    line: 3,
                },
            ),
            (
                "[a]\nK = 1\n[DEFAULT]\nk = 2\n[DEFAULT]\nk : 3\n",
                Problem::DuplicateKey {
                    section: "DEFAULT".into(),
                    key: "k".into(),
                    first: 4,
                    line: 6,
                },
            ),
            (
                "[a]\ns3 =\n  x = 1\n\n  y\n",
                Problem::Nested {
                    key: "s3".into(),
                    line: 5,
                },
            ),
            (
                "[a]\ns3 =\n  x = 1\u{2028}y\n",
                Problem::Nested {
                    key: "s3".into(),
                    line: 3,
                },
            ),
        ];
        for (text, problem) in cases {
            assert_eq!(check(text).as_ref(), Err(problem), "{text:?}");
        }
        for fine in [
            "",
            "\n# c\n  ; c\n[a]\n[DEFAULT]\n[DEFAULT]\nk = 1\n[b]\nk = 1\n",
            "[a]\nk = x\n  y\n  [b]\n",
            "[a]\ns3 =\n  x = 1\n  # c\n\n  y = 2\n",
        ] {
            assert_eq!(check(fine), Ok(()), "{fine:?}");
        }
        assert_eq!(
            Problem::DuplicateSection {
                name: "a\u{1b}[2J\u{202e}".into(),
                first: 1,
                line: 2
            }
            .to_string(),
            "line 2 repeats the section [a\\u{1b}[2J\\u{202e}] of line 1"
        );
    }

    #[test]
    fn reading_every_section_takes_time_linear_in_the_file() {
        // 4 times the sections: about 4 times the time, not 16 (each section's lookup once
        // compared the names of all the headers after its own).
        let file = |n: usize| -> String {
            (0..n)
                .map(|i| format!("[profile p{i}]\nregion = eu-west-1\n\n"))
                .collect()
        };
        // The CPU time of this thread, not the wall clock: other processes' load is not counted.
        let cpu = || {
            let mut ts = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: clock_gettime writes one timespec, which `ts` is.
            let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
            assert_eq!(rc, 0, "clock_gettime");
            std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
        };
        let once = |text: &str, n: usize| {
            let start = cpu();
            assert_eq!(Ini::parse(text).sections().len(), n);
            cpu() - start
        };
        let (small, large) = (file(4_000), file(16_000));
        // The best of several interleaved runs each.
        let (mut best_small, mut best_large) = (std::time::Duration::MAX, std::time::Duration::MAX);
        for _ in 0..7 {
            best_small = best_small.min(once(&small, 4_000));
            best_large = best_large.min(once(&large, 16_000));
        }
        let ratio = best_large.as_secs_f64() / best_small.as_secs_f64();
        assert!(
            ratio < 8.0,
            "4 times the sections took {ratio:.1} times as long"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use proptest::sample::select;

        /// Every header as judging every line from the top finds them: (line start, name).
        fn headers_line_by_line(text: &str) -> Vec<(usize, &str)> {
            let mut scanner = Scanner::default();
            lines(text)
                .filter_map(|line| match scanner.classify(line.text) {
                    Kind::Header(name) => Some((line.at, name)),
                    _ => None,
                })
                .collect()
        }

        fn text() -> impl Strategy<Value = String> {
            let indent = select(vec!["", "", "", " ", "  ", "\t", "\u{3000}", "\u{1f}"]);
            let body = select(vec![
                "[a]", "[b]", "[a] ; x", "[ab", "[]", "[]]", "k = v", "k =", "x", "# c", "; c", "",
                "a[b]", "[a]=1", "= v",
            ]);
            let ending = select(vec!["\n", "\n", "\r\n", "\r"]);
            prop::collection::vec((indent, body, ending), 0..24).prop_map(|lines| {
                lines
                    .into_iter()
                    .map(|(indent, body, ending)| format!("{indent}{body}{ending}"))
                    .collect()
            })
        }

        proptest! {
            #![proptest_config(proptest::test_runner::Config {
                failure_persistence: None,
                ..Default::default()
            })]

            #[test]
            fn the_lazy_reader_finds_the_headers_the_scanner_finds(text in text()) {
                let ini = Ini::parse(&text);
                let lazy: Vec<&str> = (0..ini.headers.len()).map(|i| ini.name(i)).collect();
                let full: Vec<&str> =
                    headers_line_by_line(&text).into_iter().map(|(_, name)| name).collect();
                prop_assert_eq!(lazy, full);
                // Each body ends where the next header's line starts.
                let starts: Vec<u32> =
                    headers_line_by_line(&text).iter().skip(1).map(|&(at, _)| at as u32).collect();
                let ends: Vec<u32> = ini.headers.iter().map(|h| h.body.1).collect();
                prop_assert_eq!(&ends[..starts.len()], &starts[..]);
            }
        }
    }
}
