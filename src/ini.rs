//! Read-only parser for the AWS config and credentials files.
//!
//! Follows what botocore's configparser accepts: `[section]` headers, `key = value` or
//! `key: value`, `#` and `;` comment lines, keys folded to lower case, indented lines
//! (nested settings such as `s3 =`) skipped. A repeated section is merged, later keys winning.
//!
//! Lazy, because the cache-hit path reads files of thousands of profiles to use two or
//! three: `parse` only finds the headers; a section's lines are read when it is looked up.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub entries: Vec<(String, String)>,
}

impl Section {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// One `[header]` line and the lines up to the next one, as byte offsets into the text
/// (kept small: a file may hold thousands).
#[derive(Debug, Clone)]
struct Header {
    /// The trimmed name; `start == end` and `unclosed` for a header line with no `]`.
    name: (u32, u32),
    unclosed: bool,
    body: (u32, u32),
    /// Every occurrence of this name merged, read on first use (kept on the first occurrence).
    merged: OnceCell<Box<Section>>,
}

#[derive(Debug, Default, Clone)]
pub struct Ini {
    text: String,
    headers: Vec<Header>,
    /// Hash of a name → its first header. A name not in here is in no header.
    index: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
}

impl Ini {
    pub fn parse(text: &str) -> Ini {
        Self::from_text(text.to_string())
    }

    /// `parse` without a copy of the text.
    pub fn from_text(text: String) -> Ini {
        // Offsets are u32: a file of 4 GiB is no AWS config file; read no further than that.
        let limit = text.len().min(u32::MAX as usize);
        // About one header per 64 bytes in files of many profiles: growing by doubling
        // would copy and rehash, and touch more fresh pages, than sizing once.
        let guess = limit / 64;
        let mut headers: Vec<Header> = Vec::with_capacity(guess);
        let mut index = HashMap::with_capacity_and_hasher(guess, Default::default());
        // A header starts in the first column: a '[' at the start of the text or after a '\n'.
        let bytes = text.as_bytes();
        let starts = text[..limit]
            .match_indices('[')
            .map(|(at, _)| at)
            .filter(|&at| at == 0 || bytes[at - 1] == b'\n');
        for start in starts {
            let line_end = text[start..limit]
                .find('\n')
                .map_or(limit, |n| start + n + 1);
            if let Some(last) = headers.last_mut() {
                last.body.1 = start as u32;
            }
            let rest = &text[start + 1..line_end];
            let (name, unclosed) = match rest.find(']') {
                Some(end) => {
                    let raw = &rest[..end];
                    let from = start + 1 + (raw.len() - raw.trim_start().len());
                    let name = (from as u32, (from + raw.trim().len()) as u32);
                    index.entry(fnv1a(raw.trim())).or_insert(headers.len());
                    (name, false)
                }
                None => ((0, 0), true),
            };
            headers.push(Header {
                name,
                unclosed,
                body: (line_end as u32, limit as u32),
                merged: OnceCell::new(),
            });
        }
        Ini {
            text,
            headers,
            index,
        }
    }

    fn name(&self, header: &Header) -> Option<&str> {
        let (from, to) = header.name;
        (!header.unclosed).then(|| &self.text[from as usize..to as usize])
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        let first = match self.index.get(&fnv1a(name)) {
            None => return None,
            Some(&i) if self.name(&self.headers[i]) == Some(name) => i,
            // Two names with one hash: look for this one the slow way.
            Some(_) => self
                .headers
                .iter()
                .position(|h| self.name(h) == Some(name))?,
        };
        let merged = self.headers[first]
            .merged
            .get_or_init(|| Box::new(self.merge(first, name)));
        Some(merged)
    }

    /// Every section, in the order of their first headers.
    pub fn sections(&self) -> Vec<&Section> {
        let mut seen = HashSet::new();
        self.headers
            .iter()
            .filter_map(|h| self.name(h))
            .filter(|name| seen.insert(*name))
            .filter_map(|name| self.section(name))
            .collect()
    }

    fn merge(&self, first: usize, name: &str) -> Section {
        let mut entries = Vec::new();
        for header in &self.headers[first..] {
            if self.name(header) == Some(name) {
                let (from, to) = header.body;
                read_entries(&self.text[from as usize..to as usize], &mut entries);
            }
        }
        Section {
            name: name.to_string(),
            entries,
        }
    }
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

fn read_entries(body: &str, entries: &mut Vec<(String, String)>) {
    for raw in body.lines() {
        if raw.starts_with([' ', '\t']) {
            continue; // nested value or continuation line
        }
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let Some(at) = line.find(['=', ':']) else {
            continue;
        };
        let key = line[..at].trim().to_ascii_lowercase();
        let value = line[at + 1..].trim().to_string();
        entries.push((key, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn a_hash_collision_still_finds_the_right_section() {
        let mut ini = Ini::parse("[a]\nk = 1\n[b]\nk = 2\n");
        // Pretend "b" hashed like "a": the index names a's header for it.
        ini.index.insert(fnv1a("b"), 0);
        assert_eq!(ini.section("b").unwrap().get("k"), Some("2"));
        assert_eq!(ini.section("a").unwrap().get("k"), Some("1"));
    }

    #[test]
    fn empty_values_count_as_absent() {
        let ini = Ini::parse("[a]\nregion =\n");
        assert_eq!(ini.section("a").unwrap().get("region"), None);
    }

    #[test]
    fn headers_are_trimmed_and_unclosed_ones_own_nothing() {
        let ini = Ini::parse("[ a ] ; note\nk = 1\n[b\nk = 2\n [c]\nk = 3\n[d]");
        let names: Vec<&str> = ini.sections().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "d"]);
        assert_eq!(
            ini.section("a").unwrap().entries,
            [("k".into(), "1".into())]
        );
        assert!(ini.section("d").unwrap().entries.is_empty());
        assert!(ini.section("b").is_none() && ini.section("c").is_none());
    }
}
