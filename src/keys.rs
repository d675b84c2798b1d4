//! What makes a section long-term or short-term: one definition, used by the resolver (where
//! the long-term keys are), the guard (what is never overwritten) and the editor.
//!
//! A section is read through a lookup of its keys, so the same rule applies to one
//! section of one file and to a profile merged from both files.

pub const ACCESS_KEY_ID: &str = "aws_access_key_id";
pub const SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
/// `aws_security_token` is boto2's name for the session token; botocore reads both.
pub const SESSION_TOKEN_KEYS: [&str; 2] = ["aws_session_token", "aws_security_token"];

fn has<'a>(get: &impl Fn(&str) -> Option<&'a str>, key: &str) -> bool {
    get(key).is_some_and(|v| !v.is_empty())
}

/// Short-term: the section holds a session token, under either name.
pub fn is_short_term<'a>(get: impl Fn(&str) -> Option<&'a str>) -> bool {
    SESSION_TOKEN_KEYS.iter().any(|k| has(&get, k))
}

/// The long-term key pair to sign with: both halves, and no session token.
pub fn long_term_pair<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Option<(&'a str, &'a str)> {
    if is_short_term(&get) {
        return None;
    }
    let id = get(ACCESS_KEY_ID).filter(|v| !v.is_empty())?;
    let secret = get(SECRET_ACCESS_KEY).filter(|v| !v.is_empty())?;
    Some((id, secret))
}

/// Worth keeping: either half of a long-term key, and no session token (half a key pair
/// is still a secret nobody can get back once overwritten).
pub fn has_long_term_key<'a>(get: impl Fn(&str) -> Option<&'a str>) -> bool {
    !is_short_term(&get) && (has(&get, ACCESS_KEY_ID) || has(&get, SECRET_ACCESS_KEY))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section<'a>(entries: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        move |key| entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    #[test]
    fn either_token_name_makes_a_section_short_term() {
        for token in SESSION_TOKEN_KEYS {
            let s = [
                (ACCESS_KEY_ID, "ASIA"),
                (SECRET_ACCESS_KEY, "s"),
                (token, "t"),
            ];
            assert!(is_short_term(section(&s)), "{token}");
            assert_eq!(long_term_pair(section(&s)), None, "{token}");
            assert!(!has_long_term_key(section(&s)), "{token}");
        }
    }

    #[test]
    fn a_pair_signs_and_half_a_pair_is_kept() {
        let pair = [(ACCESS_KEY_ID, "AKIA"), (SECRET_ACCESS_KEY, "s")];
        assert_eq!(long_term_pair(section(&pair)), Some(("AKIA", "s")));
        let half = [(ACCESS_KEY_ID, "AKIA")];
        assert_eq!(long_term_pair(section(&half)), None);
        assert!(has_long_term_key(section(&half)));
        let empty_token = [
            (ACCESS_KEY_ID, "AKIA"),
            (SECRET_ACCESS_KEY, "s"),
            ("aws_session_token", ""),
        ];
        assert!(long_term_pair(section(&empty_token)).is_some());
    }
}
