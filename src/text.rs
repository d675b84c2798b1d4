//! Text from files and from STS on its way to a terminal (docs/design.md §9): control and bidi
//! characters are shown as escapes, never sent raw.

use std::borrow::Cow;

/// Characters that can drive a terminal or reorder what it shows: C0, DEL and C1 controls,
/// the bidi embeddings, overrides, isolates and marks, and the line and paragraph separators.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

pub fn has_unsafe_chars(text: &str) -> bool {
    text.chars().any(is_unsafe_char)
}

/// `text` with each unsafe character written as Rust writes it escaped: `\u{1b}`, `\t`, `\n`.
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !has_unsafe_chars(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text with the unsafe characters that JSON leaves raw (bidi, separators; serde_json
/// escapes the controls) written as `\uXXXX`: the same document, safe on a terminal. They
/// can only stand inside strings.
pub fn json_escaped(json: &str) -> Cow<'_, str> {
    let raw = |c: char| is_unsafe_char(c) && !c.is_control();
    if !json.chars().any(raw) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Time left, written one way everywhere: `11h59m`, `1h05m`, `42m`, `expired`.
pub fn time_left(seconds: i64) -> String {
    if seconds <= 0 {
        return "expired".into();
    }
    let minutes = seconds / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(escaped("plain name"), "plain name");
        assert_eq!(
            escaped("a\u{1b}[2J\u{202e}b\u{2028}\t\u{85}"),
            "a\\u{1b}[2J\\u{202e}b\\u{2028}\\t\\u{85}"
        );
        // serde_json escapes the controls itself; the line breaks between tokens stay.
        let json = "{\n  \"p\": \"a\u{202e}b\"\n}";
        let safe = json_escaped(json);
        assert_eq!(safe, "{\n  \"p\": \"a\\u202eb\"\n}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["p"], "a\u{202e}b");
    }

    #[test]
    fn time_left_reads_as_hours_and_two_digit_minutes() {
        assert_eq!(time_left(-5), "expired");
        assert_eq!(time_left(0), "expired");
        assert_eq!(time_left(59), "0m");
        assert_eq!(time_left(42 * 60), "42m");
        assert_eq!(time_left(3600 + 5 * 60 + 7), "1h05m");
        assert_eq!(time_left(12 * 3600 - 60), "11h59m");
    }
}
