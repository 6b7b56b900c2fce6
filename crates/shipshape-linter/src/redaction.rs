//! The one redaction layer: every message and source line a finding carries
//! passes through here before any renderer or baseline sees it, whatever
//! rules ran. It masks the secrets the scan found in the file, every secret
//! a provider pattern recognises, and every credential in a URL's user-info.

use shipshape_diagnostics::Span;

use crate::rule::redact;
use crate::rules::secrets::provider_secrets;

/// Shortest secret text searched for in messages: shorter ones would mask
/// ordinary words.
const MIN_QUOTED_SECRET: usize = 6;

/// `message` with the `known` secrets of its file, provider secrets and URL
/// credentials masked.
pub(crate) fn redact_message(message: &str, known: &[&str]) -> String {
    let mut text = message.to_string();
    for secret in known.iter().filter(|s| s.len() >= MIN_QUOTED_SECRET) {
        if text.contains(secret) {
            text = text.replace(secret, &redact(secret));
        }
    }
    redact_text(&text)
}

/// `text` with provider secrets and URL credentials masked.
pub(crate) fn redact_text(text: &str) -> String {
    let mut spans = provider_secrets(text);
    spans.extend(url_credentials(text));
    mask(text, spans)
}

/// `text` with each span replaced by its redacted form; overlapping spans
/// are merged.
pub(crate) fn mask(text: &str, mut spans: Vec<Span>) -> String {
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort();
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    let mut index = 0;
    while let Some(&first) = spans.get(index) {
        let mut span = first;
        index += 1;
        while let Some(next) = spans.get(index).filter(|n| n.start < span.end) {
            span = span.cover(*next);
            index += 1;
        }
        let (Some(before), Some(secret)) = (text.get(cursor..span.start), text.get(span.start..span.end)) else {
            continue;
        };
        if span.start < cursor {
            continue;
        }
        out.push_str(before);
        out.push_str(&redact(secret));
        cursor = span.end;
    }
    out.push_str(text.get(cursor..).unwrap_or(""));
    out
}

/// The spans of URL user-info credentials: the password of
/// `scheme://user:password@host`, and a token used as the whole user-info
/// (`https://TOKEN@host`). References (`${VAR}`, `$(…)`, `{{…}}`, `<…>`,
/// `%s`) are left visible: they are not secrets.
pub(crate) fn url_credentials(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("://")) {
        let start = from + found + 3;
        from = start;
        let rest = bytes.get(start..).unwrap_or_default();
        let authority_len = rest.iter().position(|c| ends_authority(*c)).unwrap_or(rest.len());
        let Some(authority) = text.get(start..start + authority_len) else { continue };
        let Some(at_sign) = authority.rfind('@') else { continue };
        let userinfo = &authority[..at_sign];
        let (offset, secret) = match userinfo.split_once(':') {
            Some((user, password)) => (user.len() + 1, password),
            None if looks_like_token(userinfo) => (0, userinfo),
            None => continue,
        };
        if secret.is_empty() || is_reference(secret) {
            continue;
        }
        spans.push(Span::new(start + offset, start + offset + secret.len()));
    }
    spans
}

fn ends_authority(c: u8) -> bool {
    c.is_ascii_whitespace()
        || c.is_ascii_control()
        || matches!(c, b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' | b',' | b';' | b'(' | b')')
}

fn is_reference(value: &str) -> bool {
    value.starts_with(['$', '{', '<', '%', '*']) || value.chars().all(|c| c == 'x' || c == 'X' || c == '*')
}

/// A user-info without a password that is a token, not a user name.
fn looks_like_token(userinfo: &str) -> bool {
    userinfo.len() >= 20
        && userinfo.bytes().any(|b| b.is_ascii_digit())
        && userinfo.bytes().any(|b| b.is_ascii_alphabetic())
        && userinfo.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'~' | b'%'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_url_credentials_but_not_references() {
        let password = ["S3cr3t", "Passw0rd"].concat();
        let message = format!("`ADD` downloads `https://deploy:{password}@files.corp/x.tgz` unverified");
        let shown = redact_message(&message, &[]);
        assert!(!shown.contains(&password), "{shown}");
        assert!(shown.contains("https://deploy:S3cr…@files.corp/x.tgz"), "{shown}");
        let token = ["ab12cd34ef56", "gh78ij90kl12"].concat();
        assert!(!redact_text(&format!("git clone https://{token}@git.corp/r.git")).contains(&token));
        for visible in [
            "postgres://app:${DB_PASSWORD}@db/app",
            "https://github.com/org/repo",
            "ssh://git@github.com/org/repo",
            "redis://:%s@cache",
        ] {
            assert_eq!(redact_text(visible), visible);
        }
    }

    #[test]
    fn masks_known_secrets_quoted_in_messages() {
        let secret = ["hunter", "2hunter"].concat();
        let shown = redact_message(&format!("ENV sets `{secret}`"), &[&secret]);
        assert_eq!(shown, "ENV sets `hunt…`");
    }

    #[test]
    fn merges_overlapping_spans() {
        assert_eq!(mask("abcdefghij", vec![Span::new(2, 6), Span::new(4, 8)]), "abcdef…ij");
    }
}
