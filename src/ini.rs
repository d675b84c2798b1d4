//! Read-only parser for the AWS config and credentials files.
//!
//! Follows what botocore's configparser accepts: `[section]` headers, `key = value` or
//! `key: value`, `#` and `;` comment lines, keys folded to lower case, indented lines
//! (nested settings such as `s3 =`) skipped. A repeated section is merged, later keys winning.

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

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ini {
    pub sections: Vec<Section>,
}

impl Ini {
    pub fn parse(text: &str) -> Ini {
        let mut sections: Vec<Section> = Vec::new();
        // Index into `sections` of the section being filled; None before the first header.
        let mut current: Option<usize> = None;
        for raw in text.lines() {
            if raw.starts_with([' ', '\t']) {
                continue; // nested value or continuation line
            }
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let Some(end) = rest.find(']') else {
                    current = None;
                    continue;
                };
                let name = rest[..end].trim();
                current = Some(match sections.iter().position(|s| s.name == name) {
                    Some(i) => i,
                    None => {
                        sections.push(Section {
                            name: name.to_string(),
                            entries: Vec::new(),
                        });
                        sections.len() - 1
                    }
                });
                continue;
            }
            let (Some(i), Some(at)) = (current, line.find(['=', ':'])) else {
                continue;
            };
            let key = line[..at].trim().to_ascii_lowercase();
            let value = line[at + 1..].trim().to_string();
            sections[i].entries.push((key, value));
        }
        Ini { sections }
    }

    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
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
        assert_eq!(ini.sections.len(), 2);
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
    fn empty_values_count_as_absent() {
        let ini = Ini::parse("[a]\nregion =\n");
        assert_eq!(ini.section("a").unwrap().get("region"), None);
    }
}
