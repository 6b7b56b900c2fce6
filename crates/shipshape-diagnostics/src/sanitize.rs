//! The one filter between file contents and any output: control characters
//! (C0 but tab, DEL, C1) and the Unicode format characters that reorder or
//! hide text (bidirectional overrides and isolates, zero-width marks) are
//! shown as `\u{…}` escapes, so that no scanned file can move the cursor,
//! set the clipboard (OSC 52), ring the bell or start a new output line
//! (a CI log command such as `::error::`).

use std::borrow::Cow;

/// True for characters that must never reach a terminal or a log raw.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `text` with every unsafe character escaped as `\u{HEX}`; borrowed when
/// there is none.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_or_log_would_act_on() {
        assert_eq!(sanitize("plain\ttext …"), "plain\ttext …");
        assert_eq!(sanitize("a\x1b]52;c;SGk=\x07b"), "a\\u{1b}]52;c;SGk=\\u{7}b");
        assert_eq!(sanitize("x\n::error file=a::y\r"), "x\\u{a}::error file=a::y\\u{d}");
        assert_eq!(sanitize("\u{9b}31m\u{202e}txt"), "\\u{9b}31m\\u{202e}txt");
        assert!(!sanitize("\u{7f}").chars().any(is_unsafe_char));
    }
}
